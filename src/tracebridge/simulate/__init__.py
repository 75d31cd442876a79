"""A reproducible synthetic world of cross-border fraud: scam campaigns and their rotating
infrastructure, complaints, FTC Do Not Call rows, call detail records with SHAKEN tokens, money
trails, and the ground truth of all of it. Pure Python: nothing here imports Django."""

from tracebridge.simulate.knobs import Knobs
from tracebridge.simulate.runner import (
    FILES,
    SCALES,
    Progress,
    WorldSummary,
    generate,
    load_complaint_truth,
    sizes,
)

__all__ = [
    "FILES",
    "SCALES",
    "Knobs",
    "Progress",
    "WorldSummary",
    "generate",
    "load_complaint_truth",
    "sizes",
]
