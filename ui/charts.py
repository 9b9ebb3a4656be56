"""Altair charts, labelled in the session's language (CJK-capable fonts first)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.i18n import t

FONT = "Source Sans Pro, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def _styled(chart: alt.Chart) -> alt.Chart:
    return chart.configure(font=FONT).configure_axis(labelFont=FONT, titleFont=FONT).configure_legend(
        labelFont=FONT, titleFont=FONT, orient="bottom"
    )


def segment_bars(summary: pd.DataFrame) -> alt.Chart:
    """Share of customers and share of revenue per group, in the summary's order (best first).

    ``summary`` is :func:`crm_core.segment.rfm.segment_summary` of any Segmentation (RFM scheme, clusters,
    tiers...): only its ``name``, ``customers``, ``customer_share``, ``revenue`` and ``revenue_share`` are read.
    """
    order = list(summary["name"])
    long = pd.concat(
        [
            pd.DataFrame({"name": summary["name"], "measure": t("share_customers"), "share": summary["customer_share"],
                          "value": summary["customers"].map("{:,}".format)}),
            pd.DataFrame({"name": summary["name"], "measure": t("share_revenue"), "share": summary["revenue_share"],
                          "value": summary["revenue"].map("{:,.0f}".format)}),
        ],
        ignore_index=True,
    )
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=t("segment")),
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title=t("share")),
        yOffset=alt.YOffset("measure:N"),
        color=alt.Color("measure:N", title=t("measure"), scale=alt.Scale(range=["#1f6feb", "#f0883e"])),
        tooltip=[
            alt.Tooltip("name:N", title=t("segment")),
            alt.Tooltip("measure:N", title=t("measure")),
            alt.Tooltip("share:Q", format=".1%", title=t("share")),
            alt.Tooltip("value:N", title=" "),
        ],
    ).properties(height=alt.Step(14))
    return _styled(chart)


def rf_heatmap(matrix: pd.DataFrame) -> alt.Chart:
    """Customers per (R score, F score) cell, with the count written in each cell."""
    base = alt.Chart(matrix).encode(
        x=alt.X("f_score:O", title=t("f_score"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("r_score:O", sort="descending", title=t("r_score")),
    )
    rect = base.mark_rect().encode(
        # White for empty cells, dark blue for the fullest.
        color=alt.Color("customers:Q", title=t("customers_count"),
                        scale=alt.Scale(domainMin=0, range=["#ffffff", "#08519c"]),
                        legend=alt.Legend(orient="right")),
        tooltip=[
            alt.Tooltip("r_score:O", title=t("r_score")),
            alt.Tooltip("f_score:O", title=t("f_score")),
            alt.Tooltip("customers:Q", format=",", title=t("customers_count")),
            alt.Tooltip("avg_monetary:Q", format=",.0f", title=t("avg_monetary")),
        ],
    )
    text = base.mark_text(baseline="middle").encode(
        text=alt.Text("customers:Q", format=","),
        color=alt.condition(
            alt.datum.customers > matrix["customers"].max() / 2, alt.value("white"), alt.value("black")
        ),
    )
    return _styled((rect + text).properties(height=380))


def distribution(table: pd.DataFrame, column: str, title: str) -> alt.Chart:
    """Histogram of one per-customer measure; the top 1% is folded into the last bar so outliers don't hide the rest."""
    values = table[[column]].dropna()
    if len(values) > 100:
        cap = values[column].quantile(0.99)
        values = values.assign(**{column: values[column].clip(upper=cap)})
    chart = alt.Chart(values).mark_bar().encode(
        x=alt.X(f"{column}:Q", bin=alt.Bin(maxbins=40), title=title),
        y=alt.Y("count():Q", title=t("count")),
        tooltip=[alt.Tooltip("count():Q", format=",", title=t("count"))],
    ).properties(height=260)
    return _styled(chart)
