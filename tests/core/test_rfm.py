"""RFM scores, segments, summaries and texts, checked against values worked out by hand."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.schema import DataError
from crm_core.segment import rfm

# Ten customers. Quantile method, n = 10: score = ceil(rank / 10 * 5) = ceil(rank / 2), ties take their lowest rank.
#
#      recency  R: rank of -recency -> score    frequency  F: rank -> score        monetary  M: rank -> score
#   A      2      10 -> 5                           12      10 -> 5                    5400     10 -> 5
#   B      5       9 -> ceil(4.5) = 5                1      {1,2,3} min 1 -> 1           40      2 -> 1
#   C     10      {7,8} min 7 -> ceil(3.5) = 4       6       8 -> 4                    1200      8 -> 4
#   D     10      {7,8} min 7 -> 4                   4       7 -> ceil(3.5) = 4          800      7 -> 4
#   E     30       6 -> 3                            3       6 -> 3                     500      6 -> 3
#   F     45       5 -> ceil(2.5) = 3                2      {4,5} min 4 -> 2             300      5 -> 3
#   G     60       4 -> 2                            2      {4,5} min 4 -> 2             250      4 -> 2
#   H    200       2 -> 1                            9       9 -> 5                    3000      9 -> 5
#   I    180       3 -> 2                            1      {1,2,3} min 1 -> 1           60      3 -> 2
#   J    365       1 -> 1                            1      {1,2,3} min 1 -> 1          -20      1 -> 1
#
# F and G tie at ranks 4 and 5: both take rank 4, ceil(4 / 2) = 2 (a tie never lifts a score).
# FM = (F + M) / 2 rounded half up: F (2 + 3) / 2 = 2.5 -> 3, G (2 + 2) / 2 = 2, I (1 + 2) / 2 = 1.5 -> 2.
HAND = pd.DataFrame(
    {
        "customer_id": list("ABCDEFGHIJ"),
        "recency_days": [2, 5, 10, 10, 30, 45, 60, 200, 180, 365],
        "frequency": [12, 1, 6, 4, 3, 2, 2, 9, 1, 1],
        "orders_per_year": [12.0, 1.0, 6.0, 4.0, 3.0, 2.0, 2.0, 9.0, 1.0, 1.0],
        "monetary": [5400.0, 40.0, 1200.0, 800.0, 500.0, 300.0, 250.0, 3000.0, 60.0, -20.0],
        "city": ["Shanghai"] * 5 + ["Beijing"] * 5,
    },
    index=pd.Index([10, 11, 12, 13, 14, 15, 16, 17, 18, 19], name="row"),
)
HAND_R = [5, 5, 4, 4, 3, 3, 2, 1, 2, 1]
HAND_F = [5, 1, 4, 4, 3, 2, 2, 5, 1, 1]
HAND_M = [5, 1, 4, 4, 3, 3, 2, 5, 2, 1]
HAND_FM = [5, 1, 4, 4, 3, 3, 2, 5, 2, 1]
# Read off SCHEME_11 at (R, FM): e.g. H is R1 FM5 -> cant_lose, B is R5 FM1 -> new_customers.
HAND_SEGMENTS = ["champions", "new_customers", "loyal", "loyal", "need_attention", "need_attention",
                 "about_to_sleep", "cant_lose", "about_to_sleep", "lost"]

# The documented grids (rows R5..R1, columns FM1..FM5), written out independently of crm_core.segment.schemes.
GRID_11 = [
    ["new_customers", "potential_loyalist", "potential_loyalist", "champions", "champions"],
    ["promising", "potential_loyalist", "loyal", "loyal", "champions"],
    ["about_to_sleep", "need_attention", "need_attention", "loyal", "loyal"],
    ["hibernating", "about_to_sleep", "at_risk", "at_risk", "cant_lose"],
    ["lost", "hibernating", "at_risk", "cant_lose", "cant_lose"],
]
GRID_4 = [
    ["potential", "potential", "high_value", "high_value", "high_value"],
    ["general", "potential", "high_value", "high_value", "high_value"],
    ["general", "general", "potential", "high_value", "high_value"],
    ["lost_tier", "general", "general", "potential", "potential"],
    ["lost_tier", "lost_tier", "lost_tier", "general", "general"],
]
ALL_KEYS = [
    "champions", "loyal", "potential_loyalist", "new_customers", "promising", "need_attention", "about_to_sleep",
    "at_risk", "cant_lose", "hibernating", "lost", "high_value", "potential", "general", "lost_tier",
]


def test_quantile_scores_match_the_hand_computation() -> None:
    before = HAND.copy(deep=True)
    scored = rfm.score_rfm(HAND)
    pd.testing.assert_frame_equal(HAND, before)  # input untouched
    assert scored["r_score"].tolist() == HAND_R
    assert scored["f_score"].tolist() == HAND_F
    assert scored["m_score"].tolist() == HAND_M
    assert scored["fm_score"].tolist() == HAND_FM
    assert scored["rfm_code"].tolist() == ["555", "511", "444", "444", "333", "323", "222", "155", "212", "111"]
    assert scored["segment"].tolist() == HAND_SEGMENTS
    # Same rows, order and index; other columns pass through; scores are plain ints.
    assert scored.index.equals(HAND.index)
    pd.testing.assert_frame_equal(scored[list(HAND.columns)], HAND)
    assert list(scored.columns[-6:]) == list(rfm.SCORE_COLUMNS)
    assert {str(scored[c].dtype) for c in ("r_score", "f_score", "m_score", "fm_score")} == {"int64"}


def test_scheme_4_on_the_hand_example() -> None:
    scored = rfm.score_rfm(HAND, rfm.RfmParams(scheme=rfm.SCHEME_4))
    # (R, FM): A 5,5 B 5,1 C 4,4 D 4,4 E 3,3 F 3,3 G 2,3 H 1,5 I 2,2 J 1,1
    assert scored["segment"].tolist() == [
        "high_value", "potential", "high_value", "high_value", "potential", "potential", "general", "general",
        "general", "lost_tier",
    ]


def test_threshold_method_on_the_hand_example() -> None:
    cuts = rfm.Thresholds(recency=(7, 30, 90, 180), frequency=(2, 3, 5, 10), monetary=(100, 250, 500, 1000))
    scored = rfm.score_rfm(HAND, rfm.RfmParams(method="threshold", thresholds=cuts))
    # R: 2,5 <= 7 -> 5; 10,10,30 <= 30 -> 4; 45,60 -> 3; 180 (on the cut) -> 2; 200, 365 -> 1.
    assert scored["r_score"].tolist() == [5, 5, 4, 4, 4, 3, 3, 1, 2, 1]
    # F: 12 >= 10 -> 5; 9, 6 >= 5 -> 4; 4, 3 >= 3 -> 3; 2 >= 2 -> 2; 1 -> 1.
    assert scored["f_score"].tolist() == [5, 1, 4, 3, 3, 2, 2, 4, 1, 1]
    # M: 5400, 1200, 3000 >= 1000 -> 5; 800, 500 (on the cut) -> 4; 300, 250 (on the cut) -> 3; 60, 40, -20 -> 1.
    assert scored["m_score"].tolist() == [5, 1, 5, 4, 4, 3, 3, 5, 1, 1]
    assert scored["fm_score"].tolist() == [5, 1, 5, 4, 4, 3, 3, 5, 1, 1]  # C (4+5)/2 = 4.5 -> 5, D 3.5 -> 4


def test_thresholds_exactly_on_a_cut_get_the_better_score_per_year_basis() -> None:
    table = pd.DataFrame(
        {
            "recency_days": [0, 7, 8, 30, 31, 90, 180, 181],
            "frequency": [1] * 8,  # ignored: F is scored on orders_per_year
            "orders_per_year": [12.0, 11.99, 4.0, 3.99, 2.0, 1.0, 0.99, 0.5],
            "monetary": [500.0, 499.99, 300.0, 200.0, 100.0, 99.99, 0.0, -20.0],
        }
    )
    cuts = rfm.Thresholds(recency=(7, 30, 90, 180), frequency=(1, 2, 4, 12), monetary=(100, 200, 300, 500))
    params = rfm.RfmParams(method="threshold", thresholds=cuts, frequency_basis="per_year")
    scored = rfm.score_rfm(table, params)
    assert scored["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 1]
    assert scored["f_score"].tolist() == [5, 4, 4, 3, 3, 2, 1, 1]
    assert scored["m_score"].tolist() == [5, 4, 4, 3, 2, 1, 1, 1]


def test_per_year_basis_ranks_orders_per_year_not_the_order_count() -> None:
    # B has fewer orders but a shorter history, so more orders per year.
    table = pd.DataFrame({"recency_days": [1, 1], "frequency": [6, 3], "orders_per_year": [2.0, 6.0],
                          "monetary": [10.0, 10.0]})
    assert rfm.score_rfm(table)["f_score"].tolist() == [5, 3]  # ranks 2, 1 -> ceil(5), ceil(2.5)
    assert rfm.score_rfm(table, rfm.RfmParams(frequency_basis="per_year"))["f_score"].tolist() == [3, 5]


def test_ties_share_the_score_of_their_lowest_rank() -> None:
    # Six customers who all bought once for 50: all take rank 1, ceil(1 / 6 * 5) = 1 for everyone.
    table = pd.DataFrame({"recency_days": [3, 1, 4, 1, 5, 9], "frequency": [1] * 6, "monetary": [50.0] * 6})
    scored = rfm.score_rfm(table)
    assert scored["f_score"].tolist() == [1] * 6
    assert scored["m_score"].tolist() == [1] * 6
    # R: -recency ranks 9->1, 5->2, 4->3, 3->4, the two 1s take rank 5 -> ceil(5 / 6 * 5) = 5.
    assert scored["r_score"].tolist() == [4, 5, 3, 5, 2, 1]


def test_one_customer_scores_r5_f1_m1_and_no_customers_give_an_empty_table() -> None:
    # A single customer is the smallest case of "all identical": nothing to rank, so R5 F1 M1 -> new_customers.
    one = rfm.score_rfm(HAND.iloc[[7]])
    assert one[["r_score", "f_score", "m_score"]].iloc[0].tolist() == [5, 1, 1]
    assert one["segment"].tolist() == ["new_customers"]
    empty = rfm.score_rfm(HAND.iloc[:0])
    assert empty.empty and list(empty.columns) == [*HAND.columns, *rfm.SCORE_COLUMNS]
    assert str(empty["r_score"].dtype) == "int64"


def test_fifty_customers_who_all_bought_yesterday_score_r5_not_lost() -> None:
    # Before: ties took their lowest rank, 1 of 50 -> R = ceil(5 / 50) = 1 and every one of them was "Lost".
    table = pd.DataFrame({"customer_id": [f"c{i}" for i in range(50)], "recency_days": [1] * 50,
                          "frequency": [1] * 50, "monetary": [20.0] * 50})
    scored = rfm.score_rfm(table)
    assert set(scored["rfm_code"]) == {"511"}
    assert set(scored["segment"]) == {"new_customers"}
    assert set(rfm.score_rfm(table, rfm.RfmParams(scheme=rfm.SCHEME_4))["segment"]) == {"potential"}
    assert set(rfm.reasons(scored)) == {"Last order 1 day ago · 1 order · spent ¥20 (R5 F1 M1)"}


def test_recency_ties_take_the_highest_rank_frequency_ties_the_lowest() -> None:
    # n = 4. R ranks -recency: 30 -> rank 1 -> ceil(5 / 4) = 2; the three 1s share ranks 2..4 and take 4 -> 5
    # (with their lowest rank, 2, they would score ceil(10 / 4) = 3).
    # F: the three 1s share ranks 1..3 and take 1 -> ceil(5 / 4) = 2; 4 orders, rank 4 -> 5.
    table = pd.DataFrame({"recency_days": [1, 1, 30, 1], "frequency": [1, 1, 4, 1], "monetary": [5.0, 6.0, 7.0, 8.0]})
    scored = rfm.score_rfm(table)
    assert scored["r_score"].tolist() == [5, 5, 2, 5]
    assert scored["f_score"].tolist() == [2, 2, 5, 2]
    assert scored["m_score"].tolist() == [2, 3, 4, 5]  # ranks 1..4 -> ceil(5/4, 10/4, 15/4, 20/4)


def test_identical_customers_score_r5_f1_m1_whatever_their_number() -> None:
    # Without the one-distinct-value rule, two identical customers would score F = M = ceil(5 / 2) = 3.
    for n in (1, 2, 3, 4, 5, 7):
        table = pd.DataFrame({"recency_days": [400] * n, "frequency": [3] * n, "monetary": [99.0] * n})
        assert set(rfm.score_rfm(table)["rfm_code"]) == {"511"}, n


def test_relative_scores_note_for_degenerate_dimensions() -> None:
    same = pd.DataFrame({"recency_days": [9, 9, 9], "frequency": [1, 1, 1], "orders_per_year": [2.0, 3.0, 4.0],
                         "monetary": [10.0, 10.0, 10.0]})
    note = rfm.relative_scores_note(same)
    assert note.code == "note_relative_scores" and note.level == "info"
    assert note.text("en").startswith(
        "All 3 customers have the same last order day, number of orders and spend, so those scores cannot tell "
        "them apart."
    )
    assert "scores compare each customer with the others in this file" in note.text("en")
    assert note.text("zh").startswith("全部 3 位客户的最近购买日期、订单数、消费金额都相同")
    per_year = rfm.relative_scores_note(same, rfm.RfmParams(frequency_basis="per_year"))
    assert "the same last order day and spend," in per_year.text("en")  # orders per year differ
    assert rfm.relative_scores_note(HAND) is None
    assert rfm.relative_scores_note(HAND.iloc[:0]) is None
    cuts = rfm.Thresholds((1, 2, 3, 4), (1, 2, 3, 4), (1, 2, 3, 4))
    assert rfm.relative_scores_note(same, rfm.RfmParams(method="threshold", thresholds=cuts)) is None


@st.composite
def shuffled_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[int]]:
    # Few distinct values, so ties are the rule rather than the exception.
    n = draw(st.integers(min_value=1, max_value=40))
    rows = st.tuples(st.integers(0, 20), st.integers(1, 4), st.sampled_from([-10.0, 0.0, 25.5, 25.5, 80.0, 1e6]))
    values = draw(st.lists(rows, min_size=n, max_size=n))
    order = draw(st.permutations(range(n)))
    table = pd.DataFrame(values, columns=["recency_days", "frequency", "monetary"])
    return table.assign(customer_id=[f"c{i}" for i in range(n)]), list(order)


@settings(max_examples=150, deadline=None)
@given(shuffled_tables())
def test_scores_do_not_depend_on_row_order(case: tuple[pd.DataFrame, list[int]]) -> None:
    table, order = case
    scored = rfm.score_rfm(table).set_index("customer_id")
    reordered = rfm.score_rfm(table.iloc[order].reset_index(drop=True)).set_index("customer_id")
    pd.testing.assert_frame_equal(reordered.loc[scored.index], scored)
    # Equal values always get equal scores, and a better value never gets a lower score.
    for column, score in (("recency_days", "r_score"), ("frequency", "f_score"), ("monetary", "m_score")):
        assert (scored.groupby(column)[score].nunique() == 1).all()
        by_value = scored.sort_values(column, ascending=column != "recency_days")[score]
        assert by_value.is_monotonic_increasing


@pytest.mark.parametrize(("scheme", "grid"), [(rfm.SCHEME_11, GRID_11), (rfm.SCHEME_4, GRID_4)])
def test_every_grid_cell_maps_to_the_documented_segment(scheme: rfm.SegmentScheme, grid: list[list[str]]) -> None:
    # Cut-offs that make the scores equal the inputs: recency 6 - r -> R score r; frequency = monetary = fm.
    cuts = rfm.Thresholds(recency=(1, 2, 3, 4), frequency=(2, 3, 4, 5), monetary=(2, 3, 4, 5))
    cells = [(r, fm) for r in range(5, 0, -1) for fm in range(1, 6)]
    table = pd.DataFrame({"recency_days": [6 - r for r, _ in cells], "frequency": [fm for _, fm in cells],
                          "monetary": [float(fm) for _, fm in cells]})
    scored = rfm.score_rfm(table, rfm.RfmParams(method="threshold", thresholds=cuts, scheme=scheme))
    assert list(zip(scored["r_score"], scored["fm_score"], strict=True)) == cells
    assert scored["segment"].tolist() == [key for row in grid for key in row]


def test_fm_score_rounds_the_average_half_up() -> None:
    cuts = rfm.Thresholds(recency=(1, 2, 3, 4), frequency=(2, 3, 4, 5), monetary=(2, 3, 4, 5))
    table = pd.DataFrame({"recency_days": [1, 1, 1, 1], "frequency": [1, 3, 4, 5], "monetary": [2.0, 2.0, 5.0, 1.0]})
    scored = rfm.score_rfm(table, rfm.RfmParams(method="threshold", thresholds=cuts))
    assert scored["fm_score"].tolist() == [2, 3, 5, 3]  # 1.5 -> 2, 2.5 -> 3, 4.5 -> 5, 3 -> 3


def test_segment_display_order() -> None:
    assert rfm.SCHEME_11.segments() == tuple(ALL_KEYS[:11])
    assert rfm.SCHEME_4.segments() == ("high_value", "potential", "general", "lost_tier")
    assert rfm.SCHEMES == {"11": rfm.SCHEME_11, "4": rfm.SCHEME_4}


def test_segment_summary_of_the_hand_example() -> None:
    summary = rfm.segment_summary(rfm.score_rfm(HAND), rfm.SCHEME_11)
    assert list(summary.columns) == list(rfm.SUMMARY_COLUMNS)
    # Display order, only segments with customers (no potential_loyalist, promising, at_risk, hibernating).
    assert summary["segment"].tolist() == [
        "champions", "loyal", "new_customers", "need_attention", "about_to_sleep", "cant_lose", "lost",
    ]
    assert summary["customers"].tolist() == [1, 2, 1, 2, 2, 1, 1]
    total = 11530.0  # net: 5400 + 40 + 1200 + 800 + 500 + 300 + 250 + 3000 + 60 - 20
    loyal = summary.set_index("segment").loc["loyal"]  # C and D
    assert loyal["name"] == "Loyal"
    assert loyal["customer_share"] == pytest.approx(0.2)
    assert loyal["revenue"] == pytest.approx(2000.0)
    assert loyal["revenue_share"] == pytest.approx(2000.0 / total)
    assert (loyal["avg_recency_days"], loyal["avg_frequency"], loyal["avg_monetary"]) == (10.0, 5.0, 1000.0)
    lost = summary.set_index("segment").loc["lost"]
    assert lost["revenue_share"] == pytest.approx(-20.0 / total)  # net returns give a negative share
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["revenue_share"].sum() == pytest.approx(1.0)
    assert summary["action"].iloc[0] == rfm.SEGMENT_INFO["champions"].action_en

    zh = rfm.segment_summary(rfm.score_rfm(HAND), rfm.SCHEME_11, lang="zh")
    assert zh["name"].tolist()[:3] == ["冠军客户", "忠诚客户", "新客户"]
    assert zh["description"].iloc[0] == rfm.SEGMENT_INFO["champions"].description_zh


def test_segment_summary_without_net_revenue_and_with_a_foreign_scheme() -> None:
    refunds = HAND.assign(monetary=-1.0)
    summary = rfm.segment_summary(rfm.score_rfm(refunds), rfm.SCHEME_11)
    assert summary["revenue_share"].isna().all()
    # Scored with the 4-tier scheme, summarised with the 11: nobody is dropped, unknown keys come last.
    mixed = rfm.segment_summary(rfm.score_rfm(HAND, rfm.RfmParams(scheme=rfm.SCHEME_4)), rfm.SCHEME_11)
    assert mixed["customers"].sum() == 10
    assert rfm.segment_summary(rfm.score_rfm(HAND.iloc[:0]), rfm.SCHEME_11).empty


def test_pareto_share() -> None:
    scored = rfm.score_rfm(HAND)
    # Positive spend, largest first: 5400, 3000, 1200, ... total 11550. Half is 5775: 5400 + 3000 reach it.
    assert rfm.pareto_share(scored) == pytest.approx(2 / 10)
    # 80 % is 9240: 5400 + 3000 + 1200 = 9600 >= 9240.
    assert rfm.pareto_share(scored, revenue_share=0.8) == pytest.approx(3 / 10)
    # Exactly on the target: 50 of 100 is reached by the first customer alone; the 0-spender still counts.
    exact = pd.DataFrame({"monetary": [20.0, 50.0, 30.0, 0.0]})
    assert rfm.pareto_share(exact) == pytest.approx(1 / 4)
    assert rfm.pareto_share(exact, revenue_share=1.0) == pytest.approx(3 / 4)
    assert math.isnan(rfm.pareto_share(pd.DataFrame({"monetary": [0.0, -5.0]})))
    with pytest.raises(ValueError):
        rfm.pareto_share(exact, revenue_share=0)


def test_rf_matrix_has_all_25_cells() -> None:
    matrix = rfm.rf_matrix(rfm.score_rfm(HAND))
    assert list(matrix.columns) == ["r_score", "f_score", "customers", "avg_monetary"]
    assert len(matrix) == 25 and matrix["customers"].sum() == 10
    cells = matrix.set_index(["r_score", "f_score"])
    assert cells.loc[(4, 4), "customers"] == 2 and cells.loc[(4, 4), "avg_monetary"] == 1000.0  # C and D
    assert cells.loc[(1, 5), "customers"] == 1 and cells.loc[(1, 5), "avg_monetary"] == 3000.0  # H
    assert cells.loc[(5, 3), "customers"] == 0 and cells.loc[(5, 3), "avg_monetary"] == 0.0
    assert matrix[["r_score", "f_score"]].iloc[0].tolist() == [5, 1]


def test_quantile_thresholds_of_the_hand_example() -> None:
    cuts = rfm.quantile_thresholds(HAND)
    # R (HAND_R): the largest recency scoring >= 5 is B's 5, >= 4 C/D's 10, >= 3 F's 45, >= 2 I's 180.
    assert cuts.recency == (5, 10, 45, 180)
    # F (HAND_F): smallest value scoring >= 2 is 2 (largest below: 1), >= 3 is 3, >= 4 is 4, >= 5 is 9 (below: 6).
    assert cuts.frequency == (2, 3, 4, 9)
    # M (HAND_M): >= 2 starts at I's 60 (largest below: B's 40), >= 3 at 300, >= 4 at 800, >= 5 at 3000.
    assert cuts.monetary == (60, 300, 800, 3000)
    assert_same_scores(HAND, cuts)


def test_quantile_thresholds_pick_the_roundest_number_between_the_groups() -> None:
    table = pd.DataFrame({"recency_days": range(5), "frequency": [1, 2, 3, 4, 5],
                          "monetary": [10.0, 12.34, 12.5, 99.99, 100.0]})
    # M scores 1..5 by rank. >= 2 starts at 12.34 over 10 -> 12; >= 3 at 12.5 over 12.34 -> 12.5 (12 is not above
    # 12.34); >= 4 at 99.99 over 12.5 -> 99; >= 5 at 100 over 99.99 -> 100.
    cuts = rfm.quantile_thresholds(table)
    assert cuts.monetary == (12, 12.5, 99, 100)
    assert_same_scores(table, cuts)


def test_quantile_thresholds_with_empty_scores_use_equal_cuts() -> None:
    # All identical: R5 F1 M1 for everyone. R: every cut is the one recency, 5. F and M: nobody scores >= 2,
    # so each cut lies above the maximum (rounded down, + 1): 1 -> 2, 9.99 -> 10, 0.5 per year -> 1.
    once = pd.DataFrame({"recency_days": [5] * 4, "frequency": [1] * 4, "orders_per_year": [0.5] * 4,
                         "monetary": [9.99] * 4})
    assert rfm.quantile_thresholds(once) == rfm.Thresholds((5, 5, 5, 5), (2, 2, 2, 2), (10, 10, 10, 10))
    assert rfm.quantile_thresholds(once, frequency_basis="per_year").frequency == (1, 1, 1, 1)
    assert_same_scores(once, rfm.quantile_thresholds(once))
    # Ties at the top, n = 6: F 1,1,1 -> rank 1 -> 1; 5,5,5 -> rank 4 -> ceil(20 / 6) = 4; nobody scores 5.
    top = pd.DataFrame({"recency_days": [1, 1, 1, 2, 2, 2], "frequency": [1, 1, 1, 5, 5, 5],
                        "monetary": [1.0, 1.0, 1.0, 5.0, 5.0, 5.0]})
    cuts = rfm.quantile_thresholds(top)
    assert cuts.frequency == (5, 5, 5, 6) and cuts.monetary == (5, 5, 5, 6)
    # R: the 1s share ranks 4..6 -> 6 -> 5; the 2s ranks 1..3 -> 3 -> ceil(15 / 6) = 3. Cuts: 1, 1, 2, 2.
    assert cuts.recency == (1, 1, 2, 2)
    assert_same_scores(top, cuts)


@pytest.mark.parametrize(
    "table",
    [
        pd.DataFrame({"recency_days": [3, 40, 7, 200, 1], "frequency": [1] * 5, "monetary": [20.0, 5, 7.5, 100, 3]}),
        HAND.iloc[[3]],
        pd.DataFrame({"recency_days": [0, 0], "frequency": [2, 2], "monetary": [-5.5, -5.5]}),
    ],
    ids=["all one-time buyers", "a single customer", "all identical, negative spend"],
)
def test_quantile_thresholds_reproduce_hand_made_tables(table: pd.DataFrame) -> None:
    assert_same_scores(table, rfm.quantile_thresholds(table))


def assert_same_scores(table: pd.DataFrame, cuts: rfm.Thresholds, **params: object) -> None:
    quantile = rfm.score_rfm(table, rfm.RfmParams(**params))
    threshold = rfm.score_rfm(table, rfm.RfmParams(method="threshold", thresholds=cuts, **params))
    pd.testing.assert_frame_equal(threshold, quantile)


@pytest.fixture(scope="module")
def sample_customers() -> pd.DataFrame:
    from crm_core import pipeline
    from crm_core.customers import customer_table

    path = Path(__file__).resolve().parents[2] / "sample_data" / "orders_zh.csv"
    return customer_table(pipeline.load(path.read_bytes(), path.name).result.orders)


@pytest.mark.parametrize("basis", ["orders", "per_year"])
@pytest.mark.parametrize("scheme", [rfm.SCHEME_11, rfm.SCHEME_4], ids=["11", "4"])
def test_prefilled_thresholds_give_the_sample_the_same_segments(sample_customers, basis, scheme) -> None:
    cuts = rfm.quantile_thresholds(sample_customers, frequency_basis=basis)
    assert_same_scores(sample_customers, cuts, frequency_basis=basis, scheme=scheme)
    segments = rfm.score_rfm(sample_customers, rfm.RfmParams(frequency_basis=basis, scheme=scheme))["segment"]
    if basis == "orders":
        # one order scores F = 1 (and two do: the planted behaviour clusters' 2-3-order buyers fill the bottom fifth)
        assert cuts.frequency[0] == 3
        if scheme is rfm.SCHEME_11:  # the segments the old prefill (F cut 1) lost are there
            assert {"new_customers", "promising", "lost"} <= set(segments)


@st.composite
def customer_tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=30))
    money = st.one_of(st.sampled_from([-10.0, 0.0, 9.99, 10.0, 25.5, 1e6]),
                      st.floats(-100, 1e5, allow_nan=False, allow_infinity=False))
    rows = st.tuples(st.integers(0, 30), st.integers(1, 5), st.floats(0.01, 400, allow_nan=False), money)
    values = draw(st.lists(rows, min_size=n, max_size=n))
    return pd.DataFrame(values, columns=["recency_days", "frequency", "orders_per_year", "monetary"])


@settings(max_examples=200, deadline=None)
@given(customer_tables(), st.sampled_from(["orders", "per_year"]))
def test_prefilled_thresholds_reproduce_the_quintiles(table: pd.DataFrame, basis: str) -> None:
    assert_same_scores(table, rfm.quantile_thresholds(table, frequency_basis=basis), frequency_basis=basis)


@pytest.mark.parametrize(
    ("values", "shown"),
    [((7, 6, 30, 90), "7, 6, 30, 90"), ((90, 30, 7, 1), "90, 30, 7, 1"), ((7, 30, 90), "7, 30, 90"),
     ((7, 30, float("nan"), 90), "7, 30, nan, 90"), (("7", "abc", "30", "90"), "7, abc, 30, 90")],
)
def test_bad_thresholds_are_refused(values: tuple, shown: str) -> None:
    expected = f"Thresholds for M must be four numbers, each at least as large as the one before (got {shown})."
    with pytest.raises(DataError, match=re.escape(expected)):
        rfm.Thresholds(recency=(1, 2, 3, 4), frequency=(1, 2, 3, 4), monetary=values)


def test_equal_thresholds_leave_a_score_empty() -> None:
    # Frequency (2, 2, 3, 5): 1 order -> F1; 2 orders pass both 2s -> F3; nobody scores F2.
    cuts = rfm.Thresholds(recency=(1, 2, 3, 4), frequency=(2, 2, 3, 5), monetary=(1, 2, 3, 4))
    table = pd.DataFrame({"recency_days": [1] * 5, "frequency": [1, 2, 3, 4, 5], "monetary": [1.0] * 5})
    scored = rfm.score_rfm(table, rfm.RfmParams(method="threshold", thresholds=cuts))
    assert scored["f_score"].tolist() == [1, 3, 4, 4, 5]


def test_threshold_method_needs_thresholds() -> None:
    with pytest.raises(DataError) as error:
        rfm.RfmParams(method="threshold")
    assert error.value.code == "bad_thresholds"
    assert "阈值" in error.value.text("zh")
    with pytest.raises(DataError) as error:
        rfm.Thresholds(recency=(30, 7, 90, 180), frequency=(1, 2, 3, 4), monetary=(1, 2, 3, 4))
    assert error.value.params["dimension"] == "R"


def test_bad_grids_are_refused() -> None:
    good = [list(row) for row in GRID_11]
    cases = {
        "4 rows": good[:4],
        "short row": [*good[:4], good[4][:4]],
        "unknown key": [*good[:4], [*good[4][:4], "vip"]],
        "a string": "champions",
        "rows as strings": ["champions"] * 5,
        "not a key": [*good[:4], [*good[4][:4], None]],
    }
    for name, grid in cases.items():
        with pytest.raises(DataError) as error:
            rfm.scheme_with_grid(rfm.SCHEME_11, grid)
        assert error.value.code == "bad_segment_map", name
    with pytest.raises(DataError, match=r"the cell R1 / FM5 holds 'vip', which is not a segment") as error:
        rfm.scheme_with_grid(rfm.SCHEME_11, cases["unknown key"])
    assert error.value.text("zh") == "分群规则无效：R1 / FM5 格中的 'vip' 不是已有的分群。"
    with pytest.raises(DataError) as error:
        rfm.scheme_with_grid(rfm.SCHEME_11, cases["short row"])
    assert str(error.value) == ("The segment map is not valid: it needs 5 rows (R score 5 to 1) of 5 cells "
                                "(FM score 1 to 5), got 5 rows (5, 5, 5, 5, 4 cells).")
    assert error.value.text("zh") == ("分群规则无效：需要 5 行（R 分 5 到 1），每行 5 格（FM 分 1 到 5），"
                                      "当前为 5 行（每行分别 5、5、5、5、4 格）。")
    with pytest.raises(DataError) as error:
        rfm.scheme_with_grid(rfm.SCHEME_11, "champions")
    assert error.value.text("en").endswith("got 0 rows.") and error.value.text("zh").endswith("当前为 0 行。")
    with pytest.raises(DataError) as error:
        rfm.scheme_with_label(rfm.SCHEME_11, "vip", name_en="VIP", name_zh=" ")
    assert error.value.text("zh") == "分群规则无效：分群 vip 需要填写英文名称和中文名称。"
    assert not re.search("[A-Za-z]{3,}", error.value.text("zh").replace("vip", ""))


def test_custom_grid_and_labels() -> None:
    grid = [list(row) for row in GRID_11]
    grid[0][4] = "lost"  # any known key may go anywhere
    moved = rfm.scheme_with_grid(rfm.SCHEME_11, grid)
    assert moved.key == "custom" and moved.segment_at(5, 5) == "lost" and rfm.SCHEME_11.segment_at(5, 5) == "champions"
    assert hash(moved) == hash(rfm.scheme_with_grid(rfm.SCHEME_11, grid))  # frozen and hashable: a cache key

    renamed = rfm.scheme_with_label(rfm.SCHEME_11, "champions", name_en=" Stars ", name_zh="明星客户")
    assert renamed.key == "custom"
    assert (renamed.name("champions", "en"), renamed.name("champions", "zh")) == ("Stars", "明星客户")
    assert renamed.name("loyal", "zh") == "忠诚客户" and rfm.SCHEME_11.name("champions", "en") == "Champions"
    assert rfm.scheme_with_label(renamed, "champions", name_en="Heroes", name_zh="英雄").labels == (
        ("champions", "Heroes", "英雄"),
    )

    vip = rfm.scheme_with_label(rfm.SCHEME_4, "vip", name_en="VIP", name_zh="贵宾")
    grid_4 = [list(row) for row in GRID_4]
    grid_4[0][4] = "vip"
    custom = rfm.scheme_with_grid(vip, grid_4)
    assert custom.segments() == ("high_value", "potential", "general", "lost_tier", "vip")
    assert custom.info("vip").name_zh == "贵宾" and custom.info("vip").action_en == ""
    summary = rfm.segment_summary(rfm.score_rfm(HAND, rfm.RfmParams(scheme=custom)), custom, lang="zh")
    assert summary.set_index("segment").loc["vip", ["name", "customers"]].tolist() == ["贵宾", 1]  # A (R5 FM5)
    with pytest.raises(DataError, match="non-empty English and Chinese name"):
        rfm.scheme_with_label(rfm.SCHEME_11, "loyal", name_en="  ", name_zh="忠诚")


def test_every_segment_has_texts_in_both_languages() -> None:
    assert list(rfm.SEGMENT_INFO) == ALL_KEYS
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for key, info in rfm.SEGMENT_INFO.items():
        assert info.key == key
        for field in ("name", "description", "action", "channel"):
            assert info.text(field, "en").isascii() and info.text(field, "en").strip(), (key, field)
            assert cjk.search(info.text(field, "zh")), (key, field)
        assert re.fullmatch(r"#[0-9a-f]{6}", info.color)
    names = {(rfm.SCHEME_4.name(k, "zh")) for k in rfm.SCHEME_4.segments()}
    assert names == {"高价值客户", "潜力客户", "一般客户", "流失客户"}
    assert rfm.SEGMENT_INFO["champions"].name_zh == "冠军客户"


def test_reasons_in_both_languages() -> None:
    scored = rfm.score_rfm(HAND)
    en = rfm.reasons(scored)
    assert en.index.equals(HAND.index) and en.name == "reason"
    assert en.iloc[0] == "Last order 2 days ago · 12 orders · spent ¥5,400 (R5 F5 M5)"
    assert en.iloc[1] == "Last order 5 days ago · 1 order · spent ¥40 (R5 F1 M1)"
    assert en.iloc[9] == "Last order 365 days ago · 1 order · spent -¥20 (R1 F1 M1)"
    zh = rfm.reasons(scored, lang="zh")
    assert zh.iloc[0] == "最近一次购买在 2 天前 · 共 12 单 · 消费 ¥5,400（R5 F5 M5）"
    edge = scored.iloc[[0, 1]].assign(recency_days=[0, 1], monetary=[1234.5, 0.004])
    assert rfm.reasons(edge, currency="$").tolist() == [
        "Last order today · 12 orders · spent $1,234.50 (R5 F5 M5)",
        "Last order 1 day ago · 1 order · spent $0 (R5 F1 M1)",
    ]
    assert rfm.reasons(edge, lang="zh")[10] == "最近一次购买在今天 · 共 12 单 · 消费 ¥1,234.50（R5 F5 M5）"


def test_missing_columns_and_values_are_reported() -> None:
    with pytest.raises(DataError, match="no monetary column") as error:
        rfm.score_rfm(HAND.drop(columns="monetary"))
    assert error.value.code == "rfm_missing_columns"
    assert error.value.text("zh") == "客户表缺少 RFM 评分所需的 消费金额 列。请根据订单重新生成客户表。"
    with pytest.raises(DataError, match="no orders_per_year column"):
        rfm.score_rfm(HAND.drop(columns="orders_per_year"), rfm.RfmParams(frequency_basis="per_year"))
    gaps = HAND.assign(monetary=HAND["monetary"].where(HAND["monetary"] > 100))
    with pytest.raises(DataError, match="3 customers have no monetary value") as error:
        rfm.score_rfm(gaps)
    assert error.value.code == "rfm_missing_values"
    assert error.value.text("zh") == "有 3 位客户缺少 消费金额，无法评分。请检查这些客户的订单。"


def test_one_time_buyers_score_f1_even_when_they_are_most_customers() -> None:
    # 9 of 10 bought once: they share rank 1 -> F = 1; the one regular (rank 10) -> F = 5.
    table = pd.DataFrame({"recency_days": range(1, 11), "frequency": [1] * 9 + [8],
                          "monetary": [100.0] * 9 + [900.0]})
    scored = rfm.score_rfm(table)
    assert scored["f_score"].tolist() == [1] * 9 + [5]
    assert scored["m_score"].tolist() == [1] * 9 + [5]
    # none of the one-time buyers is called loyal or "used to buy often"
    assert not scored["segment"].iloc[:9].isin({"loyal", "at_risk", "cant_lose", "champions"}).any()
