"""bench/sync: federation throughput, node A's collection pulled, verified and imported by node B.

Two nodes (gunicorn, one worker each, own SQLite databases) on loopback. Node A imports
synthetic complaints (published into the collection of its agreement with node B's agency);
node B pulls (``tracebridge.sharing.sync.pull``, what ``tracebridge sync pull`` runs): signed
pages verified, objects checked, complaints ingested, then linked into campaigns, and pulls
again (which must save nothing). Node C pulls the same with campaign linking switched off, to
show what transfer, checks and ingest cost on their own. Baseline in the same run:
taxii2-client merely reading the same collection (transfer and parse only). Target: >= 5,000
objects/s. Pulls are timed inside the process (a command's start-up is not the pull's cost).

    .venv/bin/python bench/sync.py [--smoke] [--complaints N] [--page-size N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

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


# Node A: the sharing node, the only one holding the agreement (as in a real deployment). Its
# own campaign linking is not measured here, so it is switched off.
SHARER = """
import json, sys
from django.core.management import call_command
from tracebridge.complaints.signals import complaints_saved
complaints_saved.disconnect(dispatch_uid="campaigns-link")
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.sharing.services import create_agreement
from tracebridge.sharing.signing import load_node_key, public_key_text
create_agency("IN-CBI", "IN", "CBI"); create_agency("US-FBI", "US", "FBI")
user, _ = create_user("fbi-node", "US-FBI", "analyst")
create_agreement("IN-CBI", "US-FBI", ["CLEAR", "GREEN"])
call_command("import", "complaints", sys.argv[-1], "--agency", "IN-CBI", stdout=sys.stderr)
print(json.dumps({"token": issue_token(user, "bench").secret,
                  "key": public_key_text(load_node_key())}))
"""
# Node B pulls with linking, then pulls again (nothing new); node C pulls without linking
# (the campaigns app's receiver disconnected).
PULL = """
import sys, time
import tracebridge.campaigns.services  # noqa: F401 (loads scipy once a process: not per object)
from tracebridge.sharing.sync import add_partner, pull
url, token, key, link, page_size = sys.argv[-5:]
if link == "0":
    from tracebridge.complaints.signals import complaints_saved
    complaints_saved.disconnect(dispatch_uid="campaigns-link")
partner = add_partner("node-a", url, token, key, ["IN-CBI"])
started = time.perf_counter()
result = pull(partner, page_size=int(page_size))
seconds = time.perf_counter() - started
again = pull(partner, page_size=int(page_size)).imported
print(result.imported.objects, result.imported.created, seconds, again.created + again.updated)
"""


def shell(env: dict[str, str], code: str, *argv: str) -> str:
    script = f"import sys; sys.argv += {list(argv)!r}\n{code}"
    return run(env, "shell", "-c", script).splitlines()[-1]


def nodes(root: Path, data: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Node A, seeded as the sharer with ``data`` imported, and pulling nodes B and C."""
    envs = [node_env(root / name, f"node-{name}") for name in "abc"]
    for name in "abc":
        (root / name).mkdir()
    run(envs[0], "migrate", "-v0")
    for name in "bc":  # copies of one migrated, empty database
        shutil.copyfile(root / "a" / "db.sqlite3", root / name / "db.sqlite3")
    started = time.perf_counter()
    seeded = json.loads(shell(envs[0], SHARER, str(data)))
    print(f"node A: imported and published {sum(1 for _ in data.open()):,} complaints "
          f"in {time.perf_counter() - started:.1f}s (incl. start-up)")  # fmt: skip
    return envs, seeded


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--complaints", type=int, default=0)
    parser.add_argument("--page-size", type=int, default=5000)
    args = parser.parse_args(argv)
    count = args.complaints or (500 if args.smoke else 100_000)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        data = root / "complaints.jsonl"
        data.write_text("\n".join(json.dumps(r) for r in complaints(count)) + "\n")
        (env_a, env_b, env_c), seeded = nodes(root, data)
        port = free_port()
        server = gunicorn("tracebridge.node.wsgi:application", env_a, port, "/taxii2/")
        try:
            url = f"http://127.0.0.1:{port}/taxii2/root/"
            collection = _collection(url, seeded["token"])
            raw_count, raw_time = read_all(
                f"{url}collections/{collection}/", args.page_size, auth=Bearer(seeded["token"])
            )
            pulled = {}
            for name, env, link in (("linked", env_b, "1"), ("unlinked", env_c, "0")):
                line = shell(env, PULL, url, seeded["token"], seeded["key"], link,
                             str(args.page_size))  # fmt: skip
                objects, created, seconds, again = line.split()
                pulled[name] = (int(objects), int(created), float(seconds), int(again))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return report(count, raw_count, raw_time, pulled)


def _collection(url: str, token: str) -> str:
    import requests

    listing = requests.get(url + "collections/", timeout=60,
                           headers={"Authorization": f"Bearer {token}",
                                    "Accept": "application/taxii+json;version=2.1"})  # fmt: skip
    return str(listing.json()["collections"][0]["id"])


def report(
    count: int,
    raw_count: int,
    raw_time: float,
    pulled: dict[str, tuple[int, int, float, int]],
) -> int:
    for name, (objects, created, _, again) in pulled.items():
        if objects != raw_count or created != count or again:
            print(f"FAILED ({name}): pulled {objects} of {raw_count} objects, created "
                  f"{created} of {count} complaints, {again} saved again by a second pull")  # fmt: skip
            return 1
    raw_rate = raw_count / raw_time
    print(f"baseline, taxii2-client reading only:    {raw_rate:10,.0f} objects/s ({raw_time:.2f}s)")
    rates = {}
    for name, label in (("unlinked", "verify + ingest (no linking)"),
                        ("linked", "verify + ingest + link")):  # fmt: skip
        objects, _, seconds, _ = pulled[name]
        rates[name] = objects / seconds
        print(f"sync pull, {label:29} {rates[name]:10,.0f} objects/s ({seconds:.2f}s)")
    print(f"ratio to plain reading: {rates['unlinked'] / raw_rate:.2f}x (no linking), "
          f"{rates['linked'] / raw_rate:.2f}x (with linking); {raw_count:,} objects, "
          f"{count:,} complaints; target >= 5,000 objects/s with linking")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
