"""segment, rules and clv on the engine path (``python -m crm_core segment|rules|clv … --engine duckdb|spark``).

Each takes what the engine step gives (:mod:`crm_core.engine.run`) and runs the pandas command's own functions on
it, so the answers are the pandas commands' answers:

- segment: the customer table with modes and rhythm -> RFM scores, lifecycle stages, clusters (the
  :class:`~crm_core.segment.combined.ClusterChoice` of ``--k`` / the settings, fitted as
  :mod:`crm_core.cli_segment` fits them; above :data:`CLUSTER_SAMPLE` customers on a seeded sample, then every
  customer assigned to its nearest centre in chunks), tags whose rules read the customer table.  A tag rule with a
  purchase condition (:class:`~crm_core.segment.tags.Bought`) needs the order lines: it is left out with a note
  naming it; a cluster feature that is a share of purchases is an error naming it.
- rules: the baskets from the engine -> :func:`crm_core.basket.mining.frequent_itemsets` and the rules of
  :mod:`crm_core.basket.crosssell` -> the Rules sheet of :mod:`crm_core.cli_basket`; the next-best offers and
  bundles to complete (``x.offers.<suffix>``, ``x.bundles.<suffix>``) need every customer's items in memory:
  written up to :data:`OFFERS_MAX_CUSTOMERS` customers, left out above with a note.
- clv: the purchase summary from the engine -> :func:`crm_core.predict.clv.fit_bgnbd` / ``fit_gamma_gamma`` /
  ``discounted_clv`` as :func:`crm_core.predict.clv.run_clv` does, with its formula fallback (the formula reads the
  customer table: a second engine pass, only then).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_core.messages import render
from crm_core.schema import DataError, Note

__all__ = ["CLUSTER_SAMPLE", "SEGMENT_COLUMNS", "run_clv", "run_rules", "run_segment"]

CLUSTER_SAMPLE = 50_000  # customers: k-means (10 starts) takes ~15 s on 25,000 here; above, fit on a seeded sample
ASSIGN_CHUNK = 100_000  # customers per chunk when assigning clusters (distances: chunk x k x features floats)
# Next-best offers need every customer's (frequent) items as Python sets and a second pass: written up to this many
# customers, else left out.
OFFERS_MAX_CUSTOMERS = 100_000
SEGMENT_COLUMNS = (
    "customer_id", "segment", "rfm_segment_name", "r_score", "f_score", "m_score", "rfm_code", "cluster",
    "cluster_name", "stage", "stage_name", "tags", "recency_days", "frequency", "monetary", "avg_order_value",
    "first_order_date", "last_order_date", "expected_next_order_date", "channel", "top_category", "top_product",
)
CLV_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value", "prob_alive", "expected_purchases",
               "expected_order_value", "clv", "method")


def _empty_orders() -> pd.DataFrame:
    """No order lines, with the clean orders' columns and types: what tags / cluster inputs read on this path."""
    from crm_core.ingest.clean import ORDER_COLUMNS

    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in ORDER_COLUMNS})
    return frame.assign(order_date=pd.Series(dtype="datetime64[ns]"), is_return=pd.Series(dtype="bool"),
                        amount=pd.Series(dtype="float64"))


def _needs_lines(item: object) -> bool:
    """True for a tag condition that reads the order lines (Bought), also inside a group."""
    from crm_core.segment import tags

    if isinstance(item, tags.Bought):
        return True
    return isinstance(item, tags.Group) and any(_needs_lines(c) for c in item.conditions)


def fit_clusters(choice: object, table: pd.DataFrame) -> tuple[object, int, int]:
    """(clusters, top k of the guidance or 0, sample size or 0): as :mod:`crm_core.cli_segment` fits them, on a
    seeded sample of :data:`CLUSTER_SAMPLE` customers when there are more."""
    from crm_core import cli_segment

    if len(table) <= CLUSTER_SAMPLE:
        fitted, top = cli_segment._fit(choice, table)
        return fitted, top, 0
    sample = table.sample(n=CLUSTER_SAMPLE, random_state=choice.seed).sort_index()
    fitted, top = cli_segment._fit(choice, sample)
    return fitted, top, CLUSTER_SAMPLE


def assign_clusters(fitted: object, ready: pd.DataFrame) -> np.ndarray:
    """Each customer's nearest centre (:meth:`Clusters.labels`), in chunks of :data:`ASSIGN_CHUNK` rows."""
    parts = [fitted.labels(ready.iloc[start:start + ASSIGN_CHUNK]) for start in range(0, len(ready), ASSIGN_CHUNK)]
    return np.concatenate(parts) if parts else np.asarray([], dtype=object)


def _counted_on_all(fitted: object, segmented: pd.DataFrame) -> object:
    """``fitted`` (from a sample) with sizes, revenues and revenue shares of every customer."""
    from dataclasses import replace

    keys = list(fitted.keys)
    sizes = segmented["cluster"].value_counts().reindex(keys, fill_value=0)
    revenues = segmented.groupby("cluster")["monetary"].sum().reindex(keys, fill_value=0.0)
    total = float(revenues.sum())
    return replace(fitted, sizes=tuple(int(v) for v in sizes), revenues=tuple(float(v) for v in revenues),
                   revenue_shares=tuple(float(v) / total if total > 0 else float("nan") for v in revenues))


def run_segment(job: object) -> int:
    """segment: one row per customer with RFM segment, cluster, lifecycle stage and tags (:data:`SEGMENT_COLUMNS`
    and one yes/no column per tag rule); the cluster profiles to ``<out>.profiles.csv``."""
    from crm_core import cli_engine, cli_segment, export
    from crm_core.engine import run as engine_run
    from crm_core.segment import cluster_inputs, lifecycle, rfm, tags
    from crm_core.segment.combined import ClusterChoice, with_group_names

    args, settings, lang = job.args, job.settings, job.lang
    if args.k is not None:
        ClusterChoice(k=args.k)  # DataError cluster_bad_k before any file is read
    choice, how = cli_segment._cluster_choice(args, settings)
    features = (*choice.features.numeric, *choice.features.categorical)
    shares = [name for name in features if cluster_inputs.is_share(name)]
    if shares:
        raise DataError("engc_share_feature", feature=shares[0], engine=job.options.engine)
    rules = []
    for rule in settings.tags:
        if any(_needs_lines(item) for item in rule.conditions):
            job.say(Note.of("engc_tag_needs_lines", tag=rule.name(lang), engine=job.options.engine))
        else:
            rules.append(rule)
    result = engine_run.customer_table(job.paths, job.options, as_of=settings.as_of, scope=settings.scope,
                                       modes=True, rhythm=True, **job.common())
    job.finished(result)
    table, as_of = result.table, result.as_of
    if table is None or table.empty:
        raise job.no_purchases(as_of)
    params = cli_engine.rfm_params(settings)
    orders = _empty_orders()
    with job.progress.timed("segment"):
        fitted, top, sampled = fit_clusters(choice, table)
        scored = lifecycle.with_stages(rfm.score_rfm(table, params), settings.lifecycle)
        ready = cluster_inputs.cluster_table(scored, orders, fitted.features, as_of=as_of)
        segmented = tags.apply_tags(scored.assign(cluster=assign_clusters(fitted, ready)), orders, tuple(rules),
                                    as_of, lang=lang)
        if sampled:
            fitted = _counted_on_all(fitted, segmented)
        segmented = with_group_names(segmented, rfm_params=params, clusters=fitted, windows=settings.lifecycle,
                                     lang=lang)
    if sampled:
        job.say(Note.of("engc_clusters_sampled", sample=sampled, customers=len(table)))
    relative = rfm.relative_scores_note(segmented, params)
    if relative is not None:
        job.say(relative)
    flags = [tags.tag_column(rule, i) for i, rule in enumerate(rules, start=1)]
    at = SEGMENT_COLUMNS.index("tags") + 1
    columns = [*SEGMENT_COLUMNS[:at], *flags, *SEGMENT_COLUMNS[at:]]
    rows = segmented.loc[:, [c for c in columns if c in segmented.columns]].reset_index(drop=True)
    job.write(rows)
    profiles, _ = cli_segment.profiles_sheet(fitted, lang)
    side = cli_segment.profiles_path(job.out)
    side.write_bytes(export.to_csv_bytes(profiles))
    cli_segment._print_summary(segmented, fitted, settings.lifecycle, how, lang)
    print(render("cli_wrote", lang, path=side))
    return 0


def _basket_scope(scope: object, choice: object, as_of: object) -> object:
    """The analysis window and filters narrowed to the basket window (``--basket-months``), as the pandas path
    builds baskets from the lines in scope since ``choice.since(as_of)``; None when that needs ``as_of`` first."""
    from crm_core.settings import Scope

    if choice.months is None:
        return scope
    if as_of is None:
        if scope.start is not None:
            return None
        months = choice.months if scope.months is None else min(scope.months, choice.months)
        return Scope(months=months, channels=scope.channels, categories=scope.categories)
    first = scope.first_day(as_of)
    since = choice.since(as_of)
    start = since if first is None or since > first else first
    return Scope(start=start, channels=scope.channels, categories=scope.categories)


def run_rules(job: object) -> int:
    """rules: the rules table of the pandas ``rules`` command (same columns and headers), mined from the engine's
    baskets with the saved / given thresholds."""
    from crm_core import cli_basket
    from crm_core.basket import crosssell as cs
    from crm_core.basket.mining import frequent_itemsets
    from crm_core.engine import run as engine_run

    args, settings, lang = job.args, job.settings, job.lang
    choice = cli_basket.choice_of(args, settings.crosssell)
    as_of = settings.as_of
    scope = _basket_scope(settings.scope, choice, as_of)

    def baskets_in(window: object) -> tuple[object, object]:
        return engine_run.baskets(job.paths, job.options, as_of=as_of, scope=window,
                                  basket_options=choice.basket_options(), min_support=choice.min_support,
                                  **job.common())

    baskets, result = baskets_in(scope if scope is not None else settings.scope)
    if scope is None:  # a fixed --from and a basket window: the window's start needs the analysis date
        as_of = result.as_of
        baskets, result = baskets_in(_basket_scope(settings.scope, choice, as_of))
    job.finished(result)
    with job.progress.timed("mine"):
        itemsets = frequent_itemsets(baskets, choice.min_support, max_len=choice.max_len)
        mined = cs.Mined(choice=choice, baskets=baskets, itemsets=itemsets,
                         rules=cs.mine_rules(baskets, itemsets, choice))
    rules = cli_basket.rules_sheet(mined.rules, lang, by=choice.by)
    job.write(rules, customers=False, sheet=cli_basket.SHEETS["rules"][1 if lang == "zh" else 0])
    print(cli_basket._t("found_line", lang, baskets=mined.baskets.n, by=cli_basket._t(f"by_{choice.by}", lang),
                        itemsets=len(mined.itemsets), rules=len(mined.rules)))
    customers = len(set(baskets.customers))
    if customers > OFFERS_MAX_CUSTOMERS:
        job.say(Note.of("engc_offers_left_out", engine=job.options.engine, customers=customers,
                        most=OFFERS_MAX_CUSTOMERS, limit=_limit_text()))
        return 0
    _write_offers(job, choice, mined, result.as_of)
    return 0


def offers_path(out: object, name: str) -> object:
    """``x.offers.parquet`` / ``x.bundles.csv`` ... beside ``--out`` (its suffix kept)."""
    return out.with_name(f"{out.stem}.{name}{out.suffix}")


def frequent_items_of(owned: object, itemsets: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Each customer's items among those of the frequent itemsets (one basket per customer in ``owned``).

    Rules and bundles hold frequent items only, so an offer (antecedent bought, consequent not) and a bundle to
    complete read the same from these sets as from every item the customer bought; the sets stay small."""
    frequent = set().union(*itemsets["itemset"]) if len(itemsets) else set()
    columns = np.asarray([i for i, item in enumerate(owned.items) if item in frequent], dtype=np.int64)
    labels = np.asarray(owned.items, dtype=object)[columns]
    matrix = owned.matrix[:, columns].tocsr()
    ptr, idx = matrix.indptr, matrix.indices
    return {str(customer): frozenset(labels[idx[ptr[b]:ptr[b + 1]]]) for b, customer in enumerate(owned.customers)}


def _write_offers(job: object, choice: object, mined: object, as_of: object) -> None:
    """Next-best offers and bundles to complete, as the pandas ``rules`` computes them from every customer's items
    in the analysis window (a second engine pass: one basket per customer, no size limits, no basket window).
    The hold-out check (does the rule beat popularity) needs the lines before a split date: left out."""
    from crm_core import cli_basket
    from crm_core.basket import crosssell as cs
    from crm_core.basket.baskets import BasketOptions
    from crm_core.engine import run as engine_run

    lang = job.lang
    whole = BasketOptions(level=choice.level, by="customer", exclude=choice.exclude)
    owned, again = engine_run.baskets(job.paths, job.options, as_of=as_of, scope=job.settings.scope,
                                      basket_options=whole, **job.common())
    job.progress.report_times(getattr(again, "seconds", {}) or {})
    items = frequent_items_of(owned, mined.itemsets)
    offers = cs.next_offers(items, cs.offer_rules(mined.rules, choice), choice, lang=lang)
    bundles = cs.bundles_to_complete(mined.itemsets, choice)
    completion = cs.bundle_offers(items, bundles, lang=lang).drop(columns=[cs.LIST_COLUMN])  # = "bundle"
    for name, frame in (("offers", offers), ("bundles", completion)):
        job.write(frame.reset_index(drop=True), offers_path(job.out, name), customers=False, sheet=name)
    print(cli_basket._t("offers_line", lang, customers=int(offers["customer_id"].nunique()) if len(offers) else 0))


def _limit_text() -> str:
    from crm_core.cli_engine import _size_text
    from crm_core.engine.options import pandas_max_bytes

    return _size_text(pandas_max_bytes())


def clv_from_summary(summary: pd.DataFrame, choice: object, customer_table: object) -> object:
    """:func:`crm_core.predict.clv.run_clv` on a purchase summary the engine made: the model when there are enough
    repeat customers and the fits converge, else the formula on ``customer_table()`` (called only then)."""
    from crm_core.predict import clv

    repeat = int(((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).sum())

    def formula(note: str | None) -> object:
        made = clv.formula_clv(customer_table(), choice)
        table = pd.DataFrame({"prob_alive": np.nan,
                              "expected_purchases": made["purchases_per_year"] * choice.expected_years,
                              "expected_order_value": made["avg_order_value"], "clv": made["clv"],
                              "method": "formula"}, index=made.index)
        return clv.ClvResult(table=table, method="formula", bgnbd=None, gamma_gamma=None, note=note,
                             repeat_customers=repeat, summary=summary)

    if choice.method == "formula":
        return formula(None)
    if choice.method == "auto" and repeat < choice.min_repeat_customers:
        return formula("clv_too_few_repeat")
    try:
        with np.errstate(all="ignore"):
            bgnbd = clv.fit_bgnbd(summary)
            spend = clv.fit_gamma_gamma(summary)
        if spend.q <= 1:
            raise clv.FitError("q <= 1: the mean spend has no finite population mean")
    except clv.FitError:
        return formula("clv_fit_failed")
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    horizon = choice.horizon_months * clv.DAYS_PER_MONTH / choice.unit_days
    value = clv.expected_order_value(spend, x, summary["monetary_value"].to_numpy(dtype="float64"))
    table = pd.DataFrame({
        "prob_alive": clv.prob_alive(bgnbd, x, t_x, T),
        "expected_purchases": clv.expected_purchases(bgnbd, horizon, x, t_x, T),
        "expected_order_value": value,
        "clv": clv.discounted_clv(bgnbd, value, summary, horizon_months=choice.horizon_months,
                                  discount_yearly=choice.discount_yearly, margin=choice.margin,
                                  unit_days=choice.unit_days),
        "method": "model",
    }, index=summary.index)
    return clv.ClvResult(table=table, method="model", bgnbd=bgnbd, gamma_gamma=spend, note=None,
                         repeat_customers=repeat, summary=summary)


def run_clv(job: object) -> int:
    """clv: the parameters printed as the pandas ``clv`` prints them, one row per customer out
    (:data:`CLV_COLUMNS`), highest value first."""
    from crm_core import cli_clv
    from crm_core.engine import run as engine_run
    from crm_core.predict import clv

    args, settings, lang = job.args, job.settings, job.lang
    choice = cli_clv.clv_choice(args, getattr(settings, "clv", None) or clv.ClvChoice())
    summary, result = engine_run.clv_summary(job.paths, job.options, as_of=settings.as_of,
                                             unit_days=choice.unit_days, **job.common())
    job.finished(result)
    if summary.empty:
        raise DataError("clv_no_customers", as_of=result.as_of.isoformat(), first="-")

    def customer_table() -> pd.DataFrame:
        again = engine_run.customer_table(job.paths, job.options, as_of=result.as_of, **job.common())
        job.progress.report_times(getattr(again, "seconds", {}) or {})
        return again.table

    with job.progress.timed("fit"):
        fitted = clv_from_summary(summary, choice, customer_table)
    lines, _ = cli_clv._clv_parameters(fitted, choice, lang)
    for line in lines:
        print(line)
    table = fitted.table.join(summary.loc[:, ["frequency", "recency", "T", "monetary_value"]], how="left")
    table = table.sort_values("clv", ascending=False, kind="stable").rename_axis("customer_id").reset_index()
    total, mean = float(table["clv"].sum()), float(table["clv"].mean()) if len(table) else 0.0
    print(cli_clv._t("clv_total", lang, months=choice.horizon_months, discount=choice.discount_yearly,
                     margin=choice.margin, customers=len(table), total=total, mean=mean))
    job.write(table.loc[:, [c for c in CLV_COLUMNS if c in table.columns]])
    return 0
