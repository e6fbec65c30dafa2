"""Lay the planning information note out as HTML: the web side of :mod:`~terroffer.render.note`.

Everything here is layout: the words arrive already written (:class:`NoteText`), the map
and the QR code as SVG, inline; the page needs nothing from the network.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from terroffer.render._note_text import NoteText, Table
from terroffer.render.fonts import font_woff_base64

__all__ = ["render_note_html"]

_CSS = """
@font-face{font-family:"Note Sans";font-weight:400;src:url(data:font/woff;base64,%(regular)s) format("woff")}
@font-face{font-family:"Note Sans";font-weight:700;src:url(data:font/woff;base64,%(bold)s) format("woff")}
@page{size:A4;margin:10mm}
*{box-sizing:border-box}
body{margin:0;background:%(page)s;color:%(ink)s;font:13px/1.45 "Note Sans",sans-serif}
.pages{display:grid;gap:16px;padding:16px;justify-content:center;grid-template-columns:minmax(0,820px)}
.pages.both{grid-template-columns:repeat(2,minmax(0,820px))}
.note{background:%(paper)s;min-width:0;padding:28px 34px;box-shadow:0 1px 4px rgba(0,0,0,.15);
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
figure svg{width:100%%;max-width:300px;height:auto;aspect-ratio:1;display:block;
  border:1px solid %(furniture_edge)s;direction:ltr;unicode-bidi:isolate}
.plot-map text{font-family:"Note Sans",sans-serif}
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
tr.detail td{font-size:11px;color:%(detail)s;padding-top:0;background:%(detail_fill)s}
.swatch{display:inline-block;width:11px;height:11px;border:1px solid %(swatch_edge)s;
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
@media print{body{background:%(paper)s;font-size:11px}.pages{display:block;padding:0}
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


#: The SVG namespace, which an ``<svg>`` inline in HTML has without saying it.
_SVG_NS = ' xmlns="http://www.w3.org/2000/svg"'


def _titled(svg: str, title: str) -> str:
    """The map inline, with its accessible name: ``role="img"`` and a ``<title>`` first in it.

    The map is written by :func:`~terroffer.render._plot_map.plot_map_svg`, whose root tag
    holds no ``>`` in its attributes, so the first ``>`` closes it. Its namespace goes: the
    HTML parser gives it, and the page then names no URL at all.
    """
    head, close, rest = svg.partition(">")
    return f'{head.replace(_SVG_NS, "")} role="img"{close}<title>{_esc(title)}</title>{rest}'


def _html_note(text: NoteText, map_svg: str, qr: str) -> str:
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
<div class="plot"><figure>{_titled(map_svg, text.map_caption)}
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


def render_note_html(
    texts: Sequence[NoteText], *, maps: Sequence[str], qr: str, title: str, palette: Mapping[str, str]
) -> str:
    """One HTML document of the note in one language, or two side by side (French first).

    ``maps`` holds the plot's map (an SVG document) for each text, in the same order.
    """
    css = _CSS % {"regular": font_woff_base64("Regular"), "bold": font_woff_base64("Bold"), **palette}
    first = texts[0]
    doc_lang, doc_dir = (first.lang, first.direction) if len(texts) == 1 else ("fr", "ltr")
    body = "\n".join(_html_note(t, m, qr) for t, m in zip(texts, maps, strict=True))
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
