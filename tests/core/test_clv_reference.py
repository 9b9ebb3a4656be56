"""Lifetime value on the CDNOW sample against what Fader, Hardie & Lee published (and BTYD/lifetimes/CLVTools test).

The 2,357-customer sample's event log (``cdnowElog.csv``: dates YYYYMMDD, ``sales`` in dollars), calibration
1997-01-01 .. 1997-09-30 inclusive (``as_of`` 1997-10-01), time in weeks.  Figures from
../shared/datasets/README.md section 3.  Needs ../shared/datasets beside the checkout (CI has it; a fresh clone
does not, so these skip).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core.predict import clv

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
ELOG = DATASETS / "cdnow" / "cdnowElog.csv"
SUMMARY = DATASETS / "cdnow" / "cdnow_customers_summary_with_transactions.csv"
AS_OF = date(1997, 10, 1)

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not (ELOG.exists() and SUMMARY.exists()), reason=f"real data not found at {ELOG.parent} "
                       "(shared/ is beside the checkout only in CI and the developers' workplace)"),
]


@pytest.fixture(scope="module")
def orders():
    """The event log as clean order lines; customers named by their sample id (the summary files' ID)."""
    log = pd.read_csv(ELOG, dtype={"date": str})
    return pd.DataFrame({"customer_id": log["sampleid"].astype(str),
                         "order_date": pd.to_datetime(log["date"], format="%Y%m%d"),
                         "amount": log["sales"].astype(float), "is_return": False})


@pytest.fixture(scope="module")
def summary(orders):
    return clv.clv_summary(orders, as_of=AS_OF)


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(SUMMARY, dtype={"ID": str}).set_index("ID")


@pytest.fixture(scope="module")
def bgnbd(summary):
    return clv.fit_bgnbd(summary)


@pytest.fixture(scope="module")
def spend(summary):
    return clv.fit_gamma_gamma(summary)


def test_summary_equals_the_published_one(summary, reference):
    assert len(summary) == len(reference) == 2_357
    ours = summary.loc[reference.index]
    assert (ours["frequency"].to_numpy() == reference["x"].to_numpy()).all()
    # the file rounds to 2 decimals (weeks and dollars)
    assert np.abs(ours["recency"].to_numpy() - reference["t_x"].to_numpy()).max() <= 0.005 + 1e-9
    assert np.abs(ours["T"].to_numpy() - reference["T"].to_numpy()).max() <= 0.005 + 1e-9
    assert np.abs(ours["monetary_value"].to_numpy() - reference["zbar"].to_numpy()).max() <= 0.005 + 1e-9
    assert int((summary["frequency"] > 0).sum()) == 946


def test_bgnbd_equals_fader_hardie_lee(bgnbd):
    got = (round(bgnbd.r, 3), round(bgnbd.alpha, 3), round(bgnbd.a, 3), round(bgnbd.b, 3))
    assert got == (0.243, 4.414, 0.793, 2.426)
    assert round(bgnbd.log_likelihood, 1) == -9582.4
    # CLVTools' precise estimate on the same event log: r 0.2425945, alpha 4.4136019, a 0.7929199, b 2.4258881
    assert [bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b] == pytest.approx([0.2425945, 4.4136019, 0.7929199, 2.4258881],
                                                                     abs=2e-5)
    assert bgnbd.log_likelihood == pytest.approx(-9582.429, abs=1e-3) and bgnbd.customers == 2_357


def test_bgnbd_on_the_rounded_summary_file(reference):
    fit = clv.fit_bgnbd(reference.rename(columns={"x": "frequency", "t_x": "recency"}))
    # lifetimes' docs/Quickstart.md on this file: r 0.242593, alpha 4.413532, a 0.792886, b 2.425752
    assert [fit.r, fit.alpha, fit.a, fit.b] == pytest.approx([0.242593, 4.413532, 0.792886, 2.425752], abs=2e-6)


def test_gamma_gamma_equals_the_published_fit(spend, reference):
    # on the summary file's x and zbar (946 repeat buyers): the MLE computed here with scipy's Nelder-Mead
    repeat = reference[reference["x"] > 0]
    on_file = clv.fit_gamma_gamma(repeat.rename(columns={"x": "frequency", "zbar": "monetary_value"}))
    assert on_file.customers == 946
    assert (round(on_file.p, 3), round(on_file.q, 3), round(on_file.v, 3)) == (6.249, 3.745, 15.448)
    assert [on_file.p, on_file.q, on_file.v] == pytest.approx([6.2488, 3.7446, 15.4477], abs=5e-4)
    assert on_file.log_likelihood == pytest.approx(-4055.92, abs=0.01)
    # on the exact values from the event log: the published p 6.25, q 3.74, gamma 15.44, LL -4055.9177
    assert spend.customers == 946
    assert [spend.p, spend.q, spend.v] == pytest.approx([6.25, 3.74, 15.44], abs=0.01)
    assert spend.log_likelihood == pytest.approx(-4055.9177, abs=0.01)


def test_published_expectations(bgnbd):
    # Hardie's spreadsheet: a customer with x = 2, t_x = 30.43, T = 38.86 buys 1.226 times in the next 39 weeks
    assert round(float(clv.expected_purchases(bgnbd, 39, 2, 30.43, 38.86)), 3) == 1.226
    # E[X(t)] of a new customer, t in weeks (lifetimes' test, its fit on the rounded summary file: 1.8576 at 78)
    got = clv.expected_purchases_new(bgnbd, [0.1429, 1, 3, 31.8571, 32, 78])
    assert got == pytest.approx([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576], abs=6e-4)


def test_gamma_gamma_expected_spend_of_customers_1_to_10(spend, summary):
    # Hardie's note 025 (its parameters unrounded: with 6.25, 3.74, 15.44 as printed the x = 0 customers get 35.22)
    first = summary.loc[[str(i) for i in range(1, 11)]]
    got = clv.expected_order_value(spend, first["frequency"], first["monetary_value"])
    assert np.round(got, 2) == pytest.approx([24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17],
                                             abs=0.011)


def test_correlation_of_frequency_and_spend(summary):
    repeat = summary[summary["frequency"] > 0]
    # lifetimes' Quickstart: 0.113884 (why Gamma-Gamma's independence assumption is acceptable here)
    assert np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1] == pytest.approx(0.113884, abs=5e-4)


def test_run_clv_and_backtest_on_cdnow(orders, bgnbd):
    result = clv.run_clv(orders, as_of=AS_OF, choice=clv.ClvChoice(horizon_months=12))
    assert result.method == "model" and result.repeat_customers == 946
    assert result.bgnbd.r == pytest.approx(bgnbd.r)
    table = clv.backtest(orders, calibration_end=AS_OF, holdout_end=date(1998, 7, 1))
    predicted = (table["predicted"] * table["customers"]).sum()
    actual = (table["actual"] * table["customers"]).sum()
    # the 39 hold-out weeks hold 1,882 purchase days of these customers (1,959 lines): counted from the log directly
    log = pd.read_csv(ELOG)
    assert actual == log.loc[log["date"] >= 19971001, ["sampleid", "date"]].drop_duplicates().shape[0] == 1_882
    # measured here: 1,653 predicted (the model under-forecasts this hold-out by 12%), and in every group the
    # prediction follows the actual mean
    assert predicted == pytest.approx(1_653.4, abs=0.5)
    assert predicted == pytest.approx(actual, rel=0.15)
    assert np.corrcoef(table["predicted"], table["actual"])[0, 1] > 0.97
