"""The presentation pack: maps, charts and tables of the offer in one folder, for a planner's slides.

:func:`export_pack` writes, in one language::

    OUT/index.html                    one self-contained page that links everything below
    OUT/maps/territory.png            the whole territory, 300 dpi
    OUT/maps/<commune>.png            one map per commune
    OUT/maps/*.html                   the same as interactive maps, when terroffer.render.webmap exists
    OUT/charts/*.png                  the offer by sector and commune, the zoning mix, capacity, housing
                                      per inhabitant
    OUT/tables/offer.xlsx, offer.csv  the offer by commune × sector × family, headers in the language
    OUT/thumbs/*.png                  small previews that index.html shows

The page carries its fonts inline and names no web address, so the folder can be copied to a
USB stick, zipped or opened on a laptop with no network. Nothing here computes: the offer
comes from :func:`terroffer.offer`, the pictures from :mod:`terroffer.render`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from terroffer import words
from terroffer._offer import offer
from terroffer._output import check_output_dir, write_output
from terroffer.errors import OptionError
from terroffer.model import Plan
from terroffer.reference import LANGUAGES, OFFERED_SECTORS, translate
from terroffer.render.style import colour, sector_colour, sector_name, text_direction
from terroffer.selection import OFFER_STATUSES, STATUS_UNKNOWN, resolve_statuses

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["export_pack"]

#: Resolution of the previews on the index page (a 12 × 8 in map becomes 576 × 384 px).
THUMB_DPI = 48


@dataclass
class _Item:
    """One picture of the pack: its caption, its files and where the page shows it."""

    section: str
    caption: str
    png: str
    thumb: str
    html: str | None = None


@dataclass
class _Pack:
    out: Path
    lang: str
    items: list[_Item] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    """A file name from a name: ASCII, lower case, dashes (``"Aïn Attig"`` -> ``"ain-attig"``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _commune_files(plan: Plan) -> list[tuple[str, str, str]]:
    """(code, name in French, file stem) for each commune, sorted by name; stems are unique."""
    rows = []
    seen: set[str] = set()
    communes = plan.communes.sort_values("name_fr", key=lambda s: s.fillna("").map(slug))
    for code, name in zip(communes["code"], communes["name_fr"], strict=True):
        name = name if isinstance(name, str) and name else str(code)
        stem = slug(name) or slug(str(code)) or "commune"
        if stem in ("territory", *seen):
            stem = f"{stem}-{slug(str(code))}"
        seen.add(stem)
        rows.append((str(code), name, stem))
    return rows


class _Progress:
    """A tqdm bar on stderr, or a plain line per step when tqdm is not installed."""

    def __init__(self, total: int, enabled: bool, desc: str) -> None:
        self.bar: Any = None
        self.enabled = enabled
        self.total = total
        self.done = 0
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, desc=desc, unit="step", file=sys.stderr, leave=True)

    def step(self, what: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(what, refresh=False)
            self.bar.update(1)
        elif self.enabled:
            print(f"[{self.done}/{self.total}] {what}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _save_picture(pack: _Pack, fig: Figure, folder: str, stem: str, section: str, caption: str) -> _Item:
    from terroffer.render.static import save_figure

    png = f"{folder}/{stem}.png"
    thumb = f"thumbs/{folder}-{stem}.png"
    save_figure(fig, pack.out / png)
    save_figure(fig, pack.out / thumb, dpi=THUMB_DPI)
    item = _Item(section=section, caption=caption, png=png, thumb=thumb)
    pack.items.append(item)
    return item


def _webmap() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """``(zone_map, save_map)`` from terroffer.render.webmap, or None when that module is absent."""
    try:
        from terroffer.render import webmap
    except ImportError:
        return None
    zone_map = getattr(webmap, "zone_map", None)
    save_map = getattr(webmap, "save_map", None)
    if zone_map is None or save_map is None:
        return None
    return zone_map, save_map


def export_pack(
    plan: Plan,
    out_dir: str | Path,
    *,
    lang: str = "fr",
    progress: bool = True,
    statuses: Sequence[str] | None = OFFER_STATUSES,
) -> Path:
    """Write the presentation pack of a plan into ``out_dir`` and return its index page.

    Parameters
    ----------
    plan
        A loaded plan.
    out_dir
        The folder to write into; made if missing. Files of an earlier pack with the same
        names are replaced; write each language into its own folder.
    lang
        ``fr``, ``ar`` or ``en``: every title, label, table header and the page itself.
    progress
        Show a progress bar on stderr (tqdm; a line per step if tqdm is not installed).
    statuses
        The plan statuses the charts and tables count, as in :func:`terroffer.offer`;
        plans in force and plans of unknown status by default (the page says how many
        zones of unknown status are counted). The maps show every plan, drafts hatched.

    Returns
    -------
    pathlib.Path
        ``out_dir/index.html``.

    Raises
    ------
    OptionError
        When ``lang`` is not one of ``fr``, ``ar``, ``en`` (a ValueError too).
    OutputError
        When ``out_dir`` cannot be written into (checked before any work).
    FilterError
        When a status in ``statuses`` is unknown.
    """
    from terroffer.render.charts import (
        area_by_sector_chart,
        capacity_chart,
        per_inhabitant_chart,
    )
    from terroffer.render.static import static_map
    from terroffer.render.tables import offer_table, write_table

    if lang not in LANGUAGES:
        raise OptionError("error.map_unknown_language", "lang", value=lang, choices=LANGUAGES)
    out = check_output_dir(out_dir)
    for folder in ("maps", "charts", "tables", "thumbs"):
        check_output_dir(out / folder)
    pack = _Pack(out=out, lang=lang)
    table = offer(plan, statuses=statuses)
    communes = _commune_files(plan)
    web = _webmap()
    if web is None:
        pack.notes.append(translate("export.no_webmap", lang))

    charts: list[tuple[str, Callable[[], Figure], str]] = [
        (
            "offer-by-sector",
            lambda: area_by_sector_chart(
                plan, lang=lang, sectors=OFFERED_SECTORS, statuses=statuses, table=table
            ),
            "export.chart.offer",
        ),
        (
            "zoning-mix",
            lambda: area_by_sector_chart(plan, lang=lang, share=True, statuses=statuses, table=table),
            "export.chart.mix",
        ),
        (
            "capacity-by-sector",
            lambda: capacity_chart(plan, lang=lang, statuses=statuses, table=table),
            "export.chart.capacity",
        ),
        (
            "housing-per-inhabitant",
            lambda: per_inhabitant_chart(plan, lang=lang, statuses=statuses, table=table),
            "export.chart.housing",
        ),
    ]
    maps: list[tuple[str | None, str, str]] = [(None, translate("static.whole_territory", lang), "territory")]
    name_col = "name_ar" if lang == "ar" else "name_fr"
    names = dict(zip(plan.communes["code"].astype(str), plan.communes[name_col], strict=True))
    for commune_code, name_fr, stem in communes:
        local = names.get(commune_code)
        maps.append((commune_code, local if isinstance(local, str) and local else name_fr, stem))

    steps = len(maps) * (2 if web else 1) + len(charts) + 2
    bar = _Progress(steps, progress, translate("export.progress", lang))
    try:
        for code, name, stem in maps:
            fig = static_map(plan, communes=None if code is None else [code], lang=lang)
            caption = name[:1].upper() + name[1:] if code is None else name
            item = _save_picture(pack, fig, "maps", stem, "maps", caption)
            del fig
            bar.step(f"{stem}.png")
            if web is not None:
                item.html = _web_map(pack, web, plan, code, stem, lang)
                bar.step(f"{stem}.html")
        for stem, make, key in charts:
            _save_picture(pack, make(), "charts", stem, "charts", translate(key, lang))
            bar.step(f"{stem}.png")
        # the command line's one table writer: the illustrative notice, RTL sheets in Arabic,
        # numbers as numbers, a sources sheet
        localized = offer_table(table, lang)
        for fmt in ("xlsx", "csv"):
            write_table(localized, fmt, str(out / "tables" / f"offer.{fmt}"), lang=lang, plan=plan)
        pack.tables += [("tables/offer.xlsx", "XLSX"), ("tables/offer.csv", "CSV")]
        bar.step("offer.xlsx, offer.csv")
        index = out / "index.html"
        page = _index_html(pack, plan, table, statuses)
        write_output(index, lambda tmp: tmp.write_text(page, encoding="utf-8"))
        bar.step("index.html")
    finally:
        bar.close()
    return index


def _web_map(
    pack: _Pack,
    web: tuple[Callable[..., Any], Callable[..., Any]],
    plan: Plan,
    code: str | None,
    stem: str,
    lang: str,
) -> str | None:
    """The interactive map of one commune (or of the territory); None, and a note, if it fails."""
    zone_map, save_map = web
    path = f"maps/{stem}.html"
    try:
        m = zone_map(plan, communes=None if code is None else [code], lang=lang)
        save_map(m, pack.out / path)
    except Exception as exc:  # the static pack is still worth having without this one page
        message = translate(
            "export.webmap_failed", pack.lang, name=stem, error=f"{type(exc).__name__}: {exc}"
        )
        warnings.warn(message, UserWarning, stacklevel=3)
        pack.notes.append(message)
        return None
    return path if (pack.out / path).exists() else None


# --------------------------------------------------------------------------- the index page


_CSS = """
@font-face{font-family:"Pack Sans";font-weight:400;src:url(data:font/woff;base64,%(regular)s) format("woff")}
@font-face{font-family:"Pack Sans";font-weight:700;src:url(data:font/woff;base64,%(bold)s) format("woff")}
*{box-sizing:border-box}
body{margin:0;background:%(band)s;color:%(ink)s;font:15px/1.5 "Pack Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px;background:%(paper)s;min-height:100vh}
header{border-bottom:3px solid %(accent)s;padding-bottom:12px;margin-bottom:18px}
h1{font-size:28px;line-height:1.2;margin:0 0 4px}
h2{font-size:20px;margin:28px 0 10px;color:%(accent)s}
.meta{color:%(muted)s;font-size:13px;margin:0}
.banner{background:%(banner)s;border:1px solid %(banner_edge)s;color:%(warning_ink)s;
  padding:8px 12px;font-weight:700}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:16px}
figure{margin:0;border:1px solid %(rule)s;background:%(detail_fill)s;padding:8px}
figure img{display:block;width:100%%;height:auto;border:1px solid %(separator)s;background:%(paper)s}
figcaption{margin-top:6px;font-weight:700}
.links{font-size:13px;margin-top:2px}
.links a{margin-inline-end:12px}
a{color:%(accent)s}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid %(rule)s;padding:4px 8px;text-align:start}
td.nowrap{white-space:nowrap}
th{background:%(band)s}
td.num{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
.swatch{display:inline-block;width:.8em;height:.8em;margin-inline-end:4px;vertical-align:baseline}
.notes li{margin:2px 0}
footer{margin-top:28px;border-top:1px solid %(rule)s;padding-top:8px;font-size:12px;color:%(muted)s}
tr.unknown td:nth-child(2){color:%(warning_ink)s;font-weight:700}
main{overflow-wrap:anywhere}
/* A phone: one column, and each table row a small card whose cells carry their heading,
   so that nothing scrolls sideways. */
@media (max-width:640px){
main{padding:14px 12px 28px}
h1{font-size:22px}
.grid{grid-template-columns:minmax(0,1fr)}
table.cards,table.cards tbody,table.cards tr,table.cards td,table.cards th{display:block;width:100%%}
table.cards tr.head{display:none}
table.cards tr{border:1px solid %(rule)s;margin:0 0 6px;padding:4px 8px}
table.cards td,table.cards th{border:none;padding:1px 0;text-align:start}
table.cards td[data-label]{display:flex;justify-content:space-between;gap:8px}
table.cards td[data-label]::before{content:attr(data-label);color:%(muted)s}
table.cards caption{display:block;text-align:start;font-weight:700;margin-bottom:4px}
}
"""


def _index_html(pack: _Pack, plan: Plan, table: pd.DataFrame, statuses: Sequence[str] | None) -> str:
    """One page, in the pack's language and direction, that links every file of the pack."""
    import terroffer
    from terroffer.render.fonts import font_woff_base64
    from terroffer.render.static import source_lines

    lang = pack.lang
    t = lambda key, **kw: html.escape(translate(key, lang, **kw))  # noqa: E731
    e = html.escape
    colours = {name: colour(name) for name in set(re.findall(r"%\((\w+)\)s", _CSS)) - {"regular", "bold"}}
    css = _CSS % {"regular": font_woff_base64("Regular"), "bold": font_woff_base64("Bold"), **colours}
    # a path, a date and a version keep their left-to-right order inside Arabic text
    meta = {
        key: f"\u2066{value}\u2069" if lang == "ar" else value
        for key, value in (
            ("source", plan.source.path),
            ("date", words.date(dt.date.today(), lang)),
            ("version", terroffer.__version__),
        )
    }
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}" dir="{text_direction(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{t('export.title')}</title><style>{css}</style></head><body><main>",
        f"<header><h1>{t('export.title')}</h1>",
        f'<p class="meta">{t("export.meta", **meta)}</p>',
        "</header>",
    ]
    if plan.illustrative:
        parts.append(f'<p class="banner">{t("app.illustrative")}</p>')

    parts.append(f'<h2>{t("app.plans")}</h2><table class="cards"><tr class="head"><th>{t("col.plan")}</th>')
    parts.append(
        f"<th>{t('col.status')}</th><th>{t('export.approval')}</th><th>{t('export.valid_until')}</th></tr>"
    )
    legal = dict(zip(plan.communes["name_fr"], plan.communes["name_ar"], strict=True)) if lang == "ar" else {}
    for row in plan.plans.itertuples():
        name = row.name_ar if lang == "ar" and isinstance(row.name_ar, str) else row.name_fr
        name = name if isinstance(name, str) else row.plan_id
        status = row.status if row.status in ("approved", "under_study", "expired") else STATUS_UNKNOWN
        ref = words.legal_ref(row.approval_ref, lang, legal) if isinstance(row.approval_ref, str) else "—"
        if not pd.isna(row.approval_date):
            ref += f" ({words.date(pd.Timestamp(row.approval_date).date(), lang)})"
        until = "—" if pd.isna(row.valid_until) else words.date(pd.Timestamp(row.valid_until).date(), lang)
        css = ' class="unknown"' if status == STATUS_UNKNOWN else ""
        parts.append(
            f"<tr{css}><td>{e(str(name))} <bdi>({e(str(row.plan_id))})</bdi></td>"
            f'<td data-label="{t("col.status")}">{t("status." + status)}</td>'
            f'<td data-label="{t("export.approval")}">{e(ref)}</td>'
            f'<td class="nowrap" data-label="{t("export.valid_until")}"><bdi>{e(until)}</bdi></td></tr>'
        )
    parts.append("</table>")

    for section in ("maps", "charts"):
        parts.append(f'<h2>{t("export.section." + section)}</h2><div class="grid">')
        for item in (i for i in pack.items if i.section == section):
            links = [f'<a href="{e(item.png)}">{t("export.png")}</a>']
            if item.html:
                links.append(f'<a href="{e(item.html)}">{t("export.interactive")}</a>')
            parts.append(
                f'<figure><a href="{e(item.png)}"><img src="{e(item.thumb)}" alt="{e(item.caption)}" '
                f'loading="lazy"></a><figcaption>{e(item.caption)}</figcaption>'
                f'<div class="links">{"".join(links)}</div></figure>'
            )
        parts.append("</div>")

    parts.append(f"<h2>{t('export.section.tables')}</h2><p>{t('export.tables_intro')} ")
    parts.append(" · ".join(f'<a href="{e(path)}">{e(label)}</a>' for path, label in pack.tables) + "</p>")
    parts.append(_summary_table(table, lang, OFFERED_SECTORS))

    notes = [translate("export.scope", lang, scope=_scope_words(statuses, lang))]
    unknown = int(pd.to_numeric(table.get("zones_status_unknown", 0), errors="coerce").sum())
    if unknown:
        notes.append(translate("charts.status_unknown", lang, count=unknown))
    notes += pack.notes
    parts.append(f'<h2>{t("export.section.notes")}</h2><ul class="notes">')
    parts.extend(f"<li>{e(n)}</li>" for n in notes)
    parts.append("</ul>")
    parts.append("<footer>" + "<br>".join(e(line) for line in source_lines(plan, lang)) + "</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _scope_words(statuses: Sequence[str] | None, lang: str) -> str:
    wanted = resolve_statuses(statuses)
    if wanted is None:
        return translate("export.all_statuses", lang)
    return words.join((translate(f"status.{s}", lang) for s in wanted), lang)


def _hectares(value: float, lang: str) -> str:
    return words.number(value, lang, 1)


def _summary_table(table: pd.DataFrame, lang: str, offered: Sequence[str]) -> str:
    """Hectares on offer by commune (rows) and offered sector (columns), with the zoned total."""
    e = html.escape
    if table.empty:
        return f"<p>{e(translate('charts.empty', lang))}</p>"
    name_col = "commune_ar" if lang == "ar" else "commune_fr"
    names = table[name_col].where(table[name_col].notna(), table["commune"]).astype(str)
    pivot = table.assign(name=names).pivot_table(
        index="name", columns="sector", values="area_ha", aggfunc="sum", fill_value=0.0
    )
    total = pivot.sum(axis=1)
    columns = [s for s in offered if s in pivot.columns]
    pivot = pivot.loc[total.sort_values(ascending=False).index]
    swatch = '<span class="swatch" style="background:{}"></span>'
    head = "".join(f"<th>{swatch.format(sector_colour(s))}{e(sector_name(s, lang))}</th>" for s in columns)
    total_label = e(translate("export.total_zoned", lang))
    labels = [e(sector_name(s, lang)) for s in columns]
    rows = [
        f'<table class="cards"><caption>{e(translate("export.summary", lang))}</caption>'
        f'<tr class="head"><th>{e(translate("col.commune", lang))}</th>{head}<th>{total_label}</th></tr>'
    ]

    def line(name: str, values: list[float], whole: float, cell: str = "td") -> str:
        cells = "".join(
            f'<td class="num" data-label="{label}">{_hectares(v, lang)}</td>'
            for label, v in zip(labels, values, strict=True)
        )
        return (
            f"<tr><{cell}>{e(name)}</{cell}>{cells}"
            f'<td class="num" data-label="{total_label}"><b>{_hectares(whole, lang)}</b></td></tr>'
        )

    for name, row in pivot.iterrows():
        rows.append(line(str(name), [row[s] for s in columns], total[name]))
    sums = [pivot[s].sum() for s in columns]
    rows.append(line(translate("export.all_communes", lang), sums, total.sum(), "th") + "</table>")
    return "".join(rows)
