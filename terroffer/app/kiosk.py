"""The open-day kiosk: a touch screen at the booth, one question per screen, in Arabic or French.

``Kiosk(plan, lang="ar").widget`` is the whole page (``notebooks/kiosk.ipynb`` shows it with
Voilà; ``terroffer serve kiosk`` serves it). From the start screen (``terroffer-kiosk-start``:
the language and three big choices) a visitor goes

- **invest**: a sector, then a commune, then the matching zones on the map with a short list;
  a zone of the list opens its rules;
- **own a plot**: the corners' Lambert X and Y on an on-screen keypad (three corners at
  least), or a tap on the map; the answer is the look-up with its note as a QR code to scan
  and as a PDF to print;
- **contact**: the single window's hours, phone and desk (``reference/contacts.json``, whose
  placeholders the screen says are placeholders).

Every screen but the start has a back and a home button. After ``TERROFFER_KIOSK_IDLE``
seconds without a touch (90 by default) a "still there?" prompt stays ``TERROFFER_KIOSK_PROMPT``
seconds (30, never under 20); without an answer the kiosk returns to its start screen with
every input forgotten (:meth:`Kiosk.reset`). A touch that sends no widget message (a scroll, a
wheel, a pinch) is reported by the page template's script, which clicks the hidden
``terroffer-kiosk-activity`` button (:attr:`Kiosk.activity`). *Print* prints the note's HTML page
from a hidden frame (the template's script again; the page carries the note in the print link's
``data-terroffer-print``); *Save the PDF* keeps the PDF within reach.

The state is plain Python, changed by methods the buttons call and tests call directly; the
widgets are made once and reused by every visitor, so a day of visitors does not grow the kernel.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd
import shapely

from terroffer._lookup import Lookup, lookup
from terroffer.app import _panels
from terroffer.app._kiosk_parts import (
    KIOSK_CSS,
    IdleTimer,
    Keypad,
    KioskSettings,
    Schedule,
    corner_lines,
    loop_schedule,
    note_summary,
    print_link,
    qr_svg,
)
from terroffer.app.filters import ZoneFilter
from terroffer.app.widgets import APP_CSS, LANGUAGE_CHOICES, banner, download_link, set_direction
from terroffer.errors import TerrofferError
from terroffer.model import Plan
from terroffer.reference import OFFERED_SECTORS, SECTORS, name_of, translate
from terroffer.render._contacts import contacts

__all__ = ["SCREENS", "SHORT_LIST", "Kiosk", "KioskSettings", "warm_up"]

#: Zones in the invest path's short list (the largest first); the map shows them all.
SHORT_LIST = 5
#: Every screen the kiosk shows, one at a time.
SCREENS = (
    "start",
    "sector",
    "commune",
    "results",
    "zone",
    "keypad",
    "tap",
    "answer",
    "contact",
    "idle",
)
#: Fewest corners of a plot.
MIN_CORNERS = 3


def warm_up(plan: Plan) -> None:
    """What the explorer warms up (index, map, fonts, PDF), and the QR encoder."""
    from terroffer.app.explorer import warm_up as explorer_warm_up

    explorer_warm_up(plan)
    qr_svg("terroffer")


def _t(key: str, lang: str, **params: Any) -> str:
    return translate(f"kiosk.{key}", lang, **params)


class Kiosk:
    """The kiosk app.

    Parameters
    ----------
    plan
        A loaded plan.
    lang
        The start screen's language, to which every new visitor returns.
    settings
        Idle and prompt times (default: :meth:`KioskSettings.from_env`).
    schedule
        ``schedule(delay_s, callback) -> cancel`` for the idle timer: by default the kernel's
        event loop (none outside one); tests pass a clock they drive by hand.
    tile_url
        The zone tiles' URL (as :class:`~terroffer.app.explorer.Explorer` takes it).
    """

    def __init__(
        self,
        plan: Plan,
        lang: str = "fr",
        *,
        settings: KioskSettings | None = None,
        schedule: Schedule | None = None,
        tile_url: Callable[..., str] | None = None,
    ) -> None:
        import ipywidgets as w

        from terroffer.app.explorer import _default_tile_url
        from terroffer.app.map import PlanMap

        self.plan = plan
        self.home_lang = lang
        self.lang = lang
        self.settings = settings or KioskSettings.from_env()
        self._schedule = schedule if schedule is not None else loop_schedule()
        self.timer = IdleTimer(self.settings, self._on_idle, self.reset, self._schedule)
        self.screen = "start"
        self._history: list[str] = []
        self._before_prompt = "start"
        self.sector: str | None = None
        self.commune: str | None = None
        self.filter = ZoneFilter()
        self.results = pd.DataFrame()
        self.total = 0
        self.selected: int | None = None
        self.keypad = Keypad()
        self.result: Lookup | None = None
        self.reference: str | None = None
        self.qr_text = ""
        self.message = ""

        url: Callable[..., str] | None = tile_url or _default_tile_url()
        self.map = PlanMap(
            plan, lang, tile_url=(lambda f: url(plan, f)) if url else None, zone_filter=self.filter
        )
        self.map.widget.scroll_wheel_zoom = False
        # no drawing tools at the booth: a plot is typed or tapped, and the tools' buttons are small
        self.map.widget.remove(self.map.draw)
        self.map.on_click(self._on_map_click)
        # A pan or a zoom sends the map's new centre back: a touch the idle timer must see.
        self.map.widget.observe(lambda _: self._touched(), names=["center", "zoom"])

        self.css = w.HTML(APP_CSS + KIOSK_CSS)
        self.banner = w.HTML()
        self.back = self._button("terroffer-kiosk-back", self._go_back)
        self.home = self._button("terroffer-kiosk-home", self._go_home)
        self.bar = w.HBox([self.back, self.home])
        self.bar.add_class("terroffer-kiosk-bar")

        # start: the language, then the three choices
        self._sectors: list[str] = []
        self.start_title = w.HTML()
        self.languages = [
            self._button(f"terroffer-kiosk-lang-{code}", self._choose_lang(code))
            for _, code in LANGUAGE_CHOICES
        ]
        for (name, _), button in zip(LANGUAGE_CHOICES, self.languages, strict=True):
            button.description = name
        self.choose_invest = self._button(
            "terroffer-kiosk-invest", lambda: self.invest(), "choice", "primary"
        )
        self.choose_plot = self._button("terroffer-kiosk-plot", lambda: self.own_plot(), "choice", "primary")
        self.choose_contact = self._button(
            "terroffer-kiosk-contact", lambda: self.contact(), "choice", "primary"
        )
        self.start_hint = w.HTML()

        # invest
        self.sector_title = w.HTML()
        self.sector_buttons = self._grid("terroffer-kiosk-sectors")
        self.commune_title = w.HTML()
        self.commune_buttons = self._grid("terroffer-kiosk-communes")
        self.results_title = w.HTML()
        self.result_buttons = w.VBox([])
        self.result_buttons.add_class("terroffer-kiosk-column")
        self.result_buttons.add_class("terroffer-kiosk-results")
        # The short list's buttons are made once and relabelled for each visitor: a button made
        # per result is 3 widgets opened, and 3 closed, each time (40 messages a tap, not 10).
        self._listed: list[int] = []
        self.result_pool = [
            self._button("terroffer-kiosk-result", self._result(slot)) for slot in range(SHORT_LIST)
        ]
        for button in self.result_pool:
            button.layout.width = "100%"
        self.rules = w.HTML()
        self.rules.add_class("terroffer-rules")

        # own a plot
        self.keypad_title = w.HTML()
        self.corners = w.HTML()
        self.entry = w.HTML()
        self.entry.add_class("terroffer-kiosk-entry-box")
        self.keys = {}
        for key in ("7", "8", "9", "4", "5", "6", "1", "2", "3", ".", "0", "del"):
            label = "⌫" if key == "del" else key
            button = self._button(
                f"terroffer-kiosk-key-{'del' if key == 'del' else 'dot' if key == '.' else key}",
                self._press(key),
                "key",
            )
            button.description = label
            self.keys[key] = button
        rows = [list(self.keys.values())[k : k + 3] for k in range(0, 12, 3)]
        keys_box = w.VBox([self._row(r) for r in rows])
        keys_box.add_class("terroffer-kiosk-column")
        keys_box.add_class("terroffer-kiosk-keys")
        self.confirm = self._button("terroffer-kiosk-confirm", lambda: self.confirm_number(), "primary")
        self.undo = self._button("terroffer-kiosk-undo", lambda: self.undo_entry())
        self.finish = self._button("terroffer-kiosk-finish", lambda: self.finish_plot(), "primary")
        self.to_tap = self._button("terroffer-kiosk-to-map", lambda: self.tap_screen())
        self.keypad_message = w.HTML()
        self.tap_title = w.HTML()

        # the answer
        self.answer_title = w.HTML()
        self.answer = w.HTML()
        self.answer.add_class("terroffer-lookup-result")
        self.qr = w.HTML()
        self.qr.add_class("terroffer-kiosk-qr")
        self.print_link = w.HTML()
        self.print_link.add_class("terroffer-kiosk-print")
        self.pdf_link = w.HTML()
        self.pdf_link.add_class("terroffer-kiosk-pdf")

        self.note_box = w.VBox([self.qr, self.print_link, self.pdf_link])
        self.note_box.add_class("terroffer-kiosk-note")
        self.answer.layout.flex = "1 1 480px"

        # contact
        self.contact_panel = w.HTML()
        self.contact_panel.add_class("terroffer-kiosk-contact-panel")

        # the prompt
        self.idle_text = w.HTML()
        self.stay = self._button("terroffer-kiosk-stay", lambda: self.still_here(), "primary", "choice")
        self.restart = self._button("terroffer-kiosk-restart", lambda: self.reset())

        self.map_box = w.VBox([self.map.widget])
        self.screens: dict[str, Any] = {
            "start": self._screen(
                "start",
                [
                    self.start_title,
                    self._row(self.languages, "terroffer-kiosk-languages"),
                    self._column([self.choose_invest, self.choose_plot, self.choose_contact]),
                    self.start_hint,
                ],
            ),
            "sector": self._screen("sector", [self.sector_title, self.sector_buttons]),
            "commune": self._screen("commune", [self.commune_title, self.commune_buttons]),
            "results": self._screen("results", [self.results_title, self.map_box, self.result_buttons]),
            "zone": self._screen("zone", [self.rules]),
            "keypad": self._screen(
                "keypad",
                [
                    self.keypad_title,
                    self.corners,
                    self.entry,
                    self.keypad_message,
                    self._row(
                        [keys_box, self._column([self.confirm, self.undo, self.finish, self.to_tap])],
                        "terroffer-kiosk-split",
                    ),
                ],
            ),
            "tap": self._screen("tap", [self.tap_title]),
            "answer": self._screen(
                "answer",
                [
                    self.answer_title,
                    self._row([self.note_box, self.answer], "terroffer-kiosk-split"),
                ],
            ),
            "contact": self._screen("contact", [self.contact_panel]),
            "idle": self._screen("idle", [self.idle_text, self._column([self.stay, self.restart])]),
        }
        self.body = w.VBox([self.screens["start"]], layout={"width": "100%"})
        # A scroll, a wheel or a pinch sends no widget message: the page's script reports them
        # by clicking this hidden button (a click works on a hidden element), at most once every
        # few seconds, so that a visitor reading a long list is not asked "still there?".
        self.activity = w.Button(layout={"display": "none"})
        self.activity.add_class("terroffer-kiosk-activity")
        self.activity.on_click(lambda _: self._touched())
        self.widget = w.VBox(
            [self.css, self.bar, self.banner, self.body, self.activity], layout={"width": "100%"}
        )
        self.widget.add_class("terroffer-app")
        self.widget.add_class("terroffer-kiosk")
        self._relabel()
        self._show("start")

    # -- widgets ----------------------------------------------------------------------------

    def _button(self, css: str, action: Callable[[], None], *kinds: str) -> Any:
        import ipywidgets as w

        # no inline layout: the sizes are in the kiosk's CSS, which an inline style would override
        button = w.Button()
        button.add_class("terroffer-kiosk-target")
        button.add_class(css)
        for kind in kinds:
            button.add_class(f"terroffer-kiosk-{kind}")

        def clicked(_: Any) -> None:
            self._touched()
            action()

        button.on_click(clicked)
        return button

    def _row(self, children: list[Any], css: str = "") -> Any:
        import ipywidgets as w

        row = w.Box(children)
        row.add_class("terroffer-kiosk-grid")
        if css:
            row.add_class(css)
        return row

    def _column(self, children: list[Any]) -> Any:
        import ipywidgets as w

        column = w.VBox(children, layout={"width": "100%", "max_width": "900px"})
        column.add_class("terroffer-kiosk-column")
        return column

    def _grid(self, css: str) -> Any:
        return self._row([], css)

    def _screen(self, name: str, children: list[Any]) -> Any:
        import ipywidgets as w

        box = w.VBox(children, layout={"width": "100%"})
        box.add_class("terroffer-kiosk-screen")
        box.add_class(f"terroffer-kiosk-screen-{name}")
        if name == "start":
            box.add_class("terroffer-kiosk-start")
        return box

    def _choose_lang(self, code: str) -> Callable[[], None]:
        return lambda: self.set_language(code)

    def _press(self, key: str) -> Callable[[], None]:
        return lambda: self.press(key)

    def _heading(self, text: str, level: int = 2) -> str:
        return _panels.wrap(f"<h{level}>{html.escape(text)}</h{level}>", self.lang)

    def _relabel(self) -> None:
        lang = self.lang
        self.banner.value = banner(self.plan, lang)
        self.back.description = "← " + _t("back", lang) if lang != "ar" else _t("back", lang) + " →"
        self.home.description = _t("home", lang)
        self.start_title.value = _panels.wrap(
            f"<h1>{html.escape(_t('welcome', lang))}</h1><p>{html.escape(_t('choose_language', lang))}</p>",
            lang,
        )
        self.choose_invest.description = _t("invest", lang)
        self.choose_plot.description = _t("own_plot", lang)
        self.choose_contact.description = _t("contact", lang)
        self.start_hint.value = _panels.wrap(f"<p>{html.escape(_t('staff', lang))}</p>", lang)
        self.sector_title.value = self._heading(_t("sector_heading", lang))
        self.commune_title.value = self._heading(_t("commune_heading", lang))
        self._fill_sectors()
        self._fill_communes()
        self.confirm.description = _t("confirm", lang)
        self.undo.description = _t("undo", lang)
        self.finish.description = _t("finish", lang)
        self.to_tap.description = _t("to_map", lang)
        self.tap_title.value = self._heading(_t("tap_heading", lang))
        self.answer_title.value = self._heading(_t("answer_heading", lang))
        self.stay.description = _t("stay", lang)
        self.restart.description = _t("restart", lang)
        self.idle_text.value = _panels.wrap(
            f"<h2>{html.escape(_t('idle_heading', lang))}</h2>"
            f"<p>{html.escape(_t('idle_text', lang, s=round(self.settings.prompt_s)))}</p>",
            lang,
        )
        self.contact_panel.value = self._contact_html()
        self.map.set_language(lang)
        self._show_keypad()
        if self.screen in ("results", "zone"):
            self._show_results()
        if self.selected is not None:
            self._show_rules(self.selected)
        if self.result is not None:
            self._show_answer()

    def _fill_sectors(self) -> None:
        # Made once, relabelled on a language change: new buttons for each switch (and back, at
        # each reset) were some 200 widget messages, for the kernel to send and the page to draw.
        if not self._sectors:
            present = set(self.plan.zones["sector"].dropna())
            self._sectors = [s for s in OFFERED_SECTORS if s in present]
            self.sector_buttons.children = [
                self._button(f"terroffer-kiosk-sector-{sector}", self._sector(sector), "choice")
                for sector in self._sectors
            ]
        for sector, button in zip(self._sectors, self.sector_buttons.children, strict=True):
            button.description = name_of(SECTORS, sector, self.lang)

    def _sector(self, sector: str) -> Callable[[], None]:
        return lambda: self.choose_sector(sector)

    def _commune(self, code: str | None) -> Callable[[], None]:
        return lambda: self.choose_commune(code)

    def _fill_communes(self) -> None:
        communes = self.plan.communes.sort_values("name_fr")  # one order in every language
        if not self.commune_buttons.children:
            everywhere = self._button("terroffer-kiosk-commune-all", self._commune(None))
            self.commune_buttons.children = [everywhere] + [
                self._button("terroffer-kiosk-commune-button", self._commune(str(code)))
                for code in communes["code"]
            ]
        col = "name_ar" if self.lang == "ar" else "name_fr"
        everywhere, *buttons = self.commune_buttons.children
        everywhere.description = _t("all_communes", self.lang)
        for button, name, fallback in zip(buttons, communes[col], communes["name_fr"], strict=True):
            button.description = str(name if isinstance(name, str) and name else fallback)

    def _contact_html(self) -> str:
        lang = self.lang
        desk = contacts()["single_window"]
        e = html.escape
        from terroffer.words import isolate

        body = (
            f"<h2>{e(_t('contact_heading', lang))}</h2>"
            f"<p><b>{e(desk['name'][lang])}</b></p>"
            f"<p><b>{e(_t('hours', lang))}</b> {e(desk['hours'][lang])}</p>"
            f"<p><b>{e(_t('phone', lang))}</b> {e(isolate(desk['phone'], lang))}</p>"
            f"<p><b>{e(_t('desk', lang))}</b> {e(desk['address'][lang])}</p>"
        )
        if desk.get("illustrative"):
            body += f"<p class='terroffer-warn'>{e(translate('note.contacts_illustrative', lang))}</p>"
        return _panels.wrap(body, lang)

    # -- screens -------------------------------------------------------------------------------

    def _show(self, name: str) -> None:
        self.screen = name
        # The bar first: the page draws each message as it comes, and a screen that has no way
        # back (start, the idle prompt) must never show one for a frame.
        self.bar.layout.display = "none" if name in ("start", "idle") else "flex"
        self.body.children = [self.screens[name]]
        # The map is one widget: it goes where it is needed, so the page draws only one.
        if name == "tap":
            self.screens["tap"].children = [self.tap_title, self.map_box]
        elif name == "results":
            self.screens["results"].children = [self.results_title, self.map_box, self.result_buttons]
        if name == "start":
            self.timer.stop()

    def _go(self, name: str) -> None:
        if self.screen != name:
            self._history.append(self.screen)
        self._show(name)

    def _touched(self) -> None:
        if self.screen == "idle":
            return  # only an answer to the prompt dismisses it
        if self.screen != "start":
            self.timer.touch()

    def _later(self, delay: float, callback: Callable[[], None]) -> None:
        if self._schedule is not None:
            self._schedule(delay, callback)

    def _go_back(self) -> None:
        self.go_back()

    def _go_home(self) -> None:
        self.reset()

    # -- state changes (the buttons call these; so do tests) -------------------------------------

    def set_language(self, lang: str) -> None:
        """Every screen in ``lang`` (the visitor's choice on the start screen)."""
        self.lang = lang
        self._relabel()
        set_direction(self.widget, lang)

    def start_in(self, lang: str) -> None:
        """Make ``lang`` the kiosk's own language, to which the start screen returns for each visitor."""
        self.home_lang = lang
        self.set_language(lang)

    def invest(self) -> None:
        """The first choice, "I want to invest": the sector screen."""
        self._go("sector")
        self.timer.touch()

    def choose_sector(self, sector: str) -> None:
        """A sector (``housing``, ``industry``, ``services``, ``tourism``): the commune screen."""
        self.sector = sector
        self._go("commune")

    def choose_commune(self, code: str | None) -> None:
        """A commune's code (None: all of them): the matching zones on the map and in a short list."""
        self.commune = code
        self.filter = ZoneFilter.make(
            self.plan, sectors=(self.sector,) if self.sector else (), communes=(code,) if code else ()
        )
        self.map.set_filter(self.filter)
        self.results = self.filter.results(self.plan, limit=SHORT_LIST)
        self.total = int(self.results.attrs.get("total", len(self.results)))
        self.selected = None
        self.map.show_zone(None)
        self._show_results()
        self._zoom_to_results()
        self._go("results")
        # The map's new view, made as the screen appears, sends its first centre back and can
        # undo the zoom above (seen in Chromium): the zoom is sent again once the view is up.
        for delay in (0.5, 1.5):
            self._later(delay, self._zoom_to_results)

    def _zoom_to_results(self) -> None:
        if self.commune is not None:
            communes = self.plan.communes
            geom = communes.geometry[communes["code"].astype(str) == self.commune]
            if len(geom):
                self.map.zoom_to(self.map.to_lonlat(geom.iloc[0]).bounds, max_zoom=15)
                return
        self.map.reset_view()

    def _show_results(self) -> None:
        lang = self.lang
        key = "results_heading" if self.total else "results_none"
        sector = name_of(SECTORS, self.sector, lang) if self.sector else ""
        self.results_title.value = self._heading(_t(key, lang, n=self.total, sector=sector))
        rows = list(self.results.itertuples())[:SHORT_LIST]
        self._listed = [int(row.zone_id) for row in rows]
        for button, row in zip(self.result_pool, rows, strict=False):
            button.description = _panels.result_label(row, lang)
        self.result_buttons.children = self.result_pool[: len(rows)]

    def _result(self, slot: int) -> Callable[[], None]:
        return lambda: self.select_result(self._listed[slot])

    def select_result(self, zone_id: int) -> None:
        """A zone of the short list: its rules on a screen of their own."""
        self.selected = int(zone_id)
        self._show_rules(self.selected)
        self.map.show_zone(self.plan.zones.geometry.iloc[self.selected], zoom=False)
        self._go("zone")

    def _show_rules(self, zone_id: int) -> None:
        from terroffer.render.popup import zone_panel_html

        row = self.plan.zones.iloc[zone_id]
        self.rules.value = zone_panel_html(self.plan, str(row["plan_id"]), str(row["zone_code"]), self.lang)

    def own_plot(self) -> None:
        """The second choice, "I own a plot": the keypad for the corners' X and Y."""
        self._show_keypad()
        self._go("keypad")
        self.timer.touch()

    def press(self, key: str) -> None:
        """A key of the keypad: a digit, ``"."`` or ``"del"``."""
        self.keypad.press(key)
        self.message = ""
        self._show_keypad()

    def confirm_number(self) -> None:
        """The typed number becomes the corner's X (then its Y)."""
        self.message = "" if self.keypad.confirm() else _t("nothing_typed", self.lang)
        self._show_keypad()

    def undo_entry(self) -> None:
        """Forget the digits typed, else the half corner, else the last corner."""
        self.keypad.undo()
        self.message = ""
        self._show_keypad()

    def enter_corners(self, corners: list[tuple[float, float]]) -> None:
        """Type ``corners`` on the keypad, key by key, as a visitor would (scripts and benchmarks)."""
        for x, y in corners:
            for value in (x, y):
                for key in f"{value:.2f}":
                    self.press(key)
                self.confirm_number()

    def _show_keypad(self) -> None:
        lang, pad = self.lang, self.keypad
        n = len(pad.corners) + 1
        self.keypad_title.value = self._heading(_t("keypad_heading", lang))
        self.corners.value = corner_lines(pad, lang, lambda k: _t("corner", lang, n=k))
        prompt = _t("enter_x" if pad.axis == "x" else "enter_y", lang, n=n)
        shown = pad.typed or "…"
        self.entry.value = _panels.wrap(
            f"<p>{html.escape(prompt)}</p><div class='terroffer-kiosk-entry'>{html.escape(shown)}</div>", lang
        )
        self.finish.disabled = len(pad.corners) < MIN_CORNERS
        self.finish.description = (
            _t("finish", lang) if len(pad.corners) >= MIN_CORNERS else _t("finish_needs", lang, n=MIN_CORNERS)
        )
        self.keypad_message.value = _panels.error_html(self.message, lang) if self.message else ""

    def finish_plot(self) -> None:
        """The corners typed (three at least) as the plot: the look-up and its note."""
        corners = self.keypad.corners
        if len(corners) < MIN_CORNERS:
            self.message = _t("finish_needs", self.lang, n=MIN_CORNERS)
            self._show_keypad()
            return
        polygon = shapely.Polygon(corners)
        if not polygon.is_valid:
            # corners typed out of order cross the plot's outline: take them round its hull
            polygon = shapely.convex_hull(shapely.MultiPoint(corners))
        self._lookup(polygon)

    def tap_screen(self) -> None:
        """The map, for a visitor who would rather show their plot than type it."""
        self.map.show_plot(None)
        self._go("tap")

    def _on_map_click(self, x: float, y: float) -> None:
        if self.screen == "tap":
            self.tap(x, y)

    def tap(self, x: float, y: float) -> None:
        """A tap on the map at ``x``, ``y`` (the plan's CRS): the look-up of that point."""
        self._lookup(shapely.Point(x, y))

    def _lookup(self, geom: shapely.Geometry) -> None:
        try:
            result = lookup(self.plan, geom)
        except TerrofferError as exc:
            self.message = exc.message(self.lang)
            self._show_keypad()
            return
        self.result = result
        self.map.show_plot(result.plot.geometry, zoom=False)
        self._show_answer(pdf=False)
        self._go("answer")
        # The PDF last: the visitor reads the answer and scans its code while it is made.
        self._show_print()

    def _show_answer(self, *, pdf: bool = True) -> None:
        from terroffer.render.note import note_reference

        result, lang = self.result, self.lang
        assert result is not None
        self.reference = note_reference(result)
        self.answer.value = _panels.lookup_html(result, self.plan, lang)
        self.qr_text = note_summary(result, self.plan, lang, self.reference)
        self.qr.value = _panels.wrap(
            f"<p><b>{html.escape(_t('qr_caption', lang))}</b></p>{qr_svg(self.qr_text)}"
            f"<p>{html.escape(_t('reference', lang, ref=self.reference))}</p>",
            lang,
        )
        self.print_link.value = self.pdf_link.value = ""
        if pdf:
            self._show_print()

    def _show_print(self) -> None:
        from terroffer.render.note import note_html, note_pdf

        result, lang = self.result, self.lang
        assert result is not None and self.reference is not None
        # Print first (what a visitor taps), then the PDF (Arabic shaping makes it the slower)
        page = note_html(result, self.plan, lang=lang, reference=self.reference)
        self.print_link.value = print_link(page, _t("print", lang), lang)
        pdf = note_pdf(result, self.plan, lang=lang, reference=self.reference)
        self.pdf_link.value = download_link(
            pdf,
            f"terroffer-{self.reference}.pdf",
            "application/pdf",
            _t("save_pdf", lang),
            lang,
            css="terroffer-kiosk-pdf-link",
        )

    def contact(self) -> None:
        """The third choice, "Contact the single window": hours, phone, where the desk is."""
        self._go("contact")
        self.timer.touch()

    def go_back(self) -> None:
        """The screen before this one (the start screen from the first screen of a path)."""
        previous = self._history.pop() if self._history else "start"
        if previous == "start":
            self.reset()
            return
        self._show(previous)

    def _on_idle(self) -> None:
        self._before_prompt = self.screen
        self._show("idle")

    def still_here(self) -> None:
        """The visitor answered the prompt: back to their screen, the idle time counted again."""
        self._show(self._before_prompt if self._before_prompt != "idle" else "start")
        self.timer.touch()

    def reset(self) -> None:
        """The start screen for the next visitor, in the kiosk's language, every input forgotten."""
        self.timer.stop()
        self._history.clear()
        self._before_prompt = "start"
        self.sector = self.commune = None
        self.filter = ZoneFilter()
        self.map.set_filter(self.filter)
        self.results = pd.DataFrame()
        self.total = 0
        self.selected = None
        self.keypad.clear()
        self.result = None
        self.reference = None
        self.qr_text = self.message = ""
        self.rules.value = self.answer.value = self.qr.value = ""
        self.print_link.value = self.pdf_link.value = ""
        self.result_buttons.children = []
        self._listed = []
        for button in self.result_pool:
            button.description = ""  # the last visitor's list, gone with the rest
        self.map.show_zone(None)
        self.map.show_plot(None)
        self.map.reset_view()
        self._show("start")
        if self.lang != self.home_lang:
            self.set_language(self.home_lang)
        else:
            self._show_keypad()

    def inputs(self) -> dict[str, Any]:
        """What the current visitor has given so far (empty after :meth:`reset`)."""
        pad = self.keypad
        return {
            k: v
            for k, v in {
                "sector": self.sector,
                "commune": self.commune,
                "selected": self.selected,
                "corners": list(pad.corners),
                "x": pad.x,
                "typed": pad.typed,
                "result": self.result,
                "history": list(self._history),
                "plot_on_map": bool(self.map.plot.data.get("features")),
                "zone_on_map": bool(self.map.selected.data.get("features")),
                "filtered": self.filter != ZoneFilter(),
                "lang": self.lang if self.lang != self.home_lang else None,
            }.items()
            if v
        }
