from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WitnessConfig(AppConfig):
    name = "tracebridge.witness"
    label = "witness"
    verbose_name = _("Partner witnessing")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [
        ("witness", _("Witnessing"), "agency_admin", "sharing")
    ]

    def ready(self) -> None:
        from tracebridge import panels
        from tracebridge.evidence import ledger
        from tracebridge.witness import client, reading

        ledger.checkpoint_signed.connect(client.after_checkpoint, dispatch_uid="witness-push")
        panels.register("alerts", reading.alerts_panel, order=5)
