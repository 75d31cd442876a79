from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "tracebridge.assistance"
    label = "assistance"
    verbose_name = _("Formal requests")
    # (url name, label, minimum role; None = any agency user, "public" = everyone; menu group)
    nav: list[tuple[str, object, str | None, str]] = [
        ("request-queue", _("Formal requests"), None, "cases")
    ]

    def ready(self) -> None:
        from tracebridge import panels
        from tracebridge.assistance import alerts, delivery, services

        services.step_signed.connect(delivery.send_after_step, dispatch_uid="assistance-send")
        panels.register("alerts", alerts.panel, order=10)
