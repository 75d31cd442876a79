"""Blob stores: content addressed, streamed, never overwritten; filesystem and real S3 HTTP."""

from __future__ import annotations

import hashlib
import io
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracebridge.evidence.blobs import (
    CHUNK,
    BlobError,
    BlobStore,
    FileBlobStore,
    S3BlobStore,
    hash_blob,
    store_from_environment,
)


class CountingStream(io.RawIOBase):
    """A large source that is generated on the fly and remembers the biggest read asked of it."""

    def __init__(self, size: int) -> None:
        self.left, self.largest_read = size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        self.largest_read = max(self.largest_read, n)
        take = min(self.left, n if n > 0 else self.left)
        self.left -= take
        return b"\xab" * take


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3BlobStore]:
    import boto3
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}")
        client.create_bucket(Bucket="evidence")
        yield S3BlobStore(client, "evidence", "blobs")
    finally:
        server.stop()


@pytest.fixture(params=["file", "s3"])
def store(request: Any, tmp_path: Path) -> BlobStore:
    if request.param == "file":
        return FileBlobStore(tmp_path / "blobs")
    return request.getfixturevalue("s3")  # type: ignore[no-any-return]


def test_put_open_and_never_overwrite(store: BlobStore) -> None:
    first = store.put(io.BytesIO(b"recording"))
    assert first.sha256 == hashlib.sha256(b"recording").hexdigest() and first.size == 9
    assert first.created and store.exists(first.sha256)
    again = store.put(io.BytesIO(b"recording"))
    assert again == type(first)(first.sha256, 9, False)
    with store.open(first.sha256) as f:
        assert f.read() == b"recording"
    assert hash_blob(store, first.sha256) == (first.sha256, 9)
    missing = "0" * 64
    assert not store.exists(missing)
    with pytest.raises(BlobError, match="missing"):
        store.open(missing)
    with pytest.raises(BlobError, match="not a SHA-256"):
        store.exists("../../etc/passwd")


def test_large_files_stream_in_fixed_chunks(store: BlobStore) -> None:
    source = CountingStream(3 * CHUNK + 5)
    seen: list[int] = []
    blob = store.put(source, progress=seen.append)  # type: ignore[arg-type]
    assert blob.size == 3 * CHUNK + 5 and sum(seen) == blob.size
    assert source.largest_read == CHUNK  # never asked for the whole file at once
    assert blob.sha256 == hashlib.sha256(b"\xab" * (3 * CHUNK + 5)).hexdigest()


def test_filesystem_blobs_are_read_only_and_sharded(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    blob = store.put(io.BytesIO(b"x"))
    path = store.path(blob.sha256)
    assert path == tmp_path / blob.sha256[:2] / blob.sha256[2:4] / blob.sha256
    assert path.stat().st_mode & 0o777 == 0o444
    assert list((tmp_path / "tmp").iterdir()) == []


def test_store_from_environment(tmp_path: Path) -> None:
    assert isinstance(store_from_environment(tmp_path, {}), FileBlobStore)
    s3 = store_from_environment(
        tmp_path,
        {
            "TRACEBRIDGE_BLOB_STORE": "s3://bucket/x",
            "TRACEBRIDGE_S3_ENDPOINT": "http://127.0.0.1:9",
        },
    )
    assert s3.describe() == "s3://bucket/x"
    with pytest.raises(BlobError, match="s3://bucket/prefix"):
        store_from_environment(tmp_path, {"TRACEBRIDGE_BLOB_STORE": "ftp://x"})


def test_put_range_stores_bytes_of_a_file_under_their_known_hash(tmp_path: Path) -> None:
    source = tmp_path / "package.bin"
    source.write_bytes(b"header" + b"evidence bytes" + b"trailer")
    sha = hashlib.sha256(b"evidence bytes").hexdigest()
    store = FileBlobStore(tmp_path / "blobs")
    blob = store.put_range(source, 6, 14, sha)
    assert (blob.sha256, blob.size, blob.created) == (sha, 14, True)
    assert store.path(sha).read_bytes() == b"evidence bytes"
    assert store.put_range(source, 6, 14, sha).created is False
    assert list((tmp_path / "blobs" / "tmp").iterdir()) == []
