import hashlib

import pytest

from app.domain.errors import IntegrityError, NotFoundError
from app.storage import BlobStore


def test_blob_is_stored_by_hash_and_read_back_verified(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    ref = store.put_bytes(b"hello")
    sha = hashlib.sha256(b"hello").hexdigest()
    assert ref.sha256 == sha and ref.size == 5
    assert store.path(sha) == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert store.read_bytes(sha) == b"hello"
    assert store.put_bytes(b"hello") == ref  # same bytes, stored once
    assert not list((tmp_path / "blobs").rglob("*.tmp"))


def test_put_file_copies_a_file(tmp_path):
    src = tmp_path / "scan.png"
    src.write_bytes(b"\x89PNG" * 1000)
    store = BlobStore(tmp_path / "blobs")
    ref = store.put_file(src)
    assert store.has(ref.sha256) and ref.size == 4000


def test_corrupt_blob_is_refused_when_read(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    ref = store.put_bytes(b"original")
    store.path(ref.sha256).write_bytes(b"tampered")
    assert not store.verify(ref.sha256)
    with pytest.raises(IntegrityError):
        store.open(ref.sha256)
    store.put_bytes(b"original")  # storing it again repairs the file
    assert store.read_bytes(ref.sha256) == b"original"


def test_missing_blob_is_not_found(tmp_path):
    with pytest.raises(NotFoundError):
        BlobStore(tmp_path).open("a" * 64)
