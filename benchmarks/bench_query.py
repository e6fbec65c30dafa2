"""Speed of the questions: point and plot look-ups, a batch of points, the offer, a note.

Each is measured against the naive geopandas way in the same run (``sjoin`` /
``overlay`` per query, a plain groupby for the offer) on a synthetic plan::

    python benchmarks/bench_query.py [--zones 100000] [--queries 500] [--seed 42]

Targets (issue 3): point look-up p95 < 2 ms, batch > 100,000 points/s, plot look-up
p95 < 20 ms, the offer < 100 ms once the plan is loaded, a note to PDF < 1 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import terroffer
from terroffer import lookup, lookup_points, offer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_load import synthetic_file  # noqa: E402


def pct(times: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(times) * 1000, q))


def timed(fn, items) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t0)
    return out


def row(name: str, ours: list[float], naive: list[float], target: str) -> None:
    p95, b95 = pct(ours, 95), pct(naive, 95)
    print(
        f"{name:<22} p50 {pct(ours, 50):8.3f} ms  p95 {p95:8.3f} ms | naive p95 {b95:9.3f} ms "
        f"| {b95 / p95:7.1f}x faster | target {target}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--naive-queries", type=int, default=50, help="fewer: the naive way is slow")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    path = synthetic_file(args.zones, args.seed)
    plan = terroffer.load_plan(path)
    zones, res = plan.zones, plan.reservations
    rng = np.random.default_rng(args.seed)
    picks = rng.choice(len(zones), size=args.queries, replace=False)
    centres = shapely.point_on_surface(np.asarray(zones.geometry.array, dtype=object)[picks])
    print(f"plan: {path.name}: {len(zones):,} zones, {len(res):,} reservations")

    t0 = time.perf_counter()
    lookup(plan, centres[0])  # builds the plan's index once
    print(f"index build (first query)   {(time.perf_counter() - t0) * 1000:8.1f} ms")

    ours = timed(lambda p: lookup(plan, p), centres)
    naive = timed(
        lambda p: gpd.sjoin(gpd.GeoDataFrame(geometry=[p], crs=zones.crs), zones, predicate="within"),
        centres[: args.naive_queries],
    )
    row("point look-up", ours, naive, "p95 < 2 ms")

    squares = shapely.buffer(centres, 20.0, cap_style="square")  # 40 m x 40 m plots
    ours = timed(lambda s: lookup(plan, s), squares)

    def naive_plot(s):  # type: ignore[no-untyped-def]
        plot = gpd.GeoDataFrame(geometry=[s], crs=zones.crs)
        parts = gpd.overlay(plot, zones, how="intersection").merge(
            plan.rules, on=["plan_id", "zone_code"], how="left"
        )
        reserved = gpd.overlay(plot, res, how="intersection")
        return parts.area.sum(), reserved.area.sum()

    naive = timed(naive_plot, squares[: args.naive_queries])
    row("plot look-up", ours, naive, "p95 < 20 ms")

    n = 100_000
    bounds = zones.total_bounds
    xs = rng.uniform(bounds[0], bounds[2], n)
    ys = rng.uniform(bounds[1], bounds[3], n)
    t0 = time.perf_counter()
    lookup_points(plan, xs, ys)
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, ys), crs=zones.crs)
    gpd.sjoin(points, zones, predicate="within")
    naive_s = time.perf_counter() - t0
    print(
        f"{'batch of 100,000 pts':<22} {n / ours_s:12,.0f} points/s "
        f"| naive sjoin {n / naive_s:12,.0f} points/s "
        f"| {naive_s / ours_s:5.1f}x | target > 100,000 points/s"
    )

    ours = timed(lambda _: offer(plan), range(10))

    def naive_offer(_):  # type: ignore[no-untyped-def]
        z = zones.assign(area_m2=zones.area).merge(plan.plans[["plan_id", "status"]], on="plan_id")
        z = z[z["status"] == "approved"].merge(
            plan.rules[["plan_id", "zone_code", "cos"]], on=["plan_id", "zone_code"]
        )
        z["floor"] = z["area_m2"] * z["cos"]
        return (
            pd.DataFrame(z.drop(columns="geometry"))
            .groupby(["commune", "sector", "family"])
            .sum(numeric_only=True)
        )

    naive = timed(naive_offer, range(10))
    row("offer (whole plan)", ours, naive, "< 100 ms")

    from terroffer import note_pdf  # drawn lazily: fpdf2 loads only here

    result = lookup(plan, squares[0])
    note_pdf(result, plan, None, lang="fr")  # fonts and imports, once
    for lang in ("fr", "ar"):
        times = timed(lambda _, lang=lang: note_pdf(result, plan, None, lang=lang), range(5))
        name = f"note PDF ({lang})"
        print(f"{name:<22} p50 {pct(times, 50):8.1f} ms  max {max(times) * 1000:8.1f} ms | target < 1 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
