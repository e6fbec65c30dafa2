"""The kiosk as a visitor uses it: ``terroffer serve kiosk`` in headless Chromium, touch on, taps only.

One server for the module (a start costs seconds), idle after 12 s so that the prompt comes
within a test. Every screen is photographed at 1920 x 1080 (the booth's landscape screen) and
1080 x 1920 (portrait), in French and Arabic, into ``TERROFFER_SCREENSHOTS`` (else tmp). No
request may leave the machine.

The plot typed on the keypad: a 20 m x 20 m square around (359747.25, 367210.55), a point of
zone D of Témara in the bundled sample (``terroffer lookup --xy 359747.25 367210.55``), so
its look-up names zone D and its area is 400 m².
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, browser_page, require_chromium, screenshot_dir
from tests.serve.conftest import Server, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 120_000
IDLE_S = 12
X, Y = 359747.25, 367210.55
CORNERS = [(X - 10, Y - 10), (X + 10, Y - 10), (X + 10, Y + 10), (X - 10, Y + 10)]
SIZES = [(1920, 1080), (1080, 1920)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "kiosk.md"
#: The booth's Chromium flags, as docs/kiosk.md gives them (the test checks the page says the same).
KIOSK_FLAGS = [
    "--kiosk",
    "--touch-events=enabled",
    "--overscroll-history-navigation=0",
    "--disable-pinch",
    "--disable-features=TouchpadOverscrollHistoryNavigation,Translate",
    "--noerrdialogs",
    "--disable-session-crashed-bubble",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def kiosk_server() -> Iterator[Server]:
    require_chromium()
    env = {"TERROFFER_POOL_SIZE": "2", "TERROFFER_KIOSK_IDLE": str(IDLE_S), "TERROFFER_KIOSK_PROMPT": "20"}
    running = start_server("kiosk", env=env)
    try:
        yield running
    finally:
        stop_server(running)


@contextmanager
def touch_page(width: int = 1920, height: int = 1080) -> Iterator[tuple[object, list[str]]]:
    """A touch-screen Chromium page; every request off the machine is blocked and recorded."""
    with browser_page(offline=True, viewport={"width": width, "height": height}, has_touch=True) as found:
        yield found


def screen(page, name: str):  # type: ignore[no-untyped-def]
    """Wait until screen ``name`` is the one shown; returns its locator."""
    found = page.locator(f".terroffer-kiosk-screen-{name}")
    found.wait_for(timeout=WAIT)
    return found


def photograph(page, shots: Path, lang: str, step: str) -> None:  # type: ignore[no-untyped-def]
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=str(shots / f"kiosk-{lang}-{width}x{height}-{step}.png"))
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})


def timed_tap(page, selector: str, answer: str, times: dict[str, float], path: str) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    page.tap(selector)
    page.locator(answer).first.wait_for(timeout=WAIT)
    times[path] = (time.perf_counter() - start) * 1000


def type_corners(page) -> None:  # type: ignore[no-untyped-def]
    for x, y in CORNERS:
        for value in (x, y):
            for key in f"{value:.2f}":
                page.tap(f".terroffer-kiosk-key-{'dot' if key == '.' else key}")
            page.tap(".terroffer-kiosk-confirm")


def decode_qr(page, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    if shutil.which("zbarimg") is None:
        pytest.skip("needs zbarimg to read the QR code (apt-get install zbar-tools)")
    image = tmp_path / "qr.png"
    page.locator(".terroffer-kiosk-qr svg").screenshot(path=str(image))
    done = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8").rstrip("\n")


def assert_targets(page, where: str) -> None:  # type: ignore[no-untyped-def]
    """Every button of ``where`` at least 48 x 48 px, and 8 px from its neighbours."""
    boxes = [b.bounding_box() for b in page.locator(f"{where} button").all()]
    boxes = [b for b in boxes if b]
    assert len(boxes) >= 6  # three languages, three choices
    for b in boxes:
        assert b["width"] >= 48 and b["height"] >= 48, b
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
            dy = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
            assert max(dx, dy) >= 7.5, (a, b)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_path_by_taps_alone(kiosk_server, tmp_path, lang):
    from terroffer import words
    from terroffer.reference import translate

    shots = screenshot_dir(tmp_path)
    times: dict[str, float] = {}
    with touch_page() as (page, outside):
        page.goto(kiosk_server.url + f"?lang={lang}", timeout=WAIT)
        start = page.locator(".terroffer-kiosk-start")
        start.wait_for(timeout=WAIT)
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.locator("html").get_attribute("lang") == lang
        assert start.locator(".terroffer-kiosk-invest").inner_text() == translate("kiosk.invest", lang)
        assert page.locator(".terroffer-kiosk-back").is_hidden()
        assert_targets(page, ".terroffer-kiosk-start")
        photograph(page, shots, lang, "1-start")

        # I want to invest: a sector, a commune, the zones on the map and their list, a zone's rules
        page.tap(".terroffer-kiosk-invest")
        screen(page, "sector")
        assert page.locator(".terroffer-kiosk-back").is_visible()
        photograph(page, shots, lang, "2-sector")
        page.tap(".terroffer-kiosk-sector-housing")
        screen(page, "commune")
        photograph(page, shots, lang, "3-commune")
        temara = "تمارة" if lang == "ar" else "Témara"
        timed_tap(
            page,
            f".terroffer-kiosk-commune-button:text-is('{temara}')",
            ".terroffer-kiosk-screen-results .terroffer-kiosk-result",
            times,
            "invest",
        )
        page.locator(".terroffer-kiosk-screen-results canvas.leaflet-tile-loaded").first.wait_for(
            timeout=WAIT
        )
        first = page.locator(".terroffer-kiosk-result").first
        assert temara in first.inner_text()
        photograph(page, shots, lang, "4-results")
        first.tap()
        screen(page, "zone").locator(".terroffer-rules h3").first.wait_for(timeout=WAIT)
        photograph(page, shots, lang, "5-zone")
        page.tap(".terroffer-kiosk-back")
        screen(page, "results")
        page.tap(".terroffer-kiosk-home")
        start.wait_for(timeout=WAIT)

        # I own a plot: four corners on the keypad, the look-up, its QR code and its PDF
        page.tap(".terroffer-kiosk-plot")
        screen(page, "keypad")
        type_corners(page)
        page.locator(".terroffer-kiosk-corners li:nth-child(4)").wait_for(timeout=WAIT)
        photograph(page, shots, lang, "6-keypad")
        timed_tap(page, ".terroffer-kiosk-finish", ".terroffer-kiosk-qr svg", times, "plot")
        answer = screen(page, "answer")
        text = answer.inner_text()
        assert "D" in answer.locator(".terroffer-lookup-result").first.inner_text()
        reference = page.locator(".terroffer-kiosk-qr p").last.inner_text().split()[-1].strip("\u2066\u2069")
        assert reference.startswith("TO-")
        decoded = decode_qr(page, tmp_path)
        assert reference in decoded and translate("note.title", lang) in decoded
        # the 20 m x 20 m square's 400 m², written as the note writes it, without bidirectional marks
        assert re.sub("[\u200e\u200f\u2066-\u2069]", "", words.area(400.0, lang)) in decoded
        assert (
            page.locator("a.terroffer-kiosk-pdf-link")
            .get_attribute("href")
            .startswith("data:application/pdf;base64,")
        )
        assert text
        photograph(page, shots, lang, "7-answer")

        # ... or a tap on the map
        page.tap(".terroffer-kiosk-back")
        screen(page, "keypad")
        page.tap(".terroffer-kiosk-to-map")
        tap_screen = screen(page, "tap")
        tap_screen.locator("canvas.leaflet-tile-loaded").first.wait_for(timeout=WAIT)
        photograph(page, shots, lang, "8-tap")
        box = tap_screen.locator(".terroffer-map").bounding_box()
        start_tap = time.perf_counter()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        screen(page, "answer").locator(".terroffer-kiosk-qr svg").wait_for(timeout=WAIT)
        times["map tap"] = (time.perf_counter() - start_tap) * 1000
        page.tap(".terroffer-kiosk-home")
        start.wait_for(timeout=WAIT)

        # contact the single window
        timed_tap(page, ".terroffer-kiosk-contact", ".terroffer-kiosk-screen-contact", times, "contact")
        assert "+212" in page.locator(".terroffer-kiosk-contact-panel").inner_text()
        photograph(page, shots, lang, "9-contact")

        # the prompt comes after the idle time; an answer keeps the visitor's screen
        screen(page, "idle").wait_for(timeout=(IDLE_S + 10) * 1000)
        page.locator(".terroffer-kiosk-back").wait_for(state="hidden", timeout=5_000)
        photograph(page, shots, lang, "10-idle")
        page.tap(".terroffer-kiosk-stay")
        screen(page, "contact")
        page.tap(".terroffer-kiosk-back")
        start.wait_for(timeout=WAIT)
        assert outside == []
    print(f"tap to answer ({lang}): " + ", ".join(f"{k} {v:.0f} ms" for k, v in times.items()))


def test_without_an_answer_the_start_screen_returns_with_every_input_gone(kiosk_server):
    with touch_page() as (page, outside):
        page.goto(kiosk_server.url + "?lang=fr", timeout=WAIT)
        page.locator(".terroffer-kiosk-start").wait_for(timeout=WAIT)
        page.tap(".terroffer-kiosk-lang-ar")
        page.wait_for_function("document.documentElement.dir === 'rtl'", timeout=WAIT)
        page.tap(".terroffer-kiosk-plot")
        screen(page, "keypad")
        for key in "3597":
            page.tap(f".terroffer-kiosk-key-{key}")
        page.tap(".terroffer-kiosk-confirm")
        for key in "36":
            page.tap(f".terroffer-kiosk-key-{key}")
        page.locator(".terroffer-kiosk-corners").wait_for(state="detached", timeout=WAIT)
        page.locator(".terroffer-kiosk-entry:text-is('36')").wait_for(timeout=WAIT)
        asked = time.monotonic()
        screen(page, "idle").wait_for(timeout=(IDLE_S + 10) * 1000)
        page.locator(".terroffer-kiosk-start").wait_for(timeout=60_000)
        gone = time.monotonic() - asked
        assert gone >= IDLE_S + 20 - 2  # the prompt stayed its 20 s
        # the kiosk's own language again, and nothing of the last visitor on the keypad
        page.wait_for_function("document.documentElement.dir === 'ltr'", timeout=WAIT)
        page.tap(".terroffer-kiosk-plot")
        screen(page, "keypad")
        assert page.locator(".terroffer-kiosk-entry").inner_text() == "…"
        assert page.locator(".terroffer-kiosk-corners li").count() == 0
        assert "Coin 1 : tapez X" in page.locator(".terroffer-kiosk-screen-keypad").inner_text()
        assert outside == []


def test_the_booths_chromium_command_line_opens_the_kiosk(kiosk_server, tmp_path):
    """The flags docs/kiosk.md gives are accepted by Debian's Chromium, and the page loads."""
    require_chromium()
    documented = DOCS.read_text(encoding="utf-8")
    for flag in KIOSK_FLAGS:
        assert flag in documented, flag
    shot = tmp_path / "booth.png"
    command = [
        CHROMIUM,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={tmp_path / 'profile'}",
        *KIOSK_FLAGS,
        "--window-size=1920,1080",
        "--virtual-time-budget=20000",
        f"--screenshot={shot}",
        "--dump-dom",
        kiosk_server.url + "?lang=ar",
    ]
    done = subprocess.run(command, capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    dom = done.stdout.decode("utf-8", "replace")
    assert 'lang="ar"' in dom and "terroffer" in dom


#: Stubs every frame's print(): records the document it was called on (Playwright runs init
#: scripts in every frame, the print frame's srcdoc included), instead of a print dialog.
PRINT_STUB = """
window.print = function () {
  var top = window.top;
  (top.__printed = top.__printed || []).push({
    framed: window !== top,
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    text: document.body ? document.body.innerText : "",
  });
};
"""


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_print_prints_the_note_itself(kiosk_server, tmp_path, lang):
    """Print prints the note's page from a frame, in the visitor's language; the PDF stays saveable."""
    from terroffer.reference import translate

    shots = screenshot_dir(tmp_path)
    with touch_page() as (page, outside):
        page.add_init_script(PRINT_STUB)
        page.goto(kiosk_server.url + f"?lang={lang}", timeout=WAIT)
        page.locator(".terroffer-kiosk-start").wait_for(timeout=WAIT)
        page.tap(".terroffer-kiosk-plot")
        screen(page, "keypad")
        type_corners(page)
        page.locator(".terroffer-kiosk-corners li:nth-child(4)").wait_for(timeout=WAIT)
        page.tap(".terroffer-kiosk-finish")
        answer = screen(page, "answer")
        reference = page.locator(".terroffer-kiosk-qr p").last.inner_text().split()[-1].strip("\u2066\u2069")
        printing = answer.locator("a.terroffer-kiosk-print-link")
        printing.wait_for(timeout=WAIT)
        assert printing.inner_text() == translate("kiosk.print", lang)
        box = printing.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48, box
        assert answer.locator("a.terroffer-kiosk-pdf-link").get_attribute("download").endswith(".pdf")
        photograph(page, shots, lang, "11-answer-print")
        printing.tap()
        page.wait_for_function("(window.__printed || []).length > 0", timeout=30_000)
        printed = page.evaluate("window.__printed")
        assert len(printed) == 1 and printed[0]["framed"]  # the note's frame, not the kiosk's page
        assert printed[0]["lang"] == lang and printed[0]["dir"] == ("rtl" if lang == "ar" else "ltr")
        text = printed[0]["text"]
        assert reference.startswith("TO-") and reference in text
        assert translate("note.title", lang) in text
        # the look-up's zone D of Témara, named in the printed note
        assert re.search(r"(?<![A-Za-z])D(?![A-Za-z])", text)
        assert ("تمارة" if lang == "ar" else "Témara") in text
        assert page.url.startswith(kiosk_server.url)  # the kiosk page stayed: nothing was downloaded
        assert outside == []


def test_scrolling_keeps_the_visitor_and_stopping_brings_the_prompt(kiosk_server):
    """Scrolls and wheels send no widget message: the page reports them, so no prompt while they last."""
    with touch_page(1080, 1920) as (page, outside):
        page.goto(kiosk_server.url + "?lang=fr", timeout=WAIT)
        page.locator(".terroffer-kiosk-start").wait_for(timeout=WAIT)
        page.tap(".terroffer-kiosk-invest")
        screen(page, "sector")
        page.tap(".terroffer-kiosk-sector-housing")
        screen(page, "commune")
        page.tap(".terroffer-kiosk-commune-all")
        screen(page, "results").locator(".terroffer-kiosk-result").first.wait_for(timeout=WAIT)
        page.locator(".terroffer-kiosk-result").first.tap()
        rules = screen(page, "zone")
        rules.locator(".terroffer-rules h3").first.wait_for(timeout=WAIT)
        # the last tap starts the idle time; scroll on, past twice the idle time, with no tap
        cdp = page.context.new_cdp_session(page)
        box = rules.bounding_box()
        x, y = 540, min(900, box["y"] + 200)
        started = time.monotonic()
        k = 0
        while time.monotonic() - started < 2 * IDLE_S + 4:
            if k % 2:
                page.mouse.move(x, y)
                page.mouse.wheel(0, 300 if k % 4 == 1 else -300)
            else:  # a finger's swipe, as the touch screen sends it
                cdp.send(
                    "Input.synthesizeScrollGesture",
                    {"x": x, "y": y, "yDistance": -200 if k % 4 == 0 else 200, "gestureSourceType": "touch"},
                )
            assert page.locator(".terroffer-kiosk-screen-idle").count() == 0, f"prompt after {k} scrolls"
            k += 1
            page.wait_for_timeout(700)
        assert page.locator(".terroffer-kiosk-screen-zone").is_visible()
        # hands off: the prompt comes once the idle time has passed since the last scroll
        stopped = time.monotonic()
        screen(page, "idle").wait_for(timeout=(IDLE_S + 15) * 1000)
        waited = time.monotonic() - stopped
        # the page reports at most every 3 s, and once more after the last scroll of a burst
        assert IDLE_S - 1 <= waited <= IDLE_S + 3 + 5, waited
        page.tap(".terroffer-kiosk-stay")
        screen(page, "zone")
        assert outside == []
