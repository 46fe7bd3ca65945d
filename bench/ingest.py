"""Ingestion benchmark: one polling round over 1,000 feeds served on 127.0.0.1, half answering 304.

The feeds are built from the dev articles in the evaluation data (Reuters, BBC), each on its own host
name (all resolving to 127.0.0.1, so per-host politeness applies as it would on the Internet), served by
a separate process so the server does not share the bot's core. Round 1 fetches every feed (cold); then
half the feeds change and half stay the same, and round 2 — the figure the target is about — fetches
them all again with conditional GET.

    python -m bench.ingest [--feeds 1000] [--items 8] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.data import jsonl, shared_data_dir

HOST_SUFFIX = ".feeds.bench.invalid"


def _rss(feed: int, items: Sequence[dict[str, Any]], published: datetime) -> bytes:
    entries = []
    for number, record in enumerate(items):
        text = record.get("body") or record.get("text") or ""
        link = f"https://news{feed % 50}.example.org/{record['id']}"
        entries.append(
            f"<item><title>{escape(record.get('title') or '')}</title><link>{escape(link)}</link>"
            f"<guid>{escape(link)}</guid><pubDate>{format_datetime(published - timedelta(minutes=number))}</pubDate>"
            f"<description>{escape(text)}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {feed}</title>'
        f"<link>https://news{feed % 50}.example.org/</link>{''.join(entries)}</channel></rss>"
    ).encode()


def _build_feeds(records: list[dict[str, Any]], feeds: int, items: int, published: datetime,
                 offset: int) -> dict[int, bytes]:
    return {f: _rss(f, records[offset + f * items: offset + (f + 1) * items], published) for f in range(feeds)}


def _serve(port_out: Any, ready: Any, stop: Any, rounds: Any) -> None:
    """The feed server process: round 1 bodies, then round 2 (changed half new, unchanged half 304)."""
    from aiohttp import web

    async def handler(request: web.Request) -> web.Response:
        host = request.host.split(":")[0]
        feed = int(host.removesuffix(HOST_SUFFIX).removeprefix("feed"))
        current = rounds["phase"]
        changed = feed % 2 == 0
        version = "v2" if (current == 2 and changed) else "v1"
        etag = f'"{feed}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = rounds[f"{version}:{feed}"]
        return web.Response(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed.xml", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_out.value = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ready.set()
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        await runner.cleanup()

    asyncio.run(main())


async def _run_rounds(args: argparse.Namespace, port: int, phase: Any) -> list[dict[str, Any]]:
    from bot.polling import poll_round
    from bot.store.store import open_store
    from digests.analyse import Analyser
    from digests.ingest.fetch import Fetcher
    from digests.ingest.pipeline import Ingester

    async def resolve(host: str) -> list[str]:
        return ["127.0.0.1"]

    workdir = Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    url = args.db or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    store = await open_store(url, migrate=True)
    rows: list[dict[str, Any]] = []
    try:
        for feed in range(args.feeds):
            await store.feeds.add_feed(f"http://feed{feed}{HOST_SUFFIX}:{port}/feed.xml")
        analyser = Analyser()
        start_time = datetime.now(UTC)
        async with Fetcher(allow_private=True, resolver=resolve, concurrency=64, host_delay=0.0) as fetcher:
            ingester = Ingester(store.articles, analyser, fetcher=fetcher)
            for number in (1, 2):
                phase["phase"] = number
                now = start_time + timedelta(hours=number)
                started = time.perf_counter()
                result = await poll_round(store.feeds, ingester, owner="bench", now=now,
                                          interval=timedelta(minutes=15), max_failures=10)
                elapsed = time.perf_counter() - started
                articles = sum(o.items for o in result.outcomes)
                rows.append({
                    "round": "1 (cold)" if number == 1 else "2 (half 304)",
                    "feeds": result.claimed, "not_modified": result.not_modified, "failed": result.failed,
                    "articles": articles, "new": result.new_articles, "seconds": elapsed,
                    "articles_per_s": articles / elapsed if elapsed else 0.0,
                    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                })
    finally:
        await store.close()
    return rows


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    data = shared_data_dir()
    records = [r for r in jsonl(data / "reuters" / "reuters21578-train.jsonl") if len(r.get("body", "")) > 200]
    records += list(jsonl(data / "summaries" / "bbc-dev.jsonl"))
    half = args.feeds // 2 + 1
    needed = args.feeds * args.items + half * args.items
    if needed > len(records):
        raise SystemExit(f"not enough dev articles for {args.feeds} feeds x {args.items} items ({len(records)})")
    published = datetime.now(UTC) - timedelta(hours=1)
    manager = multiprocessing.Manager()
    shared = manager.dict()
    for feed, body in _build_feeds(records, args.feeds, args.items, published, 0).items():
        shared[f"v1:{feed}"] = body
    changed = _build_feeds(records, args.feeds, args.items // 2 or 1, published, args.feeds * args.items)
    for feed, body in changed.items():
        if feed % 2 == 0:
            shared[f"v2:{feed}"] = body
    shared["phase"] = 1
    port, ready, stop = multiprocessing.Value("i", 0), multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, ready, stop, shared), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the feed server did not start")
        return asyncio.run(_run_rounds(args, port.value, shared))
    finally:
        stop.set()
        server.join(10)
        if server.is_alive():
            server.kill()
        manager.shutdown()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=8, help="items per feed (default 8)")
    parser.add_argument("--db", default=None, help="database URL (default a temporary SQLite file)")
    args = parser.parse_args(argv)
    for row in run(args):
        print("  ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
