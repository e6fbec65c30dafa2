"""The kiosk's pieces that are not widgets: its settings, idle timer, CSS, keypad entry and QR note.

Pure Python, so that :mod:`terroffer.app.kiosk` stays the wiring of screens and tests can reach
each piece alone.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from terroffer import words
from terroffer.render.style import colour, text_direction

__all__ = [
    "KIOSK_CSS",
    "IdleTimer",
    "KioskSettings",
    "Keypad",
    "note_summary",
    "print_link",
    "qr_svg",
]

#: WCAG 2.2.1 (timing adjustable): a visitor gets at least 20 s to say they are still there.
MIN_PROMPT_S = 20.0


@dataclass(frozen=True)
class KioskSettings:
    """How long the kiosk waits before asking "still there?", and how long it then waits for an answer."""

    #: seconds without a touch before the prompt
    idle_s: float = 90.0
    #: seconds the prompt stays before the kiosk returns to its start screen, every input forgotten
    prompt_s: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> KioskSettings:
        """``TERROFFER_KIOSK_IDLE`` and ``TERROFFER_KIOSK_PROMPT`` (seconds), else the defaults.

        A prompt shorter than 20 s is lengthened to 20 s: a slow reader must have time to answer.
        """
        env = os.environ if env is None else env

        def seconds(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            try:
                value = float(raw) if raw else default
            except ValueError:
                return default
            return value if value > 0 else default

        return cls(
            idle_s=seconds("TERROFFER_KIOSK_IDLE", cls.idle_s),
            prompt_s=max(seconds("TERROFFER_KIOSK_PROMPT", cls.prompt_s), MIN_PROMPT_S),
        )


#: ``schedule(delay_s, callback) -> cancel``: the kernel's event loop in a served kiosk, a
#: hand-driven clock in tests.
Schedule = Callable[[float, Callable[[], None]], Callable[[], None]]


def loop_schedule() -> Schedule | None:
    """A schedule on the kernel's running asyncio loop, or None outside one (a plain script)."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return None

    def schedule(delay: float, callback: Callable[[], None]) -> Callable[[], None]:
        handle = loop.call_later(delay, callback)
        return handle.cancel

    return schedule


class IdleTimer:
    """Calls ``on_idle`` after ``idle_s`` without :meth:`touch`, then ``on_timeout`` ``prompt_s`` later.

    The kiosk's every touch sends a widget message (every target is a button; the map sends
    its clicks and its moves), so the kernel sees each one and restarts the timer: no page
    script is needed to measure idleness.
    """

    def __init__(
        self,
        settings: KioskSettings,
        on_idle: Callable[[], None],
        on_timeout: Callable[[], None],
        schedule: Schedule | None = None,
    ) -> None:
        self.settings = settings
        self._on_idle = on_idle
        self._on_timeout = on_timeout
        self._schedule = schedule
        self._cancel: Callable[[], None] | None = None
        #: "idle" (counting down to the prompt), "prompt" (counting down to the reset) or "off"
        self.phase = "off"

    def _arm(self, delay: float, callback: Callable[[], None]) -> None:
        self.stop()
        if self._schedule is not None:
            self._cancel = self._schedule(delay, callback)

    def touch(self) -> None:
        """A visitor did something: count the idle time again from now."""
        self.phase = "idle"
        self._arm(self.settings.idle_s, self._idle)

    def stop(self) -> None:
        """No timer (the start screen needs none: there is nothing to forget)."""
        if self._cancel is not None:
            self._cancel()
            self._cancel = None
        self.phase = "off"

    def _idle(self) -> None:
        self._cancel = None
        self._arm(self.settings.prompt_s, self._timeout)
        self.phase = "prompt"
        self._on_idle()

    def _timeout(self) -> None:
        self._cancel = None
        self.phase = "off"
        self._on_timeout()


class Keypad:
    """The digits a visitor types for the plot's corners: X then Y of each corner, in metres.

    ``press("7")``, ``press(".")``, ``press("del")``; :meth:`confirm` takes the number typed
    as the current corner's X or Y. A corner is complete once both are in.
    """

    #: a Lambert coordinate has 6 digits before the point; 3 after is the millimetre
    MAX_CHARS = 12

    def __init__(self) -> None:
        self.corners: list[tuple[float, float]] = []
        self.x: float | None = None
        self.typed = ""

    @property
    def axis(self) -> str:
        """``"x"`` or ``"y"``: what the next confirmed number is."""
        return "x" if self.x is None else "y"

    def press(self, key: str) -> None:
        """A digit, ``"."`` or ``"del"`` (the last character typed)."""
        if key == "del":
            self.typed = self.typed[:-1]
        elif key == "." and "." not in self.typed and len(self.typed) < self.MAX_CHARS:
            self.typed = (self.typed or "0") + "."
        elif re.fullmatch(r"[0-9]", key) and len(self.typed) < self.MAX_CHARS:
            self.typed += key

    def confirm(self) -> bool:
        """Take the typed number as X or Y; False (nothing changes) when nothing valid was typed."""
        try:
            value = float(self.typed)
        except ValueError:
            return False
        self.typed = ""
        if self.x is None:
            self.x = value
        else:
            self.corners.append((self.x, value))
            self.x = None
        return True

    def undo(self) -> None:
        """Forget what is being typed, else the half corner, else the last corner."""
        if self.typed:
            self.typed = ""
        elif self.x is not None:
            self.x = None
        elif self.corners:
            self.corners.pop()

    def clear(self) -> None:
        """Forget every corner and digit."""
        self.corners = []
        self.x = None
        self.typed = ""


_BIDI = re.compile("[\u200e\u200f\u2066-\u2069]")


def note_summary(result: Any, plan: Any, lang: str, reference: str) -> str:
    """The note in a few lines of plain text, in ``lang``, for the QR code the visitor takes away.

    The note's own words (:func:`terroffer.render._note_text.note_text`): title, reference and
    date, the key figures, the zones, the alerts (draft plan, illustrative data), the single
    window's phone. Bidirectional marks are left out: a phone shows the text as it is.
    """
    from terroffer.render._note_text import note_text

    text = note_text(result, plan, lang, reference=reference)
    sep = text.label_sep
    lines = [text.title, f"{text.reference_label}{sep}{reference}", f"{text.date_label}{sep}{text.date}"]
    lines += [f"{label}{sep}{value}" if value else label for label, value, _ in text.facts]
    if text.zones is not None:
        lines.append(text.zones_heading)
        lines += [" · ".join(str(c) for c in row[:3] if c) for row in text.zones.rows]
    lines += [alert.text for alert in text.alerts]
    lines.append(text.contacts_heading)
    lines.append(text.contact_lines[1])  # the phone: the address and hours are on the printed note
    if text.contacts_note:
        lines.append(text.contacts_note)
    return _BIDI.sub("", "\n".join(line for line in lines if line))


def qr_svg(text: str, size_px: int = 440) -> str:
    """``text`` as a QR code in inline SVG, with its 4-module quiet zone, UTF-8 declared (ECI)."""
    from terroffer.render._qr import qr_svg as svg

    return svg(text, size_px, error="l", utf8=True, css="terroffer-kiosk-qr-code", crisp=True)


def print_link(page: str, label: str, lang: str) -> str:
    """The kiosk's *Print* link: ``page`` (the note's HTML) rides in its ``data-terroffer-print``.

    The page template's script catches a tap on it, writes the page into a hidden frame and
    prints that frame (with Chromium's ``--kiosk-printing``, to the default printer, no
    dialog). Base64 of the UTF-8 page, so that no quote or ampersand of it needs escaping.
    """
    data = base64.b64encode(page.encode("utf-8")).decode("ascii")
    return (
        f'<div class="terroffer-download" dir="{text_direction(lang)}"><a class="terroffer-kiosk-print-link" '
        f'href="#" role="button" data-terroffer-print="{data}">{html.escape(label)}</a></div>'
    )


def corner_lines(keypad: Keypad, lang: str, corner_label: Callable[[int], str]) -> str:
    """The corners typed so far as an HTML list, left to right (coordinates read so, in Arabic too)."""
    items = []
    for k, (x, y) in enumerate(keypad.corners, start=1):
        # to the centimetre, as typed: a rounded corner would not be the one the visitor sees
        xy = f"X {words.number(x, lang, 2)}   Y {words.number(y, lang, 2)}"
        items.append(
            f"<li><b>{html.escape(corner_label(k))}</b> <span dir='ltr'>{html.escape(xy)}</span></li>"
        )
    return f"<ol class='terroffer-kiosk-corners'>{''.join(items)}</ol>" if items else ""


def _css() -> str:
    ink, paper = colour("ink"), colour("paper")
    return f"""<style>
.terroffer-kiosk {{ font-size: 22px; line-height: 1.35; color: {ink}; background: {paper};
  padding: 12px 16px; box-sizing: border-box; min-height: 100vh; }}
.terroffer-kiosk .widget-html, .terroffer-kiosk .widget-html-content {{ font-size: 22px; line-height: 1.35; }}
.terroffer-kiosk h1 {{ font-size: 40px; margin: 8px 0 12px; }}
.terroffer-kiosk h2 {{ font-size: 32px; margin: 8px 0 12px; }}
.terroffer-kiosk .terroffer-panel h3 {{ font-size: 24px; }}
.terroffer-kiosk .terroffer-table td, .terroffer-kiosk .terroffer-table th {{ font-size: 20px; }}
.terroffer-kiosk-screen {{ gap: 16px; }}
.terroffer-kiosk .leaflet-control-zoom a {{ width: 56px !important; height: 56px !important;
  line-height: 56px !important; font-size: 30px !important; }}
.terroffer-kiosk-grid {{ display: flex; flex-flow: row wrap; gap: 8px; align-items: stretch; }}
.terroffer-kiosk-split {{ gap: 24px; align-items: flex-start; }}
.terroffer-kiosk-column {{ display: flex; flex-flow: column; gap: 8px; }}
.terroffer-kiosk .widget-button.terroffer-kiosk-target {{ min-width: 64px; min-height: 64px; height: auto;
  width: auto;
  font-size: 24px; line-height: 1.2; padding: 10px 18px; margin: 0; border-radius: 10px;
  white-space: normal; background: {paper}; color: {ink}; border: 3px solid {ink}; }}
.terroffer-kiosk .widget-button.terroffer-kiosk-primary {{ background: {ink}; color: {paper}; }}
.terroffer-kiosk .widget-button.terroffer-kiosk-choice {{ min-height: 120px; font-size: 30px;
  font-weight: 600; width: 100%; }}
.terroffer-kiosk .widget-button.terroffer-kiosk-key {{ width: 120px; height: 96px; font-size: 40px; }}
/* a keypad reads as on a phone, 7 8 9 from the left, in Arabic too */
.terroffer-kiosk-keys {{ direction: ltr; }}
.terroffer-kiosk-note {{ flex: 0 0 auto; }}
.terroffer-kiosk .widget-button:disabled {{ opacity: 0.45; }}
.terroffer-kiosk-bar {{ display: flex; gap: 8px; margin-bottom: 8px; }}
.terroffer-kiosk-entry {{ font-size: 36px; direction: ltr; text-align: left; border: 3px solid {ink};
  border-radius: 8px; padding: 8px 14px; min-height: 56px; background: {paper}; font-family: monospace; }}
.terroffer-kiosk-corners {{ font-size: 22px; margin: 4px 0; }}
.terroffer-kiosk-qr-code {{ display: block; background: {colour("qr_light")}; }}
.terroffer-kiosk .terroffer-download a {{ font-size: 24px; padding: 16px 22px; min-height: 64px;
  box-sizing: border-box; border-radius: 10px; }}
.terroffer-kiosk-screen-idle {{ border: 4px solid {ink}; border-radius: 12px; padding: 24px; }}
.terroffer-kiosk .terroffer-map {{ height: 48vh !important; }}
.terroffer-kiosk .terroffer-rules {{ max-height: none; }}
</style>"""


#: The kiosk's CSS on top of the apps' (:data:`terroffer.app.widgets.APP_CSS`): type of 20 px
#: and more, targets of 64 px (48 at least) 8 px apart, ink on paper.
KIOSK_CSS = _css()
