"""Help text, written from the command declarations so it can never disagree with the parser.

The text is plain, with backticks around commands: both Slack and Discord show those as code.
"""

from __future__ import annotations

from bot.commands.spec import (
    NEWS,
    NEWS_ADMIN,
    ArgSpec,
    CommandSpec,
    GroupSpec,
    RootSpec,
    children,
    find_node,
    root,
)

__all__ = ["help_text"]

ADMIN_RIGHTS = "needs admin rights: a workspace or server admin (or someone the bot's operator lists as one)."


def _argument_line(arg: ArgSpec) -> str:
    facts = ["required" if arg.required else "optional"]
    if arg.choices:
        facts.append(" or ".join(arg.choices))
    if arg.min_value is not None and arg.max_value is not None:
        facts.append(f"{arg.min_value} to {arg.max_value}")
    if arg.many and arg.max_items is not None:
        facts.append(f"up to {arg.max_items}")
    if arg.default is not None:
        facts.append(f"default {arg.default}")
    label = f"{arg.name}=" if arg.option else arg.placeholder
    return f"• `{label}` ({', '.join(facts)}): {arg.description}"


def _command_help(spec: CommandSpec) -> str:
    lines = [f"`{spec.usage}`", spec.summary + (f" {spec.details}" if spec.details else "")]
    if spec.args:
        lines.append("Arguments:")
        lines.extend(_argument_line(arg) for arg in spec.args)
    if spec.examples:
        lines.append("Example" + ("s:" if len(spec.examples) > 1 else ":"))
        lines.extend(f"`{example}`" for example in spec.examples)
    return "\n".join(lines)


def _listing(node: RootSpec | GroupSpec) -> list[str]:
    lines: list[str] = []
    for child in children(node):
        if isinstance(child, GroupSpec):
            lines.extend(_listing(child))
        else:
            lines.append(f"`{child.usage}`: {child.summary}")
    return lines


def _overview(*, is_admin: bool) -> str:
    news = root(NEWS)
    lines = [f"`/{NEWS}`: {news.summary}", *_listing(news)]
    if is_admin:
        admin = root(NEWS_ADMIN)
        lines += ["", f"`/{NEWS_ADMIN}`: {admin.summary}", *_listing(admin)]
    else:
        lines += ["", f"Admins set up this channel's digest with `/{NEWS_ADMIN}`."]
    lines.append("Send `/news help COMMAND` for more about one command, e.g. `/news help pair`.")
    return "\n".join(lines)


def _needs_admin(path: str) -> str:
    return f"`/{path}` {ADMIN_RIGHTS} Ask one of them, or send `/news help` for what you can use."


def help_text(command: str | None, *, is_admin: bool) -> str:
    """Help for everything (``None``) or for one root, group or command (``"pair"``, ``"news-admin"``,
    ``"/news-admin topic add"``). Admin commands are listed to admins only; raises ``UserError`` for a
    name that is no command."""
    node = find_node(command or "")
    if isinstance(node, RootSpec) and node.name == NEWS:
        return _overview(is_admin=is_admin)
    if node.admin_only and not is_admin:
        return _needs_admin(node.path)
    if isinstance(node, CommandSpec):
        return _command_help(node)
    return "\n".join([f"`/{node.path}`: {node.summary}", *_listing(node)])
