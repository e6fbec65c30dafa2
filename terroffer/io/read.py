"""``load_plan``: any supported source -> a canonical :class:`~terroffer.model.Plan`.

The steps, each in its own module: detect the format (``detect``), read the raw layer
with the right encoding (``encoding``), settle the CRS (``crs``), clean the geometry
(``geometry``), map the columns (``profiles``), then assemble the five tables.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from terroffer.errors import CRSError, DataSourceError, EncodingError, SchemaError, TerrofferError
from terroffer.io._digest import read_layer_with_digest
from terroffer.io.crs import crs_label, fits, infer_crs, looks_like, metric_crs, parse_crs
from terroffer.io.detect import Format, detect_format
from terroffer.io.encoding import declared_encoding, guess_encoding, normalize_encoding, raw_text_sample
from terroffer.io.geometry import clean_polygons, drop_invalid_coordinates
from terroffer.io.profiles import detect_profile, get_profile, map_zone_columns
from terroffer.io.sample import default_plan_path
from terroffer.io.store import RESERVED_FOR, RESERVED_LAYER, reserved_stamp
from terroffer.io.territory import check_order, order_readings, swap_xy
from terroffer.model import (
    PLAN_COLUMNS,
    TERRITORY_CRS,
    ZONE_COLUMNS,
    Notice,
    Plan,
    Problem,
    SourceInfo,
    conform_communes,
    conform_plans,
    conform_reservations,
    conform_rules,
    conform_zones,
)
from terroffer.reference import reservation_kind_of_text

__all__ = ["load_plan"]

CANONICAL_LAYERS = ("zones", "rules", "reservations", "plans", "communes")
_TEXT_ENCODED = ("ESRI Shapefile", "MapInfo File")


def load_plan(
    source: str | os.PathLike[str] | None = None,
    *,
    layer: str | None = None,
    crs: str | int | CRS | None = None,
    encoding: str | None = None,
    profile: str | os.PathLike[str] | None = None,
    rules: str | os.PathLike[str] | pd.DataFrame | None = None,
    territory_crs: str = TERRITORY_CRS,
    order: str | None = None,
) -> Plan:
    """Load a zoning plan from a file or folder into the canonical model.

    Parameters
    ----------
    source
        A GeoPackage (terroffer's five layers, or any zones layer), Shapefile (or a
        ``.zip`` holding one), GeoJSON, KML/KMZ, MapInfo TAB/MIF, DXF, GeoParquet or
        GML file, or a CNIG delivery folder. By default ``TERROFFER_PLAN``, else the
        bundled Skhirat-Témara sample.
    layer
        The zones layer, when the source has several and the choice is not obvious.
    crs
        The source's CRS when it has none or a wrong one (``"EPSG:26191"``, ``26191``);
        it overrides a ``.prj``. Refused when the coordinates cannot be in it.
    encoding
        The text encoding of a Shapefile or MapInfo table, overriding detection.
    profile
        Column mapping: ``"canonical"``, ``"cnig"``, ``"generic"`` or a YAML file;
        detected from the columns by default.
    rules
        A CSV/XLSX file or DataFrame of rules (canonical rule columns) for a source
        that carries only zones; for a canonical GeoPackage it replaces the stored rules.
    territory_crs
        The metric CRS of the territory; plans lying in its area are stored in it.
    order
        ``"xy"`` (X, the easting, first: the surveyors' convention) or ``"yx"`` (the
        columns are swapped). By default X first, with a warning when a file without a
        CRS falls on the territory read either way.

    Returns
    -------
    Plan
        Zones, rules, reservations, plans and communes in a metric CRS, with the
        loader's warnings and the defects it repaired.

    Raises
    ------
    DataSourceError, CRSError, EncodingError, SchemaError
        With a message that names the source and says what to do.
    OptionError
        When ``order`` is neither ``"xy"`` nor ``"yx"``.
    """
    path = Path(default_plan_path() if source is None else source)
    order = check_order(order)
    fmt = detect_format(path)
    user_crs = parse_crs(crs, path) if crs is not None else None
    user_encoding = None
    if encoding is not None:
        try:
            user_encoding = normalize_encoding(encoding)
        except LookupError as exc:
            raise EncodingError("error.bad_encoding", path, encoding=encoding) from exc
    try:
        names = _layer_names(fmt.path) if fmt.driver == "GPKG" else set()
        if layer is None and {"zones", "rules"} <= names:
            return _load_store(fmt, path, user_crs, territory_crs, names, rules, order)
        return _load_layer(fmt, path, layer, user_crs, user_encoding, profile, rules, territory_crs, order)
    except TerrofferError:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _unreadable(path, exc) from exc
    except (pyogrio.errors.FieldError, pyogrio.errors.GeometryError) as exc:
        raise _unreadable(path, exc) from exc
    except UnicodeDecodeError as exc:
        raise EncodingError("error.decode_failed", path, encoding=exc.encoding) from exc
    except (OSError, ValueError, shapely.errors.ShapelyError) as exc:
        # The last net: a damaged file that slipped past the checks above is still the
        # user's file, named, never a traceback.
        raise _unreadable(path, exc) from exc


def _unreadable(path: str | Path, exc: BaseException) -> DataSourceError:
    """The error for a file GDAL or Arrow cannot read: damaged, or not what its name says."""
    text = str(exc)
    if "geo metadata" in text:
        return DataSourceError("error.no_geometry", path)
    if Path(str(path)).is_dir():  # a delivery folder: GDAL's own words name the file inside
        return DataSourceError("error.unreadable", path, reason=_first_line(exc))
    if "not recognized as being in a supported file format" in text or "magic bytes" in text:
        kind = Path(str(path)).suffix.lstrip(".").upper() or "?"
        return DataSourceError("error.not_this_format", path, kind=kind)
    return DataSourceError("error.unreadable", path, reason=_first_line(exc))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


# ----------------------------------------------------------------------------- store


def _layer_names(path: str) -> set[str]:
    try:
        return {str(n) for n, _ in pyogrio.list_layers(path)}
    except pyogrio.errors.DataSourceError as exc:
        raise _unreadable(path, exc) from exc


def _store_meta(path: str, names: set[str]) -> dict[str, str]:
    if "terroffer_meta" not in names:
        return {}
    meta = pyogrio.read_dataframe(path, layer="terroffer_meta", read_geometry=False)
    return {str(k): str(v) for k, v in zip(meta["key"], meta["value"], strict=True)}


def _read_table(path: str, name: str, names: set[str]) -> pd.DataFrame | None:
    if name not in names:
        return None
    return pyogrio.read_dataframe(path, layer=name, use_arrow=True, read_geometry=True)


def _load_store(
    fmt: Format,
    path: Path,
    user_crs: CRS | None,
    territory_crs: str,
    names: set[str],
    rules_source: str | os.PathLike[str] | pd.DataFrame | None = None,
    order: str | None = None,
) -> Plan:
    """A GeoPackage in terroffer's own layout: read each table, check its geometry.

    The zones' validity and duplicate checks, the costly part, are skipped only when
    the store's recorded digest proves the geometry is the one terroffer verified.
    """
    warn: list[Notice] = []
    spatial = {str(n) for n, g in pyogrio.list_layers(fmt.path) if g is not None}
    if "zones" not in spatial:
        raise DataSourceError("error.no_geometry", path)
    for name in ("reservations", "communes"):
        if name in names and name not in spatial:
            raise DataSourceError("error.store_layer_not_spatial", path, layer=name)
    raw, digest = read_layer_with_digest(fmt.path, "zones", columns=list(ZONE_COLUMNS))
    if len(raw) == 0:
        raise DataSourceError("error.no_features", path)
    meta = _store_meta(fmt.path, names)
    verified = meta.get("zones_verified") == digest and order != "yx"
    repairs: list[Problem] = []
    bad = None
    if not verified:
        raw, bad = drop_invalid_coordinates(raw)
        repairs += [bad] if bad is not None else []
    if order == "yx":
        raw = _swapped(raw)
    # the layer's extent from the GeoPackage header: no pass over 100,000 geometries
    header_bounds = None
    if order != "yx" and bad is None:
        header_bounds = pyogrio.read_info(fmt.path, layer="zones").get("total_bounds")
    raw = _settle_crs(raw, user_crs, path, fmt, warn, territory_crs, order, header_bounds)
    target = metric_crs(raw.crs, _lonlat_bounds(raw, header_bounds), territory_crs)
    zones, zone_repairs = _prepare_polygons(raw, target, dedupe_on=["zone_code"], verified=verified)
    repairs += zone_repairs
    if zones.empty:
        raise DataSourceError("error.no_polygons", path)
    if rules_source is not None:
        rules = _rules_from(rules_source, path)
        warn.append(Notice("warn.rules_replaced", {"source": path.name, "rules": _name_of(rules_source)}))
    else:
        rules = _read_table(fmt.path, "rules", names)
    plans = _read_table(fmt.path, "plans", names)
    res, res_verified, res_digest, res_as_stored = None, False, "", False
    if "reservations" in names:
        res, res_digest = read_layer_with_digest(fmt.path, "reservations")
        res_verified = meta.get("reservations_verified") == res_digest and order != "yx"
        if order == "yx":
            res = _swapped(res)
    communes = _read_table(fmt.path, "communes", names)
    if res is not None:
        if res.crs is None:
            res = res.set_crs(raw.crs)
        res_as_stored = res_verified and res.crs.equals(target)  # checked, and not reprojected
        res, res_repairs = _prepare_polygons(res, target, verified=res_verified)
        repairs += [Problem("reservation_" + p.kind, p.count, p.where) for p in res_repairs]
    if communes is not None:
        if order == "yx":
            communes = _swapped(communes)
        communes = communes.to_crs(target) if communes.crs is not None else communes.set_crs(target)
    zones = conform_zones(zones)
    rules = _drop_geometry(rules)
    if rules is not None and rules_source is not None:
        rules = _fill_plan_id(rules, sorted(zones["plan_id"].dropna().astype(str).unique()), rules_source)
    plan = Plan(
        zones=zones,
        rules=conform_rules(rules, repairs),
        reservations=conform_reservations(res, target),
        plans=conform_plans(_drop_geometry(plans)),
        communes=conform_communes(communes, target),
        source=SourceInfo(
            path=str(path),
            driver="GPKG",
            crs=crs_label(target),
            crs_inferred=any(n.key in _CRS_GUESSES for n in warn),
            encoding="UTF-8",
            profile="canonical",
            layers=tuple(sorted(names)),
            features=len(raw),
        ),
        warnings=warn,
        repairs=repairs,
    )
    _finish(plan)
    # the reserved areas stored with the plan hold only for the geometry they were worked out on:
    # both layers' digests as read now, in the CRS the areas are in, every row kept as it was
    if verified and res_as_stored and raw.crs is not None and raw.crs.equals(target):
        stamp = reserved_stamp(digest, res_digest, crs_label(target))
        _use_stored_reserved(plan, fmt.path, names, meta, stamp)
    return plan


def _use_stored_reserved(plan: Plan, path: str, names: set[str], meta: dict[str, str], stamp: str) -> None:
    """Keep the store's reserved area of each zone with ``plan`` when it was computed on this geometry."""
    from terroffer._offer import RESERVED_KEY

    if meta.get(RESERVED_FOR) != stamp or RESERVED_LAYER not in names:
        return
    table = pyogrio.read_dataframe(path, layer=RESERVED_LAYER, read_geometry=False, use_arrow=True)
    if "reserved_m2" not in table or len(table) != len(plan.zones):
        return
    values = pd.to_numeric(table["reserved_m2"], errors="coerce").to_numpy(dtype="float64")
    if not np.isfinite(values).all() or (values < 0).any():
        return
    values.flags.writeable = False
    plan._cache[RESERVED_KEY] = values


def _swapped(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geoms = swap_xy(np.asarray(frame.geometry.array, dtype=object))
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def _name_of(source: object) -> str:
    return "DataFrame" if isinstance(source, pd.DataFrame) else Path(source).name  # type: ignore[arg-type]


def _fill_plan_id(rules: pd.DataFrame, plan_ids: list[str], source: object) -> pd.DataFrame:
    """Rules of a separate file for a store: a row without ``plan_id`` belongs to the one plan.

    With several plans in the store such a row could belong to any: refused.
    """
    rules = rules.copy()
    missing = rules["plan_id"].isna() if "plan_id" in rules else pd.Series(True, index=rules.index)
    if missing.any():
        if len(plan_ids) != 1:
            raise SchemaError("error.rules_need_plan_id", _name_of(source), plans=tuple(plan_ids))
        rules["plan_id"] = (
            rules["plan_id"].where(~missing, plan_ids[0]) if "plan_id" in rules else plan_ids[0]
        )
    return rules


def _drop_geometry(df: pd.DataFrame | None) -> pd.DataFrame | None:
    if df is None:
        return None
    if isinstance(df, gpd.GeoDataFrame) or "geometry" in df.columns:
        return pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
    return df


# ----------------------------------------------------------------------------- layers


def _choose_layer(fmt: Format, path: Path, layer: str | None) -> str | None:
    try:
        layers = pyogrio.list_layers(fmt.path)
    except pyogrio.errors.DataSourceError as exc:
        raise _unreadable(path, exc) from exc
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise DataSourceError("error.no_such_layer", path, layer=layer, layers=tuple(names))
        return layer
    spatial = [str(n) for n, g in layers if g is not None]
    if len(names) <= 1:
        return names[0] if names else None
    if not spatial:
        raise DataSourceError("error.no_spatial_layer", path)
    if len(spatial) == 1:
        return spatial[0]

    def score(name: str) -> int:
        low = name.lower()
        return (
            2 * ("zone" in low)
            + 2 * ("zonage" in low or "zoning" in low)
            + ("urba" in low)
            - 2 * ("perimetre" in low or "prescription" in low or "info" in low)
        )

    ranked = sorted(spatial, key=score, reverse=True)
    if score(ranked[0]) > 0 and score(ranked[0]) > score(ranked[1]):
        return ranked[0]
    raise DataSourceError("error.ambiguous_layer", path, layers=tuple(spatial))


#: The files a multi-file format cannot be read without, beside the one named.
_REQUIRED_PARTS = {".shp": (".dbf", ".shx"), ".tab": (".dat", ".map"), ".mif": (".mid",)}


def _check_shapefile_parts(path: Path) -> None:
    """A Shapefile or MapInfo table missing a part: say which, instead of GDAL's puzzle."""
    needed_parts = _REQUIRED_PARTS.get(path.suffix.lower())
    if needed_parts is None or str(path).startswith("/vsi"):
        return
    siblings = {p.suffix.lower() for p in path.parent.glob(path.stem + ".*") if p.stem == path.stem}
    key = "error.shapefile_part_missing" if path.suffix.lower() == ".shp" else "error.mapinfo_part_missing"
    for needed in needed_parts:
        if needed not in siblings:
            raise DataSourceError(key, path, part=needed)


def _read_raw(
    fmt: Format, path: Path, layer: str | None, user_encoding: str | None, warn: list[Notice]
) -> tuple[gpd.GeoDataFrame, str, bool]:
    """The raw layer, strings decoded right; returns (frame, encoding, encoding_inferred)."""
    if fmt.driver == "Parquet":
        try:
            return gpd.read_parquet(fmt.path), "UTF-8", False
        except Exception as exc:  # pyarrow raises a zoo of types for a bad file
            raise _unreadable(path, exc) from exc
    if fmt.driver in ("LIBKML", "DXF"):
        return _read_all_layers(fmt), "UTF-8", False
    if fmt.driver not in _TEXT_ENCODED:
        return _read_ogr(fmt.path, layer), "UTF-8", False
    if user_encoding is not None:
        return _read_ogr(fmt.path, layer, encoding=user_encoding), user_encoding, False
    declared = declared_encoding(fmt.path, fmt.driver)
    if declared is not None:
        return _read_ogr(fmt.path, layer), declared, False
    guessed, meaningful = guess_encoding(raw_text_sample(fmt.path, fmt.driver))
    if not meaningful:
        return _read_ogr(fmt.path, layer), "ASCII", False
    raw = _read_ogr(fmt.path, layer, encoding=guessed)
    warn.append(Notice("warn.encoding_inferred", {"source": path.name, "encoding": guessed}))
    return raw, guessed, True


def _read_ogr(path: str, layer: str | None, encoding: str | None = None) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return pyogrio.read_dataframe(path, layer=layer, encoding=encoding)


def _read_all_layers(fmt: Format) -> gpd.GeoDataFrame:
    frames = []
    for name, _ in pyogrio.list_layers(fmt.path):
        df = _read_ogr(fmt.path, str(name))
        if len(df):
            if "layer_name" not in df.columns:
                df["layer_name"] = str(name)
            frames.append(df)
    if not frames:
        raise DataSourceError("error.no_features", fmt.path)
    crs = next((f.crs for f in frames if f.crs is not None), None)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)


_DXF_PREFIX = re.compile(r"^(?i:zone|zones|zonage|zoning|z)[\s_\-]+")


def _dxf_codes(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """DXF: zone code from a text label inside the ring, else from the layer name (``ZONE_V1`` -> ``V1``)."""
    geoms = np.asarray(raw.geometry.array, dtype=object)
    text = raw["Text"] if "Text" in raw.columns else pd.Series(None, index=raw.index)
    is_label = text.notna().to_numpy() & (shapely.get_type_id(geoms) == 0)
    labels = raw[is_label]
    shapes = raw[~is_label].copy()
    layer = (
        shapes["Layer"].astype("str")
        if "Layer" in shapes.columns
        else pd.Series(None, index=shapes.index, dtype="str")
    )
    prefixed = layer.str.match(_DXF_PREFIX).fillna(False).astype(bool)
    shapes["zone_code"] = layer.str.replace(_DXF_PREFIX, "", regex=True).where(prefixed)
    if len(labels):
        rings = _as_areas(np.asarray(shapes.geometry.array, dtype=object))
        tree = shapely.STRtree(rings)
        pts = np.asarray(labels.geometry.array, dtype=object)
        pt_idx, ring_idx = tree.query(pts, predicate="within")
        found = pd.Series(labels["Text"].to_numpy()[pt_idx], index=shapes.index[ring_idx])
        found = found[~found.index.duplicated()]
        shapes.loc[found.index, "zone_code"] = found.str.strip()
    return shapes.drop(columns=[c for c in ("Text",) if c in shapes.columns])


def _as_areas(geoms: np.ndarray) -> np.ndarray:
    out = []
    for g in geoms:
        if (
            g is not None
            and shapely.get_type_id(g) in (1, 2)
            and shapely.is_closed(g)
            and shapely.get_num_points(g) >= 4
        ):
            out.append(shapely.Polygon(shapely.get_coordinates(g)))
        elif g is not None and shapely.get_type_id(g) in (3, 6):
            out.append(g)
        else:
            out.append(shapely.Polygon())
    return np.asarray(out, dtype=object)


def _lonlat_bounds(gdf: gpd.GeoDataFrame, bounds: Any = None) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = gdf.total_bounds if bounds is None or not np.all(np.isfinite(bounds)) else bounds
    if gdf.crs is None or gdf.crs.is_geographic:
        return (float(minx), float(miny), float(maxx), float(maxy))
    from pyproj import Transformer

    t = Transformer.from_crs(gdf.crs, "EPSG:4326", always_xy=True)
    return tuple(float(v) for v in t.transform_bounds(minx, miny, maxx, maxy))  # type: ignore[return-value]


_CRS_GUESSES = ("warn.crs_inferred", "warn.crs_contradicted")


def _settle_crs(
    raw: gpd.GeoDataFrame,
    user_crs: CRS | None,
    path: Path,
    fmt: Format,
    warn: list[Notice],
    territory_crs: str,
    order: str | None,
    bounds: Any = None,
) -> gpd.GeoDataFrame:
    """The layer with the CRS its coordinates are in, and what was guessed, said.

    ``--crs`` wins over whatever the file declares, but numbers that cannot be in it
    are refused (Lambert metres declared as degrees would put every zone at infinity).
    A CRS the file declares and its numbers contradict is replaced by the inferred one,
    with a warning naming both; a file with no CRS gets the inferred one. When the
    inferred CRS is the territory's Lambert and the coordinates fall on the territory
    read X-first and Y-first alike, the X-first reading is kept and the ambiguity said.
    """
    box = _bounds(raw, bounds)
    if not all(np.isfinite(box)):
        raise DataSourceError("error.no_features", path)
    if user_crs is not None:
        if not fits(box, user_crs):
            looks = looks_like(box, territory_crs)
            key = "error.crs_contradicts" if looks else "error.crs_contradicts_unknown"
            raise CRSError(key, path, crs=crs_label(user_crs), looks=looks or "")
        return raw.set_crs(user_crs, allow_override=True)
    declared = raw.crs
    if declared is None:
        _check_prj(path, fmt)
    elif fits(box, declared):
        return raw
    guessed, why = infer_crs(box, path, territory_crs)
    if declared is None or _geojson_without_crs(fmt, declared):
        warn.append(Notice("warn.crs_inferred", {"source": path.name, "crs": crs_label(guessed), "why": why}))
    else:
        warn.append(
            Notice(
                "warn.crs_contradicted",
                {"source": path.name, "declared": crs_label(declared), "crs": crs_label(guessed), "why": why},
            )
        )
    if why == "lambert" and order is None:
        _warn_order(box, path, warn)
    return raw.set_crs(guessed, allow_override=True)


def _bounds(raw: gpd.GeoDataFrame, bounds: Any = None) -> tuple[float, float, float, float]:
    if bounds is not None and np.all(np.isfinite(bounds)):
        box = tuple(float(v) for v in bounds)
    else:
        box = tuple(float(v) for v in raw.total_bounds)
    return box  # type: ignore[return-value]


def _warn_order(box: tuple[float, float, float, float], path: Path, warn: list[Notice]) -> None:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    readings = order_readings(x, y)
    if readings is None:
        return
    (fr, ar), (swapped_fr, swapped_ar) = readings
    warn.append(
        Notice(
            "warn.xy_ambiguous",
            {
                "source": path.name,
                "x": x,
                "y": y,
                "commune_fr": fr,
                "commune_ar": ar,
                "swapped_fr": swapped_fr,
                "swapped_ar": swapped_ar,
            },
        )
    )


def _prj_of(fmt: Format) -> Path | None:
    """The ``.prj`` beside a Shapefile on disk (any case), when there is a non-empty one."""
    shp = Path(fmt.path)
    if shp.suffix.lower() != ".shp" or fmt.path.startswith("/vsi"):
        return None
    prj = next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == ".prj"), None)
    return prj if prj is not None and prj.stat().st_size > 0 else None


def _check_prj(path: Path, fmt: Format) -> None:
    """A Shapefile whose ``.prj`` is there but names no CRS GDAL knows: say so, not "no CRS"."""
    prj = _prj_of(fmt)
    if prj is not None:
        raise CRSError("error.bad_prj", prj)


def _read_without_prj(
    fmt: Format, path: Path, layer: str | None, user_encoding: str | None, warn: list[Notice]
) -> tuple[gpd.GeoDataFrame, str, bool]:
    """The Shapefile read from links to its parts but the ``.prj`` (GDAL has no option to ignore it)."""
    shp = Path(fmt.path)
    with tempfile.TemporaryDirectory(prefix="terroffer-") as folder:
        for part in shp.parent.glob(shp.stem + ".*"):
            if part.stem == shp.stem and part.suffix.lower() != ".prj":
                os.symlink(part.resolve(), Path(folder) / part.name)
        bare = Format(fmt.driver, str(Path(folder) / shp.name), fmt.label)
        return _read_raw(bare, path, layer, user_encoding, warn)


def _geojson_without_crs(fmt: Format, declared: CRS) -> bool:
    """GDAL gives a GeoJSON without a ``crs`` member WGS84: that is no declaration by the file."""
    if fmt.driver != "GeoJSON" or not declared.is_geographic:
        return False
    if fmt.path.startswith("/vsi"):  # inside an archive: most GeoJSON exports carry no crs member
        return True
    with open(fmt.path, "rb") as fh:
        head = fh.read(65536)
    return b'"crs"' not in head


def _prepare_polygons(
    raw: gpd.GeoDataFrame, target: CRS, dedupe_on: list[str] | None = None, verified: bool = False
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Clean in the source CRS, then reproject.

    Repairs stay exact that way, and their locations are reported in the target CRS.
    """
    cleaned, problems = clean_polygons(raw, dedupe_on=dedupe_on, verified=verified)
    if cleaned.crs is not None and not cleaned.crs.equals(target):
        cleaned = cleaned.to_crs(target)
        problems = [_reproject_where(p, raw.crs, target) for p in problems]
    return cleaned, problems


def _reproject_where(problem: Problem, src: CRS, dst: CRS) -> Problem:
    pts = [w for w in problem.where if isinstance(w, tuple)]
    if not pts:
        return problem
    from pyproj import Transformer

    t = Transformer.from_crs(src, dst, always_xy=True)
    xs, ys = t.transform([p[0] for p in pts], [p[1] for p in pts])
    where = tuple((round(float(x), 1), round(float(y), 1)) for x, y in zip(xs, ys, strict=True))
    return Problem(problem.kind, problem.count, where, problem.area_m2, problem.detail)


def _load_layer(
    fmt: Format,
    path: Path,
    layer: str | None,
    user_crs: CRS | None,
    user_encoding: str | None,
    profile_name: str | os.PathLike[str] | None,
    rules_source: str | os.PathLike[str] | pd.DataFrame | None,
    territory_crs: str,
    order: str | None = None,
) -> Plan:
    warn: list[Notice] = []
    reservations_raw: gpd.GeoDataFrame | None = None
    if fmt.driver == "directory":
        fmt, reservations_raw = _delivery_folder(path)
    _check_shapefile_parts(Path(fmt.path))
    chosen = layer
    if fmt.driver in ("GPKG", "GML", "MapInfo File"):
        chosen = _choose_layer(fmt, path, layer)
        if layer is None and chosen is not None and len(pyogrio.list_layers(fmt.path)) > 1:
            warn.append(Notice("warn.layer_chosen", {"source": path.name, "layer": chosen}))
    try:
        raw, encoding, encoding_inferred = _read_raw(fmt, path, chosen, user_encoding, warn)
    except pyogrio.errors.CRSError as exc:
        prj = _prj_of(fmt)
        if prj is None:
            raise CRSError("error.bad_source_crs", path) from exc
        if user_crs is None:
            raise CRSError("error.bad_prj", prj) from exc
        # --crs says what the .prj should have said: read the other parts without it
        raw, encoding, encoding_inferred = _read_without_prj(fmt, path, chosen, user_encoding, warn)
    if not isinstance(raw, gpd.GeoDataFrame) or raw.geometry.name not in raw.columns:
        raise DataSourceError("error.no_geometry", path)
    if fmt.driver == "DXF":
        raw = _dxf_codes(raw)
    if len(raw) == 0 or raw.geometry.isna().all():
        raise DataSourceError("error.no_features", path)
    features = len(raw)
    raw, bad = drop_invalid_coordinates(raw)
    repairs: list[Problem] = [bad] if bad is not None else []
    if len(raw) == 0 or raw.geometry.isna().all() or raw.geometry.is_empty.all():
        raise DataSourceError("error.no_features", path)
    if order == "yx":
        raw = _swapped(raw)
    raw = _settle_crs(raw, user_crs, path, fmt, warn, territory_crs, order)
    crs_inferred = any(n.key in _CRS_GUESSES for n in warn)
    profile = get_profile(profile_name if profile_name is not None else detect_profile(list(raw.columns)))
    mapped, layer_rules, used = map_zone_columns(raw, profile, path)
    frame = gpd.GeoDataFrame(mapped, geometry=raw.geometry.values, crs=raw.crs)
    if not np.isfinite(frame.total_bounds).all():
        raise DataSourceError("error.no_features", path)
    target = metric_crs(frame.crs, _lonlat_bounds(frame), territory_crs)
    zones, zone_repairs = _prepare_polygons(frame, target, dedupe_on=["zone_code"])
    repairs += zone_repairs
    if zones.empty:
        raise DataSourceError("error.no_polygons", path)
    if target.to_epsg() != CRS.from_user_input(territory_crs).to_epsg():
        warn.append(Notice("warn.outside_territory_crs", {"source": path.name, "crs": crs_label(target)}))

    plan_id = _plan_id(path, profile.plan)
    zones["plan_id"] = zones["plan_id"].astype("str").fillna(plan_id) if "plan_id" in zones else plan_id
    unknown_family = zones["family"].isna() & zones["zone_code"].notna()
    if unknown_family.any():
        codes = sorted(zones.loc[unknown_family, "zone_code"].astype(str).unique())
        warn.append(Notice("warn.family_unknown", {"count": len(codes), "codes": tuple(codes[:12])}))

    rules = _rules_from(rules_source, path) if rules_source is not None else layer_rules
    if rules is not None and "plan_id" in rules:
        rules["plan_id"] = rules["plan_id"].where(rules["plan_id"].notna(), plan_id)
    elif rules is not None:
        rules["plan_id"] = plan_id

    plans = pd.DataFrame({"plan_id": sorted(zones["plan_id"].dropna().astype(str).unique())})
    for key, value in profile.plan.items():
        if key in PLAN_COLUMNS and key != "plan_id":
            plans[key] = value
    plans["source"] = str(path)
    if "status" not in profile.plan:
        warn.append(Notice("warn.plan_status_unknown", {"source": path.name}))

    res = None
    if reservations_raw is not None:
        res = _cnig_reservations(reservations_raw, plan_id, target)
    if used:
        warn.append(
            Notice(
                "warn.columns_mapped",
                {"profile": profile.name, "mapping": ", ".join(f"{k} ← {v}" for k, v in used.items())},
            )
        )
    plan = Plan(
        zones=conform_zones(zones),
        rules=conform_rules(rules, repairs),
        reservations=conform_reservations(res, target),
        plans=conform_plans(plans),
        communes=conform_communes(None, target),
        source=SourceInfo(
            path=str(path),
            driver=fmt.driver,
            crs=crs_label(target),
            crs_inferred=crs_inferred,
            encoding=encoding,
            encoding_inferred=encoding_inferred,
            profile=profile.name,
            layers=(chosen,) if chosen else (),
            features=features,
        ),
        warnings=warn,
        repairs=repairs,
    )
    _finish(plan)
    return plan


def _plan_id(path: Path, spec: dict[str, Any] | Any) -> str:
    if isinstance(spec, dict) and spec.get("plan_id"):
        return str(spec["plan_id"])
    return path.stem if path.suffix else path.name


def _rules_from(source: str | os.PathLike[str] | pd.DataFrame, path: Path) -> pd.DataFrame:
    """A rules table given beside the zones: a DataFrame, a CSV/TXT (any separator) or an XLSX.

    CSV text may be UTF-8, UTF-16 (Excel's "Unicode text") or a Windows code page;
    cells are read as text, for :func:`terroffer.cells.numbers` to read the figures.
    """
    if isinstance(source, pd.DataFrame):
        return _rule_table(source.copy(), "DataFrame")
    rules_path = Path(source)
    if not rules_path.exists():
        raise DataSourceError("error.not_found", rules_path)
    if rules_path.is_dir():
        raise DataSourceError("error.rules_is_dir", rules_path)
    if rules_path.stat().st_size == 0:
        raise DataSourceError("error.rules_empty", rules_path)
    try:
        if rules_path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            table = pd.read_excel(rules_path, dtype=str)
        else:
            text = _decode_table(rules_path.read_bytes())
            if not text.strip():
                raise DataSourceError("error.rules_empty", rules_path)
            if _looks_binary(text):
                raise DataSourceError("error.rules_unreadable", rules_path, reason="binary")
            table = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str)
    except TerrofferError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise DataSourceError("error.rules_empty", rules_path) from exc
    except Exception as exc:  # csv.Error, zipfile.BadZipFile, openpyxl's own: all "not a table"
        raise DataSourceError("error.rules_unreadable", rules_path, reason=_first_line(exc)) from exc
    return _rule_table(table, rules_path)


def _decode_table(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if b"\x00" in data[:4096]:  # UTF-16 without its mark: every other byte of ASCII is 0
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    encoding, _ = guess_encoding(data[:2_000_000])
    return data.decode(encoding, errors="replace")


def _looks_binary(text: str) -> bool:
    """Undecodable bytes or control characters in more than 1 % of the text: not a table of text."""
    sample = text[:100_000]
    odd = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n"))
    return odd > len(sample) / 100


def _rule_table(table: pd.DataFrame, source: object) -> pd.DataFrame:
    """The rules with column names folded (``COS`` -> ``cos``); refused empty or without ``zone_code``."""
    table = table.rename(columns=lambda c: str(c).strip().lower())
    if table.empty:
        raise DataSourceError("error.rules_empty", source)
    if "zone_code" not in table.columns:
        alias = next((c for c in ("code_zone", "zone", "code", "zonage") if c in table.columns), None)
        if alias is None:
            columns = ", ".join(map(str, table.columns)) or "-"
            raise SchemaError("error.rules_without_zone_code", source, columns=columns)
        table = table.rename(columns={alias: "zone_code"})
    return table


def _delivery_folder(path: Path) -> tuple[Format, gpd.GeoDataFrame | None]:
    """A CNIG delivery folder: its ZONE_URBA (or SECTEUR_CC) layer, and its reserved sites."""
    files = [p for p in path.rglob("*") if p.is_file()]

    def pick(pattern: str) -> Path | None:
        rx = re.compile(pattern, re.IGNORECASE)
        hits = sorted(p for p in files if rx.search(p.name) and p.suffix.lower() in (".shp", ".tab"))
        return hits[0] if hits else None

    zones = pick(r"ZONE_URBA") or pick(r"SECTEUR_CC")
    if zones is None:
        raise DataSourceError("error.folder_without_zones", path)
    res_path = pick(r"PRESCRIPTION_SURF")
    reservations = None
    if res_path is not None:
        try:
            fmt = detect_format(res_path)
            warn: list[Notice] = []
            raw, _, _ = _read_raw(fmt, res_path, None, None, warn)
            cols = {c.lower(): c for c in raw.columns}
            if "typepsc" in cols:
                reservations = raw[raw[cols["typepsc"]].astype("str").str.strip() == "05"]
        except TerrofferError:
            reservations = None
    return detect_format(zones), reservations


def _cnig_reservations(raw: gpd.GeoDataFrame, plan_id: str, target: CRS) -> gpd.GeoDataFrame | None:
    if raw.empty:
        return None
    cols = {c.lower(): c for c in raw.columns}
    label = raw[cols["libelle"]].astype("str") if "libelle" in cols else pd.Series(None, index=raw.index)
    frame = gpd.GeoDataFrame(
        {
            "number": label.str.extract(r"(?i)n\s*°?\s*(\w+)", expand=False),
            "kind": label.map(lambda t: reservation_kind_of_text(t) if isinstance(t, str) else None),
            "label_fr": label,
            "plan_id": plan_id,
        },
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    cleaned, _ = _prepare_polygons(frame, target)
    return cleaned


# ----------------------------------------------------------------------------- finishing


def _where_of(frame: gpd.GeoDataFrame, mask: pd.Series, most: int = 20) -> tuple[tuple[float, float], ...]:
    pts = shapely.point_on_surface(np.asarray(frame.geometry.array, dtype=object)[mask.to_numpy()][:most])
    return tuple((round(float(x), 1), round(float(y), 1)) for x, y in shapely.get_coordinates(pts))


def _finish(plan: Plan) -> None:
    """Report zones without a code, and fill commune codes from the commune boundaries."""
    no_code = int(plan.zones["zone_code"].isna().sum())
    if no_code:
        where = _where_of(plan.zones, plan.zones["zone_code"].isna())
        plan.repairs.append(Problem("missing_zone_code", no_code, where))
    zones, communes = plan.zones, plan.communes
    if communes.empty or not zones["commune"].isna().any():
        return
    missing = zones.index[zones["commune"].isna()]
    pts = shapely.point_on_surface(np.asarray(zones.geometry.array, dtype=object)[missing])
    tree = shapely.STRtree(np.asarray(communes.geometry.array, dtype=object))
    pt_idx, com_idx = tree.query(pts, predicate="within")
    codes = pd.Series(communes["code"].to_numpy()[com_idx], index=missing[pt_idx])
    codes = codes[~codes.index.duplicated()]
    zones.loc[codes.index, "commune"] = codes
