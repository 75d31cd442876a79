"""Files a victim attaches to a public report: screenshots and statements (issue 23, point 9).

What a file is comes from its first bytes (PNG, JPEG, WebP, PDF), never from the browser's
content type; a name whose extension says another type is refused as disguised. The bytes go to
the node's content-addressed blob store, which belongs to the evidence app, a higher stage:
complaints cannot import it, so the evidence app registers the store here in its ``ready()``
(``register_store``), as higher stages register panels and filters (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import IO, Any, Protocol

from django.utils.translation import gettext as _

from tracebridge.errors import Unavailable

MAX_BYTES = 10 * 1024 * 1024  # per file, as NCRP's evidence upload
MAX_FILES = 5
# media type -> the file name extensions that may carry it
TYPES = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}
ACCEPT = ",".join([*TYPES, *(e for exts in TYPES.values() for e in exts)])


class Stored(Protocol):
    @property
    def sha256(self) -> str: ...

    @property
    def size(self) -> int: ...


class Store(Protocol):
    def put(self, source: IO[bytes]) -> Stored: ...

    def open(self, sha256: str) -> IO[bytes]: ...


_store: list[Callable[[], Store]] = []


def register_store(factory: Callable[[], Store]) -> None:
    """The evidence app gives its blob store (a factory: the store follows the settings)."""
    _store[:] = [factory]


def store() -> Store:
    if not _store:
        raise Unavailable("no blob store is registered: the evidence app is not installed")
    return _store[0]()


def sniff(head: bytes) -> str:
    """The media type the first bytes of a file show ("" for none of ours)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return ""


def problem(name: str, size: int, head: bytes) -> str:
    """Why the file ``name`` cannot be attached ("" when it can)."""
    if size > MAX_BYTES:
        return _("%(name)s is larger than 10 MB.") % {"name": name}
    if size == 0:
        return _("%(name)s is empty.") % {"name": name}
    media_type = sniff(head)
    if not media_type:
        return _("%(name)s is not a PNG, JPEG or WebP picture or a PDF.") % {"name": name}
    extension = PurePath(name).suffix.lower()
    if extension not in TYPES[media_type]:
        return _("%(name)s does not hold what its name says: its content is %(kind)s.") % {
            "name": name,
            "kind": media_type.split("/")[1].upper(),
        }
    return ""


def read_head(file: Any) -> bytes:
    """The first 16 bytes of an uploaded file, leaving it at its start."""
    file.seek(0)
    head = bytes(file.read(16))
    file.seek(0)
    return head


def check_all(files: Sequence[Any]) -> list[str]:
    """Every problem of a set of uploaded files (count first, then each file)."""
    if len(files) > MAX_FILES:
        return [_("Attach at most %(n)d files.") % {"n": MAX_FILES}]
    found = [problem(f.name, f.size, read_head(f)) for f in files]
    return [p for p in found if p]


def safe_name(name: str) -> str:
    """The file's own name without folders or control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"')
    return cleaned[-200:] or "file"
