"""A visitor whose idle page lost its kernel is told so, in their language, and a tap reloads it."""

from __future__ import annotations

import pytest

from tests.browser import browser_page, require_chromium
from tests.serve.conftest import start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_culled_page_says_so_and_reloads_on_a_tap(tmp_path):
    require_chromium()
    from terroffer.reference import translate

    env = {"TERROFFER_POOL_SIZE": "0", "TERROFFER_CULL_IDLE_TIMEOUT": "5", "TERROFFER_CULL_INTERVAL": "1"}
    server = start_server(cwd=tmp_path, env=env)
    try:
        with browser_page(offline=True) as (page, outside):
            page.goto(server.url + "?lang=ar", timeout=180_000)
            page.locator(".terroffer-app").wait_for(timeout=180_000)
            notice = page.locator("#terroffer-culled")
            notice.wait_for(state="visible", timeout=90_000)
            assert notice.inner_text().strip().startswith(translate("serve.culled", "ar"))
            with page.expect_navigation(timeout=180_000):
                notice.click()
            page.locator(".terroffer-app").wait_for(timeout=180_000)
            assert page.locator("html").get_attribute("dir") == "rtl"  # still the visitor's language
            assert not page.locator("#terroffer-culled").is_visible()
            assert outside == []
    finally:
        stop_server(server)
