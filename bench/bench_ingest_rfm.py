"""Ingest + RFM on the full Online Retail CSV: crm_core (A) against plain pandas (B) and DuckDB (D).

A is what the app runs for an upload: ``readers.read_upload`` -> ``ingest.standardize`` (with the
suggested mapping) -> ``customers.customer_table`` -> ``rfm.score_rfm``.  B is the few lines of pandas
an analyst would write for the same numbers (no messy-input handling, no row accounting), run twice:
with pandas' default C parser (B-c) and with ``engine="pyarrow"`` (B-arrow), like for like with the
Arrow parser A's reader uses.  D is the same RFM in DuckDB SQL (``read_csv`` + one query): the
best-known line, printed for reference (skipped with the reason when duckdb is not installed).  All
start from the same bytes in memory.  After one warm-up of each, the lines run ``--runs`` times in
rotating order (so none always runs on a warmer heap) and the medians are printed.

Target (issue 11): median A / median B-arrow <= 1.5.  A / B-c and A / D are printed for information.
The exit status is 1 when the target is missed, 0 when it is met or the data set is absent.

Run from the repository root::

    python bench/bench_ingest_rfm.py            # 1 warm-up + 5 timed rounds
    python bench/bench_ingest_rfm.py --profile  # also cProfile one run of A
"""

from __future__ import annotations

import argparse
import atexit
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import _common
import numpy as np
import pandas as pd

from crm_core import customers, ingest
from crm_core.ingest import readers
from crm_core.schema import IngestOptions, suggest_mapping
from crm_core.segment import rfm

TARGET_RATIO = 1.5  # A / B-arrow, issue 11
STAGES = ("read", "mapping", "standardize", "customer table", "scoring")
# The same non-merchandise codes as the app's default cleaning (POST, DOT, M, BANK CHARGES...).
NON_PRODUCT = frozenset(code.strip().upper() for code in IngestOptions().non_product_codes)
GRID = np.asarray(rfm.SCHEME_11.grid, dtype=object)  # grid[5 - R][FM - 1]


@dataclass
class RunA:
    scored: pd.DataFrame
    stages: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.stages.values())


def run_crm_core(data: bytes) -> RunA:
    """The app's path, stage by stage, timed separately."""
    stages: dict[str, float] = {}
    raw, stages["read"] = _common.timed(lambda: readers.read_upload(data, _common.ONLINE_RETAIL_NAME))
    # As the app: header words checked against a sample of the values.
    mapping, stages["mapping"] = _common.timed(lambda: suggest_mapping(raw.frame))
    result, stages["standardize"] = _common.timed(lambda: ingest.standardize(raw, mapping))
    table, stages["customer table"] = _common.timed(
        lambda: customers.customer_table(result.orders, result.customers)
    )
    scored, stages["scoring"] = _common.timed(lambda: rfm.score_rfm(table))
    return RunA(scored=scored, stages=stages)


def _quintile(values: pd.Series, ties: str = "min") -> np.ndarray:
    """Score 1..5 = ceil(percentile rank x 5), ties as crm_core.segment.rfm breaks them.

    F and M: tied customers take their group's lowest rank (ties never lift a score); R (scored on
    -recency): the highest rank (customers tied on a recent day are never pushed down).
    """
    return np.ceil(values.rank(method=ties, pct=True).to_numpy() * 5).clip(1, 5).astype(np.int64)


def run_pandas(data: bytes, engine: str = "c") -> pd.DataFrame:
    """The minimal pandas reference: one row per customer with recency, frequency, monetary, scores, segment.

    ``engine`` is ``pd.read_csv``'s parser: ``"c"`` (pandas' default) or ``"pyarrow"`` (Arrow's
    multi-threaded parser, the one crm_core's reader uses when it gives the same cells).
    """
    df = pd.read_csv(io.BytesIO(data), dtype={"InvoiceNo": "str", "StockCode": "str"}, engine=engine)
    df = df[df["CustomerID"].notna()]
    is_return = (df["Quantity"] < 0) | df["InvoiceNo"].str.startswith("C")
    product = ~df["StockCode"].str.strip().str.upper().isin(NON_PRODUCT)
    keep = product & (df["UnitPrice"] > 0)
    df, is_return = df[keep], is_return[keep]
    amount = (df["Quantity"] * df["UnitPrice"]).abs()
    lines = pd.DataFrame({
        "customer": df["CustomerID"],
        "invoice": df["InvoiceNo"],
        "when": pd.to_datetime(df["InvoiceDate"]),
        "amount": amount.where(~is_return, -amount),  # returns are netted from spend
        "is_return": is_return,
    })
    as_of = lines["when"].max().normalize() + pd.Timedelta(days=1)
    purchases = lines[~lines["is_return"]].groupby("customer")
    table = pd.DataFrame({
        "recency_days": (as_of - purchases["when"].max().dt.normalize()).dt.days,
        "frequency": purchases["invoice"].nunique(),
    })
    table["monetary"] = lines.groupby("customer")["amount"].sum().reindex(table.index)
    r = _quintile(-table["recency_days"], ties="max")
    f = _quintile(table["frequency"])
    m = _quintile(table["monetary"])
    fm = (f + m + 1) // 2
    return table.assign(r_score=r, f_score=f, m_score=m, segment=GRID[5 - r, fm - 1])


DUCKDB_SQL = """
WITH lines AS (
    SELECT CAST(CustomerID AS BIGINT) AS customer, InvoiceNo AS invoice, InvoiceDate AS ts,
           (Quantity < 0 OR starts_with(InvoiceNo, 'C')) AS is_return,
           abs(Quantity * UnitPrice) AS amount
    FROM raw
    WHERE CustomerID IS NOT NULL AND UnitPrice > 0 AND upper(trim(StockCode)) NOT IN ({non_product})
), as_of AS (SELECT date_trunc('day', max(ts)) + INTERVAL 1 DAY AS day FROM lines),
customers AS (
    SELECT customer,
           date_diff('day', max(date_trunc('day', ts)) FILTER (WHERE NOT is_return), (SELECT day FROM as_of))
               AS recency_days,
           count(DISTINCT invoice) FILTER (WHERE NOT is_return) AS frequency,
           sum(CASE WHEN is_return THEN -amount ELSE amount END) AS monetary
    FROM lines GROUP BY customer HAVING count(*) FILTER (WHERE NOT is_return) > 0
), ranked AS (
    SELECT *,
           -- ceil(percentile rank x 5); R: ties take their group's highest rank, F and M the lowest
           least(5, greatest(1, ceil(5.0 * count(*) OVER (ORDER BY recency_days DESC) / count(*) OVER ()))::BIGINT)
               AS r_score,
           least(5, greatest(1, ceil(5.0 * rank() OVER (ORDER BY frequency) / count(*) OVER ()))::BIGINT) AS f_score,
           least(5, greatest(1, ceil(5.0 * rank() OVER (ORDER BY monetary) / count(*) OVER ()))::BIGINT) AS m_score
    FROM customers
)
SELECT customer, recency_days, frequency, monetary, r_score, f_score, m_score,
       ({grid})[6 - r_score][(f_score + m_score + 1) // 2] AS segment
FROM ranked
"""


def duckdb_query() -> str:
    """DUCKDB_SQL with the non-product codes and the SCHEME_11 grid written in (1-based lists in SQL)."""
    quote = lambda text: "'" + str(text).replace("'", "''") + "'"  # noqa: E731 - SQL string literal
    grid = "[" + ", ".join("[" + ", ".join(quote(c) for c in row) + "]" for row in rfm.SCHEME_11.grid) + "]"
    return DUCKDB_SQL.format(non_product=", ".join(quote(c) for c in sorted(NON_PRODUCT)), grid=grid)


def ram_file(data: bytes, name: str) -> Path:
    """``data`` written once (untimed) to a file in RAM (/dev/shm when there is one).

    DuckDB's ``read_csv`` takes a path (a Python file object needs fsspec), so D reads this file:
    like A and B it parses bytes already in memory, not from disk.
    """
    folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    path = folder / f"crm_bench_{os.getpid()}_{name}"
    path.write_bytes(data)
    atexit.register(path.unlink, missing_ok=True)
    return path


def run_duckdb(path: Path) -> pd.DataFrame:
    """DuckDB's ``read_csv`` of ``path``, then the RFM query; one row per customer, indexed like B."""
    import duckdb

    con = duckdb.connect()
    try:
        raw = con.read_csv(str(path), header=True,
                           dtype={"InvoiceNo": "VARCHAR", "StockCode": "VARCHAR", "CustomerID": "DOUBLE"})
        con.register("raw", raw)
        table = con.sql(duckdb_query()).df()
    finally:
        con.close()
    return table.set_index("customer")


def compare(a: pd.DataFrame, b: pd.DataFrame, label: str = "B") -> str:
    """Customers of each, and on how many both agree about the segment (ids 17850.0 vs "17850")."""
    b_ids = b.index.astype("int64").astype("str")
    segments = pd.Series(b["segment"].to_numpy(), index=b_ids)
    same = int((a["segment"].to_numpy() == segments.reindex(a["customer_id"]).to_numpy()).sum())
    match = "same" if len(a) == len(b) else "DIFFERENT"
    return (
        f"customers: A {len(a):,} / {label} {len(b):,} ({match}); same segment in A and {label} for {same:,} "
        f"({same / max(len(a), 1):.2%})"
    )


def duckdb_missing() -> str | None:
    """Why the DuckDB line cannot run, or None when it can."""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return "the 'duckdb' package is not installed (pip install -r requirements-dev.txt)"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds of every line (default 5)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one run of A")
    args = parser.parse_args()

    data = _common.online_retail_bytes()
    rows = data.count(b"\n") - 1
    print(f"bench_ingest_rfm: {_common.ONLINE_RETAIL_GZ.name} decompressed, {len(data) / 1e6:.1f} MB, {rows:,} rows")
    print(_common.machine_line())

    lines: dict[str, object] = {
        "B-c": lambda: run_pandas(data, "c"),
        "B-arrow": lambda: run_pandas(data, "pyarrow"),
    }
    no_duckdb = duckdb_missing()
    if no_duckdb is None:
        csv_path = ram_file(data, _common.ONLINE_RETAIL_NAME)
        lines["D"] = lambda: run_duckdb(csv_path)
    run_crm_core(data)  # warm-up: imports, lazily built tables, allocator
    for fn in lines.values():
        _common.timed(fn)
    a_runs: list[RunA] = []
    times: dict[str, list[float]] = {name: [] for name in lines}
    results: dict[str, pd.DataFrame] = {}
    names = ["A", *lines]
    for round_no in range(args.runs):
        shift = round_no % len(names)  # rotate the order every round
        for which in names[shift:] + names[:shift]:
            if which == "A":
                a_runs.append(run_crm_core(data))
            else:
                results[which], seconds = _common.timed(lines[which])
                times[which].append(seconds)

    print(f"runs: 1 warm-up + {args.runs} timed rounds, order rotating; figures are medians (seconds)")
    stage_text = " | ".join(f"{s} {_common.median([r.stages[s] for r in a_runs]):.2f}" for s in STAGES)
    a_total = _common.median([r.total for r in a_runs])
    print(f"A crm_core:     {stage_text} | total {a_total:.2f}   "
          f"(runs: {_common.seconds_list([r.total for r in a_runs])})")
    medians = {name: _common.median(t) for name, t in times.items()}
    print(f"B-c pandas:     total {medians['B-c']:.2f}   (runs: {_common.seconds_list(times['B-c'])})  "
          f"pd.read_csv default C parser")
    print(f"B-arrow pandas: total {medians['B-arrow']:.2f}   (runs: {_common.seconds_list(times['B-arrow'])})  "
          f"pd.read_csv(engine='pyarrow')")
    if no_duckdb is None:
        print(f"D duckdb:       total {medians['D']:.2f}   (runs: {_common.seconds_list(times['D'])})  "
              f"read_csv + RFM in SQL, best-known line")
    else:
        print(f"D duckdb:       skipped: {no_duckdb}")
    print(f"ratio A/B-c = {a_total / medians['B-c']:.2f} (information: against pandas' C parser)")
    if no_duckdb is None:
        print(f"ratio A/D = {a_total / medians['D']:.2f} (information: against DuckDB)")
    verdicts = _common.Verdicts()
    ratio = a_total / medians["B-arrow"]
    verdicts.check("ingest+RFM ratio", ratio <= TARGET_RATIO,
                   f"ratio A/B-arrow = {ratio:.2f} (target <= {TARGET_RATIO})")
    for name in lines:
        print(compare(a_runs[-1].scored, results[name], name))
    peak = _common.peak_rss_mb()
    print(f"peak RSS of this process (every line, the data kept in memory): {peak:,.0f} MB "
          f"(information; the 1.5 GB target is the server's, in bench_app.py)")

    if args.profile:
        print("\ncProfile of one run of A (top 25 by cumulative time):")
        _common.profile(lambda: run_crm_core(data))
    verdicts.exit()


if __name__ == "__main__":
    main()
