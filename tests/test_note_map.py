"""The note's small map (render/_plot_map.plot_map_svg), read as SVG, on the note's tiny plan.

The plan (tests/test_note.py): a 100 m square plot, x 360 000–360 100, y 370 000–370 100,
on villas V1 (west of x = 360 040) and collective housing C (east), crossed by a 10 m road
reservation (y 370 045–370 055, x 359 900–360 200).

By hand: the plot spans 100 m, so the map shows it with a margin of max(0.35 × 100, 40) = 40 m
each side: half a side 50 + 40 = 90 m, a 180 m square centred on (360 050, 370 050), from
x 359 960 and y 369 960 to x 360 140 and y 370 140. On 80 mm that is 80 / 180 = 0.444 mm a
metre. The plot's 100 m are 44.44 mm, centred: from 40 − 22.22 = 17.78 mm to 62.22 mm on
both axes. The road's edges, 85 m and 95 m below the map's top edge (y 370 140), are at
85 × 0.444 = 37.78 mm and 95 × 0.444 = 42.22 mm. The scale bar: the largest 1-2-5 length
under 30 % of 180 m = 54 m is 50 m, 50 × 0.444 = 22.22 mm long.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import shapely
from pyproj import Transformer

from terroffer._lookup import lookup
from terroffer.render._plot_map import plot_map_svg
from terroffer.render.note import note_html, note_pdf
from terroffer.render.style import path_options
from tests.test_note import CRS, NB, PLOT, TODAY, X0, Y0, tiny_plan

SVG = "{http://www.w3.org/2000/svg}"
MM_PER_M = 80 / 180
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def plan():
    return tiny_plan()


@pytest.fixture(scope="module")
def svg(plan):
    return plot_map_svg(lookup(plan, PLOT), plan)


@pytest.fixture(scope="module")
def root(svg):
    return ET.fromstring(svg)


def _group(root: ET.Element, name: str) -> ET.Element:
    found = [g for g in root.iter(f"{SVG}g") if g.get("class") == name]
    assert len(found) == 1, name
    return found[0]


def _points(d: str) -> list[tuple[float, float]]:
    values = [float(v) for v in NUMBER.findall(d)]
    return list(zip(values[::2], values[1::2], strict=True))


def _segments(d: str) -> list[list[tuple[float, float]]]:
    return [_points(part) for part in d.split("M") if part]


def test_the_map_is_80_mm_in_millimetres(root):
    assert root.get("viewBox") == "0 0 80 80"
    assert (root.get("width"), root.get("height")) == ("80mm", "80mm")
    assert root.get("direction") == "ltr"  # the scale bar is not mirrored in an Arabic page


def test_the_plot_is_a_44_mm_square_in_the_middle(root):
    paths = list(_group(root, "plot").iter(f"{SVG}path"))
    assert len(paths) == 2  # the halo, then the outline
    halo, outline = paths
    assert halo.get("stroke") == path_options("plot_halo")["color"]
    assert outline.get("stroke") == path_options("plot")["color"]
    assert float(outline.get("stroke-width")) < float(halo.get("stroke-width"))  # black on a wider white
    corners = _points(outline.get("d"))
    assert len(corners) == 4
    for u, v in corners:
        assert min(abs(u - 17.78), abs(u - 62.22)) <= 0.01
        assert min(abs(v - 17.78), abs(v - 62.22)) <= 0.01
    us, vs = [u for u, _ in corners], [v for _, v in corners]
    assert max(us) - min(us) == pytest.approx(100 * MM_PER_M, abs=0.02)
    assert max(vs) - min(vs) == pytest.approx(100 * MM_PER_M, abs=0.02)


def test_the_scale_bar_is_50_m_long_and_says_so(root):
    bar = _group(root, "scale-bar")
    halves = [r for r in bar.iter(f"{SVG}rect") if r.get("stroke")]
    assert len(halves) == 2
    length = sum(float(r.get("width")) for r in halves)
    assert length == pytest.approx(50 * MM_PER_M, abs=0.02)
    assert float(halves[0].get("x")) < 40 and float(halves[0].get("y")) > 60  # lower left
    (label,) = bar.iter(f"{SVG}text")
    assert label.text == f"50{NB}m"
    assert float(label.get("x")) == pytest.approx(float(halves[0].get("x")) + length / 2, abs=0.02)


def test_the_scale_bar_speaks_the_notes_language(plan):
    ar = ET.fromstring(plot_map_svg(lookup(plan, PLOT), plan, lang="ar"))
    (label,) = _group(ar, "scale-bar").iter(f"{SVG}text")
    assert label.text == f"50{NB}م"


def test_zones_in_their_family_colours_with_their_codes(root):
    zones = {p.get("data-family"): p for p in _group(root, "zones").iter(f"{SVG}path")}
    assert set(zones) == {"villa", "collective_housing"}
    for family, path in zones.items():
        assert path.get("fill") == path_options("zone", family)["fillColor"]
    # V1 is the map's west 80 m (x 359 960–360 040): 0 to 35.56 mm
    us = [u for u, _ in _points(zones["villa"].get("d"))]
    assert (min(us), max(us)) == (pytest.approx(0), pytest.approx(80 * MM_PER_M, abs=0.01))
    texts = list(_group(root, "labels").iter(f"{SVG}text"))
    # each code twice: its white halo (a stroke, no fill), then the ink over it
    assert [t.text for t in texts] == ["V1", "V1", "C", "C"]
    assert [t.get("fill") for t in texts][0::2] == ["none", "none"]
    assert all(t.get("stroke") for t in texts[0::2]) and not any(t.get("stroke") for t in texts[1::2])


def test_hatch_lines_cover_the_road_and_nothing_else(root):
    reserved = _group(root, "reservations")
    (hatch,) = [p for p in reserved.iter(f"{SVG}path") if p.get("class") == "hatch"]
    lines = _segments(hatch.get("d"))
    # 80 mm of road, lines 1.25 mm apart across them, so 1.25 × √2 = 1.77 mm apart along it
    assert len(lines) >= 80 / (1.25 * math.sqrt(2)) - 1
    for (u1, v1), (u2, v2) in lines:
        for u, v in ((u1, v1), (u2, v2)):
            assert 37.77 <= v <= 42.23 and 0 <= u <= 80  # inside the road, on the map
        assert u2 - u1 == pytest.approx(v1 - v2, abs=0.02)  # at 45°, rising to the right: ////
    # and the plot, over the road, does not stop them: they cross it
    assert any(17.78 < u1 < 62.22 for (u1, _), _ in lines)


def test_no_hatch_where_nothing_is_reserved():
    plan = tiny_plan()
    plan.reservations = plan.reservations.iloc[0:0]
    root = ET.fromstring(plot_map_svg(lookup(plan, PLOT), plan))
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "reservations"]
    assert "hatch" not in ET.tostring(root, encoding="unicode")


def test_the_north_arrow_turns_to_true_north(root):
    """West of the grid's central meridian, true north leans east of grid north.

    EPSG:26191 is a Lambert conformal cone tangent at 37 gon (33.3°) about the meridian
    −6 gon (−5.4°); its meridians lean by n (λ − λ0), n = sin 33.3°. Here λ ≈ −6.9°, so
    true north is about 0.55 × 1.5 ≈ 0.83° east of the grid's.
    """
    lon, _ = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + 50, Y0 + 50)
    expected = math.sin(math.radians(33.3)) * (-5.4 - lon)
    assert expected == pytest.approx(0.83, abs=0.03)  # guards the reasoning above
    shaft = next(p for p in _group(root, "north").iter(f"{SVG}path") if p.get("fill") == "none")
    (tail_u, tail_v), (tip_u, tip_v) = _points(shaft.get("d"))
    angle = math.degrees(math.atan2(tip_u - tail_u, tail_v - tip_v))  # clockwise from the page's up
    assert angle == pytest.approx(expected, abs=0.1)
    assert tip_u > 60 and tip_v < 20  # upper right


def test_a_point_look_up_is_a_marker_on_a_300_m_map(plan):
    point = shapely.Point(X0 + 50, Y0 + 50)
    root = ET.fromstring(plot_map_svg(lookup(plan, point), plan))
    marker = next(root.iter(f"{SVG}circle"))
    assert marker.get("class") == "plot"
    assert (float(marker.get("cx")), float(marker.get("cy"))) == (40, 40)
    # 300 m on 80 mm; 30 % of 300 m = 90 m: a 50 m bar of 50 × 80 / 300 = 13.33 mm
    halves = [r for r in _group(root, "scale-bar").iter(f"{SVG}rect") if r.get("stroke")]
    assert sum(float(r.get("width")) for r in halves) == pytest.approx(50 * 80 / 300, abs=0.02)


def test_a_plot_with_a_hole_keeps_it(plan):
    ring = shapely.box(X0, Y0, X0 + 100, Y0 + 100).difference(shapely.box(X0 + 40, Y0 + 40, X0 + 60, Y0 + 60))
    root = ET.fromstring(plot_map_svg(lookup(plan, ring), plan))
    outline = list(_group(root, "plot").iter(f"{SVG}path"))[1]
    assert outline.get("d").count("M") == 2 and _group(root, "plot").get("fill-rule") == "evenodd"


def test_the_map_is_at_its_place_in_the_html_note(plan):
    page = note_html(lookup(plan, PLOT), plan, lang="both", today=TODAY)
    maps = re.findall(r'<figure><svg class="plot-map"[^>]*role="img"><title>([^<]*)</title>', page)
    assert len(maps) == 2  # one per language, each named in its own
    assert maps[0].startswith("Terrain (contour noir)") and maps[1].startswith("العقار")
    assert ' id="' not in page.split("<figure>", 1)[1]  # twice in a page: no id may repeat
    assert "<img" not in page
    assert f"50{NB}m</text>" in page and f"50{NB}م</text>" in page


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (apt-get install poppler-utils)"
)
def test_the_pdf_draws_the_map_as_vector_with_text_in_the_notes_font(plan, tmp_path):
    path = tmp_path / "fr.pdf"
    data = note_pdf(lookup(plan, PLOT), plan, path, lang="fr", today=TODAY)
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data  # no raster map
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Helvetica" not in fonts  # the map's text found the note's font, not a core font
    words = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True).stdout
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', words)
    pt = 25.4 / 72
    # the map is at the left margin (14 mm), 76 mm wide: its codes and its scale label are in it
    in_map = [w for x, y, w in boxes if 14 <= float(x) * pt <= 90]
    for word in ("V1", "C", "50", "N"):
        assert word in in_map, word


def test_the_note_does_not_import_matplotlib():
    """The explorer's and the kiosk's kernels make notes; matplotlib stays out of them."""
    code = (
        "import sys, terroffer, shapely\n"
        "from terroffer.render.note import note_html, note_pdf\n"
        "plan = terroffer.load_plan()\n"
        "c = plan.zones.geometry.iloc[0].representative_point()\n"
        "result = terroffer.lookup(plan, shapely.box(c.x - 20, c.y - 20, c.x + 20, c.y + 20))\n"
        "note_pdf(result, plan, lang='both'); note_html(result, plan, lang='both')\n"
        "print('matplotlib' in sys.modules, 'terroffer.render.fonts' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
