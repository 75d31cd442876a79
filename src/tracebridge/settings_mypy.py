"""The settings django-stubs' mypy plugin loads (``[tool.django-stubs]`` in pyproject.toml).

They are the node's own settings, in development mode: type checking starts no node, so it
needs no secret key, and ``mypy src/tracebridge`` works without a node's environment. The
module refuses to load anywhere but inside mypy, so it can never configure a running node.
"""

from __future__ import annotations

import os
import sys

if "mypy" not in sys.modules:
    raise ImportError(
        "tracebridge.settings_mypy is for mypy only; a node uses tracebridge.settings"
    )
os.environ["TRACEBRIDGE_DEBUG"] = "1"

from tracebridge.settings import *  # noqa: F403
