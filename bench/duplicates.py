"""``python -m bench.duplicates``: near-duplicate recall, false merges and signature speed on Reuters.

Each sampled article gets four edited copies, the edits agencies and publishers make to one story:
a copy-edit (a few words changed or dropped, two sentences lightly reworded), a dropped tail (the last
30-40% cut), a new lead (the first paragraph replaced by a new sentence) and the three combined, lightly.
Recall is the share of copies that land in their original's cluster; a false merge is two distinct
originals (sharing no passage: 5-word-shingle Jaccard below 0.2) in one cluster.

The edit builders are used by tests/digests/test_signature.py too; they need only the text.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from digests.signature import NearDuplicateIndex, signature

# Words an editor slips in when tightening or loosening copy.
_FILLERS = ("also", "meanwhile", "reportedly", "nearly", "roughly", "further", "officially", "now", "still")
# Replacement leads, as another desk would write them.
_NEW_LEADS = (
    "Officials gave fresh details on Tuesday about the developments first reported earlier this week.",
    "Here is what we know so far about the latest news, according to people familiar with the matter.",
    "Markets and analysts were weighing the announcement on Wednesday as more details emerged.",
    "The story below has been updated with further background and reaction.",
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n[ \t]{2,}")
MIN_WORDS = 80
DISTINCT_BELOW = 0.2  # 5-word-shingle Jaccard under which two originals are different stories


def paragraphs(text: str) -> list[str]:
    """Blank-line or indented-line separated paragraphs (Reuters indents each new paragraph)."""
    return [" ".join(part.split()) for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def copy_edited(text: str, rng: random.Random, changes: int | None = None) -> str:
    """A few words replaced or dropped, and two sentences lightly reworded (adjacent words swapped)."""
    words = text.split()
    if len(words) < 4:
        return text
    count = changes if changes is not None else max(3, len(words) // 30)
    for _ in range(count):
        index = rng.randrange(len(words))
        if rng.random() < 0.5 and len(words) > 4:
            del words[index]
        else:
            words[index] = rng.choice(_FILLERS)
    for _ in range(2):
        index = rng.randrange(len(words) - 1)
        words[index], words[index + 1] = words[index + 1], words[index]
    return " ".join(words)


def dropped_tail(text: str, rng: random.Random, low: float = 0.30, high: float = 0.40) -> str:
    """The last 30-40% of the words cut (mid-sentence, as a feed truncates)."""
    words = text.split()
    return " ".join(words[: max(1, round(len(words) * (1 - rng.uniform(low, high))))])


def new_lead(text: str, rng: random.Random) -> str:
    """The first paragraph replaced by a new sentence."""
    parts = paragraphs(text)
    return "\n\n".join([rng.choice(_NEW_LEADS), *parts[1:]])


def combined(text: str, rng: random.Random) -> str:
    """Three light edits in one copy: a new sentence before the lead, two words changed, the last
    10-15% cut."""
    introduced = f"{rng.choice(_NEW_LEADS)}\n\n{text}"
    return dropped_tail(copy_edited(introduced, rng, changes=2), rng, 0.10, 0.15)


EDITS: dict[str, Callable[[str, random.Random], str]] = {
    "copy-edited": copy_edited,
    "dropped-tail": dropped_tail,
    "new-lead": new_lead,
    "combined": combined,
}


def _five_word_shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return set(zip(*(words[i:] for i in range(5)), strict=False))


def passage_overlap(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def suitable(title: str, body: str) -> bool:
    """Long enough to edit, with a lead that is a lead: at least 3 paragraphs, the first under 40%."""
    words = body.split()
    parts = paragraphs(body)
    return len(words) >= MIN_WORDS and len(parts) >= 3 and len(parts[0].split()) < 0.4 * len(words)


def distinct_sample(records: Iterable[dict[str, Any]], size: int, seed: int = 2026) -> list[dict[str, Any]]:
    """``size`` suitable records in a seeded random order, no two of them sharing a passage."""
    pool = [r for r in records if suitable(r.get("title", ""), r.get("body", ""))]
    random.Random(seed).shuffle(pool)
    chosen: list[dict[str, Any]] = []
    shingles: list[set[tuple[str, ...]]] = []
    for record in pool:
        own = _five_word_shingles(record["body"])
        if all(passage_overlap(own, other) < DISTINCT_BELOW for other in shingles):
            chosen.append(record)
            shingles.append(own)
            if len(chosen) == size:
                break
    return chosen


@dataclass(frozen=True)
class DuplicateReport:
    originals: int
    recall: dict[str, float]
    missed: dict[str, list[str]]
    false_merges: list[tuple[str, str]]


def evaluate(records: Sequence[dict[str, Any]], seed: int = 7) -> DuplicateReport:
    """Cluster the originals, then every edited copy, in one index; count recall and false merges."""
    index = NearDuplicateIndex()
    for record in records:
        index.add(record["id"], signature(record["title"], record["body"]))
    clusters = {r["id"]: index.cluster_of(r["id"]) for r in records}
    false_merges = [(cluster, key) for key, cluster in clusters.items() if cluster != key]
    recall: dict[str, float] = {}
    missed: dict[str, list[str]] = {}
    for name, edit in EDITS.items():
        misses: list[str] = []
        for record in records:
            rng = random.Random(f"{seed}/{name}/{record['id']}")
            copy_key = f"{record['id']}#{name}"
            cluster = index.add(copy_key, signature(record["title"], edit(record["body"], rng)))
            if cluster != index.cluster_of(record["id"]):
                misses.append(record["id"])
        recall[name] = 1 - len(misses) / len(records) if records else 1.0
        missed[name] = misses
    return DuplicateReport(len(records), recall, missed, false_merges)


def corpus_false_merges(records: Sequence[dict[str, Any]]) -> tuple[int, int, list[tuple[str, str, float]]]:
    """Cluster a whole corpus; return (articles clustered with another, members sharing no passage with
    their cluster's first article, and those pairs with their passage overlap)."""
    index = NearDuplicateIndex()
    by_id = {r["id"]: r for r in records}
    for record in records:
        index.add(record["id"], signature(record["title"], record["body"]))
    joined = [(index.cluster_of(r["id"]), r["id"]) for r in records if index.cluster_of(r["id"]) != r["id"]]
    suspicious: list[tuple[str, str, float]] = []
    for head, member in joined:
        overlap = passage_overlap(_five_word_shingles(by_id[head]["body"]),
                                  _five_word_shingles(by_id[member]["body"]))
        if overlap < DISTINCT_BELOW:
            suspicious.append((head, member, overlap))
    return len(joined), len(suspicious), suspicious


def signatures_per_second(records: Sequence[dict[str, Any]], rounds: int = 3) -> float:
    """Best of ``rounds`` passes over ``records``, in CPU time (other work on the machine only slows a pass)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for record in records:
            signature(record["title"], record["body"])
        best = min(best, time.process_time() - started)
    return len(records) / best if best > 0 else float("inf")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=1000, help="distinct originals to edit (default 1,000)")
    parser.add_argument("--seed", type=int, default=2026, help="sampling seed (default 2026)")
    args = parser.parse_args(argv)
    if args.sample < 1:
        parser.error("--sample must be at least 1")
    from bench.data import MissingData, jsonl, shared_data_dir

    try:
        data_dir = shared_data_dir()
    except MissingData as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    records = list(jsonl(data_dir / "reuters" / "reuters21578-train.jsonl"))
    sample = distinct_sample(records, args.sample, seed=args.seed)
    report = evaluate(sample)
    print(f"originals: {report.originals} distinct Reuters articles (>= {MIN_WORDS} words, >= 3 paragraphs)")
    for name, value in report.recall.items():
        print(f"recall {name:<12} {value:.4f}  ({len(report.missed[name])} missed)")
    everything = sum(report.recall.values()) / len(report.recall)
    print(f"recall overall      {everything:.4f}")
    print(f"false merges among distinct originals: {len(report.false_merges)}")
    joined, false, pairs = corpus_false_merges(records)
    print(f"whole corpus: {joined:,} of {len(records):,} articles joined an earlier one's cluster; "
          f"{false} of them share no passage with it (5-word-shingle Jaccard < {DISTINCT_BELOW})")
    for head, member, overlap in pairs[:10]:
        print(f"  {member} -> {head} (passage overlap {overlap:.2f})")
    speed = signatures_per_second(records)
    print(f"signatures: {speed:,.0f}/s over all {len(records):,} Reuters articles "
          f"({1e6 / speed:.1f} µs each, title + body)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
