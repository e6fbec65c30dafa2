"""Zone tiles of the tiny plan, decoded and checked against Web Mercator worked out by hand.

The tiny plan (tests/tiny.py) lies in Lambert (EPSG:26191); pyproj gives each corner's lon/lat,
and the tests then apply the Web Mercator and XYZ tile formulas themselves::

    X = R·λ,  Y = R·ln tan(π/4 + φ/2),  R = 6 378 137 m
    tile width w = 2πR / 2^z,  tile x = ⌊(X + πR) / w⌋,  tile y = ⌊(πR − Y) / w⌋
    in the tile (extent 4096, y down):  u = ((X + πR) / w − x)·4096,  v = ((πR − Y) / w − y)·4096
"""

from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pandas as pd
import pytest
import tornado.testing
import tornado.web
from pyproj import Transformer
from shapely.geometry import Polygon

from terroffer.app import tiles
from terroffer.app.filters import ZoneFilter
from terroffer.app.tiles import plan_key, tile_bytes, tile_handlers, tile_url
from terroffer.errors import OptionError
from terroffer.model import conform_reservations, conform_zones
from tests.tiny import CRS, X0, Y0, rect, tiny_plan

R = 6_378_137.0
HALF = math.pi * R
TO_LONLAT = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def mercator(x: float, y: float) -> tuple[float, float]:
    """Web Mercator metres of a Lambert point of the tiny plan, by the formula."""
    lon, lat = TO_LONLAT.transform(x, y)
    return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def tile_of(x: float, y: float, z: int) -> tuple[int, int]:
    mx, my = mercator(x, y)
    w = 2 * HALF / 2**z
    return math.floor((mx + HALF) / w), math.floor((HALF - my) / w)


def in_tile(x: float, y: float, z: int, tx: int, ty: int) -> tuple[float, float]:
    """Where a Lambert point falls in tile z/tx/ty, in tile units, y down."""
    mx, my = mercator(x, y)
    w = 2 * HALF / 2**z
    return ((mx + HALF) / w - tx) * 4096, ((HALF - my) / w - ty) * 4096


def decode(data: bytes) -> dict:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


def signed_area(ring: list[list[float]]) -> float:
    """Surveyor's formula, as the MVT specification states it (positive: clockwise on screen)."""
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True)) / 2


# ZT is the square x=100..200, y=0..100; its centre (150, 50) decides the tile.
CENTRE = (X0 + 150, Y0 + 50)
Z = 15


@pytest.fixture
def plan():  # type: ignore[no-untyped-def]
    return tiny_plan()


def zones_by_row(data: bytes) -> dict[int, dict]:
    return {f["properties"]["i"]: f for f in decode(data)["zones"]["features"]}


def test_the_square_lands_where_web_mercator_puts_it(plan) -> None:  # type: ignore[no-untyped-def]
    tx, ty = tile_of(*CENTRE, Z)
    corners = [in_tile(X0 + x, Y0 + y, Z, tx, ty) for x, y in [(100, 0), (200, 0), (200, 100), (100, 100)]]
    # a 100 m square is about 120 m of Mercator at 34° N: some 400 units of a 1,223 m tile
    assert all(0 < u < 4096 and 0 < v < 4096 for u, v in corners), "the square must lie inside the tile"
    zt = zones_by_row(tile_bytes(plan, Z, tx, ty))[2]
    assert zt["geometry"]["type"] == "Polygon"
    ring = zt["geometry"]["coordinates"][0]
    got = {tuple(p) for p in ring}
    assert len(got) == 4
    for u, v in corners:  # each corner on the tile's integer grid, so at most half a unit away
        assert min(math.hypot(u - a, v - b) for a, b in got) <= math.sqrt(0.5) + 1e-9


def test_outer_rings_turn_clockwise_on_screen_and_holes_the_other_way(plan) -> None:  # type: ignore[no-untyped-def]
    # ZT with a 20 m hole in its middle: x=140..160, y=40..60
    hole = [(X0 + 140, Y0 + 40), (X0 + 160, Y0 + 40), (X0 + 160, Y0 + 60), (X0 + 140, Y0 + 60)]
    shell = list(rect(100, 0, 200, 100).exterior.coords)
    zones = plan.zones.copy()
    zones.loc[2, "geometry"] = Polygon(shell, [hole])
    holed = dataclasses.replace(plan, zones=conform_zones(gpd.GeoDataFrame(zones, crs=CRS)))
    tx, ty = tile_of(*CENTRE, Z)
    rings = zones_by_row(tile_bytes(holed, Z, tx, ty))[2]["geometry"]["coordinates"]
    assert len(rings) == 2
    assert signed_area(rings[0]) > 0 > signed_area(rings[1])
    expected = [in_tile(x, y, Z, tx, ty) for x, y in hole]
    # the hole is 20 m of Lambert, about 24 m of Mercator: 80 units of the tile on each side
    assert abs(signed_area(rings[1])) == pytest.approx(
        abs(signed_area([list(p) for p in expected])), rel=0.03
    )
    for u, v in expected:
        assert min(math.hypot(u - a, v - b) for a, b in rings[1]) <= math.sqrt(0.5) + 1e-9


def test_properties_family_row_and_the_filter_mark(plan) -> None:  # type: ignore[no-untyped-def]
    tx, ty = tile_of(*CENTRE, Z)
    everyone = zones_by_row(tile_bytes(plan, Z, tx, ty))
    assert {i: f["properties"]["f"] for i, f in everyone.items()} == {
        0: "villa",
        1: "industry",
        2: "tourism",
        3: "green",
    }
    assert {f["properties"]["m"] for f in everyone.values()} == {1}  # no filter keeps every zone
    # the industry sector keeps I1 (row 1) alone
    industry = zones_by_row(tile_bytes(plan, Z, tx, ty, ZoneFilter.make(plan, sectors="industry")))
    assert {i: f["properties"]["m"] for i, f in industry.items()} == {0: 0, 1: 1, 2: 0, 3: 0}
    # by default plans in force only: ZT belongs to PA-D, under study
    default = zones_by_row(tile_bytes(plan, Z, tx, ty, ZoneFilter()))
    assert {i: f["properties"]["m"] for i, f in default.items()} == {0: 1, 1: 1, 2: 0, 3: 1}


def test_a_filter_change_cuts_no_geometry_again(plan, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A filter changes only the zones' marks: the tile's geometry is cut once, whatever the filter,
    # and the bytes of two filters differ only where a mark differs.
    tx, ty = tile_of(*CENTRE, Z)
    cuts: list[str] = []
    real_cut = tiles._cut
    monkeypatch.setattr(tiles, "_cut", lambda layer, *zxy: cuts.append("cut") or real_cut(layer, *zxy))
    everyone = tile_bytes(plan, Z, tx, ty)
    assert len(cuts) == 2  # zones, reservations
    industry = zones_by_row(tile_bytes(plan, Z, tx, ty, ZoneFilter.make(plan, sectors="industry")))
    villas = zones_by_row(tile_bytes(plan, Z, tx, ty, ZoneFilter.make(plan, families="villa")))
    assert len(cuts) == 2
    assert {i: f["properties"]["m"] for i, f in industry.items()} == {0: 0, 1: 1, 2: 0, 3: 0}
    assert {i: f["properties"]["m"] for i, f in villas.items()} == {0: 1, 1: 0, 2: 0, 3: 0}
    whole = zones_by_row(everyone)
    for i, feature in industry.items():
        assert feature["geometry"] == whole[i]["geometry"]
    default = tile_bytes(plan, Z, tx, ty, ZoneFilter())
    assert decode(everyone)["reservations"] == decode(default)["reservations"]


def test_the_shape_cache_keeps_to_its_budget() -> None:
    cache = tiles.TileCache(max_bytes=1000, size=lambda shapes: shapes.nbytes)
    empty = np.zeros(0, dtype=np.int64)

    def shapes(n_bytes: int) -> tiles._Shapes:
        return tiles._Shapes(empty, empty, np.zeros(0, dtype=object), np.zeros(n_bytes, np.uint8), empty, b"")

    cache.put((1, 0, 0), shapes(400))
    cache.put((1, 1, 0), shapes(400))
    assert cache.get((1, 0, 0)) is not None  # now the most recently used
    cache.put((1, 0, 1), shapes(400))  # 1,200 bytes: the least recently used (1, 1, 0) goes
    assert cache.get((1, 1, 0)) is None and cache.get((1, 0, 0)) is not None
    assert cache.size == 800 and len(cache) == 2


def test_reservations_say_which_are_roads(plan) -> None:  # type: ignore[no-untyped-def]
    school = gpd.GeoDataFrame(
        {"number": ["E-1"], "kind": ["school"], "plan_id": ["PA-T"]},
        geometry=[rect(110, 10, 140, 40)],
        crs=CRS,
    )
    both = gpd.GeoDataFrame(pd.concat([plan.reservations, school], ignore_index=True), crs=CRS)
    with_school = dataclasses.replace(plan, reservations=conform_reservations(both, CRS))
    tx, ty = tile_of(*CENTRE, Z)
    found = decode(tile_bytes(with_school, Z, tx, ty))["reservations"]["features"]
    assert sorted((f["properties"]["k"], f["properties"]["road"]) for f in found) == [
        ("road", 1),
        ("school", 0),
    ]
    # the road strip x=0..100, y=45..55: its corners where the formula puts them
    road = next(f for f in found if f["properties"]["k"] == "road")["geometry"]["coordinates"][0]
    for x, y in [(0, 45), (100, 45), (100, 55), (0, 55)]:
        u, v = in_tile(X0 + x, Y0 + y, Z, tx, ty)
        assert min(math.hypot(u - a, v - b) for a, b in road) <= math.sqrt(0.5) + 1e-9


def test_a_zone_smaller_than_a_pixel_is_left_out(plan) -> None:  # type: ignore[no-untyped-def]
    # At zoom 10 a screen pixel is 2πR / 2^10 / 256 = 152.9 m of Mercator; the tiny plan's largest
    # zone, ZT, is 100 m x 100 m of Lambert, about 120 m x 120 m of Mercator: under one pixel.
    (x0, y0), (x1, y1) = mercator(X0 + 100, Y0), mercator(X0 + 200, Y0 + 100)
    pixel = 2 * HALF / 2**10 / 256
    assert (x1 - x0) * (y1 - y0) < pixel**2
    assert "zones" not in decode(tile_bytes(plan, 10, *tile_of(*CENTRE, 10)))
    # at zoom 11 the pixel is half as wide (76.4 m): a quarter of the area, and ZT is drawn
    assert (x1 - x0) * (y1 - y0) > (pixel / 2) ** 2
    assert 2 in zones_by_row(tile_bytes(plan, 11, *tile_of(*CENTRE, 11)))


def test_geometry_is_clipped_to_the_tile_and_its_buffer(plan) -> None:  # type: ignore[no-untyped-def]
    # at zoom 20 a tile is 38 m of Mercator and ZT reaches 60 m from its centre: it fills the tile
    tx, ty = tile_of(*CENTRE, 20)
    ring = zones_by_row(tile_bytes(plan, 20, tx, ty))[2]["geometry"]["coordinates"][0]
    us, vs = [p[0] for p in ring], [p[1] for p in ring]
    buffer = tiles.BUFFER
    assert min(us) == min(vs) == -buffer and max(us) == max(vs) == 4096 + buffer


def test_a_tile_away_from_the_plan_is_empty(plan) -> None:  # type: ignore[no-untyped-def]
    tx, ty = tile_of(*CENTRE, Z)
    assert tile_bytes(plan, Z, tx + 5, ty) == b""
    assert decode(b"") == {}


@pytest.mark.parametrize(
    "zxy",
    [(-1, 0, 0), (2, 4, 0), (2, 0, 4), (2, -1, 0), (tiles.MAX_ZOOM + 1, 0, 0), (2.0, 1, 1), (True, 0, 0)],
)
def test_a_tile_off_the_grid_is_refused(plan, zxy) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OptionError, match="not a map tile"):
        tile_bytes(plan, *zxy)


def test_the_url_template_names_the_filter_and_the_plan(plan, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    only = ZoneFilter.make(plan, sectors="industry")
    key = plan_key(plan)
    assert len(key) == 12 and int(key, 16) >= 0
    assert tile_url(plan, only, "/agency/") == (
        f"/agency/terroffer/tiles/{{z}}/{{x}}/{{y}}.pbf?sectors=industry&statuses=approved&statuses=unknown&plan={key}"
    )
    monkeypatch.setenv("TERROFFER_BASE_URL", "/booth")
    assert tile_url(plan, only).startswith("/booth/terroffer/tiles/{z}/{x}/{y}.pbf?sectors=industry&")
    monkeypatch.delenv("TERROFFER_BASE_URL")
    everything = ZoneFilter(statuses=())
    assert tile_url(plan, everything) == f"/terroffer/tiles/{{z}}/{{x}}/{{y}}.pbf?statuses=&plan={key}"


def test_the_plan_key_is_stable_and_follows_the_plan(plan) -> None:  # type: ignore[no-untyped-def]
    assert plan_key(plan) == plan_key(tiny_plan())
    moved = tiny_plan()
    moved.zones.loc[0, "geometry"] = rect(0, 0, 61, 100)
    assert plan_key(moved) != plan_key(plan)
    renamed = tiny_plan()
    renamed.zones.loc[1, "family"] = "mixed_centre"
    assert plan_key(renamed) != plan_key(plan)
    stricter = tiny_plan()
    stricter.rules.loc[0, "max_floors"] = 1
    assert plan_key(stricter) != plan_key(plan)


def test_the_encoder_agrees_with_mapbox_vector_tile_on_a_busy_tile_of_the_sample() -> None:
    # The same clipped and simplified geometries, moved into the tile here, through the reference
    # encoder (pure Python): both tiles decode to the same zones, shapes and properties.
    import shapely
    import shapely.geometry

    import terroffer

    sample = terroffer.load_plan()
    z, x, y = 13, 3938, 3274  # over Témara
    rows, geoms, _ = tiles._cut(tiles._tile_index(sample).zones, z, x, y)
    # into the tile by the formula of the module's docstring, y down
    w = 2 * HALF / 2**z
    left, top = -HALF + x * w, HALF - y * w
    geoms = shapely.transform(geoms, lambda xy: (xy - (left, top)) * (4096 / w, -4096 / w))
    families = sample.zones["family"].astype(str).to_numpy()
    reference = mapbox_vector_tile.encode(
        [
            {
                "name": "zones",
                "features": [
                    {"geometry": g, "properties": {"f": families[r], "m": 1, "i": int(r)}}
                    for r, g in zip(rows, geoms, strict=True)
                    if not g.is_empty
                ],
            }
        ],
        default_options={"y_coord_down": True},
    )
    theirs = {f["properties"]["i"]: f for f in decode(reference)["zones"]["features"]}
    ours = {f["properties"]["i"]: f for f in decode(tile_bytes(sample, z, x, y))["zones"]["features"]}
    assert len(ours) > 100 and set(ours) == set(theirs)
    for i, feature in ours.items():
        assert feature["properties"] == theirs[i]["properties"]
        a, b = (shapely.geometry.shape(f["geometry"]) for f in (feature, theirs[i]))
        assert a.symmetric_difference(b).area <= 1.0, i  # square tile units


def test_the_command_stream_of_a_square_as_the_specification_writes_it() -> None:
    # MVT 2.1, 4.3: MoveTo(1) = 1 | 1 << 3 = 9, LineTo(3) = 2 | 3 << 3 = 26, ClosePath = 7 | 1 << 3 = 15;
    # deltas zigzag-encoded: 0 -> 0, 10 -> 20, -10 -> 19. A square turning clockwise on screen
    # (y down) is an outer ring as it is; the repeated corner and the closing point are dropped.
    square = Polygon([(0, 0), (10, 0), (10, 0), (10, 10), (0, 10), (0, 0)])
    # the second feature, 100 units to the right, drawn the other way round: it must be turned,
    # and its cursor starts again at (0, 0)
    turned = Polygon([(100, 0), (100, 10), (110, 10), (110, 0)])
    # a sliver a tenth of a unit wide rounds onto a line: no ring is left, no feature
    sliver = Polygon([(0, 0), (50, 0.1), (50, 0.2)])
    kept, stream, offsets = tiles._polygon_commands(np.array([square, sliver, turned], dtype=object))
    assert kept.tolist() == [0, 2]
    first, second = (stream[offsets[j] : offsets[j + 1]].tolist() for j in range(2))
    assert first == [9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15]
    # turned, its points reversed: (110, 0) (110, 10) (100, 10) (100, 0), whose area is +100
    assert second == [9, 220, 0, 26, 0, 20, 19, 0, 0, 19, 15]
    assert signed_area([[110, 0], [110, 10], [100, 10], [100, 0]]) == 100


def test_the_cache_drops_the_least_recently_used_tile_first() -> None:
    cache = tiles.TileCache(max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"5678")
    assert cache.get("a") == b"1234"  # a is now the most recent
    cache.put("c", b"9abc")  # 12 bytes: over 10, the oldest (b) goes
    assert (cache.get("b"), len(cache), cache.size) == (None, 2, 8)
    assert cache.get("a") == b"1234" and cache.get("c") == b"9abc"


def test_hand_made_filters_do_not_pile_up_in_the_server() -> None:
    server = tiles._TileServer(load=tiny_plan)
    for n in range(tiles.MAX_FILTERS + 50):  # a visitor's script trying every minimum area
        key, zone_filter = server.prepare(f"min_area_m2={n + 1}")
        assert zone_filter.min_area_m2 == n + 1
    assert 0 < len(server.plan()._cache["zone_filter"]) <= tiles.MAX_FILTERS
    server.pool.shutdown()


# ------------------------------------------------------------------------------ the handler


class TileRoute(tornado.testing.AsyncHTTPTestCase):
    """The tornado route on the tiny plan, without Voilà."""

    def get_app(self) -> tornado.web.Application:
        self.plan = tiny_plan()
        self.cuts = 0
        real = tiles.tile_bytes

        def counting(*args: object, **kwargs: object) -> bytes:
            self.cuts += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        self._patch = pytest.MonkeyPatch()
        self._patch.setattr(tiles, "tile_bytes", counting)
        self._patch.delenv("TERROFFER_LANG", raising=False)
        return tornado.web.Application(tile_handlers("/", load=tiny_plan))

    def tearDown(self) -> None:
        self._patch.undo()
        super().tearDown()

    def path(self, z: int, x: int, y: int, query: str) -> str:
        return f"/terroffer/tiles/{z}/{x}/{y}.pbf?{query}"

    def test_a_tile_then_the_same_from_the_cache(self) -> None:
        tx, ty = tile_of(*CENTRE, Z)
        template = tile_url(self.plan, ZoneFilter.make(self.plan, sectors="industry"))
        url = template.replace("{z}", str(Z)).replace("{x}", str(tx)).replace("{y}", str(ty))
        first = self.fetch(url)
        assert first.code == 200
        assert first.headers["Content-Type"] == "application/x-protobuf"
        assert "max-age" in first.headers["Cache-Control"]
        assert {
            f["properties"]["i"]: f["properties"]["m"] for f in decode(first.body)["zones"]["features"]
        } == {
            0: 0,
            1: 1,
            2: 0,
            3: 0,
        }
        # the same filter written in another order is the same tile, cut once
        again = self.fetch(
            self.path(
                Z, tx, ty, f"statuses=unknown&sectors=industry&statuses=approved&plan={plan_key(self.plan)}"
            )
        )
        assert again.body == first.body
        assert self.cuts == 1

    def test_a_tile_away_from_the_plan_is_an_empty_200(self) -> None:
        tx, ty = tile_of(*CENTRE, Z)
        answer = self.fetch(self.path(Z, tx + 5, ty, ""))
        assert (answer.code, answer.body) == (200, b"")

    def test_refusals_say_why_without_a_traceback(self) -> None:
        tx, ty = tile_of(*CENTRE, Z)
        cases = {
            self.path(Z, tx, ty, "communes=Atlantis"): 400,  # FilterError: no such commune
            self.path(Z, tx, ty, "min_area_m2=lots"): 400,  # OptionError
            f"/terroffer/tiles/{Z}/{tx}/abc.pbf": 400,
            f"/terroffer/tiles/{Z}/{tx}/{ty}.5.pbf": 400,
            "/terroffer/tiles/3/8/0.pbf": 404,  # x beyond the 8 tiles of zoom 3
            f"/terroffer/tiles/{tiles.MAX_ZOOM + 1}/0/0.pbf": 404,
            self.path(Z, tx, ty, "plan=000000000000"): 409,  # a kernel holding another plan
        }
        for path, status in cases.items():
            answer = self.fetch(path)
            text = answer.body.decode("utf-8")
            assert answer.code == status, (path, text)
            assert "Traceback" not in text and 'File "' not in text
            assert answer.headers["Content-Type"].startswith("text/plain")
        assert "Atlantis" in self.fetch(self.path(Z, tx, ty, "communes=Atlantis")).body.decode()
        assert self.cuts == 0
