"""The served page in headless Chromium: ?lang=ar gives an Arabic RTL page; a closed tab frees its kernel."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser import browser_page, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def kernel_of(page) -> str:  # type: ignore[no-untyped-def]
    config = page.locator("#jupyter-config-data").first.text_content(timeout=120_000)
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', config or "")
    assert found, config
    return found.group(1)


def test_arabic_from_the_url_through_a_preheated_kernel(server):
    require_chromium()
    with browser_page(offline=True) as (page, outside):
        page.goto(server.url + "?lang=ar", timeout=120_000)
        # the app itself answers in Arabic: the kernel read ?lang= after wait_for_request()
        page.get_by_text("العرض حسب القطاع").wait_for(timeout=120_000)
        root = page.locator("html")
        assert root.get_attribute("lang") == "ar"
        assert root.get_attribute("dir") == "rtl"
        assert outside == [], f"requests left the machine: {outside[:5]}"


def test_the_loading_screen_speaks_arabic(server):
    require_chromium()
    with browser_page(offline=True) as (page, _):
        page.goto(server.url + "?lang=ar", wait_until="commit", timeout=120_000)
        text = page.locator("#loading_text")
        text.wait_for(state="attached", timeout=60_000)
        # the element is parsed a moment before the script after it writes its words
        page.wait_for_function(
            "() => (document.getElementById('loading_text') || {}).textContent", timeout=60_000
        )
        shown = text.text_content() or ""
        assert "جارٍ تحميل" in shown, shown
        assert "Running" not in shown and "Executing" not in shown


def test_a_closed_tab_gives_its_kernel_back(server):
    require_chromium()
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            # another tab stays open, as in a visitor's browser: closing a context's last page
            # tears the context down before the closing tab's beacon leaves
            context.new_page()
            page = context.new_page()
            page.goto(server.url, timeout=120_000)
            page.get_by_text("offre par secteur").wait_for(timeout=120_000)
            kernel = kernel_of(page)
            assert server.get(f"api/kernels/{kernel}")[0] == 200
            # the tab's beforeunload beacon asks Voilà to shut its kernel down, with the _xsrf
            # cookie's value: without that cookie Voilà answered 403 '_xsrf' argument missing
            page.close(run_before_unload=True)
            deadline = time.monotonic() + 30
            while server.get(f"api/kernels/{kernel}")[0] == 200 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert server.get(f"api/kernels/{kernel}")[0] == 404
        finally:
            browser.close()
