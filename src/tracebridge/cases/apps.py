from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tracebridge.cases"
    label = "cases"
    verbose_name = _("Cases")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [("case-list", _("Cases"), None, "cases")]

    def ready(self) -> None:
        from tracebridge import panels
        from tracebridge.cases.panels import campaign_panel

        panels.register("campaign", campaign_panel, order=50)
