"""Sales forecasts: weekly or monthly revenue and orders, overall and per segment or channel, by
Holt-Winters exponential smoothing and SARIMA (statsmodels) with prediction intervals, backtested against a
seasonal-naive baseline.

How a forecast is made (:func:`forecast`):

1. The season is 52 weeks or 12 months when the history before the last ``horizon`` periods holds two full
   seasons; otherwise none (a note says so) and the models have a trend only, the baseline is naive.
2. Seasonality is multiplicative when every period is positive and the seasonal swing follows the level
   (:func:`crm_core.measure._forecast_models.multiplicative`), additive otherwise (e.g. net returns made a
   period negative); Holt-Winters takes that form, SARIMA models the logarithm when multiplicative.
3. Backtest: the last ``horizon`` periods are held out, each model and the baseline are fitted on the rest and
   scored on them (MAPE, sMAPE, MAE); the best model has the lowest sMAPE.
4. Every model is refitted on the whole history for the forecast, with its interval at ``confidence``.

statsmodels is imported inside the model functions: importing this module stays cheap.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crm_core.measure._choice import choice_from_dict, choice_to_dict
from crm_core.measure._forecast_series import (
    FREQS,
    MEASURES,
    UNITS,
    check_freq,
    check_measure,
    excluded_rows,
    looks_like_sales,
    period_start,
    propose_sales_columns,
    series_from_orders,
    series_from_table,
    series_notes,
)
from crm_core.messages import Localized
from crm_core.schema import DataError, Note

__all__ = ["BASELINE", "BY", "FREQS", "MEASURES", "MIN_FIT", "MODELS", "MODEL_LABELS", "SEASON", "Forecast",
           "ForecastChoice", "GroupForecasts", "excluded_rows", "forecast", "forecast_groups", "looks_like_sales",
           "period_start", "propose_sales_columns", "seasonal_naive", "series_from_orders", "series_from_table",
           "series_notes"]

SEASON = {"W": 52, "M": 12}
MODELS = ("holt_winters", "sarima")
BASELINE = "seasonal_naive"
BY = ("", "segment", "channel")
MIN_FIT = 8  # periods a model is fitted on in the backtest, at least
MODEL_LABELS: dict[str, Localized] = {
    "holt_winters": Localized(en="Holt-Winters", zh="Holt-Winters 指数平滑"),
    "sarima": Localized(en="SARIMA", zh="SARIMA"),
    "seasonal_naive": Localized(en="Seasonal naive", zh="季节性朴素"),
}
NAIVE_LABEL = Localized(en="Naive", zh="朴素")
_ADDITIVE_WHY = {
    "not_positive": Localized(en="some periods are zero or negative (e.g. returns netted), so a multiplicative "
                                 "season cannot be fitted", zh="部分期间为零或负数（如退货冲减），无法使用乘法季节性"),
    "steady_swing": Localized(en="the seasonal swing stays about the same size as sales grow or shrink",
                              zh="季节波动的幅度不随销售水平变化"),
}


@dataclass(frozen=True)
class ForecastChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    freq: str = "W"  # "W" (weeks starting Monday) or "M" (calendar months)
    measure: str = "revenue"  # "revenue" or "orders"
    horizon: int = 12  # periods ahead
    by: str = ""  # "" (overall), "segment" or "channel"
    confidence: float = 0.95  # of the prediction interval
    models: tuple[str, ...] = ("holt_winters", "sarima")

    def __post_init__(self) -> None:
        check_freq(self.freq)
        check_measure(self.measure)
        if isinstance(self.horizon, bool) or not isinstance(self.horizon, int) or not 1 <= self.horizon <= 104:
            raise DataError("fc_bad_option", option="horizon", value=str(self.horizon), allowed="1..104")
        if self.by not in BY:
            raise DataError("fc_bad_option", option="by", value=str(self.by), allowed="segment, channel")
        if isinstance(self.confidence, bool) or not isinstance(self.confidence, int | float) \
                or not 0.5 <= self.confidence <= 0.995:
            raise DataError("fc_bad_option", option="confidence", value=str(self.confidence), allowed="0.5..0.995")
        models = tuple(self.models)
        if not models or len(set(models)) != len(models) or not set(models) <= set(MODELS):
            raise DataError("fc_bad_option", option="models", value=", ".join(map(str, models)) or "—",
                            allowed="holt_winters, sarima")
        object.__setattr__(self, "models", models)

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ForecastChoice:
        return choice_from_dict(cls, data)


@dataclass(frozen=True, eq=False)
class Forecast:
    """A forecast of one series.

    history : Series, the periods the models were fitted on (index: period start).
    table : DataFrame, period, model, forecast, low, high — each model of the choice and the baseline.
    backtest : DataFrame, model, mape, smape, mae (fractions for mape/smape), periods (held out) — the models
        then the baseline.
    best : the model with the lowest backtest sMAPE (the baseline only when no model could be fitted).
    season : 52, 12 or None (under two seasons before the held-out periods: no seasonal term).
    notes : message codes of :mod:`crm_core.measure._messages_forecast`; ``details`` holds them with their
        parameters (:meth:`note_texts`).
    backtest_forecasts : DataFrame, period, model, actual, forecast over the held-out periods.
    totals : DataFrame, model, total, low, high: the sum over the horizon with its interval.
    """

    history: pd.Series
    table: pd.DataFrame
    backtest: pd.DataFrame
    best: str
    season: int | None
    notes: tuple[str, ...] = ()
    freq: str = "W"
    measure: str = "revenue"
    horizon: int = 12
    confidence: float = 0.95
    seasonality: str = "none"  # "multiplicative", "additive" or "none"
    details: tuple[Note, ...] = ()
    backtest_forecasts: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)

    def model_label(self, model: str, lang: str = "en") -> str:
        """The model's name; the baseline is "Naive" when there is no season."""
        label = NAIVE_LABEL if model == BASELINE and self.season is None else MODEL_LABELS[model]
        return label.text(lang)

    def note_texts(self, lang: str = "en") -> list[str]:
        return [note.text(lang) for note in self.details]

    def summary(self, lang: str = "en", *, currency: str = "") -> str:
        """One or two sentences: the best model's total over the horizon with its interval, and its backtest
        error against the baseline's, e.g. "Holt-Winters forecasts ¥1.23M over the next 12 weeks (95% interval
        ¥1.10M–¥1.36M); on the last 12 weeks it erred 8.1% (sMAPE) vs 14.3% for the seasonal-naive baseline."
        """
        from crm_core.measure._forecast_text import summary_text

        return summary_text(self, lang, currency=currency)


class GroupForecasts(dict):
    """:func:`forecast_groups`' answer: group -> Forecast, and ``skipped``: group -> the DataError that kept it out
    (too short a history, no sales)."""

    def __init__(self, *args, skipped: Mapping[str, DataError] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skipped: dict[str, DataError] = dict(skipped or {})


def _regular(series: pd.Series, freq: str) -> pd.Series:
    """The series on a regular index of period starts (missing periods 0), as float."""
    starts = period_start(pd.Series(pd.DatetimeIndex(series.index)), freq)
    values = pd.Series(series.to_numpy(dtype=float), index=pd.DatetimeIndex(starts)).groupby(level=0).sum()
    index = pd.date_range(values.index.min(), values.index.max(), freq=FREQS[freq], name="period")
    return values.reindex(index, fill_value=0.0).rename(series.name)


def seasonal_naive(series: pd.Series, horizon: int, season: int | None) -> pd.Series:
    """Each of the next ``horizon`` periods repeats the period one season (``season`` periods) earlier; with
    ``season`` None, the last value.  Index: the future period starts (the series' frequency)."""
    from crm_core.measure._forecast_models import seasonal_naive_fit

    if season is not None and len(series) < season:
        raise DataError("fc_too_short", periods=len(series), unit=UNITS["M" if season == 12 else "W"],
                        horizon=horizon, needed=season, max_horizon=0)
    return seasonal_naive_fit(series, horizon, season, 0.95).forecast.rename(BASELINE)


def _fit(model: str, history: pd.Series, horizon: int, season: int | None, confidence: float, *, mul: bool,
         totals: bool = True):
    """One model's :class:`~crm_core.measure._forecast_models.Fit`.  statsmodels' warnings never reach stderr:
    convergence problems were already turned into notes by the model functions, the rest is noise to a marketer."""
    from crm_core.measure import _forecast_models as fm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if model == "holt_winters":
            return fm.holt_winters(history, horizon, season, confidence, mul=mul)
        if model == "sarima":
            return fm.sarima(history, horizon, season, confidence, log=mul, totals=totals)
        return fm.seasonal_naive_fit(history, horizon, season, confidence)


def forecast(series: pd.Series, choice: ForecastChoice = ForecastChoice()) -> Forecast:
    """Forecast ``series`` (one column of :func:`series_from_orders` / :func:`series_from_table`) ``choice.horizon``
    periods ahead with each of ``choice.models`` and the seasonal-naive baseline, after a backtest on the last
    ``choice.horizon`` periods (see the module docstring).

    DataError ``fc_too_short`` when the history has fewer than ``horizon + MIN_FIT`` periods (``fc_too_short_any``
    when not even a 1-period horizon fits).
    """
    from crm_core.measure import _forecast_models as fm

    freq, horizon, confidence = choice.freq, choice.horizon, float(choice.confidence)
    if len(series) == 0:
        raise DataError("fc_no_history", where="")
    history = _regular(series.dropna(), freq)
    n, unit = len(history), UNITS[freq]
    if n <= MIN_FIT:
        raise DataError("fc_too_short_any", periods=n, unit=unit, needed=MIN_FIT + 1)
    if n < horizon + MIN_FIT:
        raise DataError("fc_too_short", periods=n, unit=unit, horizon=horizon, needed=horizon + MIN_FIT,
                        max_horizon=n - MIN_FIT)
    details: list[Note] = []
    season: int | None = SEASON[freq]
    if n - horizon < 2 * season:
        details.append(Note.of("fc_no_season", needed=2 * season, unit=unit, horizon=horizon))
        season = None
    mul, why = fm.multiplicative(history, season)
    if season is not None:
        details.append(Note.of("fc_multiplicative", model=MODEL_LABELS["sarima"]) if mul
                       else Note.of("fc_additive", why=_ADDITIVE_WHY[why]))
    train, actual = history.iloc[:-horizon], history.iloc[-horizon:]
    scores, predictions, fitted, failed = [], [], {}, set()
    for model in (*choice.models, BASELINE):
        try:
            made = _fit(model, train, horizon, season, confidence, mul=mul, totals=False)
        except (ValueError, np.linalg.LinAlgError, IndexError) as exc:
            details.append(Note.of("fc_model_failed", level="warning", model=MODEL_LABELS[model],
                                   detail=str(exc)[:120] or type(exc).__name__))
            failed.add(model)
            continue
        fitted[model] = made
        predictions.append(pd.DataFrame({"period": actual.index, "model": model, "actual": actual.to_numpy(),
                                         "forecast": made.forecast.to_numpy()}))
        scores.append({"model": model, "mape": fm.mape(actual, made.forecast), "smape": fm.smape(actual, made.forecast),
                       "mae": fm.mae(actual, made.forecast), "periods": horizon})
    rows, totals = [], []
    for model in (*choice.models, BASELINE):
        if model in failed:
            continue
        try:
            made = _fit(model, history, horizon, season, confidence, mul=mul)
        except (ValueError, np.linalg.LinAlgError, IndexError) as exc:
            details.append(Note.of("fc_model_failed", level="warning", model=MODEL_LABELS[model],
                                   detail=str(exc)[:120] or type(exc).__name__))
            failed.add(model)
            continue
        for code, params in {*((c, tuple(p.items())) for c, p in (*fitted[model].notes, *made.notes))}:
            details.append(Note.of(code, level="warning", **{**dict(params), "model": MODEL_LABELS[model]}))
        rows.append(pd.DataFrame({"period": made.forecast.index, "model": model, "forecast": made.forecast.to_numpy(),
                                  "low": made.low.to_numpy(), "high": made.high.to_numpy()}))
        totals.append({"model": model, "total": made.total, "low": made.total_low, "high": made.total_high})
    backtest = pd.DataFrame(scores, columns=["model", "mape", "smape", "mae", "periods"])
    backtest = backtest.loc[~backtest["model"].isin(failed)].reset_index(drop=True)
    candidates = backtest.loc[backtest["model"] != BASELINE]
    best = str(candidates.sort_values("smape", kind="stable")["model"].iloc[0]) if len(candidates) else BASELINE
    kept = [p for p in predictions if p["model"].iloc[0] not in failed]
    return Forecast(history=history, table=pd.concat(rows, ignore_index=True), backtest=backtest, best=best,
                    season=season, notes=tuple(n.code for n in details), freq=freq, measure=choice.measure,
                    horizon=horizon, confidence=confidence,
                    seasonality="none" if season is None else ("multiplicative" if mul else "additive"),
                    details=tuple(details), backtest_forecasts=pd.concat(kept, ignore_index=True),
                    totals=pd.DataFrame(totals, columns=["model", "total", "low", "high"]))


def forecast_groups(frame: pd.DataFrame, choice: ForecastChoice = ForecastChoice()) -> GroupForecasts:
    """:func:`forecast` of every column of ``frame`` (one series per group), in the frame's order.  A group
    whose forecast cannot be made (too short, no sales at all) is left out, its DataError kept in ``skipped``."""
    done, skipped = {}, {}
    for column in frame.columns:
        series = frame[column]
        try:
            if not series.abs().sum():
                raise DataError("fc_no_history", where=Localized(en=f" for {column}", zh=f"（{column}）"))
            done[str(column)] = forecast(series, choice)
        except DataError as exc:
            skipped[str(column)] = exc
    return GroupForecasts(done, skipped=skipped)
