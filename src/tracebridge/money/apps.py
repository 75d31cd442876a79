from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoneyConfig(AppConfig):
    name = "tracebridge.money"
    label = "money"
    verbose_name = _("Money")
    # (url name, label, minimum role; None = any agency user, "public" = everyone)
    nav: list[tuple[str, object, str | None]] = []
