"""Campaign results (crm_core.measure.results): every statistic hand-computed on tiny inputs, the planted quotas of
tests/data/measure_results/outcomes_en.csv, and the planted truth of the sample's campaign outcomes."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from crm_core.measure.outcomes import OUTCOMES, OutcomeColumns, outcome_table, propose_outcome_columns
from crm_core.measure.results import (
    LIFT_COLUMNS,
    UNKNOWN_SEGMENT,
    ResultsChoice,
    churn_outcome,
    compare_agents,
    control_lift,
    lift_sentence,
    model_list_check,
    prob_beats,
    response_outcome,
    results_summary,
    success_rates,
    two_proportions,
    wilson,
    with_segments,
)
from crm_core.pipeline import read
from crm_core.schema import DataError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "measure_results"
Z95 = 1.959963984540054


def table_of(path: Path):
    frame = read(path.read_bytes(), path.name).frame
    return outcome_table(frame, OutcomeColumns.from_proposal(propose_outcome_columns(frame.columns))).table


@pytest.fixture(scope="module")
def fixture_table():
    return table_of(DATA / "outcomes_en.csv")


def _rows(spec: dict[str, tuple[int, int]], column: str = "agent") -> pd.DataFrame:
    """Contacts of the target group: {value: (successes, contacts)}."""
    rows = []
    for value, (wins, n) in spec.items():
        rows += [{column: value, "success": i < wins, "outcome": "success" if i < wins else "refused",
                  "revenue": 10.0 if i < wins else 0.0, "group": "target", "customer_id": f"{value}{i}"}
                 for i in range(n)]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- statistics
def test_wilson_interval_by_hand_and_the_textbook_zero_case():
    n, p = 100, 0.21
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n**2)) / (1 + Z95**2 / n)
    low, high = wilson([21, 0], [100, 10])
    assert low[0] == pytest.approx(centre - half) and high[0] == pytest.approx(centre + half)
    assert (round(low[0], 4), round(high[0], 4)) == (0.1417, 0.2998)
    assert low[1] == pytest.approx(0, abs=1e-12) and round(high[1], 4) == 0.2775  # 0 of 10: (0, 27.75%)
    low, high = wilson([0], [0])
    assert math.isnan(low[0]) and math.isnan(high[0])


def test_a_known_two_proportion_lift_with_its_interval_and_p():
    # 210/1000 vs 90/1000: diff 0.12; se = sqrt(.21*.79/1000 + .09*.91/1000) = 0.015742 -> 0.0891 .. 0.1509;
    # pooled 0.15: se0 = sqrt(.15*.85*(2/1000)) = 0.015969, z = 7.5147, p = 5.7e-14.
    diff, low, high, p_value = two_proportions(210, 1000, 90, 1000)
    assert diff == pytest.approx(0.12)
    assert (round(low, 4), round(high, 4)) == (0.0891, 0.1509)
    assert p_value == pytest.approx(math.erfc(7.514691 / math.sqrt(2)), rel=1e-4)
    # 25/100 vs 18/100: pooled .215, se0 = 0.058099, z = 1.2048, p = 0.2283 (not significant)
    diff, low, high, p_value = two_proportions(25, 100, 18, 100)
    assert round(p_value, 4) == 0.2283 and low < 0 < high
    from statsmodels.stats.proportion import proportions_ztest  # the reference implementation

    assert p_value == pytest.approx(proportions_ztest([25, 18], [100, 100])[1])
    assert two_proportions(5, 5, 3, 3)[3] == 1.0 and math.isnan(two_proportions(0, 0, 1, 2)[0])  # no spread; empty


def test_the_probability_one_rate_beats_another_matches_the_integral():
    from scipy import integrate, stats

    # P(A > D) for Beta(9, 13) vs Beta(4, 23): 0.98300 by numerical integration
    exact = integrate.quad(lambda x: stats.beta.pdf(x, 9, 13) * stats.beta.cdf(x, 4, 23), 0, 1)[0]
    assert round(exact, 4) == 0.9830
    assert prob_beats(8, 20, 3, 25) == pytest.approx(exact, abs=0.005)
    assert prob_beats(8, 20, 3, 25) == prob_beats(8, 20, 3, 25)  # seeded


# -------------------------------------------------------------------------------------------- success rates
def test_success_rates_count_every_outcome_and_leave_out_blank_values(fixture_table):
    rates = success_rates(fixture_table, "channel")
    assert rates[["channel", "contacts", "successes"]].values.tolist() == [
        ["Phone", 200, 51], ["WeChat", 100, 20], ["SMS", 100, 13]]
    assert rates["rate"].tolist() == [0.255, 0.20, 0.13]
    assert (rates[list(OUTCOMES)].sum(axis=1) == rates["contacts"]).all()
    assert (rates["success"] == rates["successes"]).all() and (rates["no_purchase"] == 0).all()
    low, high = wilson([51], [200])
    assert rates.loc[0, "low"] == pytest.approx(low[0]) and rates.loc[0, "high"] == pytest.approx(high[0])
    phone = fixture_table[(fixture_table["channel"] == "Phone")]
    assert rates.loc[0, "revenue"] == pytest.approx(phone["revenue"].sum())
    assert rates.loc[0, "revenue_per_contact"] == pytest.approx(phone["revenue"].sum() / 200)
    agents = success_rates(fixture_table, "agent")  # only Phone rows have an agent
    assert agents["agent"].tolist() == ["Wang Fang", "Li Qiang", "Zhang Wei", "Liu Yang", "Chen Jing"]
    assert agents["contacts"].tolist() == [40] * 5 and agents["successes"].tolist() == [13, 11, 10, 9, 8]
    offers = success_rates(fixture_table, "variant")
    assert offers[["variant", "successes", "contacts"]].values.tolist() == [["¥5 off ¥20", 50, 200],
                                                                             ["¥8 off ¥30", 34, 200]]
    control = success_rates(fixture_table, "campaign", group="control")
    assert control[["contacts", "successes"]].values.tolist() == [[100, 9]]
    with pytest.raises(DataError):
        success_rates(fixture_table, "city")


def test_segments_are_joined_by_customer_and_the_unknown_kept():
    table = pd.DataFrame({"customer_id": ["a", "b", "c"], "success": [True, False, True]})
    got = with_segments(table, pd.Series({"a": "Champions", "b": "Lost"}))
    assert got["segment"].tolist() == ["Champions", "Lost", UNKNOWN_SEGMENT] and "segment" not in table.columns


# --------------------------------------------------------------------------------------------------- agents
def test_agents_are_compared_fairly_best_against_worst():
    # C has only 10 contacts: left out at min_contacts 20 though its 20% is not the worst.
    table = _rows({"A": (8, 20), "B": (5, 20), "C": (2, 10), "D": (3, 25)})
    got = compare_agents(table, min_contacts=20)
    assert got.best == "A" and got.worst == "D" and got.left_out == ("C",)
    assert got.table["agent"].tolist() == ["A", "B", "D"]
    # 0.40 - 0.12 = 0.28; se = sqrt(.4*.6/20 + .12*.88/25) = 0.127373 -> 0.0304 .. 0.5296
    # pooled 11/45: se0 = sqrt(.24444*.75556*(1/20 + 1/25)) = 0.128927, z = 2.1718, p = 0.0299
    assert got.diff == pytest.approx(0.28)
    assert (round(got.low, 4), round(got.high, 4)) == (0.0304, 0.5296)
    assert round(got.p_value, 4) == 0.0299
    assert got.prob_best_beats_worst == pytest.approx(0.9830, abs=0.005)
    sure = f"{got.prob_best_beats_worst:.0%}"
    assert got.sentence("en") == (f"Best agent A 40.0% vs worst D 12.0%: +28.0 points (95% CI +3.0 to +53.0, "
                                  f"p = 0.030); {sure} probability A truly converts better (agents with at least "
                                  "20 contacts).")
    assert got.sentence("zh") == (f"最佳坐席A成功率 40.0%，最差坐席D为 12.0%：高 28.0 个百分点（95% 置信区间 +3.0 至 "
                                  f"+53.0，p = 0.030）；A确实更好的概率为 {sure}（只比较触达不少于 20 次的坐席）。")
    assert compare_agents(table, min_contacts=21) is None  # only D qualifies


# ----------------------------------------------------------------------------------------------------- lift
def test_control_lift_of_the_fixture(fixture_table):
    lift = control_lift(fixture_table)
    assert list(lift.columns) == list(LIFT_COLUMNS) and len(lift) == 1
    row = lift.iloc[0]
    assert row["name"] == "CMP-20260105-TEST"
    assert (row["target_n"], row["target_successes"], row["control_n"], row["control_successes"]) == (400, 84, 100, 9)
    assert row["lift"] == pytest.approx(0.12) and row["relative_lift"] == pytest.approx(0.12 / 0.09)
    diff, low, high, p_value = two_proportions(84, 400, 9, 100)
    assert (row["low"], row["high"], row["p_value"]) == pytest.approx((low, high, p_value))
    assert row["incremental_successes"] == pytest.approx(48)  # 0.12 x 400
    target = fixture_table[fixture_table["group"] == "target"]["revenue"]
    control = fixture_table[fixture_table["group"] == "control"]["revenue"]
    assert row["incremental_revenue"] == pytest.approx((target.mean() - control.mean()) * 400)
    by_offer = control_lift(fixture_table, by="variant")
    assert by_offer["name"].tolist() == ["¥5 off ¥20", "¥8 off ¥30"]
    assert by_offer["lift"].tolist() == pytest.approx([0.25 - 0.09, 0.17 - 0.09])
    assert set(by_offer["control_n"]) == {100}


def test_no_control_group_is_said_in_both_languages():
    frame = read((DATA / "no_control.csv").read_bytes(), "no_control.csv").frame
    table = outcome_table(frame, OutcomeColumns(outcome="outcome", customer="customer_id")).table
    with pytest.raises(DataError) as caught:
        control_lift(table)
    assert caught.value.code == "cr_no_control"
    assert caught.value.text("en").startswith("There is no control group in these results")
    assert caught.value.text("zh").startswith("结果中没有对照组")


def test_the_lift_sentence_in_both_languages():
    row = {"name": "CMP-1", "target_rate": 0.21, "control_rate": 0.09, "lift": 0.12, "low": 0.089, "high": 0.151,
           "p_value": 0.0004, "incremental_successes": 120.4, "incremental_revenue": 12345.6, "confidence": 0.95}
    assert lift_sentence(row) == ("CMP-1: target 21.0% vs control 9.0%: +12.0 points (95% CI +8.9 to +15.1, "
                                  "p < 0.001), significant; about 120 extra successes and ¥12,346 extra revenue.")
    assert lift_sentence(row, "zh") == ("CMP-1：目标组成功率 21.0%，对照组为 9.0%：高 12.0 个百分点（95% 置信区间 "
                                        "+8.9 至 +15.1，p < 0.001），差异显著；约多带来 120 次成功、¥12,346 销售额。")
    flat = {**row, "name": "", "lift": -0.01, "low": -0.05, "high": 0.03, "p_value": 0.6,
            "incremental_successes": -4.0}
    assert lift_sentence(flat, currency="$") == ("target 21.0% vs control 9.0%: \u22121.0 points (95% CI \u22125.0 "
                                                 "to +3.0, p = 0.600), not significant; about 4 fewer successes.")
    assert "低 1.0 个百分点" in lift_sentence(flat, "zh") and "差异不显著" in lift_sentence(flat, "zh")


# ---------------------------------------------------------------------------------------------- model lists
def test_model_list_check_by_hand():
    actual = pd.Series({"a": True, "b": False, "c": True, "d": True, "e": False, "f": False, "g": False,
                        "h": False})
    got = model_list_check(["a", "b", "c", "x", "a"], actual, kind="churn")
    # 3 listed and known (x unknown, a twice), 2 hits: hit rate 2/3; 3 churned of 8: base 3/8; recall 2/3
    assert got == {"kind": "churn", "listed": 3, "unknown": 1, "hits": 2, "hit_rate": pytest.approx(2 / 3),
                   "positives": 3, "scored": 8, "recall": pytest.approx(2 / 3), "base_rate": 3 / 8,
                   "lift": pytest.approx(16 / 9)}
    empty = model_list_check([], actual, kind="response")
    assert empty["listed"] == 0 and math.isnan(empty["hit_rate"]) and empty["recall"] == 0
    with pytest.raises(DataError) as caught:
        model_list_check(["a"], actual, kind="clv")
    assert caught.value.code == "cr_bad_kind"


def test_churn_and_response_outcomes_at_the_window_edges():
    lines = pd.DataFrame({
        "customer_id": ["c1", "c2", "c3", "c4", "c6"],
        "order_date": pd.to_datetime(["2026-01-01 00:00", "2026-01-31 00:00", "2026-01-30 23:59",
                                      "2026-01-10 12:00", "2025-12-31 23:59"]),
        "is_return": [False, False, False, True, False]})
    customers = ["c1", "c2", "c3", "c4", "c5", "c6"]
    churned = churn_outcome(lines, customers, start=date(2026, 1, 1), days=30)  # [Jan 1, Jan 31)
    assert churned.to_dict() == {"c1": False, "c2": True, "c3": False, "c4": True, "c5": True, "c6": True}
    assert churned.index.name == "customer_id"
    bought = response_outcome(lines, customers, start=date(2026, 1, 1), days=31)  # now Jan 31 counts
    assert bought.to_dict() == {"c1": True, "c2": True, "c3": True, "c4": False, "c5": False, "c6": False}
    with pytest.raises(DataError) as caught:
        churn_outcome(lines, customers, start=date(2026, 1, 1), days=0)
    assert caught.value.code == "cr_bad_window" and "1 to 3,650 days, not 0" in str(caught.value)


def test_the_choice_checks_its_options():
    assert ResultsChoice.from_dict(ResultsChoice(window_days=60).to_dict()) == ResultsChoice(window_days=60)
    for bad in ({"window_days": 0}, {"confidence": 1.0}, {"model_kind": "clv"}, {"min_contacts": 0}):
        with pytest.raises(DataError):
            ResultsChoice(**bad)


# -------------------------------------------------------------------------------------------------- summary
def test_the_summary_in_both_languages(fixture_table):
    en, zh = results_summary(fixture_table, "en"), results_summary(fixture_table, "zh")
    assert len(en) == len(zh) == 5
    assert en[0] == ("400 customers contacted in the target group, 84 successes (21.0%), revenue "
                     f"¥{fixture_table.loc[fixture_table['group'] == 'target', 'revenue'].sum():,.0f}; 100 customers "
                     "held out as control.")
    assert en[1].startswith("CMP-20260105-TEST: target 21.0% vs control 9.0%: +12.0 points")
    assert en[2].startswith("Best offer: ¥5 off ¥20 at 25.0%") and en[2].endswith("then ¥8 off ¥30 17.0%.")
    assert en[3].startswith("Best channel: Phone at 25.5%") and "WeChat 20.0%, SMS 13.0%" in en[3]
    assert en[4].startswith("Best agent Wang Fang 32.5% vs worst Chen Jing 20.0%")
    assert zh[0].startswith("目标组共触达 400 位客户，成功 84 次（21.0%）") and zh[4].startswith("最佳坐席Wang Fang")


# ----------------------------------------------------------------------------------- the sample's planted truth
SAMPLE = {lang: ROOT / "sample_data" / f"campaign_outcomes_{lang}.csv" for lang in ("en", "zh")}


@pytest.mark.skipif(not SAMPLE["zh"].exists(), reason="sample_data/campaign_outcomes_zh.csv not written yet (SAMPLE)")
def test_the_sample_outcomes_show_the_planted_truth():
    from crm_core.sample.outcomes import PLANTED

    table = table_of(SAMPLE["zh"])
    lift = control_lift(table).iloc[0]
    assert lift["target_rate"] > lift["control_rate"] and lift["p_value"] < 0.05 and lift["low"] > 0
    assert abs(lift["control_rate"] - PLANTED["control_rate"]) < 0.01
    planted_agents = sorted(PLANTED["agent_rates"], key=PLANTED["agent_rates"].get, reverse=True)
    assert success_rates(table, "agent")["agent"].tolist() == planted_agents  # 王芳 > 李强 > 张伟 > 刘洋 > 陈静
    offers = success_rates(table, "variant")
    assert offers["variant"].tolist() == ["满20减5", "满30减8"]
    for name, rate in zip(offers["variant"], offers["rate"], strict=True):
        assert abs(rate - PLANTED["offer_rates"][name]) < 0.01
    assert success_rates(table, "channel")["channel"].tolist() == ["电话", "微信", "短信"]
    agents = compare_agents(table)
    assert (agents.best, agents.worst) == ("王芳", "陈静") and agents.prob_best_beats_worst > 0.8


@pytest.mark.skipif(not SAMPLE["en"].exists(), reason="sample_data/campaign_outcomes_en.csv not written yet (SAMPLE)")
def test_the_english_sample_outcomes_read_like_the_chinese():
    en, zh = table_of(SAMPLE["en"]), table_of(SAMPLE["zh"])
    assert en["success"].tolist() == zh["success"].tolist() and en["group"].tolist() == zh["group"].tolist()
    assert success_rates(en, "agent")["agent"].iloc[0] == "Wang Fang"
