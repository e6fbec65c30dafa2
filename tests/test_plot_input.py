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
