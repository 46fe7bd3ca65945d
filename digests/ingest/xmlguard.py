"""Refuse XML that declares entities, before any XML parser expands them.

Feeds have no use for a DOCTYPE with ``<!ENTITY ...>`` declarations, and such declarations are how the
"billion laughs" (nested entities expanding to gigabytes) and external-entity (reading local files or
URLs) attacks work. A plain DOCTYPE without entity declarations (old RSS 0.91 feeds carry one) is fine.

The check is cheap for ordinary feeds: the bytes are searched for ``<!ENTITY`` and only when it occurs
does expat read the prolog to tell a real declaration from the same text inside an article.
"""

from __future__ import annotations

import codecs
import re
from xml.parsers import expat

from digests.ingest.errors import EntityDeclarationError

__all__ = ["refuse_entity_declarations"]

_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
# Byte-order marks and the first bytes of "<?" in encodings where ASCII is not ASCII.
_WIDE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # EBCDIC "<?xm"
)
_REFUSAL = (
    "refused: the document declares XML entities (<!ENTITY ...> in its DOCTYPE); entity expansion is "
    "how billion-laughs and external-entity attacks work, and feeds do not need it"
)


class _PrologOver(Exception):
    """The first element started: the prolog, the only place for declarations, declared no entity."""


class _EntityDeclared(Exception):
    """expat met an entity declaration."""


def _as_text(data: bytes) -> str:
    """The document as text for searching: decoded when it is UTF-16/32 or EBCDIC, else byte for byte."""
    for signature, encoding in _WIDE_SIGNATURES:
        if data.startswith(signature):
            return data.decode(encoding, errors="replace")
    return data.decode("latin-1")  # one char per byte keeps ASCII markup findable in any 8-bit or UTF-8 text


def _declares_entities(data: bytes) -> bool | None:
    """What expat says about the prolog: True (an entity is declared), False (none), None (it gave up)."""

    def on_entity(*_args: object) -> None:
        raise _EntityDeclared

    def on_element(*_args: object) -> None:
        raise _PrologOver

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = on_entity
    parser.UnparsedEntityDeclHandler = on_entity
    parser.StartElementHandler = on_element
    try:
        parser.Parse(data, True)
    except _EntityDeclared:
        return True
    except _PrologOver:
        return False
    except (expat.ExpatError, ValueError, LookupError):
        return None
    return False


def refuse_entity_declarations(data: bytes) -> None:
    """Raise ``EntityDeclarationError`` when ``data`` declares XML entities; return quietly otherwise.

    When expat cannot read the prolog (ill-formed, or an encoding it lacks), the document is refused if
    ``<!ENTITY`` follows a ``<!DOCTYPE``: a lenient parser downstream might still honour it.
    """
    text = _as_text(data)
    entity = _ENTITY.search(text)
    if entity is None:
        return
    verdict = _declares_entities(data)
    if verdict is None:
        doctype = _DOCTYPE.search(text, 0, entity.start())
        verdict = doctype is not None
    if verdict:
        raise EntityDeclarationError(_REFUSAL)
