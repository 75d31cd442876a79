"""bench/assistance: formal requests between two nodes (issue 18).

Each status transition, signed and delivered: two nodes (gunicorn, one worker each, own SQLite
databases and keys) on loopback. Node A (the DOJ-CPB) sends a preservation request to node B
(the CBI); B acknowledges, preserves, then extends the preservation N times. Each step is timed
inside B's process from the call to ``services.act`` until it returns, which covers signing,
storing, the ledger leaf and the audit event, the POST to A, A's checks, its apply, its
receipt and ledger leaf, and B checking and storing that receipt (the delivery runs after the
step's commit, before ``act`` returns). Every step must end delivered with an ``accepted``
receipt. Baseline in the same run: the same extension signed and stored on B with delivery
switched off. Target: p99 of a delivered transition <= 200 ms.

    .venv/bin/python bench/assistance.py [--smoke] [--transitions N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from taxii import free_port, gunicorn, node_env, run

TARGET_MS = 200.0
SETUP = """
import json
from tracebridge.agencies.services import create_agency, create_user, issue_token
from tracebridge.sharing.signing import load_node_key, public_key_text
create_agency("US-DOJ-CPB", "US", "DOJ Consumer Protection Branch")
create_agency("IN-CBI", "IN", "Central Bureau of Investigation")
create_user("doj.analyst", "US-DOJ-CPB", "analyst"); create_user("doj.chief", "US-DOJ-CPB", "supervisor")
create_user("cbi.officer", "IN-CBI", "analyst")
account, _ = create_user("partner-node", sys.argv[-1], "analyst")
print(json.dumps({"token": issue_token(account, "partner").secret,
                  "key": public_key_text(load_node_key())}))
"""
PARTNER = """
from tracebridge.sharing.sync import add_partner
name, url, token, key, agency = sys.argv[-5:]
add_partner(name, url, token, key, [agency])
"""
FIELDS = {
    "requesting_authority": "DOJ Consumer Protection Branch",
    "offence": "Wire fraud, 18 U.S.C. 1343",
    "summary_of_facts": "Older adults called by a fake tech-support centre.",
    "stored_data": "Subscriber and call records of +913340001234",
    "relation_to_offence": "The number called the victims.",
    "custodian": "The carrier of +913340001234 in Kolkata",
    "necessity": "Call records are deleted after six months.",
    "follow_up": "mla",
}
REQUEST = f"""
from tracebridge.agencies.models import User
from tracebridge.assistance import services
from tracebridge.cases.services import create_case
analyst, chief = User.objects.get(username="doj.analyst"), User.objects.get(username="doj.chief")
case = create_case("US-DOJ-CPB", "Call centre", by=analyst, lead=analyst)
request = services.create(analyst.agency, "IN-CBI", "preservation", case.reference,
                          {FIELDS!r}, analyst)
print(services.act(request, "approve", chief).reference)
"""
STEPS = """
import datetime as dt, json, time
from tracebridge.agencies.models import User
from tracebridge.assistance import services
from tracebridge.assistance.models import Request
from tracebridge.assistance.outbox import Outbox
reference, count = sys.argv[-2], int(sys.argv[-1])
officer = User.objects.get(username="cbi.officer")
request = Request.objects.get(reference=reference)

def steps(n, start):
    times = []
    for i in range(n):
        until = dt.datetime.now(dt.UTC) + dt.timedelta(days=60, minutes=start + i)
        began = time.perf_counter()
        services.act(request, "extend", officer, until=until.isoformat())
        times.append((time.perf_counter() - began) * 1000)
    return times

for action in ("acknowledge", "preserve"):
    services.act(request, action, officer)
delivered = steps(count, 0)
rows = Outbox.objects.filter(message__request=request)
states = sorted(set(rows.values_list("state", flat=True)))
receipts = sorted(set(rows.values_list("message__receipt__status", flat=True)))
services.step_signed.disconnect(dispatch_uid="assistance-send")
local = steps(count, count)
print(json.dumps({"delivered": delivered, "local": local, "rows": rows.count(),
                  "states": states, "receipts": receipts}))
"""


def shell(env: dict[str, str], code: str, *argv: str) -> str:
    script = f"import sys; sys.argv += {list(argv)!r}\n{code}"
    return run(env, "shell", "-c", script).splitlines()[-1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--transitions", type=int, default=0)
    args = parser.parse_args(argv)
    count = args.transitions or (30 if args.smoke else 500)
    with tempfile.TemporaryDirectory(prefix="bench-assistance-") as tmp:
        root = Path(tmp)
        envs = {name: node_env(root / name, f"{name}-node") for name in ("us", "in")}
        for name in envs:
            (root / name).mkdir()
        run(envs["us"], "migrate", "-v0")
        shutil.copyfile(root / "us" / "db.sqlite3", root / "in" / "db.sqlite3")
        us = json.loads(shell(envs["us"], SETUP, "IN-CBI"))  # in-node's account on A
        india = json.loads(shell(envs["in"], SETUP, "US-DOJ-CPB"))  # us-node's account on B
        ports = {name: free_port() for name in envs}
        url = {name: f"http://127.0.0.1:{ports[name]}/taxii2/root/" for name in envs}
        shell(envs["us"], PARTNER, "in-node", url["in"], india["token"], india["key"], "IN-CBI")
        shell(envs["in"], PARTNER, "us-node", url["us"], us["token"], us["key"], "US-DOJ-CPB")
        servers = [gunicorn("tracebridge.node.wsgi:application", envs[n], ports[n], "/taxii2/")
                   for n in envs]  # fmt: skip
        try:
            reference = shell(envs["us"], REQUEST)
            result = json.loads(shell(envs["in"], STEPS, reference, str(count)))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    return report(count, result)


def report(count: int, result: dict[str, object]) -> int:
    rows, states, receipts = result["rows"], result["states"], result["receipts"]
    if rows != count + 2 or states != ["delivered"] or receipts != ["accepted"]:
        print(f"FAILED: {rows} messages in the outbox for {count + 2} steps, states {states}, "
              f"receipts {receipts}")  # fmt: skip
        return 1
    delivered, local = result["delivered"], result["local"]
    assert isinstance(delivered, list) and isinstance(local, list)
    for label, times in (("signed and stored, no delivery (baseline)", local),
                         ("signed and delivered with a receipt", delivered)):  # fmt: skip
        print(f"{label:42} p50 {percentile(times, 50):6.1f} ms  p99 {percentile(times, 99):6.1f} "
              f"ms  max {max(times):6.1f} ms")  # fmt: skip
    p99 = percentile(delivered, 99)
    verdict = "met" if p99 <= TARGET_MS else "NOT met"
    print(f"p99 of a status transition signed and delivered between two loopback nodes: "
          f"{p99:.1f} ms over {count} transitions; target <= {TARGET_MS:.0f} ms: {verdict}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
