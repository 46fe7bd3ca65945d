"""Articles per second for the whole analysis on one core, beside the peer pipeline a user would assemble.

The peer pipeline is geotext (countries) + sumy LexRank (summary) + TextBlob sentiment on the full text.
"""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from digests.analyse import Analyser
from digests.model import Article


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def split_warmup(articles: Sequence[Article]) -> tuple[list[Article], list[Article]]:
    """Every fifth article warms up (a running bot's memo caches are warm), the rest are measured."""
    return [a for i, a in enumerate(articles) if i % 5 == 0], [a for i, a in enumerate(articles) if i % 5]


def engine_build() -> str:
    """"compiled" when the hot modules run as mypyc extensions (setup.py), else "plain Python"."""
    import digests.text

    return "compiled" if Path(digests.text.__file__ or "").suffix in {".so", ".pyd"} else "plain Python"


def engine_speed(articles: Sequence[Article]) -> dict[str, Any]:
    analyser = Analyser()
    warmup, articles = split_warmup(articles)
    analyser.analyse_many(warmup)  # start-up and cold caches are excluded from the figure
    gc.collect()
    start = time.perf_counter()
    analyser.analyse_many(articles)  # as ingestion runs it: in batches, stage by stage
    elapsed = time.perf_counter() - start
    return {"system": f"newsbot engine ({engine_build()})", "articles": len(articles), "seconds": elapsed,
            "per_second": len(articles) / elapsed, "peak_rss_mb": peak_rss_mb()}


def peer_speed(articles: Sequence[Article]) -> dict[str, Any]:
    from geotext import GeoText
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from textblob.en.sentiments import PatternAnalyzer

    from bench.sumy_tokenizer import SentencexTokenizer

    tokenizer = SentencexTokenizer()
    summarizer = LexRankSummarizer()
    sentiment = PatternAnalyzer()
    warmup, articles = split_warmup(articles)
    for article in warmup[:100]:  # the peers keep no caches worth warming; this loads their modules
        GeoText(article.text)
        sentiment.analyze(article.text)
    start = time.perf_counter()
    for article in articles:
        text = f"{article.title}\n\n{article.text}"
        GeoText(text).country_mentions  # noqa: B018 - the attribute access is the work measured
        document = PlaintextParser.from_string(article.text, tokenizer).document
        summarizer(document, 3)
        sentiment.analyze(text)
    elapsed = time.perf_counter() - start
    return {"system": "geotext + sumy LexRank + TextBlob", "articles": len(articles), "seconds": elapsed,
            "per_second": len(articles) / elapsed, "peak_rss_mb": peak_rss_mb()}
