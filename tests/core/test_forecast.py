"""Sales forecasts (crm_core.measure.forecast): series built by hand, the baseline and the error measures by hand,
Holt-Winters on a planted seasonal series, and every message of a bad input (fixtures in
tests/data/measure_forecast/)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.measure import _forecast_models as fm
from crm_core.measure import forecast as fc
from crm_core.measure._forecast_text import amount_text
from crm_core.messages import MESSAGES
from crm_core.schema import DataError

DATA = Path(__file__).resolve().parents[1] / "data" / "measure_forecast"


def _lines(rows):
    """Order lines as the pipeline cleans them: (date, order_id, customer, amount, channel)."""
    frame = pd.DataFrame(rows, columns=["order_date", "order_id", "customer_id", "amount", "channel"])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"], format="ISO8601"), is_return=frame["amount"] < 0)


LINES = _lines([
    ("2023-12-28", "A1", "c1", 100.0, "Tmall"),  # Thursday: its week (from Mon 2023-12-25) is partly observed
    ("2024-01-01 09:00", "O1", "c1", 50.0, "Tmall"),
    ("2024-01-01 09:00", "O1", "c1", 30.0, "Tmall"),  # second line of the same order
    ("2024-01-02", "O2", "c2", 20.0, "JD"),
    ("2024-01-03", "R1", "c1", -10.0, "Tmall"),  # a return, netted in its week
    ("2024-01-10", "O3", "c3", 40.0, "JD"),
    ("2024-01-21 18:00", "O4", "c2", 70.0, "Tmall"),  # Sunday: the last week is complete
])


def _text(path: str) -> pd.DataFrame:
    name = DATA / path
    return pipeline.read(name.read_bytes(), name.name).frame


# --- series from order lines ----------------------------------------------------------------------------------
def test_weekly_revenue_nets_returns_and_drops_the_partial_first_week():
    series = fc.series_from_orders(LINES, freq="W", measure="revenue")
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-01-01", "2024-01-08", "2024-01-15"]
    assert series["total"].tolist() == [90.0, 40.0, 70.0]  # 50 + 30 + 20 - 10; 40; 70
    (note,) = fc.series_notes(series)
    assert note.code == "fc_partial_dropped"
    assert note.text("en").startswith("Left out as only partly observed: 2023-12-25 (the data runs from 2023-12-28 "
                                      "to 2024-01-21)")
    assert "2023-12-25" in note.text("zh")


def test_weekly_orders_count_purchase_orders_not_lines_or_returns():
    series = fc.series_from_orders(LINES, freq="W", measure="orders")
    assert series["total"].tolist() == [2.0, 1.0, 1.0]


def test_per_channel_and_per_customer_group():
    by_channel = fc.series_from_orders(LINES, freq="W", measure="revenue", by="channel")
    assert list(by_channel.columns) == ["Tmall", "JD"]  # largest first
    assert by_channel["Tmall"].tolist() == [70.0, 0.0, 70.0] and by_channel["JD"].tolist() == [20.0, 40.0, 0.0]
    groups = pd.Series({"c1": "Champions", "c2": "At risk"})  # c3 has no segment
    by_group = fc.series_from_orders(LINES, freq="W", measure="revenue", groups=groups)
    assert by_group["Champions"].tolist() == [70.0, 0.0, 0.0] and by_group["At risk"].tolist() == [20.0, 0.0, 70.0]
    codes = [n.code for n in fc.series_notes(by_group)]
    assert codes == ["fc_partial_dropped", "fc_unmatched_customers"]
    assert fc.series_notes(by_group)[1].text("en").startswith("1 order line of customers without a segment")


def test_monthly_drops_a_partly_observed_last_month():
    lines = _lines([("2024-01-01", "a", "c1", 10.0, "x"), ("2024-01-31", "b", "c1", 5.0, "x"),
                    ("2024-02-14", "c", "c2", 7.0, "x"), ("2024-03-15", "d", "c2", 100.0, "x")])
    series = fc.series_from_orders(lines, freq="M", measure="revenue")
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-01-01", "2024-02-01"]
    assert series["total"].tolist() == [15.0, 7.0]
    assert series.index.freqstr == "MS"


def test_orders_without_channels_and_only_partial_periods_are_refused():
    with pytest.raises(DataError) as exc:
        fc.series_from_orders(LINES.assign(channel=pd.NA), freq="W", measure="revenue", by="channel")
    assert exc.value.code == "fc_no_group_values" and "channel" in exc.value.text("en")
    assert "渠道" in exc.value.text("zh")
    with pytest.raises(DataError) as exc:
        fc.series_from_orders(LINES, freq="M", measure="revenue")  # Dec and Jan both partly observed
    assert exc.value.code == "fc_no_history"
    with pytest.raises(DataError) as exc:
        fc.series_from_orders(LINES, freq="W", measure="revenue", groups=pd.Series(dtype=object))
    assert exc.value.code == "fc_no_groups"


# --- series from a sales table --------------------------------------------------------------------------------
def test_propose_sales_columns_in_both_languages():
    assert fc.propose_sales_columns(["日期", "渠道", "订单数", "销售额"]) == {
        "date": "日期", "revenue": "销售额", "orders": "订单数", "group": "渠道"}
    assert fc.propose_sales_columns(["Day", "Store", "Sales Amount", "Orders"]) == {
        "date": "Day", "revenue": "Sales Amount", "orders": "Orders", "group": "Store"}
    assert fc.propose_sales_columns(["when", "what"]) == {"date": None, "revenue": None, "orders": None,
                                                          "group": None}
    assert fc.looks_like_sales(["date", "channel", "revenue"])
    assert not fc.looks_like_sales(["客户编号", "订单号", "下单时间", "实付金额"])  # order lines


def test_daily_table_to_weeks_and_months_by_hand():
    frame = pd.DataFrame({"date": [f"2025-01-{d:02d}" for d in range(6, 20)] + ["2025-01-20"],
                          "revenue": [str(10 * d) for d in range(6, 20)] + ["1,000.50"]})
    weekly = fc.series_from_table(frame, date="date", value="revenue", freq="W")
    # Mon 6 .. Sun 12 and Mon 13 .. Sun 19 are full weeks; Monday the 20th alone is a partial week (dropped).
    assert weekly["total"].tolist() == [10 * sum(range(6, 13)), 10 * sum(range(13, 20))]
    assert [n.code for n in fc.series_notes(weekly)] == ["fc_partial_dropped"]


def test_weekly_table_covers_whole_weeks():
    weekly = fc.series_from_table(_text("weekly_sales_en.csv"), date="week", value="revenue", freq="W")
    assert len(weekly) == 30 and weekly["total"].iloc[0] == 5000.0 and fc.series_notes(weekly) == ()


def test_grouped_daily_table_in_chinese():
    frame = _text("daily_sales_zh.csv")
    monthly = fc.series_from_table(frame, date="日期", value="销售额", group="渠道", freq="M")
    assert list(monthly.columns) == ["天猫旗舰店", "京东自营"] and len(monthly) == 24
    jan = frame.loc[frame["日期"].str.startswith("2024/01/") & (frame["渠道"] == "京东自营"), "销售额"]
    assert monthly["京东自营"].iloc[0] == pytest.approx(jan.str.replace(",", "").astype(float).sum())


def test_a_few_unreadable_rows_are_excluded_with_reasons():
    weekly = fc.series_from_table(_text("few_bad_rows.csv"), date="date", value="revenue", freq="W")
    assert weekly["total"].iloc[0] == sum(range(100, 107)) - 104  # the row dated "not a date" held 104
    excluded = fc.excluded_rows(weekly)
    assert excluded[["row", "reason"]].values.tolist() == [[6, "date_unreadable"], [11, "value_unreadable"],
                                                           [21, "value_blank"]]
    note = fc.series_notes(weekly)[-1]
    assert note.code == "fc_rows_excluded" and note.level == "warning"
    assert note.text("en") == ("3 rows of the sales table were left out: 1 without a readable date, 1 without a "
                               "readable number, 1 without a value.")
    assert note.text("zh") == "销售表中有 3 行未使用：1 行日期无法识别，1 行数字无法识别，1 行数值为空。"


@pytest.mark.parametrize(("fixture", "code", "column", "words"), [
    ("bad_dates.csv", "fc_dates_unreadable", "date", ("3 of 5 rows", "“yesterday”", "2025-01-31")),
    ("bad_values.csv", "fc_values_unreadable", "revenue", ("2 of 4 rows", "“lots”", "1234.50")),
])
def test_unreadable_columns_are_named_with_examples(fixture, code, column, words):
    with pytest.raises(DataError) as exc:
        fc.series_from_table(_text(fixture), date="date", value="revenue", freq="W")
    assert exc.value.code == code
    en, zh = exc.value.text("en"), exc.value.text("zh")
    assert en.startswith(f"Column {column}:") and all(w in en for w in words)
    assert zh.startswith(f"{column} 列") and words[1] in zh


def test_missing_column_is_named():
    with pytest.raises(DataError) as exc:
        fc.series_from_table(_text("bad_dates.csv"), date="date", value="sales", freq="W")
    assert exc.value.code == "fc_missing_column"
    assert exc.value.text("en") == ("The sales table has no column “sales” (its columns: date, revenue). Choose one "
                                    "of its columns.")
    assert "date、revenue" in exc.value.text("zh")


def test_too_short_history_is_refused_with_what_would_work():
    weekly = fc.series_from_table(_text("too_short.csv"), date="日期", value="销售额", freq="W")
    with pytest.raises(DataError) as exc:
        fc.forecast(weekly["total"], fc.ForecastChoice(horizon=4))
    assert exc.value.code == "fc_too_short_any"
    assert exc.value.text("en").startswith("The history has 5 weeks, too short for any forecast with a backtest: it "
                                           "needs at least 9.")
    assert "历史数据只有 5 周" in exc.value.text("zh")
    series = _planted_monthly(years=1)
    with pytest.raises(DataError) as exc:
        fc.forecast(series, fc.ForecastChoice(freq="M", horizon=6))
    assert exc.value.code == "fc_too_short"
    assert exc.value.text("en") == (
        "The history has 12 months, too short to forecast 6 months ahead with a backtest: it needs at least 14 (the "
        "last 6 are held out to measure the error). Choose a horizon of at most 4, weekly instead of monthly periods, "
        "or a longer history.")
    assert exc.value.text("zh").startswith("历史数据只有 12 个月，不足以预测未来 6 个月并做回测：至少需要 14 个月")


# --- the choice ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [{"freq": "D"}, {"measure": "profit"}, {"horizon": 0}, {"horizon": 200},
                                 {"by": "city"}, {"confidence": 1.0}, {"models": ()}, {"models": ("prophet",)},
                                 {"models": ("sarima", "sarima")}])
def test_bad_choices_say_which_option(bad):
    with pytest.raises(DataError) as exc:
        fc.ForecastChoice(**bad)
    assert exc.value.code == "fc_bad_option" and exc.value.params["option"] == next(iter(bad))
    assert next(iter(bad)) in exc.value.text("zh")


def test_choice_round_trips_through_the_analysis_file():
    choice = fc.ForecastChoice(freq="M", measure="orders", horizon=6, by="channel", confidence=0.8,
                               models=("sarima",))
    assert fc.ForecastChoice.from_dict(choice.to_dict()) == choice
    assert fc.ForecastChoice.from_dict({}) == fc.ForecastChoice()


# --- the baseline and the error measures by hand --------------------------------------------------------------
def test_seasonal_naive_and_its_interval_by_hand():
    series = pd.Series(np.arange(1.0, 9.0), index=pd.date_range("2024-01-01", periods=8, freq="MS"))
    assert fc.seasonal_naive(series, 6, 4).tolist() == [5.0, 6.0, 7.0, 8.0, 5.0, 6.0]
    assert fc.seasonal_naive(series, 2, None).tolist() == [8.0, 8.0]
    assert list(fc.seasonal_naive(series, 2, 4).index.strftime("%Y-%m-%d")) == ["2024-09-01", "2024-10-01"]
    made = fm.seasonal_naive_fit(series, 6, 4, 0.95)
    # Every in-sample seasonal error y[t] - y[t-4] is 4, so sigma = 4; steps 5 and 6 are a second season: sqrt(2).
    z = 1.959963984540054
    assert (made.high - made.forecast).tolist() == pytest.approx([z * 4] * 4 + [z * 4 * math.sqrt(2)] * 2)
    assert made.total == 37.0 and made.total_high - made.total == pytest.approx(z * 4 * math.sqrt(4 + 2 * 2))


def test_error_measures_by_hand():
    actual, predicted = [100.0, 200.0, 0.0], [110.0, 150.0, 10.0]
    assert fm.mape(actual, predicted) == pytest.approx((0.1 + 0.25) / 2)  # the zero actual is left out
    assert fm.smape(actual, predicted) == pytest.approx((20 / 210 + 100 / 350 + 2.0) / 3)
    assert fm.mae(actual, predicted) == pytest.approx(70 / 3)
    assert fm.smape([0.0], [0.0]) == 0.0 and math.isnan(fm.mape([0.0], [1.0]))


# --- the models -------------------------------------------------------------------------------------------------
def _planted_monthly(years: int = 4, seed: int = 3) -> pd.Series:
    """A monthly series with a planted multiplicative season (November peak), trend and 4% noise."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2021-01-01", periods=12 * years, freq="MS")
    season = np.array([0.9, 0.7, 1.0, 1.0, 1.0, 1.2, 1.0, 0.95, 1.0, 1.05, 1.8, 1.4])
    level = 10_000 * (1 + 0.01 * np.arange(len(months)))
    return pd.Series(level * season[months.month - 1] * rng.lognormal(0, 0.04, len(months)), index=months)


@pytest.fixture(scope="module")
def planted():
    series = _planted_monthly()
    return series, fc.forecast(series.iloc[:-12], fc.ForecastChoice(freq="M", horizon=12))


def test_holt_winters_beats_seasonal_naive_and_its_intervals_cover(planted):
    series, made = planted
    scores = made.backtest.set_index("model")["smape"]
    assert list(made.backtest["model"]) == ["holt_winters", "sarima", "seasonal_naive"]
    assert scores["holt_winters"] < scores["seasonal_naive"] and scores["holt_winters"] < 0.06
    assert made.season == 12 and made.seasonality == "multiplicative" and "fc_multiplicative" in made.notes
    future = series.iloc[-12:]
    covered = 0
    for model in fc.MODELS:
        rows = made.table.loc[made.table["model"] == model]
        assert list(rows["period"]) == list(future.index)
        inside = (future.to_numpy() >= rows["low"].to_numpy()) & (future.to_numpy() <= rows["high"].to_numpy())
        assert inside.sum() >= 10, model  # 95% intervals: 11.4 of 12 expected, 10 or more 90% of the time
        covered += inside.sum()
        assert rows["forecast"].idxmax() == rows.index[10]  # the November peak is forecast
    assert covered >= 21 and made.best in fc.MODELS


def test_summary_in_both_languages(planted):
    _, made = planted
    best = made.best
    total = made.totals.set_index("model").loc[best]
    err = made.backtest.set_index("model")["smape"]
    en, zh = made.summary("en", currency="¥"), made.summary("zh", currency="¥")
    label = fc.MODEL_LABELS[best]
    assert en == (f"{label.en} forecasts {amount_text(total['total'], currency='¥')} over the next 12 months (95% "
                  f"interval {amount_text(total['low'], currency='¥')}–{amount_text(total['high'], currency='¥')}); "
                  f"on the last 12 months it erred {err[best]:.1%} (sMAPE) vs {err['seasonal_naive']:.1%} for the "
                  "seasonal-naive baseline.")
    assert zh.startswith(f"{label.zh} 预测未来 12 个月销售额合计 ¥") and "季节性朴素基准为" in zh


def test_amounts_for_people():
    assert amount_text(1_234_567, "en", currency="¥") == "¥1.23M"
    assert amount_text(1_234_567, "zh", currency="¥") == "¥123万"
    assert amount_text(45_600, "en") == "45.6K" and amount_text(950, "en", currency="$") == "$950"
    assert amount_text(1_234.4, "en", measure="orders") == "1,234 orders"
    assert amount_text(1_234.4, "zh", measure="orders") == "1,234 单"


def test_under_two_seasons_gives_trend_models_and_a_naive_baseline():
    series = _planted_monthly(years=2).iloc[:20]
    made = fc.forecast(series, fc.ForecastChoice(freq="M", horizon=3))
    assert made.season is None and made.notes[0] == "fc_no_season" and made.seasonality == "none"
    naive = made.table.loc[made.table["model"] == "seasonal_naive", "forecast"]
    assert naive.tolist() == [series.iloc[-1]] * 3
    assert "naive baseline" in made.summary("en") and made.model_label("seasonal_naive", "zh") == "朴素"
    assert made.note_texts("en")[0].startswith("Under two seasons (24 months) before the last 3 months")


def test_negative_periods_make_the_season_additive():
    series = _planted_monthly() - 9_000  # some months fall below zero
    made = fc.forecast(series, fc.ForecastChoice(freq="M", horizon=6, models=("holt_winters",)))
    assert made.seasonality == "additive" and "fc_additive" in made.notes
    assert "zero or negative" in made.note_texts("en")[0]
    assert list(made.backtest["model"]) == ["holt_winters", "seasonal_naive"]


def test_convergence_warnings_become_notes_not_stderr(monkeypatch):
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    fit = ExponentialSmoothing.fit

    def noisy_fit(self, *args, **kwargs):
        warnings.warn("Optimization failed to converge.", ConvergenceWarning, stacklevel=2)
        warnings.warn("some other statsmodels chatter", UserWarning, stacklevel=2)
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(ExponentialSmoothing, "fit", noisy_fit)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        made = fc.forecast(_planted_monthly(), fc.ForecastChoice(freq="M", horizon=6, models=("holt_winters",)))
    assert caught == []
    assert made.notes.count("fc_not_converged") == 1  # said once, though both fits (backtest, final) warned
    assert "Holt-Winters: the fit did not fully converge" in " ".join(made.note_texts("en"))
    assert "Holt-Winters 指数平滑：参数估计未完全收敛" in " ".join(made.note_texts("zh"))


def test_a_model_that_cannot_be_fitted_is_left_out_with_a_note(monkeypatch):
    def broken(*args, **kwargs):
        raise np.linalg.LinAlgError("Schur decomposition solver error.")

    monkeypatch.setattr(fm, "sarima", broken)
    made = fc.forecast(_planted_monthly(), fc.ForecastChoice(freq="M", horizon=6))
    assert list(made.backtest["model"]) == ["holt_winters", "seasonal_naive"]
    assert set(made.table["model"]) == {"holt_winters", "seasonal_naive"} and made.best == "holt_winters"
    assert "fc_model_failed" in made.notes
    assert "SARIMA could not be fitted to this series (Schur decomposition solver error.)" in made.note_texts("en")[-1]


def test_forecast_groups_keeps_the_short_group_out():
    long = _planted_monthly(years=3)
    frame = pd.DataFrame({"Tmall": long, "New shop": long.where(long.index >= "2023-06-01", 0.0)})
    frame["Empty"] = 0.0
    made = fc.forecast_groups(frame, fc.ForecastChoice(freq="M", horizon=3, models=("holt_winters",)))
    assert list(made) == ["Tmall", "New shop"] and set(made.skipped) == {"Empty"}
    assert made.skipped["Empty"].code == "fc_no_history" and "Empty" in made.skipped["Empty"].text("en")


def test_every_forecast_message_is_used_or_tested():
    codes = {c for c in MESSAGES if c.startswith("fc_")}
    tested = Path(__file__).read_text(encoding="utf-8") + (Path(__file__).parent / "test_cli_forecast.py").read_text(
        encoding="utf-8")
    assert {c for c in codes if c not in tested} == set()


# --- planted truth of the sample (crm_core.sample.seasonal) ---------------------------------------------------
def test_sample_daily_sales_forecast_finds_the_planted_november_peak():
    seasonal = pytest.importorskip("crm_core.sample.seasonal",
                                   reason="crm_core.sample.seasonal (the sample's planted seasonality) not built yet")
    from crm_core.sample import SampleSpec

    spec = SampleSpec()
    path = Path(__file__).resolve().parents[2] / "sample_data" / "daily_sales_en.csv"
    raw = pipeline.read(path.read_bytes(), path.name).frame  # the file the app's Load sample gives
    series = fc.series_from_table(raw, date="date", value="revenue", freq="M")["total"]
    assert len(series) == 36 and series.index[0] == pd.Timestamp("2023-01-01")
    made = fc.forecast(series, fc.ForecastChoice(freq="M", horizon=12))
    assert made.season == 12 and made.seasonality == "multiplicative"
    future = seasonal.sales_frame(spec, pd.Timestamp("2026-01-01").date(), pd.Timestamp("2026-12-31").date())
    truth = future.groupby(future["date"].dt.month)["revenue"].sum().to_numpy()
    errors = {}
    for model in (*fc.MODELS, fc.BASELINE):
        predicted = made.table.loc[made.table["model"] == model, "forecast"].to_numpy()
        assert predicted.argmax() + 1 == seasonal.PEAK_MONTH == 11, model
        errors[model] = fm.smape(truth, predicted)
    assert errors[made.best] < 0.05 and errors[made.best] < errors[fc.BASELINE] / 2
    backtest = made.backtest.set_index("model")["smape"]
    assert backtest[made.best] < backtest[fc.BASELINE] / 2
