"""Widgets every terroffer app shares: language switch, right-to-left box, banner, download link.

The apps' page CSS is here too (:data:`APP_CSS`): an app shows it as its first widget, so the
same page looks the same in Voilà and in JupyterLab, and it carries only terroffer's classes.
"""

from __future__ import annotations

import base64
import html
from typing import Any

from terroffer.model import Plan
from terroffer.reference import translate
from terroffer.render.style import colour, text_direction

__all__ = ["APP_CSS", "LANGUAGE_CHOICES", "banner", "download_link", "language_switch", "set_direction"]

#: The language switch: each language named in itself.
LANGUAGE_CHOICES = (("العربية", "ar"), ("Français", "fr"), ("English", "en"))


def _css() -> str:
    return f"""<style>
.terroffer-app {{ font-family: "IBM Plex Sans Arabic", "Noto Sans", sans-serif; color: {colour("ink")}; }}
.terroffer-app.terroffer-rtl {{ direction: rtl; }}
.terroffer-app h1 {{ font-size: 1.5em; margin: 0.2em 0; }}
.terroffer-app h3 {{ font-size: 1.05em; margin: 0.4em 0 0.2em; }}
.terroffer-app .leaflet-container {{ direction: ltr; }}
.terroffer-app .widget-dropdown > select, .terroffer-app .widget-select > select {{ font-size: 15px; }}
.terroffer-app .widget-button, .terroffer-app .widget-toggle-button {{ min-height: 36px; }}
.terroffer-filters > * {{ margin: 2px 6px 2px 0; max-width: 100%; }}
.terroffer-filters select {{ max-width: 100%; min-width: 0; text-overflow: ellipsis; }}
.terroffer-banner {{ background: {colour("banner")}; color: {colour("banner_ink")}; padding: 6px 10px;
  border-radius: 4px; margin: 4px 0; }}
.terroffer-warn, .terroffer-error {{ color: {colour("warning_ink")}; }}
.terroffer-table {{ border-collapse: collapse; width: 100%; }}
.terroffer-table td, .terroffer-table th {{ padding: 3px 6px; border-bottom: 1px solid {colour("rule")};
  text-align: start; }}
.terroffer-num {{ text-align: end !important; white-space: nowrap; }}
.terroffer-bar-cell {{ width: 30%; }}
.terroffer-bar {{ display: inline-block; height: 0.8em; border-radius: 2px; }}
.terroffer-scope, .terroffer-sources {{ color: {colour("muted")}; font-size: 0.9em; }}
.terroffer-swatch {{ display: inline-block; width: 0.9em; height: 0.9em; margin-inline-end: 0.4em;
  vertical-align: middle; border: 1px solid {colour("paper")}; }}
.terroffer-legend {{ display: flex; flex-wrap: wrap; gap: 2px 14px; padding: 4px 0; font-size: 12px; }}
.terroffer-map.leaflet-container {{ background: {colour("territory_fill")}; }}
.terroffer-map .leaflet-div-icon {{ background: none; border: none; pointer-events: none !important; }}
.terroffer-label {{ display: inline-block; transform: translate(-50%, -50%); white-space: nowrap;
  font: 600 12px "IBM Plex Sans Arabic", sans-serif; color: {colour("ink")};
  text-shadow: 0 0 3px {colour("halo")}, 0 0 3px {colour("halo")}; }}
.terroffer-label-town {{ font-weight: 400 !important; font-style: italic; }}
.terroffer-download a {{ display: inline-block; padding: 8px 12px; margin: 4px 4px 4px 0; border-radius: 4px;
  background: {colour("ink")}; color: {colour("paper")} !important; text-decoration: none; }}
.terroffer-rules {{ max-height: 24em; overflow-y: auto; }}
/* coordinates are typed and read left to right, in Arabic too */
.terroffer-lookup-coords input {{ direction: ltr; }}
.terroffer-rtl .terroffer-lookup-coords input:placeholder-shown {{ direction: rtl; }}
@media (max-width: 600px) {{
  .terroffer-app .terroffer-map {{ height: 60vh !important; }}
  .terroffer-app h1 {{ font-size: 1.2em; }}
}}
</style>"""


#: The apps' CSS, as the content of an HTML widget.
APP_CSS = _css()


def language_switch(lang: str) -> Any:
    """The ``terroffer-lang`` toggle (Arabic, French, English, each named in itself)."""
    import ipywidgets as widgets

    switch = widgets.ToggleButtons(options=list(LANGUAGE_CHOICES), value=lang, style={"button_width": "7em"})
    switch.add_class("terroffer-lang")
    return switch


def set_direction(box: Any, lang: str) -> None:
    """Mark an app's root box with its language, right to left for Arabic.

    The page template watches the ``terroffer-lang-*`` class and sets ``<html lang dir>``
    from it, so the whole page, not only the app, turns when the visitor switches.
    """
    if box is None:
        return
    for css in list(box._dom_classes):
        if css.startswith("terroffer-lang-") or css in ("terroffer-rtl", "terroffer-ltr"):
            box.remove_class(css)
    box.add_class(f"terroffer-lang-{lang}")
    box.add_class(f"terroffer-{text_direction(lang)}")


def banner(plan: Plan, lang: str) -> str:
    """The "illustrative data" banner for an illustrative plan, else nothing."""
    if not plan.illustrative:
        return ""
    text = html.escape(translate("app.illustrative", lang))
    return (
        f'<div class="terroffer-banner" dir="{text_direction(lang)}" lang="{lang}" role="note">{text}</div>'
    )


def download_link(data: bytes, filename: str, mime: str, label: str, lang: str, css: str = "") -> str:
    """A link that saves ``data`` as ``filename``, with no server round trip (works offline)."""
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f'<div class="terroffer-download" dir="{text_direction(lang)}">'
        f'<a class="{css}" download="{html.escape(filename)}" href="{uri}">{html.escape(label)}</a></div>'
    )
