"""How heavy and how fast ``zone_map`` is, against the plain folium map of the same data.

The baseline is what anyone would write without terroffer::

    m = folium.Map()
    folium.GeoJson(zones.to_crs(4326)).add_to(m)
    html = m.get_root().render()

``zone_map`` draws more (reservations, communes, legend, popups with the rules) and inlines
every script, style sheet and font, yet its page must stay light: targets are a bundled
sample page under 3 MB built in under 1 s, and a 100,000-zone page under 15 MB built in
under 5 s. Both maps are built in the same run, interleaved, after one untimed warm-up of
each. A second baseline adds the reservations and communes as two more GeoJson layers, so
that the comparison covers the same data.

With ``--browser``, both pages are also opened in headless Chromium (Debian's), offline:
time to the first drawn frame, one zoom step and one pan, each until the next frame. The
baseline page asks for Leaflet on a CDN: the benchmark answers those requests with the
vendored copy, so that it can be drawn at all.

Usage::

    python benchmarks/bench_map.py                       # sample and 100,000 synthetic zones
    python benchmarks/bench_map.py --zones 20000 --repeat 3
    python benchmarks/bench_map.py --browser             # also time the pages in Chromium
    python benchmarks/bench_map.py --profile             # cProfile of zone_map, top 25

The synthetic GeoPackage is made by ``benchmarks/synthetic.py`` and cached in
``benchmarks/.cache/`` (regenerated when the generator is newer than the file).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import folium

import terroffer
from terroffer import zone_map

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_load import profile_call, synthetic_file  # noqa: E402

SAMPLE = HERE.parent / "data" / "zoning" / "skhirat-temara.gpkg"
VENDOR = HERE.parent / "terroffer" / "render" / "vendor"
#: (size in MB, build time in s) that each page must stay under.
TARGETS = {"sample": (3.0, 1.0), "large": (15.0, 5.0)}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def baseline(plan: terroffer.Plan) -> str:
    """The plain folium map of the zones."""
    m = folium.Map()
    folium.GeoJson(plan.zones.to_crs(4326)).add_to(m)
    return m.get_root().render()


def baseline_all(plan: terroffer.Plan) -> str:
    """The plain folium map of zones, reservations and communes (the data zone_map draws).

    Dates become text first: folium cannot write a Timestamp (the naive call fails).
    """
    m = folium.Map()
    for frame in (plan.zones, plan.reservations, plan.communes):
        dates = frame.select_dtypes(include=["datetime", "datetimetz"]).columns
        frame = frame.assign(**{c: frame[c].astype(str) for c in dates})
        folium.GeoJson(frame.to_crs(4326)).add_to(m)
    return m.get_root().render()


def ours(plan: terroffer.Plan) -> str:
    """Terroffer's map, rendered to its page."""
    return zone_map(plan).get_root().render()


CASES: dict[str, Callable[[terroffer.Plan], str]] = {
    "folium.GeoJson(zones)": baseline,
    "folium.GeoJson(3 layers)": baseline_all,
    "zone_map": ours,
}


def interleaved(plan: terroffer.Plan, repeat: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Wall-clock times of each case, ``repeat`` times, alternating, after one warm-up each.

    As ``timeit`` does, the garbage collector is run before each timed call and kept off
    during it, so that one case does not pay for the garbage of another (the baseline's
    pages of 100+ MB).
    """
    pages = {name: fn(plan) for name, fn in CASES.items()}
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(repeat):
        for name, fn in CASES.items():
            gc.collect()
            gc.disable()
            try:
                t0 = time.perf_counter()
                fn(plan)
                times[name].append(time.perf_counter() - t0)
            finally:
                gc.enable()
    return times, pages


def report(
    title: str, plan: terroffer.Plan, target: str, times: dict[str, list[float]], pages: dict[str, str]
) -> None:
    """Print size, best and median time of each case, the ratios, and the verdict on the targets."""
    print(f"\n{title}: {plan!r}")
    print(f"  {'':<28}{'size':>10}{'best':>10}{'median':>10}")
    sizes = {name: len(page.encode("utf-8")) / 1e6 for name, page in pages.items()}
    for name, values in times.items():
        print(f"  {name:<28}{sizes[name]:>8.2f}MB{min(values):>9.3f}s{statistics.median(values):>9.3f}s")
    for base in ("folium.GeoJson(zones)", "folium.GeoJson(3 layers)"):
        print(
            f"  zone_map / {base}: size {sizes['zone_map'] / sizes[base]:.2f}x, "
            f"time {min(times['zone_map']) / min(times[base]):.2f}x (best)"
        )
    max_mb, max_s = TARGETS[target]
    size_ok = sizes["zone_map"] < max_mb
    time_ok = min(times["zone_map"]) < max_s
    print(
        f"  targets: size < {max_mb:g} MB {'OK' if size_ok else 'MISSED'}, "
        f"build < {max_s:g} s {'OK' if time_ok else 'MISSED'} (best of {len(times['zone_map'])})"
    )


# ----------------------------------------------------------------------------- browser


def _vendored(route) -> None:  # type: ignore[no-untyped-def]
    """Answer the baseline's CDN requests for Leaflet with the vendored copy; drop the rest."""
    url = route.request.url
    if url.startswith("file:"):
        route.continue_()
    elif url.endswith("/leaflet.js"):
        route.fulfill(path=str(VENDOR / "leaflet" / "leaflet.js"), content_type="application/javascript")
    elif url.endswith("/leaflet.css"):
        route.fulfill(path=str(VENDOR / "leaflet" / "leaflet.css"), content_type="text/css")
    else:
        route.abort()


FRAME = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def browser_times(pages: dict[str, str], timeout_s: float) -> None:
    """Time each page in headless Chromium: first frame, one zoom step, one pan."""
    from playwright.sync_api import Error, sync_playwright

    print(f"  in Chromium (offline, 1280x900, no GPU; timeout {timeout_s:g} s):")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, html in pages.items():
            path = Path(folder) / "page.html"
            path.write_text(html, encoding="utf-8")
            map_var = html.split(" = L.map(", 1)[0].rsplit("var ", 1)[1]
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(timeout_s * 1000)
            page.route("**/*", _vendored)
            try:
                t0 = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                page.evaluate(FRAME)
                first = time.perf_counter() - t0
                step = []
                for action in (
                    f"{map_var}.setZoom({map_var}.getZoom() + 1, {{animate: false}})",
                    f"{map_var}.panBy([300, 200], {{animate: false}})",
                ):
                    t0 = time.perf_counter()
                    page.evaluate(
                        f"new Promise(r => {{ {map_var}.once('moveend',"
                        f" () => requestAnimationFrame(() => r())); {action}; }})"
                    )
                    step.append(time.perf_counter() - t0)
                print(
                    f"    {name:<26} first frame {first:6.2f} s, zoom {step[0]:6.3f} s, pan {step[1]:6.3f} s"
                )
            except Error as exc:
                print(f"    {name:<26} did not finish: {str(exc).splitlines()[0]}")
            finally:
                page.close()
        browser.close()


def profile(plan: terroffer.Plan, top: int = 25) -> None:
    """Profile one ``zone_map``."""
    profile_call(lambda: ours(plan), "zone_map", top)


def main(argv: list[str] | None = None) -> int:
    """Command line: size and time both maps on the bundled sample and a synthetic plan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=100_000, help="synthetic plan size (100000)")
    parser.add_argument("--seed", type=int, default=42, help="synthetic plan seed (42)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each map (3)")
    parser.add_argument("--browser", action="store_true", help="also time the pages in headless Chromium")
    parser.add_argument("--timeout", type=float, default=180.0, help="browser timeout per page, s (180)")
    parser.add_argument("--profile", action="store_true", help="also profile zone_map with cProfile")
    args = parser.parse_args(argv)

    print(
        f"terroffer {terroffer.__version__}, folium {folium.__version__}; "
        f"{args.repeat} interleaved runs after a warm-up"
    )
    large = terroffer.load_plan(synthetic_file(args.zones, args.seed))
    for title, plan, target in (
        ("bundled sample", terroffer.load_plan(SAMPLE), "sample"),
        (f"synthetic, {args.zones:,} zones", large, "large"),
    ):
        times, pages = interleaved(plan, args.repeat)
        report(title, plan, target, times, pages)
        if args.browser:
            browser_times(pages, args.timeout)
    if args.profile:
        profile(large)
    return 0


if __name__ == "__main__":
    sys.exit(main())
