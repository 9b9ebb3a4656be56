"""Labelled tables: a small customer table typed column by column, a past campaign's results joined to the order
features, the header guesses, and the real Telco and Bank files (skipped when ../shared/datasets is absent)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_predict_features import CUSTOMERS, tiny_orders

from crm_core import pipeline
from crm_core.predict.features import feature_kinds, order_features
from crm_core.predict.labels import guess_target
from crm_core.predict.table import (
    LabelledData,
    dropped_text,
    guess_id_column,
    propose_result_columns,
    response_dataset,
    table_dataset,
)
from crm_core.schema import DataError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "predict"
DATASETS = ROOT.parent / "shared" / "datasets"
TELCO = DATASETS / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
BANK = DATASETS / "bank_marketing" / "bank-full.csv"
NO_DATA = f"real data not found at {DATASETS} (shared/ is beside the checkout only in CI and the developers' workplace)"


def _raw(path: Path) -> pd.DataFrame:
    return pipeline.read(path.read_bytes(), path.name).frame


@pytest.fixture(scope="module")
def labelled():
    frame = _raw(FIXTURES / "customers_labelled.csv")
    return frame, table_dataset(frame, target="是否流失", id_column=guess_id_column(frame))


def test_a_small_customer_table_typed_column_by_column(labelled):
    frame, data = labelled
    assert isinstance(data, LabelledData)
    # M06 has no answer: 20 rows; churned: M01 M04 M08 M11 M15 M21
    assert data.X.index.name == "customer_id" and len(data.X) == 20 and "M06" not in data.X.index
    assert data.y.index.equals(data.X.index) and data.y.dtype == bool
    assert sorted(data.y[data.y].index) == ["M01", "M04", "M08", "M11", "M15", "M21"]
    assert feature_kinds(data.X) == (("年龄", "消费"), ("城市", "等级"))
    assert data.X.loc["M01", "年龄"] == 34.0 and np.isnan(data.X.loc["M04", "年龄"])
    # "n/a" is the one cell of 20 that is not a number: 95% read, so the column is numeric and that cell missing
    assert data.X["消费"].isna().sum() == 1 and np.isnan(data.X.loc["M05", "消费"])
    assert data.X.loc["M02", "消费"] == 80.0 and data.X["消费"].dtype == "float64"
    assert data.X["城市"].dtype == "str" and data.X.loc["M03", "城市"] == "北京"
    assert dict((reason, column) for column, reason in data.dropped) == {
        "no_target": "1 rows", "id": "会员ID", "unique_text": "姓名", "constant": "国家"}


def test_below_95_percent_numbers_a_column_is_categorical():
    frame = _raw(FIXTURES / "customers_labelled.csv")
    spoilt = frame.assign(消费=frame["消费"].mask(frame["会员ID"].isin(["M07", "M08"]), "很多"))  # 17 of 20: 85%
    data = table_dataset(spoilt, target="是否流失", id_column="会员ID")
    assert data.X["消费"].dtype == "str" and data.X.loc["M07", "消费"] == "很多"


def test_excluded_columns_and_rows_numbered_without_an_id(labelled):
    frame, _ = labelled
    data = table_dataset(frame.assign(备注=pd.Series(pd.NA, index=frame.index, dtype="str")), target="是否流失",
                         exclude=("年龄", "等级"))
    assert ("备注", "empty") in data.dropped
    assert data.X.index[:2].tolist() == ["row 2", "row 3"]  # the row numbers of the file (header = row 1)
    assert ("年龄", "excluded") in data.dropped and ("等级", "excluded") in data.dropped
    assert ("会员ID", "id") in data.dropped  # an id header with unique values is no feature either
    assert list(data.X.columns) == ["城市", "消费"]


def test_row_counters_id_headers_and_free_text_are_not_features():
    n = 300
    frame = pd.DataFrame({
        "RowNumber": [str(i) for i in range(1, n + 1)], "CustomerId": [str(15_000_000 + i) for i in range(n)],
        "Surname": [f"name{i % 200}" for i in range(n)],  # 200 distinct of 300: free text
        "Geography": ["France", "Spain", "Germany"] * 100, "Balance": [str(i * 10.5) for i in range(n)],
        "Exited": ["1", "0", "0"] * 100,
    }, dtype="str")
    data = table_dataset(frame, target="Exited")
    assert list(data.X.columns) == ["Geography", "Balance"]
    assert data.dropped == (("RowNumber", "id"), ("CustomerId", "id"), ("Surname", "unique_text"))
    assert data.y.sum() == 100


def test_table_errors_name_the_column():
    frame = _raw(FIXTURES / "customers_labelled.csv")
    with pytest.raises(DataError) as raised:
        table_dataset(frame, target="Churn")
    assert raised.value.code == "predict_target_missing" and "会员ID、姓名" in raised.value.text("zh")
    with pytest.raises(DataError, match="predict_id_column_missing|no column 客户号"):
        table_dataset(frame, target="是否流失", id_column="客户号")
    twice = frame.assign(会员ID=frame["会员ID"].replace({"M02": "M01"}))
    with pytest.raises(DataError) as raised:
        table_dataset(twice, target="是否流失", id_column="会员ID")
    assert raised.value.code == "predict_id_not_unique" and "M01" in raised.value.text("en")
    with pytest.raises(DataError) as raised:
        table_dataset(_raw(FIXTURES / "target_unreadable.csv"), target="churn")
    assert raised.value.code == "predict_target_unreadable"


def test_dropped_entries_in_words():
    assert dropped_text("customerID", "id") == "customerID: an identifier, not a feature."
    assert dropped_text("customerID", "id", "zh") == "customerID：编号，不作为特征。"
    assert dropped_text("1 rows", "no_target").startswith("1 row has no answer")
    assert dropped_text("3 customers", "no_history", "zh").startswith("3 位客户在活动日期之前没有购买记录")


@pytest.mark.parametrize(("columns", "expected"), [
    (["customerID", "gender", "Churn"], "customerID"),
    (["会员ID", "姓名"], "会员ID"),
    (["客户编号", "城市"], "客户编号"),
    (["Customer ID", "Name"], "Customer ID"),
    (["age", "job", "y"], None),
])
def test_guess_id_column(columns, expected):
    frame = pd.DataFrame({c: [f"{c}{i}" for i in range(3)] for c in columns}, dtype="str")
    assert guess_id_column(frame) == expected


def test_an_id_header_with_repeated_values_is_not_the_id():
    frame = pd.DataFrame({"customer id": ["a", "a", "b"], "会员编号": ["1", "2", "3"]}, dtype="str")
    assert guess_id_column(frame) == "会员编号"


@pytest.mark.parametrize(("columns", "expected"), [
    (["会员ID", "是否联系", "是否响应"], {"customer": "会员ID", "contacted": "是否联系", "responded": "是否响应"}),
    (["客户编号", "已联系", "购买"], {"customer": "客户编号", "contacted": "已联系", "responded": "购买"}),
    (["Customer ID", "Contacted", "Responded"],
     {"customer": "Customer ID", "contacted": "Contacted", "responded": "Responded"}),
    (["member id", "sent", "converted", "amount"], {"customer": "member id", "contacted": "sent",
                                                    "responded": "converted"}),
    (["客户", "响应"], {"customer": "客户", "contacted": None, "responded": "响应"}),
    (["a", "b"], {"customer": None, "contacted": None, "responded": None}),
    (["客户编号", "活动名称", "发送日期", "渠道", "是否联系", "是否响应", "是否核销"],  # the sample's campaign
     {"customer": "客户编号", "contacted": "是否联系", "responded": "是否响应"}),
    (["customer_id", "sent_date", "response_flag"], {"customer": "customer_id", "contacted": None,
                                                     "responded": "response_flag"}),
])
def test_propose_result_columns(columns, expected):
    assert propose_result_columns(columns) == expected


def test_a_campaigns_results_joined_to_the_features_at_its_date():
    results = _raw(FIXTURES / "campaign_results.csv")
    columns = propose_result_columns(results.columns)
    data = response_dataset(results, tiny_orders(), CUSTOMERS, as_of=date(2025, 4, 1), customer_col=columns["customer"],
                            responded_col=columns["responded"], contacted_col=columns["contacted"])
    # E was not contacted; D bought only after the campaign date; C answered yes on one of its two rows
    assert data.y.to_dict() == {"A": True, "B": False, "C": True}
    assert data.dropped == (("1 rows", "not_contacted"), ("1 customers", "no_history"))
    pd.testing.assert_frame_equal(data.X, order_features(tiny_orders(), CUSTOMERS, as_of=date(2025, 4, 1)))
    everyone = response_dataset(results.drop(columns="是否联系"), tiny_orders(), as_of=date(2025, 4, 1),
                                customer_col="会员ID", responded_col="是否响应")
    assert everyone.y.to_dict() == {"A": True, "B": False, "C": True}  # E has no history either


def test_campaign_results_errors():
    results = _raw(FIXTURES / "campaign_results.csv")
    with pytest.raises(DataError) as raised:
        response_dataset(results, tiny_orders(), as_of=date(2025, 4, 1), customer_col="客户",
                         responded_col="是否响应")
    assert raised.value.code == "predict_result_column_missing" and "（客户）" in raised.value.text("zh")
    with pytest.raises(DataError) as raised:
        response_dataset(results, tiny_orders(), as_of=date(2025, 1, 5), customer_col="会员ID",
                         responded_col="是否响应")
    assert raised.value.code == "predict_no_customers_before_cutoff"
    no_answer = results.assign(是否响应="否")
    with pytest.raises(DataError) as raised:
        response_dataset(no_answer, tiny_orders(), as_of=date(2025, 4, 1), customer_col="会员ID",
                         responded_col="是否响应")
    assert raised.value.code == "predict_target_one_class" and raised.value.params["value"] == "否"
    nobody = results.assign(是否联系="否")
    with pytest.raises(DataError, match="contacted"):
        response_dataset(nobody, tiny_orders(), as_of=date(2025, 4, 1), customer_col="会员ID",
                         responded_col="是否响应", contacted_col="是否联系")


@pytest.mark.realdata
@pytest.mark.skipif(not TELCO.exists(), reason=NO_DATA)
def test_telco_churn_table():
    frame = _raw(TELCO)
    assert len(frame) == 7043
    id_column, target = guess_id_column(frame), guess_target(frame.columns, "churn")
    assert (id_column, target) == ("customerID", "Churn")
    data = table_dataset(frame, target=target, id_column=id_column)
    assert len(data.X) == 7043 and data.X.index.is_unique and data.X.index[0] == "7590-VHVEG"
    assert data.y.sum() == 1869  # the published churn rate 26.5%
    assert data.X["TotalCharges"].dtype == "float64" and data.X["TotalCharges"].isna().sum() == 11
    assert data.X["tenure"].dtype == "float64" and data.X["tenure"].max() == 72
    assert data.X["Contract"].dtype == "str"
    assert set(data.X["Contract"]) == {"Month-to-month", "One year", "Two year"}
    numeric, categorical = feature_kinds(data.X)
    assert set(numeric) == {"SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"} and len(categorical) == 15
    assert data.dropped == (("customerID", "id"),)


@pytest.mark.realdata
@pytest.mark.skipif(not BANK.exists(), reason=NO_DATA)
def test_bank_marketing_table():
    frame = _raw(BANK)  # ';'-separated
    assert len(frame) == 45211 and guess_id_column(frame) is None
    target = guess_target(frame.columns, "response")
    assert target == "y"
    data = table_dataset(frame, target=target, exclude=("duration",))
    assert data.y.sum() == 5289 and len(data.y) == 45211
    assert "duration" not in data.X.columns and data.dropped == (("duration", "excluded"),)
    assert data.X["balance"].dtype == "float64" and data.X["job"].dtype == "str"


def test_guess_campaign_date_reads_the_one_day_of_a_date_column():
    from datetime import date

    from crm_core.predict.table import guess_campaign_date

    sent = pd.DataFrame({"客户编号": ["K1", "K2", "K3"], "发送日期": ["2025-11-02", "2025/11/02", None],
                         "是否响应": ["是", "否", "否"]})
    assert guess_campaign_date(sent) == ("发送日期", date(2025, 11, 2))
    spread = sent.assign(发送日期=["2025-11-02", "2025-11-03", "2025-11-04"])
    assert guess_campaign_date(spread) is None  # no single day: she enters it
    assert guess_campaign_date(sent.rename(columns={"发送日期": "渠道"})) is None  # not a date header
