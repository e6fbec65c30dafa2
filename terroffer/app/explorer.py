"""The explorer: a plan's offer, rules and plot look-up for citizens and investors, in Arabic or French.

``Explorer(plan, lang="ar").widget`` is the whole page (``notebooks/explorer.ipynb`` shows it
with Voilà). Everything it answers comes from the library: :class:`~terroffer.app.filters.ZoneFilter`
(the filter bar, which the map's tiles follow), :func:`terroffer.offer`, :func:`terroffer.search`,
:func:`terroffer.lookup`, the rules panel of :mod:`terroffer.render.popup` and the note renderer.

The app's state is plain Python (``filter``, ``results``, ``selected``, ``result``), changed by
methods that the widgets call and that tests call directly: :meth:`set_filter`,
:meth:`click`, :meth:`lookup_text`, :meth:`lookup_file`, :meth:`lookup_geometry`,
:meth:`select_result`, :meth:`go_to` and :meth:`set_language`.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from terroffer import words
from terroffer._lookup import Lookup, lookup
from terroffer._offer import offer
from terroffer.app import _panels
from terroffer.app.filters import ZoneFilter
from terroffer.app.widgets import (
    APP_CSS,
    banner,
    download_link,
    language_switch,
    set_direction,
)
from terroffer.errors import TerrofferError
from terroffer.model import Plan
from terroffer.reference import FAMILIES, OFFERED_SECTORS, SECTORS, USES, name_of, normalize_key, translate
from terroffer.selection import OFFER_STATUSES, SEARCH_STATUSES, STATUSES

__all__ = ["NOTE_DEFER_S", "STATUS_CHOICES", "Explorer", "preheated", "release_memory", "warm_up"]

#: The plan-status choices of the filter bar: what the offer counts (default), plus drafts, all.
STATUS_CHOICES: dict[str, tuple[str, ...]] = {
    "offer": OFFER_STATUSES,
    "search": SEARCH_STATUSES,
    "all": STATUSES,
}
#: Rows of the result list.
RESULT_ROWS = 40
#: The largest plot file a visitor may upload (the plot readers' own cap is 8 MB).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
UPLOAD_TYPES = ".csv,.txt,.tsv,.xlsx,.geojson,.json,.kml,.kmz,.dxf"
_SPLIT = re.compile(r"[\s;]+|,\s+")


def _default_tile_url() -> Callable[..., str]:
    from terroffer.app.tiles import tile_url

    return tile_url


#: Seconds after a cold kernel has run the notebook before it makes its first note (see :func:`warm_up`):
#: long enough for the page to have asked for its widgets, which the note would hold up by 1 s.
NOTE_DEFER_S = 6.0


def warm_up(plan: Plan, *, note: bool | None = None) -> None:
    """Do ahead of the visitor what their first answers need.

    The plan's index, the default list, the offer and the widget modules; then one note (fonts,
    shaping and PDF code loaded), so that the first look-up costs what every other one costs.

    A preheated kernel (Voilà's pool) calls it while it waits for its visitor: everything is done
    at once. A kernel started for a visitor who is already waiting (no pool, or the pool empty)
    must show the page first: there the note is made ``NOTE_DEFER_S`` after the page, on the
    kernel's event loop, while the visitor looks at the map. ``note`` forces one or the other.
    """
    import ipywidgets  # noqa: F401

    from terroffer.app.map import preload
    from terroffer.app.tiles import plan_key
    from terroffer.index import plan_index

    preload()
    plan_index(plan)
    plan_key(plan)  # the tiles' URL names the plan: 0.8 s on a 100,000-zone plan, paid here
    ZoneFilter().results(plan, limit=RESULT_ROWS)
    offer(plan)
    if note is None:
        note = preheated()
    if note or not _later(NOTE_DEFER_S, lambda: _warm_note(plan)):
        _warm_note(plan)
    # a cold kernel's visitor is waiting: no 0.15 s garbage collection now (the deferred note does it)
    release_memory(collect=note)


def preheated(env: Any = None) -> bool:
    """Whether this kernel is one of Voilà's preheated pool, waiting for a visitor."""
    import os

    return str((os.environ if env is None else env).get("VOILA_PREHEAT", "")).lower() == "true"


def _later(delay_s: float, call: Callable[[], None]) -> bool:
    """Run ``call`` on this kernel's running event loop in ``delay_s``; False where there is none."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(delay_s, call)
    return True


def _warm_note(plan: Plan) -> None:
    from terroffer.render.note import note_pdf

    if len(plan.zones):
        point = plan.zones.geometry.iloc[0].representative_point()
        note_pdf(lookup(plan, point), plan, lang="ar")
    release_memory()


def release_memory(*, collect: bool = True) -> None:
    """Give the C heap's free pages back to the system (glibc only; elsewhere nothing).

    Loading a plan and making a note free tens of megabytes that glibc keeps for later: in a
    server holding one kernel per visitor, that is memory nobody uses. ``collect`` runs Python's
    garbage collector first (0.15 s: before a visitor, not while one waits); the trim alone
    takes under a millisecond.
    """
    import contextlib
    import ctypes
    import gc

    if collect:
        gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL(None).malloc_trim(0)  # the process's own symbols: glibc's, on Linux


class Explorer:
    """The explorer app.

    Parameters
    ----------
    plan
        A loaded plan.
    lang
        ``"ar"``, ``"fr"`` or ``"en"``; the language switch changes it.
    tile_url
        ``f(plan, zone_filter) -> URL template`` of the zone tiles; by default the tiles the
        ``terroffer serve`` process cuts (:func:`terroffer.app.tiles.tile_url`).
    online
        OpenStreetMap tiles under the plan (needs the internet); off by default.
    """

    def __init__(
        self,
        plan: Plan,
        lang: str = "fr",
        *,
        tile_url: Callable[..., str] | None = None,
        online: bool = False,
    ) -> None:
        import ipywidgets as widgets

        from terroffer.app.map import PlanMap

        self.plan = plan
        self.lang = lang
        self.filter = ZoneFilter()
        self.results = pd.DataFrame()
        self.offer = pd.DataFrame()
        self.selected: int | None = None
        self.result: Lookup | None = None
        self.notes: dict[str, bytes] = {}
        self._busy = False
        url = tile_url or _default_tile_url()
        self.map = PlanMap(
            plan,
            lang,
            tile_url=lambda f: url(plan, f),
            zone_filter=self.filter,
            online=online,
        )
        self.map.on_click(self.click)
        self.map.on_plot(self.lookup_geometry)

        w = widgets
        self.css = w.HTML(APP_CSS)
        self.title = w.HTML()
        self.banner = w.HTML()
        self.language = language_switch(lang)
        self.language.observe(lambda c: self.set_language(c["new"]), names="value")

        self.commune = self._dropdown("terroffer-filter-commune", "communes")
        self.sector = self._dropdown("terroffer-filter-sector", "sectors")
        self.family = self._dropdown("terroffer-filter-family", "families")
        self.use = self._dropdown("terroffer-filter-use", "use")
        self.floors = self._dropdown("terroffer-filter-floors", "max_floors")
        self.status = self._dropdown("terroffer-filter-status", "statuses")
        self.min_area = w.BoundedFloatText(value=0.0, min=0.0, max=1e6, step=0.5, layout={"width": "9em"})
        self.min_area.add_class("terroffer-filter-area")
        self.min_area.observe(self._on_filter_widget, names="value")
        self.min_area_label = w.HTML()
        self.scope = w.HTML()
        self.reset = w.Button(layout={"width": "auto"})
        self.reset.add_class("terroffer-filter-reset")
        self.reset.on_click(lambda _: self.set_filter(**ZoneFilter().__dict__))

        self.place = w.Combobox(ensure_option=False, continuous_update=False, layout={"width": "100%"})
        self.place.add_class("terroffer-place")
        self.place.observe(lambda c: self.go_to(c["new"]), names="value")
        self.place_label = w.HTML()

        self.count = w.HTML()
        self.result_list = w.Select(options=[], rows=8, layout={"width": "100%"})
        self.result_list.add_class("terroffer-results")
        self.result_list.observe(self._on_result, names="value")

        self.rules = w.HTML()
        self.rules.add_class("terroffer-rules")

        self.lookup_hint = w.HTML()
        self.coords = w.Text(layout={"width": "100%"}, continuous_update=False)
        self.coords.add_class("terroffer-lookup-coords")
        self.coords_go = w.Button(layout={"width": "auto", "min_width": "7em"})
        self.coords_go.add_class("terroffer-lookup-go")
        self.coords_go.on_click(lambda _: self.lookup_text(self.coords.value))
        self.upload = w.FileUpload(accept=UPLOAD_TYPES, multiple=False)
        self.upload.add_class("terroffer-lookup-upload")
        self.upload.observe(self._on_upload, names="value")
        self.lookup_result = w.HTML()
        self.lookup_result.add_class("terroffer-lookup-result")
        self.download_pdf = w.HTML()
        self.download_pdf.add_class("terroffer-download-pdf")
        self.download_html = w.HTML()
        self.download_html.add_class("terroffer-download-html")
        self.lookup_box = w.VBox(
            [
                self.lookup_hint,
                w.HBox([self.coords, self.coords_go], layout={"width": "100%"}),
                self.upload,
                self.lookup_result,
                w.HBox([self.download_pdf, self.download_html]),
            ]
        )
        self.lookup_box.add_class("terroffer-lookup")

        self.offer_panel = w.HTML()
        self.offer_panel.add_class("terroffer-offer")
        self.sources = w.HTML()
        self.sources.add_class("terroffer-sources")

        filters = w.Box(
            [
                self.commune,
                self.sector,
                self.family,
                self.use,
                self.floors,
                self.status,
                w.HBox([self.min_area_label, self.min_area]),
                self.reset,
            ],
            layout={"flex_flow": "row wrap", "width": "100%"},
        )
        filters.add_class("terroffer-filters")
        side = w.VBox(
            [self.place_label, self.place, self.rules, self.lookup_box],
            layout={"flex": "1 1 320px", "min_width": "0"},
        )
        side.add_class("terroffer-side")
        map_box = w.VBox([self.map.widget, self.map.legend], layout={"flex": "2 1 560px", "min_width": "0"})
        main = w.Box([map_box, side], layout={"flex_flow": "row wrap", "width": "100%"})
        lists = w.Box(
            [
                w.VBox([self.count, self.result_list], layout={"flex": "1 1 320px", "min_width": "0"}),
                w.VBox([self.offer_panel], layout={"flex": "1 1 320px", "min_width": "0"}),
            ],
            layout={"flex_flow": "row wrap", "width": "100%"},
        )
        header = w.Box([self.title, self.language], layout={"flex_flow": "row wrap", "width": "100%"})
        header.add_class("terroffer-header")
        self.widget = w.VBox(
            [self.css, header, self.banner, filters, self.scope, main, lists, self.sources],
            layout={"width": "100%"},
        )
        self.widget.add_class("terroffer-app")
        self._relabel()
        self._refresh()
        set_direction(self.widget, lang)

    # -- widgets ----------------------------------------------------------------------------

    def _dropdown(self, css: str, field: str) -> Any:
        import ipywidgets as widgets

        box = widgets.Dropdown(options=[("", "")], value="", layout={"width": "auto", "max_width": "100%"})
        box.add_class(css)
        box.add_class("terroffer-filter")
        box._terroffer_field = field
        box.observe(self._on_filter_widget, names="value")
        return box

    def _options(self, field: str) -> list[tuple[str, Any]]:
        lang, plan = self.lang, self.plan
        any_ = translate(f"explorer.any_{field}", lang)
        if field == "communes":
            communes = plan.communes.sort_values("name_fr")
            col = "name_ar" if lang == "ar" else "name_fr"
            names = [
                (str(a if isinstance(a, str) and a else f), str(c))
                for a, f, c in zip(communes[col], communes["name_fr"], communes["code"], strict=True)
            ]
            return [(any_, ""), *names]
        if field == "sectors":
            present = set(plan.zones["sector"].dropna())
            return [(any_, "")] + [(name_of(SECTORS, s, lang), s) for s in OFFERED_SECTORS if s in present]
        if field == "families":
            present = set(plan.zones["family"].dropna())
            return [(any_, "")] + [(name_of(FAMILIES, f, lang), f) for f in FAMILIES if f in present]
        if field == "use":
            names = sorted(((name_of(USES, u, lang), u) for u in USES), key=lambda p: normalize_key(p[0]))
            return [(any_, ""), *names]
        if field == "max_floors":
            return [(any_, 0)] + [(words.floors(n, lang), n) for n in range(1, 11)]
        return [(translate(f"explorer.status_{k}", lang), k) for k in STATUS_CHOICES]

    def _relabel(self) -> None:
        """Every label in the current language, the values kept."""
        lang = self.lang
        self._busy = True
        try:
            for box in (self.commune, self.sector, self.family, self.use, self.floors, self.status):
                value = box.value
                box.options = self._options(box._terroffer_field)
                box.value = value if value in [v for _, v in box.options] else box.options[0][1]
                box.description = translate(f"explorer.filter_{box._terroffer_field}", lang)
                box.style.description_width = "initial"
            self.min_area_label.value = _panels.wrap(
                html.escape(translate("explorer.filter_min_area", lang)), lang
            )
            self.reset.description = translate("explorer.reset", lang)
            self.place.placeholder = translate("explorer.place_placeholder", lang)
            self.place.options = self._place_names()
            self.place_label.value = _panels.wrap(
                f"<b>{html.escape(translate('explorer.place_heading', lang))}</b>", lang
            )
            self.coords.placeholder = translate("explorer.coords_placeholder", lang)
            self.coords_go.description = translate("explorer.coords_go", lang)
            self.upload.description = translate("explorer.upload", lang)
            self.lookup_hint.value = _panels.wrap(
                f"<h3>{html.escape(translate('explorer.lookup_heading', lang))}</h3>"
                f"<p>{html.escape(translate('explorer.lookup_hint', lang))}</p>",
                lang,
            )
            self.title.value = _panels.wrap(f"<h1>{html.escape(translate('app.title', lang))}</h1>", lang)
            self.banner.value = banner(self.plan, lang)
            self.sources.value = _panels.wrap(
                "".join(f"<p>{html.escape(line)}</p>" for line in self._source_lines()), lang
            )
            self.draw_title = translate("explorer.draw_hint", lang)
        finally:
            self._busy = False

    def _source_lines(self) -> list[str]:
        from terroffer.render.static import source_lines

        return source_lines(self.plan, self.lang)

    def _place_names(self) -> list[str]:
        communes = self.plan.communes
        names = [n for col in ("name_fr", "name_ar") for n in communes[col] if isinstance(n, str) and n]
        return list(dict.fromkeys(names))

    def _on_filter_widget(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        status = STATUS_CHOICES.get(self.status.value, OFFER_STATUSES)
        area_ha = float(self.min_area.value or 0.0)
        self.set_filter(
            communes=(self.commune.value,) if self.commune.value else (),
            sectors=(self.sector.value,) if self.sector.value else (),
            families=(self.family.value,) if self.family.value else (),
            use=self.use.value or None,
            max_floors=int(self.floors.value) or None,
            min_area_m2=area_ha * 10_000 if area_ha > 0 else None,
            statuses=status,
        )

    def _sync_filter_widgets(self) -> None:
        f = self.filter
        self._busy = True
        try:
            self.commune.value = f.communes[0] if f.communes else ""
            self.sector.value = f.sectors[0] if f.sectors else ""
            self.family.value = f.families[0] if f.families else ""
            self.use.value = f.use or ""
            self.floors.value = f.max_floors or 0
            self.min_area.value = (f.min_area_m2 or 0.0) / 10_000
            choice = next((k for k, v in STATUS_CHOICES.items() if set(v) == set(f.statuses)), "all")
            self.status.value = choice
        finally:
            self._busy = False

    def _on_result(self, change: dict[str, Any]) -> None:
        if self._busy or change["new"] is None:
            return
        self.select_result(int(change["new"]))

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[-1]
        self.lookup_file(str(item["name"]), bytes(item["content"]))

    # -- state changes (the widgets call these; so do tests) ---------------------------------

    def set_filter(self, **changes: Any) -> None:
        """Change the filters (codes or names in any language); the list, offer and map follow."""
        current = {k: getattr(self.filter, k) for k in self.filter.__dataclass_fields__}
        current.update(changes)
        try:
            self.filter = ZoneFilter.make(self.plan, **current)
        except TerrofferError as exc:
            self.scope.value = _panels.error_html(exc.message(self.lang), self.lang)
            return
        self._sync_filter_widgets()
        self._refresh()

    def _refresh(self) -> None:
        f, plan = self.filter, self.plan
        self.map.set_filter(f)
        self.results = f.results(plan, limit=RESULT_ROWS)
        total = int(self.results.attrs.get("total", len(self.results)))
        self.offer = offer(
            plan,
            communes=f.communes or None,
            sectors=f.sectors or None,
            families=f.families or None,
            statuses=f.statuses,
        )
        self._show_results(total)
        self._show_scope()
        self._show_offer()

    def _show_results(self, total: int) -> None:
        lang = self.lang
        shown = len(self.results)
        key = "explorer.count_cut" if shown < total else "explorer.count"
        self.count.value = _panels.wrap(
            f"<h3>{html.escape(translate(key, lang, n=total, shown=shown))}</h3>", lang, "terroffer-count"
        )
        self._busy = True
        try:
            options = [
                (_panels.result_label(row, lang), int(row.zone_id)) for row in self.results.itertuples()
            ]
            self.result_list.options = options
            self.result_list.value = self.selected if self.selected in {v for _, v in options} else None
        finally:
            self._busy = False

    def _scope_text(self) -> str:
        lang, f = self.lang, self.filter
        statuses = words.join([translate(f"status.{s}", lang) for s in f.statuses], lang)
        return translate("explorer.scope_statuses", lang, statuses=statuses)

    def _show_scope(self) -> None:
        self.scope.value = _panels.wrap(html.escape(self._scope_text()), self.lang, "terroffer-scope")

    def _show_offer(self) -> None:
        table = _panels.offer_by_sector(self.offer)
        self.offer_panel.value = _panels.offer_html(table, self.lang, self._scope_text())

    def set_language(self, lang: str) -> None:
        """Show every text, the map's labels and the current answers in ``lang``."""
        if lang == self.lang and self.language.value == lang:
            return
        self.lang = lang
        if self.language.value != lang:
            self.language.value = lang
        self.map.set_language(lang)
        self._relabel()
        self._refresh()
        if self.selected is not None:
            self._show_rules(self.selected)
        if self.result is not None:
            self._show_lookup(self.result)
        # Last: the page (which follows this class) turns once everything speaks the new language.
        set_direction(self.widget, lang)

    def select_result(self, zone_id: int) -> None:
        """Show zone ``zone_id`` (a row of ``plan.zones``): its rules, outlined on the map, zoomed to."""
        self.selected = int(zone_id)
        self._show_rules(self.selected)
        self.map.show_zone(self.plan.zones.geometry.iloc[self.selected], zoom=True)

    def _show_rules(self, zone_id: int) -> None:
        from terroffer.render.popup import zone_panel_html

        row = self.plan.zones.iloc[zone_id]
        self.rules.value = zone_panel_html(self.plan, str(row["plan_id"]), str(row["zone_code"]), self.lang)

    def click(self, x: float, y: float) -> None:
        """A tap at ``x``, ``y`` (the plan's CRS): the zone's rules, and the look-up of the point."""
        try:
            result = lookup(self.plan, shapely.Point(x, y))
        except TerrofferError as exc:
            self._refuse(exc)
            return
        if result.zones:
            self.selected = int(result.zones[0].zone_id)
            self._show_rules(self.selected)
            self.map.show_zone(self.plan.zones.geometry.iloc[self.selected], zoom=False)
        else:
            self.selected = None
            self.rules.value = _panels.wrap(
                f"<p>{html.escape(translate('explorer.no_zone_here', self.lang))}</p>", self.lang
            )
            self.map.show_zone(None)
        self._finish_lookup(result, zoom=False)

    def lookup_text(self, text: str) -> None:
        """Look up typed coordinates: ``X Y`` in the plan's metres or ``lon lat`` in degrees."""
        from terroffer.cells import parse_number

        tokens = [t for t in _SPLIT.split((text or "").strip()) if t]
        try:
            values = [parse_number(t) for t in tokens]
        except (TypeError, ValueError):
            values = []
        if len(values) != 2 or not all(np.isfinite(values)):
            self.lookup_result.value = _panels.error_html(
                translate("explorer.coords_bad", self.lang, text=text or ""), self.lang
            )
            return
        try:
            result = lookup(self.plan, (values[0], values[1]))
        except TerrofferError as exc:
            self._refuse(exc)
            return
        self._finish_lookup(result, zoom=True)

    def lookup_geometry(self, geom: shapely.Geometry) -> None:
        """Look up a plot drawn on the map (a polygon in the plan's CRS)."""
        try:
            result = lookup(self.plan, geom)
        except TerrofferError as exc:
            self._refuse(exc)
            return
        self._finish_lookup(result, zoom=False)

    def lookup_file(self, name: str, content: bytes) -> None:
        """Look up the plot of an uploaded file (corner table, GeoJSON, KML/KMZ, DXF), size-capped."""
        from terroffer.plot_input import read_plot

        if len(content) > MAX_UPLOAD_BYTES:
            self.lookup_result.value = _panels.error_html(
                translate("explorer.upload_too_large", self.lang, name=name, x=MAX_UPLOAD_BYTES / 1e6),
                self.lang,
            )
            return
        # Only the name's suffix is kept: the visitor's file name never becomes a path here.
        suffix = Path(name).suffix.lower()
        suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
        with tempfile.TemporaryDirectory(prefix="terroffer-upload-") as tmp:
            path = Path(tmp) / f"plot{suffix}"
            path.write_bytes(content)
            try:
                plot = read_plot(path, plan=self.plan)
                result = lookup(self.plan, plot)
            except TerrofferError as exc:
                self._refuse(exc, name=name)
                return
        self._finish_lookup(result, zoom=True)

    def _refuse(self, exc: TerrofferError, name: str | None = None) -> None:
        message = exc.message(self.lang)
        if name:
            # The temporary file's name means nothing to the visitor: name theirs.
            message = re.sub(r"\S*terroffer-upload-\S*/plot(\.\w+)?", name, message)
        self.lookup_result.value = _panels.error_html(message, self.lang)
        self.download_pdf.value = self.download_html.value = ""

    def _finish_lookup(self, result: Lookup, *, zoom: bool) -> None:
        self.result = result
        self.map.show_plot(result.plot.geometry, zoom=zoom)
        self._show_lookup(result)

    def _show_lookup(self, result: Lookup) -> None:
        from terroffer.render.note import note_html, note_pdf, note_reference

        lang = self.lang
        self.lookup_result.value = _panels.lookup_html(result, self.plan, lang)
        # The note comes after the answer is on the screen: the visitor reads while it is made.
        self.download_pdf.value = self.download_html.value = ""
        reference = note_reference(result)
        pdf = note_pdf(result, self.plan, lang=lang, reference=reference)
        page = note_html(result, self.plan, lang=lang, reference=reference).encode("utf-8")
        self.notes = {"pdf": pdf, "html": page}
        stem = f"terroffer-{reference}".replace("/", "-")
        self.download_pdf.value = download_link(
            pdf,
            f"{stem}.pdf",
            "application/pdf",
            translate("explorer.download_pdf", lang),
            lang,
            css="terroffer-download-pdf-link",
        )
        self.download_html.value = download_link(
            page,
            f"{stem}.html",
            "text/html",
            translate("explorer.download_html", lang),
            lang,
            css="terroffer-download-html-link",
        )
        release_memory(collect=False)  # what making the note freed, given back (0.4 ms)

    def go_to(self, text: str) -> None:
        """Bring a commune (its name in any language) or typed coordinates into view."""
        text = (text or "").strip()
        if not text:
            return
        communes = self.plan.communes
        key = normalize_key(text)
        for code, fr, ar, geom in zip(
            communes["code"], communes["name_fr"], communes["name_ar"], communes.geometry, strict=True
        ):
            if key in {normalize_key(n) for n in (code, fr, ar) if isinstance(n, str)}:
                self.map.zoom_to(self.map.to_lonlat(geom).bounds, max_zoom=15)
                return
        self.lookup_text(text)
