from django.apps import AppConfig


class NodeConfig(AppConfig):
    """Installed after every app so that Django finds the node's commands."""

    name = "tracebridge.node"
    label = "node"
    verbose_name = "TraceBridge node"
