"""Who and what exists in the fake: the app, its workspaces (teams), their users and channels.

``workspace("A")`` builds a ready team with predictable ids (``T0A0000001``, ``U0AADMIN01`` ...), an admin, an
owner and a plain member, and channels that exercise the usual failures: one the bot is not in, a private
one, an archived one. Pass ``installed=False`` for a team that gets its bot token only through OAuth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# without chat:write.public, so posting to a channel the bot has not joined fails with not_in_channel
DEFAULT_SCOPES = "commands,chat:write,channels:read,channels:join,channels:history,users:read,files:write"


@dataclass(frozen=True)
class AppConfig:
    """The Slack app the bot runs as: one app, installed in any number of workspaces."""

    app_id: str = "A0NEWSBOT1"
    client_id: str = "1111111111111.2222222222222"
    client_secret: str = "fake-client-secret"
    signing_secret: str = "fake-signing-secret-8f7e6d5c4b3a2918"
    app_token: str = "xapp-1-A0NEWSBOT1-1111111111111-fakeapptoken"
    # the deprecated verification token Slack still puts in payloads
    verification_token: str = "fake-verification-token"
    bot_name: str = "newsbot"


@dataclass
class User:
    """A workspace member; ``is_admin`` / ``is_owner`` drive the bot's permission checks."""

    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False
    is_primary_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    real_name: str = ""
    tz: str = "Europe/London"
    tz_offset: int = 0

    def as_slack(self, team_id: str) -> dict[str, Any]:
        """The ``user`` object of users.info."""
        real_name = self.real_name or self.name.replace(".", " ").title()
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "profile": {
                "real_name": real_name,
                "display_name": self.name,
                "real_name_normalized": real_name,
                "display_name_normalized": self.name,
                "team": team_id,
            },
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_primary_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }


@dataclass
class Channel:
    """A conversation; ``bot_is_member`` decides between posting and ``not_in_channel``."""

    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    bot_is_member: bool = True
    members: set[str] = field(default_factory=set)
    created: int = 1_700_000_000
    topic: str = ""
    purpose: str = ""

    def as_slack(self) -> dict[str, Any]:
        """The ``channel`` object of conversations.info / join."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": self.created,
            "is_archived": self.is_archived,
            "is_general": self.name == "general",
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "is_member": self.bot_is_member,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
            "num_members": len(self.members) + (1 if self.bot_is_member else 0),
        }


@dataclass
class Team:
    """A workspace the app is (or will be) installed in."""

    id: str
    domain: str
    name: str
    bot_user_id: str
    bot_id: str
    users: list[User] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    # None until the team installs the app through oauth.v2.access
    bot_token: str | None = None
    installer_user_id: str = ""
    scopes: str = DEFAULT_SCOPES

    def user(self, user_id: str) -> User | None:
        """The member with ``user_id``, if any."""
        return next((u for u in self.users if u.id == user_id), None)

    def channel(self, channel_id_or_name: str) -> Channel | None:
        """The channel with this id, or this name (with or without ``#``), as chat.postMessage accepts."""
        name = channel_id_or_name.removeprefix("#")
        return next((c for c in self.channels if channel_id_or_name == c.id or c.name == name), None)

    def user_named(self, name: str) -> User:
        """The member called ``name``; KeyError names the known ones."""
        found = next((u for u in self.users if u.name == name), None)
        if found is None:
            raise KeyError(f"no user {name!r} in {self.id}; known: {[u.name for u in self.users]}")
        return found

    def channel_named(self, name: str) -> Channel:
        """The channel called ``name``; KeyError names the known ones."""
        found = next((c for c in self.channels if c.name == name.removeprefix("#")), None)
        if found is None:
            raise KeyError(f"no channel {name!r} in {self.id}; known: {[c.name for c in self.channels]}")
        return found


def workspace(suffix: str = "A", *, domain: str | None = None, installed: bool = True) -> Team:
    """A team with predictable ids built from ``suffix`` (one or two upper-case letters or digits).

    Users: ``owner`` (owner and admin), ``admin``, ``member``. Channels: ``general`` and ``news`` (bot is a
    member), ``quiet`` (public, bot not a member), ``secret`` (private, bot not a member), ``old`` (archived).
    """
    if not re.fullmatch(r"[A-Z0-9]{1,2}", suffix):
        raise ValueError(f"suffix must be 1-2 upper-case letters or digits, got {suffix!r}")
    team_id = f"T0{suffix}000001"
    owner = User(f"U0{suffix}OWNER1", "owner", is_admin=True, is_owner=True, is_primary_owner=True)
    admin = User(f"U0{suffix}ADMIN1", "admin", is_admin=True)
    member = User(f"U0{suffix}MEMBR1", "member", tz="America/New_York", tz_offset=-18_000)
    everyone = {owner.id, admin.id, member.id}
    channels = [
        Channel(f"C0{suffix}GENRL1", "general", members=set(everyone)),
        Channel(f"C0{suffix}NEWS01", "news", members=set(everyone)),
        Channel(f"C0{suffix}QUIET1", "quiet", bot_is_member=False, members=set(everyone)),
        Channel(f"C0{suffix}SECRT1", "secret", is_private=True, bot_is_member=False, members={admin.id}),
        Channel(f"C0{suffix}OLD001", "old", is_archived=True, members=set(everyone)),
    ]
    bot_user = User(f"U0{suffix}BOTUS1", "newsbot", is_bot=True)
    return Team(
        id=team_id,
        domain=domain or f"newsroom-{suffix.lower()}",
        name=f"Newsroom {suffix}",
        bot_user_id=bot_user.id,
        bot_id=f"B0{suffix}BOT001",
        users=[owner, admin, member, bot_user],
        channels=channels,
        bot_token=f"xoxb-{team_id}-fake-bot-token" if installed else None,
        installer_user_id=owner.id,
    )
