"""Every segmentation on one table (crm_core.segment.combined) and the choices saved with the analysis: the cluster
choice, the lifecycle windows, the tag rules and the campaign.

The hand-checked table is tests/data/lifecycle/orders.csv at 2024-07-01 (its stages are worked out by hand in
tests/core/test_lifecycle.py); the tag and cluster columns are compared with the functions the pages call one by
one, so the combined table can only differ from them by a bug.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.customers import customer_table, default_as_of
from crm_core.export import ListRequest, list_id
from crm_core.messages import Localized
from crm_core.schema import DataError
from crm_core.segment import clusters as cl
from crm_core.segment import lifecycle, rfm, tags
from crm_core.segment.campaign import Campaign, Member, Selection
from crm_core.segment.combined import ClusterChoice, SegmentChoices, segmented_table, with_group_names
from crm_core.settings import AnalysisSettings, Scope

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "settings"
AS_OF = date(2024, 7, 1)
BIG = tags.TagRule("Big spender", "大客户", (tags.Condition("monetary", ">=", 100),))


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    path = ROOT / "tests" / "data" / "lifecycle" / "orders.csv"
    return pipeline.load(path.read_bytes(), path.name).result.orders


@pytest.fixture(scope="module")
def table(orders) -> pd.DataFrame:
    return customer_table(orders, as_of=AS_OF)


@pytest.fixture(scope="module")
def sample_table() -> tuple[pd.DataFrame, pd.DataFrame, date]:
    path = ROOT / "sample_data" / "orders_en.xlsx"
    result = pipeline.load(path.read_bytes(), path.name).result
    as_of = default_as_of(result.orders)
    return pipeline.analysis_table(result, as_of=as_of), result.orders, as_of


# --- the combined table ------------------------------------------------------------------------------------

def test_the_combined_table_has_every_grouping_by_hand(table, orders):
    choices = SegmentChoices(clusters=None, tags=(BIG,))
    out = segmented_table(table, orders, AS_OF, choices=choices).set_index("customer_id")
    assert out["stage"].to_dict() == {
        "A1": "active", "A2": "active", "C1": "churned", "C2": "churned", "N1": "new", "N2": "new",
        "R1": "reactivated", "R2": "active", "R3": "active", "S1": "silent", "S2": "silent",
    }
    # Spend before 2024-07-01 (R1's 80 on 07-02 does not count): R1 170, R2 265, C2 100 - 10 = 90, S1 99,
    # A2 110; nobody else reaches 100.
    assert sorted(out.index[out["tag_big_spender"]]) == ["A2", "R1", "R2"]
    assert out.loc["R2", "tags"] == "Big spender" and out.loc["C2", "tags"] == ""
    assert "cluster" not in out.columns
    scored = rfm.score_rfm(table, rfm.RfmParams()).set_index("customer_id")
    assert out["segment"].to_dict() == scored["segment"].to_dict()


def test_chinese_tag_names_and_given_clusters(table, orders):
    fitted = cl.fit_clusters(table, 3)
    out = segmented_table(table, orders, AS_OF, choices=SegmentChoices(clusters=None, tags=(BIG,)),
                          clusters=fitted, lang="zh")
    assert list(out["cluster"]) == list(fitted.labels(table))
    assert set(out.loc[out["tag_big_spender"], "tags"]) == {"大客户"}


def test_group_names_in_both_languages(table, orders):
    fitted = cl.fit_clusters(table, 3).with_names("c1", "Top", "顶级")
    out = segmented_table(table, orders, AS_OF, choices=SegmentChoices(clusters=None), clusters=fitted)
    named = with_group_names(out, clusters=fitted, lang="zh").set_index("customer_id")
    assert named.loc["S1", "stage_name"] == "沉默客户" and named.loc["R1", "stage_name"] == "回流客户"
    assert set(named.loc[named["cluster"] == "c1", "cluster_name"]) == {"顶级"}
    scheme = rfm.RfmParams().scheme
    assert named.loc["A1", "rfm_segment_name"] == scheme.name(named.loc["A1", "segment"], "zh")
    english = with_group_names(out, lang="en")  # without the clusters: no cluster name
    assert "cluster_name" not in english.columns and english["stage_name"].iloc[0] in {
        "New", "Active", "Reactivated", "Silent", "Churned"}


def test_the_suggested_k_is_the_guidance_s(sample_table):
    table, orders, as_of = sample_table
    guidance = cl.k_guidance(table, range(2, 11))
    # The elbow, worked out here from the inertia column (Kneedle; see cl.suggested_k).
    k, inertia = guidance["k"].to_numpy(float), guidance["inertia"].to_numpy(float)
    below = 1 - (k - 2) / 8 - (inertia - inertia[-1]) / (inertia[0] - inertia[-1])
    expected = int(k[below.argmax()])
    fitted = ClusterChoice().fit(table)
    assert fitted.k == expected == cl.suggested_k(guidance)
    out = segmented_table(table, orders, as_of)  # default choices: clusters fitted with the suggested k
    assert out["cluster"].nunique() == expected


def test_given_names_are_kept_and_a_key_not_fitted_is_ignored(sample_table):
    table, _, _ = sample_table
    fitted = ClusterChoice(k=3, names=(("c2", "Bargain hunters", "价格敏感"), ("c9", "x", "y"))).fit(table)
    assert fitted.text("c2", "name", "en") == "Bargain hunters" and fitted.text("c2", "name", "zh") == "价格敏感"
    assert fitted.keys == ("c1", "c2", "c3")


def test_a_bad_k_is_refused_when_chosen():
    with pytest.raises(DataError) as caught:
        ClusterChoice(k=1)
    assert caught.value.code == "cluster_bad_k"


def test_the_fingerprint_follows_every_choice():
    base = SegmentChoices()
    prints = [json.dumps(c.fingerprint(), sort_keys=True, ensure_ascii=False) for c in (
        base, SegmentChoices(clusters=ClusterChoice(k=4)), SegmentChoices(clusters=None),
        SegmentChoices(windows=lifecycle.LifecycleWindows(60, 90, 180)), SegmentChoices(tags=(BIG,)))]
    assert len(set(prints)) == len(prints)


def test_a_campaign_s_context_changes_its_list_id():
    selection = Selection((Member("stage", ("silent",)),))
    plain = Campaign.of(Localized("Spring", "春季"), selection)
    with_context = Campaign.of(Localized("Spring", "春季"), selection, context='{"lifecycle": [60, 90, 180]}')
    ids = {list_id(["ab" * 32], as_of=AS_OF, first_day=None, scope=Scope(), params=rfm.RfmParams(),
                   request=ListRequest(c)) for c in (plain, with_context)}
    assert len(ids) == 2 and all(i.startswith("CMP-20240701-") for i in ids)  # a campaign's lists say so
    assert "context" not in plain.fingerprint()  # lists made before contexts existed keep their id


# --- the analysis file -------------------------------------------------------------------------------------

def test_the_new_sections_round_trip_exactly():
    campaign = Campaign.of(Localized("Spring", "春季"), Selection((Member("segment", ("champions", "loyal")),
                                                                   Member("stage", ("silent",))), "or"),
                           control_percent=15, seed=7, action=Localized("10% off", "九折"))
    settings = AnalysisSettings(
        tags=(BIG,), clusters=ClusterChoice(k=5, features=cl.ClusterFeatures().with_extras(
            "avg_interval_days", categorical=("channel",)), seed=3, names=(("c1", "Top", "顶级"),)),
        lifecycle=lifecycle.LifecycleWindows(60, 90, 365), campaign=campaign)
    again = AnalysisSettings.from_json(settings.to_json())
    assert again == settings
    data = json.loads(settings.to_json())
    assert data["clusters"] == {"k": 5, "features": [*cl.DEFAULT_FEATURES, "avg_interval_days"],
                                "categorical": ["channel"], "clip": 5.0, "seed": 3, "names": [["c1", "Top", "顶级"]]}
    assert data["lifecycle"] == {"new_days": 60, "active_days": 90, "churn_days": 365}
    assert data["campaign"]["selection"]["combine"] == "or" and data["campaign"]["control_percent"] == 15
    assert again.segment_choices == SegmentChoices(clusters=settings.clusters, windows=settings.lifecycle,
                                                   tags=(BIG,))


def test_an_older_file_gets_the_defaults_and_null_clusters_means_none():
    old = AnalysisSettings.from_json('{"kind": "crm-analysis", "version": 1}')
    assert old.clusters == ClusterChoice() and old.lifecycle == lifecycle.LifecycleWindows()
    assert old.campaign is None
    none = AnalysisSettings.from_json('{"kind": "crm-analysis", "version": 1, "clusters": null}')
    assert none.clusters is None and none.segment_choices.clusters is None


@pytest.mark.parametrize(("name", "key", "detail"), [
    ("clusters_k_13.json", "clusters.k", "a whole number of clusters from 2 to 12"),
    ("clusters_names_flat.json", "clusters.names", "a list of [key, English name, Chinese name]"),
    ("clusters_negative_clip.json", "clusters.clip", "a whole number"),
    ("lifecycle_out_of_order.json", "lifecycle", "The lifecycle windows are out of order"),
    ("lifecycle_zero_days.json", "lifecycle", "new"),
    ("campaign_no_condition.json", "campaign", "The selection has no condition"),
    ("campaign_no_name.json", "campaign", "name"),
    ("campaign_control_80.json", "campaign", "0 to 50 percent"),
])
def test_each_bad_segment_entry_is_named_with_the_reason(name, key, detail):
    with pytest.raises(DataError) as caught:
        AnalysisSettings.from_json((FIXTURES / name).read_bytes(), source=name)
    assert caught.value.code == "bad_settings"
    english = caught.value.text("en")
    assert english.startswith(f'In the saved analysis, "{key}" should be ') and detail in english
    zh = caught.value.text("zh")
    assert f"“{key}”" in zh and "{" not in zh and not any(w in zh for w in ("should", "The "))


def test_the_campaign_saved_is_the_campaign_opened_with_its_words():
    scheme = rfm.RfmParams().scheme
    campaign = Campaign.of(Localized("Spring", "春季"), Member("segment", ("champions",)),
                           segmentations={"segment": scheme})
    again = Campaign.from_dict(json.loads(json.dumps(campaign.to_dict())), segmentations={"segment": scheme})
    assert again == campaign
    assert again.selection_words.en == f"segment is {scheme.name('champions', 'en')}"
    assert np.isclose(again.control_percent, 10)
