"""The name a feed's articles credit as their source, when no publisher was registered for the feed.

A feed's title often names a section, not the publisher: The Economist's Asia feed is titled "Asia",
CBS News's "Top Stories". Such a title is kept and the site's host added ("Asia · economist.com"); a
title that names its site ("BBC News - World" on bbc.co.uk, "NYT > World News" on nytimes.com) is kept
as it is.
"""

from __future__ import annotations

import re

from digests.ingest.urls import host_of

__all__ = ["credited_name", "names_site", "site_of"]

_SERVICE_PREFIXES = ("feeds.", "feed.", "rss.", "m.")  # hosts that serve feeds rather than name the site
_WORD = re.compile(r"[a-z0-9]+")
_MIN_NAMING_WORD = 3  # "nyt" names nytimes.com; "a", "of" name nothing


def site_of(url: str | None) -> str | None:
    """``economist.com`` for ``https://www.economist.com/asia/rss.xml`` and for ``feeds.economist.com``."""
    host = host_of(url) if url else None
    if host is None or "." not in host or host.replace(".", "").isdigit():  # localhost, an IPv4 address
        return None
    for prefix in _SERVICE_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix):]
    return host


def names_site(title: str, site: str) -> bool:
    """Whether ``title`` names ``site``: a host label in the title ("BBC News" on bbc.co.uk, "MercoPress" on
    en.mercopress.com), a title word in a label ("NYT > World News" on nytimes.com), or the title's
    initials as a label ("Deutsche Welle" on dw.com)."""
    words = _WORD.findall(title.lower())
    squeezed = "".join(words)
    initials = "".join(word[0] for word in words)
    labels = [label for label in site.split(".")[:-1] if len(label) >= 2]  # the last is the top-level domain
    return any(
        label in squeezed or label == initials
        or any(len(word) >= _MIN_NAMING_WORD and word in label for word in words)
        for label in labels
    )


def _is_host_name(title: str) -> bool:
    """A title that is itself a site's name ("mridul.io")."""
    return " " not in title and "." in title.strip(".")


def credited_name(feed_title: str, site_url: str | None) -> str:
    """``feed_title``, with the site's host added when the title does not name the site."""
    title = feed_title.strip()
    site = site_of(site_url)
    if not title or not site or names_site(title, site) or _is_host_name(title):
        return title
    return f"{title} · {site}"
