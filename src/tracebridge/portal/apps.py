from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tracebridge.portal"
    label = "portal"
    verbose_name = _("Portal")
    # (url name, label, minimum role; None = any agency user, "public" = everyone)
    nav: list[tuple[str, object, str | None]] = []
