"""Presentations: one style (palette and labels) shared by maps, charts and dashboards."""
