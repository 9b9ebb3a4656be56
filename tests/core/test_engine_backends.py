"""crm_core.engine.backends: DuckDB's limits really set, spilling, progress polling, Spark (one session, local[2])."""

from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crm_core.engine import backends, source
from crm_core.engine.options import EngineOptions
from crm_core.schema import DataError


def setting(con, name: str):
    return con.con.execute(f"SELECT current_setting('{name}')").fetchone()[0]


def big_parquet(path: Path, rows: int) -> Path:
    """``rows`` generated order lines (customer = i % 50,000; amounts from a fixed formula), row groups of 100k."""
    writer = duckdb.connect()
    writer.execute(f"COPY (SELECT range AS line, 'c' || (range % 50000) AS customer_id, (range % 997) / 10.0 AS amount "
                   f"FROM range({rows})) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 100000)")
    writer.close()
    return path


# --- DuckDB settings -----------------------------------------------------------------------------------


def test_memory_limit_threads_zone_and_spill_folder_are_applied(tmp_path):
    con = backends.connect(EngineOptions(memory_limit="300MB", temp_directory=str(tmp_path / "spill"), threads=1))
    try:
        assert setting(con, "memory_limit") == "286.1 MiB"  # 300e6 bytes in DuckDB's binary units
        assert setting(con, "temp_directory") == str(tmp_path / "spill")
        assert (tmp_path / "spill").is_dir()
        assert setting(con, "threads") == 1
        assert setting(con, "TimeZone") == "UTC"
        assert setting(con, "preserve_insertion_order") is False
        assert setting(con, "enable_progress_bar") is True
    finally:
        backends.close(con)
    assert (tmp_path / "spill").is_dir()  # a folder the caller gave is left in place


def test_default_spill_folder_is_a_fresh_temporary_one_removed_on_close():
    con = backends.connect(EngineOptions())
    folder = Path(setting(con, "temp_directory"))
    assert folder.name.startswith("crm_duckdb_") and folder.is_dir()
    assert setting(con, "memory_limit") == "1.8 GiB"  # the default 2GB
    backends.close(con)
    assert not folder.exists()


def test_bad_memory_limit_is_a_data_error():
    with pytest.raises(DataError) as caught:
        backends.connect(EngineOptions(memory_limit="lots"))
    assert caught.value.code == "eng_bad_memory_limit" and "“lots”" in caught.value.text("zh")


def test_a_capped_query_completes_by_spilling(tmp_path):
    # 1.5 million distinct groups holding their lines' text do not fit 80 MB: with a spill folder the query
    # completes (exact answer), without one (temp_directory '') DuckDB runs out of memory.
    path = big_parquet(tmp_path / "lines.parquet", 1_500_000)

    def top_three(spill: bool):
        con = backends.connect(EngineOptions(memory_limit="80MB", temp_directory=str(tmp_path / "spill"), threads=2))
        try:
            if not spill:
                con.con.execute("SET temp_directory = ''")
            lines = source.read_table(con, source.find_inputs([path]))
            grouped = lines.group_by("line").aggregate(text=lines.customer_id.max(), amount=lines.amount.sum())
            return con.execute(grouped.order_by(grouped.text.desc(), grouped.line).limit(3))
        finally:
            backends.close(con)

    top = top_three(spill=True)
    assert top["text"].tolist() == ["c9999"] * 3 and top["line"].tolist() == [9999, 59999, 109999]
    with pytest.raises(duckdb.OutOfMemoryException):
        top_three(spill=False)


# --- progress ------------------------------------------------------------------------------------------


def test_progress_reports_increasing_fractions_of_a_duckdb_query(tmp_path):
    path = big_parquet(tmp_path / "lines.parquet", 3_000_000)
    con = backends.connect(EngineOptions(threads=2))
    seen: list[tuple[str, float | None]] = []
    try:
        lines = source.read_table(con, source.find_inputs([path]))
        per_customer = lines.group_by("customer_id").aggregate(n=lines.count(), amount=lines.amount.sum())
        result = backends.run_with_progress(con, lambda: per_customer.to_pandas(), lambda *a: seen.append(a),
                                            "customers", interval=0.01)
    finally:
        backends.close(con)
    assert len(result) == 50_000 and result["n"].sum() == 3_000_000 and set(result["n"]) == {60}
    assert {stage for stage, _ in seen} == {"customers"}
    assert seen[0] == ("customers", None) and seen[-1] == ("customers", 1.0)
    fractions = [fraction for _, fraction in seen[1:-1]]
    assert len(fractions) >= 2 and all(0 <= f <= 1 for f in fractions)
    assert fractions == sorted(fractions) and fractions[0] < fractions[-1]


def test_progress_executes_an_expression_and_reraises_errors():
    con = backends.connect(EngineOptions())
    seen = []
    try:
        table = ibis.memtable({"amount": [1.5, 2.5, 3.0]})
        assert backends.run_with_progress(con, table.amount.sum(), lambda *a: seen.append(a), "read") == 7.0
        assert backends.run_with_progress(con, table.amount.sum(), None, "read") == 7.0

        def fails():
            raise DataError("eng_bad_out", path="x.doc", suffix=".doc")

        with pytest.raises(DataError) as caught:
            backends.run_with_progress(con, fails, lambda *a: seen.append(a), "write")
        assert caught.value.code == "eng_bad_out"
    finally:
        backends.close(con)
    assert seen[0] == ("read", None) and seen[-1] == ("write", None)


# --- Spark: missing pieces, then one real session ---------------------------------------------------------


def test_missing_pyspark_says_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError("No module named 'pyspark'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(DataError) as caught:
        backends.connect(EngineOptions(engine="spark"))
    assert caught.value.code == "eng_no_spark"
    assert "pip install -r requirements-spark.txt" in caught.value.text("en") and "Java 17" in caught.value.text("en")
    assert "pip install -r requirements-spark.txt" in caught.value.text("zh")


def test_missing_java_says_how_to_install(monkeypatch):
    pytest.importorskip("pyspark", reason="pyspark is not installed (requirements-dev.txt)")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setenv("JAVA_HOME", "/nowhere/jdk")
    with pytest.raises(DataError) as caught:
        backends.connect(EngineOptions(engine="spark"))
    assert caught.value.code == "eng_no_java"
    assert "apt install openjdk-17-jre-headless" in caught.value.text("en")
    assert "/nowhere/jdk" in caught.value.text("en")
    assert "apt install openjdk-17-jre-headless" in caught.value.text("zh")


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -r requirements-spark.txt)"
    home = os.environ.get("JAVA_HOME", "")
    if not shutil.which("java") and not (home and (Path(home) / "bin" / "java").exists()):
        return "no Java runtime (apt install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark():
    reason = _spark_missing()
    if reason:
        pytest.skip(f"Spark cannot run here: {reason}")
    con = backends.connect(EngineOptions(engine="spark", spark_master="local[2]"))
    yield con
    backends.close(con)  # the session stays for the next module (starting one costs 15-20 s)


def test_spark_reads_parquet_files_by_column_name(spark, tmp_path):
    pq.write_table(pa.table({"customer_id": ["a", "b", "a"], "amount": [1.0, 2.0, 3.5]}), tmp_path / "p0.parquet")
    pq.write_table(pa.table({"amount": [10.0, 20.0], "customer_id": ["c", "a"]}), tmp_path / "p1.parquet")
    table = source.read_table(spark, source.find_inputs([tmp_path]))
    assert backends.engine_name(spark) == "spark"
    assert spark._session.conf.get("spark.sql.session.timeZone") == "UTC"
    totals = spark.execute(table.group_by("customer_id").aggregate(amount=table.amount.sum()).order_by("customer_id"))
    assert totals["customer_id"].tolist() == ["a", "b", "c"] and totals["amount"].tolist() == [24.5, 2.0, 10.0]
    assert backends.connect(EngineOptions(engine="spark"))._session is spark._session  # one session per process
