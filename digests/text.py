"""Sentences, words and stems of news text, and recognisers for lines that are not sentences.

Sentence splitting is sentencex (rules shipped with the package, nothing downloaded) plus two repairs
for news text: a piece that starts in lower case continues the previous one, and a piece that ends in
a rank or title abbreviation ("Army Spc.", "Gen.") runs on into the name that follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import filterfalse

from sentencex import segment

__all__ = [
    "STOPWORDS",
    "content_terms",
    "content_words",
    "is_byline",
    "is_caption_run",
    "is_complete",
    "is_heading",
    "is_junk",
    "is_non_sentence",
    "is_signoff",
    "paragraphs",
    "quotable",
    "sentences",
    "stem",
    "strip_junk_prefix",
    "strip_signoff",
    "tokens_fast",
    "words",
]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"\s+")


def _word_set(text: str) -> frozenset[str]:
    """A frozenset from a whitespace-separated word list (long lists read better as prose)."""
    return frozenset(text.split())


# Abbreviations that stand before a name, so a cut right after them is wrong (sentencex misses "Ms.",
# "Spc." and "Ft."; the rest guard against its rules changing). Words that also end sentences ("no",
# "st") are left out.
_NAME_PREFIXES = _word_set(
    "mr mrs ms dr prof gen lt col capt maj sgt cpl pvt spc adm cmdr gov sen rep rev ft mt insp supt det "
    "brig vs"
)
# What a heading never ends with; a label ending in ":" still counts as a heading.
_TERMINAL = (".", "!", "?", "…", '"', "”", "’", "'", ")")
# Closing quotes and brackets that may follow a sentence's final stop; some corpora put a space before
# a closing quote ('... sprain. "'), so spaces may sit between.
_CLOSERS = "\"”’')] \t\n"


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks of ``text``, whitespace-normalised, empty ones dropped.

    A heading-like line on top of a block ("Title\nFirst paragraph ...") is a block of its own, so a
    title repeated on the first line is not glued to the lead.
    """
    if not isinstance(text, str):
        raise TypeError(f"paragraphs() expects str, got {type(text).__name__}")
    return [_SPACES.sub(" ", unit).strip() for unit in _units(text)]


def _units(text: str) -> Iterable[str]:
    """Paragraphs, with a heading-like line inside a paragraph split off on its own.

    Within a block, line breaks are usually wrapping, so lines are joined; a short line without
    terminal punctuation followed by a capitalised line is a heading and stands alone.
    """
    for block in _BLANK_LINE.split(text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        current: list[str] = []
        for index, line in enumerate(lines):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if following[:1].isupper() and is_heading(line):
                if current:
                    yield " ".join(current)
                    current = []
                yield line
            else:
                current.append(line)
        if current:
            yield " ".join(current)


def _ends_with_name_prefix(piece: str) -> bool:
    if not piece.endswith("."):
        return False
    last = piece[:-1].rsplit(" ", 1)[-1].lower()
    return last in _NAME_PREFIXES


def _repair(pieces: list[str]) -> list[str]:
    repaired = pieces[:1]
    for piece in pieces[1:]:
        if piece[0].islower() or _ends_with_name_prefix(repaired[-1]):
            repaired[-1] = f"{repaired[-1]} {piece}"
        else:
            repaired.append(piece)
    return repaired


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, stripped; blank lines always end a sentence."""
    if not isinstance(text, str):
        raise TypeError(f"sentences() expects str, got {type(text).__name__}")
    if "\n" not in text and "  " not in text and "\t" not in text:  # one clean unit: most paragraphs
        return _unit_sentences(text)
    result: list[str] = []
    for unit in _units(text) if "\n" in text else (text,):
        if "  " in unit or "\t" in unit or "\n" in unit:
            unit = " ".join(unit.split())  # once per unit, so each piece only needs a strip
        result.extend(_unit_sentences(unit))
    return result


def _unit_sentences(unit: str) -> list[str]:
    """The sentences of one whitespace-normalised unit."""
    pieces = [piece for piece in map(str.strip, segment("en", unit)) if piece]
    return _repair(pieces) if len(pieces) > 1 else pieces  # one piece has nothing to repair


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters and digits, inner apostrophes kept: "don't", "o'neill")."""
    if not isinstance(text, str):
        raise TypeError(f"words() expects str, got {type(text).__name__}")
    return _WORD.findall(text.lower())


# Function words that carry no topic: left out of overlap and centrality measures.
STOPWORDS = _word_set(
    """a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can can't could couldn't did didn't do does doesn't doing don't down
    during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its
    itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours
    ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that
    that's the their theirs them themselves then there there's these they they'd they'll they're they've
    this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
    what's when when's where where's which while who who's whom why why's will with won't would wouldn't
    you you'd you'll you're you've your yours yourself yourselves said says say told also just one two
    new year years would could may might must us mr mrs ms its it’s s t don doesn didn isn wasn aren
    weren hasn haven hadn couldn wouldn shouldn ll ve re d m"""
)


class _StemCache(dict[str, str]):
    """word -> stem, computed on first use; ``map(cache.__getitem__, words)`` runs the loop in C."""

    def __missing__(self, word: str) -> str:
        result = _compute_stem(word)
        if len(self) < 200_000:  # bounded: a long-running bot sees an open vocabulary
            self[word] = result
        return result


_STEM_CACHE = _StemCache()
_DOUBLED = frozenset("bdfgmnprt")


def _undouble(word: str) -> str:
    if len(word) > 3 and word[-1] == word[-2] and word[-1] in _DOUBLED:
        return word[:-1]
    return word


def _compute_stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ed") and len(word) > 4:
        word = _undouble(word[:-2])
    elif word.endswith("ing") and len(word) > 5:
        word = _undouble(word[:-3])
    # Dropping a final "e" makes "rate", "rated" and "rating" meet at "rat".
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def stem(word: str) -> str:
    """A cheap suffix-stripping stem of a lower-case word, so "rates", "rated" and "rating" match.

    Not a linguistic stem: it only has to map inflections of one word to one key.
    """
    return _STEM_CACHE[word]


# ASCII punctuation to spaces with a bytes table, so str.split() tokenises: several times faster than
# a regex findall or a str.translate dict. The few non-ASCII marks news text uses are replaced first.
# Apostrophes stay inside words ("don't", "blair's"), as a quote mark at a word's edge does not:
# keeping possessives apart from the bare name measured +0.4 ROUGE-1 on both halves of the BBC set.
_ASCII_PUNCTUATION = b'!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'
_BYTES_TO_SPACES = bytes.maketrans(_ASCII_PUNCTUATION, b" " * len(_ASCII_PUNCTUATION))
_ASCII_LOWER_AND_SPACES = bytes.maketrans(
    _ASCII_PUNCTUATION + b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b" " * len(_ASCII_PUNCTUATION) + b"abcdefghijklmnopqrstuvwxyz"
)
_UNICODE_MARKS = ("‘", "“", "”", "–", "—", "…", "«", "»")


def _bare_words(text: str) -> list[str]:
    """Lower-case words of ``text`` with punctuation dropped; fast, and good enough for overlap."""
    if text.isascii():  # one byte-table pass lower-cases letters and blanks punctuation
        spaced = text.encode().translate(_ASCII_LOWER_AND_SPACES).decode()
    else:
        lowered = text.lower().replace("’", "'")
        for mark in _UNICODE_MARKS:
            if mark in lowered:
                lowered = lowered.replace(mark, " ")
        spaced = lowered.encode().translate(_BYTES_TO_SPACES).decode()
    if "'" in spaced:
        # A quote mark at a word's edge ('gold digger', farmers') goes; one inside a word stays.
        spaced = f" {spaced} ".replace(" '", " ").replace("' ", " ")
    return spaced.split()


def tokens_fast(text: str) -> list[str]:
    """Lower-case words of ``text``, punctuation dropped, apostrophes kept inside words ("didn't").

    Several times faster than words(); for hot paths (tone, overlap) that do not need its exact rules.
    """
    return _bare_words(text)


def content_words(text: str) -> list[str]:
    """The lower-case words of ``text`` that are not stopwords, in order (punctuation dropped)."""
    return [word for word in _bare_words(text) if word not in STOPWORDS]


def content_terms(text: str) -> frozenset[str]:
    """The distinct non-stopwords of ``text``: the bag that overlap measures compare.

    Unstemmed on purpose: stemming changed summary ROUGE by under 0.1 and cost a third of the time.
    """
    return frozenset(_bare_words(text)).difference(STOPWORDS)


# --- text that is not a sentence -------------------------------------------------------------------

_BYLINE = re.compile(
    r"^(?i:by|written by|words by|story by|reporting by|report by|from)\s+"
    r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})*"
    r"(?:\s*[,|–—-]\s*[\w .'’-]{0,40})?$"
)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-z'’]+(?:-[A-Z]?[a-z'’]+)*|[A-Z]\.|Al-[A-Z][a-z]+|[a-z]{2,3})$")
_NAME_PARTICLES = _word_set("al bin da de del der di du el la le van von")

_AGENCIES = (
    r"agencies|agency|reuters|ap|afp|ani|pti|ians|dpa|xinhua|yonhap|kyodo|upi|efe|bloomberg|"
    r"associated press|agence france-presse|staff|wire services|news desk|newsdesk|bureau"
)
_AGENCY_ENDINGS = (")", *_AGENCIES.split("|"))
_LONGEST_AGENCY_ENDING = max(map(len, _AGENCY_ENDINGS))
_SIGNOFF_TAIL = re.compile(
    rf"\s*(?:[–—-]+\s*(?:{_AGENCIES})(?:\s*(?:,|and|/|with)\s*(?:{_AGENCIES}))*|\((?:{_AGENCIES})\))\s*\.?\s*$",
    re.IGNORECASE,
)
_SIGNOFF_LINE = re.compile(
    r"^(?:\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|compiling|edited|written)\s+by\b.*"
    rf"|[–—-]*\s*\(?(?:{_AGENCIES})\)?\.?"
    r"|(?:sources?|credits?|photos?|images?|pictures?|video)\s*:.{0,60}|(?:with )?inputs? from\b.{0,60})$",
    re.IGNORECASE,
)

# Page furniture, matched as lower-case substrings (a dozen `in` tests beat one big regex ~20x).
_JUNK_PHRASES = (
    "scroll down for video",
    "scroll down for more",
    "click here",
    "read more",
    "share this article",
    "follow us on",
    "sign up for",
    "subscribe to our",
    "advertisement",
    "image copyright",
    "image caption",
    "media playback",
    "getty images",
    "all rights reserved",
)
_JUNK_STARTS = ("watch:", "video:", "photo:", "pictured:", "related:", "copyright ")
_JUNK_WHOLE = frozenset({"share", "share this", "tweet", "email", "print", "advertisement"})

# A photo caption glued into running text: "... last Saturday Skilful: The kite weighs ..." or a
# caption label at the start, "Star-crossed lovers: Jamie ...". A quote after the colon is speech.
_CAPTION_LABEL = re.compile(r"(?:^|[a-z0-9)]\s)[A-Z][\w'’-]*(?:\s[\w'’-]+){0,2}:\s[A-Z]")
_PLACEMENT = re.compile(r"\((?:pictured|left|right|centre|center|above|below|top|bottom|inset)\b", re.I)


def is_heading(line: str) -> bool:
    """A short line without sentence-ending punctuation: a section heading, a kicker, a label."""
    stripped = line.strip()
    if not stripped or stripped.endswith(_TERMINAL):
        return False
    count = len(stripped.split())
    return count <= 12 and len(stripped) <= 90 and not stripped[0].islower()


def is_byline(line: str) -> bool:
    """ "By Jane Doe", "Reporting by ...", or a bare author name line ("Layla Al-Khalifa").

    Any short line of two to four capitalised words looks like a name ("Tokyo Stock Exchange" too):
    such a line is a heading or a byline, and a summary quotes neither.
    """
    stripped = line.strip().rstrip(".")
    if not stripped or len(stripped) > 120:
        return False
    if _BYLINE.match(stripped):
        return True
    tokens = stripped.split(maxsplit=4)  # a fifth element means too many words: no need to split them all
    if not 2 <= len(tokens) <= 4:
        return False
    names = [t for t in tokens if t.lower() not in _NAME_PARTICLES]
    return len(names) >= 2 and all(_NAME_TOKEN.match(t) and t[0].isupper() for t in names)


def is_signoff(line: str) -> bool:
    """An agency sign-off or credit line: "– Agencies", "(Reuters)", "Reporting by ...; Editing by ..."."""
    stripped = line.strip()
    return bool(stripped) and bool(_SIGNOFF_LINE.match(stripped))


def strip_signoff(text: str) -> str:
    """``text`` without a trailing agency sign-off ("... relations. – Agencies" -> "... relations.")."""
    # A sign-off ends in an agency name or a bracket; most paragraphs are rejected by that test alone.
    if not text.rstrip(" .")[-_LONGEST_AGENCY_ENDING:].lower().endswith(_AGENCY_ENDINGS):
        return text.rstrip()
    # Only the tail can hold a sign-off; searching a short slice keeps long paragraphs cheap.
    cut = max(0, len(text) - 80)
    tail = _SIGNOFF_TAIL.sub("", text[cut:])
    if len(tail) == len(text) - cut:
        return text.rstrip()
    kept = (text[:cut] + tail).rstrip()
    # "... said on Monday (Reuters)." keeps its full stop.
    if kept and text.rstrip().endswith(".") and not kept.endswith((".", "!", "?", '"', "”", "’", "'")):
        kept += "."
    return kept


def is_junk(sentence: str) -> bool:
    """Page furniture that sits in scraped text: "Scroll down for video", "Click here", credits."""
    lowered = sentence.strip().lower()
    return (
        lowered.rstrip(".!:") in _JUNK_WHOLE
        or lowered.startswith(_JUNK_STARTS)
        or any(map(lowered.__contains__, _JUNK_PHRASES))  # map runs the tests in C, no generator
    )


_JUNK_PREFIX = re.compile(
    r"^(?:scroll down for (?:video|more)|advertisement|watch the video)\s*[:.–—-]?\s*", re.IGNORECASE
)


def strip_junk_prefix(sentence: str) -> str:
    """``sentence`` without page furniture glued before it ("Scroll down for video David Cameron ...")."""
    return _JUNK_PREFIX.sub("", sentence, count=1)


def is_caption_run(sentence: str) -> bool:
    """A sentence with a photo caption glued into it (common in scraped CNN/DailyMail text)."""
    if ":" in sentence and _CAPTION_LABEL.search(sentence):
        return True
    return bool(_PLACEMENT.search(sentence)) and len(sentence.split()) > 40


def is_complete(sentence: str) -> bool:
    """Ends like a finished sentence: "." "!" or "?" (then maybe quotes), not "..." or "…"."""
    core = sentence.rstrip(_CLOSERS)
    return core.endswith((".", "!", "?")) and not core.endswith(("..", "…"))


def is_non_sentence(text: str) -> bool:
    """True for anything a summary must not quote: headings, bylines, sign-offs, page furniture."""
    stripped = text.strip()
    return (
        not stripped
        or not is_complete(stripped)
        or is_heading(stripped)
        or is_byline(stripped)
        or is_signoff(stripped)
        or is_junk(stripped)
    )


# Words without which a sentence cannot be junk, a byline or a sign-off: one set test spares the
# common sentence the regexes (the summariser runs this on every sentence; speed matters).
_SUSPECT_WORDS = _word_set(
    """scroll click read share follow sign subscribe advertisement image media getty rights watch video
    photo pictured related copyright tweet email print by reporting editing edited compiled writing
    written source sources credit input inputs agencies agency reuters ap afp ani pti ians dpa xinhua
    yonhap kyodo upi efe bloomberg staff bureau"""
)
_SUSPECT_CONTENT_WORDS = _SUSPECT_WORDS - STOPWORDS
_SUSPECT_STOPWORDS = _SUSPECT_WORDS & STOPWORDS  # "by"
_IS_STOPWORD = STOPWORDS.__contains__
_BARE_NAME_WORDS = 5  # a bare author line ("Layla Al-Khalifa") is this short at most


def quotable(sentence: str) -> tuple[str, frozenset[str]] | None:
    """``(text, content terms)`` for a sentence a summary may quote, else ``None``.

    ``None`` for what is_non_sentence() or is_caption_run() reject; a "Scroll down for video"
    prefix is cut off the text. Equivalent to those checks, ordered so a plain sentence costs one
    tokenisation.
    """
    core = sentence.rstrip(_CLOSERS)
    if not core.endswith((".", "!", "?")) or core.endswith(("..", "…")):
        return None
    bare = _bare_words(sentence)
    # Each word is hashed once, by the stopword test; the set and the suspect test reuse the hash.
    terms = frozenset(filterfalse(_IS_STOPWORD, bare))
    text = sentence.strip()
    if not _SUSPECT_CONTENT_WORDS.isdisjoint(terms) or not _SUSPECT_STOPWORDS.isdisjoint(bare):
        cut = strip_junk_prefix(text)
        if is_junk(cut) or is_byline(cut) or is_signoff(cut):
            return None
        text = cut
        if cut != sentence:  # the words of an unchanged sentence are already known
            terms = frozenset(filterfalse(_IS_STOPWORD, _bare_words(cut)))
    elif len(bare) <= _BARE_NAME_WORDS and is_byline(text):
        return None
    if (":" in text or "(" in text) and is_caption_run(text):
        return None
    return text, terms
