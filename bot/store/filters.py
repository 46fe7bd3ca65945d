"""A ``StorySearch`` as SQL: the WHERE clause over ``articles`` and the per-UTC-day grouping, per dialect.

Semantics: ``countries`` match the article's *about* countries (any of them; every one of them with
``all_countries``), ``topics`` its assigned topics (any), ``text`` a full-text match of title and body
(every word; a text with no word in it matches nothing), ``exclude_domains`` drops articles whose URL
host is one of the domains or a subdomain of one, and ``published_at`` falls in ``[since, until)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Table,
    Text,
    and_,
    any_,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import literal_column

from bot.store.schema import (
    POSTGRES_SEARCH_COLUMN,
    POSTGRES_TEXT_CONFIG,
    SQLITE_FTS_TABLE,
    article_countries,
    article_topics,
    articles,
)
from digests.archive import StorySearch

MAX_SEARCH_WORDS = 32  # a longer text is cut: more words only narrow an AND search further
_WORD = re.compile(r"\w+")


def normalise_country(code: str) -> str:
    return code.strip().upper()


def normalise_domain(domain: str) -> str:
    """``"https://www.BBC.co.uk/news"`` -> ``"www.bbc.co.uk"``; ``".bbc.co.uk"`` -> ``"bbc.co.uk"``."""
    value = domain.strip().lower()
    if "/" in value:
        try:
            value = urlsplit(value if "://" in value else f"//{value}").hostname or ""
        except ValueError:
            return ""
    return value.strip(".")


def url_host(url: str | None) -> str | None:
    """The lower-case host of a URL, None when it has none (or is not a URL)."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.strip(".") or None if host else None


def search_words(query: str) -> list[str]:
    return _WORD.findall(query)[:MAX_SEARCH_WORDS]


def article_conditions(search: StorySearch, dialect: str) -> list[ColumnElement[bool]]:
    """Conditions on ``articles`` for every article that ``search`` matches."""
    since, until = search.since, search.until
    conditions: list[ColumnElement[bool]] = [
        articles.c.published_at >= since, articles.c.published_at < until,
    ]
    # One semi-join per tag group: each is an index range scan on (tag, about, published_at), which
    # stays small however large the archive grows.
    for table, group in _tag_groups(search):
        conditions.append(articles.c.seq.in_(_tagged(table, group, search, dialect)))
    if search.text.strip():
        conditions.append(_text_condition(search.text, dialect))
    domains = _domains(search)
    if domains:
        conditions.append(not_excluded(domains))
    return conditions


def story_rows(search: StorySearch, dialect: str) -> tuple[Table, ColumnElement[bool]]:
    """A table with ``cluster_id`` and ``published_at`` of every matching article, and its condition.

    A search by countries and topics alone is answered from the side tables (which repeat both
    columns), so finding the newest stories never reads the wide article rows; an article may appear
    once per matching tag there, which a maximum or a DISTINCT does not mind.
    """
    groups = _tag_groups(search)
    if not groups or search.text.strip() or _domains(search):
        return articles, all_of(article_conditions(search, dialect))
    (driver, first), rest = groups[0], groups[1:]
    conditions: list[ColumnElement[bool]] = [
        one_of(driver.c[_TAG_COLUMN[driver.name]], first, dialect),
        driver.c.about == true(),
        driver.c.published_at >= search.since,
        driver.c.published_at < search.until,
    ]
    for table, group in rest:
        conditions.append(driver.c.article_seq.in_(_tagged(table, group, search, dialect)))
    return driver, and_(*conditions)


_TAG_COLUMN = {article_countries.name: "country", article_topics.name: "topic"}


def _tag_groups(search: StorySearch) -> list[tuple[Table, list[str]]]:
    """(side table, tags) pairs an article must each match one tag of."""
    groups: list[tuple[Table, list[str]]] = []
    countries = sorted({normalise_country(c) for c in search.countries if c.strip()})
    if countries:
        if search.all_countries:
            groups.extend((article_countries, [c]) for c in countries)
        else:
            groups.append((article_countries, countries))
    topics = sorted({t.strip() for t in search.topics if t.strip()})
    if topics:
        groups.append((article_topics, topics))
    return groups


def _tagged(table: Table, tags: list[str], search: StorySearch, dialect: str) -> Select[int]:
    return select(table.c.article_seq).where(
        one_of(table.c[_TAG_COLUMN[table.name]], tags, dialect),
        table.c.about == true(),
        table.c.published_at >= search.since,
        table.c.published_at < search.until,
    )


def one_of(column: ColumnElement[Any], values: Sequence[Any], dialect: str) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL ``column = ANY(:array)``: one statement text for any
    number of values, so asyncpg's prepared-statement cache is hit instead of preparing anew."""
    if dialect != "postgresql":
        return column.in_(list(values))
    element = BigInteger() if isinstance(column.type, BigInteger | Integer) else Text()
    return column == any_(literal(list(values), ARRAY(element)))


def _domains(search: StorySearch) -> list[str]:
    return sorted({d for d in (normalise_domain(x) for x in search.exclude_domains) if d})


def not_excluded(domains: Iterable[str]) -> ColumnElement[bool]:
    host = articles.c.host
    hits = [or_(host == d, host.endswith(f".{d}", autoescape=True)) for d in domains]
    return or_(host.is_(None), not_(or_(*hits)))


def _text_condition(query: str, dialect: str) -> ColumnElement[bool]:
    words = search_words(query)
    if not words:
        return false()
    if dialect == "postgresql":
        vector: ColumnElement[object] = literal_column(f"articles.{POSTGRES_SEARCH_COLUMN}")
        config = text(f"'{POSTGRES_TEXT_CONFIG}'::regconfig")
        return vector.op("@@", return_type=Boolean)(func.plainto_tsquery(config, " ".join(words)))
    # Each word quoted: FTS5 operators or stray quotes in the user's text are taken literally.
    fts_query = " ".join(f'"{w}"' for w in words)
    matches = literal_column(SQLITE_FTS_TABLE).op("MATCH", return_type=Boolean)(fts_query)
    hits = select(literal_column("rowid", Integer)).select_from(text(SQLITE_FTS_TABLE)).where(matches)
    return articles.c.seq.in_(hits)


def utc_day(moment: ColumnElement[datetime], dialect: str) -> ColumnElement[object]:
    """The UTC calendar day of a time column: a date (PostgreSQL) or 'YYYY-MM-DD' text (SQLite)."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", moment), Date)
    return func.substr(cast(moment, String), 1, 10)


def all_of(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return and_(*conditions) if conditions else true()

