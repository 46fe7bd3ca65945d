"""Read slash commands from a terminal or a pipe, print replies, and print scheduled digests when due.

On a terminal it shows a prompt and keeps running (digests appear at their time); from a pipe it reads
commands line by line with no prompt, prints each reply, and returns at the end of input.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.chat import Actor, ChannelRef, CommandRequest, Platform, PostReceipt, Reply

CONSOLE_ACTOR = Actor("console", "console", is_admin=True, name="console")
CONSOLE_CHANNEL = ChannelRef("console", "local", "console")
PROMPT = "newsbot> "
QUIT_WORDS = {"quit", "exit", ":q"}

Handler = Callable[[CommandRequest], Awaitable[Reply]]


def render(reply: Reply) -> str:
    """Replies as plain text; a pair report also names its chart file."""
    text = reply.text.rstrip()
    if reply.chart is not None:
        text += f"\nchart: {reply.chart}"
    return text


def split_command(line: str) -> tuple[str, str] | None:
    """``"/news pair korea japan"`` -> ("news", "pair korea japan"); None when it is no command."""
    stripped = line.strip()
    if not stripped:
        return None
    root, _, rest = stripped.partition(" ")
    return root.lstrip("/"), rest.strip()


class ConsoleAdapter:
    platform: Platform = "console"

    def __init__(self, handler: Handler, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 interactive: bool | None = None) -> None:
        self.handler = handler
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self.finished = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one writer at a time: replies and digests never interleave

    async def start(self) -> None:
        self._task = asyncio.create_task(self.read_loop(), name="console-input")

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.finished.set()

    async def write(self, text: str) -> None:
        async with self._lock:
            self.stdout.write(text.rstrip("\n") + "\n")
            self.stdout.flush()

    async def post_digest(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        await self.write(f"\n[scheduled digest for #{channel.channel} · {delivery_key}]\n{render(reply)}\n")
        return PostReceipt(message_id=delivery_key)

    async def find_delivery(self, channel: ChannelRef, delivery_key: str) -> PostReceipt | None:
        return None  # a terminal keeps no history to look in

    async def handle_line(self, line: str) -> bool:
        """Answer one line; False when the user asked to quit."""
        parts = split_command(line)
        if parts is None:
            return True
        root, text = parts
        if root.lower() in QUIT_WORDS:
            return False
        reply = await self.handler(CommandRequest(CONSOLE_ACTOR, CONSOLE_CHANNEL, root, text))
        await self.write(render(reply))
        return True

    async def read_loop(self) -> None:
        try:
            while True:
                if self.interactive:
                    await self.write_prompt()
                line = await self.read_line()
                if not line:
                    break
                if not await self.handle_line(line):
                    break
        finally:
            self.finished.set()

    async def read_line(self) -> str:
        """The next line of input ("" at its end), read in a daemon thread.

        Not the loop's default executor: ``asyncio.run`` joins its threads on exit, so a stop signal
        would wait for a terminal user to press Enter; a daemon thread is left behind instead.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()

        def deliver(line: str | None, error: BaseException | None) -> None:
            if future.done():  # cancelled: the adapter stopped while the line was being typed
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(line or "")

        def read() -> None:
            line: str | None = None
            error: BaseException | None = None
            try:
                line = self.stdin.readline()
            except BaseException as exc:  # handed to the loop, which raises it in read_loop
                error = exc
            with contextlib.suppress(RuntimeError):  # the loop closed while this thread was waiting
                loop.call_soon_threadsafe(deliver, line, error)

        threading.Thread(target=read, name="console-input", daemon=True).start()
        return await future

    async def write_prompt(self) -> None:
        async with self._lock:
            self.stdout.write(PROMPT)
            self.stdout.flush()
