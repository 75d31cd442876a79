"""Where large uploads are spooled, and how what a dead server process left there is removed.

Django writes an upload too large for memory to a temporary file that it deletes when the
request ends. A worker killed mid-upload never gets there, so each process spools into a folder
of its own, ``FILE_UPLOAD_TEMP_DIR/<pid>/``: the server removes a worker's folder when the
worker exits (``tracebridge.node.gunicorn_conf``) and, at start, every folder whose process is gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import uploadhandler
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile


def worker_dir(root: Path, pid: int) -> Path:
    return root / str(pid)


def remove_worker_dir(root: Path, pid: int) -> None:
    shutil.rmtree(worker_dir(root, pid), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale(root: Path) -> int:
    """Remove what processes that no longer run left under ``root``; returns entries removed."""
    if not root.is_dir():
        return 0
    removed = 0
    for entry in root.iterdir():
        if entry.is_dir() and entry.name.isdigit() and _alive(int(entry.name)):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


class WorkerTemporaryUploadedFile(TemporaryUploadedFile):
    """Django's temporary upload, in this process's own folder under FILE_UPLOAD_TEMP_DIR."""

    def __init__(
        self,
        name: str,
        content_type: str,
        size: int,
        charset: str | None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:
        folder = worker_dir(Path(settings.FILE_UPLOAD_TEMP_DIR), os.getpid())
        folder.mkdir(parents=True, exist_ok=True)
        suffix = ".upload" + os.path.splitext(name)[1]
        file = tempfile.NamedTemporaryFile(suffix=suffix, dir=folder)  # noqa: SIM115
        # TemporaryUploadedFile.__init__ would open its file in FILE_UPLOAD_TEMP_DIR itself:
        # skip to UploadedFile's, which only wraps the file given.
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class TemporaryFileUploadHandler(uploadhandler.TemporaryFileUploadHandler):
    """Django's handler for large uploads, spooling to ``WorkerTemporaryUploadedFile``."""

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        uploadhandler.FileUploadHandler.new_file(
            self, field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        self.file = WorkerTemporaryUploadedFile(
            file_name, content_type, 0, charset, content_type_extra
        )
