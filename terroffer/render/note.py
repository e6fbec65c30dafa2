"""The planning information note: one plot's look-up as a printable page, in Arabic and French.

This is an *informative* note, not the official *note de renseignements* that the urban
agency issues: every note says so, and says when the data are illustrative. The look-up
itself (:func:`terroffer.lookup`) does all the computing; this module only words
and draws its result:

- :func:`note_html` gives one self-contained HTML page (fonts, map and QR code inline, no
  network request), right-to-left for Arabic;
- :func:`note_pdf` gives a one- or two-page A4 PDF with the same content, Arabic shaped by
  HarfBuzz (through fpdf2) and laid out right to left;
- :func:`note_reference` gives the note's stable reference number, also in its QR code.

Every word comes from the ``note.*`` messages of the catalogues
(``reference/i18n/<lang>/note.json``), numbers are written the way each language writes
them, and colours come from :mod:`terroffer.render.style`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from terroffer import words
from terroffer._lookup import Lookup, PlanStatus, ZoneHit
from terroffer._output import check_output, write_output
from terroffer.errors import OptionError
from terroffer.index import plan_index
from terroffer.model import Notice, Plan
from terroffer.reference import RESERVATION_KINDS, USES, name_of, translate
from terroffer.render.style import family_colour, family_name, text_direction
from terroffer.selection import STATUS_UNKNOWN
from terroffer.words import isolate, term

__all__ = ["NOTE_LANGUAGES", "note_html", "note_pdf", "note_reference"]

#: Languages a note is written in; ``both`` is French and Arabic side by side, on one page.
NOTE_LANGUAGES = ("fr", "ar", "en", "both")

#: Notices that the note shows elsewhere than in the list of points of attention: as a coloured
#: box (plan status, outside, illustrative data) or beside the capacity figures (partial).
_BOXED_NOTICES = frozenset(
    {
        "lookup.illustrative",
        "lookup.plan_draft",
        "lookup.plan_expired",
        "lookup.plan_status_unknown",
        "lookup.outside",
        "lookup.capacity_partial",
    }
)

#: The colours of the document itself, by role; the data's colours come from render.style.
DOCUMENT_COLOURS = {
    "ink": "#1a1a1a",
    "muted": "#5f6368",
    "accent": "#1f4e79",
    "rule": "#c9d3de",
    "band": "#eef2f6",
    "panel": "#f4f7fa",
    "detail": "#333333",
    "danger": "#b00020",
    "danger_fill": "#fdecee",
    "caution": "#8a5a00",
    "caution_edge": "#e0b040",
    "caution_fill": "#fff4d6",
}
#: Reservations on the map: roads white, other kinds in their family's colour, all hatched.
ROAD_FILL = "#ffffff"
RESERVATION_EDGE = "#3c3c3c"


# --------------------------------------------------------------------------- reference data


def _reference_text(*parts: str) -> str:
    return resources.files("terroffer.reference").joinpath(*parts).read_text(encoding="utf-8")


@cache
def contacts() -> dict[str, Any]:
    """The single window's contact details (``reference/contacts.json``), loaded once."""
    data = json.loads(_reference_text("contacts.json"))
    data.pop("_doc", None)
    return data


def font_path(weight: str = "Regular") -> Path:
    """IBM Plex Sans Arabic (``Regular`` or ``Bold``), completed by :mod:`terroffer.render._fonts`."""
    from terroffer.render._fonts import font_path as completed

    return completed(weight)


@cache
def font_woff_base64(weight: str) -> str:
    """The font as WOFF (zlib, about half the TTF) in base64, for the HTML ``@font-face``."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_path(weight))
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    return base64.b64encode(buf.getvalue()).decode("ascii")


# --------------------------------------------------------------------------- words and numbers


def _t(key: str, lang: str, **params: object) -> str:
    return translate(f"note.{key}", lang, **params)


def _plan_name(plan: PlanStatus, lang: str) -> str:
    if lang == "ar" and plan.name_ar:
        return plan.name_ar
    return plan.name_fr or plan.name_ar or isolate(plan.plan_id, lang)


def _uses(codes: Iterable[str] | None, lang: str) -> str | None:
    if codes is None:
        return None
    names = [name_of(USES, c, lang) for c in codes]
    return words.join(names, lang) if names else "—"


def _legal_names(result: Lookup, plan: Plan, lang: str) -> dict[str, str]:
    """French place and plan names -> their name in ``lang``, for :func:`terroffer.words.legal_ref`."""
    if lang != "ar":
        return {}
    names = {p.name_fr: p.name_ar for p in result.plans if p.name_fr and p.name_ar}
    communes = plan.communes
    for fr, ar in zip(communes.get("name_fr", ()), communes.get("name_ar", ()), strict=True):
        if isinstance(fr, str) and isinstance(ar, str) and fr and ar:
            names.setdefault(fr, ar)
    return names


def _notice_text(notice: Notice, lang: str, plans: Sequence[PlanStatus]) -> str:
    """A look-up notice in ``lang``, its plan names translated.

    Numbers stay raw: the catalogue's placeholder (``{d:distance}``, ``{a:area}``) formats
    them in the language; codes and references become left-to-right islands in Arabic.
    """
    params: dict[str, Any] = {}
    by_name = {p.name_fr: p for p in plans if p.name_fr} | {p.plan_id: p for p in plans}
    for key, value in notice.params.items():
        if not isinstance(value, str):
            params[key] = value
        elif key == "plan" and value in by_name:
            params[key] = _plan_name(by_name[value], lang)
        else:
            params[key] = isolate(value, lang)
    if "plan" in notice.params and notice.params["plan"] in by_name:
        found = by_name[notice.params["plan"]]
        params.setdefault("plan_fr", found.name_fr or found.plan_id)
        params.setdefault("plan_ar", found.name_ar or found.name_fr or found.plan_id)
    return translate(notice.key, lang, **params)


# --------------------------------------------------------------------------- the content


#: A line of the plot's key figures: (label, value, status); status ``bad`` marks an unmet
#: minimum, ``heading`` a sub-heading and ``note`` a remark (both with an empty value).
Fact = tuple[str, str, str | None]


@dataclass(frozen=True)
class Alert:
    """A coloured box: ``danger`` (red: draft, expired, outside) or ``caution`` (amber)."""

    level: str
    text: str


@dataclass(frozen=True)
class Table:
    """A table of words: a header, rows, which columns are numbers, and per-row extras.

    ``swatches`` gives a colour per row (the zone family, as on the map); ``details`` a
    line of text under a row, across the table (a zone's uses).
    """

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    widths: tuple[float, ...]
    swatches: tuple[str | None, ...] = ()
    details: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class NoteText:
    """Everything a note says in one language, already worded: the renderers only lay it out."""

    lang: str
    direction: str
    agency: str
    title: str
    subtitle: str
    reference_label: str
    reference: str
    date_label: str
    date: str
    qr_caption: str
    label_sep: str
    alerts: tuple[Alert, ...]
    plot_heading: str
    facts: tuple[Fact, ...]
    map_caption: str
    plans_heading: str
    plans: Table | None
    plans_empty: str
    zones_heading: str
    zones: Table | None
    zones_empty: str
    reservations_heading: str
    reservations: Table | None
    reservations_empty: str
    warnings_heading: str
    warnings: tuple[str, ...]
    contacts_heading: str
    contact_lines: tuple[str, ...]
    contacts_note: str | None
    disclaimer_heading: str
    disclaimer: str
    sources: str | None
    footer: str
    page_label: str = ""


def note_reference(result: Lookup, today: dt.date | None = None) -> str:
    """The note's reference: ``TO-<date>-<6 hex digits>`` from the plot's geometry and the date.

    The same plot on the same day always gets the same reference, whatever the order or the
    starting corner of its vertices (the geometry is normalised and rounded to the millimetre
    first), so that the single window can find a note a visitor brings back.
    """
    today = today or dt.date.today()
    geom = shapely.normalize(shapely.set_precision(result.plot.geometry, 0.001))
    wkb = shapely.to_wkb(geom, output_dimension=2, byte_order=1)
    digest = hashlib.sha256(wkb + today.isoformat().encode("ascii")).hexdigest()
    return f"TO-{today:%Y%m%d}-{digest[:6].upper()}"


def _facts(result: Lookup, lang: str) -> list[Fact]:
    """The key figures: (label, value, status) where status ``bad`` marks an unmet minimum."""
    facts: list[Fact] = []
    area = _t("plot_point", lang) if result.is_point else words.area(result.plot_area_m2, lang)
    facts.append((term("plot_area", lang), area, None))
    commune = result.commune or {}
    name = commune.get("name_ar") if lang == "ar" else commune.get("name_fr")
    facts.append((term("commune", lang), str(name or commune.get("name_fr") or "—"), None))
    centre = result.plot.geometry.centroid
    xy = f"X {words.number(centre.x, lang)} · Y {words.number(centre.y, lang)}"
    facts.append((_t("centre", lang), isolate(xy, lang), None))
    if result.is_point:
        return facts
    if result.reservations:
        facts.append(
            (_t("reserved_area", lang), words.area(result.plot_area_m2 - result.net_area_m2, lang), None)
        )
    facts.append((term("net_area", lang), words.area(result.net_area_m2, lang), None))
    frontage = (
        _t("frontage_none", lang) if result.frontage_m is None else words.length(result.frontage_m, lang)
    )
    facts.append((term("frontage", lang), frontage, None))
    main = max(result.zones, key=lambda h: h.net_area_m2, default=None)
    rules = (main.rules or {}) if main else {}
    min_lot = rules.get("min_lot_m2")
    if min_lot is not None:
        ok = "below_min_lot" not in result.flags
        verdict = _t("check_met" if ok else "check_not_met", lang)
        facts.append(
            (term("min_lot_m2", lang), f"{words.area(min_lot, lang)} — {verdict}", None if ok else "bad")
        )
    min_front = rules.get("min_frontage_m")
    if min_front is not None:
        if "below_min_frontage" in result.flags:
            verdict, status = _t("check_not_met", lang), "bad"
        elif result.frontage_m is None:
            verdict, status = _t("check_unknown", lang), None
        else:
            verdict, status = _t("check_met", lang), None
        facts.append((term("min_frontage_m", lang), f"{words.length(min_front, lang)} — {verdict}", status))
    return facts


def partial_capacity(result: Lookup) -> tuple[bool, float]:
    """Whether the capacity covers only part of the plot, and the area it leaves out (m²).

    The look-up says so itself (``Capacity.partial`` and ``Capacity.unknown_m2``); for a
    look-up that does not, the parts are counted here: the net area of zones without
    figures, and the part of the plot outside every plan.
    """
    capacity = result.capacity
    if capacity is None or result.is_point:
        return False, 0.0
    if hasattr(capacity, "partial"):
        unknown = getattr(capacity, "unknown_m2", None)
        return bool(capacity.partial), float(unknown or 0.0)
    unknown = sum(
        h.net_area_m2 for h in result.zones if h.capacity is None or set(h.capacity.basis) <= {"unknown"}
    )
    unknown += result.uncovered_m2
    known_any = any(h.capacity is not None and set(h.capacity.basis) - {"unknown"} for h in result.zones)
    return bool(known_any and unknown > 0.01), float(unknown)


def _capacity_facts(result: Lookup, lang: str) -> list[Fact]:
    """The buildable capacity as facts, under a ``heading`` row, with ``note`` rows where due."""
    capacity, zones = result.capacity, result.zones
    if capacity is None:
        return []
    partial, unknown_m2 = partial_capacity(result)
    heading = _t("section_capacity_partial" if partial else "section_capacity", lang)
    out: list[Fact] = [(heading, "", "heading")]
    if set(capacity.basis) == {"not_buildable"}:
        nothing = _t("not_buildable", lang)
        return [*out, (term("footprint", lang), nothing, None), (term("floor_area", lang), nothing, None)]

    def area(value: float | None) -> str:
        return _t("unknown", lang) if value is None else words.area(value, lang)

    floor_area = area(capacity.max_floor_area_m2)
    if capacity.max_floor_area_m2 is not None:
        bases = [
            _t(f"basis_{b.replace('×', '_')}", lang) for b in capacity.basis if b in ("cos", "ces×floors")
        ]
        if bases:
            floor_area += f" ({words.join(dict.fromkeys(bases), lang)})"
    out += [
        (term("footprint", lang), area(capacity.max_footprint_m2), None),
        (term("floor_area", lang), floor_area, None),
        (term("max_floors", lang), words.floors(capacity.max_floors, lang), None),
        (term("max_height_m", lang), words.length(capacity.max_height_m, lang), None),
    ]
    if partial:
        out.append((_t("capacity_partial_note", lang, area=unknown_m2), "", "warn"))
    if len({(z.plan_id, z.zone_code) for z in zones}) > 1:
        out.append((_t("capacity_note_several", lang), "", "note"))
    return out


#: The columns of each table: (message key, is a number, share of the width).
_PLAN_COLUMNS = (("col_plan", False, 0.36), ("col_status", False, 0.2), ("col_approval", False, 0.24),
                 ("col_validity", False, 0.2))  # fmt: skip
_ZONE_COLUMNS = (
    ("col_zone", False, 0.07), ("col_family", False, 0.2), ("col_area", True, 0.125),
    ("col_share", True, 0.075), ("term:cos_short", True, 0.09), ("term:ces_short", True, 0.08),
    ("term:max_floors", True, 0.1), ("term:max_height_m", True, 0.09), ("term:min_lot_m2", True, 0.12),
)  # fmt: skip
_RESERVATION_COLUMNS = (
    ("col_number", False, 0.08), ("col_kind", False, 0.14), ("col_label", False, 0.3),
    ("col_width", True, 0.09), ("col_area", True, 0.13), ("col_share", True, 0.09),
    ("col_effect", False, 0.17),
)  # fmt: skip


def _table(
    columns: Sequence[tuple[str, bool, float]],
    lang: str,
    rows: Sequence[tuple[str, ...]],
    swatches: tuple[str | None, ...] = (),
    details: tuple[str | None, ...] = (),
) -> Table:
    return Table(
        head=tuple(
            term(key[5:], lang) if key.startswith("term:") else _t(key, lang) for key, _, _ in columns
        ),
        rows=tuple(rows),
        numeric=tuple(num for _, num, _ in columns),
        widths=tuple(w for _, _, w in columns),
        swatches=swatches,
        details=details,
    )


def _plans_table(plans: Sequence[PlanStatus], lang: str, names: dict[str, str]) -> Table:
    rows = []
    for p in plans:
        status = translate(f"status.{p.status or STATUS_UNKNOWN}", lang)
        ref = words.legal_ref(p.approval_ref, lang, names) if p.approval_ref else "—"
        if p.approval_ref and p.approval_date:
            approval = _t("approval_value", lang, ref=ref, date=words.date(p.approval_date, lang))
        else:
            approval = ref
        if p.in_force:
            validity = (
                _t("in_force_until", lang, date=words.date(p.valid_until, lang))
                if p.valid_until
                else _t("in_force", lang)
            )
        elif p.status == "approved" and p.valid_until:
            validity = _t("not_in_force_since", lang, date=words.date(p.valid_until, lang))
        else:
            validity = _t("not_in_force", lang)
        name = f"{_plan_name(p, lang)} ({isolate(p.plan_id, lang)})"
        rows.append((name, status, approval, validity))
    return _table(_PLAN_COLUMNS, lang, rows)


def _zones_table(result: Lookup, lang: str, names: dict[str, str]) -> Table | None:
    if not result.zones:
        return None
    rows, swatches, details = [], [], []
    point = result.is_point
    # one row per zone code: the look-up lists each polygon, the reader wants each zone
    groups: dict[tuple[str, str], list[ZoneHit]] = {}
    for hit in result.zones:
        groups.setdefault((hit.plan_id, hit.zone_code), []).append(hit)
    for hits in groups.values():
        z = hits[0]
        area, share = sum(h.area_m2 for h in hits), sum(h.share for h in hits)
        r = z.rules or {}
        rows.append(
            (
                isolate(z.zone_code, lang),
                family_name(z.family, lang),
                "—" if point else words.area(area, lang),
                "—" if point else words.share(share, lang),
                words.ratio(r.get("cos"), lang),
                words.ratio(r.get("ces"), lang),
                words.floors(r.get("max_floors"), lang),
                words.length(r.get("max_height_m"), lang),
                words.area(r.get("min_lot_m2"), lang),
            )
        )
        swatches.append(family_colour(z.family))
        label = z.label_ar if lang == "ar" and z.label_ar else z.label_fr
        parts = [label] if label else []
        if z.rules is None:
            parts.append(_t("no_rules", lang))
        else:
            allowed = _uses(r.get("allowed_uses"), lang)
            conditional = _uses(r.get("conditional_uses"), lang)
            if allowed:
                parts.append(_t("uses_allowed", lang, uses=allowed))
            if conditional and conditional != "—":
                parts.append(_t("uses_conditional", lang, uses=conditional))
            if r.get("article_ref"):
                parts.append(words.legal_ref(str(r["article_ref"]), lang, names))
        details.append(_t("detail_sep", lang).join(parts) if parts else None)
    return _table(_ZONE_COLUMNS, lang, rows, tuple(swatches), tuple(details))


def _reservations_table(result: Lookup, lang: str) -> Table | None:
    if not result.reservations:
        return None
    rows = []
    point = result.is_point
    for r in result.reservations:
        label = r.label_ar if lang == "ar" and r.label_ar else (r.label_fr or r.label_ar or "—")
        rows.append(
            (
                isolate(r.number, lang) if r.number else "—",
                name_of(RESERVATION_KINDS, r.kind, lang),
                label,
                words.length(r.road_width_m, lang),
                "—" if point else words.area(r.area_m2, lang),
                "—" if point else words.share(r.share, lang),
                _t("effect_until", lang, date=words.date(r.effect_until, lang)) if r.effect_until else "—",
            )
        )
    return _table(_RESERVATION_COLUMNS, lang, rows)


def _alerts(result: Lookup, plan: Plan, lang: str) -> list[Alert]:
    alerts = []
    if not result.zones:
        text = _t("alert_outside", lang)
        if result.nearest:
            n = result.nearest
            near_plan = (
                (n.get("plan_name_ar") if lang == "ar" else None) or n.get("plan_name_fr") or n["plan_id"]
            )
            text += " " + _t(
                "nearest",
                lang,
                zone=isolate(str(n["zone_code"]), lang),
                plan=near_plan,
                distance=float(n["distance_m"]),
            )
        alerts.append(Alert("danger", text))
    for p in result.plans:
        name = _plan_name(p, lang)
        if p.status == "under_study":
            alerts.append(Alert("danger", _t("alert_draft", lang, plan=name)))
        elif p.status == "expired" or (p.status == "approved" and not p.in_force):
            alerts.append(Alert("danger", _t("alert_expired", lang, plan=name)))
        elif p.status in (None, STATUS_UNKNOWN):
            alerts.append(Alert("caution", _t("alert_unknown", lang, plan=name)))
    if plan.illustrative or any(p.illustrative for p in result.plans):
        alerts.append(Alert("caution", _t("illustrative_data", lang)))
    return alerts


def note_text(
    result: Lookup, plan: Plan, lang: str, *, reference: str | None = None, today: dt.date | None = None
) -> NoteText:
    """Everything the note says in ``lang`` (``fr``, ``ar`` or ``en``), worded and formatted."""
    if lang not in ("fr", "ar", "en"):
        raise OptionError("error.option_choice", "lang", value=str(lang), choices=("fr", "ar", "en"))
    today = today or dt.date.today()
    reference = reference or note_reference(result, today)
    desk = contacts()["single_window"]
    names = _legal_names(result, plan, lang)
    facts = _facts(result, lang) + _capacity_facts(result, lang)
    warnings = [_notice_text(w, lang, result.plans) for w in result.warnings if w.key not in _BOXED_NOTICES]
    contact_lines = (
        desk["address"][lang],
        f"{_t('phone', lang)} {isolate(desk['phone'], lang)}",
        f"{_t('email', lang)} {isolate(desk['email'], lang)}",
        desk["hours"][lang],
    )
    crs = plan.crs
    crs_name = f"{crs.name} (EPSG:{crs.to_epsg()})" if crs is not None and crs.to_epsg() else str(crs)
    return NoteText(
        lang=lang,
        direction=text_direction(lang),
        agency=desk["name"][lang],
        title=_t("title", lang),
        subtitle=_t("subtitle", lang),
        reference_label=_t("reference", lang),
        reference=isolate(reference, lang),
        date_label=_t("date", lang),
        date=words.date(today, lang),
        qr_caption=_t("qr_caption", lang),
        label_sep=_t("label_sep", lang),
        alerts=tuple(_alerts(result, plan, lang)),
        plot_heading=_t("section_plot", lang),
        facts=tuple(facts),
        map_caption=_t("map_caption", lang, crs=isolate(crs_name, lang)),
        plans_heading=_t("section_plans", lang),
        plans=_plans_table(result.plans, lang, names) if result.plans else None,
        plans_empty=_t("no_plans", lang),
        zones_heading=_t("section_zones", lang),
        zones=_zones_table(result, lang, names),
        zones_empty=_t("no_zones", lang),
        reservations_heading=_t("section_reservations", lang),
        reservations=_reservations_table(result, lang),
        reservations_empty=_t("no_reservations", lang),
        warnings_heading=_t("section_warnings", lang),
        warnings=tuple(warnings),
        contacts_heading=_t("section_contacts", lang),
        contact_lines=contact_lines,
        contacts_note=_t("contacts_illustrative", lang) if desk.get("illustrative") else None,
        disclaimer_heading=_t("disclaimer_heading", lang),
        disclaimer=_t("disclaimer", lang),
        sources=translate("app.source_line", lang) if plan.illustrative else None,
        footer=_t("footer", lang, reference=isolate(reference, lang)),
        page_label=_t("page", lang, page="{page}"),
    )


def _languages(lang: str) -> tuple[str, ...]:
    if lang not in NOTE_LANGUAGES:
        raise OptionError("error.option_choice", "lang", value=str(lang), choices=NOTE_LANGUAGES)
    return ("fr", "ar") if lang == "both" else (lang,)


# --------------------------------------------------------------------------- the map


def _rings_path(geoms: Iterable[shapely.Geometry]) -> list[Any]:
    """One matplotlib Path per polygonal geometry (holes included)."""
    from matplotlib.path import Path as MplPath

    paths: list[Any] = []
    for geom in geoms:
        polys = shapely.get_parts(geom)
        verts, codes = [], []
        for poly in polys:
            if shapely.get_type_id(poly) != 3:
                continue
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                if len(xy) < 4:
                    continue
                verts.append(xy)
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                codes.append(c)
        if verts:
            paths.append(MplPath(np.concatenate(verts), np.concatenate(codes)))
        else:
            paths.append(None)
    return paths


def _nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``target``."""
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


def _convergence_deg(plan: Plan, x: float, y: float) -> float:
    """Angle from grid north to true north at (x, y), in degrees (Lambert grids turn a little)."""
    try:
        from pyproj import Transformer

        to_geo = Transformer.from_crs(plan.crs, "EPSG:4326", always_xy=True)
        to_grid = Transformer.from_crs("EPSG:4326", plan.crs, always_xy=True)
        lon, lat = to_geo.transform(x, y)
        x2, y2 = to_grid.transform(lon, lat + 0.01)
        return math.degrees(math.atan2(x2 - x, y2 - y))
    except Exception:  # no CRS or no transformation: grid north it is
        return 0.0


def _under_furniture(u: float, v: float) -> bool:
    """True where a label at (u, v), in half-widths from the centre, would hide the scale bar or arrow."""
    return (u < -0.05 and v < -0.6) or math.hypot(u - 0.82, v - 0.74) < 0.3


def plot_map_png(result: Lookup, plan: Plan, *, size_mm: float = 80.0, dpi: int = 200) -> bytes:
    """A small map of the plot over the zones and reservations around it, as PNG bytes.

    Drawn in the plan's metric CRS rather than in WGS84 so that the scale bar is true
    everywhere on it; the north arrow points to true north (the grid's convergence is
    measured with pyproj). Zones take their family colour from :mod:`terroffer.render.style`;
    reservations are hatched over them; the plot is outlined in black on a white halo.
    """
    import matplotlib.patheffects as pe
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Rectangle

    geom = result.plot.geometry
    minx, miny, maxx, maxy = geom.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    span = max(maxx - minx, maxy - miny)
    half = 150.0 if result.is_point else max(span / 2 + max(0.35 * span, 40.0), 60.0)
    box = shapely.box(cx - half, cy - half, cx + half, cy + half)
    idx = plan_index(plan)

    inch = size_mm / 25.4
    fig = Figure(figsize=(inch, inch), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(cx - half, cx + half)
    ax.set_ylim(cy - half, cy + half)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.add_patch(Rectangle((cx - half, cy - half), 2 * half, 2 * half, facecolor="#f2f2f2", edgecolor="none"))

    zone_ids = np.sort(idx.zone_tree.query(box, predicate="intersects"))
    if len(zone_ids):
        clipped = shapely.clip_by_rect(idx.zone_geoms[zone_ids], cx - half, cy - half, cx + half, cy + half)
        families = plan.zones["family"].to_numpy()[zone_ids]
        paths = _rings_path(clipped)
        keep = [i for i, p in enumerate(paths) if p is not None]
        ax.add_collection(
            PathCollection(
                [paths[i] for i in keep],
                facecolors=[family_colour(str(families[i])) for i in keep],
                edgecolors="white",
                linewidths=0.6,
                zorder=1,
            )
        )
        codes = plan.zones["zone_code"].to_numpy()[zone_ids]
        min_area = (2 * half) ** 2 * 0.02
        for piece, code in zip(clipped, codes, strict=True):
            if shapely.area(piece) < min_area:
                continue
            pt = shapely.point_on_surface(piece)
            if _under_furniture((pt.x - cx) / half, (pt.y - cy) / half):
                continue
            ax.text(
                pt.x, pt.y, str(code), ha="center", va="center", fontsize=6.5, color="#222222", zorder=4,
                path_effects=[pe.withStroke(linewidth=2, foreground="white")],
            )  # fmt: skip

    res_ids = np.sort(idx.reservation_tree.query(box, predicate="intersects"))
    if len(res_ids):
        clipped = shapely.clip_by_rect(
            idx.reservation_geoms[res_ids], cx - half, cy - half, cx + half, cy + half
        )
        kinds = plan.reservations["kind"].to_numpy()[res_ids]
        paths = _rings_path(clipped)
        keep = [i for i, p in enumerate(paths) if p is not None]

        def fill(kind: str) -> str:
            if kind == "road":
                return ROAD_FILL
            return family_colour("green" if kind == "green_space" else "equipment")

        ax.add_collection(
            PathCollection(
                [paths[i] for i in keep],
                facecolors=[fill(str(kinds[i])) for i in keep],
                edgecolors=RESERVATION_EDGE,
                linewidths=0.6,
                hatch="////",
                alpha=0.85,
                zorder=2,
            )
        )

    if result.is_point:
        ax.plot([geom.x], [geom.y], marker="o", ms=7, mfc="black", mec="white", mew=1.5, zorder=6)
    else:
        plot_path = _rings_path([geom])[0]
        if plot_path is not None:
            for width, colour in ((4.5, "white"), (1.8, "black")):
                ax.add_collection(
                    PathCollection(
                        [plot_path], facecolors="none", edgecolors=colour, linewidths=width, zorder=5
                    )
                )

    # scale bar, lower left: alternating black and white halves
    length = _nice_length(half * 2 * 0.3)
    x0, y0, h = cx - half * 0.9, cy - half * 0.9, half * 0.025
    ax.add_patch(
        Rectangle(
            (x0 - half * 0.04, y0 - half * 0.05), length + half * 0.2, half * 0.2,
            facecolor="white", edgecolor="none", alpha=0.85, zorder=6,
        )
    )  # fmt: skip
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / 2, y0),
                length / 2,
                h,
                facecolor=colour,
                edgecolor="black",
                lw=0.6,
                zorder=7,
            )
        )
    label = f"{length:g} m"
    ax.text(x0 + length / 2, y0 + h * 1.8, label, ha="center", va="bottom", fontsize=6.5, zorder=7)

    # north arrow, upper right, turned to true north
    angle = math.radians(_convergence_deg(plan, cx, cy))
    nx, ny, r = cx + half * 0.82, cy + half * 0.78, half * 0.1
    dx, dy = r * math.sin(angle), r * math.cos(angle)
    ax.add_patch(Circle((nx, ny), r * 1.45, facecolor="white", edgecolor="none", alpha=0.85, zorder=6))
    ax.annotate(
        "",
        xy=(nx + dx, ny + dy),
        xytext=(nx - dx, ny - dy),
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2, "mutation_scale": 9},
        zorder=7,
    )
    ax.text(
        nx - dx * 0.1, ny - dy * 1.35, "N", ha="center", va="top", fontsize=7, fontweight="bold", zorder=7
    )

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


# --------------------------------------------------------------------------- QR code


def qr_matrix(reference: str) -> list[list[bool]]:
    """The QR code of the reference, as rows of dark (True) / light modules, without border."""
    import segno

    qr = segno.make(reference, error="m", micro=False)
    return [[bool(m) for m in row] for row in qr.matrix]


def qr_svg(reference: str, size_px: int = 96) -> str:
    """The QR code as inline SVG (a single path; no namespace URL, which inline SVG does not need)."""
    matrix = qr_matrix(reference)
    n = len(matrix) + 8  # quiet zone of 4 modules each side
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + 4} {y + 4}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return (
        f'<svg class="qr" viewBox="0 0 {n} {n}" width="{size_px}" height="{size_px}" role="img" '
        f'aria-label="QR">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path d="{"".join(parts)}" fill="#000"/></svg>'
    )


# --------------------------------------------------------------------------- HTML

_CSS = """
@font-face{font-family:"Note Sans";font-weight:400;src:url(data:font/woff;base64,%(regular)s) format("woff")}
@font-face{font-family:"Note Sans";font-weight:700;src:url(data:font/woff;base64,%(bold)s) format("woff")}
@page{size:A4;margin:10mm}
*{box-sizing:border-box}
body{margin:0;background:#e9edf1;color:%(ink)s;font:13px/1.45 "Note Sans",sans-serif}
.pages{display:grid;gap:16px;padding:16px;justify-content:center;grid-template-columns:minmax(0,820px)}
.pages.both{grid-template-columns:repeat(2,minmax(0,820px))}
.note{background:#fff;min-width:0;padding:28px 34px;box-shadow:0 1px 4px rgba(0,0,0,.15);
  container-type:inline-size;overflow-wrap:anywhere}
.note header{display:flex;justify-content:space-between;gap:18px;
  border-bottom:3px solid %(accent)s;padding-bottom:10px}
.agency{color:%(accent)s;font-weight:700;font-size:12px;margin:0}
h1{font-size:24px;margin:2px 0 0;line-height:1.2}
.subtitle{margin:2px 0 8px;color:%(muted)s}
.meta{margin:0;font-size:12.5px}
.meta b{font-weight:700}
.qr-box{text-align:center;font-size:10px;color:%(muted)s;max-width:120px;flex:none}
.qr-box svg{display:block;margin:0 auto 2px}
.alert{margin:12px 0 0;padding:8px 12px;border:2px solid;border-radius:4px;font-weight:700}
.alert.danger{color:%(danger)s;border-color:%(danger)s;background:%(danger_fill)s;font-size:14.5px}
.alert.caution{color:%(caution)s;border-color:%(caution_edge)s;background:%(caution_fill)s}
h2{font-size:15px;color:%(accent)s;margin:18px 0 6px;padding-bottom:2px;border-bottom:1px solid %(rule)s}
.plot{display:grid;grid-template-columns:300px minmax(0,1fr);gap:18px;align-items:start}
figure{margin:0}
figure img{width:100%%;max-width:300px;height:auto;aspect-ratio:1;display:block;border:1px solid #bbb}
figcaption{font-size:10.5px;color:%(muted)s;margin-top:4px}
table{border-collapse:collapse;width:100%%;font-size:12px}
th,td{padding:4px 6px;text-align:start;vertical-align:top;border-bottom:1px solid %(rule)s}
thead th{background:%(band)s;font-weight:700;border-bottom:2px solid %(accent)s}
td.num,th.num{text-align:end;white-space:nowrap}
table.facts th{font-weight:400;color:%(muted)s;width:46%%}
table.facts td{font-weight:700}
table.facts td.bad{color:%(danger)s}
table.facts tr.heading th{color:%(accent)s;font-weight:700;padding-top:10px;
  border-bottom:1.5px solid %(accent)s}
table.facts tr.note th{font-size:10.5px;border-bottom:none}
table.facts tr.warn th{color:%(caution)s;font-weight:700;background:%(caution_fill)s}
tr.detail td{font-size:11px;color:#333;padding-top:0;background:#fafbfc}
.swatch{display:inline-block;width:11px;height:11px;border:1px solid #777;
  margin-inline-end:5px;vertical-align:-1px}
ul.warnings{margin:0;padding-inline-start:20px}
.bottom{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.2fr);gap:16px;margin-top:16px}
.box{border:1px solid %(rule)s;border-radius:4px;padding:8px 12px;font-size:12px}
.box h3{margin:0 0 4px;font-size:13px;color:%(accent)s}
.box p{margin:0}
.small{font-size:10.5px;color:%(muted)s}
.disclaimer{border-color:%(accent)s;background:%(panel)s}
footer{margin-top:12px;font-size:10px;color:%(muted)s;border-top:1px solid %(rule)s;padding-top:4px}
/* A narrow note (a phone, or one column of the bilingual page): one column, and each table
   row as a small card whose cells carry their heading, so that nothing scrolls sideways. */
@container (max-width:620px){
.plot,.bottom{grid-template-columns:minmax(0,1fr)}
table.grid thead{display:none}
table.grid tr{display:block;border-bottom:1px solid %(rule)s;padding:3px 0}
table.grid td{display:flex;justify-content:space-between;gap:8px;border:none;padding:1px 4px;
  text-align:start;white-space:normal}
table.grid td::before{content:attr(data-label);color:%(muted)s;font-weight:400}
table.grid td:first-child{font-weight:700}
table.grid tr.detail td{font-weight:400}
table.grid tr.detail td::before{content:none}
}
@media (max-width:900px){.pages,.pages.both{grid-template-columns:minmax(0,1fr);padding:0;gap:8px}}
@media (max-width:520px){.note{padding:14px 12px}h1{font-size:20px}
.note header{flex-wrap:wrap}}
@media print{body{background:#fff;font-size:11px}.pages{display:block;padding:0}
.pages.both{display:grid;grid-template-columns:1fr 1fr;gap:6mm}
.note{box-shadow:none;max-width:none;padding:0;break-after:page}
.pages.both .note{break-after:auto;font-size:9px}}
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_table(table: Table, css_class: str = "") -> str:
    head = "".join(
        f'<th class="num">{_esc(h)}</th>' if num else f"<th>{_esc(h)}</th>"
        for h, num in zip(table.head, table.numeric, strict=True)
    )
    body = []
    for i, row in enumerate(table.rows):
        cells = []
        for j, (value, num) in enumerate(zip(row, table.numeric, strict=True)):
            text = _esc(value)
            if j == 0 and table.swatches and table.swatches[i]:
                text = f'<span class="swatch" style="background:{table.swatches[i]}"></span>{text}'
            label = f' data-label="{_esc(table.head[j])}"'
            cells.append(f'<td class="num"{label}>{text}</td>' if num else f"<td{label}>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
        if table.details and table.details[i]:
            body.append(
                f'<tr class="detail"><td colspan="{len(row)}">{_esc(table.details[i] or "")}</td></tr>'
            )
    cls = f' class="grid {css_class}"'
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _html_note(text: NoteText, map_uri: str, qr: str) -> str:
    alerts = "".join(f'<p class="alert {a.level}" role="alert">{_esc(a.text)}</p>' for a in text.alerts)
    facts = "".join(
        f'<tr class="{status}"><th colspan="2">{_esc(k)}</th></tr>'
        if status in ("heading", "note", "warn")
        else f"<tr><th>{_esc(k)}</th><td{' class=bad' if status == 'bad' else ''}>{_esc(v)}</td></tr>"
        for k, v, status in text.facts
    )
    plans = _html_table(text.plans, "plans") if text.plans else f"<p>{_esc(text.plans_empty)}</p>"
    zones = _html_table(text.zones, "zones") if text.zones else f"<p>{_esc(text.zones_empty)}</p>"
    reservations = (
        _html_table(text.reservations, "reservations")
        if text.reservations
        else f"<p>{_esc(text.reservations_empty)}</p>"
    )
    warnings = (
        f"<h2>{_esc(text.warnings_heading)}</h2><ul class=warnings>"
        + "".join(f"<li>{_esc(w)}</li>" for w in text.warnings)
        + "</ul>"
        if text.warnings
        else ""
    )
    contact = "".join(f"<p>{_esc(line)}</p>" for line in text.contact_lines)
    contact_note = f'<p class="small">{_esc(text.contacts_note)}</p>' if text.contacts_note else ""
    sources = f'<p class="small">{_esc(text.sources)}</p>' if text.sources else ""
    return f"""<article class="note" lang="{text.lang}" dir="{text.direction}">
<header><div><p class="agency">{_esc(text.agency)}</p><h1>{_esc(text.title)}</h1>
<p class="subtitle">{_esc(text.subtitle)}</p>
<p class="meta"><b>{_esc(text.reference_label)}</b>{_esc(text.label_sep)}
<bdi class="reference">{_esc(text.reference)}</bdi>
&nbsp;·&nbsp; <b>{_esc(text.date_label)}</b>{_esc(text.label_sep)}<bdi>{_esc(text.date)}</bdi></p></div>
<div class="qr-box">{qr}<span>{_esc(text.qr_caption)}</span></div></header>
{alerts}
<h2>{_esc(text.plot_heading)}</h2>
<div class="plot"><figure><img src="{map_uri}" alt="{_esc(text.map_caption)}" width="300" height="300">
<figcaption>{_esc(text.map_caption)}</figcaption></figure>
<table class="facts"><tbody>{facts}</tbody></table></div>
<h2>{_esc(text.plans_heading)}</h2>{plans}
<h2>{_esc(text.zones_heading)}</h2>{zones}
<h2>{_esc(text.reservations_heading)}</h2>{reservations}
{warnings}
<div class="bottom">
<section class="box"><h3>{_esc(text.contacts_heading)}</h3>{contact}{contact_note}</section>
<section class="box disclaimer"><h3>{_esc(text.disclaimer_heading)}</h3>
<p>{_esc(text.disclaimer)}</p>{sources}</section></div>
<footer>{_esc(text.footer)}</footer>
</article>"""


def note_html(
    result: Lookup,
    plan: Plan,
    *,
    lang: str = "fr",
    reference: str | None = None,
    today: dt.date | None = None,
) -> str:
    """The note as one self-contained HTML page.

    Parameters
    ----------
    result
        The plot's look-up, from :func:`terroffer.lookup`.
    plan
        The plan it was looked up in (for the map around the plot).
    lang
        ``fr``, ``ar`` (right to left), ``en``, or ``both``: French and Arabic side by side
        on a wide screen, one after the other in print.
    reference
        The note's reference; by default :func:`note_reference` of the plot and ``today``.
    today
        The note's date; by default today.

    Returns
    -------
    str
        An HTML document that needs nothing from the network: the font, the map (PNG) and
        the QR code are inline.
    """
    langs = _languages(lang)
    today = today or dt.date.today()
    reference = reference or note_reference(result, today)
    map_uri = "data:image/png;base64," + base64.b64encode(plot_map_png(result, plan)).decode("ascii")
    qr = qr_svg(reference)
    texts = [note_text(result, plan, one, reference=reference, today=today) for one in langs]
    css = _CSS % {
        "regular": font_woff_base64("Regular"),
        "bold": font_woff_base64("Bold"),
        **DOCUMENT_COLOURS,
    }
    first = texts[0]
    doc_lang, doc_dir = (first.lang, first.direction) if len(texts) == 1 else ("fr", "ltr")
    body = "\n".join(_html_note(t, map_uri, qr) for t in texts)
    title = f"{first.title} {reference}"
    return f"""<!DOCTYPE html>
<html lang="{doc_lang}" dir="{doc_dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{_esc(title)}</title>
<style>{css}</style></head>
<body><main class="pages{" both" if len(texts) > 1 else ""}">
{body}
</main></body></html>
"""


# --------------------------------------------------------------------------- PDF


def note_pdf(
    result: Lookup,
    plan: Plan,
    path: str | Path | None = None,
    *,
    lang: str = "fr",
    reference: str | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The note as an A4 PDF (``both``: French and Arabic columns side by side on one page).

    Parameters
    ----------
    result, plan, lang, reference, today
        As for :func:`note_html`.
    path
        Where to write the PDF; None only returns it.

    Returns
    -------
    bytes
        The PDF. Its text is real text (searchable, and Arabic copies out in reading order
        except across some ligatures), in the bundled IBM Plex Sans Arabic.
    """
    from terroffer.render._pdf import render_note_pdf

    langs = _languages(lang)
    if path is not None:
        check_output(path)  # a wrong target is said before the note is drawn
    today = today or dt.date.today()
    reference = reference or note_reference(result, today)
    texts = [note_text(result, plan, one, reference=reference, today=today) for one in langs]
    data = render_note_pdf(
        texts,
        map_png=plot_map_png(result, plan),
        qr=qr_matrix(reference),
        fonts={"": font_path("Regular"), "B": font_path("Bold")},
        title=f"{texts[0].title} {reference}",
        today=today,
        palette=DOCUMENT_COLOURS,
    )
    if path is not None:
        write_output(path, lambda tmp: tmp.write_bytes(data))
    return data
