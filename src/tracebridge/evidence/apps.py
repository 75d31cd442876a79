from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "tracebridge.evidence"
    label = "evidence"
    verbose_name = _("Evidence")
    # (url name, label, minimum role; None = any agency user, "public" = everyone)
    nav: list[tuple[str, object, str | None]] = []

    def ready(self) -> None:
        from tracebridge import panels
        from tracebridge.complaints import attachments
        from tracebridge.evidence.services import blob_store
        from tracebridge.evidence.views import case_panel

        panels.register("case", case_panel, order=10)
        # Files victims attach to public reports go to the same content-addressed store.
        attachments.register_store(blob_store)
