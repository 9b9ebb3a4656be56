"""K-means clusters: planted groups found exactly, names read from the profiles, k guidance, clear messages."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core.schema import DataError
from crm_core.segment import clusters as cl
from crm_core.segment.base import SEGMENT_FIELDS, Segmentation

DATA = Path(__file__).resolve().parents[1] / "data" / "clusters"
ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype={"customer_id": "str"})


def members(clusters: cl.Clusters, table: pd.DataFrame) -> dict[str, set[str]]:
    assigned = clusters.assign(table)
    return {key: set(assigned.loc[assigned["cluster"] == key, "customer_id"]) for key in clusters.keys}


@pytest.fixture(scope="module")
def three() -> pd.DataFrame:
    return read("three_groups.csv")


@pytest.fixture(scope="module")
def fitted(three) -> cl.Clusters:
    return cl.fit_clusters(three, 3)


def test_three_planted_groups_are_found_exactly_and_numbered_by_revenue(fitted, three):
    assert members(fitted, three) == {"c1": {"B1", "B2", "B3", "B4"}, "c2": {"D1", "D2", "D3", "D4"},
                                      "c3": {"N1", "N2", "N3", "N4"}}
    assert fitted.segments() == ("c1", "c2", "c3")
    assert fitted.sizes == (4, 4, 4)
    assert fitted.revenues == (21750.0, 500.0, 200.0)
    assert fitted.revenue_shares == pytest.approx((21750 / 22450, 500 / 22450, 200 / 22450))


def test_profiles_hold_hand_computed_means(fitted):
    profiles = fitted.profiles("en")
    assert list(profiles["customers"]) == [4, 4, 4]
    assert list(profiles["customer_share"]) == pytest.approx([1 / 3] * 3)
    assert list(profiles["recency_days"]) == pytest.approx([6.5, 315.0, 6.5])
    assert list(profiles["frequency"]) == pytest.approx([21.75, 2.5, 1.0])
    assert list(profiles["tenure_days"]) == pytest.approx([715.0, 657.5, 12.5])
    long = fitted.feature_profile()
    row = long[(long["cluster"] == "c2") & (long["feature"] == "recency_days")].iloc[0]
    overall = np.array([5, 6, 7, 8, 300, 310, 320, 330, 3, 5, 8, 10], dtype=float)
    assert row["overall_mean"] == pytest.approx(overall.mean())
    assert row["z_difference"] == pytest.approx((315 - overall.mean()) / overall.std(), abs=1e-6)
    # Each cluster's rows are most distinctive first: the dormant group stands out by recency.
    assert long[long["cluster"] == "c2"]["feature"].iloc[0] == "recency_days"


def test_planted_profiles_get_their_names(fitted):
    names = {key: (fitted.text(key, "name", "en"), fitted.text(key, "name", "zh")) for key in fitted.keys}
    assert names["c1"] == ("Big spenders", "高价值")
    assert names["c2"][0].startswith("Dormant") and names["c2"][1].startswith("休眠")
    assert names["c3"][0].startswith("New") and names["c3"][1].startswith("新客")
    assert fitted.text("c2", "action", "en") == "Win them back with a personal offer before they lapse for good."
    assert fitted.text("c2", "description", "zh").startswith("与全体客户相比：距上次购买天数高于平均")


def test_frequent_low_ticket_and_infrequent_high_ticket():
    table = read("two_habits.csv")
    clusters = cl.fit_clusters(table, 2)
    # I spends 3,520 in all, F 1,804: the infrequent big tickets are c1.
    assert members(clusters, table) == {"c1": {"I1", "I2", "I3"}, "c2": {"F1", "F2", "F3"}}
    assert clusters.names == (("Infrequent, high ticket", "低频高客单价"), ("Frequent, low ticket", "高频低客单价"))


def test_equal_names_get_a_number():
    from crm_core.segment import _cluster_names as words

    assert words.unique([("Dormant", "休眠"), ("Average", "普通"), ("Dormant", "休眠")]) == [
        ("Dormant", "休眠"), ("Average", "普通"), ("Dormant (2)", "休眠（2）")]


def test_the_same_data_gives_the_same_clusters(three):
    first, second = cl.fit_clusters(three, 3, seed=0), cl.fit_clusters(three, 3, seed=0)
    assert first == second and hash(first) == hash(second)
    shuffled = three.sample(frac=1, random_state=7).reset_index(drop=True)
    assert members(cl.fit_clusters(shuffled, 3), shuffled) == members(first, three)
    assert members(cl.fit_clusters(three, 3, seed=5), three) == members(first, three)


def test_renaming_keeps_the_others_and_stays_hashable(fitted):
    renamed = fitted.with_names("c2", "Sleepers", "沉睡客户")
    assert renamed.text("c2", "name", "en") == "Sleepers" and renamed.text("c2", "name", "zh") == "沉睡客户"
    assert renamed.text("c1", "name", "zh") == "高价值"
    assert fitted.text("c2", "name", "en").startswith("Dormant")  # the original is unchanged
    assert renamed.with_names("c2", "  ", "").names == renamed.names  # blanks keep the name
    assert hash(renamed) != hash(fitted)


def test_clusters_are_a_segmentation_in_both_languages(fitted):
    assert isinstance(fitted, Segmentation) and fitted.key_column == "cluster"
    for key in fitted.segments():
        for field in SEGMENT_FIELDS:
            en, zh = fitted.text(key, field, "en"), fitted.text(key, field, "zh")
            assert en and zh, (key, field)
            assert not CJK.search(en), en
        assert not re.search(r"[A-Za-z]", fitted.text(key, "name", "zh"))
    assert fitted.text("c9", "name") == ""


def test_categorical_features_are_one_hot(three):
    clusters = cl.fit_clusters(three, 3, features=cl.ClusterFeatures().with_extras(categorical=("channel",)))
    assert "channel=线上" in clusters.profile_features
    profiles = clusters.profiles()
    # B has 3 of 4 online, D 1 of 4, N 3 of 4.
    assert list(profiles["channel=线上"]) == pytest.approx([0.75, 0.25, 0.75])


def test_projection_has_two_components_per_customer(fitted, three):
    frame = fitted.projection(three)
    assert list(frame.columns) == ["customer_id", "cluster", "pc1", "pc2"]
    assert len(frame) == 12 and frame["pc1"].var() >= frame["pc2"].var()
    pd.testing.assert_frame_equal(frame, fitted.projection(three))
    assert frame.groupby("cluster")["customer_id"].apply(set).to_dict() == members(fitted, three)


def blobs(n_per: int = 100, seed: int = 1) -> pd.DataFrame:
    """Three well-separated groups of customers (dormant small, active mid, heavy big)."""
    rng = np.random.default_rng(seed)
    parts = []
    for recency, frequency, aov, tenure in ((300, 2, 40, 500), (30, 8, 120, 400), (5, 30, 400, 900)):
        f = np.maximum(1, rng.normal(frequency, frequency * 0.1, n_per)).round()
        a = rng.normal(aov, aov * 0.1, n_per)
        parts.append(pd.DataFrame({"recency_days": rng.normal(recency, recency * 0.1, n_per).round(),
                                   "frequency": f, "monetary": f * a, "avg_order_value": a,
                                   "tenure_days": rng.normal(tenure, tenure * 0.05, n_per).round()}))
    table = pd.concat(parts, ignore_index=True)
    return table.assign(customer_id=[f"C{i:05d}" for i in range(len(table))])


def test_k_guidance_suggests_the_planted_three():
    guidance = cl.k_guidance(blobs())
    assert list(guidance["k"]) == list(range(2, 11))
    assert guidance.loc[guidance["suggested"], "k"].tolist() == [3] == [cl.suggested_k(guidance)]
    assert guidance["inertia"].is_monotonic_decreasing or guidance["inertia"].iloc[0] > guidance["inertia"].iloc[-1]


def test_silhouettes_match_scikit_learn_and_sampling_is_seeded():
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(3)
    points = rng.normal(size=(300, 4))
    labels = [rng.integers(0, k, 300) for k in (2, 3, 5)]
    labels[2][0] = 4  # make sure the largest label exists
    assert cl._silhouettes(points, labels, chunk=64) == pytest.approx(
        [silhouette_score(points, lab) for lab in labels], abs=1e-9)
    table = blobs(200)
    small = cl.k_guidance(table, ks=[2, 3, 4], sample=150)
    pd.testing.assert_frame_equal(small, cl.k_guidance(table, ks=[2, 3, 4], sample=150))
    assert cl.suggested_k(small) == 3


def test_ties_in_silhouette_go_to_the_smaller_k():
    # Without inertia (or with fewer than three k) the highest silhouette decides.
    assert cl.suggested_k(pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.5, 0.7, 0.7]})) == 3
    assert cl.suggested_k(pd.DataFrame({"k": [2, 3], "inertia": [10.0, 5.0], "silhouette": [0.6, 0.4]})) == 2


def test_the_suggested_k_is_the_elbow_by_hand():
    # k 2..6 scaled to 0, .25, .5, .75, 1; inertia 100, 40, 20, 15, 12 scaled by (y - 12) / 88 to 1, .318, .091,
    # .034, 0.  Below the line from (0, 1) to (1, 0): 1 - x - y = 0, .432, .409, .216, 0: the elbow is k = 3,
    # although k = 2 has the best silhouette.
    guidance = pd.DataFrame({"k": [2, 3, 4, 5, 6], "inertia": [100.0, 40.0, 20.0, 15.0, 12.0],
                             "silhouette": [0.9, 0.5, 0.4, 0.3, 0.2]})
    assert cl.suggested_k(guidance) == 3
    # A straight line has no elbow: the silhouette decides.
    straight = guidance.assign(inertia=[50.0, 40.0, 30.0, 20.0, 10.0])
    assert cl.suggested_k(straight) == 2
    # Rows in any order.
    assert cl.suggested_k(guidance.iloc[::-1]) == 3


@pytest.mark.parametrize("k", [1, 13, 0, 2.5, True])
def test_k_outside_two_to_twelve(three, k):
    with pytest.raises(DataError) as info:
        cl.fit_clusters(three, k)
    assert info.value.code == "cluster_bad_k"
    assert info.value.text("en") == f"The number of clusters must be a whole number from 2 to 12, not {k}. Choose k " \
                                    "in that range."
    assert info.value.text("zh").startswith("分群数量必须是 2 到 12 之间的整数")


def error(name: str, k: int, features: cl.ClusterFeatures = cl.ClusterFeatures()) -> DataError:
    with pytest.raises(DataError) as info:
        cl.fit_clusters(read(name), k, features)
    return info.value


def test_fewer_customers_than_k_says_the_largest_k():
    exc = error("too_few.csv", 4)
    assert exc.code == "cluster_fewer_customers_than_k"
    assert exc.text("en") == "There are 3 customers, too few for 4 clusters. Choose at most 3 clusters."
    assert exc.text("zh") == "共有 3 位客户，不足以分成 4 个群。请最多选择 3 个群。"
    assert error("one_customer.csv", 2).text("en") == ("Only 1 customer has purchases; clusters need at least 2. "
                                                      "Upload more orders.")


def test_all_customers_identical():
    exc = error("identical.csv", 2)
    assert exc.code == "cluster_identical"
    assert exc.text("en").startswith("All 4 customers have the same values in every chosen feature")
    assert exc.text("zh").startswith("全部 4 位客户在所选的每个特征上取值都相同")


def test_a_feature_without_variance_is_named():
    exc = error("no_variance.csv", 2)
    assert exc.code == "cluster_no_variance"
    assert exc.text("en").startswith("The feature Days since first order is the same for every customer")
    assert exc.text("zh").startswith("特征“距首次购买天数”对所有客户都相同")
    # Without that feature the same customers cluster.
    without = cl.ClusterFeatures(numeric=("log_monetary", "frequency", "recency_days", "avg_order_value"))
    assert sum(cl.fit_clusters(read("no_variance.csv"), 2, without).sizes) == 6


def test_fewer_different_customers_than_k():
    exc = error("too_few_distinct.csv", 3)
    assert exc.code == "cluster_too_few_distinct"
    assert exc.text("en").startswith("Only 2 different kinds of customer are in the chosen features, too few for 3")
    assert "请最多选择 2 个群" in exc.text("zh")
    assert members(cl.fit_clusters(read("too_few_distinct.csv"), 2), read("too_few_distinct.csv")) == {
        "c1": {"A1", "A2", "A3"}, "c2": {"A4", "A5", "A6"}}


def test_a_missing_feature_is_named():
    exc = error("missing_feature.csv", 2)
    assert exc.code == "cluster_missing_feature"
    assert "Average order value" in exc.text("en") and "客单价" in exc.text("zh")


def test_k_guidance_checks_its_ks(three):
    with pytest.raises(DataError, match="not 13"):
        cl.k_guidance(three, ks=[2, 13])
    with pytest.raises(DataError) as info:
        cl.k_guidance(read("too_few.csv"), ks=range(2, 6))
    assert info.value.code == "cluster_fewer_customers_than_k" and info.value.params["largest"] == 3


@pytest.fixture(scope="module")
def sample_customers() -> pd.DataFrame:
    from crm_core import pipeline
    from crm_core.customers import customer_table
    from crm_core.segment.rfm import score_rfm

    path = ROOT / "sample_data" / "orders_zh.csv"
    return score_rfm(customer_table(pipeline.load(path.read_bytes(), path.name).result.orders))


def test_the_sample_clusters_are_stable_and_cover_every_customer(sample_customers):
    from sklearn.metrics import adjusted_rand_score

    first = cl.fit_clusters(sample_customers, 5)
    assert first == cl.fit_clusters(sample_customers, 5)
    assigned = first.assign(sample_customers)
    assert sum(first.sizes) == len(sample_customers) == len(assigned)
    assert assigned["cluster"].value_counts().reindex(first.keys).tolist() == list(first.sizes)
    assert list(first.revenue_shares) == sorted(first.revenue_shares, reverse=True)
    assert sum(first.revenue_shares) == pytest.approx(1.0)
    other_seed = cl.fit_clusters(sample_customers, 5, seed=1).assign(sample_customers)["cluster"]
    assert adjusted_rand_score(assigned["cluster"], other_seed) >= 0.9
    names = [first.text(key, "name", "zh") for key in first.keys]
    assert len(set(names)) == 5 and any(name.startswith("休眠") for name in names)


def test_scaled_values_are_clipped_so_one_extreme_customer_weighs_little(three):
    wholesaler = pd.DataFrame([{"customer_id": "W1", "recency_days": 6, "frequency": 23, "monetary": 2_000_000,
                                "avg_order_value": 87_000, "tenure_days": 720, "channel": "门店"}])
    table = pd.concat([three, wholesaler], ignore_index=True)
    # avg_order_value: median 50, quartiles 50 and 250 (IQR 200), so the wholesaler is (87,000 - 50) / 200 IQRs out.
    features = cl.ClusterFeatures(numeric=("avg_order_value",))
    assert cl._matrix(table, cl._fit_scaling(table, features))[-1, 0] == 5.0
    unclipped = cl.ClusterFeatures(numeric=("avg_order_value",), clip=None)
    assert cl._matrix(table, cl._fit_scaling(table, unclipped))[-1, 0] == pytest.approx(434.75)
    assert cl._matrix(table, cl._fit_scaling(table, features))[:12, 0].tolist() == [1.0] * 4 + [0.0] * 4 + [
        -0.05, 0.0, 0.05, 0.0]
