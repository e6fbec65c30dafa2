"""The interactive map as a visitor sees it: a saved page opened in headless Chromium, offline.

The page is served from ``tmp_path`` over a loopback HTTP server (``browser_page`` lets
loopback through and blocks and records everything else). Set ``TERROFFER_SCREENSHOTS``
to keep the screenshots (``map-fr.png``, ``map-ar.png``, ``map-plot-fr.png``).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from terroffer import load_plan
from terroffer._lookup import lookup
from terroffer.render.style import family_colour
from terroffer.render.webmap import save_map, zone_map
from tests.browser import browser_page, require_chromium, screenshot_dir

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"
TO_LATLON = Transformer.from_crs("EPSG:26191", "EPSG:4326", always_xy=True)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def plan():
    return load_plan(SAMPLE)


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on a free loopback port; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def map_name(html: str) -> str:
    return html.split(" = L.map(", 1)[0].rsplit("var ", 1)[1]


def open_map(page, url: str, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, timeout=60_000)
    page.locator(".leaflet-to-zones-pane canvas").wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # the fonts swap in


def canvas_colours(page, pane: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The distinct colours painted (mostly opaque) on a pane's canvas, as RGB rows."""
    seen = page.evaluate(
        """pane => {
        const c = document.querySelector('.leaflet-' + pane + '-pane canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 3) {
            if (d[i + 3] >= 200) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        }
        return [...seen];
    }""",
        pane,
    )
    rgb = np.array(seen, dtype=np.int64).reshape(-1, 1)
    return np.hstack([rgb >> 16, (rgb >> 8) & 255, rgb & 255])


def painted(colours: np.ndarray, hex_colour: str) -> bool:
    """True when ``hex_colour`` is among ``colours``, give or take the canvas's rounding."""
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return bool(len(colours)) and bool((np.abs(colours - target).max(axis=1) <= 3).any())


def inside_point(plan, family: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(lat, lon) of a point well inside the largest zone of ``family``."""
    zones = plan.zones[plan.zones["family"] == family]
    geom = zones.geometry.iloc[int(np.argmax(zones.area.to_numpy()))]
    circle = shapely.maximum_inscribed_circle(geom, 1.0)
    x, y = shapely.get_coordinates(circle)[0]
    lon, lat = TO_LATLON.transform(x, y)
    return lat, lon


def click_at(page, name: str, lat: float, lon: float) -> None:  # type: ignore[no-untyped-def]
    """Centre the map on (lat, lon) at zoom 16 and tap the centre, as a finger would."""
    page.evaluate(f"{name}.setView([{lat}, {lon}], 16, {{animate: false}})")
    page.wait_for_timeout(300)
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".leaflet-popup .to-popup").wait_for(timeout=10_000)
    page.wait_for_timeout(400)  # the popup fades in


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_map_works_offline_and_answers_a_tap(plan, tmp_path, lang):
    require_chromium()
    shots = screenshot_dir(tmp_path)
    path = save_map(zone_map(plan, lang=lang), tmp_path / f"map-{lang}.html")
    name = map_name(path.read_text(encoding="utf-8"))
    errors: list[str] = []
    with served(tmp_path) as base, browser_page(offline=True) as (page, outside):
        open_map(page, base + path.name, errors)

        canvas = page.locator(".leaflet-to-zones-pane canvas")
        size = canvas.evaluate("c => [c.width, c.height]")
        assert size[0] > 0 and size[1] > 0
        colours = canvas_colours(page, "to-zones")
        for family in ("villa", "tourism", "agriculture"):
            assert painted(colours, family_colour(family)), f"no {family} pixel on the zones canvas"
        assert page.locator(".to-banner").count() == 1
        legend = page.locator(".to-legend details")
        assert legend.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert legend.evaluate("el => getComputedStyle(el).direction") == ("rtl" if lang == "ar" else "ltr")
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
        page.screenshot(path=str(shots / f"map-{lang}.png"))
        # controls, scale bar and attribution in the page's language
        zoom_in = page.locator(".leaflet-control-zoom-in").get_attribute("title")
        toggle = page.locator(".leaflet-control-layers-toggle").get_attribute("title")
        scale = page.locator(".leaflet-control-scale-line").inner_text()
        attribution = page.locator(".leaflet-control-attribution").inner_text()
        if lang == "ar":
            assert zoom_in == "تكبير" and toggle == "الطبقات"
            assert scale.endswith(("\u00a0كلم", "\u00a0م")), scale
            assert "حدود الجماعات" in attribution and "Illustrative plan" not in attribution
        else:
            assert zoom_in == "Zoom avant" and toggle == "Couches"
            assert scale.endswith(("\u00a0km", "\u00a0m")), scale
            assert "Limites communales" in attribution and "Illustrative plan" not in attribution

        lat, lon = inside_point(plan, "villa")
        click_at(page, name, lat, lon)
        popup = page.locator(".leaflet-popup .to-popup")
        text = popup.inner_text()
        if lang == "ar":
            assert popup.get_attribute("dir") == "rtl"
            assert "المنطقة" in text and "الفيلات" in text and "الاستعمالات المسموح بها" in text
            assert "بدون قيمة قانونية" in text and "معطيات توضيحية" in text
        else:
            assert popup.get_attribute("dir") == "ltr"
            assert "Zone" in text and "Villas" in text and "Usages autorisés" in text
            assert "sans valeur légale" in text and "Données illustratives" in text
        page.screenshot(path=str(shots / f"map-{lang}-popup.png"))

        # Switching the zones off in the layer control removes their canvas.
        page.locator(".leaflet-control-layers").hover()
        page.locator(".leaflet-control-layers-overlays label").first.click()
        assert page.locator(".leaflet-to-zones-pane canvas").count() == 0

    assert errors == [], errors
    assert outside == [], f"requests left the machine: {outside[:5]}"


def test_map_zooms_to_a_looked_up_plot(plan, tmp_path):
    require_chromium()
    shots = screenshot_dir(tmp_path)
    lat, lon = inside_point(plan, "tourism")
    x, y = Transformer.from_crs("EPSG:4326", plan.crs, always_xy=True).transform(lon, lat)
    result = lookup(plan, shapely.box(x - 20, y - 15, x + 20, y + 15))
    path = save_map(zone_map(plan, highlight=result), tmp_path / "map-plot-fr.html")
    name = map_name(path.read_text(encoding="utf-8"))
    errors: list[str] = []
    with served(tmp_path) as base, browser_page(offline=True) as (page, outside):
        open_map(page, base + path.name, errors)
        assert page.evaluate(f"{name}.getZoom()") >= 16
        assert painted(canvas_colours(page, "to-highlight"), "#111111"), "no plot outline"
        # 40 m × 30 m = 1 200 m², thousands grouped by a narrow no-break space (terroffer.words)
        assert "Terrain étudié — Surface : 1\u202f200\u00a0m²" in page.locator(".to-plot-label").inner_text()
        assert painted(canvas_colours(page, "to-zones"), family_colour("tourism"))
        page.screenshot(path=str(shots / "map-plot-fr.png"))
    assert errors == [], errors
    assert outside == [], f"requests left the machine: {outside[:5]}"
