"""Two add-checkpoint submissions for one log at the same moment, against a served node
(``tracebridge serve``: gunicorn, 2 workers of 2 threads, so they really run at once), on the
database the suite runs on (a SQLite file of the node's own, or the suite's PostgreSQL test
database). Exactly one may advance the witnessed size; the other is answered 409 with the size
the winner stored, and the stored size and root never go back nor mix two submissions."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection

from tracebridge.evidence import checkpoint as notes
from tracebridge.evidence.merkle import MerkleTree

from ..node.test_serve import BIN, _env, _free_port, _run, _wait_until_up
from .conftest import URL, Log

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 9  # three of each kind: different sizes, the same checkpoint, a fork of one size
SETUP = """
import json
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.evidence import keys
from tracebridge.sharing.sync import add_partner
keys.init_keys()
create_agency("IN-CBI", "IN", "Central Bureau of Investigation")
user, _ = create_user("in-node", "IN-CBI", "analyst")
add_partner("in-node", "https://in.example/taxii2/root/", "tb_unused", KEY, ["IN-CBI"])
print(json.dumps({"token": issue_token(user, "in-node").secret,
                  "cosigner": keys.verifier_key("cosigner")}))
"""


@dataclass
class Served:
    url: str
    home: Path
    env: dict[str, str]
    token: str
    cosigner: notes.Verifier

    def shell(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN), *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


def _database_env(home: Path) -> dict[str, str]:
    """The node's database: its own SQLite file (migrated here), or, when the suite runs on
    PostgreSQL, the suite's test database itself (migrated; this test commits, then flushes)."""
    if connection.vendor != "postgresql":
        _run(home, "migrate", "-v0")
        return {}
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {"DATABASE_URL": url}


@pytest.fixture
def served(tmp_path: Path, log: Log, transactional_db: None) -> Iterator[Served]:
    home = tmp_path / "served"
    home.mkdir()
    env = _env(home, PATH="", TRACEBRIDGE_NODE_NAME="race-node", **_database_env(home))
    done = subprocess.run(
        [str(BIN), "shell", "-c", SETUP.replace("KEY", repr(log.public_key))],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    setup = json.loads(done.stdout.splitlines()[-1])
    port, out = _free_port(), home / "serve.log"
    with out.open("wb") as sink:
        server = subprocess.Popen(
            [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "2", "--no-collectstatic", "--no-redis"],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, out)
        cosigner = notes.parse_verifier(setup["cosigner"])
        yield Served(url, home, env, setup["token"], cosigner)
    finally:  # before the flush: the workers hold connections to the suite's database
        server.terminate()
        server.wait(timeout=60)


def _body(log: Log, tree: MerkleTree, old: int, size: int) -> bytes:
    proof = tree.consistency_proof(old, size) if 0 < old < size else []
    return notes.AddCheckpoint(old, tuple(proof), log.note(size, tree)).encode()


def _together(node: Served, bodies: list[bytes]) -> list[requests.Response]:
    """Each body posted by its own thread, all released at once by a barrier."""
    barrier = threading.Barrier(len(bodies))
    answers: list[Any] = [None] * len(bodies)

    def post(i: int) -> None:
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {node.token}"
            session.get(node.url + "/api/v1/witness/key", timeout=60)  # connected before the race
            barrier.wait(timeout=60)
            answers[i] = session.post(
                node.url + URL, data=bodies[i], headers={"Content-Type": "text/plain"}, timeout=60
            )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(a is not None for a in answers), "a submission got no answer"
    return answers


def _grown(tree: MerkleTree, size: int, n: int, tag: str) -> MerkleTree:
    """The first ``size`` leaves of ``tree`` and ``n`` new ones."""
    grown = MerkleTree(tree.leaf(i) for i in range(size))
    for i in range(n):
        grown.append(f"{tag}-{len(grown)}-{i}".encode())
    return grown


def _contenders(log: Log, size: int, kind: int, r: int) -> list[tuple[MerkleTree, int]]:
    """Two checkpoints from ``size``: of two sizes of one tree, one checkpoint twice, or two
    trees that fork at ``size`` and have one size and two roots."""
    if kind == 0:
        tree = _grown(log.tree, size, 3, f"r{r}")
        return [(tree, size + 2), (tree, size + 3)]
    if kind == 1:
        tree = _grown(log.tree, size, 2, f"r{r}")
        return [(tree, size + 2), (tree, size + 2)]
    return [
        (_grown(log.tree, size, 2, f"r{r}a"), size + 2),
        (_grown(log.tree, size, 2, f"r{r}b"), size + 2),
    ]


def test_of_two_submissions_at_once_exactly_one_advances_the_size(served: Served, log: Log) -> None:
    size, winners = 0, []
    for r in range(ROUNDS):
        kind = r % 3
        contenders = _contenders(log, size, kind, r)
        answers = _together(served, [_body(log, t, size, n) for t, n in contenders])
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        w = next(i for i, a in enumerate(answers) if a.status_code == 200)
        tree, size = contenders[w]
        note = log.note(size, tree)
        signed = notes.parse_note(note + answers[w].content)
        assert notes.verify_cosignature(signed, served.cosigner) > 0
        lost = answers[1 - w]
        assert lost.headers["Content-Type"].startswith(notes.SIZE_CONTENT_TYPE)
        assert lost.content == f"{size}\n".encode()  # the winner's size, never an older one
        log.tree = tree
        winners.append((size, tree.root(size).hex()))
    status = json.loads(served.shell("witness", "status", "--json"))
    [witnessed] = status["witnessed"]
    assert (witnessed["size"], witnessed["root"]) == winners[-1]
    _assert_history(served, winners)


HISTORY = """
import json
from tracebridge.witness.models import SplitView, WitnessedCheckpoint
print(json.dumps({
    "cosigned": [[c.size, c.root] for c in WitnessedCheckpoint.objects.order_by("size")],
    "split_views": SplitView.objects.count(),
}))
"""


def _assert_history(served: Served, winners: list[tuple[int, str]]) -> None:
    """Each cosigned checkpoint is one winner's (size and root together); a fork's loser
    came second and is kept as a split view's proof, one per fork round."""
    history = json.loads(served.shell("shell", "-c", HISTORY).splitlines()[-1])
    assert [tuple(c) for c in history["cosigned"]] == winners
    assert history["split_views"] == ROUNDS // 3
