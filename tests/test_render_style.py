"""The one style: Leaflet path options per map layer, named colours, and nobody else's hex colours.

Expected colours are written out here as ``reference/style.json`` and ``families.json``
define them, not read from the code under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from terroffer.render.style import colour, css_variables, matplotlib_style, path_options

PACKAGE = Path(__file__).resolve().parents[1] / "terroffer"

#: A colour spelt in code: #rgb, #rrggbb or #rrggbbaa, not an HTML character reference (&#160;).
HEX_COLOUR = re.compile(r"(?<![&\w])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def test_zone_options_take_the_family_colour_and_the_zone_outline():
    assert path_options("zone", "villa") == {
        "color": "#ffffff",
        "weight": 0.8,
        "opacity": 1.0,
        "fillColor": "#f4a6c0",  # families.json: villa
        "fillOpacity": 0.85,
    }
    assert path_options("zone", "industry")["fillColor"] == "#8c6bb1"
    assert path_options("zone", "no such family")["fillColor"] == "#969696"  # "other"


@pytest.mark.parametrize(("status", "dash"), [("under_study", "6 4"), ("expired", "2 4"), ("unknown", "2 4")])
def test_a_plan_not_in_force_is_dashed(status, dash):
    options = path_options("zone", "villa", status=status)
    assert options["dashArray"] == dash and options["color"] == "#4a4a4a"
    assert options["fillColor"] == "#f4a6c0"  # still the family's colour
    assert "dashArray" not in path_options("zone", "villa", status="approved")
    assert "dashArray" not in path_options("zone", "villa")


def test_reservations_roads_and_the_background():
    road = path_options("reservation", "road")
    assert road == path_options("road")
    assert (road["fillColor"], road["color"], road["weight"]) == ("#ffffff", "#8a8a8a", 0.8)
    main = path_options("reservation", "main_road")
    assert (main["fillColor"], main["color"], main["weight"]) == ("#fff1b8", "#a07c00", 1.0)
    school = path_options("reservation", "school")
    assert (school["fillColor"], school["color"], school["fillOpacity"]) == ("#0072b2", "#0b3c5d", 0.22)
    assert path_options("reservation", "green_space")["fillColor"] == "#7fc97f"  # the green family's
    commune = path_options("commune")
    assert (commune["color"], commune["dashArray"], commune["fillOpacity"]) == ("#444444", "6 4", 0.0)
    assert path_options("coastline")["fillOpacity"] == 0.0
    assert path_options("plot")["color"] == path_options("selected_zone")["color"] == "#111111"
    assert path_options("highlight")["color"] == "#1f4e79"


def test_every_layer_gives_the_five_leaflet_keys_and_a_fresh_dict():
    layers = ("zone", "reservation", "road", "commune", "coastline", "selected_zone", "plot", "highlight")
    for layer in layers:
        options = path_options(layer)
        assert {"color", "weight", "opacity", "fillColor", "fillOpacity"} <= set(options), layer
        assert all(re.fullmatch("#[0-9a-f]{6}", options[k]) for k in ("color", "fillColor")), layer
    path_options("zone", "villa")["fillColor"] = "red"
    assert path_options("zone", "villa")["fillColor"] == "#f4a6c0"


def test_unknown_layer_and_colour_are_refused_with_the_known_names():
    with pytest.raises(ValueError, match="zone"):
        path_options("zones")
    with pytest.raises(KeyError, match="banner"):
        colour("yellow")


def test_named_colours_one_banner_yellow():
    assert colour("banner") == "#fff4d6"
    assert colour("banner_ink") == "#5a3d00"
    assert colour("warning_ink") == "#8a5a00"
    assert "--to-banner:#fff4d6" in css_variables()
    assert css_variables(".x").startswith(".x{--to-ink:#1a1a1a;")


def test_matplotlib_adapter_keeps_fill_and_outline_opacities_apart():
    style = matplotlib_style(path_options("reservation", "school"))
    # #0072b2 at fillOpacity 0.22; the outline #0b3c5d opaque
    assert style["facecolor"] == pytest.approx((0x00 / 255, 0x72 / 255, 0xB2 / 255, 0.22))
    assert style["edgecolor"] == pytest.approx((0x0B / 255, 0x3C / 255, 0x5D / 255, 1.0))
    assert style["linewidth"] == pytest.approx(1.4 * 0.75)  # 1.4 CSS px = 1.05 pt
    assert style["linestyle"] == "solid"
    half = matplotlib_style(path_options("commune"), scale=0.5)
    assert half["linewidth"] == pytest.approx(1.6 * 0.75 * 0.5)
    # "6 4" px on a 1.6 px line: dashes of 3.75 and 2.5 line widths
    assert half["linestyle"] == (0, pytest.approx((3.75, 2.5)))


def _own_sources() -> list[Path]:
    files = []
    for folder in ("render", "app"):
        for path in sorted((PACKAGE / folder).rglob("*")):
            if "vendor" in path.parts or path.suffix not in (".py", ".js", ".css", ".html", ".tpl"):
                continue
            files.append(path)
    return files


def test_the_grep_finds_a_colour_where_there_is_one():
    assert HEX_COLOUR.findall('fill="#fff" color:#1a1a1aff x = "#0b3c5d"') == ["#fff", "#1a1a1aff", "#0b3c5d"]
    assert HEX_COLOUR.findall("&#160; &#x27; # 123 issue #12") == []


@pytest.mark.parametrize("path", _own_sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_spells_a_colour_of_its_own(path):
    """Colours live in style.json, families.json and sectors.json; code names them."""
    found = HEX_COLOUR.findall(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.name} spells {sorted(set(found))}: name a colour of reference/style.json"


def test_web_map_draws_a_draft_plans_zones_dashed():
    """The tiny plan's ZT belongs to PA-D, under study: its canvas style is dashed, V1's (PA-T) is not."""
    pytest.importorskip("folium")
    import json

    from terroffer.render.webmap import zone_map
    from tests.tiny import tiny_plan

    page = zone_map(tiny_plan()).get_root().render()
    call = re.search(r"terroffer\.zoneLayer\((.*)\);", page).group(1)
    decoder = json.JSONDecoder()
    data, at = decoder.raw_decode(call, 0)
    _, at = decoder.raw_decode(call, at + 2)
    options, _ = decoder.raw_decode(call, at + 2)
    styles = options["styles"]
    tourism = [s for s in styles if s["fillColor"] == "#56b4e9"]
    villa = [s for s in styles if s["fillColor"] == "#f4a6c0"]
    assert len(tourism) == 1 and tourism[0]["dashArray"] == "6 4" and tourism[0]["color"] == "#4a4a4a"
    assert len(villa) == 1 and "dashArray" not in villa[0] and villa[0]["color"] == "#ffffff"
    # fills opaque on the canvas, seen through the canvas's opacity: the zone layer's 0.85
    assert {s["fillOpacity"] for s in styles} == {1.0} and options["opacity"] == 0.85
    assert sorted(data["k"]) == list(range(4))  # four zones, four (family, status) styles


def test_one_banner_yellow_on_the_web_map_and_the_note():
    pytest.importorskip("folium")
    from terroffer.render.note import DOCUMENT_COLOURS
    from terroffer.render.webmap import zone_map
    from tests.tiny import tiny_plan

    page = zone_map(tiny_plan()).get_root().render()
    assert "--to-banner:#fff4d6" in page and "background: var(--to-banner)" in page
    assert DOCUMENT_COLOURS["caution_fill"] == "#fff4d6"
