"""Everything the fake Slack remembers: tokens, messages, files, views, one-time ids and the call log."""

from __future__ import annotations

import secrets
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from tests.fakes.slack.blocks import DEFAULT_MAX_BLOCK_TEXT_TOTAL
from tests.fakes.slack.directory import AppConfig, Channel, Team
from tests.fakes.slack.records import (
    ApiCall,
    Changes,
    QueuedFailure,
    ResponseUrlPost,
    SocketAck,
    SocketEnvelope,
    UploadedFile,
)

TRIGGER_TTL_SECONDS = 3.0  # Slack: "triggers expire in three seconds"
RESPONSE_URL_TTL_SECONDS = 30 * 60  # Slack: a response_url works for 30 minutes ...
RESPONSE_URL_MAX_USES = 5  # ... and at most five times


@dataclass(frozen=True)
class TokenGrant:
    """What a token stands for: a team's bot, or the app itself (``xapp-``, Socket Mode only)."""

    token: str
    kind: Literal["bot", "app"]
    team_id: str | None


@dataclass
class Trigger:
    """A ``trigger_id`` handed to the app in a slash command or interaction."""

    team_id: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    """A ``response_url`` handed to the app, with how often it was used."""

    team_id: str
    channel_id: str
    user_id: str
    issued_at: float
    uses: int = 0


class SlackState:
    """The fake's memory, shared by the Web API, the response_url receiver and Socket Mode."""

    def __init__(
        self,
        app: AppConfig,
        teams: Iterable[Team],
        *,
        clock: Callable[[], float] = time.time,
        max_block_text_total: int = DEFAULT_MAX_BLOCK_TEXT_TOTAL,
        trigger_ttl: float = TRIGGER_TTL_SECONDS,
    ) -> None:
        self.app = app
        self.clock = clock
        self.max_block_text_total = max_block_text_total
        self.trigger_ttl = trigger_ttl
        self.teams: dict[str, Team] = {}
        self.tokens: dict[str, TokenGrant] = {app.app_token: TokenGrant(app.app_token, "app", None)}
        self.revoked: set[str] = set()
        self.calls: list[ApiCall] = []
        self.failures: defaultdict[str, deque[QueuedFailure]] = defaultdict(deque)
        self.messages: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.ephemerals: list[dict[str, Any]] = []
        self.files: dict[str, UploadedFile] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[tuple[str, str], str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.responses: list[ResponseUrlPost] = []
        self.oauth_codes: dict[str, str] = {}
        self.envelopes: list[SocketEnvelope] = []
        self.acks: list[SocketAck] = []
        self.socket_tickets: set[str] = set()
        self.socket_pings = 0
        self.changes = Changes()
        # exceptions raised inside the fake itself: a fake bug must fail the test, not pass as an answer
        self.internal_errors: list[Exception] = []
        self._last_ts_micros = 0
        self._counters: defaultdict[str, int] = defaultdict(int)
        for team in teams:
            self.add_team(team)

    # -- directory -------------------------------------------------------------------------------------

    def add_team(self, team: Team) -> None:
        """Know ``team``; its bot token (when installed) starts working at once."""
        if team.id in self.teams:
            raise ValueError(f"team {team.id} is already known")
        self.teams[team.id] = team
        if team.bot_token is not None:
            self.tokens[team.bot_token] = TokenGrant(team.bot_token, "bot", team.id)

    def team(self, team_id: str | None = None) -> Team:
        """The team with ``team_id``, or the first team; KeyError names the known ones."""
        if team_id is None:
            if not self.teams:
                raise KeyError("the fake knows no team")
            return next(iter(self.teams.values()))
        if team_id not in self.teams:
            raise KeyError(f"unknown team {team_id!r}; known: {sorted(self.teams)}")
        return self.teams[team_id]

    def find_channel(self, channel_id: str) -> tuple[Team, Channel]:
        """The team and channel with ``channel_id``; KeyError when no team has it."""
        for team in self.teams.values():
            channel = team.channel(channel_id)
            if channel is not None:
                return team, channel
        raise KeyError(f"no team has channel {channel_id!r}")

    def install(self, team_id: str) -> str:
        """Give ``team_id`` a bot token (as an OAuth install does) and return it; reinstalling reissues."""
        team = self.team(team_id)
        if team.bot_token is not None:
            self.revoked.add(team.bot_token)
        team.bot_token = f"xoxb-{team.id}-{secrets.token_hex(8)}"
        self.tokens[team.bot_token] = TokenGrant(team.bot_token, "bot", team.id)
        self.revoked.discard(team.bot_token)
        return team.bot_token

    # -- ids and time ------------------------------------------------------------------------------------

    def now(self) -> float:
        """The fake's clock (seconds since the epoch)."""
        return self.clock()

    def next_ts(self) -> str:
        """A message timestamp like Slack's ("1712345678.000100"), strictly increasing."""
        micros = max(int(self.now() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        """A fresh Slack-style id with ``prefix`` (F for files, V for views ...)."""
        self._counters[prefix] += 1
        return f"{prefix}0{self._counters[prefix]:09X}"

    def new_trigger_id(self, team_id: str) -> str:
        """A ``trigger_id`` that views.open accepts once, within the trigger TTL."""
        self._counters["trigger"] += 1
        trigger_id = f"{self._counters['trigger']}.{_numeric(team_id)}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(team_id, self.now())
        return trigger_id

    def new_response_url(self, base_url: str, team_id: str, channel_id: str, user_id: str) -> str:
        """A ``response_url`` pointing at the fake's receiver."""
        response_id = f"{team_id}-{secrets.token_urlsafe(12)}"
        self.response_urls[response_id] = ResponseUrl(team_id, channel_id, user_id, self.now())
        return f"{base_url}/response/{response_id}"

    def new_oauth_code(self, team_id: str) -> str:
        """A one-time code that oauth.v2.access exchanges for ``team_id``'s bot token."""
        self.team(team_id)
        code = f"{_numeric(team_id)}.{secrets.token_hex(12)}"
        self.oauth_codes[code] = team_id
        return code

    # -- recording ---------------------------------------------------------------------------------------

    def record_call(self, call: ApiCall) -> None:
        """Log one Web API call and wake waiters."""
        self.calls.append(call)
        self.changes.notify()

    def take_failure(self, method: str) -> QueuedFailure | None:
        """The failure queued for ``method``'s next call, if any (consumed)."""
        queue = self.failures.get(method)
        return queue.popleft() if queue else None


def _numeric(text: str) -> int:
    """A stable number standing for ``text`` (Slack ids embed the team's number in trigger ids and codes)."""
    return zlib.crc32(text.encode())
