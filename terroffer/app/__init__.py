"""ipywidgets apps served by Voilà: the explorer, its map widget and the widgets apps share.

Importing this package imports no widget library: ``terroffer.app.explorer`` and
``terroffer.app.map`` import ipywidgets and ipyleaflet when they are used.
"""

from terroffer.io.sample import default_plan_path

__all__ = ["Explorer", "default_plan_path"]


def __getattr__(name: str) -> object:
    if name == "Explorer":
        from terroffer.app.explorer import Explorer

        return Explorer
    raise AttributeError(name)
