from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelecomConfig(AppConfig):
    name = "tracebridge.telecom"
    label = "telecom"
    verbose_name = _("Telecom")
    # (url name, label, minimum role; None = any agency user, "public" = everyone)
    nav: list[tuple[str, object, str | None]] = []
