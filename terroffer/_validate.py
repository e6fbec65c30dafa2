"""The quality report of a plan: what it holds and what is wrong with it, and where.

Pure computation: :func:`validate` takes a :class:`~terroffer.model.Plan` and returns a
:class:`Report`; the command line prints it as text (Arabic, French, English) or JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from terroffer import words
from terroffer.capacity import implausible
from terroffer.model import Plan, Problem
from terroffer.reference import BUILDABLE_SECTORS, FAMILIES, translate

__all__ = ["Report", "validate"]

#: Overlaps smaller than this (m²) are rounding noise, not defects.
OVERLAP_TOLERANCE_M2 = 0.01
#: A zone may stick out of the communes by this much (m) before it counts as outside.
OUTSIDE_TOLERANCE_M = 1.0
_NOT_PROBLEMS = {"closed_line"}


@dataclass(frozen=True)
class Report:
    """What :func:`validate` found. ``to_dict()`` is the ``--json`` output."""

    source: str
    driver: str
    crs: str
    crs_inferred: bool
    encoding: str | None
    encoding_inferred: bool
    features: int
    area_m2: float
    zone_codes: tuple[str, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Any, ...] = field(default=())
    profile: str = "canonical"

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    @property
    def exit_code(self) -> int:
        """0 when clean, 1 when problems were found."""
        return 0 if self.ok else 1

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        """JSON-ready dict; warnings as text in ``lang``."""
        return {
            "source": self.source,
            "driver": self.driver,
            "crs": self.crs,
            "crs_inferred": self.crs_inferred,
            "encoding": self.encoding,
            "encoding_inferred": self.encoding_inferred,
            "profile": self.profile,
            "features": self.features,
            "area_m2": round(self.area_m2, 2),
            "zone_codes": list(self.zone_codes),
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [w.message(lang) for w in self.warnings],
        }

    def to_text(self, lang: str = "fr") -> str:
        """The report for a terminal, in ``lang``."""

        def yes(flag: bool) -> str:
            return translate("report.inferred" if flag else "report.declared", lang)

        lines = [
            translate("report.title", lang, source=self.source),
            translate("report.driver", lang, driver=self.driver, profile=self.profile),
            translate("report.crs", lang, crs=self.crs, how=yes(self.crs_inferred)),
            translate(
                "report.encoding", lang, encoding=self.encoding or "-", how=yes(self.encoding_inferred)
            ),
            translate("report.features", lang, features=self.features),
            translate("report.area", lang, area=float(self.area_m2)),
            translate(
                "report.codes", lang, count=len(self.zone_codes), codes=words.join(self.zone_codes[:40], lang)
            ),
        ]
        if self.problems:
            lines.append(translate("report.problems", lang, count=len(self.problems)))
            for p in self.problems:
                text = translate(f"problem.{p.kind}", lang, count=p.count)
                if p.area_m2 is not None:
                    text += " — " + translate("report.area_m2", lang, area=float(p.area_m2))
                if p.detail:
                    text += " — " + words.join([_detail_text(d, lang) for d in p.detail[:10]], lang)
                if p.where and isinstance(p.where[0], tuple):
                    points = [_point(x, y, lang) for x, y in p.where[:3]]
                    text += " — " + translate("report.where", lang, where=_POINT_SEP[lang].join(points))
                lines.append("  - " + text)
        else:
            lines.append(translate("report.clean", lang))
        if self.warnings:
            lines.append(translate("report.warnings", lang))
            lines.extend("  - " + w.message(lang) for w in self.warnings)
        return "\n".join(lines)


#: Between two numbers and between two places: a comma would read as the decimal sign in
#: French and Arabic, which write a semicolon (Arabic its own, ``؛``).
_NUMBER_SEP = {"en": ", ", "fr": " ; ", "ar": "؛ "}
_POINT_SEP = {"en": "; ", "fr": " ; ", "ar": "؛ "}
#: The glossary term of each rule column named in a problem's detail.
_RULE_TERMS = {
    "cos": "cos_short",
    "ces": "ces_short",
    "max_floors": "max_floors",
    "max_height_m": "max_height_m",
    "min_lot_m2": "min_lot_m2",
    "min_frontage_m": "min_frontage_m",
    "setback_road_m": "setback_road_m",
    "setback_side_m": "setback_side_m",
}
_RULE_COLUMN = re.compile(r"\b(" + "|".join(sorted(_RULE_TERMS, key=len, reverse=True)) + r")\b")
_DETAIL_NUMBER = re.compile(r"(?<== )-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def _point(x: float, y: float, lang: str) -> str:
    """A location as the language writes numbers (``(370 100 ; 360 050)``), left to right in Arabic."""
    text = f"{words.number(x, lang)}{_NUMBER_SEP[lang]}{words.number(y, lang)}"
    return words.isolate(f"({text})", lang)


def _detail_text(item: str, lang: str) -> str:
    """One detail of a problem for people: ``PA-X/V1: cos = -5`` with the glossary's words and numbers.

    The detail itself stays in codes (the JSON report's, for scripts); the text names the
    rule columns with :func:`terroffer.words.term` and writes numbers in the language.
    """
    head, sep, tail = item.partition(": ")
    if not sep:
        return words.isolate(item, lang)

    def number(m: re.Match[str]) -> str:
        value = float(m.group(0))
        return words.number(value, lang) if value.is_integer() else words.ratio(value, lang)

    tail = _RULE_COLUMN.sub(lambda m: words.term(_RULE_TERMS[m.group(1)], lang), tail)
    tail = _DETAIL_NUMBER.sub(number, tail).replace("+", " + ").replace("/", " / ")
    return f"{words.isolate(head, lang)}{translate('punct.detail_sep', lang)}{tail}"


def validate(plan: Plan) -> Report:
    """Check a loaded plan and report every kind of problem with its count and where it is.

    The kinds: the loader's repairs (``invalid_geometry``, ``empty_geometry``,
    ``duplicate_geometry``, ...), then ``overlap`` (with the overlapping area),
    ``unknown_zone_code`` (codes with no rules), ``missing_rule_value``,
    ``implausible_rule_value`` (a figure outside ``reference/rule_ranges.json``: COS < 0,
    CES outside 0–1, ...) and ``outside_territory`` (zones beyond the communes, when the
    plan has them). The loader's own findings come first: ``invalid_coordinates``,
    ``missing_zone_code``, ``duplicate_rule``.
    """
    problems = [p for p in plan.repairs if p.kind not in _NOT_PROBLEMS]
    for check in (_overlaps, _unknown_codes, _missing_values, _implausible_values, _outside):
        found = check(plan)
        if found is not None:
            problems.append(found)
    zones = plan.zones
    src = plan.source
    return Report(
        source=src.path,
        driver=src.driver,
        crs=src.crs,
        crs_inferred=src.crs_inferred,
        encoding=src.encoding,
        encoding_inferred=src.encoding_inferred,
        features=src.features or len(zones),
        area_m2=float(zones.geometry.area.sum()),
        zone_codes=tuple(sorted(zones["zone_code"].dropna().astype(str).unique())),
        problems=tuple(problems),
        warnings=tuple(plan.warnings),
        profile=src.profile,
    )


def _geoms(frame: Any) -> np.ndarray:
    return np.asarray(frame.geometry.array, dtype=object)


def _overlaps(plan: Plan) -> Problem | None:
    geoms = _geoms(plan.zones)
    if len(geoms) < 2:
        return None
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    if not len(left):
        return None
    # Neighbours that only share an edge intersect in a line: skip the costly
    # intersection for pairs whose interiors do not meet.
    inner = ~shapely.touches(geoms[left], geoms[right])
    left, right = left[inner], right[inner]
    areas = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    real = areas > OVERLAP_TOLERANCE_M2
    if not real.any():
        return None
    where_geoms = shapely.intersection(geoms[left[real][:20]], geoms[right[real][:20]])
    pts = shapely.get_coordinates(shapely.point_on_surface(where_geoms))
    return Problem(
        "overlap",
        int(real.sum()),
        where=tuple((round(float(x), 1), round(float(y), 1)) for x, y in pts),
        area_m2=float(areas[real].sum()),
    )


def _unknown_codes(plan: Plan) -> Problem | None:
    used = plan.zones[["plan_id", "zone_code"]].dropna().drop_duplicates()
    known = set(zip(plan.rules["plan_id"], plan.rules["zone_code"], strict=True))
    missing = [
        f"{p}/{c}" for p, c in zip(used["plan_id"], used["zone_code"], strict=True) if (p, c) not in known
    ]
    if not missing:
        return None
    return Problem("unknown_zone_code", len(missing), detail=tuple(sorted(missing)))


def _missing_values(plan: Plan) -> Problem | None:
    """Rules of buildable zones that cannot give a capacity.

    A rule is incomplete when it has neither COS nor CES, neither floors nor height, or
    no minimum lot.
    """
    rules = plan.rules
    if rules.empty:
        return None
    codes = plan.zones[["plan_id", "zone_code", "family"]].drop_duplicates(["plan_id", "zone_code"])
    merged = rules.merge(codes, on=["plan_id", "zone_code"], how="inner")
    sector = merged["family"].map({k: v["sector"] for k, v in FAMILIES.items()})
    merged = merged[sector.isin(BUILDABLE_SECTORS)]
    gaps: list[str] = []
    for row in merged.itertuples(index=False):
        lacking = []
        if pd.isna(row.cos) and pd.isna(row.ces):
            lacking.append("cos/ces")
        if pd.isna(row.max_floors) and pd.isna(row.max_height_m):
            lacking.append("max_floors/max_height_m")
        if pd.isna(row.min_lot_m2):
            lacking.append("min_lot_m2")
        if lacking:
            gaps.append(f"{row.plan_id}/{row.zone_code}: {'+'.join(lacking)}")
    if not gaps:
        return None
    return Problem("missing_rule_value", len(gaps), detail=tuple(gaps))


def _implausible_values(plan: Plan) -> Problem | None:
    """Figures no règlement can hold (``PA-X/V1: cos = -5``); capacities already ignore them."""
    rules = plan.rules
    if rules.empty:
        return None
    bad = implausible(rules)
    if not bad.to_numpy().any():
        return None
    found: list[str] = []
    for column in bad.columns:
        for i in np.flatnonzero(bad[column].to_numpy()):
            row = rules.iloc[i]
            found.append(f"{row['plan_id']}/{row['zone_code']}: {column} = {float(row[column]):g}")
    return Problem("implausible_rule_value", len(found), detail=tuple(found))


def _outside(plan: Plan) -> Problem | None:
    if plan.communes.empty:
        return None
    territory = shapely.union_all(_geoms(plan.communes)).buffer(OUTSIDE_TOLERANCE_M)
    shapely.prepare(territory)
    geoms = _geoms(plan.zones)
    outside = ~shapely.contains(territory, geoms)
    if not outside.any():
        return None
    pts = shapely.get_coordinates(shapely.point_on_surface(geoms[outside][:20]))
    area = float(shapely.area(shapely.difference(geoms[outside], territory)).sum())
    return Problem(
        "outside_territory",
        int(outside.sum()),
        where=tuple((round(float(x), 1), round(float(y), 1)) for x, y in pts),
        area_m2=area,
    )
