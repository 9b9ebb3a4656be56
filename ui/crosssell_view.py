"""The display parts of the Cross-sell page (app_pages/crosssell.py): basket facts, the rule filters and table,
the bundle and offer summaries and the hold-out check.  No analysis here: everything comes from
:mod:`crm_core.basket` through :mod:`ui.cached_basket`."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from crm_core.basket import crosssell as cs
from crm_core.basket.baskets import Baskets
from crm_core.basket.rules import SORTS, filter_rules, prune_redundant, rules_table, search_rules, sort_rules
from crm_core.export import to_excel_bytes
from crm_core.export.writers import registry_formats
from crm_core.messages import Localized
from crm_core.schema import DataError
from crm_core.segment.combined import with_group_names
from crm_core.segment.rfm import RfmParams
from crm_core.settings import Scope
from ui import cached_basket, cached_segments
from ui.cached import DatasetKey
from ui.fmt import fit_height, percent_for_display, table_config
from ui.i18n import labels, lang, t

__all__ = ["UBIQUITOUS", "basket_facts", "basket_words", "bundle_section", "customer_offers", "has_category",
           "holdout_section", "offers_section", "percent_text", "quiet_holdout", "rule_filters",
           "rules_section", "rules_words", "scoped_orders", "support_steps", "with_segment_names"]

UBIQUITOUS = 0.3  # an item in this share of the baskets or more is pointed out
SHOWN = 1_000  # rows of a table drawn on the page (the download holds them all)
_SUPPORTS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3)


def scoped_orders(key: DatasetKey, as_of: date, scope: Scope) -> pd.DataFrame:
    return cached_segments.scoped_orders(key, as_of, scope)


def has_category(orders: pd.DataFrame) -> bool:
    return "category" in orders.columns and bool(orders["category"].notna().any())


def percent_text(share: float) -> str:
    """0.005 -> "0.5%", 0.0005 -> "0.05%"."""
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def support_steps(current: float) -> list[float]:
    return sorted(set(_SUPPORTS) | {current})


def basket_words(choice: cs.CrossSellChoice) -> str:
    """The basket options in a few words for the expander's label."""
    parts = [t(f"xs_level_{choice.level}"), t(f"xs_by_{choice.by}"),
             t("xs_window_all") if choice.months is None else t("xs_window_months", n=choice.months)]
    if choice.exclude:
        parts.append(t("xs_excluding", n=len(choice.exclude)))
    return " · ".join(parts)


def rules_words(choice: cs.CrossSellChoice) -> Localized:
    """How the offers' rules were made, in both languages (the offer list's description)."""
    def words(language: str) -> str:
        zh = language == "zh"
        support, conf = percent_text(choice.min_support), percent_text(choice.min_confidence)
        text = (f"支持度 ≥ {support}，置信度 ≥ {conf}，提升度 ≥ {choice.min_lift:g}" if zh else
                f"support ≥ {support}, confidence ≥ {conf}, lift ≥ {choice.min_lift:g}")
        if choice.prune:
            text += "，已去除冗余规则" if zh else ", redundant rules pruned"
        return text
    return Localized(en=words("en"), zh=words("zh"))


def basket_facts(baskets: Baskets, choice: cs.CrossSellChoice) -> None:
    sizes = baskets.sizes
    k = st.columns(4)
    k[0].metric(t("xs_n_baskets"), f"{baskets.n:,}")
    k[1].metric(t(f"xs_n_items_{choice.level}"), f"{len(baskets.items):,}")
    k[2].metric(t("xs_avg_size"), f"{sizes.mean():.1f}" if len(sizes) else "–")
    k[3].metric(t("xs_single_share"), f"{(sizes == 1).mean():.0%}" if len(sizes) else "–",
                help=t("xs_single_share_help"))


def rule_filters(rules: pd.DataFrame, choice: cs.CrossSellChoice, gen: int) -> tuple[pd.DataFrame, bool, float]:
    """The filter widgets and the rules they keep; returns (rules shown, prune, min lift) — the last two also
    decide the offers."""
    f1, f2, f3, f4 = st.columns(4)
    min_lift = f1.number_input(t("xs_min_lift"), min_value=0.0, max_value=1000.0, value=float(choice.min_lift),
                               step=0.5, key=f"xs_min_lift_{gen}", help=t("xs_min_lift_help"))
    min_leverage = f2.number_input(t("xs_min_leverage"), min_value=-1.0, max_value=1.0, value=None, step=0.001,
                                   format="%.4f", key=f"xs_min_leverage_{gen}", help=t("xs_min_leverage_help"),
                                   placeholder=t("xs_any_value"))
    min_conviction = f3.number_input(t("xs_min_conviction"), min_value=0.0, value=None, step=0.5,
                                     key=f"xs_min_conviction_{gen}", help=t("xs_min_conviction_help"),
                                     placeholder=t("xs_any_value"))
    lengths = [None, 2, 3, 4, 5]
    max_len = f4.selectbox(t("xs_rule_len"), lengths, key=f"xs_rule_len_{gen}",
                           format_func=labels(lengths, lambda n: t("xs_no_limit") if n is None else str(n)))
    in_rules = sorted({i for side in ("antecedents", "consequents") for tup in rules[side] for i in tup}) \
        if len(rules) else []
    g1, g2 = st.columns(2)
    if_has = g1.multiselect(t("xs_if_contains"), in_rules, key=f"xs_if_has_{gen}", placeholder=t("xs_any_item"))
    then_has = g2.multiselect(t("xs_then_contains"), in_rules, key=f"xs_then_has_{gen}",
                              placeholder=t("xs_any_item"))
    h1, h2, h3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    search = h1.text_input(t("xs_search"), key=f"xs_search_{gen}", placeholder=t("xs_search_placeholder"))
    sort_by = h2.selectbox(t("xs_sort"), list(SORTS), key=f"xs_sort_{gen}",
                           format_func=labels(SORTS, lambda c: t(f"xs_sort_{c}")))
    prune = h3.toggle(t("xs_prune"), value=choice.prune, key=f"xs_prune_{gen}", help=t("xs_prune_help"))
    kept = filter_rules(rules, min_lift=min_lift, min_leverage=min_leverage, min_conviction=min_conviction,
                        max_len=max_len,
                        antecedent_contains=if_has or None, consequent_contains=then_has or None)
    if prune:
        kept = prune_redundant(kept)
    return sort_rules(search_rules(kept, search), sort_by), prune, float(min_lift)


# The rule in words right after its measures a marketer reads first; the finer measures after it.
_RULE_COLUMNS = ("antecedents", "consequents", "support", "confidence", "lift", "sentence", "leverage", "conviction",
                 "count")


def rules_section(shown: pd.DataFrame, all_rules: pd.DataFrame, choice: cs.CrossSellChoice, language: str,
                  currency: str, as_of: date) -> None:
    """The count, the table (first :data:`SHOWN` rows) and the download of the rules shown."""
    st.caption(t("xs_rules_count", shown=len(shown), total=len(all_rules)) + " " + t("xs_offers_use",
                                                                                      words=rules_words(choice)
                                                                                      .text(language)))
    if shown.empty:
        st.info(t("xs_no_rules"))
        return
    table = rules_table(shown.head(SHOWN), language, by=choice.by)
    st.dataframe(percent_for_display(table[list(_RULE_COLUMNS)]), hide_index=True, width="stretch",
                 height=fit_height(len(table)),
                 column_config={**table_config(_RULE_COLUMNS, currency),
                                "conviction": st.column_config.TextColumn(t("xs_conviction_label"))})
    if len(shown) > SHOWN:
        st.caption(t("xs_first_rows", n=SHOWN))
    sheet_name = t("xs_sheet_rules")

    def workbook() -> bytes:  # written when she clicks, not on every rerun
        sheet = rules_table(shown, language, by=choice.by).rename(columns=lambda c: _label(c, language))
        return to_excel_bytes({sheet_name: sheet}, formats=registry_formats())

    st.download_button(t("xs_download_rules"), data=workbook, file_name=f"rules_{as_of:%Y%m%d}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="xs_download_rules", icon="⬇️")


def _label(column: str, language: str) -> str:
    from crm_core.columns import label

    return label(column, language)


def with_segment_names(scored: pd.DataFrame, params: RfmParams, language: str) -> pd.DataFrame:
    return with_group_names(scored, rfm_params=params, lang=language)


def holdout_section(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice):
    """The hold-out check: hit rate at N of the offers against popularity, and the rules that do not beat it.
    Returns the :class:`crm_core.basket.actions.HoldoutResult`, or None when it cannot be run (the reason shown)."""
    split = cs.split_date(as_of, choice)
    st.caption(t("xs_holdout_intro", split=f"{split:%Y-%m-%d}", as_of=f"{as_of:%Y-%m-%d}", n=choice.offers))
    try:
        with st.spinner(t("xs_holdout_running")):
            checked = cached_basket.holdout(key, as_of, scope, choice)
    except DataError as exc:
        st.info(t("xs_holdout_impossible", detail=exc.text(lang())))
        return None
    if not checked.customers:
        st.info(t("xs_holdout_nobody"))
        return checked
    k = st.columns(3)
    k[0].metric(t("xs_holdout_customers"), f"{checked.customers:,}")
    k[1].metric(t("xs_holdout_rate", n=checked.n), f"{checked.hit_rate:.1%}",
                delta=f"{(checked.hit_rate - checked.baseline_hit_rate) * 100:+.1f} pp")
    k[2].metric(t("xs_holdout_baseline", n=checked.n), f"{checked.baseline_hit_rate:.1%}")
    if checked.beats_popularity:
        st.success(t("xs_holdout_beats", rate=checked.hit_rate, base=checked.baseline_hit_rate))
    else:
        st.warning(t("xs_holdout_loses", rate=checked.hit_rate, base=checked.baseline_hit_rate))
    flags = checked.rules_flagged
    losing = int((~flags["beats_popularity"].astype(bool)).sum()) if len(flags) else 0
    st.markdown(t("xs_holdout_rules", n=len(flags), losing=losing))
    columns = ("rule", "item", "offers", "hits", "hit_rate", "popularity_hit_rate", "beats_popularity")
    shown = flags.head(SHOWN).assign(beats_popularity=flags["beats_popularity"].head(SHOWN).map(_verdict))
    st.dataframe(percent_for_display(shown), hide_index=True, width="stretch",
                 height=fit_height(min(len(flags), SHOWN)),
                 column_config={**table_config(columns, "¥"),
                                "beats_popularity": st.column_config.TextColumn(t("xs_checked_label"))})
    return checked


def _verdict(value) -> str:
    """A rule's hold-out verdict for people: ✅ beats popular items, ⚠️ does not, or "not tested"."""
    return t("xs_untested") if value is None or value != value else "✅" if bool(value) else "⚠️"


def quiet_holdout(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice):
    """The hold-out check for the offers' flags (with a spinner), or None when it cannot run."""
    try:
        with st.spinner(t("xs_holdout_running")):
            return cached_basket.holdout(key, as_of, scope, choice)
    except DataError:
        return None


def customer_offers(key: DatasetKey, as_of: date, scope: Scope, customer_id: str) -> None:
    """One customer's next-best offers with their reasons (Customer 360), from the session's cross-sell choice."""
    from ui import segment_state

    st.markdown(f"**{t('c360_recommended')}**")
    choice = segment_state.crosssell()
    try:
        offers = cached_basket.offers(key, as_of, scope, choice, lang())
    except DataError as exc:
        st.caption(t("xs_c360_unavailable", detail=exc.text(lang())))
        return
    mine = offers[offers["customer_id"].astype(str) == customer_id]
    if mine.empty:
        st.caption(t("xs_c360_none"))
        return
    for row in mine.itertuples(index=False):
        st.markdown(f"{row.rank}. **{row.item}** — {row.reason}")
    st.caption(t("xs_c360_source", words=rules_words(choice).text(lang())))


def bundle_section(completion: pd.DataFrame, chosen: tuple[tuple[str, ...], ...]) -> None:
    """Customers per bundle and missing item, then the completion table."""
    customers = completion["customer_id"].nunique() if len(completion) else 0
    k = st.columns(3)
    k[0].metric(t("xs_bundle_customers"), f"{customers:,}")
    k[1].metric(t("xs_bundle_rows"), f"{len(completion):,}")
    k[2].metric(t("xs_bundle_count"), f"{len(chosen):,}")
    if completion.empty:
        st.info(t("xs_bundle_nobody"))
        return
    counts = (completion.groupby(["bundle", "missing_item"], sort=False).size().rename("customers").reset_index()
              .rename(columns={"missing_item": "offer_item"}))
    st.dataframe(counts, hide_index=True, width="stretch", height=fit_height(len(counts)),
                 column_config=table_config(("bundle", "offer_item", "customers"), "¥"))
    shown = completion.head(SHOWN).rename(columns={"missing_item": "offer_item", "have": "bundle_have",
                                                    "reason": "offer_reason"})
    columns = ("customer_id", "offer_item", "bundle", "bundle_have", "offer_reason")
    st.dataframe(shown[list(columns)], hide_index=True, width="stretch", height=fit_height(len(shown)),
                 column_config=table_config(columns, "¥"))


def offers_section(offers: pd.DataFrame, choice: cs.CrossSellChoice) -> None:
    """How many customers get offers, the products offered most, and the offers themselves."""
    if offers.empty:
        st.info(t("xs_no_offers"))
        return
    k = st.columns(3)
    k[0].metric(t("xs_offer_customers"), f"{offers['customer_id'].nunique():,}")
    k[1].metric(t("xs_offer_rows"), f"{len(offers):,}")
    k[2].metric(t("xs_offer_products"), f"{offers['item'].nunique():,}")
    flagged = offers["beats_popularity"].map(lambda v: v is False)
    if flagged.any():
        st.warning(t("xs_offers_flagged", n=int(flagged.sum())))
    table = offers.head(SHOWN).assign(beats_popularity=offers["beats_popularity"].head(SHOWN).map(_verdict))
    columns = ("customer_id", "rank", "item", "confidence", "lift", "reason", "beats_popularity")
    st.dataframe(percent_for_display(table[list(columns)]), hide_index=True, width="stretch",
                 height=fit_height(len(table)), column_config={**table_config(columns, "¥"),
                                                               "reason": st.column_config.TextColumn(
                                                                   t("xs_reason_label"), width="large"),
                                                               "beats_popularity": st.column_config.TextColumn(
                                                                   t("xs_checked_label"))})
    if len(offers) > SHOWN:
        st.caption(t("xs_first_rows", n=SHOWN))
