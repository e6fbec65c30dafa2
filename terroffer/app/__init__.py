"""ipywidgets apps served by Voilà. Widget wiring lives here, tested without a browser."""

from terroffer.app.overview import Overview, default_plan_path

__all__ = ["Overview", "default_plan_path"]
