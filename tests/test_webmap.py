"""The interactive map without a browser: the element tree, the rendered page, the data in it.

Most tests use the hand-drawn tiny plan of ``tests/tiny.py`` (V1 villa, I1 industry, ZT
tourism and EV green, a 10 m road across V1 and I1, commune C1 "Témara"). Expected texts
are written out here from the reference data, not taken from the code under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

pytest.importorskip("folium")

import folium

from terroffer import load_plan
from terroffer._lookup import lookup
from terroffer.errors import FilterError, OptionError
from terroffer.render.webmap import encode_polygons, save_map, zone_map
from tests.tiny import X0, Y0, rect, tiny_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"
TO_LONLAT = Transformer.from_crs("EPSG:26191", "EPSG:4326", always_xy=True)

#: Any web address; the SVG namespace is the one allowed (an identifier Leaflet gives to
#: document.createElementNS, never fetched).
WEB_ADDRESS = re.compile(r"""https?://[^\s"'<>)\\]+""")
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


@pytest.fixture(scope="module")
def plan():
    return tiny_plan()


@pytest.fixture(scope="module")
def sample():
    return load_plan(SAMPLE)


def children(m: folium.Map) -> list[str]:
    """The kinds of the map's children, as ``to_dict`` names them."""
    return [child["name"] for child in m.to_dict()["children"].values()]


def page(m: folium.Map) -> str:
    return m.get_root().render()


def json_after(text: str, marker: str) -> object:
    """The JSON value that follows the first ``marker`` in ``text``."""
    at = text.index(marker) + len(marker)
    return json.JSONDecoder().raw_decode(text, at)[0]


def legend(html: str) -> str:
    """The legend's HTML, read back from its JSON argument in the page."""
    return json_after(html, "terroffer.legend(")


def layer_call(html: str, kind: str) -> str:
    """The script line that builds one terroffer layer (``var zone_layer_<id> = ...``)."""
    found = re.search(rf"var {kind}_[0-9a-f]+ = (.*)", html)
    assert found, f"no {kind} in the page"
    return found.group(1)


def decode(stream: str) -> list[list[list[tuple[float, float]]]]:
    """Features -> rings -> (lat, lon): the stream format, decoded independently of webmap.js."""
    features: list[list[list[tuple[float, float]]]] = [[[]]]
    lat = lon = 0
    i = 0
    while i < len(stream):
        if stream[i] in " ;":
            if stream[i] == ";":
                features.append([[]])
            else:
                features[-1].append([])
            i += 1
            continue
        values = []
        for _ in range(2):
            shift = result = 0
            while True:
                b = ord(stream[i]) - 63
                i += 1
                result |= (b & 0x1F) << shift
                shift += 5
                if b < 0x20:
                    break
            values.append(~(result >> 1) if result & 1 else result >> 1)
        lat += values[0]
        lon += values[1]
        features[-1][-1].append((lat / 1e5, lon / 1e5))
    return features if stream else []


def layer_args(html: str, kind: str) -> list:
    """The JSON arguments of the call that builds a layer: data, [tables], options."""
    call = layer_call(html, kind)
    decoder, at, args = json.JSONDecoder(), call.index("(") + 1, []
    while call[at] != ")":
        value, at = decoder.raw_decode(call, at)
        args.append(value)
        at += 2 if call[at] == "," else 0
    return args


def layer_data(html: str, kind: str) -> dict:
    """The data a layer is built from: ``{"s": stream, "k": styles, "i": keys, ...}``."""
    return layer_args(html, kind)[0]


def stream_of(html: str, kind: str) -> str:
    return layer_data(html, kind)["s"]


# ----------------------------------------------------------------------------- structure


def test_layers_controls_and_legend_are_on_the_map(plan):
    m = zone_map(plan)
    kinds = children(m)
    for kind in ("OfflineAssets", "MapControls", "CommuneLayer", "ZoneLayer", "ReservationLayer", "Legend"):
        assert kind in kinds
    assert "HighlightLayer" not in kinds
    assert kinds[-1] == "LayerControl", "the layer control must come after the layers it lists"
    html = page(m)
    assert "preferCanvas" in html and "L.control.layers" in html
    assert "terroffer.controls(" in html and "L.control.fullscreen" in html and "L.control.scale" in html
    overlays = [json.dumps(n) for n in ("Zones", "Emplacements réservés (voies, équipements)", "Communes")]
    at = [html.index(f"{name} : ") for name in overlays]
    assert at == sorted(at), "layer control lists zones, reserved land, communes, in that order"


def test_legend_lists_exactly_the_families_present(plan):
    html = legend(page(zone_map(plan)))
    families = re.search(r'<ul class="to-families">(.*?)</ul>', html).group(1)
    names = re.findall(r"<span>([^<]*)</span>", families)
    assert names == ["Villas", "Industrie et logistique", "Tourisme", "Espaces verts et loisirs"]
    assert "Voie projetée (emprise)" in html and "Limite de commune" in html
    assert "Voie principale" not in html, "the only road is 10 m wide"


def test_sector_and_commune_filters(plan):
    html = page(zone_map(plan, sectors=["السياحة"], communes="temara"))
    names = re.findall(
        r"<span>([^<]*)</span>", legend(html).split('<ul class="to-families">')[1].split("</ul>")[0]
    )
    assert names == ["Tourisme"]
    assert len(decode(stream_of(html, "zone_layer"))) == 1
    # the one zone filter (terroffer.selection): unknown names answered with the nearest ones
    with pytest.raises(FilterError) as bad_sector:
        zone_map(plan, sectors="tourisme balnéaire")
    assert "tourism" in bad_sector.value.message("en").lower()
    with pytest.raises(FilterError) as bad_commune:
        zone_map(plan, communes="Temarra")
    assert "Témara" in bad_commune.value.message("fr")
    assert "تمارة" in bad_commune.value.message("ar") or "Témara" in bad_commune.value.message("ar")
    with pytest.raises(FilterError) as nothing:
        zone_map(plan, sectors="agriculture")
    assert "élargissez" in nothing.value.message("fr")
    with pytest.raises(OptionError) as bad_lang:
        zone_map(plan, lang="de")
    assert "fr, ar, en" in bad_lang.value.message("fr")


# ----------------------------------------------------------------------------- language


def test_french_page_is_left_to_right(plan):
    html = page(zone_map(plan))
    assert '<html lang="fr" dir="ltr">' in html
    assert '"dir":"ltr","lang":"fr"' in html
    assert '"bottomright"' in html, "legend in the reading end corner"


def test_arabic_legend_popups_and_direction(plan):
    html = page(zone_map(plan, lang="ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert "<title>خريطة التنطيق</title>" in html
    text = legend(html)
    assert text.startswith('<details open dir="rtl" lang="ar">')
    assert "<summary>مفتاح الخريطة</summary>" in text
    for name in ("الفيلات", "الصناعة واللوجستيك", "السياحة", "المساحات الخضراء والترفيه"):
        assert f"<span>{name}</span>" in text
    # Popups open with dir="rtl" (webmap.js reads it from the inspector's options).
    assert '"dir":"rtl","lang":"ar"' in html
    zones = layer_call(html, "zone_layer")
    assert "المنطقة" in zones and "منطقة الفيلات" in zones
    assert "الاستعمالات المسموح بها" in zones and "فيلا" in zones  # V1 allows villa;dwelling
    assert "مصادق عليه" in zones  # PA-T is approved
    assert "قيد الدراسة" in zones  # ZT belongs to PA-D, under study
    assert '"bottomleft"' in html, "legend mirrored for Arabic"
    assert "طريق" in layer_call(html, "reservation_layer")


def test_popup_rules_are_formatted_for_the_reader(plan):
    zones = layer_call(page(zone_map(plan)), "zone_layer")
    # V1: COS 0.6, CES 0.3, 2 levels, 8.5 m, 300 m², villa and dwelling allowed
    for text in ("COS", "0,6", "0,3", "2 (R+1)", "8,5\u00a0m", "300\u00a0m²", "Villa, Logement"):
        assert text in zones
    assert "<b>Usages autorisés<\\/b> : aucun" in zones  # EV: the règlement allows no use at all
    assert "à l&#x27;étude" in zones or "à l'étude" in zones


# ----------------------------------------------------------------------------- offline


def addresses(html: str) -> set[str]:
    return set(WEB_ADDRESS.findall(html))


def test_page_names_no_web_address(plan):
    html = page(zone_map(plan))
    assert addresses(html) <= {SVG_NAMESPACE}
    assert "<script src" not in html and "<link" not in html
    for cdn in ("jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "fontawesome"):
        assert cdn not in html


def test_web_tiles_only_when_asked(plan):
    html = page(zone_map(plan, basemap="OpenStreetMap"))
    extra = addresses(html) - {SVG_NAMESPACE}
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in extra
    assert all("openstreetmap.org" in a for a in extra), extra
    assert "OpenStreetMap" in html and "contributors" in html  # attribution
    with pytest.raises(OptionError) as bad:
        zone_map(plan, basemap="OpenStreetMapp")
    assert "OpenStreetMap" in bad.value.message("fr") and "fond de carte" in bad.value.message("fr")
    assert isinstance(bad.value, ValueError)  # callers' except ValueError still works


def test_drawing_on_an_existing_map_makes_it_offline_too(plan):
    m = folium.Map(tiles=None)
    folium.Marker([33.9, -6.9]).add_to(m)
    assert zone_map(plan, m=m) is m
    html = page(m)
    assert addresses(html) <= {SVG_NAMESPACE}
    assert "ZoneLayer" in children(m)
    with pytest.raises(ValueError, match="EPSG3857"):
        zone_map(plan, m=folium.Map(crs="EPSG4326", tiles=None))


# ----------------------------------------------------------------------------- banner, highlight


def test_banner_when_and_only_when_illustrative(plan):
    assert "Banner" in children(zone_map(plan))
    assert "Données illustratives — zonage fictif" in page(zone_map(plan))
    real = tiny_plan()
    real.plans["illustrative"] = pd.array([False, False], dtype="boolean")
    assert "Banner" not in children(zone_map(real))
    assert "zonage fictif" not in page(zone_map(real))


def test_highlight_geometry_is_drawn_and_zoomed_to(plan):
    plot = rect(10, 10, 40, 30)  # 30 m x 20 m = 600 m², inside V1
    m = zone_map(plan, highlight=plot)
    assert "HighlightLayer" in children(m)
    html = page(m)
    assert "Terrain étudié — Surface : 600\u00a0m²" in html
    (south, west), (north, east) = next(
        c for c in m._children.values() if type(c).__name__ == "FitBounds"
    ).bounds
    lon, lat = TO_LONLAT.transform(X0 + 25, Y0 + 20)
    assert south < lat < north and west < lon < east
    # The plot and 60 m around it (1.5 x 30 m is less): 150 m x 140 m, about 0.0015 degree.
    assert 0.0012 < north - south < 0.0016 and 0.0013 < east - west < 0.0019


def test_highlight_from_a_lookup(plan):
    result = lookup(plan, rect(10, 10, 40, 30))
    m = zone_map(plan, highlight=result, lang="ar")
    assert "HighlightLayer" in children(m)
    html = page(m)
    assert "العقار المدروس — المساحة: 600\u00a0م²" in html
    with pytest.raises(TypeError):
        zone_map(plan, highlight="V1")


# ----------------------------------------------------------------------------- data


def test_stream_is_google_polyline():
    # The worked example of Google's polyline algorithm documentation.
    triangle = shapely.Polygon([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])
    stream, kept = encode_polygons(np.array([triangle]))
    assert stream == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert kept.tolist() == [0]


def test_zones_round_trip_to_about_a_metre(plan):
    features = decode(stream_of(page(zone_map(plan)), "zone_layer"))
    assert len(features) == 4
    corners = {TO_LONLAT.transform(X0 + x, Y0 + y) for x, y in [(0, 0), (60, 0), (60, 100), (0, 100)]}
    decoded = [pt for f in features for ring in f for pt in ring]
    for lon, lat in corners:  # every corner of V1 is in the stream, within 1e-5 degree
        assert min(abs(la - lat) + abs(lo - lon) for la, lo in decoded) <= 1.5e-5
    assert all(len(ring) == 4 for f in features for ring in f), "rectangles: 4 open vertices"


def test_one_popup_per_plan_and_zone_code_not_per_polygon(sample):
    html = page(zone_map(sample))
    popups = layer_args(html, "zone_layer")[1]["popups"]
    keys = sample.zones[["plan_id", "zone_code"]].drop_duplicates()
    assert len(popups) == len(keys) < len(sample.zones) / 10
    data = layer_data(html, "zone_layer")
    assert set(data) == {"s", "k", "i"}
    assert len(data["k"]) == len(data["i"]) == len(decode(data["s"]))


def test_sample_map_is_light(sample, tmp_path):
    path = save_map(zone_map(sample), tmp_path / "map.html")
    size = path.stat().st_size
    assert size < 3_000_000, f"{size / 1e6:.2f} MB"
    text = path.read_text(encoding="utf-8")
    assert len(decode(stream_of(text, "zone_layer"))) >= 0.99 * len(sample.zones)
