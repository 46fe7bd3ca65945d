"""Why a fetch or a feed failed, in words a person can act on.

Every error carries ``reason`` (also its ``str()``): specific, short, and safe to show to the admin who
added the feed. Catch ``FetchError`` or ``FeedError`` for the whole family, or a subclass for one case.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base of every ingestion error; ``reason`` says what happened."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


# --- fetching ------------------------------------------------------------------------------------


class FetchError(IngestError):
    """A URL could not be fetched."""


class InvalidUrlError(FetchError):
    """The URL cannot be parsed or has no host."""


class SchemeRefusedError(FetchError):
    """Only http and https are fetched (never file:, ftp:, data: ...)."""


class AddressRefusedError(FetchError):
    """The host is, or resolves to, an address not to be fetched (loopback, private, metadata ...)."""


class TooManyRedirectsError(FetchError):
    """More redirects than allowed."""


class RedirectLoopError(FetchError):
    """A redirect led back to a URL already visited."""


class ResponseTooLargeError(FetchError):
    """The body is larger than the size cap."""


class DecompressionBombError(ResponseTooLargeError):
    """A compressed body expands far beyond its size (a gzip bomb)."""


class CorruptContentError(FetchError):
    """A compressed body that does not decompress."""


class UnsupportedContentEncodingError(FetchError):
    """The server used a Content-Encoding we did not offer and cannot decode."""


class FetchTimeoutError(FetchError):
    """The server took too long to connect or answer."""


class ConnectionFailedError(FetchError):
    """The name did not resolve, the connection was refused or reset, or TLS failed."""


class HttpStatusError(FetchError):
    """The server answered with an error status; ``retry_after`` is its Retry-After in seconds, if any."""

    def __init__(self, reason: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


# --- parsing -------------------------------------------------------------------------------------


class FeedError(IngestError):
    """Bytes that could not be read as a feed."""


class EmptyFeedError(FeedError):
    """The document is empty (or only whitespace)."""


class NotAFeedError(FeedError):
    """The document is something other than RSS, Atom, RDF or JSON Feed."""


class HtmlPageError(NotAFeedError):
    """An HTML page was given where a feed was expected; ``feed_url`` is the feed it advertises, if any."""

    def __init__(self, reason: str, *, feed_url: str | None) -> None:
        super().__init__(reason)
        self.feed_url = feed_url


class EntityDeclarationError(FeedError):
    """The XML declares entities (billion laughs, external entities): refused before parsing."""


class FeedTooLargeError(FeedError):
    """The document (or what it decompresses to) is larger than the size cap."""


class MalformedFeedError(FeedError):
    """Not well-formed, and nothing usable could be read from it even leniently."""


class UnsupportedEncodingError(FeedError):
    """The document's character encoding is unknown or its bytes do not decode."""


class InvalidJsonFeedError(FeedError):
    """JSON that is not a readable JSON Feed."""
