"""``python -m crm_core segment``: every segmentation of every customer, and the cluster profiles.

    python -m crm_core segment orders.csv [more.csv …] --out segments.xlsx [--k 2..12] [--settings analysis.json]
                               [the options of ``rfm``: --as-of, --from | --months, --channel, --category, --city,
                                --customers, --mapping, --scheme, --frequency-basis, --include-contact, --no-mask,
                                --currency, --lang]

The workbook has a sheet "Customers" (客户): one row per customer with the RFM segment, the cluster (key and
name), the lifecycle stage, the tags (as text, then one yes/no column per tag rule) and the main figures; and a
sheet "Cluster profiles" (客户群画像): :meth:`crm_core.segment.clusters.Clusters.profiles`, with what produced
the workbook written under its table (files, dates, window, filters, scoring, k, lifecycle windows, tag rules
in words, currency).  ``--out x.csv`` writes the customers to ``x.csv`` and the profiles to
``x.profiles.csv``.

It computes what the app's pages compute, with the same functions: the customer table of the analysis window
(:func:`crm_core.pipeline.analysis_table`), the clusters fitted once (:meth:`ClusterChoice.fit`, k given by
``--k``, else the saved analysis's k, else the suggested k) and
:func:`crm_core.segment.combined.segmented_table` with those clusters, the saved lifecycle windows and tag
rules.  Everything is an analysis of all customers, so customers who opted out are listed too (with the
"Opted out" column when the data says so); contact columns only with ``--include-contact``, masked unless
``--no-mask``, as for ``rfm``.  Errors follow :mod:`crm_core.cli`: the app's message, status 2.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from crm_core import cli, export, pipeline
from crm_core.messages import render
from crm_core.schema import DataError
from crm_core.segment import clusters as cl
from crm_core.segment import lifecycle, profile360, rfm, tags
from crm_core.segment.combined import ClusterChoice, SegmentChoices, segmented_table, with_group_names
from crm_core.settings import AnalysisSettings

__all__ = ["CUSTOMER_COLUMNS", "SHEETS", "about_rows", "add_parser", "cmd_segment", "customers_sheet",
           "profiles_path", "profiles_sheet", "workbook_id"]

# The Customers sheet, in order; the tag columns come after "tags".  Columns the data lacks are left out.
CUSTOMER_COLUMNS = (
    "customer_id", "rfm_segment_name", "cluster", "cluster_name", "stage_name", "tags", "recency_days", "frequency",
    "monetary", "avg_order_value", "first_order_date", "last_order_date", "expected_next_order_date", "channel",
    "city", "opted_out", "name", "phone", "email",
)
SHEETS = {"customers": ("Customers", "客户"), "profiles": ("Cluster profiles", "客户群画像")}

# What this command prints and writes besides the shared messages (crm_core.messages), in both languages.
_TEXTS = {
    "title": ("About this workbook", "本文件的来源"),
    "yes": ("yes", "是"), "no": ("no", "否"),
    "mean": ("{label} (mean)", "平均{label}"),
    "share": ("{label} (share)", "{label}（占比）"),
    "k_label": ("Clusters (k)", "客户群数量（k）"),
    "k_given": ("{k} (given with --k)", "{k}（由 --k 指定）"),
    "k_saved": ("{k} (from the settings file)", "{k}（来自分析设置文件）"),
    "k_suggested": ("{k} (suggested: the elbow of the inertia curve for k from 2 to {top})",
                    "{k}（建议值：k 取 2 到 {top} 时簇内平方和曲线的肘部）"),
    "features": ("Cluster features", "聚类特征"),
    "windows": ("Lifecycle windows", "生命周期窗口"),
    "windows_text": ("new: first order at most {new_days} days ago; active: last order at most {active_days} days "
                     "ago; churned: last order more than {churn_days} days ago",
                     "新客：首次购买在 {new_days} 天内；活跃：最近一次购买在 {active_days} 天内；"
                     "流失：最近一次购买超过 {churn_days} 天"),
    "tag": ("Tag: {name}", "标签：{name}"),
    "no_tags": ("Tag rules", "标签规则"),
    "none": ("none", "无"),
    "currency": ("Currency", "货币"),
    "no_currency": ("not shown in the file", "文件中未标明"),
    "customers_line": ("{customers:,} customers in {k} clusters ({how})",
                       "共 {customers:,} 位客户，分为 {k} 个客户群（{how}）"),
    "how_given": ("k given", "k 为指定值"), "how_saved": ("k from the settings file", "k 来自分析设置文件"),
    "how_suggested": ("k suggested", "k 为建议值"),
    "stages_line": ("Lifecycle stages:", "生命周期阶段："),
    "clusters_line": ("Clusters:", "客户群："),
}


def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXTS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def profiles_path(out: Path) -> Path:
    """Where ``segment --out x.csv`` writes the cluster profiles: ``x.profiles.csv`` next to it."""
    return out.with_name(f"{out.stem}.profiles.csv")


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``segment`` with the input options and the analysis options that ``rfm`` takes."""
    p = sub.add_parser("segment", help="every customer with RFM segment, cluster, lifecycle stage and tags, "
                                       "and the cluster profiles -> Excel workbook")
    add_input(p)
    add_analysis(p)
    p.add_argument("--k", type=int, default=None,
                   help="number of clusters, 2..12 (default: the saved analysis's, else the suggested k)")
    p.set_defaults(func=cmd_segment, include_opted_out=None)
    return p


def _cluster_choice(args: argparse.Namespace, settings: AnalysisSettings) -> tuple[ClusterChoice, str]:
    """The cluster choice (``--k`` wins over the file's k) and where k comes from: "given", "saved", "suggested".

    Names given to the saved clusters belong to the saved k: with another k they are dropped.  A saved analysis
    without clusters still gets them here (this command is about them), with the default features.
    """
    saved = settings.clusters or ClusterChoice()
    if args.k is not None:
        names = saved.names if args.k == saved.k else ()
        return ClusterChoice(k=args.k, features=saved.features, seed=saved.seed, names=names), "given"
    return saved, "saved" if saved.k is not None else "suggested"


def _fit(choice: ClusterChoice, table: pd.DataFrame) -> tuple[cl.Clusters, int]:
    """The clusters of ``table`` fitted once, and the top k of the guidance when k was suggested (else 0)."""
    if choice.k is not None:
        return choice.fit(table), 0
    top = max(cl.K_MIN, min(10, len(table)))  # as ClusterChoice.chosen_k and the app's cluster_fit
    return replace(choice, k=choice.chosen_k(table)).fit(table), top


def _yes_no(flags: pd.Series, lang: str) -> pd.Series:
    return flags.astype(bool).map({True: _t("yes", lang), False: _t("no", lang)}).astype("str")


def customers_sheet(segmented: pd.DataFrame, rules: tuple[tags.TagRule, ...], options: export.ListOptions
                    ) -> pd.DataFrame:
    """The Customers sheet of :func:`segmented_table` + :func:`with_group_names` output: :data:`CUSTOMER_COLUMNS`
    with one yes/no column per tag rule after ``tags``, through the export's list builder (masking, injection
    safety, localized headers); the tag columns are headed by the tag's name."""
    lang = options.lang
    flags = {tags.tag_column(rule, i): rule.name(lang) for i, rule in enumerate(rules, start=1)}
    table = segmented.assign(**{column: _yes_no(segmented[column], lang) for column in flags})
    at = CUSTOMER_COLUMNS.index("tags") + 1
    columns = [*CUSTOMER_COLUMNS[:at], *flags, *CUSTOMER_COLUMNS[at:]]
    columns = [c for c in columns if c in table.columns or c in export.CONTACT_COLUMNS]
    built = export.campaign_list(table, columns=columns, options=options)
    return built.frame.rename(columns=flags)


def _feature_name(name: str, lang: str) -> str:
    """A cluster feature in words: its header, or "Channel: X" for a one-hot feature ``channel=X``."""
    if "=" in name:
        column, value = name.split("=", 1)
        return f"{export.column_label(column, lang)}{'：' if lang == 'zh' else ': '}{value}"
    return export.column_label(name, lang)


def _feature_header(name: str, lang: str) -> str:
    """A profile feature's mean as a header: "Orders (mean)" / "平均购买次数"; a one-hot share "Channel: X (share)"."""
    return _t("share" if "=" in name else "mean", lang, label=_feature_name(name, lang))


def profiles_sheet(clusters: cl.Clusters, lang: str) -> tuple[pd.DataFrame, export.ColumnFormat]:
    """:meth:`Clusters.profiles` with localized headers, and the number formats of the workbook (the registry's,
    plus two decimals for the feature means and percent for the one-hot shares)."""
    frame = clusters.profiles(lang)
    headers = {name: _feature_header(name, lang) for name in clusters.profile_features}
    frame = frame.rename(columns={c: headers.get(c) or export.column_label(c, lang) for c in frame.columns})
    formats = export.registry_formats()
    means = tuple(h for name, h in headers.items() if "=" not in name)
    shares = tuple(h for name, h in headers.items() if "=" in name)
    return frame, replace(formats, money=formats.money + means, percent=formats.percent + shares)


def about_rows(base: export.Provenance, *, clusters: cl.Clusters, how: str, top: int, choices: SegmentChoices,
               currency: str, lang: str) -> list[tuple[str, str]]:
    """The block under the profiles: the rows ``rfm`` writes (files, dates, window, filters, scoring, segment
    map), then k and where it came from, the features, the lifecycle windows, each tag rule and the currency."""
    rows = base.rows(lang)
    rows[0] = (_t("title", lang), "")
    k_text = _t(f"k_{how}", lang, k=clusters.k, top=top)
    features = clusters.features
    names = [_feature_name(n, lang) for n in (*features.numeric, *features.categorical)]
    w = choices.windows
    rows += [(_t("k_label", lang), k_text), (_t("features", lang), ("、" if lang == "zh" else ", ").join(names)),
             (_t("windows", lang), _t("windows_text", lang, new_days=w.new_days, active_days=w.active_days,
                                       churn_days=w.churn_days))]
    rows += [(_t("tag", lang, name=rule.name(lang)), profile360.rule_words(rule, lang, currency=currency))
             for rule in choices.tags] or [
        (_t("no_tags", lang), _t("none", lang))]
    rows.append((_t("currency", lang), currency or _t("no_currency", lang)))
    return rows


def workbook_id(sources: tuple[tuple[str, str], ...], customers_file: tuple[str, str] | None, *, as_of: date,
                settings: AnalysisSettings, params: rfm.RfmParams, choices: SegmentChoices, k: int,
                options: export.ListOptions) -> str:
    """``SEG-YYYYMMDD-XXXXXXXX``: a fingerprint of the files and every choice that decides a row (as the list id
    of :func:`crm_core.export.list_id`): the same data and choices give the same id, any change a new one."""
    scope, thresholds = settings.scope, params.thresholds if params.method == "threshold" else None
    first_day = scope.first_day(as_of)
    chosen = choices.fingerprint()
    chosen["clusters"] = {**(chosen["clusters"] or {}), "k": k}
    fingerprint = {
        "data": sorted(d for _, d in sources), "customers": None if customers_file is None else customers_file[1],
        "as_of": as_of.isoformat(), "from": None if first_day is None else first_day.isoformat(),
        "filters": [list(scope.channels), list(scope.categories), list(scope.cities)], "method": params.method,
        "thresholds": None if thresholds is None else [list(thresholds.recency), list(thresholds.frequency),
                                                       list(thresholds.monetary)],
        "basis": params.frequency_basis, "grid": [list(r) for r in params.scheme.grid],
        "names": [list(n) for n in params.scheme.labels], "choices": chosen, "contact": options.include_contact,
        "mask": options.mask_personal, "lang": options.lang,
    }
    digest = hashlib.sha256(json.dumps(fingerprint, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return f"SEG-{as_of:%Y%m%d}-{digest[:8].upper()}"


def _print_summary(segmented: pd.DataFrame, clusters: cl.Clusters, windows: lifecycle.LifecycleWindows, how: str,
                   lang: str) -> None:
    print(_t("customers_line", lang, customers=len(segmented), k=clusters.k, how=_t(f"how_{how}", lang)))
    print(_t("clusters_line", lang))
    for key, size, share in zip(clusters.keys, clusters.sizes, clusters.revenue_shares, strict=True):
        name = f"{key} {clusters.text(key, 'name', lang)}"
        line = (render("cli_segment_no_share", lang, segment=name, customers=size) if share != share
                else render("cli_segment", lang, segment=name, customers=size, share=share))
        print(f"  {line}")
    print(_t("stages_line", lang))
    counts = segmented["stage"].value_counts()
    stages = lifecycle.Lifecycle(windows)
    for stage in stages.segments():
        line = render("cli_segment_no_share", lang, segment=stages.text(stage, "name", lang),
                      customers=int(counts.get(stage, 0)))
        print(f"  {line}")


def cmd_segment(args: argparse.Namespace) -> int:
    out = cli._check_out(args.out)
    args.currency = cli._check_currency(args.currency)  # options are checked before reading a large file
    if args.k is not None:
        ClusterChoice(k=args.k)  # DataError cluster_bad_k before any file is read
    settings = cli._settings(args)
    choice, how = _cluster_choice(args, settings)
    loaded = cli._load(args, settings)
    currency = cli._currency(args, loaded, settings.currency)
    result = loaded.result
    as_of = settings.as_of or pipeline.default_as_of(result.orders)
    params = settings.rfm
    if params.method == "threshold" and params.thresholds is None:
        params = rfm.RfmParams(frequency_basis=params.frequency_basis, scheme=params.scheme)
    scoped = pipeline.in_scope(result, settings.scope, as_of=as_of)
    for note in scoped.report.notes[len(result.report.notes):]:
        cli._say_note(note, args.lang)
    table = pipeline.customer_table(scoped.orders, scoped.customers, as_of=as_of)  # = pipeline.analysis_table
    if table.empty:
        raise DataError("no_purchases_before", as_of=as_of, first=result.orders["order_date"].min().date())
    choices = SegmentChoices(clusters=choice, windows=settings.lifecycle, tags=settings.tags)
    fitted, top = _fit(choice, table)
    lang = args.lang
    segmented = segmented_table(table, result.orders, as_of, rfm_params=params, choices=choices, clusters=fitted,
                                lang=lang)
    segmented = with_group_names(segmented, rfm_params=params, clusters=fitted, windows=choices.windows, lang=lang)
    relative = rfm.relative_scores_note(segmented, params)
    if relative is not None:
        cli._say_note(relative, lang)
    lists = settings.lists
    options = export.ListOptions(include_contact=lists.include_contact, mask_personal=lists.mask_personal,
                                 include_opted_out=True, lang=lang)
    customers = customers_sheet(segmented, choices.tags, options)
    profiles, formats = profiles_sheet(fitted, lang)
    identifier = workbook_id(args.sources, args.customers_source, as_of=as_of, settings=settings, params=params,
                             choices=choices, k=fitted.k, options=options)
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(customers))
        profiles_path(out).write_bytes(export.to_csv_bytes(profiles))
    else:
        base = export.Provenance(
            list_id=identifier, sources=tuple(name for name, _ in args.sources),
            rows_used=int((scoped.orders["order_date"] < pd.Timestamp(as_of)).sum()), customers=len(table),
            as_of=as_of, first_day=settings.scope.first_day(as_of), scope=settings.scope, params=params,
            scheme_base=settings.scheme_base, generated_at=cli.generated_at(),
            customers_file=None if args.customers_source is None else args.customers_source[0])
        about = about_rows(base, clusters=fitted, how=how, top=top, choices=choices, currency=currency, lang=lang)
        names = {key: SHEETS[key][1 if lang == "zh" else 0] for key in SHEETS}
        out.write_bytes(export.to_excel_bytes({names["customers"]: customers, names["profiles"]: profiles},
                                              formats=formats, footers={names["profiles"]: about}))
    _print_summary(segmented, fitted, choices.windows, how, lang)
    print(render("cli_wrote_customers", lang, path=args.out, customers=len(customers)))
    if out.suffix.lower() == ".csv":
        print(render("cli_wrote", lang, path=profiles_path(out)))
    print(render("cli_list_id", lang, list_id=identifier))
    return 0

