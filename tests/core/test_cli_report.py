"""``python -m crm_core report``: a line per section (done / skipped and why), the HTML or Excel file written,
the saved analysis's choices with the options on top, errors as the app's message with status 2."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from crm_core import cli, pipeline
from crm_core.export._xlsx import valid_sheet_names
from crm_core.measure.forecast import ForecastChoice
from crm_core.measure.report import ReportChoice
from crm_core.measure.report_texts import word
from crm_core.messages import render
from crm_core.predict.churn import ChurnChoice
from crm_core.segment.combined import ClusterChoice
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
ORDERS = str(SAMPLE / "orders_zh.csv")
CUSTOMERS = str(SAMPLE / "customers_zh.csv")
DATA = ROOT / "tests" / "data" / "measure_report"


@pytest.fixture(scope="module")
def settings_file(tmp_path_factory) -> Path:
    """A saved analysis: fast churn, four clusters, a monthly forecast, the report's sections and top N, in Chinese."""
    saved = AnalysisSettings(lang="zh", churn=ChurnChoice(models=("logistic",), rolling=2), clusters=ClusterChoice(k=4),
                             forecast=ForecastChoice(freq="M", horizon=6),
                             report=ReportChoice(sections=("data_quality", "segments", "campaign_results", "forecast"),
                                                 top_n=3))
    path = tmp_path_factory.mktemp("settings") / "analysis.json"
    path.write_text(saved.to_json(), encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_html_with_outcomes_and_sales_in_chinese(settings_file, tmp_path, capsys):
    out = tmp_path / "report.html"
    code, printed, _ = run(capsys, "report", ORDERS, "--customers", CUSTOMERS, "--settings", str(settings_file),
                           "--out", str(out), "--outcomes", str(SAMPLE / "campaign_outcomes_zh.csv"),
                           "--sales", str(SAMPLE / "daily_sales_zh.csv"))
    assert code == 0
    lines = printed.splitlines()
    assert lines[0] == "正在生成报告（4 个部分）…"
    assert lines[1:5] == [f"  ✓ {word(k, 'zh')}" for k in ("data_quality", "segments", "campaign_results",
                                                            "forecast")]
    assert lines[5] == "共 4 个部分，已包含 4 个。"
    assert lines[-1] == render("cli_wrote", "zh", path=out)
    html = out.read_text(encoding="utf-8")
    assert "<h2>1. 数据质量</h2>" in html and "<h2>4. 销售预测</h2>" in html and "<script" not in html
    assert "campaign_outcomes_zh.csv" in html and "daily_sales_zh.csv" in html  # the appendix lists every source
    assert "序列来自销售数据文件（按月）" in html and "预测 6 期" in html


def test_xlsx_with_options_on_top_of_the_settings(settings_file, tmp_path, capsys):
    out = tmp_path / "report.xlsx"
    code, printed, _ = run(capsys, "report", ORDERS, "--customers", CUSTOMERS, "--settings", str(settings_file),
                           "--out", str(out), "--sections", "segments,clv,campaign_results", "--lang", "en",
                           "--include-personal", "--top", "4")
    assert code == 0
    assert printed.splitlines()[0] == "Building the report (3 sections)…"
    assert "  – Campaign results: skipped. " + render("rp_skip_no_outcomes", "en") in printed.splitlines()
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    names = valid_sheet_names(["Contents", "RFM segments", "Customer lifetime value"])
    assert book.sheetnames[:3] == names
    rows = list(book["RFM segments"].iter_rows(values_only=True))
    loaded = pipeline.load(Path(ORDERS).read_bytes(), "orders_zh.csv")
    scored = pipeline.rfm_scores(loaded.result)
    scheme = AnalysisSettings().rfm.scheme
    counts = scored["segment"].map(lambda k: scheme.text(k, "name", "en")).value_counts().to_dict()
    assert {r[0]: r[1] for r in rows[2:2 + len(counts)]} == counts
    clv = list(book["Customer lifetime value"].iter_rows(values_only=True))
    column = clv[1].index("Name")
    shown = [r[column] for r in clv[2:] if r[0] and str(r[0]).startswith("C0")]
    assert len(shown) == 4 and all("*" not in name for name in shown)  # --include-personal: unmasked


@pytest.mark.parametrize(("argv", "message"), [
    (["--out", "report.pdf"], render("rp_bad_out", "en", path="report.pdf")),
    (["--out", "r.html", "--sections", "segments,weather"], "weather"),
    (["--out", "r.html", "--top", "0"], render("rp_bad_top_n", "en", value=0, most=1000)),
    (["--out", "r.html", "--settings", str(DATA / "analysis_bad_section.json")],
     "The report has no section \u201cweather\u201d"),
    (["--out", "r.html", "--sections", "forecast", "--sales", str(DATA / "sales_no_value.csv")],
     "sales_no_value.csv"),
    (["--out", "r.html", "--outcomes", str(DATA / "outcomes_no_outcome.csv")],
     "No column of this file looks like the outcome (recognised: customer_id, list_id, channel)"),
])
def test_errors_are_messages_with_status_2(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, printed, err = run(capsys, "report", ORDERS, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()
