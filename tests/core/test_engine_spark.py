"""The Spark path in local[2]: the equivalence cases on Spark, and a 1-million-line file (issue 16, section 2
"Spark"), as the CI runs it.

First the cases of tests/core/test_engine_equivalence.py on Spark (Parquet), in this module's one SparkSession:
the generated 50k-line file against the upload path (every customer, both windows, quantile and threshold scoring,
rows left out per reason, analysis date) and the hand-built hard cases (ids as int and float, time-zone-aware
timestamps, text timestamps with offsets in a CSV read at the wall clock written).

The file is written once by the bench generator (:func:`crm_core.sample.big_orders.write_big_orders`: skewed
customers, Zipf products, C-returns, postage and manual lines, cancelled statuses, lines without a customer).
``run.customer_table`` on Spark gives DuckDB's answer for every customer: same ids, recency, frequency, orders a
year, net spend to the cent, scores and segments (quantile and threshold scoring), the same rows left out per
reason and the same analysis date; and the CLI with ``--engine spark --spark-master local[2]`` writes that answer
(on 100k lines).  One SparkSession for the module.  Skipped, with the reason, only where pyspark or Java is
missing: the CI installs both (.ci/run installs Java, requirements-dev.txt has pyspark).
"""

from __future__ import annotations

import pandas as pd
import pytest
from engine_fixtures import QUANTILE, THRESHOLD, differences, scored, spark_available, spark_session
from test_engine_equivalence import (
    HARD_AS_OF,
    WINDOWS,
    Runs,
    check_analysis_date,
    check_rows_left_out,
    equivalence_files,
    hard_case_problems,
    offset_problems,
    same_customers_problems,
    time_zone_problems,
)

from crm_core.sample.big_orders import write_big_orders

N_LINES = 1_000_000

pytestmark = pytest.mark.skipif(spark_available() is not None, reason=str(spark_available()))


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = spark_session(tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


SPARK = ("spark-parquet",)


@pytest.fixture(scope="module")
def runs_50k(request, tmp_path_factory):
    """The equivalence module's generated file and its runs (the reference computed here again)."""
    return Runs(request, tmp_path_factory.mktemp("duckdb_tmp"), equivalence_files(tmp_path_factory.mktemp("eq")))


@pytest.mark.parametrize("window", list(WINDOWS))
def test_spark_same_customers_values_scores_and_segments(runs_50k, window):
    problems = same_customers_problems(runs_50k, "spark-parquet", window)
    assert not problems, "\n".join(problems)


def test_spark_same_rows_left_out_and_analysis_date(runs_50k):
    check_rows_left_out(runs_50k, "spark-parquet")
    check_analysis_date(runs_50k, "spark-parquet")


@pytest.mark.parametrize("ids", ["int", "float"])
def test_spark_hard_cases(tmp_path, request, ids):
    problems = hard_case_problems(tmp_path, request, ids, SPARK)
    assert not problems, "\n".join(problems)


def test_spark_time_zone_aware_timestamps_count_by_utc_day(tmp_path, request):
    problems = time_zone_problems(tmp_path, request, HARD_AS_OF, SPARK)
    assert not problems, "\n".join(problems)


def test_spark_text_timestamps_with_offsets_read_as_written(tmp_path, request):
    problems = offset_problems(tmp_path, request, ("spark",))
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    return write_big_orders(tmp_path_factory.mktemp("spark_data") / "orders.parquet", N_LINES, kind="parquet")


@pytest.fixture(scope="module")
def duckdb_run(big_file, tmp_path_factory):
    from crm_core.engine import run
    from crm_core.engine.options import EngineOptions

    options = EngineOptions(engine="duckdb", memory_limit="2GB", temp_directory=str(tmp_path_factory.mktemp("dd")))
    return run.customer_table([str(big_file)], options)


@pytest.fixture(scope="module")
def spark_run(big_file, spark):
    from crm_core.engine import run
    from crm_core.engine.options import EngineOptions

    return run.customer_table([str(big_file)], EngineOptions(engine="spark", spark_master="local[2]"))


def test_spark_gives_duckdbs_answer_for_every_customer(duckdb_run, spark_run):
    assert spark_run.engine == "spark" and duckdb_run.engine == "duckdb"
    assert len(duckdb_run.table) > 5_000
    problems = []
    for name, params in (("quantile", QUANTILE), ("threshold", THRESHOLD)):
        problems += differences(scored(duckdb_run.table, params), scored(spark_run.table, params),
                                label=f"spark vs duckdb/{name}")
    assert not problems, "\n".join(problems)


def test_spark_leaves_out_the_same_rows_and_picks_the_same_date(duckdb_run, spark_run):
    assert spark_run.as_of == duckdb_run.as_of
    assert spark_run.mapping == duckdb_run.mapping
    assert spark_run.report == duckdb_run.report
    assert spark_run.report.rows_read == N_LINES
    excluded = dict(spark_run.report.excluded)
    for reason in ("missing_customer", "status", "non_product"):
        assert excluded.get(reason, 0) > 0, reason


def test_cli_rfm_on_spark_writes_the_same_segments(spark, tmp_path):
    """``python -m crm_core rfm orders.parquet --engine spark --spark-master local[2] --out rfm.parquet`` writes
    DuckDB's customers, scores and segments (on 100k lines of the same generator: the 1M-line comparison is
    above, this checks the command's own steps)."""
    from cli_helpers import run as run_cli

    from crm_core.engine import run
    from crm_core.engine.options import EngineOptions

    small = write_big_orders(tmp_path / "orders.parquet", 100_000, kind="parquet")
    out = tmp_path / "rfm.parquet"
    status, stdout, stderr = run_cli("rfm", small, "--engine", "spark", "--spark-master", "local[2]", "--out", out)
    assert status == 0, stderr
    written = pd.read_parquet(out)
    reference = run.customer_table([str(small)], EngineOptions(engine="duckdb", temp_directory=str(tmp_path)))
    expected = scored(reference.table, QUANTILE)
    assert len(written) == len(expected) > 500
    written = written.assign(customer_id=written["customer_id"].astype(str)).sort_values("customer_id")
    wanted = ("recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_code", "segment")
    problems = [f"cli spark: no {c} column in {list(written.columns)}" for c in wanted if c not in written.columns]
    problems += differences(expected, written.reset_index(drop=True), label="cli spark",
                            columns=tuple(c for c in wanted if c in written.columns))
    assert not problems, "\n".join(problems)


def test_spark_settles_returns_without_a_purchase_in_the_customer_scan(tmp_path, spark, monkeypatch):
    """As tests/core/test_engine_run.py on DuckDB: the orphans' returns counted from the customer aggregate (their
    days through a memtable join on Spark), the analysis date and the report those of the upload path."""
    from engine_fixtures import with_orphan_returns

    from crm_core.engine import run
    from crm_core.engine.options import EngineOptions

    source = write_big_orders(tmp_path / "orders.parquet", 5_000, kind="parquet")
    path = with_orphan_returns(source, tmp_path / "orphans.parquet")
    expected = run.customer_table([path], EngineOptions(engine="pandas"))

    def no_extra_scans(prepared, clock):
        raise AssertionError("the report was settled by the scans of flagged")

    monkeypatch.setattr(run, "_settle_exactly", no_extra_scans)
    got = run.customer_table([path], EngineOptions(engine="spark", spark_master="local[2]"))
    assert got.report == expected.report and got.report.excluded["return_without_purchase"] >= 3
    assert got.as_of == expected.as_of
    problems = differences(scored(expected.table, QUANTILE), scored(got.table, QUANTILE), label="spark orphans")
    assert not problems, "\n".join(problems)
