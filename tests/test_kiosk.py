"""The kiosk's state without a browser: each path by its buttons, the keypad, the QR note, the idle reset.

The hand-made plot on the tiny plan (``tests/tiny.py``): corners (10, 10), (50, 10), (50, 90),
(10, 90) from (X0, Y0), a 40 m x 80 m rectangle = 3,200 m², all in zone V1 (x = 0..60). The
10 m road (y = 45..55) crosses it over 40 m: 400 m² reserved, 2,800 m² net. V1's COS 0.6 gives
1,680 m² of floor area; its CES 0.3 a footprint of 840 m² (x 2 floors = 1,680 m² too).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tiny import X0, Y0, tiny_plan

pytest.importorskip("ipyleaflet")

from terroffer import words
from terroffer.app._kiosk_parts import MIN_PROMPT_S, Keypad, KioskSettings, note_summary
from terroffer.app.kiosk import SCREENS, Kiosk
from terroffer.reference import translate

CORNERS = [(X0 + 10, Y0 + 10), (X0 + 50, Y0 + 10), (X0 + 50, Y0 + 90), (X0 + 10, Y0 + 90)]


class Clock:
    """The idle timer's schedule, driven by hand: ``advance(s)`` runs what falls due."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pending: list[tuple[float, int, Callable[[], None]]] = []
        self._n = 0

    def __call__(self, delay: float, callback: Callable[[], None]) -> Callable[[], None]:
        self._n += 1
        entry = (self.now + delay, self._n, callback)
        self.pending.append(entry)
        return lambda: self.pending.remove(entry) if entry in self.pending else None

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while True:
            due = sorted(e for e in self.pending if e[0] <= end)
            if not due:
                break
            entry = due[0]
            self.pending.remove(entry)
            self.now = entry[0]
            entry[2]()
        self.now = end


@pytest.fixture(scope="module")
def plan():
    return tiny_plan()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kiosk(plan, clock) -> Kiosk:
    return Kiosk(plan, "fr", settings=KioskSettings(idle_s=90, prompt_s=30), schedule=clock, tile_url=None)


def tap(button) -> None:  # type: ignore[no-untyped-def]
    """What a visitor's tap does: the button's click, as the page sends it."""
    button.click()


def classes(widget) -> set[str]:  # type: ignore[no-untyped-def]
    return set(widget._dom_classes)


def shown(kiosk: Kiosk) -> set[str]:
    return classes(kiosk.body.children[0])


def type_corners(kiosk: Kiosk, corners) -> None:  # type: ignore[no-untyped-def]
    """Each corner's X then Y, digit by digit on the keypad's buttons, each confirmed."""
    for x, y in corners:
        for value in (x, y):
            for key in f"{value:g}":
                tap(kiosk.keys[key])
            tap(kiosk.confirm)


def test_the_start_screen_offers_the_languages_and_three_choices(kiosk):
    assert kiosk.screen == "start"
    assert "terroffer-kiosk-start" in shown(kiosk)
    assert kiosk.bar.layout.display == "none"  # nothing to go back to
    assert kiosk.choose_invest.description == translate("kiosk.invest", "fr")
    assert [b.description for b in kiosk.languages] == ["العربية", "Français", "English"]
    tap(kiosk.languages[0])
    assert kiosk.lang == "ar"
    assert "terroffer-rtl" in classes(kiosk.widget) and "terroffer-lang-ar" in classes(kiosk.widget)
    assert kiosk.choose_plot.description == translate("kiosk.own_plot", "ar")


def test_invest_sector_then_commune_shows_the_matching_zones(kiosk):
    tap(kiosk.choose_invest)
    assert kiosk.screen == "sector" and "terroffer-kiosk-screen-sector" in shown(kiosk)
    assert kiosk.bar.layout.display == "flex"  # a way back on every screen but the start
    # the tiny plan offers housing (V1), industry (I1) and tourism (ZT); green space is not offered
    offered = {
        c
        for b in kiosk.sector_buttons.children
        for c in classes(b)
        if c.startswith("terroffer-kiosk-sector-")
    }
    assert offered == {f"terroffer-kiosk-sector-{s}" for s in ("housing", "industry", "tourism")}
    industry = next(
        b for b in kiosk.sector_buttons.children if "terroffer-kiosk-sector-industry" in classes(b)
    )
    tap(industry)
    assert kiosk.screen == "commune"
    communes = kiosk.commune_buttons.children
    assert [b.description for b in communes] == [translate("kiosk.all_communes", "fr"), "Témara"]
    tap(communes[1])
    assert kiosk.screen == "results"
    assert kiosk.map.widget in kiosk.map_box.children and kiosk.map_box in kiosk.screens["results"].children
    # one zone: I1, 40 m x 100 m = 4,000 m² less the road's 40 m x 10 m = 3,600 m² usable
    assert kiosk.total == 1
    (button,) = kiosk.result_buttons.children
    assert "I1" in button.description and words.hectares(3_600, "fr") in button.description
    assert kiosk.filter.sectors == ("industry",) and kiosk.filter.communes == ("C1",)
    tap(button)
    assert kiosk.screen == "zone" and "I1" in kiosk.rules.value
    tap(kiosk.back)
    assert kiosk.screen == "results"
    tap(kiosk.back)
    tap(kiosk.back)
    tap(kiosk.back)
    assert kiosk.screen == "start"
    assert kiosk.inputs() == {}


def test_a_sector_absent_from_a_commune_says_so(kiosk):
    kiosk.invest()
    kiosk.choose_sector("tourism")
    kiosk.choose_commune(None)
    # ZT belongs to a plan under study: the offer counts approved plans only
    assert kiosk.total == 0
    assert kiosk.result_buttons.children == ()
    assert "Aucune zone" in kiosk.results_title.value


def printed_page(kiosk: Kiosk) -> str:
    """The page the Print link hands to the page's script: its ``data-terroffer-print``, decoded."""
    import base64
    import re

    (data,) = re.findall(r'data-terroffer-print="([A-Za-z0-9+/=]+)"', kiosk.print_link.value)
    return base64.b64decode(data).decode("utf-8")


def test_print_carries_the_note_page_in_the_visitors_language(kiosk):
    kiosk.set_language("ar")
    kiosk.own_plot()
    kiosk.enter_corners(CORNERS)
    kiosk.finish_plot()
    printed = printed_page(kiosk)
    assert printed.startswith("<!DOCTYPE html>")
    assert 'dir="rtl"' in printed and kiosk.reference in printed
    assert translate("note.title", "ar") in printed
    assert translate("kiosk.print", "ar") in kiosk.print_link.value
    assert translate("kiosk.save_pdf", "ar") in kiosk.pdf_link.value


def test_the_keypad_enters_four_corners_and_gives_the_hand_computed_answer(kiosk):
    tap(kiosk.choose_plot)
    assert kiosk.screen == "keypad"
    assert kiosk.finish.disabled  # three corners at least
    type_corners(kiosk, CORNERS[:2])
    assert kiosk.finish.disabled
    type_corners(kiosk, CORNERS[2:])
    assert kiosk.keypad.corners == CORNERS
    assert words.number(X0 + 50, "fr", 2) in kiosk.corners.value  # to the centimetre
    assert not kiosk.finish.disabled
    tap(kiosk.finish)
    assert kiosk.screen == "answer"
    result = kiosk.result
    assert result.plot_area_m2 == pytest.approx(3_200)
    assert result.net_area_m2 == pytest.approx(2_800)
    assert result.capacity.max_floor_area_m2 == pytest.approx(1_680)
    assert result.capacity.max_footprint_m2 == pytest.approx(840)
    assert words.area(2_800, "fr") in kiosk.answer.value
    assert words.area(1_680, "fr") in kiosk.answer.value
    # the QR code carries the note itself: its reference, the net area, the capacity
    assert kiosk.reference and kiosk.reference in kiosk.qr_text
    assert words.area(2_800, "fr").replace("\u2066", "") in kiosk.qr_text
    assert words.area(1_680, "fr") in kiosk.qr_text
    assert "<svg" in kiosk.qr.value and "terroffer-kiosk-qr-code" in kiosk.qr.value
    assert "application/pdf;base64," in kiosk.pdf_link.value
    # Print carries the note's own page, which names the plot's reference and its net area
    printed = printed_page(kiosk)
    assert kiosk.reference in printed and words.area(2_800, "fr") in printed
    tap(kiosk.back)
    assert kiosk.screen == "keypad"


def test_the_qr_note_is_in_the_visitors_language(kiosk):
    kiosk.set_language("ar")
    kiosk.own_plot()
    kiosk.enter_corners(CORNERS)
    kiosk.finish_plot()
    assert translate("note.title", "ar") in kiosk.qr_text
    assert "\u2066" not in kiosk.qr_text  # no bidirectional marks for a phone to show
    assert kiosk.qr_text == note_summary(kiosk.result, kiosk.plan, "ar", kiosk.reference)


def test_the_keypad_keys_and_undo():
    pad = Keypad()
    for key in "370.5":
        pad.press(key)
    pad.press(".")  # a second point is ignored
    pad.press("del")
    assert pad.typed == "370."
    assert pad.confirm() and pad.x == 370.0 and pad.axis == "y"
    assert not pad.confirm()  # nothing typed: nothing taken
    pad.press("1")
    pad.undo()
    assert pad.typed == "" and pad.x == 370.0
    pad.undo()
    assert pad.x is None and pad.corners == []


def test_corners_typed_out_of_order_still_make_the_plot(kiosk):
    kiosk.own_plot()
    kiosk.enter_corners([CORNERS[0], CORNERS[2], CORNERS[1], CORNERS[3]])  # a bow tie
    kiosk.finish_plot()
    assert kiosk.result.plot_area_m2 == pytest.approx(3_200)


def test_a_tap_on_the_map_looks_the_point_up(kiosk):
    kiosk.own_plot()
    tap(kiosk.to_tap)
    assert kiosk.screen == "tap" and kiosk.map_box in kiosk.screens["tap"].children
    kiosk.map.click(*kiosk.map._to_lonlat.transform(X0 + 150, Y0 + 50))  # inside ZT
    assert kiosk.screen == "answer"
    assert [z.zone_code for z in kiosk.result.zones] == ["ZT"]
    assert kiosk.reference in kiosk.qr_text


def test_contact_shows_the_single_window_and_says_its_details_are_placeholders(kiosk):
    from terroffer.render._contacts import contacts

    tap(kiosk.choose_contact)
    assert kiosk.screen == "contact"
    desk = contacts()["single_window"]
    assert desk["hours"]["fr"] in kiosk.contact_panel.value
    assert desk["phone"] in kiosk.contact_panel.value
    assert desk["illustrative"]
    assert translate("note.contacts_illustrative", "fr") in kiosk.contact_panel.value.replace("&#x27;", "'")
    tap(kiosk.home)
    assert kiosk.screen == "start"


def test_idle_prompt_then_start_screen_with_every_input_forgotten(kiosk, clock):
    tap(kiosk.languages[0])  # Arabic, on a French kiosk
    tap(kiosk.choose_plot)
    type_corners(kiosk, CORNERS)
    tap(kiosk.keys["3"])
    assert {"corners", "typed", "lang", "history"} <= set(kiosk.inputs())
    clock.advance(89)
    assert kiosk.screen == "keypad"
    clock.advance(1)
    assert kiosk.screen == "idle" and "terroffer-kiosk-screen-idle" in shown(kiosk)
    clock.advance(MIN_PROMPT_S - 1)  # the prompt stays 20 s at least
    assert kiosk.screen == "idle"
    clock.advance(30 - MIN_PROMPT_S + 1)
    assert kiosk.screen == "start" and kiosk.lang == "fr"
    assert kiosk.inputs() == {}
    assert kiosk.keypad.corners == [] and kiosk.corners.value == ""
    assert kiosk.timer.phase == "off" and clock.pending == []


def test_idle_after_an_answer_forgets_the_plot_and_its_note(kiosk, clock):
    kiosk.own_plot()
    kiosk.enter_corners(CORNERS)
    kiosk.finish_plot()
    clock.advance(90 + 30)
    assert kiosk.screen == "start"
    assert kiosk.inputs() == {}
    assert kiosk.qr.value == kiosk.answer.value == kiosk.print_link.value == kiosk.pdf_link.value == ""


def test_every_touch_restarts_the_idle_time_and_the_prompt_can_be_answered(kiosk, clock):
    tap(kiosk.choose_invest)
    clock.advance(80)
    tap(kiosk.sector_buttons.children[0])
    clock.advance(80)
    assert kiosk.screen == "commune"
    kiosk.map.widget.zoom = kiosk.map.widget.zoom + 1  # a pinch on the map comes back as a zoom
    clock.advance(80)
    assert kiosk.screen == "commune"
    clock.advance(10)
    assert kiosk.screen == "idle"
    tap(kiosk.stay)
    assert kiosk.screen == "commune" and kiosk.sector is not None
    clock.advance(89)
    assert kiosk.screen == "commune"


def test_the_pages_activity_report_restarts_the_idle_time(kiosk, clock):
    """A scroll or a pinch sends no widget message: the page clicks the hidden activity button."""
    assert kiosk.activity in kiosk.widget.children and kiosk.activity.layout.display == "none"
    assert "terroffer-kiosk-activity" in classes(kiosk.activity)
    kiosk.activity.click()  # on the start screen: still no timer, nothing to forget
    assert clock.pending == []
    kiosk.invest()
    clock.advance(80)
    kiosk.activity.click()  # a visitor scrolling the sector list, 80 s after the last tap
    clock.advance(80)
    assert kiosk.screen == "sector"  # 160 s after the tap, 80 s after the scroll
    clock.advance(10)
    assert kiosk.screen == "idle"  # 90 s after the scroll
    kiosk.activity.click()  # the prompt wants an answer, not a scroll
    clock.advance(30)
    assert kiosk.screen == "start"


def test_no_timer_runs_on_the_start_screen(kiosk, clock):
    assert clock.pending == []
    tap(kiosk.languages[0])
    assert clock.pending == []
    clock.advance(10_000)
    assert kiosk.screen == "start" and kiosk.lang == "ar"


def test_settings_from_the_environment():
    assert KioskSettings.from_env({}) == KioskSettings(90, 30)
    assert KioskSettings.from_env({"TERROFFER_KIOSK_IDLE": "5", "TERROFFER_KIOSK_PROMPT": "2"}) == (
        KioskSettings(5, MIN_PROMPT_S)
    )
    assert KioskSettings.from_env({"TERROFFER_KIOSK_IDLE": "soon"}).idle_s == 90


def test_every_screen_is_reachable_and_has_a_way_back(kiosk, clock):
    seen = set()
    kiosk.invest()
    seen.add(kiosk.screen)
    kiosk.choose_sector("industry")
    seen.add(kiosk.screen)
    kiosk.choose_commune(None)
    seen.add(kiosk.screen)
    kiosk.select_result(int(kiosk.results.zone_id.iloc[0]))
    seen.add(kiosk.screen)
    kiosk.reset()
    kiosk.own_plot()
    seen.add(kiosk.screen)
    kiosk.tap_screen()
    seen.add(kiosk.screen)
    kiosk.tap(X0 + 30, Y0 + 20)
    seen.add(kiosk.screen)
    assert kiosk.bar.layout.display == "flex"
    kiosk.reset()
    kiosk.contact()
    seen.add(kiosk.screen)
    clock.advance(90)
    seen.add(kiosk.screen)
    assert seen | {"start"} == set(SCREENS)


def test_fifty_visitors_leave_no_widgets_behind(plan, clock):
    from ipywidgets.widgets.widget import _instances

    kiosk = Kiosk(plan, "fr", schedule=clock, tile_url=None)

    def visitor(k: int) -> None:
        kiosk.set_language("ar" if k % 2 else "fr")
        kiosk.invest()
        kiosk.choose_sector("industry")
        kiosk.choose_commune(None)
        kiosk.select_result(int(kiosk.results.zone_id.iloc[0]))
        kiosk.reset()
        kiosk.own_plot()
        kiosk.enter_corners(CORNERS)
        kiosk.finish_plot()
        clock.advance(200)

    visitor(0)
    before = len(_instances)
    for k in range(1, 50):
        visitor(k)
    assert len(_instances) == before


def test_an_invest_tap_and_a_language_switch_make_no_new_widgets(kiosk):
    """Every widget message is one more for the page to draw: the kiosk relabels, it does not rebuild."""
    from ipywidgets.widgets.widget import _instances

    kiosk.invest()
    kiosk.choose_sector("industry")
    sectors, communes = list(kiosk.sector_buttons.children), list(kiosk.commune_buttons.children)
    kiosk.choose_commune(None)
    listed = list(kiosk.result_buttons.children)
    made = len(_instances)
    kiosk.reset()
    kiosk.set_language("ar")
    kiosk.invest()
    kiosk.choose_sector("industry")
    kiosk.choose_commune("C1")
    assert list(kiosk.sector_buttons.children) == sectors and list(kiosk.commune_buttons.children) == communes
    assert [b.description for b in communes] == [translate("kiosk.all_communes", "ar"), "تمارة"]
    assert list(kiosk.result_buttons.children) == listed  # I1, the tiny plan's one industry zone
    assert "I1" in listed[0].description and "هكتار" in listed[0].description
    assert len(_instances) == made  # (the map's labels are made anew, and the old ones closed)


def test_serve_kiosk_and_the_kiosk_flag_serve_the_kiosk_notebook(monkeypatch, capsys):
    import terroffer.app.serve as serve_module
    from terroffer.cli import main
    from tests.browser import free_port

    served = []
    monkeypatch.setattr(serve_module, "serve", lambda notebook, **kw: served.append(notebook) or 0)
    port = str(free_port())
    for args in (["serve", "kiosk"], ["serve", "--kiosk"], ["dashboard", "explorer", "--kiosk"]):
        assert main([*args, "--port", port]) == 0
    assert [p.name for p in served] == ["kiosk.ipynb"] * 3


def test_the_kiosk_tab_is_not_culled_while_connected():
    from terroffer.app.serve import app_defaults, voila_command

    assert app_defaults("x/kiosk.ipynb", {}) == {"cull_connected": False}
    assert app_defaults("x/kiosk.ipynb", {"TERROFFER_CULL_CONNECTED": "1"}) == {}
    assert app_defaults("x/explorer.ipynb", {}) == {}
    assert "--MappingKernelManager.cull_connected=False" in voila_command("x/kiosk.ipynb", env={})
    assert "--MappingKernelManager.cull_connected=True" in voila_command("x/explorer.ipynb", env={})


def test_the_results_map_keeps_the_communes_zoom_after_the_pages_first_echo(kiosk, clock):
    from terroffer.app.map import view_for_bounds

    kiosk.invest()
    kiosk.choose_sector("industry")
    kiosk.choose_commune("C1")
    commune = kiosk.map.to_lonlat(kiosk.plan.communes.geometry.iloc[0])
    _, zoom = view_for_bounds(commune.bounds)
    assert kiosk.map.widget.zoom == min(zoom, 15)
    # a new map view sends its first state back, the whole plan's: the kiosk zooms again
    kiosk.map.widget.center, kiosk.map.widget.zoom = (0.0, 0.0), 8
    clock.advance(2)
    assert kiosk.map.widget.zoom == min(zoom, 15)
    assert list(kiosk.map.widget.center) != [0.0, 0.0]
