"""Altair charts of the Churn and Response pages, labelled in the session's language (fonts of :mod:`ui.charts`).

Every chart takes a table of :mod:`crm_core.predict` (gains, calibration, permutation importance, risk/value
quadrants, targeting); nothing here computes an analysis figure.  ``kind`` ("churn" | "response") picks the words
for the positives ("churners" / "responders").  Vega-Lite data is JSON: NaN and infinities are left out or set to
None before drawing.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from crm_core.predict.features import feature_label
from ui import i18n
from ui.charts import _styled
from ui.i18n import t

__all__ = ["MAX_POINTS", "calibration_chart", "gains_chart", "importance_chart", "lift_chart", "profit_chart",
           "quadrant_chart"]

MAX_POINTS = 5_000  # customers drawn in the quadrant chart (those with the most value at risk, then a sample)
HEIGHT = 320
_MODEL, _RANDOM, _BEST = "#1f6feb", "#8c959f", "#cf222e"
_QUADRANT_COLOURS = {"high_value_high_risk": "#cf222e", "high_value_low_risk": "#1f6feb",
                     "low_value_high_risk": "#f0883e", "low_value_low_risk": "#8c959f"}


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or "", anchor="start", subtitleColor="#57606a")


def _message(text: str) -> alt.Chart:
    chart = alt.Chart(pd.DataFrame({"message": [text]})).mark_text(size=14, color="#57606a").encode(
        text="message:N")
    return _styled(chart.properties(height=120))


def _finite(values) -> np.ndarray:
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").astype(float).to_numpy()
    return np.where(np.isfinite(numbers), numbers, np.nan)


def gains_chart(gains: pd.DataFrame, *, kind: str = "churn") -> alt.Chart:
    """Cumulative gains: the share of all positives found (y) when the top x% of customers by score are taken (x),
    against the diagonal of picking customers at random.

    ``gains`` is :func:`crm_core.predict.metrics.gains_table`.
    """
    if gains is None or gains.empty:
        return _message(t("prc_nothing"))
    model = t("prc_model_line")
    random = t("prc_random_line")
    curve = pd.DataFrame({"share": np.r_[0.0, _finite(gains["cum_share_customers"])],
                          "found": np.r_[0.0, _finite(gains["cum_share_positives"])],
                          "decile": np.r_[0, gains["decile"].to_numpy()], "line": model})
    diagonal = pd.DataFrame({"share": [0.0, 1.0], "found": [0.0, 1.0], "decile": [0, 10], "line": random})
    data = pd.concat([curve, diagonal], ignore_index=True)
    x_title, y_title = t("prc_gains_x"), t(f"prc_gains_y_{kind}")
    colour = alt.Color("line:N", title=None, scale=alt.Scale(domain=[model, random], range=[_MODEL, _RANDOM]))
    base = alt.Chart(data).encode(
        x=alt.X("share:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("found:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=colour,
        strokeDash=alt.StrokeDash("line:N", legend=None, scale=alt.Scale(domain=[model, random], range=[[1, 0],
                                                                                                        [5, 4]])),
        tooltip=[alt.Tooltip("share:Q", title=x_title, format=".0%"),
                 alt.Tooltip("found:Q", title=y_title, format=".1%")],
    )
    chart = base.mark_line() + base.transform_filter(alt.datum.line == model).mark_point(filled=True, size=40)
    return _styled(chart.properties(height=HEIGHT, title=_title(t(f"prc_gains_title_{kind}"),
                                                                t("prc_gains_subtitle"))))


def lift_chart(gains: pd.DataFrame, *, kind: str = "churn") -> alt.Chart:
    """Lift per decile (decile rate / overall rate), with the line at 1 (as good as random)."""
    if gains is None or gains.empty:
        return _message(t("prc_nothing"))
    data = pd.DataFrame({"decile": gains["decile"].astype(int).to_numpy(), "lift": _finite(gains["lift"]),
                         "rate": _finite(gains["rate"]), "customers": gains["customers"].astype(int).to_numpy()})
    x_title, y_title, rate_title = t("prc_decile"), t("prc_lift"), t(f"prc_rate_{kind}")
    bars = alt.Chart(data).mark_bar(color=_MODEL).encode(
        x=alt.X("decile:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("lift:Q", title=y_title),
        tooltip=[alt.Tooltip("decile:O", title=x_title), alt.Tooltip("lift:Q", title=y_title, format=".2f"),
                 alt.Tooltip("rate:Q", title=rate_title, format=".1%"),
                 alt.Tooltip("customers:Q", title=t("prc_customers"), format=",")],
    )
    one = alt.Chart(pd.DataFrame({"lift": [1.0]})).mark_rule(color=_RANDOM, strokeDash=[5, 4]).encode(y="lift:Q")
    return _styled((bars + one).properties(height=HEIGHT, title=_title(t("prc_lift_title"),
                                                                       t(f"prc_lift_subtitle_{kind}"))))


def calibration_chart(calibration: pd.DataFrame, *, kind: str = "churn") -> alt.Chart:
    """Predicted (x) against observed (y) rate per probability band, circles sized by customers; on the diagonal
    the scores can be read as probabilities.  ``calibration`` is :func:`crm_core.predict.metrics.calibration_table`.
    """
    if calibration is None or calibration.empty:
        return _message(t("prc_nothing"))
    data = pd.DataFrame({"predicted": _finite(calibration["predicted"]), "observed": _finite(calibration["observed"]),
                         "customers": calibration["customers"].astype(int).to_numpy(),
                         "band": [f"{lo:.0%}–{hi:.0%}" for lo, hi in zip(calibration["lower"], calibration["upper"],
                                                                         strict=True)]})
    x_title, y_title = t("prc_calib_x"), t(f"prc_calib_y_{kind}")
    diagonal = alt.Chart(pd.DataFrame({"a": [0.0, 1.0], "b": [0.0, 1.0]})).mark_line(
        color=_RANDOM, strokeDash=[5, 4]).encode(x="a:Q", y="b:Q")
    axis = {"axis": alt.Axis(format="%"), "scale": alt.Scale(domain=[0, 1])}
    points = alt.Chart(data).mark_circle(color=_MODEL, opacity=0.8).encode(
        x=alt.X("predicted:Q", title=x_title, **axis),
        y=alt.Y("observed:Q", title=y_title, **axis),
        size=alt.Size("customers:Q", title=t("prc_customers"), legend=None, scale=alt.Scale(range=[40, 600])),
        tooltip=[alt.Tooltip("band:N", title=t("prc_band")),
                 alt.Tooltip("predicted:Q", title=x_title, format=".1%"),
                 alt.Tooltip("observed:Q", title=y_title, format=".1%"),
                 alt.Tooltip("customers:Q", title=t("prc_customers"), format=",")],
    )
    line = alt.Chart(data).mark_line(color=_MODEL).encode(x="predicted:Q", y="observed:Q")
    return _styled((diagonal + line + points).properties(height=HEIGHT, title=_title(t("prc_calib_title"),
                                                                                     t("prc_calib_subtitle"))))


def importance_chart(importance: pd.DataFrame, *, top: int = 15) -> alt.Chart:
    """The ``top`` features by permutation importance (the fall in ROC AUC when the column is shuffled), in words,
    with ± one standard deviation.  ``importance`` is
    :func:`crm_core.predict.metrics.permutation_importance_table`."""
    if importance is None or importance.empty:
        return _message(t("prc_nothing"))
    best = importance.head(top)
    language = i18n.lang()
    data = pd.DataFrame({"feature": [feature_label(str(f), language) for f in best["feature"]],
                         "importance": _finite(best["importance"]), "std": _finite(best["std"])})
    data = data.assign(low=data["importance"] - data["std"].fillna(0), high=data["importance"] + data["std"].fillna(0))
    order = list(data["feature"])
    x_title, y_title = t("prc_importance_x"), t("prc_feature")
    # No axis title: the feature names are long ("longest gap between purchases (days)") and say what they are.
    base = alt.Chart(data).encode(y=alt.Y("feature:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)))
    bars = base.mark_bar(color=_MODEL).encode(
        x=alt.X("importance:Q", title=x_title),
        tooltip=[alt.Tooltip("feature:N", title=y_title), alt.Tooltip("importance:Q", title=x_title, format=".3f"),
                 alt.Tooltip("std:Q", title=t("prc_std"), format=".3f")])
    whiskers = base.mark_rule(color="#24292f").encode(x="low:Q", x2="high:Q")
    return _styled((bars + whiskers).properties(height=alt.Step(22), title=_title(t("prc_importance_title"),
                                                                                  t("prc_importance_subtitle"))))


def quadrant_chart(quadrants: pd.DataFrame, *, threshold: float, value_split: float | None = None,
                   currency: str = "") -> alt.Chart:
    """Churn risk (x) against customer value (y), one point per customer coloured by its group (high/low value x
    high/low risk), with the risk threshold and the value split drawn.  ``quadrants`` is
    :func:`crm_core.predict.churn.risk_value_quadrants`; at most :data:`MAX_POINTS` customers are drawn (the most
    value at risk first), and the subtitle says so."""
    from crm_core.predict.churn import QUADRANTS

    if quadrants is None or quadrants.empty:
        return _message(t("prc_nothing"))
    language = i18n.lang()
    frame = quadrants.assign(at_risk=quadrants["churn_risk"] * quadrants["customer_value"])
    subtitle = t("prc_quadrant_subtitle")
    if len(frame) > MAX_POINTS:
        frame = frame.sort_values("at_risk", ascending=False, kind="stable").head(MAX_POINTS)
        subtitle = t("prc_quadrant_capped", shown=MAX_POINTS, total=len(quadrants))
    split = float(quadrants["customer_value"].median()) if value_split is None else float(value_split)
    names = {key: words.text(language) for key, words in QUADRANTS.items()}
    data = pd.DataFrame({"customer_id": frame["customer_id"].astype(str).to_numpy(),
                         "risk": _finite(frame["churn_risk"]), "value": _finite(frame["customer_value"]),
                         "at_risk": _finite(frame["at_risk"]),
                         "group": frame["quadrant"].map(names).to_numpy()})
    x_title = t("prc_risk")
    y_title = t("prc_value", currency=currency) if currency else t("prc_value_plain")
    domain = [names[k] for k in QUADRANTS]
    points = alt.Chart(data).mark_circle(size=30, opacity=0.7).encode(
        x=alt.X("risk:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        # A square-root axis: a few big spenders no longer squash everyone else onto the bottom line.
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(type="sqrt")),
        color=alt.Color("group:N", title=None, legend=alt.Legend(labelLimit=0, columns=2),
                        scale=alt.Scale(domain=domain, range=[_QUADRANT_COLOURS[k] for k in QUADRANTS])),
        tooltip=[alt.Tooltip("customer_id:N", title=t("prc_customer")),
                 alt.Tooltip("risk:Q", title=x_title, format=".0%"),
                 alt.Tooltip("value:Q", title=y_title, format=",.0f"),
                 alt.Tooltip("at_risk:Q", title=t("prc_at_risk"), format=",.0f"),
                 alt.Tooltip("group:N", title=t("prc_group"))],
    )
    vertical = alt.Chart(pd.DataFrame({"risk": [threshold]})).mark_rule(color="#24292f", strokeDash=[5, 4]).encode(
        x="risk:Q")
    horizontal = alt.Chart(pd.DataFrame({"value": [split]})).mark_rule(color="#24292f", strokeDash=[5, 4]).encode(
        y="value:Q")
    return _styled((points + vertical + horizontal).properties(height=HEIGHT + 60,
                                                               title=_title(t("prc_quadrant_title"), subtitle)))


def profit_chart(targeting: pd.DataFrame, best: pd.Series | None = None, *, currency: str = "") -> alt.Chart:
    """Expected profit (y) of contacting the top K customers by score (x), against contacting K at random, with
    the best K marked.  ``targeting`` is :func:`crm_core.predict.targeting.targeting_table`, ``best`` its
    :func:`crm_core.predict.targeting.best_k` row."""
    if targeting is None or targeting.empty:
        return _message(t("prc_nothing"))
    model, random = t("prc_by_score"), t("prc_at_random")
    contacted = targeting["contacted"].astype(int).to_numpy()
    data = pd.concat([
        pd.DataFrame({"contacted": contacted, "profit": _finite(targeting["profit"]), "line": model,
                      "responders": _finite(targeting["expected_responders"])}),
        pd.DataFrame({"contacted": contacted, "profit": _finite(targeting["random_profit"]), "line": random,
                      "responders": _finite(targeting["random_responders"])}),
    ], ignore_index=True)
    x_title = t("prc_contacted")
    y_title = t("prc_profit", currency=currency) if currency else t("prc_profit_plain")
    lines = alt.Chart(data).mark_line().encode(
        x=alt.X("contacted:Q", title=x_title), y=alt.Y("profit:Q", title=y_title),
        color=alt.Color("line:N", title=None, scale=alt.Scale(domain=[model, random], range=[_MODEL, _RANDOM])),
        strokeDash=alt.StrokeDash("line:N", legend=None,
                                  scale=alt.Scale(domain=[model, random], range=[[1, 0], [5, 4]])),
        tooltip=[alt.Tooltip("line:N", title=" "), alt.Tooltip("contacted:Q", title=x_title, format=","),
                 alt.Tooltip("profit:Q", title=y_title, format=",.0f"),
                 alt.Tooltip("responders:Q", title=t("prc_expected_responders"), format=",.1f")],
    )
    zero = alt.Chart(pd.DataFrame({"profit": [0.0]})).mark_rule(color="#d0d7de").encode(y="profit:Q")
    chart = zero + lines
    subtitle = ""
    if best is not None:
        k, profit = int(best["contacted"]), float(best["profit"])
        subtitle = t("prc_best_k_subtitle", k=k, profit=f"{currency}{profit:,.0f}")
        mark = pd.DataFrame({"contacted": [k], "profit": [profit], "label": [t("prc_best_k_label", k=k)]})
        chart = chart + alt.Chart(mark).mark_rule(color=_BEST, strokeDash=[3, 3]).encode(x="contacted:Q") \
            + alt.Chart(mark).mark_point(color=_BEST, filled=True, size=90).encode(x="contacted:Q", y="profit:Q") \
            + alt.Chart(mark).mark_text(color=_BEST, align="left", dx=8, dy=-10, fontWeight="bold").encode(
                x="contacted:Q", y="profit:Q", text="label:N")
    return _styled(chart.properties(height=HEIGHT, title=_title(t("prc_profit_title"), subtitle)))
