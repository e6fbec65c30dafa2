"""What the planning information note says, worded in one language: :class:`NoteText`.

The look-up (:func:`terroffer.lookup`) does all the computing; this module only words its
result. The HTML (:mod:`~terroffer.render._note_html`) and PDF (:mod:`~terroffer.render._pdf`)
renderers lay a :class:`NoteText` out and never word anything themselves, so both say the
same. Every word comes from the ``note.*`` messages of the catalogues, numbers are
written the way each language writes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely

from terroffer import words
from terroffer._lookup import Lookup, PlanStatus, ZoneHit
from terroffer.errors import OptionError
from terroffer.model import Notice, Plan
from terroffer.reference import RESERVATION_KINDS, USES, name_of, translate
from terroffer.render._contacts import contacts
from terroffer.render.style import family_colour, family_name, text_direction
from terroffer.selection import STATUS_UNKNOWN
from terroffer.words import isolate, term

__all__ = ["Alert", "Fact", "NoteText", "Table", "note_reference", "note_text", "partial_capacity"]

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
