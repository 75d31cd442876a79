"""`tracebridge witness reset`: a partner whose node key changed is refused (403) until an
agency admin, having pinned the new key with `partner add`, resets its witnessed log; the old
log stays (key, size, root, checkpoints) and the next add-checkpoint starts from 0. Over the
real route and the real commands."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tracebridge.agencies.models import AuditEvent, User
from tracebridge.witness.models import WitnessedCheckpoint, WitnessedLog, WitnessReset

from .conftest import ORIGIN, Log, cosignature_of, post

pytestmark = pytest.mark.django_db
REASON = "in-node replaced its HSM; new key confirmed by phone with CBI's node operator"


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("agency_admin", "US-FBI", "fbi-admin")


@pytest.fixture
def rotated(log: Log, partner_node: Client) -> Log:
    """The partner's log cosigned at size 4, then its node key changed: refused today."""
    log.grow(4)
    cosignature_of(post(partner_node, log.body(0)), log.note())
    new = Log()
    new.tree = log.tree
    new.grow(2)
    refused = post(partner_node, new.body(4))
    assert refused.status_code == 403 and "not signed by its key" in refused.content.decode()
    return new


def _pin(key: str) -> None:
    call_command("partner", "add", "--name", "in-node", "--url", "https://in.example/taxii2/root/",
                 "--token", "tb_x", "--key", key, "--agencies", "IN-CBI", stdout=io.StringIO())  # fmt: skip


def _reset(key: str, reason: str = REASON, partner: str = "in-node", by: str = "fbi-admin") -> str:
    out = io.StringIO()
    call_command("witness", "reset", "--partner", partner, "--key", key, "--reason", reason,
                 "--by", by, stdout=out)  # fmt: skip
    return out.getvalue()


def test_a_reset_keeps_the_old_log_and_the_next_checkpoint_starts_from_zero(
    rotated: Log, log: Log, partner_node: Client, admin: User
) -> None:
    old = WitnessedLog.objects.get(origin=ORIGIN)
    _pin(rotated.public_key)
    assert (
        _reset(rotated.public_key)
        == f"{ORIGIN}: reset at size 4; the next checkpoint starts from 0\n"
    )
    cosignature_of(post(partner_node, rotated.body(0)), rotated.note())
    current = WitnessedLog.objects.get(origin=ORIGIN, retired_at=None)
    assert (current.size, current.root) == (6, rotated.tree.root().hex())
    old.refresh_from_db()
    assert old.retired_at is not None and (old.size, old.root) == (4, log.tree.root(4).hex())
    assert old.log_key != current.log_key
    sizes = {g.pk: list(g.checkpoints.values_list("size", flat=True)) for g in (old, current)}
    assert sizes == {old.pk: [4], current.pk: [6]}  # the proof under the old key is kept
    reset = WitnessReset.objects.get()
    assert (reset.retired, reset.log, reset.size, reset.by) == (old, current, 4, "fbi-admin")
    assert (reset.old_key, reset.new_key, reset.reason) == (old.log_key, current.log_key, REASON)
    event = AuditEvent.objects.get(action="witness.reset")
    assert (event.username, event.detail["reason"], event.detail["size"]) == (
        "fbi-admin",
        REASON,
        4,
    )
    assert event.detail["old_key"] == old.log_key and event.detail["new_key"] == current.log_key
    status = io.StringIO()
    call_command("witness", "status", "--json", stdout=status)
    shown = json.loads(status.getvalue())
    assert [(g["origin"], g["size"]) for g in shown["witnessed"]] == [(ORIGIN, 6)]
    assert [(r["size"], r["by"], r["reason"]) for r in shown["resets"]] == [
        (4, "fbi-admin", REASON)
    ]


def test_the_old_key_is_refused_after_a_reset(
    rotated: Log, log: Log, partner_node: Client, admin: User
) -> None:
    _pin(rotated.public_key)
    _reset(rotated.public_key)
    log.grow(1)
    refused = post(partner_node, log.body(0))
    assert refused.status_code == 403, refused.content


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"partner": "xx-node"}, "--partner: no partner named 'xx-node' (known: in-node)"),
        ({"reason": "  "}, "--reason: say why"),
        ({"by": "nobody"}, "--by: no user 'nobody'"),
        ({"by": "fbi-analyst"}, "fbi-analyst is a analyst: a reset is for agency admins"),
        ({"pin": False}, "--key is not the key pinned for partner in-node"),
        ({"key": "old"}, "is already witnessed under this key (unchanged)"),
    ],
)
def test_a_reset_is_refused_naming_why_and_nothing_changes(
    rotated: Log, log: Log, admin: User, make_user: Callable[..., User],
    args: dict[str, Any], message: str,
) -> None:  # fmt: skip
    make_user("analyst", "US-FBI", "fbi-analyst")
    key = log.public_key if args.get("key") == "old" else rotated.public_key
    if args.get("pin", True):
        _pin(key)
    before = list(WitnessedLog.objects.values_list("pk", "size", "log_key", "retired_at"))
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _reset(
            key,
            args.get("reason", REASON),
            args.get("partner", "in-node"),
            args.get("by", "fbi-admin"),
        )
    assert list(WitnessedLog.objects.values_list("pk", "size", "log_key", "retired_at")) == before
    assert not WitnessReset.objects.exists() and not AuditEvent.objects.filter(
        action="witness.reset"
    )
    assert WitnessedCheckpoint.objects.count() == 1


def test_a_partner_never_witnessed_has_nothing_to_reset(
    log: Log, partner_node: Client, admin: User
) -> None:
    with pytest.raises(CommandError, match="partner in-node has no witnessed log to reset"):
        _reset(log.public_key)
