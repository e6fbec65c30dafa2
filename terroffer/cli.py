"""The ``terroffer`` command: parse arguments, call the library, print, set the exit code.

Exit codes: 0 done (and, for ``validate``, clean), 1 problems found in a plan that could
be loaded, 2 an input that could not be used — one line naming the file or the option
and saying what to do, in the chosen language (``--lang`` anywhere on the line, else
``TERROFFER_LANG``), never a traceback nor a Python warning above it. A reader that
closes the pipe early (``terroffer offer | head -1``) ends the command quietly (141).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from terroffer.errors import DataSourceError, FilterError, OptionError, TerrofferError
from terroffer.reference import LANGUAGES, translate

__all__ = ["build_parser", "main"]

#: The API keyword each error names -> the option a user of the command typed.
OPTION_OF = {
    "communes": "--commune",
    "sectors": "--sector",
    "families": "--family",
    "statuses": "--status",
    "use": "--use",
    "min_area_m2": "--min-area",
    "floors": "--floors",
    "max_floors": "--max-floors",
    "limit": "--limit",
    "order": "--order",
    "basemap": "--basemap",
}
#: Exit code of a command whose reader closed the pipe (128 + SIGPIPE, as the shell's tools).
EXIT_BROKEN_PIPE = 141
LISTS = ("uses", "sectors", "families", "communes", "plans")


def _lang_default() -> str:
    lang = os.environ.get("TERROFFER_LANG", "fr")
    return lang if lang in LANGUAGES else "fr"


def _lang_of(argv: Sequence[str]) -> str:
    """The language asked for anywhere on the line (the last ``--lang`` wins), before parsing.

    Parser errors are written in it too, so it cannot wait for the parser.
    """
    lang = _lang_default()
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGUAGES:
            lang = value
    return lang


# ----------------------------------------------------------------------------- parser errors


class UsageError(TerrofferError, ValueError):
    """A command line the parser refused: one translated line instead of argparse's usage block."""


_ARITY = {"one": 1, "two": 2}


def _usage_error(message: str, command: str) -> UsageError:
    """The English message of argparse as a terroffer error naming the option."""
    patterns: list[tuple[str, Callable[[re.Match[str]], UsageError]]] = [
        (
            r"argument (?:command|\{[^}]*\}): invalid choice: '([^']*)' \(choose from (.*)\)",
            lambda m: UsageError("error.command_unknown", m[1], choices=_choices(m[2])),
        ),
        (
            r"argument (\S+?): invalid choice: '([^']*)' \(choose from (.*)\)",
            lambda m: UsageError("error.option_choice", _first(m[1]), value=m[2], choices=_choices(m[3])),
        ),
        (
            r"argument (\S+?): expected (\w+) arguments?",
            lambda m: UsageError("error.option_arity", _first(m[1]), count=_ARITY.get(m[2], m[2])),
        ),
        (
            r"argument (\S+?): not allowed with argument (\S+)",
            lambda m: UsageError("error.options_exclusive", _first(m[1]), other=_first(m[2])),
        ),
        (
            r"the following arguments are required: (.*)",
            lambda m: UsageError("error.args_required", m[1], command=command),
        ),
        (
            r"one of the arguments (.*) is required",
            lambda m: UsageError("error.args_one_of", m[1], command=command),
        ),
        (
            r"unrecognized arguments: (.*)",
            lambda m: UsageError("error.args_unrecognized", m[1], command=command),
        ),
        (
            r"argument (\S+?): (.*)",
            lambda m: UsageError("error.usage", _first(m[1]), reason=m[2], command=command),
        ),
    ]
    for pattern, make in patterns:
        match = re.fullmatch(pattern, message.strip())
        if match:
            return make(match)
    return UsageError("error.usage", "terroffer", reason=message, command=command)


def _choices(listed: str) -> tuple[str, ...]:
    """The names in argparse's ``'a', 'b'``, so that the message lists them in its own language."""
    return tuple(name.strip().strip("'") for name in listed.split(","))


def _first(names: str) -> str:
    """``-o/--out`` -> ``--out``: the long name a user reads in the help."""
    return names.split("/")[-1]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are exceptions (one translated line), not a usage block."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        raise _usage_error(message, command or "")


# ----------------------------------------------------------------------------- option values


def _number(value: str | None, option: str) -> float | None:
    """A finite number given to ``option`` (comma decimals accepted), or None when not given."""
    if value is None:
        return None
    try:
        number = float(str(value).replace(",", ".").replace("\u066b", "."))
    except ValueError:
        raise OptionError("error.option_not_number", option, value=value) from None
    if not math.isfinite(number):
        raise OptionError("error.option_not_number", option, value=value)
    return number


def _integer(value: str | None, option: str) -> int | None:
    """A whole number given to ``option``, or None when not given."""
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise OptionError("error.option_not_integer", option, value=value) from None


def _lonlat(values: Sequence[str]) -> tuple[float, float]:
    try:
        lon, lat = (float(str(v).replace(",", ".")) for v in values)
    except ValueError:
        raise OptionError("error.option_lonlat", "--lonlat", lon=values[0], lat=values[1]) from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise OptionError("error.option_lonlat", "--lonlat", lon=values[0], lat=values[1])
    return lon, lat


def _xy(values: Sequence[str]) -> tuple[float, float]:
    try:
        x, y = (float(str(v).replace(",", ".")) for v in values)
    except ValueError:
        raise OptionError("error.option_xy", "--xy", x=values[0], y=values[1]) from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise OptionError("error.option_xy", "--xy", x=values[0], y=values[1])
    return x, y


# ----------------------------------------------------------------------------- the parser


def _lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of messages")


def _order_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--order",
        choices=("xy", "yx"),
        help="order of coordinates without a header or a CRS: xy (X first, the surveyors' way) or yx",
    )


def _source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="zoning file or CNIG delivery folder")
    parser.add_argument("--crs", help="CRS of the source when it has none (e.g. EPSG:26191)")
    parser.add_argument("--encoding", help="text encoding of a Shapefile/MapInfo table (e.g. cp1256)")
    parser.add_argument("--profile", help="column profile: canonical, cnig, generic or a YAML mapping file")
    parser.add_argument("--layer", help="the zones layer when the source has several")
    parser.add_argument("--rules", help="CSV/XLSX of rules for a source that carries zones only")
    _order_option(parser)


def _plan_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plan", help="the plan (default: TERROFFER_PLAN, else the bundled sample)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``terroffer`` command (its errors raise :class:`UsageError`)."""
    parser = _Parser(prog="terroffer", description="Zoning plans and the territorial offer.")
    parser.add_argument("--lang", choices=LANGUAGES, default=_lang_default(), help="language of messages")
    sub = parser.add_subparsers(dest="command", required=True)

    val = sub.add_parser("validate", help="check a zoning plan and report its problems")
    _source_options(val)
    val.add_argument("--json", action="store_true", help="print the report as JSON")
    _lang_option(val)

    imp = sub.add_parser("import", help="load a zoning plan and write it as a canonical GeoPackage")
    _source_options(imp)
    imp.add_argument("--into", required=True, help="the GeoPackage to write (replaced only on success)")
    _lang_option(imp)

    off = sub.add_parser("offer", help="the territorial offer by commune, sector and family")
    _plan_option(off)
    off.add_argument("--commune", nargs="+", help="communes (codes or names)")
    off.add_argument("--sector", nargs="+", help="sectors (housing, industry, services, tourism, ...)")
    off.add_argument("--family", nargs="+", help="zone families (villa, industry, ...)")
    off.add_argument(
        "--status", nargs="+", help="plan statuses to count (default: approved and unknown; also under_study)"
    )
    off.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table")
    off.add_argument("--out", help="write to this file instead of the terminal (required for xlsx)")
    _lang_option(off)

    sea = sub.add_parser("search", help="zones where a use is allowed, ranked for an investor")
    _plan_option(sea)
    sea.add_argument("--use", required=True, help="a use from the catalogue: hotel, villa, factory, ...")
    sea.add_argument("--min-area", help="minimum usable area, m²")
    sea.add_argument("--commune", nargs="+")
    sea.add_argument("--sector", nargs="+")
    sea.add_argument("--status", nargs="+", help="plan statuses (default: approved, under study, unknown)")
    sea.add_argument("--floors", help="floors the project needs (ground floor included)")
    sea.add_argument("--limit", default="20", help="at most this many zones (default 20)")
    sea.add_argument("--json", action="store_true")
    _lang_option(sea)

    look = sub.add_parser("lookup", help="what the plans say about a plot, and what may be built on it")
    _plan_option(look)
    where = look.add_mutually_exclusive_group(required=True)
    where.add_argument("--lonlat", nargs=2, metavar=("LON", "LAT"))
    where.add_argument("--xy", nargs=2, metavar=("X", "Y"), help="Lambert X Y in the plan's CRS")
    where.add_argument("--parcel", help="table of corners (CSV/TXT), GeoJSON, KML/KMZ or DXF")
    _order_option(look)
    look.add_argument("--json", action="store_true")
    look.add_argument("--html", help="write the information note as HTML")
    look.add_argument("--pdf", help="write the information note as PDF")
    look.add_argument(
        "--note-lang", choices=(*LANGUAGES, "both"), help="language of the note (default: --lang)"
    )
    _lang_option(look)

    lst = sub.add_parser("list", help="a catalogue in the chosen language: uses, sectors, families, ...")
    lst.add_argument(
        "what",
        metavar="CATALOGUE",
        choices=LISTS,
        help="uses, sectors, families, communes or plans (of --plan)",
    )
    _plan_option(lst)
    lst.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _lang_option(lst)

    mp = sub.add_parser("map", help="an interactive zoning map as one offline HTML file")
    _plan_option(mp)
    mp.add_argument("--sector", nargs="+", help="sectors to show")
    mp.add_argument("--commune", nargs="+", help="communes to show (codes or names)")
    mp.add_argument(
        "--basemap", default="none", help="none (offline, default) or a tile provider, e.g. OpenStreetMap"
    )
    mp.add_argument("--out", required=True, help="the HTML file to write")
    _lang_option(mp)

    exp = sub.add_parser("export", help="maps, charts and tables of the offer in one folder, for slides")
    _plan_option(exp)
    exp.add_argument("--out", required=True, help="the folder to write (made if missing); one per language")
    exp.add_argument("--status", nargs="+", help="plan statuses the charts and tables count")
    exp.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    _lang_option(exp)

    # "dashboard" is the older name of "serve", kept so that scripts and make dashboard keep working
    dash = sub.add_parser(
        "serve", aliases=["dashboard"], help="serve a dashboard with Voilà, ready for a public machine"
    )
    dash.add_argument(
        "notebook", nargs="?", default="explorer", help="explorer (default), kiosk, planner or a notebook"
    )
    dash.add_argument("--kiosk", action="store_true", help="the kiosk app (same as: serve kiosk)")
    dash.add_argument("--plan", help="the plan to show (default: TERROFFER_PLAN, else the bundled sample)")
    dash.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    dash.add_argument("--port", default="8866", help="the port to serve on (default 8866)")
    dash.add_argument("--open", action="store_true", help="open a browser tab")
    _lang_option(dash)
    return parser


# ----------------------------------------------------------------------------- commands


def _plan_path(args: argparse.Namespace) -> str:
    from terroffer.io.sample import default_plan_path

    return str(args.plan or default_plan_path())


def _open_plan(args: argparse.Namespace) -> Any:
    from terroffer.io import load_plan

    return load_plan(_plan_path(args))


def _out(text: str) -> None:
    print(text, flush=True)


def _notice_line(plan: Any, lang: str) -> None:
    from terroffer.render.tables import illustrative_notice

    notice = illustrative_notice(plan, lang)
    if notice:
        _out(notice)


def _load(args: argparse.Namespace) -> Any:
    from terroffer.io import load_plan

    return load_plan(
        args.path,
        order=args.order,
        crs=args.crs,
        encoding=args.encoding,
        profile=args.profile,
        layer=args.layer,
        rules=args.rules,
    )


def _validate(args: argparse.Namespace) -> int:
    from terroffer._validate import validate
    from terroffer.render.tables import illustrative_notice

    plan = _load(args)
    report = validate(plan)
    notice = illustrative_notice(plan, args.lang)
    if args.json:
        document = report.to_dict(args.lang)
        if isinstance(document, dict) and notice:  # a real plan's report keeps the keys it always had
            document.setdefault("illustrative", True)
            document.setdefault("notice", notice)
        _out(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    else:
        text = report.to_text(args.lang)
        _out(text if not notice or notice in text else f"{text}\n{notice}")
    return report.exit_code


def _import(args: argparse.Namespace) -> int:
    from terroffer._output import check_output
    from terroffer.io import write_plan

    target = Path(args.into)
    if not target.parent.exists() and not target.parent.is_file():
        # import has always made the target's folder; make it now so the check below can speak
        with contextlib.suppress(OSError):  # check_output names the folder that cannot be made
            target.parent.mkdir(parents=True, exist_ok=True)
    check_output(target)  # before the work: a wrong target is known at once
    plan = _load(args)
    out = write_plan(plan, args.into)
    _out(
        translate(
            "cli.imported",
            args.lang,
            source=args.path,
            target=str(out),
            zones=len(plan.zones),
            rules=len(plan.rules),
            reservations=len(plan.reservations),
        )
    )
    for notice in plan.warnings:
        _out("  - " + notice.message(args.lang))
    return 0


def _port(args: argparse.Namespace, host: str = "127.0.0.1") -> int:
    """The port to serve on, refused at once when out of range or already taken on ``host``."""
    import socket

    port = _integer(args.port, "--port")
    assert port is not None
    if not 1 <= port <= 65_535:
        raise OptionError("error.option_port", "--port", value=args.port)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as the server will: SO_REUSEADDR, so a port left in TIME_WAIT is not called busy
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise OptionError("error.option_port_busy", "--port", value=str(port)) from None
    return port


def _check_notebook(path: Path) -> None:
    """Refuse a folder or a file that is not a Jupyter notebook before Voilà starts on it.

    Voilà serves anything and fails only in the browser tab; a notebook is a JSON object
    with a list of ``cells``.
    """
    import json

    try:
        content = json.loads(path.read_bytes())
    except (OSError, ValueError):
        content = None
    if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
        raise DataSourceError("error.not_a_notebook", path)


def _dashboard(args: argparse.Namespace) -> int:
    from terroffer.app.serve import APPS, NOTEBOOKS, serve
    from terroffer.io import load_plan

    name = "kiosk" if args.kiosk else args.notebook
    if name == "planner":  # a workbook a planner edits and runs in JupyterLab, not a page for Voilà
        return _planner(args)
    notebook = Path(name)
    if not notebook.suffix and not notebook.exists():  # a bundled notebook's name: "explorer"
        notebook = Path(NOTEBOOKS) / f"{name}.ipynb"
        if name in APPS and not notebook.exists():  # an app whose notebook is not bundled (yet)
            raise OptionError("serve.app_missing", "terroffer serve", name=name)
    if not notebook.exists():
        raise DataSourceError("error.not_found", notebook)
    _check_notebook(notebook)
    port = _port(args, args.host)
    load_plan(_plan_path(args))  # an unreadable plan is refused here, not in a browser tab
    _out(translate("cli.serving", args.lang, url=f"http://{args.host}:{port}/"))
    return serve(notebook, plan=args.plan, lang=args.lang, host=args.host, port=port, open_browser=args.open)


def _planner(args: argparse.Namespace) -> int:
    import secrets

    from terroffer.app.planner import planner_folder, prepare_folder, serve_planner
    from terroffer.io import load_plan
    from terroffer.words import isolate

    port = _port(args, args.host)
    load_plan(_plan_path(args))  # an unreadable plan is refused here, not in the workbook's first cell
    folder = planner_folder()
    copy, made = prepare_folder(folder)
    token = secrets.token_urlsafe(24)
    # a path and a URL read left to right, in an Arabic line too
    said = "planner.copied" if made else "planner.kept"
    _out(translate(said, args.lang, path=isolate(str(copy), args.lang)))
    url = f"http://{args.host}:{port}/lab/tree/{copy.name}?token={token}"
    _out(translate("planner.serving", args.lang, url=isolate(url, args.lang)))
    return serve_planner(
        plan=args.plan,
        lang=args.lang,
        host=args.host,
        port=port,
        token=token,
        open_browser=args.open,
        folder=folder,
    )


def _offer(args: argparse.Namespace) -> int:
    from terroffer._offer import offer
    from terroffer._output import check_output
    from terroffer.render.tables import offer_table, write_table

    if args.format == "xlsx" and not args.out:
        raise OptionError("error.xlsx_needs_out", "--format")
    if args.out:
        check_output(args.out)
    plan = _open_plan(args)
    kwargs = {"statuses": args.status} if args.status else {}
    table = offer(plan, communes=args.commune, sectors=args.sector, families=args.family, **kwargs)
    text = write_table(offer_table(table, args.lang), args.format, args.out, lang=args.lang, plan=plan)
    if text is not None:
        _out(text)
    elif args.out:
        _out(translate("cli.written", args.lang, path=args.out))
    return 0


def _search(args: argparse.Namespace) -> int:
    from terroffer._offer import search
    from terroffer.render.tables import illustrative_notice, search_table, write_table

    min_area = _number(args.min_area, "--min-area")
    floors = _integer(args.floors, "--floors")
    limit = _integer(args.limit, "--limit")
    plan = _open_plan(args)
    kwargs = {"statuses": args.status} if args.status else {}
    found = search(
        plan,
        use=args.use,
        min_area_m2=min_area,
        communes=args.commune,
        sectors=args.sector,
        floors=floors,
        limit=limit,
        **kwargs,
    )
    if args.json:
        rows = json.loads(found.to_json(orient="records", force_ascii=False))
        document = {
            "illustrative": bool(plan.illustrative),
            "notice": illustrative_notice(plan, args.lang),
            "total": int(found.attrs.get("total", len(found))),
            "shown": len(found),
            "rows": rows,
        }
        _out(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        text = write_table(search_table(found, args.lang), "table", None, lang=args.lang, plan=plan)
        _out(text or "")
    return 0


def _lookup(args: argparse.Namespace) -> int:
    from terroffer._lookup import lookup, plan_bounds, plan_coverage
    from terroffer._output import check_output, write_output
    from terroffer.plot_input import plot_from_point, read_plot
    from terroffer.render.tables import illustrative_notice, lookup_text

    for path in (args.html, args.pdf):
        if path:
            check_output(path)
    point = _lonlat(args.lonlat) if args.lonlat else _xy(args.xy) if args.xy else None
    plan = _open_plan(args)
    where = {"bounds": plan_bounds(plan), "crs": plan.crs, "coverage": plan_coverage(plan)}
    if args.parcel:
        plot = read_plot(args.parcel, order=args.order, **where)
    else:
        assert point is not None
        plot = plot_from_point(*point, order=args.order, lonlat=bool(args.lonlat), **where)
    result = lookup(plan, plot)
    note_lang = args.note_lang or args.lang
    if args.html or args.pdf:
        from terroffer.render.note import note_html, note_pdf

        if args.html:
            html = note_html(result, plan, lang=note_lang)
            write_output(args.html, lambda tmp: tmp.write_text(html, encoding="utf-8"))
        if args.pdf:
            write_output(args.pdf, lambda tmp: note_pdf(result, plan, tmp, lang=note_lang))
    if args.json:
        document = result.to_dict(args.lang)
        document.setdefault("illustrative", bool(plan.illustrative))
        document.setdefault("notice", illustrative_notice(plan, args.lang))
        _out(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    else:
        _out(lookup_text(result, args.lang, plan=plan))
    return 0


def _list(args: argparse.Namespace) -> int:
    from terroffer.render.tables import catalogue_table, write_table

    plan = _open_plan(args) if args.what in ("communes", "plans") else None
    table = catalogue_table(args.what, args.lang, plan=plan)
    _out(write_table(table, args.format, None, lang=args.lang, plan=plan) or "")
    return 0


def _map(args: argparse.Namespace) -> int:
    from terroffer._output import check_output, write_output
    from terroffer.render.webmap import save_map, zone_map

    check_output(args.out)
    basemap = None if args.basemap.lower() == "none" else args.basemap
    m = zone_map(
        _open_plan(args), sectors=args.sector, communes=args.commune, lang=args.lang, basemap=basemap
    )
    write_output(args.out, lambda tmp: save_map(m, tmp))
    _out(str(args.out))
    return 0


def _export(args: argparse.Namespace) -> int:
    from terroffer._output import check_output_dir
    from terroffer.export import export_pack

    check_output_dir(args.out)
    kwargs = {"statuses": args.status} if args.status else {}
    index = export_pack(_open_plan(args), args.out, lang=args.lang, progress=not args.no_progress, **kwargs)
    _out(translate("export.done", args.lang, path=index))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _validate,
    "import": _import,
    "offer": _offer,
    "search": _search,
    "lookup": _lookup,
    "list": _list,
    "map": _map,
    "export": _export,
    "serve": _dashboard,
    "dashboard": _dashboard,
}


def _input_of(args: argparse.Namespace) -> str:
    """What a command reads, for the one line of an unexpected error."""
    for name in ("parcel", "path"):
        value = getattr(args, name, None)
        if value:
            return str(value)
    if hasattr(args, "plan"):
        return _plan_path(args)
    return "terroffer"


def _relabel(exc: TerrofferError) -> TerrofferError:
    """An API error names its keyword (``communes``); the command names its option (``--commune``)."""
    if isinstance(exc, (FilterError, OptionError)) and exc.source in OPTION_OF:
        exc.source = OPTION_OF[exc.source]
    return exc


def _fail(message: str) -> int:
    print(f"terroffer: {message}", file=sys.stderr, flush=True)
    return 2


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's last flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run(argv: list[str], lang: str) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        return _fail(exc.message(lang))
    lang = getattr(args, "lang", lang)
    try:
        return COMMANDS[args.command](args)
    except TerrofferError as exc:
        return _fail(_relabel(exc).message(lang))
    except BrokenPipeError:
        raise
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not the user's doing: still one line, naming the input
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())
        return _fail(translate("cli.unexpected_input", lang, source=_input_of(args), reason=reason))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(argv)
    with warnings.catch_warnings():
        # libraries' warnings (GDAL, pandas, shapely) are not for the user of a command: what
        # matters reaches them as the plan's notices, in their language
        warnings.simplefilter("ignore")
        try:
            code = _run(argv, lang)
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
            return EXIT_BROKEN_PIPE
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
