"""The console script of installs made before the node package (issue 22.8) names
``tracebridge.cli:main``; pyproject.toml now names ``tracebridge.node.cli:main``."""

from tracebridge.node.cli import main

__all__ = ["main"]
