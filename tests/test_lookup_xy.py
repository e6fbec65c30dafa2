"""X and Y read both ways on the bundled sample: the look-up names both places and how to choose.

In Skhirat-Témara Lambert X runs about 340–378 km and Y about 329–376 km, so a point read
with X and Y swapped often still falls on the territory, elsewhere. The places expected
here are found with plain shapely on the raw layers of the GeoPackage, not by terroffer.
"""

from __future__ import annotations

import json

import pyogrio
import pytest
import shapely

import terroffer
from terroffer._lookup import lookup, plan_bounds, plan_coverage
from terroffer.io.sample import SAMPLE_PLAN
from terroffer.plot_input import plot_from_point, read_corner_table

# Picked by hand: a housing street of Témara; swapped, the forest of El Menzeh.
X, Y = 359_747.25, 367_210.55


@pytest.fixture(scope="module")
def plan():
    return terroffer.load_plan(SAMPLE_PLAN)


@pytest.fixture(scope="module")
def raw():
    return {layer: pyogrio.read_dataframe(SAMPLE_PLAN, layer=layer) for layer in ("zones", "communes")}


def _place(raw, x, y):
    """(commune fr, commune ar, zone code) of a point, by shapely alone."""
    communes, zones = raw["communes"], raw["zones"]
    (c,) = communes.index[shapely.contains_xy(communes.geometry.values, x, y)]
    (z,) = zones.index[shapely.contains_xy(zones.geometry.values, x, y)]
    return communes.at[c, "name_fr"], communes.at[c, "name_ar"], zones.at[z, "zone_code"]


def _where(plan):
    return {"bounds": plan_bounds(plan), "crs": plan.crs, "coverage": plan_coverage(plan)}


def test_the_hand_picked_point_is_ambiguous(raw):
    given, swapped = _place(raw, X, Y), _place(raw, Y, X)
    assert given[0] == "Témara" and swapped[0] == "El Menzeh"
    assert given[2] != swapped[2]


def test_an_xy_point_read_both_ways_names_both_places(plan, raw):
    fr_given, ar_given, zone_given = _place(raw, X, Y)
    fr_swapped, ar_swapped, zone_swapped = _place(raw, Y, X)
    r = lookup(plan, plot_from_point(X, Y, lonlat=False, **_where(plan)))
    assert [z.zone_code for z in r.zones] == [zone_given]  # X first is kept
    assert r.commune["name_fr"] == fr_given
    assert "xy_ambiguous" in r.flags
    (note,) = [w for w in r.warnings if w.key == "lookup.xy_ambiguous"]
    fr, ar, en = note.message("fr"), note.message("ar"), note.message("en")
    assert f"{fr_given}, zone {zone_given}" in fr and f"{fr_swapped}, zone {zone_swapped}" in fr
    assert "--order yx" in fr and 'order="yx"' in en
    assert f"{fr_given}, zone {zone_given}" in en and f"{fr_swapped}, zone {zone_swapped}" in en
    assert ar_given in ar and ar_swapped in ar and zone_given in ar and zone_swapped in ar
    assert "،" in ar
    # the warning travels into the JSON output like any other
    out = json.dumps(r.to_dict("fr"), ensure_ascii=False)
    assert fr_swapped in out and "xy_ambiguous" in out


def test_a_pair_of_numbers_given_to_lookup_is_read_the_same_way(plan):
    r = lookup(plan, (X, Y))
    assert "xy_ambiguous" in r.flags


def test_an_explicit_order_chooses_and_silences_the_warning(plan, raw):
    xy = lookup(plan, plot_from_point(X, Y, lonlat=False, order="xy", **_where(plan)))
    yx = lookup(plan, plot_from_point(X, Y, lonlat=False, order="yx", **_where(plan)))
    assert [z.zone_code for z in xy.zones] == [_place(raw, X, Y)[2]]
    assert [z.zone_code for z in yx.zones] == [_place(raw, Y, X)[2]]
    assert yx.commune["name_fr"] == "El Menzeh"
    for r in (xy, yx):
        assert "xy_ambiguous" not in r.flags
        assert "lookup.xy_ambiguous" not in [w.key for w in r.warnings]
    assert "xy_ambiguous" not in lookup(plan, (X, Y), order="xy").flags


def _square_table(x, y, side=20.0, header=None):
    corners = [(x, y), (x + side, y), (x + side, y + side), (x, y + side)]
    lines = ([header] if header else []) + [f"B{i + 1} {a:.2f} {b:.2f}" for i, (a, b) in enumerate(corners)]
    return "\n".join(lines)


def test_a_corner_table_without_header_is_ambiguous_and_a_header_decides(plan, raw):
    # A 20 m square whose corner is the hand-picked point; both readings stay in their zones.
    plain = read_corner_table(_square_table(X, Y), **_where(plan))
    r = lookup(plan, plain)
    assert "xy_ambiguous" in r.flags
    note = next(w for w in r.warnings if w.key == "lookup.xy_ambiguous")
    assert note.params["given_commune_fr"] == "Témara" and note.params["swapped_commune_fr"] == "El Menzeh"
    headed = read_corner_table(_square_table(X, Y, header="Borne X Y"), **_where(plan))
    assert "xy_ambiguous" not in lookup(plan, headed).flags
    yx = read_corner_table(_square_table(X, Y), order="yx", **_where(plan))
    assert lookup(plan, yx).commune["name_fr"] == "El Menzeh"


def test_a_point_whose_swapped_reading_is_off_the_territory_is_not_ambiguous(plan, raw):
    # (360 000, 340 000) lies in Sidi Yahya Zaer; swapped, x = 340 000 is west of every commune.
    x, y = 360_000.0, 340_000.0
    communes = shapely.union_all(raw["communes"].geometry.values)
    assert not communes.buffer(1_000).contains(shapely.Point(y, x))
    r = lookup(plan, plot_from_point(x, y, lonlat=False, **_where(plan)))
    assert "xy_ambiguous" not in r.flags
    assert r.commune["name_fr"] == "Sidi Yahya Zaer"


def test_the_warning_reaches_the_text_and_the_note(plan):
    from terroffer.render.note import note_html
    from terroffer.render.tables import lookup_text

    r = lookup(plan, plot_from_point(X, Y, lonlat=False, **_where(plan)))
    for lang, commune in (("fr", "El Menzeh"), ("en", "El Menzeh")):
        assert commune in lookup_text(r, lang) and "--order yx" in lookup_text(r, lang)
        assert commune in note_html(r, plan, lang=lang)
    swapped_ar = next(w for w in r.warnings if w.key == "lookup.xy_ambiguous").params["swapped_commune_ar"]
    assert swapped_ar in note_html(r, plan, lang="ar")
