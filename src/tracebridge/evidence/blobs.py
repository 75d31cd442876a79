"""Content-addressed blob stores: evidence files stored by SHA-256, streamed, never overwritten.

Two implementations behind one interface: the filesystem under TRACEBRIDGE_HOME/blobs (the
default) and any S3-compatible object store (``TRACEBRIDGE_BLOB_STORE=s3://bucket/prefix``,
endpoint from ``TRACEBRIDGE_S3_ENDPOINT``, credentials from the usual AWS_* variables).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

CHUNK = 4 << 20
HEX64 = re.compile(r"[0-9a-f]{64}")


class BlobError(RuntimeError):
    """A blob that is missing, or a store that cannot be used."""


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    created: bool  # False when identical content was already stored


def _check_digest(sha256: str) -> str:
    if not HEX64.fullmatch(sha256):
        raise BlobError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def copy_hashing(
    source: IO[bytes], target: IO[bytes], progress: Callable[[int], None] | None = None
) -> tuple[str, int]:
    """Copy in fixed chunks (constant memory for multi-GB files) while hashing."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
        if progress:
            progress(len(chunk))
    return digest.hexdigest(), size


class BlobStore(Protocol):
    def put(self, source: IO[bytes], progress: Callable[[int], None] | None = None) -> Blob: ...

    def open(self, sha256: str) -> IO[bytes]: ...

    def exists(self, sha256: str) -> bool: ...

    def describe(self) -> str: ...


class FileBlobStore:
    """<root>/ab/cd/<sha256>, written to a temporary file first and linked into place."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def path(self, sha256: str) -> Path:
        _check_digest(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, source: IO[bytes], progress: Callable[[int], None] | None = None) -> Blob:
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=tmp_dir, delete=False) as tmp:
            try:
                sha256, size = copy_hashing(source, tmp, progress)
                tmp.flush()
                os.fsync(tmp.fileno())
            except BaseException:
                Path(tmp.name).unlink(missing_ok=True)
                raise
        return self._publish(Path(tmp.name), sha256, size)

    def _publish(self, tmp: Path, sha256: str, size: int) -> Blob:
        """Give the finished temporary file ``tmp`` its content name (and remove ``tmp``)."""
        final = self.path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            # link() refuses an existing name: an existing blob is never replaced
            os.link(tmp, final)
            os.chmod(final, 0o444)
            created = True
        except FileExistsError:
            created = False
        finally:
            tmp.unlink(missing_ok=True)
        return Blob(sha256, size, created)

    def put_range(self, path: Path, offset: int, size: int, sha256: str) -> Blob:
        """Store ``size`` bytes of ``path`` from ``offset`` as the blob ``sha256``, copied in the
        kernel (``copy_file_range``). Only for bytes the caller has just hashed to ``sha256``
        (a package member the offline verifier checked): they are not hashed again."""
        final = self.path(sha256)
        if final.is_file():
            return Blob(sha256, size, False)
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with (
            path.open("rb") as source,
            tempfile.NamedTemporaryFile(dir=tmp_dir, delete=False) as tmp,
        ):
            try:
                copied = 0
                while copied < size:
                    done = os.copy_file_range(
                        source.fileno(), tmp.fileno(), size - copied, offset + copied
                    )
                    if done == 0:
                        raise BlobError(f"{path} ends before byte {offset + size}")
                    copied += done
                os.fsync(tmp.fileno())
            except BaseException:
                Path(tmp.name).unlink(missing_ok=True)
                raise
        return self._publish(Path(tmp.name), sha256, size)

    def open(self, sha256: str) -> IO[bytes]:
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobError(f"blob {sha256} is missing from {self.root}") from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()


class S3BlobStore:
    """An S3-compatible bucket: blobs under <prefix>/<sha256>; existing keys are never rewritten."""

    def __init__(self, client: Any, bucket: str, prefix: str = "blobs", spool: Path | None = None):
        self.client, self.bucket, self.prefix, self.spool = client, bucket, prefix.strip("/"), spool

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, sha256: str) -> str:
        return f"{self.prefix}/{_check_digest(sha256)}"

    def put(self, source: IO[bytes], progress: Callable[[int], None] | None = None) -> Blob:
        # The key is the hash, known only at the end: spool to a local file while hashing,
        # then upload in parts (boto3's multipart upload streams from the file).
        with tempfile.TemporaryFile(dir=self.spool) as spool:
            sha256, size = copy_hashing(source, spool, progress)
            if self.exists(sha256):
                return Blob(sha256, size, False)
            spool.seek(0)
            self.client.upload_fileobj(
                spool,
                self.bucket,
                self.key(sha256),
                ExtraArgs={"ContentType": "application/octet-stream"},
            )
        return Blob(sha256, size, True)

    def open(self, sha256: str) -> IO[bytes]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except self.client.exceptions.NoSuchKey:
            raise BlobError(f"blob {sha256} is missing from {self.describe()}") from None
        body: IO[bytes] = response["Body"]
        return body

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except Exception as exc:
            if getattr(exc, "response", {}).get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return False
            raise
        return True


def store_from_environment(home: Path, env: dict[str, str] | None = None) -> BlobStore:
    env = dict(os.environ if env is None else env)
    url = env.get("TRACEBRIDGE_BLOB_STORE", "")
    if not url:
        return FileBlobStore(home / "blobs")
    if not url.startswith("s3://"):
        raise BlobError(f"TRACEBRIDGE_BLOB_STORE must be empty or s3://bucket/prefix, got {url!r}")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    import boto3  # only needed when an S3 store is configured

    client = boto3.client("s3", endpoint_url=env.get("TRACEBRIDGE_S3_ENDPOINT") or None)
    return S3BlobStore(client, bucket, prefix or "blobs", spool=home)


def hash_blob(store: BlobStore, sha256: str) -> tuple[str, int]:
    """Re-read a stored blob and return its actual digest and size."""
    digest = hashlib.sha256()
    size = 0
    with store.open(sha256) as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
