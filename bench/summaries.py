"""Summary quality and speed: newsbot beside Lead-3 and sumy's LexRank and TextRank.

ROUGE-1/2/L F1 (Google's rouge-score, Porter stemming on) of an ``n``-sentence summary against each
record's ``reference``, every system on the same articles in the same process, plus articles per second
of summarising alone (scoring excluded).

    .venv/bin/python -m bench.summaries [--n 3] [FILE.jsonl ...]

Without files it reads ``summaries/cnndm-dev.jsonl`` and ``summaries/bbc-dev.jsonl`` from the
evaluation data (``NEWSBOT_SHARED_DATA``, default ``../shared/data`` from the project root).
Records are ``{title, text, reference}``; ``text`` is split into paragraphs on blank lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.data import MissingData, shared_data_dir
from bench.sumy_tokenizer import SentencexTokenizer
from digests.summary import summarize
from digests.text import paragraphs, sentences

__all__ = ["SummaryRecord", "evaluate_summaries", "load_records", "main", "systems"]

SummaryRecord = Mapping[str, Any]
Summariser = Callable[[SummaryRecord, int], Sequence[str]]

DEFAULT_FILES = ("summaries/cnndm-dev.jsonl", "summaries/bbc-dev.jsonl")


def _newsbot(record: SummaryRecord, n: int) -> Sequence[str]:
    return summarize(paragraphs(str(record["text"])), title=str(record.get("title") or ""), n=n)


def _lead(record: SummaryRecord, n: int) -> Sequence[str]:
    return sentences(str(record["text"]))[:n]


def _sumy(kind: str) -> Summariser:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    stemmer = Stemmer("english")  # NLTK's Snowball stemmer is code, no corpus: works offline
    summariser = LexRankSummarizer(stemmer) if kind == "lexrank" else TextRankSummarizer(stemmer)
    summariser.stop_words = get_stop_words("english")
    tokenizer = SentencexTokenizer()

    def run(record: SummaryRecord, n: int) -> Sequence[str]:
        parser = PlaintextParser.from_string(str(record["text"]), tokenizer)
        return [str(sentence) for sentence in summariser(parser.document, n)]

    return run


def systems() -> dict[str, Summariser]:
    """The systems compared, by the name printed in the table."""
    return {
        "newsbot": _newsbot,
        "Lead-3": _lead,
        "sumy LexRank": _sumy("lexrank"),
        "sumy TextRank": _sumy("textrank"),
    }


def evaluate_summaries(records: Iterable[SummaryRecord], *, n: int = 3) -> list[dict[str, Any]]:
    """One row per system: ``system``, ``articles``, ``rouge1``/``rouge2``/``rougeL`` (mean F1 x 100)
    and ``articles_per_s`` (summarising only)."""
    from rouge_score.rouge_scorer import RougeScorer

    items = list(records)
    if not items:
        raise ValueError("evaluate_summaries() needs at least one record")
    for index, record in enumerate(items):
        if not isinstance(record.get("text"), str) or not isinstance(record.get("reference"), str):
            raise ValueError(f"record {index} needs string fields 'text' and 'reference'")
    scorer = RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    rows: list[dict[str, Any]] = []
    for name, summarise in systems().items():
        started = time.perf_counter()
        outputs = [" ".join(summarise(record, n)) for record in items]
        elapsed = time.perf_counter() - started
        totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
        for record, output in zip(items, outputs, strict=True):
            scores = scorer.score(str(record["reference"]), output)
            for key in totals:
                totals[key] += scores[key].fmeasure
        rows.append(
            {
                "system": name,
                "articles": len(items),
                **{key: round(100 * total / len(items), 2) for key, total in totals.items()},
                "articles_per_s": round(len(items) / elapsed, 1) if elapsed > 0 else float("inf"),
            }
        )
    return rows


def load_records(path: Path) -> list[dict[str, Any]]:
    """The JSON-lines records of ``path``; a clear error names the line that is not JSON."""
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from error
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            records.append(record)
    return records


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="JSON-lines files of {text, reference, title}")
    parser.add_argument("--n", type=int, default=3, help="sentences per summary (default 3)")
    options = parser.parse_args(argv)
    if options.n < 1:
        parser.error("--n must be at least 1")
    try:
        files = options.files or [shared_data_dir() / name for name in DEFAULT_FILES]
    except MissingData as error:
        print(error, file=sys.stderr)
        return 2
    for path in files:
        if not path.is_file():
            print(f"no such file: {path}", file=sys.stderr)
            return 2
        rows = evaluate_summaries(load_records(path), n=options.n)
        print(f"{path.name} ({rows[0]['articles']} articles, {options.n} sentences)")
        print(f"  {'system':<15} {'R1':>6} {'R2':>6} {'RL':>6} {'articles/s':>11}")
        for row in rows:
            print(
                f"  {row['system']:<15} {row['rouge1']:>6.2f} {row['rouge2']:>6.2f} {row['rougeL']:>6.2f}"
                f" {row['articles_per_s']:>11.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
