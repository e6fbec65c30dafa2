"""The OLD overview page (before the explorer), kept only as the baseline of bench_dashboard.py.

The explorer with a clickable map comes later; this one shows the plan's documents
with their status, the zoned area by sector, and a static map, and switches language
(right to left in Arabic).
"""

from __future__ import annotations

import html
import io
from typing import Any

import pandas as pd

from terroffer import words
from terroffer.io.sample import default_plan_path
from terroffer.model import Plan
from terroffer.reference import translate
from terroffer.render.style import sector_colour, sector_name, text_direction

__all__ = ["Overview", "default_plan_path", "sector_table"]

_STATUS_KEYS = {
    "approved": "status.approved",
    "under_study": "status.under_study",
    "expired": "status.expired",
}


def sector_table(plan: Plan) -> pd.DataFrame:
    """Zoned area (ha) and number of zones per sector, largest first."""
    zones = plan.zones
    table = (
        zones.assign(area_ha=zones.geometry.area / 10_000)
        .groupby("sector", as_index=False)
        .agg(zones=("zone_code", "size"), area_ha=("area_ha", "sum"))
        .sort_values("area_ha", ascending=False, ignore_index=True)
    )
    return table


class Overview:
    """The overview app: ``Overview(plan).widget`` is an ipywidgets box to display.

    Parameters
    ----------
    plan
        A loaded plan.
    lang
        ``"fr"`` or ``"ar"`` (``"en"`` also works); the toggle changes it.
    """

    def __init__(self, plan: Plan, lang: str = "fr") -> None:
        import ipywidgets as widgets

        self.plan = plan
        self.language = widgets.ToggleButtons(
            options=[("العربية", "ar"), ("Français", "fr"), ("English", "en")],
            value=lang,
            style={"button_width": "7em"},
        )
        self.body = widgets.HTML()
        self.map = widgets.Image(format="png", layout={"max_width": "760px"})
        self.widget = widgets.VBox([self.language, self.body, self.map], layout={"width": "100%"})
        self.language.observe(self._on_language, names="value")
        self._map_png: dict[str, bytes] = {}
        self.render()

    @property
    def lang(self) -> str:
        """The language shown."""
        return str(self.language.value)

    def _on_language(self, change: dict[str, Any]) -> None:
        self.render()

    def render(self) -> None:
        """Redraw the text and the map in the current language."""
        self.body.value = self.html()
        self.map.value = self.map_png()

    def map_png(self) -> bytes:
        """The static map as PNG bytes, drawn once per language."""
        if self.lang not in self._map_png:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            from terroffer.render.static import overview_figure

            fig = overview_figure(self.plan, lang=self.lang)
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            plt.close(fig)
            self._map_png[self.lang] = buf.getvalue()
        return self._map_png[self.lang]

    def html(self) -> str:
        """The text part of the page, escaped, with the right direction."""
        lang, plan = self.lang, self.plan
        t = lambda key, **kw: html.escape(translate(key, lang, **kw))  # noqa: E731
        parts = [f'<div dir="{text_direction(lang)}" lang="{lang}" class="terroffer-overview">']
        parts.append(f"<h1>{t('app.title')}</h1>")
        if plan.illustrative:
            banner = t("app.illustrative")
            parts.append(f'<p class="terroffer-banner" style="background:#fff3cd;padding:6px">{banner}</p>')
        parts.append(f"<h2>{t('app.plans')}</h2><ul>")
        for row in plan.plans.itertuples():
            name = row.name_ar if lang == "ar" and isinstance(row.name_ar, str) else row.name_fr
            name = name if isinstance(name, str) else row.plan_id
            status = t(_STATUS_KEYS.get(str(row.status), "status.unknown"))
            parts.append(f"<li><b>{html.escape(str(name))}</b> — {status}</li>")
        parts.append("</ul>")
        parts.append(f"<h2>{t('app.by_sector')}</h2><table><tr>")
        parts.append(f"<th>{t('app.sector')}</th><th>{t('app.zones')}</th><th>{t('app.area_ha')}</th></tr>")
        for row in sector_table(plan).itertuples():
            colour = sector_colour(row.sector)
            swatch = f'<span style="display:inline-block;width:1em;height:1em;background:{colour}"></span>'
            parts.append(
                f"<tr><td>{swatch} {html.escape(sector_name(row.sector, lang))}</td>"
                f"<td>{words.number(row.zones, lang)}</td><td>{words.number(row.area_ha, lang, 1)}</td></tr>"
            )
        parts.append("</table>")
        parts.append(f'<p style="font-size:small">{t("app.source_line")}</p></div>')
        return "".join(parts)
