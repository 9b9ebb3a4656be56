"""Altair chart of the Forecast page: history, each model's forecast and its interval band, labelled in the session's
language (fonts of :mod:`ui.charts`).  Reads a :class:`crm_core.measure.forecast.Forecast`; computes nothing."""

from __future__ import annotations

import altair as alt
import pandas as pd

from crm_core.measure.forecast import Forecast
from ui.charts import _styled
from ui.i18n import lang, t

__all__ = ["chart_frames", "forecast_chart"]

HEIGHT = 340
HISTORY_COLOR = "#6e7781"
MODEL_COLORS = {"holt_winters": "#1f6feb", "sarima": "#bf3989", "seasonal_naive": "#d4a72c"}


def chart_frames(made: Forecast, language: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lines, bands): lines has period, series (localized: history or the model), value; bands has period,
    series, low, high for each model.  The history's last period joins each forecast line, so they connect."""
    language = language or lang()
    history = made.history
    label = {m: made.model_label(m, language) for m in made.table["model"].unique()}
    lines = [pd.DataFrame({"period": history.index, "series": t("fc_history"), "value": history.to_numpy()})]
    for model, rows in made.table.groupby("model", sort=False):
        joint = pd.DataFrame({"period": [history.index[-1]], "series": [label[model]], "value": [history.iloc[-1]]})
        lines.append(pd.concat([joint, pd.DataFrame({"period": rows["period"], "series": label[model],
                                                     "value": rows["forecast"]})], ignore_index=True))
    bands = made.table.assign(series=made.table["model"].map(label)).loc[:, ["period", "series", "low", "high"]]
    return pd.concat(lines, ignore_index=True), bands


def forecast_chart(made: Forecast, *, currency: str = "") -> alt.Chart:
    """History (grey) and every model's forecast (a line each) with its interval (a shaded band each)."""
    language = lang()
    lines, bands = chart_frames(made, language)
    order = [t("fc_history")] + [made.model_label(m, language) for m in made.table["model"].unique()]
    colors = [HISTORY_COLOR] + [MODEL_COLORS.get(m, "#57606a") for m in made.table["model"].unique()]
    color = alt.Color("series:N", title=t("fc_legend"), scale=alt.Scale(domain=order, range=colors), sort=order,
                      legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3))
    value_title = t("fc_axis_revenue") if made.measure == "revenue" else t("fc_axis_orders")
    if currency and made.measure == "revenue":
        value_title = f"{value_title} ({currency})"
    number = ",.0f"
    x = alt.X("period:T", title=t("fc_axis_period"), axis=alt.Axis(format="%Y-%m"))
    band = alt.Chart(bands).mark_area(opacity=0.15).encode(
        x=x, y=alt.Y("low:Q", title=value_title), y2="high:Q",
        color=alt.Color("series:N", scale=alt.Scale(domain=order, range=colors), legend=None),
        tooltip=[alt.Tooltip("period:T", title=t("fc_col_period"), format="%Y-%m-%d"),
                 alt.Tooltip("series:N", title=t("fc_col_model")),
                 alt.Tooltip("low:Q", title=t("fc_low"), format=number),
                 alt.Tooltip("high:Q", title=t("fc_high"), format=number)])
    line = alt.Chart(lines).mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y("value:Q", title=value_title), color=color,
        tooltip=[alt.Tooltip("period:T", title=t("fc_col_period"), format="%Y-%m-%d"),
                 alt.Tooltip("series:N", title=t("fc_legend")),
                 alt.Tooltip("value:Q", title=value_title, format=number)])
    title = alt.TitleParams(text=t("fc_chart_title", level=f"{made.confidence:.0%}"), subtitle=t("fc_chart_sub"),
                            anchor="start", subtitleColor="#57606a")
    return _styled(alt.layer(band, line).properties(height=HEIGHT, title=title))
