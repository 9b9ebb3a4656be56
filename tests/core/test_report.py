"""The client report on the sample: every section present (or skipped with its reason in words), each figure
equal to what the function the pages and the CLI use gives on the same data and settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.measure import report as rp
from crm_core.measure.report_measures import outcomes_from_file, sales_from_file
from crm_core.messages import render
from crm_core.predict.churn import ChurnChoice
from crm_core.schema import DataError
from crm_core.segment.combined import ClusterChoice
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
DATA = ROOT / "tests" / "data" / "measure_report"
FAST = AnalysisSettings(churn=ChurnChoice(models=("logistic",), rolling=1), clusters=ClusterChoice(k=4))


@pytest.fixture(scope="module")
def loaded() -> pipeline.Loaded:
    orders = pipeline.load((SAMPLE / "orders_zh.csv").read_bytes(), "orders_zh.csv")
    return pipeline.join_customer_file(orders, (SAMPLE / "customers_zh.csv").read_bytes(), "customers_zh.csv")


@pytest.fixture(scope="module")
def outcomes():
    return outcomes_from_file((SAMPLE / "campaign_outcomes_en.csv").read_bytes(), "campaign_outcomes_en.csv")


@pytest.fixture(scope="module")
def built(loaded, outcomes):
    calls = []
    inputs = rp.ReportInputs(loaded=loaded, settings=FAST, outcomes=outcomes, currency="¥",
                             sources=(("orders_zh.csv", "ab" * 32),))
    report = rp.build_report(inputs, lang="en", progress=lambda done, total, key: calls.append((done, total, key)))
    return report, calls


def _table(section: rp.Section, title_start: str) -> pd.DataFrame:
    return next(t.frame for t in section.tables if t.title.startswith(title_start))


def test_every_section_in_order_with_progress(built):
    report, calls = built
    assert [s.key for s in report.sections] == list(rp.SECTIONS)
    assert [s.skipped for s in report.sections] == [None] * len(rp.SECTIONS)
    assert calls == [*((i, 8, key) for i, key in enumerate(rp.SECTIONS)), (8, 8, "")]
    for section in report.sections:
        assert section.paragraphs and section.tables and section.charts, section.key


def test_data_quality_is_the_cleaning_report(built, loaded):
    section = built[0].section("data_quality")
    facts = pipeline.facts(loaded.result)
    figures = dict(_table(section, "The data at a glance").itertuples(index=False))
    assert figures["Rows read"] == f"{loaded.result.report.rows_read:,}" == "7,223"
    assert figures["Rows used"] == f"{facts['rows_used']:,}"
    assert figures["Rows excluded"] == f"{len(loaded.result.report.excluded):,}" == "70"
    assert figures["Customers"] == f"{facts['customers']:,}"
    reasons = _table(section, "Rows excluded")
    expected = loaded.result.report.reason_table("en")
    assert reasons.iloc[:, 0].tolist() == expected["reason"].tolist()
    assert reasons.iloc[:, 1].tolist() == expected["rows"].tolist() and reasons.iloc[:, 1].sum() == 70
    assert section.charts[0].series[0][1] == tuple(float(v) for v in expected["rows"])


def test_segment_counts_are_rfm_scores(built, loaded):
    from crm_core.segment import rfm

    settings = FAST
    as_of = pipeline.default_as_of(loaded.result.orders)
    scored = pipeline.rfm_scores(loaded.result, as_of=as_of, params=settings.rfm)
    counts = scored["segment"].map(lambda k: settings.rfm.scheme.text(k, "name", "en")).value_counts()
    table = _table(built[0].section("segments"), "Segments")
    shown = dict(zip(table["Segment"], table["Customers"], strict=True))
    assert shown == counts.to_dict() and sum(shown.values()) == len(scored) == 700
    assert table["Share of revenue"].sum() == pytest.approx(1.0)
    summary = rfm.segment_summary(scored, settings.rfm.scheme, lang="en")
    assert table["Revenue"].tolist() == pytest.approx(summary["revenue"].tolist())


def test_cluster_sizes_are_the_fitted_clusters(built, loaded):
    as_of = pipeline.default_as_of(loaded.result.orders)
    table = pipeline.analysis_table(loaded.result, as_of=as_of)
    fitted = FAST.clusters.fit(table)
    shown = _table(built[0].section("clusters"), "Clusters")
    assert shown["Customers"].tolist() == list(fitted.sizes)
    assert shown["Cluster"].tolist() == list(fitted.keys)


def test_rules_are_mined_with_the_saved_choice(built, loaded):
    from crm_core.basket import crosssell as cs

    as_of = pipeline.default_as_of(loaded.result.orders)
    mined = cs.mine(loaded.result.orders, FAST.crosssell, as_of=as_of)
    section = built[0].section("rules")
    assert f"{len(mined.rules):,} rules" in section.paragraphs[0]
    table = section.tables[0].frame
    assert len(table) == min(20, len(mined.rules))
    assert table["Lift"].tolist() == sorted(table["Lift"], reverse=True)
    assert table["Lift"].iloc[0] == pytest.approx(mined.rules["lift"].max())


def test_churn_list_is_the_retention_list_masked(built, loaded):
    from crm_core.predict import churn

    prediction = churn.run_churn(loaded.result.orders, loaded.result.customers, choice=FAST.churn)
    rows = churn.retention_list(prediction, None, threshold=FAST.churn.threshold, lang="en", reasons=False)
    opted = set(loaded.result.customers.loc[loaded.result.customers["opted_out"].eq(True), "customer_id"])
    expected = [c for c in rows["customer_id"] if c not in opted][:20]
    section = built[0].section("churn")
    listed = section.tables[0].frame
    assert listed["Customer ID"].tolist() == expected
    real = loaded.result.customers.set_index("customer_id")["name"]
    assert all("*" in name for name in listed["Name"].dropna())
    assert not set(listed["Name"].dropna()) & set(real.dropna())
    assert "masked" in " ".join(section.paragraphs)


def test_personal_data_only_when_asked(loaded):
    inputs = rp.ReportInputs(loaded=loaded, settings=FAST, currency="¥")
    report = rp.build_report(inputs, choice=rp.ReportChoice(sections=("clv",), top_n=5, include_personal=True))
    listed = report.section("clv").tables[0].frame
    real = loaded.result.customers.set_index("customer_id")["name"]
    assert listed["Name"].tolist() == real.reindex(listed["Customer ID"]).tolist()
    assert len(listed) == 5


def test_clv_top_customers_are_run_clv(built, loaded):
    from crm_core.predict import clv

    as_of = pipeline.default_as_of(loaded.result.orders)
    result = clv.run_clv(loaded.result.orders, as_of=as_of, choice=FAST.clv)
    top = result.table.sort_values("clv", ascending=False, kind="stable").head(20)
    listed = built[0].section("clv").tables[0].frame
    assert listed["Customer ID"].tolist() == top.index.astype(str).tolist()
    assert listed.iloc[:, -1].tolist() == pytest.approx(top["clv"].tolist())
    by_segment = built[0].section("clv").tables[1].frame
    assert by_segment.iloc[:, 2].sum() == pytest.approx(result.table["clv"].sum())


def test_campaign_results_are_the_results_functions(built, outcomes):
    from crm_core.measure import results as rs

    section = built[0].section("campaign_results")
    rates = rs.success_rates(outcomes.table, "variant")
    shown = _table(section, "Success rate by offer")
    assert shown.iloc[:, 0].tolist() == rates["variant"].tolist()
    assert shown["Success rate"].tolist() == pytest.approx(rates["rate"].tolist())
    chart = next(c for c in section.charts if c.title == "Success rate by offer")
    assert chart.intervals == (tuple(rates["low"]), tuple(rates["high"]))
    lift = rs.control_lift(outcomes.table)
    table = _table(section, "Target against control")
    assert table["Lift (points)"].tolist() == pytest.approx(lift["lift"].tolist())
    assert table["Target rate"].iloc[0] > table["Control rate"].iloc[0]  # planted: about 21% vs 9%
    assert section.paragraphs[0] == rs.results_summary(outcomes.table, "en", currency="¥")[0]


def test_forecast_is_the_forecast_of_the_orders(built, loaded):
    from crm_core.measure import forecast as fc

    choice = FAST.forecast
    series = fc.series_from_orders(loaded.result.orders, freq=choice.freq, measure=choice.measure)
    expected = fc.forecast(series["total"], choice)
    section = built[0].section("forecast")
    ahead = section.tables[0].frame
    best = expected.table[expected.table["model"] == expected.best]
    assert ahead["Forecast"].tolist() == pytest.approx(best["forecast"].tolist())
    assert len(ahead) == choice.horizon
    chart = section.charts[0]
    assert chart.kind == "line" and chart.band is not None and len(chart.band[1]) == choice.horizon


def test_sections_that_cannot_run_say_why(loaded, monkeypatch):
    from crm_core.measure import results as rs

    settings = replace(FAST, clusters=None)
    inputs = rp.ReportInputs(loaded=loaded, settings=settings, outcomes=None)
    report = rp.build_report(inputs, choice=rp.ReportChoice(sections=("clusters", "campaign_results")), lang="zh")
    assert report.section("clusters").skipped == render("rp_skip_no_clusters", "zh")
    assert report.section("campaign_results").skipped == render("rp_skip_no_outcomes", "zh")
    assert "活动效果" in report.section("campaign_results").skipped

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(rs, "results_summary", broken)
    outcomes = outcomes_from_file((SAMPLE / "campaign_outcomes_zh.csv").read_bytes(), "campaign_outcomes_zh.csv")
    report = rp.build_report(replace(inputs, outcomes=outcomes), choice=rp.ReportChoice(sections=("campaign_results",)))
    skipped = report.section("campaign_results").skipped
    assert skipped == render("rp_skip_failed", "en", error="RuntimeError: boom")
    assert "Traceback" not in skipped


def test_report_choice_is_checked():
    with pytest.raises(DataError) as caught:
        rp.ReportChoice(sections=("segments", "weather"))
    assert caught.value.code == "rp_unknown_section" and "weather" in caught.value.text("zh")
    assert "data_quality、segments" in caught.value.text("zh") and "data_quality, segments" in caught.value.text("en")
    for bad in (0, 1001, 2.5, True):
        with pytest.raises(DataError, match="1 to 1000"):
            rp.ReportChoice(top_n=bad)
    with pytest.raises(DataError) as caught:
        rp.ReportChoice(sections=())
    assert caught.value.code == "rp_no_sections"
    choice = rp.ReportChoice(sections=("clv", "segments"), top_n=7, include_personal=True)
    assert rp.ReportChoice.from_dict(choice.to_dict()) == choice


def test_a_sales_file_without_a_value_column_is_named():
    data = (DATA / "sales_no_value.csv").read_bytes()
    with pytest.raises(DataError) as caught:
        sales_from_file(data, "sales_no_value.csv", FAST.forecast)
    assert caught.value.code == "rp_sales_no_columns"
    assert "sales_no_value.csv" in caught.value.text("en") and "门店" in caught.value.text("zh")


def test_the_sales_file_is_forecast_instead_of_the_orders(loaded):
    data = (SAMPLE / "daily_sales_en.csv").read_bytes()
    sales = sales_from_file(data, "daily_sales_en.csv", FAST.forecast)
    inputs = rp.ReportInputs(loaded=loaded, settings=FAST, sales=sales)
    section = rp.build_report(inputs, choice=rp.ReportChoice(sections=("forecast",))).section("forecast")
    assert section.skipped is None
    assert "sales file" in " ".join(section.paragraphs)
    assert section.charts[0].categories[0] < "2025"  # three years of history (the orders start in 2025)
