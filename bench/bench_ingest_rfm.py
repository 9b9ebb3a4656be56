"""Ingest + RFM on the full Online Retail CSV: crm_core (A) against a minimal pandas script (B).

A is what the app runs for an upload: ``readers.read_upload`` -> ``ingest.standardize`` (with the
suggested mapping) -> ``customers.customer_table`` -> ``rfm.score_rfm``.  B is the few lines of pandas
an analyst would write for the same numbers (no messy-input handling, no row accounting).  Both
start from the same bytes in memory.  After one warm-up of each, A and B run ``--runs`` times
alternately (the order swaps every round, so neither always runs on a warmer heap) and the
medians are printed.  Target: median A / median B <= 2.0.  The exit status is 0 either way.

Run from the repository root::

    python bench/bench_ingest_rfm.py            # 1 warm-up + 5 timed rounds
    python bench/bench_ingest_rfm.py --profile  # also cProfile one run of A
"""

from __future__ import annotations

import argparse
import io
from dataclasses import dataclass

import _common
import numpy as np
import pandas as pd

from crm_core import customers, ingest
from crm_core.ingest import readers
from crm_core.schema import IngestOptions, suggest_mapping
from crm_core.segment import rfm

TARGET_RATIO = 2.0
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


def run_pandas(data: bytes) -> pd.DataFrame:
    """The minimal pandas reference: one row per customer with recency, frequency, monetary, scores, segment."""
    df = pd.read_csv(io.BytesIO(data), dtype={"InvoiceNo": "str", "StockCode": "str"})
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


def compare(a: pd.DataFrame, b: pd.DataFrame) -> str:
    """Customers of each, and on how many both agree about the segment (ids 17850.0 vs "17850")."""
    b_ids = b.index.astype("int64").astype("str")
    segments = pd.Series(b["segment"].to_numpy(), index=b_ids)
    same = int((a["segment"].to_numpy() == segments.reindex(a["customer_id"]).to_numpy()).sum())
    match = "same" if len(a) == len(b) else "DIFFERENT"
    return (
        f"customers: A {len(a):,} / B {len(b):,} ({match}); same segment in A and B for {same:,} "
        f"({same / max(len(a), 1):.2%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds of A and B (default 5)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one run of A")
    args = parser.parse_args()

    data = _common.online_retail_bytes()
    rows = data.count(b"\n") - 1
    print(f"bench_ingest_rfm: {_common.ONLINE_RETAIL_GZ.name} decompressed, {len(data) / 1e6:.1f} MB, {rows:,} rows")
    print(_common.machine_line())

    run_crm_core(data)  # warm-up: imports, lazily built tables, allocator
    _common.timed(lambda: run_pandas(data))
    a_runs: list[RunA] = []
    b_times: list[float] = []
    for round_no in range(args.runs):
        order = ("A", "B") if round_no % 2 == 0 else ("B", "A")
        for which in order:
            if which == "A":
                a_runs.append(run_crm_core(data))
            else:
                b_result, seconds = _common.timed(lambda: run_pandas(data))
                b_times.append(seconds)

    print(f"runs: 1 warm-up + {args.runs} timed rounds, A/B alternating; figures are medians (seconds)")
    stage_text = " | ".join(f"{s} {_common.median([r.stages[s] for r in a_runs]):.2f}" for s in STAGES)
    a_total = _common.median([r.total for r in a_runs])
    b_total = _common.median(b_times)
    print(f"A crm_core: {stage_text} | total {a_total:.2f}   (runs: {_common.seconds_list([r.total for r in a_runs])})")
    print(f"B pandas:   total {b_total:.2f}   (runs: {_common.seconds_list(b_times)})")
    ratio = a_total / b_total
    print(f"ratio A/B = {ratio:.2f} (target <= {TARGET_RATIO}): {_common.verdict(ratio <= TARGET_RATIO)}")
    print(compare(a_runs[-1].scored, b_result))
    print(f"peak RSS of this process: {_common.peak_rss_mb():,.0f} MB")

    if args.profile:
        print("\ncProfile of one run of A (top 25 by cumulative time):")
        _common.profile(lambda: run_crm_core(data))


if __name__ == "__main__":
    main()
