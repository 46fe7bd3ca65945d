"""One spelling per article URL, so the same story linked two ways is stored once."""

from __future__ import annotations

from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMETERS", "absolute_http_url", "canonical_url", "host_of"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that say where a click came from, not what the page is. Kept short on purpose:
# dropping a parameter that does select the page would merge two articles into one id.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "twclid", "ttclid", "li_fat_id",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id",
        "ref", "ref_src", "ref_url", "cmpid", "cmp", "ocid", "smid", "smtyp", "sr_share", "at_medium",
        "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "ns_mchannel", "ns_source",
        "ns_campaign", "ns_linkname", "ns_fee", "s_cid", "taid",
        "wt.mc_id", "wt_mc", "__twitter_impression", "ito", "ncid", "spm",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")


def _is_tracking(raw_pair: str) -> bool:
    key = unquote_plus(raw_pair.split("=", 1)[0]).strip().lower()
    return key in TRACKING_PARAMETERS or key.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """``url`` with scheme and host lower-cased, default port, fragment and tracking parameters dropped,
    and the remaining query parameters sorted (their encoding kept byte for byte).

    A string that is not an absolute http(s)-like URL comes back stripped but otherwise unchanged.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # e.g. "http://[::1" or a non-numeric port: keep what we were given
        return text
    if not parts.scheme or not parts.netloc or parts.hostname is None:
        return text
    scheme = parts.scheme.lower()
    host = parts.hostname.rstrip(".")  # urlsplit already lower-cases hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username is not None:
        credentials = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{credentials}@{netloc}"
    path = parts.path or "/"
    pairs = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair)]
    query = "&".join(sorted(pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str | None:
    """The lower-cased host name of ``url`` without a leading ``www.``, or None when it has none."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def absolute_http_url(link: str | None, base: str | None = None) -> str | None:
    """``link`` made absolute against ``base``, if the result is an http(s) URL with a host; else None.

    Feed links are untrusted: ``javascript:``, ``data:`` or ``file:`` links are dropped here.
    """
    if not link or not link.strip():
        return None
    try:
        absolute = urljoin(base or "", link.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return absolute
