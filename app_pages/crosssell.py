"""Cross-sell page: baskets -> itemsets and rules (cached, with progress) -> filters, sentences and charts ->
bundle completion and next-best offers through the export path -> the hold-out check against popularity.

Everything reads the order lines of the analysis window and filters (the RFM page's customers).  The choice
(baskets, thresholds, offers, bundles) lives in the session (:func:`ui.segment_state.crosssell`), so it is saved
with the analysis file and the campaign builder can select the customers offered a product.
"""

import zlib

import streamlit as st

from crm_core.basket import crosssell as cs
from crm_core.basket.actions import bundle_candidates, bundle_text
from crm_core.basket.baskets import LEVELS
from crm_core.schema import DataError
from ui import basket_charts, cached, cached_basket, crosssell_view, scope_form, segment_state, state
from ui.choice_keeper import ChoiceKeeper
from ui.i18n import labels, lang, t
from ui.list_download import list_download

up, summary = state.require_data()
key = state.ingest_key(up)
as_of = state.as_of(summary["default_as_of"])
scope = state.scope()
params = state.rfm_params()
currency = state.currency()
language = lang()
gen = st.session_state.get("editor_gen", 0)
st.title(t("nav_crosssell"))
st.caption(t("xs_intro") + " " + t("segments_scope_note", date=f"{as_of:%Y-%m-%d}",
                                    scope=scope_form.summary_text(scope, as_of)))
kept = ChoiceKeeper(segment_state.crosssell(), segment_state.set_crosssell)
choice = kept.choice
segment_state.set_crosssell(choice)  # from now on the campaign builder offers the cross-sell lists


def show_error(exc: DataError) -> None:
    st.error(exc.text(language))
    state.stop()


# --- 1. baskets ------------------------------------------------------------------------------------------------
orders = crosssell_view.scoped_orders(key, as_of, scope)
has_category = crosssell_view.has_category(orders)
if choice.level == "category" and not has_category:
    choice = kept.update(level="product")
with st.expander(t("xs_baskets", words=crosssell_view.basket_words(choice)), icon="🧺"):
    with st.form(f"xs_baskets_form_{gen}", border=False):
        c1, c2, c3 = st.columns(3)
        levels = list(LEVELS) if has_category else ["product"]
        level = c1.radio(t("xs_level"), levels, index=levels.index(choice.level), horizontal=True,
                         format_func=labels(levels, lambda v: t(f"xs_level_{v}")), key=f"xs_level_{gen}",
                         help=None if has_category else t("xs_no_category"))
        by = c2.radio(t("xs_by"), ["order", "customer"], index=["order", "customer"].index(choice.by),
                      horizontal=True, format_func=labels(["order", "customer"], lambda v: t(f"xs_by_{v}")),
                      key=f"xs_by_{gen}", help=t("xs_by_help"))
        windows = [None, 3, 6, 12, 24]
        if choice.months not in windows:
            windows.append(choice.months)
        months = c3.selectbox(t("xs_window"), windows, index=windows.index(choice.months), key=f"xs_window_{gen}",
                              format_func=labels(windows, lambda m: t("xs_window_all") if m is None
                                                 else t("xs_window_months", n=m)), help=t("xs_window_help"))
        s1, s2 = st.columns(2)
        min_size = s1.number_input(t("xs_min_size"), min_value=1, max_value=50, value=choice.min_size,
                                   key=f"xs_min_size_{gen}", help=t("xs_min_size_help"))
        max_size = s2.number_input(t("xs_max_size"), min_value=0, max_value=1000, value=choice.max_size or 0,
                                   key=f"xs_max_size_{gen}", help=t("xs_max_size_help"))
        known = cached_basket.item_names(key, as_of, scope, choice.level)
        options = list(dict.fromkeys(list(choice.exclude) + known))
        exclude = st.multiselect(t("xs_exclude"), options, default=list(choice.exclude), key=f"xs_exclude_{gen}",
                                 accept_new_options=True, placeholder=t("xs_exclude_placeholder"),
                                 help=t("xs_exclude_help"))
        if st.form_submit_button(t("xs_apply"), type="primary"):
            try:
                choice = kept.update(level=level, by=by, months=months, min_size=int(min_size),
                                     max_size=int(max_size) or None, exclude=tuple(exclude),
                                     bundles=() if level != choice.level else choice.bundles)
            except DataError as exc:
                st.error(exc.text(language))
            else:
                st.rerun()

# --- 2. mining thresholds ----------------------------------------------------------------------------------------
m1, m2, m3 = st.columns(3)
supports = crosssell_view.support_steps(choice.min_support)
support = m1.select_slider(t("xs_min_support"), supports, value=choice.min_support, key=f"xs_support_{gen}",
                           format_func=crosssell_view.percent_text, help=t("xs_min_support_help"))
confidence = m2.slider(t("xs_min_confidence"), 0, 100, value=int(round(choice.min_confidence * 100)), step=5,
                       format="%d%%", key=f"xs_confidence_{gen}", help=t("xs_min_confidence_help"))
lengths = [2, 3, 4, 5, None]
max_len = m3.selectbox(t("xs_max_len"), lengths, index=lengths.index(choice.max_len if choice.max_len in lengths
                                                                     else None),
                       format_func=labels(lengths, lambda n: t("xs_no_limit") if n is None else str(n)),
                       key=f"xs_max_len_{gen}", help=t("xs_max_len_help"))
choice = kept.update(min_support=support, min_confidence=confidence / 100, max_len=max_len)

with st.status(t("xs_mining"), expanded=False) as box:
    try:
        box.write(t("xs_step_baskets"))
        found = cached_basket.itemsets(key, as_of, scope, choice)
        box.write(t("xs_step_rules"))
        all_rules = cached_basket.rules(key, as_of, scope, choice)
    except DataError as exc:
        box.update(label=t("xs_mining_failed"), state="error", expanded=True)
        show_error(exc)
    box.update(label=t("xs_mined", baskets=found.baskets.n, items=len(found.baskets.items),
                       itemsets=len(found.itemsets), rules=len(all_rules), seconds=found.seconds), state="complete")
crosssell_view.basket_facts(found.baskets, choice)
for item, share in found.baskets.ubiquitous(crosssell_view.UBIQUITOUS):
    col, button = st.columns([4, 1], vertical_alignment="center")
    col.warning(t("xs_ubiquitous", item=item, share=share))
    if button.button(t("xs_leave_out"), key=f"xs_leave_out_{item}"):
        choice = kept.update(exclude=choice.exclude + (item,))
        st.session_state["editor_gen"] = gen + 1
        st.rerun()

# --- 3. the rule filters (they decide the table, the charts and the offers) -------------------------------------
st.markdown(f"##### {t('xs_filters')}")
shown, prune, min_lift = crosssell_view.rule_filters(all_rules, choice, gen)
choice = kept.update(min_lift=min_lift, prune=prune)

# --- 4. rules, charts, bundles, offers, hold-out: only the open tab runs ------------------------------------------
names = [t("xs_tab_rules"), t("xs_tab_charts"), t("xs_tab_bundles"), t("xs_tab_offers"), t("xs_tab_holdout")]
tab_rules, tab_charts, tab_bundles, tab_offers, tab_check = st.tabs(names, key=f"xs_tab_{language}",
                                                                    on_change="rerun")

if tab_rules.open:
    with tab_rules:
        crosssell_view.rules_section(shown, all_rules, choice, language, currency, as_of)

if tab_charts.open:
    with tab_charts:
        if shown.empty:
            st.info(t("xs_no_rules"))
        items_chart, pairs_chart, supports = cached_basket.fixed_charts(key, as_of, scope, choice, language)
        c1, c2 = st.columns(2)
        c1.vega_lite_chart(spec=basket_charts.scatter_spec(shown), width="stretch")
        c2.vega_lite_chart(spec=cached_basket.network_spec(shown, supports, language), width="stretch")
        c3, c4 = st.columns(2)
        c3.vega_lite_chart(spec=items_chart, width="stretch")
        c4.vega_lite_chart(spec=pairs_chart, width="stretch")

if tab_check.open:
    with tab_check:
        months = st.slider(t("xs_holdout_months"), 1, 12, value=choice.holdout_months, key=f"xs_holdout_{gen}",
                           help=t("xs_holdout_help"))
        choice = kept.update(holdout_months=months)
        crosssell_view.holdout_section(key, as_of, scope, choice)

if tab_bundles.open:
    with tab_bundles:
        # Keyed on what was mined: other baskets or thresholds start again from their own default bundles.
        mined_token = zlib.crc32(repr(cached_basket.itemset_part(choice)).encode())
        candidates = bundle_candidates(found.itemsets, min_len=2, top=30)
        default = list(cs.bundles_to_complete(found.itemsets, choice))
        offered = list(dict.fromkeys(default + [tuple(sorted(s)) for s in candidates["itemset"]]))
        support_of = dict(zip([tuple(sorted(s)) for s in found.itemsets["itemset"]], found.itemsets["support"],
                              strict=True))
        picked = st.multiselect(t("xs_bundles_pick"), offered, default=default,
                                key=f"xs_bundles_{gen}_{mined_token}", help=t("xs_bundles_help"),
                                format_func=labels(offered, lambda b: t("xs_bundle_option", bundle=bundle_text(b),
                                                                         share=support_of.get(b, 0.0))),
                                placeholder=t("xs_bundles_placeholder"))
        choice = kept.update(bundles=tuple(tuple(b) for b in picked) if picked != default or choice.bundles else ())
        chosen = tuple(tuple(b) for b in picked)
        if not chosen:
            st.info(t("xs_no_bundles"))
        else:
            completion = cached_basket.bundles(key, as_of, scope, choice, chosen, language)
            crosssell_view.bundle_section(completion, chosen)
            if len(completion):
                st.markdown(f"##### {t('xs_bundle_list')}")
                named = crosssell_view.with_segment_names(cached.rfm_scores(key, as_of, params, scope), params,
                                                          language)
                list_download(cs.bundle_table(named, completion), cs.BundleList(chosen, choice=choice), key=key,
                              up=up, as_of=as_of, scope=scope, file_stem="bundle_completion",
                              widget_key="xs_bundle_list", columns=cs.BUNDLE_LIST_COLUMNS, preview=False)

if tab_offers.open:
    with tab_offers:
        n = st.slider(t("xs_offers_n"), 1, cs.MAX_OFFERS, value=choice.offers, key=f"xs_offers_n_{gen}",
                      help=t("xs_offers_n_help"))
        choice = kept.update(offers=n)
        checked = crosssell_view.quiet_holdout(key, as_of, scope, choice)
        offers = cs.flag_offers(cached_basket.offers(key, as_of, scope, choice, language), checked)
        crosssell_view.offers_section(offers, choice)
        if len(offers):
            st.markdown(f"##### {t('xs_offer_list')}")
            named = crosssell_view.with_segment_names(cached.rfm_scores(key, as_of, params, scope), params, language)
            offer_list = cs.OfferList(n=choice.offers, rules_words=crosssell_view.rules_words(choice), choice=choice)
            list_download(cs.offer_table(named, offers, language), offer_list, key=key, up=up, as_of=as_of,
                          scope=scope, file_stem="next_best_offers", widget_key="xs_offer_list",
                          columns=cs.OFFER_LIST_COLUMNS, preview=False)
