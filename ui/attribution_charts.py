"""Altair charts of the Attribution page, labelled in the session's language (fonts of :mod:`ui.charts`).

They draw :func:`crm_core.measure.attribution.attribution_long` and
:func:`~crm_core.measure.attribution.removal_effects`; nothing here computes an analysis figure.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from crm_core.measure.attribution import MODEL_LABELS, MODELS
from ui.charts import _styled
from ui.i18n import lang, t

__all__ = ["PALETTE", "effects_chart", "models_chart"]

# One colour per model, the Markov chain the strongest (it is the data-driven one).
PALETTE = ("#9ecae1", "#6baed6", "#a1d99b", "#fdae6b", "#bcbddc", "#1f6feb")


def models_chart(long: pd.DataFrame, measure: str, *, currency: str = "") -> alt.Chart:
    """Side-by-side bars: per channel (in the table's order, most Markov credit first) one bar per model.

    ``long`` is :func:`~crm_core.measure.attribution.attribution_long`; ``measure`` "conversions" or "value"."""
    language = lang()
    names = [MODEL_LABELS[m].text(language) for m in MODELS]
    values = long[measure].astype(float)
    data = pd.DataFrame({
        "channel": long["channel"].astype(str),
        "model": long["model"].map(lambda m: MODEL_LABELS[m].text(language)),
        "amount": values,
        "amount_text": [f"{currency}{v:,.2f}" if measure == "value" else f"{v:,.1f}" for v in values],
    })
    channels = list(dict.fromkeys(data["channel"]))
    title = t(f"at_chart_{measure}")
    tooltip = [alt.Tooltip("channel:N", title=t("at_chart_channel")), alt.Tooltip("model:N", title=t("at_chart_model")),
               alt.Tooltip("amount_text:N", title=title)]
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("channel:N", sort=channels, title=t("at_chart_channel"), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("model:N", sort=names),
        y=alt.Y("amount:Q", title=title + (f" ({currency})" if measure == "value" and currency else "")),
        color=alt.Color("model:N", sort=names, scale=alt.Scale(domain=names, range=list(PALETTE)),
                        legend=alt.Legend(title=t("at_chart_model"), orient="top")),
        tooltip=tooltip,
    ).properties(height=360, title=alt.TitleParams(text=t("at_compare"), anchor="start"))
    return _styled(chart)


def effects_chart(effects: pd.DataFrame) -> alt.Chart:
    """Each channel's Markov removal effect (share of conversions lost without it), largest first."""
    data = pd.DataFrame({"channel": effects["channel"].astype(str),
                         "effect": effects["removal_effect"].astype(float),
                         "text": [f"{v:.1%}" for v in effects["removal_effect"]]})
    order = list(data["channel"])
    y = alt.Y("channel:N", sort=order, title=t("at_chart_channel"))
    base = alt.Chart(data)
    bars = base.mark_bar(color=PALETTE[-1]).encode(
        y=y, x=alt.X("effect:Q", title=t("at_chart_effect"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("channel:N", title=t("at_chart_channel")),
                 alt.Tooltip("text:N", title=t("at_chart_effect"))])
    labels = base.mark_text(align="left", dx=4, color="#24292f").encode(y=y, x="effect:Q", text="text:N")
    return _styled((bars + labels).properties(height=alt.Step(30)))  # the page's subheader names it
