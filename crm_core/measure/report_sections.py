"""The sections of the client report, each computed by the functions the pages and the CLI use.

One builder per key of :data:`crm_core.measure.report.SECTIONS`; :func:`run` calls it and turns any failure
into a skipped section with the reason in words.  The shared steps (scoped orders, customer table, RFM scores)
are computed once per report in :class:`Context`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from crm_core import columns as columns_registry
from crm_core import export, pipeline
from crm_core.measure.report import Chart, ReportChoice, ReportInputs, Section, Table
from crm_core.measure.report_texts import word
from crm_core.messages import render
from crm_core.schema import DataError
from crm_core.segment import rfm

__all__ = ["Context", "finite", "kinds", "run", "settings_rows"]

_MONEY = frozenset({"monetary", "customer_value", "value_at_risk", "clv", "revenue", "avg_order_value",
                    "expected_order_value", "avg_monetary", "revenue_per_contact", "incremental_revenue"})
_KIND_OF_CODE = {"#,##0.00": "num", "#,##0": "int", "0.0%": "pct", "yyyy-mm-dd": "date"}


@dataclass(eq=False)
class Context:
    """What every section reads: the inputs, the settings, the report choice, the language and analysis date."""

    inputs: ReportInputs
    settings: Any
    choice: ReportChoice
    lang: str
    as_of: date
    _cache: dict = field(default_factory=dict)

    @property
    def result(self):
        return self.inputs.loaded.result

    @property
    def customers(self) -> pd.DataFrame | None:
        return self.inputs.customers if self.inputs.customers is not None else self.result.customers

    @cached_property
    def params(self) -> rfm.RfmParams:
        params = self.settings.rfm
        if params.method == "threshold" and params.thresholds is None:  # as the CLI: quantiles then
            params = rfm.RfmParams(frequency_basis=params.frequency_basis, scheme=params.scheme)
        return params

    @cached_property
    def scoped(self):
        return pipeline.in_scope(self.result, self.settings.scope, as_of=self.as_of)

    @cached_property
    def table(self) -> pd.DataFrame:
        table = pipeline.customer_table(self.scoped.orders, self.scoped.customers, as_of=self.as_of)
        if table.empty:
            raise DataError("no_purchases_before", as_of=self.as_of,
                            first=self.result.orders["order_date"].min().date())
        return table

    @cached_property
    def scored(self) -> pd.DataFrame:
        return pipeline.rfm_scores(self.result, as_of=self.as_of, params=self.params, table=self.table)

    @cached_property
    def segment_names(self) -> pd.Series:
        """customer_id -> RFM segment name in the report's language."""
        scheme = self.params.scheme
        keys = self.scored["segment"]
        names = {k: scheme.text(k, "name", self.lang) for k in pd.unique(keys)}
        return pd.Series(keys.map(names).to_numpy(), index=self.scored["customer_id"].astype(str), name="segment")

    def money(self, value: float) -> str:
        return f"{self.inputs.currency}{value:,.2f}"

    def w(self, key: str, **params: object) -> str:
        return word(key, self.lang, **params)


def run(key: str, ctx: Context) -> Section:
    """Section ``key`` computed, or skipped with the reason in words (never an exception)."""
    title = ctx.w(key)
    try:
        return _BUILDERS[key](ctx, title)
    except DataError as exc:
        return Section(key=key, title=title, skipped=exc.text(ctx.lang))
    except (ImportError, AttributeError) as exc:  # a helper's module not there yet in this version
        return Section(key=key, title=title, skipped=render("rp_skip_unavailable", ctx.lang, part=str(exc)))
    except Exception as exc:  # noqa: BLE001 - a report never stops on one section; it says why in words
        text = f"{type(exc).__name__}: {exc}"[:300]
        return Section(key=key, title=title, skipped=render("rp_skip_failed", ctx.lang, error=text))


def kinds(names: list[str], lang: str, *, money: frozenset[str] = _MONEY) -> dict[str, str]:
    """Header (in ``lang``) -> number kind of canonical columns ``names``, from the column registry."""
    out = {}
    for name in names:
        kind = "money" if name in money else _KIND_OF_CODE.get(columns_registry.excel_format(name) or "")
        if kind:
            out[export.column_label(name, lang)] = kind
    return out


# --- data quality --------------------------------------------------------------------------------------------
def _data_quality(ctx: Context, title: str) -> Section:
    result = ctx.result
    report = result.report
    facts = pipeline.facts(result)
    excluded = int(report.rows_read - report.rows_used)  # (an engine's report keeps one example row per reason)
    read = int(report.rows_read)
    last = result.orders["order_date"].max().date()
    first = facts["first_date"]
    figures = pd.DataFrame({
        ctx.w("metric"): [ctx.w(k) for k in ("rows_read", "rows_used", "rows_excluded", "customers", "orders",
                                              "period", "as_of")],
        ctx.w("value"): [f"{read:,}", f"{facts['rows_used']:,}", f"{excluded:,}", f"{facts['customers']:,}",
                         f"{facts['orders']:,}", f"{first} – {last}", f"{ctx.as_of}"],
    })
    reasons = report.reason_table(ctx.lang)
    reasons = reasons.rename(columns={"reason": ctx.w("reason"), "rows": ctx.w("rows")})
    paragraphs = [ctx.w("dq_sentence", read=read, used=facts["rows_used"], excluded=excluded,
                        share=excluded / max(read, 1), customers=facts["customers"], orders=facts["orders"],
                        first=first, last=last)]
    tables = [Table(ctx.w("figures_table"), figures)]
    charts = []
    if excluded:
        tables.append(Table(ctx.w("excluded_table"), reasons, {ctx.w("rows"): "int"}))
        charts.append(Chart("bar", ctx.w("excluded_chart"), ctx.w("reason"), ctx.w("rows"),
                            tuple(reasons.iloc[:, 0].astype(str)),
                            ((ctx.w("rows"), tuple(float(v) for v in reasons.iloc[:, 1])),), "int"))
    else:
        paragraphs.append(ctx.w("dq_none_excluded"))
    return Section("data_quality", title, tuple(paragraphs), tuple(tables), tuple(charts))


# --- RFM segments ----------------------------------------------------------------------------------------------
_SEG_COLUMNS = (("name", "segment", None), ("customers", "customers", "int"), ("customer_share", "customer_share",
                "pct"), ("revenue", "revenue", "money"), ("revenue_share", "revenue_share", "pct"),
                ("avg_recency_days", "avg_recency", "num"), ("avg_frequency", "avg_frequency", "num"),
                ("avg_monetary", "avg_monetary", "money"), ("action", "action", None))


def _segments(ctx: Context, title: str) -> Section:
    scored = ctx.scored
    summary = rfm.segment_summary(scored, ctx.params.scheme, lang=ctx.lang)
    frame = pd.DataFrame({ctx.w(label): summary[column].to_numpy() for column, label, _ in _SEG_COLUMNS})
    formats = {ctx.w(label): kind for _, label, kind in _SEG_COLUMNS if kind}
    top = summary.sort_values("revenue_share", ascending=False, kind="stable").iloc[0]
    sentence = ctx.w("seg_sentence", customers=len(scored), groups=len(summary), top=top["name"],
                     share=float(top["revenue_share"]), cshare=float(top["customer_share"]),
                     pareto=float(rfm.pareto_share(scored)))
    chart = Chart("grouped", ctx.w("segments_chart"), ctx.w("segment"), ctx.w("share_axis"),
                  tuple(summary["name"].astype(str)),
                  ((ctx.w("customer_share"), tuple(summary["customer_share"].astype(float))),
                   (ctx.w("revenue_share"), tuple(summary["revenue_share"].astype(float)))), "pct")
    return Section("segments", title, (sentence,), (Table(ctx.w("segments_table"), frame, formats),), (chart,))


# --- clusters ----------------------------------------------------------------------------------------------------
def _clusters(ctx: Context, title: str) -> Section:
    from crm_core.segment import cluster_inputs

    choice = ctx.settings.clusters
    if choice is None:
        return Section("clusters", title, skipped=render("rp_skip_no_clusters", ctx.lang))
    table = cluster_inputs.cluster_table(ctx.table, ctx.scoped.orders, choice.features, as_of=ctx.as_of)
    how = "k_saved" if choice.k is not None else "k_suggested"
    fitted = choice.fit(table)
    profiles = fitted.profiles(ctx.lang)
    main = pd.DataFrame({
        ctx.w("cluster"): profiles["cluster"], ctx.w("cluster_name"): profiles["cluster_name"],
        ctx.w("customers"): profiles["customers"], ctx.w("customer_share"): profiles["customer_share"],
        ctx.w("revenue"): profiles["revenue"], ctx.w("revenue_share"): profiles["revenue_share"],
        ctx.w("note"): profiles["distinctive"]})
    formats = {ctx.w("customers"): "int", ctx.w("customer_share"): "pct", ctx.w("revenue"): "money",
               ctx.w("revenue_share"): "pct"}
    features = {name: cluster_inputs.feature_label(name, ctx.lang) for name in fitted.profile_features}
    means = profiles.loc[:, ["cluster_name", *fitted.profile_features]].rename(
        columns={"cluster_name": ctx.w("cluster_name"), **features})
    share = fitted.revenue_shares[0]
    sentence = ctx.w("cl_sentence", customers=sum(fitted.sizes), k=fitted.k, how=ctx.w(how),
                     name=fitted.text(fitted.keys[0], "name", ctx.lang), share=0.0 if share != share else share)
    labels = tuple(f"{k} {fitted.text(k, 'name', ctx.lang)}" for k in fitted.keys)
    chart = Chart("grouped", ctx.w("clusters_chart"), ctx.w("cluster"), ctx.w("share_axis"), labels,
                  ((ctx.w("customer_share"), tuple(profiles["customer_share"].astype(float))),
                   (ctx.w("revenue_share"), tuple(profiles["revenue_share"].astype(float)))), "pct")
    return Section("clusters", title, (sentence,),
                   (Table(ctx.w("clusters_table"), main, formats),
                    Table(ctx.w("profiles_table"), means, {v: "num" for v in features.values()})), (chart,))


# --- association rules -------------------------------------------------------------------------------------------
def _rules(ctx: Context, title: str) -> Section:
    from crm_core.basket import crosssell as cs
    from crm_core.cli_basket import RULE_COLUMNS, rules_sheet

    choice = ctx.settings.crosssell
    mined = cs.mine(ctx.scoped.orders, choice, as_of=ctx.as_of)
    sentence = ctx.w("rules_sentence", baskets=mined.baskets.n, by=ctx.w(f"by_{choice.by}"),
                     itemsets=len(mined.itemsets), rules=len(mined.rules), support=choice.min_support,
                     confidence=choice.min_confidence)
    if mined.rules.empty:
        return Section("rules", title, (sentence,), skipped=render("rp_skip_empty", ctx.lang, what=ctx.w("no_rules")))
    sheet = rules_sheet(mined.rules, ctx.lang, by=choice.by).head(ctx.choice.top_n).reset_index(drop=True)
    headers = list(sheet.columns)
    formats = {headers[2]: "pct", headers[3]: "pct", headers[4]: "num", headers[5]: "num", headers[7]: "int"}
    shown = sheet.head(10)
    labels = tuple(f"{a} → {c}" for a, c in zip(shown.iloc[:, 0].astype(str), shown.iloc[:, 1].astype(str),
                                                 strict=True))
    chart = Chart("bar", ctx.w("rules_chart"), ctx.w("rule"), ctx.w("lift"), labels,
                  ((ctx.w("lift"), tuple(shown.iloc[:, RULE_COLUMNS.index("lift")].astype(float))),), "num")
    return Section("rules", title, (sentence,), (Table(ctx.w("rules_table", n=ctx.choice.top_n), sheet, formats),),
                   (chart,))


def _list_options(ctx: Context, *, opted_out: bool) -> export.ListOptions:
    personal = ctx.choice.include_personal
    return export.ListOptions(include_contact=True, mask_personal=not personal, include_opted_out=opted_out,
                              lang=ctx.lang)


def _privacy(ctx: Context) -> str:
    return ctx.w("personal_note" if ctx.choice.include_personal else "masked_note")


# --- churn -------------------------------------------------------------------------------------------------------
def _churn(ctx: Context, title: str) -> Section:
    from crm_core.predict import churn as ch
    from crm_core.predict.models import MODEL_LABELS
    from crm_core.predict.scores import RETENTION_LIST_COLUMNS, retention_table

    choice = ctx.settings.churn
    orders, customers = ctx.result.orders, ctx.customers
    prediction = ch.run_churn(orders, customers, choice=choice, as_of=ctx.inputs.as_of or ctx.settings.as_of)
    rows = ch.retention_list(prediction, None, threshold=choice.threshold, lang=ctx.lang)
    rows = retention_table(pipeline.customer_table(orders, customers, as_of=prediction.as_of), rows)
    columns = [c for c in RETENTION_LIST_COLUMNS if c in rows.columns or c in export.CONTACT_COLUMNS]
    built = export.campaign_list(rows, columns=columns, options=_list_options(ctx, opted_out=False))
    model = prediction.model_name
    auc = float(prediction.comparison.set_index("model").loc[model, "auc"])
    label = MODEL_LABELS[model].text(ctx.lang) if model in MODEL_LABELS else model
    paragraphs = [ctx.w("churn_sentence", model=label, auc=auc, listed=built.rows, threshold=choice.threshold,
                        value=ctx.money(_listed_value(rows))), _privacy(ctx)]
    if built.opted_out_excluded:
        paragraphs.append(ctx.w("opted_out_note", n=built.opted_out_excluded))
    comparison = prediction.comparison
    models = pd.DataFrame({ctx.w("model"): [MODEL_LABELS[m].text(ctx.lang) if m in MODEL_LABELS else m
                                            for m in comparison["model"]],
                           ctx.w("auc"): comparison["auc"].astype(float).to_numpy()})
    risk = prediction.scores["p"].astype(float).to_numpy()
    edges = np.linspace(0, 1, 11)
    counts, _ = np.histogram(np.clip(risk, 0, 1), bins=edges)
    bands = tuple(f"{int(lo * 100)}–{int(hi * 100)}%" for lo, hi in zip(edges[:-1], edges[1:], strict=True))
    chart = Chart("bar", ctx.w("churn_chart"), ctx.w("risk_axis"), ctx.w("customers_axis"), bands,
                  ((ctx.w("customers_axis"), tuple(float(c) for c in counts)),), "int")
    listed = built.frame.head(ctx.choice.top_n)
    return Section("churn", title, tuple(paragraphs),
                   (Table(ctx.w("churn_list", n=ctx.choice.top_n), listed, kinds(columns, ctx.lang)),
                    Table(ctx.w("churn_models"), models, {ctx.w("auc"): "num"})), (chart,))


def _listed_value(rows: pd.DataFrame) -> float:
    """Value at risk of the listed customers who did not opt out."""
    flags = export.opted_out_flags(rows) if "opted_out" in rows.columns else pd.Series(False, index=rows.index)
    return float(rows.loc[~flags.to_numpy(), "value_at_risk"].sum())


# --- lifetime value ----------------------------------------------------------------------------------------------
def _with_contacts(rows: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """``rows`` (customer_id column) with the customers' name, phone, e-mail and opt-out flag."""
    if customers is None or customers.empty:
        return rows
    if "customer_id" not in customers.columns:
        customers = customers.rename_axis("customer_id").reset_index()
    wanted = [c for c in ("customer_id", *export.CONTACT_COLUMNS, "opted_out") if c in customers.columns
              and (c == "customer_id" or c not in rows.columns)]
    extra = customers.loc[:, wanted].drop_duplicates("customer_id")
    return rows.merge(extra.assign(customer_id=extra["customer_id"].astype("str")), how="left", on="customer_id")


def _clv(ctx: Context, title: str) -> Section:
    from crm_core.predict import clv

    choice = ctx.settings.clv
    result = clv.run_clv(ctx.result.orders, as_of=ctx.as_of, choice=choice)
    table = result.table.sort_values("clv", ascending=False, kind="stable")
    rows = table.drop(columns=["method"], errors="ignore").rename_axis("customer_id").reset_index()
    rows = rows.assign(customer_id=rows["customer_id"].astype(str))
    names = ("customer_id", *export.CONTACT_COLUMNS, "prob_alive", "expected_purchases", "expected_order_value",
             "clv")
    built = export.campaign_list(_with_contacts(rows, ctx.customers), columns=names,
                                 options=_list_options(ctx, opted_out=True))
    total = float(table["clv"].sum())
    mean = total / len(table) if len(table) else 0.0
    method = ctx.w("method_model" if result.method == "model" else "method_formula")
    paragraphs = [ctx.w("clv_sentence", method=method, months=choice.horizon_months, customers=len(table),
                        total=ctx.money(total), mean=ctx.money(mean)), _privacy(ctx)]
    tables = [Table(ctx.w("clv_table", n=ctx.choice.top_n), built.frame.head(ctx.choice.top_n),
                    kinds(list(names), ctx.lang))]
    charts = []
    try:
        segments = ctx.segment_names
    except DataError:
        segments = None
    if segments is not None:
        by = rows.assign(segment=rows["customer_id"].map(segments)).dropna(subset=["segment"])
        grouped = by.groupby("segment", sort=False)["clv"].agg(["size", "sum", "mean"]).sort_values(
            "sum", ascending=False)
        frame = pd.DataFrame({ctx.w("segment"): grouped.index.astype(str), ctx.w("customers"): grouped["size"],
                              ctx.w("clv_total"): grouped["sum"], ctx.w("clv_mean"): grouped["mean"]})
        tables.append(Table(ctx.w("clv_by_segment"), frame.reset_index(drop=True),
                            {ctx.w("customers"): "int", ctx.w("clv_total"): "money", ctx.w("clv_mean"): "money"}))
        charts.append(Chart("bar", ctx.w("clv_chart"), ctx.w("segment"), ctx.w("clv_total"),
                            tuple(grouped.index.astype(str)), ((ctx.w("clv_total"), tuple(grouped["sum"])),),
                            "money"))
    return Section("clv", title, tuple(paragraphs), tuple(tables), tuple(charts))


# --- campaign results and forecast live in report_measures (kept apart: module size) ------------------------------
def _campaign_results(ctx: Context, title: str) -> Section:
    from crm_core.measure import report_measures

    return report_measures.campaign_results(ctx, title)


def _forecast(ctx: Context, title: str) -> Section:
    from crm_core.measure import report_measures

    return report_measures.forecast(ctx, title)


_BUILDERS = {"data_quality": _data_quality, "segments": _segments, "clusters": _clusters, "rules": _rules,
             "churn": _churn, "clv": _clv, "campaign_results": _campaign_results, "forecast": _forecast}


# --- appendix ----------------------------------------------------------------------------------------------------
def settings_rows(settings: Any, choice: ReportChoice, lang: str, as_of: date, currency: str
                  ) -> list[tuple[str, str]]:
    """The analysis settings the report used, in words: (label, text) pairs."""
    w = lambda key, **p: word(key, lang, **p)  # noqa: E731
    sep = "、" if lang == "zh" else ", "
    scope = settings.scope
    if scope.start is not None:
        window = w("s_from", day=scope.start)
    elif scope.months is not None:
        window = w("s_months", n=scope.months)
    else:
        window = w("s_all")
    filters = sep.join([*scope.channels, *scope.categories, *scope.cities]) or w("s_none")
    params = settings.rfm
    clusters = settings.clusters
    cluster_text = w("s_off") if clusters is None else (w("s_k_auto") if clusters.k is None else f"k = {clusters.k}")
    xs = settings.crosssell
    churn, clv, fc = settings.churn, settings.clv, settings.forecast
    personal = w("s_shown" if choice.include_personal else "s_masked")
    return [
        (w("as_of"), str(as_of)), (w("s_window"), window), (w("s_filters"), filters),
        (w("s_rfm"), w("s_rfm_text", method=_maybe(f"method_{params.method}", lang, params.method),
                        base=settings.scheme_base,
                        basis=_maybe(f"basis_{params.frequency_basis}", lang, params.frequency_basis))),
        (w("s_clusters"), cluster_text),
        (w("s_rules"), w("s_rules_text", support=xs.min_support, confidence=xs.min_confidence,
                         level=_maybe(f"level_{xs.level}", lang, xs.level), by=_maybe(f"by_{xs.by}", lang, xs.by))),
        (w("s_churn"), w("s_churn_text", days=churn.horizon_days, threshold=churn.threshold,
                         models=sep.join(_model_label(m, lang) for m in churn.models))),
        (w("s_clv"), w("s_clv_text", months=clv.horizon_months, discount=clv.discount_yearly, margin=clv.margin)),
        (w("s_forecast"), w("s_forecast_text", freq=w(f"freq_{fc.freq}") if fc.freq in ("W", "M") else fc.freq,
                            measure=w(f"measure_{fc.measure}") if fc.measure in ("revenue", "orders") else fc.measure,
                            horizon=fc.horizon, confidence=fc.confidence)),
        (w("s_report"), w("s_report_text", n=choice.top_n, personal=personal)),
        (w("s_currency"), currency or "—"), (w("s_lang"), "中文" if lang == "zh" else "English"),
    ]


def _maybe(key: str, lang: str, default: str) -> str:
    from crm_core.measure.report_texts import TEXTS

    return word(key, lang) if key in TEXTS else str(default)


def _model_label(name: str, lang: str) -> str:
    from crm_core.predict.models import MODEL_LABELS

    return MODEL_LABELS[name].text(lang) if name in MODEL_LABELS else name


def finite(value: object) -> bool:
    """A real number that is not NaN or infinite."""
    return isinstance(value, int | float | np.floating | np.integer) and math.isfinite(float(value))
