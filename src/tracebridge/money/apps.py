from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoneyConfig(AppConfig):
    name = "tracebridge.money"
    label = "money"
    verbose_name = _("Money")
    # (url name, label, minimum role; None = any agency user, "public" = everyone)
    nav: list[tuple[str, object, str | None]] = [
        ("money-trails", _("Money trails"), "analyst"),
        ("money-holds", _("Holds"), None),
        ("money-registry", _("Mule registry"), None),
    ]

    def ready(self) -> None:
        from tracebridge import panels
        from tracebridge.money.views import case_panel, complaint_panel

        panels.register("complaint", complaint_panel, order=50)
        panels.register("case", case_panel, order=50)
