from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "tracebridge.complaints"
    label = "complaints"
    verbose_name = _("Complaints")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [
        ("report", _("Report a scam"), "public", "public"),
        ("complaint-list", _("Complaints"), None, "intelligence"),
    ]
