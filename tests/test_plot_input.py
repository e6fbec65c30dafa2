"""Plots as they arrive: surveyors' tables, GeoJSON, KML, DXF, points; and bad ones."""

from __future__ import annotations

import json
import zipfile

import pytest
import shapely
from pyproj import Transformer

from terroffer.errors import PlotInputError
from terroffer.plot_input import plot_from_point, read_corner_table, read_plot

# The plan's extent: around Témara, in EPSG:26191.
BOUNDS = (340_000.0, 330_000.0, 380_000.0, 376_000.0)
# A 40 m x 40 m plot (1,600 m²).
CORNERS = [(372145.20, 367210.55), (372185.20, 367210.55), (372185.20, 367250.55), (372145.20, 367250.55)]


def table(rows, fmt="B{i} {x:.2f} {y:.2f}", header=None):
    lines = [header] if header else []
    lines += [fmt.format(i=i + 1, x=x, y=y) for i, (x, y) in enumerate(rows)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        table(CORNERS),
        table(CORNERS, header="Borne X Y"),
        table(CORNERS, fmt="B{i};{x:.2f};{y:.2f}").replace(".", ","),  # semicolons, comma decimals
        table(CORNERS, fmt="B{i}\t{x:.2f}\t{y:.2f}"),
        table(CORNERS, fmt="{x:.2f},{y:.2f}"),  # CSV without labels
        table(CORNERS, fmt="B{i} {x:.2f} {y:.2f}").replace(".", ","),  # spaces, comma decimals
        table([*CORNERS, CORNERS[0]]),  # closed by repeating the first corner
    ],
)
def test_corner_tables_in_every_usual_form(text):
    plot = read_corner_table(text, bounds=BOUNDS)
    assert plot.geometry.area == pytest.approx(1600)
    assert len(plot.corners) == 4
    assert plot.warnings == ()


def test_swapped_columns_are_detected_and_said():
    # The territory decides: read as given, the swapped table falls off it (y > 370,000).
    territory = shapely.box(360_000, 360_000, 380_000, 370_000)
    plot = read_corner_table(table([(y, x) for x, y in CORNERS]), bounds=BOUNDS, coverage=territory)
    assert plot.geometry.area == pytest.approx(1600)
    assert shapely.get_coordinates(plot.geometry)[:, 0].min() == pytest.approx(372145.20)
    assert [w.key for w in plot.warnings] == ["plot.metres_swapped"]


def test_header_naming_y_first_is_followed():
    plot = read_corner_table(
        table([(y, x) for x, y in CORNERS], header="Point;Y;X").replace(" ", ";"), bounds=BOUNDS
    )
    assert shapely.get_coordinates(plot.geometry)[:, 0].min() == pytest.approx(372145.20)
    assert "plot.header_swapped" in [w.key for w in plot.warnings]


def test_degrees_are_detected_and_converted():
    to_lonlat = Transformer.from_crs("EPSG:26191", "EPSG:4326", always_xy=True)
    lonlat = [to_lonlat.transform(x, y) for x, y in CORNERS]
    plot = read_corner_table(table(lonlat, fmt="B{i} {x:.8f} {y:.8f}"), bounds=BOUNDS)
    assert plot.geometry.area == pytest.approx(1600, rel=1e-3)
    assert [w.key for w in plot.warnings] == ["plot.degrees"]
    latlon = read_corner_table(table([(b, a) for a, b in lonlat], fmt="B{i} {x:.8f} {y:.8f}"), bounds=BOUNDS)
    assert [w.key for w in latlon.warnings] == ["plot.degrees_swapped"]


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        (table([CORNERS[0], CORNERS[2], CORNERS[1], CORNERS[3]]), "error.plot_self_crossing", "B1–B2"),
        (
            "B1 372145.20 367210.55\nB2 37218x.20 367210.55\nB3 1 2\nB4 1 2\n",
            "error.plot_not_number",
            "ligne 2",
        ),
        (table(CORNERS[:2]), "error.plot_too_few", "2"),  # three corners are a plot (a triangle)
        (table([(x + 500_000, y) for x, y in CORNERS]), "error.plot_far_outside", "872145"),
        ("B1 372145.20\n", "error.plot_line_short", "ligne 1"),
    ],
)
def test_bad_tables_say_what_is_wrong_and_where(text, key, fragment):
    with pytest.raises(PlotInputError) as info:
        read_corner_table(text, source="parcelle.txt", bounds=BOUNDS)
    assert info.value.key == key
    message = info.value.message("fr")
    assert "parcelle.txt" in message and fragment in message
    assert "\n" not in message


def _geojson(path, geometry):
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": geometry}],
            }
        )
    )
    return path


def _lonlat_ring():
    to_lonlat = Transformer.from_crs("EPSG:26191", "EPSG:4326", always_xy=True)
    ring = [list(to_lonlat.transform(x, y)) for x, y in CORNERS]
    return [*ring, ring[0]]


def test_geojson_kml_kmz_and_dxf_plots(tmp_path):
    ring = _lonlat_ring()
    gj = _geojson(tmp_path / "plot.geojson", {"type": "Polygon", "coordinates": [ring]})
    assert read_plot(gj, bounds=BOUNDS).geometry.area == pytest.approx(1600, rel=1e-3)

    coords = " ".join(f"{x},{y},0" for x, y in ring)
    kml = tmp_path / "plot.kml"
    kml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<Placemark><name>Ma parcelle</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}"
        "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>"
    )
    assert read_plot(kml, bounds=BOUNDS).geometry.area == pytest.approx(1600, rel=1e-3)
    kmz = tmp_path / "plot.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(kml, "doc.kml")
    assert read_plot(kmz, bounds=BOUNDS).geometry.area == pytest.approx(1600, rel=1e-3)

    ezdxf = pytest.importorskip("ezdxf")
    doc = ezdxf.new()
    doc.modelspace().add_lwpolyline(CORNERS, close=True, dxfattribs={"layer": "PARCELLE"})
    dxf = tmp_path / "plot.dxf"
    doc.saveas(dxf)
    plot = read_plot(dxf, bounds=BOUNDS)  # a DXF has no CRS: its Lambert coordinates are recognised
    assert plot.geometry.area == pytest.approx(1600)


def test_files_that_hold_no_plot(tmp_path):
    ring = _lonlat_ring()
    open_line = _geojson(tmp_path / "open.geojson", {"type": "LineString", "coordinates": ring[:-1]})
    with pytest.raises(PlotInputError) as info:
        read_plot(open_line, bounds=BOUNDS)
    assert info.value.key == "error.plot_unclosed"
    point = _geojson(tmp_path / "point.geojson", {"type": "Point", "coordinates": ring[0]})
    with pytest.raises(PlotInputError) as info:
        read_plot(point, bounds=BOUNDS)
    assert info.value.key == "error.plot_no_polygon"
    with pytest.raises(PlotInputError):
        read_plot(tmp_path / "missing.csv", bounds=BOUNDS)


def test_points_in_lonlat_and_lambert():
    assert plot_from_point(372150, 367220, bounds=BOUNDS).geometry.x == pytest.approx(372150)
    p = plot_from_point(-6.9066, 33.9287, bounds=BOUNDS)
    assert p.is_point and [w.key for w in p.warnings] == ["plot.degrees"]
    with pytest.raises(PlotInputError):
        plot_from_point(2.35, 48.85, bounds=BOUNDS, lonlat=True)  # Paris


# --------------------------------------------------------------------------- as surveyors write them

# A right triangle with legs of 40 m: 40 x 40 / 2 = 800 m².
TRIANGLE = CORNERS[:3]


def _french(v):
    """372145.2 as a French surveyor types it: ``372 145,20``."""
    return f"{v:,.2f}".replace(",", " ").replace(".", ",")


_ARABIC_INDIC = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(f"B{i} {_french(x)} {_french(y)}" for i, (x, y) in enumerate(CORNERS)),  # 372 145,20
        "\n".join(
            f"B{i};{_french(x)};{_french(y)}".replace(" ", "\u00a0") for i, (x, y) in enumerate(CORNERS)
        ),
        "\n".join(
            f"B{i}\t{_french(x)}\t{_french(y)}".replace(" ", "\u202f") for i, (x, y) in enumerate(CORNERS)
        ),
        "\n".join(f"B{i} {x:.8E} {y:.8e}" for i, (x, y) in enumerate(CORNERS)),  # 3.72145200E+05
        "\n".join(f"B{i} {x:.2f} {y:.2f}".translate(_ARABIC_INDIC) for i, (x, y) in enumerate(CORNERS)),
        "\n".join(f"{i + 1} {x:.2f} {y:.2f}" for i, (x, y) in enumerate(CORNERS)),  # a number as label
        "\n".join(f"{i + 1} {_french(x)} {_french(y)}" for i, (x, y) in enumerate(CORNERS)),
        "\n".join(f"B{i}, {x:.2f}, {y:.2f}" for i, (x, y) in enumerate(CORNERS)),  # comma and space
        "\n".join(f"B{i} {x:.2f} {y:.2f} 45.20 borne" for i, (x, y) in enumerate(CORNERS)),  # Z and remark
        "Coordonnées Lambert Nord Maroc\n" + table(CORNERS),  # a title is not a Y-first header
    ],
)
def test_numbers_as_surveyors_write_them(text):
    plot = read_corner_table(text, bounds=BOUNDS)
    assert plot.geometry.area == pytest.approx(1600)
    assert shapely.get_coordinates(plot.geometry)[:, 0].min() == pytest.approx(372145.20)
    assert len(plot.corners) == 4


def test_three_corners_are_a_triangular_plot():
    plot = read_corner_table(table(TRIANGLE), bounds=BOUNDS)
    assert plot.geometry.area == pytest.approx(800)
    assert plot.corners == ("B1", "B2", "B3")


def test_corners_on_one_line_are_refused():
    line = [(372145.0, 367210.0), (372155.0, 367220.0), (372165.0, 367230.0)]
    with pytest.raises(PlotInputError) as info:
        read_corner_table(table(line), source="ligne.txt", bounds=BOUNDS)
    assert info.value.key == "error.plot_flat"
    assert "ligne.txt" in info.value.message("ar")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp1256"])
def test_table_files_in_every_encoding(tmp_path, encoding):
    path = tmp_path / "parcelle.txt"
    path.write_bytes(("النقطة X Y\n" + table(CORNERS, fmt="ب{i} {x:.2f} {y:.2f}")).encode(encoding))
    plot = read_plot(path, bounds=BOUNDS)
    assert plot.geometry.area == pytest.approx(1600)
    assert plot.corners[0] == "ب1"


def _circle_table(n, radius, swap=None):
    """A regular n-gon around (360 000, 350 000), corners labelled B0, B1, ... (one per line)."""
    import numpy as np

    t = np.arange(n) * 2 * np.pi / n
    xy = np.column_stack([360_000 + radius * np.cos(t), 350_000 + radius * np.sin(t)])
    if swap is not None:
        i, j = swap
        xy[[i, j]] = xy[[j, i]]
    return "\n".join(f"B{k} {x:.4f} {y:.4f}" for k, (x, y) in enumerate(xy))


def test_a_table_of_20000_corners_is_answered():
    import math

    n, r = 20_000, 300.0
    plot = read_corner_table(_circle_table(n, r), bounds=BOUNDS)
    # the area of a regular n-gon inscribed in a circle of radius r: n/2 r² sin(2π/n)
    assert plot.geometry.area == pytest.approx(n / 2 * r**2 * math.sin(2 * math.pi / n), abs=0.5)
    assert len(plot.corners) == n


def test_the_first_crossing_of_a_large_table_is_named():
    # Corners 5000 and 15000 (opposite on the circle) exchanged: side B4999–B5000 now runs
    # across the circle from corner 4999 to the place of 15000, and side B15000–B15001 from
    # the place of 5000 to corner 15001. Their ends interleave around the circle, so they
    # cross; no side before B4999–B5000 crosses anything.
    text = _circle_table(20_000, 300.0, swap=(5000, 15000))
    with pytest.raises(PlotInputError) as info:
        read_corner_table(text, source="grand.txt", bounds=BOUNDS)
    assert info.value.key == "error.plot_self_crossing"
    assert info.value.params["first"] == "B4999–B5000"
    assert info.value.params["second"] == "B15000–B15001"
    assert info.value.params["line"] == 15_001


def test_too_many_corners_are_refused(monkeypatch):
    import terroffer.plot_input as plot_input

    monkeypatch.setattr(plot_input, "MAX_CORNERS", 10)
    with pytest.raises(PlotInputError) as info:
        read_corner_table(_circle_table(11, 100.0), source="trop.txt", bounds=BOUNDS)
    assert info.value.key == "error.plot_too_many_corners"
    assert "10" in info.value.message("fr") and "trop.txt" in info.value.message("fr")


# --------------------------------------------------------------------------- order of X and Y


def test_order_yx_reads_the_first_number_as_y():
    swapped = table([(y, x) for x, y in CORNERS])
    plot = read_corner_table(swapped, bounds=BOUNDS, order="yx")
    assert shapely.get_coordinates(plot.geometry)[:, 0].min() == pytest.approx(372145.20)
    assert plot.swapped is None and plot.warnings == ()


def test_a_table_without_header_keeps_x_first_and_the_other_reading():
    # Both readings fall inside BOUNDS (x 340-380 km, y 330-376 km): nothing tells them apart.
    plot = read_corner_table(table(CORNERS), bounds=BOUNDS)
    assert shapely.get_coordinates(plot.geometry)[:, 0].min() == pytest.approx(372145.20)
    assert shapely.get_coordinates(plot.swapped)[:, 0].min() == pytest.approx(367210.55)
    assert plot.swapped.area == pytest.approx(1600)
    # A header naming the columns, or an explicit order, says which reading is meant.
    assert read_corner_table(table(CORNERS, header="Borne X Y"), bounds=BOUNDS).swapped is None
    assert read_corner_table(table(CORNERS), bounds=BOUNDS, order="xy").swapped is None


def test_a_point_in_xy_keeps_the_other_reading_unless_the_order_is_given():
    p = plot_from_point(372150, 367220, bounds=BOUNDS, lonlat=False)
    assert (p.geometry.x, p.geometry.y) == (372150, 367220)
    assert (p.swapped.x, p.swapped.y) == (367220, 372150)
    q = plot_from_point(372150, 367220, bounds=BOUNDS, lonlat=False, order="yx")
    assert (q.geometry.x, q.geometry.y) == (367220, 372150) and q.swapped is None


def test_a_bad_order_is_an_option_error():
    from terroffer.errors import OptionError

    with pytest.raises(OptionError):
        read_corner_table(table(CORNERS), bounds=BOUNDS, order="zx")
    with pytest.raises(OptionError):
        plot_from_point(372150, 367220, bounds=BOUNDS, order="lonlat")


def test_points_that_are_not_finite_are_refused():
    for a, b in [(float("nan"), 367220.0), (372150.0, float("inf"))]:
        with pytest.raises(PlotInputError) as info:
            plot_from_point(a, b, bounds=BOUNDS, lonlat=False)
        assert info.value.key == "error.plot_not_finite"


# --------------------------------------------------------------------------- GeoJSON in Lambert


def test_geojson_in_lambert_without_crs_member_is_inferred(tmp_path):
    # GDAL reads such a file as WGS84: 372145 "degrees" would be refused or misplaced.
    ring = [list(c) for c in [*CORNERS, CORNERS[0]]]
    path = _geojson(tmp_path / "lambert.geojson", {"type": "Polygon", "coordinates": [ring]})
    plot = read_plot(path, bounds=BOUNDS)
    assert plot.geometry.area == pytest.approx(1600)
    assert shapely.get_coordinates(plot.geometry)[:, 0].min() == pytest.approx(372145.20)
    assert [w.key for w in plot.warnings] == ["plot.crs_inferred"]
    assert "EPSG:26191" in plot.warnings[0].message("fr")
    assert plot.swapped is not None  # no CRS, no order: both readings fall inside BOUNDS
    assert read_plot(path, bounds=BOUNDS, order="xy").swapped is None


def test_a_ring_gdal_closes_itself_is_said_not_warned(tmp_path, recwarn):
    # The ring of the 40 m square without its closing corner: GDAL closes it (with a
    # RuntimeWarning that would print above the answer); the plot says so instead.
    ring = [list(c) for c in CORNERS]
    path = _geojson(tmp_path / "ouvert.geojson", {"type": "Polygon", "coordinates": [ring]})
    plot = read_plot(path, bounds=BOUNDS, order="xy")
    assert plot.geometry.area == pytest.approx(1600)
    assert "plot.ring_closed" in [w.key for w in plot.warnings]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_a_plan_says_where_a_plot_should_fall(tmp_path):
    """read_plot(path, plan=plan) needs no bounds: a 40 m × 20 m rectangle gives 800 m²."""
    import terroffer
    from terroffer.errors import OptionError
    from tests.tiny import X0, Y0, tiny_plan

    plan = tiny_plan()
    table = tmp_path / "plot.txt"
    table.write_text(
        f"B1 {X0 + 10} {Y0 + 10}\nB2 {X0 + 50} {Y0 + 10}\nB3 {X0 + 50} {Y0 + 30}\nB4 {X0 + 10} {Y0 + 30}\n",
        encoding="utf-8",
    )
    plot = terroffer.read_plot(table, plan=plan)
    assert plot.geometry.area == pytest.approx(800.0)
    point = terroffer.plot_from_point(X0 + 10, Y0 + 10, plan=plan, lonlat=False, order="xy")
    assert (point.geometry.x, point.geometry.y) == (X0 + 10, Y0 + 10)
    with pytest.raises(OptionError):
        terroffer.read_plot(table)
