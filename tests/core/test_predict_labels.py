"""Churn labels from orders (by hand, and against the sample's planted future period), reading yes/no target
columns in every accepted spelling, and guessing the target column from headers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from test_predict_features import tiny_orders

from crm_core import pipeline
from crm_core.customers import default_as_of
from crm_core.predict.labels import (
    NEGATIVE_WORDS,
    POSITIVE_WORDS,
    churn_labels,
    default_cutoff,
    guess_target,
    observed_end,
    parse_target,
)
from crm_core.sample.generator import SampleSpec
from crm_core.schema import DataError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
FIXTURES = ROOT / "tests" / "data" / "predict"


def _raw(name: str) -> pd.DataFrame:
    return pipeline.read((FIXTURES / name).read_bytes(), name).frame


# --- churn labels from orders (the tiny file's last line is 2025-04-10) ---

def test_observed_end_and_default_cutoff():
    orders = tiny_orders()
    assert observed_end(orders) == date(2025, 4, 11)
    assert default_cutoff(orders, 30) == date(2025, 3, 12)


def test_churn_labels_by_hand():
    labels = churn_labels(tiny_orders(), cutoff=date(2025, 3, 1), horizon_days=30)
    # before 2025-03-01: A (2025-01-10) and B (2025-02-15); in [03-01, 03-31) A bought on 03-10; B only returned
    # something on 03-05 (a return is not a purchase); C's first purchase (03-20) is after the cutoff
    assert labels.name == "churned" and labels.dtype == bool and labels.index.name == "customer_id"
    assert labels.to_dict() == {"A": False, "B": True}


def test_the_horizon_ends_before_its_last_day():
    orders = tiny_orders()
    # A bought on 2025-03-10: a 9-day horizon from 03-01 covers 03-01..03-09 only
    assert churn_labels(orders, cutoff=date(2025, 3, 1), horizon_days=9).to_dict() == {"A": True, "B": True}
    assert churn_labels(orders, cutoff=date(2025, 3, 1), horizon_days=10).to_dict() == {"A": False, "B": True}
    # the latest cutoff possible: 2025-03-12 + 30 days = 2025-04-11, the first day not observed
    labels = churn_labels(orders, cutoff=date(2025, 3, 12), horizon_days=30)
    assert labels.to_dict() == {"A": False, "B": True}  # A comes back on 04-10; C first bought on 03-20


def test_a_horizon_beyond_the_data_names_the_latest_cutoff():
    with pytest.raises(DataError) as raised:
        churn_labels(tiny_orders(), cutoff=date(2025, 3, 20), horizon_days=30)
    error = raised.value
    assert error.code == "predict_horizon_beyond_data"
    assert error.params["latest"] == date(2025, 3, 12) and error.params["longest"] == 22
    for lang in ("en", "zh"):
        text = error.text(lang)
        assert "2025-03-12" in text and "2025-04-10" in text and "2025-03-20" in text and "22" in text


def test_no_customer_before_the_cutoff_and_a_horizon_of_no_days_are_errors():
    with pytest.raises(DataError) as raised:
        churn_labels(tiny_orders(), cutoff=date(2025, 1, 1), horizon_days=30)
    assert raised.value.code == "predict_no_customers_before_cutoff" and "2025-01-10" in raised.value.text("zh")
    with pytest.raises(DataError) as raised:
        churn_labels(tiny_orders(), cutoff=date(2025, 3, 1), horizon_days=0)
    assert raised.value.code == "predict_horizon_too_short"


def test_the_samples_churn_labels_are_the_planted_future():
    loaded = pipeline.load((SAMPLE / "orders_zh.csv").read_bytes(), "orders_zh.csv").result.orders
    future = pipeline.load((SAMPLE / "orders_future_zh.csv").read_bytes(), "orders_future_zh.csv").result.orders
    both = pd.concat([loaded, future], ignore_index=True)
    cutoff = default_as_of(loaded)
    horizon = SampleSpec().future_days  # 90: 2026-01-01 .. 2026-03-31
    assert cutoff == SampleSpec().as_of == date(2026, 1, 1)
    assert observed_end(both) == cutoff + pd.Timedelta(days=horizon)
    labels = churn_labels(both, cutoff=cutoff, horizon_days=horizon)
    truth = pd.read_csv(SAMPLE / "truth.csv", dtype={"customer_id": str}).set_index("customer_id")
    common = labels.index.intersection(truth.index)
    assert len(common) == len(labels) == 700
    assert (labels[common] == truth.loc[common, "churned_in_future"].astype(bool)).all()
    assert labels.sum() == 372
    with pytest.raises(DataError, match="predict_horizon_beyond_data|2026-01-01"):  # the orders alone end first
        churn_labels(loaded, cutoff=cutoff, horizon_days=horizon)


# --- target columns ---

@pytest.mark.parametrize("word", sorted(POSITIVE_WORDS))
def test_every_positive_spelling(word):
    values = pd.Series([word, word.upper(), f"  {word} ", "no", None], dtype="str")
    parsed = parse_target(values, column="c")
    assert parsed.tolist() == [True, True, True, False] and parsed.index.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("word", sorted(NEGATIVE_WORDS))
def test_every_negative_spelling(word):
    values = pd.Series([word, word.title(), f" {word}\t", "yes"], dtype="str")
    assert parse_target(values, column="c").tolist() == [False, False, False, True]


def test_spellings_with_separators_full_width_and_non_text_columns():
    text = pd.Series(["Not_Churned", "not-churned", "ＹＥＳ", "１", "是 "], dtype="str")
    assert parse_target(text, column="c").tolist() == [False, False, True, True, True]
    assert parse_target(pd.Series([1, 0, 1]), column="c").tolist() == [True, False, True]
    assert parse_target(pd.Series([1.0, 0.0, None]), column="c").tolist() == [True, False]
    assert parse_target(pd.Series([True, False]), column="c").tolist() == [True, False]
    assert not set(POSITIVE_WORDS) & set(NEGATIVE_WORDS)


def test_unreadable_values_are_named():
    frame = _raw("target_unreadable.csv")
    with pytest.raises(DataError) as raised:
        parse_target(frame["churn"], column="churn")
    error = raised.value
    assert error.code == "predict_target_unreadable" and error.params["rows"] == 3
    assert error.text("en").startswith("Column churn should say yes or no") and "maybe, unknown" in error.text("en")
    assert "maybe、unknown" in error.text("zh") and "列 churn" in error.text("zh")


def test_one_answer_only_is_named():
    frame = _raw("target_one_class.csv")
    with pytest.raises(DataError) as raised:
        parse_target(frame["是否流失"], column="是否流失")
    error = raised.value
    assert error.code == "predict_target_one_class" and error.params["value"] == "否"
    assert "是否流失" in error.text("zh") and "（否）" in error.text("zh")
    with pytest.raises(DataError, match="empty in every row"):
        parse_target(pd.Series([None, " "], dtype="str"), column="x")


@pytest.mark.parametrize(("columns", "kind", "expected"), [
    (["customerID", "gender", "tenure", "Contract", "Churn"], "churn", "Churn"),
    (["age", "job", "poutcome", "duration", "y"], "response", "y"),
    (["客户编号", "城市", "是否流失"], "churn", "是否流失"),
    (["客户编号", "本月是否流失客户"], "churn", "本月是否流失客户"),
    (["RowNumber", "Exited", "Balance"], "churn", "Exited"),
    (["Customer", "Churn Value", "Churn Reason"], "churn", "Churn Value"),
    (["会员ID", "购买次数", "是否响应"], "response", "是否响应"),
    (["会员ID", "购买次数", "购买金额"], "response", None),  # 购买次数 is a count, not an answer
    (["id", "age", "balance"], "churn", None),
    (["id", "Responded"], "response", "Responded"),
])
def test_guess_target(columns, kind, expected):
    assert guess_target(columns, kind) == expected


def test_guess_target_kinds():
    with pytest.raises(ValueError, match="kind"):
        guess_target(["a"], "clv")
