"""Altair charts of the Lifetime value page, labelled in the session's language (fonts of :mod:`ui.charts`).

Every chart takes the core's tables (:mod:`crm_core.predict.clv`: the :class:`ClvResult` table, the
:func:`frequency_recency_grid`, the :func:`backtest`); nothing here computes an analysis figure.  Vega-Lite data is
JSON: missing values travel as null and are left out of the bars.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import _styled
from ui.i18n import t

__all__ = ["alive_histogram", "backtest_chart", "grid_heatmap", "grid_long", "value_histogram"]

HEIGHT = 300
_BAR = "#1f6feb"
_PREDICTED, _ACTUAL = "#1f6feb", "#f0883e"


def _title(text: str, subtitle: str = "") -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle, anchor="start", subtitleColor="#57606a")


def _message(text: str, *, height: int = 120) -> alt.Chart:
    """A chart holding only a sentence, for when there is nothing to draw."""
    chart = alt.Chart(pd.DataFrame({"message": [text]})).mark_text(size=14, color="#57606a").encode(
        text="message:N")
    return _styled(chart.properties(height=height))


def _finite(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    return numbers[np.isfinite(numbers)]


def alive_histogram(table: pd.DataFrame) -> alt.Chart:
    """Customers by probability of being alive (``prob_alive`` of a :class:`ClvResult` table), 20 bars of 5%."""
    alive = _finite(table["prob_alive"]) if "prob_alive" in table.columns else pd.Series(dtype=float)
    if alive.empty:
        return _message(t("clv_chart_model_only"))
    edges = np.linspace(0.0, 1.0, 21)
    counts, _ = np.histogram(alive.clip(0.0, 1.0), bins=edges)
    bars = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "customers": counts})
    chart = alt.Chart(bars).mark_bar(color=_BAR).encode(
        x=alt.X("start:Q", bin="binned", title=t("clv_axis_alive"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        x2="end:Q",
        y=alt.Y("customers:Q", title=t("clv_axis_customers")),
        tooltip=[alt.Tooltip("start:Q", format=".0%", title=t("clv_axis_alive")),
                 alt.Tooltip("end:Q", format=".0%", title="–"),
                 alt.Tooltip("customers:Q", format=",", title=t("clv_axis_customers"))],
    ).properties(height=HEIGHT, title=_title(t("clv_chart_alive"), t("clv_chart_alive_sub")))
    return _styled(chart)


def value_histogram(table: pd.DataFrame, currency: str) -> alt.Chart:
    """Customers by lifetime value (``clv``), 40 bars; with more than 100 customers the top 1% is folded into the
    last bar (the subtitle says so) so a few large values do not hide the rest."""
    values = _finite(table["clv"]) if "clv" in table.columns else pd.Series(dtype=float)
    if values.empty:
        return _message(t("clv_list_nobody"))
    subtitle = t("clv_chart_value_sub")
    if len(values) > 100:
        values = values.clip(upper=float(values.quantile(0.99)))
        subtitle = f"{subtitle} · {t('clv_chart_value_capped')}"
    low, high = float(values.min()), float(values.max())
    edges = np.linspace(low, high if high > low else low + 1.0, 41)
    counts, _ = np.histogram(values, bins=edges)
    bars = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "customers": counts})
    title = t("clv_axis_value", currency=currency)
    chart = alt.Chart(bars).mark_bar(color=_BAR).encode(
        x=alt.X("start:Q", bin="binned", title=title, axis=alt.Axis(format=",.0f")),
        x2="end:Q",
        y=alt.Y("customers:Q", title=t("clv_axis_customers")),
        tooltip=[alt.Tooltip("start:Q", format=",.0f", title=title), alt.Tooltip("end:Q", format=",.0f", title="–"),
                 alt.Tooltip("customers:Q", format=",", title=t("clv_axis_customers"))],
    ).properties(height=HEIGHT, title=_title(t("clv_chart_value"), subtitle))
    return _styled(chart)


def grid_long(grid: pd.DataFrame) -> pd.DataFrame:
    """The frequency/recency grid as rows of (``frequency``, ``recency``, ``value``).

    Takes either the long form (columns ``frequency``, ``recency`` and one value column) or the matrix form
    (index: frequency, columns: recency) of :func:`crm_core.predict.clv.frequency_recency_grid`.
    """
    if {"frequency", "recency"} <= set(grid.columns):
        rest = [c for c in grid.columns if c not in ("frequency", "recency", "T")]
        value = next((c for c in ("value", "purchases", "alive", "prob_alive", "expected_purchases") if c in rest),
                     rest[0])
        long = grid[["frequency", "recency", value]].rename(columns={value: "value"})
    else:
        matrix = grid.copy()
        matrix.index = matrix.index.rename("frequency")
        matrix.columns = matrix.columns.rename("recency")
        long = matrix.stack().rename("value").reset_index()
    return pd.DataFrame({"frequency": pd.to_numeric(long["frequency"]).astype(float),
                         "recency": pd.to_numeric(long["recency"]).astype(float),
                         "value": pd.to_numeric(long["value"], errors="coerce").astype(float)})


def grid_heatmap(grid: pd.DataFrame, *, what: str, unit: str, months: int, max_T: float) -> alt.Chart:
    """Expected purchases (``what`` "purchases") or the chance of being alive ("alive") by repeat purchases (y)
    and time of the last purchase (x, in ``unit``), for a customer first seen ``max_T`` units ago.

    The classic BG/NBD picture: a customer who bought often but long ago is likely gone (bottom-left cold)."""
    long = grid_long(grid)
    long = long[np.isfinite(long["value"])]
    if long.empty:
        return _message(t("clv_chart_model_only"))
    alive = what == "alive"
    title = t("clv_chart_grid_alive") if alive else t("clv_chart_grid_purchases", months=months)
    measure = t("clv_grid_alive") if alive else t("clv_grid_purchases")
    recency_title = t("clv_axis_recency", unit=unit)
    fmt = ".0%" if alive else ".2f"
    step = float(np.diff(np.unique(long["recency"])).min()) if long["recency"].nunique() > 1 else 1.0
    long = long.assign(recency_end=long["recency"] + step, frequency_end=long["frequency"] + 1)
    chart = alt.Chart(long).mark_rect().encode(
        x=alt.X("recency:Q", bin="binned", title=recency_title, scale=alt.Scale(nice=False)),
        x2="recency_end:Q",
        y=alt.Y("frequency:Q", bin="binned", title=t("clv_axis_frequency"), scale=alt.Scale(nice=False)),
        y2="frequency_end:Q",
        color=alt.Color("value:Q", title=measure, scale=alt.Scale(scheme="viridis"),
                        legend=alt.Legend(format=fmt, orient="right", gradientLength=200)),
        tooltip=[alt.Tooltip("frequency:Q", format=",.0f", title=t("clv_axis_frequency")),
                 alt.Tooltip("recency:Q", format=",.1f", title=recency_title),
                 alt.Tooltip("value:Q", format=fmt, title=measure)],
    ).properties(height=HEIGHT + 60, title=_title(title, t("clv_chart_grid_sub", T=round(max_T, 1), unit=unit)))
    return _styled(chart)


def _group_labels(table: pd.DataFrame) -> pd.Series:
    """The frequency group's label ("0".."6", "7+") whichever name the back-test gives the column."""
    column = next((c for c in ("frequency_group", "group", "frequency") if c in table.columns), table.columns[0])
    return table[column].astype(str)


def backtest_chart(table: pd.DataFrame) -> alt.Chart:
    """Mean purchases per customer in the hold-out period, predicted against actual, per frequency group
    (:func:`crm_core.predict.clv.backtest`: group, customers, predicted, actual)."""
    if table.empty:
        return _message(t("clv_backtest_impossible", detail=""))
    groups = _group_labels(table)
    order = list(dict.fromkeys(groups))
    predicted, actual = t("clv_predicted"), t("clv_actual")
    long = pd.concat([
        pd.DataFrame({"group": groups, "series": predicted, "purchases": table["predicted"].astype(float),
                      "customers": table["customers"].astype(int)}),
        pd.DataFrame({"group": groups, "series": actual, "purchases": table["actual"].astype(float),
                      "customers": table["customers"].astype(int)}),
    ], ignore_index=True)
    x = alt.X("group:O", sort=order, title=t("clv_backtest_group"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("purchases:Q", title=t("clv_backtest_purchases"))
    legend = alt.Legend(orient="top", title=None)  # one legend (colour and dash), above: the plot keeps its height
    color = alt.Color("series:N", legend=legend,
                      scale=alt.Scale(domain=[predicted, actual], range=[_PREDICTED, _ACTUAL]))
    tooltip = [alt.Tooltip("group:O", title=t("clv_backtest_group")),
               alt.Tooltip("series:N", title=t("clv_backtest_series")),
               alt.Tooltip("purchases:Q", format=".2f", title=t("clv_backtest_purchases")),
               alt.Tooltip("customers:Q", format=",", title=t("clv_axis_customers"))]
    lines = alt.Chart(long).mark_line(point=alt.OverlayMarkDef(size=60)).encode(
        x=x, y=y, color=color, strokeDash=alt.StrokeDash("series:N", legend=legend,
                                                         scale=alt.Scale(domain=[predicted, actual],
                                                                         range=[[6, 3], [1, 0]])),
        tooltip=tooltip)
    chart = lines.properties(height=HEIGHT, title=_title(t("clv_backtest_chart"), t("clv_backtest_sub")))
    return _styled(chart)
