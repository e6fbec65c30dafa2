"""The page ``terroffer serve`` sends: its language, its loading screen, what it hides and refuses.

The server starts beside a ``voila.json`` that tries to undo every public setting
(conftest.HOSTILE_CONFIG): these tests pass only if the pinned settings win.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_the_page_speaks_the_server_language_and_sets_the_xsrf_cookie(server):
    html, _, jar = server.page()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Chargement des plans" in html
    # Voilà's English "Running <title>..." is gone; its "Executing 1 of 2" is replaced in the script
    assert "Running " not in html
    assert '<h2 id="loading_text"></h2>' in html
    assert html.index("window.voila_process = function (step, count)") > html.index("Executing ${cell_index}")
    # the page's closing beacon posts this cookie's value: without it, 403 '_xsrf' argument missing
    assert "_xsrf" in {cookie.name for cookie in jar}


def test_sources_are_stripped(server):
    html, _, _ = server.page()
    # the notebook's code (its comments and calls) never reaches the visitor
    assert "wait_for_request" not in html and "request_lang" not in html


def test_a_visitor_cannot_switch_to_a_template_that_needs_the_internet(server):
    # the lab template links Font Awesome on a CDN; ours does not, and ?template= is ignored
    html, _, _ = server.page("?template=lab")
    assert "cdn.jsdelivr.net" not in html


def test_no_file_of_the_machine_is_served(server):
    # the picture lies in the folder the server was started in, which Voilà would serve by default
    status, _ = server.get("voila/files/private.png")
    assert status in (403, 404)
    status, _ = server.get("voila/files/explorer.ipynb")
    assert status in (403, 404)


def test_the_leaflet_map_stays_left_to_right(server):
    html, _, _ = server.page()
    assert ".leaflet-container, .terroffer-map { direction: ltr; }" in html


def test_the_page_loads_only_the_widget_front_ends(server):
    # jupyterlab_pygments is installed beside them (jupyterlab needs it): the page must not load it
    import json
    import re

    from terroffer.app._voila_config import FRONT_ENDS

    html, _, _ = server.page()
    found = re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S)
    config = json.loads(found.group(1))
    loaded = {extension["name"] for extension in config["federated_extensions"]}
    assert loaded == {"@jupyter-widgets/jupyterlab-manager", "jupyter-leaflet"} | (loaded & set(FRONT_ENDS))
    assert "jupyterlab_pygments" not in loaded and "jupyterlab_pygments" not in html
