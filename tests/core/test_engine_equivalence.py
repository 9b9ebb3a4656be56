"""Same per-customer answers on every path: on one generated file (about 50k lines with returns, C-cancellations,
lines without a customer, cancelled statuses, postage lines, zero prices, blank amounts, a 2099 typo), the upload
path (crm_core.pipeline on the CSV's bytes), ``run.customer_table`` with engine pandas, DuckDB on Parquet and on
CSV (and Spark local[2] on Parquet: tests/core/test_engine_spark.py runs the same cases in its one SparkSession)
give the same customers with the same recency, frequency, orders a year, net
spend (to the cent), scores and segments -- with quantile and with threshold scoring, with the default analysis
date and with an explicit one and a 6-month window -- and leave out the same rows for the same reasons.

The hard cases are hand-built: money that ties only once rounded to cents (0.1 + 0.2 against 0.3), time-zone aware
timestamps on either side of midnight UTC, an order id on two lines and repeated on another day, lines without an
order id, and customer ids stored as integers, floats (with a missing one) and text with leading zeros.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from engine_fixtures import (
    MAPPING,
    QUANTILE,
    THRESHOLD,
    differences,
    excluded_counts,
    orders_frame,
    pandas_reference,
    scored,
    write_csv,
    write_parquet,
)

from crm_core.settings import Scope

# (as_of, scope): the file's own analysis date, and an explicit date with the last 6 months.
WINDOWS = {"default": (None, Scope()), "window": (date(2024, 10, 1), Scope(months=6))}
# Path label -> (engine, input kind).  "pandas-csv" is run.customer_table on the pandas path (the reference is
# the pipeline itself), "pandas-parquet" the same path on the Parquet file read by pyarrow.
PATHS = {
    "pandas-csv": ("pandas", "csv"),
    "pandas-parquet": ("pandas", "parquet"),
    "duckdb-parquet": ("duckdb", "parquet"),
    "duckdb-csv": ("duckdb", "csv"),
    "spark-parquet": ("spark", "parquet"),
}
LOCAL_PATHS = tuple(p for p, (engine, _) in PATHS.items() if engine != "spark")
PARAMS = {"quantile": QUANTILE, "threshold": THRESHOLD}


def _options(engine: str, tmp) -> object:
    from crm_core.engine.options import EngineOptions

    if engine == "spark":
        return EngineOptions(engine="spark", spark_master="local[2]")
    return EngineOptions(engine=engine, memory_limit="1GB", temp_directory=str(tmp), threads=2)


class Runs:
    """Customer tables per (path, window), each computed once for the module."""

    def __init__(self, request, tmp, files: dict):
        self.request, self.tmp, self.files = request, tmp, files
        self.cache: dict = {}

    def reference(self, window: str):
        key = ("reference", window)
        if key not in self.cache:
            as_of, scope = WINDOWS[window]
            self.cache[key] = pandas_reference(self.files["csv"], as_of=as_of, scope=scope)
        return self.cache[key]

    def engine(self, path: str, window: str):
        key = (path, window)
        if key not in self.cache:
            engine, kind = PATHS[path]
            if engine == "spark":
                self.request.getfixturevalue("spark")
            from crm_core.engine import run

            as_of, scope = WINDOWS[window]
            self.cache[key] = run.customer_table([str(self.files[kind])], _options(engine, self.tmp), mapping=MAPPING,
                                                 as_of=as_of, scope=scope)
        return self.cache[key]


def equivalence_files(folder) -> dict:
    """The generated 50k-line file as a frame, a CSV and a Parquet file in ``folder``."""
    frame = orders_frame(50_000, seed=16)
    return {"frame": frame, "csv": write_csv(frame, folder / "orders.csv"),
            "parquet": write_parquet(frame, folder / "orders.parquet")}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return equivalence_files(tmp_path_factory.mktemp("equivalence"))


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory, files):
    return Runs(request, tmp_path_factory.mktemp("duckdb_tmp"), files)


def test_generated_file_has_every_case(files, runs):
    """The file really holds what the comparison is about (else equal answers would prove little)."""
    table, report, _ = runs.reference("default")
    counts = excluded_counts(report)
    for reason in ("status", "missing_customer", "non_product", "nonpositive_price", "bad_amount", "missing_date",
                   "return_without_purchase"):
        assert counts.get(reason, 0) >= 1, reason
    frame = files["frame"]
    assert frame["InvoiceNo"].str.startswith("C").sum() > 100
    assert (frame["Status"] == "return").sum() > 10
    assert frame["Amount"].isna().sum() > 50
    assert len(frame) > 45_000 and len(table) > 3_000
    assert (table["returns_value"] < 0).sum() > 100
    assert (table["frequency"] < table["lines"]).mean() > 0.5  # multi-line orders: lines are not orders


def same_customers_problems(runs, path: str, window: str) -> list[str]:
    """Every customer: same id set, recency, frequency, orders a year, net spend to the cent, dates, R/F/M scores,
    RFM code and segment, for quantile and threshold scoring."""
    expected = runs.reference(window)[0]
    got = runs.engine(path, window).table
    problems = []
    for name, params in PARAMS.items():
        problems += differences(scored(expected, params), scored(got, params), label=f"{path}/{window}/{name}")
    return problems


def check_rows_left_out(runs, path: str) -> None:
    report = runs.reference("default")[1]
    got = runs.engine(path, "default").report
    assert excluded_counts(got) == excluded_counts(report)
    assert (got.rows_read, got.rows_used, got.rows_returns) == (report.rows_read, report.rows_used,
                                                                report.rows_returns)


def check_analysis_date(runs, path: str) -> None:
    """The 2099 typo does not move the date on any engine: the day after the last plausible line (a purchase or
    a return: cancellations come up to 30 days after the last purchase)."""
    as_of = runs.reference("default")[2]
    assert date(2025, 1, 1) < as_of < date(2025, 2, 1)
    assert runs.engine(path, "default").as_of == as_of
    assert runs.engine(path, "window").as_of == date(2024, 10, 1)


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("path", LOCAL_PATHS)
def test_same_customers_values_scores_and_segments(runs, path, window):
    problems = same_customers_problems(runs, path, window)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", LOCAL_PATHS)
def test_same_rows_left_out_per_reason(runs, path):
    check_rows_left_out(runs, path)


@pytest.mark.parametrize("path", LOCAL_PATHS)
def test_same_default_analysis_date(runs, path):
    check_analysis_date(runs, path)


def test_window_really_drops_lines(runs):
    """The 6-month window changes the answer (so the window comparison is not the default one again)."""
    whole, window = runs.reference("default")[0], runs.reference("window")[0]
    assert len(window) < len(whole)
    assert window["last_order_date"].max() < pd.Timestamp("2024-10-01")
    assert window["first_order_date"].min() >= pd.Timestamp("2024-04-01")


# ---- hand-built hard cases ----------------------------------------------------------------------------------

HARD_AS_OF = date(2024, 4, 1)


def hard_frame(ids: str) -> pd.DataFrame:
    """The hard cases, customer ids stored as ``ids``: "int", "float" (with one missing: Online Retail's 17850.0)
    or "text" (with leading zeros, which a number type would lose).

    - 1001 buys 0.1 + 0.2 (one order), 1002 buys 0.3: net spend 0.30 both, a tie only once rounded to cents;
      1003 buys 0.7 + 0.1 (0.7999999999999999 as floats), 1004 buys 0.8;
    - 1005 last bought at 23:30 on 31 March (the day before the analysis date), 1006 at 00:30 on 15 March;
    - 1008 has order X1 on two lines, X1 again on another day, and X2: 2 distinct orders on 4 lines;
    - 1009 has two lines without an order id on 5 March (09:00, 17:00) and one on 6 March: the pandas rule
      (customer + calendar day) makes that 2 orders;
    - 1010-1029 are ordinary customers with 1-4 orders of growing size, so quantiles have something to rank.
    """
    rows = [
        ("A1", 1001, "2024-03-10 10:00:00", "SKU01", 1, 0.1), ("A1", 1001, "2024-03-10 10:00:00", "SKU02", 1, 0.2),
        ("A2", 1002, "2024-03-10 11:00:00", "SKU03", 1, 0.3),
        ("A3", 1003, "2024-03-11 10:00:00", "SKU04", 1, 0.7), ("A3", 1003, "2024-03-11 10:00:00", "SKU01", 1, 0.1),
        ("A4", 1004, "2024-03-11 11:00:00", "SKU05", 1, 0.8),
        ("T1", 1005, "2024-03-31 23:30:00", "SKU01", 2, 5.0),
        ("T2", 1006, "2024-03-15 00:30:00", "SKU02", 1, 5.0),
        ("X1", 1008, "2024-02-01 09:00:00", "SKU01", 1, 2.5), ("X1", 1008, "2024-02-01 09:00:00", "SKU02", 1, 2.5),
        ("X1", 1008, "2024-02-20 09:00:00", "SKU03", 1, 2.5), ("X2", 1008, "2024-03-01 09:00:00", "SKU01", 1, 2.5),
        (None, 1009, "2024-03-05 09:00:00", "SKU01", 1, 4.0), (None, 1009, "2024-03-05 17:00:00", "SKU02", 1, 4.0),
        (None, 1009, "2024-03-06 09:00:00", "SKU03", 1, 4.0),
        ("N1", None, "2024-03-07 09:00:00", "SKU03", 1, 4.0),
    ]
    for k in range(20):
        for j in range(1 + k % 4):
            rows.append((f"O{k}-{j}", 1010 + k, f"2024-{1 + (k + j) % 3:02d}-{1 + k:02d} 12:00:00", "SKU05",
                         1 + j, round(1.1 * (k + 1), 2)))
    frame = pd.DataFrame(rows, columns=["InvoiceNo", "CustomerID", "InvoiceDate", "StockCode", "Quantity",
                                        "UnitPrice"])
    frame = frame.assign(InvoiceDate=pd.to_datetime(frame["InvoiceDate"]).astype("datetime64[us]"),
                         Amount=np.round(frame["Quantity"] * frame["UnitPrice"], 2),
                         Description="Item " + frame["StockCode"], Channel="web", Status="paid")
    number = frame["CustomerID"]
    if ids == "int":
        return frame.assign(CustomerID=pd.array(number, dtype="Int64"))
    if ids == "float":
        return frame.assign(CustomerID=number.astype("float64"))
    return frame.assign(CustomerID=pd.Series([None if pd.isna(v) else f"0{int(v)}" for v in number], dtype="str"))


HARD_MAPPING = MAPPING.from_dict({k: v for k, v in MAPPING.as_dict().items() if k not in ("category",)})


def hard_tables(folder, frame: pd.DataFrame, request, *, as_of=HARD_AS_OF, parquet_frame=None,
                paths: tuple[str, ...] = LOCAL_PATHS) -> dict:
    """{path: customer table} for the hard file: "reference" (pipeline on the CSV) and each of ``paths``."""
    from crm_core.engine import run

    csv = write_csv(frame, folder / "hard.csv")
    parquet = write_parquet(frame if parquet_frame is None else parquet_frame, folder / "hard.parquet")
    tables = {"reference": pandas_reference(csv, as_of=as_of, mapping=HARD_MAPPING)[0]}
    for path in paths:
        engine, kind = PATHS[path]
        if engine == "spark":
            request.getfixturevalue("spark")
        source = csv if kind == "csv" else parquet
        tables[path] = run.customer_table([str(source)], _options(engine, folder), mapping=HARD_MAPPING,
                                          as_of=as_of).table
    return tables


def hard_case_problems(tmp_path, request, ids: str, paths: tuple[str, ...] = LOCAL_PATHS) -> list[str]:
    """The hard file with ids stored as ``ids`` on ``paths``: the reference checked by hand, then every path."""
    tables = hard_tables(tmp_path, hard_frame(ids), request, paths=paths)
    reference = tables.pop("reference").set_index("customer_id")
    prefix = "0" if ids == "text" else ""
    # The reference itself, by hand.
    assert reference.at[f"{prefix}1008", "frequency"] == 2 and reference.at[f"{prefix}1008", "lines"] == 4
    assert reference.at[f"{prefix}1009", "frequency"] == 2 and reference.at[f"{prefix}1009", "lines"] == 3
    assert reference.at[f"{prefix}1005", "recency_days"] == 1 and reference.at[f"{prefix}1006", "recency_days"] == 17
    assert round(reference.at[f"{prefix}1001", "monetary"] * 100) == 30
    assert len(reference) == 28  # the line without a customer is no customer
    problems = []
    for path, table in tables.items():
        for name, params in PARAMS.items():
            expected, got = scored(reference.reset_index(), params), scored(table, params)
            problems += differences(expected, got, label=f"{ids}/{path}/{name}")
            by_id = got.set_index("customer_id")
            # Ties only once rounded to cents: the same M score on every engine.
            for a, b in ((f"{prefix}1001", f"{prefix}1002"), (f"{prefix}1003", f"{prefix}1004")):
                if a in by_id.index and b in by_id.index and by_id.at[a, "m_score"] != by_id.at[b, "m_score"]:
                    problems.append(f"{ids}/{path}/{name}: {a} and {b} spend the same but score M "
                                    f"{by_id.at[a, 'm_score']} and {by_id.at[b, 'm_score']}")
    return problems


@pytest.mark.parametrize("ids", ["int", "float", "text"])
def test_hard_cases(tmp_path, request, ids):
    problems = hard_case_problems(tmp_path, request, ids)
    assert not problems, "\n".join(problems)


def test_frequency_counts_distinct_orders(tmp_path, request):
    """Frequency is COUNT(DISTINCT order id) of purchase lines on every engine: X1 on three lines (two days) and X2
    are 2 orders; and a return does not add an order."""
    frame = hard_frame("text")
    returned = frame[frame["InvoiceNo"] == "X2"].assign(InvoiceNo="C999", Quantity=-1, Amount=-2.5,
                                                         InvoiceDate=pd.Timestamp("2024-03-02 09:00:00"))
    tables = hard_tables(tmp_path, pd.concat([frame, returned], ignore_index=True), request)
    for path, table in tables.items():
        row = table.set_index("customer_id").loc["01008"]
        assert (row["frequency"], row["lines"], row["return_lines"]) == (2, 4, 1), path
        assert round(row["monetary"] * 100) == 750, path


def time_zone_problems(tmp_path, request, as_of, paths: tuple[str, ...] = LOCAL_PATHS) -> list[str]:
    """A Parquet column of Shanghai times counts by the calendar day in UTC, as the same lines written in UTC:
    23:30 UTC on 31 March is 07:30 on 1 April in Shanghai, yet the line is before an analysis dated 1 April."""
    frame = hard_frame("text")
    aware = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai"))
    assert str(aware["InvoiceDate"].iloc[6]) == "2024-04-01 07:30:00+08:00"
    tables = hard_tables(tmp_path, frame, request, as_of=as_of, parquet_frame=aware, paths=paths)
    reference = tables.pop("reference")
    assert reference.set_index("customer_id").at["01005", "recency_days"] == 1
    problems = []
    for path, table in tables.items():
        if PATHS[path][1] != "parquet":
            continue  # the CSV holds UTC wall-clock text: compared in test_hard_cases
        problems += differences(scored(reference, QUANTILE), scored(table, QUANTILE), label=f"tz/{path}")
    return problems


@pytest.mark.parametrize("as_of", [HARD_AS_OF, None])
def test_time_zone_aware_timestamps_count_by_utc_day(tmp_path, request, as_of):
    problems = time_zone_problems(tmp_path, request, as_of)
    assert not problems, "\n".join(problems)


def offset_problems(tmp_path, request, engines: tuple[str, ...]) -> list[str]:
    """Text timestamps with a UTC offset (``2024-04-01T07:30:00+08:00``) in a CSV: every path counts the wall-clock
    day as written, as the upload path does (the offset is not applied), so a file exported in local time keeps its
    local days on every engine (Spark's own text-to-timestamp cast would apply the offset)."""
    from crm_core.engine import run

    frame = hard_frame("text")
    local = frame["InvoiceDate"].dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    csv = tmp_path / "offsets.csv"
    frame.assign(InvoiceDate=local).to_csv(csv, index=False)
    reference = pandas_reference(csv, as_of=HARD_AS_OF, mapping=HARD_MAPPING)[0]
    assert reference.set_index("customer_id").at["01005", "last_order_date"] == pd.Timestamp("2024-03-31 23:30")
    problems = []
    for engine in engines:
        if engine == "spark":
            request.getfixturevalue("spark")
        table = run.customer_table([str(csv)], _options(engine, tmp_path), mapping=HARD_MAPPING,
                                   as_of=HARD_AS_OF).table
        problems += differences(scored(reference, QUANTILE), scored(table, QUANTILE), label=f"offsets/{engine}-csv")
    return problems


def test_text_timestamps_with_offsets_read_as_written(tmp_path, request):
    problems = offset_problems(tmp_path, request, ("pandas", "duckdb"))
    assert not problems, "\n".join(problems)


def test_amounts_with_fractions_of_a_cent(tmp_path, request):
    """Prices with a fraction of a cent (0.125, as Online Retail's 0.001-priced PADS lines): net spend is the same
    to the cent on every path.  1050 buys three lines of 0.125 (0.375 in all), 1051 buys 0.38 and 1052 0.37."""
    frame = hard_frame("text")
    extra = pd.DataFrame({
        "InvoiceNo": ["F1", "F1", "F1", "F2", "F3"], "CustomerID": ["01050", "01050", "01050", "01051", "01052"],
        "InvoiceDate": pd.to_datetime(["2024-03-20 10:00:00"] * 3 + ["2024-03-20 11:00:00", "2024-03-20 12:00:00"]),
        "StockCode": ["SKU01", "SKU02", "SKU03", "SKU01", "SKU01"], "Quantity": [1, 1, 1, 1, 1],
        "UnitPrice": [0.125, 0.125, 0.125, 0.38, 0.37], "Amount": [0.125, 0.125, 0.125, 0.38, 0.37],
        "Description": "Item", "Channel": "web", "Status": "paid"})
    frame = pd.concat([frame, extra.assign(InvoiceDate=extra["InvoiceDate"].astype("datetime64[us]"))],
                      ignore_index=True)
    tables = hard_tables(tmp_path, frame, request)
    reference = tables.pop("reference")
    problems = []
    for path, table in tables.items():
        problems += differences(scored(reference, QUANTILE), scored(table, QUANTILE), label=f"subcent/{path}",
                                columns=("monetary", "m_score", "segment"))
    assert not problems, "\n".join(problems)
