"""The invite link: the bot and applications.commands scopes with exactly the permissions it uses.

View Channel, Send Messages, Embed Links (digests are embeds) and Attach Files (the pair chart);
with a thread per digest also Create Public Threads and Send Messages in Threads. Nothing else: the
bot reads no messages, manages nothing and mentions no one.
"""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")


def needed_permissions(*, threads: bool = False) -> discord.Permissions:
    permissions = discord.Permissions(view_channel=True, send_messages=True, embed_links=True,
                                      attach_files=True)
    if threads:
        permissions.update(create_public_threads=True, send_messages_in_threads=True)
    return permissions


def invite_url(application_id: int, *, threads: bool = False) -> str:
    """``https://discord.com/oauth2/authorize?client_id=…&scope=bot+applications.commands&permissions=52224``."""
    return discord.utils.oauth_url(application_id, permissions=needed_permissions(threads=threads),
                                   scopes=SCOPES)
