"""A small PNG chart of a pair report: stories per day (bars) and mean tone (line) over the last 30 days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen on a server; must precede pyplot
import matplotlib.pyplot as plt

from digests.countries import country_name
from digests.pair import CHART_DAYS, PairReport


def chart_alt_text(report: PairReport) -> str:
    """What the chart shows, in words, for screen readers and platforms that show alt text."""
    first, second = (country_name(c) for c in report.countries)
    total = sum(p.count for p in report.daily)
    return (f"Daily stories about {first} and {second} over the last {CHART_DAYS} days ({total} in all), "
            f"with the mean tone of each day as a line.")


def label_positions(days: int, step: int = 7) -> list[int]:
    """Every ``step``-th day counted back from the newest, so today is labelled and no two labels touch."""
    return list(range(days - 1, -1, -step))[::-1]


def render_pair_chart(report: PairReport, path: Path) -> Path:
    """Write the chart as a PNG at ``path`` (parents created) and return the path."""
    end = report.until.date()
    days = [end - timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]
    by_day: dict[date, tuple[int, float | None]] = {p.day: (p.count, p.tone) for p in report.daily}
    counts = [by_day.get(day, (0, None))[0] for day in days]
    tones = [by_day.get(day, (0, None))[1] for day in days]
    figure, bars = plt.subplots(figsize=(6.4, 2.6), dpi=100)
    try:
        positions = list(range(len(days)))  # day offsets: typed, and one bar per day
        bars.bar(positions, counts, color="#4c78a8", width=0.8, label="stories")
        ticks = label_positions(len(positions))
        bars.set_xticks(ticks, [f"{days[i]:%d %b}" for i in ticks])
        bars.set_ylabel("stories / day")
        bars.set_ylim(0, max(1, *counts) * 1.15)
        line = bars.twinx()
        points = [(i, t) for i, t in enumerate(tones) if t is not None]
        if points:
            line.plot([i for i, _ in points], [t for _, t in points], color="#e45756", marker="o",
                      markersize=3, linewidth=1.5, label="tone")
        line.axhline(0, color="#999999", linewidth=0.6)
        line.set_ylim(-1, 1)
        line.set_ylabel("tone")
        first, second = report.countries
        bars.set_title(f"{country_name(first)} – {country_name(second)}: last {CHART_DAYS} days", fontsize=10)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="png")
    finally:
        plt.close(figure)
    return path
