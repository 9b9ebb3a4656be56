"""``python -m crm_core rules``: what is bought together, the rules, and whom to offer what.

    python -m crm_core rules orders.csv [more.csv …] --out rules.xlsx|rules.csv
                             [--min-support 0.01] [--min-confidence 0.3] [--level product|category] [--max-len 3]
                             [--by order|customer] [--offers 3] [--basket-months N] [--exclude ITEM …]
                             [--settings analysis.json] [the options of ``rfm``: --as-of, --from | --months,
                              --channel, --category, --city, --customers, --mapping, --include-contact, --no-mask,
                              --currency, --lang]

One workbook: a sheet "Rules" (规则): every rule at the minimum support and confidence, with support, confidence,
lift, leverage, conviction ("∞" when the confidence is 1), the baskets holding it and the rule in words, by lift
then confidence, highest first, with what produced it written under the table (files, analysis date, window,
filters, basket options, thresholds, numbers of baskets, itemsets and rules); then the two lists through the
export path (:func:`crm_core.pipeline.build_lists`): a "Summary" sheet (概览) with both lists' ids under it, the
next-best-offer list and one bundle-completion list per bundle to complete.  ``--out x.csv`` writes the rules to
``x.csv``, the offers to ``x.offers.csv`` and the bundles to ``x.bundles.csv``.

It computes what the Cross-sell page computes, with the same functions (:mod:`crm_core.basket.crosssell`): the
choice is the saved analysis's (``--settings``) with each option given here on top; the baskets are made of the
order lines inside the analysis window and filters (:func:`crm_core.pipeline.in_scope`), ``--basket-months``
shortens the basket window further (``--months`` is the analysis window, as for ``rfm``).  The lists leave out
customers who opted out; contact columns only with ``--include-contact``, masked unless ``--no-mask``.  Errors
follow :mod:`crm_core.cli`: the app's message (no basket, not enough memory, too many itemsets or rules, no
category column, a bad threshold), status 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from crm_core import cli, export, pipeline
from crm_core.basket import crosssell as cs
from crm_core.basket.actions import bundle_text
from crm_core.basket.rules import rules_table, sort_rules
from crm_core.messages import Localized, render
from crm_core.schema import DataError
from crm_core.segment import rfm
from crm_core.segment.combined import with_group_names
from crm_core.settings import AnalysisSettings

__all__ = ["RULE_COLUMNS", "SHEETS", "about_rows", "add_parser", "bundles_path", "choice_of", "cmd_rules",
           "offers_path", "rules_sheet"]

RULE_COLUMNS = ("antecedents", "consequents", "support", "confidence", "lift", "leverage", "conviction", "count",
                "sentence")
SHEETS = {"rules": ("Rules", "规则")}

# What this command prints and writes besides the shared messages (crm_core.messages), in both languages.
_TEXTS = {
    "title": ("About these rules", "本规则表的来源"),
    "count": ("Baskets with all its items", "同时包含这些商品的购物篮数"),
    "baskets_label": ("Baskets", "购物篮"),
    "baskets_text": ("one per {by}, {level}; {window}; {sizes}; excluded: {exclude}",
                     "按{by}，{level}；{window}；{sizes}；排除：{exclude}"),
    "by_order": ("order", "订单"), "by_customer": ("customer", "顾客"),
    "level_product": ("products", "商品级"), "level_category": ("categories", "品类级"),
    "all_window": ("the whole analysis window", "整个分析期间"),
    "months": ("the last {months} months before the analysis date", "分析日期前 {months} 个月"),
    "sizes": ("{low} to {high} items per basket", "每个购物篮 {low} 至 {high} 件商品"),
    "any": ("any number of", "不限"),
    "none": ("none", "无"),
    "thresholds_label": ("Thresholds", "阈值"),
    "thresholds": ("support ≥ {support:.2%}, confidence ≥ {confidence:.0%}, at most {length} items per rule",
                   "支持度 ≥ {support:.2%}，置信度 ≥ {confidence:.0%}，每条规则最多 {length} 件商品"),
    "offers_label": ("Offers", "推荐"),
    "offers": ("{offers} per customer from the rules with lift ≥ {lift:g}{pruned}",
               "每位顾客 {offers} 个，来自提升度 ≥ {lift:g} 的规则{pruned}"),
    "pruned": (", redundant rules left out", "，已去除冗余规则"),
    "counts_label": ("Found", "结果"),
    "counts": ("{baskets:,} baskets, {itemsets:,} frequent itemsets, {rules:,} rules ({offering:,} make offers)",
               "{baskets:,} 个购物篮，{itemsets:,} 个频繁项集，{rules:,} 条规则（其中 {offering:,} 条用于推荐）"),
    "offer_id": ("List ID (next-best offers)", "清单编号（下一最佳推荐）"),
    "bundle_id": ("List ID (bundles to complete)", "清单编号（待补全组合）"),
    "found_line": ("{baskets:,} baskets (one per {by}), {itemsets:,} frequent itemsets, {rules:,} rules",
                   "{baskets:,} 个购物篮（按{by}），{itemsets:,} 个频繁项集，{rules:,} 条规则"),
    "offers_line": ("Next-best offers: {customers:,} customers", "下一最佳推荐：{customers:,} 位顾客"),
    "bundles_line": ("Bundles to complete ({bundles}: {names}): {customers:,} customers",
                     "待补全组合（{bundles} 个：{names}）：{customers:,} 位顾客"),
    "no_bundles": ("Bundles to complete: no frequent bundle of two or more items",
                   "待补全组合：没有包含两件及以上商品的频繁组合"),
    "left_out": ("  ({customers:,} left out: opted out)", "  （{customers:,} 位已退订，未列入）"),
}


def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXTS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def offers_path(out: Path) -> Path:
    """Where ``rules --out x.csv`` writes the next-best offers: ``x.offers.csv`` next to it."""
    return out.with_name(f"{out.stem}.offers.csv")


def bundles_path(out: Path) -> Path:
    """Where ``rules --out x.csv`` writes the bundles to complete: ``x.bundles.csv`` next to it."""
    return out.with_name(f"{out.stem}.bundles.csv")


def _fraction(text: str | None, error: DataError) -> float | None:
    """A share typed on the command line: 0.01 or 1%; ``error`` when it is not a number."""
    if text is None:
        return None
    raw = text.strip()
    try:
        return float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise error from None


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``rules`` with the input options and the analysis options that ``rfm`` takes."""
    p = sub.add_parser("rules", help="association rules, next-best offers and bundles to complete -> one Excel "
                                     "workbook (Rules, Summary, the lists), or x.csv + x.offers.csv + x.bundles.csv")
    add_input(p)
    add_analysis(p)
    saved = "(default: the saved analysis's, else {})"
    default = cs.CrossSellChoice()
    p.add_argument("--min-support", default=None,
                   help=f"share of baskets, e.g. 0.01 or 1%% {saved.format(default.min_support)}")
    p.add_argument("--min-confidence", default=None, help=f"e.g. 0.3 or 30%% {saved.format(default.min_confidence)}")
    p.add_argument("--level", choices=("product", "category"), default=None, help=saved.format(default.level))
    p.add_argument("--max-len", type=int, default=None,
                   help=f"items per rule, 2 or more {saved.format(default.max_len)}")
    p.add_argument("--by", choices=("order", "customer"), default=None,
                   help=f"a basket per order, or per customer over the window {saved.format(default.by)}")
    p.add_argument("--offers", type=int, default=None,
                   help=f"offers per customer, 1..10 {saved.format(default.offers)}")
    p.add_argument("--basket-months", type=int, default=None,
                   help="baskets from the last N months before the analysis date only (default: the saved "
                        "analysis's, else the whole analysis window)")
    p.add_argument("--exclude", action="append", default=None,
                   help="an item left out of the baskets, e.g. a carrier bag (repeat for several)")
    p.set_defaults(func=cmd_rules, include_opted_out=None)
    return p


def choice_of(args: argparse.Namespace, saved: cs.CrossSellChoice) -> cs.CrossSellChoice:
    """The saved cross-sell choice with every option given on the command line on top (checked: DataError)."""
    support = _fraction(args.min_support, DataError("basket_bad_support", value=args.min_support))
    confidence = _fraction(args.min_confidence, DataError("basket_bad_option", option="--min-confidence",
                                                          value=args.min_confidence, choices="0..1"))
    given = {"min_support": support, "min_confidence": confidence,
             "level": args.level, "max_len": args.max_len, "by": args.by, "offers": args.offers,
             "months": args.basket_months, "exclude": None if args.exclude is None else tuple(args.exclude)}
    try:
        return replace(saved, **{k: v for k, v in given.items() if v is not None})
    except DataError as exc:  # the message names the value as typed ("150%", not 1.5)
        if exc.code == "basket_bad_support" and args.min_support is not None:
            raise DataError("basket_bad_support", value=args.min_support) from None
        raise


def _settings(args: argparse.Namespace) -> tuple[AnalysisSettings, cs.CrossSellChoice]:
    """The analysis settings as ``rfm`` and ``segment`` take them (window, filters, contacts...) and the cross-sell
    choice: the saved one with the options given here on top."""
    settings = cli._settings(args)
    return settings, choice_of(args, settings.crosssell)


def rules_sheet(rules: pd.DataFrame, lang: str, *, by: str) -> pd.DataFrame:
    """The rules as the Cross-sell page shows them (:func:`crm_core.basket.rules.rules_table`: items as "A + B",
    conviction as text, "∞" when the confidence is 1, the rule in words), lift then confidence highest first
    (:func:`sort_rules`), with localized headers."""
    table = rules_table(sort_rules(rules, "lift"), lang, by=by)
    headers = {c: _t("count", lang) if c == "count" else export.column_label(c, lang) for c in RULE_COLUMNS}
    return table.loc[:, list(RULE_COLUMNS)].rename(columns=headers)


def about_rows(base: export.Provenance, *, choice: cs.CrossSellChoice, mined: cs.Mined, offering: int,
               lang: str) -> list[tuple[str, str]]:
    """The block under the rules: when generated, the files, lines used, analysis date, window and filters (as a
    list's block), then the basket options, the thresholds, the offers and what was found."""
    rows = base.rows(lang)
    kept = [rows[i] for i in (2, 3, 4, 5, 7, 8, 9)]  # generated, files, customer file, lines, date, window, filters
    sep = "、" if lang == "zh" else ", "
    window = _t("all_window", lang) if choice.months is None else _t("months", lang, months=choice.months)
    high = _t("any", lang) if choice.max_size is None else choice.max_size
    baskets = _t("baskets_text", lang, by=_t(f"by_{choice.by}", lang), level=_t(f"level_{choice.level}", lang),
                 window=window, sizes=_t("sizes", lang, low=choice.min_size, high=high),
                 exclude=sep.join(choice.exclude) or _t("none", lang))
    length = _t("any", lang) if choice.max_len is None else choice.max_len
    return [(_t("title", lang), ""), *kept, (_t("baskets_label", lang), baskets),
            (_t("thresholds_label", lang), _t("thresholds", lang, support=choice.min_support,
                                              confidence=choice.min_confidence, length=length)),
            (_t("offers_label", lang), _t("offers", lang, offers=choice.offers, lift=choice.min_lift,
                                          pruned=_t("pruned", lang) if choice.prune else "")),
            (_t("counts_label", lang), _t("counts", lang, baskets=mined.baskets.n, itemsets=len(mined.itemsets),
                                          rules=len(mined.rules), offering=offering))]


def _percent(share: float) -> str:
    """0.005 -> "0.5%", 0.0005 -> "0.05%" (as the Cross-sell page writes a threshold)."""
    return f"{f'{share * 100:.2f}'.rstrip('0').rstrip('.')}%"


def _rules_words(choice: cs.CrossSellChoice) -> Localized:
    """How the offers' rules were made, in both languages (the offer list's description, as on the page)."""
    support, confidence = _percent(choice.min_support), _percent(choice.min_confidence)
    zh = f"支持度 ≥ {support}，置信度 ≥ {confidence}，提升度 ≥ {choice.min_lift:g}"
    en = f"support ≥ {support}, confidence ≥ {confidence}, lift ≥ {choice.min_lift:g}"
    if choice.prune:
        zh, en = zh + "，已去除冗余规则", en + ", redundant rules pruned"
    return Localized(en=en, zh=zh)


def _build(rows: pd.DataFrame, segmentation: cs.OfferList | cs.BundleList, columns: tuple[str, ...],
           options: export.ListOptions, currency: str) -> export.BuiltLists:
    """The lists of ``rows`` (key column :data:`crosssell.LIST_COLUMN`) through the export path, with the columns
    the page's list download takes (those the table fills; contacts only when asked), so the list id is the app's."""
    derived = set(pipeline.rfm_list_columns(rows)) | {"segment_name", "offer", "suggested_channel"}
    chosen = tuple(c for c in columns if (c in rows.columns or c in derived)
                   and (options.include_contact or c not in export.CONTACT_COLUMNS))
    request = export.ListRequest(segmentation, columns=chosen, options=options, currency=currency)
    if rows.empty or not segmentation.segments():
        return export.BuiltLists(request=request, sheets={}, summary=pd.DataFrame())
    return pipeline.build_lists(rows, request)


def cmd_rules(args: argparse.Namespace) -> int:
    out = cli._check_out(args.out)
    args.currency = cli._check_currency(args.currency)  # options are checked before reading a large file
    settings, choice = _settings(args)
    loaded = cli._load(args, settings)
    currency = cli._currency(args, loaded, settings.currency)
    result = loaded.result
    lang = args.lang
    as_of = settings.as_of or pipeline.default_as_of(result.orders)
    params = settings.rfm
    if params.method == "threshold" and params.thresholds is None:
        params = rfm.RfmParams(frequency_basis=params.frequency_basis, scheme=params.scheme)
    scoped = pipeline.in_scope(result, settings.scope, as_of=as_of)
    for note in scoped.report.notes[len(result.report.notes):]:
        cli._say_note(note, lang)
    table = pipeline.customer_table(scoped.orders, scoped.customers, as_of=as_of)  # = pipeline.analysis_table
    if table.empty:
        raise DataError("no_purchases_before", as_of=as_of, first=result.orders["order_date"].min().date())
    # What the Cross-sell page computes (ui/cached_basket.py), with the same functions.
    mined = cs.mine(scoped.orders, choice, as_of=as_of)
    offering = cs.offer_rules(mined.rules, choice)
    items = cs.items_of(scoped.orders, choice, as_of=as_of)
    try:  # the page flags the offers whose rule did not beat popularity in the hold-out check
        checked = cs.holdout(scoped.orders, choice, as_of=as_of)
    except DataError:  # too little history before the split: the offers go unflagged, as on the page
        checked = None
    offers = cs.flag_offers(cs.next_offers(items, offering, choice, lang=lang), checked)
    bundles = cs.bundles_to_complete(mined.itemsets, choice)
    completion = cs.bundle_offers(items, bundles, lang=lang)
    scored = with_group_names(rfm.score_rfm(table, params), rfm_params=params, lang=lang)
    lists = settings.lists
    options = export.ListOptions(include_contact=lists.include_contact, mask_personal=lists.mask_personal,
                                 include_opted_out=False, lang=lang)
    offer_list = cs.OfferList(n=choice.offers, rules_words=_rules_words(choice), choice=choice)
    offer_lists = _build(cs.offer_table(scored, offers, lang), offer_list, cs.OFFER_LIST_COLUMNS, options, currency)
    bundle_lists = _build(cs.bundle_table(scored, completion), cs.BundleList(bundles, choice=choice),
                          cs.BUNDLE_LIST_COLUMNS, options, currency)
    made = {name: pipeline.provenance(built, sources=args.sources, result=result, scored=scored, as_of=as_of,
                                      scope=settings.scope, params=params, scheme_base=settings.scheme_base,
                                      generated_at=cli.generated_at(), customers_file=args.customers_source)
            for name, built in (("offer", offer_lists), ("bundle", bundle_lists))}
    rules = rules_sheet(mined.rules, lang, by=choice.by)
    written = [out]
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(rules))
        for path, built in ((offers_path(out), offer_lists), (bundles_path(out), bundle_lists)):
            path.write_bytes(pipeline.to_csv(built))
            written.append(path)
    else:
        out.write_bytes(_workbook(rules, offer_lists, bundle_lists, made, choice=choice, mined=mined,
                                  offering=len(offering), lang=lang))
    _print_summary(mined, choice, offer_lists, bundle_lists, bundles, made, lang)
    for path in written:
        print(render("cli_wrote", lang, path=path))
    return 0


def _workbook(rules: pd.DataFrame, offer_lists: export.BuiltLists, bundle_lists: export.BuiltLists,
              made: dict[str, export.Provenance], *, choice: cs.CrossSellChoice, mined: cs.Mined, offering: int,
              lang: str) -> bytes:
    """Rules (with its About block), Summary (both lists' summaries, their ids and provenance under it), the
    next-best-offer list, then one list per bundle (as :func:`crm_core.pipeline.to_workbook` writes lists)."""
    rules_name, summary_name = SHEETS["rules"][1 if lang == "zh" else 0], pipeline.SUMMARY_SHEET[lang]
    summaries = [b.summary for b in (offer_lists, bundle_lists) if len(b.summary)]
    summary = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame(
        {export.column_label("segment_name", lang): pd.Series(dtype=object)})
    rows = made["offer"].rows(lang)
    footer = [rows[0], (_t("offer_id", lang), made["offer"].list_id), (_t("bundle_id", lang), made["bundle"].list_id),
              *rows[2:]]
    sheets = {rules_name: rules, summary_name: summary, **offer_lists.sheets, **bundle_lists.sheets}
    opted_out = offer_lists.opted_out_excluded + bundle_lists.opted_out_excluded
    notes = {summary_name: render("export_opted_out_note", lang, customers=opted_out)} if opted_out else None
    formats = export.registry_formats()
    formats = replace(formats, integer=formats.integer + (_t("count", lang),))
    about = about_rows(made["offer"], choice=choice, mined=mined, offering=offering, lang=lang)
    return export.to_excel_bytes(sheets, formats=formats, title_notes=notes,
                                 footers={rules_name: about, summary_name: footer})


def _print_summary(mined: cs.Mined, choice: cs.CrossSellChoice, offer_lists: export.BuiltLists,
                   bundle_lists: export.BuiltLists, bundles: tuple[tuple[str, ...], ...],
                   made: dict[str, export.Provenance], lang: str) -> None:
    print(_t("found_line", lang, baskets=mined.baskets.n, by=_t(f"by_{choice.by}", lang),
             itemsets=len(mined.itemsets), rules=len(mined.rules)))
    print(_t("offers_line", lang, customers=offer_lists.rows))
    if offer_lists.opted_out_excluded:
        print(_t("left_out", lang, customers=offer_lists.opted_out_excluded))
    print(f"  {render('cli_list_id', lang, list_id=made['offer'].list_id)}")
    if not bundles:
        print(_t("no_bundles", lang))
        return
    names = ("；" if lang == "zh" else "; ").join(bundle_text(b) for b in bundles)
    print(_t("bundles_line", lang, customers=bundle_lists.rows, bundles=len(bundles), names=names))
    if bundle_lists.opted_out_excluded:
        print(_t("left_out", lang, customers=bundle_lists.opted_out_excluded))
    print(f"  {render('cli_list_id', lang, list_id=made['bundle'].list_id)}")
