from __future__ import annotations

import gzip
import os
import zlib

import pytest

from digests.ingest.decode import BoundedDecoder, decompress_bounded
from digests.ingest.errors import (
    CorruptContentError,
    DecompressionBombError,
    ResponseTooLargeError,
    UnsupportedContentEncodingError,
)

TEXT = b"<rss><channel><title>Plain news</title></channel></rss>\n" * 200


def _feed_in_chunks(decoder: BoundedDecoder, data: bytes, size: int = 1000) -> bytes:
    return b"".join(decoder.feed(data[i : i + size]) for i in range(0, len(data), size))


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "GZIP"])
def test_gzip_round_trip_in_chunks(encoding: str) -> None:
    decoder = BoundedDecoder(encoding, max_bytes=1_000_000)
    assert _feed_in_chunks(decoder, gzip.compress(TEXT)) == TEXT


def test_deflate_with_and_without_the_zlib_header() -> None:
    wrapped = zlib.compress(TEXT)
    raw = zlib.compressobj(wbits=-15)
    bare = raw.compress(TEXT) + raw.flush()
    assert _feed_in_chunks(BoundedDecoder("deflate", max_bytes=1_000_000), wrapped) == TEXT
    assert _feed_in_chunks(BoundedDecoder("deflate", max_bytes=1_000_000), bare) == TEXT


def test_concatenated_gzip_members_are_all_read() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert BoundedDecoder("gzip", max_bytes=100).feed(data) == b"first second"


def test_identity_passes_through_under_the_cap() -> None:
    decoder = BoundedDecoder("", max_bytes=10)
    assert decoder.feed(b"0123456789") == b"0123456789"
    with pytest.raises(ResponseTooLargeError, match="larger than 10 bytes"):
        decoder.feed(b"!")


def test_a_gzip_bomb_is_refused_after_a_bounded_amount_of_output() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    bomb = b"".join(compressor.compress(block) for _ in range(64)) + compressor.flush()  # 64 MB of zeros
    decoder = BoundedDecoder("gzip", max_bytes=10_000_000)
    with pytest.raises(DecompressionBombError, match="decompression bomb"):
        _feed_in_chunks(decoder, bomb, size=4096)
    assert decoder.bytes_out <= 10_000_001


def test_output_over_the_cap_is_refused_even_at_a_modest_ratio() -> None:
    text = os.urandom(300_000).hex().encode()  # 600 KB of hex text: compresses about 2:1
    with pytest.raises(DecompressionBombError, match="expands beyond 400,000 bytes"):
        decompress_bounded(gzip.compress(text), max_bytes=400_000)


def test_corrupt_gzip_is_a_clear_error() -> None:
    with pytest.raises(CorruptContentError, match="corrupt"):
        BoundedDecoder("gzip", max_bytes=1000).feed(b"\x1f\x8b\x08\x00garbage-garbage-garbage")


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress"])
def test_unasked_encodings_are_refused(encoding: str) -> None:
    with pytest.raises(UnsupportedContentEncodingError, match=encoding):
        BoundedDecoder(encoding, max_bytes=1000)
