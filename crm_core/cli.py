"""Command line: the app's analyses for batch use and monthly automation.

    python -m crm_core rfm orders.csv [more.csv …] --out rfm.xlsx|rfm.csv [--settings analysis.json]
                           [--customers customers.csv] [--as-of 2025-12-31] [--from 2025-01-01 | --months 12]
                           [--channel X …] [--category X …] [--city X …] [--sheet NAME]
                           [--mapping mapping.json] [--scheme 11|4] [--lang en|zh]
                           [--currency ¥|$|€|£|CNY|USD|EUR|GBP]
    python -m crm_core segment orders.csv [more.csv …] --out segments.xlsx [--k 2..12] [the rfm options]
                                                              # cluster, stage, tags per customer (cli_segment.py)
    python -m crm_core rules orders.csv [more.csv …] --out rules.xlsx [--min-support S] [--min-confidence C] …
                                                              # rules, next-best offers, bundles (cli_basket.py)
    python -m crm_core churn orders.csv [more.csv …] --out churn.xlsx [--cutoff D --horizon DAYS] [--threshold 0.7] …
    python -m crm_core churn customers.csv --target Churn --out churn.xlsx [--exclude COL …]
                                                              # models compared, retention list (cli_predict.py)
    python -m crm_core response orders.csv --results campaign.csv --out response.xlsx [--cost-per-contact C] …
    python -m crm_core response customers.csv --target y --exclude duration --out response.xlsx
                                                              # propensity list, targeting, best K (cli_predict.py)
    python -m crm_core clv orders.csv --out clv.xlsx [--as-of 1997-10-01] [--method auto|model|formula] …
                                                              # BG/NBD + Gamma-Gamma parameters, CLV per customer
    python -m crm_core rfm|segment|rules|clv orders.parquet|folder/ … --engine duckdb|spark [--spark-master URL]
                           [--memory-limit 1GB] [--temp-dir D] --out customers.parquet|.csv|.xlsx
                                                              # one row per customer at scale (cli_engine.py)
    python -m crm_core ingest orders.csv [more.csv …] --out clean.xlsx  # clean lines + excluded rows with reasons
    python -m crm_core ingest orders.csv --out clean.csv      # clean.csv + clean.excluded.csv
    python -m crm_core sample sample_data/                     # regenerate the demo files

Everything printed follows ``--lang``.  A bad input exits with status 2 and the message the app shows
(where the app says "the mapping table", the CLI names its option instead: a message ``<code>_cli``
replaces ``<code>`` when it exists, and ``<code>_automap_cli`` when no ``--mapping`` was given: it says how
to write one); never a traceback.  The reader's notes and the proposed mapping's notes are printed before
the file is cleaned, so when cleaning stops the user sees why a column was passed over; ``ingest`` also
writes the proposed mapping (``x.mapping.json``) before cleaning, for the user to edit and pass back with
``--mapping``.  The currency sign is read from the file (:func:`crm_core.pipeline.detect_currency`) unless
``--currency`` sets it.

``--settings`` takes the analysis the app saved ("Save analysis", :mod:`crm_core.settings`): reading options,
mappings, cleaning, analysis date, window, filters, scoring, segment map and list options; an option given on
the command line wins over the file.  With those settings the workbook is the app's, cell for cell (only the
"Generated" time differs).  Several INPUTs are combined (:func:`crm_core.pipeline.read_many`): a line found in
more than one file is counted once.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from crm_core import export, pipeline
from crm_core.messages import MESSAGES, Localized, render
from crm_core.schema import FIELD_BY_NAME, ColumnMapping, DataError, IngestOptions, Note, ReadOptions
from crm_core.segment import rfm
from crm_core.settings import AnalysisSettings, ListSettings, Scope

OUT_SUFFIXES = (".xlsx", ".csv")
PREDICT_COMMANDS = ("churn", "response", "clv")  # crm_core.cli_predict
# --currency: the four signs the reasons text knows, or their ISO codes (a full-width ￥ is the yen sign).
CURRENCIES = {"¥": "¥", "$": "$", "€": "€", "£": "£", "CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def say(code: str, lang: str, *, automap: bool = False, **params: object) -> str:
    """Message ``code`` in ``lang``, in its command-line form when there is one.

    ``<code>_automap_cli`` when ``automap`` (the mapping was proposed, no ``--mapping`` given) and it
    exists, else ``<code>_cli``, else ``<code>``.
    """
    for variant in ((f"{code}_automap_cli",) if automap else ()) + (f"{code}_cli", code):
        if variant in MESSAGES:
            return render(variant, lang, **params)
    return render(code, lang, **params)


def _how_to_write_a_mapping(args: argparse.Namespace | None) -> dict[str, str]:
    """``command`` and ``mapping_file`` of the ``*_automap_cli`` messages: the ingest run that writes the mapping."""
    inputs = getattr(args, "input", None) or ["orders.csv"]
    source = inputs[0] if isinstance(inputs, list) else inputs
    out = getattr(args, "out", None)
    if getattr(args, "command", None) != "ingest" or Path(out or "").suffix.lower() not in OUT_SUFFIXES:
        out = str(Path(source).with_name(f"{Path(source).stem}.clean.xlsx"))
    command = " ".join(_quoted(part) for part in ("python -m crm_core ingest", source, "--out", out))
    return {"command": command, "mapping_file": _quoted(str(Path(out).with_suffix(".mapping.json")))}


def _quoted(text: str) -> str:
    return f'"{text}"' if (" " in text and not text.startswith("python")) else text


def _error_text(exc: DataError, lang: str, args: argparse.Namespace | None = None) -> str:
    automap = args is not None and getattr(args, "mapping", None) is None
    extra = {**_how_to_write_a_mapping(args), "codes": Localized.listing(("CNY", "USD", "EUR", "GBP")),
             "example": '{"customer_id": "Customer", "order_date": "Date", "amount": "Amount"}'}
    return say(exc.code, lang, automap=automap, **{**extra, **exc.params})


def _note_text(note: Note, lang: str) -> str:
    return say(note.code, lang, **dict(note.params))


def _parse_date(text: str | None, option: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DataError("bad_date_option", option=option, value=text) from None


def _check_out(path: str) -> Path:
    """``--out`` must end in .xlsx or .csv: any other name would get a workbook it does not announce."""
    out = Path(path)
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise DataError("cli_bad_out", path=path)
    return out


def _check_currency(value: str | None) -> str | None:
    """The sign for ``--currency``: ¥ $ € £ or CNY/RMB/USD/EUR/GBP (any case); DataError otherwise."""
    if value is None:
        return None
    sign = CURRENCIES.get(unicodedata.normalize("NFKC", value).strip().upper())
    if sign is None:
        raise DataError("cli_bad_currency", value=value)
    return sign


def read_mapping(path: str) -> ColumnMapping:
    """The mapping file given to ``--mapping``, with errors in plain words.

    Unknown field names are listed with the known ones (a typo such as ``amout`` is then easy to spot);
    text that is not JSON gives the parser's position; other shapes get the mapping's own message.
    """
    data = Path(path).read_bytes()
    try:
        parsed = json.loads(data)  # bytes: json detects UTF-8/16/32 itself
    except json.JSONDecodeError as exc:
        raise DataError("cli_mapping_not_json", path=path, line=exc.lineno, column=exc.colno) from None
    except ValueError:  # UnicodeDecodeError: not text at all
        raise DataError("cli_mapping_not_json", path=path, line=1, column=1) from None
    columns = parsed.get("columns", parsed) if isinstance(parsed, dict) else parsed
    if isinstance(columns, dict):
        unknown = [str(name) for name in columns if name not in FIELD_BY_NAME]
        if unknown:
            raise DataError("cli_mapping_unknown_fields", path=path, fields=Localized.listing(unknown),
                            known=Localized.listing(FIELD_BY_NAME))
    else:
        raise DataError("cli_mapping_not_object", path=path)
    return ColumnMapping.from_json(data)


def _say_note(note: Note, lang: str) -> None:
    print(f"  * {_note_text(note, lang)}", file=sys.stderr)


def generated_at() -> datetime:
    """The time a written file is stamped with: the CLI is the one caller in crm_core that reads the clock."""
    return datetime.now().replace(microsecond=0)


def _given(value: object, saved: object) -> object:
    """A command-line option when given (not None), else the saved analysis's value."""
    return saved if value is None else value


def _settings(args: argparse.Namespace) -> AnalysisSettings:
    """The saved analysis (``--settings``) with every option given on the command line applied on top.

    Options are checked here, before any large file is read.
    """
    saved = AnalysisSettings()
    if getattr(args, "settings", None):
        path = Path(args.settings)
        saved = AnalysisSettings.from_json(path.read_bytes(), source=str(path))
    if args.lang is None:
        args.lang = saved.lang
    day_first = {None: saved.cleaning.day_first, "auto": None, "day": True, "month": False}[args.date_order]
    cleaning = IngestOptions(
        returns=_given(args.returns, saved.cleaning.returns), day_first=day_first,
        merge_duplicates=bool(_given(args.merge_duplicates, saved.cleaning.merge_duplicates)),
        phone_region=saved.cleaning.phone_region, non_product_codes=saved.cleaning.non_product_codes,
        excluded_statuses=saved.cleaning.excluded_statuses,
    )
    read = ReadOptions(sheet=_given(args.sheet, saved.read.sheet), header_row=saved.read.header_row,
                       encoding=saved.read.encoding, delimiter=saved.read.delimiter)
    mapping = read_mapping(args.mapping) if args.mapping else saved.mapping
    settings = AnalysisSettings(read=read, mapping=mapping, customers_mapping=saved.customers_mapping,
                                cleaning=cleaning, as_of=saved.as_of, scope=saved.scope, rfm=saved.rfm,
                                scheme_base=saved.scheme_base, lists=saved.lists, currency=saved.currency,
                                lang=args.lang)
    if args.command in PREDICT_COMMANDS:  # the saved churn/response/clv choices stay (cli_predict puts flags on top)
        return replace(saved, read=read, mapping=mapping, cleaning=cleaning, lang=args.lang,
                       as_of=_given(_parse_date(args.as_of), saved.as_of))
    if args.command not in ("rfm", "segment", "rules", "report"):
        return settings
    scope = saved.scope
    start = _parse_date(args.start, "--from")
    if start is not None or args.months is not None:
        scope = Scope(start=start, months=args.months, channels=scope.channels, categories=scope.categories,
                      cities=scope.cities)
    scope = Scope(start=scope.start, months=scope.months, channels=tuple(args.channel or scope.channels),
                  categories=tuple(args.category or scope.categories), cities=tuple(args.city or scope.cities))
    params, base = saved.rfm, saved.scheme_base
    if args.scheme is not None:  # a standard map chosen by name replaces the saved (maybe edited) one
        params = rfm.RfmParams(method=params.method, thresholds=params.thresholds,
                               frequency_basis=params.frequency_basis, scheme=rfm.SCHEMES[args.scheme])
        base = args.scheme
    if args.frequency_basis is not None:
        params = rfm.RfmParams(method=params.method, thresholds=params.thresholds,
                               frequency_basis=args.frequency_basis, scheme=params.scheme)
    lists = saved.lists
    segments = lists.segments
    if args.scheme is not None and args.scheme != saved.scheme_base and segments:
        # The saved groups belong to the saved map: with another map chosen here, every group is listed.
        _say_note(Note.of("cli_saved_groups_ignored", scheme=args.scheme), args.lang)
        segments = ()
    lists = ListSettings(
        segments=segments, columns=lists.columns,
        include_contact=bool(_given(args.include_contact, lists.include_contact)),
        mask_personal=False if args.no_mask else lists.mask_personal,
        include_opted_out=bool(_given(args.include_opted_out, lists.include_opted_out)), format=lists.format,
    )
    if args.command == "report":  # the whole analysis: every other saved choice (clusters ... forecast) stays
        return replace(saved, read=read, mapping=mapping, cleaning=cleaning, as_of=_given(_parse_date(args.as_of),
                       saved.as_of), scope=scope, rfm=params, scheme_base=base, lists=lists, lang=args.lang)
    return AnalysisSettings(
        read=read, mapping=mapping, customers_mapping=settings.customers_mapping, cleaning=cleaning,
        as_of=_given(_parse_date(args.as_of), saved.as_of), scope=scope, rfm=params, scheme_base=base, lists=lists,
        currency=saved.currency, lang=args.lang, tags=saved.tags, clusters=saved.clusters, lifecycle=saved.lifecycle,
        campaign=saved.campaign, crosssell=saved.crosssell,
    )


def _load(args: argparse.Namespace, settings: AnalysisSettings,
          before_clean: Callable[[ColumnMapping], None] | None = None) -> pipeline.Loaded:
    """Read (several files combined), map (the saved or given mapping, else the proposal), print the notes
    so far, then clean, then join the customer file (``--customers``) when given.

    The notes come first so that an error from cleaning follows the notes that explain it (a column
    passed over as the amount because its values are text, a phone column passed over because masked).
    ``before_clean`` gets the mapping before cleaning (``ingest`` writes it to disk there).
    """
    files = [(Path(name).name, Path(name).read_bytes()) for name in args.input]
    args.sources = tuple((name, pipeline.digest(data)) for name, data in files)
    raw = pipeline.read_many(files, settings.read)
    if args.sheet is not None and raw.file_type == "csv":
        _say_note(Note.of("cli_sheet_ignored", sheet=args.sheet), args.lang)
    mapping, proposal = settings.mapping, None
    if mapping is None:
        proposal = pipeline.propose(raw)
        mapping = proposal.mapping
    shown = (*raw.notes, *(proposal.notes if proposal is not None else ()))
    for note in shown:
        _say_note(note, args.lang)
    if before_clean is not None:
        before_clean(mapping)
    loaded = pipeline.clean(raw, mapping, settings.cleaning, proposal=proposal)
    customers_file = getattr(args, "customers", None)
    args.customers_source = None
    if customers_file:
        path = Path(customers_file)
        data = path.read_bytes()
        args.customers_source = (path.name, pipeline.digest(data))
        loaded = pipeline.join_customer_file(loaded, data, path.name, mapping=settings.customers_mapping,
                                             options=settings.cleaning)
    _print_report(loaded, args.lang, shown=shown)
    return loaded


def _print_report(loaded: pipeline.Loaded, lang: str, shown: tuple[Note, ...] = ()) -> None:
    """The rows read/used/excluded, the reasons, and the cleaning notes not ``shown`` already."""
    report = loaded.result.report
    print(render("cli_report", lang, name=report.source_name, read=report.rows_read, used=report.rows_used,
                 excluded=len(report.excluded)), file=sys.stderr)
    for reason, count in report.reason_table(lang).itertuples(index=False):
        print(render("cli_reason_line", lang, reason=reason, rows=count), file=sys.stderr)
    for note in report.notes:
        if note not in shown:
            _say_note(note, lang)


def _currency(args: argparse.Namespace, loaded: pipeline.Loaded, saved: str | None = None) -> str:
    """``--currency`` when given, else the sign the file shows (told on stderr), else the saved analysis's
    currency (``saved``, as the app uses it: for files that show none), else no sign."""
    if args.currency is not None:
        return args.currency  # already checked by _check_currency
    guess = pipeline.detect_currency(loaded)
    if guess.symbol is None:
        if saved:
            return saved
        print(render("cli_currency_unknown", args.lang), file=sys.stderr)
        return ""
    print(render("cli_currency_found", args.lang, symbol=guess.symbol, evidence=guess.evidence), file=sys.stderr)
    return guess.symbol


def cmd_rfm(args: argparse.Namespace) -> int:
    out = _check_out(args.out)
    args.currency = _check_currency(args.currency)  # options are checked before reading a large file
    settings = _settings(args)
    loaded = _load(args, settings)
    currency = _currency(args, loaded, settings.currency)
    result = loaded.result
    as_of = settings.as_of or pipeline.default_as_of(result.orders)
    params = settings.rfm
    if params.method == "threshold" and params.thresholds is None:
        params = rfm.RfmParams(frequency_basis=params.frequency_basis, scheme=params.scheme)
    scored = pipeline.rfm_scores(result, as_of=as_of, params=params, scope=settings.scope)
    for note in pipeline.in_scope(result, settings.scope, as_of=as_of).report.notes[len(result.report.notes):]:
        _say_note(note, args.lang)
    relative = rfm.relative_scores_note(scored, params)  # identical customers: the scores say little
    if relative is not None:
        _say_note(relative, args.lang)
    request = pipeline.list_request(settings, params=params, lang=args.lang, currency=currency)
    built = pipeline.build_lists(scored, request)
    provenance = pipeline.provenance(built, sources=args.sources, result=result, scored=scored, as_of=as_of,
                                     scope=settings.scope, params=params, scheme_base=settings.scheme_base,
                                     customers_file=args.customers_source, generated_at=datetime.now())
    csv = out.suffix.lower() == ".csv"
    out.write_bytes(pipeline.to_csv(built) if csv else pipeline.to_workbook(built, provenance))
    for row in rfm.segment_summary(scored, params.scheme, lang=args.lang).itertuples():
        share = float(row.revenue_share)
        code = "cli_segment_no_share" if math.isnan(share) else "cli_segment"
        print(render(code, args.lang, segment=row.name, customers=row.customers, share=share))
    print(render("cli_wrote_customers", args.lang, path=args.out, customers=len(scored)))
    print(render("cli_list_id", args.lang, list_id=provenance.list_id))
    return 0


def excluded_path(out: Path) -> Path:
    """Where ``ingest --out x.csv`` writes the excluded rows: ``x.excluded.csv`` next to it."""
    return out.with_name(f"{out.stem}.excluded.csv")


def cmd_ingest(args: argparse.Namespace) -> int:
    out = _check_out(args.out)
    mapping_path = out.with_suffix(".mapping.json")

    def write_mapping(mapping: ColumnMapping) -> None:
        # Before cleaning: when cleaning stops, this is the file the error message says to edit.
        mapping_path.write_text(mapping.to_json(), encoding="utf-8")
        print(render("cli_wrote", args.lang, path=mapping_path))

    loaded = _load(args, _settings(args), before_clean=write_mapping)
    excluded = export.excluded_rows_table(loaded.result.report, args.lang)  # reasons in words, not codes
    written = [out]
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(loaded.result.orders))
        excluded_path(out).write_bytes(export.to_csv_bytes(excluded))
        written.append(excluded_path(out))
    else:
        out.write_bytes(export.to_excel_bytes({"orders": loaded.result.orders, "excluded": excluded}))
    for path in written:
        print(render("cli_wrote", args.lang, path=path))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from crm_core.sample.generator import write_sample_files

    for path in write_sample_files(Path(args.directory)):
        print(render("cli_wrote", getattr(args, "lang", "en"), path=path))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crm_core", description="Analytical CRM from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    # Defaults are None where a saved analysis (--settings) may give the value: an option given wins over it.
    def add_input(p: argparse.ArgumentParser) -> None:
        p.add_argument("input", nargs="+", help="orders file(s): CSV or Excel; several monthly exports are combined "
                                                "(a line found in more than one file counts once); rfm, segment, "
                                                "rules and clv also take Parquet files or folders (--engine)")
        p.add_argument("--out", required=True, help="output file: .xlsx or .csv (.parquet too with --engine)")
        p.add_argument("--settings", help="analysis saved from the app (Save analysis): every choice at once")
        p.add_argument("--customers", help="customer file to join: id, name, phone, email, consent, city, signup")
        p.add_argument("--sheet", help="Excel sheet name (default: the one holding the orders; ignored for CSV)")
        p.add_argument("--mapping", help="column mapping JSON saved from the app")
        p.add_argument("--returns", choices=("net", "ignore"), default=None, help="default: net")
        p.add_argument("--date-order", choices=("auto", "day", "month"), default=None,
                       help="for dates like 05/01/2024: day first or month first (default: auto)")
        p.add_argument("--merge-duplicates", action="store_true", default=None,
                       help="merge ids sharing a phone or email")
        p.add_argument("--lang", choices=("en", "zh"), default=None, help="default: en, or the saved analysis's")

    def add_analysis(p: argparse.ArgumentParser) -> None:  # the analysis date, window, filters, scoring, contacts
        p.add_argument("--as-of", help="analysis date YYYY-MM-DD (default: day after the last order)")
        window = p.add_mutually_exclusive_group()
        window.add_argument("--from", dest="start", help="first day counted, YYYY-MM-DD (default: all history)")
        window.add_argument("--months", type=int, help="count only the last N months before the analysis date")
        p.add_argument("--channel", action="append", help="only lines of this channel/store (repeat for several)")
        p.add_argument("--category", action="append", help="only lines of this category (repeat for several)")
        p.add_argument("--city", action="append", help="only customers of this city (repeat for several)")
        p.add_argument("--scheme", choices=tuple(rfm.SCHEMES), default=None, help="default: 11")
        p.add_argument("--frequency-basis", choices=("orders", "per_year"), default=None, help="default: orders")
        p.add_argument("--include-contact", action="store_true", default=None, help="add name/phone/email columns")
        p.add_argument("--no-mask", action="store_true", help="with --include-contact: do not mask them")
        p.add_argument("--currency", default=None,
                       help="currency sign used in the reasons text: ¥ $ € £ or CNY USD EUR GBP "
                            "(default: read from the file)")

    p_rfm = sub.add_parser("rfm", help="RFM scores and segments -> Excel workbook (summary + one sheet per segment), "
                           "or one CSV of every list with --out x.csv")
    add_input(p_rfm)
    add_analysis(p_rfm)
    p_rfm.add_argument("--include-opted-out", action="store_true", default=None,
                       help="keep customers who opted out")
    p_rfm.set_defaults(func=cmd_rfm)
    from crm_core import cli_segment  # here: it reuses this module's helpers

    cli_segment.add_parser(sub, add_input, add_analysis)
    from crm_core import cli_basket

    cli_basket.add_parser(sub, add_input, add_analysis)
    from crm_core import cli_predict

    cli_predict.add_parser(sub, add_input, add_analysis)
    from crm_core import cli_abtest, cli_attribution, cli_forecast, cli_report

    for measure in (cli_abtest, cli_attribution, cli_forecast, cli_report):
        measure.add_parser(sub, add_input, add_analysis)

    from crm_core import cli_engine  # --engine duckdb|spark and Parquet inputs for rfm | segment | rules | clv

    for name in cli_engine.COMMANDS:
        cli_engine.add_options(sub.choices[name])

    p_ingest = sub.add_parser("ingest", help="clean order lines and the excluded rows with reasons")
    add_input(p_ingest)
    p_ingest.set_defaults(func=cmd_ingest)

    p_sample = sub.add_parser("sample", help="regenerate the demo files")
    p_sample.add_argument("directory")
    p_sample.set_defaults(func=cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    pipeline.use_fast_memory_pool()

    def fail(message: str) -> int:
        print(render("cli_error", getattr(args, "lang", None) or "en", message=message), file=sys.stderr)
        return 2

    try:
        from crm_core import cli_engine

        if args.command in cli_engine.COMMANDS and cli_engine.wants_engine(args):
            return cli_engine.run(args)
        return args.func(args)
    except DataError as exc:
        return fail(_error_text(exc, getattr(args, "lang", None) or "en", args))
    except FileNotFoundError as exc:
        return fail(render("cli_file_not_found", args.lang or "en", path=exc.filename))
    except OSError as exc:  # a folder instead of a file, no permission...
        return fail(render("cli_cannot_access", args.lang or "en", path=exc.filename, reason=exc.strerror))
    except ValueError as exc:  # an expected bad input without its own message (UnicodeError included)
        return fail(render("cli_bad_input", args.lang or "en", detail=str(exc) or type(exc).__name__))
