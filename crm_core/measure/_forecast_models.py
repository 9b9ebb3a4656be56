"""The models behind :func:`crm_core.measure.forecast.forecast`: Holt-Winters and SARIMA (statsmodels, imported
inside the functions), the seasonal-naive baseline with its interval, and the error measures of the backtest.

Every model returns a :class:`Fit`: point forecasts and the two-sided interval at ``confidence`` for the next
``horizon`` periods, the total over the horizon with its interval (from simulated paths where the model allows),
and the message codes of what happened while fitting (convergence), never printed.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

SIMULATIONS = 500  # simulated paths for Holt-Winters intervals and the interval of each model's total
SEED = 0


@dataclass(frozen=True, eq=False)
class Fit:
    """One model's forecast: ``forecast``, ``low``, ``high`` (Series on the future periods), ``total`` over the
    horizon with ``total_low``/``total_high``, and notes (message code, params) raised while fitting."""

    forecast: pd.Series
    low: pd.Series
    high: pd.Series
    total: float
    total_low: float
    total_high: float
    notes: tuple[tuple[str, dict], ...] = field(default=())


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def future_index(history: pd.Series, horizon: int) -> pd.DatetimeIndex:
    """The ``horizon`` period starts after the last one of ``history`` (weekly Mondays or month starts)."""
    index = pd.DatetimeIndex(history.index)
    step = pd.offsets.MonthBegin(1) if index.freqstr in ("MS",) else pd.offsets.Week(weekday=0)
    return pd.date_range(index[-1] + step, periods=horizon, freq=step)


def mape(actual, predicted) -> float:
    """Mean absolute percentage error, a fraction: mean of |actual - predicted| / |actual| over the periods whose
    actual is not 0 (NaN when all are 0)."""
    a, p = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    keep = a != 0
    return float(np.mean(np.abs(a[keep] - p[keep]) / np.abs(a[keep]))) if keep.any() else math.nan


def smape(actual, predicted) -> float:
    """Symmetric MAPE, a fraction between 0 and 2: mean of 2 |actual - predicted| / (|actual| + |predicted|)
    (a period where both are 0 counts as no error)."""
    a, p = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    den = np.abs(a) + np.abs(p)
    terms = np.where(den == 0, 0.0, 2 * np.abs(a - p) / np.where(den == 0, 1.0, den))
    return float(np.mean(terms))


def mae(actual, predicted) -> float:
    """Mean absolute error, in the unit of the series."""
    return float(np.mean(np.abs(np.asarray(actual, dtype=float) - np.asarray(predicted, dtype=float))))


def seasonal_naive_fit(history: pd.Series, horizon: int, season: int | None, confidence: float) -> Fit:
    """Each future period repeats the same period one season earlier (the last value when ``season`` is None).

    Interval (Hyndman & Athanasopoulos, FPP3 5.5): sigma is the root mean square of the in-sample errors
    ``y[t] - y[t - m]``; the h-step interval is forecast +- z sigma sqrt(k + 1) with k = floor((h - 1) / m)
    (m = 1 for the naive method, so sqrt(h)).  The total's interval adds the variances (errors of different
    seasonal lags taken as independent).
    """
    values = history.to_numpy(dtype=float)
    m = season or 1
    last = values[-m:]
    steps = np.arange(horizon)
    point = last[steps % m]
    errors = values[m:] - values[:-m]
    sigma = float(np.sqrt(np.mean(errors ** 2))) if len(errors) else 0.0
    spread = sigma * np.sqrt(steps // m + 1)
    z = _z(confidence)
    index = future_index(history, horizon)
    total_sd = float(np.sqrt(np.sum(spread ** 2)))
    return Fit(forecast=pd.Series(point, index=index), low=pd.Series(point - z * spread, index=index),
               high=pd.Series(point + z * spread, index=index), total=float(point.sum()),
               total_low=float(point.sum() - z * total_sd), total_high=float(point.sum() + z * total_sd))


def multiplicative(history: pd.Series, season: int | None) -> tuple[bool, str]:
    """Whether the seasonality is multiplicative, and why (a key: "positive_growing", "not_positive",
    "steady_swing", "no_season").

    Multiplicative when every period is positive and, over the full seasonal cycles, the swing (standard
    deviation within a cycle) follows the level: the swing relative to the cycle's mean varies less between
    cycles than the swing itself.  A single cycle cannot show that, so it counts as following when every value
    is positive (sales swings are proportional far more often than not).
    """
    values = history.to_numpy(dtype=float)
    if season is None:
        return False, "no_season"
    if (values <= 0).any():
        return False, "not_positive"
    cycles = len(values) // season
    tail = values[len(values) - cycles * season:].reshape(cycles, season)
    means, swings = tail.mean(axis=1), tail.std(axis=1)
    if cycles < 2 or swings.mean() == 0:
        return True, "positive_growing"
    relative = swings / means
    spread_relative = relative.std() / relative.mean()
    spread_absolute = swings.std() / swings.mean()
    return (True, "positive_growing") if spread_relative <= spread_absolute else (False, "steady_swing")


def _quiet(fit):
    """Run ``fit()`` with statsmodels' warnings caught: convergence problems become a note, the rest is dropped."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    # One BLAS thread: the matrices are tiny, and threads fighting over busy cores made fits 10x slower.
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(1), np.errstate(all="ignore"):
        warnings.simplefilter("always")
        result = fit()
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return result, converged


def _totals(paths: np.ndarray, confidence: float) -> tuple[float, float, float]:
    sums = paths.sum(axis=0)
    tail = (1 - confidence) / 2
    return float(np.median(sums)), float(np.quantile(sums, tail)), float(np.quantile(sums, 1 - tail))


def holt_winters(history: pd.Series, horizon: int, season: int | None, confidence: float, *,
                 mul: bool) -> Fit:
    """Holt-Winters exponential smoothing (statsmodels ``ExponentialSmoothing``): additive damped trend (a damped
    trend keeps a 52-week or 12-month horizon from running away), seasonality multiplicative or additive
    (:func:`multiplicative`), none when ``season`` is None (Holt's linear method).  Parameters by maximum
    likelihood (``initialization_method="estimated"``).  The interval: quantiles of 500 simulated future paths
    (``simulate``, errors resampled from the fit's residuals' spread, multiplicative errors with a multiplicative
    season), seeded.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    model = ExponentialSmoothing(history.to_numpy(dtype=float), trend="add", damped_trend=True,
                                 seasonal=("mul" if mul else "add") if season else None,
                                 seasonal_periods=season, initialization_method="estimated")
    result, converged = _quiet(lambda: model.fit(optimized=True))
    point = np.asarray(result.forecast(horizon), dtype=float)
    paths, _ = _quiet(lambda: np.asarray(result.simulate(horizon, anchor="end", repetitions=SIMULATIONS,
                                                         error="mul" if mul else "add",
                                                         rng=np.random.default_rng(SEED)),
                                                         dtype=float).reshape(horizon, -1))
    tail = (1 - confidence) / 2
    index = future_index(history, horizon)
    low = np.nanquantile(paths, tail, axis=1)
    high = np.nanquantile(paths, 1 - tail, axis=1)
    _, total_low, total_high = _totals(paths, confidence)
    notes = () if converged else (("fc_not_converged", {"model": "holt_winters"}),)
    return Fit(forecast=pd.Series(point, index=index), low=pd.Series(np.minimum(low, point), index=index),
               high=pd.Series(np.maximum(high, point), index=index), total=float(point.sum()),
               total_low=min(total_low, float(point.sum())), total_high=max(total_high, float(point.sum())),
               notes=notes)


def sarima(history: pd.Series, horizon: int, season: int | None, confidence: float, *, log: bool,
           totals: bool = True) -> Fit:
    """SARIMA by statsmodels ``SARIMAX``, on the logarithm of the series when the seasonality is multiplicative.

    - Monthly (season 12): the "airline" model SARIMA(0,1,1)(0,1,1)12 (Box & Jenkins).
    - Weekly (season 52): SARIMA(0,1,1)(0,1,0)52, the airline model without its seasonal MA term: seasonal
      differencing carries the season (each week is compared with the same week a year earlier) and one MA term
      the rest.  A seasonal AR or MA at lag 52 makes the state vector 53+ long and the fit slow (tens of seconds);
      this form fits in a fraction of a second and forecast the sample's weekly sales as well as Holt-Winters.
    - No season (under two seasons of history): ARIMA(1,1,1).
    Intervals: statsmodels' prediction intervals (``get_forecast(...).conf_int``), exponentiated back when on
    the log scale (then the point forecast is the median).  The total's interval: 500 simulated paths, seeded
    (``totals=False`` skips them: the backtest needs none).
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    values = history.to_numpy(dtype=float)
    y = np.log(values) if log else values
    spec: dict = {"order": (1, 1, 1)}
    if season == 12:
        spec = {"order": (0, 1, 1), "seasonal_order": (0, 1, 1, 12)}
    elif season:
        spec = {"order": (0, 1, 1), "seasonal_order": (0, 1, 0, season)}
    model = SARIMAX(y, trend="n", concentrate_scale=True, **spec)
    result, converged = _quiet(lambda: model.fit(disp=False, maxiter=200))
    predicted = result.get_forecast(horizon)
    mean = np.asarray(predicted.predicted_mean, dtype=float)
    bounds = np.asarray(predicted.conf_int(alpha=1 - confidence), dtype=float)
    if log:
        mean, bounds = np.exp(mean), np.exp(bounds)
    total = float(mean.sum())
    total_low = total_high = math.nan
    if totals:
        paths, _ = _quiet(lambda: np.asarray(result.simulate(horizon, anchor="end", repetitions=SIMULATIONS,
                                                             rng=np.random.default_rng(SEED)),
                                             dtype=float).reshape(horizon, -1))
        _, total_low, total_high = _totals(np.exp(paths) if log else paths, confidence)
        total_low, total_high = min(total_low, total), max(total_high, total)
    index = future_index(history, horizon)
    notes = () if converged else (("fc_not_converged", {"model": "sarima"}),)
    return Fit(forecast=pd.Series(mean, index=index), low=pd.Series(bounds[:, 0], index=index),
               high=pd.Series(bounds[:, 1], index=index), total=total, total_low=total_low, total_high=total_high,
               notes=notes)
