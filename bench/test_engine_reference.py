"""The engine benches' references compute what crm_core computes, and the child-process measurement is the child's.

On 40,000 generated lines (crm_core.sample.big_orders): bench_engine_rfm's hand-written DuckDB query gives the pandas
pipeline's customers with the same recency, frequency, net spend and R/F/M scores; bench_engine_rules' hand-written
pairs query gives the pandas baskets' pairs of the items that can be frequent.  Run with ``python -m pytest bench``.
"""

from __future__ import annotations

import sys

import bench_engine_rfm
import bench_engine_rules
import duckdb
import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.basket import mining
from crm_core.basket.baskets import build_baskets
from crm_core.sample.big_orders import write_big_orders


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine_bench")
    parquet = write_big_orders(folder / "orders.parquet", 40_000, seed=9)
    csv = write_big_orders(folder / "orders.csv", 40_000, seed=9, kind="csv")
    return parquet, csv, folder


@pytest.fixture(scope="module")
def loaded(files):
    return pipeline.load(files[1].read_bytes(), "orders.csv")


def test_hand_sql_is_the_pandas_pipeline(files, loaded):
    parquet, _, folder = files
    out = folder / "hand.parquet"
    duckdb.connect().execute(bench_engine_rfm.hand_sql(str(parquet), str(out)))
    hand = pd.read_parquet(out).set_index("customer_id").sort_index()
    ours = pipeline.rfm_scores(loaded.result)
    ours = ours.assign(customer_id=ours["customer_id"].astype(str)).set_index("customer_id").sort_index()
    assert len(hand) > 300
    assert list(hand.index) == list(ours.index)
    for column in ("recency_days", "frequency", "r_score", "f_score", "m_score"):
        assert (hand[column].to_numpy() == ours[column].to_numpy()).all(), column
    assert (np.round(hand["monetary"].to_numpy() * 100) == np.round(ours["monetary"].to_numpy() * 100)).all()
    assert hand["r_score"].nunique() == 5


def test_hand_pairs_are_the_pandas_baskets(files, loaded):
    parquet = files[0]
    baskets = build_baskets(loaded.result.orders)
    least = mining.min_count(baskets.n, 0.01)
    frequent = baskets.item_counts >= least
    expected = int(baskets.matrix[:, np.flatnonzero(frequent)].nnz)
    pairs, _ = bench_engine_rules.hand_pairs(str(parquet), 0.01)
    assert 0 < frequent.sum() < len(baskets.items)
    assert pairs == expected


def test_measure_reports_the_child_own_peak_and_status(tmp_path):
    hold = bytearray(400 * 2**20)   # this process is big: a child must not report it
    hold[::4096] = b"x" * len(hold[::4096])
    fill = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])"
    big = bench_engine_rfm.measure([sys.executable, "-c", fill])
    assert big["status"] == 0 and 300 < big["peak_mb"] < 400
    small = bench_engine_rfm.measure([sys.executable, "-c", "import sys; print('{\"inside_s\": 1.5}'); sys.exit(3)"])
    assert small["status"] == 3 and small["peak_mb"] < 100       # neither this process nor the earlier child
    del hold
    assert bench_engine_rfm._inside(small) == {"inside_s": 1.5}
