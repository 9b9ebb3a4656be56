"""Outcome words in both languages, the outcomes file's columns, exported lists read back, and the clean table
with every excluded row and its reason."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.export import ListOptions, ListRequest
from crm_core.measure.outcomes import (
    FIELDS,
    OUTCOME_LABELS,
    OUTCOMES,
    REASONS,
    TABLE_COLUMNS,
    OutcomeColumns,
    is_success,
    outcome_table,
    parse_group,
    parse_outcome,
    propose_outcome_columns,
    read_exported_list,
)
from crm_core.messages import MESSAGES, Localized, render
from crm_core.pipeline import read
from crm_core.predict.churn import Prediction, retention_list
from crm_core.predict.scores import RetentionList, retention_list_columns, retention_table
from crm_core.schema import DataError
from crm_core.segment import campaign as cp
from crm_core.segment import rfm
from crm_core.settings import Scope

DATA = Path(__file__).resolve().parents[1] / "data" / "measure_results"
AS_OF = date(2026, 1, 1)


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


# --------------------------------------------------------------------------------------------------- groups
@pytest.mark.parametrize(("word", "group"), [
    ("target", "target"), ("Treatment", "target"), ("test", "target"), ("contacted", "target"), ("目标组", "target"),
    ("实验组", "target"), ("Target - Spring win-back", "target"), ("目标组 - 春季召回", "target"),
    ("control", "control"), ("Holdout", "control"), ("hold-out", "control"), ("对照组", "control"),
    ("控制组", "control"), ("Control - Spring win-back", "control"), ("对照组 - 春季召回", "control"),
])
def test_group_words_and_the_apps_sheet_names(word, group):
    assert parse_group(pd.Series([word]), column="group").tolist() == [group]


def test_unreadable_groups_name_the_column_and_values():
    frame = read((DATA / "group_unreadable.csv").read_bytes(), "group_unreadable.csv").frame
    with pytest.raises(DataError) as caught:
        parse_group(frame["group"], column="group")
    assert caught.value.code == "cr_group_unreadable"
    assert caught.value.text("en").startswith("Column group: 2 values are neither a target nor a control group")
    assert "\u201cvip\u201d" in caught.value.text("en") and "\u201cpilot\u201d" in caught.value.text("zh")
    assert "列 group 中有 2 个值既不是目标组也不是对照组" in caught.value.text("zh")


# -------------------------------------------------------------------------------------------------- columns
def test_columns_are_proposed_from_english_and_chinese_headers():
    headers = ["客户编号", "清单编号", "活动名称", "组别", "优惠方案", "渠道", "坐席", "结果", "成交金额", "发送日期"]
    assert propose_outcome_columns(headers) == dict(zip(FIELDS, headers, strict=True))
    en = propose_outcome_columns(["customer_id", "list_id", "campaign", "group", "offer", "channel", "agent",
                                  "outcome", "revenue", "sent_date"])
    assert en["variant"] == "offer" and en["customer"] == "customer_id" and en["sent_date"] == "sent_date"
    other = propose_outcome_columns(["会员ID", "List ID", "Campaign Name", "Variant", "Sales Rep", "Status",
                                     "Order Amount", "Sent Date", "客服"])
    assert other == {"customer": "会员ID", "list_id": "List ID", "campaign": "Campaign Name", "group": None,
                     "variant": "Variant", "channel": None, "agent": "Sales Rep", "outcome": "Status",
                     "revenue": "Order Amount", "sent_date": "Sent Date"}
    assert propose_outcome_columns(["Report", "Rep"])["agent"] == "Rep"  # "rep" is not found inside "Report"


def test_a_file_whose_columns_cannot_be_recognised_says_so():
    frame = read((DATA / "unrecognised_columns.csv").read_bytes(), "unrecognised_columns.csv").frame
    proposal = propose_outcome_columns(frame.columns)
    assert proposal == dict.fromkeys(FIELDS)
    with pytest.raises(DataError) as caught:
        OutcomeColumns.from_proposal(proposal)
    assert caught.value.code == "cr_no_outcome_column"
    assert "No column of this file looks like the outcome" in caught.value.text("en")
    assert "文件中没有一列像是结果列" in caught.value.text("zh")


# ------------------------------------------------------------------------------------------ the clean table
def _frame(name: str) -> pd.DataFrame:
    return read((DATA / name).read_bytes(), name).frame


def test_every_row_is_used_or_excluded_with_its_reason():
    frame = _frame("outcomes_problems.csv")
    got = outcome_table(frame, OutcomeColumns(outcome="outcome", customer="customer_id", group="group",
                                              revenue="revenue"))
    assert got.table["customer_id"].tolist() == ["C001", "C007", "C009"]
    assert got.table["group"].tolist() == ["target", "control", "control"]
    assert got.table["outcome"].tolist() == ["success", "no_purchase", "success"]
    assert got.table["success"].tolist() == [True, False, True] and got.table["revenue"].tolist() == [100, 0, 30]
    assert list(got.table.columns) == list(TABLE_COLUMNS)
    assert got.excluded.to_dict("records") == [
        {"row": 3, "reason": "cr_reason_no_customer", "value": ""},
        {"row": 4, "reason": "cr_reason_no_outcome", "value": ""},
        {"row": 5, "reason": "cr_reason_outcome_unreadable", "value": "maybe later?"},
        {"row": 6, "reason": "cr_reason_group_unreadable", "value": "vip"},
        {"row": 7, "reason": "cr_reason_duplicate", "value": "C001"},
        {"row": 9, "reason": "cr_reason_revenue_unreadable", "value": "lots"},
    ]
    assert len(got.table) + len(got.excluded) == len(frame)
    assert set(REASONS) <= set(MESSAGES) and render("cr_reason_duplicate", "zh") == "同一名单上的重复客户"


def test_the_sample_like_fixture_reads_the_same_in_both_languages():
    tables = {}
    for lang in ("en", "zh"):
        frame = _frame(f"outcomes_{lang}.csv")
        columns = OutcomeColumns.from_proposal(propose_outcome_columns(frame.columns))
        tables[lang] = outcome_table(frame, columns).table
        assert tables[lang]["group"].value_counts().to_dict() == {"target": 400, "control": 100}
        assert int(tables[lang]["success"].sum()) == 93  # 84 target + 9 control
    assert tables["en"]["outcome"].tolist() == tables["zh"]["outcome"].tolist()
    assert tables["en"]["revenue"].sum() == pytest.approx(tables["zh"]["revenue"].sum())
    assert tables["zh"]["sent_date"].iloc[0] == pd.Timestamp("2026-01-05")


def test_a_missing_column_a_useless_outcome_column_and_nothing_left_are_errors():
    frame = _frame("outcomes_en.csv")
    with pytest.raises(DataError) as caught:
        outcome_table(frame, OutcomeColumns(outcome="outcome", agent="caller"))
    assert caught.value.code == "cr_unknown_column" and "chosen for Agent is not in the file" in str(caught.value)
    assert "为“坐席”选择的列 caller 不在文件中" in caught.value.text("zh")
    with pytest.raises(DataError) as caught:
        outcome_table(frame, OutcomeColumns(outcome="channel"))
    assert caught.value.code == "cr_outcome_unreadable"
    with pytest.raises(DataError) as caught:
        outcome_table(_frame("all_excluded.csv"), OutcomeColumns(outcome="outcome", customer="customer_id"))
    assert caught.value.code == "cr_no_rows_used"
    assert caught.value.text("en") == ("None of the 2 rows could be used (no outcome; no customer ID). Check the "
                                       "column mapping and the file.")
    assert "全部 2 行都无法使用（没有结果；没有客户编号）" in caught.value.text("zh")


# ------------------------------------------------------------------------------------------ exported lists
@pytest.fixture(scope="module")
def small():
    """The small orders file loaded and RFM-scored as of 2026-01-01 (the lists' source)."""
    data = (DATA / "orders_small.csv").read_bytes()
    loaded = pipeline.load(data, "orders_small.csv")
    scored = pipeline.rfm_scores(loaded.result, as_of=AS_OF)
    return data, loaded.result, scored


def _workbook(small, segmentation, table, lang="en", columns=None) -> bytes:
    data, result, _ = small
    built = pipeline.build_lists(table, ListRequest(segmentation, columns=columns, options=ListOptions(lang=lang)))
    made = pipeline.provenance(built, sources=(("orders_small.csv", pipeline.digest(data)),), result=result,
                               scored=table, as_of=AS_OF, scope=Scope(), params=rfm.RfmParams(), scheme_base="11",
                               generated_at=datetime(2026, 1, 2, 9, 0))
    return pipeline.to_workbook(built, made), made.list_id


def campaign_workbook(small, lang="en"):
    """A real campaign export: every customer of the small file, 30% held out (seed 0)."""
    _, _, scored = small
    campaign = cp.Campaign.of(Localized(en="Spring win-back", zh="春季召回"),
                              cp.Member("segment", tuple(scored["segment"].unique())), control_percent=30)
    return _workbook(small, campaign, campaign.table(scored), lang) + (campaign.table(scored),)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_campaign_export_reads_back_with_its_control_group(small, lang):
    book, list_id, chosen = campaign_workbook(small, lang)
    got = read_exported_list(book, "spring.xlsx")
    assert got.list_id == list_id and got.list_id.startswith("CMP-20260101-") and got.kind == "CMP"
    expected = chosen[["customer_id", "campaign_group"]].sort_values("customer_id")
    members = got.members.sort_values("customer_id")
    assert members["customer_id"].tolist() == expected["customer_id"].tolist()
    assert members["group"].tolist() == expected["campaign_group"].tolist()
    assert (members["group"] == "control").sum() == 6 and members["score"].isna().all()  # 30% of 20


def test_a_retention_export_reads_back_with_the_churn_risk(small):
    _, _, scored = small
    risk = {f"c{i:02d}": i / 20 for i in range(1, 21)}
    scores = pd.DataFrame({"p": pd.Series(risk, dtype=float)})
    scores.index.name = "customer_id"
    prediction = Prediction(kind="churn", comparison=pd.DataFrame(), model_name="forest", model=None,
                            evaluation=pd.DataFrame(), scores=scores, importance=pd.DataFrame(),
                            warnings=pd.DataFrame())
    table = retention_table(scored, retention_list(prediction, threshold=0.7, reasons=False))
    segmentation = RetentionList(threshold=0.7, model="forest", horizon_days=90)
    book, list_id = _workbook(small, segmentation, table, "zh", columns=retention_list_columns(table))
    got = read_exported_list(book, "retention.xlsx")
    assert got.kind == "CHURN" and got.list_id == list_id
    assert sorted(got.members["customer_id"]) == [f"c{i:02d}" for i in range(14, 21)]  # risk 0.70 .. 1.00
    assert dict(zip(got.members["customer_id"], got.members["score"], strict=True))["c14"] == pytest.approx(0.7)
    assert set(got.members["group"]) == {"挽留名单"}


@pytest.mark.parametrize(("name", "found_en", "found_zh"), [
    ("not_a_workbook.xlsx", "it is not an Excel workbook", "它不是 Excel 工作簿"),
    ("not_a_list.xlsx", "no list ID on a Summary sheet (sheets: Customers)", "概览工作表上没有清单编号"),
])
def test_a_file_that_is_not_an_exported_list_says_what_it_is(name, found_en, found_zh):
    with pytest.raises(DataError) as caught:
        read_exported_list((DATA / name).read_bytes(), name)
    assert caught.value.code == "cr_not_an_exported_list"
    assert caught.value.text("en") .startswith(f"{name} is not a list exported by this app: {found_en}.")
    assert found_zh in caught.value.text("zh")


def test_outcomes_match_an_exported_list_by_id_or_by_customer_and_take_its_groups(small):
    book, list_id, chosen = campaign_workbook(small)
    exported = read_exported_list(book, "spring.xlsx")
    groups = dict(zip(chosen["customer_id"], chosen["campaign_group"], strict=True))
    ids = sorted(groups)[:10] + ["zz"]
    outcomes = pd.DataFrame({"cid": ids, "list": list_id, "res": ["成功"] * 5 + ["未购买"] * 6},
                            index=range(2, 13), dtype="str")
    by_id = outcome_table(outcomes, OutcomeColumns(outcome="res", customer="cid", list_id="list"), lists=[exported])
    assert by_id.matched_lists == (list_id,)
    assert by_id.table["group"].tolist() == [groups[c] for c in ids[:10]]
    assert by_id.excluded.to_dict("records") == [{"row": 12, "reason": "cr_reason_not_on_list", "value": "zz"}]
    by_customer = outcome_table(outcomes.drop(columns="list"), OutcomeColumns(outcome="res", customer="cid"),
                                lists=[exported])
    assert by_customer.matched_lists == (list_id,) and set(by_customer.table["list_id"]) == {list_id}
    assert by_customer.table["group"].tolist() == by_id.table["group"].tolist()
    assert by_customer.excluded.to_dict("records") == by_id.excluded.to_dict("records")
    alone = outcome_table(outcomes, OutcomeColumns(outcome="res", customer="cid"))
    assert set(alone.table["group"]) == {"target"} and alone.matched_lists == ()
