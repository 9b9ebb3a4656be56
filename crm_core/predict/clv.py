"""Customer lifetime value: BG/NBD for purchases, Gamma-Gamma for spend, or the simple formula.

:func:`clv_summary` turns order lines into what the models need: repeat purchases x, the time of the last one t_x
and the time observed T (in units of ``unit_days``, weeks by default), and the mean value of the *repeat*
purchases; a purchase is a day with at least one purchase line, as Fader & Hardie count (several orders on one
day are one purchase).  :func:`fit_bgnbd` and :func:`fit_gamma_gamma` fit both models by maximum likelihood
(scipy only; see :mod:`crm_core.predict._clv_math` for the formulas); :func:`run_clv` gives each customer's
probability of being alive, expected purchases and order value over a horizon and the discounted lifetime value,
or, with too few repeat customers, the formula (:func:`formula_clv`) with a note saying why.  :func:`backtest`
compares predicted and actual purchases in a hold-out period; :func:`frequency_recency_grid` feeds the charts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from crm_core.customers import customer_table
from crm_core.messages import Localized
from crm_core.predict._clv_math import (
    BgNbdParams,
    FitError,
    GammaGammaParams,
    bgnbd_log_likelihood,
    expected_order_value,
    expected_purchases,
    expected_purchases_new,
    fit_bgnbd_arrays,
    fit_gamma_gamma_arrays,
    gamma_gamma_log_likelihood,
    prob_alive,
    purchases_if_alive,
)
from crm_core.schema import DataError

__all__ = ["CLV_COLUMNS", "DAYS_PER_MONTH", "FORMULA_INPUTS", "METHODS", "PARAMETER_LABELS", "SUMMARY_COLUMNS",
           "BgNbdParams", "ClvChoice", "ClvResult", "FitError", "GammaGammaParams", "backtest", "bgnbd_log_likelihood",
           "clv_summary", "discounted_clv", "expected_order_value", "expected_purchases", "expected_purchases_new",
           "fit_bgnbd", "fit_gamma_gamma", "formula_clv", "formula_inputs", "frequency_recency_grid",
           "gamma_gamma_log_likelihood", "prob_alive", "run_clv"]

SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value", "first_purchase")
CLV_COLUMNS = ("prob_alive", "expected_purchases", "expected_order_value", "clv", "method")
METHODS = ("auto", "model", "formula")
DAYS_PER_MONTH = 365.25 / 12

# What each input of the formula means, for the page and the CLI (the words a marketer reads next to each box).
FORMULA_INPUTS: dict[str, Localized] = {
    "avg_order_value": Localized(
        en="Average order value: what the customer spends per order (gross sales / orders). Leave empty to use each "
           "customer's own figure, or enter one amount for everyone.",
        zh="平均订单金额：客户每笔订单的平均消费（销售额 ÷ 订单数）。留空则使用每位客户自己的数值，"
           "也可以为所有客户输入同一金额。"),
    "purchases_per_year": Localized(
        en="Purchases per year: how many orders the customer places in a year, from the customer's own history "
           "(orders x 365 / days since the first order, at least 90 days). Leave empty to use each customer's own "
           "figure, or enter one number for everyone.",
        zh="每年购买次数：客户一年下单的次数，按其自身历史计算（订单数 × 365 ÷ 首单至今天数，至少按 90 天计）。"
           "留空则使用每位客户自己的数值，也可以为所有客户输入同一数值。"),
    "expected_years": Localized(
        en="Expected years: how many more years a customer typically keeps buying from you. A guess from "
           "experience; 1 / yearly churn rate is a common estimate (25% lost a year gives 4 years).",
        zh="预期年数：客户通常还会继续购买多少年。可凭经验估计；常用 1 ÷ 年流失率（每年流失 25% 约为 4 年）。"),
    "margin": Localized(
        en="Margin: the share of each sale that is profit after the cost of goods (0.30 = 30%). Lifetime value is "
           "profit, not sales.",
        zh="毛利率：每笔销售中扣除商品成本后的利润占比（0.30 即 30%）。终身价值指利润，而非销售额。"),
    "horizon_months": Localized(
        en="Horizon: how many months ahead the model's lifetime value counts purchases.",
        zh="预测期：模型计算终身价值时向前预测的月数。"),
    "discount_yearly": Localized(
        en="Discount rate per year: money received later is worth less today; 10% means 110 next year is worth "
           "100 now. Each month's profit is discounted at the matching monthly rate.",
        zh="年折现率：以后收到的钱在今天价值更低；10% 表示明年的 110 元相当于现在的 100 元。"
           "每月利润按对应的月折现率折现。"),
}

PARAMETER_LABELS: dict[str, Localized] = {
    "r": Localized(en="r: shape of how purchase rates vary between customers",
                   zh="r：客户购买频率差异的形状参数"),
    "alpha": Localized(en="alpha: scale of purchase rates (larger = fewer purchases per time unit)",
                       zh="alpha：购买频率的尺度参数（越大则单位时间购买越少）"),
    "a": Localized(en="a: drop-out chance after each purchase, first shape", zh="a：每次购买后流失概率的第一形状参数"),
    "b": Localized(en="b: drop-out chance after each purchase, second shape", zh="b：每次购买后流失概率的第二形状参数"),
    "p": Localized(en="p: shape of the value of one purchase", zh="p：单次购买金额的形状参数"),
    "q": Localized(en="q: shape of how average spend varies between customers", zh="q：客户平均消费差异的形状参数"),
    "v": Localized(en="gamma (v): scale of average spend", zh="gamma（v）：平均消费的尺度参数"),
}


def formula_inputs(lang: str = "en") -> dict[str, str]:
    """:data:`FORMULA_INPUTS` in one language: input name -> explanation in words."""
    return {name: words.text(lang) for name, words in FORMULA_INPUTS.items()}


# --------------------------------------------------------------------------------------------------- summary
def clv_summary(orders: pd.DataFrame, *, as_of: date, unit_days: float = 7.0) -> pd.DataFrame:
    """What BG/NBD and Gamma-Gamma need, per customer with a purchase before ``as_of``.

    A *purchase* is a calendar day with at least one purchase line (non-return) of the customer: several orders
    on one day are one purchase, as in Fader & Hardie's CDNOW summaries.  Returns are netted into their day's
    value; a return on a day without a purchase changes no purchase's value.  Only lines dated < ``as_of``.

    Returns
    -------
    DataFrame
        Index ``customer_id`` (str, sorted), columns :data:`SUMMARY_COLUMNS`:

        - frequency: repeat purchases x = purchase days - 1;
        - recency: t_x, first to last purchase day, in units of ``unit_days`` (0 with no repeat purchase);
        - T: first purchase day to the last observed day (``as_of`` - 1 day), in units, so a purchase on the last
          observed day has t_x = T (as BTYD counts: CDNOW's calibration "to 1997-09-30" is ``as_of`` 1997-10-01);
        - monetary_value: mean net value of the repeat purchase days (the first day excluded); 0 when none;
        - first_purchase: date of the first purchase.
    """
    if unit_days <= 0:
        raise DataError("clv_bad_choice", name="unit_days", value=unit_days, allowed="> 0")
    end = pd.Timestamp(as_of)
    lines = orders.loc[orders["order_date"] < end, ["customer_id", "order_date", "amount", "is_return"]]
    # On integer codes (customers sorted by id, days since the first day): string group-bys are several times slower
    codes, ids = pd.factorize(lines["customer_id"].astype(str), sort=True)
    day = lines["order_date"].to_numpy().astype("datetime64[D]").astype("int64")
    if len(day) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in SUMMARY_COLUMNS}).rename_axis("customer_id")
    first_day = int(day.min())
    span = int(day.max()) - first_day + 1
    keys, slot = np.unique(codes.astype("int64") * span + (day - first_day), return_inverse=True)
    value = np.bincount(slot, weights=lines["amount"].to_numpy(dtype="float64"), minlength=len(keys))
    bought = np.bincount(slot, weights=~lines["is_return"].to_numpy(dtype=bool), minlength=len(keys)) > 0
    keys, value = keys[bought], value[bought]  # purchase days only, sorted by customer then day
    if len(keys) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in SUMMARY_COLUMNS}).rename_axis("customer_id")
    customer, day = keys // span, keys % span + first_day
    present, start, count = np.unique(customer, return_index=True, return_counts=True)
    first = day[start]
    last = day[start + count - 1]
    place = np.searchsorted(present, customer)
    repeat_sum = np.bincount(place, weights=np.where(day > first[place], value, 0.0), minlength=len(present))
    frequency = count - 1
    last_observed = int(np.datetime64(end.date(), "D").astype("int64")) - 1
    out = pd.DataFrame({
        "frequency": frequency.astype("int64"),
        "recency": (last - first) / unit_days,
        "T": (last_observed - first) / unit_days,
        "monetary_value": np.where(frequency > 0, repeat_sum / np.maximum(frequency, 1), 0.0),
        "first_purchase": first.astype("datetime64[D]").astype(object),  # datetime.date values
    }, index=pd.Index(np.asarray(ids)[present]))
    out.index = out.index.astype(str)
    out.index.name = "customer_id"
    return out


# ------------------------------------------------------------------------------------------------------- fits
def fit_bgnbd(summary: pd.DataFrame) -> BgNbdParams:
    """BG/NBD by maximum likelihood on a summary's frequency, recency and T (every customer).

    Raises :class:`crm_core.predict._clv_math.FitError` (a ValueError) when no maximum is found.
    """
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    return fit_bgnbd_arrays(x, t_x, T)


def fit_gamma_gamma(summary: pd.DataFrame) -> GammaGammaParams:
    """Gamma-Gamma by maximum likelihood on the repeat customers (frequency > 0) with a positive monetary_value."""
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    return fit_gamma_gamma_arrays(repeat["frequency"].to_numpy(dtype="float64"),
                                  repeat["monetary_value"].to_numpy(dtype="float64"))


# ---------------------------------------------------------------------------------------------------- choice
@dataclass(frozen=True)
class ClvChoice:
    """How lifetime value is computed (hashable: it keys the app's caches).

    method: "auto" (the model, or the formula with fewer than ``min_repeat_customers`` repeat customers),
    "model" or "formula".  horizon_months: months the model's value covers.  discount_yearly: yearly discount
    rate (0.10 = 10%).  margin: profit share of sales.  expected_years: the formula's customer lifetime.
    unit_days: the model's time unit (7 = weeks).  avg_order_value / purchases_per_year: the formula's inputs for
    everyone (None = each customer's own figure).
    """

    method: str = "auto"
    horizon_months: int = 12
    discount_yearly: float = 0.10
    margin: float = 0.30
    expected_years: float = 3.0
    unit_days: float = 7.0
    min_repeat_customers: int = 100
    avg_order_value: float | None = None
    purchases_per_year: float | None = None

    def __post_init__(self) -> None:
        checks = (("method", self.method in METHODS, " | ".join(METHODS)),
                  ("horizon_months", self.horizon_months >= 1, ">= 1"),
                  ("discount_yearly", 0 <= self.discount_yearly < 10, "0 to 10"),
                  ("margin", 0 <= self.margin <= 1, "0 to 1"),
                  ("expected_years", self.expected_years >= 0, ">= 0"),
                  ("unit_days", self.unit_days > 0, "> 0"),
                  ("min_repeat_customers", self.min_repeat_customers >= 0, ">= 0"),
                  ("avg_order_value", self.avg_order_value is None or self.avg_order_value >= 0, ">= 0"),
                  ("purchases_per_year", self.purchases_per_year is None or self.purchases_per_year >= 0, ">= 0"))
        for name, ok, allowed in checks:
            if not ok:
                raise DataError("clv_bad_choice", name=name, value=getattr(self, name), allowed=allowed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ClvChoice:
        """Back from :meth:`to_dict`; unknown keys are ignored, missing ones take the defaults."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in known}
        for name in ("horizon_months", "min_repeat_customers"):
            if name in values:
                values[name] = int(values[name])
        for name in ("discount_yearly", "margin", "expected_years", "unit_days"):
            if name in values:
                values[name] = float(values[name])
        for name in ("avg_order_value", "purchases_per_year"):
            if values.get(name) is not None:
                values[name] = float(values[name])
        return cls(**values)


# ---------------------------------------------------------------------------------------------------- formula
def formula_clv(table: pd.DataFrame, choice: ClvChoice = ClvChoice()) -> pd.DataFrame:
    """avg_order_value x purchases_per_year x expected_years x margin, per customer of a customer table.

    ``table`` is :func:`crm_core.customers.customer_table`'s output (customer_id a column or the index).  The
    choice's avg_order_value / purchases_per_year, when given, replace every customer's own figure.

    Returns
    -------
    DataFrame
        Index customer_id: avg_order_value, purchases_per_year, expected_years, margin, clv (money).
    """
    frame = table.set_index("customer_id") if "customer_id" in table.columns else table
    n = len(frame)
    aov = np.full(n, choice.avg_order_value, dtype="float64") if choice.avg_order_value is not None \
        else frame["avg_order_value"].to_numpy(dtype="float64")
    per_year = np.full(n, choice.purchases_per_year, dtype="float64") if choice.purchases_per_year is not None \
        else frame["orders_per_year"].to_numpy(dtype="float64")
    out = pd.DataFrame({"avg_order_value": aov, "purchases_per_year": per_year,
                        "expected_years": float(choice.expected_years), "margin": float(choice.margin)},
                       index=pd.Index(frame.index.astype(str), name="customer_id"))
    return out.assign(clv=aov * per_year * choice.expected_years * choice.margin)


# ---------------------------------------------------------------------------------------------------- model
def discounted_clv(bgnbd: BgNbdParams, value, summary: pd.DataFrame, *, horizon_months: int, discount_yearly: float,
                   margin: float, unit_days: float = 7.0) -> np.ndarray:
    """Sum over months k = 1..horizon of margin x value x (expected purchases in month k) / (1 + d)^k.

    d = (1 + discount_yearly)^(1/12) - 1 is the monthly rate; month k's purchases are the difference of the
    conditional expectations at k and k-1 months (a month = 365.25/12 days).  ``value`` is the expected order value.
    """
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    monthly = (1.0 + discount_yearly) ** (1.0 / 12.0) - 1.0
    # E[purchases by t] = purchases_if_alive(t; x, T) x P(alive): the first factor once per distinct (x, T)
    keys, rows = np.unique(np.column_stack([x, T]), axis=0, return_inverse=True)
    total = np.zeros(len(keys))
    before = np.zeros(len(keys))
    for k in range(1, horizon_months + 1):
        now = purchases_if_alive(bgnbd, k * DAYS_PER_MONTH / unit_days, keys[:, 0], keys[:, 1])
        total += (now - before) / (1.0 + monthly) ** k
        before = now
    return margin * np.asarray(value, dtype="float64") * total[rows.ravel()] * prob_alive(bgnbd, x, t_x, T)


@dataclass(frozen=True, eq=False)
class ClvResult:
    """Lifetime value per customer.

    table: index customer_id, columns :data:`CLV_COLUMNS` (prob_alive is NaN with the formula; expected_purchases
    covers the horizon with the model and expected_years with the formula).  method: "model" or "formula".
    bgnbd / gamma_gamma: the fitted parameters or None.  note: message code saying why the formula was used
    ("clv_too_few_repeat", "clv_fit_failed") or None; it takes ``repeat`` and ``minimum``.  summary: the
    :func:`clv_summary` the model read.
    """

    table: pd.DataFrame
    method: str
    bgnbd: BgNbdParams | None
    gamma_gamma: GammaGammaParams | None
    note: str | None
    repeat_customers: int
    summary: pd.DataFrame | None = None


def _formula_result(orders, as_of, choice, summary, repeat, note) -> ClvResult:
    table = customer_table(orders, as_of=as_of)
    formula = formula_clv(table, choice)
    out = pd.DataFrame({"prob_alive": np.nan,
                        "expected_purchases": formula["purchases_per_year"] * choice.expected_years,
                        "expected_order_value": formula["avg_order_value"], "clv": formula["clv"],
                        "method": "formula"}, index=formula.index)
    return ClvResult(table=out, method="formula", bgnbd=None, gamma_gamma=None, note=note, repeat_customers=repeat,
                     summary=summary)


def run_clv(orders: pd.DataFrame, *, as_of: date, choice: ClvChoice = ClvChoice()) -> ClvResult:
    """Lifetime value of every customer with a purchase before ``as_of``, by the model or the formula.

    "auto" uses the formula with fewer than ``choice.min_repeat_customers`` repeat customers (note
    "clv_too_few_repeat"); the model falls back to the formula when a fit fails (note "clv_fit_failed").
    DataError "clv_no_customers" when nobody bought before ``as_of``.
    """
    summary = clv_summary(orders, as_of=as_of, unit_days=choice.unit_days)
    if summary.empty:
        bought = orders.loc[~orders["is_return"].astype(bool), "order_date"]
        first = bought.min().date().isoformat() if len(bought) else "-"
        raise DataError("clv_no_customers", as_of=as_of.isoformat(), first=first)
    repeat = int(((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).sum())
    if choice.method == "formula":
        return _formula_result(orders, as_of, choice, summary, repeat, None)
    if choice.method == "auto" and repeat < choice.min_repeat_customers:
        return _formula_result(orders, as_of, choice, summary, repeat, "clv_too_few_repeat")
    try:
        with np.errstate(all="ignore"):
            bgnbd = fit_bgnbd(summary)
            spend = fit_gamma_gamma(summary)
        if spend.q <= 1:
            raise FitError("q <= 1: the mean spend has no finite population mean")
    except FitError:
        return _formula_result(orders, as_of, choice, summary, repeat, "clv_fit_failed")
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    horizon = choice.horizon_months * DAYS_PER_MONTH / choice.unit_days
    value = expected_order_value(spend, x, summary["monetary_value"].to_numpy(dtype="float64"))
    table = pd.DataFrame({
        "prob_alive": prob_alive(bgnbd, x, t_x, T),
        "expected_purchases": expected_purchases(bgnbd, horizon, x, t_x, T),
        "expected_order_value": value,
        "clv": discounted_clv(bgnbd, value, summary, horizon_months=choice.horizon_months,
                              discount_yearly=choice.discount_yearly, margin=choice.margin, unit_days=choice.unit_days),
        "method": "model",
    }, index=summary.index)
    return ClvResult(table=table, method="model", bgnbd=bgnbd, gamma_gamma=spend, note=None, repeat_customers=repeat,
                     summary=summary)


# --------------------------------------------------------------------------------------------------- checks
def backtest(orders: pd.DataFrame, *, calibration_end: date, holdout_end: date, unit_days: float = 7.0,
             max_group: int = 7) -> pd.DataFrame:
    """Fit BG/NBD on the orders before ``calibration_end``; compare predicted with actual purchases up to
    ``holdout_end`` (exclusive), per group of repeat purchases in the calibration period.

    Actual purchases count purchase days in [calibration_end, holdout_end) of the calibration customers.
    DataError "clv_backtest_dates" (dates outside the orders or in the wrong order) and "clv_backtest_fit_failed"
    (no maximum-likelihood fit on the calibration period, e.g. nobody bought twice before it).

    Returns
    -------
    DataFrame
        One row per group 0..max_group (the last holds max_group and more): group (str, "7+" for the last),
        frequency (int), customers, predicted (mean expected purchases in the hold-out), actual (mean purchases).
    """
    dates = orders["order_date"]
    first, last = dates.min().date(), dates.max().date()
    if not (first < calibration_end < holdout_end):
        raise DataError("clv_backtest_dates", calibration_end=calibration_end, holdout_end=holdout_end,
                        first=first, last=last)
    summary = clv_summary(orders, as_of=calibration_end, unit_days=unit_days)
    repeat = int((summary["frequency"] > 0).sum())
    try:
        if repeat == 0:
            raise FitError("no repeat purchase before the calibration end")
        with np.errstate(all="ignore"):
            params = fit_bgnbd(summary)
    except FitError:
        raise DataError("clv_backtest_fit_failed", calibration_end=calibration_end, repeat=repeat,
                        customers=len(summary)) from None
    length = (holdout_end - calibration_end).days / unit_days
    # T ends on the last observed day; purchases on the hold-out's days fall at T + 1 day ... T + length.
    predicted = expected_purchases(params, length, summary["frequency"], summary["recency"], summary["T"])
    window = orders[(dates >= pd.Timestamp(calibration_end)) & (dates < pd.Timestamp(holdout_end))
                    & ~orders["is_return"].astype(bool)]
    days = pd.DataFrame({"customer_id": window["customer_id"].astype(str), "day": window["order_date"].dt.normalize()})
    actual_days = days.drop_duplicates().groupby("customer_id").size()
    actual = actual_days.reindex(summary.index, fill_value=0).to_numpy(dtype="float64")
    group = np.minimum(summary["frequency"].to_numpy(), max_group)
    frame = pd.DataFrame({"frequency": group, "predicted": predicted, "actual": actual})
    out = frame.groupby("frequency").agg(customers=("predicted", "size"), predicted=("predicted", "mean"),
                                         actual=("actual", "mean"))
    out = out.reindex(range(max_group + 1)).reset_index()
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out.insert(0, "group", [f"{g}+" if g == max_group else str(g) for g in out["frequency"]])
    return out


def frequency_recency_grid(params: BgNbdParams, *, max_frequency: int, max_T: float, what: str = "purchases",
                           t: float = 1.0, steps: int = 40) -> pd.DataFrame:
    """The model's answer over a grid of (repeat purchases, recency) for a customer observed ``max_T`` units.

    what="purchases": expected purchases in the next ``t`` units; "alive": probability alive.

    Returns
    -------
    DataFrame
        Long form: frequency (0..max_frequency), recency (``steps`` + 1 values from 0 to max_T, in units), value.
        Frequency 0 has recency 0 only (no repeat purchase, no recency).
    """
    if what not in ("purchases", "alive"):
        raise DataError("clv_bad_choice", name="what", value=what, allowed="purchases | alive")
    recency = np.linspace(0.0, float(max_T), steps + 1)
    freq, rec = np.meshgrid(np.arange(max_frequency + 1), recency, indexing="ij")
    freq, rec = freq.ravel().astype("float64"), rec.ravel()
    keep = (freq > 0) | (rec == 0)
    freq, rec = freq[keep], rec[keep]
    with np.errstate(all="ignore"):
        value = prob_alive(params, freq, rec, max_T) if what == "alive" \
            else expected_purchases(params, t, freq, rec, max_T)
    return pd.DataFrame({"frequency": freq.astype("int64"), "recency": rec, "value": value})
