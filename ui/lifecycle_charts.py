"""Altair charts of the Lifecycle & cohorts page, labelled in the session's language (fonts of :mod:`ui.charts`).

Every chart takes the core's tables (:func:`crm_core.segment.rfm.segment_summary`, :class:`Migration` grids,
:func:`crm_core.segment.cohorts.cohort_table`, :func:`crm_core.segment.cohorts.new_vs_returning`) plus the
names to show; nothing here computes an analysis figure.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts import _styled
from ui.i18n import t

__all__ = ["cohort_heatmap", "migration_heatmap", "new_returning_bars", "stage_bars"]

_NEW_COLOR, _RETURNING_COLOR = "#4575b4", "#91bfdb"


def _short_money(value: float) -> str:
    """12,345 -> "12.3k", 1,234,567 -> "1.2M": short enough for a heat-map cell."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.1f}M"
    if size >= 1e4:
        return f"{value / 1e3:.0f}k"
    if size >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def stage_bars(summary: pd.DataFrame, colors: dict[str, str]) -> alt.Chart:
    """Share of customers and share of revenue per stage, side by side, each stage in its own colour.

    ``summary`` is :func:`crm_core.segment.rfm.segment_summary` of :class:`crm_core.segment.lifecycle.Lifecycle`
    (``segment`` key, ``name``, ``customers``, ``customer_share``, ``revenue``, ``revenue_share``).
    """
    order = list(summary["name"])
    scale = alt.Scale(domain=order, range=[colors.get(k, "#9e9e9e") for k in summary["segment"]])
    panels = []
    for share, count, title, fmt in (("customer_share", "customers", t("lc_customer_share"), "{:,.0f}"),
                                     ("revenue_share", "revenue", t("lc_revenue_share"), "{:,.0f}")):
        frame = pd.DataFrame({"name": summary["name"], "share": summary[share].fillna(0.0),
                              "value": summary[count].map(fmt.format)})
        frame = frame.assign(label=frame["share"].map("{:.0%}".format))
        base = alt.Chart(frame, title=title).encode(
            y=alt.Y("name:N", sort=order, title=None),
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title=None,
                    scale=alt.Scale(domain=[0, max(1e-9, float(frame["share"].max()) * 1.15)])),
            tooltip=[alt.Tooltip("name:N", title=t("lc_stage")), alt.Tooltip("share:Q", format=".1%", title=title),
                     alt.Tooltip("value:N", title=t("lc_value_customers") if count == "customers"
                                 else t("kpi_revenue"))],
        )
        bars = base.mark_bar().encode(color=alt.Color("name:N", scale=scale, legend=None))
        text = base.mark_text(align="left", dx=3).encode(text="label:N")
        panels.append((bars + text).properties(height=alt.Step(30), width=300))
    return _styled(alt.hconcat(*panels).resolve_scale(y="shared"))


def migration_heatmap(grid: pd.DataFrame, rows: dict[str, str], columns: dict[str, str], value: str, *,
                      row_title: str, column_title: str, value_title: str) -> alt.Chart:
    """A heat map of a migration matrix (:meth:`crm_core.segment.lifecycle.Migration.matrix`).

    ``rows`` / ``columns`` map the grid's group keys to display names (in matrix order); ``value`` is
    "customers", "revenue" or "from_share" (it picks the cell labels' format); empty cells are left white.
    """
    long = grid.rename_axis(index="from_group", columns="to_group").stack().rename("value").reset_index()
    long = long.assign(frm=long["from_group"].map(rows), to=long["to_group"].map(columns))
    if value == "from_share":
        label = long["value"].map(lambda v: f"{v:.0%}" if v else "")
    elif value == "revenue":
        label = long["value"].map(lambda v: _short_money(v) if v else "")
    else:
        label = long["value"].map(lambda v: f"{v:,.0f}" if v else "")
    long = long.assign(label=label)
    top = float(long["value"].max()) if len(long) else 0.0
    base = alt.Chart(long).encode(
        x=alt.X("to:N", sort=list(columns.values()), title=column_title,
                axis=alt.Axis(orient="top", labelAngle=-35, labelLimit=160)),
        y=alt.Y("frm:N", sort=list(rows.values()), title=row_title, axis=alt.Axis(labelLimit=180)),
    )
    tooltip_format = ".1%" if value == "from_share" else ",.0f"
    rect = base.mark_rect(stroke="#eeeeee").encode(
        # Empty cells white; the others from light to dark blue (Vega's blend from white tints the low end).
        color=alt.condition(alt.datum.value == 0, alt.value("#ffffff"), alt.Color(
            "value:Q", title=value_title, scale=alt.Scale(domainMin=0, range=["#eff3ff", "#08519c"]),
            legend=alt.Legend(orient="right", format=".0%" if value == "from_share" else ",.0f"))),
        tooltip=[alt.Tooltip("frm:N", title=row_title), alt.Tooltip("to:N", title=column_title),
                 alt.Tooltip("value:Q", format=tooltip_format, title=value_title)],
    )
    text = base.mark_text(baseline="middle", fontSize=11).encode(
        text="label:N",
        color=alt.condition(alt.datum.value > top / 2, alt.value("white"), alt.value("black")),
    )
    return _styled((rect + text).properties(height=alt.Step(30)))


def cohort_heatmap(table: pd.DataFrame, value: str, *, value_title: str) -> alt.Chart:
    """Cohorts down (oldest first), months since the first purchase across, one cell per (cohort, month).

    ``table`` is :func:`crm_core.segment.cohorts.cohort_table`; ``value`` "retention" (labels in percent; the
    colour scale stops at the best month after the first, so month 0's 100% does not wash the rest out),
    "revenue" or "active_customers".  Cells of a partial month (``complete_month`` False) are marked "*".
    """
    frame = table[["cohort", "months_since_first", "cohort_size", value, "complete_month"]].rename(
        columns={value: "value"})
    if value == "retention":
        text = frame["value"].map("{:.0%}".format)
        later = frame.loc[frame["months_since_first"] > 0, "value"]
        top = float(later.max()) if len(later) and later.max() > 0 else 1.0
        legend_format, tooltip_format = ".0%", ".1%"
    else:
        text = frame["value"].map(_short_money if value == "revenue" else "{:,.0f}".format)
        top = float(frame["value"].max()) if len(frame) and frame["value"].max() > 0 else 1.0
        legend_format = tooltip_format = ",.0f"
    frame = frame.assign(label=text.where(frame["complete_month"], text + "*"))
    cohorts = sorted(frame["cohort"].unique())
    base = alt.Chart(frame).encode(
        x=alt.X("months_since_first:O", title=t("lc_months_since_axis"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:O", sort=cohorts, title=t("lc_cohort_axis")),
    )
    rect = base.mark_rect(stroke="#eeeeee").encode(
        color=alt.condition(alt.datum.value == 0, alt.value("#ffffff"), alt.Color(
            "value:Q", title=value_title, scale=alt.Scale(domain=[0, top], clamp=True, range=["#edf8e9", "#006d2c"]),
            legend=alt.Legend(orient="right", format=legend_format))),
        tooltip=[alt.Tooltip("cohort:O", title=t("lc_cohort_axis")),
                 alt.Tooltip("months_since_first:O", title=t("lc_months_since_axis")),
                 alt.Tooltip("cohort_size:Q", format=",", title=t("lc_value_customers")),
                 alt.Tooltip("value:Q", format=tooltip_format, title=value_title)],
    )
    labels = base.mark_text(baseline="middle", fontSize=10).encode(
        text="label:N",
        color=alt.condition(alt.datum.value > top / 2, alt.value("white"), alt.value("black")),
    )
    return _styled((rect + labels).properties(height=alt.Step(24)))


def new_returning_bars(table: pd.DataFrame, currency: str) -> alt.Chart:
    """Customers and revenue per month, stacked new (bottom) and returning, side by side.

    ``table`` is :func:`crm_core.segment.cohorts.new_vs_returning`; a partial last month is marked "*".
    """
    month = table["month"].where(table["complete_month"], table["month"] + "*")
    kinds = [t("lc_new"), t("lc_returning")]
    scale = alt.Scale(domain=kinds, range=[_NEW_COLOR, _RETURNING_COLOR])
    panels = []
    for new, returning, title in (("new_customers", "returning_customers", t("lc_customers_axis")),
                                  ("new_revenue", "returning_revenue", t("lc_revenue_axis", currency=currency))):
        long = pd.concat([pd.DataFrame({"month": month, "kind": kinds[0], "order": 0, "value": table[new]}),
                          pd.DataFrame({"month": month, "kind": kinds[1], "order": 1, "value": table[returning]})],
                         ignore_index=True)
        chart = alt.Chart(long, title=title).mark_bar().encode(
            x=alt.X("month:O", sort=list(month), title=t("lc_month_axis"), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("value:Q", title=None, stack="zero"),
            color=alt.Color("kind:N", scale=scale, sort=kinds, title=t("lc_type")),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("month:O", title=t("lc_month_axis")), alt.Tooltip("kind:N", title=t("lc_type")),
                     alt.Tooltip("value:Q", format=",.0f", title=title)],
        ).properties(height=280, width=360)
        panels.append(chart)
    return _styled(alt.hconcat(*panels))
