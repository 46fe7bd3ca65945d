"""One bot replica for the multi-process delivery test: ``python -m tests.bot.delivery_worker ...``.

It opens the shared store, says ``ready`` on stdout, waits for ``go`` on stdin (so every replica races
from the same moment), then runs the delivery service on the real clock until the ledger shows every
expected digest posted or the deadline passes. It posts to the fake platform over HTTP with an adapter
that speaks to it the way a chat adapter speaks to Slack or Discord, and prints a JSON summary last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from datetime import timedelta

import httpx

from bot.chat import ChannelRef, Platform, PostReceipt, PostRejected, PostRetryable, Reply
from bot.delivery import DeliveryService
from bot.schedule import system_clock
from bot.store import open_store
from digests.countries import CountryTagger

ROUND_PAUSE = 0.2  # seconds between rounds: the survivors notice an expired lease soon after it expires


class HttpPlatform:
    """A chat adapter for the fake platform: POST /messages to post, GET /messages to find by key."""

    platform: Platform = "console"

    def __init__(self, base_url: str, worker: str) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=10.0, headers={"X-Worker": worker})

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self.client.aclose()

    async def post_digest(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        try:
            response = await self.client.post("/messages", json={
                "channel": channel.key, "text": reply.text, "key": delivery_key})
        except httpx.TransportError as exc:
            raise PostRetryable(f"network error: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise PostRetryable(f"HTTP {response.status_code}",
                                retry_after=float(response.headers.get("Retry-After", 0)) or None)
        if response.status_code != 200:
            raise PostRejected(f"HTTP {response.status_code}")
        return PostReceipt(str(response.json()["id"]))

    async def find_delivery(self, channel: ChannelRef, delivery_key: str) -> PostReceipt | None:
        response = await self.client.get("/messages", params={"channel": channel.key, "key": delivery_key})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return PostReceipt(str(response.json()["id"]))


async def run(args: argparse.Namespace) -> dict[str, object]:
    store = await open_store(args.url, schema=args.schema)
    adapter = HttpPlatform(args.platform, args.owner)
    service = DeliveryService(store, {"console": adapter}, system_clock, owner=args.owner,
                              lease=timedelta(seconds=args.lease))
    tally: Counter[str] = Counter()
    rounds = 0
    try:
        CountryTagger.default()  # load the gazetteer now, not inside the first claims' short leases
        print("ready", flush=True)
        if (await asyncio.to_thread(sys.stdin.readline)).strip() != "go":
            raise SystemExit("expected 'go' on stdin")
        deadline = time.monotonic() + args.deadline
        while time.monotonic() < deadline:
            rounds += 1
            now = system_clock()
            for outcome in await service.run_due(now, since=now - service.grace):
                tally[outcome.status] += 1
            if (await store.deliveries.counts())["posted"] >= args.expect:
                break
            await asyncio.sleep(ROUND_PAUSE)
    finally:
        await adapter.stop()
        await store.close()
    return {"owner": args.owner, "rounds": rounds, **tally}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--schema", default=None)
    parser.add_argument("--platform", required=True, help="base URL of the fake platform")
    parser.add_argument("--owner", required=True)
    parser.add_argument("--lease", type=float, default=2.0, help="seconds")
    parser.add_argument("--deadline", type=float, default=40.0, help="seconds of delivering at most")
    parser.add_argument("--expect", type=int, required=True, help="digests to see posted before stopping")
    summary = asyncio.run(run(parser.parse_args()))
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
