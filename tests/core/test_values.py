"""Cell parsers for text, ids, amounts and consent: hand-computed cases from INPUTS.md, plus properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.ingest.values import (
    clean_ids,
    clean_text,
    mangled_id_example,
    parse_amounts,
    parse_consent,
    parse_quantities,
)


def text(values, index=None):
    return pd.Series(values, index=index, dtype="str")


# --- clean_text ---------------------------------------------------------------------------------

def test_clean_text_strips_control_and_zero_width_characters_and_counts_control_cells():
    s = text(["\x00Alice\x07 ", " B\u200bob ", "\x01", None, "  ", "a\tb", "ok\x7f"], index=[7, 3, 9, 1, 2, 5, 4])
    cleaned, n_control = clean_text(s)
    assert cleaned.tolist()[:2] == ["Alice", "Bob"]
    assert cleaned.isna().tolist() == [False, False, True, True, True, False, False]
    assert cleaned[5] == "a\tb"  # tabs inside text are legitimate
    assert cleaned[4] == "ok"
    assert n_control == 3  # cells 7, 9 and 4; zero-width and blanks are not counted
    assert cleaned.index.tolist() == [7, 3, 9, 1, 2, 5, 4]
    assert cleaned.dtype == "str"


def test_clean_text_keeps_text_otherwise_and_does_not_touch_the_input():
    s = text(["ＡＢＣ", "NA", "None", "张三"])
    before = s.copy()
    cleaned, n_control = clean_text(s)
    assert cleaned.tolist() == ["ＡＢＣ", "NA", "None", "张三"]  # no NFKC; "NA" is a real name
    assert n_control == 0
    pd.testing.assert_series_equal(s, before)


# --- clean_ids ----------------------------------------------------------------------------------

def test_online_retail_float_ids_lose_their_trailing_zero():
    s = text(["17850.0", "13047.0", None, "17850.0"], index=[2, 3, 4, 5])
    ids = clean_ids(s)
    assert ids.tolist()[:2] == ["17850", "13047"]
    assert pd.isna(ids[4])
    assert ids.index.tolist() == [2, 3, 4, 5]
    assert ids.dtype == "str"


def test_trailing_zero_is_kept_when_not_every_value_has_it():
    assert clean_ids(text(["12345", "12345.0"])).tolist() == ["12345", "12345.0"]
    assert clean_ids(text(["17850.0", "A17850.0"])).tolist() == ["17850.0", "A17850.0"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('="2891000000000000001"', "2891000000000000001"),
        ("'0123", "0123"),
        ("00123", "00123"),
        ("０１２３", "0123"),
        ("\u200b12345\ufeff", "12345"),
        ("  C-001  ", "C-001"),
    ],
)
def test_ids_are_unwrapped_and_keep_leading_zeros(raw, expected):
    assert clean_ids(text([raw, "X"])).iloc[0] == expected


def test_blank_ids_become_missing():
    assert clean_ids(text(["  ", "\u200b", '=""', None])).isna().all()


# --- mangled_id_example ---------------------------------------------------------------------------

def test_scientific_notation_is_an_excel_mangled_id():
    assert mangled_id_example(text(["1.10101E+17", "110101199001011234"])) == "1.10101E+17"


def test_long_ids_rounded_to_thousands_are_flagged():
    ids = text(["110101199001011000", "110101198512302000", "110101197707075000", "110101199001011234"])
    assert mangled_id_example(ids) == "110101199001011000"


def test_genuine_long_and_short_ids_are_not_flagged():
    assert mangled_id_example(text(["110101199001011234", "110101198512302045", "110101199001011000"])) is None
    assert mangled_id_example(text(["17850.0", "00123", None])) is None
    assert mangled_id_example(text([None, None])) is None


# --- parse_amounts --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.5", 12.5),
        ("1,234.50", 1234.5),
        ("1.234,50", 1234.5),
        ("1 234,50", 1234.5),
        ("¥1,299", 1299.0),
        ("￥88", 88.0),
        ("RMB 88", 88.0),
        ("rmb88", 88.0),
        ("CNY 7.5", 7.5),
        ("USD 3", 3.0),
        ("123.00元", 123.0),
        ("$5.50", 5.5),
        ("-$5.50", -5.5),
        ("$-5.50", -5.5),
        ("(5.50)", -5.5),
        ("($5.50)", -5.5),  # accounting style negative with a currency sign
        ("US$5.50", 5.5),
        ("HK$ 1,200.00", 1200.0),
        ("-$4.25", -4.25),  # Square refund line
        ("118.00元", 118.0),  # Taobao 打款商家金额
        ("¥-3", -3.0),
        ("€ 9,99", 9.99),
        ("£1,000,000", 1_000_000.0),
        ("１２３．４", 123.4),
        ("５０", 50.0),
        ("−3", -3.0),
        ("5.50-", -5.5),
        ("+7", 7.0),
        ("1.234.567", 1_234_567.0),
        ("1.5E+3", 1500.0),
    ],
)
def test_amount_written_one_way_is_read(raw, expected):
    result = parse_amounts(text([raw]))
    assert result.values.iloc[0] == pytest.approx(expected)
    assert not result.failed.iloc[0]


@pytest.mark.parametrize("raw", ["abc", "٣٤", "$", "-", "1,2,3", "(-5)", "-5-", "12.34.56", "1.2.3,4", "N/A", "XY$5",
                                 "five dollars"])
def test_unreadable_amount_fails(raw):
    result = parse_amounts(text([raw, "1"]))
    assert math.isnan(result.values.iloc[0])
    assert result.failed.tolist() == [True, False]


def test_missing_amounts_stay_nan_without_failing():
    result = parse_amounts(text([None, "  ", "3"], index=[10, 11, 12]))
    assert result.values.isna().tolist() == [True, True, False]
    assert result.failed.tolist() == [False, False, False]
    assert result.values.index.tolist() == [10, 11, 12]
    assert result.failed.index.tolist() == [10, 11, 12]
    assert result.values.dtype == "float64"
    assert result.failed.dtype == bool


def test_decimal_comma_column_reads_commas_as_decimals():
    result = parse_amounts(text(["12,5", "3", "1,234", "0,99"]))
    assert result.values.tolist() == pytest.approx([12.5, 3.0, 1.234, 0.99])
    assert result.decimal_comma
    assert result.example == "12,5"


def test_thousands_dot_with_decimal_comma_decides_the_column():
    result = parse_amounts(text(["1.234,50", "1,234", "1.234"]))
    assert result.values.tolist() == pytest.approx([1234.5, 1.234, 1234.0])
    assert result.decimal_comma
    assert result.example == "1.234,50"


def test_comma_thousands_column_is_not_decimal_comma():
    result = parse_amounts(text(["1,234", "12.5", "1,299"]))
    assert result.values.tolist() == pytest.approx([1234.0, 12.5, 1299.0])
    assert not result.decimal_comma
    assert result.example is None


def test_ambiguous_values_alone_are_read_with_comma_thousands():
    # "¥1,299" must stay 1299: a column with only 3-digit groups is not decimal-comma.
    result = parse_amounts(text(["¥1,299", "¥2,000"]))
    assert result.values.tolist() == [1299.0, 2000.0]
    assert not result.decimal_comma


def test_quantities_follow_the_amount_rules():
    result = parse_quantities(text(["1.0", "6", "-2", "1,000", "x"]))
    assert result.values.tolist()[:4] == [1.0, 6.0, -2.0, 1000.0]
    assert result.failed.tolist() == [False, False, False, False, True]


# --- parse_consent --------------------------------------------------------------------------------

ANSWERS = ["yes", "No", "是", "否", "1", "0", "TRUE", "同意", "不同意", "maybe", None]


def test_yes_under_a_consent_header_means_not_opted_out():
    opted_out = parse_consent(text(ANSWERS), header="营销同意")
    assert opted_out.tolist() == [False, True, False, True, False, True, False, False, True, pd.NA, pd.NA]
    assert opted_out.dtype == "boolean"
    assert opted_out.name == "opted_out"


@pytest.mark.parametrize("header", ["退订", "Unsubscribed", "opt_out", "是否拒收", "Do Not Contact"])
def test_yes_under_an_opt_out_header_means_opted_out(header):
    opted_out = parse_consent(text(ANSWERS), header=header)
    assert opted_out.tolist() == [True, False, True, False, True, False, True, True, False, pd.NA, pd.NA]


@pytest.mark.parametrize("header", ["Accepts Marketing", "退订"])
def test_state_words_mean_the_same_under_any_header(header):
    states = text(["退订", "Unsubscribed", "opted out", "免打扰", "opt-in", "subscribed"])
    opted_out = parse_consent(states, header=header)
    assert opted_out.tolist() == [True, True, True, True, False, False]


def test_consent_keeps_the_index():
    assert parse_consent(text(["y", "n"], index=[40, 41]), header="consent").index.tolist() == [40, 41]


# --- properties -----------------------------------------------------------------------------------

cells = st.lists(st.one_of(st.none(), st.text(), st.text(alphabet="0123456789.,-+()$¥元 E"), st.sampled_from(
    ["1,234.50", "1.234,50", "12,5", "(5)", "-$5.50", "１２３．４", "17850.0", '="0012"', "'0123"]
)), max_size=25)


def series_with_index(values, seed):
    index = np.random.default_rng(seed).permutation(len(values) * 3)[: len(values)]
    return pd.Series(values, index=index, dtype="str")


@settings(max_examples=150, deadline=None)
@given(cells, st.integers(0, 1000))
def test_amounts_never_raise_and_only_non_empty_cells_fail(values, seed):
    s = series_with_index(values, seed)
    result = parse_amounts(s)
    assert result.values.index.equals(s.index) and result.failed.index.equals(s.index)
    assert not result.failed[s.isna()].any()
    assert not (result.failed & result.values.notna()).any()


@settings(max_examples=150, deadline=None)
@given(cells, st.integers(0, 1000))
def test_ids_never_raise_and_keep_the_index(values, seed):
    s = series_with_index(values, seed)
    ids = clean_ids(s)
    assert ids.index.equals(s.index)
    assert ids[s.isna()].isna().all()
    assert ids.dtype == "str"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=20))
def test_formatted_amounts_parse_back(numbers):
    result = parse_amounts(text([f"{x:,.2f}" for x in numbers]))
    assert not result.failed.any()
    assert result.values.tolist() == pytest.approx([round(x, 2) for x in numbers], abs=0.006)
