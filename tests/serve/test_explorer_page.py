"""The explorer as a visitor uses it: served by ``terroffer serve``, driven in headless Chromium.

Each step is photographed at 1280 × 800 and 390 × 844, in French and Arabic, into the folder
``TERROFFER_SCREENSHOTS`` names (else the test's tmp folder). No request may leave the machine.

The known point (359747.25, 367210.55) lies in zone D of Témara's plan in the bundled sample
(``terroffer lookup --xy 359747.25 367210.55`` says so).
"""

from __future__ import annotations

import subprocess

import pytest

from tests.browser import browser_page, require_chromium, screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

POINT = "359747.25 367210.55"
WAIT = 120_000


def wait_for_map(page) -> None:  # type: ignore[no-untyped-def]
    # The fourth visit in a row may find the pool empty and wait for a kernel to start: on a
    # loaded 2-core machine that alone has taken over two minutes.
    page.locator(".terroffer-app").wait_for(timeout=3 * WAIT)
    # the zone tiles, cut by the serve process, drawn by the page
    page.locator(".terroffer-map canvas.leaflet-tile-loaded").first.wait_for(timeout=WAIT)


def no_error_output(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.get_by_text("Traceback").count() == 0


def count_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(".terroffer-count").inner_text(timeout=WAIT)


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_explorer_end_to_end(server, tmp_path, width, height, lang):
    require_chromium()
    from terroffer.reference import translate
    from terroffer.render.style import sector_name
    from terroffer.words import isolate

    other = "ar" if lang == "fr" else "fr"
    shots = screenshot_dir(tmp_path)
    size = f"{width}x{height}-{lang}"
    with browser_page(offline=True, viewport={"width": width, "height": height}) as (page, outside):
        page.goto(server.url + f"?lang={lang}", timeout=WAIT)
        wait_for_map(page)
        no_error_output(page)
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.locator(".terroffer-banner").count() == 1
        page.screenshot(path=str(shots / f"explorer-{size}-1-start.png"))

        # a filter change changes the result count (and the tiles' URL: the map redraws)
        before = count_text(page)
        page.locator(".terroffer-filter-sector select").select_option(label=sector_name("tourism", lang))
        page.wait_for_function(
            "before => document.querySelector('.terroffer-count').innerText !== before",
            arg=before,
            timeout=WAIT,
        )
        page.locator(".terroffer-map canvas.leaflet-tile-loaded").first.wait_for(timeout=WAIT)
        page.screenshot(path=str(shots / f"explorer-{size}-2-filter.png"))
        page.locator(".terroffer-filter-sector select").select_option(index=0)

        # typed coordinates: a look-up, the map centred on the point, a note to download
        page.locator(".terroffer-lookup-coords input").fill(POINT)
        page.locator(".terroffer-lookup-go").click()
        result = page.locator(".terroffer-lookup-result .terroffer-panel")
        result.wait_for(timeout=WAIT)
        link = page.locator("a.terroffer-download-pdf-link")
        link.wait_for(timeout=WAIT)
        assert link.inner_text() == translate("explorer.download_pdf", lang)
        with page.expect_download(timeout=WAIT) as info:
            link.click()
        pdf = tmp_path / f"note-{size}.pdf"
        info.value.save_as(str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False
        ).stdout
        if text:  # poppler-utils is there in CI; a user's clone may lack it
            assert "D" in text and ("Témara" in text or "تمارة" in text)
        # Voilà scrolls inside the page, not the document: show the part a step is about
        result.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"explorer-{size}-3-lookup.png"))

        # a tap on the map where the look-up centred it: zone D's rules
        page.locator(".terroffer-map").scroll_into_view_if_needed()
        box = page.locator(".terroffer-map").bounding_box()
        assert box
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        rules = page.locator(".widget-html.terroffer-rules")
        heading = translate("map.zone_heading", lang, code=isolate("D", lang))  # as the panel writes it
        page.wait_for_function(
            "h => document.querySelector('.terroffer-rules').innerText.includes(h)", arg=heading, timeout=WAIT
        )
        assert translate("term.cos_short", lang) in rules.inner_text()
        rules.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"explorer-{size}-4-rules.png"))

        # the other language: the whole page turns, the labels follow, the answers stay
        names = {"ar": "العربية", "fr": "Français"}
        page.locator(".terroffer-lang button", has_text=names[other]).click()
        direction = "rtl" if other == "ar" else "ltr"
        page.wait_for_function(f"() => document.documentElement.dir === '{direction}'", timeout=WAIT)
        assert page.locator("html").get_attribute("lang") == other
        page.get_by_text(translate("explorer.offer_heading", other)).wait_for(timeout=WAIT)
        page.locator(f".widget-html.terroffer-rules [dir='{direction}']").first.wait_for(timeout=WAIT)
        # Leaflet keeps its own left-to-right layout inside a right-to-left page
        assert page.locator(".terroffer-map").evaluate("el => getComputedStyle(el).direction") == "ltr"
        rules.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"explorer-{size}-5-{other}.png"))
        if width < 600:  # a phone: nothing wider than the screen
            assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width + 1
        no_error_output(page)
        assert outside == [], f"requests left the machine: {outside[:5]}"


def test_explorer_opens_in_arabic_from_the_url(server, tmp_path):
    require_chromium()
    shots = screenshot_dir(tmp_path)
    with browser_page(offline=True, viewport={"width": 1280, "height": 800}) as (page, outside):
        page.goto(server.url + "?lang=ar", timeout=WAIT)
        wait_for_map(page)
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.get_by_text("ماذا يمكنني أن أبني هنا؟").wait_for(timeout=WAIT)
        page.screenshot(path=str(shots / "explorer-1280x800-ar-1-start.png"))
        assert outside == []
