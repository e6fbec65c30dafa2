"""How much ``load_plan`` costs over a bare read of the zones layer.

The baseline is what anyone would write without terroffer::

    pyogrio.read_dataframe(path, layer="zones", use_arrow=True)

``load_plan`` does more (it reads the four other layers, checks and repairs the
geometry, drops duplicates, conforms every column), and the target is that it stays
within 1.5 times the baseline on a 100,000-zone plan. A second reference reads every
layer of the file bare: the floor under which no loader of all five tables can go.
All are timed in the same run, interleaved, after one untimed warm-up of each, so that
disk cache and machine load affect them alike.

Usage::

    python benchmarks/bench_load.py                      # 100,000 synthetic zones, 5 repeats
    python benchmarks/bench_load.py --zones 20000 --repeat 3
    python benchmarks/bench_load.py --file my-plan.gpkg
    python benchmarks/bench_load.py --profile            # add cProfile, top 25 cumulative

The synthetic GeoPackage is made by ``benchmarks/synthetic.py`` and cached in
``benchmarks/.cache/`` (regenerated when the generator is newer than the file).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyogrio

import terroffer

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
SAMPLE = HERE.parent / "data" / "zoning" / "skhirat-temara.gpkg"
TARGET_RATIO = 1.5
BASELINE = "pyogrio zones (baseline)"
FLOOR = "pyogrio all layers (floor)"
LOAD = "terroffer.load_plan"


def synthetic_file(n_zones: int, seed: int) -> Path:
    """The cached synthetic GeoPackage with ``n_zones`` zones, generated when missing or stale."""
    sys.path.insert(0, str(HERE))
    try:
        import synthetic
    finally:
        sys.path.remove(str(HERE))

    path = CACHE / f"synthetic-{n_zones}-seed{seed}.gpkg"
    # Stale when the generator or the zoning tables it reads changed since the file was made.
    made_from = (Path(synthetic.__file__), synthetic.ZONING_FILE)
    if path.exists() and path.stat().st_mtime >= max(p.stat().st_mtime for p in made_from):
        return path
    print(f"generating {n_zones:,} zones (seed {seed}) -> {path.relative_to(HERE.parent)} ...", flush=True)
    CACHE.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    plan = synthetic.make_plan(n_zones, seed=seed)
    terroffer.write_plan(plan, path)
    print(f"  done in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def baseline(path: Path) -> object:
    """The naive read: the zones layer alone, through Arrow."""
    return pyogrio.read_dataframe(path, layer="zones", use_arrow=True)


def all_layers(path: Path) -> object:
    """The floor: every layer of the file read bare, as ``load_plan`` must at least do."""
    return [
        pyogrio.read_dataframe(path, layer=str(name), use_arrow=True) for name, _ in pyogrio.list_layers(path)
    ]


def load(path: Path) -> object:
    """The full ``terroffer.load_plan`` of the canonical store."""
    return terroffer.load_plan(path)


def interleaved(
    path: Path, repeat: int, cases: dict[str, Callable[[Path], object]]
) -> dict[str, list[float]]:
    """Wall-clock times of each case, ``repeat`` times, alternating, after one warm-up each."""
    for fn in cases.values():
        fn(path)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            t0 = time.perf_counter()
            fn(path)
            times[name].append(time.perf_counter() - t0)
    return times


def report(title: str, path: Path, times: dict[str, list[float]]) -> float:
    """Print best and median of each case and the ratio of ``load_plan`` to the baseline.

    Returns
    -------
    float
        The ratio of the best times.
    """
    size_mb = path.stat().st_size / 1e6
    print(f"\n{title}: {path} ({size_mb:.1f} MB)")
    print(f"  {'':<28}{'best':>10}{'median':>10}")
    for name, values in times.items():
        print(f"  {name:<28}{min(values):>9.3f}s{statistics.median(values):>9.3f}s")
    base, floor, full = times[BASELINE], times[FLOOR], times[LOAD]
    ratio_best = min(full) / min(base)
    ratio_median = statistics.median(full) / statistics.median(base)
    verdict = "OK" if ratio_best <= TARGET_RATIO else "ABOVE TARGET"
    print(
        f"  ratio load_plan / baseline: {ratio_best:.2f}x best, {ratio_median:.2f}x median "
        f"(target <= {TARGET_RATIO}x: {verdict})"
    )
    print(
        f"  ratio all layers / baseline: {min(floor) / min(base):.2f}x best "
        "(what reading the other layers costs before any checking)"
    )
    return ratio_best


def profile_call(call: Callable[[], object], label: str, top: int = 25) -> None:
    """Profile one ``call()`` and print the ``top`` functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    print(f"\ncProfile of {label}, top {top} by cumulative time:")
    print(out.getvalue().rstrip())


def profile(path: Path, top: int = 25) -> None:
    """Profile one ``load_plan`` of ``path``."""
    profile_call(lambda: terroffer.load_plan(path), f"load_plan({path.name})", top)


def main(argv: list[str] | None = None) -> int:
    """Command line: time both reads on the synthetic plan and the bundled sample."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=100_000, help="synthetic plan size (100000)")
    parser.add_argument("--seed", type=int, default=42, help="synthetic plan seed (42)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each read (5)")
    parser.add_argument(
        "--file", type=Path, default=None, help="time this GeoPackage instead of a synthetic one"
    )
    parser.add_argument("--profile", action="store_true", help="also profile load_plan with cProfile")
    args = parser.parse_args(argv)

    path = args.file if args.file is not None else synthetic_file(args.zones, args.seed)
    cases: dict[str, Callable[[Path], object]] = {BASELINE: baseline, FLOOR: all_layers, LOAD: load}
    print(
        f"terroffer {terroffer.__version__}, pyogrio {pyogrio.__version__}, "
        f"GDAL {pyogrio.__gdal_version_string__}; {args.repeat} interleaved runs after a warm-up"
    )
    plan = terroffer.load_plan(path)
    title = "given file" if args.file is not None else f"synthetic, {args.zones:,} zones"
    print(f"\n{plan!r}")
    report(title, path, interleaved(path, args.repeat, cases))

    if SAMPLE.exists() and args.file is None:
        report("bundled sample", SAMPLE, interleaved(SAMPLE, args.repeat, cases))
    if args.profile:
        profile(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
