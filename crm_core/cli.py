"""Command line: the app's analyses for batch use and monthly automation.

    python -m crm_core rfm orders.csv --out rfm.xlsx|rfm.csv [--sheet NAME] [--as-of 2025-12-31]
                                      [--mapping mapping.json] [--scheme 11|4] [--lang en|zh]
                                      [--currency ¥|$|€|£]
    python -m crm_core ingest orders.csv --out clean.xlsx     # clean lines + excluded rows with reasons
    python -m crm_core ingest orders.csv --out clean.csv      # clean.csv + clean.excluded.csv
    python -m crm_core sample sample_data/                     # regenerate the demo files

Everything printed follows ``--lang``.  A bad input exits with status 2 and the message the app shows
(where the app says "the mapping table", the CLI names its option instead: a message ``<code>_cli``
replaces ``<code>`` when it exists); never a traceback.  The currency sign is read from the file
(:func:`crm_core.pipeline.detect_currency`) unless ``--currency`` sets it.
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from pathlib import Path

from crm_core import export, pipeline, rfm
from crm_core.messages import MESSAGES, render
from crm_core.schema import ColumnMapping, DataError, IngestOptions, Note, ReadOptions


def say(code: str, lang: str, **params: object) -> str:
    """Message ``code`` in ``lang``, in its command-line form ``<code>_cli`` when there is one."""
    return render(f"{code}_cli" if f"{code}_cli" in MESSAGES else code, lang, **params)


def _error_text(exc: DataError, lang: str) -> str:
    return say(exc.code, lang, **exc.params)


def _note_text(note: Note, lang: str) -> str:
    return say(note.code, lang, **dict(note.params))


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DataError("bad_date_option", option="--as-of", value=text) from None


def _load(args: argparse.Namespace) -> pipeline.Loaded:
    path = Path(args.input)
    data = path.read_bytes()
    # Bytes: json detects UTF-8/16/32 itself, and anything else becomes the mapping's own clear error.
    mapping = ColumnMapping.from_json(Path(args.mapping).read_bytes()) if args.mapping else None
    day_first = {"auto": None, "day": True, "month": False}[args.date_order]
    options = IngestOptions(returns=args.returns, day_first=day_first, merge_duplicates=args.merge_duplicates)
    return pipeline.load(data, path.name, read=ReadOptions(sheet=args.sheet), mapping=mapping, options=options)


def _print_report(loaded: pipeline.Loaded, lang: str) -> None:
    report = loaded.result.report
    print(render("cli_report", lang, name=report.source_name, read=report.rows_read, used=report.rows_used,
                 excluded=len(report.excluded)), file=sys.stderr)
    for reason, count in report.reason_table(lang).itertuples(index=False):
        print(render("cli_reason_line", lang, reason=reason, rows=count), file=sys.stderr)
    proposed = loaded.proposal.notes if loaded.proposal is not None else ()
    for note in (*proposed, *report.notes):
        print(f"  * {_note_text(note, lang)}", file=sys.stderr)


def _currency(args: argparse.Namespace, loaded: pipeline.Loaded) -> str:
    """``--currency`` when given, else the sign the file shows (told on stderr), else no sign."""
    if args.currency is not None:
        return args.currency
    guess = pipeline.detect_currency(loaded)
    if guess.symbol is None:
        print(render("cli_currency_unknown", args.lang), file=sys.stderr)
        return ""
    print(render("cli_currency_found", args.lang, symbol=guess.symbol, evidence=guess.evidence), file=sys.stderr)
    return guess.symbol


def cmd_rfm(args: argparse.Namespace) -> int:
    as_of = _parse_date(args.as_of)  # checked before reading a large file
    loaded = _load(args)
    _print_report(loaded, args.lang)
    currency = _currency(args, loaded)
    scheme = rfm.SCHEMES[args.scheme]
    params = rfm.RfmParams(scheme=scheme, frequency_basis=args.frequency_basis)
    scored = pipeline.rfm_scores(loaded.result, as_of=as_of, params=params)
    options = export.ListOptions(
        include_contact=args.include_contact, mask_personal=not args.no_mask,
        include_opted_out=args.include_opted_out, lang=args.lang,
    )
    build = pipeline.rfm_csv_bytes if Path(args.out).suffix.lower() == ".csv" else pipeline.rfm_workbook
    Path(args.out).write_bytes(build(scored, scheme=scheme, options=options, currency=currency))
    summary = rfm.segment_summary(scored, scheme, lang=args.lang)
    for row in summary.itertuples():
        share = float(row.revenue_share)
        code = "cli_segment_no_share" if math.isnan(share) else "cli_segment"
        print(render(code, args.lang, segment=row.name, customers=row.customers, share=share))
    print(render("cli_wrote_customers", args.lang, path=args.out, customers=len(scored)))
    return 0


def excluded_path(out: Path) -> Path:
    """Where ``ingest --out x.csv`` writes the excluded rows: ``x.excluded.csv`` next to it."""
    return out.with_name(f"{out.stem}.excluded.csv")


def cmd_ingest(args: argparse.Namespace) -> int:
    loaded = _load(args)
    _print_report(loaded, args.lang)
    out = Path(args.out)
    excluded = export.excluded_rows_table(loaded.result.report, args.lang)  # reasons in words, not codes
    written = [out]
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(loaded.result.orders))
        excluded_path(out).write_bytes(export.to_csv_bytes(excluded))
        written.append(excluded_path(out))
    else:
        out.write_bytes(export.to_excel_bytes({"orders": loaded.result.orders, "excluded": excluded}))
    mapping_path = out.with_suffix(".mapping.json")
    mapping_path.write_text(loaded.mapping.to_json(), encoding="utf-8")
    for path in [*written, mapping_path]:
        print(render("cli_wrote", args.lang, path=path))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from crm_core.sample import write_sample_files

    for path in write_sample_files(Path(args.directory)):
        print(f"Wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crm_core", description="Analytical CRM from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_input(p: argparse.ArgumentParser) -> None:
        p.add_argument("input", help="orders file: CSV or Excel")
        p.add_argument("--out", required=True, help="output file: .xlsx or .csv")
        p.add_argument("--sheet", help="Excel sheet name (default: the first)")
        p.add_argument("--mapping", help="column mapping JSON saved from the app")
        p.add_argument("--returns", choices=("net", "ignore"), default="net")
        p.add_argument("--date-order", choices=("auto", "day", "month"), default="auto",
                       help="for dates like 05/01/2024: day first or month first")
        p.add_argument("--merge-duplicates", action="store_true", help="merge ids sharing a phone or email")
        p.add_argument("--lang", choices=("en", "zh"), default="en")

    p_rfm = sub.add_parser("rfm", help="RFM scores and segments -> Excel workbook (summary + one sheet per segment), "
                           "or one CSV of every list with --out x.csv")
    add_input(p_rfm)
    p_rfm.add_argument("--as-of", help="analysis date YYYY-MM-DD (default: day after the last order)")
    p_rfm.add_argument("--scheme", choices=tuple(rfm.SCHEMES), default="11")
    p_rfm.add_argument("--frequency-basis", choices=("orders", "per_year"), default="orders")
    p_rfm.add_argument("--include-contact", action="store_true", help="add name/phone/email columns")
    p_rfm.add_argument("--no-mask", action="store_true", help="with --include-contact: do not mask them")
    p_rfm.add_argument("--currency", default=None,
                       help="currency sign used in the reasons text (default: read from the file)")
    p_rfm.add_argument("--include-opted-out", action="store_true", help="keep customers who opted out")
    p_rfm.set_defaults(func=cmd_rfm)

    p_ingest = sub.add_parser("ingest", help="clean order lines and the excluded rows with reasons")
    add_input(p_ingest)
    p_ingest.set_defaults(func=cmd_ingest)

    p_sample = sub.add_parser("sample", help="regenerate the demo files")
    p_sample.add_argument("directory")
    p_sample.set_defaults(func=cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", "en")

    def fail(message: str) -> int:
        print(render("cli_error", lang, message=message), file=sys.stderr)
        return 2

    try:
        return args.func(args)
    except DataError as exc:
        return fail(_error_text(exc, lang))
    except FileNotFoundError as exc:
        return fail(render("cli_file_not_found", lang, path=exc.filename))
    except OSError as exc:  # a folder instead of a file, no permission...
        return fail(render("cli_cannot_access", lang, path=exc.filename, reason=exc.strerror))
    except ValueError as exc:  # an expected bad input without its own message (UnicodeError included)
        return fail(render("cli_bad_input", lang, detail=str(exc) or type(exc).__name__))
