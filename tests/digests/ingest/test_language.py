from __future__ import annotations

import pytest

from digests.ingest.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The central bank held interest rates steady on Tuesday, citing slowing inflation.", "en"),
        ("Le gouvernement a annoncé mardi une réforme des retraites très contestée.", "fr"),
        ("Die Regierung hat am Dienstag neue Maßnahmen gegen die Inflation beschlossen.", "de"),
        ("El gobierno anunció el martes nuevas medidas económicas para frenar la inflación.", "es"),
        ("Правительство объявило во вторник о новых мерах по борьбе с инфляцией.", "ru"),
        ("東京で火曜日に新しい経済対策が発表されました。", "ja"),
        ("SOUTH KOREA AND JAPAN AGREE TO RESUME TALKS ON TRADE AND SECURITY", "en"),
    ],
)
def test_detects_the_language_of_news_text(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "OK", "Hello there", "12345 678 90", "https://x.example/a?b=1"])
def test_too_little_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


@pytest.mark.parametrize(
    "text",
    [
        "Naija people dey talk say di matter don reach court, and everybody dey wait for wetin go happen.",
        "Trade figures released yesterday show exports rising for the third month in a row.",
        "Volapük binon pük bevünetik pejaföl fa Johann Martin Schleyer ün yel 1879.",
    ],
)
def test_answers_are_iso_639_1_codes_or_und(text: str) -> None:
    code = detect_language(text)
    assert code == "und" or (len(code) == 2 and code.isalpha() and code.islower())
    assert code not in ("vo", "la")


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        detect_language(b"bytes")  # type: ignore[arg-type]  # the wrong type on purpose
