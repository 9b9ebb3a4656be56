"""Command line: the app's analyses for batch use and monthly automation.

    python -m crm_core rfm orders.csv --out rfm.xlsx [--sheet NAME] [--as-of 2025-12-31]
                                      [--mapping mapping.json] [--scheme 11|4] [--lang en|zh]
    python -m crm_core ingest orders.csv --out clean.xlsx     # clean lines + excluded rows with reasons
    python -m crm_core sample sample_data/                     # regenerate the demo files

A bad input exits with status 2 and the same message the app shows; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from crm_core import export, pipeline, rfm
from crm_core.schema import ColumnMapping, DataError, IngestOptions, ReadOptions


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
    print(f"{report.source_name}: {report.rows_read:,} rows read, {report.rows_used:,} used, "
          f"{len(report.excluded):,} excluded", file=sys.stderr)
    for reason, count in report.reason_table(lang).itertuples(index=False):
        print(f"  - {reason}: {count:,}", file=sys.stderr)
    for note in report.notes:
        print(f"  * {note.text(lang)}", file=sys.stderr)


def cmd_rfm(args: argparse.Namespace) -> int:
    as_of = _parse_date(args.as_of)  # checked before reading a large file
    loaded = _load(args)
    _print_report(loaded, args.lang)
    scheme = rfm.SCHEMES[args.scheme]
    params = rfm.RfmParams(scheme=scheme, frequency_basis=args.frequency_basis)
    scored = pipeline.rfm_scores(loaded.result, as_of=as_of, params=params)
    options = export.ListOptions(
        include_contact=args.include_contact, mask_personal=not args.no_mask,
        include_opted_out=args.include_opted_out, lang=args.lang,
    )
    Path(args.out).write_bytes(pipeline.rfm_workbook(scored, scheme=scheme, options=options, currency=args.currency))
    summary = rfm.segment_summary(scored, scheme, lang=args.lang)
    for row in summary.itertuples():
        print(f"{row.name}: {row.customers:,} customers, {row.revenue_share:.1%} of revenue")
    print(f"Wrote {args.out} ({len(scored):,} customers)")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    loaded = _load(args)
    _print_report(loaded, args.lang)
    report = loaded.result.report
    sheets = {"orders": loaded.result.orders, "excluded": report.excluded}
    if str(args.out).lower().endswith(".csv"):
        Path(args.out).write_bytes(export.to_csv_bytes(loaded.result.orders))
    else:
        Path(args.out).write_bytes(export.to_excel_bytes(sheets))
    Path(args.out).with_suffix(".mapping.json").write_text(loaded.mapping.to_json(), encoding="utf-8")
    print(f"Wrote {args.out}")
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
        p.add_argument("--out", required=True, help="output file (.xlsx; .csv for ingest)")
        p.add_argument("--sheet", help="Excel sheet name (default: the first)")
        p.add_argument("--mapping", help="column mapping JSON saved from the app")
        p.add_argument("--returns", choices=("net", "ignore"), default="net")
        p.add_argument("--date-order", choices=("auto", "day", "month"), default="auto",
                       help="for dates like 05/01/2024: day first or month first")
        p.add_argument("--merge-duplicates", action="store_true", help="merge ids sharing a phone or email")
        p.add_argument("--lang", choices=("en", "zh"), default="en")

    p_rfm = sub.add_parser("rfm", help="RFM scores and segments -> Excel workbook (summary + one sheet per segment)")
    add_input(p_rfm)
    p_rfm.add_argument("--as-of", help="analysis date YYYY-MM-DD (default: day after the last order)")
    p_rfm.add_argument("--scheme", choices=tuple(rfm.SCHEMES), default="11")
    p_rfm.add_argument("--frequency-basis", choices=("orders", "per_year"), default="orders")
    p_rfm.add_argument("--include-contact", action="store_true", help="add name/phone/email columns")
    p_rfm.add_argument("--no-mask", action="store_true", help="with --include-contact: do not mask them")
    p_rfm.add_argument("--currency", default="¥", help="currency sign used in the reasons text")
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
    try:
        return args.func(args)
    except DataError as exc:
        print(f"error: {exc.text(lang)}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: file not found: {exc.filename}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder instead of a file, no permission...
        print(f"error: cannot read or write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
