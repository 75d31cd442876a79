from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "tracebridge.agencies"
    label = "agencies"
    verbose_name = _("Agencies")
    # (url name, label, minimum role or None for every signed-in user)
    nav = [
        ("home", _("Home"), None),
        ("agency-users", _("Users"), "agency_admin"),
        ("agency-tokens", _("API tokens"), "agency_admin"),
        ("audit-log", _("Audit log"), "agency_admin"),
    ]

    def ready(self) -> None:
        from tracebridge.agencies import signals  # noqa: F401 - connects receivers
