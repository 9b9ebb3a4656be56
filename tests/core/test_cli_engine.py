"""python -m crm_core rfm|segment|rules|clv … --engine duckdb|spark: the same answers as the pandas commands on the
same data (a generated file of 20,000 lines, as Parquet and as CSV), the outputs (.parquet / .csv / .xlsx), the
engine chosen by size, the errors (status 2, the message in English and Chinese), progress on stderr."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from crm_core import cli, cli_basket, cli_engine, pipeline
from crm_core.basket import crosssell as cs
from crm_core.engine._cli_progress import StageProgress
from crm_core.messages import render
from crm_core.predict import clv
from crm_core.sample.big_orders import write_big_orders
from crm_core.segment import lifecycle, rfm, tags
from crm_core.segment.combined import ClusterChoice, SegmentChoices, segmented_table, with_group_names
from crm_core.settings import AnalysisSettings, Scope
from tests.core.cli_helpers import run
from tests.core.engine_fixtures import spark_session

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "engine" / "cli"
LINES = 20_000
BIG = tags.TagRule("Big spender", "大客户", (tags.Condition("monetary", ">=", 2000),))
BOUGHT = tags.TagRule("Lantern fan", "灯笼迷", (tags.Bought("Lighting", 2, None, "category"),))


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> SimpleNamespace:
    """The same 20,000 generated lines as Parquet and as CSV, and the pandas path's clean lines of the CSV."""
    folder = tmp_path_factory.mktemp("engine_cli")
    parquet = write_big_orders(folder / "orders.parquet", LINES, seed=16, kind="parquet")
    csv = write_big_orders(folder / "orders.csv", LINES, seed=16, kind="csv")
    loaded = pipeline.load(csv.read_bytes(), csv.name)
    orders = loaded.result.orders
    return SimpleNamespace(folder=folder, parquet=parquet, csv=csv, result=loaded.result, orders=orders,
                           as_of=pipeline.default_as_of(orders))


@pytest.fixture(scope="module")
def pandas_scored(files) -> pd.DataFrame:
    """The pandas rfm command's scores: the customer table of the whole history, scored with the default map."""
    table = pipeline.customer_table(files.orders, files.result.customers, as_of=files.as_of)
    return rfm.score_rfm(table, rfm.RfmParams()).set_index("customer_id").sort_index()


@pytest.fixture(scope="module")
def duckdb_rfm(files) -> SimpleNamespace:
    out = files.folder / "rfm.parquet"
    status, stdout, stderr = run("rfm", files.parquet, "--engine", "duckdb", "--out", out)
    return SimpleNamespace(status=status, stdout=stdout, stderr=stderr, out=out,
                           table=pd.read_parquet(out).set_index("customer_id"))


def _same_customers(engine: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Identical recency, frequency, net spend (at the cent), scores and segments for every customer."""
    assert sorted(engine.index.astype(str)) == sorted(reference.index.astype(str))
    engine = engine.set_axis(engine.index.astype(str)).sort_index()
    for column in ("recency_days", "frequency", "r_score", "f_score", "m_score"):
        assert engine[column].astype("int64").tolist() == reference[column].astype("int64").tolist(), column
    assert np.allclose(engine["monetary"].astype(float), reference["monetary"].round(2), atol=1e-9, rtol=0)
    for column in ("rfm_code", "segment"):
        assert engine[column].astype(str).tolist() == reference[column].astype(str).tolist(), column


# --------------------------------------------------------------------------------------------------- rfm
def test_rfm_on_parquet_with_duckdb_gives_the_pandas_scores_and_segments(files, duckdb_rfm, pandas_scored):
    assert duckdb_rfm.status == 0, duckdb_rfm.stderr
    table = duckdb_rfm.table
    assert len(table) == len(pandas_scored) == 170
    _same_customers(table, pandas_scored)
    names = {key: rfm.SCHEME_11.text(key, "name", "en") for key in rfm.SCHEME_11.segments()}
    assert (table["segment_name"] == table["segment"].map(names)).all()
    offers = {key: rfm.SCHEME_11.text(key, "action", "en") for key in rfm.SCHEME_11.segments()}
    assert (table["offer"] == table["segment"].map(offers)).all()
    reference = rfm.reasons(pandas_scored, lang="en", currency="")
    assert table.sort_index()["reason"].tolist() == reference.sort_index().tolist()
    ours = table.sort_index()
    assert np.allclose(ours["gross_sales"], pandas_scored["gross_sales"].round(2), atol=1e-9)
    assert np.allclose(ours["returns_value"], pandas_scored["returns_value"].round(2), atol=1e-9)
    assert (pd.to_datetime(ours["last_order_date"]).dt.date == pd.to_datetime(
        pandas_scored["last_order_date"]).dt.date).all()


def test_rfm_prints_the_summary_the_report_and_the_progress(files, duckdb_rfm, pandas_scored):
    summary = rfm.segment_summary(pandas_scored, rfm.SCHEME_11, lang="en")
    first = summary.iloc[0]
    assert render("cli_segment", "en", segment=first["name"], customers=first["customers"],
                  share=first["revenue_share"]) in duckdb_rfm.stdout
    assert f"Wrote {duckdb_rfm.out} (170 customers)" in duckdb_rfm.stdout
    report = files.result.report
    assert f"{LINES:,} rows read, {report.rows_used:,} used" in duckdb_rfm.stderr
    assert "  - no customer id: 208" in duckdb_rfm.stderr
    assert "Engine: duckdb (1 file(s)," in duckdb_rfm.stderr
    for stage in ("Scoring", "Writing"):  # the stages the CLI runs itself, each with its time
        assert any(line.startswith(f"  {stage}: ") and line.endswith(" s") for line in duckdb_rfm.stderr.splitlines())
    assert "Traceback" not in duckdb_rfm.stderr


def test_rfm_window_filters_and_scheme_are_the_pandas_ones(files):
    out = files.folder / "rfm_window.parquet"
    status, stdout, stderr = run("rfm", files.parquet, "--engine", "duckdb", "--months", "12", "--channel", "App",
                                 "--scheme", "4", "--as-of", "2025-10-01", "--out", out)
    assert status == 0, stderr
    params = rfm.RfmParams(scheme=rfm.SCHEMES["4"])
    scope = Scope(months=12, channels=("App",))
    reference = pipeline.rfm_scores(files.result, as_of=date(2025, 10, 1), params=params, scope=scope)
    table = pd.read_parquet(out).set_index("customer_id")
    assert 20 < len(table) < 170
    _same_customers(table, reference.set_index("customer_id").sort_index())
    assert set(table["segment"]) <= set(rfm.SCHEMES["4"].segments())


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rfm_writes_csv_and_excel_with_the_same_rows(files, duckdb_rfm, suffix):
    out = files.folder / f"rfm_out{suffix}"
    status, _, stderr = run("rfm", files.parquet, "--engine", "duckdb", "--out", out)
    assert status == 0, stderr
    back = pd.read_csv(out, dtype={"customer_id": str}) if suffix == ".csv" else pd.read_excel(
        out, dtype={"customer_id": str})
    back = back.set_index("customer_id").sort_index()
    expected = duckdb_rfm.table.sort_index()
    assert back.index.tolist() == expected.index.astype(str).tolist()
    for column in ("recency_days", "frequency", "r_score", "f_score", "m_score"):
        assert back[column].astype("int64").tolist() == expected[column].astype("int64").tolist()
    assert np.allclose(back["monetary"], expected["monetary"], atol=1e-9)
    assert back["segment_name"].tolist() == expected["segment_name"].tolist()


def test_rfm_in_chinese_names_the_segments_in_chinese(files, pandas_scored):
    out = files.folder / "rfm_zh.parquet"
    status, stdout, stderr = run("rfm", files.parquet, "--engine", "duckdb", "--out", out, "--lang", "zh")
    assert status == 0, stderr
    table = pd.read_parquet(out)
    names = {key: rfm.SCHEME_11.text(key, "name", "zh") for key in rfm.SCHEME_11.segments()}
    assert (table["segment_name"] == table["segment"].map(names)).all()
    assert "读取 20,000 行" in stderr and "已写入" in stdout and "评分：" in stderr


def test_above_the_reason_limit_the_reason_is_left_out_and_said(files, monkeypatch):
    monkeypatch.setattr(cli_engine, "REASON_MAX_CUSTOMERS", 100)
    out = files.folder / "no_reason.parquet"
    status, _, stderr = run("rfm", files.parquet, "--engine", "duckdb", "--out", out)
    assert status == 0, stderr
    table = pd.read_parquet(out)
    assert "reason" not in table.columns and len(table) == 170 and "segment_name" in table.columns
    assert "The reason column (why each customer is in the segment) is left out above 100 customers (170 here)" \
        in stderr


def test_excel_too_small_for_the_customers_says_choose_csv_or_parquet(files, monkeypatch):
    from crm_core.engine import write

    monkeypatch.setattr(write, "EXCEL_MAX_ROWS", 100)
    out = files.folder / "too_many.xlsx"
    status, _, stderr = run("rfm", files.parquet, "--engine", "duckdb", "--out", out)
    assert status == 2 and "Traceback" not in stderr
    assert ".csv" in stderr and ".parquet" in stderr
    assert not out.exists()


# ------------------------------------------------------------------------------------------- engine choice
def test_a_csv_above_the_pandas_limit_gets_duckdb_and_the_cli_says_so(files, pandas_scored, monkeypatch):
    monkeypatch.setenv("CRM_PANDAS_MAX_BYTES", "1000000")  # the CSV is ~2.2 MB
    out = files.folder / "auto.parquet"
    status, _, stderr = run("rfm", files.csv, "--out", out)
    assert status == 0, stderr
    assert "it is read with duckdb rather than pandas" in stderr
    _same_customers(pd.read_parquet(out).set_index("customer_id"), pandas_scored)


def test_a_small_parquet_without_engine_runs_the_pandas_engine_with_the_same_answers(files, pandas_scored):
    out = files.folder / "small.csv"
    status, _, stderr = run("rfm", files.parquet, "--out", out)
    assert status == 0, stderr
    assert "Engine: pandas (1 file(s)," in stderr and "it is read with" not in stderr
    _same_customers(pd.read_csv(out, dtype={"customer_id": str}).set_index("customer_id"), pandas_scored)


@pytest.mark.parametrize(("lang", "words"), [("en", "Run it with --engine duckdb"), ("zh", "请加上 --engine duckdb")])
def test_engine_pandas_above_the_limit_exits_2_naming_engine_duckdb(files, monkeypatch, lang, words):
    monkeypatch.setenv("CRM_PANDAS_MAX_BYTES", "1000000")
    status, stdout, stderr = run("rfm", files.csv, "--engine", "pandas", "--out", files.folder / "no.csv",
                                 "--lang", lang)
    assert status == 2 and words in stderr and "Traceback" not in stderr and stdout == ""


def test_wants_engine_only_for_engines_parquet_folders_or_big_inputs(files, monkeypatch):
    parser = cli.build_parser()

    def wants(*argv: object) -> bool:
        return cli_engine.wants_engine(parser.parse_args([str(a) for a in argv]))

    assert not wants("rfm", files.csv, "--out", "x.csv")
    assert not wants("rfm", files.csv, "--out", "x.xlsx", "--engine", "pandas")
    assert wants("rfm", files.csv, "--out", "x.csv", "--engine", "duckdb")
    assert wants("clv", files.csv, "--out", "x.csv", "--engine", "spark")
    assert wants("segment", files.parquet, "--out", "x.csv")
    assert wants("rules", files.folder, "--out", "x.csv")
    assert wants("rfm", files.csv, "--out", "x.parquet")
    monkeypatch.setenv("CRM_PANDAS_MAX_BYTES", "1000")
    assert wants("rfm", files.csv, "--out", "x.csv")
    assert wants("rfm", files.csv, "--out", "x.csv", "--engine", "pandas")  # refused in run(), with the message


def test_engine_options_are_passed_through_and_other_engines_options_noted(files, monkeypatch):
    from crm_core.engine import run as engine_run

    seen = {}

    def fake(paths, options, **kwargs):
        seen.update(paths=paths, options=options, kwargs=kwargs)
        report = SimpleNamespace(rows_read=3, rows_used=0, rows_returns=0, excluded={"missing_customer": 3})
        return SimpleNamespace(table=None, as_of=date(2026, 1, 1), report=report, notes=(), seconds={"read": 0.5})

    monkeypatch.setattr(engine_run, "customer_table", fake)
    status, _, stderr = run("rfm", files.parquet, "--engine", "spark", "--spark-master", "spark://h:7077",
                            "--memory-limit", "1GB", "--out", files.folder / "s.parquet", "--as-of", "2025-06-01",
                            "--channel", "App")
    options = seen["options"]
    assert (options.engine, options.spark_master) == ("spark", "spark://h:7077")
    assert seen["kwargs"]["as_of"] == date(2025, 6, 1) and seen["kwargs"]["scope"].channels == ("App",)
    assert "--memory-limit applies only with --engine duckdb: it is ignored with --engine spark." in stderr
    assert "  Reading: 0.5 s" in stderr and "3 rows read, 0 used, 3 excluded" in stderr
    assert status == 2 and "No customer has a purchase before the analysis date 2026-01-01" in stderr


# ------------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize(("option", "lang", "words"), [
    (("--customers", "c.csv"), "en", "--customers cannot be used with --engine duckdb"),
    (("--city", "Paris"), "en", "--city cannot be used with --engine duckdb"),
    (("--include-contact",), "zh", "--include-contact 不能与 --engine duckdb 一起使用"),
    (("--merge-duplicates",), "en", "--merge-duplicates cannot be used with --engine duckdb"),
])
def test_options_that_need_the_pandas_path_exit_2_naming_them(files, option, lang, words):
    status, _, stderr = run("rfm", files.parquet, "--engine", "duckdb", "--out", files.folder / "x.parquet",
                            *option, "--lang", lang)
    assert status == 2 and words in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(("argv", "words"), [
    (("--memory-limit", "lots"), "DuckDB does not accept the memory limit \u201clots\u201d"),
    (("--lang", "zh"), "不存在"),
])
def test_a_bad_memory_limit_or_a_missing_input_exits_2(files, argv, words):
    source = files.parquet if "--memory-limit" in argv else files.folder / "missing.parquet"
    status, stdout, stderr = run("rfm", source, "--engine", "duckdb", "--out", files.folder / "x.parquet", *argv)
    assert status == 2 and words in stderr and "Traceback" not in stderr and stdout == ""


def test_an_output_that_is_not_parquet_csv_or_xlsx_exits_2(files):
    status, _, stderr = run("rfm", files.parquet, "--out", files.folder / "x.json", "--lang", "zh")
    assert status == 2 and "--out" in stderr and "\u201c.parquet\u201d、.csv 或 .xlsx" in stderr


@pytest.mark.parametrize(("lang", "words"), [("en", "InvoiceDate"), ("zh", "InvoiceDate")])
def test_a_parquet_column_of_the_wrong_type_exits_2_naming_it(lang, words):
    status, stdout, stderr = run("rfm", DATA / "date_as_bool.parquet", "--engine", "duckdb", "--mapping",
                                 DATA / "date_as_bool.mapping.json", "--out", DATA / "never.parquet", "--lang", lang)
    assert status == 2 and words in stderr and "Traceback" not in stderr and stdout == ""
    assert ("error:" if lang == "en" else "错误：") in stderr
    assert not (DATA / "never.parquet").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_messy_amounts_in_a_csv_say_the_parsing_stays_on_the_pandas_path(lang):
    status, stdout, stderr = run("rfm", DATA / "messy_amounts.csv", "--engine", "duckdb", "--out",
                                 DATA / "never.parquet", "--lang", lang)
    assert status == 2 and "Traceback" not in stderr and stdout == ""
    assert "Amount" in stderr and "¥1,234.50" in stderr and "pandas" in stderr


# ---------------------------------------------------------------------------------------------- segment
@pytest.fixture(scope="module")
def settings_file(files) -> Path:
    path = files.folder / "analysis.json"
    path.write_text(AnalysisSettings(tags=(BIG, BOUGHT), clusters=ClusterChoice(k=4)).to_json(), encoding="utf-8")
    return path


def test_segment_with_duckdb_gives_the_pandas_segments_clusters_stages_and_tags(files, settings_file):
    out = files.folder / "segments.parquet"
    status, stdout, stderr = run("segment", files.parquet, "--engine", "duckdb", "--settings", settings_file,
                                 "--out", out)
    assert status == 0, stderr
    assert "The tag \u201cLantern fan\u201d has a purchase condition" in stderr
    table = pd.read_parquet(out).set_index("customer_id").sort_index()
    # The pandas segment command's own functions on the pandas path's customer table.
    base = pipeline.customer_table(files.orders, files.result.customers, as_of=files.as_of)
    choice = ClusterChoice(k=4)
    fitted = choice.fit(base)
    choices = SegmentChoices(clusters=choice, windows=lifecycle.LifecycleWindows(), tags=(BIG,))
    reference = segmented_table(base, files.orders, files.as_of, choices=choices, clusters=fitted)
    reference = with_group_names(reference, clusters=fitted).set_index("customer_id").sort_index()
    assert table.index.tolist() == reference.index.tolist()
    for column in ("segment", "rfm_segment_name", "stage", "stage_name", "tags", "tag_big_spender"):
        assert table[column].tolist() == reference[column].tolist(), column
    assert (table["cluster"] == reference["cluster"]).mean() >= 0.99  # same fit; spend summed in cents
    assert "tag_lantern_fan" not in table.columns
    assert "170 customers in 4 clusters (k from the settings file)" in stdout
    assert (files.folder / "segments.profiles.csv").exists()


def test_segment_on_more_customers_than_the_sample_fits_a_sample_and_assigns_everyone(files, monkeypatch):
    from crm_core.engine import _cli_commands

    monkeypatch.setattr(_cli_commands, "CLUSTER_SAMPLE", 100)
    monkeypatch.setattr(_cli_commands, "ASSIGN_CHUNK", 64)
    out = files.folder / "sampled.csv"
    status, stdout, stderr = run("segment", files.parquet, "--engine", "duckdb", "--k", "3", "--out", out)
    assert status == 0, stderr
    assert "Clusters fitted on a seeded sample of 100 of the 170 customers" in stderr
    table = pd.read_csv(out, dtype={"customer_id": str})
    assert len(table) == 170 and set(table["cluster"]) == {"c1", "c2", "c3"}
    sizes = table["cluster"].value_counts()
    for key in ("c1", "c2", "c3"):  # the printed sizes count every customer, not the sample
        assert f"  {key} " in stdout and f": {sizes[key]} customers" in stdout


def test_segment_with_a_bad_k_exits_2_before_reading(files):
    status, _, stderr = run("segment", files.parquet, "--engine", "duckdb", "--k", "1", "--out",
                            files.folder / "k.parquet")
    assert status == 2 and "Traceback" not in stderr and "Engine:" not in stderr


# ------------------------------------------------------------------------------------------------ rules
def test_rules_with_duckdb_are_the_pandas_rules_offers_and_bundles(files):
    out = files.folder / "rules.csv"
    status, stdout, stderr = run("rules", files.parquet, "--engine", "duckdb", "--min-support", "0.005",
                                 "--out", out)
    assert status == 0, stderr
    choice = cs.CrossSellChoice(min_support=0.005)
    mined = cs.mine(files.orders, choice, as_of=files.as_of)
    expected = cli_basket.rules_sheet(mined.rules, "en", by="order")
    ours = pd.read_csv(out)
    reference = pd.read_csv(io.StringIO(expected.to_csv(index=False)))
    assert len(ours) == len(reference) > 20
    pd.testing.assert_frame_equal(ours, reference, check_exact=False, rtol=1e-9)
    found = f"{mined.baskets.n:,} baskets (one per order), {len(mined.itemsets):,} frequent itemsets"
    assert f"{found}, {len(mined.rules)} rules" in stdout
    # The offers and bundles of the pandas command, from every customer's items in the analysis window.
    items = cs.items_of(files.orders, choice, as_of=files.as_of)
    offers = cs.next_offers(items, cs.offer_rules(mined.rules, choice), choice, lang="en")
    written = pd.read_csv(files.folder / "rules.offers.csv", dtype={"customer_id": str})
    assert len(written) == len(offers) > 0
    assert written[["customer_id", "item", "rule", "reason"]].values.tolist() == offers[
        ["customer_id", "item", "rule", "reason"]].astype(str).values.tolist()
    bundles = cs.bundle_offers(items, cs.bundles_to_complete(mined.itemsets, choice), lang="en")
    written = pd.read_csv(files.folder / "rules.bundles.csv", dtype={"customer_id": str})
    assert written[["customer_id", "missing_item", "bundle"]].values.tolist() == bundles[
        ["customer_id", "missing_item", "bundle"]].astype(str).values.tolist()
    assert f"Next-best offers: {offers['customer_id'].nunique():,} customers" in stdout


def test_rules_basket_window_inside_a_fixed_start_is_the_pandas_window(files):
    out = files.folder / "rules_window.parquet"
    status, stdout, stderr = run("rules", files.parquet, "--engine", "duckdb", "--from", "2024-01-01",
                                 "--basket-months", "6", "--out", out)
    assert status == 0, stderr
    scoped = pipeline.in_scope(files.result, Scope(start=date(2024, 1, 1)), as_of=files.as_of)
    mined = cs.mine(scoped.orders, cs.CrossSellChoice(months=6), as_of=files.as_of)
    assert 0 < mined.baskets.n < 1000
    assert f"{mined.baskets.n:,} baskets (one per order), {len(mined.itemsets):,} frequent itemsets, " \
           f"{len(mined.rules)} rules" in stdout
    assert len(pd.read_parquet(out)) == len(mined.rules)


def test_rules_above_the_offer_limit_write_the_rules_and_say_the_lists_are_left_out(files, monkeypatch):
    from crm_core.engine import _cli_commands

    monkeypatch.setattr(_cli_commands, "OFFERS_MAX_CUSTOMERS", 10)
    out = files.folder / "rules_only.parquet"
    status, _, stderr = run("rules", files.parquet, "--engine", "duckdb", "--out", out, "--lang", "zh")
    assert status == 0, stderr
    assert len(pd.read_parquet(out)) == 23
    assert re.search(r"下一最佳推荐和待补全组合清单最多为 10 位客户生成（本次 1\d\d 位）", stderr), stderr
    assert not (files.folder / "rules_only.offers.parquet").exists()


# -------------------------------------------------------------------------------------------------- clv
@pytest.mark.parametrize("method", ["auto", "formula"])
def test_clv_with_duckdb_is_the_pandas_clv(files, method):
    out = files.folder / f"clv_{method}.parquet"
    status, stdout, stderr = run("clv", files.parquet, "--engine", "duckdb", "--method", method, "--out", out)
    assert status == 0, stderr
    reference = clv.run_clv(files.orders, as_of=files.as_of, choice=clv.ClvChoice(method=method))
    assert reference.method == ("model" if method == "auto" else "formula")
    table = pd.read_parquet(out).set_index("customer_id")
    expected = reference.table.loc[table.index]
    assert len(table) == len(reference.table) == 170
    assert np.allclose(table["clv"], expected["clv"], rtol=1e-6)
    assert np.allclose(table["expected_purchases"], expected["expected_purchases"], rtol=1e-6)
    assert (table["method"] == reference.method).all()
    assert table["clv"].is_monotonic_decreasing
    if method == "auto":
        printed = re.search(r"BG/NBD .*: r = ([0-9.e+-]+), alpha = ([0-9.e+-]+)", stdout)
        assert printed is not None, stdout
        assert np.allclose([float(v) for v in printed.groups()], [reference.bgnbd.r, reference.bgnbd.alpha],
                           rtol=1e-4)
        assert "Repeat customers: 151 of 170" in stdout


# ------------------------------------------------------------------------------------------------ Spark
@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """The one SparkSession of this module (local[2], UTC, no UI, dirs under a tmp folder); the CLI's
    crm_core.engine.backends.connect finds it instead of starting another.  Skipped without pyspark or Java."""
    session = spark_session(tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()


def test_rfm_on_spark_gives_the_pandas_scores(files, pandas_scored, spark, tmp_path):
    out = tmp_path / "spark.parquet"
    status, _, stderr = run("rfm", files.parquet, "--engine", "spark", "--spark-master", "local[2]", "--out", out)
    assert status == 0, stderr
    assert "Engine: spark" in stderr
    _same_customers(pd.read_parquet(out).set_index("customer_id"), pandas_scored)


# --------------------------------------------------------------------------------------------- progress
def test_progress_prints_a_percentage_only_on_a_new_ten_percent_step_after_two_seconds():
    now = [0.0]
    out = io.StringIO()
    progress = StageProgress("en", stream=out, clock=lambda: now[0])
    for second, fraction in [(0.0, 0.5), (1.0, 0.6), (2.0, 0.61), (3.0, 0.65), (4.0, 0.72), (4.1, 0.79),
                             (9.0, 0.99), (9.5, 1.0)]:
        now[0] = second
        progress("customers", fraction)
    now[0] = 10.0
    progress("write", 0.9)  # a new stage starts its own clock: nothing before two seconds
    progress.report_times({"read": 1.25, "customers": 9.5})
    assert out.getvalue().splitlines() == [
        "  Customer table: 60% (2 s)", "  Customer table: 70% (4 s)", "  Customer table: 90% (9 s)",
        "  Reading: 1.2 s", "  Customer table: 9.5 s"]
    zh = StageProgress("zh", stream=io.StringIO())
    zh.done("baskets", 3.0)
    assert zh.lines == ["  购物篮：3.0 秒"]


def test_the_fixtures_hold_what_the_tests_say():
    mapping = json.loads((DATA / "date_as_bool.mapping.json").read_text(encoding="utf-8"))
    assert mapping["order_date"] == "InvoiceDate"
    frame = pd.read_parquet(DATA / "date_as_bool.parquet")
    assert frame["InvoiceDate"].dtype == bool and len(frame) == 4
    assert "¥1,234.50" in (DATA / "messy_amounts.csv").read_text(encoding="utf-8")
