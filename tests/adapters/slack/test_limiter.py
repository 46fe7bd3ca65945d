from __future__ import annotations

import asyncio

from adapters.slack.limiter import ChannelLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


async def test_posts_to_one_channel_are_spaced_and_other_channels_do_not_wait() -> None:
    clock = Clock()
    limiter = ChannelLimiter(1.0, clock=clock, sleep=clock.sleep)

    for channel in ("a", "a", "b", "a"):
        async with limiter.turn(channel):
            clock.now += 0.25  # the post itself takes a quarter second

    assert clock.slept == [1.0, 0.75]  # a second after the end of its last post; "b" never waits


async def test_a_retry_after_holds_the_channel() -> None:
    clock = Clock()
    limiter = ChannelLimiter(1.0, clock=clock, sleep=clock.sleep)

    limiter.hold("a", 7)
    async with limiter.turn("a"):
        pass

    assert clock.slept == [7.0]


async def test_concurrent_posts_to_one_channel_queue() -> None:
    clock = Clock()
    limiter = ChannelLimiter(1.0, clock=clock, sleep=clock.sleep)
    order: list[int] = []

    async def post(number: int) -> None:
        async with limiter.turn("a"):
            order.append(number)
            await asyncio.sleep(0)

    await asyncio.gather(*(post(n) for n in range(3)))

    assert order == [0, 1, 2]
    assert clock.slept == [1.0, 1.0]
