"""The console adapter: commands from a pipe or a terminal, replies and scheduled digests on its output.

The handler is a small recorder with the dispatcher's signature, so these tests see exactly which
requests the adapter makes of the bot.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import textwrap
from pathlib import Path

from adapters.console import CONSOLE_ACTOR, CONSOLE_CHANNEL, ConsoleAdapter
from adapters.console.adapter import PROMPT, render, split_command
from bot.chat import ChannelRef, CommandRequest, Reply


class Recorder:
    """Answers every request with a reply naming it, and keeps the requests."""

    def __init__(self) -> None:
        self.requests: list[CommandRequest] = []

    async def __call__(self, request: CommandRequest) -> Reply:
        self.requests.append(request)
        return Reply("text", f"reply to {request.root} [{request.text}]\n")


async def run(lines: str, *, interactive: bool = False) -> tuple[ConsoleAdapter, Recorder, str]:
    handler, out = Recorder(), io.StringIO()
    adapter = ConsoleAdapter(handler, stdin=io.StringIO(lines), stdout=out, interactive=interactive)
    await adapter.start()
    await asyncio.wait_for(adapter.finished.wait(), timeout=10)
    await adapter.stop()
    return adapter, handler, out.getvalue()


async def test_piped_input_is_answered_line_by_line_without_a_prompt() -> None:
    adapter, handler, out = await run("/news pair korea japan\nnews-admin show\n")
    assert [(r.root, r.text) for r in handler.requests] == [("news", "pair korea japan"), ("news-admin", "show")]
    assert out == "reply to news [pair korea japan]\nreply to news-admin [show]\n"
    assert PROMPT not in out
    assert adapter.finished.is_set()


async def test_the_console_is_an_admin_in_its_own_channel() -> None:
    _, handler, _ = await run("/news help\n")
    request = handler.requests[0]
    assert request.actor == CONSOLE_ACTOR and request.actor.is_admin and request.actor.key == "console:console"
    assert request.channel == CONSOLE_CHANNEL and request.channel.key == "console:local:console"


async def test_empty_lines_are_ignored_and_the_last_line_needs_no_newline() -> None:
    _, handler, out = await run("\n   \n/news help\n\n/news topics")
    assert [r.text for r in handler.requests] == ["help", "topics"]
    assert out.count("reply to") == 2


async def test_quit_stops_reading() -> None:
    adapter, handler, out = await run("/news help\nquit\n/news topics\n")
    assert [r.text for r in handler.requests] == ["help"]
    assert adapter.finished.is_set() and "topics" not in out


async def test_end_of_input_sets_finished_with_nothing_read() -> None:
    adapter, handler, out = await run("")
    assert adapter.finished.is_set() and handler.requests == [] and out == ""


async def test_interactive_mode_writes_the_prompt_before_each_line() -> None:
    _, _, out = await run("/news help\n", interactive=True)
    assert out == f"{PROMPT}reply to news [help]\n{PROMPT}"


async def test_post_digest_prints_the_digest_with_its_key() -> None:
    out = io.StringIO()
    adapter = ConsoleAdapter(Recorder(), stdin=io.StringIO(""), stdout=out, interactive=False)
    channel = ChannelRef("console", "local", "console")
    receipt = await adapter.post_digest(channel, Reply("digest", "News digest: KR\n1. A story\n", ephemeral=False),
                                        delivery_key="sub1@2026-11-22T23:00Z")
    printed = out.getvalue()
    assert "[scheduled digest for #console · sub1@2026-11-22T23:00Z]" in printed
    assert "News digest: KR\n1. A story" in printed
    assert printed.index("sub1@") < printed.index("News digest")
    assert receipt.message_id == "sub1@2026-11-22T23:00Z"
    assert await adapter.find_delivery(channel, "sub1@2026-11-22T23:00Z") is None  # a terminal keeps no history


# A process that waits at the prompt with the input still open, and is then stopped (as Ctrl-C or SIGTERM
# stop the bot). Reading must not keep ``asyncio.run`` from returning until someone presses Enter.
STOP_WHILE_WAITING = textwrap.dedent("""
    import asyncio, io, os
    from adapters.console import ConsoleAdapter
    from bot.chat import Reply

    async def answer(request):
        return Reply("text", "")

    async def main():
        read_end, write_end = os.pipe()  # the write end stays open: no line and no end of input ever come
        out = io.StringIO()
        adapter = ConsoleAdapter(answer, stdin=os.fdopen(read_end), stdout=out, interactive=True)
        await adapter.start()
        while "newsbot>" not in out.getvalue():
            await asyncio.sleep(0.01)
        await adapter.stop()
        assert adapter.finished.is_set()

    asyncio.run(main())
    print("stopped")
""")


def test_stopping_while_waiting_for_a_line_lets_the_process_exit() -> None:
    done = subprocess.run([sys.executable, "-c", STOP_WHILE_WAITING],  # noqa: S603 -- our interpreter, our code
                          capture_output=True, text=True, timeout=30, check=False,
                          cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"


def test_a_pair_reply_names_its_chart_file(tmp_path: Path) -> None:
    chart = tmp_path / "pair.png"
    assert render(Reply("pair", "South Korea – Japan\n\n", chart=chart)) == f"South Korea – Japan\nchart: {chart}"
    assert render(Reply("text", "plain\n")) == "plain"


def test_split_command_takes_the_root_with_or_without_a_slash() -> None:
    assert split_command("  /news pair  korea japan ") == ("news", "pair  korea japan")
    assert split_command("news-admin") == ("news-admin", "")
    assert split_command(" \t ") is None
