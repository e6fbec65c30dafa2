"""Generated corner tables and GeoJSON plots thrown at read_plot and lookup on the bundled sample.

Whatever the text, the answer is a result or a TerrofferError (one translated line),
never another exception; and each example is answered in under a second (hypothesis'
per-example deadline: reading, looking up and writing the warnings in three languages).
"""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

import terroffer
from terroffer._lookup import Lookup, lookup, plan_bounds, plan_coverage
from terroffer.errors import TerrofferError
from terroffer.io.sample import SAMPLE_PLAN
from terroffer.plot_input import Plot, read_corner_table, read_plot

TO_LONLAT = Transformer.from_crs("EPSG:26191", "EPSG:4326", always_xy=True)
SETTINGS = settings(
    max_examples=100,
    database=None,  # no .hypothesis folder left in the checkout
    deadline=timedelta(seconds=1),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def plan():
    p = terroffer.load_plan(SAMPLE_PLAN)
    lookup(p, (359_747.25, 367_210.55))  # build the indexes once, outside the timed examples
    return p


def _where(plan):
    return {"bounds": plan_bounds(plan), "crs": plan.crs, "coverage": plan_coverage(plan)}


def _answer(plan, read):
    """Read and look up; every message written in each language. A TerrofferError is an answer."""
    try:
        plot = read()
        assert isinstance(plot, Plot)
        result = lookup(plan, plot)
    except TerrofferError as exc:
        for lang in ("fr", "ar", "en"):
            message = exc.message(lang)
            assert message and "\n" not in message
        return None
    assert isinstance(result, Lookup)
    for lang in ("fr", "ar", "en"):
        json.dumps(result.to_dict(lang), ensure_ascii=False)
    return result


# A plot: a corner somewhere on (or off) the territory, then small steps around it.
origins = st.one_of(
    st.tuples(st.floats(340_000, 378_000), st.floats(329_000, 376_000)),  # Lambert, on the territory
    st.tuples(st.floats(-1e7, 1e7), st.floats(-1e7, 1e7)),  # anywhere
    st.sampled_from([(359_747.25, 367_210.55), (0.0, 0.0), (372_145.2, 367_210.55)]),
)
# A star around the first corner (a simple polygon), or a random walk (often crossing itself).
stars = st.lists(
    st.tuples(st.floats(0, 6.28), st.floats(1, 300)), min_size=3, max_size=60, unique_by=lambda t: t[0]
)
walks = st.lists(st.tuples(st.floats(-200, 200), st.floats(-200, 200)), min_size=0, max_size=40)
labels = st.one_of(
    st.just(""),
    st.text(alphabet="BPSb0123456789-_ نقطةب", min_size=1, max_size=6),
    st.integers(1, 999).map(str),
)
garbage = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=30)


def _write_number(v, decimal, grouping, digits, exponent):
    places = 7 if abs(v) < 1_000 else 2  # degrees need their decimals
    text = f"{v:.8E}" if exponent else (f"{v:,.{places}f}" if grouping else f"{v:.{places}f}")
    text = text.replace(",", "\u00a0" if grouping == "nbsp" else " ").replace(".", decimal)
    if digits:
        text = text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    return text


@st.composite
def corner_tables(draw):
    x0, y0 = draw(origins)
    if draw(st.booleans()):
        corners = [(x0 + r * math.cos(a), y0 + r * math.sin(a)) for a, r in sorted(draw(stars))]
    else:
        corners = [(x0, y0)]
        for dx, dy in draw(walks):
            corners.append((corners[-1][0] + dx, corners[-1][1] + dy))
    if draw(st.booleans()):
        corners = [(y, x) for x, y in corners]  # Y first
    if draw(st.integers(0, 4)) == 0:
        corners = [TO_LONLAT.transform(x, y) for x, y in corners]  # degrees
    sep = draw(st.sampled_from([" ", "  ", ";", "\t", ",", " ; "]))
    decimal = draw(st.sampled_from([".", ",", "٫"]))
    style = {
        "grouping": draw(st.sampled_from([None, "space", "nbsp"])),
        "digits": draw(st.booleans()),
        "exponent": draw(st.booleans()),
    }
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["Borne X Y", "Point;Y;X", "E N", "Coordonnées Lambert", "X,Y"])))
    for x, y in corners:
        label = draw(labels)
        row = sep.join(
            part
            for part in (label, _write_number(x, decimal, **style), _write_number(y, decimal, **style))
            if part
        )
        lines.append(row)
    if draw(st.integers(0, 3)) == 0:  # a stray line somewhere: a remark, a total, noise
        lines.insert(draw(st.integers(0, len(lines))), draw(garbage))
    return "\n".join(lines)


@SETTINGS
@given(text=corner_tables())
def test_generated_corner_tables(plan, text):
    _answer(plan, lambda: read_corner_table(text, source="généré.txt", **_where(plan)))


@SETTINGS
@given(text=corner_tables(), encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1256"]))
def test_generated_table_files(plan, tmp_path_factory, text, encoding):
    path = tmp_path_factory.mktemp("t") / "parcelle.txt"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _answer(plan, lambda: read_plot(path, **_where(plan)))


coordinates = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e8, max_value=1e8),
    st.floats(340_000, 378_000),
    st.floats(-7.3, -6.6),
    st.floats(33.5, 34.1),
)


@st.composite
def geojson_plots(draw):
    kind = draw(st.sampled_from(["Polygon", "LineString", "Point", "MultiPolygon", "garbage"]))
    x0, y0 = draw(st.tuples(coordinates, coordinates))
    ring = [[x0, y0]]
    for dx, dy in draw(st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), max_size=12)):
        ring.append([ring[-1][0] + dx, ring[-1][1] + dy])
    if draw(st.booleans()):
        ring.append(list(ring[0]))
    if kind == "Polygon":
        geometry = {"type": "Polygon", "coordinates": [ring]}
    elif kind == "MultiPolygon":
        geometry = {"type": "MultiPolygon", "coordinates": [[ring]]}
    elif kind == "LineString":
        geometry = {"type": "LineString", "coordinates": ring}
    elif kind == "Point":
        geometry = {"type": "Point", "coordinates": ring[0]}
    else:
        return draw(garbage)
    doc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": geometry}],
    }
    if draw(st.booleans()):
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::26191"}}
    return json.dumps(doc)


@SETTINGS
@given(text=geojson_plots())
def test_generated_geojson_plots(plan, tmp_path_factory, text):
    path = tmp_path_factory.mktemp("g") / "parcelle.geojson"
    path.write_text(text, encoding="utf-8")
    _answer(plan, lambda: read_plot(path, **_where(plan)))
