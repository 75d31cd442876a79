"""bench/sync: federation throughput, node A's collection pulled, verified and imported by node B.

Two nodes (gunicorn, one worker each, own SQLite databases) on loopback. Node A imports
synthetic complaints (published into the collection of its agreement with node B's agency);
node B runs ``tracebridge sync pull``: signed pages verified, objects checked, complaints
ingested and linked. Baseline in the same run: taxii2-client merely reading the same
collection (transfer and parse only, no verification or import). Target: >= 5,000 objects/s.

    .venv/bin/python bench/sync.py [--smoke] [--complaints N]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests
from taxii import Bearer, free_port, gunicorn, node_env, read_all, run


def complaints(count: int) -> list[dict[str, object]]:
    """Ten victims per call centre: each shares a phone and a UPI ID with its campaign."""
    out = []
    for i in range(count):
        group = i // 10
        out.append(
            {
                "ref": f"B-{i}", "source": "NCRP", "country": "IN",
                "received_at": f"2026-02-{1 + i % 28:02d}T10:00:00+05:30",
                "channel": "phone_call", "scam_type": "digital_arrest",
                "narrative": "Caller claimed to be from CBI and demanded payment.",
                "loss": {"amount": "25000", "currency": "INR", "payment_method": "upi"},
                "suspect": {"phones": [f"+9197{group:08d}"], "upi_ids": [f"desk{group}@okaxis"]},
                "tlp": "GREEN",
            }
        )  # fmt: skip
    return out


SEED = """
import json
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.sharing.services import create_agreement
create_agency("IN-CBI", "IN", "CBI"); create_agency("US-FBI", "US", "FBI")
user, _ = create_user("fbi-node", "US-FBI", "analyst")
agreement = create_agreement("IN-CBI", "US-FBI", ["CLEAR", "GREEN"])
print(json.dumps({"token": issue_token(user, "bench").secret}))
"""
# Node C pulls like node B but with campaign linking switched off, to show what the transfer,
# signature checks and ingest cost on their own.
UNLINKED_PULL = """
from tracebridge.complaints.signals import complaints_saved
complaints_saved.receivers = [r for r in complaints_saved.receivers if "campaigns" not in str(r[0])]
complaints_saved.sender_receivers_cache.clear()
import time
from tracebridge.sharing.sync import get_partner, pull
started = time.perf_counter()
result = pull(get_partner("node-a"))
print(result.imported.objects, result.imported.created, time.perf_counter() - started)
"""


def seeded_node(root: Path, name: str) -> tuple[dict[str, str], str]:
    """A node with its own database: a copy of one migrated empty database, then seeded."""
    env = node_env(root / name, f"node-{name}")
    (root / name).mkdir()
    template = root / "template" / "db.sqlite3"
    if not template.exists():
        template.parent.mkdir()
        run(node_env(template.parent), "migrate", "-v0")
    shutil.copyfile(template, root / name / "db.sqlite3")
    seeded = json.loads(run(env, "shell", "-c", SEED).splitlines()[-1])
    return env, seeded["token"]


def timed(env: dict[str, str], *args: str) -> tuple[str, float]:
    started = time.perf_counter()
    out = run(env, *args)
    return out, time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--complaints", type=int, default=0)
    args = parser.parse_args(argv)
    count = args.complaints or (200 if args.smoke else 100_000)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        env_a, token = seeded_node(root, "a")
        env_b, _ = seeded_node(root, "b")
        env_c, _ = seeded_node(root, "c")
        data = root / "complaints.jsonl"
        data.write_text("\n".join(json.dumps(r) for r in complaints(count)) + "\n")
        _, import_time = timed(env_a, "import", "complaints", str(data), "--agency", "IN-CBI")
        print(f"node A: imported and published {count:,} complaints in {import_time:.1f}s")
        port = free_port()
        server = gunicorn("tracebridge.wsgi:application", env_a, port, "/taxii2/")
        try:
            url = f"http://127.0.0.1:{port}/taxii2/root/"
            listing = requests.get(url + "collections/", timeout=60,
                                   headers={"Authorization": f"Bearer {token}",
                                            "Accept": "application/taxii+json;version=2.1"})  # fmt: skip
            collection = listing.json()["collections"][0]["id"]
            raw_count, raw_time = read_all(
                f"{url}collections/{collection}/", 1000, auth=Bearer(token)
            )
            key = run(env_a, "partner", "key")
            for env in (env_b, env_c):
                run(env, "partner", "add", "--name", "node-a", "--url", url, "--token", token,
                    "--key", key, "--agencies", "IN-CBI")  # fmt: skip
            summary, sync_time = timed(env_b, "sync", "pull", "--partner", "node-a")
            again = run(env_b, "sync", "pull", "--partner", "node-a")
            unlinked = run(env_c, "shell", "-c", UNLINKED_PULL).splitlines()[-1].split()
        finally:
            server.terminate()
            server.wait(timeout=30)
    objects = int(re.search(r"(\d+) objects", summary).group(1))  # type: ignore[union-attr]
    created = int(re.search(r"(\d+) complaints created", summary).group(1))  # type: ignore[union-attr]
    print(summary)
    print(again)
    if objects != raw_count or created != count or int(unlinked[1]) != count:
        print(f"FAILED: pulled {objects} of {raw_count} objects, created {created} of {count}")
        return 1
    rate, raw_rate = objects / sync_time, raw_count / raw_time
    bare_rate = int(unlinked[0]) / float(unlinked[2])
    print(
        f"baseline, taxii2-client reading only:      {raw_rate:10,.0f} objects/s ({raw_time:.1f}s)"
    )
    print(
        f"sync pull, verify + ingest (no linking):   {bare_rate:10,.0f} objects/s ({float(unlinked[2]):.1f}s)"
    )
    print(
        f"sync pull, verify + ingest + link (CLI):   {rate:10,.0f} objects/s ({sync_time:.1f}s incl. start)"
    )
    print(f"ratio: {bare_rate / raw_rate:.2f}x (no linking) and {rate / raw_rate:.2f}x (with linking) "
          f"of plain reading; {objects:,} objects (target >= 5,000 objects/s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
