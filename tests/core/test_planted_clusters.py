"""The planted behaviour clusters of the demo data (crm_core.sample.behaviour) are recovered as the app finds them.

The customer table is the app's: the full demo file orders_zh.csv through the pipeline, as of the default analysis
date (2026-01-01), every customer (500 core + 200 planted).  Clusters use the default features and seed.

Which k: the planted stream has 4 behaviours, so k = 4 is the natural stated choice; because the 500 core
customers have structure of their own (six RFM groups), the test also holds for every k the app's guidance
offers above it (4..10), so the recovery does not hang on one lucky k.  The suggested k (the elbow of the
inertia curve) is 4 on the full file and on the planted stream alone, and recovers the groups exactly; the
highest silhouette alone would have said 2 (0.50 against at most 0.46: tenure splits the new customers from
everybody else), and 2 clusters cannot hold 4 groups apart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from crm_core import pipeline
from crm_core.sample.behaviour import BEHAVIOURS
from crm_core.sample.generator import SampleSpec, generate_sample
from crm_core.segment import clusters as cl
from crm_core.segment.lifecycle import with_stages

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
AS_OF = date(2026, 1, 1)  # the app's default analysis date for the demo file: the day after its last order
ARI_FLOOR = 0.9


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """The app's customer table of the full demo file (cached.customers does the same steps)."""
    path = SAMPLE / "orders_zh.csv"
    result = pipeline.load(path.read_bytes(), path.name).result
    assert pipeline.default_as_of(result.orders) == AS_OF
    return pipeline.customer_table(result.orders, result.customers, as_of=AS_OF)


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "truth.csv", encoding="utf-8-sig", dtype=str)


@pytest.fixture(scope="module")
def planted(truth) -> pd.Series:
    """behaviour_cluster of the planted customers, by customer_id."""
    return truth.dropna(subset=["behaviour_cluster"]).set_index("customer_id")["behaviour_cluster"]


def _ari(planted: pd.Series, fitted: cl.Clusters, table: pd.DataFrame) -> float:
    labels = pd.Series(fitted.labels(table), index=table["customer_id"].to_numpy())
    return adjusted_rand_score(planted.to_numpy(), labels.reindex(planted.index).to_numpy())


def test_the_stream_plants_four_equal_groups_of_its_own_customers(planted, table):
    assert planted.value_counts().to_dict() == dict.fromkeys(BEHAVIOURS, 50)
    assert planted.index.str.fullmatch(r"K\d{5}").all()
    assert planted.index.isin(table["customer_id"]).all()  # every planted customer is in the app's table
    assert len(table) == 700


@pytest.mark.parametrize("k", range(4, 11))
def test_clusters_of_the_full_demo_file_recover_the_planted_groups(table, planted, k):
    fitted = cl.fit_clusters(table, k)
    assert _ari(planted, fitted, table) >= ARI_FLOOR


def test_k4_finds_each_planted_group_whole(table, planted):
    fitted = cl.fit_clusters(table, 4)
    labels = pd.Series(fitted.labels(table), index=table["customer_id"].to_numpy()).reindex(planted.index)
    assert _ari(planted, fitted, table) == 1.0
    crossed = pd.crosstab(planted, labels)  # one cluster per group, one group per cluster
    assert (crossed.gt(0).sum(axis=1) == 1).all() and (crossed.gt(0).sum(axis=0) == 1).all()


def test_with_a_cluster_for_each_planted_group_the_automatic_names_read_as_planted(table, planted):
    """k = 10: room for the core's six groups and the four planted ones.  (At smaller k the planted groups share
    clusters with core customers, and the names describe the mix: the frequent buyers sit with the champions.)"""
    fitted = cl.fit_clusters(table, 10)
    labels = pd.Series(fitted.labels(table), index=table["customer_id"].to_numpy()).reindex(planted.index)
    home = pd.crosstab(planted, labels).idxmax(axis=1)
    names = {group: (fitted.text(key, "name", "zh"), fitted.text(key, "name", "en")) for group, key in home.items()}
    assert names["frequent_low_ticket"] == ("高频低客单价", "Frequent, low ticket")
    assert names["rare_high_ticket"] == ("低频高客单价", "Infrequent, high ticket")
    assert names["dormant"][0].startswith("休眠") and names["dormant"][1].startswith("Dormant")
    assert names["new_high_potential"][0].startswith("新客") and "高客单价" in names["new_high_potential"][0]


def test_a_labelling_that_ignores_behaviour_scores_near_zero(table, planted):
    """The test can fail: the same cluster sizes dealt out at random give an ARI near 0."""
    labels = pd.Series(cl.fit_clusters(table, 4).labels(table), index=table["customer_id"].to_numpy())
    shuffled = np.random.default_rng(0).permutation(labels.reindex(planted.index).to_numpy())
    assert abs(adjusted_rand_score(planted.to_numpy(), shuffled)) < 0.05


def test_the_suggested_k_of_the_full_file_is_the_planted_four(table, planted):
    guidance = cl.k_guidance(table)
    assert cl.suggested_k(guidance) == 4
    assert _ari(planted, cl.fit_clusters(table, 4), table) == 1.0
    # The silhouette alone would suggest 2, which cannot hold four groups apart.
    silhouette = guidance.set_index("k")["silhouette"]
    assert silhouette[2] - silhouette.drop(2).max() > 0.03
    assert _ari(planted, cl.fit_clusters(table, 2), table) < 0.5


def test_on_the_planted_stream_alone_the_guidance_suggests_four_and_recovers_them(table, planted):
    alone = table[table["customer_id"].isin(planted.index)].reset_index(drop=True)
    k = cl.suggested_k(cl.k_guidance(alone))
    assert k == 4
    assert _ari(planted, cl.fit_clusters(alone, k), alone) == 1.0


# --- lifecycle stages ---------------------------------------------------------------------------------------------

def test_planted_new_and_lapsed_customers_get_those_stages(table, truth):
    """Every customer whose stage the planting fixes gets it (default windows: new 90, active 90, churned 180
    days): the core "new" group (one order 0-29 days back) and the new high-potential cluster are new; the core
    "lost" group (every order 271+ days back) and the dormant cluster are churned; the frequent cluster is active
    and the rare big-ticket one (last order 100-170 days back) silent.  All of them, not a share: the stages are
    fixed by the planted dates."""
    staged = with_stages(table).merge(truth, on="customer_id", validate="one_to_one")
    expected = staged.dropna(subset=["expected_stage"])
    by_source = expected.assign(source=expected["behaviour_cluster"].fillna(expected["group"]))
    counts = by_source.groupby(["source", "expected_stage"]).size().to_dict()
    assert counts == {("new", "new"): 50, ("new_high_potential", "new"): 50, ("lost", "churned"): 100,
                      ("dormant", "churned"): 50, ("frequent_low_ticket", "active"): 50,
                      ("rare_high_ticket", "silent"): 50}
    mismatched = expected[expected["stage"] != expected["expected_stage"]]
    assert mismatched.empty, mismatched[["customer_id", "expected_stage", "stage"]]


# --- the stream changes no existing row ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def without_stream():
    return generate_sample(SampleSpec(n_cluster_customers=0))


def test_adding_the_stream_leaves_every_existing_row_unchanged(data, without_stream):
    core = without_stream
    planted_ids = data.customers.loc[data.customers["customer_id"].str.startswith("K"), "customer_id"]
    assert len(planted_ids) == 200 and not core.customers["customer_id"].str.startswith("K").any()
    orders = data.orders[~data.orders["customer_id"].isin(planted_ids)].reset_index(drop=True)
    pd.testing.assert_frame_equal(orders, core.orders)
    future = data.future[~data.future["customer_id"].isin(planted_ids)].reset_index(drop=True)
    pd.testing.assert_frame_equal(future, core.future)
    pd.testing.assert_frame_equal(data.customers.iloc[:len(core.customers)], core.customers)
    pd.testing.assert_frame_equal(data.master.frame.iloc[:len(core.master.frame)], core.master.frame)
    assert data.master.plants == core.master.plants
    common = list(core.truth.columns)
    pd.testing.assert_frame_equal(data.truth.iloc[:len(core.truth)][common], core.truth)
    # the added orders are interleaved in time and their ids continue the core running number: no id is reused
    added = data.orders[data.orders["customer_id"].isin(planted_ids)]
    assert not set(added["order_id"]) & set(core.orders["order_id"])
    assert not set(data.future["order_id"]) & set(data.orders["order_id"])
    assert added["order_id"].str.fullmatch(r"DD2025\d{4}\d{5}").all()
    assert added.index.min() < len(core.orders) - 100


def test_the_planted_customers_are_coherent_in_every_file(data):
    planted = data.truth.dropna(subset=["behaviour_cluster"])
    ids = set(planted["customer_id"])
    assert ids <= set(data.orders["customer_id"].dropna()) and ids <= set(data.customers["customer_id"])
    assert ids <= set(data.master.frame["customer_id"])
    assert set(data.future["customer_id"]) & ids  # some of them come back after the analysis date
    assert planted["group"].isna().all() and data.truth.loc[~data.truth["customer_id"].isin(ids),
                                                             "behaviour_cluster"].isna().all()
    assert data.customers["email"].dropna().is_unique and data.customers["customer_id"].is_unique
