"""`tracebridge serve` for real: gunicorn with 2 workers on loopback, Redis, slow uploads.

One node for the module (starting gunicorn costs seconds): its own TRACEBRIDGE_HOME and SQLite
database, the pytest worker's own Redis database (tests/parallel.py; flushed here, and only
it), a worker timeout of 2 s, and an empty PATH.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from tests import parallel

BIN = Path(sys.executable).parent / "tracebridge"
REDIS_URL = parallel.redis_url()
LIMIT = 20  # public checks a minute
MiB = 1 << 20
SETUP = """
from tracebridge.agencies.services import create_agency, create_user
from tracebridge.cases.services import create_case
create_agency("US-FBI", "US", "FBI")
create_user("ana", "US-FBI", "analyst", password="correct-horse-battery-staple")
print(create_case("US-FBI", "Slow uploads").reference)
"""


@dataclass
class Node:
    home: Path
    url: str
    port: int
    server: subprocess.Popen[bytes]
    case: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def uploads(self) -> Path:
        return self.home / "tmp" / "uploads"

    def spooled(self) -> list[Path]:
        return sorted(p for p in self.uploads.rglob("*") if p.is_file())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k == "PYTHONPATH"}
    return {**keep, "TRACEBRIDGE_HOME": str(home), "TRACEBRIDGE_DEBUG": "1", **extra}


def _run(home: Path, *args: str) -> str:
    done = subprocess.run(
        [str(BIN), *args], env=_env(home, PATH=os.environ.get("PATH", "")),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(1200):
        if server.poll() is not None:
            pytest.fail(f"serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            if requests.get(url + "/learn/", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    pytest.fail(f"serve did not answer:\n{log.read_text()}")


def _login(node: Node) -> None:
    session = requests.Session()
    session.get(node.url + "/login/")
    answer = session.post(
        node.url + "/login/",
        data={"username": "ana", "password": "correct-horse-battery-staple",
              "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 302, answer.text
    node.cookies = dict(session.cookies)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"Redis does not answer at {REDIS_URL}: .ci/run starts it (see README)")
    home = tmp_path_factory.mktemp("served")
    _run(home, "migrate", "-v0")
    case = _run(home, "shell", "-c", SETUP).splitlines()[-1]
    stale = home / "tmp" / "uploads"
    (stale / "99999999").mkdir(parents=True)  # no such process: left by an earlier server
    (stale / "99999999" / "tmpx.upload.zip").write_bytes(b"x" * 1000)
    (stale / "stray.upload").write_bytes(b"x")
    port = _free_port()
    log = home / "serve.log"
    env = _env(
        home, PATH="", REDIS_URL=REDIS_URL, TRACEBRIDGE_WORKER_TIMEOUT="2",
        TRACEBRIDGE_PUBLIC_CHECK_PER_MINUTE=str(LIMIT), TRACEBRIDGE_NODE_NAME="serve-test",
    )  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--no-collectstatic"], env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        served = Node(home=home, url=url, port=port, server=server, case=case)
        _login(served)
        yield served
    finally:
        server.terminate()
        server.wait(timeout=60)
        store.flushdb()
        store.close()


def test_serve_starts_with_an_empty_path_and_clears_stale_uploads(node: Node) -> None:
    assert requests.get(node.url + "/learn/").status_code == 200
    assert node.spooled() == []
    assert not (node.uploads / "99999999").exists()
    log = (node.home / "serve.log").read_text()
    assert f"rate limits and caches: Redis at {REDIS_URL}" in log
    assert "removed 2 upload(s) left by a server that stopped" in log


def _burst(node: Node, n: int) -> tuple[Counter[int], bool]:
    """n concurrent checks; also whether they all fell in one minute (the limit's window)."""

    def check(_: int) -> int:
        url = node.url + "/api/v1/public/check"
        return requests.get(url, params={"q": "+14155550100"}, timeout=60).status_code

    first = time.time() // 60
    with ThreadPoolExecutor(8) as pool:
        codes = Counter(pool.map(check, range(n)))
    return codes, time.time() // 60 == first


def test_the_rate_limit_holds_across_workers(node: Node) -> None:
    for _ in range(3):  # a burst that spans two windows counts in both: try the next one
        codes, one_window = _burst(node, 3 * LIMIT)
        if one_window:
            break
        time.sleep(60 - time.time() % 60)
    assert one_window
    assert codes == {200: LIMIT, 429: 2 * LIMIT}
    log = (node.home / "serve.log").read_text().splitlines()
    assert len({line.rsplit(maxsplit=1)[-1] for line in log if "Booting worker" in line}) >= 2


def _multipart(boundary: str, name: str) -> tuple[bytes, bytes]:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'
        f'slow\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode()


def _start_upload(node: Node, content: bytes) -> tuple[http.client.HTTPConnection, bytes]:
    """Send the request line and headers; returns the connection and the body to send."""
    boundary = "tracebridge-slow-upload"
    head, tail = _multipart(boundary, "recording.bin")
    body = head + content + tail
    conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=120)
    conn.putrequest("POST", f"/evidence/case/{node.case}/upload/")
    cookies = "; ".join(f"{k}={v}" for k, v in node.cookies.items())
    for name, value in [
        ("Cookie", cookies),
        ("X-CSRFToken", node.cookies["csrftoken"]),
        ("Accept", "application/json"),
        ("Content-Type", f"multipart/form-data; boundary={boundary}"),
        ("Content-Length", str(len(body))),
    ]:
        conn.putheader(name, value)
    conn.endheaders()
    return conn, body


def _send_slowly(conn: http.client.HTTPConnection, body: bytes, pieces: int, pause: float) -> None:
    step = -(-len(body) // pieces)
    for start in range(0, len(body), step):
        conn.send(body[start : start + step])
        time.sleep(pause)


def test_an_upload_slower_than_the_worker_timeout_is_stored(node: Node) -> None:
    content = os.urandom(6 * MiB)  # over the 5 MiB kept in memory: spooled to disk
    conn, body = _start_upload(node, content)
    _send_slowly(conn, body, pieces=12, pause=0.5)  # 6 s against a 2 s worker timeout
    answer = conn.getresponse()
    data = json.loads(answer.read())
    conn.close()
    assert answer.status == 200, data
    assert (data["sha256"], data["size"]) == (hashlib.sha256(content).hexdigest(), len(content))
    assert node.spooled() == []


def _wait_for(predicate: Any, what: str) -> Any:
    for _ in range(600):
        if found := predicate():
            return found
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


def test_a_worker_killed_mid_upload_leaves_no_spooled_file(node: Node) -> None:
    conn, body = _start_upload(node, os.urandom(8 * MiB))
    conn.send(body[: 6 * MiB])
    spooled = _wait_for(node.spooled, "the upload to be spooled")
    pid = int(spooled[0].parent.name)
    assert spooled[0].parent.parent == node.uploads
    os.kill(pid, signal.SIGKILL)  # the worker is this test's server's child
    _wait_for(lambda: not spooled[0].parent.exists(), "the server to remove the worker's files")
    conn.close()
    assert node.spooled() == []
    assert requests.get(node.url + "/learn/", timeout=60).status_code == 200


def _blobs(node: Node) -> list[Path]:
    return [p for p in (node.home / "blobs").rglob("*") if p.is_file()]


def test_an_upload_whose_client_goes_away_leaves_no_spooled_file(node: Node) -> None:
    stored = _blobs(node)
    conn, body = _start_upload(node, os.urandom(8 * MiB))
    conn.send(body[: 6 * MiB])
    spooled = _wait_for(node.spooled, "the upload to be spooled")
    conn.close()
    _wait_for(lambda: not spooled[0].exists(), "the spooled file to be removed")
    assert node.spooled() == []
    assert _blobs(node) == stored  # nothing half-received was kept as evidence
