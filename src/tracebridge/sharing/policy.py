"""The sharing policy the permissions module asks: agreements decide cross-agency visibility."""

from __future__ import annotations

from tracebridge.sharing.models import Agreement


class AgreementPolicy:
    """Owner agency id -> TLP markings that ``viewer_agency_id`` may see for ``kind``."""

    def grants(self, viewer_agency_id: int, kind: str) -> dict[int, frozenset[str]]:
        out: dict[int, frozenset[str]] = {}
        for agreement in Agreement.objects.filter(
            partner_id=viewer_agency_id, revoked_at__isnull=True
        ):
            if kind not in agreement.kinds:
                continue
            markings = agreement.effective_tlp()
            if markings:
                out[agreement.owner_id] = out.get(agreement.owner_id, frozenset()) | markings
        return out
