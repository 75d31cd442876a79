from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "tracebridge.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
    # (url name, label, minimum role; None = any agency user, "public" = everyone)
    nav: list[tuple[str, object, str | None]] = []
