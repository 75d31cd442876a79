"""The demo's second node: an Indian node (CBI and I4C) beside the US one, with its own home,
SQLite database and node key, registered as partners both ways, so each node witnesses the
other's ledger over HTTP and a preservation request travels from the US node to the Indian
node and back (issue 18). The one-node demo world stays whole on the US node.

Node B is set up only through ``tracebridge`` commands run in its own environment, several to a
process (Django's start costs seconds, most commands milliseconds), once: its home is kept, so
its keys and ledger stay the ones the US node pinned and witnessed. It is served by
``tracebridge runserver`` as a child process that ends with the demo: stopped when the demo
stops, and sent SIGTERM by Linux if the demo dies first.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from rich.console import Console

from tracebridge.agencies import demo as agencies_demo
from tracebridge.agencies.services import create_user, issue_token
from tracebridge.assistance import demo as assistance_demo
from tracebridge.assistance import signed
from tracebridge.demo import DemoContext
from tracebridge.errors import Unavailable
from tracebridge.evidence import ledger
from tracebridge.sharing.sync import add_partner
from tracebridge.witness import client
from tracebridge.witness import demo as witness_demo

NAME, US_NAME = "in-node", "us-node"
SPEAKS_FOR = ["IN-CBI", "IN-I4C"]  # the agencies node B holds; the US node sends it their requests
# Each password costs a second of a shared CPU to hash: no viewers. The admins see the
# Witnessing page (who cosigns this node's ledger, whose ledgers it cosigns).
ROLES = ("analyst", "supervisor", "agency_admin")
US_AGENCY = "US-DOJ-CPB"  # the US node's account on node B acts for it
PASSWORD_ENV = "IN_NODE_DEMO_PASSWORD"  # noqa: S105 - the name of a variable
# Node B's home holds it once set up: the tokens and keys the two nodes exchanged.
READY = "partner-ready.json"
DATABASE = "tracebridge.sqlite3"  # node B's, under its TRACEBRIDGE_HOME (the default name)
# Node B's commands through ``tracebridge.node.cli.main``, several to a process.
BATCH = """
import contextlib, io, json, sys
from tracebridge.node.cli import main
outputs = []
for argv in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        main(argv)
    outputs.append(out.getvalue().strip())
print(json.dumps(outputs))
"""


# Node B's server: commands first (registering the US node), then ``runserver``.
SERVE = """
import json, sys
from tracebridge.node.cli import main
for argv in json.loads(sys.argv[1]):
    main(argv)
"""


def _parent_death_signal() -> Callable[[], None] | None:
    """Linux: what makes a child get SIGTERM when the demo process ends, however it ends.
    Looked up here, in the parent: the child, forked from a threaded process, only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class PartnerNode:
    """Node B: where it lives, where it serves, and its processes while the demo runs."""

    home: Path
    port: int
    password: str
    setup: subprocess.Popen[str] | None = None
    server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ready(self) -> dict[str, str]:
        return dict(json.loads((self.home / READY).read_text(encoding="utf-8")))

    def env(self) -> dict[str, str]:
        own = {k: v for k, v in os.environ.items() if not k.startswith("TRACEBRIDGE_")}
        own.pop("DATABASE_URL", None)
        return {
            **own,
            "TRACEBRIDGE_HOME": str(self.home),
            "TRACEBRIDGE_DEBUG": "1",
            "TRACEBRIDGE_NODE_NAME": NAME,
            PASSWORD_ENV: self.password,
        }

    def launch(self, commands: list[list[str]]) -> subprocess.Popen[str]:
        """Start ``commands`` in one process of node B; ``collect`` waits for their outputs."""
        return subprocess.Popen(
            [sys.executable, "-c", BATCH, json.dumps(commands)],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_parent_death_signal(),
        )

    def run(self, *commands: list[str]) -> list[str]:
        return collect(self.launch(list(commands)))

    def serve(self, *before: list[str], wait: float = 120.0) -> None:
        """``tracebridge runserver`` on node B's port, once it answers; the commands ``before``
        run first in the same process (a process of its own would cost seconds more)."""
        self.check_port()
        runserver = ["runserver", f"127.0.0.1:{self.port}", "--noreload"]
        log = self.home / "server.log"
        with log.open("ab") as errors:
            self.server = subprocess.Popen(
                [sys.executable, "-c", SERVE, json.dumps([*before, runserver])],
                env=self.env(), stdout=subprocess.DEVNULL, stderr=errors,
                preexec_fn=_parent_death_signal(),
            )  # fmt: skip
        if not wait_for(self.url + "/taxii2/", wait, alive=lambda: self.server_alive):
            self.stop()
            raise Unavailable(f"the Indian demo node did not start on {self.url}: see {log}")

    def check_port(self) -> None:
        if answers(self.url):  # someone else's server would answer in node B's place
            raise Unavailable(
                f"port {self.port} is taken: choose another with --partner-port, or --one-node"
            )

    @property
    def server_alive(self) -> bool:
        return self.server is not None and self.server.poll() is None

    def stop(self) -> None:
        for process in (self.setup, self.server):
            if process is not None and process.poll() is None:
                process.terminate()
            if process is not None:
                process.communicate(timeout=30)  # and close its pipes


def collect(process: subprocess.Popen[str]) -> list[str]:
    out, err = process.communicate(timeout=600)
    if process.returncode != 0:
        raise Unavailable(f"a command of the Indian demo node failed: {err.strip()[-2000:]}")
    return [str(line) for line in json.loads(out.splitlines()[-1])]


def answers(url: str) -> bool:
    """True when something accepts a connection at ``url``'s host and port."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def wait_for(url: str, seconds: float, alive: Callable[[], bool] = lambda: True) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive():
        if answers(url):
            return True
        time.sleep(0.1)
    return False


def _people() -> list[list[str]]:
    """Node B's agencies and their people: the same as the one-node world's Indian ones."""
    commands = []
    for code, country, name in agencies_demo.AGENCIES:
        if code in SPEAKS_FOR:
            hindi = agencies_demo.NAMES_HI[code]
            commands.append(["agency", "create", code, "--country", country, "--name", name,
                             "--name-hi", hindi])  # fmt: skip
            for n, role in enumerate(agencies_demo.ROLE_SUFFIX):
                if role not in ROLES:
                    continue
                commands.append(
                    ["user", "create", agencies_demo.username(code, role), "--agency", code,
                     "--role", role, "--name", agencies_demo.PEOPLE[code][n],
                     "--title", agencies_demo.TITLES[code][n], "--password-env", PASSWORD_ENV]
                )  # fmt: skip
    return commands


def begin(home: Path, port: int, password: str, schema: Path | None = None) -> PartnerNode:
    """Start node B's one-time set-up in the background (it runs while the US node loads).

    ``schema``: the US node's SQLite database just migrated and still empty, copied as node B's
    own so that its ``migrate`` has nothing left to do (it costs a shared machine seconds)."""
    node = PartnerNode(home, port, password)
    if (home / READY).exists():
        return node
    home.mkdir(parents=True, exist_ok=True)
    if schema is not None:
        source, copy = sqlite3.connect(schema), sqlite3.connect(home / DATABASE)
        with closing(source), closing(copy):
            source.backup(copy)
    us_name = dict((code, name) for code, _, name in agencies_demo.AGENCIES)[US_AGENCY]
    node.setup = node.launch(
        [
            ["migrate", "-v0"],
            ["keys", "init"],
            *_people(),
            ["agency", "create", US_AGENCY, "--country", "US", "--name", us_name],
            ["user", "create", US_NAME, "--agency", US_AGENCY, "--role", "analyst"],
            ["token", "create", "--user", US_NAME, "--name", US_NAME],
            ["partner", "key"],
        ]
    )
    return node


def join(node: PartnerNode, us_url: str) -> bool:
    """Finish node B's set-up, register each node as the other's partner (again when a port
    changed), serve node B. True the first time: the caller then sends node B a request."""
    node.check_port()  # before either node registers the other
    first = node.setup is not None
    if node.setup is not None:
        *_, token, key = collect(node.setup)
        node.setup = None
        account, _ = create_user(NAME, SPEAKS_FOR[0], "analyst")
        known = {"token": token, "key": key, "ours": issue_token(account, NAME).secret}
    else:
        known = node.ready
    us_root = us_url.rstrip("/") + "/taxii2/root/"
    register = [
        ["partner", "add", "--name", US_NAME, "--url", us_root, "--token", known["ours"],
         "--key", signed.own_key(), "--agencies", US_AGENCY]
    ] if known.get("us_root") != us_root else []  # fmt: skip
    node.serve(*register)
    add_partner(NAME, node.url + "/taxii2/root/", known["token"], known["key"], SPEAKS_FOR)
    (node.home / READY).write_text(json.dumps({**known, "us_root": us_root}), encoding="utf-8")
    return first


def finish(node: PartnerNode, us_url: str, reference: str = "") -> list[str]:
    """Once the US node serves: the CBI acknowledges ``reference`` on node B (the step travels
    back), and each node signs its newest checkpoint for the other to cosign."""
    if not wait_for(us_url, 120):
        raise Unavailable(f"the US demo node did not start on {us_url}")
    ack = [["request", "acknowledge", reference, "--by", agencies_demo.username("IN-CBI",
            "analyst")]] if reference else []  # fmt: skip
    printed = node.run(*ack, ["witness", "run"])
    latest = ledger.latest_checkpoint()
    if ledger.size() and (latest is None or latest.size < ledger.size()):
        latest = ledger.sign_checkpoint()  # its signal asks node B to cosign it
    waiting = [o.message for o in client.push_all(due_only=False) if not o.ok]
    size, cosigned = (latest.size, client.partner_cosignatures(latest)) if latest else (0, 0)
    said = [f"{NAME} {out.splitlines()[-1]}" for out in printed if out]
    return [*said, f"{US_NAME} checkpoint {size}: cosigned by {cosigned} partners", *waiting]


def demo(ctx: DemoContext, node: PartnerNode, us_url: str) -> threading.Thread:
    """The two-node part of ``tracebridge demo``, after the US node's world is loaded: node B
    joins and serves; the first time, a new preservation request is sent to it; this node's
    newest checkpoint goes to node B to cosign; the rest waits for this node to serve."""
    reference = ""
    if join(node, us_url):
        reference = assistance_demo.to_partner_node(ctx).reference
        ctx.note("over the network", f"{reference} sent to the CBI on {node.url} ({NAME})")
    ctx.summary[:] = [s for s in ctx.summary if s[0] != "witness"]  # said again, with a partner
    witness_demo.load(ctx)
    thread = threading.Thread(
        target=_finish_later, args=(node, us_url, reference, ctx.console), daemon=True
    )
    thread.start()
    return thread


def _finish_later(node: PartnerNode, us_url: str, reference: str, out: Console) -> None:
    try:
        lines = finish(node, us_url, reference)
    except Unavailable as exc:
        out.print(f"{NAME}: {exc}")
        return
    finally:
        connection.close()  # this thread's own
    out.print(f"{NAME} (now that this node serves): {'; '.join(lines)}")


def print_logins(node: PartnerNode, out: Console) -> None:
    names = [agencies_demo.username(code, role) for code in SPEAKS_FOR for role in ROLES]
    out.print(
        f"The Indian node ({NAME}, {', '.join(SPEAKS_FOR)}; data in {node.home}) serves "
        f"{node.url}/login/: sign in as {', '.join(names)} with password {node.password}."
    )
