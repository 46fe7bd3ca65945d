"""Near-duplicate signatures: edited copies of one story cluster together, different stories never."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.duplicates import EDITS, distinct_sample, evaluate
from digests.signature import (
    BANDS,
    DUPLICATE_THRESHOLD,
    NUM_PERM,
    ROWS,
    NearDuplicateIndex,
    band_keys,
    is_near_duplicate,
    signature,
    signature_from_bytes,
    signature_to_bytes,
    signatures,
    similarity,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]

HARBOUR_TITLE = "Port of Valdmark reopens after week-long dockworkers' strike"
HARBOUR = """\
The port of Valdmark reopened on Monday after dockworkers ended a week-long strike over pay and night
shifts, letting more than forty container ships that had waited offshore begin unloading.

The harbour authority said cranes were working at full capacity by mid-morning and that the backlog of
vessels should clear within ten days if the weather holds.

Union leaders accepted a two-year agreement that raises basic pay by six percent this year and four
percent next year, and limits night shifts to three a week for each crew.

Shipping companies had diverted some cargo to smaller ports along the coast, where trucks queued for
hours to collect containers of fruit, machinery parts and medical supplies.

The regional chamber of commerce estimated that the stoppage cost exporters several million euros, and
said it would ask the government for faster mediation in future disputes at critical infrastructure.

Some dockworkers said they would watch closely how the new shift rules are applied before the busy
harvest season begins in September."""

ORCHARD_TITLE = "Late frost damages cherry orchards across the northern valleys"
ORCHARD = """\
A late frost on Thursday night damaged cherry blossoms across the northern valleys, and growers warned
that this summer's harvest could be less than half of last year's.

Temperatures fell to four degrees below zero in some orchards shortly before dawn, despite fires and
wind machines that farmers kept running through the night.

The growers' cooperative said it would survey the damage next week and ask the agriculture ministry to
open an emergency fund for the worst affected villages.

Apricot and plum trees, which had already flowered, were also hit, while apple orchards at higher
altitudes escaped with little harm because their buds were still closed."""


def _reuters(shared_data: Path) -> list[dict[str, Any]]:
    path = shared_data / "reuters" / "reuters21578-train.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# --- the contract the store relies on --------------------------------------------------------------


def test_signature_has_num_perm_unsigned_32_bit_values() -> None:
    sig = signature(HARBOUR_TITLE, HARBOUR)
    assert len(sig) == NUM_PERM == BANDS * ROWS
    assert all(isinstance(v, int) and 0 <= v < 2**32 for v in sig)
    assert len(set(sig)) > NUM_PERM // 2  # the values are spread, not one repeated number


def test_signature_and_band_keys_are_frozen() -> None:
    """Stored signatures and band keys must stay comparable with new ones: these values never change."""
    sig = signature("Frozen", "The quick brown fox jumps over the lazy dog.")
    assert sig[:4] == (1779217605, 1779217605, 3608171043, 2220489863)
    assert band_keys(sig)[:2] == [8201478435531414275, 2815737625799890710]


def test_signature_is_the_same_in_another_process_with_another_hash_seed() -> None:
    code = ("from digests.signature import signature, band_keys; import sys; "
            "s = signature(sys.argv[1], sys.argv[2]); print(list(s)); print(band_keys(s))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-c", code, HARBOUR_TITLE, HARBOUR]
    run = subprocess.run(command, capture_output=True, text=True,  # noqa: S603 -- our interpreter, our code
                         cwd=PROJECT_ROOT, env=env, check=True)
    sig = signature(HARBOUR_TITLE, HARBOUR)
    assert run.stdout.splitlines() == [str(list(sig)), str(band_keys(sig))]


def test_band_keys_are_63_bit_and_depend_on_band_index() -> None:
    keys = band_keys(signature(HARBOUR_TITLE, HARBOUR))
    assert len(keys) == BANDS
    assert all(0 <= key < 2**63 for key in keys)
    same_rows = band_keys((7,) * NUM_PERM)
    assert len(set(same_rows)) == BANDS  # equal rows in different bands must not share a key


def test_band_keys_match_exactly_where_bands_match() -> None:
    first = list(signature(HARBOUR_TITLE, HARBOUR))
    second = list(first)
    second[0] ^= 1  # changes band 0 only
    keys_a, keys_b = band_keys(first), band_keys(second)
    assert keys_a[0] != keys_b[0]
    assert keys_a[1:] == keys_b[1:]


def test_similarity_bounds_and_identity() -> None:
    a = signature(HARBOUR_TITLE, HARBOUR)
    b = signature(ORCHARD_TITLE, ORCHARD)
    assert similarity(a, a) == 1.0
    assert 0.0 <= similarity(a, b) < 0.2
    assert similarity(a, b) == similarity(b, a)
    assert 0.3 <= DUPLICATE_THRESHOLD <= 0.7


def test_bytes_round_trip_four_bytes_each_big_endian() -> None:
    sig = signature(HARBOUR_TITLE, HARBOUR)
    data = signature_to_bytes(sig)
    assert len(data) == 4 * NUM_PERM
    assert data[:4] == sig[0].to_bytes(4, "big")
    assert signature_from_bytes(data) == sig
    assert signature_from_bytes(memoryview(data)) == sig
    assert signature_to_bytes(()) == b"" and signature_from_bytes(b"") == ()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: band_keys((1, 2, 3)), "64 values"),
        (lambda: similarity((1,) * NUM_PERM, (1,) * 10), "64 values"),
        (lambda: band_keys((-1,) * NUM_PERM), "2\\*\\*32"),
        (lambda: signature_to_bytes((2**32,) * NUM_PERM), "2\\*\\*32"),
        (lambda: signature_from_bytes(b"\x00" * 10), "256 bytes"),
    ],
)
def test_bad_signatures_raise_clear_errors(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_wrong_argument_types_raise_type_errors() -> None:
    with pytest.raises(TypeError, match=r"str title|str object expected; got None"):  # plain | compiled
        signature(None, "text")  # type: ignore[arg-type]  # checking the runtime guard
    with pytest.raises(TypeError, match="bytes"):
        signature_from_bytes("text")  # type: ignore[arg-type]  # checking the runtime guard


# --- what counts as the same story -----------------------------------------------------------------


def test_formatting_case_and_typography_do_not_matter() -> None:
    plain = signature("Minister's visit", 'She said "deep remorse" - twice.\n\nThen she left.')
    fancy = signature("MINISTER’S VISIT", "She said “deep remorse” — twice. Then  she left.")
    assert plain == fancy


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_edited_copies_of_a_written_story_are_near_duplicates(edit: str) -> None:
    copy = EDITS[edit](HARBOUR, random.Random(edit))
    assert copy != HARBOUR
    original_sig, copy_sig = signature(HARBOUR_TITLE, HARBOUR), signature(HARBOUR_TITLE, copy)
    assert is_near_duplicate(original_sig, copy_sig), similarity(original_sig, copy_sig)


def test_different_stories_are_not_near_duplicates() -> None:
    assert not is_near_duplicate(signature(HARBOUR_TITLE, HARBOUR), signature(ORCHARD_TITLE, ORCHARD))
    # Same headline, different story: the body decides.
    assert not is_near_duplicate(signature(HARBOUR_TITLE, HARBOUR), signature(HARBOUR_TITLE, ORCHARD))


def test_short_and_empty_texts_do_not_crash() -> None:
    assert len(signature("", "")) == NUM_PERM
    assert signature("", "") == signature("  ", " ... ")  # no words at all: one empty signature
    assert len(signature("Hi", "")) == NUM_PERM
    assert not is_near_duplicate(signature("Hi", ""), signature("Floods in the north", ""))
    long_text = "word " * 100_000  # longer than the cut-off: still one signature, no error
    assert len(signature("Long", long_text)) == NUM_PERM


# --- the in-memory index ---------------------------------------------------------------------------


def test_index_clusters_copies_under_the_first_key() -> None:
    index = NearDuplicateIndex()
    assert index.add("harbour-a", signature(HARBOUR_TITLE, HARBOUR)) == "harbour-a"
    assert index.add("orchard", signature(ORCHARD_TITLE, ORCHARD)) == "orchard"
    copy = EDITS["combined"](HARBOUR, random.Random(1))
    assert index.add("harbour-b", signature(HARBOUR_TITLE, copy)) == "harbour-a"
    assert index.cluster_of("harbour-b") == "harbour-a"
    assert index.cluster_of("orchard") == "orchard"
    assert len(index) == 3 and "harbour-b" in index and "nothing" not in index


def test_index_add_is_idempotent_and_unknown_keys_fail_clearly() -> None:
    index = NearDuplicateIndex([("a", signature(HARBOUR_TITLE, HARBOUR))])
    assert index.add("a", signature(ORCHARD_TITLE, ORCHARD)) == "a"
    assert len(index) == 1
    with pytest.raises(KeyError, match="no signature was added under 'b'"):
        index.cluster_of("b")
    with pytest.raises(ValueError, match="non-empty string"):
        index.add("", signature(HARBOUR_TITLE, HARBOUR))


# --- on real Reuters articles ----------------------------------------------------------------------


@pytest.mark.shared_data
def test_reuters_edited_copies_cluster_with_their_originals(shared_data: Path) -> None:
    """200 distinct Reuters stories (>= 80 words, >= 3 paragraphs, no shared passage between any two),
    each with four edited copies. Measured: copy-edited 1.000, dropped tail 0.990, new lead 0.975,
    combined 1.000 (the misses are copies whose true Jaccard fell near 0.5, where LSH banding with
    16 x 4 rows finds a candidate about two times in three)."""
    sample = distinct_sample(_reuters(shared_data), 200)
    assert len(sample) == 200
    report = evaluate(sample)
    assert report.false_merges == []
    assert report.recall["copy-edited"] >= 0.99
    for edit in ("dropped-tail", "new-lead", "combined"):
        assert report.recall[edit] >= 0.95, (edit, report.missed[edit])
    assert sum(report.recall.values()) / len(report.recall) >= 0.97


def test_a_batch_gives_each_article_the_signature_it_gets_alone() -> None:
    """signatures() packs articles into shared chunks; no value may leak from one article to the next."""
    rng = random.Random(7)
    words = (HARBOUR + " " + ORCHARD).split()
    articles = [(HARBOUR_TITLE, HARBOUR), ("", ""), ("Hi", ""), ("Two words", ""), ("", "…—«»"),
                (ORCHARD_TITLE, ORCHARD), ("Über", "Café in Zürich schließt – „endgültig“."),
                ("Long", "word " * 40_000)]  # longer than a chunk: it fills one by itself
    articles += [(f"Story {n}", " ".join(rng.choices(words, k=rng.randint(1, 400)))) for n in range(300)]
    batch = signatures(articles)
    assert batch == [signature(title, text) for title, text in articles]
    assert batch[1] == signature("  ", " ... ")  # the empty signature survives batching too
    assert signatures([]) == []
