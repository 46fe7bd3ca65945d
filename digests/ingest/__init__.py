"""Ingestion sources of the engine: safe HTTP fetching, feed parsing, article pages and language.

Import from the modules themselves; this package re-exports nothing, so that importing a light module
(``urls``, which ``digests.reader`` uses) does not load httpx, feedparser and trafilatura.

Public surface:

- ``fetch``: ``Fetcher`` (bounded, polite, conditional GET, size and redirect limits), ``FetchResult``,
  ``USER_AGENT``, ``FEED_ACCEPT`` / ``HTML_ACCEPT``
- ``feeds``: ``parse_feed`` (RSS 2.0, RSS 1.0, RSS 0.9x, Atom, JSON Feed) -> ``ParsedFeed`` of ``FeedItem``
- ``pages``: ``fetch_article_text`` (robots.txt respected, trafilatura) and ``extract_article_text``
- ``convert``: ``feed_item_to_article``
- ``language``: ``detect_language``
- ``urls``: ``canonical_url``, ``host_of``, ``absolute_http_url``
- ``errors``: ``FetchError`` and ``FeedError`` families, each with a specific, human-readable ``reason``
- ``netguard``: ``GuardedTransport`` and ``address_refusal`` (which addresses may be reached, checked on
  the address actually connected to), ``Resolver``

Internals: ``decode`` (bounded decompression), ``xmlguard`` (entity declarations refused),
``htmltext`` (HTML to plain text, advertised feed links), ``jsonfeed``, ``feedtypes``, ``robots``.
"""
