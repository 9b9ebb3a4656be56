"""Lifetime value: likelihoods written out by hand, the summary of a tiny order file, closed forms against independent
computations, the formula, the small-data fallback, parameter recovery on simulated customers and the backtest on
the sample (its orders run 2025-01-01 .. 2025-12-31)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, special, stats

from crm_core.messages import render
from crm_core.predict import _clv_math, clv
from crm_core.schema import DataError

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "orders_zh.csv"
BG = clv.BgNbdParams(r=0.5, alpha=2.0, a=0.8, b=2.5, log_likelihood=0.0, customers=0)
GG = clv.GammaGammaParams(p=2.0, q=3.0, v=10.0, log_likelihood=0.0, customers=0)


def _lbeta(x, y):
    return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)


# ------------------------------------------------------------------------------------------------ likelihoods
def test_bgnbd_likelihood_by_hand():
    r, alpha, a, b = 0.5, 2.0, 0.8, 2.5
    # x = 0, T = 5: only "alive throughout, no purchase": (alpha / (alpha + T))^r
    zero = r * math.log(alpha / (alpha + 5))
    # x = 2, t_x = 3, T = 5: B(a, b+2)/B(a, b) G(r+2) alpha^r / (G(r) (alpha+5)^(r+2))
    #                      + B(a+1, b+1)/B(a, b) G(r+2) alpha^r / (G(r) (alpha+3)^(r+2))
    common = math.lgamma(r + 2) - math.lgamma(r) + r * math.log(alpha)
    first = math.exp(_lbeta(a, b + 2) - _lbeta(a, b) + common - (r + 2) * math.log(alpha + 5))
    second = math.exp(_lbeta(a + 1, b + 1) - _lbeta(a, b) + common - (r + 2) * math.log(alpha + 3))
    got = clv.bgnbd_log_likelihood(r, alpha, a, b, [0, 2], [0.0, 3.0], [5.0, 5.0])
    assert got == pytest.approx([zero, math.log(first + second)], rel=1e-12)


def test_bgnbd_likelihood_stays_finite_for_heavy_buyers():
    got = clv.bgnbd_log_likelihood(0.25, 4.4, 0.8, 2.4, [500, 2000], [77.0, 78.0], [78.0, 78.0])
    assert np.all(np.isfinite(got))


def test_gamma_gamma_likelihood_by_hand_and_by_integration():
    p, q, v, x, m = 2.0, 3.0, 10.0, 3, 20.0
    by_hand = (math.lgamma(p * x + q) - math.lgamma(p * x) - math.lgamma(q) + q * math.log(v)
               + (p * x - 1) * math.log(m) + p * x * math.log(x) - (p * x + q) * math.log(v + m * x))
    # independently: the mean of x values ~ Gamma(shape p x, rate nu x), nu ~ Gamma(shape q, rate v), nu integrated out
    density, _ = integrate.quad(lambda nu: stats.gamma.pdf(m, p * x, scale=1 / (nu * x))
                                * stats.gamma.pdf(nu, q, scale=1 / v), 0, np.inf)
    got = clv.gamma_gamma_log_likelihood(p, q, v, [x], [m])
    assert got[0] == pytest.approx(by_hand, rel=1e-12)
    assert got[0] == pytest.approx(math.log(density), rel=1e-7)


def test_gradients_equal_finite_differences():
    x, t_x, T = np.array([0.0, 2, 5, 1, 0]), np.array([0.0, 3, 20, 1, 0]), np.array([5.0, 5, 30, 9, 2])
    data = _clv_math._bgnbd_data(x, t_x, T)
    point = np.log([0.7, 3.0, 1.2, 2.0])
    value, grad = _clv_math._bgnbd_objective(point, data)
    assert grad == pytest.approx(optimize.approx_fprime(point, lambda z: _clv_math._bgnbd_objective(z, data)[0]),
                                 abs=1e-6)
    assert value == pytest.approx(-np.mean(clv.bgnbd_log_likelihood(0.7, 3.0, 1.2, 2.0, x, t_x, T)))
    data = _clv_math._gg_data(np.array([1.0, 2, 4]), np.array([10.0, 30, 25]))
    point = np.log([3.0, 2.0, 12.0])
    _, grad = _clv_math._gg_objective(point, data)
    assert grad == pytest.approx(optimize.approx_fprime(point, lambda z: _clv_math._gg_objective(z, data)[0]),
                                 abs=1e-6)


# ------------------------------------------------------------------------------------------------ closed forms
def test_prob_alive_by_hand():
    # x = 2, t_x = 3, T = 5: 1 / (1 + a/(b+1) ((alpha+5)/(alpha+3))^(r+2)); no repeat purchase: alive for sure
    expected = 1 / (1 + 0.8 / 3.5 * (7 / 5) ** 2.5)
    assert clv.prob_alive(BG, [2, 0], [3.0, 0.0], [5.0, 5.0]) == pytest.approx([expected, 1.0], rel=1e-12)


def test_expected_purchases_equal_the_untransformed_formula():
    r, alpha, a, b = BG.r, BG.alpha, BG.a, BG.b
    for x, t_x, T, t in ((2, 3.0, 5.0, 10.0), (0, 0.0, 8.0, 4.0), (6, 20.0, 26.0, 52.0)):
        # FHL 2005 eq. 10 as printed, with scipy's 2F1 of the original arguments
        bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(r + x, b + x, a + b + x - 1,
                                                                                   t / (alpha + T + t))
        alive = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
        expected = (a + b + x - 1) / (a - 1) * bracket / alive
        assert clv.expected_purchases(BG, t, x, t_x, T) == pytest.approx(expected, rel=1e-9)


def test_a_new_customer_is_a_customer_observed_for_no_time():
    t = np.array([1.0, 10.0, 100.0])
    assert clv.expected_purchases_new(BG, t) == pytest.approx(clv.expected_purchases(BG, t, 0, 0.0, 0.0), rel=1e-12)
    # and E[X(t)] by eq. 7 as printed
    r, alpha, a, b = BG.r, BG.alpha, BG.a, BG.b
    eq7 = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    assert clv.expected_purchases_new(BG, t) == pytest.approx(eq7, rel=1e-9)


def test_closed_forms_stay_finite():
    heavy = clv.expected_purchases(BG, 52.0, [300, 2000], [77.0, 78.0], [78.0, 78.0])
    assert np.all(np.isfinite(heavy)) and heavy[1] > heavy[0] > 100  # at 2000 purchases in 78 weeks: > 1000 a year
    near_one = clv.BgNbdParams(r=0.5, alpha=2.0, a=1.0, b=2.5, log_likelihood=0, customers=0)
    both = [clv.BgNbdParams(r=0.5, alpha=2.0, a=a, b=2.5, log_likelihood=0, customers=0) for a in (0.999, 1.001)]
    got = clv.expected_purchases(near_one, 10.0, 2, 3.0, 5.0)
    assert np.isfinite(got) and got == pytest.approx(np.mean([clv.expected_purchases(p, 10.0, 2, 3.0, 5.0)
                                                              for p in both]), rel=1e-3)
    assert np.isfinite(clv.expected_purchases_new(near_one, 10.0))


def test_expected_order_value_by_hand():
    # p (v + x m) / (p x + q - 1): x = 3, m = 20 -> 2 (10 + 60) / (6 + 2) = 17.5; x = 0 -> p v / (q - 1) = 10
    assert clv.expected_order_value(GG, [3, 0], [20.0, 0.0]) == pytest.approx([17.5, 10.0])
    assert np.isnan(clv.expected_order_value(clv.GammaGammaParams(2, 0.9, 10, 0, 0), [1], [5.0])[0])


def test_discounted_clv_by_hand():
    summary = pd.DataFrame({"frequency": [2], "recency": [3.0], "T": [5.0]})
    month = 365.25 / 12 / 7
    e1, e2 = (clv.expected_purchases(BG, k * month, 2, 3.0, 5.0) for k in (1, 2))
    d = 1.1 ** (1 / 12) - 1
    got = clv.discounted_clv(BG, [50.0], summary, horizon_months=2, discount_yearly=0.10, margin=0.3)
    assert got[0] == pytest.approx(0.3 * 50 * (e1 / (1 + d) + (e2 - e1) / (1 + d) ** 2), rel=1e-12)


# ------------------------------------------------------------------------------------------------ summary
def _orders(rows):
    """Clean order lines as the pipeline gives them (one line per order)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    return frame.assign(order_id=[f"o{i}" for i in range(len(frame))], order_date=pd.to_datetime(frame["order_date"]),
                        is_return=frame["amount"] < 0, quantity=1.0, product="tea", category="drinks", channel="shop")


TINY = _orders([
    ("A", "2025-01-01 09:00", 10.0), ("A", "2025-01-01 18:00", 20.0),  # two orders, one purchase day
    ("A", "2025-01-08 10:00", 15.0), ("A", "2025-01-08 11:00", -5.0),  # a return netted into its day
    ("A", "2025-01-15 10:00", -7.0),                                   # a return on a day without a purchase
    ("A", "2025-01-22 10:00", 40.0),
    ("A", "2025-02-01 10:00", 99.0),                                   # on as_of: not read
    ("B", "2025-01-31 23:00", 12.0),                                   # one purchase, on the last observed day
    ("C", "2025-01-10 10:00", -3.0),                                   # only a return: no purchase
    ("D", "2025-02-03 10:00", 8.0),                                    # after as_of
])


def test_summary_by_hand():
    s = clv.clv_summary(TINY, as_of=date(2025, 2, 1))
    assert list(s.index) == ["A", "B"]
    a, b = s.loc["A"], s.loc["B"]
    assert a["frequency"] == 2 and a["recency"] == pytest.approx(3.0) and a["T"] == pytest.approx(30 / 7)
    assert a["monetary_value"] == pytest.approx(((15 - 5) + 40) / 2)  # the repeat days only, first day left out
    assert a["first_purchase"] == date(2025, 1, 1)
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0.0, 0.0, 0.0)
    days = clv.clv_summary(TINY, as_of=date(2025, 2, 1), unit_days=1)
    assert days.loc["A", "recency"] == 21 and days.loc["A", "T"] == 30


# ------------------------------------------------------------------------------------------------ formula, choice
def test_formula_by_hand_and_overrides():
    table = pd.DataFrame({"customer_id": ["x", "y"], "avg_order_value": [50.0, 20.0], "orders_per_year": [4.0, 1.5]})
    got = clv.formula_clv(table, clv.ClvChoice(expected_years=3, margin=0.3))
    assert got["clv"].tolist() == pytest.approx([50 * 4 * 3 * 0.3, 20 * 1.5 * 3 * 0.3])  # 180, 27
    fixed = clv.formula_clv(table, clv.ClvChoice(expected_years=2, margin=0.5, avg_order_value=100.0))
    assert fixed["clv"].tolist() == pytest.approx([100 * 4 * 2 * 0.5, 100 * 1.5 * 2 * 0.5])
    both = clv.formula_clv(table, clv.ClvChoice(avg_order_value=10.0, purchases_per_year=2.0))
    assert both["clv"].tolist() == pytest.approx([10 * 2 * 3 * 0.3] * 2)


def test_formula_inputs_are_explained_in_both_languages():
    for name in ("avg_order_value", "purchases_per_year", "expected_years", "margin"):
        assert clv.FORMULA_INPUTS[name].en and clv.FORMULA_INPUTS[name].zh
    assert "平均订单金额" in clv.formula_inputs("zh")["avg_order_value"]


def test_choice_round_trip_and_checks():
    choice = clv.ClvChoice(method="model", horizon_months=24, margin=0.4, avg_order_value=55.0)
    assert clv.ClvChoice.from_dict(choice.to_dict()) == choice
    assert hash(choice) == hash(clv.ClvChoice.from_dict(choice.to_dict()))
    assert clv.ClvChoice.from_dict({"margin": "0.25", "unknown": 1}).margin == 0.25
    with pytest.raises(DataError) as err:
        clv.ClvChoice(method="magic")
    assert err.value.code == "clv_bad_choice"
    with pytest.raises(DataError):
        clv.ClvChoice(margin=1.5)


# ------------------------------------------------------------------------------------------------ run_clv
def test_small_data_falls_back_to_the_formula():
    result = clv.run_clv(TINY, as_of=date(2025, 2, 1))
    assert result.method == "formula" and result.note == "clv_too_few_repeat" and result.repeat_customers == 1
    assert result.bgnbd is None and result.gamma_gamma is None
    assert list(result.table.columns) == list(clv.CLV_COLUMNS) and list(result.table.index) == ["A", "B"]
    # customer_table's figures: A has 4 orders (two on Jan 1) of gross 85, B 1 order of 12; both under 90 days of
    # tenure, so orders per year = orders x 365.25 / 90; formula = aov x per year x 3 years x 30% margin
    a, b = result.table.loc["A"], result.table.loc["B"]
    assert a["expected_order_value"] == pytest.approx(85 / 4) and b["expected_order_value"] == pytest.approx(12.0)
    assert a["clv"] == pytest.approx(85 / 4 * (4 * 365.25 / 90) * 3 * 0.3)
    assert b["clv"] == pytest.approx(12 * (365.25 / 90) * 3 * 0.3) and b["method"] == "formula"
    assert b["expected_purchases"] == pytest.approx(365.25 / 90 * 3) and np.isnan(b["prob_alive"])
    text = render(result.note, "en", repeat=result.repeat_customers, minimum=100)
    assert "Only 1 customers" in text or "Only 1 customer" in text
    assert "100" in text and "formula" in text
    assert "100" in render(result.note, "zh", repeat=1, minimum=100)


def test_model_without_repeat_customers_says_the_fit_failed():
    once = _orders([(f"c{i}", f"2025-01-{i + 1:02d}", 10.0) for i in range(20)])
    result = clv.run_clv(once, as_of=date(2025, 3, 1), choice=clv.ClvChoice(method="model"))
    assert result.method == "formula" and result.note == "clv_fit_failed"


def test_no_customer_before_as_of():
    with pytest.raises(DataError) as err:
        clv.run_clv(TINY, as_of=date(2024, 1, 1))
    assert err.value.code == "clv_no_customers"


def test_parameters_are_recovered_from_simulated_customers():
    truth = clv.BgNbdParams(r=0.6, alpha=5.0, a=0.9, b=3.0, log_likelihood=0, customers=0)
    spend = clv.GammaGammaParams(p=4.0, q=3.5, v=20.0, log_likelihood=0, customers=0)
    drawn = _clv_math.simulate(30_000, truth, spend, T_min=26, T_max=78, resolution=1 / 7, seed=3)
    fit = _clv_math.fit_bgnbd_arrays(drawn["x"], drawn["t_x"], drawn["T"])
    repeat = drawn["x"] > 0
    money = _clv_math.fit_gamma_gamma_arrays(drawn["x"][repeat], drawn["m"][repeat])
    for got, want, tol in ((fit.r, 0.6, 0.06), (fit.alpha, 5.0, 0.08), (fit.a, 0.9, 0.15), (fit.b, 3.0, 0.2),
                           (money.p, 4.0, 0.1), (money.q, 3.5, 0.1), (money.v, 20.0, 0.1)):
        assert got == pytest.approx(want, rel=tol)
    # the fit is a maximum: the likelihood at the truth is lower
    assert fit.log_likelihood > clv.bgnbd_log_likelihood(0.6, 5.0, 0.9, 3.0, drawn["x"], drawn["t_x"],
                                                         drawn["T"]).sum()


def test_grid_for_the_charts():
    grid = clv.frequency_recency_grid(BG, max_frequency=5, max_T=30, what="alive", steps=10)
    assert len(grid) == 1 + 5 * 11 and set(grid.columns) == {"frequency", "recency", "value"}
    five = grid[grid["frequency"] == 5].sort_values("recency")["value"].to_numpy()
    # bought lately -> more likely alive; at recency = T only the drop-out right after the last purchase is left
    assert np.all(np.diff(five) > 0) and five[-1] == pytest.approx(1 / (1 + BG.a / (BG.b + 4)))
    purchases = clv.frequency_recency_grid(BG, max_frequency=5, max_T=30, t=10.0, steps=10)
    last = purchases[purchases["recency"] == 30].sort_values("frequency")["value"].to_numpy()
    assert np.all(np.diff(last) > 0)  # at recency = T, more purchases -> more expected


# ------------------------------------------------------------------------------------------------ backtest
def test_backtest_refuses_what_it_cannot_do():
    with pytest.raises(DataError) as err:
        clv.backtest(TINY, calibration_end=date(2025, 1, 20), holdout_end=date(2025, 1, 10))
    assert err.value.code == "clv_backtest_dates"
    once = _orders([(f"c{i}", f"2025-01-{i + 1:02d}", 10.0) for i in range(20)] + [("c0", "2025-02-10", 5.0)])
    with pytest.raises(DataError) as err:  # nobody bought twice before the calibration end
        clv.backtest(once, calibration_end=date(2025, 2, 1), holdout_end=date(2025, 3, 1))
    assert err.value.code == "clv_backtest_fit_failed"
    assert "20 customers" in render(err.value.code, "en", **err.value.params)


@pytest.fixture(scope="module")
def sample_orders():
    from crm_core import pipeline

    return pipeline.load(SAMPLE.read_bytes(), SAMPLE.name).result.orders


def test_backtest_on_the_sample(sample_orders):
    table = clv.backtest(sample_orders, calibration_end=date(2025, 9, 1), holdout_end=date(2026, 1, 1))
    assert table["group"].tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == clv.clv_summary(sample_orders, as_of=date(2025, 9, 1)).shape[0]
    # actual, counted independently: purchase days in the hold-out per calibration customer
    hold = sample_orders[(sample_orders["order_date"] >= "2025-09-01") & ~sample_orders["is_return"]]
    assert (table["actual"] * table["customers"]).sum() == pytest.approx(
        hold.assign(day=hold["order_date"].dt.normalize()).drop_duplicates(["customer_id", "day"])
        .query("customer_id in @table_ids", local_dict={"table_ids": set(
            clv.clv_summary(sample_orders, as_of=date(2025, 9, 1)).index)}).shape[0])
    predicted = (table["predicted"] * table["customers"]).sum()
    actual = (table["actual"] * table["customers"]).sum()
    assert predicted == pytest.approx(actual, rel=0.10)  # overall within 10% (measured: 1.99 vs 1.98 a customer)
    assert table["predicted"].iloc[-1] > 3 * table["predicted"].iloc[1]  # frequent buyers are expected to buy more
    assert np.corrcoef(table["predicted"], table["actual"])[0, 1] > 0.9


def test_model_on_the_sample(sample_orders):
    result = clv.run_clv(sample_orders, as_of=date(2026, 1, 1))
    assert result.method == "model" and result.note is None and result.repeat_customers > 500
    t = result.table
    assert t["prob_alive"].between(0, 1).all() and (t["clv"] >= 0).all() and len(t) == 700
    # the discounted 12-month value is below the undiscounted one: margin x order value x expected purchases
    assert (t["clv"] <= 0.3 * t["expected_order_value"] * t["expected_purchases"] + 1e-9).all()
