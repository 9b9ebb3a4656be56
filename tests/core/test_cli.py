"""python -m crm_core: the same workbook as the app, clear errors with exit status 2 and no traceback."""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from crm_core import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "orders_zh.csv"
DATA = ROOT / "tests" / "data"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crm_core", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_rfm_writes_summary_and_one_sheet_per_segment(tmp_path):
    out = tmp_path / "rfm.xlsx"
    done = run("rfm", str(SAMPLE), "--out", str(out), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "概览"
    assert "冠军客户" in book.sheetnames
    assert "Traceback" not in done.stderr
    # Everything in Chinese: the report, the reasons, the segment lines, "Wrote …".
    assert "orders_zh.csv：读取 5,844 行，使用 5,774 行，排除 70 行" in done.stderr
    assert "  - 订单状态为 已取消：12 行" in done.stderr  # each excluded order status by name, never a placeholder
    assert "  - 缺少客户编号：58 行" in done.stderr
    assert "货币：¥（依据：列 实付金额 中的金额写作 ¥69.00）" in done.stderr
    assert "…" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "冠军客户：88 位客户，占销售额 60.0%"
    assert lines[-1] == f"已写入 {out}（500 位客户）"
    for english in ("rows read", "customers", "of revenue", "Wrote", "Currency"):
        assert english not in done.stdout + done.stderr
    # The summary says why a list is shorter than its segment: 88 champions = 75 listed + 13 opted out.
    summary = list(book["概览"].iter_rows(max_row=3, values_only=True))
    assert summary[0][0].startswith("75 位已退订营销的客户未列入名单")
    assert summary[1][:4] == ("客户分群", "客户数", "列入名单人数", "未列入（已退订）")
    assert summary[2][:4] == ("冠军客户", 88, 75, 13)
    assert book["冠军客户"].max_row == 1 + 75


def test_rfm_in_english_prints_the_same_report_in_english(tmp_path):
    done = run("rfm", str(SAMPLE), "--out", str(tmp_path / "rfm.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "orders_zh.csv: 5,844 rows read, 5,774 used, 70 excluded" in done.stderr
    assert "  - no customer id: 58" in done.stderr
    assert "Currency: ¥ (from amounts written like ¥69.00 in column 实付金额)" in done.stderr
    assert done.stdout.splitlines()[0] == "Champions: 88 customers, 60.0% of revenue"


def test_rfm_scheme_4_in_english(tmp_path):
    out = tmp_path / "rfm4.xlsx"
    done = run("rfm", str(SAMPLE), "--out", str(out), "--scheme", "4")
    assert done.returncode == 0, done.stderr
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[0] == "Summary"
    assert set(names[1:]) <= {"High value", "Potential", "General", "Lost customers"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rfm", "missing.csv", "--out", "x.xlsx"], "file not found"),
        (["rfm", str(DATA / "readers" / "empty.csv"), "--out", "x.xlsx"], "is empty"),
        (["rfm", str(SAMPLE), "--out", "x.xlsx", "--as-of", "31/12/2025"], "--as-of must be a date"),
    ],
)
def test_bad_input_exits_2_with_the_app_message(args, message, tmp_path):
    done = subprocess.run([sys.executable, "-m", "crm_core", *args], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_ingest_writes_clean_lines_excluded_rows_and_mapping(tmp_path):
    out = tmp_path / "clean.xlsx"
    done = run("ingest", str(SAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["orders", "excluded"]
    excluded = list(book["excluded"].iter_rows(values_only=True))
    assert excluded[0][:4] == ("Why excluded", "Row in file", "Detail", "客户编号")
    assert excluded[1][:2] == ("no customer id", 148) and len(excluded) == 1 + 70
    assert (tmp_path / "clean.mapping.json").read_text(encoding="utf-8").count("客户编号") == 1
    assert done.stdout.splitlines() == [f"Wrote {out}", f"Wrote {tmp_path / 'clean.mapping.json'}"]


@pytest.mark.parametrize(("lang", "header", "words"), [
    ("en", ["Why excluded", "Row in file", "Detail"], {"no customer id": 58, "order status 已取消": 12}),
    ("zh", ["排除原因", "文件中的行号", "详情"], {"缺少客户编号": 58, "订单状态为 已取消": 12}),
])
def test_ingest_to_csv_also_writes_the_excluded_rows_with_reasons_in_words(tmp_path, lang, header, words):
    out = tmp_path / "clean.csv"
    done = run("ingest", str(SAMPLE), "--out", str(out), "--lang", lang)
    assert done.returncode == 0, done.stderr
    orders = pd.read_csv(out, encoding="utf-8-sig")
    assert len(orders) == 5_774
    excluded = pd.read_csv(tmp_path / "clean.excluded.csv", encoding="utf-8-sig", dtype=str)
    assert list(excluded.columns[:4]) == [*header, "客户编号"]
    assert excluded[header[0]].value_counts().to_dict() == words
    assert not excluded[header[0]].isin(["missing_customer", "status"]).any()  # words, never codes
    assert excluded[header[1]].iloc[0] == "148"
    assert f"{tmp_path / 'clean.excluded.csv'}" in done.stdout


def test_currency_is_read_from_the_file_unless_given(tmp_path):
    dollars = tmp_path / "dollars.csv"
    dollars.write_text("Customer ID,Order date,Amount\nC1,2025-03-01,$40.00\nC1,2025-03-20,$60.00\n"
                       "C2,2025-02-01,$5.50\n", encoding="utf-8")
    out = tmp_path / "d.xlsx"
    done = run("rfm", str(dollars), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Currency: $ (from amounts written like $40.00 in column Amount)" in done.stderr
    reasons = [c for row in openpyxl.load_workbook(out).worksheets[1].iter_rows(values_only=True) for c in row
               if isinstance(c, str) and "spent" in c]
    assert reasons and all("spent $" in r for r in reasons)
    done = run("rfm", str(dollars), "--out", str(out), "--currency", "€")
    assert done.returncode == 0 and "Currency" not in done.stderr
    reasons = [c for row in openpyxl.load_workbook(out).worksheets[1].iter_rows(values_only=True) for c in row
               if isinstance(c, str) and "spent" in c]
    assert reasons and all("spent €" in r for r in reasons)
    plain = tmp_path / "plain.csv"
    plain.write_text("Customer ID,Order date,Amount\nC1,2025-03-01,40\n", encoding="utf-8")
    done = run("rfm", str(plain), "--out", str(out), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "文件中没有找到货币符号，金额将不带符号显示。可用 --currency 指定" in done.stderr


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "error: No column is mapped to Customer ID."),
    ("zh", "错误：没有列对应到“客户编号”。"),
])
def test_mapping_errors_point_to_the_mapping_option_not_the_page(tmp_path, lang, expected):
    source = tmp_path / "no_customer.csv"
    source.write_text("Date,Amount\n2025-01-05,5\n", encoding="utf-8")
    done = run("rfm", str(source), "--out", str(tmp_path / "x.xlsx"), "--lang", lang)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(expected)
    assert "--mapping" in done.stderr
    assert "mapping table" not in done.stderr and "列映射表" not in done.stderr


def test_ambiguous_dates_name_the_date_order_option(tmp_path):
    source = tmp_path / "dates.csv"
    source.write_text("Customer,Date,Amount\nC1,05/01/2024,5\nC2,06/02/2024,6\n", encoding="utf-8")
    done = run("rfm", str(source), "--out", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2
    assert "Run again with --date-order day or --date-order month." in done.stderr
    done = run("rfm", str(source), "--out", str(tmp_path / "x.xlsx"), "--date-order", "day")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("error", "lang", "expected"), [
    (ValueError("opted_out must be boolean"), "en",
     "error: the input could not be processed (opted_out must be boolean). Check the file and the options.\n"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "zh", "错误：无法处理输入（"),
    (IsADirectoryError(21, "Is a directory", "orders"), "en", "error: cannot read or write orders: Is a directory\n"),
    (FileNotFoundError(2, "No such file", "orders.csv"), "zh", "错误：找不到文件：orders.csv\n"),
])
def test_every_expected_error_exits_2_with_a_message(monkeypatch, capsys, error, lang, expected):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli.pipeline, "load", fail)
    assert cli.main(["rfm", str(SAMPLE), "--out", "x.xlsx", "--lang", lang]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(expected) and "Traceback" not in captured.err


def test_rfm_to_csv_writes_every_list_in_one_csv(tmp_path):
    out = tmp_path / "lists.csv"
    done = run("rfm", str(SAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    lists = pd.read_csv(out, encoding="utf-8-sig")
    assert list(lists.columns[:2]) == ["Customer ID", "Segment"]
    assert len(lists) == 500 - 75  # every customer but the 75 who opted out
    assert lists["Segment"].value_counts()["Champions"] == 75
