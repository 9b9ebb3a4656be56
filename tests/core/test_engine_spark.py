"""The Spark path in local[2] on a 1-million-line file (issue 16, section 2 "Spark"), as the CI runs it.

The file is written once by the bench generator (:func:`crm_core.sample.big_orders.write_big_orders`: skewed
customers, Zipf products, C-returns, postage and manual lines, cancelled statuses, lines without a customer).
``run.customer_table`` on Spark gives DuckDB's answer for every customer: same ids, recency, frequency, orders a
year, net spend to the cent, scores and segments (quantile and threshold scoring), the same rows left out per
reason and the same analysis date; and the CLI with ``--engine spark --spark-master local[2]`` writes that answer.
One SparkSession for the module.  Skipped, with the reason, only where pyspark or Java is missing: the CI installs
both (.ci/run installs Java, requirements-dev.txt has pyspark).
"""

from __future__ import annotations

import pandas as pd
import pytest
from engine_fixtures import QUANTILE, THRESHOLD, differences, scored, spark_available, spark_session

from crm_core.sample.big_orders import write_big_orders

N_LINES = 1_000_000

pytestmark = pytest.mark.skipif(spark_available() is not None, reason=str(spark_available()))


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = spark_session(tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


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


def test_cli_rfm_on_spark_writes_the_same_segments(big_file, spark, duckdb_run, tmp_path):
    """``python -m crm_core rfm orders.parquet --engine spark --spark-master local[2] --out rfm.parquet``."""
    from cli_helpers import run as run_cli

    out = tmp_path / "rfm.parquet"
    status, stdout, stderr = run_cli("rfm", big_file, "--engine", "spark", "--spark-master", "local[2]",
                                     "--out", out)
    assert status == 0, stderr
    written = pd.read_parquet(out)
    expected = scored(duckdb_run.table, QUANTILE)
    assert len(written) == len(expected)
    written = written.assign(customer_id=written["customer_id"].astype(str)).sort_values("customer_id")
    wanted = ("recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_code", "segment")
    problems = [f"cli spark: no {c} column in {list(written.columns)}" for c in wanted if c not in written.columns]
    problems += differences(expected, written.reset_index(drop=True), label="cli spark",
                            columns=tuple(c for c in wanted if c in written.columns))
    assert not problems, "\n".join(problems)
