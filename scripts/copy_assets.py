"""Copy front-end libraries installed from the npm registry into the static folder."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "tracebridge" / "static" / "vendor"
FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
}


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, target in FILES.items():
        path = ROOT / "node_modules" / source
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `npm install` first")
        shutil.copyfile(path, VENDOR / target)
        print(f"copied {source} -> static/vendor/{target}")


if __name__ == "__main__":
    main()
