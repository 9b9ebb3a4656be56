"""A/B test page (AppTest): typed counts (the example, an A/B/n table, a bad row), an uploaded results file, the
session's campaign outcomes, both languages, the choice kept for "Save analysis"; every figure shown checked against
crm_core.measure.abtest on the same counts."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_helpers import APP, TIMEOUT, charts, en, make_upload, metrics, rerun, texts, zh
from streamlit.testing.v1 import AppTest

from crm_core import pipeline
from crm_core.measure.abtest import (
    AbChoice,
    ab_test,
    needed_per_variant,
    sample_size,
    variants_from_counts,
    variants_from_table,
)
from crm_core.measure.outcomes import parse_group
from ui.state import DATASETS

PAGE = "app_pages/abtest.py"
ROOT = APP.parent
DATA = ROOT / "tests" / "data" / "measure_abtest"
OUTCOMES = {"en": ROOT / "sample_data" / "campaign_outcomes_en.csv", "zh": ROOT / "sample_data" /
            "campaign_outcomes_zh.csv"}


def open_page(*, lang: str = "en", counts: pd.DataFrame | None = None, source: str | None = None,
              tables: dict | None = None) -> AppTest:
    """A fresh session on the A/B test page with the typed counts, the source and the session's tables given."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if counts is not None:
        at.session_state["ab_counts"] = counts
    if source is not None:
        at.session_state["ab_source_choice"] = source
    if tables:
        at.session_state[DATASETS] = tables
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def counts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["variant", "visitors", "conversions"])


def upload_of(path):
    return make_upload(path.name, path.read_bytes())


def test_the_example_counts_in_english():
    at = open_page()
    expected = ab_test(variants_from_counts([("¥8 off ¥30", 1200, 216), ("¥5 off ¥20", 1200, 300)]))
    shown = metrics(at)
    assert shown[en("ab_m_variants")] == "2" and shown[en("ab_m_visitors")] == "2,400"
    assert shown[en("ab_m_best")] == "¥5 off ¥20"
    assert en("ab_m_best_share", share="100%") in texts(at.caption)
    assert shown[en("ab_m_overall")] == "p < 0.001"
    assert texts(at.success) == [expected.verdict("en")]
    assert "+7.0 points" in expected.verdict("en")
    assert texts(at.info)[0].startswith("Probability of being best: ¥8 off ¥30 0%; ¥5 off ¥20 100%")
    table = next(d.value for d in at.dataframe if en("ab_t_rate") in d.value.columns)
    assert list(table[en("ab_t_rate")].round(6)) == [18.0, 25.0]
    assert list(table[en("ab_t_diff")]) == [en("ab_baseline_row"), "+7.0"]
    assert expected.table.iloc[1]["p_value"] < 0.001 and list(table[en("ab_t_p")]) == ["", "< 0.001"]
    assert table[en("ab_t_rate_ci", level="95%")].iloc[0] == "15.9% to 20.3%"
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in charts(at)]
    assert len(specs) == 2 and "Conversion rate with its 95% interval" in specs[0]
    assert "Probability of being best" in specs[1]
    # planning: 18% -> +7 points at 5% and 80% power, by the module's formula
    assert shown[en("ab_plan_n")] == "540"
    assert at.session_state["measure_abtest"] == AbChoice(baseline="¥8 off ¥30")  # kept for "Save analysis"


def test_three_variants_options_and_too_small_warning():
    at = open_page(counts=counts(("A", 400, 80), ("B", 400, 100), ("C", 400, 84)))
    expected = ab_test(variants_from_counts([("A", 400, 80), ("B", 400, 100), ("C", 400, 84)]))
    assert expected.too_small
    # B and C not significant, the too-small note, and the planning's warning with the customers needed
    assert texts(at.success) == [] and len(at.warning) == 4
    assert texts(at.warning)[:2] == expected.verdict("en").replace(". C", ".\nC").split("\n")
    assert "Too few customers to decide" in texts(at.warning)[2]
    needed = f"{needed_per_variant(expected):,}"
    assert needed in texts(at.warning)[2] and needed in texts(at.warning)[3]
    at.selectbox(key=next(w.key for w in at.selectbox if w.key.startswith("ab_baseline_"))).set_value("B")
    at.radio(key="ab_test").set_value("chi2")
    at.select_slider(key="ab_confidence").set_value(0.9)
    rerun(at)
    chosen = AbChoice(confidence=0.9, test="chi2", baseline="B")
    assert at.session_state["measure_abtest"] == chosen
    again = ab_test(variants_from_counts([("A", 400, 80), ("B", 400, 100), ("C", 400, 84)]), chosen)
    shown = texts(at.success) + texts(at.warning)
    for sentence in again.verdict("en").replace(". C", ".\nC").split("\n"):
        assert sentence in shown
    assert "for B:" in shown[0] and "90% CI" in shown[0]


def test_a_bad_row_shows_the_message_in_both_languages():
    bad = counts(("A", 1000, 200), ("B", 250, 1000))
    at = open_page(counts=bad)
    assert texts(at.error) == [variants_error(bad, "en")]
    assert "has 1,000 conversions but only 250 visitors" in texts(at.error)[0]
    assert not at.success and not charts(at)
    at = open_page(counts=bad, lang="zh")
    assert "转化数（1,000）超过了人数（250）" in texts(at.error)[0]


def variants_error(frame: pd.DataFrame, lang: str) -> str:
    from crm_core.schema import DataError

    with pytest.raises(DataError) as err:
        variants_from_counts(frame)
    return err.value.text(lang)


def test_chinese_example_and_labels():
    at = open_page(lang="zh")
    shown = metrics(at)
    assert shown[zh("ab_m_best")] == "满20减5"
    expected = ab_test(variants_from_counts([("满30减8", 1200, 216), ("满20减5", 1200, 300)]))
    assert texts(at.success) == [expected.verdict("zh")]
    assert texts(at.success)[0].startswith("满20减5 转化率 25.0%，满30减8 为 18.0%：高 7.0 个百分点")
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in charts(at)]
    assert "转化率及其 95% 置信区间" in specs[0] and "是最优版本的概率" in specs[1]
    table = next(d.value for d in at.dataframe if zh("ab_t_rate") in d.value.columns)
    assert table[zh("ab_t_rate_ci", level="95%")].iloc[0] == "15.9% 至 20.3%"


def test_uploaded_results_with_columns_proposed():
    path = DATA / "daily_rows.csv"
    at = open_page(source="upload", tables={"ab_results": upload_of(path)})
    frame = pipeline.read(path.read_bytes(), path.name).frame
    expected = ab_test(variants_from_table(frame, variant="Version", visitors="Users", conversions="Orders"))
    assert metrics(at)[en("ab_m_visitors")] == "2,000"
    assert texts(at.success) == [expected.verdict("en")]
    assert at.selectbox(key=next(w.key for w in at.selectbox if w.key.startswith("ab_upload_visitors_"))).value \
        == "Users"


def test_uploaded_file_with_a_bad_count():
    at = open_page(source="upload", tables={"ab_results": upload_of(DATA / "bad_count_table.csv")})
    assert len(at.error) == 1 and "\u201clots\u201d (rows 3)" in at.error[0].value


def test_uploaded_file_without_a_variant_column():
    at = open_page(source="upload", tables={"ab_results": upload_of(DATA / "no_variant_column.csv")})
    assert len(at.error) == 1 and "Choose the variant column under Columns" in at.error[0].value
    assert "visitors, conversions" in at.error[0].value and not at.success


@pytest.mark.skipif(not OUTCOMES["en"].exists(), reason="sample_data/campaign_outcomes_en.csv not generated yet")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_campaign_outcomes_compare_the_offers_among_the_target_group(lang):
    path = OUTCOMES[lang]
    at = open_page(lang=lang, source="outcomes", tables={"campaign_outcomes": upload_of(path)})
    frame = pipeline.read(path.read_bytes(), path.name).frame
    group, offer, outcome, revenue = (("group", "offer", "outcome", "revenue") if lang == "en"
                                      else ("组别", "优惠方案", "结果", "成交金额"))
    expected = ab_test(variants_from_table(frame, variant=offer, outcome=outcome, revenue=revenue, group=group))
    targets = int((parse_group(frame[group], column=group) == "target").sum())
    label = (en if lang == "en" else zh)("ab_m_visitors")
    assert metrics(at)[label] == f"{targets:,}"
    assert texts(at.success) == [expected.verdict(lang)]
    winner = "¥5 off ¥20" if lang == "en" else "满20减5"
    assert texts(at.success)[0].startswith(f"{winner} ")
    table = next(d.value for d in at.dataframe if (en if lang == "en" else zh)("ab_t_revenue") in d.value.columns)
    assert len(table) == 2


@pytest.mark.skipif(not OUTCOMES["en"].exists(), reason="sample_data/campaign_outcomes_en.csv not generated yet")
def test_no_outcomes_yet_offers_the_demo():
    at = open_page(source="outcomes")
    assert texts(at.info)[0] == en("ab_outcomes_none") and not at.success
    at.button(key="ab_outcomes_demo").click()
    rerun(at)
    assert at.session_state[DATASETS]["campaign_outcomes"].name == "campaign_outcomes_en.csv"
    assert texts(at.success) and texts(at.success)[0].startswith("¥5 off ¥20 ")


def test_typed_counts_survive_a_visit_elsewhere():
    at = open_page(counts=counts(("Old", 500, 50), ("New", 500, 80)))
    assert metrics(at)[en("ab_m_best")] == "New"
    at.switch_page("app_pages/home.py")
    rerun(at)
    at.switch_page(PAGE)
    rerun(at)
    assert metrics(at)[en("ab_m_best")] == "New"


@pytest.mark.skipif(not OUTCOMES["en"].exists(), reason="sample_data/campaign_outcomes_en.csv not generated yet")
def test_planning_follows_the_test_shown_and_the_numbers_typed():
    path = OUTCOMES["en"]
    at = open_page(tables={"campaign_outcomes": upload_of(path)})
    assert metrics(at)[en("ab_plan_n")] == "540"  # the example: 18% -> +7 points
    at.radio(key="ab_source").set_value("outcomes")
    rerun(at)
    frame = pipeline.read(path.read_bytes(), path.name).frame
    table = ab_test(variants_from_table(frame, variant="offer", outcome="outcome", group="group")).table
    base, effect = round(table["rate"].iloc[0] * 100, 1), round(abs(table["diff"].iloc[1]) * 100, 1)
    assert metrics(at)[en("ab_plan_n")] == f"{sample_size(base / 100, effect / 100):,}"
    assert metrics(at)[en("ab_plan_current")] == f"{table['power'].iloc[1]:.0%}"
    at.number_input(key=next(w.key for w in at.number_input if w.key.startswith("ab_plan_base_"))).set_value(20.0)
    at.number_input(key=next(w.key for w in at.number_input if w.key.startswith("ab_plan_effect_"))).set_value(5.0)
    rerun(at)
    assert metrics(at)[en("ab_plan_n")] == "1,094"  # 20% -> 25%, 5% two-sided, 80% power
