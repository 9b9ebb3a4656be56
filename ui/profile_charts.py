"""Customer 360's chart: the customer's orders over time (:func:`crm_core.segment.profile360.customer_profile`'s
``orders``), labelled in the session's language."""

from __future__ import annotations

import altair as alt
import pandas as pd

from crm_core import columns as registry
from ui import charts
from ui.i18n import lang, t


def timeline_chart(timeline: pd.DataFrame, currency: str) -> alt.Chart:
    """One point per order over time, at its amount (returns below zero, in red), sized by the amount."""
    kinds = {"purchase": t("c360_purchase"), "return": t("c360_return")}
    data = timeline.assign(kind=timeline["kind"].map(kinds), size=timeline["amount"].abs(),
                           order_date=pd.to_datetime(timeline["order_date"]))
    amount_title = f"{t('c360_axis_amount')} ({currency})"
    color = alt.Color("kind:N", title=t("c360_kind"), legend=alt.Legend(symbolOpacity=1),
                      scale=alt.Scale(domain=list(kinds.values()), range=["#1f6feb", "#d1242f"]))
    base = alt.Chart(data).encode(
        x=alt.X("order_date:T", title=t("c360_axis_date"), axis=alt.Axis(format="%Y-%m-%d"),
                scale=alt.Scale(padding=24)),
        y=alt.Y("amount:Q", title=amount_title), color=color)
    stems = base.mark_rule(opacity=0.4).encode(y2=alt.datum(0))
    # The amount is on the y axis already: the size repeats it for the eye, without a second legend.
    points = base.mark_circle(opacity=0.85).encode(
        size=alt.Size("size:Q", scale=alt.Scale(range=[40, 600]), legend=None),
        tooltip=[alt.Tooltip("order_date:T", title=t("c360_axis_date"), format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("order_id:N", title=registry.label("order_id", lang())),
                 alt.Tooltip("kind:N", title=t("c360_kind")),
                 alt.Tooltip("amount:Q", title=amount_title, format=",.2f"),
                 alt.Tooltip("items:Q", title=registry.label("items", lang()), format=",.0f"),
                 alt.Tooltip("products:N", title=t("c360_products"))])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#888").encode(y="y:Q")
    return charts._styled((zero + stems + points).properties(height=300))
