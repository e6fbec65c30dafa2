"""The one rules panel: what a zone or a reservation allows, as an HTML fragment.

The folium export's popups (:mod:`terroffer.render.webmap`) and the dashboards' rules panel
are built here, so that a visitor reads the same words, figures and plan status whether
they tap a zone on the offline map or on the explorer:

- :func:`zone_panel_html`: a zone code of a plan: its label and family, COS, CES, floors,
  maximum height, minimum lot, allowed / conditional / forbidden uses by name, the article
  of the règlement the figures come from, and the plan with its status and validity;
- :func:`reservation_panel_html`: one reserved piece of land: its kind and number, label,
  width, state, end of effect, beneficiary and plan.

Each is a ``<div class="terroffer-rules" dir=... lang=...>``; :data:`PANEL_CSS` is the one
small style sheet that both the web map and the dashboards include. Every word comes
from the catalogues, every number goes through :mod:`terroffer.words`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from terroffer import words
from terroffer.index import plan_in_force
from terroffer.model import Plan, is_missing, split_uses
from terroffer.reference import RESERVATION_KINDS, USES, name_of, translate
from terroffer.render.style import colour, family_colour, family_name, text_direction
from terroffer.selection import STATUS_UNKNOWN
from terroffer.words import isolate, join, term

__all__ = ["PANEL_CSS", "reservation_panel_html", "zone_panel_html"]

#: The CSS class of every panel (a stable hook for tests and user style sheets).
PANEL_CLASS = "terroffer-rules"

#: The panel's style sheet: scoped to :data:`PANEL_CLASS`, colours from ``style.json``.
PANEL_CSS = f"""\
.{PANEL_CLASS}{{font-size:13px;line-height:1.45;color:{colour("ink")}}}
.{PANEL_CLASS} h3{{margin:0 0 2px;font-size:15px}}
.{PANEL_CLASS} .to-sub{{margin:0 0 6px;color:{colour("secondary_ink")}}}
.{PANEL_CLASS} table{{border-collapse:collapse;width:100%;margin:4px 0}}
.{PANEL_CLASS} th,.{PANEL_CLASS} td{{padding:2px 4px;vertical-align:top;text-align:start;\
border-bottom:1px solid {colour("separator")}}}
.{PANEL_CLASS} th{{font-weight:600;color:{colour("muted")};white-space:nowrap}}
.{PANEL_CLASS} .to-uses{{margin:4px 0}}
.{PANEL_CLASS} .to-forbidden b{{color:{colour("danger")}}}
.{PANEL_CLASS} .to-article{{margin:4px 0;font-size:12px;color:{colour("secondary_ink")}}}
.{PANEL_CLASS} .to-plan{{margin:6px 0 0;font-size:12px;color:{colour("secondary_ink")}}}
.{PANEL_CLASS} .to-warn{{color:{colour("warning_ink")};font-weight:600}}
.{PANEL_CLASS} .to-foot{{margin:6px 0 0;font-size:11px;color:{colour("muted")}}}
.{PANEL_CLASS} hr{{border:none;border-top:2px solid {colour("rule")};margin:8px 0}}
.{PANEL_CLASS} .to-dot{{display:inline-block;width:10px;height:10px;border-radius:2px;\
margin-inline-end:6px;border:1px solid rgba(0,0,0,.35)}}
"""

_FIGURE_TERMS = {"cos": "cos_short", "ces": "ces_short"}


# ----------------------------------------------------------------------------- public API


def zone_panel_html(plan: Plan, plan_id: str, zone_code: str, lang: str) -> str:
    """The rules of one zone code of one plan, as an HTML fragment.

    Parameters
    ----------
    plan
        The plan the zone belongs to.
    plan_id, zone_code
        The zone, as the plan's ``zones`` and ``rules`` tables name it.
    lang
        ``"fr"``, ``"ar"`` (the fragment is then ``dir="rtl"``) or ``"en"``.

    Returns
    -------
    str
        ``<div class="terroffer-rules" dir=... lang=...>``: the code, label and family;
        the figures (COS, CES, floors, height, minimum lot); allowed, conditional and
        forbidden uses by name; the article they come from; the plan, its status and
        validity. A zone without rules in the data says so.

    Raises
    ------
    KeyError
        When neither the zones nor the rules of ``plan`` know this plan and zone code.
    """
    zones = plan.zones
    mine = zones[(zones["plan_id"] == plan_id) & (zones["zone_code"] == zone_code)]
    rules = plan.rules
    rule_rows = rules[(rules["plan_id"] == plan_id) & (rules["zone_code"] == zone_code)]
    if mine.empty and rule_rows.empty:
        raise KeyError(f"no zone {zone_code!r} in plan {plan_id!r}")
    rule = rule_rows.iloc[0].to_dict() if not rule_rows.empty else None
    family = _mode(mine["family"]) or "other"
    label = _mode(mine["label_ar" if lang == "ar" else "label_fr"]) or family_name(family, lang)
    body = zone_block(rule, zone_code, family, label, lang, legal_names(plan, lang))
    return _panel(body + plan_line(plan, plan_id, lang), lang)


def reservation_panel_html(plan: Plan, row_index: int, lang: str) -> str:
    """One reservation of the plan (by its position in ``plan.reservations``), as an HTML fragment.

    Returns
    -------
    str
        ``<div class="terroffer-rules" dir=... lang=...>``: kind and number, label (when it
        says more than the kind), road width, state, end of effect, beneficiary, and the
        plan with its status and validity.

    Raises
    ------
    IndexError
        For a position outside ``plan.reservations``.
    """
    res = plan.reservations
    if not -len(res) <= row_index < len(res):
        raise IndexError(f"reservation {row_index} of {len(res)}")
    row = {k: (None if is_missing(v) else v) for k, v in res.iloc[row_index].drop("geometry").items()}
    kind = row.get("kind") if row.get("kind") in RESERVATION_KINDS else "other"
    label = row.get("label_ar") if lang == "ar" and row.get("label_ar") else row.get("label_fr")
    until = row.get("effect_until")
    width = row.get("road_width_m")
    facts = (
        None if width is None else round(float(width), 2),
        row.get("status"),
        None if until is None else _as_date(until),
        row.get("beneficiary"),
        row.get("plan_id"),
    )
    plan_id = row.get("plan_id")
    lines = {plan_id: plan_line(plan, plan_id, lang)} if plan_id is not None else {}
    number = "" if row.get("number") is None else str(row["number"])
    body = reservation_heading(name_of(RESERVATION_KINDS, str(kind), lang), number, label, lang)
    return _panel(body + reservation_detail(facts, lines, lang), lang)


# ----------------------------------------------------------------------------- the parts, shared with webmap


def area_m2(value: float, lang: str) -> str:
    """An area in square metres, whole unless it is small: ``20 000 m²``, ``87,5 m²``."""
    decimals = 0 if value >= 1000 or float(value).is_integer() else 1
    return words.area(value, lang, decimals)


def legal_names(plan: Plan, lang: str) -> dict[str, str]:
    """French place and plan names -> their name in ``lang``, for :func:`terroffer.words.legal_ref`."""
    if lang != "ar":
        return {}
    names: dict[str, str] = {}
    for table in (plan.plans, plan.communes):
        for fr, ar in zip(table.get("name_fr", ()), table.get("name_ar", ()), strict=True):
            if isinstance(fr, str) and isinstance(ar, str) and fr and ar:
                names.setdefault(fr, ar)
    return names


def zone_block(
    rules: Mapping[str, Any] | None,
    code: str,
    family: str,
    label: str,
    lang: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """The heading, figures, uses and article of one zone code (the plan line follows it)."""
    e = html.escape
    sep = translate("map.label_sep", lang)
    heading = translate("map.zone_heading", lang, code=isolate(code, lang))
    out = [
        f'<h3><span class="to-dot" style="background:{family_colour(family)}"></span>'
        f"{e(heading)} — {e(label)}</h3>",
        f'<p class="to-sub">{e(family_name(family, lang))}</p>',
    ]
    said = False
    if rules:
        formats = {
            "cos": lambda v: words.ratio(v, lang),
            "ces": lambda v: words.ratio(v, lang),
            "max_floors": lambda v: words.floors(int(v), lang),
            "max_height_m": lambda v: words.length(v, lang),
            "min_lot_m2": lambda v: area_m2(v, lang),
        }
        rows = [
            f"<tr><th>{e(term(_FIGURE_TERMS.get(k, k), lang))}</th><td>{e(fmt(rules.get(k)))}</td></tr>"
            for k, fmt in formats.items()
            if not is_missing(rules.get(k))
        ]
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            said = True
        for column in ("allowed_uses", "conditional_uses", "forbidden_uses"):
            uses = split_uses(rules.get(column))
            # an empty list of allowed uses is a rule (nothing may be built); empty others say nothing
            if uses is None or (not uses and column != "allowed_uses"):
                continue
            text = _use_names(uses, lang) or translate("map.uses_none", lang)
            css = "to-uses to-forbidden" if column == "forbidden_uses" else "to-uses"
            out.append(f'<p class="{css}"><b>{e(term(column, lang))}</b>{e(sep)}{e(text)}</p>')
            said = True
        article = rules.get("article_ref")
        if not is_missing(article) and str(article).strip():
            ref = words.legal_ref(str(article), lang, dict(names or {}))
            out.append(f'<p class="to-article"><b>{e(term("article", lang))}</b>{e(sep)}{e(ref)}</p>')
    if not said:
        out.append(f'<p class="to-warn">{e(translate("map.no_rules", lang))}</p>')
    return "".join(out)


def plan_line(plan: Plan, plan_id: str, lang: str) -> str:
    """The plan a zone belongs to, its status and validity; a draft or expired plan is flagged."""
    e = html.escape
    row = plan.plans[plan.plans["plan_id"] == plan_id]
    if row.empty:
        unknown = translate("map.status_unknown_note", lang)
        return f'<p class="to-plan to-warn">{e(isolate(str(plan_id), lang))} — {e(unknown)}</p>'
    info = {k: (None if is_missing(v) else v) for k, v in row.iloc[0].items()}
    name = info.get("name_ar") if lang == "ar" and info.get("name_ar") else info.get("name_fr") or plan_id
    status = translate(f"status.{info.get('status') or 'unknown'}", lang)
    in_force = plan_in_force(info)
    # a Timestamp is a datetime: English would read its time of day too
    until = None if info.get("valid_until") is None else _as_date(info["valid_until"])
    if in_force:
        validity = (
            translate("map.in_force_until", lang, date=words.date(until, lang))
            if until
            else translate("map.in_force", lang)
        )
    elif info.get("status") == "approved" and until:
        validity = translate("map.not_in_force_since", lang, date=words.date(until, lang))
    elif info.get("status") in (None, STATUS_UNKNOWN):
        validity = translate("map.status_unknown_note", lang)
    else:
        validity = translate("map.not_in_force", lang)
    css = "to-plan" if in_force else "to-plan to-warn"
    return f'<p class="{css}">{e(str(name))} — {e(join((status, validity), lang))}</p>'


def reservation_heading(kind_name: str, number: str, label: str | None, lang: str) -> str:
    """``<h3>School no. EC-1</h3>`` and the label under it when it says more than the kind."""
    e = html.escape
    template = translate("map.reservation_heading", lang)
    heading = template.replace("{kind}", kind_name).replace("{number}", number)
    sub = f'<p class="to-sub">{e(label)}</p>' if label and label != kind_name else ""
    return f"<h3>{e(heading)}</h3>{sub}"


def reservation_detail(facts: tuple[Any, ...], plan_lines: Mapping[Any, str], lang: str) -> str:
    """Width, state, end of effect, beneficiary and plan of a reservation, as table and line.

    ``facts`` is (width, status, effect_until, beneficiary, plan_id), missing as None: a
    plan has few distinct ones, and the web map writes each once.
    """
    e = html.escape
    width, status, until, beneficiary, plan_id = facts
    cells = []
    if width is not None:
        cells.append(("map.road_width", words.length(float(width), lang)))
    if status in ("planned", "realised"):
        cells.append(("map.reservation_status", translate(f"map.res_{status}", lang)))
    if until is not None:
        cells.append(("map.effect_until", words.date(until, lang)))
    if isinstance(beneficiary, str) and beneficiary:
        cells.append(("map.beneficiary", isolate(beneficiary, lang)))
    table = "".join(f"<tr><th>{e(translate(k, lang))}</th><td>{e(v)}</td></tr>" for k, v in cells)
    out = f"<table>{table}</table>" if table else ""
    return out + plan_lines.get(plan_id, "")


# ----------------------------------------------------------------------------- helpers


def _panel(body: str, lang: str) -> str:
    return f'<div class="{PANEL_CLASS}" dir="{text_direction(lang)}" lang="{lang}">{body}</div>'


def _use_names(uses: Iterable[str], lang: str) -> str:
    return join((name_of(USES, u, lang) for u in uses), lang)


def _mode(values: Any) -> Any:
    """The most frequent non-missing value, or None."""
    counts = values.dropna().value_counts()
    return counts.index[0] if len(counts) else None


def _as_date(value: Any) -> Any:
    import pandas as pd

    return pd.Timestamp(value).date()
