"""Hand-written articles for the digest, pair, render and chart tests, and a real SQLite store to keep them in.

The articles go through the real ``Analyser`` and the real archive (``bot.store``), so what the tests
see is what the bot would compose from the same text. Only the publication times (and, where a test
needs it, the tone) are set by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store.store import Store, open_store
from digests.analyse import Analyser
from digests.archive import AddResult, Archive
from digests.model import Article

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

# key -> (headline, body). Written for these tests; each is about what its key says.
TEXTS: dict[str, tuple[str, str]] = {
    "kr-jp-defence": (
        "South Korea and Japan agree to resume defence talks",
        "SEOUL - South Korea and Japan agreed on Tuesday to resume regular talks between their foreign and "
        "defence ministers, ending a pause of several years. Officials in Seoul and Tokyo said the first "
        "meeting would take place next month.\n\n"
        "The two governments said the talks would cover maritime safety, missile warnings and disaster "
        "relief, and that both sides hoped to improve diplomatic relations.",
    ),
    "kr-jp-students": (
        "Japan and South Korea widen visa-free travel for students",
        "TOKYO - Japan and South Korea will let university students travel between the two countries "
        "without visas for up to ninety days from April, their foreign ministries said on Friday.\n\n"
        "Exchange programmes between Japanese and South Korean universities have doubled in three years, "
        "and officials said the change would make semester-long stays far easier to arrange.",
    ),
    "kr-jp-fisheries": (
        "South Korean and Japanese fishing fleets clash over quotas",
        "Fishing crews from South Korea and Japan traded accusations on Monday over squid quotas in the "
        "waters between the two countries, as negotiators in Busan failed to agree on next year's limits.\n\n"
        "Japanese officials said Korean boats had overfished, while Seoul said Tokyo's survey data was "
        "out of date.",
    ),
    "kr-jp-rail": (
        "Seoul and Tokyo study an undersea rail tunnel again",
        "Engineers from South Korea and Japan will spend two years studying an undersea rail tunnel across "
        "the Korea Strait, a plan first floated decades ago, transport officials said on Wednesday.\n\n"
        "The study will weigh the cost of boring through the seabed against expanding ferry routes between "
        "Busan and Fukuoka.",
    ),
    "kr-stocks": (
        "Stocks close higher as chipmakers rally",
        "SEOUL - South Korean shares rose on Wednesday, led by chipmakers, as investors bet on stronger "
        "demand for memory chips. The benchmark index gained 1.2 percent.\n\n"
        "Analysts said foreign buyers returned to South Korea's market after a week of selling.",
    ),
    "fr-de-hydrogen": (
        "France and Germany sign a deal on hydrogen pipelines",
        "PARIS - France and Germany signed an agreement on Monday to build a hydrogen pipeline linking their "
        "industrial regions, the two energy ministers said. The project is expected to cost several billion "
        "euros.\n\n"
        "Officials in Paris and Berlin said construction would begin in two years.",
    ),
    "chip-export": (
        "Chip export rules tightened",
        "The government tightened chip export rules on Thursday, requiring licences for advanced "
        "semiconductors sold abroad. Companies have ninety days to comply.\n\n"
        "Industry groups said the rules would hurt sales.",
    ),
    "bees": (
        "Beekeepers warn of falling honey harvests",
        "Beekeepers warned on Friday that honey harvests had fallen sharply after months of drought. Hives "
        "in the hills produced half their usual yield.\n\n"
        "Farmers said pollination of crops was also suffering.",
    ),
}


def article(
    key: str,
    *,
    hours_ago: float = 1.0,
    source: str = "Harbour Post",
    url: str | None = None,
    article_id: str | None = None,
    title: str | None = None,
    body: str | None = None,
    now: datetime = NOW,
) -> Article:
    """One of ``TEXTS`` as an article published ``hours_ago`` before ``now`` (or another title/body)."""
    headline, text = TEXTS[key]
    identifier = article_id or key
    return Article(
        id=identifier,
        title=title or headline,
        text=body or text,
        published_at=now - timedelta(hours=hours_ago),
        url=url or f"https://harbourpost.example/{identifier}",
        source=source,
    )


def reworded(original: Article, *, article_id: str, source: str, url: str, hours_later: float = 1.0) -> Article:
    """The same story as another outlet runs it: lightly edited wording, its own id, URL and time."""
    text = original.text.replace("said on", "announced on").replace("Officials", "Government officials")
    return replace(original, id=article_id, text=text, paragraphs=(), source=source, url=url,
                   published_at=original.published_at + timedelta(hours=hours_later))


async def add(archive: Archive, *articles: Article, tone: float | None = None) -> list[AddResult]:
    """Analyse each article with the real analyser and store it; ``tone`` overrides the measured tone."""
    analyser = Analyser()
    results = []
    for item in articles:
        analysis = analyser.analyse(item)
        if tone is not None:
            analysis = replace(analysis, tone=tone)
        results.append(await archive.add(item, analysis))
    return results


@asynccontextmanager
async def sqlite_store(folder: Path) -> AsyncIterator[Store]:
    """A migrated SQLite store in ``folder``, closed afterwards."""
    store = await open_store(f"sqlite+aiosqlite:///{folder}/t.db", migrate=True)
    try:
        yield store
    finally:
        await store.close()
