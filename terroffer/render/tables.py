"""Tables and text for people: offer, search, look-up and catalogues, in Arabic, French or English.

Column headers, category and planning terms come from the catalogues and the glossary
(:func:`terroffer.words.term`); numbers stay numbers in the tables (CSV, JSON, XLSX)
and are written by :mod:`terroffer.words` in text (``48 083,0``), unknowns as "—".
The data frames of :func:`terroffer.offer` stay untouched.

Every output of an illustrative plan says so: a line above a text table, a first
comment row in CSV, a field in JSON, a first row and a "Sources" sheet in a workbook.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from terroffer import words
from terroffer.reference import FAMILIES, RESERVATION_KINDS, SECTORS, USES, name_of, translate

if TYPE_CHECKING:
    from terroffer._lookup import Lookup
    from terroffer.model import Plan

__all__ = [
    "catalogue_table",
    "illustrative_notice",
    "lookup_text",
    "offer_table",
    "search_table",
    "sources_table",
    "table_notes",
    "table_text",
    "write_table",
]

#: ``table.attrs`` keys the writers read: decimals per column, columns a terminal may drop when all 0.
DECIMALS = "decimals"
OPTIONAL = "optional"
NOTES = "notes"


def _header(key: str, lang: str) -> str:
    """A column header: glossary terms for planning words, the catalogue for the rest."""
    if key.startswith("term:"):
        name, _, unit = key[5:].partition(" ")
        if unit == "(m²)":  # the unit as the language writes it (م² in Arabic)
            unit = "(" + translate("unit.m2", lang, value="").strip() + ")"
        return f"{words.term(name, lang)} {unit}".strip()
    return translate(key, lang)


def _finish(
    out: pd.DataFrame,
    headers: dict[str, str],
    decimals: dict[str, int],
    lang: str,
    optional: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> pd.DataFrame:
    names = {k: _header(v, lang) for k, v in headers.items()}
    table = out[list(headers)].rename(columns=names)
    table.attrs[DECIMALS] = {names[k]: d for k, d in decimals.items()}
    table.attrs[OPTIONAL] = [names[k] for k in optional]
    table.attrs[NOTES] = list(notes)
    return table


_OFFER_HEADERS = {
    "commune": "col.commune",
    "sector": "col.sector",
    "family": "col.family",
    "zones": "col.zones",
    "area_ha": "col.area_ha",
    "share_of_commune": "col.share_of_commune",
    "max_floor_area_m2": "term:floor_area (m²)",
    "zones_capacity_unknown": "col.zones_capacity_unknown",
    "zones_status_unknown": "col.zones_status_unknown",
    "population_2024": "term:population_2024",
    "area_m2_per_inhabitant": "col.area_m2_per_inhabitant",
}
_OFFER_DECIMALS = {
    "zones": 0,
    "area_ha": 1,
    "share_of_commune": 1,
    "max_floor_area_m2": 0,
    "zones_capacity_unknown": 0,
    "zones_status_unknown": 0,
    "population_2024": 0,
    "area_m2_per_inhabitant": 1,
}


def offer_table(offer: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The offer with names in ``lang`` and headers from the catalogue and the glossary.

    Numbers stay numbers (rounded as a reader needs them; shares in %); unknown floor
    areas stay NaN, written "—" in text, with their count in ``attrs["notes"]``.
    """
    name_col = "commune_ar" if lang == "ar" else "commune_fr"
    out = offer.copy()
    if "zones_capacity_unknown" not in out and "zones_without_cos" in out:
        out["zones_capacity_unknown"] = out["zones_without_cos"]
    for col in ("zones_capacity_unknown", "zones_status_unknown"):
        if col not in out:
            out[col] = 0
    out["commune"] = out[name_col].fillna(out["commune"])
    out["sector"] = out["sector"].map(lambda s: name_of(SECTORS, s, lang))
    out["family"] = out["family"].map(lambda f: name_of(FAMILIES, f, lang))
    out["area_ha"] = out["area_ha"].round(2)
    out["share_of_commune"] = (out["share_of_commune"] * 100).round(2)
    out["max_floor_area_m2"] = out["max_floor_area_m2"].round(0)
    out["area_m2_per_inhabitant"] = out["area_m2_per_inhabitant"].round(1)
    notes = []
    unknown = int(out["zones_capacity_unknown"].sum())
    if unknown:
        notes.append(translate("cli.capacity_unknown", lang, count=unknown))
    status_unknown = int(out["zones_status_unknown"].sum())
    if status_unknown:
        notes.append(translate("cli.status_unknown", lang, count=status_unknown))
    if out.empty:  # a header alone reads as "no land": say that the filters chose no zone
        notes.append(translate("cli.offer_empty", lang))
    return _finish(
        out,
        _OFFER_HEADERS,
        _OFFER_DECIMALS,
        lang,
        optional=("zones_capacity_unknown", "zones_status_unknown"),
        notes=notes,
    )


_SEARCH_HEADERS = {
    "commune": "col.commune",
    "zone_code": "col.zone",
    "label": "col.label",
    "plan": "col.plan",
    "plan_status": "col.status",
    "usable_area_m2": "col.usable_m2",
    "cos": "term:cos_short",
    "ces": "term:ces_short",
    "max_floors": "term:max_floors",
    "min_lot_m2": "term:min_lot_m2 (m²)",
    "max_floor_area_m2": "term:floor_area (m²)",
    "conditional": "col.conditional",
}
_SEARCH_DECIMALS = {"usable_area_m2": 0, "max_floors": 0, "min_lot_m2": 0, "max_floor_area_m2": 0}


def search_table(found: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Search results for people: commune and plan names in ``lang``, the rules an investor reads first.

    ``attrs["notes"]`` says how many rows a ``limit`` left out (``found.attrs["total"]``).
    """
    ar = lang == "ar"

    def named(prefix: str, fallback: str) -> pd.Series:
        first, second = (f"{prefix}_ar", f"{prefix}_fr") if ar else (f"{prefix}_fr", f"{prefix}_ar")
        columns = [c for c in (first, second) if c in found]
        out = found[fallback].astype(object)
        for col in reversed(columns):
            out = found[col].where(found[col].notna() & (found[col].astype(str) != ""), out)
        return out

    out = pd.DataFrame(
        {
            "commune": named("commune", "commune"),
            "zone_code": found["zone_code"],
            "label": found["label_ar" if ar else "label_fr"].fillna(
                found["family"].map(lambda f: name_of(FAMILIES, f, lang))
            ),
            "plan": named("plan_name", "plan_id"),
            "plan_status": found["plan_status"].map(lambda s: translate(f"status.{s or 'unknown'}", lang)),
            "usable_area_m2": found["usable_area_m2"].astype("float64").round(0),
            "cos": pd.to_numeric(found["cos"], errors="coerce"),
            "ces": pd.to_numeric(found["ces"], errors="coerce"),
            "max_floors": pd.to_numeric(found["max_floors"], errors="coerce"),
            "min_lot_m2": pd.to_numeric(found["min_lot_m2"], errors="coerce"),
            "max_floor_area_m2": pd.to_numeric(found["max_floor_area_m2"], errors="coerce").round(0),
            "conditional": found["conditional"].map(
                lambda c: translate("word.yes" if c else "word.no", lang)
            ),
        },
        index=found.index,
    )
    notes = []
    total = int(found.attrs.get("total", len(found)))
    if total > len(found):
        notes.append(translate("cli.truncated", lang, shown=len(found), total=total))
    elif total == 0:
        notes.append(translate("cli.nothing_found", lang))
    return _finish(out, _SEARCH_HEADERS, _SEARCH_DECIMALS, lang, notes=notes)


# ----------------------------------------------------------------------------- the catalogues


def _yes(value: object, lang: str) -> str:
    return translate("word.yes" if value else "word.no", lang)


def catalogue_table(kind: str, lang: str = "fr", plan: Plan | None = None) -> pd.DataFrame:
    """One catalogue as a table in ``lang``: ``uses``, ``sectors``, ``families``, ``communes`` or ``plans``.

    Communes and plans come from ``plan``; the others from the reference data.
    """
    if kind == "uses":
        rows = [{"code": k, "name": name_of(USES, k, lang)} for k in USES]
        return _finish(pd.DataFrame(rows), {"code": "col.code", "name": "col.name"}, {}, lang)
    if kind == "sectors":
        rows = [
            {
                "code": k,
                "name": name_of(SECTORS, k, lang),
                "offered": _yes(v.get("offered"), lang),
                "buildable": _yes(v.get("buildable"), lang),
            }
            for k, v in SECTORS.items()
        ]
        headers = {
            "code": "col.code",
            "name": "col.name",
            "offered": "col.offered",
            "buildable": "col.buildable",
        }
        return _finish(pd.DataFrame(rows), headers, {}, lang)
    if kind == "families":
        rows = [
            {
                "code": k,
                "name": name_of(FAMILIES, k, lang),
                "sector": name_of(SECTORS, str(v["sector"]), lang),
                "codes": words.join([str(c) for c in v.get("codes", [])][:8], lang),
            }
            for k, v in FAMILIES.items()
        ]
        headers = {"code": "col.code", "name": "col.name", "sector": "col.sector", "codes": "col.codes"}
        return _finish(pd.DataFrame(rows), headers, {}, lang)
    if plan is None:
        raise ValueError(f"the list of {kind} needs a plan")
    if kind == "communes":
        com = plan.communes
        first, second = ("name_ar", "name_fr") if lang == "ar" else ("name_fr", "name_ar")
        frame = pd.DataFrame(
            {
                "code": com["code"].astype(str).to_numpy(),
                "name": com[first].fillna(com[second]).to_numpy(),
                "population_2024": pd.to_numeric(com["population_2024"], errors="coerce").to_numpy(),
            }
        )
        headers = {"code": "col.code", "name": "col.name", "population_2024": "term:population_2024"}
        return _finish(frame, headers, {"population_2024": 0}, lang)
    if kind == "plans":
        plans = plan.plans
        first, second = ("name_ar", "name_fr") if lang == "ar" else ("name_fr", "name_ar")
        names = {p.get("name_fr"): p.get("name_ar") for p in plans.to_dict("records")} if lang == "ar" else {}
        frame = pd.DataFrame(
            {
                "code": plans["plan_id"].astype(str).to_numpy(),
                "kind": plans["kind"].fillna("").astype(str).to_numpy(),
                "name": plans[first].fillna(plans[second]).to_numpy(),
                "status": [translate(f"status.{_status(s)}", lang) for s in plans["status"]],
                "approval": [
                    words.legal_ref(r, lang, {k: v for k, v in names.items() if k and v})
                    if isinstance(r, str)
                    else "—"
                    for r in plans["approval_ref"]
                ],
                "valid_until": [words.date(d, lang) if not pd.isna(d) else "—" for d in plans["valid_until"]],
            }
        )
        headers = {
            "code": "col.code",
            "kind": "col.kind",
            "name": "col.name",
            "status": "col.status",
            "approval": "col.approval",
            "valid_until": "col.valid_until",
        }
        return _finish(frame, headers, {}, lang)
    raise ValueError(f"unknown catalogue {kind!r}")


def _status(value: object) -> str:
    from terroffer.model import PLAN_STATUSES

    return str(value) if value in PLAN_STATUSES else "unknown"


# ----------------------------------------------------------------------------- notices and sources


def illustrative_notice(plan: Plan | None, lang: str) -> str | None:
    """The line every output of an illustrative plan carries, or None for a real plan."""
    if plan is None or not plan.illustrative:
        return None
    return translate("app.illustrative", lang)


def sources_table(plan: Plan, lang: str = "fr") -> pd.DataFrame:
    """The plan's sources and licences, one row per kind of data (the workbook's "Sources" sheet)."""
    t = lambda key: translate(key, lang)  # noqa: E731
    rows = [(t("src.file"), str(plan.source.path), "")]
    if plan.illustrative:
        rows += [
            (t("src.boundaries"), t("src.boundaries_from"), "MIT"),
            (t("src.population"), t("src.population_from"), "CC BY 4.0"),
            (t("src.zoning"), t("src.zoning_from"), ""),
        ]
    seen = set()
    for source in plan.plans.get("source", pd.Series(dtype=object)).dropna():
        if str(source) not in seen:
            seen.add(str(source))
            rows.append((t("col.plan"), str(source), ""))
    rows.append((t("src.notice"), "", ""))
    return pd.DataFrame(rows, columns=[t("col.what"), t("col.source"), t("col.licence")])


def table_notes(table: pd.DataFrame) -> list[str]:
    """The lines a table's reader needs under it (unknown counts, rows left out)."""
    return list(table.attrs.get(NOTES, []))


# ----------------------------------------------------------------------------- writing


def _cell(value: Any, lang: str, decimals: int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return translate("word.yes" if value else "word.no", lang)
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if decimals is None:
            return words.number(number, lang, 0 if number.is_integer() else 2)
        return words.number(number, lang, decimals)
    return str(value)


def table_text(table: pd.DataFrame, lang: str = "fr") -> str:
    """``table`` for a terminal: numbers in ``lang`` (``48 083,0``), unknowns "—", no row index.

    Optional count columns (``attrs["optional"]``) that are 0 everywhere are left out.
    """
    decimals = table.attrs.get(DECIMALS, {})
    keep = [
        c
        for c in table.columns
        if c not in table.attrs.get(OPTIONAL, []) or pd.to_numeric(table[c], errors="coerce").fillna(0).any()
    ]
    shown = pd.DataFrame(
        {c: [_cell(v, lang, decimals.get(c)) for v in table[c].tolist()] for c in keep}, columns=keep
    )
    if shown.empty:
        return "  ".join(keep)
    return shown.to_string(index=False)


def _json_default(value: Any) -> Any:
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    return [{str(k): v for k, v in r.items()} for r in rows]


def table_json(table: pd.DataFrame, plan: Plan | None = None, lang: str = "fr", **extra: Any) -> str:
    """``table`` as JSON: ``{"illustrative": ..., "notice": ..., "notes": [...], "rows": [...]}``."""
    document = {
        "illustrative": bool(plan is not None and plan.illustrative),
        "notice": illustrative_notice(plan, lang),
        **extra,
        "notes": table_notes(table),
        "rows": _records(table),
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default)


def write_table(
    table: pd.DataFrame,
    fmt: str,
    out: str | Path | None,
    *,
    lang: str = "fr",
    plan: Plan | None = None,
    sheet: str | None = None,
) -> str | None:
    """Write ``table`` as table/csv/json/xlsx to ``out``, or return it as text when ``out`` is None.

    Parameters
    ----------
    table
        A table of this module (:func:`offer_table`, :func:`search_table`, ...).
    fmt
        ``table`` (a terminal's text), ``csv``, ``json`` or ``xlsx`` (needs ``out``).
    out
        The file to write, through :func:`terroffer._output.write_output` (checked,
        written beside, moved into place); None returns the text.
    lang
        The language of the notices; Arabic workbooks have right-to-left sheets.
    plan
        The plan the table comes from: an illustrative plan's notice heads every format,
        and a workbook gets a "Sources" sheet with its sources and licences.
    sheet
        The workbook's sheet name (the offer's by default).

    Raises
    ------
    OutputError
        ``out`` cannot be written.
    """
    from terroffer._output import write_output

    notice = illustrative_notice(plan, lang)
    if fmt == "xlsx":
        if out is None:
            raise ValueError("an xlsx table needs a file to write")
        name = sheet or translate("col.sheet_offer", lang)
        write_output(out, lambda tmp: _write_xlsx(tmp, table, lang, plan, name))
        return None
    if fmt == "csv":
        text = (f"# {notice}\n" if notice else "") + table.to_csv(index=False)
    elif fmt == "json":
        text = table_json(table, plan, lang) + "\n"
    else:
        lines = [notice] if notice else []
        lines.append(table_text(table, lang))
        lines.extend(table_notes(table))
        text = "\n".join(lines)
    if out is None:
        return text
    # a CSV file with a byte-order mark: Excel opens it as UTF-8 only then (Arabic names)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    write_output(out, lambda tmp: tmp.write_text(text, encoding=encoding))
    return None


def _number_format(decimals: int | None) -> str:
    if decimals is None:
        return "General"
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def _write_xlsx(path: Path, table: pd.DataFrame, lang: str, plan: Plan | None, sheet: str) -> None:
    """A workbook: the notice row, the header, the rows as numbers with a number format; and the sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    ws.title = _sheet_name(sheet)
    rtl = lang == "ar"
    notice = illustrative_notice(plan, lang)
    if notice:
        ws.append([notice])
        ws.cell(row=1, column=1).font = Font(bold=True, color="9C5700")
        if len(table.columns) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.columns))
    ws.append([str(c) for c in table.columns])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    decimals = table.attrs.get(DECIMALS, {})
    formats = [_number_format(decimals.get(c)) for c in table.columns]
    for row in table.itertuples(index=False):
        ws.append([_xlsx_value(v) for v in row])
        for cell, fmt in zip(ws[ws.max_row], formats, strict=True):
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = fmt
    for note in table_notes(table):
        ws.append([note])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for i, column in enumerate(table.columns, start=1):
        ws.column_dimensions[ws.cell(row=header_row, column=i).column_letter].width = max(
            10, min(40, len(str(column)) + 2)
        )
    ws.sheet_view.rightToLeft = rtl
    if plan is not None:
        sources = sources_table(plan, lang)
        ws2 = book.create_sheet(_sheet_name(translate("col.sheet_sources", lang)))
        ws2.append(list(sources.columns))
        for cell in ws2[1]:
            cell.font = Font(bold=True)
        for row in sources.itertuples(index=False):
            ws2.append(list(row))
        for letter, width in zip("ABC", (34, 70, 14), strict=True):
            ws2.column_dimensions[letter].width = width
        ws2.sheet_view.rightToLeft = rtl
    book.save(path)


def _sheet_name(name: str) -> str:
    # Excel refuses these characters and names longer than 31
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31]


def _xlsx_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# ----------------------------------------------------------------------------- the look-up


def _uses(codes: Sequence[str] | None, lang: str) -> str | None:
    if not codes:
        return None
    if isinstance(codes, str):
        codes = [c for c in codes.replace(",", ";").split(";") if c.strip()]
    return words.join([name_of(USES, c.strip(), lang) for c in codes], lang)


def _plan_names(result: Lookup, plan: Plan | None, lang: str) -> dict[str, str]:
    """French plan and commune names -> Arabic, for :func:`terroffer.words.legal_ref`."""
    if lang != "ar":
        return {}
    names = {p.name_fr: p.name_ar for p in result.plans if p.name_fr and p.name_ar}
    if plan is not None:
        for fr, ar in zip(plan.communes["name_fr"], plan.communes["name_ar"], strict=True):
            if isinstance(fr, str) and isinstance(ar, str) and fr and ar:
                names.setdefault(fr, ar)
    return names


def _nearest_plan_name(plan_id: str, plan: Plan | None, lang: str) -> str:
    """The nearest zone's plan by its name in ``lang`` (as every other line names plans), else its code."""
    if plan is not None and "plan_id" in plan.plans:
        rows = plan.plans[plan.plans["plan_id"].astype(str) == plan_id]
        for column in ("name_ar", "name_fr") if lang == "ar" else ("name_fr",):
            if len(rows) and column in rows and isinstance(rows[column].iat[0], str) and rows[column].iat[0]:
                return rows[column].iat[0]
    return words.isolate(plan_id, lang)


def _partial(result: Lookup) -> tuple[bool, float]:
    try:
        from terroffer.render._note_text import partial_capacity
    except ImportError:  # pragma: no cover - the note is optional to the text
        capacity = result.capacity
        return bool(getattr(capacity, "partial", False)), float(getattr(capacity, "unknown_m2", 0.0) or 0.0)
    return partial_capacity(result)


def lookup_text(result: Lookup, lang: str = "fr", plan: Plan | None = None) -> str:
    """A look-up as text for a terminal: all the note says, in ``lang``.

    Zones with their label, plan and status, their allowed, conditional and forbidden
    uses, COS/CES/floors/height, minimum lot and frontage (and whether the plot meets
    them), the article, the reservations, the net area, the capacity (marked partial
    where zones without figures leave part of the plot out) and every warning.
    """
    t: Callable[..., str] = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    term = lambda key: words.term(key, lang)  # noqa: E731
    names = _plan_names(result, plan, lang)
    lines = []
    notice = illustrative_notice(plan, lang)
    if notice is None and any(p.illustrative for p in result.plans):
        notice = translate("app.illustrative", lang)
    if any(getattr(w, "key", None) == "lookup.illustrative" for w in result.warnings):
        notice = None  # the look-up's own warning says it, at the end, with every warning
    if notice:
        lines.append(notice)
    if result.is_point:
        lines.append(t("text.point"))
    else:
        lines.append(t("text.plot_area", area=words.area(result.plot_area_m2, lang)))
    if result.commune:
        name = result.commune.get("name_ar" if lang == "ar" else "name_fr") or result.commune.get("code")
        lines.append(t("text.commune", name=name))
    plans = {p.plan_id: p for p in result.plans}
    for p in result.plans:
        name = (p.name_ar if lang == "ar" else p.name_fr) or words.isolate(p.plan_id, lang)
        status = t(f"status.{_status(p.status)}")
        if p.approval_ref:
            ref = words.legal_ref(p.approval_ref, lang, names)
            lines.append(t("text.plan", name=name, status=status, ref=ref))
        else:  # a draft has no approval reference: say nothing rather than "(réf. —)"
            lines.append(t("text.plan_noref", name=name, status=status))
    main_rules: dict[str, Any] = {}
    for z in result.zones:
        label = (z.label_ar if lang == "ar" else z.label_fr) or name_of(FAMILIES, z.family, lang)
        zone_plan = plans.get(z.plan_id)
        plan_name = (
            (zone_plan.name_ar if lang == "ar" else zone_plan.name_fr) if zone_plan else None
        ) or words.isolate(z.plan_id, lang)
        status = t(f"status.{_status(zone_plan.status if zone_plan else None)}")
        part = (
            ""
            if result.is_point
            else t("text.zone_part", area=words.area(z.area_m2, lang), share=words.share(z.share, lang))
        )
        lines.append(
            t(
                "text.zone_head",
                code=words.isolate(z.zone_code, lang),
                label=label,
                plan=plan_name,
                status=status,
                part=part,
            )
        )
        rules = z.rules or {}
        if not main_rules or z.net_area_m2 > main_rules.get("_net", -1):
            main_rules = {**rules, "_net": z.net_area_m2}
        if not rules:
            continue  # the look-up's warnings say the zone has no rules, once
        lines.append(
            "  "
            + t(
                "text.rules",
                cos_term=term("cos_short"),
                cos=words.ratio(rules.get("cos"), lang),
                ces_term=term("ces_short"),
                ces=words.ratio(rules.get("ces"), lang),
                floors_term=term("max_floors"),
                floors=words.floors(rules.get("max_floors"), lang),
                height_term=term("max_height_m"),
                height=words.length(rules.get("max_height_m"), lang),
            )
        )
        for key, column in (
            ("allowed_uses", "allowed_uses"),
            ("conditional_uses", "conditional_uses"),
            ("forbidden_uses", "forbidden_uses"),
        ):
            uses = _uses(rules.get(column), lang)
            if uses:
                lines.append("  " + t("text.uses_" + key.split("_")[0], uses_term=term(key), uses=uses))
        if rules.get("min_lot_m2") is not None:
            verdict = (
                ""
                if result.is_point
                else t("text.not_met" if "below_min_lot" in result.flags else "text.met")
            )
            lines.append(
                "  "
                + t(
                    "text.min_lot",
                    term=term("min_lot_m2"),
                    value=words.area(rules["min_lot_m2"], lang, 0),
                    verdict=verdict,
                )
            )
        if rules.get("min_frontage_m") is not None:
            if result.is_point or result.frontage_m is None and "below_min_frontage" not in result.flags:
                verdict = ""
            else:
                verdict = t("text.not_met" if "below_min_frontage" in result.flags else "text.met")
            lines.append(
                "  "
                + t(
                    "text.min_frontage",
                    term=term("min_frontage_m"),
                    value=words.length(rules["min_frontage_m"], lang),
                    verdict=verdict,
                )
            )
        if rules.get("article_ref"):
            lines.append(
                "  "
                + t(
                    "text.article",
                    term=term("article"),
                    ref=words.legal_ref(str(rules["article_ref"]), lang, names),
                )
            )
    for r in result.reservations:
        kind = name_of(RESERVATION_KINDS, r.kind, lang)
        label = (r.label_ar if lang == "ar" else r.label_fr) or kind
        lines.append(
            t(
                "text.reservation_line",
                term=term("reservation"),
                label=label,
                area=words.area(r.area_m2, lang),
                share=words.share(r.share, lang),
            )
        )
    if not result.is_point:
        if result.frontage_m is not None:
            lines.append(
                t("text.frontage_line", term=term("frontage"), value=words.length(result.frontage_m, lang))
            )
        lines.append(
            t("text.net_area_line", term=term("net_area"), area=words.area(result.net_area_m2, lang))
        )
        if result.capacity is not None:
            c = result.capacity
            partial, unknown_m2 = _partial(result)
            lines.append(
                t(
                    "text.capacity_partial_line" if partial else "text.capacity_line",
                    term=term("capacity_partial" if partial else "capacity"),
                    area=words.area(unknown_m2, lang),
                    footprint_term=term("footprint"),
                    footprint=words.area(c.max_footprint_m2, lang, 0),
                    floor_term=term("floor_area"),
                    floor_area=words.area(c.max_floor_area_m2, lang, 0),
                )
            )
    if result.nearest:
        lines.append(
            t(
                "text.nearest_line",
                distance=float(result.nearest["distance_m"]),
                plan=_nearest_plan_name(str(result.nearest["plan_id"]), plan, lang),
            )
        )
    lines.extend("! " + w.message(lang) for w in result.warnings)
    return "\n".join(lines)
