"""The dashboard as a user sees it: Voilà serving the notebook, opened in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import browser_page, require_chromium, screenshot_dir, voila

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_explorer_renders_offline_in_french_and_arabic(tmp_path):
    require_chromium()
    shots = screenshot_dir(tmp_path)
    with (
        voila(ROOT / "notebooks" / "explorer.ipynb", plan=SAMPLE) as url,
        browser_page(offline=True) as (page, outside),
    ):
        page.goto(url, timeout=120_000)
        page.get_by_text("Surface zonée par secteur").wait_for(timeout=120_000)
        page.locator("img.widget-image").first.wait_for(timeout=60_000)
        assert page.locator('[dir="ltr"].terroffer-overview').count() == 1
        assert page.get_by_text("Données illustratives").count() >= 1
        page.screenshot(path=str(shots / "dashboard-fr.png"), full_page=True)

        page.get_by_role("button", name="العربية").click()
        page.get_by_text("المساحة المنطّقة حسب القطاع").wait_for(timeout=60_000)
        rtl = page.locator('[dir="rtl"].terroffer-overview')
        assert rtl.count() == 1
        assert rtl.evaluate("el => getComputedStyle(el).direction") == "rtl"
        page.screenshot(path=str(shots / "dashboard-ar.png"), full_page=True)
        assert outside == [], f"requests left the machine: {outside[:5]}"
