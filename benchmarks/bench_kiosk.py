"""The kiosk's kernel side: tap to answer for each path, and memory after 50 visitors in a row.

Runs the app of ``notebooks/kiosk.ipynb`` in this process on the bundled sample (or
``TERROFFER_PLAN``), calling what each tap calls, as one kiosk tab's kernel would, against the
naive baseline of the same run: a new app per visitor (what a kiosk that rebuilt its page would
cost). Each path is timed in French and in Arabic, with the widget messages it sends (in a
served kiosk each one is serialised, signed, sent over the websocket and drawn: on a loaded
machine they cost more than the Python work). ``--profile`` prints cProfile's view of the
Arabic invest path. The page's own tap-to-answer times (websocket and drawing included) are in
``benchmarks/bench_dashboard.py --kiosk-only``.

    .venv/bin/python benchmarks/bench_kiosk.py [--visitors 50] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
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


class MessageCount:
    """Counts the widget messages sent (opens, state updates, closes) while it is entered.

    Outside a kernel a widget's comm is a ``comm.DummyComm`` that sends nothing: its
    ``publish_msg`` is where a kernel's comm would serialise and send each message.
    """

    def __init__(self) -> None:
        self.n = 0

    def __enter__(self) -> MessageCount:
        import comm

        self._saved = comm.DummyComm.publish_msg

        def publish(*_: object, **__: object) -> None:
            self.n += 1

        comm.DummyComm.publish_msg = publish  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        import comm

        comm.DummyComm.publish_msg = self._saved  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile of the Arabic invest path")
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

    times: dict[str, list[float]] = {}
    messages: dict[str, int] = {}

    def measure(name: str, action: Callable[[], None]) -> None:
        with MessageCount() as count:
            start = time.perf_counter()
            action()
            times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        messages[name] = count.n

    def start_in(lang: str) -> None:
        app.reset()
        app.set_language(lang)

    def invest(lang: str) -> None:
        start_in(lang)
        app.invest()
        app.choose_sector("housing")
        measure(f"invest: commune -> zones ({lang})", lambda: app.choose_commune(temara))

    def plot(lang: str) -> None:
        start_in(lang)
        app.own_plot()
        app.enter_corners(CORNERS)
        measure(f"plot: finish -> answer, QR, notes ({lang})", app.finish_plot)

    def tap(lang: str) -> None:
        start_in(lang)
        app.own_plot()
        app.tap_screen()
        measure(f"map tap -> answer, QR, notes ({lang})", lambda: app.tap(X, Y))

    def contact(lang: str) -> None:
        start_in(lang)
        measure(f"contact ({lang})", app.contact)

    def language(lang: str) -> None:
        app.reset()
        measure(f"language button ({lang})", lambda: app.set_language(lang))

    for lang in ("fr", "ar"):
        pdf_ms.clear()
        for _ in range(7):
            for path in (invest, plot, tap, contact, language):
                path(lang)
        times[f"of which the print page and PDF ({lang})"] = list(pdf_ms)
    print("tap to answer, kernel side (median of 7; target < 500 ms), and the widget messages sent:")
    for name, samples in times.items():
        sent = f"{messages[name]:5d} messages" if name in messages else ""
        print(f"  {name:44s} {statistics.median(samples):7.1f} ms {sent}")

    if args.profile:
        start_in("ar")
        app.invest()
        app.choose_sector("housing")
        profile = cProfile.Profile()
        profile.enable()
        app.choose_commune(temara)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
        print("\ncProfile, the Arabic invest path (choose_commune):\n" + out.getvalue())

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
