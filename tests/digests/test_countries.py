"""Country detection: gazetteer terms, context rules, salience, datelines, and what users type."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digests.countries import (
    AmbiguousCountry,
    CountryChoice,
    CountryTagger,
    UnknownCountry,
    country_name,
    country_suggestions,
    flag,
    resolve_country,
    split_dateline,
)
from digests.gazetteer import default_gazetteer
from digests.reader import article_from_record, article_from_text

NOW = datetime(2026, 1, 1, tzinfo=UTC)

# Measured F1 on the fixed slice below (every 24th record, first 500): 0.923 overall, 0.862 without the
# US (`pytest tests/digests/test_countries.py -k slice -s` prints them). The floors are 0.03 lower.
SLICE_F1_FLOOR = 0.893
SLICE_F1_NO_US_FLOOR = 0.832


@pytest.fixture(scope="module")
def tagger() -> CountryTagger:
    return CountryTagger.default()


def about(
    tagger: CountryTagger, title: str, *paragraphs: str, dateline: str | None = None
) -> tuple[str, ...]:
    return tagger.about(tagger.scores(title=title, dateline=dateline, paragraphs=paragraphs))


def scores(
    tagger: CountryTagger, title: str, *paragraphs: str, dateline: str | None = None
) -> dict[str, float]:
    return tagger.scores(title=title, dateline=dateline, paragraphs=paragraphs)


# -- the founding article ----------------------------------------------------------------------------------


def test_founding_article_is_about_korea_and_japan(tagger: CountryTagger, founding_article: Path) -> None:
    article, _ = article_from_text(founding_article.read_text(encoding="utf-8"), name="founding", now=NOW)
    paragraphs = (article.standfirst, *article.paragraphs) if article.standfirst else article.paragraphs
    found = tagger.scores(title=article.title, dateline=article.dateline, paragraphs=paragraphs)
    assert set(tagger.about(found)[:2]) == {"KR", "JP"}
    assert "US" in found
    assert found["US"] < min(found["KR"], found["JP"])
    # North Korea is mentioned and counted as itself, never as the South.
    assert "KP" in found
    assert found["KP"] < found["KR"]
    assert all(0.0 <= value <= 1.0 for value in found.values())


# -- names, demonyms, capitals, metonyms, overlays ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("South Korean exporters met Japanese buyers.", {"KR", "JP"}),
        ("Officials in Tokyo and Seoul agreed.", {"JP", "KR"}),
        ("The Kremlin rejected the offer.", {"RU"}),
        ("The White House said it would respond.", {"US"}),
        ("Whitehall sources said the plan was dropped.", {"GB"}),
        ("Beijing and Washington traded barbs.", {"CN", "US"}),
        ("Tension on the Korean Peninsula rose.", {"KR", "KP"}),
        ("Korea's exports rose.", {"KR"}),
        ("Koreans voted on Sunday.", {"KR"}),
        ("The U.S. and the UK signed a deal.", {"US", "GB"}),
        ("Sino-Japanese relations improved.", {"CN", "JP"}),
        ("West German and Soviet officials met in Bonn.", {"DE", "RU"}),
        ("Burma, Zaire, Yugoslavia, Czechoslovakia and Kampuchea.", {"MM", "CD", "RS", "CZ", "KH"}),
        ("The Côte d'Ivoire and Cote d’Ivoire spellings both count.", {"CI"}),
        ("S. Korea and N. Korea held talks.", {"KR", "KP"}),
        ("The yen fell against sterling.", {"JP", "GB"}),
    ],
)
def test_terms_point_at_countries(tagger: CountryTagger, text: str, expected: set[str]) -> None:
    assert set(tagger.mentions(text)) == expected


def test_north_korea_never_counts_as_south_korea(tagger: CountryTagger) -> None:
    found = scores(tagger, "North Korea fires missile", "Pyongyang said North Korean forces fired a missile.")
    assert set(found) == {"KP"}


def test_longest_match_keeps_compound_names_apart(tagger: CountryTagger) -> None:
    assert set(tagger.mentions("Guinea-Bissau and Papua New Guinea")) == {"GW", "PG"}
    assert set(tagger.mentions("Equatorial Guinea and Guinea")) == {"GQ", "GN"}
    assert set(tagger.mentions("Dominica and the Dominican Republic")) == {"DM", "DO"}
    assert set(tagger.mentions("Voters in New Mexico and Mexico City")) == {"US", "MX"}
    assert set(tagger.mentions("Latin America and the Indian Ocean")) == set()


def test_niger_is_not_nigeria(tagger: CountryTagger) -> None:
    assert set(tagger.mentions("Niger's junta")) == {"NE"}
    assert set(tagger.mentions("Nigeria's president")) == {"NG"}
    assert set(tagger.mentions("Nigerien and Nigerian officials")) == {"NE", "NG"}
    assert set(tagger.mentions("Oil spills in the Niger Delta")) == {"NG"}


def test_words_inside_other_words_do_not_match(tagger: CountryTagger) -> None:
    text = "A woman in business told us about the campus plus the Indiana status."
    assert tagger.mentions(text) == {"US": 1}


# -- case: proper nouns, capitals-only headlines, acronyms -------------------------------------------------


def test_upper_case_wire_headlines(tagger: CountryTagger) -> None:
    assert about(tagger, "JAPAN CUTS RATES", "The central bank cut its key rate.")[0] == "JP"
    assert about(tagger, "SOUTH KOREAN EXPORTS RISE", "Exports rose 5 pct.")[0] == "KR"
    assert "KR" not in scores(tagger, "NORTH KOREA TALKS STALL", "No progress was made.")


def test_us_pronoun_and_country(tagger: CountryTagger) -> None:
    assert tagger.mentions("Let us know what you think.") == {}
    assert tagger.mentions("US stocks rallied.") == {"US": 1}
    assert "US" not in scores(tagger, "LET US PRAY", "A church service was held.")
    assert "US" in scores(tagger, "US CUTS RATES", "The Fed cut rates.")


def test_lower_case_common_words_are_not_countries(tagger: CountryTagger) -> None:
    assert tagger.mentions("She bought fine china and roast turkey with chile sauce.") == {}


def test_acronym_in_capitals_is_not_a_place(tagger: CountryTagger) -> None:
    # GAO (the US Government Accountability Office) is not Gao in Mali.
    assert "ML" not in tagger.mentions("The GAO said the programme cost more.")


def test_it_is_never_italy(tagger: CountryTagger) -> None:
    assert tagger.mentions("IT spending rose, and it was large.") == {}


# -- context rules for names that are also words or people -------------------------------------------------


def test_georgia_the_state_and_the_country(tagger: CountryTagger) -> None:
    state = scores(tagger, "Georgia votes", "Voters in Georgia queued in Atlanta, the governor said.")
    country = scores(tagger, "Georgia votes", "Voters in Georgia queued in Tbilisi; Georgian Dream led.")
    assert "GE" not in state and "US" in state
    assert "GE" in country and "US" not in country


def test_jordan_the_person_and_the_country(tagger: CountryTagger) -> None:
    assert "JO" not in scores(tagger, "Jordan honoured", "Basketball great Michael Jordan was honoured.")
    assert "JO" not in scores(tagger, "A lecture", "Psychologist Jordan Peterson spoke in Toronto.")
    assert "JO" not in scores(tagger, "Legend returns", "Michael Jordan returned. Jordan scored 30 points.")
    assert "JO" in scores(tagger, "Jordan hosts talks", "Jordan hosted talks in Amman.")
    assert "JO" in scores(tagger, "Aid", "King Abdullah of Jordan met Jordan Valley farmers.")


def test_chad_the_person_and_the_country(tagger: CountryTagger) -> None:
    assert "TD" not in scores(tagger, "Band news", "Drummer Chad Smith joined the tour.")
    assert "TD" in scores(tagger, "Chad election", "Chad held an election. Landlocked Chad borders Niger.")
    assert "TD" in scores(tagger, "Fishermen", "Fish stocks in Lake Chad fell.")


def test_turkey_the_bird_and_the_country(tagger: CountryTagger) -> None:
    bird = scores(tagger, "TURKEY PRICES RISE", "Turkey prices rose before Thanksgiving, farmers said.")
    assert "TR" not in bird
    assert "TR" not in scores(tagger, "Dinner", "We ate roast turkey.")
    assert "TR" in scores(tagger, "TURKEY RAISES RATES", "Turkey raised rates in Ankara.")


def test_congo_kinshasa_and_brazzaville(tagger: CountryTagger) -> None:
    assert "CD" in scores(tagger, "Congo fighting", "Fighting near Goma in eastern Congo.")
    assert "CG" in scores(tagger, "Congo vote", "Congo's President Sassou Nguesso voted in Brazzaville.")
    assert set(tagger.mentions("The Democratic Republic of Congo and the Republic of Congo")) == {"CD", "CG"}


def test_cities_that_are_names_count_only_in_datelines(tagger: CountryTagger) -> None:
    assert "US" not in scores(tagger, "Profile", "Grover Cleveland and Helen of Troy.")
    assert "US" in scores(tagger, "Plant opens", "A plant opened.", dateline="CLEVELAND, March 3 -")


def test_company_like_hyphenated_names_in_capitals_are_not_counted_twice(tagger: CountryTagger) -> None:
    assert tagger.mentions("IRAN-IRAQ WAR") == {"IR": 1, "IQ": 1}


# -- datelines ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dateline", "code"),
    [
        ("SEOUL, Feb 26 -", "KR"),
        ("TOKYO (Reuters) -", "JP"),
        ("ARMONK, N.Y., March 3 -", "US"),
        ("ANGLETON, Tex. March 3", "US"),
        ("LONDON, Ontario, March 3 -", "CA"),
        ("PARIS, Texas, March 3 -", "US"),
        ("HANOVER, West Germany, March 3 -", "DE"),
        ("NEW YORK, March 3 -", "US"),
        ("BONN, March 3 -", "DE"),
    ],
)
def test_dateline_names_a_country(tagger: CountryTagger, dateline: str, code: str) -> None:
    found = scores(tagger, "Results", "Net profit rose.", dateline=dateline)
    assert tagger.about(found) == (code,)


def test_dateline_found_at_the_start_of_the_lead(tagger: CountryTagger) -> None:
    assert split_dateline("SEOUL, Feb 26 - Exports rose.") == ("SEOUL, Feb 26", "Exports rose.")
    assert split_dateline("Exports rose in Seoul.") == (None, "Exports rose in Seoul.")
    assert about(tagger, "Exports rise", "TOKYO (Reuters) - Exports rose 5 pct.") == ("JP",)


# -- salience ----------------------------------------------------------------------------------------------


def test_salience_ranks_headline_country_above_passing_mentions(tagger: CountryTagger) -> None:
    found = scores(
        tagger,
        "Brazil raises coffee export quota",
        "Brazil raised its coffee export quota, officials said.",
        "Brazilian exporters welcomed the move. Colombia was not consulted.",
    )
    assert tagger.about(found) == ("BR",)
    assert found["BR"] > found["CO"] > 0.0


def test_empty_and_odd_input_does_not_crash(tagger: CountryTagger) -> None:
    assert tagger.scores(title="", dateline=None, paragraphs=()) == {}
    assert tagger.scores(title="", dateline="", paragraphs=["", "   "]) == {}
    assert tagger.about({}) == ()
    assert isinstance(tagger.scores(title="İstanbul ﬁnance", dateline="—", paragraphs=["\x00 Japan"]), dict)


def test_gazetteer_has_no_unintended_conflicts() -> None:
    assert default_gazetteer().conflicts == ()


# -- names, flags and what users type ----------------------------------------------------------------------


def test_country_name_and_flag() -> None:
    assert country_name("KR") == "South Korea"
    assert country_name("kr") == "South Korea"
    assert flag("KR") == "🇰🇷"
    assert flag("jp") == "🇯🇵"
    with pytest.raises(ValueError, match="unknown country code"):
        country_name("ZZ")
    with pytest.raises(ValueError, match="unknown country code"):
        flag("KOR")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("KR", "KR"), ("kr", "KR"), ("south korea", "KR"), ("South Korean", "KR"), ("japanese", "JP"),
        ("UK", "GB"), ("Britain", "GB"), ("England", "GB"), ("USA", "US"), ("America", "US"), ("us", "US"),
        ("Holland", "NL"), ("ivory coast", "CI"), ("Côte d'Ivoire", "CI"), ("north korea", "KP"),
        ("jordan", "JO"), ("turkey", "TR"), ("Türkiye", "TR"), ("  Germany. ", "DE"),
        ("the Netherlands", "NL"), ("kosovo", "XK"),
    ],
)
def test_resolve_country(typed: str, code: str) -> None:
    assert resolve_country(typed).code == code


def test_resolve_korea_with_a_note() -> None:
    choice = resolve_country("korea")
    assert choice == CountryChoice(code="KR", name="South Korea", note=choice.note)
    assert choice.note and "South Korea" in choice.note


def test_resolve_unknown_country_suggests() -> None:
    with pytest.raises(UnknownCountry) as raised:
        resolve_country("Japn")
    assert raised.value.suggestions[:1] == ("Japan",)
    assert len(raised.value.suggestions) <= 3
    assert "Japan" in str(raised.value)
    with pytest.raises(UnknownCountry, match="type a country name"):
        resolve_country("   ")


@pytest.mark.parametrize(("typed", "codes"), [("congo", {"CD", "CG"}), ("Guinea", {"GN", "GW", "GQ", "PG"})])
def test_resolve_ambiguous_country_lists_choices(typed: str, codes: set[str]) -> None:
    with pytest.raises(AmbiguousCountry) as raised:
        resolve_country(typed)
    assert {choice.code for choice in raised.value.choices} == codes
    assert isinstance(raised.value, ValueError)


def test_country_suggestions_for_autocomplete() -> None:
    codes = [choice.code for choice in country_suggestions("ko")]
    assert {"KR", "KP", "XK"} <= set(codes)
    assert country_suggestions("united")[0].name.startswith("United")
    assert len(country_suggestions("", limit=10)) == 10
    assert country_suggestions("a", limit=0) == []
    assert country_suggestions("zzzz") == []


# -- regression on real wire copy --------------------------------------------------------------------------


@pytest.mark.shared_data
def test_reuters_slice_f1_stays_above_floor(tagger: CountryTagger, shared_data: Path) -> None:
    path = shared_data / "reuters" / "reuters21578-train.jsonl"
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    chosen = records[::24][:500]
    tp = fp = fn = tp2 = fp2 = fn2 = 0
    for record in chosen:
        article, _ = article_from_record(record, now=NOW)
        found = set(tagger.about(tagger.scores(title=article.title, dateline=article.dateline,
                                               paragraphs=article.paragraphs)))
        gold = set(record["countries"])
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
        found, gold = found - {"US"}, gold - {"US"}
        tp2, fp2, fn2 = tp2 + len(found & gold), fp2 + len(found - gold), fn2 + len(gold - found)
    f1 = 2 * tp / (2 * tp + fp + fn)
    f1_no_us = 2 * tp2 / (2 * tp2 + fp2 + fn2)
    print(f"slice F1 {f1:.3f}, without the US {f1_no_us:.3f}")
    assert f1 >= SLICE_F1_FLOOR
    assert f1_no_us >= SLICE_F1_NO_US_FLOOR
