"""Altair charts of the Clusters page, labelled in the session's language (style of :mod:`ui.charts`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts import _styled
from ui.i18n import t

# One colour per cluster (k <= 12), distinct on a white page; the first ones are the biggest spenders.
PALETTE = ("#1f6feb", "#f0883e", "#2da44e", "#cf222e", "#8250df", "#bf8700", "#1b7c83", "#e85aad", "#6e7781",
           "#0a3069", "#7d4e00", "#4ac26b")
SUGGESTED = "#cf222e"
Z_CAP = 2.0  # heat-map colours saturate at +-2 standard deviations


def guidance_panel(guidance: pd.DataFrame, measure: str, *, chosen: int | None) -> alt.Chart:
    """One panel of the k guidance: ``measure`` ("inertia" or "silhouette") against k, the suggested k as a red
    point with its value written beside it, the chosen k as a grey dashed line."""
    title = t(f"clu_{measure}")
    frame = guidance.assign(mark=guidance["suggested"].map({True: t("clu_suggested_mark"), False: ""}))
    fmt = ",.0f" if measure == "inertia" else ".2f"
    x = alt.X("k:O", title=t("clu_k_axis"), axis=alt.Axis(labelAngle=0))
    y = alt.Y(f"{measure}:Q", title=title, scale=alt.Scale(zero=measure == "inertia"),
              axis=alt.Axis(format="~s" if measure == "inertia" else ".2f"))
    tooltip = [alt.Tooltip("k:O", title=t("clu_k_axis")), alt.Tooltip(f"{measure}:Q", title=title, format=fmt)]
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    layers = [base.mark_line(color="#57606a"), base.mark_point(filled=True, size=60, color="#57606a"),
              base.transform_filter(alt.datum.suggested).mark_point(filled=True, size=220, color=SUGGESTED),
              base.transform_filter(alt.datum.suggested).mark_text(dy=-14, color=SUGGESTED, fontWeight="bold")
              .encode(text="mark:N")]
    if chosen is not None and chosen in set(frame["k"]):
        rule = alt.Chart(pd.DataFrame({"k": [chosen]})).mark_rule(strokeDash=[4, 4], color="#8c959f").encode(
            x=alt.X("k:O"))
        layers.insert(0, rule)
    return _styled(alt.layer(*layers).properties(height=240, title=t(f"clu_{measure}_title")))


def profile_heatmap(cells: pd.DataFrame, clusters: list[str], features: list[str]) -> alt.Chart:
    """Features (rows) by cluster (columns): colour = the cluster's mean against all customers in standard
    deviations (blue below, orange above, capped at +-2), text = the cluster's mean.

    ``cells`` has cluster_name, feature_label, z_difference, mean_text, overall_text.
    """
    frame = cells.assign(z_shown=cells["z_difference"].clip(-Z_CAP, Z_CAP))
    base = alt.Chart(frame).encode(
        x=alt.X("cluster_name:N", sort=clusters, title=None,
                axis=alt.Axis(labelAngle=0, orient="top", labelLimit=160, labelFontWeight="bold")),
        y=alt.Y("feature_label:N", sort=features, title=None, axis=alt.Axis(labelLimit=320)),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("z_shown:Q", title=t("clu_z_legend"),
                        scale=alt.Scale(domain=[-Z_CAP, 0, Z_CAP], range=["#2166ac", "#f7f7f7", "#e66101"]),
                        legend=alt.Legend(orient="bottom", gradientLength=260, format="+.1f")),
        tooltip=[alt.Tooltip("cluster_name:N", title=t("clu_cluster")),
                 alt.Tooltip("feature_label:N", title=t("clu_feature")),
                 alt.Tooltip("mean_text:N", title=t("clu_cluster_mean")),
                 alt.Tooltip("overall_text:N", title=t("clu_overall_mean")),
                 alt.Tooltip("z_difference:Q", title=t("clu_z_legend"), format="+.2f")],
    )
    text = base.mark_text(baseline="middle", fontSize=12).encode(
        text="mean_text:N",
        color=alt.condition(f"abs(datum.z_shown) > {Z_CAP * 0.6}", alt.value("white"), alt.value("#24292f")),
    )
    height = max(160, 34 * len(features))
    return _styled((rect + text).properties(height=height))


def projection_scatter(points: pd.DataFrame, clusters: list[str]) -> alt.Chart:
    """Customers on the first two principal components, coloured by cluster name (``clusters`` in order)."""
    colours = list(PALETTE[:len(clusters)])
    chart = alt.Chart(points).mark_circle(size=28, opacity=0.65).encode(
        x=alt.X("pc1:Q", title=t("clu_pc1"), axis=alt.Axis(format=".1f")),
        y=alt.Y("pc2:Q", title=t("clu_pc2"), axis=alt.Axis(format=".1f")),
        color=alt.Color("cluster_name:N", title=t("clu_cluster"), sort=clusters,
                        scale=alt.Scale(domain=clusters, range=colours),
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=260)),
        tooltip=[alt.Tooltip("cluster_name:N", title=t("clu_cluster")),
                 alt.Tooltip("customer_id:N", title=t("clu_customer"))],
    ).properties(height=460)
    return _styled(chart.interactive())
