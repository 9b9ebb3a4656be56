"""python -m crm_core: the same workbook as the app, clear errors with exit status 2 and no traceback."""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

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
    assert "行" in done.stderr or "rows" in done.stderr
    assert "订单状态为 已取消: 12" in done.stderr  # each excluded order status by name, never a placeholder
    assert "…" not in done.stderr


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
    assert (tmp_path / "clean.mapping.json").read_text(encoding="utf-8").count("客户编号") == 1
