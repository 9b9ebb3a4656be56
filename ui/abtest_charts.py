"""Altair charts of the A/B test page, labelled in the session's language (fonts of :mod:`ui.charts`): each variant's
rate with its interval against the baseline's rate, and the probability that each variant is best.  The table is
:attr:`crm_core.measure.abtest.AbResult.table`; nothing here computes a figure."""

from __future__ import annotations

import altair as alt
import pandas as pd

from crm_core.measure._abtest_words import level_text
from ui.charts import _styled
from ui.i18n import t

__all__ = ["prob_best_chart", "rates_chart"]

_BASE, _OTHER, _BEST = "#8c959f", "#1f6feb", "#1a7f37"


def _title(text: str, subtitle: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle, anchor="start", subtitleColor="#57606a")


def rates_chart(table: pd.DataFrame, confidence: float) -> alt.Chart:
    """Bars of the rates (baseline grey), the interval as a rule with ticks, the baseline's rate dashed."""
    order = list(table["variant"])
    variant, rate = t("ab_chart_variant"), t("ab_chart_rate")
    data = pd.DataFrame({variant: table["variant"], rate: table["rate"].astype(float),
                         "low": table["rate_low"].astype(float), "high": table["rate_high"].astype(float),
                         "role": ["baseline"] + ["other"] * (len(table) - 1)})
    x = alt.X(f"{variant}:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=200))
    bars = alt.Chart(data).mark_bar(opacity=0.75, size=48).encode(
        x=x, y=alt.Y(f"{rate}:Q", axis=alt.Axis(format="%"), title=rate),
        color=alt.Color("role:N", scale=alt.Scale(domain=["baseline", "other"], range=[_BASE, _OTHER]), legend=None),
        tooltip=[alt.Tooltip(f"{variant}:N"), alt.Tooltip(f"{rate}:Q", format=".1%"),
                 alt.Tooltip("low:Q", format=".1%", title=t("ab_chart_low")),
                 alt.Tooltip("high:Q", format=".1%", title=t("ab_chart_high"))])
    rules = alt.Chart(data).mark_rule(strokeWidth=2, color="#24292f").encode(x=x, y="low:Q", y2="high:Q")
    ticks_low = alt.Chart(data).mark_tick(width=18, thickness=2, color="#24292f").encode(x=x, y="low:Q")
    ticks_high = alt.Chart(data).mark_tick(width=18, thickness=2, color="#24292f").encode(x=x, y="high:Q")
    labels = alt.Chart(data).mark_text(dy=-8, dx=22, align="left", fontSize=12).encode(
        x=x, y=alt.Y(f"{rate}:Q"), text=alt.Text(f"{rate}:Q", format=".1%"))
    baseline = alt.Chart(pd.DataFrame({"base": [float(table["rate"].iloc[0])]})).mark_rule(
        strokeDash=[6, 4], color=_BASE).encode(y="base:Q")
    chart = alt.layer(bars, rules, ticks_low, ticks_high, labels, baseline).properties(
        height=320, title=_title(t("ab_chart_rates", level=level_text(confidence)), t("ab_chart_rates_sub")))
    return _styled(chart)


def prob_best_chart(table: pd.DataFrame) -> alt.Chart:
    """Bars of the probability of being best (the most likely best in green), labelled in %."""
    variant, share = t("ab_chart_variant"), t("ab_chart_share")
    best = table["prob_best"].astype(float)
    data = pd.DataFrame({variant: table["variant"], share: best,
                         "top": ["best" if v == best.max() else "other" for v in best]})
    x = alt.X(f"{variant}:N", sort=list(table["variant"]), title=None, axis=alt.Axis(labelAngle=0, labelLimit=200))
    bars = alt.Chart(data).mark_bar(size=40).encode(
        x=x, y=alt.Y(f"{share}:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title=share),
        color=alt.Color("top:N", scale=alt.Scale(domain=["best", "other"], range=[_BEST, _BASE]), legend=None),
        tooltip=[alt.Tooltip(f"{variant}:N"), alt.Tooltip(f"{share}:Q", format=".1%")])
    labels = alt.Chart(data).mark_text(dy=-8, fontSize=12).encode(
        x=x, y=alt.Y(f"{share}:Q"), text=alt.Text(f"{share}:Q", format=".0%"))
    chart = alt.layer(bars, labels).properties(height=320, title=_title(t("ab_chart_best"), t("ab_chart_best_sub")))
    return _styled(chart)
