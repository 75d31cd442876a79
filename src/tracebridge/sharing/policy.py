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

    def victim_fields(
        self, viewer_agency_id: int, owner_agency_id: int, tlp: str
    ) -> frozenset[str]:
        """Fields named by agreements that let the owner's complaints marked ``tlp`` flow now."""
        out: frozenset[str] = frozenset()
        for agreement in Agreement.objects.filter(
            owner_id=owner_agency_id, partner_id=viewer_agency_id, revoked_at__isnull=True
        ):
            if "complaint" in agreement.kinds and tlp in agreement.effective_tlp():
                out |= frozenset(agreement.fields)
        return out
