"""The Online Retail rows as an .xlsx workbook: what does Excel cost over the same rows as CSV?

The workbook is built once from the Online Retail CSV with :func:`crm_core.export.to_excel_bytes`
(InvoiceDate as real Excel date-times, Quantity / UnitPrice / CustomerID as numbers, the rest as
text, as in the UCI original) and cached at ``/tmp/crm_bench/online_retail.xlsx``; later runs reuse
it (``--rebuild`` makes it again).  Then ``--runs`` rounds, in rotating order, of three timings:

* xlsx ingest: ``readers.read_upload`` + ``ingest.standardize`` of the workbook;
* CSV ingest: the same two calls on the CSV the workbook was built from (the same rows);
* calamine: a plain ``python_calamine`` read of the workbook (open it, ``to_python()`` the sheet),
  the floor any reader of this workbook pays.

Target (issue 11): median(xlsx ingest) - median(CSV ingest) <= 1.5 x median(calamine read): the
workbook costs at most 1.5 plain calamine reads more than the same rows as CSV.  The exit status is
1 when the target is missed, 0 when it is met or the data set is absent.  ``--compare-openpyxl``
also times ``pandas.read_excel(engine="openpyxl")`` once for reference (slow, ~80 s), and
``--compare-calamine`` ``pandas.read_excel(engine="calamine")``.

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
from python_calamine import CalamineWorkbook

from crm_core import customers, export, ingest
from crm_core.ingest import readers
from crm_core.schema import suggest_mapping
from crm_core.segment import rfm

TARGET_FACTOR = 1.5  # (xlsx ingest - CSV ingest) / plain calamine read, issue 11
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


def ingest_once(data: bytes, name: str = XLSX_NAME) -> tuple[float, float, int, int]:
    """(read seconds, standardize seconds, rows read, customers scored) for one full ingest of ``name``."""
    raw, read_s = _common.timed(lambda: readers.read_upload(data, name))
    mapping = suggest_mapping(list(raw.frame.columns))
    result, standardize_s = _common.timed(lambda: ingest.standardize(raw, mapping))
    scored = rfm.score_rfm(customers.customer_table(result.orders, result.customers))
    return read_s, standardize_s, len(raw.frame), len(scored)


def calamine_read(data: bytes) -> tuple[float, int]:
    """(seconds, rows) of a plain python-calamine read: open the workbook, every cell of its first sheet as Python."""
    rows, seconds = _common.timed(
        lambda: CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    return seconds, len(rows)


def compare_pandas(data: bytes, engine: str) -> None:
    frame, seconds = _common.timed(lambda: pd.read_excel(io.BytesIO(data), engine=engine))
    print(f"reference pandas.read_excel(engine={engine!r}), once: {seconds:.2f} s ({len(frame):,} rows)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--rebuild", action="store_true", help="write the cached workbook again")
    parser.add_argument("--compare-openpyxl", action="store_true", help="also time pandas.read_excel with openpyxl")
    parser.add_argument("--compare-calamine", action="store_true", help="also time pandas.read_excel with calamine")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one full ingest")
    args = parser.parse_args()

    csv = _common.online_retail_bytes()  # skips (status 0) when the data set is absent
    print("bench_xlsx: Online Retail as .xlsx against the same rows as CSV")
    print(_common.machine_line())
    data = workbook_bytes(rebuild=args.rebuild)
    calamine_read(data)  # warm-up of the three, in the same order as round 0
    ingest_once(csv, _common.ONLINE_RETAIL_NAME)
    times: dict[str, list[float]] = {"xlsx read": [], "xlsx standardize": [], "xlsx": [], "csv": [], "calamine": []}
    xlsx_counts = csv_counts = (0, 0)
    calamine_rows = 0
    steps = ["xlsx", "csv", "calamine"]
    for round_no in range(args.runs):
        shift = round_no % len(steps)
        for step in steps[shift:] + steps[:shift]:
            if step == "xlsx":
                read_s, std_s, *xlsx_counts = ingest_once(data)
                times["xlsx read"].append(read_s)
                times["xlsx standardize"].append(std_s)
                times["xlsx"].append(read_s + std_s)
            elif step == "csv":
                read_s, std_s, *csv_counts = ingest_once(csv, _common.ONLINE_RETAIL_NAME)
                times["csv"].append(read_s + std_s)
            else:
                seconds, calamine_rows = calamine_read(data)
                times["calamine"].append(seconds)
    print(f"rows read: xlsx {xlsx_counts[0]:,} / CSV {csv_counts[0]:,} (expected {_common.ONLINE_RETAIL_ROWS:,}); "
          f"calamine {calamine_rows:,} rows with the header; customers scored: xlsx {xlsx_counts[1]:,} / "
          f"CSV {csv_counts[1]:,}")
    med = {name: _common.median(values) for name, values in times.items()}
    print(f"median of {args.runs} rounds, order rotating (seconds):")
    print(f"  xlsx: readers.read_upload    {med['xlsx read']:.2f}   (runs: {_common.seconds_list(times['xlsx read'])})")
    print(f"  xlsx: ingest.standardize     {med['xlsx standardize']:.2f}   "
          f"(runs: {_common.seconds_list(times['xlsx standardize'])})")
    print(f"  xlsx ingest (read + std.)    {med['xlsx']:.2f}   (runs: {_common.seconds_list(times['xlsx'])})")
    print(f"  CSV ingest (read + std.)     {med['csv']:.2f}   (runs: {_common.seconds_list(times['csv'])})")
    print(f"  plain python-calamine read   {med['calamine']:.2f}   (runs: {_common.seconds_list(times['calamine'])})")
    extra = med["xlsx"] - med["csv"]
    factor = extra / med["calamine"]
    verdicts = _common.Verdicts()
    if xlsx_counts != csv_counts:
        verdicts.check("same rows", False, f"xlsx and CSV give different rows/customers: {xlsx_counts} vs {csv_counts}")
    verdicts.check("xlsx cost", factor <= TARGET_FACTOR,
                   f"xlsx costs {extra:.2f} s more than CSV = {factor:.2f} x the calamine read "
                   f"(target <= {TARGET_FACTOR} x)")
    print(f"peak RSS of this process (workbook, CSV and both ingests in memory): {_common.peak_rss_mb():,.0f} MB "
          f"(information; the 1.5 GB target is the server's, in bench_app.py)")

    if args.compare_calamine:
        compare_pandas(data, "calamine")
    if args.compare_openpyxl:
        compare_pandas(data, "openpyxl")
    if args.profile:
        print("\ncProfile of one full xlsx ingest (top 25 by cumulative time):")
        _common.profile(lambda: ingest_once(data))
    verdicts.exit()


if __name__ == "__main__":
    main()
