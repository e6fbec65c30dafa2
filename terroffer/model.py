"""The canonical zoning model: one shape for every plan, whatever file it came from.

A :class:`Plan` holds five tables (zones, rules, reservations, plans, communes) in the
territory's metric CRS, plus what the loader learnt about the source and what it had
to guess or repair. ``docs/data-model.md`` documents every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from terroffer.cells import numbers
from terroffer.reference import FAMILIES, RESERVATION_KINDS, translate

__all__ = [
    "COMMUNE_COLUMNS",
    "PLAN_COLUMNS",
    "RESERVATION_COLUMNS",
    "RULE_COLUMNS",
    "TERRITORY_CRS",
    "ZONE_COLUMNS",
    "Notice",
    "Plan",
    "Problem",
    "SourceInfo",
]

#: The reference territory's metric CRS: Merchich / Nord Maroc (Lambert conic), metres.
TERRITORY_CRS = "EPSG:26191"

ZONE_COLUMNS = ("zone_code", "family", "sector", "label_fr", "label_ar", "plan_id", "commune")
RULE_NUMBERS = (
    "cos",
    "ces",
    "max_height_m",
    "max_floors",
    "min_lot_m2",
    "min_frontage_m",
    "setback_road_m",
    "setback_side_m",
)
USE_COLUMNS = ("allowed_uses", "conditional_uses", "forbidden_uses")
RULE_COLUMNS = (
    "plan_id",
    "zone_code",
    *RULE_NUMBERS,
    *USE_COLUMNS,
    "article_ref",
    "notes_fr",
    "notes_ar",
)
RESERVATION_COLUMNS = (
    "number",
    "kind",
    "label_fr",
    "label_ar",
    "road_width_m",
    "beneficiary",
    "status",
    "effect_until",
    "plan_id",
)
PLAN_COLUMNS = (
    "plan_id",
    "kind",
    "name_fr",
    "name_ar",
    "status",
    "approval_ref",
    "approval_date",
    "valid_until",
    "source",
    "illustrative",
)
COMMUNE_COLUMNS = ("code", "name_fr", "name_ar", "population_2024")

PLAN_KINDS = ("PA", "SDAU", "PDAR", "PZ")
PLAN_STATUSES = ("approved", "under_study", "expired")
RESERVATION_STATUSES = ("planned", "realised")
_DATE_COLUMNS = {"plans": ("approval_date", "valid_until"), "reservations": ("effect_until",)}


@dataclass(frozen=True)
class Notice:
    """Something the loader guessed or repaired, told in words a planner understands.

    ``key`` is a message in the translation catalogues; ``str(notice)`` is French, the
    agency's working language, and :meth:`message` gives any other.
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "fr") -> str:
        """The notice in ``lang``."""
        return translate(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("fr")


@dataclass(frozen=True)
class Problem:
    """A kind of defect found in a plan, how often, and where.

    ``where`` lists up to a few locations as ``(x, y)`` in the plan's CRS, or feature
    identifiers; ``area_m2`` is the area involved where that means something (overlaps).
    """

    kind: str
    count: int
    where: tuple[Any, ...] = ()
    area_m2: float | None = None
    detail: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with ``kind``, ``count`` and the rest where known."""
        out: dict[str, Any] = {"kind": self.kind, "count": int(self.count)}
        if self.area_m2 is not None:
            out["area_m2"] = round(float(self.area_m2), 2)
        if self.where:
            out["where"] = [list(w) if isinstance(w, tuple) else w for w in self.where]
        if self.detail:
            out["detail"] = list(self.detail)
        return out


@dataclass(frozen=True)
class SourceInfo:
    """Where a plan came from and how it was read."""

    path: str
    driver: str
    crs: str
    crs_inferred: bool = False
    encoding: str | None = None
    encoding_inferred: bool = False
    profile: str = "canonical"
    layers: tuple[str, ...] = ()
    features: int = 0


@dataclass
class Plan:
    """A zoning plan in the canonical model.

    Attributes
    ----------
    zones
        One row per zone polygon: ``zone_code``, ``family``, ``sector``, ``label_fr``,
        ``label_ar``, ``plan_id``, ``commune`` and a valid polygonal geometry.
    rules
        The règlement: one row per (``plan_id``, ``zone_code``). Missing values stay missing.
    reservations
        Reserved land (roads, schools, ...), crossing zones.
    plans
        One row per planning document, with its status and validity.
    communes
        Commune boundaries with names and 2024 population, where the source has them.
    source
        How the source was read (driver, CRS, encoding and whether each was inferred).
    warnings
        What the loader guessed or repaired.
    repairs
        Defects the loader found and repaired or dropped, for the validation report.
    """

    zones: gpd.GeoDataFrame
    rules: pd.DataFrame
    reservations: gpd.GeoDataFrame
    plans: pd.DataFrame
    communes: gpd.GeoDataFrame
    source: SourceInfo
    warnings: list[Notice] = field(default_factory=list)
    repairs: list[Problem] = field(default_factory=list)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def invalidate(self) -> None:
        """Forget the spatial indexes built for queries; call after editing the tables in place."""
        self._cache.clear()

    @property
    def crs(self) -> Any:
        """The plan's metric CRS (a :class:`pyproj.CRS`)."""
        return self.zones.crs

    @property
    def illustrative(self) -> bool:
        """True when any plan in it is illustrative (made-up sample data)."""
        return bool(self.plans["illustrative"].fillna(False).astype(bool).any())

    def rules_for(self, plan_id: str, zone_code: str) -> dict[str, Any] | None:
        """The rules row of one zone code of one plan as a dict, or None when it has none."""
        rows = self.rules[(self.rules["plan_id"] == plan_id) & (self.rules["zone_code"] == zone_code)]
        if rows.empty:
            return None
        return {k: _plain(v) for k, v in rows.iloc[0].items()}

    def __repr__(self) -> str:
        return (
            f"<Plan {self.source.path!r}: {len(self.zones)} zones, {len(self.rules)} rules, "
            f"{len(self.reservations)} reservations, {len(self.plans)} plans, "
            f"{len(self.communes)} communes, {self.source.crs}>"
        )


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA; False for any list-like or other value."""
    if isinstance(value, (list, tuple, np.ndarray, dict, set)):
        return False
    return bool(pd.isna(value))


def _plain(value: Any) -> Any:
    """Python scalar for a pandas/numpy cell; missing becomes None."""
    if isinstance(value, tuple):
        return list(value)
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def split_uses(value: object) -> tuple[str, ...] | None:
    """Use codes from a cell: ``"hotel; resort"`` or a list; ``""`` is none, missing stays None.

    The difference matters: an empty list says the règlement allows no use at all (a
    forest), a missing one that the source does not say.
    """
    if is_missing(value):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        items: Iterable[object] = value
    else:
        items = str(value).replace(",", ";").split(";")
    return tuple(s for s in (str(i).strip() for i in items) if s)


def join_uses(value: Iterable[str] | None) -> str | None:
    """The file form of a use list: ``"hotel;resort"``; None stays None."""
    return None if value is None else ";".join(value)


def _ensure(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for col in columns:
        if col not in df.columns:
            df[col] = pd.Series(pd.NA, index=df.index, dtype="object")
    return df


def _as_text(series: pd.Series) -> pd.Series:
    """Text column with surrounding blanks removed; blank cells become missing."""
    text = series if isinstance(series.dtype, pd.StringDtype) else series.astype("str")
    text = text.str.strip()
    blank = (text == "").to_numpy(dtype=bool, na_value=False)
    return text.mask(blank) if blank.any() else text


def conform_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Canonical zone columns, in order, with family and sector filled from reference data."""
    zones = _ensure(zones.copy(), ZONE_COLUMNS)
    for col in ZONE_COLUMNS:
        zones[col] = _as_text(zones[col])
    unknown = zones["family"].isna() | ~zones["family"].isin(FAMILIES.keys())
    if unknown.any():
        zones.loc[unknown, "family"] = "other"
    # a dozen families over 100,000 rows: map the distinct values, not every row
    codes, families = pd.factorize(zones["family"])
    sectors = np.array([FAMILIES[f]["sector"] for f in families], dtype=object)
    zones["sector"] = pd.array(sectors[codes], dtype="str")
    out = gpd.GeoDataFrame(zones[list(ZONE_COLUMNS)], geometry=zones.geometry.values, crs=zones.crs)
    return out.reset_index(drop=True)


def conform_rules(rules: pd.DataFrame | None, repairs: list[Problem] | None = None) -> pd.DataFrame:
    """Canonical rule columns: numbers as floats (``max_floors`` nullable integers), uses as tuples.

    Figures are read by :func:`terroffer.cells.numbers` (``2,5``, ``٢٫٥``, ``R+4``, ...).
    Two rows for one (``plan_id``, ``zone_code``) contradict each other: the first is
    kept for the questions, and, when ``repairs`` is given, a ``duplicate_rule``
    :class:`Problem` naming them is appended to it for the validation report.
    """
    rules = pd.DataFrame(columns=list(RULE_COLUMNS)) if rules is None else rules.copy()
    rules = _ensure(rules, RULE_COLUMNS)
    for col in ("plan_id", "zone_code", "article_ref", "notes_fr", "notes_ar"):
        rules[col] = _as_text(rules[col])
    for col in RULE_NUMBERS:
        rules[col] = numbers(rules[col], floors=col == "max_floors")
    rules["max_floors"] = rules["max_floors"].round().astype("Int64")
    for col in USE_COLUMNS:
        rules[col] = pd.Series([split_uses(v) for v in rules[col]], index=rules.index, dtype="object")
    repeated = rules.duplicated(subset=["plan_id", "zone_code"], keep=False)
    if repeated.any() and repairs is not None:
        counts = rules[repeated].groupby(["plan_id", "zone_code"], dropna=False, sort=True).size()
        detail = tuple(f"{_key_text(p)}/{_key_text(c)} ({n})" for (p, c), n in counts.items())
        repairs.append(Problem("duplicate_rule", len(counts), detail=detail))
    rules = rules.drop_duplicates(subset=["plan_id", "zone_code"], keep="first")
    return rules[list(RULE_COLUMNS)].reset_index(drop=True)


def _key_text(value: object) -> str:
    return "?" if is_missing(value) else str(value)


def conform_reservations(res: gpd.GeoDataFrame | None, crs: Any) -> gpd.GeoDataFrame:
    """Canonical reservation columns; an unknown kind becomes ``other``."""
    if res is None:
        res = gpd.GeoDataFrame({c: [] for c in RESERVATION_COLUMNS}, geometry=[], crs=crs)
    res = _ensure(res.copy(), RESERVATION_COLUMNS)
    for col in RESERVATION_COLUMNS:
        if col == "road_width_m":
            res[col] = pd.to_numeric(res[col], errors="coerce").astype("float64")
        elif col == "effect_until":
            res[col] = pd.to_datetime(res[col], errors="coerce")
        else:
            res[col] = _as_text(res[col])
    res.loc[~res["kind"].isin(RESERVATION_KINDS.keys()), "kind"] = "other"
    out = gpd.GeoDataFrame(res[list(RESERVATION_COLUMNS)], geometry=res.geometry.values, crs=res.crs or crs)
    return out.reset_index(drop=True)


def conform_plans(plans: pd.DataFrame | None) -> pd.DataFrame:
    """Canonical plan columns; dates parsed, ``illustrative`` a boolean."""
    plans = pd.DataFrame(columns=list(PLAN_COLUMNS)) if plans is None else plans.copy()
    plans = _ensure(plans, PLAN_COLUMNS)
    for col in PLAN_COLUMNS:
        if col in ("approval_date", "valid_until"):
            plans[col] = pd.to_datetime(plans[col], errors="coerce")
        elif col == "illustrative":
            plans[col] = plans[col].map(_truthy).astype("boolean")
        else:
            plans[col] = _as_text(plans[col])
    return plans[list(PLAN_COLUMNS)].drop_duplicates("plan_id").reset_index(drop=True)


def conform_communes(communes: gpd.GeoDataFrame | None, crs: Any) -> gpd.GeoDataFrame:
    """Canonical commune columns; population as a nullable integer."""
    if communes is None:
        communes = gpd.GeoDataFrame({c: [] for c in COMMUNE_COLUMNS}, geometry=[], crs=crs)
    communes = _ensure(communes.copy(), COMMUNE_COLUMNS)
    for col in ("code", "name_fr", "name_ar"):
        communes[col] = _as_text(communes[col])
    pop = pd.to_numeric(communes["population_2024"], errors="coerce")
    communes["population_2024"] = pop.round().astype("Int64")
    out = gpd.GeoDataFrame(
        communes[list(COMMUNE_COLUMNS)], geometry=communes.geometry.values, crs=communes.crs or crs
    )
    return out.reset_index(drop=True)


def _truthy(value: object) -> bool | None:
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value.strip().casefold() in {"1", "true", "yes", "oui", "vrai", "t", "y"}
    return bool(value)
