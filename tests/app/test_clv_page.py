"""Lifetime value page: the fitted parameters and values equal crm_core's on the same orders, the formula is
checked by hand, a short window falls back to the formula with a warning, the back-test and the list download are
the ones computed here, both languages render, and a display option never fits the model again.

Expected figures come from crm_core on the same file (the sample may grow), never hard-coded; the formula's are
worked out by hand from its inputs.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest
from app_helpers import APP, ROOT, TIMEOUT, by_key, charts, en, metrics, open_app, rerun, texts, zh
from streamlit.testing.v1 import AppTest

from crm_core import pipeline
from crm_core.customers import default_as_of
from crm_core.messages import render
from crm_core.predict import clv
from crm_core.schema import ReadOptions
from crm_core.scope import in_scope
from crm_core.settings import Scope
from ui import cached, cached_clv, clv_charts
from ui.clv_state import CLV_CHOICE
from ui.fmt import money_text
from ui.i18n import TEXT
from ui.state import DATASETS, SCOPE

PAGE = "app_pages/clv.py"
FILES = ("app_pages/clv.py", "ui/clv_view.py", "ui/clv_charts.py", "ui/cached_clv.py")
SHORT_WINDOW_DAYS = 21  # the sample's last three weeks: far fewer than 100 customers buy twice in them


@pytest.fixture(scope="module")
def orders(sample_loaded) -> pd.DataFrame:
    return sample_loaded.result.orders


@pytest.fixture(scope="module")
def as_of(orders) -> date:
    return default_as_of(orders)


@pytest.fixture(scope="module")
def fitted(orders, as_of) -> clv.ClvResult:
    return clv.run_clv(orders, as_of=as_of, choice=clv.ClvChoice())


def open_tab(at: AppTest, label_key: str, lang: str = "en") -> AppTest:
    at.session_state[f"clv_tab_{lang}"] = (zh if lang == "zh" else en)(label_key)
    return rerun(at)


def fresh(upload, *, lang: str = "en", tab: str | None = None, scope: Scope | None = None,
          choice: clv.ClvChoice | None = None) -> AppTest:
    """A first run of the page with the tab, the window and the choice set before it (Chinese pages: see
    app_helpers)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state[DATASETS] = {"orders": upload}
    if tab is not None:
        at.session_state[f"clv_tab_{lang}"] = (zh if lang == "zh" else en)(tab)
    if scope is not None:
        at.session_state[SCOPE] = scope
    if choice is not None:
        at.session_state[CLV_CHOICE] = choice
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_of(at: AppTest, column: str, *, which: int = 0) -> pd.DataFrame:
    found = [d.value for d in at.main.dataframe if column in d.value.columns]
    assert found, f"no table with {column!r}"
    return found[which]


def parameters(at: AppTest, which: int) -> dict[str, float]:
    """Symbol -> value of the ``which``-th table of fitted parameters (0: BG/NBD, 1: Gamma-Gamma)."""
    table = at.main.table[which].value
    return dict(zip(table[en("clv_param")], table[en("clv_param_value")].astype(float), strict=True))


def chart_text(at: AppTest) -> str:
    """Every chart's Vega-Lite spec as text (non-ASCII letters as themselves)."""
    return " ".join(json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in charts(at))


def sheets(data: bytes) -> dict[str, pd.DataFrame]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = {}
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        end = next((i for i, r in enumerate(rows) if all(c is None for c in r)), len(rows))
        found[name] = pd.DataFrame(rows[1:end], columns=rows[0]) if rows else pd.DataFrame()
    return found


# ------------------------------------------------------------------------------------------- the model's fit
def test_sample_fits_and_shows_the_parameters_of_crm_core(sample_upload, fitted):
    at = open_app(PAGE, upload=sample_upload)
    assert fitted.method == "model" and fitted.note is None
    assert not texts(at.main.warning)
    bgnbd, gamma = (parameters(at, which) for which in (0, 1))
    expected = {"r": fitted.bgnbd.r, "α": fitted.bgnbd.alpha, "a": fitted.bgnbd.a, "b": fitted.bgnbd.b}
    assert bgnbd == pytest.approx(expected, rel=1e-9)
    expected = {"p": fitted.gamma_gamma.p, "q": fitted.gamma_gamma.q, "γ": fitted.gamma_gamma.v}
    assert gamma == pytest.approx(expected, rel=1e-9)
    meanings = pd.concat([table.value[en("clv_param_meaning")] for table in at.main.table])
    assert len(meanings) == 7 and meanings.str.len().gt(30).all()  # each parameter said in words
    shown = metrics(at)
    table = fitted.table
    assert shown[en("clv_customers")] == f"{len(table):,}"
    assert shown[en("clv_total")] == money_text(float(table["clv"].sum()), "¥")
    assert shown[en("clv_alive_median")] == f"{float(table['prob_alive'].median()):.0%}"
    # Each customer, most valuable first, with the values of crm_core (probabilities shown in %).
    customers = frame_of(at, "expected_purchases").set_index("customer_id")
    best = table.sort_values("clv", ascending=False, kind="stable").head(len(customers))
    assert list(customers.index) == list(best.index)
    assert customers["clv"].to_numpy() == pytest.approx(best["clv"].to_numpy())
    assert customers["prob_alive"].to_numpy() == pytest.approx(best["prob_alive"].to_numpy() * 100)
    # Deciles: ten equal groups of customers, the first the most valuable tenth, totals adding up.
    tenths = frame_of(at, "decile")
    values = table["clv"].sort_values(ascending=False).to_numpy()
    sizes = tenths["customers"].to_numpy()
    assert list(tenths["decile"]) == list(range(1, 11)) and sizes.sum() == len(table)
    assert sizes.max() - sizes.min() <= 1
    assert tenths["total"].iloc[0] == pytest.approx(values[:sizes[0]].sum())
    assert tenths["total"].sum() == pytest.approx(values.sum())
    assert tenths["share"].sum() == pytest.approx(100.0)


def test_a_display_option_never_fits_again(sample_upload, orders, as_of, monkeypatch):
    calls = []
    original = clv.run_clv
    monkeypatch.setattr(clv, "run_clv", lambda *a, **k: calls.append(1) or original(*a, **k))
    at = open_tab(open_app(PAGE, upload=sample_upload), "clv_tab_charts")
    fits = len(calls)
    # The charts, labelled: chance alive, the frequency/recency heat map, the value's spread.
    assert len(charts(at)) == 3
    joined = chart_text(at)
    for key in ("clv_chart_alive", "clv_chart_value", "clv_axis_frequency"):
        assert en(key) in joined
    assert en("clv_chart_grid_purchases", months=12) in joined
    by_key(at.main.segmented_control, r"clv_grid_what_\d+").set_value("alive")
    rerun(at)
    open_tab(at, "clv_tab_list")
    by_key(at.main.number_input, r"clv_list_n_\d+").set_value(20)
    rerun(at)
    assert len(calls) == fits
    # The fit is shared read-only: after every tab it is the very object built, unchanged.
    file_key = cached.DatasetKey(sample_upload.digest, sample_upload.data, sample_upload.name, ReadOptions())
    shared = cached_clv.run(file_key.with_mapping(cached.proposed_mapping(file_key)), as_of, Scope(), clv.ClvChoice())
    assert len(calls) == fits  # a hit: the page's entry
    pd.testing.assert_frame_equal(shared.result.table, original(orders, as_of=as_of).table)
    # The settings do: a new margin is a new fit.
    by_key(at.main.slider, r"clv_margin_\d+").set_value(40)
    at.main.button[0].click()
    rerun(at)
    assert at.session_state[CLV_CHOICE].margin == pytest.approx(0.40)
    assert len(calls) == fits + 1


# ------------------------------------------------------------------------------------------------ the formula
def test_formula_clv_of_one_customer_by_hand(sample_upload, orders, as_of):
    at = open_app(PAGE, upload=sample_upload)
    by_key(at.main.radio, r"clv_method_\d+").set_value("formula")
    by_key(at.main.number_input, r"clv_years_\d+").set_value(2.0)
    by_key(at.main.slider, r"clv_margin_\d+").set_value(25)
    at.main.button[0].click()
    rerun(at)
    assert at.session_state[CLV_CHOICE] == clv.ClvChoice(method="formula", expected_years=2.0, margin=0.25)
    assert not texts(at.main.warning)  # the formula was asked for: nothing to warn about
    assert en("clv_method_used", method=en("clv_method_formula")) in texts(at.main.caption)
    # C00001's own inputs: spend before returns / orders, and orders x 365.25 / calendar days since the first
    # order (customers.customer_table's avg_order_value and orders_per_year).
    mine = orders[(orders["customer_id"] == "C00001") & (orders["order_date"] < pd.Timestamp(as_of))
                  & ~orders["is_return"]]
    n_orders = mine["order_id"].nunique()
    aov = mine["amount"].sum() / n_orders
    tenure = (as_of - mine["order_date"].min().date()).days
    assert n_orders > 5 and tenure > 90  # (no floor on the tenure)
    per_year = n_orders * 365.25 / tenure
    shown = frame_of(at, "clv").set_index("customer_id")
    assert shown.loc["C00001", "clv"] == pytest.approx(aov * per_year * 2.0 * 0.25, rel=1e-6)
    # Her own figures instead: every customer is worth 80 x 5 x 2 x 25% = 200.
    by_key(at.main.number_input, r"clv_aov_\d+").set_value(80.0)
    by_key(at.main.number_input, r"clv_per_year_\d+").set_value(5.0)
    at.main.button[0].click()
    rerun(at)
    shown = frame_of(at, "clv")
    assert shown["clv"].to_numpy() == pytest.approx(200.0)
    assert metrics(at)[en("clv_average")] == money_text(200.0, "¥")


def test_short_window_falls_back_to_the_formula(sample_upload, sample_loaded, as_of):
    scope = Scope(start=as_of - timedelta(days=SHORT_WINDOW_DAYS))
    at = fresh(sample_upload, scope=scope)
    window = in_scope(sample_loaded.result, scope, as_of=as_of).orders
    # Repeat customers counted here: more than one purchase day in the window.
    days = window[window["order_date"] < pd.Timestamp(as_of)].assign(day=lambda f: f["order_date"].dt.normalize())
    repeat = int((days.groupby("customer_id")["day"].nunique() > 1).sum())
    assert 0 < repeat < 100
    assert texts(at.main.warning) == [render("clv_too_few_repeat", "en", repeat=repeat, minimum=100)]
    assert en("clv_method_used", method=en("clv_method_formula")) in texts(at.main.caption)
    assert not at.main.table  # no parameters: no model
    expected = clv.run_clv(window, as_of=as_of, choice=clv.ClvChoice())
    assert expected.method == "formula" and expected.note == "clv_too_few_repeat"
    shown = frame_of(at, "clv").set_index("customer_id")["clv"]
    assert shown.to_numpy() == pytest.approx(expected.table["clv"].loc[shown.index].astype(float).to_numpy())
    # A window shorter than four months is back-tested from its middle.
    open_tab(at, "clv_tab_backtest")
    first = window["order_date"].min().date()
    middle = first + timedelta(days=(as_of - first).days // 2)
    assert by_key(at.main.date_input, r"clv_calibration_\d+").value == middle
    backtested = clv.backtest(window, calibration_end=middle, holdout_end=as_of)
    assert list(frame_of(at, "predicted")["customers"]) == list(backtested["customers"])


# ---------------------------------------------------------------------------------------- back-test, list
def test_backtest_and_the_top_customers_workbook(sample_upload, sample_loaded, orders, as_of, fitted, downloads):
    at = fresh(sample_upload, tab="clv_tab_backtest")
    end = (pd.Timestamp(as_of) - pd.DateOffset(months=3)).date()
    assert by_key(at.main.date_input, r"clv_calibration_\d+").value == end
    expected = clv.backtest(orders, calibration_end=end, holdout_end=as_of)
    shown = frame_of(at, "predicted")
    assert list(shown["customers"]) == list(expected["customers"])
    assert shown["predicted"].to_numpy() == pytest.approx(expected["predicted"].to_numpy())
    assert shown["actual"].to_numpy() == pytest.approx(expected["actual"].to_numpy())
    assert len(charts(at)) == 1
    # Another calibration end: another back-test.
    later = end + timedelta(days=30)
    by_key(at.main.date_input, r"clv_calibration_\d+").set_value(later)
    rerun(at)
    expected = clv.backtest(orders, calibration_end=later, holdout_end=as_of)
    assert frame_of(at, "predicted")["actual"].to_numpy() == pytest.approx(expected["actual"].to_numpy())
    # The list of the most valuable customers, through the export path.
    open_tab(at, "clv_tab_list")
    by_key(at.main.number_input, r"clv_list_n_\d+").set_value(40)
    rerun(at)
    book = sheets(downloads["clv_list_download"])
    sheet = book[en("clv_list_name", n=40)]
    table = pipeline.customer_table(sample_loaded.result.orders, sample_loaded.result.customers, as_of=as_of)
    opted_out = set(table.loc[table["opted_out"].astype(bool), "customer_id"].astype(str))
    top = fitted.table.sort_values("clv", ascending=False, kind="stable").head(40)
    wanted = [c for c in top.index if c not in opted_out]
    assert sorted(sheet["Customer ID"]) == sorted(wanted)
    values = sheet.set_index("Customer ID")["Lifetime value"]
    assert values.to_numpy(dtype=float) == pytest.approx(top["clv"].loc[values.index].to_numpy(), abs=0.01)
    assert "Summary" in book
    assert [c for c in texts(at.caption) if re.match(r"List ID \*\*\S+-\d{8}-[0-9A-F]{8}\*\*", c)]


# ---------------------------------------------------------------------------------------------- languages
def test_every_label_in_both_languages():
    used = set()
    for name in FILES:
        used |= set(re.findall(r"\b(?:t|_text)\(\s*f?\"(clv_[a-z_{}.]+)\"", (ROOT / name).read_text(encoding="utf-8")))
    used = {u for u in used if "{" not in u}
    assert len(used) > 60  # the search finds the page's labels
    used |= {f"clv_method_{m}" for m in ("auto", "model", "formula")} | {"clv_grid_purchases", "clv_grid_alive"}
    missing = sorted(u for u in used if u not in TEXT)
    assert not missing
    for key, (english, chinese) in TEXT.items():
        if key.startswith("clv_"):
            assert english.strip() and re.search(r"[\u4e00-\u9fff]", chinese), key


def test_chinese_page_from_a_saved_choice(sample_upload, orders, as_of, fitted):
    # The session's choice (as an opened analysis leaves it) fills the settings and decides the values.
    choice = clv.ClvChoice(horizon_months=6, margin=0.5, discount_yearly=0.05)
    at = fresh(sample_upload, lang="zh", choice=choice)
    assert by_key(at.main.number_input, r"clv_horizon_\d+").value == 6
    assert by_key(at.main.slider, r"clv_margin_\d+").value == 50
    assert by_key(at.main.slider, r"clv_discount_\d+").value == 5
    assert at.main.expander[0].label == zh("clv_settings", words=zh("clv_words_model", method=zh("clv_method_auto"),
                                                                      months=6, discount=0.05, margin=0.5))
    expected = clv.run_clv(orders, as_of=as_of, choice=choice)
    shown = metrics(at)
    assert shown[zh("clv_customers")] == f"{len(fitted.table):,}"
    assert shown[zh("clv_total")] == money_text(float(expected.table["clv"].sum()), "¥")
    assert zh("clv_parameters") in " ".join(texts(at.main.markdown))
    assert [t for t in at.main.table if zh("clv_param_meaning") in t.value.columns]
    joined = chart_text(open_tab(at, "clv_tab_charts", "zh"))
    assert zh("clv_chart_alive") in joined and zh("clv_axis_frequency") in joined
    assert zh("clv_backtest_chart") in chart_text(open_tab(at, "clv_tab_backtest", "zh"))
    open_tab(at, "clv_tab_list", "zh")
    assert [c for c in texts(at.caption) if re.match(r"清单编号 \*\*\S+-\d{8}-[0-9A-F]{8}\*\*", c)]


# ------------------------------------------------------------------------- the charts on hand-made tables
def test_alive_histogram_counts_by_hand():
    table = pd.DataFrame({"prob_alive": [0.01, 0.04, 0.5, 0.97, 1.0, float("nan")]})
    bars = pd.DataFrame(clv_charts.alive_histogram(table).to_dict()["datasets"].popitem()[1])
    counts = dict(zip(bars["start"].round(2), bars["customers"], strict=True))
    assert len(bars) == 20 and bars["customers"].sum() == 5
    assert counts[0.0] == 2 and counts[0.5] == 1 and counts[0.95] == 2  # 1.0 falls in the last bar
    formula = pd.DataFrame({"prob_alive": [float("nan")] * 3})
    assert clv_charts.alive_histogram(formula).to_dict()["mark"]["type"] == "text"  # a sentence, no bars


def test_value_histogram_folds_the_top_percent():
    values = pd.DataFrame({"clv": [float(v) for v in range(1, 200)] + [1e6]})
    bars = pd.DataFrame(clv_charts.value_histogram(values, "¥").to_dict()["datasets"].popitem()[1])
    assert bars["customers"].sum() == 200
    assert bars["end"].max() == pytest.approx(pd.Series(values["clv"]).quantile(0.99))  # 1e6 in the last bar


def test_grid_in_either_form_and_backtest_series():
    matrix = pd.DataFrame([[0.1, 0.2], [0.3, 0.4]], index=pd.Index([0, 1], name="frequency"),
                          columns=pd.Index([0.0, 26.0], name="recency"))
    long = clv_charts.grid_long(matrix)
    assert long.set_index(["frequency", "recency"])["value"].to_dict() == {
        (0.0, 0.0): 0.1, (0.0, 26.0): 0.2, (1.0, 0.0): 0.3, (1.0, 26.0): 0.4}
    assert clv_charts.grid_long(long.rename(columns={"value": "purchases"})).equals(long)
    table = pd.DataFrame({"frequency_group": ["0", "1", "2+"], "customers": [10, 5, 2],
                          "predicted": [0.2, 1.0, 2.5], "actual": [0.3, 0.8, 2.0]})
    spec = clv_charts.backtest_chart(table).to_dict()
    rows = pd.DataFrame(spec["datasets"].popitem()[1])
    assert len(rows) == 6 and set(rows["series"]) == {en("clv_predicted"), en("clv_actual")}
    assert rows.loc[rows["series"] == en("clv_actual"), "purchases"].tolist() == [0.3, 0.8, 2.0]
    assert spec["encoding"]["x"]["sort"] == ["0", "1", "2+"]
