"""A past campaign planted in the demo data: who got it, who was reached, who responded.

A stream added after the others (see :mod:`crm_core.sample.generator`): it reads the finished orders and
identities and draws from a random stream of its own ("campaign"), so no order line, order id, customer or
master row changes.  It writes two files of its own, campaign_results_en.csv and campaign_results_zh.csv.

The campaign (:data:`CAMPAIGN_NAME`, 双11美妆预售 "Singles' Day Beauty Presale") went out on
``SampleSpec.campaign_date`` (``campaign_days`` = 60 days before the analysis date: 2025-11-02) to each customer
who bought before that day and agreed to marketing with chance ``campaign_share`` (70%; about 60% of all who
bought: a campaign goes to no one without consent), by SMS, e-mail (only to customers with an address) or
WeChat.  A few were not reached (:data:`REACH_CHANCE` per channel); only a reached customer can respond.
Each customer's draws depend only on the seed and their id (:func:`customer_draws`), so adding customers (the
behaviour clusters) changes no other customer's row.

Each customer who bought before the send date has a planted response chance, a logistic function of their
behaviour BEFORE the send date (:func:`response_chance`, coefficients :data:`COEFFICIENTS`)::

    chance = 1 / (1 + exp(-(-3.3 - 0.8 ln(recency_days / 30) + 0.6 ln(1 + frequency) + 2.0 beauty_share)))

recency_days: days from the last purchase to the send date; frequency: purchase orders before it;
beauty_share: share of their purchase spend on 美妆护肤 (Beauty & Skincare, the campaign's category).  Recent,
frequent beauty buyers answer; the base rate is about 13%.  So a propensity model on order features as of the
send date (:func:`crm_core.predict.table.response_dataset`) can find the responders; the channel has no effect.

The files (one row per customer the campaign went to, sorted by customer id, ids as in the order files):

==================  ===========  ==========================================================================
English             Chinese      value
==================  ===========  ==========================================================================
customer_id         客户编号      C00001 ... / K00001 ...
campaign            活动名称      Singles' Day Beauty Presale / 双11美妆预售
sent_date           发送日期      2025-11-02 / 2025/11/2
channel             渠道          SMS, Email, WeChat / 短信, 邮件, 微信
contacted           是否联系      yes/no / 是/否: the message reached the customer
responded           是否响应      yes/no / 是/否: the customer answered (never when not reached)
coupon_redeemed     是否核销      yes/no / 是/否: LEAKS THE TARGET, known only after the contact
==================  ===========  ==========================================================================

``coupon_redeemed`` (是否核销) is planted to show the leakage guard: most responders (:data:`REDEEM_CHANCE`)
redeemed the campaign coupon and no one else could, so on its own it predicts the response almost perfectly
(ROC AUC 0.97 in the default sample), yet it is only known after the campaign.  A model must never use it.

The truth (:func:`with_campaign_truth`) gains campaign_contacted and campaign_responded (missing for customers
the campaign did not go to) and campaign_response_chance (the planted chance; every customer who bought before
the send date, reached or not, missing for the others).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from crm_core.sample.truth import purchases

CAMPAIGN_NAME = {"en": "Singles' Day Beauty Presale", "zh": "双11美妆预售"}
AFFINITY_CATEGORY = "美妆护肤"  # Beauty & Skincare: the campaign's category
# The logistic model of the planted response chance: intercept and one coefficient per behaviour.
COEFFICIENTS: Mapping[str, float] = {"intercept": -3.3, "log_recency_months": -0.8, "log1p_frequency": 0.6,
                                     "beauty_share": 2.0}
CHANNELS = ("短信", "邮件", "微信")
CHANNELS_EN = ("SMS", "Email", "WeChat")  # same order
CHANNEL_WEIGHTS = (0.45, 0.20, 0.35)  # e-mail only to customers with an address (the others share the rest)
REACH_CHANCE: Mapping[str, float] = {"短信": 0.95, "邮件": 0.85, "微信": 0.92}  # bounced, blocked, unread
REDEEM_CHANCE = 0.93  # of the responders, those who redeemed the campaign coupon
RESULT_COLUMNS = ("customer_id", "campaign", "sent_date", "channel", "contacted", "responded", "coupon_redeemed")
RESULT_ZH_HEADERS = ("客户编号", "活动名称", "发送日期", "渠道", "是否联系", "是否响应", "是否核销")
TRUTH_COLUMNS = ("campaign_contacted", "campaign_responded", "campaign_response_chance")


def behaviour_before(orders: pd.DataFrame, *, sent: date) -> pd.DataFrame:
    """What each customer did before the send date: the inputs of :func:`response_chance`.

    Returns
    -------
    DataFrame
        index customer_id (sorted; customers with a purchase dated before ``sent``): recency_days (days from the
        last purchase's day to ``sent``, at least 1), frequency (purchase orders), beauty_share (share of the
        purchase spend on :data:`AFFINITY_CATEGORY`, 0-1).  Purchases are completed, non-return lines of known
        customers (:func:`crm_core.sample.truth.purchases`).
    """
    start = pd.Timestamp(sent)
    bought = purchases(orders)
    bought = bought[bought["order_date"] < start]
    beauty = bought["amount"].where(bought["category"] == AFFINITY_CATEGORY, 0.0)
    per = bought.assign(beauty=beauty).groupby("customer_id").agg(
        last=("order_date", "max"), frequency=("order_id", "nunique"), spend=("amount", "sum"),
        beauty=("beauty", "sum"))
    return pd.DataFrame({
        "recency_days": (start - per["last"].dt.normalize()).dt.days.astype("int64"),
        "frequency": per["frequency"].astype("int64"),
        "beauty_share": per["beauty"] / per["spend"],
    }).sort_index()


def response_chance(behaviour: pd.DataFrame) -> pd.Series:
    """The planted chance of responding (0-1) when reached: the logistic model of the module docstring."""
    c = COEFFICIENTS
    logit = (c["intercept"] + c["log_recency_months"] * np.log(behaviour["recency_days"] / 30)
             + c["log1p_frequency"] * np.log1p(behaviour["frequency"]) + c["beauty_share"] * behaviour["beauty_share"])
    return (1 / (1 + np.exp(-logit))).rename("chance")


def plant_campaign(orders: pd.DataFrame, customers: pd.DataFrame, rng: np.random.Generator, *, sent: date,
                   share: float) -> pd.DataFrame:
    """Plant the campaign sent on ``sent``: one row per customer who bought before it.

    Each customer draws from a stream of their own, seeded by ``rng`` (the generator's "campaign" stream) and
    their id (:func:`customer_draws`), so what happens to one customer depends only on their own orders and
    identity: adding customers changes no one else's row, and a smaller ``share`` keeps a subset of the customers.

    Returns
    -------
    DataFrame
        index customer_id (sorted): the :func:`behaviour_before` columns, chance (:func:`response_chance`),
        selected (the campaign went to them: consenting customers, each with chance ``share``), channel (Chinese,
        missing when not selected), contacted, responded, coupon_redeemed (bool; False when not selected).
    """
    behaviour = behaviour_before(orders, sent=sent)
    identities = customers.drop_duplicates("customer_id").set_index("customer_id").reindex(behaviour.index)
    draws = customer_draws(behaviour.index, rng)
    consenting = identities["consent"].fillna(False).to_numpy(dtype=bool)
    selected = consenting & (draws[:, 0] < share)
    weights = np.tile(np.array(CHANNEL_WEIGHTS), (len(behaviour), 1))
    weights[identities["email"].isna().to_numpy(), CHANNELS.index("邮件")] = 0.0
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    channel = np.array(CHANNELS)[(draws[:, [1]] > cumulative[:, :-1]).sum(axis=1)]
    chance = response_chance(behaviour)
    contacted = selected & (draws[:, 2] < np.array([REACH_CHANCE[c] for c in channel]))
    responded = contacted & (draws[:, 3] < chance.to_numpy())
    redeemed = responded & (draws[:, 4] < REDEEM_CHANCE)
    return behaviour.assign(chance=chance, selected=selected,
                            channel=pd.Series(channel, index=behaviour.index, dtype="str").where(selected),
                            contacted=contacted, responded=responded, coupon_redeemed=redeemed)


def customer_draws(ids: pd.Index, rng: np.random.Generator) -> np.ndarray:
    """Five uniform numbers per customer (selection, channel, reach, response, redemption), from a stream seeded
    by one number of ``rng`` and the customer's id: the same id always gets the same numbers."""
    base = int(rng.integers(2**63))
    return np.array([np.random.default_rng([base, zlib.crc32(str(i).encode())]).random(5) for i in ids]).reshape(-1, 5)


def campaign_results(plan: pd.DataFrame, *, sent: date) -> pd.DataFrame:
    """The campaign's results as the shop's tool exports them: the selected rows of ``plan``.

    Columns :data:`RESULT_COLUMNS`: customer_id, campaign (Chinese name), sent_date (date), channel (Chinese),
    contacted, responded, coupon_redeemed (bool); sorted by customer_id.
    """
    chosen = plan[plan["selected"]]
    return pd.DataFrame({
        "customer_id": chosen.index.astype("str"),
        "campaign": CAMPAIGN_NAME["zh"],
        "sent_date": sent,
        "channel": chosen["channel"].to_numpy(),
        "contacted": chosen["contacted"].to_numpy(),
        "responded": chosen["responded"].to_numpy(),
        "coupon_redeemed": chosen["coupon_redeemed"].to_numpy(),
    }).astype({"customer_id": "str", "campaign": "str", "channel": "str"})


def with_campaign_truth(truth: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """``truth`` with :data:`TRUTH_COLUMNS`: campaign_contacted and campaign_responded (nullable bool, missing
    for customers the campaign did not go to) and campaign_response_chance (the planted chance, rounded to 4
    decimals; missing for customers without a purchase before the send date)."""
    chosen = plan[plan["selected"]]
    ids = truth["customer_id"]
    return truth.assign(
        campaign_contacted=chosen["contacted"].reindex(ids).to_numpy(),
        campaign_responded=chosen["responded"].reindex(ids).to_numpy(),
        campaign_response_chance=plan["chance"].round(4).reindex(ids).to_numpy(),
    ).astype({"campaign_contacted": "boolean", "campaign_responded": "boolean"})


def _yes_no(values: pd.Series, yes: str, no: str) -> pd.Series:
    return values.map({True: yes, False: no})


def results_en_csv_bytes(results: pd.DataFrame) -> bytes:
    """campaign_results_en.csv: UTF-8 (no BOM), LF, English headers and values, dates 2025-11-02, yes/no."""
    text = results.assign(
        campaign=CAMPAIGN_NAME["en"],
        sent_date=[d.isoformat() for d in results["sent_date"]],
        channel=results["channel"].map(dict(zip(CHANNELS, CHANNELS_EN, strict=True))),
        **{c: _yes_no(results[c], "yes", "no") for c in ("contacted", "responded", "coupon_redeemed")},
    )
    return text.loc[:, list(RESULT_COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")


def results_zh_csv_bytes(results: pd.DataFrame) -> bytes:
    """campaign_results_zh.csv: UTF-8 with BOM, CRLF, Chinese headers, dates 2025/11/2, 是/否."""
    text = results.assign(
        sent_date=[f"{d.year}/{d.month}/{d.day}" for d in results["sent_date"]],
        **{c: _yes_no(results[c], "是", "否") for c in ("contacted", "responded", "coupon_redeemed")},
    ).loc[:, list(RESULT_COLUMNS)]
    text.columns = list(RESULT_ZH_HEADERS)
    return text.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
