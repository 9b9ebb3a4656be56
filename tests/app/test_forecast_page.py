"""Forecast page: the sales history table (the sample's three years of daily sales) and the session's orders as
sources; the summary, metrics and backtest equal crm_core's on the same file; both languages; per-channel series
with a picker; a bad file's message.  Expected figures come from crm_core on the same input, never hard-coded."""

from __future__ import annotations

import pandas as pd
import pytest
from app_helpers import APP, ROOT, SAMPLE, TIMEOUT, charts, en, make_upload, metrics, rerun, zh
from streamlit.testing.v1 import AppTest

from crm_core import pipeline
from crm_core.measure import forecast as fc
from ui.state import DATASETS, DEFAULT_CURRENCY

PAGE = "app_pages/forecast.py"
SALES = {"en": ROOT / "sample_data" / "daily_sales_en.csv", "zh": ROOT / "sample_data" / "daily_sales_zh.csv"}
BAD = ROOT / "tests" / "data" / "measure_forecast" / "bad_dates.csv"


def _open(*, lang: str = "en", sales=None, orders=None, choice: fc.ForecastChoice | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    sets = {}
    if sales is not None:
        sets["sales_history"] = make_upload(sales.name, sales.read_bytes())
    if orders is not None:
        sets["orders"] = make_upload(orders.name, orders.read_bytes())
    at.session_state[DATASETS] = sets
    if choice is not None:
        at.session_state["measure_forecast"] = choice
    at.switch_page(PAGE)
    return rerun(at)


def _expected_from_table(path, choice: fc.ForecastChoice, *, date: str, value: str, group: str | None = None):
    frame = pipeline.read(path.read_bytes(), path.name).frame
    history = fc.series_from_table(frame, date=date, value=value, group=group, freq=choice.freq)
    if group:
        return fc.forecast_groups(history, choice)
    return {"total": fc.forecast(history["total"], choice)}


@pytest.mark.skipif(not SALES["en"].exists(), reason="the sample's daily_sales_en.csv is not generated yet")
def test_sales_table_weekly_forecast_in_english():
    choice = fc.ForecastChoice()
    at = _open(sales=SALES["en"], choice=choice)
    made = _expected_from_table(SALES["en"], choice, date="date", value="revenue")["total"]
    shown = [m.value for m in at.main.markdown]
    assert made.summary("en", currency=DEFAULT_CURRENCY["en"]) in shown  # no orders to read a currency from
    values = metrics(at)
    scores = made.backtest.set_index("model")["smape"]
    assert values[en("fc_metric_error")] == f"{scores[made.best]:.1%}"
    assert values[en("fc_metric_baseline", baseline="Seasonal naive")] == f"{scores['seasonal_naive']:.1%}"
    assert values[en("fc_metric_season")] == en(f"fc_season_{made.seasonality}")
    assert len(charts(at)) == 1
    backtest = next(d.value for d in at.dataframe if en("fc_col_smape") in d.value.columns)
    assert list(backtest[en("fc_col_model")]) == ["Holt-Winters", "SARIMA", "Seasonal naive"]
    assert [s.value for s in at.success] == [en("fc_backtest_wins_model", model=made.model_label(made.best),
                                                baseline="Seasonal naive", err=f"{scores[made.best]:.1%}",
                                                base=f"{scores['seasonal_naive']:.1%}", span="12 weeks")]
    assert at.session_state["measure_forecast"] == choice
    assert [b.label for b in at.get("download_button") if b.key == "fc_download"] == [en("fc_download")]
    # The options form: monthly, 6 months ahead, Holt-Winters only -> the session's choice and its forecast.
    at.radio(key="fc_freq_0").set_value("M")
    at.number_input(key="fc_horizon_0").set_value(6)
    at.multiselect(key="fc_models_0").set_value(["holt_winters"])
    at.button(key="FormSubmitter:fc_options_form_0-" + en("fc_run")).click()
    rerun(at)
    monthly = fc.ForecastChoice(freq="M", horizon=6, models=("holt_winters",))
    assert at.session_state["measure_forecast"] == monthly
    made = _expected_from_table(SALES["en"], monthly, date="date", value="revenue")["total"]
    assert made.summary("en", currency=DEFAULT_CURRENCY["en"]) in [m.value for m in at.main.markdown]


@pytest.mark.skipif(not SALES["zh"].exists(), reason="the sample's daily_sales_zh.csv is not generated yet")
def test_sales_table_per_channel_monthly_in_chinese():
    choice = fc.ForecastChoice(freq="M", horizon=6, by="channel", models=("holt_winters",))
    at = _open(lang="zh", sales=SALES["zh"], choice=choice)
    made = _expected_from_table(SALES["zh"], choice, date="日期", value="销售额", group="渠道")
    picker = next(s for s in at.selectbox if s.label == zh("fc_group_pick"))
    assert list(picker.options) == list(made)  # channels, largest first
    first = next(iter(made))
    assert made[first].summary("zh", currency=DEFAULT_CURRENCY["zh"]) in [m.value for m in at.main.markdown]
    assert zh("fc_metric_season") in metrics(at)


def test_orders_source_overall_and_by_channel():
    choice = fc.ForecastChoice(horizon=8)
    at = _open(orders=SAMPLE, choice=choice)
    orders = pipeline.load(SAMPLE.read_bytes(), SAMPLE.name).result.orders
    history = fc.series_from_orders(orders, freq="W", measure="revenue")
    made = fc.forecast(history["total"], choice)
    assert made.summary("en", currency="¥") in [m.value for m in at.main.markdown]
    notes = " ".join(m.value for m in at.main.markdown)
    assert "Under two seasons (104 weeks)" in notes and "partly observed" in notes
    at.session_state["measure_forecast"] = fc.ForecastChoice(horizon=8, by="channel", models=("holt_winters",))
    rerun(at)
    by_channel = fc.series_from_orders(orders, freq="W", measure="revenue", by="channel")
    picker = next(s for s in at.selectbox if s.label == en("fc_group_pick"))
    assert list(picker.options) == list(by_channel.columns)
    picker.select(list(by_channel.columns)[1])
    rerun(at)
    second = fc.forecast(by_channel.iloc[:, 1], fc.ForecastChoice(horizon=8, by="channel", models=("holt_winters",)))
    assert second.summary("en", currency="¥") in [m.value for m in at.main.markdown]


def test_no_source_yet_points_to_the_uploads():
    at = _open()
    assert [i.value for i in at.info] == [en("fc_no_sales")]  # nothing loaded: the sales table's uploader first
    at.radio(key="fc_source").set_value("orders")
    rerun(at)
    assert [i.value for i in at.info] == [en("fc_no_orders")] and not charts(at)


def test_a_bad_sales_file_shows_the_message_in_both_languages():
    frame = pipeline.read(BAD.read_bytes(), BAD.name).frame
    for lang in ("en", "zh"):
        at = _open(lang=lang, sales=BAD)
        with pytest.raises(Exception) as exc:
            fc.series_from_table(frame, date="date", value="revenue", freq="W")
        assert [e.value for e in at.error] == [exc.value.text(lang)]
        assert not charts(at)


def test_sample_daily_sales_shape():
    if not SALES["en"].exists():
        pytest.skip("the sample's daily_sales_en.csv is not generated yet")
    frame = pd.read_csv(SALES["en"])
    assert list(frame.columns) == ["date", "channel", "orders", "revenue"]


def test_orders_per_rfm_segment():
    from crm_core.segment.combined import with_group_names

    choice = fc.ForecastChoice(freq="M", horizon=3, by="segment", models=("holt_winters",))
    at = _open(orders=SAMPLE, choice=choice)
    loaded = pipeline.load(SAMPLE.read_bytes(), SAMPLE.name)
    named = with_group_names(pipeline.rfm_scores(loaded.result), lang="en")
    groups = named.set_index("customer_id")["rfm_segment_name"]
    history = fc.series_from_orders(loaded.result.orders, freq="M", measure="revenue", groups=groups)
    made = fc.forecast_groups(history, choice)
    picker = next(s for s in at.selectbox if s.label == en("fc_group_pick"))
    assert list(picker.options) == list(made)
    first = next(iter(made))
    assert made[first].summary("en", currency="¥") in [m.value for m in at.main.markdown]
    shown_skipped = [w.value for w in at.warning if w.value.startswith("Not forecast:")]
    assert len(shown_skipped) == len(made.skipped)
