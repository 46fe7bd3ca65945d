"""Articles per second for the whole analysis on one core, beside the peer pipeline a user would assemble.

The peer pipeline is geotext (countries) + sumy LexRank (summary) + TextBlob sentiment on the full text.
"""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Sequence
from typing import Any

from digests.analyse import Analyser
from digests.model import Article


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_speed(articles: Sequence[Article]) -> dict[str, Any]:
    analyser = Analyser()
    analyser.analyse(articles[0])  # warm caches; start-up is excluded from the figure
    gc.collect()
    start = time.perf_counter()
    for article in articles:
        analyser.analyse(article)
    elapsed = time.perf_counter() - start
    return {"system": "newsbot engine", "articles": len(articles), "seconds": elapsed,
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
