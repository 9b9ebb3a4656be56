"""Campaign builder page: her tags -> who gets the campaign (segments, clusters, stages, tags with AND/OR) ->
a seeded control group -> the campaign's words and its list through the export path.

Everything reads the segmented customer table of the cached wrappers (the RFM page's customers, analysis date,
window and filters).  The tags and the campaign live in the session (:mod:`ui.segment_state`), so they are
saved with the analysis file and the builder starts from them when she comes back.
"""

import json
import math
from dataclasses import replace
from datetime import date

import streamlit as st

from crm_core.messages import Localized
from crm_core.schema import DataError
from crm_core.segment import campaign as cmp
from crm_core.segment.combined import with_group_names
from crm_core.segment.lifecycle import Lifecycle
from ui import cached_basket, cached_segments, model_scores, scope_form, segment_state, selection_form, state, tag_form
from ui.fmt import money_text
from ui.i18n import lang, t
from ui.list_download import list_download

up, summary = state.require_data()
key = state.ingest_key(up)
as_of = state.as_of(summary["default_as_of"])
scope = state.scope()
params = state.rfm_params()
currency = state.currency()
language = lang()
st.title(t("nav_campaign"))
st.caption(t("cmp_intro") + " " + t("segments_scope_note", date=f"{as_of:%Y-%m-%d}",
                                     scope=scope_form.summary_text(scope, as_of)))

# --- the segmented table: clusters left out when they cannot be fitted, tags when a rule fails -----------------
choices = segment_state.segment_choices()
clusters, tag_error = None, None
with st.spinner(t("computing")):
    try:
        if choices.clusters is not None:
            clusters = cached_segments.cluster_fit(key, as_of, scope, choices.clusters)
    except DataError as exc:
        st.caption(t("cmp_no_clusters", detail=exc.text(language)))
        choices = replace(choices, clusters=None)
    try:
        table = cached_segments.segmented(key, as_of, params, scope, choices, language)
    except DataError as exc:
        if not choices.tags:
            st.error(exc.text(language))
            state.stop()
        tag_error = exc.text(language)  # a saved rule this data cannot carry: shown, and the rules can be fixed
        choices = replace(choices, tags=())
        try:
            table = cached_segments.segmented(key, as_of, params, scope, choices, language)
        except DataError as again:
            st.error(again.text(language))
            state.stop()
# The cross-sell offers, once she has made cross-sell choices (the Cross-sell page, or an opened analysis).
crosssell = segment_state.crosssell() if segment_state.crosssell_seen() else None
if crosssell is not None:
    try:
        with st.spinner(t("computing")):
            table = cached_basket.with_offers(table, key, as_of, scope, crosssell, language)
    except DataError as exc:
        st.caption(t("cmp_no_crosssell", detail=exc.text(language)))
        crosssell = None
# Churn risk, response propensity and lifetime value, once she has used their pages (or opened an analysis).
scores = model_scores.model_scores(key, as_of, scope, language)
for problem in scores.problems:
    st.caption(t("cmp_no_scores", detail=problem))
table = scores.add_to(table)
# The order lines the tags read (those inside the window and filters, as in the segmented table).
orders = cached_segments.scoped_orders(key, as_of, scope)

# --- 1. tags ----------------------------------------------------------------------------------------------------
rules = choices.tags
if tag_error:
    st.error(tag_error)
# A key keeps the expander open or closed as she left it while its label's count changes.
with st.expander(t("tag_section", n=len(segment_state.tag_rules())), icon="🏷️", key="cmp_tags_open"):
    tag_form.tags_section(table, orders, as_of)

# --- 2. the selection -------------------------------------------------------------------------------------------
st.subheader(t("cmp_build"))
segmentations = {"segment": params.scheme, "stage": Lifecycle(choices.windows)}
if clusters is not None:
    segmentations["cluster"] = clusters
segmentations.update(model_scores.segmentations(scores))
offered = selection_form.groupings(table, segmentations, rules, language)
saved = segment_state.campaign()
selection = selection_form.selection_section(table, offered, None if saved is None else saved.selection)


def _default_names(day: date) -> tuple[str, str]:
    return (t("cmp_default_en", month=f"{day:%b %Y}"), t("cmp_default_zh", year=day.year, m=day.month))


def _texts(old: Localized, new: str) -> Localized:
    """Her words for the language in use; the other language keeps its own words (or gets these)."""
    other = old.zh if language == "en" else old.en
    other = other if other.strip() else new
    return Localized(en=new, zh=other) if language == "en" else Localized(en=other, zh=new)


gen = st.session_state.get("editor_gen", 0)
default_en, default_zh = _default_names(as_of)
start = saved or cmp.Campaign(name=Localized(en=default_en, zh=default_zh))

if selection is None:
    st.info(t("cmp_no_condition"))
    segment_state.set_campaign(replace(start, selection=None, selection_words=Localized(en="", zh="")))
    state.stop()

mask = cmp.select(table, selection)
stake = cmp.at_stake(table, mask)
k = st.columns(4)
k[0].metric(t("cmp_selected"), f"{stake['customers']:,}")
k[1].metric(t("cmp_revenue"), money_text(stake["revenue"], currency))
k[2].metric(t("cmp_customer_share"), f"{stake['customer_share']:.1%}" if stake["customers"] else "–")
k[3].metric(t("cmp_revenue_share"), "–" if math.isnan(stake["revenue_share"])
            else f"{stake['revenue_share']:.1%}")
words = Localized(en=selection_form.selection_words(selection, "en", segmentations=segmentations, rules=rules),
                  zh=selection_form.selection_words(selection, "zh", segmentations=segmentations, rules=rules))
st.markdown(t("cmp_words", words=words.text(language)))

# --- 3. control group and 4. details ------------------------------------------------------------------------------
st.subheader(t("cmp_control"))
st.caption(t("cmp_control_help"))
c1, c2 = st.columns([2, 1])
percent = c1.slider(t("cmp_percent"), min_value=0, max_value=cmp.MAX_CONTROL_PERCENT, step=1,
                    value=int(round(start.control_percent)), key=f"cmp_percent_{gen}")
seed = int(c2.number_input(t("cmp_seed"), min_value=0, step=1, value=int(start.seed), key=f"cmp_seed_{gen}",
                           help=t("cmp_seed_help")))
counts_slot = st.container()

st.subheader(t("cmp_details"))
n1, n2 = st.columns(2)
name_en = n1.text_input(t("cmp_name_en"), value=start.name.en, key=f"cmp_name_en_{gen}")
name_zh = n2.text_input(t("cmp_name_zh"), value=start.name.zh, key=f"cmp_name_zh_{gen}")
d1, d2 = st.columns(2)
action = d1.text_input(t("cmp_action"), value=start.action.text(language), key=f"cmp_action_{gen}_{language}",
                       placeholder=t("cmp_action_placeholder"))
channel = d2.text_input(t("cmp_channel"), value=start.channel.text(language), key=f"cmp_channel_{gen}_{language}",
                        placeholder=t("cmp_channel_placeholder"))
description = st.text_area(t("cmp_description"), value=start.description.text(language), height=68,
                           key=f"cmp_description_{gen}_{language}")
made_by = segment_state.segment_choices().fingerprint()
if crosssell is not None and set(selection.columns()) & {"offer_item", "bundle_item"}:
    made_by = {**made_by, "crosssell": crosssell.to_dict()}  # the offers decide who is selected: in the list id
for kind, column in model_scores.DECILE_COLUMNS.items():  # so do the models' choices, when their deciles are used
    if column in selection.columns():
        made_by = {**made_by, kind: scores.choice_dict(kind)}
context = json.dumps(made_by, ensure_ascii=False, sort_keys=True)
try:
    campaign = cmp.Campaign.of(
        Localized(en=name_en.strip(), zh=name_zh.strip()), selection, control_percent=percent, seed=seed,
        segmentations=segmentations, action=_texts(start.action, action.strip()),
        channel=_texts(start.channel, channel.strip()), description=_texts(start.description, description.strip()),
        context=context)
except DataError as exc:
    st.error(exc.text(language))
    state.stop()
campaign = replace(campaign, selection_words=words)
segment_state.set_campaign(campaign)

if not stake["customers"]:
    counts_slot.warning(t("cmp_nobody"))
    state.stop()
listed = campaign.table(table)
held = int((listed[cmp.GROUP_COLUMN] == "control").sum())
m1, m2, _ = counts_slot.columns([1, 1, 2])
m1.metric(t("cmp_target_n"), f"{len(listed) - held:,}")
m2.metric(t("cmp_control_n"), f"{held:,}")

st.caption(t("cmp_export_note"))
named = with_group_names(listed, rfm_params=params, clusters=clusters, windows=choices.windows, lang=language)
list_download(named, campaign, key=key, up=up, as_of=as_of, scope=scope, file_stem="campaign",
              widget_key="cmp_list", segments=())
