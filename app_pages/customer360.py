"""Customer 360 page: search by id, name or phone -> pick one customer -> their profile.

The profile (:func:`crm_core.segment.profile360.customer_profile`) reads the segmented customer table of the
cached wrappers, so it shows the same RFM segment, cluster, stage and tags as the other pages.  Contact details
follow the export's masking rule (the session's list settings); the search always runs on the real values, so
a phone can be found while it is shown masked.  The query and the chosen customer are kept in the session
(widget state is dropped when the user visits another page).
"""

from dataclasses import replace

import pandas as pd
import streamlit as st

from crm_core import columns as registry
from crm_core import export
from crm_core.schema import DataError
from crm_core.segment import profile360
from ui import cached_segments, crosssell_view, model_scores, profile_charts, scope_form, segment_state, state
from ui.fmt import fit_height, money_text, table_config
from ui.i18n import labels, lang, t

QUERY = "c360_query_value"
PICKED = "c360_picked"
CONTACT = ("name", "phone", "email")

up, summary = state.require_data()
key = state.ingest_key(up)
as_of = state.as_of(summary["default_as_of"])
scope = state.scope()
params = state.rfm_params()
currency = state.currency()
st.title(t("nav_customer360"))
st.caption(t("c360_intro") + " " + t("segments_scope_note", date=f"{as_of:%Y-%m-%d}",
                                      scope=scope_form.summary_text(scope, as_of)))

# --- the segmented table (clusters left out, with a note, when they cannot be fitted) ---------------------
choices = segment_state.segment_choices()
clusters, cluster_note = None, t("c360_clusters_off") if choices.clusters is None else None
with st.spinner(t("c360_computing")):
    try:
        table = cached_segments.segmented(key, as_of, params, scope, choices, lang())
        if choices.clusters is not None:
            clusters = cached_segments.cluster_fit(key, as_of, scope, choices.clusters)
    except DataError as exc:
        if choices.clusters is None:
            st.error(exc.text(lang()))
            state.stop()
        cluster_note = t("c360_clusters_unavailable", reason=exc.text(lang()))
        choices = replace(choices, clusters=None)
        try:
            table = cached_segments.segmented(key, as_of, params, scope, choices, lang())
        except DataError as again:  # not the clusters: a tag rule or the window leaves nothing to show
            st.error(again.text(lang()))
            state.stop()

# --- search ------------------------------------------------------------------------------------------------
query = st.text_input(t("c360_search"), value=st.session_state.get(QUERY, ""), key="c360_query",
                      placeholder=t("c360_search_placeholder"), help=t("c360_search_help"))
st.session_state[QUERY] = query
mask = state.list_settings().mask_personal
# A file without contacts has nothing to mask, unless its ids are phones or e-mails (checked on the matches:
# checking every id on each rerun would be slow on 100,000 customers).
personal = any(c in table.columns and table[c].notna().any() for c in CONTACT)
if personal:
    st.caption(t("c360_masked") if mask else t("c360_unmasked"))
if not query.strip():
    st.info(t("c360_start"))
    state.stop()
LIMIT = 20
matches = profile360.find_customers(table, query, limit=LIMIT + 1)
if matches.empty:
    st.warning(t("c360_no_match", query=query.strip(), date=f"{as_of:%Y-%m-%d}"))
    state.stop()


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its contact columns and personal ids masked, unless the list settings say not to."""
    if not mask:
        return frame
    return export.mask_frame(frame).assign(customer_id=export.mask_identifier(frame["customer_id"]))


found = shown(matches.head(LIMIT))
if not personal and export.count_personal_ids(matches["customer_id"]) > 0:
    st.caption(t("c360_masked") if mask else t("c360_unmasked"))
names = params.scheme
options = found.index.tolist()


def _option(i) -> str:
    row = found.loc[i]
    parts = [row["customer_id"]] + [str(row[c]) for c in ("name", "phone") if c in row.index and pd.notna(row[c])]
    return " · ".join(parts + [names.name(str(row["segment"]), lang())])


if len(matches) > LIMIT:
    st.caption(t("c360_matches_more", n=LIMIT))
elif len(matches) > 1:
    st.caption(t("c360_matches", n=len(matches)))
remembered = st.session_state.get(PICKED)
start = next((i for i, index in enumerate(options) if matches.loc[index, "customer_id"] == remembered), 0)
picked = st.selectbox(t("c360_pick"), options, index=start, key="c360_pick",
                      format_func=labels(options, _option))
if picked not in matches.index:  # the matches changed under a remembered choice
    picked = options[0]
st.session_state[PICKED] = matches.loc[picked, "customer_id"]

# --- the profile ---------------------------------------------------------------------------------------------
orders = cached_segments.scoped_orders(key, as_of, scope)
profile = profile360.customer_profile(
    table.loc[picked], orders, rfm_params=params, clusters=clusters, windows=choices.windows, tag_rules=choices.tags,
    as_of=as_of, lang=lang(), currency=currency)
person = shown(pd.DataFrame([profile.attributes])).iloc[0]
heading = person["customer_id"]
if "name" in person.index and pd.notna(person["name"]) and str(person["name"]):
    heading += f" · {person['name']}"
st.subheader(heading)


def value(column: str) -> object:
    return profile.value(column)


def text(column: str) -> str:
    v = person.get(column)
    return profile360.value_text(column, v, currency=currency) if column not in CONTACT else str(v)


def label(column: str) -> str:
    return t("c360_preferred_channel") if column == "channel" else registry.label(column, lang())


def days_text(days: int, many: str, one: str, none: str) -> str:
    return t(none) if days == 0 else t(one) if days == 1 else t(many, n=days)


first, second = st.columns(4), st.columns(4)
first[0].metric(label("frequency"), f"{int(value('frequency')):,}", border=True)
first[1].metric(label("monetary"), money_text(float(value("monetary")), currency), border=True)
first[2].metric(label("avg_order_value"), money_text(float(value("avg_order_value")), currency), border=True)
first[3].metric(label("return_share"), f"{float(value('return_share')):.1%}", border=True)
second[0].metric(label("first_order_date"), text("first_order_date"), border=True)
second[0].caption(days_text(int(value("tenure_days")), "c360_tenure", "c360_tenure_one", "c360_tenure_new"))
second[1].metric(label("last_order_date"), text("last_order_date"), border=True)
second[1].caption(days_text(int(value("recency_days")), "c360_days_ago", "c360_one_day_ago", "c360_today"))
interval = value("avg_interval_days")
second[2].metric(label("avg_interval_days"), "–" if pd.isna(interval) else f"{float(interval):,.1f}", border=True)
expected = value("expected_next_order_date")
second[3].metric(label("expected_next_order_date"), "–" if pd.isna(expected) else text("expected_next_order_date"),
                 border=True)
if pd.isna(expected):
    second[3].caption(t("c360_one_order"))
elif pd.Timestamp(expected) < pd.Timestamp(as_of):
    second[3].caption(t("c360_overdue", n=(pd.Timestamp(as_of) - pd.Timestamp(expected)).days))

# --- groupings with their reasons ------------------------------------------------------------------------------
st.subheader(t("c360_groups"))


def group_box(column, title: str, group: profile360.GroupReason | None, note: str | None = None) -> None:
    with column.container(border=True):
        st.markdown(f"**{title}**{t('c360_colon')}{group.name if group is not None else '–'}")
        if group is None:
            st.caption(note or "")
            return
        st.markdown(f"{t('c360_why')}{t('c360_colon')}{group.reason}")
        # A stage's reason already ends with its rule; a cluster's reason is its description.
        if group.description and group.description.rstrip(".。")[1:] not in group.reason:
            st.caption(f"{t('c360_means')}{t('c360_colon')}{group.description}")
        if group.action:
            st.caption(f"{t('c360_action')}{t('c360_colon')}{group.action}")


left, right = st.columns(2)
group_box(left, t("c360_rfm"), profile.rfm)
group_box(right, t("c360_stage"), profile.stage)
left, right = st.columns(2)
group_box(left, t("c360_cluster"), profile.cluster, cluster_note)
with right.container(border=True):
    separator = "、" if lang() == "zh" else ", "
    st.markdown(f"**{t('c360_tags')}**{t('c360_colon')}{separator.join(g.name for g in profile.tags) or '–'}")
    if not choices.tags:
        st.caption(t("c360_no_rules"))
    elif not profile.tags:
        st.caption(t("c360_no_tags", n=len(choices.tags)))
    for tag in profile.tags:
        st.markdown(f"- **{tag.name}**{t('c360_colon')}" + t("c360_reason_separator").join(tag.reasons))

# --- timeline, attributes, order lines -------------------------------------------------------------------------


st.subheader(t("c360_timeline"))
if profile.orders.empty:
    st.info(t("c360_no_orders"))
else:
    st.altair_chart(profile_charts.timeline_chart(profile.orders, currency), width="stretch")

ATTRIBUTES = ("customer_id", "name", "phone", "email", "gender", "city", "signup_date", "opted_out", "channel",
              "top_category", "top_product", "items", "gross_sales", "returns_value", "tenure_days", "recency_days",
              "longest_gap_days", "orders_per_year")
with st.expander(t("c360_attributes"), expanded=True):
    rows = []
    for column in ATTRIBUTES:
        if column not in person.index or person[column] is None or (not isinstance(person[column], str)
                                                                    and pd.isna(person[column])):
            continue
        shown_value = text(column) if column != "opted_out" else t("c360_yes" if person[column] else "c360_no")
        rows.append((label(column), shown_value))
    facts = pd.DataFrame(rows, columns=[t("c360_attribute"), t("c360_value")])
    st.dataframe(facts, hide_index=True, width="stretch", height=fit_height(len(facts), limit=20))

with st.expander(t("c360_order_lines", n=len(profile.lines))):
    line_columns = [c for c in ("order_date", "order_id", "product", "category", "quantity", "amount", "channel")
                    if c in profile.lines.columns]
    lines = profile.lines[line_columns].assign(
        is_return=profile.lines["is_return"].map({True: t("c360_yes"), False: t("c360_no")}))
    config = table_config(line_columns, currency) | {"is_return": st.column_config.Column(t("c360_is_return"))}
    st.dataframe(lines.iloc[::-1], hide_index=True, width="stretch", column_config=config,
                 height=fit_height(len(lines)))

# --- predictions (the Churn, Response and Lifetime value pages' models) and the next-best offers ------------------
st.subheader(t("c360_predictions"))
picked = str(st.session_state[PICKED])
offers = model_scores.predictions_section(key, as_of, scope, picked, currency)
with offers.container(border=True):  # the customer's next-best offers (the Cross-sell page's rules)
    crosssell_view.customer_offers(key, as_of, scope, picked)
