"""Cluster paths (hdfs://, s3a://): listed and read by the cluster, never by the pandas path."""

import pytest

from crm_core import cli
from crm_core.engine import options, source
from crm_core.schema import DataError


@pytest.mark.parametrize(("path", "remote"), [
    ("hdfs:///data/orders/", True), ("s3a://bucket/orders/part-0.parquet", True), ("gs://b/x.csv", True),
    ("/tmp/orders.parquet", False), ("orders.csv", False), ("file:///tmp/orders.parquet", False),
    ("C:\\data\\orders.parquet", False),
])
def test_a_path_with_a_scheme_is_a_cluster_path(path, remote):
    assert options.is_remote(path) is remote


def test_cluster_paths_go_to_spark_unless_another_engine_is_asked_for():
    engine, note = options.choose_engine(None, 0, remote=True)
    assert engine == "spark" and note.code == "eng_remote_chosen"
    assert options.choose_engine("duckdb", 0, remote=True) == ("duckdb", None)
    with pytest.raises(DataError) as error:
        options.choose_engine("pandas", 0, remote=True)
    assert "--engine spark" in error.value.text("en") and "--engine spark" in error.value.text("zh")


def test_cluster_paths_are_kept_as_written_and_typed_by_their_suffix(tmp_path):
    found = source.find_inputs(["hdfs://nn:8020/data/orders/", "s3a://bucket/2025/part-0.parquet"])
    assert found.paths == ("hdfs://nn:8020/data/orders/", "s3a://bucket/2025/part-0.parquet")
    assert (found.kind, found.size_bytes) == ("parquet", 0)
    assert source.find_inputs(["s3a://bucket/orders.csv"]).kind == "csv"
    local = tmp_path / "more.csv"
    local.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(DataError) as error:  # a cluster's Parquet beside a local CSV: one kind per run
        source.find_inputs(["hdfs://nn/data/orders/", str(local)])
    assert error.value.code == "eng_mixed_inputs"
    assert options.input_bytes(["hdfs://nn/data/orders/", str(local)]) == local.stat().st_size


def test_the_cli_refuses_the_pandas_engine_on_a_cluster_path(capsys, tmp_path):
    status = cli.main(["rfm", "hdfs://nn/data/orders/", "--engine", "pandas", "--out", str(tmp_path / "x.parquet"),
                       "--lang", "zh"])
    assert status == 2
    err = capsys.readouterr().err
    assert "hdfs://" in err and "--engine spark" in err and "Traceback" not in err
