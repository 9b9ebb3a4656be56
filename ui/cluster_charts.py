"""Charts of the Clusters page, labelled in the session's language (Altair, in the style of :mod:`ui.charts`).

Each public function returns a Vega-Lite spec (a dict, drawn with ``st.vega_lite_chart``), built by Altair in
a cached step keyed on its data and its words: building and validating an Altair chart costs about 0.1 s, and
the page's rerun after a change of k must stay under half a second.  The words are looked up (``t``) before
the cached step, which never reads the session.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import cached
from ui.charts import _styled
from ui.i18n import t

# One colour per cluster (k <= 12), distinct on a white page; the first ones are the biggest spenders.
PALETTE = ("#1f6feb", "#f0883e", "#2da44e", "#cf222e", "#8250df", "#bf8700", "#1b7c83", "#e85aad", "#6e7781",
           "#0a3069", "#7d4e00", "#4ac26b")
SUGGESTED = "#cf222e"
Z_CAP = 2.0  # heat-map colours saturate at +-2 standard deviations


def _words(*keys: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, t(k)) for k in keys)


def guidance_panel(guidance: pd.DataFrame, measure: str, *, chosen: int | None) -> dict:
    """One panel of the k guidance: ``measure`` ("inertia" or "silhouette") against k, the suggested k as a big
    red point marked "suggested", the chosen k as a grey dashed line."""
    spec = _guidance_spec(guidance, measure, _words(f"clu_{measure}", f"clu_{measure}_title", "clu_suggested_mark",
                                                    "clu_k_axis"))
    if chosen is not None and chosen in set(guidance["k"]):  # a layer added to the cached spec: no rebuild per k
        rule = {"data": {"values": [{"k": int(chosen)}]}, "mark": {"type": "rule", "strokeDash": [4, 4],
                                                                  "color": "#8c959f"},
                "encoding": {"x": {"field": "k", "type": "ordinal"}}}
        spec = {**spec, "layer": [rule, *spec["layer"]]}
    return spec


@cached._cache(32)
def _guidance_spec(guidance: pd.DataFrame, measure: str, words: tuple) -> dict:
    w = dict(words)
    title = w[f"clu_{measure}"]
    frame = guidance.assign(mark=guidance["suggested"].map({True: w["clu_suggested_mark"], False: ""}))
    fmt = ",.0f" if measure == "inertia" else ".2f"
    x = alt.X("k:O", title=w["clu_k_axis"], axis=alt.Axis(labelAngle=0))
    y = alt.Y(f"{measure}:Q", title=title, scale=alt.Scale(zero=measure == "inertia"),
              axis=alt.Axis(format=",.0f" if measure == "inertia" else ".2f"))
    tooltip = [alt.Tooltip("k:O", title=w["clu_k_axis"]), alt.Tooltip(f"{measure}:Q", title=title, format=fmt)]
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    layers = [base.mark_line(color="#57606a"), base.mark_point(filled=True, size=60, color="#57606a"),
              base.transform_filter(alt.datum.suggested).mark_point(filled=True, size=220, color=SUGGESTED),
              base.transform_filter(alt.datum.suggested).mark_text(dy=-14, color=SUGGESTED, fontWeight="bold")
              .encode(text="mark:N")]
    return _styled(alt.layer(*layers).properties(height=240, title=w[f"clu_{measure}_title"])).to_dict()


def profile_heatmap(cells: pd.DataFrame, clusters: list[str], features: list[str]) -> dict:
    """Features (rows) by cluster (columns): colour = the cluster's mean against all customers in standard
    deviations (blue below, orange above, capped at +-2), text = the cluster's mean.

    ``cells`` has cluster_name, feature_label, z_difference, mean_text, overall_text.
    """
    return _heatmap_spec(cells[["cluster_name", "feature_label", "z_difference", "mean_text", "overall_text"]],
                         tuple(clusters), tuple(features),
                         _words("clu_z_legend", "clu_cluster", "clu_feature", "clu_cluster_mean", "clu_overall_mean"))


@cached._cache(32)
def _heatmap_spec(cells: pd.DataFrame, clusters: tuple, features: tuple, words: tuple) -> dict:
    w = dict(words)
    clusters, features = list(clusters), list(features)
    frame = cells.assign(z_shown=cells["z_difference"].clip(-Z_CAP, Z_CAP))
    base = alt.Chart(frame).encode(
        x=alt.X("cluster_name:N", sort=clusters, title=None,
                axis=alt.Axis(labelAngle=0, orient="top", labelLimit=160, labelFontWeight="bold")),
        y=alt.Y("feature_label:N", sort=features, title=None, axis=alt.Axis(labelLimit=320)),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("z_shown:Q", title=w["clu_z_legend"],
                        scale=alt.Scale(domain=[-Z_CAP, 0, Z_CAP], range=["#2166ac", "#f7f7f7", "#e66101"]),
                        legend=alt.Legend(orient="bottom", gradientLength=260, format="+.1f", titleLimit=400)),
        tooltip=[alt.Tooltip("cluster_name:N", title=w["clu_cluster"]),
                 alt.Tooltip("feature_label:N", title=w["clu_feature"]),
                 alt.Tooltip("mean_text:N", title=w["clu_cluster_mean"]),
                 alt.Tooltip("overall_text:N", title=w["clu_overall_mean"]),
                 alt.Tooltip("z_difference:Q", title=w["clu_z_legend"], format="+.2f")],
    )
    text = base.mark_text(baseline="middle", fontSize=12).encode(
        text="mean_text:N",
        color=alt.condition(f"abs(datum.z_shown) > {Z_CAP * 0.6}", alt.value("white"), alt.value("#24292f")),
    )
    return _styled((rect + text).properties(height=alt.Step(30))).to_dict()


def projection_scatter(points: pd.DataFrame, clusters: list[str]) -> dict:
    """Customers on the first two principal components, coloured by cluster name (``clusters`` in order)."""
    return _scatter_spec(points[["customer_id", "cluster_name", "pc1", "pc2"]], tuple(clusters),
                         _words("clu_pc1", "clu_pc2", "clu_cluster", "clu_customer"))


@cached._cache(16)
def _scatter_spec(points: pd.DataFrame, clusters: tuple, words: tuple) -> dict:
    w = dict(words)
    clusters = list(clusters)
    colours = list(PALETTE[:len(clusters)])
    chart = alt.Chart(points).mark_circle(size=28, opacity=0.65).encode(
        x=alt.X("pc1:Q", title=w["clu_pc1"], axis=alt.Axis(format=".1f")),
        y=alt.Y("pc2:Q", title=w["clu_pc2"], axis=alt.Axis(format=".1f")),
        color=alt.Color("cluster_name:N", title=w["clu_cluster"], sort=clusters,
                        scale=alt.Scale(domain=clusters, range=colours),
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=260)),
        tooltip=[alt.Tooltip("cluster_name:N", title=w["clu_cluster"]),
                 alt.Tooltip("customer_id:N", title=w["clu_customer"])],
    ).properties(height=460)
    return _styled(chart.interactive()).to_dict()


CACHES = (_guidance_spec, _heatmap_spec, _scatter_spec)  # the specs hold customers' data: cleared with the rest
