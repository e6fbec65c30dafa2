"""How fast the explorer dashboard answers and how much memory it holds, against the old overview page.

Headless Chromium (Debian's, offline: every request off the machine is refused) drives
``terroffer serve`` started by this script, on the bundled sample and on a 100,000-zone
synthetic plan, and prints, measured in the same run:

- the time until the explorer's map is drawn (``.terroffer-app`` visible and the first zone
  tile canvas loaded), from a cold kernel (``TERROFFER_POOL_SIZE=0``: the visit starts the
  kernel, which loads the plan) and from a preheated one (pool of 1, filled before each
  visit), in a fresh browser and in the browser of a visitor who comes back (scripts in its
  HTTP cache), with the page's stages (page received, first widget, first tile asked,
  received, drawn) and the size of the front-end's scripts; targets < 4 s cold, < 1.5 s
  preheated. The baseline is the OLD overview page
  (``benchmarks/baseline/overview.ipynb``: a plan list, a sector table and a PNG), served
  the same two ways and timed until its content (text and picture) shows. Beside them, Voilà's
  floor (``benchmarks/baseline/floor.ipynb``, one HTML widget), the least any page Voilà
  serves takes on this machine: the explorer's own cost is its time minus the floor's;
- a filter change until the map is redrawn (new zone tiles loaded) and the count changed
  (< 500 ms); a tap at the map's centre, after a typed look-up centred the map, until the
  rules panel shows (< 300 ms); a typed look-up until its PDF link is present (< 1 s). These
  are timed in the page's own clock, from the input event's timestamp to the frame where the
  answer is in the document (no Playwright round trip in the figure);
- the kernel's side in a fresh interpreter: ``load_plan``, ``warm_up``, ``Explorer(plan)`` and
  the same three answers on :class:`terroffer.app.explorer.Explorer` (no browser, no
  websocket), so that a slow answer can be split into kernel and browser, with the resident
  memory after each step (where a kernel's megabytes go);
- resident memory (``VmRSS``) of one explorer kernel (< 300 MB), of the serve process (which
  holds its own copy of the plan and the tile cache), and the kernels' total after 20 visits
  whose tabs were closed, polled until only the pool is left (how long that took);
- the kiosk (``terroffer serve kiosk``, touch on, 1920 x 1080): tap to answer for each path
  (invest, typed plot, map tap, contact) in French and in Arabic (< 500 ms), in the page's
  clock; the kernel's memory over 50 visitors in a row on one tab (it must not grow), both
  on a server whose idle time is 600 s (the "still there?" prompt must not take the screen
  between two taps of a loaded machine); then the idle reset (prompt, then a clean start
  screen in the kiosk's own language) on a second server, idle after 10 s.

A kernel counts as ready in the pool when it uses no CPU for a second: Voilà says "filled"
when the kernel has started, not when it has run the notebook up to ``wait_for_request()``.

Usage::

    .venv/bin/python benchmarks/bench_dashboard.py            # sample and 100,000 zones
    .venv/bin/python benchmarks/bench_dashboard.py --quick    # sample only, fewer repeats
    .venv/bin/python benchmarks/bench_dashboard.py --visits 10 --large-visits 3
    .venv/bin/python benchmarks/bench_dashboard.py --kiosk-only   # the kiosk alone (8-25 min)
    .venv/bin/python benchmarks/bench_dashboard.py --no-kiosk     # the explorer alone

How long it runs is set by kernel starts, not by the timings: every preheated visit waits
for the pool to be refilled first (on a 2-core machine about 9 s per kernel on the sample,
36 s on 100,000 zones), and the 20 visits in a row are 20 kernel starts. ``--quick`` takes
about 4 minutes; the full run 15-19 minutes (``--visits 5`` saves about 4 of them), and the
kiosk 8-25 more: its 50 visitors are some 1,500 taps, each a Playwright round trip, slow on a
loaded machine (``--kiosk-visitors 10`` saves most of it). Progress goes to stderr, the table
to stdout.

Not a test: nothing here asserts a time. The synthetic plan is cached as bench_load.py does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_load import synthetic_file  # noqa: E402

SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"
BASELINE = HERE / "baseline" / "overview.ipynb"
#: Voilà's own floor: a page of one HTML widget (what no dashboard served by Voilà can beat).
FLOOR = HERE / "baseline" / "floor.ipynb"
# The browser the tests drive, with the same flags (this machine's closed network wants them).
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

#: ``terroffer serve`` as a user types it, whatever the console script's place
TERROFFER = [sys.executable, "-c", "import sys; from terroffer.cli import main; sys.exit(main())"]
#: A known point of the sample: zone D of Témara's plan (``terroffer lookup --xy`` says so).
SAMPLE_POINT = (359747.25, 367210.55)
#: seconds, what each figure must stay under
TARGETS = {
    "cold": 4.0,
    "preheated": 1.5,
    "filter": 0.5,
    "click": 0.3,
    "lookup": 1.0,
    "kernel_mb": 300.0,
    "kiosk": 0.5,
}
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE_KB = os.sysconf("SC_PAGE_SIZE") / 1024

# What the page shows when it is ready (both read the live document; a rAF poll checks them).
EXPLORER_DRAWN = """() => {
  const app = document.querySelector('.terroffer-app');
  return !!app && app.getBoundingClientRect().height > 0
    && !!document.querySelector('.terroffer-map canvas.leaflet-tile-loaded');
}"""
FLOOR_DRAWN = """() => {
  const floor = document.querySelector('.terroffer-floor');
  return !!floor && floor.getBoundingClientRect().height > 0;
}"""
OVERVIEW_DRAWN = """() => {
  const text = document.querySelector('.terroffer-overview');
  const img = document.querySelector('.jupyter-widgets img, .widget-image');
  return !!text && text.getBoundingClientRect().height > 0
    && !!img && img.complete && img.naturalWidth > 0;
}"""
# Marks what is on the screen now, and notes the time of the next input event, so that an
# answer is timed in the page's clock from the event to the first frame that shows it.
ARM = """(selector) => {
  for (const el of document.querySelectorAll(selector)) el.setAttribute('data-bench-old', '');
  window.__benchStart = null;
  if (!window.__benchHooked) {
    window.__benchHooked = true;
    for (const type of ['pointerdown', 'change']) {
      document.addEventListener(type, (e) => {
        if (window.__benchStart === null) window.__benchStart = e.timeStamp;
      }, true);
    }
  }
}"""
FILTER_DONE = """(before) => {
  const count = document.querySelector('.terroffer-count');
  if (!count || count.innerText === before) return false;
  const tiles = [...document.querySelectorAll('.terroffer-map canvas.leaflet-tile')];
  const fresh = tiles.filter(t => !t.hasAttribute('data-bench-old'));
  if (!fresh.length || fresh.some(t => !t.classList.contains('leaflet-tile-loaded'))) return false;
  return performance.now() - window.__benchStart;
}"""
LINK_DONE = """() => {
  const link = document.querySelector('a.terroffer-download-pdf-link:not([data-bench-old])');
  return !!link && !!link.getAttribute('href') && performance.now() - window.__benchStart;
}"""
# Installed before the page's own scripts: the moments the page reaches each stage, in its clock.
MILESTONES = """(() => {
  const marks = window.__benchMarks = {};
  const seen = (name, selector) => {
    if (marks[name] === undefined && document.querySelector(selector)) marks[name] = performance.now();
  };
  new MutationObserver(() => {
    seen('first widget', '.jupyter-widgets');
    seen('map widget', '.terroffer-map.leaflet-container, .terroffer-map .leaflet-container');
    seen('app shown', '.terroffer-app');
    seen('first zone tile drawn', '.terroffer-map canvas.leaflet-tile-loaded');
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
})()"""
#: Read once the page is drawn: the server's answer, the scripts and the first tile's request.
TIMELINE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const scripts = res.filter(r => r.initiatorType === 'script' || /\\.js(\\?|$)/.test(r.name));
  const tiles = res.filter(r => r.name.includes('/terroffer/tiles/'))
    .sort((a, b) => a.startTime - b.startTime);
  const out = {'page first byte': nav.responseStart, 'page received': nav.responseEnd,
    'scripts': scripts.length, 'script MB': scripts.reduce((n, r) => n + r.decodedBodySize, 0) / 1e6,
    'script MB over the wire': scripts.reduce((n, r) => n + r.transferSize, 0) / 1e6};
  if (scripts.length) out['scripts loaded'] = Math.max(...scripts.map(r => r.responseEnd));
  if (tiles.length) {
    out['first tile asked'] = tiles[0].startTime;
    out['first tile received'] = tiles[0].responseEnd;
  }
  return Object.assign(out, window.__benchMarks || {});
}"""
#: The map has stopped moving and drawn its tiles.
MAP_SETTLED = """() => {
  const map = document.querySelector('.terroffer-map');
  if (!map || map.querySelector('.leaflet-zoom-anim')) return false;
  const tiles = [...map.querySelectorAll('canvas.leaflet-tile')];
  return tiles.every(t => t.classList.contains('leaflet-tile-loaded'));
}"""
#: The rules widget's content is replaced as a whole: its children are the marked old panel.
RULES_PANEL = ".terroffer-rules .widget-html-content > *"
RULES_DONE = """(code) => {
  const rules = document.querySelector('.terroffer-rules .widget-html-content');
  if (!rules || !rules.firstElementChild || rules.querySelector(':scope > [data-bench-old]')) return false;
  const shown = new RegExp('\\\\b' + code + '\\\\b').test(rules.innerText);
  return shown && performance.now() - window.__benchStart;
}"""


# ----------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """``VmRSS`` of ``pid`` in MB (0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) / 1024 if found else 0.0


def cpu_s(pid: int) -> float:
    """User and system CPU time of ``pid`` in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Served:
    """A running ``terroffer serve`` started by this script."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        """The server's address."""
        return f"http://127.0.0.1:{self.port}/"

    def kernels(self) -> dict[str, int]:
        """``{kernel id: pid}`` of the server's kernels (its child processes running ipykernel)."""
        found: dict[str, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if int(stat[1]) != self.proc.pid or not any(b"ipykernel" in part for part in cmd):
                continue
            name = next((p.decode() for p in cmd if b"kernel-" in p and p.endswith(b".json")), "")
            kernel = re.search(r"kernel-([0-9a-f-]{36})\.json", name)
            found[kernel.group(1) if kernel else entry.name] = int(entry.name)
        return found

    def kernels_rss_mb(self) -> float:
        """The total resident memory of the server's kernels, in MB."""
        return sum(rss_mb(pid) for pid in self.kernels().values())

    def wait_pool(self, size: int, timeout: float = 300.0, quiet: float = 1.0) -> float:
        """Seconds until exactly ``size`` kernels run and none used CPU for ``quiet`` seconds."""
        t0 = time.perf_counter()
        deadline = t0 + timeout
        last: dict[int, float] = {}
        still_since = time.perf_counter()
        while time.perf_counter() < deadline:
            pids = list(self.kernels().values())
            now = {pid: cpu_s(pid) for pid in pids}
            moved = len(pids) != size or any(abs(now[p] - last.get(p, -1.0)) > 0.02 for p in pids)
            if moved:
                still_since = time.perf_counter()
            elif time.perf_counter() - still_since >= quiet:
                return still_since - t0
            last = now
            time.sleep(0.1)
        raise TimeoutError(f"the pool did not settle at {size} kernel(s) in {timeout:g} s ({self.log})")


@contextmanager
def served(
    notebook: Path, plan: Path, pool: int, log_dir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Served]:
    """``terroffer serve NOTEBOOK --plan PLAN`` with ``TERROFFER_POOL_SIZE=pool``, started in its folder.

    In the notebook's own folder: the baseline notebook imports ``overview`` from there.
    ``extra_env`` is added to the server's environment (the kiosk's idle time).
    """
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "TERROFFER_LANG"}
    env["TERROFFER_POOL_SIZE"] = str(pool)
    env.update(extra_env or {})
    log = log_dir / f"{notebook.stem}-pool{pool}-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*TERROFFER, "serve", str(notebook), "--plan", str(plan), "--port", str(port)],
            env=env,
            cwd=notebook.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Served(proc, port, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"terroffer serve exited with {proc.returncode}; see {log}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"terroffer serve does not listen after 120 s; see {log}")
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ----------------------------------------------------------------------------- browser


@dataclass
class Browser:
    """One headless Chromium for the whole run; pages that ask for another host are refused."""

    browser: Any
    outside: list[str] = field(default_factory=list)
    #: the last visit's stages, ms since navigation start (:data:`TIMELINE`)
    timeline: dict[str, float] = field(default_factory=dict)

    def _guard(self, route: Any) -> None:
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    @contextmanager
    def visit(
        self, url: str, ready: str, timeout_s: float, context: Any = None
    ) -> Iterator[tuple[Any, float, str]]:
        """Open ``url`` in a fresh browser context; yields the page, the seconds until ``ready``, its kernel.

        With ``context`` (from :meth:`new_context`), in that one: its HTTP cache holds what an
        earlier visit loaded, as for a visitor who comes back. On leaving, the tab is closed as a
        visitor closes it (its ``beforeunload`` beacon asks Voilà to shut the kernel down);
        another tab of the context stays open meanwhile, since closing a context's last page
        tears it down before the beacon leaves.
        """
        own = context is None
        context = context or self.new_context()
        if own:
            context.new_page()  # the tab that stays open
        page = context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        try:
            t0 = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.wait_for_function(ready, polling="raf")
            seconds = time.perf_counter() - t0
            self.timeline = page.evaluate(TIMELINE)
            config = page.locator("#jupyter-config-data").first.text_content() or ""
            found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', config)
            yield page, seconds, found.group(1) if found else ""
        finally:
            page.close(run_before_unload=True)
            # the beacon leaves after the close returns: a context closed at once would drop it
            time.sleep(0.5)
            if own:
                context.close()

    def new_context(self, cache: bool = False, **options: Any) -> Any:
        """A browser context of its own, offline, with the page-stage recorder.

        Playwright turns the HTTP cache off in a context whose requests it routes; with
        ``cache`` the requests that leave the machine are only recorded, not refused, so that
        the cache works as in a visitor's browser. ``options`` go to Playwright's
        ``new_context`` (the kiosk's booth screen and touch).
        """
        options = {"viewport": {"width": 1280, "height": 900}, "accept_downloads": True, **options}
        context = self.browser.new_context(**options)
        if cache:
            context.on("request", lambda request: self._record(request.url))
        else:
            context.route("**/*", self._guard)
        context.add_init_script(MILESTONES)
        return context

    def _record(self, url: str) -> None:
        local = urlparse(url).hostname in ("127.0.0.1", "localhost")
        if not (local or url.startswith(("data:", "blob:"))):
            self.outside.append(url)


def answer_ms(
    page: Any, mark: str, act: Callable[[], None], done: str, arg: Any = None, timeout_s: float | None = None
) -> float:
    """Milliseconds in the page's clock from the input event ``act`` makes to the frame where ``done``."""
    page.evaluate(ARM, mark)
    act()
    options = {} if timeout_s is None else {"timeout": timeout_s * 1000}
    return float(page.wait_for_function(done, arg=arg, polling="raf", **options).json_value())


# ----------------------------------------------------------------------------- measurements


@dataclass
class Case:
    """One plan to measure: its file, a few points in distinct zones, and the results."""

    title: str
    path: Path
    points: list[tuple[float, float, str]]
    times: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    stages: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def timeline(self, visit: str, stages: dict[str, float]) -> None:
        """Record one visit's page stages (ms since navigation start)."""
        for name, ms in stages.items():
            self.stages.setdefault(visit, {}).setdefault(name, []).append(ms)

    def add(self, name: str, value: float) -> None:
        """Record one more run of the timing ``name`` (seconds)."""
        self.times.setdefault(name, []).append(value)


def points_in_distinct_zones(plan: Any, first: tuple[float, float] | None, n: int = 2) -> list[Any]:
    """``(x, y, zone code)`` of ``n`` points whose zones have different codes, ``first`` first if given.

    Different codes, so that each tap changes what the rules panel says (a panel shown again
    unchanged would send nothing to the page).
    """
    import shapely

    import terroffer

    found: list[tuple[float, float, str]] = []
    if first is not None:
        result = terroffer.lookup(plan, first)
        found.append((first[0], first[1], str(result.zones[0].zone_code)))
    zones = plan.zones
    # zones of a fair size near the middle of the plan, where the first view looks
    middle = shapely.Point(*zones.total_bounds.reshape(2, 2).mean(axis=0))
    order = zones.geometry.distance(middle).sort_values().index
    for i in order:
        row = zones.loc[i]
        if row.geometry.area < 20_000 or str(row["zone_code"]) in {c for *_, c in found}:
            continue
        p = row.geometry.representative_point()
        result = terroffer.lookup(plan, (p.x, p.y))
        if result.zones and str(result.zones[0].zone_code) == str(row["zone_code"]):
            found.append((p.x, p.y, str(row["zone_code"])))
        if len(found) == n:
            break
    return found


#: Run in a fresh interpreter, as a kernel would: resident memory after each step of what an
#: explorer kernel does, and the time of each step and of the explorer's answers (no browser,
#: no websocket), so that a slow answer in the page can be split into kernel and browser.
KERNEL_SIDE = """
import json, re, sys, time
def rss():
    return int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024
memory, times = [('python', rss())], {}
def step(name, call):
    t0 = time.perf_counter()
    out = call()
    times.setdefault(name, []).append(time.perf_counter() - t0)
    return out
import ipykernel.kernelapp, ipywidgets
memory.append(('+ ipykernel, ipywidgets', rss()))
import pandas
memory.append(('+ pandas (and pyarrow)', rss()))
import terroffer
memory.append(('+ terroffer (geopandas, shapely, pyproj)', rss()))
plan = step('py: load_plan', lambda: terroffer.load_plan(sys.argv[1]))
memory.append(('+ load_plan', rss()))
from terroffer.app.explorer import Explorer, warm_up
step('py: warm_up (pool kernel, before the visit)', lambda: warm_up(plan))
memory.append(('+ warm_up (imports, index, offer, one note)', rss()))
app = step("py: Explorer(plan) (the visit's last cell)", lambda: Explorer(plan, lang='fr'))
memory.append(('+ Explorer(plan)', rss()))
points, repeat = json.loads(sys.argv[2]), int(sys.argv[3])
sectors = [v for _, v in app._options('sectors') if v]
for i in range(repeat):
    x, y, _ = points[i % len(points)]
    sector = (sectors[i % len(sectors)],)
    step('py: set_filter (list, offer, tile URL)', lambda: app.set_filter(sectors=sector))
    step('py: lookup_text (look-up, PDF and HTML note)', lambda: app.lookup_text(f'{x} {y}'))
    step('py: click (rules, look-up and note)', lambda: app.click(x, y))
memory.append(('after the answers', rss()))
print(json.dumps({'memory': memory, 'times': times}))
"""


def kernel_side(case: Case, repeat: int) -> None:
    """What a kernel does, timed and weighed in a fresh interpreter (:data:`KERNEL_SIDE`)."""
    done = subprocess.run(
        [sys.executable, "-c", KERNEL_SIDE, str(case.path), json.dumps(case.points), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    for name, values in found["times"].items():
        for value in values:
            case.add(name, value)
    case.notes.append(
        "kernel memory, step by step in a fresh interpreter (MB): "
        + ", ".join(f"{name} {mb:.0f}" for name, mb in found["memory"])
    )


def cold_visits(case: Case, browser: Browser, log_dir: Path, loads: int, timeout: float) -> None:
    """Explorer and overview from a kernel the visit starts, alternating, ``repeat`` times each."""
    with (
        served(ROOT / "notebooks" / "explorer.ipynb", case.path, 0, log_dir) as explorer,
        served(BASELINE, case.path, 0, log_dir) as overview,
        served(FLOOR, case.path, 0, log_dir) as floor,
    ):
        for _ in range(loads):
            for name, server, ready in (
                ("explorer", explorer, EXPLORER_DRAWN),
                ("overview", overview, OVERVIEW_DRAWN),
                ("Voilà floor (one HTML widget)", floor, FLOOR_DRAWN),
            ):
                server.wait_pool(0)
                with browser.visit(server.url + "?lang=fr", ready, timeout) as (_, seconds, _):
                    case.add(f"{name} drawn, cold", seconds)
                case.timeline(f"{name}, cold", browser.timeline)


def preheated_visits(
    case: Case, browser: Browser, log_dir: Path, loads: int, repeat: int, timeout: float, visits: int
) -> None:
    """Both pages from a filled pool of one; on the explorer the filter, look-up and tap answers.

    The first explorer visit opens a context that stays, with its HTTP cache on: the visits
    made in it later find the front-end's scripts there, as a visitor who comes back does.
    """
    with served(FLOOR, case.path, 1, log_dir) as floor:
        for _ in range(loads):
            floor.wait_pool(1, timeout=600)
            with browser.visit(floor.url + "?lang=fr", FLOOR_DRAWN, timeout) as (_, seconds, _):
                case.add("Voilà floor (one HTML widget) drawn, preheated", seconds)
    with served(BASELINE, case.path, 1, log_dir) as overview:
        for _ in range(loads):
            overview.wait_pool(1, timeout=600)
            with browser.visit(overview.url + "?lang=fr", OVERVIEW_DRAWN, timeout) as (_, seconds, _):
                case.add("overview drawn, preheated", seconds)
        overview.wait_pool(1, timeout=600)
        case.memory["overview kernel, waiting in the pool"] = overview.kernels_rss_mb()
    with served(ROOT / "notebooks" / "explorer.ipynb", case.path, 1, log_dir) as server:
        case.memory["explorer pool: fill, s"] = server.wait_pool(1, timeout=600)
        case.memory["explorer kernel, waiting in the pool"] = server.kernels_rss_mb()
        returning = browser.new_context(cache=True)
        keeper = returning.new_page()
        try:
            for visit in range(2 * loads - 1):
                cached = visit >= loads
                server.wait_pool(1, timeout=600)
                context = returning if visit in (0, *range(loads, 2 * loads)) else None
                with browser.visit(server.url + "?lang=fr", EXPLORER_DRAWN, timeout, context) as (
                    page,
                    seconds,
                    kernel,
                ):
                    kind = "preheated, returning visitor" if cached else "preheated"
                    case.add(f"explorer drawn, {kind}", seconds)
                    case.timeline(f"explorer, {kind}", browser.timeline)
                    if visit == 0:
                        interactions(case, page, repeat)
                        page.wait_for_timeout(500)
                        case.memory["explorer kernel after its visit's answers"] = rss_mb(
                            server.kernels().get(kernel, -1)
                        )
            keeper.close()
        finally:
            returning.close()
        if visits:
            progress(f"{case.title}: {visits} visits in a row")
            many_visits(case, browser, server, timeout, visits)
        case.memory["serve process"] = rss_mb(server.proc.pid)


def interactions(case: Case, page: Any, repeat: int) -> None:
    """Filter changes, typed look-ups and taps on one open explorer, timed in the page's clock."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    select = page.locator(".terroffer-filter-sector select")
    labels = [o for o in select.locator("option").all_inner_texts()][1:]
    for i in range(repeat):
        before = page.locator(".terroffer-count").inner_text()
        label = labels[i % len(labels)]
        ms = answer_ms(
            page,
            ".terroffer-map canvas.leaflet-tile",
            lambda label=label: select.select_option(label=label),
            FILTER_DONE,
            before,
        )
        case.add("explorer filter -> tiles and count", ms / 1000)
    before = page.locator(".terroffer-count").inner_text()
    page.evaluate(ARM, ".terroffer-map canvas.leaflet-tile")
    select.select_option(index=0)
    page.wait_for_function(FILTER_DONE, arg=before, polling="raf")

    for i in range(repeat):
        x, y, code = case.points[i % len(case.points)]
        page.locator(".terroffer-lookup-coords input").fill(f"{x} {y}")
        ms = answer_ms(
            page,
            "a.terroffer-download-pdf-link",
            lambda: page.locator(".terroffer-lookup-go").click(),
            LINK_DONE,
        )
        case.add("explorer typed look-up -> PDF link", ms / 1000)
        # the map flies to the point: let it settle (no zoom animation, its tiles drawn) before
        # tapping its centre, or the tap lands beside the zone on a loaded machine
        page.wait_for_timeout(300)
        page.wait_for_function(MAP_SETTLED, polling="raf")
        page.wait_for_timeout(300)
        box = page.locator(".terroffer-map").bounding_box()
        try:
            ms = answer_ms(
                page,
                RULES_PANEL,
                lambda box=box: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
                RULES_DONE,
                re.escape(code),
                timeout_s=30,
            )
        except PlaywrightTimeout:
            shown = page.locator(".terroffer-rules").first.inner_text()[:60].replace("\n", " ")
            case.notes.append(f"a tap at the map's centre did not show zone {code} within 30 s: {shown!r}")
            continue
        case.add("explorer tap -> rules panel", ms / 1000)


def many_visits(case: Case, browser: Browser, server: Served, timeout: float, n: int) -> None:
    """``n`` visits in a row, each tab closed once its map is drawn; then until only the pool is left."""
    peak = 0.0
    for _ in range(n):
        server.wait_pool(1, timeout=600, quiet=0.5)
        with browser.visit(server.url + "?lang=fr", EXPLORER_DRAWN, timeout):
            peak = max(peak, server.kernels_rss_mb())
    settle = server.wait_pool(1, timeout=600)
    case.memory[f"kernels, peak during {n} visits"] = peak
    case.memory[f"kernels after {n} closed visits"] = server.kernels_rss_mb()
    case.memory[f"back to the pool after {n} visits, s"] = settle


# ----------------------------------------------------------------------------- report


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"  target < {target:g}: {'OK' if value < target else 'MISSED'}"


def report(case: Case) -> None:
    """The table of one plan: median and best of each figure, ratios to the baseline, memory."""
    t = case.times
    print(f"\n{case.title}")
    print(f"  {'':<48}{'median':>10}{'best':>10}{'runs':>6}")
    targets = {
        "explorer drawn, cold": TARGETS["cold"],
        "explorer drawn, preheated": TARGETS["preheated"],
        "explorer filter -> tiles and count": TARGETS["filter"],
        "explorer tap -> rules panel": TARGETS["click"],
        "explorer typed look-up -> PDF link": TARGETS["lookup"],
    }
    for name, values in t.items():
        median = statistics.median(values)
        print(
            f"  {name:<48}{median:>9.3f}s{min(values):>9.3f}s{len(values):>6}"
            + verdict(median, targets.get(name, TARGETS["kiosk"] if name.startswith("kiosk tap") else None))
        )
    for kind in ("cold", "preheated"):
        ours, base = t.get(f"explorer drawn, {kind}"), t.get(f"overview drawn, {kind}")
        if ours and base:
            print(
                f"  explorer / overview, {kind}: {statistics.median(ours) / statistics.median(base):.2f}x "
                f"(median), {min(ours) / min(base):.2f}x (best)"
            )
        floor = t.get(f"Voilà floor (one HTML widget) drawn, {kind}")
        if ours and floor:
            added = statistics.median(ours) - statistics.median(floor)
            print(
                f"  explorer - Voilà floor, {kind}: {added:+.2f} s "
                "(median): what the explorer adds to the least a Voilà page takes here"
            )
    for name, value in case.memory.items():
        unit = "" if name.endswith(", s") else " MB"
        target = TARGETS["kernel_mb"] if name == "explorer kernel after its visit's answers" else None
        shown = f"{value:.1f} s" if not unit else f"{value:.0f}{unit}"
        print(f"  {name:<48}{shown:>20}" + verdict(value, target))
    for visit, stages in case.stages.items():
        sizes = {name: stages.pop(name) for name in list(stages) if name.startswith("script")}
        order = sorted(stages.items(), key=lambda kv: statistics.median(kv[1]))
        shown = ", ".join(f"{name} {statistics.median(ms) / 1000:.2f}" for name, ms in order)
        print(f"  page stages, {visit} (median s since navigation): {shown}")
        if sizes:
            print(
                f"    front-end scripts: {statistics.median(sizes['scripts']):.0f} files, "
                f"{statistics.median(sizes['script MB']):.1f} MB, "
                f"{statistics.median(sizes['script MB over the wire']):.1f} MB over the wire"
            )
    for note in case.notes:
        print(f"  note: {note}")


_STARTED = time.perf_counter()


def progress(what: str) -> None:
    """Say on stderr where the run is (the table goes to stdout)."""
    print(f"[{time.perf_counter() - _STARTED:5.0f} s] {what}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- the kiosk

KIOSK = ROOT / "notebooks" / "kiosk.ipynb"
#: Idle time of the server the taps and the visitors in a row run on: long, so that the "still
#: there?" prompt never takes the screen between two taps, however loaded the machine.
KIOSK_LONG_IDLE_S = 600
#: Idle time and prompt of the second server, the one the idle reset is measured on.
KIOSK_IDLE_S, KIOSK_PROMPT_S = 10, 20
#: Four corners typed on the keypad: a 20 m square around the sample's known point (zone D).
KIOSK_CORNERS = [
    (SAMPLE_POINT[0] + dx, SAMPLE_POINT[1] + dy) for dx, dy in ((-10, -10), (10, -10), (10, 10), (-10, 10))
]
KIOSK_COMMUNE = {"fr": "Témara", "ar": "تمارة"}
SHOWN = """(selector) => {
  const el = document.querySelector(selector + ':not([data-bench-old])');
  return !!el && el.getBoundingClientRect().height > 0 && performance.now() - window.__benchStart;
}"""


def kiosk_screen(page: Any, name: str) -> Any:
    """Wait until the kiosk shows screen ``name``; its locator."""
    found = page.locator(f".terroffer-kiosk-screen-{name}")
    found.wait_for()
    return found


def kiosk_tap(page: Any, act: Callable[[], None], answer: str) -> float:
    """Seconds, in the page's clock, from the touch ``act`` makes to the frame that shows ``answer``."""
    return answer_ms(page, answer, act, SHOWN, answer) / 1000


def kiosk_home(page: Any) -> None:
    page.tap(".terroffer-kiosk-home")
    page.locator(".terroffer-kiosk-start").wait_for()


def kiosk_invest(page: Any, lang: str, rules: bool = False) -> float:
    """Invest, housing, the commune: seconds from the commune's tap to the short list; home."""
    page.tap(".terroffer-kiosk-invest")
    kiosk_screen(page, "sector")
    page.tap(".terroffer-kiosk-sector-housing")
    kiosk_screen(page, "commune")
    button = f".terroffer-kiosk-commune-button:text-is('{KIOSK_COMMUNE[lang]}')"
    seconds = kiosk_tap(
        page, lambda: page.tap(button), ".terroffer-kiosk-screen-results .terroffer-kiosk-result"
    )
    if rules:
        page.locator(".terroffer-kiosk-result").first.tap()
        kiosk_screen(page, "zone").locator(".terroffer-rules h3").first.wait_for()
    kiosk_home(page)
    return seconds


def kiosk_plot(page: Any) -> float:
    """Four corners on the keypad: seconds from the tap on Finish to the answer's QR code; home."""
    page.tap(".terroffer-kiosk-plot")
    kiosk_screen(page, "keypad")
    for x, y in KIOSK_CORNERS:
        for value in (x, y):
            for key in f"{value:.2f}":
                page.tap(f".terroffer-kiosk-key-{'dot' if key == '.' else key}")
            page.tap(".terroffer-kiosk-confirm")
    page.locator(".terroffer-kiosk-corners li:nth-child(4)").wait_for()
    seconds = kiosk_tap(page, lambda: page.tap(".terroffer-kiosk-finish"), ".terroffer-kiosk-qr svg")
    kiosk_home(page)
    return seconds


def kiosk_map_tap(page: Any) -> float:
    """A tap at the tap screen's map centre: seconds to the answer's QR code; home."""
    page.tap(".terroffer-kiosk-plot")
    kiosk_screen(page, "keypad")
    page.tap(".terroffer-kiosk-to-map")
    tap_screen = kiosk_screen(page, "tap")
    tap_screen.locator("canvas.leaflet-tile-loaded").first.wait_for()
    box = tap_screen.locator(".terroffer-map").bounding_box()
    seconds = kiosk_tap(
        page,
        lambda: page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
        ".terroffer-kiosk-screen-answer .terroffer-kiosk-qr svg",
    )
    kiosk_home(page)
    return seconds


def kiosk_contact(page: Any) -> float:
    """Seconds from the tap on Contact to its screen; home."""
    seconds = kiosk_tap(page, lambda: page.tap(".terroffer-kiosk-contact"), ".terroffer-kiosk-screen-contact")
    kiosk_home(page)
    return seconds


def kiosk_language(page: Any, lang: str) -> None:
    """The start screen's language button, as a visitor switches."""
    page.tap(f".terroffer-kiosk-lang-{lang}")
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")


@contextmanager
def kiosk_page(browser: Browser, server: Served, timeout: float) -> Iterator[Any]:
    """One kiosk tab on the booth's landscape screen, touch on, in French, on its start screen."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(timeout * 1000)
    try:
        page.goto(server.url + "?lang=fr", wait_until="commit")
        page.locator(".terroffer-kiosk-start").wait_for()
        yield page
    finally:
        context.close()


def kiosk_taps(case: Case, page: Any, repeat: int) -> None:
    """Tap to answer, each path ``repeat`` times in French then in Arabic."""
    for lang in ("fr", "ar"):
        for _ in range(repeat):
            kiosk_language(page, lang)
            case.add(f"kiosk tap: invest, commune -> zones ({lang})", kiosk_invest(page, lang))
            kiosk_language(page, lang)
            case.add(f"kiosk tap: typed plot -> answer, QR ({lang})", kiosk_plot(page))
            kiosk_language(page, lang)
            case.add(f"kiosk tap: map tap -> answer, QR ({lang})", kiosk_map_tap(page))
            kiosk_language(page, lang)
            case.add(f"kiosk tap: contact ({lang})", kiosk_contact(page))


def kiosk_visitors(case: Case, page: Any, server: Served, visitors: int) -> None:
    """``visitors`` in a row on one tab, as at the booth; the kernel's memory now and then.

    Each visitor, in French or Arabic by turns, looks up the housing zones of Témara and one
    zone's rules, taps a plot on the map (a look-up, its QR code and its PDF), reads the
    contact screen, and goes home (what the idle reset calls); every tenth types a plot too.
    """
    pid = next(iter(server.kernels().values()), None)
    if pid is None:
        case.notes.append("kiosk: its kernel was not found, no memory figures")
        return
    case.memory["kiosk kernel, before the visitors"] = rss_mb(pid)
    for k in range(1, visitors + 1):
        lang = "ar" if k % 2 else "fr"
        kiosk_language(page, lang)
        kiosk_invest(page, lang, rules=True)
        kiosk_language(page, lang)
        kiosk_map_tap(page)
        kiosk_language(page, lang)
        kiosk_contact(page)
        if k % 10 == 0:
            kiosk_plot(page)
        if k in (1, 10, visitors // 2, visitors):
            page.wait_for_timeout(500)
            case.memory[f"kiosk kernel, after {k} visitors"] = rss_mb(pid)
            progress(f"kiosk: {k} visitors, kernel {rss_mb(pid):.0f} MB")


def kiosk_idle(case: Case, page: Any) -> None:
    """A half-typed corner left alone: the prompt, then the start screen, checked clean."""
    kiosk_language(page, "ar")
    page.tap(".terroffer-kiosk-plot")
    kiosk_screen(page, "keypad")
    for key in "3597":
        page.tap(f".terroffer-kiosk-key-{key}")
    page.tap(".terroffer-kiosk-confirm")
    page.tap(".terroffer-kiosk-key-3")
    page.locator(".terroffer-kiosk-entry:text-is('3')").wait_for()
    t0 = time.perf_counter()
    kiosk_screen(page, "idle")
    prompt = time.perf_counter() - t0
    page.locator(".terroffer-kiosk-start").wait_for()
    start = time.perf_counter() - t0
    # the start screen comes first, then its words in the kiosk's own language (French)
    with contextlib.suppress(Exception):  # a page still not in French is said below: not clean
        page.wait_for_function("() => document.documentElement.lang === 'fr'", timeout=10_000)
    french = time.perf_counter() - t0
    case.add("kiosk idle: untouched -> prompt", prompt)
    case.add("kiosk idle: prompt -> start screen", start - prompt)
    case.add("kiosk idle: start screen later than due", start - KIOSK_IDLE_S - KIOSK_PROMPT_S)
    case.add("kiosk idle: start screen -> in French again", french - start)
    # clean: the kiosk's own language again, and nothing of the last visitor on the keypad
    lang = page.evaluate("document.documentElement.lang")
    page.tap(".terroffer-kiosk-plot")
    kiosk_screen(page, "keypad")
    entry = page.locator(".terroffer-kiosk-entry").inner_text()
    corners = page.locator(".terroffer-kiosk-corners li").count()
    clean = lang == "fr" and entry == "…" and corners == 0
    case.notes.append(
        f"kiosk idle reset: start screen in {lang!r}, keypad shows {entry!r} and {corners} corner(s): "
        + ("clean" if clean else "NOT CLEAN")
    )
    kiosk_home(page)


def kiosk(browser: Browser, log_dir: Path, repeat: int, visitors: int, timeout: float) -> None:
    """The kiosk on the sample: tap to answer per path and language, visitors in a row, the idle reset.

    The taps and the visitors run on a server whose idle time is long (a prompt would take the
    screen between two taps of a loaded machine); the idle reset on a second one, short.
    """
    case = Case("kiosk, bundled sample", SAMPLE, [])
    long_idle = {"TERROFFER_KIOSK_IDLE": str(KIOSK_LONG_IDLE_S)}
    with served(KIOSK, SAMPLE, 1, log_dir, long_idle) as server:
        server.wait_pool(1, timeout=600)
        with kiosk_page(browser, server, timeout) as page:
            progress("kiosk: tap to answer, each path in fr and ar")
            kiosk_taps(case, page, repeat)
            progress(f"kiosk: {visitors} visitors in a row on one tab")
            kiosk_visitors(case, page, server, visitors)
    short_idle = {"TERROFFER_KIOSK_IDLE": str(KIOSK_IDLE_S), "TERROFFER_KIOSK_PROMPT": str(KIOSK_PROMPT_S)}
    with served(KIOSK, SAMPLE, 1, log_dir, short_idle) as server:
        server.wait_pool(1, timeout=600)
        with kiosk_page(browser, server, timeout) as page:
            progress("kiosk: the idle reset")
            kiosk_idle(case, page)
    case.notes.append(
        f"taps and visitors with an idle time of {KIOSK_LONG_IDLE_S} s; the idle reset on a server "
        f"idle after {KIOSK_IDLE_S} s, its prompt {KIOSK_PROMPT_S} s"
    )
    if browser.outside:
        case.notes.append(f"requests refused off the machine: {browser.outside[:3]}")
    report(case)


def main(argv: list[str] | None = None) -> int:
    """Command line: every figure on the sample and (unless ``--quick``) on the synthetic plan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bundled sample only, 2 runs of each")
    parser.add_argument("--zones", type=int, default=100_000, help="synthetic plan size (100000)")
    parser.add_argument("--seed", type=int, default=42, help="synthetic plan seed (42)")
    parser.add_argument("--repeat", type=int, default=None, help="runs of each answer's timing (5; quick: 2)")
    parser.add_argument(
        "--loads", type=int, default=None, help="page loads of each kind (sample 3, synthetic 2; quick: 2)"
    )
    parser.add_argument(
        "--visits", type=int, default=None, help="visits in a row, tabs closed (20; quick: 5)"
    )
    parser.add_argument("--large-visits", type=int, default=0, help="the same on the synthetic plan (0)")
    parser.add_argument("--timeout", type=float, default=180.0, help="browser timeout per step, s (180)")
    parser.add_argument(
        "--kiosk-visitors", type=int, default=None, help="kiosk visitors in a row on one tab (50; quick: 10)"
    )
    kiosk_choice = parser.add_mutually_exclusive_group()
    kiosk_choice.add_argument("--no-kiosk", action="store_true", help="leave the kiosk out")
    kiosk_choice.add_argument(
        "--kiosk-only", action="store_true", help="the kiosk alone (no explorer, no synthetic plan)"
    )
    args = parser.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 5)
    visits = args.visits or (5 if args.quick else 20)

    from playwright.sync_api import sync_playwright

    import terroffer

    started = time.perf_counter()
    print(
        f"terroffer {terroffer.__version__}; {os.cpu_count()} CPU(s), load average "
        f"{os.getloadavg()[0]:.1f}; answers timed {repeat} times each"
    )
    # (title, file, a known point, page loads, visits in a row)
    plans = [("bundled sample", SAMPLE, SAMPLE_POINT, args.loads or (2 if args.quick else 3), visits)]
    if args.kiosk_only:
        plans = []
    elif not args.quick:
        large = synthetic_file(args.zones, args.seed)
        plans.append((f"synthetic, {args.zones:,} zones", large, None, args.loads or 2, args.large_visits))
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp, sync_playwright() as pw:
        browser = Browser(pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
        try:
            for title, path, first, loads, n_visits in plans:
                t0 = time.perf_counter()
                plan = terroffer.load_plan(path)
                case = Case(title, path, points_in_distinct_zones(plan, first))
                case.notes.append(f"load_plan in this process: {time.perf_counter() - t0:.1f} s")
                progress(f"{title}: kernel side in a fresh interpreter")
                kernel_side(case, repeat)
                del plan
                progress(f"{title}: cold page loads")
                cold_visits(case, browser, Path(tmp), loads, args.timeout)
                progress(f"{title}: preheated page loads, answers, visits in a row")
                preheated_visits(case, browser, Path(tmp), loads, repeat, args.timeout, n_visits)
                if browser.outside:
                    case.notes.append(f"requests refused off the machine: {browser.outside[:3]}")
                report(case)
            if not args.no_kiosk:
                progress("kiosk: taps, visitors in a row, idle reset")
                n_kiosk = args.kiosk_visitors or (10 if args.quick else 50)
                kiosk(browser, Path(tmp), repeat, n_kiosk, args.timeout)
        finally:
            browser.browser.close()
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
