from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "tracebridge.sharing"
    label = "sharing"
    verbose_name = _("Sharing")
    # (url name, label, minimum role; None = any agency user, "public" = everyone)
    nav: list[tuple[str, object, str | None]] = []
