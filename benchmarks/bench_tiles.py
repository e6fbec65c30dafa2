"""Time and size of the zone tiles ``terroffer serve`` cuts, against plain ``mapbox_vector_tile.encode``.

For the bundled sample and a synthetic plan (100,000 zones by default), at zooms 10 to 16, tiles
over the territory (every tile that holds a zone, or a seeded sample of ``--tiles`` of them) are
asked for over HTTP from the real tornado route (:func:`terroffer.app.tiles.tile_handlers`, in a
thread of this process): *cold* is the first request of a tile (cut in the route's thread pool),
*cached* the same request again (the LRU cache). The plan is loaded and projected before the
clock starts, as the server does when it starts. *cut CPU* is :func:`~terroffer.app.tiles.tile_bytes`
alone, called again in this thread and timed in CPU time, which other processes on a shared
machine do not inflate as they do wall-clock time.

The naive baseline (wall clock against the cut's wall clock on the same tiles), measured in the
same run on the first ``--baseline`` tiles of each zoom, is
what anyone would write with the library alone: the zones and reservations whose boxes meet the
tile, unsimplified and unclipped, with the same properties, through ``mapbox_vector_tile.encode``
(``quantize_bounds`` set to the tile).

Targets (issue 8) on the large plan: every tile under 300 ms cold and under 500 KB.

Usage::

    python benchmarks/bench_tiles.py                     # sample and 100,000 synthetic zones
    python benchmarks/bench_tiles.py --zones 20000 --tiles 20 --baseline 2
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import resource
import sys
import threading
import time
from pathlib import Path

import mapbox_vector_tile
import numpy as np
import shapely

import terroffer
from terroffer.app import tiles
from terroffer.app.filters import ZoneFilter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_load import synthetic_file  # noqa: E402

SAMPLE = HERE.parent / "data" / "zoning" / "skhirat-temara.gpkg"
ZOOMS = range(10, 17)
TARGET_MS, TARGET_KB = 300.0, 500.0


def serve(plan: terroffer.Plan) -> int:
    """The tile route on ``plan`` in a background thread; returns its port."""
    import tornado.testing
    import tornado.web

    found: dict[str, int] = {}
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        app = tornado.web.Application(tiles.tile_handlers("/", load=lambda: plan))
        sock, found["port"] = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([sock])
        ready.set()
        asyncio.get_event_loop().run_forever()

    import tornado.httpserver

    threading.Thread(target=run, daemon=True).start()
    ready.wait()
    return found["port"]


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's box in Web Mercator metres."""
    w, half = 2 * tiles.WORLD / 2**z, tiles.WORLD
    return (-half + x * w, half - (y + 1) * w, -half + (x + 1) * w, half - y * w)


def territory_tiles(
    plan: terroffer.Plan, z: int, limit: int, rng: np.random.Generator
) -> list[tuple[int, int]]:
    """Tiles of zoom ``z`` that hold at least one zone; a seeded sample of ``limit`` when more."""
    index = tiles._tile_index(plan)
    width = 2 * tiles.WORLD / 2**z
    minx, miny, maxx, maxy = shapely.total_bounds(index.zones.geoms)
    xs = range(int((minx + tiles.WORLD) // width), int((maxx + tiles.WORLD) // width) + 1)
    ys = range(int((tiles.WORLD - maxy) // width), int((tiles.WORLD - miny) // width) + 1)
    boxes = {(x, y): shapely.box(*tile_bounds(z, x, y)) for x in xs for y in ys}
    found = [xy for xy, b in boxes.items() if len(index.zones.tree.query(b, predicate="intersects"))]
    if len(found) > limit:
        found = [found[i] for i in sorted(rng.choice(len(found), limit, replace=False))]
    return found


def naive_tile(plan: terroffer.Plan, z: int, x: int, y: int, mask: np.ndarray) -> bytes:
    """The zones and reservations meeting the tile, as they are, through mapbox_vector_tile.encode."""
    index = tiles._tile_index(plan)
    bounds = tile_bounds(z, x, y)
    window = shapely.box(*bounds)
    rows = index.zones.tree.query(window)
    zones = [
        {
            "geometry": index.zones.geoms[r],
            "properties": {"f": index.families[r], "m": int(mask[r]), "i": int(r)},
        }
        for r in rows
    ]
    rows = index.reservations.tree.query(window)
    reservations = [
        {
            "geometry": index.reservations.geoms[r],
            "properties": {"k": index.kinds[r], "road": int(index.kinds[r] == "road")},
        }
        for r in rows
    ]
    layers = [{"name": "zones", "features": zones}, {"name": "reservations", "features": reservations}]
    options = {"quantize_bounds": bounds, "extents": tiles.EXTENT}
    return mapbox_vector_tile.encode(layers, default_options=options)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def bench(name: str, plan: terroffer.Plan, limit: int, baseline: int, seed: int) -> list[str]:
    """Print one table for ``plan``; returns the tiles over target."""
    t0 = time.perf_counter()
    tiles.plan_key(plan)
    tiles._tile_index(plan)
    zone_filter = ZoneFilter()
    mask = zone_filter.mask(plan)
    setup = time.perf_counter() - t0
    port = serve(plan)
    query = tiles.tile_url(plan, zone_filter, "/").split("?", 1)[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(z: int, x: int, y: int) -> tuple[float, bytes]:
        t = time.perf_counter()
        conn.request("GET", f"/terroffer/tiles/{z}/{x}/{y}.pbf?{query}")
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body[:200]
        return (time.perf_counter() - t) * 1000, body

    get(0, 0, 0)  # the route's first request: the plan is already loaded, the pool warm
    print(f"\n== {name}: {len(plan.zones):,} zones; projection, key and filter once: {setup:.2f} s")
    print(
        "zoom tiles |   HTTP cold ms p50   p95   max | cached p50  p95 | cut CPU ms p50   p95   max"
        " |  KB p50   p95   max | naive n: ms p50    KB p50  | naive/cut"
    )
    rng = np.random.default_rng(seed)
    over: list[str] = []
    for z in ZOOMS:
        found = territory_tiles(plan, z, limit, rng)
        cold, cached, size, cpu, wall = [], [], [], [], []
        for x, y in found:
            ms, body = get(z, x, y)
            cold.append(ms)
            size.append(len(body) / 1024)
            cached.append(get(z, x, y)[0])
            # the cutting alone, in this thread: CPU time, which other processes on the machine
            # do not inflate as they do the wall-clock figures
            t, c = time.perf_counter(), time.thread_time()
            tiles.tile_bytes(plan, z, x, y, zone_filter)
            cpu.append((time.thread_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
            if cpu[-1] > TARGET_MS or len(body) / 1024 > TARGET_KB:
                over.append(f"{name} {z}/{x}/{y}: {cpu[-1]:.0f} ms CPU, {len(body) / 1024:.0f} KB")
        naive_ms, naive_kb = [], []
        for x, y in found[:baseline]:
            t = time.perf_counter()
            data = naive_tile(plan, z, x, y, mask)
            naive_ms.append((time.perf_counter() - t) * 1000)
            naive_kb.append(len(data) / 1024)
        ratio = pct(naive_ms, 50) / pct(wall[:baseline], 50)
        print(
            f"{z:>4} {len(found):>5} | {pct(cold, 50):21.1f} {pct(cold, 95):5.1f} {max(cold):5.1f}"
            f" | {pct(cached, 50):10.2f} {pct(cached, 95):4.1f} | {pct(cpu, 50):14.1f} {pct(cpu, 95):5.1f}"
            f" {max(cpu):5.1f} | {pct(size, 50):7.1f} {pct(size, 95):5.1f} {max(size):5.1f}"
            f" | {len(naive_ms):>7}: {pct(naive_ms, 50):6.0f} {pct(naive_kb, 50):9.1f}  | {ratio:8.1f}x"
        )
    conn.close()
    return over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zones", type=int, default=100_000, help="synthetic plan size (0: sample only)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tiles", type=int, default=40, help="tiles measured per zoom, at most")
    parser.add_argument("--baseline", type=int, default=3, help="tiles per zoom for the naive encoder")
    args = parser.parse_args(argv)

    over = bench("sample", terroffer.load_plan(SAMPLE), args.tiles, args.baseline, args.seed)
    if args.zones:
        large = terroffer.load_plan(synthetic_file(args.zones, args.seed))
        over += bench(f"synthetic {args.zones:,}", large, args.tiles, args.baseline, args.seed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process (both plans, projected, cached tiles): {rss:.0f} MB")
    print(f"targets: every tile < {TARGET_MS:.0f} ms cold (CPU time of the cut) and < {TARGET_KB:.0f} KB")
    print("all tiles within target" if not over else "over target:\n  " + "\n  ".join(over))
    return 0


if __name__ == "__main__":
    sys.exit(main())
