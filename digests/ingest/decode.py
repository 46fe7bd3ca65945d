"""Decompress gzip and deflate bodies chunk by chunk with a cap on the OUTPUT, not only the input.

A 1 MB gzip body can hold 1 GB of zeros; inflating it whole (as a plain ``gzip.decompress`` would)
exhausts memory before any size check runs. Here every chunk is inflated with ``max_length`` so that at
most ``max_bytes + 1`` bytes ever exist, and a body expanding more than ``max_ratio`` times (once past a
small floor, below which no bomb can hurt) is refused at once.
"""

from __future__ import annotations

import zlib

from digests.ingest.errors import (
    CorruptContentError,
    DecompressionBombError,
    ResponseTooLargeError,
    UnsupportedContentEncodingError,
)

__all__ = ["GZIP_MAGIC", "BoundedDecoder", "decompress_bounded"]

GZIP_MAGIC = b"\x1f\x8b"
_RATIO_FLOOR = 1_000_000  # bytes of output before the ratio is judged: small outputs are harmless
_STEP = 262_144  # most plain bytes produced by one inflate call
_GZIP_OR_ZLIB = zlib.MAX_WBITS | 32  # auto-detects the gzip or zlib header
_RAW_DEFLATE = -zlib.MAX_WBITS


class BoundedDecoder:
    """Inflates one body; ``feed`` returns the new plain bytes and raises once a limit is passed.

    ``encoding`` is a Content-Encoding value: "gzip", "x-gzip", "deflate" or "identity" (or empty).
    """

    def __init__(self, encoding: str, *, max_bytes: int, max_ratio: float = 200.0) -> None:
        self.encoding = encoding.strip().lower()
        if self.encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise UnsupportedContentEncodingError(
                f"the server used the content encoding {encoding!r}, which was not asked for "
                "and is not supported"
            )
        self._max_bytes = max_bytes
        self._max_ratio = max_ratio
        self._inflater: zlib._Decompress | None = None
        self.bytes_in = 0  # compressed bytes received
        self.bytes_out = 0  # plain bytes produced
        self._consumed = 0  # compressed bytes inflated so far: what the ratio is judged on

    @property
    def compressed(self) -> bool:
        return self.encoding not in ("", "identity")

    def _new_inflater(self, first: bytes) -> zlib._Decompress:
        if self.encoding == "deflate" and not _has_zlib_header(first):
            return zlib.decompressobj(_RAW_DEFLATE)  # some servers send raw deflate, without the zlib header
        return zlib.decompressobj(_GZIP_OR_ZLIB)

    def feed(self, chunk: bytes) -> bytes:
        """Plain bytes for one chunk of the body.

        Raises ``ResponseTooLargeError`` (``DecompressionBombError`` when compressed) past the limits and
        ``CorruptContentError`` when the compressed stream is broken.
        """
        self.bytes_in += len(chunk)
        if not self.compressed:
            self.bytes_out += len(chunk)
            self._check_size()
            return chunk
        output: list[bytes] = []
        data = chunk
        while True:
            if self._inflater is None:
                if not data:
                    break
                self._inflater = self._new_inflater(data)
            # Small steps, so that the ratio is judged long before the size cap is reached.
            limit = min(self._max_bytes - self.bytes_out + 1, _STEP)
            try:
                piece = self._inflater.decompress(data, limit)
            except zlib.error as exc:
                raise CorruptContentError(f"the {self.encoding}-compressed body is corrupt ({exc})") from exc
            leftover = len(self._inflater.unconsumed_tail) + len(self._inflater.unused_data)
            self._consumed += len(data) - leftover
            self.bytes_out += len(piece)
            output.append(piece)
            self._check_size()
            if self._inflater.eof:
                data = self._inflater.unused_data
                self._inflater = None
                if not data.startswith(GZIP_MAGIC):  # another gzip member may follow; anything else is junk
                    break
                continue
            data = self._inflater.unconsumed_tail
            if not data and len(piece) < limit:  # a full piece may leave output pending inside zlib
                break
        return b"".join(output)

    def _check_size(self) -> None:
        if self.bytes_in > self._max_bytes:
            raise ResponseTooLargeError(f"refused: the body is larger than {self._max_bytes:,} bytes")
        if self.bytes_out > self._max_bytes:
            if self.compressed:
                raise DecompressionBombError(
                    f"refused: the {self.encoding} body expands beyond {self._max_bytes:,} bytes "
                    f"(from {self.bytes_in:,} compressed bytes read so far)"
                )
            raise ResponseTooLargeError(f"refused: the body is larger than {self._max_bytes:,} bytes")
        expanded = self.bytes_out > _RATIO_FLOOR and self.bytes_out > self._max_ratio * max(1, self._consumed)
        if self.compressed and expanded:
            raise DecompressionBombError(
                f"refused as a decompression bomb: {self._consumed:,} compressed bytes expand to more than "
                f"{self.bytes_out:,} (over {self._max_ratio:.0f} times)"
            )


def _has_zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def decompress_bounded(data: bytes, *, max_bytes: int, max_ratio: float = 200.0) -> bytes:
    """Gunzip ``data`` (a whole body already in memory) under the same limits as ``BoundedDecoder``."""
    return BoundedDecoder("gzip", max_bytes=max_bytes, max_ratio=max_ratio).feed(data)
