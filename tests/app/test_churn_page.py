"""Churn page: the figures equal crm_core's on the same data, the threshold slider sets the retention list without
training again, the list downloads through the export path, and the page reads in both languages.

Two sources: the sample's orders (labels from the orders, expected values computed by crm_core on the same file,
never hard-coded) and a small Telco-like table (tests/data/app_predict/telco_small.csv: 240 customers, seeded,
46 churned, churn planted on month-to-month contracts and short tenure; a blank TotalCharges in three rows, as in
Telco), used without any orders loaded.  Choices use few test periods / folds to stay fast.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from app_helpers import APP, ROOT, SAMPLE, TIMEOUT, by_key, en, metrics, rerun, texts, zh
from streamlit.testing.v1 import AppTest

from crm_core import pipeline
from crm_core.predict.churn import ChurnChoice, run_churn
from crm_core.predict.models import MODEL_LABELS
from ui.predict_state import CHURN
from ui.state import DATASETS

PAGE = "app_pages/churn.py"
TELCO = ROOT / "tests" / "data" / "app_predict" / "telco_small.csv"  # the ``telco`` upload (conftest.py)
ORDERS_CHOICE = ChurnChoice(rolling=1)
TABLE_CHOICE = ChurnChoice(source="table", folds=3)


def open_page(*, lang: str = "en", datasets: dict | None = None, choice: ChurnChoice | None = None) -> AppTest:
    """The Churn page in a fresh session with ``datasets`` (kind -> Upload) and ``choice`` set before its first
    run."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if datasets:
        at.session_state[DATASETS] = dict(datasets)
    if choice is not None:
        at.session_state[CHURN] = choice
    at.switch_page(PAGE)
    return rerun(at)


def sheets(data: bytes) -> dict[str, pd.DataFrame]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = {}
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        end = next((i for i, r in enumerate(rows) if all(c is None for c in r)), len(rows))
        found[name] = pd.DataFrame(rows[1:end], columns=rows[0]) if rows else pd.DataFrame()
    return found


def comparison_frame(at: AppTest) -> pd.DataFrame:
    found = [d.value for d in at.main.dataframe if "auc_std" in d.value.columns]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def sample_prediction(sample_loaded):
    result = sample_loaded.result
    return run_churn(result.orders, result.customers, choice=ORDERS_CHOICE)


def telco_frame() -> pd.DataFrame:
    """The table as the app reads it."""
    return pipeline.read(TELCO.read_bytes(), TELCO.name).frame


@pytest.fixture(scope="module")
def telco_prediction():
    return run_churn(None, choice=TABLE_CHOICE, table=telco_frame())


def opted_out_ids() -> set[str]:
    raw = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8-sig")
    return set(raw.loc[raw["是否同意营销"] == "否", "客户编号"])


# ------------------------------------------------------------------------------------------------------ guards
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_orders_source_without_data_points_to_the_upload_and_the_table_source(lang):
    at = open_page(lang=lang)
    text = en if lang == "en" else zh
    assert texts(at.info) == [text("upload_first")]
    assert [link.label for link in at.main.page_link] == [text("go_to_upload")]
    assert text("pr_churn_table_hint") in texts(at.main.caption)


def test_table_source_without_a_table_asks_for_one():
    at = open_page(choice=ChurnChoice(source="table"))
    assert texts(at.info) == [en("pr_churn_table_first")]
    assert len(at.main.file_uploader) == 1 and at.main.file_uploader[0].label == en("pr_churn_table")


# ------------------------------------------------------------------------------------------------- the sample
def test_sample_trains_compares_three_models_and_the_threshold_sets_the_list(sample_upload, sample_prediction,
                                                                            downloads, monkeypatch):
    from ui import cached_predict

    calls = []
    real = cached_predict.run_churn

    def counting(*args, **kwargs):
        calls.append(kwargs["choice"])
        return real(*args, **kwargs)

    monkeypatch.setattr(cached_predict, "run_churn", counting)
    cached_predict._churn.clear()
    at = open_page(datasets={"orders": sample_upload}, choice=ORDERS_CHOICE)
    assert len(calls) == 1
    # The three models' cross-validated AUCs are crm_core's, best first.
    shown = comparison_frame(at)
    expected = sample_prediction.comparison
    assert len(shown) == 3
    assert list(shown["auc"]) == pytest.approx(list(expected["auc"].round(3)), abs=1e-9)
    assert list(shown["model"]) == [MODEL_LABELS[m].en for m in expected["model"]]
    # Well above chance on the held-out period.
    assert expected["auc"].iloc[0] > 0.7
    p = sample_prediction.scores["p"]
    assert metrics(at)[en("pr_listed")] == f"{int((p >= 0.7).sum()):,}"
    # The slider changes the list, not the models.
    by_key(at.main.slider, "churn_threshold").set_value(50)
    rerun(at)
    flagged = set(p.index[p >= 0.5].astype(str))
    assert metrics(at)[en("pr_listed")] == f"{len(flagged):,}"
    assert at.session_state[CHURN].threshold == 0.5
    assert len(calls) == 1
    # The list downloads through the export path: the flagged customers who did not opt out.
    book = sheets(downloads["churn_list_download"])
    listed = book["Retention list"]
    assert set(listed["Customer ID"]) == flagged - opted_out_ids()
    assert "Summary" in book
    assert [c for c in texts(at.main.caption) if "**CHURN-" in c]  # a retention list id
    assert list(listed["Value at risk"]) == sorted(listed["Value at risk"], reverse=True)  # most at risk first
    risks = listed.set_index("Customer ID")["Churn risk"]
    assert all(risks[c] == pytest.approx(p[c], abs=1e-6) for c in risks.index)


def test_chinese_page(sample_upload):
    at = open_page(lang="zh", datasets={"orders": sample_upload}, choice=ORDERS_CHOICE)
    assert texts(at.title) == [zh("nav_churn")]
    shown = metrics(at)
    assert {zh("pr_auc"), zh("pr_precision"), zh("pr_recall"), zh("pr_listed")} <= set(shown)
    assert len(comparison_frame(at)) == 3


# ------------------------------------------------------------------------------------------- a customer table
def test_telco_like_table_without_orders(telco, telco_prediction, downloads):
    at = open_page(datasets={"churn_table": telco}, choice=TABLE_CHOICE)
    # The churn and id columns are guessed from the headers.
    assert by_key(at.main.selectbox, "churn_target").value == "Churn"
    assert by_key(at.main.selectbox, "churn_id_column").value == "customerID"
    shown = comparison_frame(at)
    assert list(shown["auc"]) == pytest.approx(list(telco_prediction.comparison["auc"].round(3)), abs=1e-9)
    p = telco_prediction.scores["p"]
    assert metrics(at)[en("pr_listed")] == f"{int((p >= 0.7).sum()):,}"
    by_key(at.main.slider, "churn_threshold").set_value(30)
    rerun(at)
    flagged = set(p.index[p >= 0.3].astype(str))
    assert metrics(at)[en("pr_listed")] == f"{len(flagged):,}"
    # No value column: the list is by risk, and the sum of the risks is how many can be expected to leave.
    assert metrics(at)[en("pr_expected_leavers")] == f"{p[p >= 0.3].sum():,.1f}"
    assert not [d for d in at.main.dataframe if "value_at_risk" in d.value.columns]
    listed = sheets(downloads["churn_list_download"])["Retention list"]
    assert set(listed["Customer ID"].astype(str)) == flagged


def test_choosing_another_model_trains_it(telco, telco_prediction):
    at = open_page(datasets={"churn_table": telco}, choice=TABLE_CHOICE)
    other = [m for m in telco_prediction.comparison["model"] if m != telco_prediction.model_name][0]
    by_key(at.main.selectbox, "churn_model").set_value(other)
    rerun(at)
    assert at.session_state[CHURN].model == other
    # The comparison stays; the list now comes from the chosen model.
    chosen = run_churn(None, choice=replace(TABLE_CHOICE, model=other), table=telco_frame())
    assert chosen.model_name == other
    p = chosen.scores["p"]
    assert metrics(at)[en("pr_listed")] == f"{int((p >= 0.7).sum()):,}"


def test_excluding_a_column_trains_without_it(telco):
    at = open_page(datasets={"churn_table": telco}, choice=TABLE_CHOICE)
    by_key(at.main.multiselect, "churn_exclude").set_value(["Contract"])
    form_submit = [b for b in at.main.button if b.label == en("pr_train")]
    assert len(form_submit) == 1
    form_submit[0].click()
    rerun(at)
    assert at.session_state[CHURN].exclude == ("Contract",)
    assert any("Contract" in text for text in texts(at.main.markdown))


def test_fixture_is_what_the_docstring_says():
    frame = pd.read_csv(TELCO, dtype=str, keep_default_na=False)
    assert len(frame) == 240 and (frame["Churn"] == "Yes").sum() == 46
    assert (frame["TotalCharges"] == " ").sum() == 3
    assert Path(TELCO).exists()


# ---------------------------------------------------------------------------------------------- languages
def test_every_label_of_both_pages_in_both_languages():
    import re

    from ui.i18n import TEXT

    files = ("app_pages/churn.py", "app_pages/response.py", "ui/predict_view.py", "ui/predict_charts.py")
    used = set()
    for name in files:
        used |= set(re.findall(r"\bt\(\s*\"(prc?_[a-z_]+)\"", (ROOT / name).read_text(encoding="utf-8")))
    assert len(used) > 150  # the search finds the pages' labels
    kinds = ("churn", "response")
    used |= {f"pr_{key}_{kind}" for kind in kinds for key in (
        "trained", "comparison_caption", "precision_help", "recall_help", "quality_words", "gains_words", "positives",
        "rate", "cum_positives", "calibration_words", "threshold")}
    used |= {f"prc_{key}_{kind}" for kind in kinds for key in ("gains_y", "gains_title", "rate", "lift_subtitle",
                                                               "calib_y")}
    used |= {"pr_evaluation_churn_orders", "pr_evaluation_churn_cv", "pr_evaluation_response_cv",
             "pr_leak_near_perfect", "pr_leak_after_contact", "pr_contact_top_k", "pr_contact_deciles"}
    used |= {f"pr_churn_source_{s}" for s in ("orders", "table")} | {f"pr_response_source_{s}" for s in
                                                                      ("results", "table")}
    used |= {f"pr_view_{v}" for v in ("gains", "calibration", "importance")}
    assert not sorted(u for u in used if u not in TEXT)
    for key, (english, chinese) in TEXT.items():
        if key.startswith(("pr_", "prc_")):
            assert english.strip() and re.search(r"[\u4e00-\u9fff]", chinese), key
            assert set(re.findall(r"\{(\w+)", english)) == set(re.findall(r"\{(\w+)", chinese)), key


def test_a_table_uploaded_on_the_page_is_used_and_can_be_removed(telco_prediction):
    at = open_page(choice=TABLE_CHOICE)
    uploader = at.main.file_uploader[0]
    uploader.set_value((TELCO.name, TELCO.read_bytes(), "text/csv"))
    rerun(at)
    assert en("pr_table_in_use", name=TELCO.name) in texts(at.main.markdown)
    assert at.session_state[DATASETS]["churn_table"].name == TELCO.name
    p = telco_prediction.scores["p"]
    assert metrics(at)[en("pr_listed")] == f"{int((p >= 0.7).sum()):,}"
    by_key(at.main.button, "churn_table_remove").click()
    rerun(at)
    assert "churn_table" not in at.session_state[DATASETS]
    assert texts(at.info) == [en("pr_churn_table_first")]


# ------------------------------------------------------------------------------------------ charts, by hand
def chart_data(chart) -> list[dict]:
    """Every data row of a chart's spec (NaN or infinity anywhere fails: Vega-Lite data is JSON)."""
    import json

    spec = chart.to_dict()
    json.dumps(spec, allow_nan=False)
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.fixture
def english(monkeypatch):
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "en")


def test_gains_and_lift_charts_draw_the_gains_table(english):
    """Ten customers, one per tenth, scores 1.0 down to 0.1; the 1st, 2nd and 4th churned (3 of 10): the top
    tenth finds 1/3 of them (lift 3.33), two tenths 2/3, four tenths all."""
    from crm_core.predict.metrics import gains_table
    from ui import predict_charts

    y = [True, True, False, True, False, False, False, False, False, False]
    p = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    gains = gains_table(y, p)
    rows = chart_data(predict_charts.gains_chart(gains, kind="churn"))
    model = [r for r in rows if r["line"] == en("prc_model_line")]
    assert [r["share"] for r in model[:5]] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4])
    assert [r["found"] for r in model[:5]] == pytest.approx([0, 1 / 3, 2 / 3, 2 / 3, 1.0])
    assert [(r["share"], r["found"]) for r in rows if r["line"] == en("prc_random_line")] == [(0, 0), (1, 1)]
    lift = {r["decile"]: r["lift"] for r in chart_data(predict_charts.lift_chart(gains)) if "decile" in r}
    assert lift[1] == pytest.approx(10 / 3) and lift[3] == 0


def test_profit_chart_marks_the_best_k(english):
    """Scores 0.5, 0.3, 0.1, 0.05 at a cost of 1 and a margin of 10: profits 4, 6, 6, 5.5 for K = 1..4; the tie
    goes to fewer contacts, so the best K is 2."""
    from crm_core.predict.targeting import best_k, targeting_table
    from ui import predict_charts

    table = targeting_table([0.5, 0.3, 0.1, 0.05], cost_per_contact=1.0, margin_per_response=10.0)
    best = best_k(table)
    assert int(best["contacted"]) == 2
    rows = chart_data(predict_charts.profit_chart(table, best, currency="¥"))
    by_score = {r["contacted"]: r["profit"] for r in rows if r.get("line") == en("prc_by_score")}
    assert by_score == pytest.approx({0: 0, 1: 4, 2: 6, 3: 6, 4: 5.5})
    marks = [r for r in rows if "label" in r]
    assert marks == [{"contacted": 2, "profit": 6.0, "label": en("prc_best_k_label", k=2)}]


def test_quadrant_chart_draws_the_threshold_and_caps_the_points(english, monkeypatch):
    from ui import predict_charts

    quadrants = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "churn_risk": [0.9, 0.2, 0.8, 0.1],
                              "customer_value": [100.0, 100.0, 10.0, 10.0],
                              "quadrant": ["high_value_high_risk", "high_value_low_risk", "low_value_high_risk",
                                           "low_value_low_risk"]})
    rows = chart_data(predict_charts.quadrant_chart(quadrants, threshold=0.7))
    assert {"risk": 0.7} in rows and {"value": 55.0} in rows  # the threshold and the median value
    points = {r["customer_id"]: r for r in rows if "customer_id" in r}
    assert points["a"]["group"] == "High value, high risk: keep them" and points["a"]["at_risk"] == 90
    monkeypatch.setattr(predict_charts, "MAX_POINTS", 2)
    capped = predict_charts.quadrant_chart(quadrants, threshold=0.7)
    assert sorted(r["customer_id"] for r in chart_data(capped) if "customer_id" in r) == ["a", "b"]
    assert capped.to_dict()["title"]["subtitle"] == en("prc_quadrant_capped", shown=2, total=4)


def test_switching_source_proposes_the_new_best_model(sample_upload, telco):
    """The sample's orders and the Telco-like table have different best models (random forest, logistic
    regression at 5 folds): after the switch the new best is proposed, not the old one kept by the widget."""
    at = open_page(datasets={"orders": sample_upload, "churn_table": telco}, choice=ORDERS_CHOICE)
    first = by_key(at.main.selectbox, "churn_model").value
    by_key(at.main.segmented_control, "churn_source").set_value("table")
    rerun(at)
    expected = run_churn(None, choice=replace(ORDERS_CHOICE, source="table"), table=telco_frame()).comparison
    best = str(expected["model"].iloc[0])
    assert best != first  # the case the widget used to get wrong
    assert at.session_state[CHURN].model is None
    assert by_key(at.main.selectbox, "churn_model").value == best
