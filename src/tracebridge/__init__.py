"""TraceBridge: cross-border fraud intelligence and evidence exchange."""

__version__ = "0.1.0"
