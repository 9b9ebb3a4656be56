"""Clusters page: features -> k (with guidance) -> cached fit -> profiles, names, heat map, PCA map, lists."""

import zlib
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from crm_core import export
from crm_core.schema import DataError
from crm_core.segment import cluster_inputs
from crm_core.segment import clusters as cl
from crm_core.segment.combined import ClusterChoice, with_group_names
from ui import cluster_cache, scope_form, segment_state, state
from ui import cluster_charts as charts
from ui.fmt import fit_height, money_text, percent_for_display, table_config
from ui.i18n import labels, lang, t
from ui.list_download import list_download

BEHAVIOUR = (*cl.DEFAULT_FEATURES, "avg_interval_days")

up, summary = state.require_data()
key = state.ingest_key(up)
as_of = state.as_of(summary["default_as_of"])
scope = state.scope()
params = state.rfm_params()
currency = state.currency()
gen = st.session_state.get("editor_gen", 0)
st.title(t("nav_clusters"))
st.caption(t("clu_intro"))
st.caption(t("segments_scope_note", date=f"{as_of:%Y-%m-%d}", scope=scope_form.summary_text(scope, as_of)))


def label(name: str) -> str:
    return cluster_inputs.feature_label(name, lang())


def show_error(exc: DataError) -> None:
    st.error(exc.text(lang()))
    state.stop()


try:
    options = cluster_cache.feature_options(key, as_of, scope)
except DataError as exc:
    show_error(exc)
choice = segment_state.cluster_choice() or ClusterChoice()

# --- features ------------------------------------------------------------------------------------
features = choice.features
attributes = options["numeric"] + options["categorical"]
chosen_attributes = [a for a in features.numeric + features.categorical if a in attributes]
with st.expander(t("clu_features", n=len(features.numeric) + len(features.categorical))):
    st.caption(t("clu_features_help"))
    with st.form(f"clu_features_form_{gen}", border=False):
        behaviour = st.multiselect(t("clu_behaviour"), BEHAVIOUR, default=[f for f in features.numeric
                                                                          if f in BEHAVIOUR],
                                   format_func=labels(BEHAVIOUR, label), key=f"clu_behaviour_{gen}")
        c1, c2 = st.columns(2)
        shares = {}
        for column, source in ((c1, "category"), (c2, "channel")):
            names = options[source]
            on = any(cluster_inputs.is_share(f) and f.startswith(f"{source}_share") for f in features.numeric)
            shares[source] = column.toggle(t(f"clu_{source}_shares", n=max(len(names) - 1, 0)), value=on,
                                           disabled=not names, key=f"clu_{source}_{gen}",
                                           help=t("clu_shares_help") if names else t("clu_no_shares"))
        picked = st.multiselect(t("clu_attributes"), attributes, default=chosen_attributes,
                                format_func=labels(attributes, label), key=f"clu_attributes_{gen}",
                                help=t("clu_attributes_help"), placeholder=t("clu_no_attributes")
                                if not attributes else t("clu_pick_attributes"), disabled=not attributes)
        if st.form_submit_button(t("clu_apply"), type="primary"):
            numeric = tuple(behaviour) + tuple(n for s, on in shares.items() if on for n in options[s])
            numeric += tuple(a for a in picked if a in options["numeric"])
            categorical = tuple(a for a in picked if a in options["categorical"])
            if not numeric and not categorical:
                st.error(t("clu_need_feature"))
            elif (numeric, categorical) != (features.numeric, features.categorical):
                features = replace(features, numeric=numeric, categorical=categorical)
                # The names were given to other clusters; the rerun redraws everything from the new features.
                segment_state.set_cluster_choice(ClusterChoice(k=choice.k, features=features, seed=choice.seed))
                st.rerun()
st.caption(t("clu_using", features="、".join(label(f) for f in features.numeric + features.categorical)
             if lang() == "zh" else ", ".join(label(f) for f in features.numeric + features.categorical)))

# --- k -------------------------------------------------------------------------------------------
guidance, problem = None, None
try:
    with st.spinner(t("clu_computing_guidance")):
        guidance = cluster_cache.guidance(key, as_of, scope, features, choice.seed)
except DataError as exc:
    problem = exc
suggested = None if guidance is None else cl.suggested_k(guidance)
resets = st.session_state.get("clu_k_resets", 0)
k_column, hint_column = st.columns([2, 3], vertical_alignment="bottom")
# Keyed on the features too: new features start the slider again from their own suggested k.
features_token = zlib.crc32(repr(features).encode())
k = k_column.slider(t("clu_k"), cl.K_MIN, cl.K_MAX, value=choice.k or suggested or cl.K_MIN,
                    key=f"clu_k_{gen}_{resets}_{features_token}", help=t("clu_k_help"))
if k != choice.k and not (choice.k is None and k == suggested):
    choice = ClusterChoice(k=k, features=features, seed=choice.seed)  # new clusters: the old names do not apply
    segment_state.set_cluster_choice(choice)
if suggested is not None and k != suggested:
    if hint_column.button(t("clu_use_suggested", k=suggested), key="clu_use_suggested"):
        segment_state.set_cluster_choice(ClusterChoice(k=None, features=features, seed=choice.seed))
        st.session_state["clu_k_resets"] = resets + 1
        st.rerun()
if problem is not None:
    show_error(problem)

with st.expander(t("clu_guidance_title"), expanded=choice.k is None):
    st.markdown(t("clu_suggested_sentence", k=suggested))
    g1, g2 = st.columns(2)
    g1.vega_lite_chart(spec=charts.guidance_panel(guidance, "silhouette", chosen=k), width="stretch")
    g2.vega_lite_chart(spec=charts.guidance_panel(guidance, "inertia", chosen=k), width="stretch")
    st.caption(t("clu_guidance_help"))

# --- fit -----------------------------------------------------------------------------------------
try:
    with st.spinner(t("clu_computing_fit", k=k)):
        automatic = cluster_cache.fit(key, as_of, scope, features, choice.seed, k)
except DataError as exc:
    show_error(exc)


profile_slot = st.container()
with st.expander(t("clu_rename")):
    st.caption(t("clu_rename_help"))
    current = choice.named(automatic)
    rows = pd.DataFrame({"cluster": list(current.keys), "English": [n[0] for n in current.names],
                         "中文": [n[1] for n in current.names]})
    edited = st.data_editor(rows, key=f"clu_names_{gen}_{k}_{features_token}", hide_index=True,
                            disabled=["cluster"], column_order=("English", "中文"), height=fit_height(len(rows)))
    typed = []
    for i, row in enumerate(edited.itertuples(index=False)):
        en, zh = str(row.English or "").strip(), str(row.中文 or "").strip()
        if (en or zh) and (en or automatic.names[i][0], zh or automatic.names[i][1]) != automatic.names[i]:
            typed.append((row.cluster, en, zh))
    if tuple(typed) != choice.names:
        choice = replace(choice, names=tuple(typed))
        segment_state.set_cluster_choice(choice)
    if choice.names and st.button(t("clu_reset_names"), key="clu_reset_names"):
        segment_state.set_cluster_choice(replace(choice, names=()))
        st.session_state["editor_gen"] = gen + 1
        st.rerun()
clusters = choice.named(automatic)
cluster_names = [clusters.text(c, "name", lang()) for c in clusters.keys]

# --- profiles ------------------------------------------------------------------------------------
with profile_slot:
    st.subheader(t("clu_profiles", k=k))
    m = st.columns(4)
    m[0].metric(t("clu_kpi_clusters"), f"{k}")
    m[1].metric(t("kpi_customers"), f"{sum(clusters.sizes):,}")
    at_k = guidance.loc[guidance["k"] == k, "silhouette"]
    m[2].metric(t("clu_kpi_silhouette"), f"{at_k.iloc[0]:.2f}" if len(at_k) else "–", help=t("clu_silhouette_help"))
    m[3].metric(t("clu_kpi_suggested"), f"{suggested}")
    profiles = clusters.profiles(lang())
    shown = percent_for_display(profiles[["cluster_name", "customers", "customer_share", "revenue", "revenue_share"]])
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)),
                 column_config=table_config(shown.columns, currency))
    # Sentences: a static table wraps them, so nothing needs scrolling sideways.
    st.markdown(f"###### {t('clu_meaning')}")
    st.table(profiles.set_index("cluster_name")[["distinctive"]].assign(
        action=[clusters.text(c, "action", lang()) for c in clusters.keys],
        channel=[clusters.text(c, "channel", lang()) for c in clusters.keys],
    ).rename_axis(t("clu_cluster")).rename(columns={"distinctive": t("clu_distinctive"), "action": t("clu_action"),
                                                    "channel": t("clu_channel")}))


def value_text(value: float, kind: str) -> str:
    """A profile mean for people: shares as percentages, money with its sign, days and orders with one decimal."""
    if pd.isna(value):
        return "–"
    if kind == "percent":
        return f"{value:.0%}"
    if kind == "money":
        return money_text(value, currency)
    if kind == "log":  # the mean of log1p(spend): shown as the typical spend it stands for
        return "≈" + money_text(float(np.expm1(value)), currency)
    return f"{value:,.1f}"


views = {"heatmap": "clu_view_heatmap", "map": "clu_view_map", "list": "clu_view_list"}
view = st.segmented_control(t("clu_views"), list(views), default="heatmap", required=True, key="clu_view",
                            label_visibility="collapsed", format_func=labels(views, lambda v: t(views[v])))
if view == "heatmap":
    st.caption(t("clu_heatmap_help"))
    long = clusters.feature_profile()
    kinds = {f: cluster_inputs.feature_kind(f) for f in clusters.profile_features}
    cells = long.assign(
        cluster_name=long["cluster"].map(dict(zip(clusters.keys, cluster_names, strict=True))),
        feature_label=long["feature"].map(label),
        mean_text=[value_text(v, kinds[f]) for v, f in zip(long["feature_mean"], long["feature"], strict=True)],
        overall_text=[value_text(v, kinds[f]) for v, f in zip(long["overall_mean"], long["feature"], strict=True)])
    st.vega_lite_chart(spec=charts.profile_heatmap(cells, cluster_names, [label(f) for f in clusters.profile_features]),
                       width="stretch")
elif view == "map":
    with st.spinner(t("clu_computing_map")):
        points, total = cluster_cache.projection(key, as_of, scope, features, choice.seed, k)
    # Ids that are e-mails or phones are personal data: masked in the tooltips, as on the RFM page.
    points = points.assign(cluster_name=points["cluster"].map(dict(zip(clusters.keys, cluster_names, strict=True))),
                           customer_id=export.mask_identifier(points["customer_id"]))
    st.caption(t("clu_map_help") + (" " + t("clu_map_sample", shown=len(points), total=total)
                                    if len(points) < total else ""))
    st.vega_lite_chart(spec=charts.projection_scatter(points, cluster_names), width="stretch")
else:
    keys = list(clusters.keys)
    picked = st.multiselect(t("clu_list_clusters"), keys, default=keys, key=f"clu_list_pick_{gen}_{k}",
                            format_func=labels(keys, lambda c: clusters.text(c, "name", lang())))
    if not picked:
        st.info(t("clu_list_none"))
    else:
        try:
            listed = cluster_cache.listed(key, as_of, params, scope, features, choice.seed, k)
        except DataError as exc:
            show_error(exc)
        table = with_group_names(listed, rfm_params=params, clusters=clusters, lang=lang())
        list_download(table, clusters, key=key, up=up, as_of=as_of, scope=scope, file_stem="clusters",
                      widget_key="clu_list", segments=tuple(c for c in keys if c in picked))
