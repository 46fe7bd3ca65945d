"""Country tagging quality and speed: newsbot beside geotext and flashgeotext, on Reuters records.

Micro-averaged precision, recall and F1 of the set of ISO codes per article against each record's
``countries``, on all articles and with the United States left out of both sides, plus articles per
second of tagging alone (reading the record into an Article is excluded for every system).

    .venv/bin/python -m bench.countries [--limit N] [--half even|odd]

The records come from ``reuters/reuters21578-train.jsonl`` in the evaluation data (``NEWSBOT_SHARED_DATA``,
default ``../shared/data`` from the project root).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry

from bench.data import MissingData, as_article, reuters_records
from digests.countries import CountryTagger
from digests.model import Article

__all__ = ["Tally", "evaluate_countries", "main", "peer_code", "tally"]

Tagger = Callable[[Article], Iterable[str]]

# Names the peers print that pycountry does not look up.
_PEER_NAMES = {
    "Russia": "RU", "South Korea": "KR", "North Korea": "KP", "Iran": "IR", "Syria": "SY", "Vietnam": "VN",
    "Laos": "LA", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ", "Moldova": "MD", "Taiwan": "TW",
    "Macedonia": "MK", "Czech Republic": "CZ", "Ivory Coast": "CI", "Cape Verde": "CV", "Brunei": "BN",
    "Micronesia": "FM", "Palestine": "PS", "Palestinian Territory": "PS", "Vatican": "VA", "Swaziland": "SZ",
    "Kosovo": "XK", "Turkey": "TR", "Republic of the Congo": "CG", "Democratic Republic of the Congo": "CD",
    "DR Congo": "CD", "Congo": "CG", "Burma": "MM", "East Timor": "TL", "Falkland Islands": "FK",
    "U.S. Virgin Islands": "VI", "British Virgin Islands": "VG", "Saint Martin": "MF", "Sint Maarten": "SX",
    "Curacao": "CW", "Reunion": "RE", "Macao": "MO", "Macau": "MO", "Svalbard and Jan Mayen": "SJ",
    "Bonaire, Saint Eustatius and Saba": "BQ", "Saint Barthelemy": "BL", "Aland Islands": "AX",
}


def peer_code(name: str) -> str | None:
    """An ISO code for a country name as geotext or flashgeotext print it."""
    if name in _PEER_NAMES:
        return _PEER_NAMES[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        try:
            return str(pycountry.countries.search_fuzzy(name)[0].alpha_2)
        except LookupError:
            return None


@dataclass
class Tally:
    """True positives, false positives and false negatives, overall and without the US."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tp_no_us: int = 0
    fp_no_us: int = 0
    fn_no_us: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)
        predicted, gold = predicted - {"US"}, gold - {"US"}
        self.tp_no_us += len(predicted & gold)
        self.fp_no_us += len(predicted - gold)
        self.fn_no_us += len(gold - predicted)

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def row(self) -> dict[str, float]:
        p, r, f = self._prf(self.tp, self.fp, self.fn)
        p2, r2, f2 = self._prf(self.tp_no_us, self.fp_no_us, self.fn_no_us)
        return {"precision": p, "recall": r, "f1": f,
                "precision_no_us": p2, "recall_no_us": r2, "f1_no_us": f2}


def tally(predictions: Sequence[Iterable[str]], records: Sequence[Mapping[str, Any]]) -> Tally:
    counts = Tally()
    for predicted, record in zip(predictions, records, strict=True):
        counts.add(set(predicted), set(record.get("countries") or ()))
    return counts


def _newsbot() -> Tagger:
    tagger = CountryTagger.default()

    def tag(article: Article) -> Iterable[str]:
        return tagger.about(tagger.scores(title=article.title, dateline=article.dateline,
                                          paragraphs=article.paragraphs))
    return tag


def _text(article: Article) -> str:
    # Headline and body, as a user of these libraries would pass an article. The wire dateline is left
    # out: geotext reads "March" in "NEW YORK, March 3" as the English town, which costs it 0.07 F1.
    return "\n\n".join(p for p in (article.title, article.text) if p)


def _geotext() -> Tagger:
    from geotext import GeoText

    def tag(article: Article) -> Iterable[str]:
        # country_mentions already counts cities towards their countries, keyed by ISO code.
        return set(GeoText(_text(article)).country_mentions)
    return tag


def _flashgeotext() -> Tagger:
    from flashgeotext.geotext import GeoText

    finder = GeoText()
    cache: dict[str, str | None] = {}

    def tag(article: Article) -> Iterable[str]:
        found = finder.extract(input_text=_text(article))
        codes = set()
        for name in found.get("countries", {}):
            if name not in cache:
                cache[name] = peer_code(name)
            code = cache[name]
            if code:
                codes.add(code)
        return codes
    return tag


SYSTEMS: Mapping[str, Callable[[], Tagger]] = {
    "newsbot": _newsbot, "geotext": _geotext, "flashgeotext": _flashgeotext,
}


def evaluate_countries(records: Sequence[Mapping[str, Any]], *, limit: int | None = None,
                       systems: Sequence[str] = tuple(SYSTEMS)) -> list[dict[str, Any]]:
    """One row per system: precision/recall/F1 overall and without the US, and articles per second."""
    chosen = list(records[:limit] if limit else records)
    pairs = [(as_article(dict(record)), record) for record in chosen]
    articles = [article for article, _ in pairs]
    rows: list[dict[str, Any]] = []
    for name in systems:
        tag = SYSTEMS[name]()
        if articles:
            list(tag(articles[0]))  # warm up: lazy loading is not part of the figure
        start = time.perf_counter()
        predictions = [list(tag(article)) for article in articles]
        elapsed = time.perf_counter() - start
        row: dict[str, Any] = {"system": name, "articles": len(articles)}
        row.update(tally(predictions, [record for _, record in pairs]).row())
        row["per_second"] = len(articles) / elapsed if elapsed > 0 else 0.0
        rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.countries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N records")
    parser.add_argument("--half", choices=("even", "odd"), default=None,
                        help="only records at even or odd positions (tune on one half, confirm on the other)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems to run")
    args = parser.parse_args(argv)
    try:
        records = reuters_records()
    except MissingData as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.half:
        records = records[0 if args.half == "even" else 1::2]
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        choices = ", ".join(SYSTEMS)
        print(f"error: unknown system(s) {', '.join(unknown)}; choose from {choices}", file=sys.stderr)
        return 2
    for row in evaluate_countries(records, limit=args.limit, systems=systems):
        cells = [f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
                 for key, value in row.items()]
        print("  ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
