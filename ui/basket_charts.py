"""Altair charts of the Cross-sell page, labelled in the session's language (fonts of :mod:`ui.charts`).

Every chart takes the core's tables (:func:`crm_core.basket.rules.association_rules`,
:func:`crm_core.basket.mining.frequent_itemsets`, :class:`crm_core.basket.baskets.Baskets`); nothing here computes
an analysis figure.  Vega-Lite data is JSON, which cannot hold an infinite number: a conviction travels as its text
(:func:`crm_core.basket.rules.conviction_text`, "∞" for a rule that always holds), never as a number.
:func:`network_layout` is the only computation, and it is pure numpy.
"""

from __future__ import annotations

import functools
import json

import altair as alt
import numpy as np
import pandas as pd

from crm_core.basket.actions import bundle_text, rule_text
from crm_core.basket.rules import conviction_text
from ui import i18n
from ui.charts import _styled
from ui.i18n import t

__all__ = ["MAX_POINTS", "item_network", "network_layout", "rules_scatter", "scatter_spec", "top_items", "top_pairs"]

MAX_POINTS = 5_000  # rules drawn in the scatter (those with the highest lift); the browser stays quick
LABEL_CHARS = 18  # item names longer than this are cut in the network (the tooltip has the full name)
LAYOUT_ITERATIONS = 300
LAYOUT_SEED = 0
REPULSION_RANGE = 3.0  # items repel each other within this many ideal distances
GRAVITY = 0.1
HEIGHT = 440  # the scatter and the network side by side on the page
_LIFT_SCALE = alt.Scale(scheme=alt.SchemeParams(name="viridis", extent=[0.9, 0.0]))  # dark: high lift; no pale end
_SELECTED = "#cf222e"
_BAR = "#1f6feb"
_NODE, _EDGE = "#1f6feb", "#57606a"


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or "", anchor="start", subtitleColor="#57606a")


def _message(text: str, *, height: int = 120) -> alt.Chart:
    """A chart holding only a sentence, for when there is nothing to draw."""
    chart = alt.Chart(pd.DataFrame({"message": [text]})).mark_text(size=14, color="#57606a").encode(
        text="message:N")
    return _styled(chart.properties(height=height))


def _finite(values: pd.Series) -> pd.Series:
    """Numbers with inf / NaN replaced by 0.0 (for sizes and colours only; texts say what the value is)."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    return numbers.where(np.isfinite(numbers), 0.0)


# ----------------------------------------------------------------------------------------------- rules scatter
def _rule_points(rules: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "row": rules.index.to_numpy(),
        "rule": [rule_text(a, c) for a, c in zip(rules["antecedents"], rules["consequents"], strict=True)],
        "support": _finite(rules["support"]).to_numpy(),
        "confidence": _finite(rules["confidence"]).to_numpy(),
        "lift": _finite(rules["lift"]).to_numpy(),
        "conviction": [conviction_text(float(v)) for v in rules["conviction"]],
        "count": _finite(rules["count"]).astype(np.int64).to_numpy(),
    })


def rules_scatter(rules: pd.DataFrame, *, selected: int | None = None) -> alt.Chart:
    """Support (x) against confidence (y), one point per rule, coloured by lift and sized by the number of baskets.

    ``rules`` is :func:`crm_core.basket.rules.association_rules` (or a filtered copy of it).  At most
    :data:`MAX_POINTS` rules are drawn, those with the highest lift, and the subtitle says so.  ``selected`` is the
    index label of one rule in ``rules``, drawn with a red ring (even when it is not among the drawn points).
    No rule: a chart with a sentence saying so.
    """
    if rules is None or rules.empty:
        return _message(t("bc_no_rules"))
    points, subtitle = _scatter_points(rules)
    tooltip = [alt.Tooltip("rule:N", title=t("bc_rule")),
               alt.Tooltip("support:Q", format=".2%", title=t("bc_support")),
               alt.Tooltip("confidence:Q", format=".1%", title=t("bc_confidence")),
               alt.Tooltip("lift:Q", format=".2f", title=t("bc_lift")),
               alt.Tooltip("conviction:N", title=t("bc_conviction")),
               alt.Tooltip("count:Q", format=",", title=t("bc_baskets"))]
    widest = max(float(points["support"].max()), 1e-9) * 1.06  # room for the biggest circle on the right
    x = alt.X("support:Q", title=t("bc_support"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, widest]))
    y = alt.Y("confidence:Q", title=t("bc_confidence"), axis=alt.Axis(format="%"),
              scale=alt.Scale(zero=False, domainMax=1, padding=8))
    dots = alt.Chart(points).mark_circle(opacity=0.75, stroke="white", strokeWidth=0.5).encode(
        x=x, y=y,
        color=alt.Color("lift:Q", title=t("bc_lift"), scale=_LIFT_SCALE,
                        legend=alt.Legend(format=".1f", orient="right", gradientLength=160)),
        size=alt.Size("count:Q", legend=None, scale=alt.Scale(range=[25, 260])),
        order=alt.Order("lift:Q", sort="ascending"),  # the strongest rules are drawn on top
        tooltip=tooltip,
    )
    layers = [dots]
    if selected is not None and selected in rules.index:
        ring = _rule_points(rules.loc[[selected]])
        layers.append(alt.Chart(ring).mark_point(size=420, strokeWidth=2.5, color=_SELECTED, filled=False).encode(
            x=x, y=y, tooltip=[alt.Tooltip("rule:N", title=t("bc_selected")), *tooltip[1:]]))
    chart = alt.layer(*layers).properties(height=HEIGHT, title=_title(t("bc_scatter_title"), subtitle))
    return _styled(chart.interactive())  # zoom into the crowded corner of rare rules


def _scatter_points(rules: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The points drawn (at most :data:`MAX_POINTS`, the highest lift) and the scatter's subtitle."""
    total = len(rules)
    shown = rules if total <= MAX_POINTS else rules.sort_values("lift", ascending=False, kind="stable").head(MAX_POINTS)
    subtitle = t("bc_scatter_subtitle") if total <= MAX_POINTS else t("bc_scatter_capped", shown=MAX_POINTS,
                                                                         total=total)
    return _rule_points(shown), subtitle


@functools.lru_cache(maxsize=16)
def _scatter_template(language: str, subtitle: str) -> str:
    """The scatter's Vega-Lite spec for ``language`` around one dummy point, as JSON text (built by Altair once)."""
    dummy = pd.DataFrame({"antecedents": [("a",)], "consequents": [("b",)], "support": [0.1], "confidence": [0.5],
                          "lift": [1.0], "conviction": [1.0], "count": [1]})
    spec = rules_scatter(dummy).to_dict()
    spec["title"]["subtitle"] = subtitle
    return json.dumps(spec, ensure_ascii=False)


def scatter_spec(rules: pd.DataFrame) -> dict:
    """:func:`rules_scatter` as a Vega-Lite spec (for ``st.vega_lite_chart``), built without Altair on each call:
    the chart around the points is made once per language and subtitle, then only its data and x range change.
    On the page this keeps a slider change quick with thousands of rules."""
    if rules is None or rules.empty:
        return _message(t("bc_no_rules")).to_dict()
    points, subtitle = _scatter_points(rules)
    spec = json.loads(_scatter_template(i18n.lang(), subtitle))
    name = spec["data"]["name"]
    spec["datasets"] = {name: points.to_dict("records")}
    widest = max(float(points["support"].max()), 1e-9) * 1.06
    spec["layer"][0]["encoding"]["x"]["scale"]["domain"] = [0, widest]
    return spec


# ----------------------------------------------------------------------------------------------- item network
def network_layout(edges: list[tuple[str, str, float]], *, iterations: int = LAYOUT_ITERATIONS,
                   seed: int = LAYOUT_SEED) -> pd.DataFrame:
    """Positions of the items of a weighted graph: Fruchterman–Reingold from a circle, with a fixed seed.

    ``edges`` are (item, item, weight > 0) (a heavier edge pulls its ends closer; a self-loop is ignored).
    Returns one row per item (``item``, ``x``, ``y``), items sorted by name, coordinates centred and scaled to
    [-1, 1]; the same edges always give the same positions.  A weak pull to the centre keeps separate groups of
    items on the page.
    """
    names = sorted({str(e[0]) for e in edges} | {str(e[1]) for e in edges})
    n = len(names)
    if n == 0:
        return pd.DataFrame({"item": pd.Series([], dtype=object), "x": pd.Series([], dtype=float),
                             "y": pd.Series([], dtype=float)})
    if n == 1:
        return pd.DataFrame({"item": names, "x": [0.0], "y": [0.0]})
    where = {name: k for k, name in enumerate(names)}
    weight = np.zeros((n, n))
    for a, b, w in edges:
        i, j = where[str(a)], where[str(b)]
        if i != j:
            w = float(w) if np.isfinite(w) and w > 0 else 1.0
            weight[i, j] = weight[j, i] = max(weight[i, j], w)
    weight /= max(weight.max(), 1e-12)
    angle = 2 * np.pi * np.arange(n) / n
    jitter = np.random.default_rng(seed).normal(scale=0.01, size=(n, 2))  # breaks the circle's symmetry
    pos = np.column_stack([np.cos(angle), np.sin(angle)]) * 0.5 + jitter
    k = np.sqrt(1.0 / n)  # the ideal distance between items in a unit square
    # A weak edge still holds its items together; a hub's many edges pull less each (its neighbours spread out
    # around it instead of piling onto it and onto each other's labels).
    degree = (weight > 0).sum(axis=1)
    pull = np.where(weight > 0, 0.5 + 0.5 * weight, 0.0) / np.sqrt(np.outer(degree, degree)).clip(min=1)
    near = (REPULSION_RANGE * k) ** 2
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    for step in range(iterations):
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        d2 = np.maximum(dx * dx + dy * dy, 1e-12)
        # FR's repulsion k^2/d (only between near items, so separate groups are not pushed off the page) and
        # attraction d^2/k along the edges, each divided by d (it multiplies the unit vector dx/d, dy/d); a weak
        # pull to the centre.  On the diagonal dx = dy = 0: no force of an item on itself.
        coef = np.where(d2 < near, k * k / d2, 0.0) - pull * np.sqrt(d2) / k
        mx, my = (dx * coef).sum(axis=1) - GRAVITY * x, (dy * coef).sum(axis=1) - GRAVITY * y
        length = np.maximum(np.hypot(mx, my), 1e-12)
        temperature = 0.1 * (1 - step / iterations) + 1e-3
        scale = np.minimum(length, temperature) / length
        x, y = x + mx * scale, y + my * scale
    pos = np.column_stack([x, y])
    # Each axis stretched to [-1, 1] (the chart is wider than tall; a flat layout stays flat).
    low, high = pos.min(axis=0), pos.max(axis=0)
    span = high - low
    pos = np.where(span > 0.05 * span.max(), (pos - low) / np.maximum(span, 1e-12) * 2 - 1, pos - pos.mean(axis=0))
    return pd.DataFrame({"item": names, "x": pos[:, 0], "y": pos[:, 1]})


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"


def _item_supports(rules: pd.DataFrame) -> dict[str, float]:
    """Each item's support, read from the rules whose one side is that item alone."""
    support: dict[str, float] = {}
    for side, share in (("antecedents", "antecedent_support"), ("consequents", "consequent_support")):
        if share not in rules.columns:
            continue
        for items, value in zip(rules[side], rules[share], strict=True):
            if len(items) == 1:
                support[str(items[0])] = float(value)
    return support


def _pair_edges(rules: pd.DataFrame) -> pd.DataFrame:
    """One row per unordered item pair (a, b) linked by a rule: its highest lift and confidence."""
    rows = [(min(str(a), str(c)), max(str(a), str(c)), float(lift), float(conf))
            for ante, cons, lift, conf in zip(rules["antecedents"], rules["consequents"], rules["lift"],
                                              rules["confidence"], strict=True)
            for a in ante for c in cons if str(a) != str(c)]
    frame = pd.DataFrame(rows, columns=["a", "b", "lift", "confidence"])
    return frame.groupby(["a", "b"], as_index=False, sort=True).agg(lift=("lift", "max"),
                                                                    confidence=("confidence", "max"))


def item_network(rules: pd.DataFrame, *, top: int = 30, supports: dict[str, float] | None = None) -> alt.Chart:
    """The items of the ``top`` rules with the highest lift, linked by a line per item pair of a rule.

    A circle per item (bigger when linked to more items, its name below, cut to :data:`LABEL_CHARS` characters),
    a line per pair of items (an antecedent item and a consequent item of one of the rules; thicker and darker with
    the pair's highest lift).  Positions from :func:`network_layout`.  ``supports``: each item's support (default:
    read from the rules whose one side is that item alone).  No rule: a chart with a sentence.
    """
    if rules is None or rules.empty:
        return _message(t("bc_no_rules"))
    best = rules.sort_values(["lift", "confidence"], ascending=False, kind="stable").head(max(int(top), 1))
    pairs = _pair_edges(best)
    lift = _finite(pairs["lift"])
    layout = network_layout(list(zip(pairs["a"], pairs["b"], lift, strict=True))).set_index("item")
    supports = _item_supports(rules) if supports is None else supports
    degree = pd.concat([pairs["a"], pairs["b"]]).value_counts()
    nodes = layout.reset_index().assign(
        label=lambda f: f["item"].map(_short),
        links=lambda f: f["item"].map(degree).fillna(0).astype(int),
        support=lambda f: f["item"].map(lambda i: f"{supports[i]:.2%}" if i in supports else "–"),
    )
    lines = pairs.assign(
        lift=lift, pair=pairs["a"] + " — " + pairs["b"],
        x=pairs["a"].map(layout["x"]), y=pairs["a"].map(layout["y"]),
        x2=pairs["b"].map(layout["x"]), y2=pairs["b"].map(layout["y"]),
    )
    scale = alt.Scale(domain=[-1.25, 1.25], nice=False, zero=False)
    x, y = alt.X("x:Q", axis=None, scale=scale), alt.Y("y:Q", axis=None, scale=scale)
    edge_layer = alt.Chart(lines).mark_rule(color=_EDGE).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("lift:Q", legend=None, scale=alt.Scale(range=[1, 6])),
        opacity=alt.Opacity("lift:Q", legend=None, scale=alt.Scale(range=[0.25, 0.8])),
        tooltip=[alt.Tooltip("pair:N", title=t("bc_pair")), alt.Tooltip("lift:Q", format=".2f", title=t("bc_lift")),
                 alt.Tooltip("confidence:Q", format=".1%", title=t("bc_confidence"))],
    )
    node_tooltip = [alt.Tooltip("item:N", title=t("bc_item")), alt.Tooltip("links:Q", title=t("bc_links")),
                    alt.Tooltip("support:N", title=t("bc_item_support"))]
    node_layer = alt.Chart(nodes).mark_circle(color=_NODE, opacity=0.9, stroke="white", strokeWidth=1).encode(
        x=x, y=y, size=alt.Size("links:Q", legend=None, scale=alt.Scale(range=[120, 700])), tooltip=node_tooltip)
    label = alt.Chart(nodes).encode(x=x, y=y, text="label:N", tooltip=node_tooltip)
    text = {"dy": 18, "fontSize": 11, "baseline": "top"}
    halo = label.mark_text(**text, stroke="white", strokeWidth=3, strokeOpacity=0.9)  # readable over a line
    chart = alt.layer(edge_layer, node_layer, halo, label.mark_text(**text, color="#24292f")).properties(
        height=HEIGHT, title=_title(t("bc_network_title", n=len(best)), t("bc_network_subtitle")))
    return _styled(chart).configure_view(stroke=None)


# ----------------------------------------------------------------------------------------------- top items, pairs
def _bars(frame: pd.DataFrame, title: alt.TitleParams, label_title: str) -> alt.Chart:
    """Horizontal bars of ``frame`` (label, share, count), in the frame's order, each with its share written."""
    frame = frame.assign(text=frame["share"].map("{:.1%}".format))
    top_share = float(frame["share"].max())
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", sort=list(frame["label"]), title=None, axis=alt.Axis(labelLimit=280)),
        x=alt.X("share:Q", title=t("bc_share_baskets"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, max(top_share * 1.15, 1e-9)])),
        tooltip=[alt.Tooltip("label:N", title=label_title),
                 alt.Tooltip("share:Q", format=".2%", title=t("bc_share_baskets")),
                 alt.Tooltip("count:Q", format=",", title=t("bc_baskets"))],
    )
    chart = base.mark_bar(color=_BAR) + base.mark_text(align="left", dx=3, color="#24292f").encode(text="text:N")
    return _styled(chart.properties(height=alt.Step(24), title=title))


def top_items(baskets, n_baskets: int | None = None, *, top: int = 15) -> alt.Chart:
    """The ``top`` items in the most baskets, as a share of the baskets (most common first).

    ``baskets`` is a :class:`crm_core.basket.baskets.Baskets` (``n_baskets`` then unused), or a Series of basket
    counts indexed by item with ``n_baskets`` the number of baskets.  No basket: a chart with a sentence.
    """
    if isinstance(baskets, pd.Series):
        counts, n = baskets, int(n_baskets or 0)
    else:
        counts, n = pd.Series(baskets.item_counts, index=list(baskets.items)), baskets.n
    if n <= 0 or counts.empty:
        return _message(t("bc_no_items"))
    counts = counts.astype(np.int64)
    ranked = counts.sort_values(ascending=False, kind="stable").head(max(int(top), 1))
    frame = pd.DataFrame({"label": [str(i) for i in ranked.index], "share": ranked.to_numpy() / n,
                          "count": ranked.to_numpy()})
    title = _title(t("bc_top_items_title"), t("bc_top_items_subtitle", n=len(frame), items=len(counts), baskets=n))
    return _bars(frame, title, t("bc_item"))


def top_pairs(itemsets: pd.DataFrame, *, top: int = 15) -> alt.Chart:
    """The ``top`` frequent 2-item itemsets by support, as "A + B" (most frequent first).

    ``itemsets`` is :func:`crm_core.basket.mining.frequent_itemsets`.  No pair: a chart with a sentence.
    """
    if itemsets is None or itemsets.empty:
        return _message(t("bc_no_pairs"))
    pairs = itemsets.loc[itemsets["itemset"].map(len) == 2]
    if pairs.empty:
        return _message(t("bc_no_pairs"))
    ranked = pairs.sort_values(["support", "count"], ascending=False, kind="stable").head(max(int(top), 1))
    frame = pd.DataFrame({"label": [bundle_text(s) for s in ranked["itemset"]],
                          "share": _finite(ranked["support"]).to_numpy(), "count": ranked["count"].to_numpy()})
    title = _title(t("bc_top_pairs_title"), t("bc_top_pairs_subtitle", n=len(frame), pairs=len(pairs)))
    return _bars(frame, title, t("bc_pair"))
