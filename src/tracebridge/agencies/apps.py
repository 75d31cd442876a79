from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "tracebridge.agencies"
    label = "agencies"
    verbose_name = _("Agencies")
    # (url name, label, minimum role or None for every signed-in user)
    # (url name, label, minimum role or None for every signed-in user, navigation group)
    nav = [
        ("home", _("Home"), None, ""),
        ("agency-users", _("Users"), "agency_admin", "admin"),
        ("agency-tokens", _("API tokens"), "agency_admin", "admin"),
        ("audit-log", _("Audit log"), "agency_admin", "admin"),
    ]

    def ready(self) -> None:
        from tracebridge.agencies import signals  # noqa: F401 - connects receivers
