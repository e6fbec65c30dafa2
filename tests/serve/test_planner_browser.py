"""The planner's workbook as a planner uses it: ``terroffer serve planner``, JupyterLab in headless Chromium.

The printed link opens the workbook; "Run All Cells" runs it in the page's kernel; the explorer's
map inside it draws the zone tiles the same JupyterLab cuts; the pack lands in the planner's folder.
No request leaves the machine. Screenshots go where ``TERROFFER_SCREENSHOTS`` says (else tmp).
"""

from __future__ import annotations

import re

import pytest

from tests.browser import browser_page, require_chromium, screenshot_dir
from tests.serve.test_planner_served import link, planner_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 300_000  # ms: the whole workbook, export pack included, on a loaded 2-core machine


def test_the_workbook_runs_in_jupyterlab_and_its_explorer_map_draws_the_zones(tmp_path):
    require_chromium()
    shots = screenshot_dir(tmp_path)
    statuses: list[int] = []
    with planner_server(tmp_path, "fr") as (_, port, said):
        url, _token = link(said, port)
        with browser_page(offline=True, viewport={"width": 1440, "height": 1000}) as (page, outside):
            page.on("response", lambda r: statuses.append(r.status) if "/terroffer/tiles/" in r.url else None)
            page.goto(url, timeout=WAIT)
            # the rendered heading (the markdown's source, hidden, says the same)
            page.locator("h1", has_text="Cahier du planificateur").wait_for(timeout=WAIT)
            page.screenshot(path=str(shots / "planner-1-opened.png"))
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
            page.get_by_text("Run All Cells", exact=True).click()
            # the last cell prints the pack's index page once everything before it ran
            done = page.locator(".jp-OutputArea-output", has_text=re.compile(r"pack/index\.html"))
            done.wait_for(timeout=WAIT)
            assert page.get_by_text("Traceback").count() == 0
            zone_map = page.locator(".terroffer-map").first
            zone_map.scroll_into_view_if_needed()
            zone_map.locator("canvas.leaflet-tile-loaded").first.wait_for(timeout=WAIT)
            page.screenshot(path=str(shots / "planner-2-explorer-map.png"))
            # the charts are shown as pictures in the notebook, not as "<Figure size ...>"
            chart = page.locator(".jp-RenderedImage img").first
            chart.scroll_into_view_if_needed()
            assert page.get_by_text("<Figure size").count() == 0
            page.screenshot(path=str(shots / "planner-3-chart.png"))
            assert not outside, outside
    assert statuses and set(statuses) <= {200, 204}, statuses
    pack = tmp_path / "planner" / "fr" / "pack"
    assert (pack / "index.html").is_file() and any((pack / "maps").glob("*.png"))
