"""Date parsing: every supported form, the day/month decision, failures, and round-trip properties."""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.ingest.values import parse_dates


def text(values, index=None):
    return pd.Series(values, index=index, dtype="str")


def one(raw, **options):
    result = parse_dates(text([raw]), **options)
    return result.values.iloc[0], bool(result.failed.iloc[0])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-01-05", "2023-01-05 00:00:00"),
        ("2023-01-05 12:00", "2023-01-05 12:00:00"),
        ("2023-01-05 08:26:07", "2023-01-05 08:26:07"),
        ("2023-01-05T08:26:07", "2023-01-05 08:26:07"),
        ("2023-01-05 08:26:07.250", "2023-01-05 08:26:07.250"),
        ("2023/1/5", "2023-01-05 00:00:00"),
        ("2023/1/5 8:26", "2023-01-05 08:26:00"),
        ("2023.1.5", "2023-01-05 00:00:00"),
        ("20230105", "2023-01-05 00:00:00"),
        ("2023年1月5日", "2023-01-05 00:00:00"),
        ("2024年01月05日 12:30:00", "2024-01-05 12:30:00"),
        ("2024年01月05日 12时30分", "2024-01-05 12:30:00"),
        ("2024年1月5日12点", "2024-01-05 12:00:00"),
        ("2023/1/5 下午 3:20:00", "2023-01-05 15:20:00"),
        ("2023/1/5 上午 11:20", "2023-01-05 11:20:00"),
        ("２０２３－０１－０５", "2023-01-05 00:00:00"),
        ("44931", "2023-01-05 00:00:00"),
        ("44931.0", "2023-01-05 00:00:00"),
        ("44931.75", "2023-01-05 18:00:00"),
        ("5 Jan 2023", "2023-01-05 00:00:00"),
        ("05-Jan-2023 8:26 PM", "2023-01-05 20:26:00"),
        ("January 5, 2023", "2023-01-05 00:00:00"),
        ("Sept. 5th, 2023 08:26", "2023-09-05 08:26:00"),
        ("2023-01-05 8:26 pm", "2023-01-05 20:26:00"),
    ],
)
def test_supported_forms(raw, expected):
    value, failed = one(raw)
    assert value == pd.Timestamp(expected)
    assert not failed


@pytest.mark.parametrize(
    "raw",
    ["2023-05-01 23:30:00 +0800", "2023-05-01 23:30:00+08:00", "2023-05-01T23:30:00Z", "2023-05-01T23:30:00-05:00",
     "2023-05-01 23:30 UTC", "2023-05-01T23:30:00.000+0800", "2023-05-01 23:30:00 -0500", "2023-05-01 23:30:00 -04:00",
     "2023/5/1 23:30:00 +0800", "2023-05-01 11:30:00 PM +0800"],
)
def test_time_zone_offsets_keep_the_local_wall_clock(raw):
    # Converting "+0800" to UTC would move a late-evening order to the previous or next day.
    value, failed = one(raw)
    assert value == pd.Timestamp("2023-05-01 23:30:00")
    assert value.tzinfo is None
    assert not failed


@pytest.mark.parametrize(
    "raw",
    ["junk", "0", "1", "20", "2023", "2023.0", "202301", "2023-02-30", "2023-13-01", "2023-01-05 25:00",
     "0023-01-05", "9999-01-01", "30000105", "12345678", "99999", "٢٠٢٣-٠١-٠٥", "5 Foo 2023", "1.5"],
)
def test_unreadable_dates_fail_and_never_become_1970(raw):
    value, failed = one(raw)
    assert pd.isna(value)
    assert failed


def test_missing_and_blank_cells_are_not_failures():
    result = parse_dates(text([None, "  ", "\u200b", "2023-01-05"], index=[9, 8, 7, 6]))
    assert result.failed.tolist() == [False, False, False, False]
    assert result.values.isna().tolist() == [True, True, True, False]
    assert result.values.index.tolist() == [9, 8, 7, 6]
    assert result.values.dtype == "datetime64[ns]"
    assert result.failed.dtype == bool


def test_mixed_formats_in_one_column():
    mixed = text(["2023-01-05", "44932", "2023年1月7日", "20230108", "09/01/2023", "oops"])
    result = parse_dates(mixed, day_first=True)
    assert result.values.tolist()[:5] == [pd.Timestamp(f"2023-01-0{d}") for d in (5, 6, 7, 8, 9)]
    assert result.failed.tolist() == [False] * 5 + [True]
    assert result.day_first_used is True
    assert not result.ambiguous


def test_day_first_when_a_first_field_exceeds_12():
    result = parse_dates(text(["05/01/2023", "13/01/2023", "5.2.2023", "06-01-23"]))
    assert result.values.tolist() == [pd.Timestamp(d) for d in ("2023-01-05", "2023-01-13", "2023-02-05", "2023-01-06")]
    assert result.day_first_used is True
    assert not result.ambiguous and result.example is None


def test_month_first_when_a_second_field_exceeds_12():
    result = parse_dates(text(["05/01/2023", "01/13/2023 8:26 PM", "1/5/23"]))
    expected = ["2023-05-01", "2023-01-13 20:26", "2023-01-05"]
    assert result.values.tolist() == [pd.Timestamp(d) for d in expected]
    assert result.day_first_used is False
    assert not result.ambiguous


def test_both_orders_present_majority_wins_and_the_others_fail():
    result = parse_dates(text(["13/01/2023", "14/01/2023", "01/13/2023", "05/01/2023"]))
    assert result.values.tolist() == [pd.Timestamp("2023-01-13"), pd.Timestamp("2023-01-14"), pd.NaT,
                                      pd.Timestamp("2023-01-05")]
    assert result.failed.tolist() == [False, False, True, False]
    assert result.day_first_used is True


def test_majority_counts_rows_not_distinct_values():
    result = parse_dates(text(["13/01/2023", "01/13/2023", "01/13/2023"]))
    assert result.day_first_used is False
    assert result.failed.tolist() == [True, False, False]


def test_undecidable_order_is_ambiguous_and_read_month_first_provisionally():
    result = parse_dates(text(["05/01/2023", "06/02/2023", "2023-03-01"]))
    assert result.ambiguous
    assert result.example == "05/01/2023"
    assert result.day_first_used is False
    assert result.values.tolist()[:2] == [pd.Timestamp("2023-05-01"), pd.Timestamp("2023-06-02")]


def test_the_users_choice_settles_the_order():
    result = parse_dates(text(["05/01/2023", "06/02/2023"]), day_first=True)
    assert not result.ambiguous and result.example is None
    assert result.day_first_used is True
    assert result.values.tolist() == [pd.Timestamp("2023-01-05"), pd.Timestamp("2023-02-06")]
    forced = parse_dates(text(["13/01/2023"]), day_first=False)
    assert forced.failed.tolist() == [True]


def test_same_day_and_month_is_not_ambiguous():
    result = parse_dates(text(["05/05/2023", "01/01/24"]))
    assert not result.ambiguous
    assert result.values.tolist() == [pd.Timestamp("2023-05-05"), pd.Timestamp("2024-01-01")]


def test_no_day_month_year_values_reports_no_order():
    result = parse_dates(text(["2023-01-05", None]))
    assert result.day_first_used is None and not result.ambiguous


def test_two_digit_years_pivot_like_strftime():
    result = parse_dates(text(["5/1/68", "5/1/69", "5/1/00"]), day_first=True)
    assert [v.year for v in result.values] == [2068, 1969, 2000]


# --- properties -----------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.text(alphabet="0123456789/-.: 年月日TZ+APM")), max_size=25),
       st.sampled_from([None, True, False]), st.integers(0, 1000))
def test_dates_never_raise_and_only_non_empty_cells_fail(values, day_first, seed):
    index = np.random.default_rng(seed).permutation(len(values) * 3)[: len(values)]
    s = pd.Series(values, index=index, dtype="str")
    result = parse_dates(s, day_first=day_first)
    assert result.values.index.equals(s.index) and result.failed.index.equals(s.index)
    assert not result.failed[s.isna()].any()
    assert not (result.failed & result.values.notna()).any()
    assert result.values.dtype == "datetime64[ns]"
    assert (result.values.dropna() >= pd.Timestamp("1900-01-01")).all()


def excel_serial(day: date) -> str:
    return str((day - date(1899, 12, 30)).days)


# (formatter, day_first) for every supported form; D/M/Y forms are told their order.
FORMATS = [
    (lambda d: d.strftime("%Y-%m-%d"), None),
    (lambda d: f"{d.year}/{d.month}/{d.day}", None),
    (lambda d: d.strftime("%Y.%m.%d"), None),
    (lambda d: d.strftime("%Y%m%d"), None),
    (lambda d: f"{d.year}年{d.month}月{d.day}日", None),
    (lambda d: d.strftime("%Y年%m月%d日 12时30分"), None),
    (lambda d: d.strftime("%Y-%m-%dT23:59:59+0800"), None),
    (lambda d: d.strftime("%Y-%m-%d 00:00:00Z"), None),
    (lambda d: d.strftime("%d/%m/%Y"), True),
    (lambda d: d.strftime("%m/%d/%Y %H:%M"), False),
    (lambda d: f"{d.day}.{d.month}.{d.year}", True),
    (lambda d: d.strftime("%d-%m-%Y 11:59 PM"), True),
    (lambda d: d.strftime("%d %b %Y"), None),
    (lambda d: d.strftime("%B %d, %Y"), None),
]


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(FORMATS))
def test_formatted_dates_parse_back_to_the_same_day(day, form):
    formatter, day_first = form
    value, failed = one(formatter(day), day_first=day_first)
    assert not failed
    assert value.date() == day


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1910, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 86399))
def test_excel_serials_parse_back_to_the_same_moment(day, second):
    serial = f"{int(excel_serial(day)) + second / 86400:.10f}"
    value, failed = one(serial)
    assert not failed
    assert value == pd.Timestamp(datetime(day.year, day.month, day.day)) + pd.Timedelta(seconds=second)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1969, 1, 1), max_value=date(2068, 12, 31)))
def test_two_digit_year_slash_dates_parse_back(day):
    value, failed = one(day.strftime("%d/%m/%y"), day_first=True)
    assert not failed and value.date() == day
