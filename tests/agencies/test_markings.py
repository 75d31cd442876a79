"""The one decision on inbound markings: the strictest TLP and, separately, PAP wins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracebridge.agencies.markings import (
    PAP,
    STIX_TLP_IDS,
    TLP,
    effective_marking,
    labels_marking,
    stix_labels,
)

GREEN_ID = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
RED_ID = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
STRICT_ID = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"


def test_a_later_stricter_tlp_wins() -> None:
    assert effective_marking(["GREEN", "RED"]).tlp is TLP.RED
    assert effective_marking(["GREEN", "AMBER+STRICT"]).tlp is TLP.AMBER_STRICT


def test_an_earlier_stricter_tlp_wins() -> None:
    assert labels_marking(["tlp:red", "tlp:clear"]).tlp is TLP.RED
    assert labels_marking(["tlp:amber+strict", "tlp:white"]).tlp is TLP.AMBER_STRICT


def test_pap_is_decided_separately() -> None:
    found = labels_marking(["PAP:RED", "tlp:green", "PAP:CLEAR"])
    assert (found.tlp, found.pap) == (TLP.GREEN, PAP.RED)
    assert labels_marking(["PAP:WHITE"]).pap is PAP.CLEAR


def test_tlp_1_names_map() -> None:
    assert effective_marking(["white"]).tlp is TLP.CLEAR
    assert effective_marking(["TLP:AMBER", "tlp:white"]).tlp is TLP.AMBER


def test_conflicts_and_unknown_markings_are_noted() -> None:
    found = labels_marking(["tlp:green", "tlp:red", "tlp:ex:chr", "PAP:PURPLE", "copyright"])
    assert found.tlp is TLP.RED and found.pap is None
    assert found.notes == (
        "unknown TLP marking 'tlp:ex:chr' ignored",
        "conflicting TLP markings TLP:GREEN, TLP:RED: the strictest, TLP:RED, applies",
        "unknown PAP marking 'PAP:PURPLE' ignored",
        "unknown marking 'copyright' ignored",
    )
    assert effective_marking(["GREEN", "green", "TLP:GREEN"]).notes == ()


def test_no_marking_is_none_not_a_default() -> None:
    assert effective_marking([], []) == (None, None, ())


def test_stix_markings_by_id_by_name_and_granular() -> None:
    opencti_strict = {
        "id": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
        "definition_type": "TLP", "definition": "TLP:AMBER+STRICT", "name": "TLP:AMBER+STRICT",
    }  # fmt: skip
    tlp1 = {"id": "marking-definition--x", "definition_type": "tlp", "definition": {"tlp": "red"}}
    pap = {"id": "marking-definition--p", "definition": {"statement": "PAP:AMBER"}}
    definitions = {d["id"]: d for d in (opencti_strict, tlp1, pap)}
    obj = {"object_marking_refs": [GREEN_ID, opencti_strict["id"], pap["id"]]}
    assert labels_marking(stix_labels(obj, definitions))[:2] == (TLP.AMBER_STRICT, PAP.AMBER)
    granular = {"object_marking_refs": [GREEN_ID],
                "granular_markings": [{"marking_ref": tlp1["id"], "selectors": ["name"]}]}  # fmt: skip
    assert labels_marking(stix_labels(granular, definitions)).tlp is TLP.RED
    # a definition reusing a well-known id under another name counts both ways: strictest wins
    lying = {GREEN_ID: {"id": GREEN_ID, "name": "TLP:RED"}}
    assert labels_marking(stix_labels({"object_marking_refs": [GREEN_ID]}, lying)).tlp is TLP.RED
    unknown = labels_marking(stix_labels({"object_marking_refs": ["marking-definition--zz"]}, {}))
    assert unknown.tlp is None and unknown.notes == (
        "unknown marking 'marking-definition--zz' ignored",
    )


TLP_SPELLINGS = st.sampled_from(
    [*(m.value for m in TLP), "white", "tlp:amber+strict", "TLP:RED", "clear", "Green"]
)
PAP_SPELLINGS = st.sampled_from([*(m.value for m in PAP), "PAP:WHITE", "pap:red", "amber"])


@given(st.lists(TLP_SPELLINGS, min_size=1), st.lists(PAP_SPELLINGS), st.randoms())
def test_order_never_matters_and_the_result_is_the_maximum(
    tlps: list[str], paps: list[str], rnd: object
) -> None:
    found = effective_marking(tlps, paps)
    shuffled_t, shuffled_p = list(tlps), list(paps)
    rnd.shuffle(shuffled_t)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled_p)  # type: ignore[attr-defined]
    again = effective_marking(shuffled_t, shuffled_p)
    assert (again.tlp, again.pap) == (found.tlp, found.pap)
    assert sorted(again.notes) == sorted(found.notes)
    assert found.tlp == max((TLP.parse(t) for t in tlps), key=lambda m: m.rank)
    assert found.pap == (max((PAP.parse(p) for p in paps), key=lambda m: m.rank) if paps else None)
    assert all(found.tlp.rank >= TLP.parse(t).rank for t in tlps)


def test_every_well_known_stix_id_is_a_tlp() -> None:
    for ref, tlp in STIX_TLP_IDS.items():
        assert labels_marking(stix_labels({"object_marking_refs": [ref]}, {})).tlp is tlp
