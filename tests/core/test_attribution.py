"""Channel attribution (crm_core.measure.attribution): every model by hand on a three-path example, the Markov
removal effects from the transition matrix by hand, journeys split at conversions, time-decay weights, column
proposals, bad inputs (fixtures in tests/data/measure_attribution/) and the planted roles of the sample."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.measure import attribution as at
from crm_core.measure._markov import chain
from crm_core.schema import DataError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "measure_attribution"
SAMPLE = ROOT / "sample_data"


def raw(name: str) -> pd.DataFrame:
    path = FIXTURES / name
    return pipeline.read(path.read_bytes(), path.name).frame


def table(rows) -> pd.DataFrame:
    """A raw table of text (as RawTable.frame) with the file's row numbers (2, 3, ...) as index."""
    frame = pd.DataFrame(rows, columns=["path", "conversions", "value", "nulls"], dtype="str")
    return frame.set_index(pd.RangeIndex(2, 2 + len(frame)))


# The three paths: A > B > C converts once (value 90); B > C converts once (value 30) and once not; A > B never.
THREE = table([["A > B > C", "1", "90", "0"], ["B > C", "1", "30", "1"], ["A > B", "0", "", "1"]])


@pytest.fixture(scope="module")
def three():
    paths = at.paths_from_table(THREE, path="path", conversions="conversions", value="value", nulls="nulls")
    return paths, at.attribute(paths, at.AttributionChoice(half_life_days=1.0)).set_index("channel")


def column(result: pd.DataFrame, model: str) -> dict[str, float]:
    return {c: pytest.approx(float(v), abs=1e-12) for c, v in result[model].items()}


def test_three_paths_read(three):
    paths, _ = three
    assert paths.channels == ("A", "B", "C")
    assert list(paths.frame["path"]) == ["A > B > C", "B > C", "A > B"]
    assert paths.total_conversions == 2 and paths.total_value == 120
    assert list(paths.touches["age"]) == [2, 1, 0, 1, 0, 1, 0]  # steps before the last touch


def test_first_and_last_touch_by_hand(three):
    _, result = three
    assert dict(result["first_touch"]) == {"A": 1, "B": 1, "C": 0}
    assert dict(result["first_touch_value"]) == {"A": 90, "B": 30, "C": 0}
    assert dict(result["last_touch"]) == {"A": 0, "B": 0, "C": 2}
    assert dict(result["last_touch_value"]) == {"A": 0, "B": 0, "C": 120}


def test_linear_by_hand(three):
    _, result = three
    # A > B > C: a third each; B > C: a half each.
    assert column(result, "linear") == {"A": 1 / 3, "B": 1 / 3 + 1 / 2, "C": 1 / 3 + 1 / 2}
    assert column(result, "linear_value") == {"A": 30, "B": 30 + 15, "C": 30 + 15}


def test_position_based_by_hand(three):
    _, result = three
    # A > B > C: 40% / 20% / 40%; B > C: two touches split 40:40, so half each.
    assert column(result, "position_based") == {"A": 0.4, "B": 0.2 + 0.5, "C": 0.4 + 0.5}
    assert column(result, "position_based_value") == {"A": 36, "B": 18 + 15, "C": 36 + 15}


def test_position_based_other_shares(three):
    paths, _ = three
    result = at.attribute(paths, at.AttributionChoice(first_share=0.5, last_share=0.3)).set_index("channel")
    # A > B > C: 0.5 / 0.2 / 0.3; B > C: 0.5 : 0.3 = 0.625 / 0.375.
    assert column(result, "position_based") == {"A": 0.5, "B": 0.2 + 0.625, "C": 0.3 + 0.375}


def test_time_decay_by_hand_on_steps(three):
    _, result = three
    # half life 1 step: A > B > C weights 1/4, 1/2, 1 (of 7/4); B > C weights 1/2, 1 (of 3/2).
    assert column(result, "time_decay") == {"A": 1 / 7, "B": 2 / 7 + 1 / 3, "C": 4 / 7 + 2 / 3}
    assert column(result, "time_decay_value") == {"A": 90 / 7, "B": 90 * 2 / 7 + 10, "C": 90 * 4 / 7 + 20}


def test_markov_transition_matrix_by_hand(three):
    paths, _ = three
    fitted = chain(paths.frame, paths.touches, paths.channels)
    # Journeys: A > B > C (1), B > C (2: one converts), A > B (1, no conversion).
    probs = {(a, b): p for a, b, p in fitted.transition_matrix().itertuples(index=False)}
    assert probs == {("(start)", "A"): 0.5, ("(start)", "B"): 0.5, ("A", "B"): 1.0, ("B", "C"): 0.75,
                     ("B", "(null)"): 0.25, ("C", "(conversion)"): pytest.approx(2 / 3),
                     ("C", "(null)"): pytest.approx(1 / 3)}
    # P(conversion) = 1 (every journey reaches B) * 3/4 * 2/3 = 1/2.  Without A: only start -> B is left:
    # 1/2 * 3/4 * 2/3 = 1/4, so A's removal effect is 1 - (1/4) / (1/2) = 1/2; without B or C nothing converts.
    assert fitted.conversion_probability == pytest.approx(0.5)
    assert list(fitted.removal_effect) == pytest.approx([0.5, 1.0, 1.0])


def test_markov_credits_by_hand(three):
    paths, result = three
    effects = at.removal_effects(paths).set_index("channel")
    assert dict(effects["removal_effect"]) == pytest.approx({"A": 0.5, "B": 1.0, "C": 1.0})
    assert dict(effects["share"]) == pytest.approx({"A": 0.2, "B": 0.4, "C": 0.4})
    # Credits: removal effects (1/2, 1, 1) scaled to the 2 conversions and the value 120.
    assert column(result, "markov") == {"A": 0.4, "B": 0.8, "C": 0.8}
    assert column(result, "markov_value") == {"A": 24, "B": 48, "C": 48}
    assert list(result.index) == ["B", "C", "A"]  # by markov, ties by name


def test_markov_value_follows_the_last_channel():
    """Two one-touch paths convert once each, A worth 10 and B worth 30: the conversions split 1 : 1, the value
    1 : 3 (each conversion carries the mean value of conversions ending on its last channel)."""
    paths = at.paths_from_table(table([["A", "1", "10", "0"], ["B", "1", "30", "0"]]), path="path",
                                conversions="conversions", value="value", nulls="nulls")
    result = at.attribute(paths).set_index("channel")
    assert column(result, "markov") == {"A": 1, "B": 1}
    assert column(result, "markov_value") == {"A": 10, "B": 30}
    assert dict(at.removal_effects(paths).set_index("channel")["value_removal_effect"]) == pytest.approx(
        {"A": 0.25, "B": 0.75})


def test_markov_exact_against_plain_absorbing_chain():
    """The one-inverse formula against removing each channel and solving the chain again (independent code)."""
    rng = np.random.default_rng(7)
    names = list("ABCDE")
    rows = [[" > ".join(rng.choice(names, size=rng.integers(1, 6))), str(rng.integers(0, 4)),
             f"{rng.uniform(1, 50):.2f}", str(rng.integers(0, 6))] for _ in range(60)]
    paths = at.paths_from_table(table(rows), path="path", conversions="conversions", value="value", nulls="nulls")
    fitted = chain(paths.frame, paths.touches, paths.channels)
    counts = fitted.counts
    n = len(paths.channels)

    def conversion_probability(removed: int | None) -> float:
        probs = counts[: n + 1] / counts[: n + 1].sum(axis=1, keepdims=True).clip(min=1e-300)
        q, r = probs[:, : n + 1].copy(), probs[:, n + 1].copy()
        if removed is not None:  # every transition into the removed channel goes to null
            q[:, removed + 1] = 0.0
        return float(np.linalg.solve(np.eye(n + 1) - q, r)[0])

    base = conversion_probability(None)
    expected = [1 - conversion_probability(k) / base for k in range(n)]
    assert list(fitted.removal_effect) == pytest.approx(expected, abs=1e-12)


def test_totals_preserved_for_every_model(three):
    for name in ("touchpoints_demo_en.csv", "touchpoints_demo_zh.csv"):
        frame = raw(name)
        paths = at.paths_from_touchpoints(frame, **at.propose_touchpoint_columns(frame.columns))
        result = at.attribute(paths, at.AttributionChoice(half_life_days=3, first_share=0.3, last_share=0.5))
        for model in at.MODELS:
            assert result[model].sum() == pytest.approx(paths.total_conversions)
            assert result[f"{model}_value"].sum() == pytest.approx(paths.total_value)
        long = at.attribution_long(result)
        assert list(long.columns) == ["channel", "model", "conversions", "value"]
        assert len(long) == len(result) * len(at.MODELS)
        assert long.groupby("model")["conversions"].sum().to_dict() == pytest.approx(
            dict.fromkeys(at.MODELS, paths.total_conversions))


# --- touchpoints --------------------------------------------------------------------------------------------
TOUCHES = pd.DataFrame({
    "journey": ["J1", "J1", "J1", "J1", "J1", "J2", "J2"],
    "time": ["2026-01-01 10:00", "2026-01-03 10:00", "2026-01-04 10:00", "2026-01-05 10:00", "2026-01-06 10:00",
             "2026-01-02 09:00", "2026-01-01 09:00"],
    "channel": ["A", "B", "C", "A", "B", "C", "A"],
    "converted": ["no", "yes", "否", "1", "", "no", "no"],
    "value": ["", "100", "", "50", "7", "", ""],
}, dtype="str").set_index(pd.RangeIndex(2, 9))


def touch_paths(**changes) -> at.Paths:
    return at.paths_from_touchpoints(TOUCHES, journey="journey", time="time", channel="channel",
                                     converted="converted", value="value", **changes)


def test_journeys_end_at_each_conversion():
    paths = touch_paths()
    frame = paths.frame
    # J1 converts at B and again at A: two converting paths, then B alone does not convert; J2 (out of order in
    # the file) is A then C and never converts.
    assert list(frame["journey"]) == ["J1", "J1", "J1", "J2"]
    assert list(frame["path"]) == ["A > B", "C > A", "B", "A > C"]
    assert list(frame["conversions"]) == [1, 1, 0, 0]
    assert list(frame["nulls"]) == [0, 0, 1, 1]
    assert list(frame["value"]) == [100, 50, 0, 0]  # a value on a touch that did not convert is not counted
    assert paths.age_unit == "days" and paths.excluded.empty
    assert list(paths.touches["age"]) == pytest.approx([2, 0, 1, 0, 0, 1, 0])  # days before the path's end


def test_time_decay_weights_by_hand():
    paths = touch_paths()
    weights = at.model_weights(paths, "time_decay", at.AttributionChoice(half_life_days=2))
    # A > B: A two days before the conversion weighs 2**-1 = 1/2, B 1 -> 1/3, 2/3.  C > A: C a day before weighs
    # 2**-0.5 -> 0.7071 / 1.7071 and 1 / 1.7071.  B alone: 1.  A > C: A a day before C -> same as C > A.
    s = 2 ** -0.5
    assert list(weights) == pytest.approx([1 / 3, 2 / 3, s / (1 + s), 1 / (1 + s), 1, s / (1 + s), 1 / (1 + s)])
    result = at.attribute(paths, at.AttributionChoice(half_life_days=2)).set_index("channel")
    assert column(result, "time_decay") == {"A": 1 / 3 + 1 / (1 + s), "B": 2 / 3, "C": s / (1 + s)}
    assert column(result, "time_decay_value") == {"A": 100 / 3 + 50 / (1 + s), "B": 200 / 3, "C": 50 * s / (1 + s)}


def test_rows_left_out_with_reasons():
    paths = at.paths_from_touchpoints(raw("touch_some_bad_rows.csv"), journey="journey_id", time="touch_time",
                                      channel="channel", converted="converted", value="value")
    excluded = paths.excluded
    assert list(zip(excluded["row"], excluded["reason"], excluded["value"], strict=True)) == [
        (4, "at_reason_no_journey", ""), (5, "at_reason_no_channel", ""), (6, "at_reason_bad_time", "not a time"),
        (7, "at_reason_bad_value", "abc"), (8, "at_reason_bad_converted", "hmm")]
    assert list(paths.frame["path"]) == ["WeChat > Baidu Search", "Store"]
    assert paths.source_rows == 8


# --- ready paths and column proposals -----------------------------------------------------------------------
def test_paths_in_chinese_with_thousands_and_a_blank_value():
    frame = raw("paths_zh.csv")
    columns = at.propose_path_columns(frame.columns)
    assert columns == {"path": "路径", "conversions": "转化数", "value": "转化金额", "nulls": "未转化数"}
    assert at.detect_format(frame.columns) == "paths"
    paths = at.paths_from_table(frame, **columns)
    assert list(paths.frame["value"]) == [1200.5, 300, 0]
    assert paths.channels == tuple(sorted(["微信", "百度搜索", "门店", "抖音", "小红书"]))
    result = at.attribute(paths).set_index("channel")
    assert result.loc["门店", "last_touch"] == 4 and result.loc["门店", "last_touch_value"] == 1500.5


def test_separator_is_configurable_and_blanks_do_not_matter():
    frame = table([["a|b||c", "1", "", ""], ["b | c", "2", "", ""]])
    paths = at.paths_from_table(frame, path="path", conversions="conversions", separator="|")
    assert list(paths.frame["path"]) == ["a > b > c", "b > c"]
    tight = at.paths_from_table(table([["a>b", "1", "", ""]]), path="path", conversions="conversions")
    assert list(tight.frame["path"]) == ["a > b"]


@pytest.mark.parametrize(("headers", "expected"), [
    (["journey_id", "touch_time", "channel", "converted", "value"],
     {"journey": "journey_id", "time": "touch_time", "channel": "channel", "converted": "converted",
      "value": "value"}),
    (["旅程编号", "触点时间", "渠道", "是否转化", "转化金额"],
     {"journey": "旅程编号", "time": "触点时间", "channel": "渠道", "converted": "是否转化", "value": "转化金额"}),
    (["客户编号", "时间", "来源", "转化", "金额"],
     {"journey": "客户编号", "time": "时间", "channel": "来源", "converted": "转化", "value": "金额"}),
    (["Path ID", "Timestamp", "Source", "Converted?", "Revenue"],
     {"journey": "Path ID", "time": "Timestamp", "channel": "Source", "converted": "Converted?",
      "value": "Revenue"}),
])
def test_touchpoint_columns_proposed(headers, expected):
    assert at.propose_touchpoint_columns(headers) == expected
    assert at.detect_format(headers) == "touchpoints"


def test_format_not_guessed_from_other_tables():
    assert at.detect_format(["customer_id", "order_date", "amount"]) is None
    assert at.propose_path_columns(["path", "total_conversions", "total_conversion_value", "total_null"]) == {
        "path": "path", "conversions": "total_conversions", "value": "total_conversion_value", "nulls": "total_null"}


# --- bad inputs ----------------------------------------------------------------------------------------------
TOUCH_COLUMNS = {"journey": "journey_id", "time": "touch_time", "channel": "channel", "converted": "converted",
                 "value": "value"}


def error_of(call) -> DataError:
    with pytest.raises(DataError) as info:
        call()
    return info.value


def test_time_unreadable_names_column_and_examples():
    exc = error_of(lambda: at.paths_from_touchpoints(raw("touch_bad_time.csv"), **TOUCH_COLUMNS))
    assert exc.code == "at_time_unreadable"
    assert "touch_time" in exc.text("en") and "next monday" in exc.text("en")
    assert "touch_time" in exc.text("zh") and "日期时间" in exc.text("zh")


def test_converted_unreadable():
    exc = error_of(lambda: at.paths_from_touchpoints(raw("touch_bad_converted.csv"), **TOUCH_COLUMNS))
    assert exc.code == "at_converted_unreadable"
    assert "converted" in exc.text("en") and "maybe" in exc.text("en") and "3 rows" in exc.text("en")
    assert "是否转化" in exc.text("zh") and "maybe" in exc.text("zh")


def test_no_conversion_in_chinese_touchpoints():
    frame = raw("touch_no_conversion.csv")
    exc = error_of(lambda: at.paths_from_touchpoints(frame, **at.propose_touchpoint_columns(frame.columns)))
    assert exc.code == "at_no_conversions"
    assert "是否转化" in exc.text("zh") and "触点明细" in exc.text("zh")
    assert "nothing to attribute" in exc.text("en")


def test_too_many_channels():
    exc = error_of(lambda: at.paths_from_touchpoints(raw("touch_too_many_channels.csv"), **TOUCH_COLUMNS))
    assert exc.code == "at_too_many_channels"
    assert "1,001" in exc.text("en") and "channel" in exc.text("en") and "渠道" in exc.text("zh")


def test_counts_unreadable():
    frame = raw("paths_bad_counts.csv")
    exc = error_of(lambda: at.paths_from_table(frame, **at.propose_path_columns(frame.columns)))
    assert exc.code == "at_number_unreadable"
    assert "total_conversions" in exc.text("en") and "n/a" in exc.text("en") and "转化数" in exc.text("zh")


def test_no_usable_path_lists_the_reasons():
    frame = raw("paths_no_outcome.csv")
    exc = error_of(lambda: at.paths_from_table(frame, **at.propose_path_columns(frame.columns)))
    assert exc.code == "at_no_rows"
    assert "2 rows: no conversion and no null count" in exc.text("en") and "1 row: empty path" in exc.text("en")
    assert "2 行：转化数和未转化数均为 0" in exc.text("zh")


def test_missing_and_shared_columns():
    frame = raw("touch_some_bad_rows.csv")
    exc = error_of(lambda: at.paths_from_touchpoints(frame, **{**TOUCH_COLUMNS, "time": "when"}))
    assert exc.code == "at_column_missing" and "when" in exc.text("en") and "journey_id" in exc.text("en")
    exc = error_of(lambda: at.paths_from_touchpoints(frame, **{**TOUCH_COLUMNS, "value": "channel"}))
    assert exc.code == "at_same_column" and "channel" in exc.text("en") and "渠道" in exc.text("zh")
    exc = error_of(lambda: at.paths_from_touchpoints(frame, **{**TOUCH_COLUMNS, "time": ""}))
    assert exc.code == "at_column_needed" and "touch time" in exc.text("en") and "触点时间" in exc.text("zh")


@pytest.mark.parametrize(("options", "code", "shown"), [
    ({"half_life_days": 0}, "at_bad_half_life", "0"),
    ({"half_life_days": float("nan")}, "at_bad_half_life", "nan"),
    ({"first_share": 0.7, "last_share": 0.4}, "at_bad_shares", "0.7"),
    ({"first_share": -0.1}, "at_bad_shares", "-0.1"),
    ({"separator": ""}, "at_bad_separator", "blank"),
])
def test_bad_choices(options, code, shown):
    exc = error_of(lambda: at.AttributionChoice(**options))
    assert exc.code == code and shown in exc.text("en")
    assert exc.text("zh") != exc.text("en")


def test_choice_round_trip():
    choice = at.AttributionChoice(half_life_days=3.5, first_share=0.3, last_share=0.5, separator=">")
    assert at.AttributionChoice.from_dict(choice.to_dict()) == choice
    with pytest.raises(DataError):
        at.AttributionChoice.from_dict({"half_life_days": -1})


# --- summary -------------------------------------------------------------------------------------------------
def test_summary_names_opener_closer_and_markov_difference(three):
    _, result = three
    en = at.attribution_summary(result.reset_index(), "en")
    zh = at.attribution_summary(result.reset_index(), "zh")
    # A and B open a conversion each: the tie goes to the channel listed first (the higher Markov credit).
    assert en[0] == "B opens the most converting journeys: first touch of 1 of 2 conversions (50%)."
    assert en[1] == "C closes the most: last touch of 2 conversions (100%)."
    assert "credits B with 0.8 conversions, 0.8 more than last touch (0)" in en[2]
    assert "credits C with 0.8 conversions, 1.2 fewer than last touch (2)" in en[3]
    assert len(zh) == len(en) and zh[1] == "C是最常见的收尾渠道：2 次转化的末次触点是它（100%）。"


# --- the sample's planted roles ------------------------------------------------------------------------------
@pytest.mark.skipif(not (SAMPLE / "touchpoints_en.csv").exists(),
                    reason="sample_data/touchpoints_en.csv is not written yet (the sample generator adds it)")
def test_planted_roles_of_the_sample():
    from crm_core.sample.touchpoints import PLANTED_ROLES

    frame = pipeline.read((SAMPLE / "touchpoints_en.csv").read_bytes(), "touchpoints_en.csv").frame
    assert at.detect_format(frame.columns) == "touchpoints"
    paths = at.paths_from_touchpoints(frame, **at.propose_touchpoint_columns(frame.columns))
    result = at.attribute(paths).set_index("channel")
    assert result["first_touch"].idxmax() == PLANTED_ROLES["introducer"]
    assert result["last_touch"].idxmax() == PLANTED_ROLES["closer"]
    assert result.loc[PLANTED_ROLES["introducer"], "last_touch"] < 0.05 * paths.total_conversions
    touches = paths.touches["channel"].map(dict(enumerate(paths.channels))).value_counts(normalize=True)
    weak = PLANTED_ROLES["weak"]
    credit_share = result["markov"] / paths.total_conversions
    # SMS is a quarter of all touches but mostly in journeys that do not convert: its Markov credit is far below
    # its share of the touches, the lowest ratio of all channels (order 1 still gives it some: the chain does not
    # know which journey a step belongs to, so a few SMS steps lead on to converting steps).
    assert credit_share[weak] < 0.6 * touches[weak]
    assert (credit_share / touches).idxmin() == weak
