"""The demo's past campaign (crm_core.sample.campaign): its files, the planted response chance, and that adding it
changed no existing file."""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from crm_core.ingest.readers import read_upload
from crm_core.predict.table import propose_result_columns
from crm_core.sample.campaign import TRUTH_COLUMNS, plant_campaign, results_en_csv_bytes, results_zh_csv_bytes
from crm_core.sample.files import truth_csv_bytes
from crm_core.sample.generator import SampleSpec, _rng, generate_sample
from crm_core.sample.outcomes import TRUTH_COLUMNS as OUTCOME_COLUMNS

COMMITTED = Path(__file__).resolve().parents[2] / "sample_data"
SENT = date(2025, 11, 2)
# SHA-256 of the sample files as committed before the campaign stream existed (commit 08ba3c3); the xlsx by its
# members (name + bytes, sorted by name), as compressed bytes can vary with the zlib build.
BEFORE = {
    "orders_zh.csv": "823233f05435bd442c2a2586198ece0c1ee51b638738b41f7e95142da89daf69",
    "orders_future_zh.csv": "527c4158e011319e28f3558365fb4e211c474e62737440da6ba91f881ae7307d",
    "customers_zh.csv": "ccd9fbc7354e25579a3b26e6d40037017a53271d39fdeaf1905e19d48445e23e",
    "customers_en.csv": "e8858fdf8b1afa4b3abc24dfe5237c87dd2aff5d0407772932efb4bae008248d",
    "orders_en.xlsx": "57660242ddeb9956ff40f6f359b42cfabde56559d51582a99eb1852012ceb817",
    "truth.csv": "a08c24607da25292295b9f31ce28632390e0da376eb9c28e86bafdd34a0a396a",  # without the campaign columns
}
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _xlsx_members_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as book:
        for name in sorted(book.namelist()):
            digest.update(name.encode())
            digest.update(book.read(name))
    return digest.hexdigest()


@pytest.fixture(scope="module")
def by_name(files):
    return {p.name: p for p in files}


@pytest.fixture(scope="module")
def results_en(by_name):
    return pd.read_csv(by_name["campaign_results_en.csv"], dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def results_zh(by_name):
    return pd.read_csv(by_name["campaign_results_zh.csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def before_send():
    """Recency (days) and frequency (orders) before the send date, per customer, computed with plain pandas from
    the committed orders_zh.csv as a shop would export it."""
    lines = pd.read_csv(COMMITTED / "orders_zh.csv", encoding="utf-8-sig", dtype=str)
    when = pd.to_datetime(lines["下单时间"], format="%Y/%m/%d %H:%M")
    bought = lines.assign(when=when)[(lines["订单状态"] == "已完成") & (lines["数量"].astype(int) > 0)
                                     & lines["客户编号"].notna() & (when < pd.Timestamp(SENT))]
    per = bought.groupby("客户编号")
    return pd.DataFrame({"recency": (pd.Timestamp(SENT) - per["when"].max().dt.normalize()).dt.days,
                         "frequency": per["订单号"].nunique()})


# --- no existing file changes ---

def test_existing_files_are_unchanged_byte_for_byte(by_name, data):
    for name, digest in BEFORE.items():
        if name == "orders_en.xlsx":
            assert _xlsx_members_sha(by_name[name]) == digest
        elif name == "truth.csv":  # the old columns, written as before, give the old file
            assert _sha(truth_csv_bytes(data.truth.drop(columns=[*TRUTH_COLUMNS, *OUTCOME_COLUMNS]))) == digest
            assert _sha(by_name[name].read_bytes()) != digest  # the file itself gained the columns
        else:
            assert _sha(by_name[name].read_bytes()) == digest, name


def test_another_campaign_changes_nothing_but_the_campaign(data):
    other = generate_sample(SampleSpec(campaign_days=30, campaign_share=0.5))
    for name in ("orders", "customers", "future"):
        pd.testing.assert_frame_equal(getattr(other, name), getattr(data, name))
    pd.testing.assert_frame_equal(other.master.frame, data.master.frame)
    assert other.master.plants == data.master.plants
    pd.testing.assert_frame_equal(other.truth.drop(columns=list(TRUTH_COLUMNS)),
                                  data.truth.drop(columns=list(TRUTH_COLUMNS)))
    assert set(other.campaign["sent_date"]) == {date(2025, 12, 2)} and len(other.campaign) != len(data.campaign)


def test_a_smaller_share_keeps_a_subset_with_the_same_outcomes(data):
    def plan(share):
        return plant_campaign(data.orders, data.customers, _rng(SampleSpec(), "campaign"), sent=SENT, share=share)

    full, half = plan(0.7), plan(0.5)
    kept = half[half["selected"]]
    assert 0.45 < len(kept) / 509 < 0.55 and full.loc[kept.index, "selected"].all()
    pd.testing.assert_frame_equal(kept, full.loc[kept.index])
    # the same customer id gets the same draws whatever else is in the data
    pd.testing.assert_frame_equal(plan(0.7).iloc[::7], plant_campaign(
        data.orders[data.orders["customer_id"].isin(full.index[::7])], data.customers,
        _rng(SampleSpec(), "campaign"), sent=SENT, share=0.7))


def test_regenerating_gives_identical_bytes_and_the_committed_files(by_name, data):
    again = data  # generated apart from the files (fixture ``files`` generates the same spec once more)
    fresh = {"campaign_results_en.csv": results_en_csv_bytes(again.campaign),
             "campaign_results_zh.csv": results_zh_csv_bytes(again.campaign), "truth.csv": truth_csv_bytes(again.truth)}
    for name, content in fresh.items():
        assert by_name[name].read_bytes() == content == (COMMITTED / name).read_bytes(), name


# --- the files ---

def test_file_formats_and_headers(by_name, results_en, results_zh):
    en, zh = by_name["campaign_results_en.csv"].read_bytes(), by_name["campaign_results_zh.csv"].read_bytes()
    assert not en.startswith(b"\xef\xbb\xbf") and b"\r\n" not in en
    assert zh.startswith(b"\xef\xbb\xbf") and zh.count(b"\r\n") == len(results_zh) + 1
    assert list(results_en.columns) == ["customer_id", "campaign", "sent_date", "channel", "contacted", "responded",
                                        "coupon_redeemed"]
    assert list(results_zh.columns) == ["客户编号", "活动名称", "发送日期", "渠道", "是否联系", "是否响应", "是否核销"]
    assert not CJK.search(en.decode())
    assert set(results_en["campaign"]) == {"Singles' Day Beauty Presale"}
    assert set(results_zh["活动名称"]) == {"双11美妆预售"}
    assert set(results_en["sent_date"]) == {"2025-11-02"} and set(results_zh["发送日期"]) == {"2025/11/2"}
    assert set(results_en["channel"]) == {"SMS", "Email", "WeChat"}
    assert set(results_zh["渠道"]) == {"短信", "邮件", "微信"}
    for column in ("contacted", "responded", "coupon_redeemed"):
        assert set(results_en[column]) == {"yes", "no"}
    for column in ("是否联系", "是否响应", "是否核销"):
        assert set(results_zh[column]) == {"是", "否"}


def test_both_files_hold_the_same_customers_and_outcomes(results_en, results_zh):
    yes = {"yes": True, "no": False, "是": True, "否": False}
    assert results_en["customer_id"].tolist() == results_zh["客户编号"].tolist()
    assert results_en["customer_id"].is_monotonic_increasing and results_en["customer_id"].is_unique
    for en, zh in (("contacted", "是否联系"), ("responded", "是否响应"), ("coupon_redeemed", "是否核销")):
        assert results_en[en].map(yes).tolist() == results_zh[zh].map(yes).tolist()
    channels = {"SMS": "短信", "Email": "邮件", "WeChat": "微信"}
    assert results_en["channel"].map(channels).tolist() == results_zh["渠道"].tolist()


def test_file_rows_equal_the_truth(results_en, data):
    truth = data.truth.set_index("customer_id")
    listed = truth[truth["campaign_contacted"].notna()]
    assert listed.index.tolist() == results_en["customer_id"].tolist()
    assert listed["campaign_contacted"].tolist() == (results_en["contacted"] == "yes").tolist()
    assert listed["campaign_responded"].tolist() == (results_en["responded"] == "yes").tolist()
    assert truth.loc[truth["campaign_contacted"].isna(), "campaign_responded"].isna().all()
    committed = pd.read_csv(COMMITTED / "truth.csv", encoding="utf-8-sig", dtype={"customer_id": str})
    assert list(committed.columns[-5:-2]) == list(TRUTH_COLUMNS)  # outcome_group, outcome_success follow
    assert committed["campaign_response_chance"].notna().sum() == truth["campaign_response_chance"].notna().sum() == 598


def test_ids_are_those_of_the_order_files(results_zh):
    zh_ids = set(pd.read_csv(COMMITTED / "orders_zh.csv", encoding="utf-8-sig", dtype=str)["客户编号"].dropna())
    english = read_upload((COMMITTED / "orders_en.xlsx").read_bytes(), "orders_en.xlsx").frame
    listed = set(results_zh["客户编号"])
    assert listed <= zh_ids and listed <= set(english["Customer ID"].dropna())
    assert {i[0] for i in listed} == {"C", "K"}  # core customers and the behaviour clusters' ones


def test_the_campaign_went_to_consenting_customers_who_had_bought(results_en, data, before_send):
    assert SampleSpec().campaign_date == SENT == SampleSpec().as_of - timedelta(days=60)
    consent = data.customers.set_index("customer_id")["consent"]
    listed = results_en["customer_id"]
    assert listed.isin(before_send.index).all() and consent[listed].all()
    eligible = consent.reindex(before_send.index)
    # 598 bought before 2 Nov 2025, 509 of them consent; each of those with chance 70%: 352 (356 expected),
    # about 60% of the buyers
    assert (len(before_send), int(eligible.sum()), len(listed)) == (598, 509, 352)
    assert abs(len(listed) / 509 - 0.7) < 0.02
    email = data.customers.set_index("customer_id")["email"]
    assert email[listed[results_en["channel"] == "Email"]].notna().all()
    assert results_en["channel"].value_counts().to_dict() == {"SMS": 149, "WeChat": 148, "Email": 55}


def test_a_few_were_not_reached_and_only_the_reached_responded(results_en):
    contacted, responded = results_en["contacted"] == "yes", results_en["responded"] == "yes"
    redeemed = results_en["coupon_redeemed"] == "yes"
    assert (~contacted).sum() == 31 and not (responded & ~contacted).any()
    assert not (redeemed & ~responded).any()


def test_response_rate_within_the_stated_range(data):
    truth = data.truth[data.truth["campaign_contacted"].fillna(False)]
    rate = truth["campaign_responded"].astype(bool).mean()
    assert (len(truth), int(truth["campaign_responded"].sum())) == (321, 37)
    assert 0.10 <= rate <= 0.15
    assert abs(truth["campaign_response_chance"].mean() - rate) < 0.03  # the planted chances add up to what happened


def test_planted_chance_is_the_stated_logistic_of_behaviour_before_the_send_date(data):
    # recomputed from the order lines with the docstring's formula, reading nothing dated on or after the send day
    bought = data.orders[(data.orders["status"] == "已完成") & (data.orders["quantity"] > 0)
                         & data.orders["customer_id"].notna() & (data.orders["order_date"] < pd.Timestamp(SENT))]
    per = bought.groupby("customer_id")
    recency = (pd.Timestamp(SENT) - per["order_date"].max().dt.normalize()).dt.days
    beauty = bought[bought["category"] == "美妆护肤"].groupby("customer_id")["amount"].sum()
    share = beauty.reindex(recency.index, fill_value=0) / per["amount"].sum()
    logit = -3.3 - 0.8 * np.log(recency / 30) + 0.6 * np.log1p(per["order_id"].nunique()) + 2.0 * share
    expected = (1 / (1 + np.exp(-logit))).round(4)
    chance = data.truth.set_index("customer_id")["campaign_response_chance"].dropna()
    pd.testing.assert_series_equal(chance.sort_index(), expected.sort_index(), check_names=False, atol=1e-4)


def test_planted_chance_ranks_the_responders(data):
    truth = data.truth[data.truth["campaign_contacted"].fillna(False)]
    auc = roc_auc_score(truth["campaign_responded"].astype(bool), truth["campaign_response_chance"])
    assert auc >= 0.7 and round(auc, 3) == 0.878


def test_a_plain_logistic_regression_on_recency_and_frequency_finds_the_responders(before_send):
    results = pd.read_csv(COMMITTED / "campaign_results_zh.csv", encoding="utf-8-sig", dtype=str)
    reached = results[results["是否联系"] == "是"].set_index("客户编号")
    X, y = before_send.reindex(reached.index), (reached["是否响应"] == "是").to_numpy()
    assert X.notna().all().all() and len(y) == 321
    p = cross_val_predict(make_pipeline(StandardScaler(), LogisticRegression()), X, y, method="predict_proba",
                          cv=StratifiedKFold(5, shuffle=True, random_state=0))[:, 1]
    auc = roc_auc_score(y, p)
    assert auc >= 0.65 and round(auc, 3) == 0.845  # out of fold; chance would be 0.5


def test_coupon_redeemed_leaks_the_response(results_en):
    responded = results_en["responded"] == "yes"
    redeemed = results_en["coupon_redeemed"] == "yes"
    assert (int(responded.sum()), int(redeemed.sum())) == (37, 35)
    assert roc_auc_score(responded, redeemed) >= 0.95  # alone it predicts the response almost perfectly


def test_result_columns_are_recognised_in_both_languages(results_en, results_zh):
    assert propose_result_columns(results_en.columns) == {"customer": "customer_id", "contacted": "contacted",
                                                          "responded": "responded"}
    assert propose_result_columns(results_zh.columns) == {"customer": "客户编号", "contacted": "是否联系",
                                                          "responded": "是否响应"}


@pytest.mark.parametrize("bad", [{"campaign_days": 0}, {"campaign_days": 400}, {"campaign_share": 0.0},
                                 {"campaign_share": 1.5}])
def test_campaign_spec_is_validated(bad):
    with pytest.raises(ValueError, match="campaign_days"):
        SampleSpec(**bad)
