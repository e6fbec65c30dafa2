"""How long a planning information note takes to build, against a plain matplotlib page.

The note (``terroffer.render.note.note_pdf``) shapes Arabic with HarfBuzz, lays out tables
with fpdf2, draws its map as SVG (from shapely) and embeds a subset of the bundled font. The
baseline is the least a PDF note can cost with the tools already in the package: one
matplotlib A4 figure holding the same map and the same facts as plain text, saved as PDF
(no shaping, no tables). Both are timed in the same run, on the same plot of the bundled
sample plan; the target is a note in under a second.

Run: ``python benchmarks/bench_note.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import time
from pathlib import Path

import shapely

import terroffer
from terroffer import lookup, note_html, note_pdf
from terroffer.render.note import note_text, plot_map_svg

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"
TODAY = dt.date(2026, 11, 29)


def baseline_pdf(result, plan) -> bytes:
    """The same map and facts on one A4 matplotlib figure, saved as PDF."""
    from matplotlib.figure import Figure

    text = note_text(result, plan, "fr", today=TODAY)
    fig = Figure(figsize=(8.27, 11.69), dpi=100)
    fig.text(0.07, 0.95, text.title, fontsize=16, weight="bold")
    fig.text(0.07, 0.93, text.subtitle, fontsize=9)
    ax = fig.add_axes((0.07, 0.52, 0.38, 0.38))
    around = result.plot.geometry.buffer(60).envelope  # the note's map, drawn the plain geopandas way
    plan.zones.clip(around).plot(ax=ax, column="family", edgecolor="white", linewidth=0.5)
    plan.reservations.clip(around).plot(ax=ax, facecolor="none", edgecolor="grey", hatch="////")
    ax.plot(*result.plot.geometry.exterior.xy, color="black", linewidth=2)
    ax.set_axis_off()
    y = 0.88
    for label, value, _ in text.facts:
        fig.text(0.5, y, f"{label}: {value}", fontsize=8)
        y -= 0.018
    y = 0.48
    for table in (text.plans, text.zones, text.reservations):
        for row in (table.head, *table.rows) if table else ():
            fig.text(0.07, y, " | ".join(row), fontsize=7)
            y -= 0.016
    fig.text(0.07, 0.08, text.disclaimer, fontsize=7, wrap=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    return buf.getvalue()


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median and best wall time of ``fn()`` over ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    plan = terroffer.load_plan(SAMPLE)
    roads = plan.reservations[plan.reservations["kind"] == "road"].geometry
    c = roads.iloc[21].representative_point()  # a plot on three zones, crossed by two roads
    result = lookup(plan, shapely.box(c.x - 30, c.y - 20, c.x + 30, c.y + 20))
    print(f"plot: {result.plot_area_m2:,.0f} m², {len(result.zones)} zone parts, "
          f"{len(result.reservations)} reservations")  # fmt: skip

    t0 = time.perf_counter()
    note_pdf(result, plan, lang="fr", today=TODAY)
    first = time.perf_counter() - t0
    print(f"first note in this process (imports, font parsing): {first:.3f} s")

    base, base_best = timed(lambda: baseline_pdf(result, plan), args.repeat)
    label = "baseline: matplotlib A4 page, same map and facts"
    print(f"{label:<52} median {base:.3f} s  best {base_best:.3f} s")
    cases = {
        "note_pdf fr": lambda: note_pdf(result, plan, lang="fr", today=TODAY),
        "note_pdf ar": lambda: note_pdf(result, plan, lang="ar", today=TODAY),
        "note_pdf both (side by side)": lambda: note_pdf(result, plan, lang="both", today=TODAY),
        "note_html both": lambda: note_html(result, plan, lang="both", today=TODAY),
        "map alone (plot_map_svg)": lambda: plot_map_svg(result, plan),
    }
    for name, fn in cases.items():
        median, best = timed(fn, args.repeat)
        verdict = "" if not name.startswith("note_pdf") else ("  < 1 s: ok" if median < 1 else "  OVER 1 s")
        print(f"{name:<52} median {median:.3f} s  best {best:.3f} s  ×{median / base:.2f} baseline{verdict}")


if __name__ == "__main__":
    main()
