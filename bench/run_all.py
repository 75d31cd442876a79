"""Run every benchmark in bench/ (``--smoke`` for the small sizes CI runs).

Each bench/<name>.py measures one target against its named baseline in the same run and prints
the ratio; this runner only sequences them and fails when one fails.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    smoke = "--smoke" in argv
    names = [a for a in argv if not a.startswith("--")]
    scripts = sorted(
        p for p in BENCH.glob("*.py") if p.name != "run_all.py" and not p.name.startswith("_")
    )
    if names:
        scripts = [p for p in scripts if p.stem in names]
    failed = []
    for script in scripts:
        print(f"\n=== bench/{script.name}{' --smoke' if smoke else ''} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *(["--smoke"] if smoke else [])])
        print(f"--- {script.stem}: exit {code} in {time.perf_counter() - started:.1f}s", flush=True)
        if code:
            failed.append(script.stem)
    print(f"\nbenchmarks: {len(scripts) - len(failed)} ok, {len(failed)} failed {failed or ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
