"""Model scores as deciles and fields (crm_core.predict.scores), and the retention list through the export path."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.export import ListOptions, ListRequest
from crm_core.export.provenance import list_id
from crm_core.predict.churn import ChurnChoice, Prediction, retention_list
from crm_core.predict.scores import (
    DECILES,
    RETENTION_LIST_COLUMNS,
    TARGET_COLUMN,
    TARGET_KEY,
    TOP_CLV_COLUMN,
    TOP_CLV_KEY,
    TOP_CLV_LIST_COLUMNS,
    RetentionList,
    ScoreDeciles,
    TargetList,
    TopClvList,
    deciles,
    retention_list_columns,
    retention_table,
    top_clv_table,
    with_scores,
)
from crm_core.schema import DataError
from crm_core.segment.base import Segmentation
from crm_core.settings import Scope


def _prediction(p: dict[str, float], **extra: dict[str, float]) -> Prediction:
    scores = pd.DataFrame({"p": pd.Series(p, dtype=float), **{k: pd.Series(v, dtype=float) for k, v in extra.items()}})
    scores.index.name = "customer_id"
    empty = pd.DataFrame()
    return Prediction(kind="churn", comparison=empty, model_name="forest", model=None, evaluation=empty,
                      scores=scores, importance=empty, warnings=empty)


class _Clv:
    """What with_scores reads of a ClvResult: its table."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table


def test_deciles_are_ten_equal_tenths_with_d1_the_highest():
    values = pd.Series({f"c{i:02d}": i / 100 for i in range(20)})  # c19 highest
    got = deciles(values)
    assert got["c19"] == "D1" and got["c18"] == "D1" and got["c17"] == "D2" and got["c00"] == "D10"
    assert got.value_counts().to_dict() == {f"D{n}": 2 for n in range(1, 11)}
    with_gap = deciles(pd.Series({"a": 0.5, "b": None, "c": 0.1}))
    assert with_gap["b"] is None and with_gap["a"] == "D1" and with_gap["c"] != "D1"


def test_with_scores_adds_the_fields_by_customer_and_keeps_deciles_of_everyone_scored():
    churn = _prediction({f"c{i:02d}": i / 100 for i in range(20)})
    response = _prediction({"c00": 0.9, "c01": 0.1})
    clv = _Clv(pd.DataFrame({"clv": [300.0, 100.0, 200.0], "prob_alive": [0.9, 0.5, 0.7]},
                            index=pd.Index(["c00", "c01", "c02"], name="customer_id")))
    table = pd.DataFrame({"customer_id": ["c19", "c00", "c01", "zz"], "monetary": [1.0, 2.0, 3.0, 4.0]})
    out = with_scores(table, churn=churn, response=response, clv=clv)
    assert list(out["customer_id"]) == ["c19", "c00", "c01", "zz"] and list(table.columns) == ["customer_id",
                                                                                                "monetary"]
    assert out["churn_risk"].tolist()[:3] == [0.19, 0.0, 0.01] and pd.isna(out["churn_risk"].iloc[3])
    # deciles ranked over the 20 scored customers, not the four rows of this table
    assert out["churn_decile"].tolist()[:3] == ["D1", "D10", "D10"] and pd.isna(out["churn_decile"].iloc[3])
    assert out["response_decile"].tolist()[1:3] == ["D1", "D6"]  # two scored: the lower one starts the 6th tenth
    assert out["response_propensity"].tolist()[1:3] == [0.9, 0.1]
    assert out["clv"].tolist()[1:3] == [300.0, 100.0] and out["clv_decile"].tolist()[1:3] == ["D1", "D7"]
    assert out["prob_alive"].tolist()[1:3] == [0.9, 0.5]
    only = with_scores(table.set_index("customer_id"), churn=churn)
    assert set(only.columns) == {"monetary", "churn_risk", "churn_decile"}


def test_score_deciles_are_a_named_and_advised_hashable_segmentation():
    for kind in ("churn", "response", "clv"):
        deciles_of = ScoreDeciles(kind)
        assert isinstance(deciles_of, Segmentation) and deciles_of.key_column == f"{kind}_decile"
        assert deciles_of.segments() == DECILES and hash(deciles_of) == hash(ScoreDeciles(kind))
        for key in DECILES:
            for field in ("name", "description", "action"):
                en, zh = deciles_of.text(key, field, "en"), deciles_of.text(key, field, "zh")
                assert en and zh and en != zh, (kind, key, field)
        assert deciles_of.text("D11", "name") == ""
    assert "highest churn risk" in ScoreDeciles("churn").text("D1", "name")
    assert "流失风险最高" in ScoreDeciles("churn").text("D1", "name", "zh")
    assert "响应概率最低" in ScoreDeciles("response").text("D10", "name", "zh")
    assert ScoreDeciles("churn").text("D1", "action") != ScoreDeciles("churn").text("D9", "action")
    with pytest.raises(DataError):
        ScoreDeciles("loyalty")
    assert ScoreDeciles("churn", ChurnChoice(horizon_days=60)).fingerprint()["choice"]["horizon_days"] == 60


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E"], "recency_days": [200, 150, 120, 5, 90],
        "frequency": [2, 5, 1, 9, 3], "monetary": [100.0, 400.0, 200.0, 10_000.0, 50.0],
        "last_order_date": pd.to_datetime(["2025-06-01"] * 5), "name": ["甲", "乙", "丙", "丁", "戊"],
        "phone": ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"],
    })


def test_a_retention_list_goes_through_the_export_path_and_reads_back():
    prediction = _prediction({"A": 0.9, "B": 0.75, "C": 0.7, "D": 0.69, "E": 0.95},
                             monetary={"A": 100.0, "B": 400.0, "C": 200.0, "D": 10_000.0, "E": 50.0})
    listed = retention_list(prediction, threshold=0.7)
    table = retention_table(_customers(), listed)
    assert list(table["customer_id"]) == ["B", "C", "A", "E"] and set(table["retention_list"]) == {"retention"}
    segmentation = RetentionList(threshold=0.7, model="forest", horizon_days=90, choice=ChurnChoice())
    columns = retention_list_columns(table)
    assert columns == tuple(c for c in RETENTION_LIST_COLUMNS if c not in ("channel", "email", "city"))
    request = ListRequest(segmentation, columns=columns, options=ListOptions(lang="zh"))
    built = pipeline.build_lists(table, request)
    assert list(built.sheets) == ["挽留名单"] and built.listed == {"retention": 4}
    book = openpyxl.load_workbook(io.BytesIO(pipeline.to_workbook(built)))
    sheet = book["挽留名单"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:4] == ["客户编号", "流失风险", "风险价值", "客户价值"]
    body = pd.DataFrame(rows[1:], columns=header)
    assert set(body["客户编号"]) == {"A", "B", "C", "E"}  # D (risk 0.69) stays off
    by_id = body.set_index("客户编号")
    assert by_id.loc["B", "风险价值"] == pytest.approx(300.0) and by_id.loc["E", "流失风险"] == pytest.approx(0.95)
    assert sheet.cell(row=2, column=2).number_format == "0.0%"  # churn risk is a percent
    assert sheet.cell(row=2, column=3).number_format == "#,##0.00"  # value at risk is money
    summary = built.summary.iloc[0]
    assert "90" in summary["说明"] and "70%" in summary["说明"] and "随机森林" in summary["说明"]
    english = RetentionList(threshold=0.7, model="forest", horizon_days=90).text("retention", "description")
    assert "70%" in english and "random forest" in english and "90 days" in english


def test_retention_lists_get_list_ids_that_follow_the_choice():
    request = ListRequest(RetentionList(threshold=0.7, model="forest", choice=ChurnChoice()))
    other = ListRequest(RetentionList(threshold=0.8, model="forest", choice=ChurnChoice()))
    from datetime import date

    from crm_core.segment import rfm

    ids = [list_id(["abc"], as_of=date(2026, 1, 1), first_day=None, scope=Scope(), params=rfm.RfmParams(),
                   request=r) for r in (request, other, request)]
    assert ids[0] == ids[2] != ids[1]


# ------------------------------------------------------------------- the target list and the top-CLV list
def _list_id(segmentation) -> str:
    from datetime import date

    from crm_core.segment import rfm

    return list_id(["abc"], as_of=date(2026, 1, 1), first_day=None, scope=Scope(), params=rfm.RfmParams(),
                   request=ListRequest(segmentation))


def test_target_list_says_who_and_why_in_both_languages():
    target = TargetList(k=1200, model="forest")
    assert isinstance(target, Segmentation) and target.key_column == TARGET_COLUMN == "target_list"
    assert target.segments() == (TARGET_KEY,) == ("target",) and target.sort_column == "response_propensity"
    assert [target.text("target", f) for f in ("name", "description", "action", "channel")] == [
        "Target list", "The 1,200 customers most likely to respond (model: random forest)",
        "Include them in the next campaign, most likely to respond first", "The campaign's channel"]
    assert [target.text("target", f, "zh") for f in ("name", "description", "action", "channel")] == [
        "目标名单", "响应概率最高的 1,200 位客户（模型：随机森林）", "纳入下一次活动，按响应概率从高到低联系",
        "活动渠道"]
    assert TargetList(k=3, model="my_model").text("target", "description") == (
        "The 3 customers most likely to respond (model: my_model)")  # an unknown model keeps its name
    assert target.text("top", "name") == "" and target.text("target", "sort", "zh") == ""


def test_target_list_fingerprint_follows_k_model_and_choice():
    from crm_core.predict.response import ResponseChoice

    choice = ResponseChoice()
    target = TargetList(k=10, model="logistic", choice=choice)
    assert target.fingerprint() == {"response": choice.to_dict(), "scores": "response", "groups": "top_k", "k": 10,
                                    "model": "logistic"}
    assert TargetList(k=10).fingerprint()["response"] is None and hash(target) == hash(
        TargetList(k=10, model="logistic", choice=choice))
    ids = [_list_id(t) for t in (target, TargetList(k=11, model="logistic", choice=choice), target)]
    assert ids[0].startswith("RESP-20260101-") and ids[0] == ids[2] != ids[1]


def test_top_clv_list_says_who_and_why_in_both_languages():
    top = TopClvList(1500, method="model")
    assert isinstance(top, Segmentation) and top.key_column == TOP_CLV_COLUMN == "clv_list"
    assert top.segments() == (TOP_CLV_KEY,) == ("top",) and top.sort_column == "clv"
    assert [top.text("top", f) for f in ("name", "description", "action")] == [
        "Top 1,500 by lifetime value",
        "The 1,500 customers with the highest estimated lifetime value (Probabilistic model)",
        "Keep them close: service first, loyalty benefits, early access rather than discounts"]
    assert [top.text("top", f, "zh") for f in ("name", "description", "action")] == [
        "终身价值前 1,500 名", "估算终身价值最高的 1,500 位客户（概率模型）",
        "重点维护：优先服务、会员权益、新品抢先体验，而不是打折"]
    formula = TopClvList(20, method="formula")
    assert formula.text("top", "description") == "The 20 customers with the highest estimated lifetime value (Formula)"
    assert formula.text("top", "description", "zh") == "估算终身价值最高的 20 位客户（公式）"
    assert top.text("top", "channel") == "" and top.text("target", "name") == ""


def test_top_clv_list_fingerprint_follows_the_choice_and_length():
    from crm_core.predict.clv import ClvChoice

    assert TopClvList(5).choice == ClvChoice() and TopClvList(5) == TopClvList(5, choice=ClvChoice())
    six = ClvChoice(horizon_months=6)
    assert TopClvList(5, choice=six).fingerprint() == {"clv": six.to_dict(), "list": "top", "n": 5}
    ids = [_list_id(t) for t in (TopClvList(5), TopClvList(6), TopClvList(5, choice=six), TopClvList(5))]
    assert ids[0].startswith("CLV-20260101-") and ids[0] == ids[3] and len(set(ids)) == 3


def test_top_clv_list_goes_through_the_export_path_most_valuable_first():
    valued = pd.DataFrame({"customer_id": ["D", "B", "C", "A", "E"], "clv": [900.0, 500.0, 400.0, 90.0, 10.0],
                           "monetary": [1.0, 9_000.0, 5.0, 4.0, 3.0], "recency_days": [5, 9, 30, 60, 90],
                           "frequency": [3, 8, 2, 1, 1]})
    table = top_clv_table(valued, 3)
    assert list(table["customer_id"]) == ["D", "B", "C"] and set(table[TOP_CLV_COLUMN]) == {"top"}
    assert TOP_CLV_COLUMN not in valued.columns  # the input is not changed
    columns = tuple(c for c in TOP_CLV_LIST_COLUMNS if c in table.columns)
    built = pipeline.build_lists(table, ListRequest(TopClvList(3), columns=columns, options=ListOptions(lang="en")))
    assert list(built.sheets) == ["Top 3 by lifetime value"] and built.listed == {"top": 3}
    frame = built.sheets["Top 3 by lifetime value"]
    assert frame.iloc[:, 0].tolist() == ["D", "B", "C"]  # by lifetime value, not by spend (B spent the most)
