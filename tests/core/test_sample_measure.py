"""The demo's measurement streams (crm_core.sample.outcomes, touchpoints, seasonal): the planted figures recovered
from the written files with plain pandas, the files' formats and vocabulary, determinism, and that adding the
streams changed no earlier file."""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core.sample.generator import SampleSpec, _rng, generate_sample
from crm_core.sample.outcomes import PLANTED, outcomes_en_csv_bytes, outcomes_zh_csv_bytes, plant_outcomes
from crm_core.sample.seasonal import (
    MONTH_FACTORS,
    TREND_PER_YEAR,
    WEEKEND_RATIO,
    expected_orders,
    sales_en_csv_bytes,
    sales_frame,
)
from crm_core.sample.touchpoints import PLANTED_ROLES, plant_touchpoints, touchpoints_en_csv_bytes

COMMITTED = Path(__file__).resolve().parents[2] / "sample_data"
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
# SHA-256 of the files as committed before these streams existed (commit eaba2fa, `git show eaba2fa:sample_data/…`);
# the xlsx by its members (name + bytes, sorted by name); truth.csv of that commit equals today's file with its
# two last columns (outcome_group, outcome_success) cut off every line.
BEFORE = {
    "orders_zh.csv": "823233f05435bd442c2a2586198ece0c1ee51b638738b41f7e95142da89daf69",
    "orders_future_zh.csv": "527c4158e011319e28f3558365fb4e211c474e62737440da6ba91f881ae7307d",
    "customers_zh.csv": "ccd9fbc7354e25579a3b26e6d40037017a53271d39fdeaf1905e19d48445e23e",
    "customers_en.csv": "e8858fdf8b1afa4b3abc24dfe5237c87dd2aff5d0407772932efb4bae008248d",
    "campaign_results_en.csv": "dfb2e3488dd5509c8cfcdbef6b605de9bedb6bdce57caea2516f720444a50881",
    "campaign_results_zh.csv": "9a03adf6cb1f58237e895675290e53bc8cc77d99e81b94c545002f3fe9ca10e1",
    "orders_en.xlsx": "57660242ddeb9956ff40f6f359b42cfabde56559d51582a99eb1852012ceb817",
    "truth.csv": "ec47ba7de59bb1ad528a2525ca304450f75db373a85b8e08684d0d0d9406b5d8",
}
AGENTS_EN = ["Wang Fang", "Li Qiang", "Zhang Wei", "Liu Yang", "Chen Jing"]  # planted best to worst
AGENTS_ZH = ["王芳", "李强", "张伟", "刘洋", "陈静"]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(COMMITTED / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def by_name(files):
    return {p.name: p for p in files}


@pytest.fixture(scope="module")
def outcomes():
    return _read("campaign_outcomes_en.csv")


@pytest.fixture(scope="module")
def target(outcomes):
    rows = outcomes[outcomes["group"] == "target"]
    return rows.assign(won=rows["outcome"] == "success")


@pytest.fixture(scope="module")
def journeys():
    """Per journey of touchpoints_en.csv: first and last channel, converted, touches, span in days."""
    touches = _read("touchpoints_en.csv")
    per = touches.groupby("journey_id", sort=False)
    when = pd.to_datetime(touches["touch_time"], format="%Y-%m-%d %H:%M")
    return pd.DataFrame({
        "first": per["channel"].first(), "last": per["channel"].last(),
        "converted": per["converted"].agg(lambda s: (s == "yes").any()), "touches": per.size(),
        "span": (when.groupby(touches["journey_id"]).max() - when.groupby(touches["journey_id"]).min()).dt.days,
    })


@pytest.fixture(scope="module")
def sales():
    frame = pd.read_csv(COMMITTED / "daily_sales_en.csv", dtype={"channel": str})
    return frame.assign(date=pd.to_datetime(frame["date"], format="%Y-%m-%d"))


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- nothing earlier changed; the new files are the generator's ---

def test_earlier_files_are_byte_for_byte_those_before_the_streams(by_name):
    for name, digest in BEFORE.items():
        if name == "orders_en.xlsx":
            members = hashlib.sha256()
            with zipfile.ZipFile(by_name[name]) as book:
                for member in sorted(book.namelist()):
                    members.update(member.encode())
                    members.update(book.read(member))
            assert members.hexdigest() == digest
        elif name == "truth.csv":
            lines = by_name[name].read_bytes().split(b"\n")
            assert lines[0].endswith(b",campaign_response_chance,outcome_group,outcome_success")
            assert _sha(b"\n".join(line.rsplit(b",", 2)[0] for line in lines)) == digest
        else:
            assert _sha(by_name[name].read_bytes()) == digest, name
            assert _sha((COMMITTED / name).read_bytes()) == digest, name


def test_the_same_spec_gives_the_same_bytes_and_another_seed_others(data):
    spec = SampleSpec(n_customers=80, seed=3, n_cluster_customers=20)
    first, again, other = generate_sample(spec), generate_sample(spec), generate_sample(SampleSpec(seed=8))
    for write in (outcomes_en_csv_bytes, outcomes_zh_csv_bytes):
        assert write(first.outcomes) == write(again.outcomes) != write(data.outcomes)
    assert touchpoints_en_csv_bytes(first.touchpoints) == touchpoints_en_csv_bytes(again.touchpoints)
    assert touchpoints_en_csv_bytes(other.touchpoints) != touchpoints_en_csv_bytes(data.touchpoints)
    assert sales_en_csv_bytes(first.sales) == sales_en_csv_bytes(again.sales) != sales_en_csv_bytes(other.sales)


def test_leaving_the_behaviour_clusters_out_changes_no_core_outcome(data):
    core = generate_sample(SampleSpec(n_cluster_customers=0))
    mine = data.outcomes[data.outcomes["customer_id"].str.startswith("C")].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, core.outcomes)
    pd.testing.assert_frame_equal(data.touchpoints, core.touchpoints)
    pd.testing.assert_frame_equal(data.sales, core.sales)


# --- campaign outcomes ---

def test_outcome_files_have_the_contract_headers_and_encodings(by_name):
    en, zh = by_name["campaign_outcomes_en.csv"].read_bytes(), by_name["campaign_outcomes_zh.csv"].read_bytes()
    assert en.split(b"\n")[0] == b"customer_id,list_id,campaign,group,offer,channel,agent,outcome,revenue,sent_date"
    assert zh.startswith("\ufeff客户编号,清单编号,活动名称,组别,优惠方案,渠道,坐席,结果,成交金额,发送日期\r\n".encode())
    assert not CJK.search(en.decode()) and b"\r\n" not in en


def test_every_outcome_value_is_in_the_vocabulary(outcomes):
    assert set(outcomes["list_id"]) == {"CMP-20260105-DEMO"} and set(outcomes["sent_date"]) == {"2026-01-05"}
    assert set(outcomes["campaign"]) == {"New Year Repurchase Offer"}
    control = outcomes[outcomes["group"] == "control"]
    target = outcomes[outcomes["group"] == "target"]
    assert len(control) + len(target) == len(outcomes)
    assert (control[["offer", "channel", "agent"]] == "").all().all()
    assert set(control["outcome"]) == {"success", "no purchase"}
    assert set(target["offer"]) == {"¥5 off ¥20", "¥8 off ¥30"} and set(target["channel"]) == {"Phone", "SMS", "WeChat"}
    assert set(target["outcome"]) == {"success", "refused", "considering", "no answer"}
    phone = target["channel"] == "Phone"
    assert set(target.loc[phone, "agent"]) == set(AGENTS_EN) and (target.loc[~phone, "agent"] == "").all()
    won = outcomes["outcome"] == "success"
    assert (outcomes.loc[~won, "revenue"] == "").all()
    revenue = outcomes.loc[won, "revenue"].astype(float)
    assert revenue.gt(0).all() and outcomes.loc[won, "revenue"].str.fullmatch(r"\d+\.\d\d").all()


def test_the_chinese_file_is_the_english_one_in_chinese():
    en, zh = _read("campaign_outcomes_en.csv"), _read("campaign_outcomes_zh.csv")
    assert en["customer_id"].tolist() == zh["客户编号"].tolist()
    words = {"target": "目标组", "control": "对照组", "¥5 off ¥20": "满20减5", "¥8 off ¥30": "满30减8", "Phone": "电话",
             "SMS": "短信", "WeChat": "微信", "success": "成功", "refused": "拒绝", "considering": "考虑中",
             "no answer": "未接通", "no purchase": "未购买", "": "", **dict(zip(AGENTS_EN, AGENTS_ZH, strict=True))}
    for column, header in (("group", "组别"), ("offer", "优惠方案"), ("channel", "渠道"), ("agent", "坐席"),
                           ("outcome", "结果")):
        assert en[column].map(words).tolist() == zh[header].tolist(), column
    assert en["revenue"].tolist() == zh["成交金额"].tolist() and set(zh["活动名称"]) == {"新春回购优惠"}


def test_the_list_is_every_consenting_customer_who_bought():
    """Computed apart from the generator: customers of orders_zh.csv with a completed purchase line and consent."""
    lines = _read("orders_zh.csv")
    bought = lines[(lines["订单状态"] == "已完成") & (lines["数量"].astype(int) > 0) & (lines["客户编号"] != "")
                   & (lines["是否同意营销"] == "是")]
    listed = _read("campaign_outcomes_en.csv")["customer_id"]
    assert listed.is_unique and set(listed) == set(bought["客户编号"]) and len(listed) == 595


def test_exact_quotas_in_every_cell_of_each_part(outcomes):
    """Each part of the list (core C..., clusters K...) has exactly round(share * n) control customers and
    round(rate * rows) successes in the control group, per phone agent, WeChat and SMS."""
    rates = {**{("Phone", a): r for a, r in zip(AGENTS_EN, PLANTED["agent_rates"].values(), strict=True)},
             ("WeChat", ""): PLANTED["channel_rates"]["微信"], ("SMS", ""): PLANTED["channel_rates"]["短信"],
             ("", ""): PLANTED["control_rate"]}
    for prefix in ("C", "K"):
        part = outcomes[outcomes["customer_id"].str.startswith(prefix)]
        assert (part["group"] == "control").sum() == round(PLANTED["control_share"] * len(part))
        cells = part.assign(won=part["outcome"] == "success").groupby(["channel", "agent"])["won"].agg(["size", "sum"])
        assert set(cells.index) == set(rates)
        for key, rate in rates.items():
            assert cells.loc[key, "sum"] == round(rate * cells.loc[key, "size"]), (prefix, key)


def test_planted_rates_recovered_from_the_file(outcomes, target):
    won = outcomes["outcome"] == "success"
    by_group = won.groupby(outcomes["group"]).agg(["size", "sum"])
    assert by_group.loc["control"].tolist() == [119, 11] and by_group.loc["target"].tolist() == [476, 100]
    assert by_group.loc["control", "size"] / len(outcomes) == pytest.approx(0.2, abs=0.001)
    rate = by_group["sum"] / by_group["size"]
    assert rate["target"] == pytest.approx(0.21, abs=0.01) and rate["control"] == pytest.approx(0.09, abs=0.01)
    offer = target.groupby("offer")["won"].mean()
    assert offer["¥5 off ¥20"] == pytest.approx(0.25, abs=0.01) and offer["¥8 off ¥30"] == pytest.approx(0.17, abs=0.01)
    channel = target.groupby("channel")["won"].mean()
    assert channel["Phone"] > channel["WeChat"] > channel["SMS"]


def test_agents_from_about_32_down_to_19_percent_on_enough_calls(target):
    agents = target[target["channel"] == "Phone"].groupby("agent")["won"].agg(["size", "sum", "mean"])
    assert agents["size"].min() >= 60
    assert agents.sort_values("mean", ascending=False).index.tolist() == AGENTS_EN
    assert agents.loc["Wang Fang", ["size", "sum"]].tolist() == [67, 21]  # 31.3%
    assert agents.loc["Chen Jing", ["size", "sum"]].tolist() == [66, 13]  # 19.7%


def test_the_truth_records_who_was_on_the_list_and_who_succeeded(outcomes):
    truth = pd.read_csv(COMMITTED / "truth.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    listed = truth[truth["outcome_group"] != ""].set_index("customer_id")
    assert (truth.loc[truth["outcome_group"] == "", "outcome_success"] == "").all()
    rows = outcomes.set_index("customer_id")
    assert sorted(listed.index) == sorted(rows.index)
    assert (listed["outcome_group"] == rows["group"].reindex(listed.index)).all()
    assert ((listed["outcome_success"] == "True") == (rows["outcome"] == "success").reindex(listed.index)).all()
    # who succeeds within a cell leans to the better customers: champions and loyal beat lost ones
    good = listed["group"].isin(["champions", "loyal"]) & (listed["outcome_group"] == "target")
    lost = (listed["group"] == "lost") & (listed["outcome_group"] == "target")
    success = listed["outcome_success"] == "True"
    assert success[good].mean() > success[lost].mean() + 0.1


def test_outcomes_plant_without_the_files(data):
    groups = data.truth.dropna(subset=["group"]).set_index("customer_id")["group"]
    again = plant_outcomes(data.orders, data.customers, groups, _rng(SampleSpec(), "campaign_outcomes"),
                           as_of=SampleSpec().as_of)
    pd.testing.assert_frame_equal(again, data.outcomes)


# --- touchpoints ---

def test_touchpoint_files_follow_the_contract(by_name):
    en, zh = _read("touchpoints_en.csv"), _read("touchpoints_zh.csv")
    assert list(en.columns) == ["journey_id", "touch_time", "channel", "converted", "value"]
    assert list(zh.columns) == ["旅程编号", "触点时间", "渠道", "是否转化", "转化金额"]
    assert by_name["touchpoints_zh.csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert set(en["channel"]) == {"Douyin", "Xiaohongshu", "Baidu Search", "WeChat", "SMS", "Store"}
    channels = dict(zip(["Douyin", "Xiaohongshu", "Baidu Search", "WeChat", "SMS", "Store"],
                        ["抖音", "小红书", "百度搜索", "微信", "短信", "门店"], strict=True))
    assert en["channel"].map(channels).tolist() == zh["渠道"].tolist()
    assert en["converted"].map({"yes": "是", "no": "否"}).tolist() == zh["是否转化"].tolist()
    assert en["touch_time"].str.fullmatch(r"2025-\d\d-\d\d \d\d:\d\d").all()
    when = pd.to_datetime(en["touch_time"], format="%Y-%m-%d %H:%M")
    assert (when.groupby(en["journey_id"]).diff().dropna() > pd.Timedelta(0)).all()  # strictly increasing
    # yes only on a journey's last touch, with the value there and nowhere else
    last = ~en["journey_id"].duplicated(keep="last")
    assert ((en["converted"] == "yes") <= last).all()
    assert ((en["value"] != "") == (en["converted"] == "yes")).all()
    assert en.loc[en["value"] != "", "value"].astype(float).gt(0).all()


def test_two_thousand_journeys_over_days(journeys):
    assert len(journeys) == 2000 and journeys["converted"].sum() == 600
    assert 2.3 <= journeys["touches"].mean() <= 2.8
    assert journeys.loc[journeys["converted"], "span"].median() >= 2  # days from first touch to purchase


def test_planted_roles_are_visible(journeys):
    converting = journeys[journeys["converted"]]
    first = converting["first"].value_counts(normalize=True)
    last = converting["last"].value_counts(normalize=True)
    introducer, closer, weak = PLANTED_ROLES["introducer"], PLANTED_ROLES["closer"], PLANTED_ROLES["weak"]
    assert first.index[0] == introducer and first[introducer] == pytest.approx(0.367, abs=0.001)
    assert last.get(introducer, 0.0) == 0.0  # never closes
    assert last.index[0] == closer and last[closer] == pytest.approx(0.572, abs=0.001)
    touches = _read("touchpoints_en.csv")
    with_channel = touches.drop_duplicates(["journey_id", "channel"])
    rate = journeys["converted"].reindex(with_channel["journey_id"]).groupby(with_channel["channel"].to_numpy()).mean()
    assert rate.idxmin() == weak and rate[weak] < 0.15 < rate.drop(weak).min()


def _conversion_chance(transitions: pd.DataFrame, removed: str | None = None) -> float:
    """P(start reaches conversion) of the first-order chain of ``transitions`` (from, to, count); with ``removed``,
    every step into that channel goes to null instead."""
    if removed is not None:
        transitions = transitions.assign(to=transitions["to"].replace(removed, "(null)"))
    counts = transitions.groupby(["from", "to"])["count"].sum().unstack(fill_value=0)
    states = sorted(set(counts.index) - {removed})
    step = counts.div(counts.sum(axis=1), axis=0).reindex(index=states, columns=[*states, "(conversion)"],
                                                          fill_value=0.0)
    # reach = step[:, states] @ reach + step[:, conversion]
    reach = np.linalg.solve(np.eye(len(states)) - step[states].to_numpy(), step["(conversion)"].to_numpy())
    return float(reach[states.index("(start)")])


def test_sms_gets_the_least_markov_credit():
    """Removal effects of a first-order Markov chain computed here by hand: SMS lowest, Baidu Search highest."""
    touches = _read("touchpoints_en.csv")
    ends = touches.groupby("journey_id", sort=False)["converted"].agg(
        lambda s: "(conversion)" if (s == "yes").any() else "(null)")
    steps = []
    for journey, rows in touches.groupby("journey_id", sort=False)["channel"]:
        path = ["(start)", *rows, ends[journey]]
        steps += list(zip(path[:-1], path[1:], strict=True))
    transitions = pd.DataFrame(steps, columns=["from", "to"]).assign(count=1)
    base = _conversion_chance(transitions)
    assert base == pytest.approx(0.3, abs=1e-9)  # the chain reproduces the overall conversion rate
    effect = pd.Series({c: 1 - _conversion_chance(transitions, c) / base for c in set(touches["channel"])})
    assert effect.idxmin() == PLANTED_ROLES["weak"] and effect[PLANTED_ROLES["weak"]] < 0.1
    assert effect.idxmax() == PLANTED_ROLES["closer"]


def test_touchpoints_plant_for_any_period():
    touches = plant_touchpoints(np.random.default_rng(1), start=date(2024, 3, 1), end=date(2024, 6, 30),
                                n_journeys=50)
    assert touches["journey_id"].nunique() == 50 and touches["converted"].sum() == 15
    assert touches["touch_time"].between(pd.Timestamp(2024, 3, 1), pd.Timestamp(2024, 7, 1)).all()


# --- daily sales ---

def test_daily_sales_files_cover_three_years_by_channel(by_name, sales):
    zh = _read("daily_sales_zh.csv")
    assert list(zh.columns) == ["日期", "渠道", "订单数", "销售额"]
    assert by_name["daily_sales_zh.csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(sales.columns) == ["date", "channel", "orders", "revenue"]
    assert sales["date"].min() == pd.Timestamp(2023, 1, 1) and sales["date"].max() == pd.Timestamp(2025, 12, 31)
    assert len(sales) == 1096 * 3 and not sales.duplicated(["date", "channel"]).any()
    assert sales["channel"].iloc[:3].tolist() == ["Tmall", "JD", "WeChat Mini Program"]
    assert zh["渠道"].iloc[:3].tolist() == ["天猫旗舰店", "京东自营", "微信小程序"]
    assert (sales["orders"] > 0).all()
    value = (sales["revenue"] / sales["orders"]).groupby(sales["channel"]).mean()
    assert value.round(-1).to_dict() == {"JD": 260.0, "Tmall": 210.0, "WeChat Mini Program": 180.0}


def test_expected_orders_by_hand():
    # Tmall, Sunday 1 January 2023 (the origin): 140 * 0.95 (January) * 1.14 (Sunday) * 1.12 ** 0
    days = pd.DatetimeIndex(["2023-01-01", "2024-11-11"])
    assert expected_orders(days, "天猫旗舰店", first=date(2023, 1, 1)) == pytest.approx(
        [140 * 0.95 * 1.14, 140 * 2.00 * 0.92 * 1.12 ** (680 / 365.25)])


def test_monthly_totals_peak_in_november_and_dip_in_february(sales):
    months = sales.set_index("date")["revenue"].resample("MS").sum()
    for year, totals in months.groupby(months.index.year):
        ranked = totals.sort_values(ascending=False)
        assert ranked.index[0].month == 11 and ranked.index[-1].month == 2, year
        assert ranked.iloc[0] > 1.3 * ranked.iloc[1]  # 双11 clearly the largest
    assert MONTH_FACTORS[10] == max(MONTH_FACTORS) and MONTH_FACTORS[1] == min(MONTH_FACTORS)


def test_weekends_sell_more_and_the_years_grow_as_planted(sales):
    daily = sales.groupby("date")["orders"].sum()
    weekend = daily.index.day_of_week >= 5
    assert daily[weekend].mean() / daily[~weekend].mean() == pytest.approx(WEEKEND_RATIO, abs=0.02)
    yearly = sales.groupby(sales["date"].dt.year)["revenue"].sum()
    growth = yearly / yearly.shift() - 1
    assert growth.dropna().tolist() == pytest.approx([TREND_PER_YEAR] * 2, abs=0.01)


def test_sales_frame_gives_any_period_consistently(sales):
    march = sales_frame(SampleSpec(), date(2025, 3, 1), date(2025, 3, 31))
    written = sales[sales["date"].dt.month.eq(3) & sales["date"].dt.year.eq(2025)]
    assert march["orders"].tolist() == written["orders"].tolist()
    assert march["revenue"].tolist() == written["revenue"].tolist()
    later = sales_frame(SampleSpec(), date(2026, 1, 1), date(2026, 12, 31))
    assert len(later) == 365 * 3 and later["date"].dt.year.eq(2026).all()
    with pytest.raises(ValueError, match="2023-01-01"):
        sales_frame(SampleSpec(), date(2022, 12, 31), date(2023, 1, 31))


def test_a_monthly_holt_winters_recovers_the_planted_2026(sales):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    months = sales.set_index("date")["revenue"].resample("MS").sum()
    fitted = ExponentialSmoothing(months, trend="add", seasonal="mul", seasonal_periods=12).fit()
    ahead = fitted.forecast(12)
    planted = sales_frame(SampleSpec(), date(2026, 1, 1), date(2026, 12, 31)).set_index("date")["revenue"]
    planted = planted.resample("MS").sum()
    assert ahead.idxmax() == pd.Timestamp(2026, 11, 1) == planted.idxmax()
    assert ahead.idxmin() == pd.Timestamp(2026, 2, 1)
    assert (np.abs(ahead.to_numpy() - planted.to_numpy()) / planted.to_numpy()).mean() < 0.05
