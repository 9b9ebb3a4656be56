"""Outcome words in both languages, the outcomes file's columns, exported lists read back, and the clean table
with every excluded row and its reason."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crm_core.measure.outcomes import OUTCOME_LABELS, OUTCOMES, is_success, parse_outcome
from crm_core.pipeline import read
from crm_core.schema import DataError

DATA = Path(__file__).resolve().parents[1] / "data" / "measure_results"


@pytest.mark.parametrize(("word", "code"), [
    ("success", "success"), (" Converted ", "success"), ("BOUGHT", "success"), ("yes", "success"), ("1", "success"),
    ("成功", "success"), ("成交", "success"), ("已购买", "success"), ("是", "success"),
    ("refused", "refused"), ("Declined", "refused"), ("拒绝", "refused"), ("不需要", "refused"),
    ("considering", "considering"), ("maybe", "considering"), ("考虑中", "considering"), ("待定", "considering"),
    ("再联系", "considering"),
    ("no answer", "no_answer"), ("No_Answer", "no_answer"), ("busy", "no_answer"), ("未接通", "no_answer"),
    ("无人接听", "no_answer"), ("关机", "no_answer"),
    ("no purchase", "no_purchase"), ("no", "no_purchase"), ("0", "no_purchase"), ("false", "no_purchase"),
    ("未购买", "no_purchase"), ("否", "no_purchase"),
])
def test_outcome_words_in_both_languages(word, code):
    assert parse_outcome(pd.Series([word]), column="outcome").tolist() == [code]


def test_every_outcome_has_labels_in_both_languages():
    assert set(OUTCOME_LABELS) == set(OUTCOMES)
    assert OUTCOME_LABELS["no_answer"].text("zh") == "未接通" and OUTCOME_LABELS["no_answer"].text("en") == "no answer"


def test_blanks_stay_missing_and_are_not_successes():
    values = pd.Series(["成功", pd.NA, "未购买", "success"])
    assert parse_outcome(values, column="结果").isna().tolist() == [False, True, False, False]
    assert is_success(values, column="结果").tolist() == [True, False, False, True]


def test_unreadable_outcomes_name_the_column_and_values():
    frame = read((DATA / "outcome_unreadable.csv").read_bytes(), "outcome_unreadable.csv").frame
    with pytest.raises(DataError) as caught:
        parse_outcome(frame["outcome"], column="outcome")
    assert caught.value.code == "cr_outcome_unreadable"
    english = caught.value.text("en")
    assert "Column outcome: 2 values" in english and "\u201cmaybe later?\u201d" in english
    assert "列 outcome 中有 2 个值" in caught.value.text("zh") and "\u201cbought it\u201d" in caught.value.text("zh")
