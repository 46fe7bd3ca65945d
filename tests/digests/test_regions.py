"""Regions: the seed table, the roll-up of countries, and what users type."""

from __future__ import annotations

import pytest

from digests.countries import all_country_codes
from digests.regions import Region, UnknownRegion, all_regions, region, regions_for, resolve_region


def test_every_region_has_known_countries_and_a_unique_slug() -> None:
    regions = all_regions()
    slugs = [r.slug for r in regions]
    assert len(slugs) == len(set(slugs))
    expected = {"east-asia", "south-east-asia", "south-asia", "central-asia", "middle-east", "north-africa",
                "sub-saharan-africa", "europe", "eu", "north-america", "latin-america", "caribbean",
                "oceania"}
    assert expected <= set(slugs)
    known = all_country_codes()
    for item in regions:
        assert item.countries, item.slug
        assert item.countries <= known, (item.slug, item.countries - known)


def test_region_members() -> None:
    east_asia = region("east-asia")
    assert isinstance(east_asia, Region)
    assert {"JP", "KR", "KP", "CN", "TW"} <= east_asia.countries
    assert "IN" not in east_asia.countries
    assert "DE" in region("eu").countries and "GB" not in region("eu").countries
    assert "GB" in region("europe").countries


def test_roll_up_keeps_seed_order_and_allows_several_regions() -> None:
    assert regions_for(["DE"]) == ("europe", "eu")
    assert regions_for(["KR", "JP"]) == ("east-asia",)
    rolled = regions_for(["jp", "EG"])
    assert rolled.index("east-asia") < rolled.index("middle-east") < rolled.index("north-africa")
    assert regions_for([]) == ()
    assert regions_for(["ZZ"]) == ()


def test_every_country_a_user_follows_often_has_a_region() -> None:
    for code in ("US", "GB", "JP", "KR", "CN", "IN", "BR", "NG", "AU", "RU", "TR", "MX", "SA", "ZA"):
        assert regions_for([code]), code


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("east asia", "east-asia"), ("East-Asia", "east-asia"), ("EAST_ASIA", "east-asia"),
        ("middle east", "middle-east"), ("Mideast", "middle-east"), ("southeast asia", "south-east-asia"),
        ("EU", "eu"), ("the European Union", "eu"), ("Latin America", "latin-america"),
        ("sub-saharan africa", "sub-saharan-africa"),
    ],
)
def test_resolve_region(typed: str, slug: str) -> None:
    found = resolve_region(typed)
    assert found is not None
    assert found.slug == slug


def test_resolve_region_unknown_is_none() -> None:
    assert resolve_region("atlantis") is None
    assert resolve_region("") is None


def test_unknown_region_slug_suggests() -> None:
    with pytest.raises(UnknownRegion) as raised:
        region("east_asia")
    assert "east-asia" in raised.value.suggestions
    assert isinstance(raised.value, ValueError)
    assert "east-asia" in str(raised.value)
