"""python -m crm_core abtest: what it prints and writes, checked against crm_core.measure.abtest on the same file;
columns proposed or given; the saved analysis's choice with options on top; both languages; errors with the app's
message and status 2; formula-like text stays text in the workbook."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run

from crm_core import pipeline
from crm_core.measure.abtest import AbChoice, ab_test, variants_from_table
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "measure_abtest"
SAMPLE_EN = ROOT / "sample_data" / "campaign_outcomes_en.csv"
SAMPLE_ZH = ROOT / "sample_data" / "campaign_outcomes_zh.csv"


def rows_of(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def test_counts_file_prints_rates_differences_p_values_and_verdict(tmp_path):
    out = tmp_path / "ab.xlsx"
    status, printed, err = run("abtest", DATA / "two_variants.csv", "--out", out)
    assert status == 0, err
    assert "visitors=visitors" in err and "conversions=conversions" in err  # proposed, told on stderr
    assert "A: 20.0% (200 / 1,000), 95% CI 17.6% to 22.6%  [baseline]" in printed
    assert "B: 25.0% (250 / 1,000), 95% CI 22.4% to 27.8%" in printed
    assert "vs A: +5.0 points (95% CI +1.3 to +8.6), lift +25.0% (95% CI +6.1% to +47.3%), p = 0.007, " \
           "significant" in printed
    assert "B converts 25.0% vs 20.0% for A: +5.0 points (95% CI +1.3 to +8.6), significant (p = 0.007)." in printed
    results = rows_of(out, "Results")
    assert results[0][:4] == ("Variant", "Visitors", "Conversions", "Rate")
    assert results[1][:4] == ("A", 1000, 200, 0.2) and results[2][:4] == ("B", 1000, 250, 0.25)
    expected = ab_test(variants_from_table(pipeline.read((DATA / "two_variants.csv").read_bytes(), "x.csv").frame,
                                           variant="variant", visitors="visitors", conversions="conversions"))
    header = list(results[0])
    assert results[2][header.index("p-value")] == pytest.approx(expected.table.iloc[1]["p_value"])
    assert results[2][header.index("Significant")] == "yes"
    verdict = rows_of(out, "Verdict")
    assert verdict[0] == ("Verdict", None) and verdict[1][0] == expected.verdict("en")
    about = {row[0]: row[1] for row in verdict[verdict.index((None, None)) + 1:]}
    assert about["Confidence"] == "95%" and about["Baseline"] == "A" and about["Source"] == "two_variants.csv"
    book = openpyxl.load_workbook(out)
    assert book["Results"]["D2"].number_format == "0.0%"


@pytest.mark.skipif(not SAMPLE_ZH.exists(), reason="sample_data/campaign_outcomes_zh.csv not generated yet")
def test_campaign_outcomes_in_chinese_leave_control_rows_out(tmp_path):
    out = tmp_path / "ab.xlsx"
    status, printed, err = run("abtest", SAMPLE_ZH, "--out", out, "--lang", "zh", "--baseline", "满30减8")
    assert status == 0, err
    assert "版本=优惠方案" in err and "结果=结果" in err and "组别=组别" in err and "已排除对照组" in err
    frame = pipeline.read(SAMPLE_ZH.read_bytes(), SAMPLE_ZH.name).frame
    expected = ab_test(variants_from_table(frame, variant="优惠方案", outcome="结果", revenue="成交金额", group="组别"),
                       AbChoice(baseline="满30减8"))
    assert expected.verdict("zh") in printed and "差异显著" in expected.verdict("zh")
    assert "[对照版本]" in printed and "对比 满30减8：+" in printed
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["结果", "结论"]
    assert rows_of(out, "结果")[0][:4] == ("版本", "人数", "转化数", "转化率")


@pytest.mark.skipif(not SAMPLE_EN.exists(), reason="sample_data/campaign_outcomes_en.csv not generated yet")
def test_options_given_win_over_the_saved_analysis(tmp_path):
    settings = json.loads(AnalysisSettings().to_json())
    settings["abtest"] = {"confidence": 0.9, "test": "chi2", "baseline": ""}
    settings["lang"] = "zh"
    saved = tmp_path / "analysis.json"
    saved.write_text(json.dumps(settings), encoding="utf-8")
    status, printed, err = run("abtest", SAMPLE_EN, "--out", tmp_path / "a.csv", "--settings", saved,
                               "--confidence", "99%")
    assert status == 0, err
    assert "卡方检验" in printed and "99% 置信区间" in printed  # the saved test and language, the confidence given
    assert (tmp_path / "a.csv").read_bytes().decode("utf-8-sig").startswith('"版本","人数","转化数","转化率"')


def test_columns_given_by_name_and_aggregated_rows_added_up(tmp_path):
    status, printed, err = run("abtest", DATA / "daily_rows.csv", "--out", tmp_path / "d.xlsx", "--variant",
                               "Version", "--visitors", "Users", "--conversions", "Orders", "--test", "chi2")
    assert status == 0, err
    assert "A: 20.0% (200 / 1,000)" in printed and "B: 25.0% (250 / 1,000)" in printed
    assert "Conversion rates (chi-square test)" in printed


def test_formula_like_variant_names_stay_text(tmp_path):
    out = tmp_path / "f.xlsx"
    status, _, err = run("abtest", DATA / "formula_name.csv", "--out", out)
    assert status == 0, err
    book = openpyxl.load_workbook(out)
    cells = [c for row in book["Results"].iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


@pytest.mark.parametrize(("args", "lang", "words"), [
    ((DATA / "more_conversions.csv",), "en", "has 1,000 conversions but only 250 visitors"),
    ((DATA / "more_conversions.csv", "--lang", "zh"), "zh", "转化数（1,000）超过了人数（250）"),
    ((DATA / "no_target_rows.csv",), "en", "Every row of the file is in the control group"),
    ((DATA / "blank_variant.csv", "--variant", "variant", "--outcome", "outcome", "--no-group"), "en",
     "rows 3"),
    ((DATA / "two_variants.csv", "--baseline", "Z"), "en", "The baseline \u201cZ\u201d is not one of the variants"),
    ((DATA / "two_variants.csv", "--confidence", "high"), "en", "The confidence level high cannot be used"),
    ((DATA / "two_variants.csv", "--confidence", "1.2"), "zh-en", "1.2"),
    ((DATA / "no_outcome_column.csv", "--variant", "arm", "--lang", "zh"), "zh", "请选择结果的计算方式"),
    ((DATA / "analysis_bad_test.json",), "en", "has a header but no data rows"),
    ((DATA / "no_variant_column.csv",), "en", "Give the column with --variant"),
    ((DATA / "no_variant_column.csv", "--lang", "zh"), "zh", "请用 --variant 指定该列"),
])
def test_errors_exit_2_with_the_message(tmp_path, args, lang, words):
    status, printed, err = run("abtest", *args, "--out", tmp_path / "x.xlsx")
    assert status == 2
    assert words in err and "Traceback" not in err
    assert err.startswith("错误：" if lang == "zh" else "error: ") or "\nerror: " in err or "\n错误：" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_bad_out_and_missing_file(tmp_path):
    status, _, err = run("abtest", DATA / "two_variants.csv", "--out", tmp_path / "x.pdf")
    assert status == 2 and ".pdf" in err
    status, _, err = run("abtest", tmp_path / "missing.csv", "--out", tmp_path / "x.xlsx")
    assert status == 2 and "missing.csv" in err
