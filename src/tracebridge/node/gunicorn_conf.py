"""gunicorn's hooks for `tracebridge serve`, loaded in the arbiter (which never loads Django's
settings: only the node's configuration, read from the same environment as the workers')."""

from __future__ import annotations

from typing import Any

from tracebridge import config as _config
from tracebridge import uploads as _uploads

# gunicorn reads every public name here as a setting (it has one called "config"): keep the
# helpers private.
_UPLOAD_DIR = _config.load().upload_dir


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exits, killed mid-upload included, leaves no spooled upload behind."""
    _uploads.remove_worker_dir(_UPLOAD_DIR, worker.pid)
