"""The demo's second node (``tracebridge.node.partner_node``), with this test's live server as
the US node: node B is set up through its own commands, both nodes are registered as each
other's partner, a request travels to node B and its acknowledgement back, and each node's
newest checkpoint is cosigned by the other; node B stops with the demo and comes back as it was.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tracebridge.agencies.models import User
from tracebridge.assistance import demo as assistance_demo
from tracebridge.demo import DemoContext
from tracebridge.errors import Unavailable
from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence import keys, ledger
from tracebridge.node import partner_node
from tracebridge.node.partner_node import PartnerNode
from tracebridge.sharing.models import Partner
from tracebridge.witness import demo as witness_demo
from tracebridge.witness.models import WitnessedLog

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def india(tmp_path: Path) -> Iterator[PartnerNode]:
    node = partner_node.begin(tmp_path / "in-node", _free_port(), "demo-password")
    yield node
    node.stop()


@pytest.fixture
def ctx(_home: Path, make_user: Callable[..., User]) -> DemoContext:
    """The US node's part of the demo world that the second node's steps use."""
    keys.init_keys()
    ledger.append("test", {"before": "the second node"})
    world = DemoContext(home=_home, console=Console(quiet=True), world_dir=_home / "demo-world")
    for role in ("analyst", "supervisor"):
        world.users[f"doj-cpb.{role}"] = make_user(role, "US-DOJ-CPB", f"doj-cpb.{role}")
    return world


def _b(node: PartnerNode, *argv: str) -> Any:
    return json.loads(node.run(list(argv))[0])


def test_the_second_node_is_a_witness_and_witnessed_and_answers_a_request(
    india: PartnerNode, ctx: DemoContext, live_server: Any
) -> None:
    assert india.setup is not None  # its set-up runs while the US node loads
    assert partner_node.join(india, live_server.url) is True
    sent = assistance_demo.to_partner_node(ctx)
    assert (sent.status, sent.partner and sent.partner.name) == ("sent", "in-node")
    witness_demo.load(ctx)
    said = f"checkpoint {ledger.size()} signed; cosigned by 1 of 1 partner nodes"
    assert ("witness", said) in ctx.summary

    lines = partner_node.finish(india, live_server.url, sent.reference)
    sent.refresh_from_db()
    assert sent.status == "acknowledged"
    assert [m.signer_name for m in sent.messages.filter(seq=4)] == ["in-node/evidence"]
    # Node B's newest checkpoint, cosigned here; this node's, cosigned there.
    log = WitnessedLog.objects.get()
    assert (log.origin, log.partner.name) == ("in-node/evidence", "in-node") and log.size > 0
    latest = ledger.latest_checkpoint()
    assert latest is not None and latest.size == ledger.size()
    assert lines[-1] == f"us-node checkpoint {latest.size}: cosigned by 1 partners"
    assert lines[0] == f"in-node {sent.reference}: acknowledged"
    assert lines[1] == f"in-node checkpoint {log.size}: cosigned by 1 partners"
    shown = dict(line.split("\t") for line in india.run(["keys", "show"])[0].splitlines())
    cosig = latest.cosignatures.get()
    assert cosig.cosigner_key == shown["cosigner"]
    assert notes.verify_cosignature(
        ledger.cosigned_note(latest), notes.parse_verifier(cosig.cosigner_key)
    )
    status = _b(india, "witness", "status", "--json")
    assert [(g["origin"], g["partner"], g["size"]) for g in status["witnessed"]] == [
        (keys.origin(), "us-node", latest.size)
    ]
    assert [(p["partner"], p["size"], p["last_error"]) for p in status["witnesses"]] == [
        ("us-node", log.size, "")
    ]
    shown_logins = Console(record=True, width=400)
    partner_node.print_logins(india, shown_logins)
    assert "cbi.admin" in shown_logins.export_text()  # the Witnessing page is the admins'
    request = _b(india, "request", "show", sent.reference, "--json")
    assert (request["kind"], request["status"], request["from"]) == (
        "preservation", "acknowledged", "US-DOJ-CPB"
    )  # fmt: skip

    india.stop()  # the demo stopped
    assert not india.server_alive
    again = partner_node.begin(india.home, india.port, india.password)
    assert again.setup is None  # its home is kept: the same keys and ledger
    try:
        assert partner_node.join(again, live_server.url) is False
        assert again.server_alive
    finally:
        again.stop()


def test_a_taken_port_is_refused_before_either_node_registers_the_other(
    tmp_path: Path, db: None
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        node = PartnerNode(tmp_path / "in-node", taken.getsockname()[1], "demo-password")
        with pytest.raises(Unavailable, match=f"port {node.port} is taken: choose another"):
            partner_node.join(node, "http://127.0.0.1:1")
    assert node.server is None and not Partner.objects.exists()


def test_a_fresh_us_database_is_copied_as_the_second_nodes_own(tmp_path: Path) -> None:
    schema = tmp_path / "us.sqlite3"
    with closing(sqlite3.connect(schema)) as us:
        us.execute("CREATE TABLE migrated (name TEXT)")
    node = partner_node.begin(tmp_path / "in-node", _free_port(), "demo-password", schema=schema)
    node.stop()  # only the copy is looked at
    with closing(sqlite3.connect(node.home / partner_node.DATABASE)) as copy:
        names = [row[0] for row in copy.execute("SELECT name FROM sqlite_master")]
    assert names == ["migrated"]
