"""Near-duplicate signatures: the same story from two sources lands in one cluster, different stories never.

A signature is a MinHash of the article's features: every 3-word shingle of the lower-cased words (they
change when the wording changes) plus every content word (they survive light rewording, so an edited copy
stays close). Candidates are found by LSH banding (16 bands of 4 rows: the S-curve's midpoint is at
Jaccard ~0.5) and confirmed by the estimated Jaccard.

The store persists signatures and band keys, so every constant and rule below is frozen: changing one
changes every stored value. Hashes are polynomial and multiplicative over fixed constants drawn from
BLAKE2b, never Python's per-process ``hash()``. All per-word work is vectorised with numpy, over a whole
batch of articles at once (``signatures``): about 20 us per Reuters article, against 40 one at a time.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "DUPLICATE_THRESHOLD",
    "NUM_PERM",
    "ROWS",
    "NearDuplicateIndex",
    "band_keys",
    "is_near_duplicate",
    "signature",
    "signature_from_bytes",
    "signature_to_bytes",
    "signatures",
    "similarity",
]

NUM_PERM = 64
BANDS = 16
ROWS = 4
assert BANDS * ROWS == NUM_PERM
# Confirmation bar for LSH candidates. Edited copies measured on Reuters sit at estimated Jaccard
# 0.6-0.9 and distinct stories below 0.4, so the bar sits between them, at the S-curve's midpoint.
DUPLICATE_THRESHOLD = 0.5

Uint64Array = npt.NDArray[np.uint64]

_U32 = 0xFFFF_FFFF
_U64 = (1 << 64) - 1
_U63 = (1 << 63) - 1
_SHINGLE = 3
# Longer texts are cut here: two copies of one story agree long before this many bytes.
_MAX_BYTES = 1 << 17
# Typographic punctuation separates words like ASCII punctuation does (quotes, dashes, ellipsis, spaces).
_UNICODE_SEPARATORS = re.compile(r"[\u00a0\u00ab\u00bb\u2000-\u206f\u3000-\u303f\ufeff]")
# Function words: frozen here (not shared with digests.text) because editing them would change every
# stored signature. They still count inside shingles; only their lone-word features are left out.
_STOPWORDS = """a an the of to in on at for and or but is are was were be been being by with as from that
    this these those it its he she they we i you his her their our them him said says say told will would
    could should may might can has have had not no also which who whom what when where than then there
    so if into over about after before up out more most other such only s"""


def _constant(label: str, index: int = 0) -> np.uint64:
    digest = hashlib.blake2b(f"newsbot-minhash-v1/{label}/{index}".encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "big"))


# Bytes that belong to words: ASCII letters and digits, and every byte of a non-ASCII character.
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[list(b"abcdefghijklmnopqrstuvwxyz0123456789")] = True
_WORD_BYTE[128:] = True
# A word's hash is the polynomial sum(byte[j] * P**j) mod 2**64, read off byte-position prefix sums:
# (prefix[end] - prefix[start]) * P**-start. P is odd, so P**-1 exists mod 2**64.
_BASE = _constant("base") | np.uint64(1)


def _powers(base: np.uint64) -> Uint64Array:
    """base**0 .. base**(_MAX_BYTES - 1) mod 2**64."""
    powers = np.ones(_MAX_BYTES, dtype=np.uint64)
    np.cumprod(np.full(_MAX_BYTES - 1, base, dtype=np.uint64), out=powers[1:])
    return powers


_POWERS = _powers(_BASE)
# Shifted by one, so a word starting after byte k is scaled by P**-(k + 1) without an extra add.
_INVERSE_POWERS_FROM_1 = _powers(np.uint64(pow(int(_BASE), -1, 1 << 64)))[1:]
_SHINGLE_BASE = _constant("shingle") | np.uint64(1)
_MIX = _constant("mix") | np.uint64(1)
_S32, _S48, _S58 = np.uint64(32), np.uint64(48), np.uint64(58)
_VALUE_SHIFT = np.uint64(26)
# Densification: an empty bin borrows the value of the first non-empty bin along its own fixed probe
# sequence (Shrivastava 2017), so two texts with the same features borrow alike.
_PROBES = tuple(tuple(int(_constant(f"probe-{b}", k)) % NUM_PERM for k in range(NUM_PERM))
                for b in range(NUM_PERM))
_BAND_SALTS = np.array([_constant("band", b) for b in range(BANDS)], dtype=np.uint64)
_ROW_WEIGHTS = tuple(_constant("row", r) | np.uint64(1) for r in range(ROWS))
_BAND_MIX = _constant("band-mix") | np.uint64(1)
_U63_MASK = np.uint64(_U63)


def _padded_bytes(title: str, text: str) -> bytes:
    """The article's text as hashed: lower-cased UTF-8, cut at _MAX_BYTES, with a space on each side."""
    joined = f"{title}\n{text}"
    if not joined.isascii():
        joined = _UNICODE_SEPARATORS.sub(" ", unicodedata.normalize("NFC", joined))
    # Padded with spaces, so every word has a non-word byte on each side.
    return b" " + joined.lower().encode()[: _MAX_BYTES - 2] + b" "


def _word_hashes(padded: bytes) -> tuple[Uint64Array, npt.NDArray[np.intp]]:
    """Polynomial hashes of the words in ``padded`` (at most _MAX_BYTES), in order, and where each starts.

    A word's hash depends only on its bytes, not on where it sits, so several articles' padded bytes can
    be hashed in one call.
    """
    data = np.frombuffer(padded, dtype=np.uint8)
    in_word = _WORD_BYTE.take(data)
    # edges[k] is the last byte before a change: a word runs over (edges[2i], edges[2i + 1]].
    edges = np.flatnonzero(in_word[1:] != in_word[:-1])
    before = edges[0::2]
    running = np.multiply(data, _POWERS[: data.size])
    np.cumsum(running, out=running)
    sums = running.take(edges[1::2]) - running.take(before)
    hashes: Uint64Array = sums * _INVERSE_POWERS_FROM_1.take(before)
    return hashes, before


def _content_buckets() -> npt.NDArray[np.bool_]:
    # Stopwords are recognised by the top 16 bits of their hash: a content word that shares a bucket
    # with one (about 1 in 700) only loses its lone-word feature, the same way in every text.
    buckets = np.ones(1 << 16, dtype=bool)
    stopword_hashes, _ = _word_hashes(f" {_STOPWORDS} ".encode())
    buckets[(stopword_hashes >> np.uint64(48)).view(np.int64)] = False
    return buckets


_CONTENT_BUCKETS = _content_buckets()
_EMPTY_BIN = np.uint64(1 << 32)  # above every value a filled bin can hold
_LOW_58 = np.uint64((1 << 58) - 1)


def signature(title: str, text: str) -> tuple[int, ...]:
    """NUM_PERM MinHash values (ints in [0, 2**32)) of the article; deterministic across processes.

    Features are every 3-word shingle of the lower-cased words plus every content word (a text shorter
    than a shingle is one shorter shingle). One-permutation MinHash: each feature hash falls in one of
    NUM_PERM bins by its top 6 bits and a bin keeps its smallest value (the low 58 bits, less the
    bottom 26); empty bins are densified. Its estimate of the Jaccard similarity is unbiased like
    classic MinHash, at one hash per feature instead of NUM_PERM.
    A text with no words at all gets the all-ones signature: empty articles are duplicates of each other.
    """
    return signatures(((title, text),))[0]


def signatures(articles: Iterable[tuple[str, str]]) -> list[tuple[int, ...]]:
    """signature() of each ``(title, text)``, the same values, with the numpy work shared by the batch.

    Each numpy call costs microseconds whatever its size; a Reuters article is a few hundred words, so
    hashing articles one by one spends most of its time on call overhead. Articles are packed into
    chunks of up to _MAX_BYTES and each chunk is hashed, shingled and binned at once.
    """
    padded: list[bytes] = []
    for title, text in articles:
        if not isinstance(title, str) or not isinstance(text, str):
            raise TypeError(f"signature() expects str title and text, got {type(title).__name__} "
                            f"and {type(text).__name__}")
        padded.append(_padded_bytes(title, text))
    result: list[tuple[int, ...]] = []
    chunk: list[bytes] = []
    size = 0
    for piece in padded:
        if size + len(piece) > _MAX_BYTES:
            result.extend(_chunk_signatures(chunk))
            chunk, size = [], 0
        chunk.append(piece)
        size += len(piece)
    if chunk:
        result.extend(_chunk_signatures(chunk))
    return result


def _chunk_signatures(pieces: Sequence[bytes]) -> list[tuple[int, ...]]:
    """Signatures of articles whose padded bytes fit in _MAX_BYTES together."""
    offsets = np.fromiter((len(piece) for piece in pieces), dtype=np.intp, count=len(pieces))
    np.cumsum(offsets, out=offsets)
    words, starts = _word_hashes(b"".join(pieces))
    # The article each word belongs to: padding keeps every word inside its own article's bytes.
    owner = np.searchsorted(offsets, starts, side="right")
    counts = np.bincount(owner, minlength=len(pieces))
    # Horner's rule over the three words of each shingle; a shingle may not run across two articles.
    shingles = words[:-2] * _SHINGLE_BASE
    shingles += words[1:-1]
    shingles *= _SHINGLE_BASE
    shingles += words[2:]
    whole = owner[:-2] == owner[2:]
    content = _CONTENT_BUCKETS.take((words >> _S48).view(np.int64))
    features = np.concatenate((shingles[whole], words[content]))
    feature_owner = np.concatenate((owner[:-2][whole], owner[content]))
    # Word hashes are strong in their high bits only; a multiplication makes every bit count there.
    features *= _MIX
    # Each (article, bin) keeps its smallest value; comparing values or whole features in a bin agree.
    bins = np.full(len(pieces) * NUM_PERM, _EMPTY_BIN, dtype=np.uint64)
    slots = feature_owner * NUM_PERM + (features >> _S58).view(np.int64)
    np.minimum.at(bins, slots, (features & _LOW_58) >> _VALUE_SHIFT)
    table = bins.reshape(len(pieces), NUM_PERM)
    for index in np.flatnonzero(counts < _SHINGLE).tolist():
        table[index] = _short_row(words[owner == index])
    _densify(table)
    return list(map(tuple, table.tolist()))


def _short_row(words: Uint64Array) -> Uint64Array:
    """The bins of a text with fewer words than a shingle: none gives all ones, else one shorter shingle."""
    if words.size == 0:
        return np.full(NUM_PERM, _U32, dtype=np.uint64)
    feature = sum(int(word) for word in words) * int(_MIX) & _U64
    row = np.full(NUM_PERM, _EMPTY_BIN, dtype=np.uint64)
    row[feature >> 58] = (feature & int(_LOW_58)) >> int(_VALUE_SHIFT)
    return row


# Where each bin looks for a value when it is empty: its probe sequence, then round the circle from itself.
_SOURCES = np.array([[*_PROBES[b], *((b + step) % NUM_PERM for step in range(NUM_PERM))]
                     for b in range(NUM_PERM)], dtype=np.intp)
_BIN_INDEX = np.arange(NUM_PERM)


def _densify(table: Uint64Array) -> None:
    """Give each empty bin the value of the first filled bin along its sources, in place (rows: articles)."""
    filled = table != _EMPTY_BIN
    sparse = np.flatnonzero(~filled.all(axis=1))
    if sparse.size == 0:
        return
    filled, values = filled[sparse], table[sparse]
    source = np.broadcast_to(_BIN_INDEX, filled.shape).copy()
    pending = ~filled
    # Step by step along the sources, for every row and bin at once: most empty bins find a filled one
    # within a few steps, so the loop ends long before it has read every source.
    for step in range(_SOURCES.shape[1]):
        if not pending.any():
            break
        candidates = _SOURCES[:, step]
        found = pending & filled[:, candidates]
        np.copyto(source, candidates, where=found)
        pending &= ~found
    table[sparse] = np.take_along_axis(values, source, axis=1)


def _checked(sig: Sequence[int], name: str = "signature") -> tuple[int, ...]:
    values = tuple(sig)
    if len(values) != NUM_PERM:
        raise ValueError(f"{name} must have {NUM_PERM} values, got {len(values)}")
    for value in values:
        if not isinstance(value, int) or not 0 <= value <= _U32:
            raise ValueError(f"{name} values must be ints in [0, 2**32), got {value!r}")
    return values


def band_keys(sig: Sequence[int]) -> list[int]:
    """BANDS stable 63-bit keys, one per band of ROWS values: equal keys mean an equal band.

    The band index is hashed in, so equal rows in different bands never share a key. Non-negative
    and below 2**63, so a key fits a PostgreSQL BIGINT.
    """
    rows = np.array(_checked(sig), dtype=np.uint64).reshape(BANDS, ROWS)
    keys = _BAND_SALTS.copy()
    for row in range(ROWS):
        keys += rows[:, row] * _ROW_WEIGHTS[row]
    for multiplier in (_MIX, _BAND_MIX):
        keys ^= keys >> _S32
        keys *= multiplier
    keys ^= keys >> _S32
    result: list[int] = (keys & _U63_MASK).tolist()
    return result


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two articles' features: the share of equal MinHash values."""
    left, right = _checked(a, "first signature"), _checked(b, "second signature")
    return sum(1 for x, y in zip(left, right, strict=True) if x == y) / NUM_PERM


def is_near_duplicate(a: Sequence[int], b: Sequence[int]) -> bool:
    return similarity(a, b) >= DUPLICATE_THRESHOLD


def signature_to_bytes(sig: Sequence[int]) -> bytes:
    """4 bytes per value, big-endian (an empty signature gives empty bytes)."""
    values = tuple(sig)
    if values:
        _checked(values)
    return struct.pack(f">{len(values)}I", *values)


def signature_from_bytes(data: bytes | bytearray | memoryview) -> tuple[int, ...]:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"signature_from_bytes() expects bytes, got {type(data).__name__}")
    raw = bytes(data)
    if len(raw) not in (0, NUM_PERM * 4):
        raise ValueError(f"a stored signature has {NUM_PERM * 4} bytes (or none), got {len(raw)}")
    return struct.unpack(f">{len(raw) // 4}I", raw)


class NearDuplicateIndex:
    """In-memory clustering of a batch: each signature joins the cluster of its most similar confirmed
    candidate, or starts its own. A cluster's id is the key of its first member; clusters never merge
    afterwards, so ids stay stable (the store does the same with SQL)."""

    def __init__(self, entries: Iterable[tuple[str, Sequence[int]]] = ()) -> None:
        self._buckets: dict[int, list[str]] = {}
        self._signatures: dict[str, tuple[int, ...]] = {}
        self._clusters: dict[str, str] = {}
        self._order: dict[str, int] = {}
        for key, sig in entries:
            self.add(key, sig)

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def candidates(self, sig: Sequence[int]) -> list[str]:
        """Keys sharing at least one band with ``sig``, in the order they were added."""
        found: set[str] = set()
        for band_key in band_keys(sig):
            found.update(self._buckets.get(band_key, ()))
        return sorted(found, key=self._order.__getitem__)

    def add(self, key: str, sig: Sequence[int]) -> str:
        """Index ``sig`` under ``key`` and return its cluster id; adding a known key changes nothing."""
        if not isinstance(key, str) or not key:
            raise ValueError("a near-duplicate key must be a non-empty string")
        if key in self._clusters:
            return self._clusters[key]
        values = _checked(sig)
        best_key, best_similarity = None, DUPLICATE_THRESHOLD
        for candidate in self.candidates(values):
            score = similarity(values, self._signatures[candidate])
            if score > best_similarity or (best_key is None and score >= best_similarity):
                best_key, best_similarity = candidate, score
        cluster = self._clusters[best_key] if best_key is not None else key
        self._signatures[key] = values
        self._clusters[key] = cluster
        self._order[key] = len(self._order)
        for band_key in band_keys(values):
            self._buckets.setdefault(band_key, []).append(key)
        return cluster

    def cluster_of(self, key: str) -> str:
        try:
            return self._clusters[key]
        except KeyError:
            raise KeyError(f"no signature was added under {key!r}") from None
