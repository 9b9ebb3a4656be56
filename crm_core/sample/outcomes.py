"""A campaign's outcomes planted in the demo data: what came of a call/message list of the sample's customers.

A stream added after the others (see :mod:`crm_core.sample.generator`): it reads the finished orders and
identities and draws from a random stream of its own ("campaign_outcomes"), so no order line, order id, customer,
master row or earlier truth value changes.  It writes campaign_outcomes_en.csv and campaign_outcomes_zh.csv.

The list (:data:`LIST_ID`, campaign :data:`CAMPAIGN_NAME`) went out :data:`SENT_DAYS` days after the analysis
date (2026-01-05 in the default sample) to every customer who bought before the analysis date and agreed to
marketing.  :data:`PLANTED` ``control_share`` of them (exactly, rounded) are held out as the control group and
get nothing; the others (target) get one of two offers (half each, the A/B variants) through one channel
(``channel_shares`` of the target rows); phone calls are split evenly among five agents.

Exact quotas, not luck: in every cell (each phone agent, WeChat, SMS, the control group) exactly
``round(rate * rows)`` customers succeeded, with the cell's rate from :data:`PLANTED` (``agent_rates``,
``channel_rates``, ``control_rate``); the control group and the cells are cut from the list by largest remainder
(``control_share``, ``channel_shares``, phone calls evenly among the agents).  The quotas hold in each of the
list's two parts apart (:func:`plant_outcomes`: the core customers C..., the behaviour clusters' customers K...), so
that leaving the clusters out changes no core row.  The target successes of a part are split between the offers
so that the offer rates come within a point of ``offer_rates`` (25% vs 17%; :func:`_split_offers`).  Which
customers of a cell succeed is drawn with weights by their planted RFM group (:data:`GROUP_WEIGHTS`: champions
answer more often than lost customers), so success rates by segment differ too, without moving any quota.

The default sample (595 customers on the list, 119 control): target 21.0% vs control 9.2%; 满20减5 25.1% vs
满30减8 16.7%; Phone 24.9% > WeChat 15.1% > SMS 7.0%; agents 王芳 Wang Fang 31.3% (21/67), 李强 26.9%,
张伟 25.4%, 刘洋 21.2%, 陈静 Chen Jing 19.7% (13/66).

Files (one row per customer on the list, sorted by customer id; en: UTF-8, LF; zh: UTF-8 with BOM, CRLF):

============  ==========  ======================================================================
English       Chinese     value (en / zh)
============  ==========  ======================================================================
customer_id   客户编号     C00001 ... / K00001 ... (ids of the order files)
list_id       清单编号     CMP-20260105-DEMO
campaign      活动名称     New Year Repurchase Offer / 新春回购优惠
group         组别         target, control / 目标组, 对照组
offer         优惠方案     ¥5 off ¥20, ¥8 off ¥30 / 满20减5, 满30减8 (target rows; blank for control)
channel       渠道         Phone, SMS, WeChat / 电话, 短信, 微信 (target rows)
agent         坐席         Wang Fang ... / 王芳 ... (Phone rows only)
outcome       结果         target: success, refused, considering, no answer / 成功, 拒绝, 考虑中, 未接通;
                          control: success, no purchase / 成功, 未购买 (bought anyway or not)
revenue       成交金额     the purchase amount (yuan, 2 decimals) for successes, blank otherwise
sent_date     发送日期     2026-01-05 (ISO in both files)
============  ==========  ======================================================================

The truth (:func:`with_outcome_truth`) gains outcome_group ("target"/"control") and outcome_success (bool), both
missing for customers not on the list.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np
import pandas as pd

from crm_core.sample.truth import purchases

LIST_ID_PREFIX = "CMP"
SENT_DAYS = 4  # the list went out this many days after the analysis date
CAMPAIGN_NAME = {"en": "New Year Repurchase Offer", "zh": "新春回购优惠"}
GROUPS = ("target", "control")
OFFERS = ("满20减5", "满30减8")
CHANNELS = ("电话", "微信", "短信")
AGENTS = ("王芳", "李强", "张伟", "刘洋", "陈静")
TARGET_OUTCOMES = ("成功", "拒绝", "考虑中", "未接通")
CONTROL_OUTCOMES = ("成功", "未购买")
ENGLISH: Mapping[str, str] = MappingProxyType({
    "目标组": "target", "对照组": "control", "满20减5": "¥5 off ¥20", "满30减8": "¥8 off ¥30",
    "电话": "Phone", "微信": "WeChat", "短信": "SMS",
    "王芳": "Wang Fang", "李强": "Li Qiang", "张伟": "Zhang Wei", "刘洋": "Liu Yang", "陈静": "Chen Jing",
    "成功": "success", "拒绝": "refused", "考虑中": "considering", "未接通": "no answer", "未购买": "no purchase",
})
_GROUP_ZH = {"target": "目标组", "control": "对照组"}

# The planted figures (fractions).  Cells get exactly round(rate * rows) successes; offers within a point.
PLANTED: Mapping[str, object] = MappingProxyType({
    "control_share": 0.20,
    "control_rate": 0.09,
    "channel_shares": MappingProxyType({"电话": 0.70, "微信": 0.18, "短信": 0.12}),
    "channel_rates": MappingProxyType({"微信": 0.15, "短信": 0.08}),  # Phone: its agents' rates
    "agent_rates": MappingProxyType({"王芳": 0.32, "李强": 0.28, "张伟": 0.25, "刘洋": 0.22, "陈静": 0.19}),
    "offer_rates": MappingProxyType({"满20减5": 0.25, "满30减8": 0.17}),
    "target_rate": 0.21,  # about: what the cells above add up to
})
# How the failures of each channel split among refused / considering / no answer (drawn, not quotas).
FAILURE_MIX: Mapping[str, tuple[float, float, float]] = MappingProxyType({
    "电话": (0.45, 0.30, 0.25), "微信": (0.20, 0.35, 0.45), "短信": (0.15, 0.20, 0.65)})
# Weight of a customer's planted RFM group when drawing who succeeds in a cell (behaviour clusters' customers: 1).
GROUP_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "champions": 2.0, "loyal": 1.6, "new": 1.2, "occasional": 1.0, "at_risk": 0.7, "lost": 0.5})
REVENUE_MEDIAN = 168.0  # yuan, median purchase of a success (log-normal, sigma 0.5)
OFFER_MINIMUM = {"满20减5": 20.0, "满30减8": 30.0}
COLUMNS = ("customer_id", "list_id", "campaign", "group", "offer", "channel", "agent", "outcome", "revenue",
           "sent_date")
ZH_HEADERS = ("客户编号", "清单编号", "活动名称", "组别", "优惠方案", "渠道", "坐席", "结果", "成交金额", "发送日期")
TRUTH_COLUMNS = ("outcome_group", "outcome_success")


def sent_date(as_of: date) -> date:
    """The day the list went out: :data:`SENT_DAYS` after the analysis date."""
    return as_of + timedelta(days=SENT_DAYS)


def list_id(sent: date) -> str:
    """The list's id, like the app's: "CMP-20260105-DEMO"."""
    return f"{LIST_ID_PREFIX}-{sent:%Y%m%d}-DEMO"


def eligible_customers(orders: pd.DataFrame, customers: pd.DataFrame, *, as_of: date) -> pd.Index:
    """Customers who bought (a completed, non-return line) before ``as_of`` and agreed to marketing, sorted."""
    bought = purchases(orders)
    ids = pd.Index(bought.loc[bought["order_date"] < pd.Timestamp(as_of), "customer_id"].unique())
    consent = customers.drop_duplicates("customer_id").set_index("customer_id")["consent"].reindex(ids)
    return ids[consent.fillna(False).to_numpy(dtype=bool)].sort_values()


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    exact = np.asarray(shares, dtype=float) / np.sum(shares) * total
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]] += 1
    return counts


def _cells(n_target: int) -> list[tuple[str, str, int, float]]:
    """(channel, agent or "", rows, rate) of every target cell."""
    channels = dict(PLANTED["channel_shares"])
    per_channel = dict(zip(channels, _largest_remainder(n_target, np.array(list(channels.values()))), strict=True))
    agents = dict(PLANTED["agent_rates"])
    calls = _largest_remainder(per_channel["电话"], np.ones(len(agents)))
    cells = [("电话", a, int(n), rate) for (a, rate), n in zip(agents.items(), calls, strict=True)]
    return cells + [(c, "", int(per_channel[c]), rate) for c, rate in PLANTED["channel_rates"].items()]


def _split_offers(rows: np.ndarray, successes: np.ndarray) -> np.ndarray:
    """Successes of the first offer in each cell (rows: (cells, 2) rows per offer), adding up to the total that
    puts the two offers' rates in the ratio of ``offer_rates``, each cell's split as even as that allows."""
    high, low = (PLANTED["offer_rates"][o] for o in OFFERS)
    total_rows = rows.sum(axis=0)
    wanted = round(successes.sum() * high * total_rows[0] / (high * total_rows[0] + low * total_rows[1]))
    share = high * rows[:, 0] / np.maximum(high * rows[:, 0] + low * rows[:, 1], 1e-12)
    exact = successes * share
    first = np.clip(np.floor(exact).astype(int), successes - rows[:, 1], rows[:, 0])
    order = np.argsort(-(exact - np.floor(exact)), kind="stable")
    while first.sum() != wanted:
        step = 1 if first.sum() < wanted else -1
        for i in order:
            if first.sum() == wanted:
                break
            room = first[i] + step
            if max(0, successes[i] - rows[i, 1]) <= room <= min(rows[i, 0], successes[i]):
                first[i] = room
    return first


def _pick(n: int, k: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A mask of ``k`` of ``n`` rows drawn without replacement, chance proportional to ``weights``."""
    if k == 0:
        return np.zeros(n, dtype=bool)
    chosen = rng.choice(n, size=k, replace=False, p=weights / weights.sum())
    mask = np.zeros(n, dtype=bool)
    mask[chosen] = True
    return mask


def plant_outcomes(orders: pd.DataFrame, customers: pd.DataFrame, groups: pd.Series, rng: np.random.Generator, *,
                   as_of: date) -> pd.DataFrame:
    """Plant the list's outcomes (module docstring).

    ``groups``: planted RFM group per customer_id of the core customers.  The list has two parts, each planted
    with exact quotas from a random stream of its own (seeded by one number of ``rng`` and the part's name): the
    core customers (those of ``groups``) and the others (the behaviour clusters' customers), so adding or leaving
    out the behaviour clusters changes no core customer's row.

    Returns
    -------
    DataFrame
        one row per customer on the list, sorted by customer_id, Chinese values: customer_id, list_id, campaign,
        group ("target"/"control"), offer, channel, agent ("" where it does not apply), outcome, success (bool),
        revenue (float, NaN unless success), sent_date (date), part ("core" / "clusters": whose quotas).
    """
    ids = eligible_customers(orders, customers, as_of=as_of)
    base = int(rng.integers(2**63))
    core = ids.isin(groups.index)
    parts = []
    for name, members in (("core", ids[core]), ("clusters", ids[~core])):
        if len(members):
            stream = np.random.default_rng([base, zlib.crc32(name.encode())])
            weights = groups.reindex(members).map(dict(GROUP_WEIGHTS)).fillna(1.0).to_numpy(dtype=float)
            plan = plant_part(members.to_numpy().astype(object), weights, stream)
            parts.append(_with_outcomes(plan, stream, sent=sent_date(as_of)).assign(part=name))
    if not parts:
        raise ValueError("no customer bought before the analysis date and agreed to marketing")
    return pd.concat(parts, ignore_index=True).sort_values("customer_id", kind="stable").reset_index(drop=True)


def plant_part(ids: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Groups, offers, channels, agents and exact success quotas for the customers ``ids`` (one part of the list).

    Returns customer_id, group, offer, channel, agent, success; sorted by customer_id.
    """
    order = rng.permutation(len(ids))
    n_control = round(PLANTED["control_share"] * len(ids))
    control = order[:n_control]
    won = _pick(n_control, round(PLANTED["control_rate"] * n_control), weights[control], rng)
    frames = [pd.DataFrame({"i": control, "group": "control", "offer": "", "channel": "", "agent": "",
                            "success": won})]
    start, cells = n_control, _cells(len(ids) - n_control)
    members, rows = [], np.zeros((len(cells), 2), dtype=int)
    for c, (_, _, n, _) in enumerate(cells):
        chunk = order[start:start + n]
        start += n
        offer = rng.permutation(np.arange(n) % 2)  # half each (the first offer gets the odd one)
        members.append((chunk, offer))
        rows[c] = [(offer == 0).sum(), (offer == 1).sum()]
    successes = np.array([round(rate * n) for _, _, n, rate in cells])
    first = _split_offers(rows, successes)
    for c, (channel, agent, _, _) in enumerate(cells):
        chunk, offer = members[c]
        won = np.zeros(len(chunk), dtype=bool)
        for o, k in enumerate((first[c], successes[c] - first[c])):
            where = np.flatnonzero(offer == o)
            won[where] = _pick(len(where), int(k), weights[chunk[where]], rng)
        frames.append(pd.DataFrame({"i": chunk, "group": "target", "offer": np.array(OFFERS)[offer],
                                    "channel": channel, "agent": agent, "success": won}))
    plan = pd.concat(frames, ignore_index=True)
    plan = plan.assign(customer_id=ids[plan["i"].to_numpy()]).sort_values("customer_id", kind="stable")
    return plan.drop(columns="i").reset_index(drop=True)


def _with_outcomes(plan: pd.DataFrame, rng: np.random.Generator, *, sent: date) -> pd.DataFrame:
    """Outcome words and revenue for the planned rows of :func:`plant_part`."""
    failure = np.array(TARGET_OUTCOMES[1:])
    draws = rng.random(len(plan))
    outcome = []
    for u, group, channel, won in zip(draws, plan["group"], plan["channel"], plan["success"], strict=True):
        if won:
            outcome.append("成功")
        elif group == "control":
            outcome.append("未购买")
        else:
            outcome.append(failure[np.searchsorted(np.cumsum(FAILURE_MIX[channel]), u * 0.999999, side="right")])
    amount = np.exp(np.log(REVENUE_MEDIAN) + 0.5 * rng.standard_normal(len(plan)))
    minimum = plan["offer"].map(OFFER_MINIMUM).fillna(0.0).to_numpy(dtype=float)
    revenue = np.where(plan["success"], np.round(np.maximum(amount, minimum + 5), 2), np.nan)
    return pd.DataFrame({
        "customer_id": plan["customer_id"].astype("str").to_numpy(),
        "list_id": list_id(sent),
        "campaign": CAMPAIGN_NAME["zh"],
        "group": plan["group"].to_numpy(),
        "offer": plan["offer"].to_numpy(),
        "channel": plan["channel"].to_numpy(),
        "agent": plan["agent"].to_numpy(),
        "outcome": outcome,
        "success": plan["success"].to_numpy(dtype=bool),
        "revenue": revenue,
        "sent_date": sent,
    }).astype({c: "str" for c in ("customer_id", "list_id", "campaign", "group", "offer", "channel", "agent",
                                  "outcome")})


def with_outcome_truth(truth: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """``truth`` with :data:`TRUTH_COLUMNS` at its end: outcome_group ("target"/"control") and outcome_success
    (nullable bool), both missing for customers not on the list."""
    table = outcomes.set_index("customer_id")
    ids = truth["customer_id"]
    return truth.assign(
        outcome_group=table["group"].reindex(ids).to_numpy(),
        outcome_success=table["success"].reindex(ids).to_numpy(),
    ).astype({"outcome_group": "str", "outcome_success": "boolean"})


def _text(outcomes: pd.DataFrame, lang: str) -> pd.DataFrame:
    words = (lambda v: ENGLISH.get(v, v)) if lang == "en" else (lambda v: v)
    groups = outcomes["group"] if lang == "en" else outcomes["group"].map(_GROUP_ZH)
    return pd.DataFrame({
        "customer_id": outcomes["customer_id"],
        "list_id": outcomes["list_id"],
        "campaign": CAMPAIGN_NAME[lang],
        "group": groups,
        **{c: outcomes[c].map(words) for c in ("offer", "channel", "agent", "outcome")},
        "revenue": [f"{r:.2f}" if r == r else "" for r in outcomes["revenue"]],
        "sent_date": [d.isoformat() for d in outcomes["sent_date"]],
    }).loc[:, list(COLUMNS)]


def outcomes_en_csv_bytes(outcomes: pd.DataFrame) -> bytes:
    """campaign_outcomes_en.csv: UTF-8 (no BOM), LF, English headers and values."""
    return _text(outcomes, "en").to_csv(index=False, lineterminator="\n").encode("utf-8")


def outcomes_zh_csv_bytes(outcomes: pd.DataFrame) -> bytes:
    """campaign_outcomes_zh.csv: UTF-8 with BOM, CRLF, Chinese headers and values."""
    text = _text(outcomes, "zh")
    text.columns = list(ZH_HEADERS)
    return text.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
