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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--complaints", type=int, default=0)
    args = parser.parse_args(argv)
    count = args.complaints or (500 if args.smoke else 100_000)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        (root / "a").mkdir()
        (root / "b").mkdir()
        env_a, env_b = node_env(root / "a", "node-a"), node_env(root / "b", "node-b")
        print(f"node A: importing {count:,} complaints ...", flush=True)
        run(env_a, "migrate", "-v0")
        run(env_b, "migrate", "-v0")
        for env in (env_a, env_b):
            run(env, "agency", "create", "IN-CBI", "--country", "IN", "--name", "CBI")
            run(env, "agency", "create", "US-FBI", "--country", "US", "--name", "FBI")
        run(env_a, "user", "create", "fbi-node", "--agency", "US-FBI", "--role", "analyst")
        token = run(env_a, "token", "create", "--user", "fbi-node")
        line = run(env_a, "agreement", "create", "--from", "IN-CBI", "--to", "US-FBI",
                   "--tlp", "CLEAR,GREEN")  # fmt: skip
        collection = re.search(r"collection ([0-9a-f-]{36})", line).group(1)  # type: ignore[union-attr]
        data = root / "complaints.jsonl"
        data.write_text("\n".join(json.dumps(r) for r in complaints(count)) + "\n")
        started = time.perf_counter()
        run(env_a, "import", "complaints", str(data), "--agency", "IN-CBI")
        print(f"node A: imported and published in {time.perf_counter() - started:.1f}s")
        port = free_port()
        server = gunicorn("tracebridge.wsgi:application", env_a, port, "/taxii2/")
        try:
            url = f"http://127.0.0.1:{port}/taxii2/root/"
            raw_count, raw_time = read_all(
                f"{url}collections/{collection}/", 1000, auth=Bearer(token)
            )
            run(env_b, "partner", "add", "--name", "node-a", "--url", url, "--token", token,
                "--key", run(env_a, "partner", "key"), "--agencies", "IN-CBI")  # fmt: skip
            started = time.perf_counter()
            summary = run(env_b, "sync", "pull", "--partner", "node-a")
            sync_time = time.perf_counter() - started
            again = run(env_b, "sync", "pull", "--partner", "node-a")
        finally:
            server.terminate()
            server.wait(timeout=30)
    objects = int(re.search(r"(\d+) objects", summary).group(1))  # type: ignore[union-attr]
    created = int(re.search(r"(\d+) complaints created", summary).group(1))  # type: ignore[union-attr]
    print(summary)
    print(again)
    if objects != raw_count or created != count:
        print(f"FAILED: pulled {objects} of {raw_count} objects, created {created} of {count}")
        return 1
    rate, raw_rate = objects / sync_time, raw_count / raw_time
    print(f"baseline, taxii2-client reading only: {raw_rate:10,.0f} objects/s ({raw_time:.1f}s)")
    print(f"sync pull (verify + import + link):   {rate:10,.0f} objects/s ({sync_time:.1f}s, "
          f"incl. ~2s command start)")  # fmt: skip
    print(f"ratio: {rate / raw_rate:.2f}x of plain reading; {objects:,} objects "
          f"(target >= 5,000 objects/s at 1M objects)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
