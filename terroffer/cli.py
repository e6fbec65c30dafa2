"""The ``terroffer`` command: parse arguments, call the library, print, set the exit code.

Exit codes: 0 done (and, for ``validate``, clean), 1 problems found in a plan that could
be loaded, 2 an input that could not be used — one line naming it and saying what to
do, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from terroffer.errors import DataSourceError, TerrofferError
from terroffer.reference import LANGUAGES, translate

__all__ = ["main"]


def _lang_default() -> str:
    lang = os.environ.get("TERROFFER_LANG", "fr")
    return lang if lang in LANGUAGES else "fr"


def _source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="zoning file or CNIG delivery folder")
    parser.add_argument("--crs", help="CRS of the source when it has none (e.g. EPSG:26191)")
    parser.add_argument("--encoding", help="text encoding of a Shapefile/MapInfo table (e.g. cp1256)")
    parser.add_argument("--profile", help="column profile: canonical, cnig, generic or a YAML mapping file")
    parser.add_argument("--layer", help="the zones layer when the source has several")
    parser.add_argument("--rules", help="CSV/XLSX of rules for a source that carries zones only")


def _plan_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plan", help="the plan (default: TERROFFER_PLAN, else the bundled sample)")


def _open_plan(args: argparse.Namespace) -> Any:
    from terroffer.io import load_plan
    from terroffer.io.sample import default_plan_path

    return load_plan(args.plan or default_plan_path())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``terroffer`` command."""
    parser = argparse.ArgumentParser(prog="terroffer", description="Zoning plans and the territorial offer.")
    parser.add_argument("--lang", choices=LANGUAGES, default=_lang_default(), help="language of messages")
    sub = parser.add_subparsers(dest="command", required=True)

    val = sub.add_parser("validate", help="check a zoning plan and report its problems")
    _source_options(val)
    val.add_argument("--json", action="store_true", help="print the report as JSON")
    val.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)

    imp = sub.add_parser("import", help="load a zoning plan and write it as a canonical GeoPackage")
    _source_options(imp)
    imp.add_argument("--into", required=True, help="the GeoPackage to write (replaced only on success)")
    imp.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)

    off = sub.add_parser("offer", help="the territorial offer by commune, sector and family")
    _plan_option(off)
    off.add_argument("--commune", nargs="+", help="communes (codes or names)")
    off.add_argument("--sector", nargs="+", help="sectors (housing, industry, services, tourism, ...)")
    off.add_argument(
        "--status", nargs="+", default=["approved"], help="plan statuses to count (default approved)"
    )
    off.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table")
    off.add_argument("--out", help="write to this file instead of the terminal (required for xlsx)")
    off.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)

    sea = sub.add_parser("search", help="zones where a use is allowed, ranked for an investor")
    _plan_option(sea)
    sea.add_argument("--use", required=True, help="a use from the catalogue: hotel, villa, factory, ...")
    sea.add_argument("--min-area", type=float, help="minimum usable area, m²")
    sea.add_argument("--commune", nargs="+")
    sea.add_argument("--sector", nargs="+")
    sea.add_argument("--floors", type=int, help="floors the project needs (ground floor included)")
    sea.add_argument("--limit", type=int, default=20)
    sea.add_argument("--json", action="store_true")
    sea.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)

    look = sub.add_parser("lookup", help="what the plans say about a plot, and what may be built on it")
    _plan_option(look)
    where = look.add_mutually_exclusive_group(required=True)
    where.add_argument("--lonlat", nargs=2, type=float, metavar=("LON", "LAT"))
    where.add_argument("--xy", nargs=2, type=float, metavar=("X", "Y"), help="Lambert X Y in the plan's CRS")
    where.add_argument("--parcel", help="table of corners (CSV/TXT), GeoJSON, KML/KMZ or DXF")
    look.add_argument("--json", action="store_true")
    look.add_argument("--html", help="write the information note as HTML")
    look.add_argument("--pdf", help="write the information note as PDF")
    look.add_argument(
        "--note-lang", choices=(*LANGUAGES, "both"), help="language of the note (default: --lang)"
    )
    look.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)

    mp = sub.add_parser("map", help="an interactive zoning map as one offline HTML file")
    _plan_option(mp)
    mp.add_argument("--sector", nargs="+", help="sectors to show")
    mp.add_argument("--commune", nargs="+", help="communes to show (codes or names)")
    mp.add_argument(
        "--basemap", default="none", help="none (offline, default) or a tile provider, e.g. OpenStreetMap"
    )
    mp.add_argument("--out", required=True, help="the HTML file to write")
    mp.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)

    exp = sub.add_parser("export", help="maps, charts and tables of the offer in one folder, for slides")
    _plan_option(exp)
    exp.add_argument("--out", required=True, help="the folder to write (made if missing); one per language")
    exp.add_argument(
        "--status", nargs="+", default=["approved"], help="plan statuses the charts and tables count"
    )
    exp.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    exp.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)

    dash = sub.add_parser("dashboard", help="serve a dashboard with Voilà on this machine")
    dash.add_argument("notebook", nargs="?", default="explorer", help="explorer (default) or a notebook path")
    dash.add_argument("--plan", help="the plan to show (default: TERROFFER_PLAN, else the bundled sample)")
    dash.add_argument("--port", type=int, default=8866)
    dash.add_argument("--open", action="store_true", help="open a browser tab")
    dash.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)
    return parser


def _load(args: argparse.Namespace) -> Any:
    from terroffer.io import load_plan

    return load_plan(
        args.path,
        crs=args.crs,
        encoding=args.encoding,
        profile=args.profile,
        layer=args.layer,
        rules=args.rules,
    )


def _validate(args: argparse.Namespace) -> int:
    from terroffer._validate import validate

    report = validate(_load(args))
    if args.json:
        print(json.dumps(report.to_dict(args.lang), ensure_ascii=False, indent=2))
    else:
        print(report.to_text(args.lang))
    return report.exit_code


def _import(args: argparse.Namespace) -> int:
    from terroffer.io import write_plan

    plan = _load(args)
    out = write_plan(plan, args.into)
    print(
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
        print("  - " + notice.message(args.lang))
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from pathlib import Path

    from terroffer.app.serve import NOTEBOOKS, serve

    notebook = Path(args.notebook)
    if not notebook.suffix:
        notebook = NOTEBOOKS / f"{args.notebook}.ipynb"
    if not notebook.exists():
        raise DataSourceError("error.not_found", notebook)
    if args.plan is not None and not Path(args.plan).exists():
        raise DataSourceError("error.not_found", args.plan)
    print(translate("cli.serving", args.lang, url=f"http://127.0.0.1:{args.port}/"), flush=True)
    return serve(notebook, plan=args.plan, port=args.port, open_browser=args.open)


def _offer(args: argparse.Namespace) -> int:
    from terroffer._offer import offer
    from terroffer.render.tables import offer_table, write_table

    plan = _open_plan(args)
    try:
        table = offer(plan, communes=args.commune, sectors=args.sector, statuses=args.status)
    except ValueError as exc:
        raise DataSourceError("error.bad_filter", "offer", reason=str(exc)) from exc
    if args.format == "xlsx" and not args.out:
        raise DataSourceError("error.xlsx_needs_out", "offer")
    text = write_table(offer_table(table, args.lang), args.format, args.out, lang=args.lang)
    if text is not None:
        print(text)
    return 0


def _search(args: argparse.Namespace) -> int:
    from terroffer._offer import search
    from terroffer.render.tables import search_table

    plan = _open_plan(args)
    try:
        found = search(
            plan,
            use=args.use,
            min_area_m2=args.min_area,
            communes=args.commune,
            sectors=args.sector,
            floors=args.floors,
            limit=args.limit,
        )
    except ValueError as exc:
        raise DataSourceError("error.bad_filter", "search", reason=str(exc)) from exc
    if args.json:
        print(found.to_json(orient="records", force_ascii=False, indent=2))
    else:
        print(search_table(found, args.lang).to_string(index=False))
    return 0


def _lookup(args: argparse.Namespace) -> int:
    from terroffer._lookup import lookup, plan_bounds, plan_coverage
    from terroffer.plot_input import plot_from_point, read_plot

    plan = _open_plan(args)
    where = {"bounds": plan_bounds(plan), "crs": plan.crs, "coverage": plan_coverage(plan)}
    if args.parcel:
        plot = read_plot(args.parcel, **where)
    elif args.lonlat:
        plot = plot_from_point(*args.lonlat, lonlat=True, **where)
    else:
        plot = plot_from_point(*args.xy, lonlat=False, **where)
    result = lookup(plan, plot)
    note_lang = args.note_lang or args.lang
    if args.html or args.pdf:
        from terroffer.render.note import note_html, note_pdf

        if args.html:
            from pathlib import Path

            Path(args.html).write_text(note_html(result, plan, lang=note_lang), encoding="utf-8")
        if args.pdf:
            note_pdf(result, plan, args.pdf, lang=note_lang)
    if args.json:
        print(json.dumps(result.to_dict(args.lang), ensure_ascii=False, indent=2))
    else:
        from terroffer.render.tables import lookup_text

        print(lookup_text(result, args.lang))
    return 0


def _map(args: argparse.Namespace) -> int:
    from terroffer.render.webmap import save_map, zone_map

    basemap = None if args.basemap.lower() == "none" else args.basemap
    try:
        m = zone_map(
            _open_plan(args), sectors=args.sector, communes=args.commune, lang=args.lang, basemap=basemap
        )
    except ValueError as exc:
        raise DataSourceError("error.bad_filter", "map", reason=str(exc)) from exc
    print(save_map(m, args.out))
    return 0


def _export(args: argparse.Namespace) -> int:
    from terroffer.export import export_pack

    index = export_pack(
        _open_plan(args), args.out, lang=args.lang, progress=not args.no_progress, statuses=args.status
    )
    print(translate("export.done", args.lang, path=index))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    commands = {
        "validate": _validate,
        "import": _import,
        "offer": _offer,
        "search": _search,
        "lookup": _lookup,
        "map": _map,
        "export": _export,
        "dashboard": _dashboard,
    }
    try:
        return commands[args.command](args)
    except TerrofferError as exc:
        print(f"terroffer: {exc.message(args.lang)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        err = DataSourceError(
            "error.unexpected", getattr(args, "path", ""), reason=f"{type(exc).__name__}: {exc}"
        )
        print(f"terroffer: {err.message(args.lang)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
