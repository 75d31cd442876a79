"""bench/assistance_transfer: an evidence package answering a request, between two nodes.

Two nodes (gunicorn, one worker each, own SQLite databases, keys and blob stores) on loopback,
set up as bench/assistance.py sets them up. Node A (the DOJ-CPB) sends a request to node B (the
CBI); B executes it, packages a case holding one file of random bytes (``--mib``, 1024 by
default) and answers with it (``request answer``: the package verified with B's key, staged and
its chunks hashed; timed apart). Then, timed: B delivers it in 8 MiB content-addressed chunks
(offer, the chunks, complete); A assembles it, checks size and SHA-256, runs the offline
verifier, checks the certificate, stores every file as evidence with its custody and signs the
verdict, which B applies. It must end ``delivered`` with the file among A's evidence.

Both timed phases start after ``os.sync()``, so that neither pays for writing back what an
earlier step left in the page cache. Baseline in the same run, over the same stack: the same package file PUT over one HTTP
connection (``http.client``, streamed from disk in 1 MiB blocks; ``requests`` would send a file
in 8 KiB blocks, several times slower) to a path of A's own gunicorn worker that writes the body
to a file in 1 MiB pieces (bench/_copy_wsgi.py). Target: the transfer, verified and stored, at >= 0.5 of the copy's speed.

    .venv/bin/python bench/assistance_transfer.py [--smoke] [--mib N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from assistance import PARTNER, REQUEST, SETUP, shell
from taxii import free_port, gunicorn, node_env, run

BENCH = Path(__file__).resolve().parent
TARGET = 0.5
ANSWER = """
import http.client, io, json, os, time
from pathlib import Path
from urllib.parse import urlsplit
from tracebridge.agencies.models import User
from tracebridge.assistance import answer, services
from tracebridge.assistance.models import Request
from tracebridge.cases.services import create_case
from tracebridge.evidence.case_package import make_package
from tracebridge.evidence.services import add_evidence
reference, mib, copy_url, scratch = sys.argv[-4], int(sys.argv[-3]), sys.argv[-2], Path(sys.argv[-1])
officer = User.objects.get(username="cbi.officer")
request = Request.objects.get(reference=reference)
for action in ("acknowledge", "accept", "execute"):
    request = services.act(request, action, officer)
case = create_case("IN-CBI", "Records of the call centre", by=officer, lead=officer)
source = scratch / "records.bin"
with source.open("wb") as f:
    for _ in range(mib):
        f.write(os.urandom(1 << 20))
with source.open("rb") as f:
    add_evidence(case, f, "records.bin", by=officer)
package = scratch / "answer.zip"
make_package(case, package, by=officer)
size = package.stat().st_size
target = urlsplit(copy_url)
os.sync()  # each timed phase starts with nothing of the earlier ones left to write back
began = time.perf_counter()
connection = http.client.HTTPConnection(target.hostname, target.port, timeout=3600,
                                        blocksize=1 << 20)
with package.open("rb") as f:
    connection.request("PUT", target.path, body=f, headers={"Content-Length": str(size)})
    copied = connection.getresponse()
    assert copied.status == 200, copied.read()
copy = time.perf_counter() - began
began = time.perf_counter()
outgoing = answer.answer(request, package, officer)
announce = time.perf_counter() - began
sent = []
os.sync()
began = time.perf_counter()
done = answer.deliver(outgoing, chunks_sent=sent.append)
moved = time.perf_counter() - began
print(json.dumps({"size": size, "copy": copy, "announce": announce, "moved": moved,
                  "state": done.state, "reason": done.reason, "items": done.items,
                  "chunks": sent[0] if sent else 0}))
"""
STORED = """
import json
from tracebridge.evidence.models import EvidenceItem
from tracebridge.assistance.models import Request
r = Request.objects.get(reference=sys.argv[-1])
print(json.dumps({"status": r.status, "files": sorted(EvidenceItem.objects.filter(case=r.case)
      .values_list("filename", flat=True)), "size": max(EvidenceItem.objects.filter(case=r.case)
      .values_list("size", flat=True) or [0])}))
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--mib", type=int, default=0, help="size of the packaged file in MiB")
    args = parser.parse_args(argv)
    mib = args.mib or (32 if args.smoke else 1024)
    with tempfile.TemporaryDirectory(prefix="bench-transfer-", dir=os.environ.get("TMPDIR")) as tmp:
        root = Path(tmp)
        envs = {name: node_env(root / name, f"{name}-node") for name in ("us", "in")}
        for name in envs:
            (root / name).mkdir()
        run(envs["us"], "migrate", "-v0")
        shutil.copyfile(root / "us" / "db.sqlite3", root / "in" / "db.sqlite3")
        us = json.loads(shell(envs["us"], SETUP, "IN-CBI"))
        india = json.loads(shell(envs["in"], SETUP, "US-DOJ-CPB"))
        ports = {name: free_port() for name in envs}
        url = {name: f"http://127.0.0.1:{ports[name]}/taxii2/root/" for name in envs}
        shell(envs["us"], PARTNER, "in-node", url["in"], india["token"], india["key"], "IN-CBI")
        shell(envs["in"], PARTNER, "us-node", url["us"], us["token"], us["key"], "US-DOJ-CPB")
        receiver = {
            **envs["us"],
            "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")]),
            "BENCH_COPY_TARGET": str(root / "us" / "copy.bin"),
        }
        servers = [
            gunicorn("_copy_wsgi:application", receiver, ports["us"], "/taxii2/"),
            gunicorn("tracebridge.node.wsgi:application", envs["in"], ports["in"], "/taxii2/"),
        ]
        try:
            reference = shell(envs["us"], REQUEST)
            copy_url = f"http://127.0.0.1:{ports['us']}/bench-copy/"
            result = json.loads(shell(envs["in"], ANSWER, reference, str(mib), copy_url, tmp))
            stored = json.loads(shell(envs["us"], STORED, reference))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=60)
    return report(result, stored, mib)


def report(result: dict[str, object], stored: dict[str, object], mib: int) -> int:
    if result["state"] != "delivered" or "records.bin" not in stored["files"]:  # type: ignore[operator]
        print(f"FAILED: {result['state']} {result['reason']}; node A holds {stored}")
        return 1
    size = float(result["size"])  # type: ignore[arg-type]
    copy, moved = float(result["copy"]), float(result["moved"])  # type: ignore[arg-type]
    speed = {
        name: size / seconds / (1 << 20) for name, seconds in (("copy", copy), ("moved", moved))
    }
    print(f"package: {size / (1 << 20):.0f} MiB ({mib} MiB of records), {result['chunks']} chunks "
          f"of 8 MiB; answering (verify with own key, stage and hash the chunks): "
          f"{float(result['announce']):.1f} s")  # type: ignore[arg-type]  # fmt: skip
    print(f"plain streamed HTTP copy (baseline)       {copy:7.2f} s  {speed['copy']:7.1f} MiB/s")
    print(f"chunked, verified and stored as evidence  {moved:7.2f} s  {speed['moved']:7.1f} MiB/s")
    ratio = speed["moved"] / speed["copy"]
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(
        f"ratio {ratio:.2f} of the plain copy's speed; target >= {TARGET}: {verdict}; "
        f"node A: request {stored['status']}, files {stored['files']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
