"""Turn chunks of calls into CDR rows (one per reporting carrier) and the calls' truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracebridge.simulate import calls as c
from tracebridge.simulate.passport import Signer
from tracebridge.simulate.sinks import CALL_TRUTH_SCHEMA, CDR_SCHEMA, ParquetSink, timestamps
from tracebridge.simulate.world import World

Arr = np.ndarray[Any, Any]


def write_calls(
    world: World,
    seed: int,
    n: int,
    cdr_path: Path,
    truth_path: Path,
    signer: Signer | None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write ``n`` calls; returns (calls, CDR rows)."""
    p = c.plan(world, seed, n)
    with (
        ParquetSink(cdr_path, CDR_SCHEMA) as cdrs,
        ParquetSink(truth_path, CALL_TRUTH_SCHEMA) as truth,
    ):
        for k, first in enumerate(range(0, n, c.CHUNK)):
            m = min(c.CHUNK, n - first)
            calls = _chunk(p, np.random.default_rng([seed, 71, k]), m)
            ids = _call_ids(first, m)
            identity = _identities(p, calls, signer, np.random.default_rng([seed, 72, k]))
            truth.write(
                {
                    "call_id": ids,
                    "campaign_id": _campaign_ids(p, calls.campaign),
                    "kind": c.KINDS.take(pa.array(calls.kind)),
                }
            )
            cdrs.write(_records(p, calls, ids, identity))
            if progress:
                progress(m)
        return n, cdrs.rows


def _chunk(p: c.Plan, rng: np.random.Generator, m: int) -> c.Calls:
    robo = int(rng.binomial(m, c.ROBOCALL_SHARE)) if p.campaign_ids else 0
    remind = int(rng.binomial(m - robo, c.REMINDER_SHARE))
    parts = [c.legit(p, rng, m - robo - remind), c.reminder(p, rng, remind)]
    if robo:
        parts.append(c.robocall(p, rng, robo))
    fields = c.Calls.__dataclass_fields__
    return c.Calls(
        **{name: np.concatenate([getattr(part, name) for part in parts]) for name in fields}
    )


def _call_ids(first: int, m: int) -> pa.Array:
    digits = pc.cast(pa.array(np.arange(first, first + m, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise("C", pc.utf8_lpad(digits, 10, "0"), "")


def _campaign_ids(p: c.Plan, campaign: Arr) -> pa.Array:
    names = pa.array(p.campaign_ids or [""], pa.string())
    return pa.array(
        names.take(pa.array(np.maximum(campaign, 0))).to_pylist(),
        mask=campaign < 0,
        type=pa.string(),
    )


def _identities(
    p: c.Plan, calls: c.Calls, signer: Signer | None, rng: np.random.Generator
) -> pa.Array:
    """Identity headers for a share of signed calls (iat = the call's start)."""
    n = len(calls.kind)
    values: list[str | None] = [None] * n
    if signer is not None:
        keep = (calls.attest > 0) & (calls.fmt != 2) & (rng.random(n) < c.IDENTITY_SHARE)
        letters = ("", "A", "B", "C")
        for i in np.flatnonzero(keep).tolist():
            values[i] = signer.identity(
                letters[calls.attest[i]],
                str(calls.calling[i]),
                str(calls.called[i]),
                int(calls.start[i]),
                p.origids[calls.origid[i]],
            )
    return pa.array(values, pa.string())


def _hop_rows(calls: c.Calls) -> tuple[Arr, Arr, Arr, Arr]:
    """(call position, orig carrier, term carrier, reporting carrier) of every record,
    ordered by call, the terminating carrier's record first, then upstream."""
    n = len(calls.kind)
    pos, last = np.arange(n), calls.hops - 1
    rows = [
        (
            pos,
            calls.path[pos, last - 1],
            calls.path[pos, last],
            calls.path[pos, last],
            np.zeros(n, np.int64),
        )
    ]
    for j in (1, 2):
        at = np.flatnonzero(calls.traced & (j <= last - 1))
        rows.append((at, calls.path[at, j - 1], calls.path[at, j], calls.path[at, j], last[at] - j))
    # The originating carrier's own record (a foreign carrier answers no traceback).
    at = np.flatnonzero(calls.traced & (calls.path[:, 0] < c._FOREIGN))
    rows.append((at, calls.path[at, 0], calls.path[at, 1], calls.path[at, 0], last[at]))
    cols = [np.concatenate([r[i] for r in rows]) for i in range(5)]
    order = np.lexsort((cols[4], cols[0]))
    return cols[0][order], cols[1][order], cols[2][order], cols[3][order]


def _records(p: c.Plan, calls: c.Calls, ids: pa.Array, identity: pa.Array) -> dict[str, Any]:
    at, orig, term, rep = _hop_rows(calls)
    take = pa.array(at)
    carriers = pa.array(c.CARRIERS)
    called = pc.binary_join_element_wise("+", pc.cast(pa.array(calls.called[at]), pa.string()), "")
    return {
        "call_id": ids.take(take),
        "start_time": timestamps(calls.start[at]),
        "duration_s": pa.array(calls.duration[at].astype(np.int32)),
        "answered": pa.array(calls.duration[at] > 0),
        "sip_code": pa.array(calls.sip[at].astype(np.int16)),
        "calling_number": c._presented(calls).take(take),
        "called_number": called,
        "orig_carrier": carriers.take(pa.array(orig)),
        "term_carrier": carriers.take(pa.array(term)),
        "reporting_carrier": carriers.take(pa.array(rep)),
        "attestation": c.ATTEST.take(pa.array(calls.attest[at])),
        "origid": pc.if_else(  # an unsigned call has no origination id
            pa.array(calls.attest[at] == 0),
            pa.scalar(None, pa.string()),
            pa.array(p.origids).take(pa.array(calls.origid[at])),
        ),
        "identity": identity.take(take),
    }
