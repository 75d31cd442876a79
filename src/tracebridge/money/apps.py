from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoneyConfig(AppConfig):
    name = "tracebridge.money"
    label = "money"
    verbose_name = _("Money")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [
        ("money-trails", _("Money trails"), "analyst", "money"),
        ("money-holds", _("Holds"), None, "money"),
        ("money-registry", _("Mule registry"), None, "money"),
    ]

    def ready(self) -> None:
        from tracebridge import panels
        from tracebridge.campaigns.evidence import register_money_layers
        from tracebridge.money.services import downstream_layers
        from tracebridge.money.views import case_panel, complaint_panel

        register_money_layers(downstream_layers)
        panels.register("complaint", complaint_panel, order=50)
        panels.register("case", case_panel, order=50)
