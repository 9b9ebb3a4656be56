"""python -m crm_core forecast: order lines or a sales table -> backtest per model and baseline, the summary, the
workbook read back (checked against crm_core on the same file); errors with the app's message and status 2."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from cli_helpers import run

from crm_core import pipeline
from crm_core.measure import forecast as fc
from crm_core.settings import AnalysisSettings

DATA = Path(__file__).resolve().parents[1] / "data" / "measure_forecast"
SALES_ZH = DATA / "daily_sales_zh.csv"
ORDERS = DATA / "orders_small.csv"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def sales_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("fc") / "forecast.xlsx"
    status, stdout, stderr = run("forecast", SALES_ZH, "--out", out, "--freq", "M", "--horizon", "6",
                                 "--by", "channel", "--lang", "zh")
    return status, stdout, stderr, out


def test_sales_table_per_channel_in_chinese(sales_run):
    status, stdout, stderr, out = sales_run
    assert status == 0, stderr
    assert "按销售表读取：日期=日期，数值=销售额，分组=渠道" in stderr  # guessed from the headers
    raw = pipeline.read(SALES_ZH.read_bytes(), SALES_ZH.name).frame
    history = fc.series_from_table(raw, date="日期", value="销售额", group="渠道", freq="M")
    expected = fc.forecast_groups(history, fc.ForecastChoice(freq="M", horizon=6, by="channel"))
    for name, made in expected.items():
        assert f"{name}：" in stdout
        smape = made.backtest.set_index("model").loc["seasonal_naive", "smape"]
        assert f"朴素：sMAPE {smape:.1%}" in stdout  # under two seasons before the held-out months: naive
        assert made.summary("zh") in stdout
    assert "最近 6 个月的回测误差" in stdout and stdout.strip().endswith(str(out))


def test_workbook_read_back(sales_run):
    *_, out = sales_run
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["摘要", "预测", "回测", "历史销售"]
    forecast = pd.read_excel(out, sheet_name="预测", engine="openpyxl")
    assert list(forecast.columns) == ["序列", "期间", "模型", "预测值", "下限", "上限"]
    assert len(forecast) == 2 * 3 * 6  # two channels, two models and the baseline, six months
    assert (forecast["下限"] <= forecast["预测值"]).all() and (forecast["预测值"] <= forecast["上限"]).all()
    backtest = pd.read_excel(out, sheet_name="回测", engine="openpyxl")
    assert backtest.groupby("序列")["最佳"].count().tolist() == [1, 1]  # one best model per channel
    history = pd.read_excel(out, sheet_name="历史销售", engine="openpyxl")
    assert len(history) == 24 and set(history.columns) == {"期间", "天猫旗舰店", "京东自营"}
    summary = book["摘要"]
    assert summary["A1"].value == "序列" and "预测未来 6 个月" in summary["B2"].value


def test_order_lines_weekly_revenue(tmp_path):
    out = tmp_path / "f.xlsx"
    status, stdout, stderr = run("forecast", ORDERS, "--out", out, "--horizon", "4")
    assert status == 0, stderr
    orders = pipeline.load(ORDERS.read_bytes(), ORDERS.name).result.orders
    history = fc.series_from_orders(orders, freq="W", measure="revenue")
    made = fc.forecast(history["total"], fc.ForecastChoice(horizon=4))
    lines = stdout.splitlines()
    assert lines[0] == "Total:" and lines[1] == "  Backtest on the last 4 weeks (sMAPE, MAPE, MAE):"
    assert [line.split(":")[0].strip() for line in lines[2:5]] == ["Holt-Winters", "SARIMA", "Naive"]
    assert made.summary("en") in stdout
    assert len(history) == 52 and "partly observed" not in stderr  # Monday 2024-01-01 to Sunday 2024-12-29
    assert "Under two seasons (104 weeks)" in stderr


def test_orders_count_per_channel_and_settings(tmp_path):
    settings = tmp_path / "analysis.json"
    saved = AnalysisSettings(forecast=fc.ForecastChoice(freq="M", measure="orders", horizon=2))
    settings.write_text(saved.to_json(), encoding="utf-8")
    out = tmp_path / "f.csv"
    status, stdout, stderr = run("forecast", ORDERS, "--out", out, "--settings", settings, "--by", "channel")
    assert status == 0, stderr
    table = pd.read_csv(out)
    assert set(table["Series"]) == {"Tmall", "JD"} and len(table) == 2 * 3 * 2
    assert "forecasts" in stdout and " orders over the next 2 months" in stdout


def test_group_names_are_written_as_text_not_formulas(tmp_path):
    source = tmp_path / "sales.csv"
    days = pd.date_range("2025-01-06", periods=140, freq="D")
    frame = pd.DataFrame({"date": list(days.strftime("%Y-%m-%d")) * 2, "store": [FORMULA] * 140 + ["Shop"] * 140,
                          "revenue": [100 + i % 7 for i in range(280)]})
    frame.to_csv(source, index=False)
    out = tmp_path / "f.xlsx"
    status, _, stderr = run("forecast", source, "--out", out, "--by", "channel", "--horizon", "4")
    assert status == 0, stderr
    book = openpyxl.load_workbook(out)
    cells = [c for row in book["Forecast"].iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    assert book["Sales history"].cell(1, 2).value == FORMULA and book["Sales history"].cell(1, 2).data_type == "s"


@pytest.mark.parametrize(("args", "code_words"), [
    ((DATA / "not_sales.csv", "--sales"), "Cannot tell which columns of not_sales.csv hold the date and the sales"),
    ((DATA / "too_short.csv",), "The history has 5 weeks, too short for any forecast with a backtest"),
    ((DATA / "bad_dates.csv",), "Column date: 3 of 5 rows have no readable date"),
    ((DATA / "bad_values.csv",), "Column revenue: 2 of 4 rows have no readable number"),
    ((SALES_ZH, "--by", "segment"), "No customer groups were given for the per-segment forecast"),
    ((SALES_ZH, "--horizon", "0"), "The forecast option “horizon” cannot be 0"),
    ((ORDERS, "--freq", "M"), "The history has 11 months, too short to forecast 12 months ahead"),
])
def test_errors_give_the_message_and_status_2(tmp_path, args, code_words):
    status, stdout, stderr = run("forecast", *args, "--out", tmp_path / "x.xlsx")
    assert status == 2 and code_words in stderr and "Traceback" not in stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_error_in_chinese(tmp_path):
    status, _, stderr = run("forecast", DATA / "not_sales.csv", "--sales", "--lang", "zh", "--out", tmp_path / "x.xlsx")
    assert status == 2 and "无法判断 not_sales.csv 中哪一列是日期" in stderr  # fc_no_sales_columns


def test_orders_per_rfm_segment(tmp_path):
    from crm_core.segment.combined import with_group_names

    out = tmp_path / "f.xlsx"
    status, stdout, stderr = run("forecast", ORDERS, "--out", out, "--by", "segment", "--freq", "M", "--horizon", "2")
    assert status == 0, stderr
    loaded = pipeline.load(ORDERS.read_bytes(), ORDERS.name)
    groups = with_group_names(pipeline.rfm_scores(loaded.result), lang="en").set_index("customer_id")
    history = fc.series_from_orders(loaded.result.orders, freq="M", measure="revenue",
                                    groups=groups["rfm_segment_name"])
    made = fc.forecast_groups(history, fc.ForecastChoice(freq="M", horizon=2, by="segment"))
    assert [line[:-1] for line in stdout.splitlines() if not line.startswith(" ") and line.endswith(":")] == list(made)
    summary = pd.read_excel(out, sheet_name="Summary", engine="openpyxl")
    assert list(summary["Series"].dropna())[: len(made)] == list(made)
