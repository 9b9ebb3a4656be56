"""A/B/n tests (crm_core.measure.abtest): every statistic against a hand computation from its formula and against
statsmodels/scipy; the sample size and power against R's published figures; the verdict in both languages; each
bad input's message (fixtures in tests/data/measure_abtest/); the sample's campaign outcomes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.measure.abtest import (
    AbChoice,
    Variant,
    ab_test,
    achieved_power,
    needed_per_variant,
    prob_best,
    propose_ab_columns,
    sample_size,
    variants_from_counts,
    variants_from_table,
)
from crm_core.schema import DataError
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "measure_abtest"
SAMPLE_EN = ROOT / "sample_data" / "campaign_outcomes_en.csv"
SAMPLE_ZH = ROOT / "sample_data" / "campaign_outcomes_zh.csv"


def phi(x: float) -> float:
    """Standard normal CDF from math.erf (independent of scipy)."""
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def raw(name: str) -> pd.DataFrame:
    path = DATA / name
    return pipeline.read(path.read_bytes(), path.name).frame


def two() -> tuple[Variant, ...]:
    return variants_from_counts([("A", 1000, 200), ("B", 1000, 250)])


# --- the z-test ------------------------------------------------------------------------------------------------------
def test_z_test_200_of_1000_vs_250_of_1000_by_hand_and_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    pooled = 450 / 2000
    se = math.sqrt(pooled * (1 - pooled) * (1 / 1000 + 1 / 1000))
    z = (0.25 - 0.20) / se  # 0.05 / 0.018675 = 2.6774
    p = 2 * (1 - phi(z))
    assert z == pytest.approx(2.6774, abs=1e-4)
    assert p == pytest.approx(0.00742, abs=1e-5)
    assert proportions_ztest([250, 200], [1000, 1000])[1] == pytest.approx(p, rel=1e-9)
    row = ab_test(two()).table.iloc[1]
    assert row["p_value"] == pytest.approx(p, rel=1e-9)
    assert bool(row["significant"]) is True
    assert row["diff"] == pytest.approx(0.05)
    assert row["lift"] == pytest.approx(0.25)


def test_chi2_test_is_yates_corrected_pair_and_overall_is_uncorrected():
    result = ab_test(two(), AbChoice(test="chi2"))
    # Yates: sum (|O - E| - 0.5)^2 / E over the 2 x 2 table; E = 225 / 775 per arm.
    chi2 = sum((abs(o - e) - 0.5) ** 2 / e for o, e in ((250, 225), (200, 225), (750, 775), (800, 775)))
    p = math.erfc(math.sqrt(chi2 / 2))  # 1 degree of freedom: P(chi2_1 > x) = erfc(sqrt(x / 2))
    assert result.table.iloc[1]["p_value"] == pytest.approx(p, rel=1e-9)
    # Uncorrected chi-square of two arms = z^2, so the overall p-value is the z-test's.
    assert result.overall_p_value == pytest.approx(0.0074196, rel=1e-4)


def test_chi_square_over_three_variants():
    from scipy.stats import chi2

    variants = variants_from_counts([("A", 1000, 200), ("B", 1000, 250), ("C", 1000, 205)])
    observed = np.array([[200, 800], [250, 750], [205, 795]])
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
    statistic = ((observed - expected) ** 2 / expected).sum()
    assert statistic == pytest.approx(8.8869, abs=1e-4)  # 655 / 3000 converted: 6.9466 + 1.9403
    result = ab_test(variants)
    assert result.overall_p_value == pytest.approx(float(chi2.sf(statistic, 2)), rel=1e-9)
    assert result.overall_p_value == pytest.approx(0.01176, abs=1e-4)


# --- intervals -------------------------------------------------------------------------------------------------------
def test_wilson_interval_of_8_of_10():
    table = ab_test(variants_from_counts([("A", 10, 8), ("B", 10, 5)])).table
    assert table.iloc[0]["rate_low"] == pytest.approx(0.4902, abs=1e-4)
    assert table.iloc[0]["rate_high"] == pytest.approx(0.9433, abs=1e-4)
    # by hand: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z, n, p = 1.959964, 10, 0.8
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert table.iloc[0]["rate_low"] == pytest.approx((centre - half) / (1 + z * z / n), abs=1e-6)


def test_newcombe_difference_interval_from_the_two_wilson_intervals():
    table = ab_test(two()).table
    l0, u0, l1, u1 = table.loc[0, "rate_low"], table.loc[0, "rate_high"], table.loc[1, "rate_low"], table.loc[1,
                                                                                                          "rate_high"]
    d = 0.05  # Newcombe (1998) method 10: d ± sqrt of the two arms' distances to their Wilson limits
    low = d - math.sqrt((0.25 - l1) ** 2 + (u0 - 0.20) ** 2)
    high = d + math.sqrt((u1 - 0.25) ** 2 + (0.20 - l0) ** 2)
    assert table.loc[1, "diff_low"] == pytest.approx(low, abs=1e-9)
    assert table.loc[1, "diff_high"] == pytest.approx(high, abs=1e-9)
    assert table.loc[1, "diff_low"] == pytest.approx(0.0134, abs=1e-4)
    assert table.loc[1, "diff_high"] == pytest.approx(0.0865, abs=1e-4)
    assert math.isnan(table.loc[0, "diff"])


def test_lift_interval_katz_log_by_hand_and_statsmodels():
    from statsmodels.stats.proportion import confint_proportions_2indep

    row = ab_test(two()).table.iloc[1]
    se = math.sqrt(1 / 250 - 1 / 1000 + 1 / 200 - 1 / 1000)
    assert row["lift_low"] == pytest.approx(1.25 * math.exp(-1.959964 * se) - 1, abs=1e-6)
    assert row["lift_high"] == pytest.approx(1.25 * math.exp(1.959964 * se) - 1, abs=1e-6)
    low, high = confint_proportions_2indep(250, 1000, 200, 1000, compare="ratio", method="log")
    assert (row["lift_low"], row["lift_high"]) == pytest.approx((low - 1, high - 1), abs=1e-9)
    # no conversion at all in the baseline: no lift
    zero = ab_test(variants_from_counts([("A", 100, 0), ("B", 100, 5)])).table.iloc[1]
    assert math.isnan(zero["lift"]) and math.isnan(zero["lift_low"])


def test_confidence_level_widens_the_intervals():
    narrow = ab_test(two(), AbChoice(confidence=0.9)).table.iloc[1]
    wide = ab_test(two(), AbChoice(confidence=0.99)).table.iloc[1]
    assert wide["diff_low"] < narrow["diff_low"] < 0.05 < narrow["diff_high"] < wide["diff_high"]


# --- probability best ------------------------------------------------------------------------------------------------
def test_prob_best_obvious_and_symmetric():
    obvious = prob_best(variants_from_counts([("A", 1000, 100), ("B", 1000, 300)]))
    assert obvious[1] > 0.999 and obvious.sum() == pytest.approx(1)
    even = prob_best(variants_from_counts([("A", 500, 100), ("B", 500, 100)]), draws=40000)
    assert even[0] == pytest.approx(0.5, abs=0.01)
    # seeded: the same answer twice; another seed moves it a little
    assert np.array_equal(prob_best(two(), seed=3), prob_best(two(), seed=3))


def test_prob_best_matches_the_closed_form_for_two_arms():
    # P(B > A) for Beta posteriors: the normal approximation of the difference is close at these counts.
    a, b = (1 + 200, 1 + 800), (1 + 250, 1 + 750)
    mean = b[0] / sum(b) - a[0] / sum(a)
    var = sum(x * y / ((x + y) ** 2 * (x + y + 1)) for x, y in (a, b))
    assert prob_best(two(), draws=100000)[1] == pytest.approx(phi(mean / math.sqrt(var)), abs=0.003)


# --- power and sample size -------------------------------------------------------------------------------------------
def test_sample_size_matches_r_power_prop_test():
    # R documentation of power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90)  => n = 76.7
    assert sample_size(0.5, 0.25, power=0.9) == 77
    # the formula by hand at 20% -> 25%, 80% power: 1093.7 -> 1094
    mean = 0.225
    top = 1.959964 * math.sqrt(2 * mean * (1 - mean)) + 0.841621 * math.sqrt(0.2 * 0.8 + 0.25 * 0.75)
    assert top**2 / 0.05**2 == pytest.approx(1093.7, abs=0.1)
    assert sample_size(0.2, 0.05) == 1094
    assert sample_size(0.2, -0.05) == sample_size(0.15, 0.05)


def test_achieved_power_matches_r_power_prop_test():
    # R documentation: power.prop.test(n = 50, p1 = .50, p2 = .75)  => power = 0.740
    assert achieved_power(0.5, 0.25, 50) == pytest.approx(0.740, abs=5e-4)
    assert achieved_power(0.2, 0.05, sample_size(0.2, 0.05)) == pytest.approx(0.8, abs=0.002)


@pytest.mark.parametrize(("base", "effect"), [(0.0, 0.05), (0.9, 0.2), (0.2, 0.0)])
def test_planning_refuses_impossible_rates(base, effect):
    with pytest.raises(DataError) as err:
        sample_size(base, effect)
    assert err.value.code == "ab_bad_planning"
    assert "100%" in err.value.text("en") and "100%" in err.value.text("zh")


def test_planning_refuses_bad_levels():
    with pytest.raises(DataError) as err:
        sample_size(0.2, 0.05, power=1.2)
    assert err.value.code == "ab_bad_planning_level" and "1.2" in err.value.text("zh")
    with pytest.raises(DataError) as err:
        achieved_power(0.2, 0.05, 0)
    assert err.value.code == "ab_bad_planning_n"


def test_edge_counts_nobody_or_everybody_converts():
    nobody = ab_test(variants_from_counts([("A", 100, 0), ("B", 100, 0)]))
    assert nobody.table.iloc[1]["p_value"] == 1.0 and nobody.overall_p_value == 1.0 and nobody.too_small
    assert nobody.table.iloc[0]["prob_best"] == pytest.approx(0.5, abs=0.02)
    one_each = ab_test(variants_from_counts([("A", 1, 1), ("B", 1, 0)]))
    assert one_each.table.iloc[1]["power"] == 0.0 and one_each.too_small  # 1 customer each cannot decide
    with pytest.raises(DataError) as err:
        variants_from_counts(pd.DataFrame({"variant": ["A", "B"], "visitors": [100, None], "conversions": [1, 2]}))
    assert "\u201c(blank)\u201d" in err.value.text("en") and "（空白）" in err.value.text("zh")


def test_too_small_when_not_significant_and_underpowered():
    small = ab_test(variants_from_counts([("A", 100, 20), ("B", 100, 25)]))
    assert small.too_small and not small.table.iloc[1]["significant"]
    assert small.table.iloc[1]["power"] == pytest.approx(achieved_power(0.2, 0.05, 100), abs=1e-9)
    assert needed_per_variant(small) == sample_size(0.2, 0.05) == 1094
    assert "1,094" in small.sentences("en")[-1] and "1,094" in small.sentences("zh")[-1]
    assert not ab_test(two()).too_small  # significant: it decided
    big = ab_test(variants_from_counts([("A", 20000, 4000), ("B", 20000, 4010)]))
    assert not big.table.iloc[1]["significant"] and big.too_small  # tiny difference: underpowered for it


# --- verdict ---------------------------------------------------------------------------------------------------------
def test_verdict_in_both_languages():
    variants = variants_from_counts([("满30减8", 1000, 180), ("满20减5", 1000, 250)])
    result = ab_test(variants)
    row = result.table.iloc[1]
    low, high = f"{row['diff_low'] * 100:+.1f}", f"{row['diff_high'] * 100:+.1f}"
    assert result.verdict("en") == (f"满20减5 converts 25.0% vs 18.0% for 满30减8: +7.0 points (95% CI {low} to "
                                    f"{high}), significant (p < 0.001).")
    assert result.verdict("zh") == (f"满20减5 转化率 25.0%，满30减8 为 18.0%：高 7.0 个百分点（95% 置信区间 {low} 至 "
                                    f"{high}），差异显著（p < 0.001）。")
    lower = ab_test(variants_from_counts([("A", 1000, 200), ("B", 1000, 190)]))
    assert "-1.0 points" in lower.verdict("en") and "not significant (p = 0.572)" in lower.verdict("en")
    assert "低 1.0 个百分点" in lower.verdict("zh") and "差异不显著（p = 0.572）" in lower.verdict("zh")
    assert lower.sentences("en")[1].startswith("Probability of being best: A ")


def test_baseline_choice_reorders_and_compares_with_it():
    result = ab_test(two(), AbChoice(baseline="B"))
    assert list(result.table["variant"]) == ["B", "A"] and result.baseline == "B"
    assert result.table.iloc[1]["diff"] == pytest.approx(-0.05)
    with pytest.raises(DataError) as err:
        ab_test(two(), AbChoice(baseline="C"))
    assert err.value.code == "ab_unknown_baseline" and "A, B" in err.value.text("en") and "A、B" in err.value.text(
        "zh")


def test_revenue_per_visitor_from_a_table():
    variants = variants_from_table(raw("three_variants.csv"), variant="variant", visitors="visitors",
                                   conversions="conversions", revenue="revenue")
    table = ab_test(variants).table
    assert list(table["revenue"]) == [12000.0, 14500.5, 12100.0]
    assert table.iloc[1]["revenue_per_visitor"] == pytest.approx(14.5005)


def test_choice_is_checked_and_saved():
    assert AbChoice.from_dict(AbChoice(confidence=0.9, test="chi2", baseline="B").to_dict()) == AbChoice(
        confidence=0.9, test="chi2", baseline="B")
    with pytest.raises(DataError) as err:
        AbChoice(confidence=1.5)
    assert err.value.code == "ab_bad_confidence" and "1.5" in err.value.text("zh")
    with pytest.raises(DataError) as err:
        AbChoice(test="t")
    assert err.value.code == "ab_bad_test" and "z, chi2" in err.value.text("en")


@pytest.mark.parametrize(("name", "option"), [("analysis_bad_confidence.json", "abtest.confidence"),
                                              ("analysis_bad_test.json", "abtest.test")])
def test_saved_analysis_with_a_bad_abtest_choice(name, option):
    with pytest.raises(DataError) as err:
        AnalysisSettings.from_json((DATA / name).read_bytes())
    assert option in err.value.text("en") and option in err.value.text("zh")


# --- tables ----------------------------------------------------------------------------------------------------------
def test_propose_columns_in_english_and_chinese():
    en = propose_ab_columns(["customer_id", "list_id", "campaign", "group", "offer", "channel", "agent", "outcome",
                             "revenue", "sent_date"])
    assert en == {"variant": "offer", "outcome": "outcome", "visitors": None, "conversions": None,
                  "revenue": "revenue", "group": "group"}
    zh = propose_ab_columns(["客户编号", "清单编号", "活动名称", "组别", "优惠方案", "渠道", "坐席", "结果", "成交金额",
                             "发送日期"])
    assert zh == {"variant": "优惠方案", "outcome": "结果", "visitors": None, "conversions": None,
                  "revenue": "成交金额", "group": "组别"}
    assert propose_ab_columns(["版本", "发送人数", "成交人数"])["conversions"] == "成交人数"
    assert propose_ab_columns(["Date", "Version", "Users", "Orders"]) == {
        "variant": "Version", "outcome": None, "visitors": "Users", "conversions": "Orders", "revenue": None,
        "group": None}


def test_aggregated_rows_are_added_up_per_variant():
    variants = variants_from_table(raw("daily_rows.csv"), variant="Version", visitors="Users", conversions="Orders")
    assert variants == (Variant("A", 1000, 200), Variant("B", 1000, 250))


def test_per_row_results_with_outcome_words():
    frame = pd.DataFrame({"variant": ["A", "A", "B", "B", "B"],
                          "outcome": ["success", "refused", "成功", "no answer", "converted"],
                          "revenue": ["88", "", "¥1,000", "", "12.5"]})
    variants = variants_from_table(frame, variant="variant", outcome="outcome", revenue="revenue")
    assert variants == (Variant("A", 2, 1, 88.0), Variant("B", 3, 2, 1012.5))


def test_formula_like_names_stay_text():
    variants = variants_from_table(raw("formula_name.csv"), variant="variant", visitors="visitors",
                                   conversions="conversions")
    assert variants[2].name == '=HYPERLINK("http://x")'


# --- bad inputs: each fixture's message ------------------------------------------------------------------------------
COUNT_FIXTURES = [
    ("too_few_variants.csv", "ab_too_few_variants", "A"),
    ("duplicate_variant_counts.csv", "ab_duplicate_variant", "A"),
    ("negative_count.csv", "ab_negative_count", "-1000"),
    ("more_conversions.csv", "ab_more_conversions", "1,000"),
    ("no_visitors.csv", "ab_no_visitors", "B"),
    ("blank_name.csv", "ab_blank_name", "2"),
    ("bad_count.csv", "ab_bad_count_variant", "25.5"),
]


@pytest.mark.parametrize(("name", "code", "named"), COUNT_FIXTURES)
def test_bad_counts_say_what_and_where(name, code, named):
    with pytest.raises(DataError) as err:
        variants_from_counts(raw(name))
    assert err.value.code == code
    for lang in ("en", "zh"):
        assert named in err.value.text(lang)
    assert err.value.text("en") != err.value.text("zh")


TABLE_FIXTURES = [
    ("bad_count_table.csv", dict(variant="variant", visitors="visitors", conversions="conversions"),
     "ab_bad_count", ("lots", "3")),
    ("negative_value_table.csv", dict(variant="variant", visitors="visitors", conversions="conversions"),
     "ab_negative_value", ("-5", "3")),
    ("bad_revenue.csv", dict(variant="variant", outcome="outcome", revenue="revenue"), "ab_bad_revenue",
     ("free", "4")),
    ("no_outcome.csv", dict(variant="arm"), "ab_no_outcome", ("result_code",)),
    ("no_outcome.csv", dict(variant="arm", outcome="outcome"), "ab_missing_column", ("outcome", "result_code")),
]


@pytest.mark.parametrize(("name", "columns", "code", "named"), TABLE_FIXTURES)
def test_bad_tables_say_what_and_where(name, columns, code, named):
    with pytest.raises(DataError) as err:
        variants_from_table(raw(name), **columns)
    assert err.value.code == code
    for lang in ("en", "zh"):
        for text in named:
            assert text in err.value.text(lang)


def test_blank_variant_rows_are_named_with_a_hint_about_the_group_column():
    with pytest.raises(DataError) as err:
        variants_from_table(raw("blank_variant.csv"), variant="variant", outcome="outcome")
    assert err.value.code == "ab_blank_variant"
    assert "rows 3" in err.value.text("en") and "group column" in err.value.text("en")
    assert "第 3 行" in err.value.text("zh") and "组别列" in err.value.text("zh")


def test_only_control_rows():
    with pytest.raises(DataError) as err:
        variants_from_table(raw("no_target_rows.csv"), variant="offer", outcome="outcome", group="group")
    assert err.value.code == "ab_no_target_rows" and "group" in err.value.text("zh")


def test_empty_table():
    with pytest.raises(DataError) as err:
        variants_from_table(pd.DataFrame({"variant": pd.Series(dtype="string")}), variant="variant", outcome="x")
    assert err.value.code == "ab_empty_table"


# --- the sample's campaign outcomes ----------------------------------------------------------------------------------
@pytest.mark.skipif(not SAMPLE_EN.exists(), reason="sample_data/campaign_outcomes_en.csv not generated yet "
                                                   "(python -m crm_core sample sample_data/)")
@pytest.mark.parametrize(("path", "lang", "winner", "loser"), [(SAMPLE_EN, "en", "¥5 off ¥20", "¥8 off ¥30"),
                                                               (SAMPLE_ZH, "zh", "满20减5", "满30减8")])
def test_sample_offer_20_5_beats_30_8_significantly(path, lang, winner, loser):
    frame = pipeline.read(path.read_bytes(), path.name).frame
    columns = propose_ab_columns(frame.columns)
    variants = variants_from_table(frame, variant=columns["variant"], outcome=columns["outcome"],
                                   revenue=columns["revenue"], group=columns["group"])
    assert {v.name for v in variants} == {winner, loser}
    targets = frame[frame[columns["group"]].isin(["target", "目标组"])]
    assert sum(v.visitors for v in variants) == len(targets)  # control rows left out
    result = ab_test(variants, AbChoice(baseline=loser))
    row = result.table.iloc[1]
    assert row["variant"] == winner and row["diff"] > 0.04 and bool(row["significant"])
    assert row["prob_best"] > 0.95
    assert result.verdict(lang).startswith(f"{winner} ")
