"""Response page: the targeting's best K equals crm_core's on the same scores, the columns known only after the
contact start excluded, the target list downloads through the export path, and the page reads in both languages.

Two sources: the demo campaign results with the sample's orders (expected values from crm_core on the same files,
never hard-coded), and a small Bank-like table (tests/data/app_predict/bank_small.csv, ``;``-separated: 240
customers, seeded, 83 responded; response planted on retired/student jobs and balance; ``duration`` is known only
after the call and all but gives the answer away), used without any orders loaded.
"""

from __future__ import annotations

import io
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest
from app_helpers import APP, ROOT, TIMEOUT, by_key, en, metrics, rerun, texts, zh
from streamlit.testing.v1 import AppTest

from crm_core import pipeline
from crm_core.predict import targeting
from crm_core.predict.response import ResponseChoice, run_response
from ui.predict_state import RESPONSE
from ui.samples import SAMPLE_CAMPAIGN_FILES
from ui.state import DATASETS

PAGE = "app_pages/response.py"
BANK = ROOT / "tests" / "data" / "app_predict" / "bank_small.csv"  # the ``bank`` upload (conftest.py)
TABLE_CHOICE = ResponseChoice(source="table", folds=3)


def open_page(*, lang: str = "en", datasets: dict | None = None, choice: ResponseChoice | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if datasets:
        at.session_state[DATASETS] = dict(datasets)
    if choice is not None:
        at.session_state[RESPONSE] = choice
    at.switch_page(PAGE)
    return rerun(at)


def first_sheet(data: bytes) -> pd.DataFrame:
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book[book.sheetnames[-1]].iter_rows(values_only=True))
    end = next((i for i, r in enumerate(rows) if all(c is None for c in r)), len(rows))
    return pd.DataFrame(rows[1:end], columns=rows[0])


def best_k_caption(at: AppTest) -> str:
    found = [c for c in texts(at.main.caption) if c.startswith("The profit curve peaks at K = ")]
    assert len(found) == 1
    return found[0]


def bank_frame() -> pd.DataFrame:
    """The table as the app reads it (rows without an id column are named by their row number in the file)."""
    return pipeline.read(BANK.read_bytes(), BANK.name).frame


@pytest.fixture(scope="module")
def bank_prediction():
    """crm_core's prediction on the table without the after-contact column."""
    return run_response(None, choice=replace(TABLE_CHOICE, exclude=("duration",)), table=bank_frame())


# ------------------------------------------------------------------------------------------------------ guards
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_results_source_without_orders_points_to_the_upload_and_the_table_source(lang):
    at = open_page(lang=lang)
    text = en if lang == "en" else zh
    assert texts(at.info) == [text("upload_first")]
    assert text("pr_response_table_hint") in texts(at.main.caption)


def test_results_source_with_orders_asks_for_results_and_offers_the_demo(sample_as_loaded):
    at = open_page(datasets={"orders": sample_as_loaded})
    assert texts(at.info) == [en("pr_results_first")]
    demo = SAMPLE_CAMPAIGN_FILES["en"].exists()
    assert bool([b for b in at.main.button if b.label == en("pr_demo_results")]) == demo


# ------------------------------------------------------------------------------------------- a customer table
def test_bank_like_table_after_contact_column_excluded_and_best_k(bank, bank_prediction, downloads, monkeypatch):
    from ui import cached_predict

    trained = []
    real = cached_predict.run_response

    def counting(*args, **kwargs):
        trained.append(kwargs["choice"])
        return real(*args, **kwargs)

    monkeypatch.setattr(cached_predict, "run_response", counting)
    cached_predict._response.clear()
    at = open_page(datasets={"response_table": bank}, choice=TABLE_CHOICE)
    # duration is known only after the call: excluded from the start, with a warning saying so.
    assert at.session_state[RESPONSE].exclude == ("duration",)
    assert en("pr_after_contact_excluded", column="duration") in texts(at.main.warning)
    assert by_key(at.main.selectbox, "response_target").value == "y"
    choice = replace(TABLE_CHOICE, exclude=("duration",))
    prediction = bank_prediction
    assert "duration" not in prediction.features
    shown = [d.value for d in at.main.dataframe if "auc_std" in d.value.columns][0]
    assert list(shown["auc"]) == pytest.approx(list(prediction.comparison["auc"].round(3)), abs=1e-9)
    table = targeting.targeting_table(prediction.scores["p"], cost_per_contact=choice.cost_per_contact,
                                      margin_per_response=choice.margin_per_response)
    best = int(targeting.best_k(table)["contacted"])
    assert best_k_caption(at) == en("pr_best_k_metric", k=best)
    # Contacting K: the metrics are the top K's expected responders, against the base rate at random.
    p = prediction.scores["p"].sort_values(ascending=False, kind="stable")
    assert metrics(at)[en("pr_contacts")] == f"{best:,}"
    assert metrics(at)[en("pr_expected_responders")] == f"{p.head(best).sum():,.1f}"
    # A cost change moves the best K without training again, and the list holds the top K.
    by_key(at.main.number_input, "response_cost").set_value(5.0)
    rerun(at)
    table = targeting.targeting_table(prediction.scores["p"], cost_per_contact=5.0,
                                      margin_per_response=choice.margin_per_response)
    best = int(targeting.best_k(table)["contacted"])
    assert best_k_caption(at) == en("pr_best_k_metric", k=best)
    by_key(at.main.number_input, "response_k").set_value(25)
    rerun(at)
    listed = first_sheet(downloads["response_list_download"])
    assert list(listed.iloc[:, 0].astype(str)) == list(p.head(25).index.astype(str))
    # Trained once, without the after-contact column: the cost and K changes only re-read the scores.
    assert [c.exclude for c in trained] == [("duration",)]


def test_top_deciles_contact_their_customers(bank, bank_prediction):
    at = open_page(datasets={"response_table": bank}, choice=replace(TABLE_CHOICE, exclude=("duration",)))
    at.session_state["response_reviewed_" + bank.digest] = True
    by_key(at.main.segmented_control, "response_mode").set_value("deciles")
    rerun(at)
    by_key(at.main.slider, "response_deciles").set_value(3)
    rerun(at)
    deciles = targeting.decile_of(bank_prediction.scores["p"].to_numpy())
    assert metrics(at)[en("pr_contacts")] == f"{int((deciles <= 3).sum()):,}"


def test_chinese_table_page(bank):
    at = open_page(lang="zh", datasets={"response_table": bank}, choice=TABLE_CHOICE)
    assert texts(at.title) == [zh("nav_response")]
    assert {zh("pr_auc"), zh("pr_contacts"), zh("pr_expected_profit")} <= set(metrics(at))


# ---------------------------------------------------------------------------------- the demo campaign results
def test_demo_campaign_results_train_and_target(sample_as_loaded, sample_loaded, downloads):
    at = open_page(datasets={"orders": sample_as_loaded}, choice=ResponseChoice(folds=3))
    [demo] = [b for b in at.main.button if b.label == en("pr_demo_results")]
    demo.click()
    rerun(at)
    chosen = at.session_state[RESPONSE]
    assert chosen.campaign_date is not None  # read from the file's send date
    results = pipeline.read(SAMPLE_CAMPAIGN_FILES["en"].read_bytes(), SAMPLE_CAMPAIGN_FILES["en"].name).frame
    result = sample_loaded.result
    prediction = run_response(result.orders, result.customers, choice=replace(chosen, model=None), results=results)
    shown = [d.value for d in at.main.dataframe if "auc_std" in d.value.columns][0]
    assert list(shown["auc"]) == pytest.approx(list(prediction.comparison["auc"].round(3)), abs=1e-9)
    table = targeting.targeting_table(prediction.scores["p"], cost_per_contact=chosen.cost_per_contact,
                                      margin_per_response=chosen.margin_per_response)
    best = int(targeting.best_k(table)["contacted"])
    assert best_k_caption(at) == en("pr_best_k_metric", k=best)
    assert metrics(at)[en("pr_contacts")] == f"{best:,}"
    # The target list (through the export path, with its list id): the top K who did not opt out.
    assert [c for c in texts(at.main.caption) if "**RESP-" in c]  # a response list id
    listed = first_sheet(downloads["response_list_download"])
    top = prediction.scores["p"].sort_values(ascending=False, kind="stable").head(best)
    raw = pd.read_csv(ROOT / "sample_data" / "orders_zh.csv", dtype=str, encoding="utf-8-sig")
    opted_out = set(raw.loc[raw["是否同意营销"] == "否", "客户编号"])
    assert set(listed["Customer ID"]) == set(top.index.astype(str)) - opted_out
    assert list(listed["Customer ID"]) == [c for c in top.index.astype(str) if c not in opted_out]  # best first


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_campaign_date_is_read_from_the_demo_results(lang):
    """Both demo files carry the send date on every row (2025-11-02 / 2025/11/2): the page proposes it."""
    from datetime import date

    from crm_core.predict.table import guess_campaign_date

    frame = pipeline.read(SAMPLE_CAMPAIGN_FILES[lang].read_bytes(), SAMPLE_CAMPAIGN_FILES[lang].name).frame
    assert guess_campaign_date(frame)[1] == date(2025, 11, 2)
    # Two dates, neither on 90% of the rows: she enters it.
    mixed = pd.DataFrame({"sent_date": ["2025-11-02"] * 8 + ["2025-11-09"] * 2, "customer": list("abcdefghij")})
    assert guess_campaign_date(mixed) is None
    assert guess_campaign_date(mixed.iloc[:8])[1] == date(2025, 11, 2)


def test_k_follows_the_best_k_until_she_types_one(bank, bank_prediction):
    choice = replace(TABLE_CHOICE, exclude=("duration",))
    at = open_page(datasets={"response_table": bank}, choice=choice)
    at.session_state["response_reviewed_" + bank.digest] = True
    by_key(at.main.number_input, "response_k").set_value(30)
    rerun(at)
    assert metrics(at)[en("pr_contacts")] == "30"
    by_key(at.main.number_input, "response_margin").set_value(40.0)  # the best K stays (everyone): so does K
    rerun(at)
    assert metrics(at)[en("pr_contacts")] == "30"
    by_key(at.main.number_input, "response_cost").set_value(8.0)  # a new best K: K follows it
    rerun(at)
    table = targeting.targeting_table(bank_prediction.scores["p"], cost_per_contact=8.0, margin_per_response=40.0)
    best = int(targeting.best_k(table)["contacted"])
    assert best != 30 and metrics(at)[en("pr_contacts")] == f"{best:,}"
    # The top tenths start at the tenth holding the best K.
    by_key(at.main.segmented_control, "response_mode").set_value("deciles")
    rerun(at)
    deciles = targeting.decile_of(bank_prediction.scores["p"].to_numpy())
    order = bank_prediction.scores["p"].sort_values(ascending=False, kind="stable").index
    tenth = int(pd.Series(deciles, index=bank_prediction.scores.index)[order[best - 1]])
    assert by_key(at.main.slider, "response_deciles").value == tenth
    assert metrics(at)[en("pr_contacts")] == f"{int((deciles <= tenth).sum()):,}"
