"""Splitting command text into words, and quoting values back."""

from __future__ import annotations

import pytest

from bot.commands.errors import UserError
from bot.commands.tokens import Token, quote_value, tokenise


def values(text: str) -> list[str]:
    return [token.value for token in tokenise(text)]


def test_whitespace_separates_words() -> None:
    assert values("  pair   korea\tjapan\n30d ") == ["pair", "korea", "japan", "30d"]
    assert values("") == []
    assert values("pair\u00a0korea") == ["pair", "korea"]  # phones send no-break spaces


@pytest.mark.parametrize(
    "text",
    [
        '"south korea" japan',
        "“south korea” japan",
        "‘south korea’ japan",
        "'south korea' japan",
        "„south korea“ japan",
    ],
)
def test_straight_and_typographic_quotes_group_words(text: str) -> None:
    assert values(text) == ["south korea", "japan"]


def test_apostrophes_inside_words_are_letters() -> None:
    assert values("côte d'ivoire") == ["côte", "d'ivoire"]
    assert values("'côte d'ivoire'") == ["côte d'ivoire"]
    assert values("xi’s visit") == ["xi’s", "visit"]


def test_options_are_key_value_words() -> None:
    tokens = tokenise('countries=KR,JP terms="chip export, rare earths" Items=5')
    assert tokens == [
        Token("KR,JP", "countries"),
        Token("chip export, rare earths", "terms"),
        Token("5", "Items"),
    ]
    assert tokens[1].literal == "terms=chip export, rare earths"


def test_a_quoted_word_or_a_non_name_before_equals_is_not_an_option() -> None:
    assert tokenise('"a=b"') == [Token("a=b")]
    assert tokenise("https://x.example/rss?a=b") == [Token("https://x.example/rss?a=b")]
    assert tokenise("=x") == [Token("=x")]


def test_quotes_may_open_after_a_comma() -> None:
    assert tokenise('countries="south korea",japan') == [Token("south korea,japan", "countries")]
    assert tokenise("countries=japan,'south korea'") == [Token("japan,south korea", "countries")]


def test_empty_quotes_give_an_empty_word() -> None:
    assert tokenise('x="" ""') == [Token("", "x"), Token("")]


@pytest.mark.parametrize("text", ['pair "south korea japan', "pair “south korea japan", "terms='chip export", 'a "b"c'])
def test_an_unclosed_quote_is_a_clear_error(text: str) -> None:
    with pytest.raises(UserError) as caught:
        tokenise(text)
    assert "never closed" in caught.value.message
    assert '/news pair "south korea" japan' in caught.value.hint


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("south korea", None),
        ("a=b", None),
        ("", None),
        ('"', None),
        ("'quoted'", None),
        ("x\" y,p' q", "terms"),
        ("chip export, rare earths", "terms"),
        ("d'ivoire", None),
        ("KR,JP", "countries"),
    ],
)
def test_quote_value_round_trips(value: str, key: str | None) -> None:
    assert tokenise(quote_value(value, key)) == [Token(value, key)]


def test_plain_values_stay_bare() -> None:
    assert quote_value("japan") == "japan"
    assert quote_value("KR,JP", "countries") == "countries=KR,JP"
    assert quote_value("south korea") == '"south korea"'
