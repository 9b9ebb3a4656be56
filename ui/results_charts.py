"""Altair charts of the Campaign results page, labelled in the session's language (fonts of :mod:`ui.charts`).

Every chart draws a table of :mod:`crm_core.measure.results` (success rates with Wilson intervals, the lift over
the control group, a model list's hit rate against the base rate); nothing here computes an analysis figure.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import _styled
from ui.i18n import t

__all__ = ["lift_chart", "model_chart", "rates_chart"]

_TARGET, _CONTROL, _LINE = "#1f6feb", "#8c959f", "#cf222e"


def _title(text: str, subtitle: str = "") -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle, anchor="start", subtitleColor="#57606a")


def _pct(values) -> list[str]:
    return [("–" if pd.isna(v) else f"{v:.1%}") for v in values]


def rates_chart(rates: pd.DataFrame, by: str, *, label: str, confidence: float) -> alt.Chart:
    """Each value's success rate (point) and its interval (rule), best first.

    ``rates`` is :func:`crm_core.measure.results.success_rates`; ``label`` names the dimension (axis title).
    """
    data = pd.DataFrame({
        "item": rates[by].astype(str).to_numpy(), "rate": rates["rate"].astype(float).to_numpy(),
        "low": rates["low"].astype(float).fillna(0).to_numpy(),
        "high": rates["high"].astype(float).fillna(0).to_numpy(),
        "contacts": rates["contacts"].map("{:,}".format).to_numpy(), "rate_text": _pct(rates["rate"]),
        "interval": [f"{a} – {b}" for a, b in zip(_pct(rates["low"]), _pct(rates["high"]), strict=True)],
    })
    order = list(data["item"])
    y = alt.Y("item:N", sort=order, title=label, scale=alt.Scale(domain=order))
    tooltip = [alt.Tooltip("item:N", title=label), alt.Tooltip("rate_text:N", title=t("cr_rate")),
               alt.Tooltip("interval:N", title=t("cr_interval")), alt.Tooltip("contacts:N", title=t("cr_contacts_col"))]
    base = alt.Chart(data)
    rule = base.mark_rule(strokeWidth=3, color=_CONTROL).encode(
        y=y, x=alt.X("low:Q", title=t("cr_rate"), axis=alt.Axis(format="%")), x2="high:Q", tooltip=tooltip)
    point = base.mark_point(filled=True, size=110, color=_TARGET).encode(y=y, x="rate:Q", tooltip=tooltip)
    text = base.mark_text(align="left", dx=8, dy=-10, color="#24292f").encode(y=y, x="rate:Q", text="rate_text:N")
    chart = (rule + point + text).properties(height=alt.Step(40), title=_title(
        t("cr_rates_title") + " · " + label, t("cr_rates_caption", confidence=f"{confidence:.0%}")))
    return _styled(chart)


def lift_chart(row: dict) -> alt.Chart:
    """Target against control: each group's success rate as a bar with its Wilson interval.

    ``row`` is one row of :func:`crm_core.measure.results.control_lift` plus ``target_low``/``target_high`` and
    ``control_low``/``control_high`` (the page adds the Wilson intervals of each rate)."""
    data = pd.DataFrame({
        "group": [t("cr_target"), t("cr_control")],
        "rate": [float(row["target_rate"]), float(row["control_rate"])],
        "low": [float(row["target_low"]), float(row["control_low"])],
        "high": [float(row["target_high"]), float(row["control_high"])],
        "n": [f"{int(row['target_n']):,}", f"{int(row['control_n']):,}"],
        "colour": [_TARGET, _CONTROL],
    })
    data = data.assign(rate_text=_pct(data["rate"]),
                       interval=[f"{a} – {b}" for a, b in zip(_pct(data["low"]), _pct(data["high"]), strict=True)])
    x = alt.X("group:N", sort=list(data["group"]), title=t("cr_group"), axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("group:N", title=t("cr_group")), alt.Tooltip("rate_text:N", title=t("cr_rate")),
               alt.Tooltip("interval:N", title=t("cr_interval")), alt.Tooltip("n:N", title=t("cr_contacts_col"))]
    base = alt.Chart(data)
    bars = base.mark_bar(size=60).encode(x=x, y=alt.Y("rate:Q", title=t("cr_rate"), axis=alt.Axis(format="%")),
                                         color=alt.Color("colour:N", scale=None), tooltip=tooltip)
    rule = base.mark_rule(strokeWidth=2, color="#24292f").encode(x=x, y="low:Q", y2="high:Q")
    text = base.mark_text(dy=-12, dx=22, color="#24292f").encode(x=x, y="rate:Q", text="rate_text:N")
    lift = float(row["lift"])
    subtitle = t("cr_points", value=f"{lift * 100:+.1f}")
    return _styled((bars + rule + text).properties(height=300, title=_title(t("cr_lift_title"), subtitle)))


def model_chart(check: dict) -> alt.Chart:
    """A model list's hit rate against the base rate (the share among all scored customers)."""
    kind = check["kind"]
    data = pd.DataFrame({"who": [t("cr_model_chart_list"), t("cr_model_chart_all")],
                         "share": [check["hit_rate"], check["base_rate"]], "colour": [_TARGET, _CONTROL]})
    data = data.assign(share=data["share"].astype(float).replace([np.inf, -np.inf], np.nan).fillna(0.0))
    data = data.assign(text=_pct(data["share"]))
    x = alt.X("who:N", sort=list(data["who"]), title=None, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(data)
    bars = base.mark_bar(size=60).encode(
        x=x, y=alt.Y("share:Q", title=t("cr_share"), axis=alt.Axis(format="%")),
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("who:N", title=t("cr_model_source")), alt.Tooltip("text:N", title=t("cr_share"))])
    text = base.mark_text(dy=-8, color="#24292f").encode(x=x, y="share:Q", text="text:N")
    return _styled((bars + text).properties(height=260, title=_title(t(f"cr_model_chart_title_{kind}"))))
