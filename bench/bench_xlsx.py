"""Reading and ingesting the full Online Retail data as an .xlsx workbook (541,909 rows x 8 columns).

The workbook is built once from the CSV with :func:`crm_core.export.to_excel_bytes` (InvoiceDate as
real Excel date-times, Quantity / UnitPrice / CustomerID as numbers, the rest as text, as in the UCI
original) and cached at ``/tmp/crm_bench/online_retail.xlsx``; later runs reuse it (``--rebuild``
makes it again).  Then ``--runs`` times: ``readers.read_upload`` and ``ingest.standardize``; the
full ingest (read + standardize) has a target of <= 15 s (median).  ``--compare-openpyxl`` also
times ``pandas.read_excel(engine="openpyxl")`` once for reference (slow, ~40 s), and
``--compare-calamine`` ``pandas.read_excel(engine="calamine")``.  The exit status is 0 either way.

Run from the repository root::

    python bench/bench_xlsx.py [--runs 3] [--rebuild] [--compare-openpyxl] [--compare-calamine] [--profile]
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from pathlib import Path

import _common
import pandas as pd

from crm_core import customers, export, ingest
from crm_core.ingest import readers
from crm_core.schema import suggest_mapping
from crm_core.segment import rfm

TARGET_SECONDS = 15.0
CACHE = Path(tempfile.gettempdir()) / "crm_bench" / "online_retail.xlsx"
XLSX_NAME = "online_retail.xlsx"


def build_workbook(csv: bytes, path: Path) -> float:
    """Write the CSV's rows to ``path`` as an .xlsx (atomically); return the seconds it took."""
    def write() -> None:
        frame = pd.read_csv(io.BytesIO(csv), dtype={"InvoiceNo": "str", "StockCode": "str"},
                            parse_dates=["InvoiceDate"])
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(export.to_excel_bytes({"Online Retail": frame}))
        os.replace(partial, path)  # a run stopped half-way never leaves a truncated cache behind

    _, seconds = _common.timed(write)
    return seconds


def workbook_bytes(*, rebuild: bool) -> bytes:
    if rebuild or not CACHE.exists():
        print(f"building {CACHE} from the CSV with crm_core.export.to_excel_bytes ...", flush=True)
        seconds = build_workbook(_common.online_retail_bytes(), CACHE)
        print(f"built in {seconds:.1f} s ({CACHE.stat().st_size / 1e6:.1f} MB)")
    else:
        print(f"reusing {CACHE} ({CACHE.stat().st_size / 1e6:.1f} MB; --rebuild to make it again)")
    return CACHE.read_bytes()


def ingest_once(data: bytes) -> tuple[float, float, int, int]:
    """(read seconds, standardize seconds, rows read, customers scored) for one full ingest."""
    raw, read_s = _common.timed(lambda: readers.read_upload(data, XLSX_NAME))
    mapping = suggest_mapping(list(raw.frame.columns))
    result, standardize_s = _common.timed(lambda: ingest.standardize(raw, mapping))
    scored = rfm.score_rfm(customers.customer_table(result.orders, result.customers))
    return read_s, standardize_s, len(raw.frame), len(scored)


def compare_pandas(data: bytes, engine: str) -> None:
    frame, seconds = _common.timed(lambda: pd.read_excel(io.BytesIO(data), engine=engine))
    print(f"reference pandas.read_excel(engine={engine!r}), once: {seconds:.2f} s ({len(frame):,} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed ingests (default 3)")
    parser.add_argument("--rebuild", action="store_true", help="write the cached workbook again")
    parser.add_argument("--compare-openpyxl", action="store_true", help="also time pandas.read_excel with openpyxl")
    parser.add_argument("--compare-calamine", action="store_true", help="also time pandas.read_excel with calamine")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one full ingest")
    args = parser.parse_args()

    _common.require(_common.ONLINE_RETAIL_GZ)
    print("bench_xlsx: Online Retail as .xlsx")
    print(_common.machine_line())
    data = workbook_bytes(rebuild=args.rebuild)
    runs = [ingest_once(data) for _ in range(args.runs)]
    reads = [r[0] for r in runs]
    standardizes = [r[1] for r in runs]
    totals = [r[0] + r[1] for r in runs]
    rows, scored = runs[-1][2], runs[-1][3]
    print(f"rows read: {rows:,} (expected {_common.ONLINE_RETAIL_ROWS:,}); customers scored: {scored:,}")
    print(f"median of {args.runs} (seconds):")
    print(f"  readers.read_upload:       {_common.median(reads):.2f}   (runs: {_common.seconds_list(reads)})")
    print(f"  ingest.standardize:        {_common.median(standardizes):.2f}   "
          f"(runs: {_common.seconds_list(standardizes)})")
    total = _common.median(totals)
    print(f"  full ingest (read + std.): {total:.2f}   (runs: {_common.seconds_list(totals)})")
    print(f"full ingest {total:.2f} s (target <= {TARGET_SECONDS:.0f} s): {_common.verdict(total <= TARGET_SECONDS)}")
    print(f"peak RSS of this process: {_common.peak_rss_mb():,.0f} MB")

    if args.compare_calamine:
        compare_pandas(data, "calamine")
    if args.compare_openpyxl:
        compare_pandas(data, "openpyxl")
    if args.profile:
        print("\ncProfile of one full ingest (top 25 by cumulative time):")
        _common.profile(lambda: ingest_once(data))


if __name__ == "__main__":
    main()
