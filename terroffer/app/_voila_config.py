"""The Voilà settings a public terroffer deployment needs, pinned in one place, and the server.

``terroffer serve`` runs :class:`TerrofferVoila` in its own process with :func:`voila_argv`; the
tests read the same :func:`pinned_settings` and check the running server behaves by them. The
settings go on the command line because Voilà gives the command line priority over every config
file: a stray ``voila.json`` in ``~/.jupyter`` cannot switch tracebacks back on.

Run as ``python -m terroffer.app._voila_config NOTEBOOK --Voila.port=...``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from terroffer.reference import LANGUAGES, translate

__all__ = [
    "FRONT_ENDS",
    "ServeSettings",
    "TerrofferVoila",
    "loading_texts",
    "main",
    "pinned_settings",
    "voila_argv",
]

#: A regular expression no path matches: ``/voila/files/`` serves nothing at all (Voilà's default
#: serves any picture below the folder it was started in).
NOTHING = "(?!)"

#: The JupyterLab extensions whose front ends the page loads: the widgets and the map widget.
FRONT_ENDS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8", "jupyter-leaflet")

#: Options an operator may tune (``terroffer serve`` reads them from the environment), with sane
#: defaults for a booth laptop: one warm kernel, a visitor's kernel freed after 10 idle minutes.
ENV_OF = {
    "pool_size": "TERROFFER_POOL_SIZE",
    "cull_idle_timeout": "TERROFFER_CULL_IDLE_TIMEOUT",
    "cull_interval": "TERROFFER_CULL_INTERVAL",
    "cull_connected": "TERROFFER_CULL_CONNECTED",
}


@dataclass(frozen=True)
class ServeSettings:
    """What varies between deployments; everything else is pinned by :func:`pinned_settings`."""

    host: str = "127.0.0.1"
    port: int = 8866
    #: kernels kept warm, the plan already loaded, for the next visitors
    pool_size: int = 1
    #: seconds a kernel may stay idle before it is shut down, even with a tab still open
    cull_idle_timeout: int = 600
    cull_interval: int = 60
    #: a forgotten tab on a public page must not hold a 300 MB kernel forever
    cull_connected: bool = True
    #: a tab on this machine's browser (``--open``); never on a server
    open_browser: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **given: Any) -> ServeSettings:
        """Settings from ``given`` (the command line), else ``TERROFFER_POOL_SIZE``... , else defaults."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for field in fields(cls):
            if given.get(field.name) is not None:
                values[field.name] = given[field.name]
            elif field.name in ENV_OF and env.get(ENV_OF[field.name], "").strip():
                raw = env[ENV_OF[field.name]].strip()
                values[field.name] = raw.lower() in ("1", "true", "yes") if field.type == "bool" else int(raw)
        return cls(**values)


def pinned_settings(notebook: str | os.PathLike[str], settings: ServeSettings) -> dict[str, Any]:
    """Every traitlet ``terroffer serve`` sets, as ``{"Class.trait": value}``."""
    return {
        "Voila.ip": settings.host,
        "Voila.port": settings.port,
        # the port was checked free before: never wander to another one behind the user's back
        "Voila.port_retries": 0,
        "Voila.open_browser": settings.open_browser,
        # /voila/files/ is rooted at the notebooks' folder, not wherever the command was started
        "Voila.root_dir": str(Path(notebook).resolve().parent),
        "VoilaConfiguration.template": "terroffer",
        "VoilaConfiguration.strip_sources": True,
        "VoilaConfiguration.show_tracebacks": False,
        # a visitor may not switch to a template or theme that fetches from a CDN (?template=lab)
        "VoilaConfiguration.allow_template_override": "NO",
        "VoilaConfiguration.allow_theme_override": "NO",
        "VoilaConfiguration.file_allowlist": [NOTHING],
        # the page loads the front ends of these JupyterLab extensions and of no other that happens
        # to be installed beside them: fewer scripts before the map, none an operator did not choose
        "VoilaConfiguration.extension_allowlist": list(FRONT_ENDS),
        "VoilaConfiguration.preheat_kernel": True,
        "VoilaConfiguration.default_pool_size": settings.pool_size,
        "VoilaConfiguration.progressive_rendering": False,
        "MappingKernelManager.cull_idle_timeout": settings.cull_idle_timeout,
        "MappingKernelManager.cull_interval": settings.cull_interval,
        "MappingKernelManager.cull_connected": settings.cull_connected,
        "MappingKernelManager.cull_busy": False,
    }


def voila_argv(notebook: str | os.PathLike[str], settings: ServeSettings) -> list[str]:
    """The command-line arguments of :func:`main` that serve ``notebook`` with ``settings``."""
    argv = [str(Path(notebook).resolve())]
    for name, value in pinned_settings(notebook, settings).items():
        if isinstance(value, list):
            for item in value:  # traitlets 5 takes a list as the option repeated, one item each
                argv.extend([f"--{name}", item])
        else:
            argv.append(f"--{name}={value}")
    return argv


def loading_texts() -> dict[str, dict[str, str]]:
    """The loading screen's words in every language, for the template's script to choose from."""
    return {
        lang: {
            "loading": translate("serve.loading", lang),
            # the page's script puts the numbers in: keep the placeholders as they are
            "progress": translate("serve.progress", lang, step="{step}", count="{count}"),
            "culled": translate("serve.culled", lang),
            "reload": translate("serve.reload", lang),
        }
        for lang in LANGUAGES
    }


def _server_class() -> type:
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class PageHandler(TornadoVoilaHandler):  # type: ignore[misc]
        """The notebook page, which also sets the ``_xsrf`` cookie.

        Voilà renders its page without touching ``xsrf_token``, so no ``_xsrf`` cookie is ever
        set; the page's ``beforeunload`` beacon to ``/voila/api/shutdown/<kernel>`` then posts an
        empty ``_xsrf`` and is refused (403 '_xsrf' argument missing), and the closed tab's kernel
        lives on. Reading the token before the page streams out sets the cookie.
        """

        async def prepare(self) -> None:
            await super().prepare()
            self.xsrf_token  # noqa: B018 - read for its side effect: the Set-Cookie header

    class Server(Voila):  # type: ignore[misc]
        """Voilà with the page handler above, the zone tiles and terroffer's words in the template."""

        def init_handlers(self) -> list[Any]:
            from terroffer.app.tiles import tile_handlers

            handlers = super().init_handlers()
            # the tiles go first: Voilà's last route sends every other path to the notebook page
            return [*tile_handlers(self.server_url)] + [
                (rule[0], PageHandler, *rule[2:]) if rule[1] is TornadoVoilaHandler else rule
                for rule in handlers
            ]

    return Server


#: The server class, built on first use so that importing this module does not import Voilà.
TerrofferVoila: Any = None


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGTERM or SIGINT; Voilà then shuts every kernel down before returning."""
    global TerrofferVoila
    from traitlets.config import Config

    TerrofferVoila = TerrofferVoila or _server_class()
    lang = os.environ.get("TERROFFER_LANG", "fr")
    config = Config()
    # the template reads these: <html lang dir> and the loading screen, before any kernel answers
    config.VoilaConfiguration.resources = {
        "terroffer_lang": lang if lang in LANGUAGES else "fr",
        "terroffer_texts": json.dumps(loading_texts(), ensure_ascii=False),
    }
    app = TerrofferVoila.instance(config=config)
    app.initialize(list(sys.argv[1:] if argv is None else argv))
    # Ctrl-C takes SIGTERM's path: the loop stops at its next turn, then every kernel is shut
    # down. Left to Python, it is a KeyboardInterrupt raised wherever the main thread happens to
    # be, which a library on the way may swallow: a CI run saw the server outlive it.
    signal.signal(signal.SIGINT, app._handle_signal_stop)
    app.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
