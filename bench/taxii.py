"""bench/taxii: serve N STIX objects paged to taxii2-client; TraceBridge against medallion.

Both servers run under gunicorn with one sync worker on loopback and hold the same objects in
one collection; the same taxii2-client loop (``as_pages``) reads every page from each. The
baseline is medallion, the OASIS reference TAXII 2.1 server, with its memory backend.
Target: >= 5x medallion's objects/s at 100k objects.

    .venv/bin/python bench/taxii.py [--smoke] [--objects N] [--page N]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

BIN = Path(sys.executable).parent
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
NS = uuid.UUID("5b2d8a4e-1c6f-4b1e-9d7a-3e8f0c2a4b6d")


def synthetic_objects(count: int) -> list[dict[str, Any]]:
    """Indicators for Indian mobile numbers, as a partner collection would hold them."""
    out = []
    for i in range(count):
        number = f"+9198{i:08d}"
        when = f"2026-01-{1 + i % 28:02d}T00:00:00.000Z"
        out.append(
            {
                "type": "indicator", "spec_version": "2.1",
                "id": f"indicator--{uuid.uuid5(NS, number)}", "created": when, "modified": when,
                "name": f"phone:{number}", "pattern": f"[phone-number:value = '{number}']",
                "pattern_type": "stix", "valid_from": when, "indicator_types": ["malicious-activity"],
                "object_marking_refs": [GREEN],
            }
        )  # fmt: skip
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def node_env(home: Path, name: str = "bench-node") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACEBRIDGE_")}
    env.update(
        TRACEBRIDGE_HOME=str(home), DATABASE_URL=f"sqlite:///{home}/db.sqlite3",
        TRACEBRIDGE_SECRET_KEY=secrets.token_urlsafe(48), TRACEBRIDGE_NODE_NAME=name,
        TRACEBRIDGE_ALLOWED_HOSTS="127.0.0.1,localhost", TRACEBRIDGE_DEBUG="0",
    )  # fmt: skip
    return env


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "tracebridge"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"tracebridge {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


def gunicorn(app: str, env: dict[str, str], port: int, probe: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), app, "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "600",
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(600):
        try:
            requests.get(f"http://127.0.0.1:{port}{probe}", timeout=30)
            return server
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"{app} did not start")


SEED = """
import json, sys
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.sharing.exports import store
from tracebridge.sharing.services import create_agreement
create_agency("IN-CBI", "IN", "CBI")
user, _ = create_user("cbi-node", "IN-CBI", "analyst")
collections = []
for number, path in enumerate(sys.argv[-1].split(",")):
    create_agency(f"US-OWNER{number}", "US", "owner")
    agreement = create_agreement(f"US-OWNER{number}", "IN-CBI", ["CLEAR", "GREEN"])
    objects = json.load(open(path))
    for start in range(0, len(objects), 20000):
        store(agreement, objects[start:start + 20000])
    collections.append(str(agreement.collection_id))
print(json.dumps({"token": issue_token(user, "bench").secret, "collections": collections}))
"""


def tracebridge_node(home: Path, *objects_files: Path) -> tuple[Any, list[str], str, str]:
    """A migrated, seeded node serving each objects file in a collection of its own."""
    env = node_env(home)
    run(env, "migrate", "-v0")
    script = home / "seed.py"
    script.write_text(SEED)
    files = ",".join(map(str, objects_files))
    code = f"import sys; sys.argv.append({files!r}); exec(open({str(script)!r}).read())"
    done = subprocess.run(
        [str(BIN / "tracebridge"), "shell", "-c", code],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    port = free_port()
    server = gunicorn("tracebridge.node.wsgi:application", env, port, "/taxii2/")
    base = f"http://127.0.0.1:{port}/taxii2/root/collections/"
    urls = [f"{base}{c}/" for c in seeded["collections"]]
    return server, urls, seeded["token"], run(env, "partner", "key")


def medallion_node(home: Path, objects: list[dict[str, Any]], page: int) -> tuple[Any, str]:
    port = free_port()
    collection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
    manifest = [
        {"id": o["id"], "date_added": o["modified"], "version": o["modified"],
         "media_type": "application/stix+json;version=2.1"}
        for o in objects
    ]  # fmt: skip
    data = {
        "/discovery": {"title": "medallion", "default": f"http://127.0.0.1:{port}/api1/",
                       "api_roots": [f"http://127.0.0.1:{port}/api1/"]},
        "api1": {
            "information": {"title": "bench", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 10**9},
            "status": [],
            "collections": [{"id": collection, "title": "bench", "can_read": True,
                             "can_write": False, "media_types": ["application/stix+json;version=2.1"],
                             "objects": objects, "manifest": manifest}],
        },
    }  # fmt: skip
    (home / "data.json").write_text(json.dumps(data))
    config = {
        "backend": {"module": "medallion.backends.memory_backend",
                    "module_class": "MemoryBackend", "filename": str(home / "data.json")},
        "users": {"bench": "bench-password"},
        "taxii": {"max_page_size": page},
    }  # fmt: skip
    (home / "config.json").write_text(json.dumps(config))
    (home / "medallion_wsgi.py").write_text(
        f"from medallion import load_app\napp = load_app({str(home / 'config.json')!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(home)}
    server = gunicorn("medallion_wsgi:app", env, port, "/taxii2/")
    return server, f"http://127.0.0.1:{port}/api1/collections/{collection}/"


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def read_all(url: str, page: int, **auth: Any) -> tuple[int, float]:
    from taxii2client.v21 import Collection, as_pages

    collection = Collection(url, **auth)
    started = time.perf_counter()
    count = sum(
        len(p.get("objects", [])) for p in as_pages(collection.get_objects, per_request=page)
    )
    return count, time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--objects", type=int, default=0)
    parser.add_argument("--baseline-objects", type=int, default=0)
    parser.add_argument("--page", type=int, default=1000)
    args = parser.parse_args(argv)
    count = args.objects or (5_000 if args.smoke else 100_000)
    # medallion's memory backend sorts every first page by looking each object up in the
    # manifest (quadratic: ~27 s for 1,000 objects on this machine), so 100k objects cannot
    # be served by it in one run. Both servers are therefore timed on the same small
    # collection for the ratio, and TraceBridge alone on the full one.
    small = min(count, args.baseline_objects or (200 if args.smoke else 1_000))
    objects = synthetic_objects(count)
    with tempfile.TemporaryDirectory(prefix="bench-taxii-") as tmp:
        root = Path(tmp)
        for name in ("tb", "md"):
            (root / name).mkdir()
        (root / "objects.json").write_text(json.dumps(objects))
        (root / "small.json").write_text(json.dumps(objects[:small]))
        print(f"seeding {count:,} objects (and {small:,} for the baseline) ...", flush=True)
        servers = []
        try:
            tb, (tb_url, tbs_url), token, _ = tracebridge_node(
                root / "tb", root / "objects.json", root / "small.json"
            )
            servers.append(tb)
            md, md_url = medallion_node(root / "md", objects[:small], args.page)
            servers.append(md)
            page = min(args.page, small)
            md_count, md_time = read_all(md_url, page, user="bench", password="bench-password")
            small_count, small_time = read_all(tbs_url, page, auth=Bearer(token))
            tb_count, tb_time = read_all(tb_url, args.page, auth=Bearer(token))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    if (tb_count, small_count, md_count) != (count, small, small):
        print(f"FAILED: read {tb_count}/{count}, {small_count}/{small}, {md_count}/{small} objects")
        return 1
    md_rate, small_rate, tb_rate = small / md_time, small / small_time, count / tb_time
    print(
        f"{small:>7,} objects  medallion (memory backend): {md_rate:10,.0f} objects/s ({md_time:.2f}s)"
    )
    print(
        f"{small:>7,} objects  TraceBridge TAXII:          {small_rate:10,.0f} objects/s ({small_time:.2f}s)"
    )
    print(
        f"{count:>7,} objects  TraceBridge TAXII:          {tb_rate:10,.0f} objects/s ({tb_time:.2f}s)"
    )
    print(f"ratio: {small_rate / md_rate:.1f}x medallion on the same {small:,} objects; "
          f"at {count:,} TraceBridge still serves {tb_rate / md_rate:.0f}x medallion's small-collection rate "
          f"(target >= 5x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
