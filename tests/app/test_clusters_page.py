"""Clusters page on the sample (English and Chinese) and on small degenerate files: the suggested k and the
clusters equal crm_core's, k changes the clusters without recomputing the guidance, names survive a page visit,
the list is downloaded, and every degenerate case shows its message instead of a traceback."""

import io
import json

import openpyxl
import pyarrow
import pytest
import streamlit as st
from app_helpers import APP_FIXTURES, charts, en, make_upload, metrics, open_app, rerun, texts, zh

from crm_core.customers import customer_table, default_as_of
from crm_core.messages import MESSAGES
from crm_core.segment import cluster_inputs
from crm_core.segment import clusters as cl
from crm_core.segment.clusters import ClusterFeatures
from crm_core.segment.combined import ClusterChoice
from ui import cluster_cache
from ui.segment_state import CLUSTER_CHOICE

CLUSTERS = "app_pages/clusters.py"
RFM = "app_pages/rfm.py"


@pytest.fixture(scope="module")
def sample_table(sample_loaded):
    result = sample_loaded.result
    return customer_table(result.orders, result.customers)


@pytest.fixture(scope="module")
def expected_k(sample_table):
    """The suggested k, computed from crm_core on the same file (never hard-coded: the sample may grow)."""
    guidance = cl.k_guidance(sample_table, range(cl.K_MIN, min(10, len(sample_table)) + 1), ClusterFeatures(), 0)
    return cl.suggested_k(guidance)


def profile_frame(at):
    found = [d.value for d in at.main.dataframe if "customer_share" in d.value.columns]
    assert len(found) == 1
    return found[0]


def upload_of(name: str):
    path = APP_FIXTURES / name
    return make_upload(path.name, path.read_bytes())


def choice_of(at) -> ClusterChoice:
    """The session's cluster choice (ui.segment_state.cluster_choice's default when none is set)."""
    return at.session_state[CLUSTER_CHOICE] if CLUSTER_CHOICE in at.session_state else ClusterChoice()


def message(code: str, lang: str = "en", **params) -> str:
    return MESSAGES[code][lang].format(**params)


def test_english_page_shows_the_suggested_clusters_of_crm_core(sample_upload, sample_table, expected_k):
    at = open_app(CLUSTERS, upload=sample_upload)
    assert texts(at.title) == [en("nav_clusters")] and not at.error
    expected = cl.fit_clusters(sample_table, expected_k)
    assert at.main.slider[0].value == expected_k
    shown = metrics(at)
    assert shown[en("clu_kpi_suggested")] == str(expected_k) == shown[en("clu_kpi_clusters")]
    assert shown[en("kpi_customers")] == f"{len(sample_table):,}"
    profiles = profile_frame(at)
    assert list(profiles["cluster_name"]) == [n[0] for n in expected.names]
    assert list(profiles["customers"]) == list(expected.sizes)
    assert profiles["customer_share"].sum() == pytest.approx(100.0)  # shown as percentages
    assert en("clu_suggested_sentence", k=expected_k) in [m.value for m in at.main.markdown]
    assert len(charts(at)) == 3  # silhouette and inertia panels, the feature heat map
    assert choice_of(at) == ClusterChoice()  # the suggested k is not pinned


def test_chinese_page(sample_upload, sample_table, expected_k):
    at = open_app(CLUSTERS, upload=sample_upload, lang="zh")
    assert texts(at.title) == [zh("nav_clusters")] and not at.error
    expected = cl.fit_clusters(sample_table, expected_k)
    assert list(profile_frame(at)["cluster_name"]) == [n[1] for n in expected.names]
    (meaning,) = at.main.table
    assert list(meaning.value.index) == [n[1] for n in expected.names]
    assert list(meaning.value.iloc[:, 0]) == [expected.text(c, "description", "zh") for c in expected.keys]
    assert at.main.slider[0].label == zh("clu_k")
    assert zh("clu_suggested_sentence", k=expected_k) in [m.value for m in at.main.markdown]
    spec = json.dumps(json.loads(charts(at)[0].proto.spec), ensure_ascii=False)
    assert zh("clu_silhouette") in spec and "Silhouette" not in spec


def test_changing_k_changes_the_clusters_without_recomputing_the_guidance(sample_upload, sample_table, monkeypatch):
    cluster_cache.guidance.clear()
    calls = []
    original = cl.k_guidance
    monkeypatch.setattr(cl, "k_guidance", lambda *a, **kw: calls.append(1) or original(*a, **kw))
    at = open_app(CLUSTERS, upload=sample_upload)
    assert len(calls) == 1
    for k in (3, 7):
        at.main.slider[0].set_value(k)
        at = rerun(at)
        profiles = profile_frame(at)
        assert len(profiles) == k and metrics(at)[en("clu_kpi_clusters")] == str(k)
        assert list(profiles["customers"]) == list(cl.fit_clusters(sample_table, k).sizes)
        assert choice_of(at).k == k
    assert len(calls) == 1  # the guidance depends on the features only
    at.button(key="clu_use_suggested").click()
    at = rerun(at)
    assert choice_of(at).k is None


def test_a_renamed_cluster_keeps_its_name_after_visiting_another_page(sample_upload):
    at = open_app(CLUSTERS, upload=sample_upload)
    editor = next(e for e in at.main.data_editor if "English" in e.value.columns)
    at.session_state[editor.key] = {"edited_rows": {0: {"English": "VIP buyers", "中文": "贵宾客户"}},
                                    "added_rows": [], "deleted_rows": []}
    at = rerun(at)
    assert profile_frame(at)["cluster_name"].iloc[0] == "VIP buyers"
    assert choice_of(at).names == (("c1", "VIP buyers", "贵宾客户"),)
    at.switch_page(RFM)
    at = rerun(at)
    at.switch_page(CLUSTERS)
    at = rerun(at)
    assert profile_frame(at)["cluster_name"].iloc[0] == "VIP buyers"
    assert next(e for e in at.main.data_editor if "English" in e.value.columns).value["English"].iloc[0] == "VIP buyers"


def test_the_cluster_list_is_downloaded(sample_upload, sample_table, expected_k, monkeypatch):
    offered = {}
    original = st.download_button

    def recording(label, data=None, *args, **kwargs):
        offered[kwargs.get("key") or label] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = open_app(CLUSTERS, upload=sample_upload)
    at.segmented_control(key="clu_view").set_value("list")
    at = rerun(at)
    expected = cl.fit_clusters(sample_table, expected_k)
    picker = at.main.multiselect[-1]
    assert picker.value == list(expected.keys)
    picker.set_value(["c1"])
    at = rerun(at)
    assert "clu_list_download" in offered
    book = openpyxl.load_workbook(io.BytesIO(offered["clu_list_download"]), read_only=True)
    lists = [name for name in book.sheetnames if name not in ("Summary", "摘要")]
    assert lists == [expected.names[0][0]]
    rows = list(book[lists[0]].iter_rows(values_only=True))
    header = rows[0]
    assigned = expected.assign(sample_table)
    in_c1 = assigned["cluster"] == "c1"
    opted_out = assigned["opted_out"].fillna(False).astype(bool)
    assert 0 < (in_c1 & opted_out).sum() < in_c1.sum() == expected.sizes[0]
    # opted-out customers are left out by default (the Export page's rule)
    assert sorted(r[0] for r in rows[1:]) == sorted(assigned.loc[in_c1 & ~opted_out, "customer_id"])
    assert {r[header.index("Cluster")] for r in rows[1:]} == {expected.names[0][0]}
    assert "RFM segment" in header


@pytest.mark.parametrize(("fixture", "code", "params"), [
    ("clusters_identical.csv", "cluster_identical", {"customers": 4}),
    ("clusters_one_order_each.csv", "cluster_no_variance", {"feature": "Orders"}),
])
def test_degenerate_files_give_their_message(fixture, code, params):
    at = open_app(CLUSTERS, upload=upload_of(fixture))
    assert texts(at.error) == [message(code, **params)]
    assert at.main.slider  # the page stays usable


def test_a_feature_without_variance_can_be_left_out():
    at = open_app(CLUSTERS, upload=upload_of("clusters_one_order_each.csv"))
    behaviour = at.main.multiselect[0]
    behaviour.set_value([f for f in behaviour.value if f != "frequency"])
    at.main.button[0].click()  # the form's "Apply features"
    at = rerun(at)
    assert not at.error
    assert "frequency" not in choice_of(at).features.numeric
    assert profile_frame(at)["customers"].sum() == 8


def test_fewer_customers_than_k_lets_her_choose_another_k():
    at = open_app(CLUSTERS, upload=upload_of("clusters_three.csv"))
    assert not at.error and at.main.slider[0].value in (2, 3)
    at.main.slider[0].set_value(5)
    at = rerun(at)
    assert texts(at.error) == [message("cluster_fewer_customers_than_k", customers=3, k=5, largest=3)]
    at.main.slider[0].set_value(2)
    at = rerun(at)
    assert not at.error and len(profile_frame(at)) == 2


def test_a_missing_feature_is_named_in_chinese():
    at = open_app(CLUSTERS, upload=upload_of("clusters_three.csv"), lang="zh")
    at.session_state[CLUSTER_CHOICE] = ClusterChoice(k=2, features=ClusterFeatures(categorical=("city",)))
    at = rerun(at)
    assert texts(at.error) == [message("cluster_missing_feature", "zh", feature="城市")]



def test_category_shares_and_a_city_become_features(sample_upload, sample_loaded, sample_table):
    at = open_app(CLUSTERS, upload=sample_upload)
    at.toggle(key="clu_category_0").set_value(True)
    attributes = at.main.multiselect[1]
    attributes.set_value(["city"])
    at.main.button[0].click()  # "Apply features"
    at = rerun(at)
    orders = sample_loaded.result.orders
    as_of = default_as_of(orders)
    shares = cluster_inputs.share_features(orders, "category", as_of=as_of)
    assert len(shares) >= 2
    features = ClusterFeatures().with_extras(*shares, categorical=("city",))
    assert choice_of(at).features == features
    table = cluster_inputs.cluster_table(sample_table, orders, features, as_of=as_of)
    k = cl.suggested_k(cl.k_guidance(table, range(2, 11), features, 0))
    assert at.main.slider[0].value == k
    expected = cl.fit_clusters(table, k, features)
    assert list(profile_frame(at)["customers"]) == list(expected.sizes)
    heatmap = json.dumps(json.loads(charts(at)[-1].proto.spec), ensure_ascii=False)
    assert cluster_inputs.feature_label(shares[0], "en") in heatmap  # "Share of spend in category: ..."
    assert "City: " in heatmap


def test_the_customer_map_is_coloured_by_cluster_name(sample_upload, sample_table, expected_k):
    at = open_app(CLUSTERS, upload=sample_upload)
    at.segmented_control(key="clu_view").set_value("map")
    at = rerun(at)
    spec = json.loads(charts(at)[-1].proto.spec)
    expected = cl.fit_clusters(sample_table, expected_k)
    assert spec["encoding"]["color"]["scale"]["domain"] == [n[0] for n in expected.names]
    assert spec["encoding"]["x"]["title"] == en("clu_pc1") and spec["encoding"]["y"]["title"] == en("clu_pc2")
    (points,) = charts(at)[-1].proto.datasets  # the customers travel as an Arrow table beside the spec
    drawn = pyarrow.ipc.open_stream(points.data.data).read_all().to_pandas()
    assert len(drawn) == len(sample_table) < cluster_cache.MAP_SAMPLE  # all drawn: no sample below 5,000
    assert drawn.groupby("cluster_name").size().to_dict() == dict(zip((n[0] for n in expected.names), expected.sizes,
                                                                      strict=True))
