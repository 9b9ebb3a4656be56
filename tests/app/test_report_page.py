"""Report page: built in English and Chinese from the session's orders, outcomes and sales (as the sidebar's Load
sample leaves them), one status step per section, a summary line per section, the HTML and Excel downloads, and
the preview; a section without its input says why; personal data masked unless asked for."""

from __future__ import annotations

import io

import openpyxl
import pytest
from app_helpers import APP, ROOT, SAMPLE, TIMEOUT, en, rerun, zh
from streamlit.testing.v1 import AppTest

from crm_core.export._xlsx import valid_sheet_names
from crm_core.measure.report import ReportChoice
from crm_core.measure.report_texts import word
from crm_core.messages import render
from crm_core.predict.churn import ChurnChoice
from ui.predict_state import CHURN
from ui.state import DATASETS, make_upload

PAGE = "app_pages/report.py"
SAMPLES = ROOT / "sample_data"
FAST_CHURN = ChurnChoice(models=("logistic",), rolling=2)


def session(lang: str, *, outcomes: bool = True, sales: bool = True) -> dict:
    tables = {"orders": make_upload([(SAMPLE.name, SAMPLE.read_bytes())])}
    if outcomes:
        path = SAMPLES / f"campaign_outcomes_{lang}.csv"
        tables["campaign_outcomes"] = make_upload([(path.name, path.read_bytes())])
    if sales:
        path = SAMPLES / f"daily_sales_{lang}.csv"
        tables["sales_history"] = make_upload([(path.name, path.read_bytes())])
    return tables


def open_page(lang: str, choice: ReportChoice, **tables) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state[DATASETS] = session(lang, **tables)
    at.session_state["measure_report"] = choice
    at.session_state[CHURN] = FAST_CHURN
    at.switch_page(PAGE)
    return rerun(at)


def build(at: AppTest) -> AppTest:
    at.button(key="rp_build").click()
    return rerun(at)


@pytest.mark.parametrize(("lang", "sections"), [
    ("en", ("data_quality", "segments", "campaign_results", "forecast")),
    ("zh", ("data_quality", "segments", "clv", "campaign_results"))])
def test_build_in_both_languages(lang, sections, downloads):
    n = len(sections)
    at = open_page(lang, ReportChoice(sections=sections, top_n=5))
    text = en if lang == "en" else zh
    assert at.title[0].value == text("nav_report")
    assert at.button(key="rp_build").label == text("rp_build")
    at = build(at)
    status = at.main.status[0]
    assert status.label.startswith(text("rp_built", done=n, total=n, seconds=0.0).split("0.0")[0])
    steps = [m.value for m in status.markdown]
    assert steps == [text("rp_step", n=i, total=n, title=word(k, lang)) for i, k in enumerate(sections, 1)]
    summary = "\n".join(m.value for m in at.main.markdown)
    for key in sections:
        assert text("rp_section_done", title=word(key, lang)) in summary
    html = downloads["rp_download_html"].decode("utf-8")
    assert word("report_title", lang) in html and "<script" not in html
    assert html.count("<svg") >= n
    assert word("lift_table", lang) in html  # the outcomes' control group, read as the CLI reads it
    book = openpyxl.load_workbook(io.BytesIO(downloads["rp_download_xlsx"]))
    assert book.sheetnames[0] == word("contents", lang)
    titles = valid_sheet_names([word(k, lang) for k in sections])
    assert [n for n in book.sheetnames if n in titles] == titles
    expanders = [e.label for e in at.main.expander]
    assert [f"{i}. {word(k, lang)}" for i, k in enumerate(sections, 1)] == [e for e in expanders if e[0].isdigit()]


def test_missing_outcomes_say_why_and_personal_data_is_masked(downloads):
    at = open_page("en", ReportChoice(sections=("churn", "campaign_results"), top_n=5), outcomes=False)
    assert not at.toggle(key="rp_include_personal").value
    at = build(at)
    summary = "\n".join(m.value for m in at.main.markdown)
    assert en("rp_section_skipped", title=word("campaign_results", "en"),
              reason=render("rp_skip_no_outcomes", "en")) in summary
    html = downloads["rp_download_html"].decode("utf-8")
    assert word("masked_note", "en") in html
    book = openpyxl.load_workbook(io.BytesIO(downloads["rp_download_xlsx"]))
    rows = list(book[valid_sheet_names([word("churn", "en")])[0]].iter_rows(values_only=True))
    column = rows[1].index("Name")
    names = [row[column] for row in rows[2:7]]
    assert len(names) == 5 and all(isinstance(n, str) and "*" in n for n in names)


def test_no_section_chosen_warns():
    at = open_page("zh", ReportChoice(sections=("segments",)))
    at.multiselect(key="rp_sections").set_value([])
    at = rerun(at)
    assert [w.value for w in at.main.warning] == [zh("rp_pick_one")]
    assert all(b.key != "rp_build" for b in at.main.button)


def test_outcomes_as_mapped_on_the_campaign_results_page(downloads):
    """Her mapping on the Campaign results page is the report's: without the group column nobody is control."""
    from crm_core.measure.outcomes import propose_outcome_columns
    from ui.results_view import MAPPING_KEY

    tables = session("en", sales=False)
    outcomes = tables["campaign_outcomes"]
    mapping = {**propose_outcome_columns(["customer_id", "list_id", "campaign", "group", "offer", "channel", "agent",
                                          "outcome", "revenue", "sent_date"]), "group": None}
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state[DATASETS] = tables
    at.session_state["measure_report"] = ReportChoice(sections=("campaign_results",))
    at.session_state[MAPPING_KEY] = {outcomes.digest: mapping}
    at.switch_page(PAGE)
    at = build(rerun(at))
    html = downloads["rp_download_html"].decode("utf-8")
    assert word("no_control", "en") in html
    assert word("lift_table", "en") not in html


def test_an_outcomes_file_that_does_not_read_skips_its_section_with_the_reason(downloads):
    from crm_core.schema import DataError

    path = ROOT / "tests" / "data" / "measure_report" / "outcomes_no_outcome.csv"
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = "zh"
    at.session_state[DATASETS] = {**session("zh", outcomes=False, sales=False),
                                  "campaign_outcomes": make_upload([(path.name, path.read_bytes())])}
    at.session_state["measure_report"] = ReportChoice(sections=("data_quality", "campaign_results"))
    at.switch_page(PAGE)
    at = build(rerun(at))
    reason = DataError("cr_no_outcome_column", columns="customer_id、list_id、channel").text("zh")
    summary = "\n".join(m.value for m in at.main.markdown)
    assert zh("rp_section_skipped", title=word("campaign_results", "zh"), reason=reason) in summary
    assert zh("rp_section_done", title=word("data_quality", "zh")) in summary
