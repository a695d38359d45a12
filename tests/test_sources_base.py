"""etl.sources.base: one read of a file gives its sha256 and its line count."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.sources import base


def _expected_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


@pytest.mark.parametrize("data, lines", [
    (b"", 0),
    (b"a,b\n", 1),
    (b"a,b\n1,2", 2),              # a last line without a newline counts
    (b"a,b\r\n1,2\r\n", 2),
    (b"\n\n\n", 3),                # empty lines are lines
    (b"a\rb\rc", 1),               # a lone carriage return is not a line break here
])
def test_digest_counts_lines_and_hashes(tmp_path, data, lines):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    digest = base.digest_of(path)
    assert (digest.sha256, digest.lines) == (hashlib.sha256(data).hexdigest(), lines)
    assert base.sha256_of(path) == digest.sha256


def test_digest_across_read_buffers(tmp_path):
    """Lines and bytes on both sides of the 4 MB read buffer are all counted."""
    data = (b"x" * 999 + b"\n") * 9000 + b"tail"
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    assert base.digest_of(path) == base.FileDigest(hashlib.sha256(data).hexdigest(), 9001)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5000))
def test_digest_matches_a_plain_count(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("digest") / "f.bin"
    path.write_bytes(data)
    assert base.digest_of(path) == base.FileDigest(hashlib.sha256(data).hexdigest(), _expected_lines(data))
