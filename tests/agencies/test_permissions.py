from types import SimpleNamespace
from typing import Any

import pytest

from tracebridge.agencies import permissions
from tracebridge.agencies.markings import TLP


def record(agency: Any, tlp: str) -> SimpleNamespace:
    return SimpleNamespace(agency_id=agency.pk, tlp=tlp, share_kind="complaint")


class Grants:
    def __init__(self, table: dict[tuple[int, str], dict[int, frozenset[str]]]) -> None:
        self.table = table

    def grants(self, viewer_agency_id: int, kind: str) -> dict[int, frozenset[str]]:
        return self.table.get((viewer_agency_id, kind), {})


@pytest.fixture
def policy() -> Any:
    """Restore whatever policy the sharing app registered once the test is done."""
    registered = permissions._policy
    yield
    permissions.register_policy(registered)


def test_own_agency_sees_everything_including_red(analyst: Any, agencies: Any) -> None:
    for tlp in TLP:
        assert permissions.can_view(analyst, record(agencies["US-FBI"], tlp.value))


def test_other_agency_sees_only_clear_without_agreement(cbi_analyst: Any, agencies: Any) -> None:
    fbi = agencies["US-FBI"]
    assert permissions.can_view(cbi_analyst, record(fbi, "CLEAR"))
    for tlp in ("GREEN", "AMBER", "AMBER+STRICT", "RED"):
        assert not permissions.can_view(cbi_analyst, record(fbi, tlp))


def test_agreement_grants_markings_but_never_red(
    cbi_analyst: Any, agencies: Any, policy: None
) -> None:
    fbi, cbi = agencies["US-FBI"], agencies["IN-CBI"]
    every = frozenset(t.value for t in TLP)
    permissions.register_policy(Grants({(cbi.pk, "complaint"): {fbi.pk: every}}))
    assert permissions.can_view(cbi_analyst, record(fbi, "AMBER"))
    assert permissions.can_view(cbi_analyst, record(fbi, "GREEN"))
    assert not permissions.can_view(cbi_analyst, record(fbi, "RED"))
    assert not permissions.can_view(cbi_analyst, record(fbi, "AMBER+STRICT"))
    q = str(permissions.visible_q(cbi_analyst, "complaint"))
    assert "RED" not in q and "AMBER+STRICT" not in q and "AMBER" in q


def test_anonymous_and_agencyless_users_see_nothing(agencies: Any, db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_view(AnonymousUser(), record(agencies["US-FBI"], "CLEAR"))
    assert str(permissions.visible_q(AnonymousUser(), "complaint")) == "(AND: ('pk__in', []))"


def test_roles_rank(make_user: Any) -> None:
    viewer = make_user("viewer")
    sup = make_user("supervisor")
    assert not permissions.has_role(viewer, "analyst")
    assert permissions.has_role(sup, "analyst")
    assert not permissions.has_role(sup, "agency_admin")
    assert permissions.has_role(viewer, None)  # any agency user
    assert permissions.role_at_least("operator", "agency_admin")
    assert not permissions.role_at_least("viewer", "analyst")
    with pytest.raises(ValueError, match="'boss'"):
        permissions.role_at_least("analyst", "boss")


def test_no_role_without_an_agency(agencies: Any, db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    from tracebridge.agencies.models import User

    agencyless = User(username="nobody", role="operator")
    for user in (AnonymousUser(), agencyless):
        assert not permissions.has_role(user, None)
        assert not permissions.has_role(user, "viewer")
        assert not permissions.acts_for(user, None, "viewer")


def test_acts_for_needs_the_agency_and_the_role(make_user: Any, agencies: Any) -> None:
    fbi, cbi = agencies["US-FBI"].pk, agencies["IN-CBI"].pk
    sup, viewer = make_user("supervisor"), make_user("viewer")
    assert permissions.acts_for(sup, fbi, "supervisor")
    assert not permissions.acts_for(sup, cbi, "analyst")  # another agency's record
    assert not permissions.acts_for(viewer, fbi, "analyst")  # the role is too low


def test_tlp_parse() -> None:
    assert TLP.parse("tlp:amber+strict") is TLP.AMBER_STRICT
    assert TLP.parse("WHITE") is TLP.CLEAR
    assert TLP.RED.rank > TLP.AMBER.rank
    assert not TLP.RED.leaves_agency and TLP.GREEN.leaves_agency
    with pytest.raises(ValueError, match="unknown TLP marking 'purple'"):
        TLP.parse("purple")
