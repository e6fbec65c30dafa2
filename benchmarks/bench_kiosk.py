"""The kiosk's kernel side: tap to answer for each path, and memory after 50 visitors in a row.

Runs the app of ``notebooks/kiosk.ipynb`` in this process on the bundled sample (or
``TERROFFER_PLAN``), calling what each tap calls, as one kiosk tab's kernel would, against the
naive baseline of the same run: a new app per visitor (what a kiosk that rebuilt its page would
cost). The page's own tap-to-answer times (websocket and drawing included) are printed by
``tests/serve/test_kiosk_page.py`` (``pytest -s``).

    .venv/bin/python benchmarks/bench_kiosk.py [--visitors 50]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable

X, Y = 359747.25, 367210.55
CORNERS = [(X - 10, Y - 10), (X + 10, Y - 10), (X + 10, Y + 10), (X - 10, Y + 10)]


def rss_mb() -> float:
    """Resident memory of the process, from /proc (Linux)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def timed(action: Callable[[], None], repeat: int = 7) -> float:
    """Median milliseconds of ``action``."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=50)
    args = parser.parse_args()

    from ipywidgets.widgets.widget import _instances

    import terroffer
    from terroffer.app.kiosk import Kiosk, warm_up

    plan = terroffer.load_plan()
    warm_up(plan)
    clock_calls: list[tuple[float, Callable[[], None]]] = []

    def schedule(delay: float, callback: Callable[[], None]) -> Callable[[], None]:
        entry = (delay, callback)
        clock_calls.append(entry)
        return lambda: clock_calls.remove(entry) if entry in clock_calls else None

    app = Kiosk(plan, "fr", schedule=schedule)
    # The note's PDF is made after the answer is on the screen: time it apart.
    make_pdf = app._show_print
    pdf_ms: list[float] = []

    def timed_pdf() -> None:
        start = time.perf_counter()
        make_pdf()
        pdf_ms.append((time.perf_counter() - start) * 1000)

    app._show_print = timed_pdf  # type: ignore[method-assign]
    temara = str(plan.communes.loc[plan.communes["name_fr"] == "Témara", "code"].iloc[0])

    def invest() -> None:
        app.reset()
        app.invest()
        app.choose_sector("housing")
        start = time.perf_counter()
        app.choose_commune(temara)
        times["invest: commune -> zones"].append((time.perf_counter() - start) * 1000)

    def plot() -> None:
        app.reset()
        app.own_plot()
        app.enter_corners(CORNERS)
        start = time.perf_counter()
        app.finish_plot()
        times["plot: finish -> answer + QR + PDF"].append((time.perf_counter() - start) * 1000)

    def tap() -> None:
        app.reset()
        app.own_plot()
        app.tap_screen()
        start = time.perf_counter()
        app.tap(X, Y)
        times["map tap -> answer + QR + PDF"].append((time.perf_counter() - start) * 1000)

    def contact() -> None:
        app.reset()
        start = time.perf_counter()
        app.contact()
        times["contact"].append((time.perf_counter() - start) * 1000)

    times: dict[str, list[float]] = {
        k: []
        for k in (
            "invest: commune -> zones",
            "plot: finish -> answer + QR + PDF",
            "map tap -> answer + QR + PDF",
            "contact",
        )
    }
    for _ in range(7):
        for path in (invest, plot, tap, contact):
            path()
    print("tap to answer, kernel side (median of 7; target < 500 ms):")
    for name, samples in times.items():
        print(f"  {name:36s} {statistics.median(samples):7.1f} ms")
    print(f"  {'of which the PDF, after the answer':36s} {statistics.median(pdf_ms):7.1f} ms")

    def whole_visit() -> None:
        app.own_plot()
        app.enter_corners(CORNERS)
        app.finish_plot()
        app.reset()

    reset_ms = timed(whole_visit)
    print(f"  {'a whole plot visit then idle reset':36s} {reset_ms:7.1f} ms")

    def visitor(k: int, kiosk: Kiosk) -> None:
        kiosk.set_language("ar" if k % 2 else "fr")
        kiosk.invest()
        kiosk.choose_sector("housing")
        kiosk.choose_commune(temara)
        kiosk.select_result(int(kiosk.results.zone_id.iloc[0]))
        kiosk.reset()
        kiosk.own_plot()
        kiosk.enter_corners(CORNERS)
        kiosk.finish_plot()
        kiosk.reset()  # what the idle timeout calls

    gc.collect()
    print(f"\n{args.visitors} visitors in a row on one kiosk (one tab's kernel):")
    marks = {1, 10, 25, args.visitors}
    for k in range(1, args.visitors + 1):
        visitor(k, app)
        if k in marks:
            gc.collect()
            print(f"  after {k:3d}: RSS {rss_mb():7.1f} MB, widgets {len(_instances)}")
    print(f"\nbaseline, a new app per visitor ({args.visitors} visitors):")
    for k in range(1, args.visitors + 1):
        visitor(k, Kiosk(plan, "fr", schedule=schedule))
        if k in marks:
            gc.collect()
            print(f"  after {k:3d}: RSS {rss_mb():7.1f} MB, widgets {len(_instances)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
