"""Platform-neutral rendering of digests and pair reports: JSON, plain text and Markdown.

Slack Block Kit and Discord embeds are rendered by their adapters from the same objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from digests.compose import Digest, DigestItem
from digests.countries import country_name
from digests.pair import PairReport


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def item_json(item: DigestItem) -> dict[str, Any]:
    story = item.story
    article, analysis = story.article, story.analysis
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "sources": [{"name": s.name, "url": s.url, "published": iso(s.published_at)} for s in story.sources],
        "published": iso(article.published_at),
        "countries": list(analysis.countries),
        "topics": list(analysis.topics),
        "tone": analysis.tone,
        "summary": analysis.summary,
        "score": item.score,
        "reasons": list(item.reasons),
    }


def digest_json(digest: Digest) -> dict[str, Any]:
    return {
        "title": digest.title,
        "since": iso(digest.since),
        "until": iso(digest.until),
        "items": [item_json(i) for i in digest.items],
    }


def pair_json(report: PairReport) -> dict[str, Any]:
    return {
        "countries": list(report.countries),
        "since": iso(report.since),
        "until": iso(report.until),
        "count": report.count,
        "count_before": report.count_before,
        "tone": None if report.tone is None else round(report.tone, 3),
        "tone_before": None if report.tone_before is None else round(report.tone_before, 3),
        "trend": report.trend,
        "topics": [{"topic": t, "stories": n} for t, n in report.topics],
        "notes": list(report.notes),
        "items": [item_json(i) for i in report.items],
    }


def source_names(item: DigestItem, limit: int = 4) -> str:
    names = list(dict.fromkeys(s.name for s in item.story.sources))
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")


def _tone_word(tone: float | None) -> str:
    if tone is None:
        return "n/a"
    return f"{tone:+.2f}"


def _item_lines(number: int, item: DigestItem, *, markdown: bool, summaries: bool = True) -> list[str]:
    article, analysis = item.story.article, item.story.analysis
    if markdown:
        title = f"[{article.title}]({article.url})" if article.url else f"**{article.title}**"
        lines = [f"{number}. {title}"]
    else:
        lines = [f"{number}. {article.title}"]
        if article.url:
            lines.append(f"   {article.url}")
    if summaries and analysis.summary:
        lines.append(f"   {analysis.summary}")
    facts = [f"sources: {source_names(item)}"]
    if analysis.countries:
        facts.append("countries: " + ", ".join(analysis.countries))
    if analysis.topics:
        facts.append("topics: " + ", ".join(analysis.topics[:3]))
    facts.append(f"tone {_tone_word(analysis.tone)}")
    lines.append("   " + " · ".join(facts))
    why = "   why: " + "; ".join(item.reasons)
    lines.append(f"   _{why.strip()}_" if markdown else why)
    return lines


def digest_text(digest: Digest, *, markdown: bool = False, summaries: bool = True) -> str:
    header = f"# {digest.title}" if markdown else digest.title
    window = f"{digest.since:%Y-%m-%d %H:%M} – {digest.until:%Y-%m-%d %H:%M} UTC"
    lines = [header, window, ""]
    if not digest.items:
        lines.append("Nothing new for this digest in the window.")
    for number, item in enumerate(digest.items, start=1):
        lines.extend(_item_lines(number, item, markdown=markdown, summaries=summaries))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def pair_headline(report: PairReport) -> str:
    first, second = (country_name(c) for c in report.countries)
    return f"{first} – {second}: the latest"


def pair_summary_lines(report: PairReport) -> list[str]:
    """Coverage, tone and topics in three short lines, shared by every renderer."""
    days = max(1, round((report.until - report.since).total_seconds() / 86400))
    lines = [
        f"Stories: {report.count} in the last {days} days (previous {days} days: {report.count_before})",
        f"Tone: {_tone_word(report.tone)} (before: {_tone_word(report.tone_before)}) — {report.trend}",
    ]
    if report.topics:
        lines.append("Topics: " + ", ".join(f"{t} ({n})" for t, n in report.topics))
    return lines


def pair_text(report: PairReport, *, markdown: bool = False) -> str:
    header = f"# {pair_headline(report)}" if markdown else pair_headline(report)
    lines = [header, *report.notes, *pair_summary_lines(report), ""]
    if not report.items:
        lines.append("No stories about both countries in this window.")
    for number, item in enumerate(report.items, start=1):
        lines.extend(_item_lines(number, item, markdown=markdown))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
