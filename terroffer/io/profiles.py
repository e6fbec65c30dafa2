"""Schema profiles: which source column means which canonical field.

- ``canonical``: terroffer's own columns (``zone_code``, ``family``, ...).
- ``cnig``: the French CNIG PLU standard (``LIBELLE``, ``LIBELONG``, ``TYPEZONE``,
  ``DESTDOMI``/``FORMDOMI``), recognised by its columns.
- ``generic``: the column names agencies commonly use (``ZONE``, ``ZONAGE``,
  ``CODE_ZONE``, ``AFFECTATION``, ``LIB_AR``, ...), and any column of Arabic text as
  ``label_ar``; rule columns (``COS``, ``CES``, ``HAUTEUR``, ...) become rules.
- a user's YAML file: ``columns: {zone_code: MYCODE, label_fr: MYLABEL}``, optional
  ``families: {XY: villa}`` and ``plan: {plan_id: ..., status: ...}``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from terroffer.cells import numbers, parse_floors
from terroffer.errors import SchemaError
from terroffer.model import RULE_NUMBERS, USE_COLUMNS
from terroffer.reference import family_of_code, family_of_text, normalize_key, query_family

__all__ = ["Profile", "detect_profile", "get_profile", "map_zone_columns", "parse_floors"]

#: Arabic letters, not the Arabic-Indic digits and signs of the same block: a column of ``٢٫٥``
#: is a column of figures (a COS), not of Arabic labels.
_ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06D5\u06FA-\u06FF]")


@dataclass(frozen=True)
class Profile:
    """A column mapping: canonical field -> candidate source column names, in order of preference."""

    name: str
    columns: Mapping[str, tuple[str, ...]]
    families: Mapping[str, str] = field(default_factory=dict)
    plan: Mapping[str, Any] = field(default_factory=dict)


_GENERIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "zone_code": (
        "zone_code",
        "code_zone",
        "codezone",
        "zonecode",
        "zone",
        "zonage",
        "zoning",
        "code",
        "zone_type",
        "codezonereglement",
        "dist_abbr",
        "district",
        "affectation",
        "affectatio",  # AFFECTATION cut to a DBF's 10 characters
        "typezone_pa",
        "libelle",
        "name",
        "nom",
        "layer",
        "text",
    ),
    "label_fr": (
        "label_fr",
        "libelle_fr",
        "lib_fr",
        "libelong",
        "libelle",
        "designation",
        "description",
        "dist_name",
        "libellezonereglement",
        "nom",
        "label",
        "intitule",
    ),
    "label_ar": ("label_ar", "libelle_ar", "lib_ar", "nom_ar", "name_ar", "arabe", "ar"),
    "family": ("family", "famille"),
    "plan_id": ("plan_id", "plan", "idurba", "id_plan"),
    "commune": ("commune", "code_commune", "insee", "cod_com", "nom_commune"),
    "cos": ("cos",),
    "ces": ("ces",),
    "max_height_m": ("max_height_m", "hauteur", "hauteur_max", "haut_max", "hmax"),
    "max_floors": ("max_floors", "niveaux", "nb_niveaux", "nbniveaux", "etages", "gabarit"),
    "min_lot_m2": ("min_lot_m2", "surf_min", "sup_min", "lot_min", "superficie_min"),
    "min_frontage_m": ("min_frontage_m", "facade_min", "facade"),
    "setback_road_m": ("setback_road_m", "recul_voie", "recul"),
    "setback_side_m": ("setback_side_m", "recul_lat", "prospect"),
    "allowed_uses": ("allowed_uses", "usages"),
    "conditional_uses": ("conditional_uses",),
    "forbidden_uses": ("forbidden_uses", "interdits"),
    "article_ref": ("article_ref", "article"),
}

PROFILES: dict[str, Profile] = {
    "canonical": Profile(
        "canonical",
        {k: (k,) for k in _GENERIC_COLUMNS},
    ),
    "cnig": Profile(
        "cnig",
        {
            "zone_code": ("libelle",),
            "label_fr": ("libelong", "libelle"),
            "plan_id": ("idurba",),
            "commune": ("insee",),
        },
    ),
    "generic": Profile("generic", _GENERIC_COLUMNS),
}

# CNIG: TYPEZONE gives the broad class; DESTDOMI (2014-2017) or FORMDOMI (2024) refine U zones.
_CNIG_TYPEZONE = {"a": "agriculture", "n": "natural", "auc": "future_urban", "aus": "future_urban"}
_CNIG_DEST = {
    "01": "individual_housing",
    "02": "industry",
    "03": "mixed_centre",
    "04": "tourism",
    "05": "equipment",
    "07": "agriculture",
    "08": "natural",
    "0105": "collective_housing",
    "0106": "collective_housing",
    "0110": "collective_housing",
    "0111": "collective_housing",
}


def detect_profile(columns: list[str]) -> str:
    """``canonical``, ``cnig`` or ``generic``, from a layer's column names."""
    lowered = {c.lower() for c in columns}
    if "zone_code" in lowered:
        return "canonical"
    if {"libelle", "typezone"} <= lowered:
        return "cnig"
    return "generic"


def get_profile(name: str | os.PathLike[str]) -> Profile:
    """A built-in profile by name, or a user's mapping from a YAML file.

    Raises
    ------
    SchemaError
        When the name is neither a built-in profile nor a readable mapping file.
    """
    key = str(name)
    if key in PROFILES:
        return PROFILES[key]
    path = Path(key)
    if path.suffix.lower() not in (".yml", ".yaml") or not path.exists():
        raise SchemaError("error.unknown_profile", key, profiles=tuple(PROFILES))
    import yaml

    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SchemaError("error.bad_profile", path) from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("columns", {}), dict):
        raise SchemaError("error.bad_profile", path)
    columns = {str(k): _as_tuple(v) for k, v in spec.get("columns", {}).items()}
    if "zone_code" not in columns:
        raise SchemaError("error.profile_without_zone_code", path)
    families = {normalize_key(k): str(v) for k, v in (spec.get("families") or {}).items()}
    return Profile(path.stem, columns, families, dict(spec.get("plan") or {}))


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def _find(df: pd.DataFrame, candidates: tuple[str, ...], taken: set[str]) -> str | None:
    by_lower = {c.lower(): c for c in df.columns if c != "geometry"}
    for cand in candidates:
        col = by_lower.get(cand.lower())
        if col is not None and col not in taken and df[col].notna().any():
            return col
    return None


def _arabic_column(df: pd.DataFrame, taken: set[str]) -> str | None:
    for col in df.columns:
        if col == "geometry" or col in taken or df[col].dtype.kind not in "OT":
            continue
        sample = df[col].dropna().astype(str).head(50)
        if len(sample) and sample.str.contains(_ARABIC_LETTER).mean() > 0.5:
            return col
    return None


def map_zone_columns(
    raw: pd.DataFrame, profile: Profile, source: object
) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, str]]:
    """Rename a raw layer to canonical zone columns and pull out any rule columns.

    Returns
    -------
    (zones, rules, used)
        ``zones`` has the canonical zone columns (family inferred where missing) and the
        geometry; ``rules`` one row per zone code where the layer carried rule values,
        else None; ``used`` maps each canonical field to the source column it came from.

    Raises
    ------
    SchemaError
        When no column can serve as the zone code.
    """
    used: dict[str, str] = {}
    taken: set[str] = set()
    out = pd.DataFrame(index=raw.index)
    for canonical in ("zone_code", "label_fr", "label_ar", "family", "plan_id", "commune"):
        col = _find(raw, profile.columns.get(canonical, ()), taken)
        if col is None and canonical == "label_ar":
            col = _arabic_column(raw, taken)
        if col is not None:
            used[canonical] = col
            if canonical != "label_fr" or col != used.get("zone_code"):
                taken.add(col)
            out[canonical] = raw[col]
    if "zone_code" not in used:
        by_lower = {c.lower(): c for c in raw.columns if c != "geometry"}
        named = [by_lower[c.lower()] for c in profile.columns.get("zone_code", ()) if c.lower() in by_lower]
        if named:  # the column is there, but every cell of it is empty
            raise SchemaError("error.zone_code_empty", source, column=named[0])
        names = tuple(str(c) for c in raw.columns if c != "geometry") or "-"
        raise SchemaError("error.no_zone_code", source, columns=names)
    codes = raw[used["zone_code"]].astype("str").str.strip()
    codes = codes.str.replace(r"^(?i:zone|zonage|secteur|منطقة)[\s_:\-]+", "", regex=True)
    out["zone_code"] = codes.mask(codes == "")

    family = pd.Series(None, index=raw.index, dtype="object")
    if "family" in out:
        family = out["family"].map(query_family)
    if profile.name == "cnig":
        family = family.fillna(_cnig_family(raw))
    if profile.families:
        family = family.fillna(out["zone_code"].map(lambda c: profile.families.get(normalize_key(c))))
    missing = family.isna()
    if missing.any():
        by_code = {c: family_of_code(c) for c in out.loc[missing, "zone_code"].dropna().unique()}
        family = family.fillna(out["zone_code"].map(by_code))
    if family.isna().any() and "label_fr" in out:
        labels = out["label_fr"].where(family.isna())
        family = family.fillna(labels.map(lambda t: family_of_text(t) if isinstance(t, str) else None))
    out["family"] = family

    rules = _rule_columns(raw, profile, out, taken, used)
    return out, rules, used


def _cnig_family(raw: pd.DataFrame) -> pd.Series:
    cols = {c.lower(): c for c in raw.columns}
    typezone = raw[cols["typezone"]].astype("str").str.strip().str.lower()
    family = typezone.map(_CNIG_TYPEZONE)
    for name in ("formdomi", "destdomi"):
        if name in cols:
            dest = raw[cols[name]].astype("str").str.strip()
            exact = dest.map(_CNIG_DEST)
            broad = dest.str[:2].map(_CNIG_DEST)
            family = family.fillna(exact.fillna(broad).where(typezone == "u"))
    return family


def _rule_columns(
    raw: pd.DataFrame, profile: Profile, zones: pd.DataFrame, taken: set[str], used: dict[str, str]
) -> pd.DataFrame | None:
    found: dict[str, str] = {}
    for canonical in (*RULE_NUMBERS, *USE_COLUMNS, "article_ref"):
        col = _find(raw, profile.columns.get(canonical, ()), taken)
        if col is not None:
            found[canonical] = col
    if not any(k in found for k in RULE_NUMBERS):
        return None
    used.update(found)
    rules = pd.DataFrame({k: raw[c] for k, c in found.items()}, index=raw.index)
    if "max_floors" in rules:
        rules["max_floors"] = numbers(rules["max_floors"], floors=True)
    rules["zone_code"] = zones["zone_code"]
    rules["plan_id"] = zones.get("plan_id")
    rules = rules.dropna(subset=["zone_code"])
    # One row per polygon repeats its zone's rules: only rows that disagree are two rules
    # for one zone, and conform_rules reports those.
    return rules.drop_duplicates(subset=[c for c in rules.columns if c in (*found, "plan_id", "zone_code")])
