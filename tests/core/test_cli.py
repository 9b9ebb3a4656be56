"""python -m crm_core: the same workbook as the app, clear errors with exit status 2 and no traceback."""

import json
import re
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
    assert "orders_zh.csv：读取 7,223 行，使用 7,153 行，排除 70 行" in done.stderr
    assert "  - 订单状态为 已取消：12 行" in done.stderr  # each excluded order status by name, never a placeholder
    assert "  - 缺少客户编号：58 行" in done.stderr
    assert "货币：¥（依据：列 实付金额 中的金额写作 ¥45.00）" in done.stderr
    assert "…" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "冠军客户：118 位客户，占销售额 50.5%"
    assert lines[-2] == f"已写入 {out}（700 位客户）"
    assert re.fullmatch(r"清单编号：RFM-20260101-[0-9A-F]{8}", lines[-1])
    for english in ("rows read", "customers", "of revenue", "Wrote", "Currency"):
        assert english not in done.stdout + done.stderr
    # The summary says why a list is shorter than its segment: 118 champions = 98 listed + 20 opted out.
    summary = list(book["概览"].iter_rows(max_row=3, values_only=True))
    assert summary[0][0].startswith("105 位已退订营销的客户未列入名单")
    assert summary[1][:4] == ("客户分群", "客户数", "列入名单人数", "未列入（已退订）")
    assert summary[2][:4] == ("冠军客户", 118, 98, 20)
    assert book["冠军客户"].max_row == 1 + 98


def test_rfm_in_english_prints_the_same_report_in_english(tmp_path):
    done = run("rfm", str(SAMPLE), "--out", str(tmp_path / "rfm.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "orders_zh.csv: 7,223 rows read, 7,153 used, 70 excluded" in done.stderr
    assert "  - no customer id: 58" in done.stderr
    assert "Currency: ¥ (from amounts written like ¥45.00 in column 实付金额)" in done.stderr
    assert done.stdout.splitlines()[0] == "Champions: 118 customers, 50.5% of revenue"


def test_rfm_scheme_4_in_english(tmp_path):
    out = tmp_path / "rfm4.xlsx"
    done = run("rfm", str(SAMPLE), "--out", str(out), "--scheme", "4")
    assert done.returncode == 0, done.stderr
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[0] == "Summary"
    assert names == ["Summary", "High value", "Potential", "General", "Lost customers"]


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
    assert excluded[1][:2] == ("no customer id", 166) and len(excluded) == 1 + 70
    assert (tmp_path / "clean.mapping.json").read_text(encoding="utf-8").count("客户编号") == 1
    # The mapping is written before cleaning (so it exists when cleaning stops), then the lines.
    assert done.stdout.splitlines() == [f"Wrote {tmp_path / 'clean.mapping.json'}", f"Wrote {out}"]


@pytest.mark.parametrize(("lang", "header", "words"), [
    ("en", ["Why excluded", "Row in file", "Detail"], {"no customer id": 58, "order status 已取消": 12}),
    ("zh", ["排除原因", "文件中的行号", "详情"], {"缺少客户编号": 58, "订单状态为 已取消": 12}),
])
def test_ingest_to_csv_also_writes_the_excluded_rows_with_reasons_in_words(tmp_path, lang, header, words):
    out = tmp_path / "clean.csv"
    done = run("ingest", str(SAMPLE), "--out", str(out), "--lang", lang)
    assert done.returncode == 0, done.stderr
    orders = pd.read_csv(out, encoding="utf-8-sig")
    assert len(orders) == 7_153
    excluded = pd.read_csv(tmp_path / "clean.excluded.csv", encoding="utf-8-sig", dtype=str)
    assert list(excluded.columns[:4]) == [*header, "客户编号"]
    assert excluded[header[0]].value_counts().to_dict() == words
    assert not excluded[header[0]].isin(["missing_customer", "status"]).any()  # words, never codes
    assert excluded[header[1]].iloc[0] == "166"
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
    ("en", "error: No column is mapped to Customer ID (the notes above say which columns were passed over and why)."),
    ("zh", "错误：没有列对应到“客户编号”（上方的说明列出了未采用的列及原因）。"),
])
def test_mapping_errors_point_to_the_mapping_option_not_the_page(tmp_path, lang, expected):
    source = tmp_path / "no_customer.csv"
    source.write_text("Date,Amount\n2025-01-05,5\n", encoding="utf-8")
    done = run("rfm", str(source), "--out", str(tmp_path / "x.xlsx"), "--lang", lang)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    # The reader's notes come first, the error last (it refers to them).
    assert done.stderr.splitlines()[-1].startswith(expected)
    assert "--mapping" in done.stderr and "python -m crm_core ingest" in done.stderr
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

    monkeypatch.setattr(cli.pipeline, "read_many", fail)
    assert cli.main(["rfm", str(SAMPLE), "--out", "x.xlsx", "--lang", lang]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(expected) and "Traceback" not in captured.err


def test_rfm_to_csv_writes_every_list_in_one_csv(tmp_path):
    out = tmp_path / "lists.csv"
    done = run("rfm", str(SAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    lists = pd.read_csv(out, encoding="utf-8-sig")
    assert list(lists.columns[:2]) == ["Customer ID", "Segment"]
    assert len(lists) == 700 - 105  # every customer but the 105 who opted out
    assert lists["Segment"].value_counts()["Champions"] == 98


# --- notes before errors, actionable mapping advice (review item 5) --------------------------------

CLI_DATA = DATA / "cli"


def main(capsys, *args: str) -> tuple[int, str, str]:
    """``python -m crm_core`` in this process (fast): exit status, stdout, stderr."""
    status = cli.main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(("name", "note", "error", "n_lines"), [
    # amount is text: the note says why it was passed over, the error says how to map it.
    ("b7_text_amount.csv", "amount looks like Amount by its name, but its values are not numbers (e.g. abc); "
     "it was not used.", "error: Neither an amount column nor quantity and unit price are mapped (the notes above", 3),
    # masked phones: not an identity, so no customer id.
    ("d3_masked.csv", "手机号 holds masked phone numbers (e.g. 138****5678)",
     "error: No column is mapped to Customer ID (the notes above", 3),
    # every row cancelled: the reader's note still comes first.
    ("b2_status_blank_all_excl.csv", "Read as text in UTF-8, separated by comma.",
     "error: None of the 2 rows could be used: order status cancelled (2). If a column was mapped wrongly",
     2),
])
def test_notes_print_before_the_error_and_say_how_to_write_a_mapping(capsys, tmp_path, name, note, error,
                                                                     n_lines):
    source = CLI_DATA / name
    status, out, err = main(capsys, "rfm", str(source), "--out", str(tmp_path / "x.xlsx"))
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == n_lines and lines[-1].startswith(error)  # the notes, then the error
    assert any(line.startswith("  * ") and note in line for line in lines[:-1])
    mapping_file = source.with_name(f"{source.stem}.clean.mapping.json")
    assert (f"run python -m crm_core ingest {source} --out {source.with_name(source.stem + '.clean.xlsx')}: "
            f"it writes the proposed mapping to {mapping_file}") in lines[-1]
    assert lines[-1].endswith(f"then run again with --mapping {mapping_file}.")
    assert "given to --mapping" not in err and not (tmp_path / "x.xlsx").exists()


def test_ingest_writes_the_proposed_mapping_even_when_cleaning_stops_then_it_can_be_fixed(capsys, tmp_path):
    source = tmp_path / "masked.csv"
    source.write_bytes((CLI_DATA / "d3_masked.csv").read_bytes())
    out = tmp_path / "clean.csv"
    status, stdout, err = main(capsys, "ingest", str(source), "--out", str(out), "--lang", "zh")
    mapping_file = tmp_path / "clean.mapping.json"
    assert status == 2 and stdout == f"已写入 {mapping_file}\n" and not out.exists()
    assert err.splitlines()[-1].startswith("错误：没有列对应到“客户编号”（上方的说明列出了未采用的列及原因）。")
    assert f"加上 --mapping {mapping_file} 重新运行" in err
    assert json.loads(mapping_file.read_text(encoding="utf-8")) == {
        "version": 1, "columns": {"order_date": "下单时间", "amount": "实付金额"}}
    # With --mapping given, the error says to check that file (not how to write one) ...
    status, _, err = main(capsys, "rfm", str(source), "--out", str(tmp_path / "x.xlsx"), "--mapping", str(mapping_file))
    assert status == 2
    assert err.splitlines()[-1] == ("error: No column is mapped to Customer ID. Check the mapping file given to "
                                    "--mapping: add the matching column (e.g. customer id, customer no).")
    # ... and the user's edit (the masked phone as the id: two customers) runs.
    mapping_file.write_text('{"columns": {"customer_id": "手机号", "order_date": "下单时间", "amount": "实付金额"}}',
                            encoding="utf-8")
    status, stdout, err = main(capsys, "rfm", str(source), "--out", str(tmp_path / "x.xlsx"), "--mapping",
                               str(mapping_file))
    assert status == 0, err
    assert stdout.splitlines()[-2] == f"Wrote {tmp_path / 'x.xlsx'} (2 customers)"


# --- the "scores are relative" note (review item 9) --------------------------------------------------

@pytest.mark.parametrize(("name", "who"), [("b9_all_dates_same.csv", "All 3 customers have"),
                                           ("a8_single.csv", "The only customer has")])
def test_identical_customers_get_the_relative_scores_note(capsys, tmp_path, name, who):
    status, _, err = main(capsys, "rfm", str(CLI_DATA / name), "--out", str(tmp_path / "x.xlsx"))
    assert status == 0, err
    assert (f"  * {who} the same last order day, number of orders and spend, so those scores "
            "cannot tell them apart.") in err
    status, _, err = main(capsys, "rfm", str(SAMPLE), "--out", str(tmp_path / "y.xlsx"))
    assert status == 0 and "cannot tell them apart" not in err  # 700 different customers: no note


# --- option checks and plain-word mapping errors (review item 12) ------------------------------------

MAPPING_ERRORS = [
    ('{"foo": "bar", "customer_id": "customer_id"}', "en",
     "error: The mapping file {path} names fields that do not exist: foo. The fields are: customer_id, order_id, "),
    ('{"columns": {"amout": "Amount", "qty": "Qty"}}', "zh",
     "错误：映射文件 {path} 中有不存在的字段：amout、qty。可用的字段为：customer_id、"),
    ("{bad", "en", "error: The mapping file {path} is not valid JSON (line 1, column 2)."),
    ('{"customer_id": "A",\n "amount" "B"}', "zh",
     "错误：映射文件 {path} 不是有效的 .json 文件（第 2 行第 11 列有误）。"),
    ("[1, 2]", "en", 'error: The mapping file {path} must map field names to column names, like {{"customer_id": '),
    ('{"columns": "customer_id"}', "en", "error: The mapping file {path} must map field names to column names"),
]


@pytest.mark.parametrize(("text", "lang", "expected"), MAPPING_ERRORS)
def test_mapping_file_errors_are_plain_words(capsys, tmp_path, text, lang, expected):
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text(text, encoding="utf-8")
    status, _, err = main(capsys, "rfm", str(SAMPLE), "--out", str(tmp_path / "x.xlsx"), "--mapping",
                          str(mapping_file), "--lang", lang)
    assert status == 2
    assert err.startswith(expected.format(path=mapping_file))
    assert "('" not in err and "')" not in err and "Traceback" not in err


def test_a_binary_mapping_file_is_refused_in_words(capsys, tmp_path):
    mapping_file = tmp_path / "m.json"
    mapping_file.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\xff")  # an old Excel file given by mistake
    status, _, err = main(capsys, "rfm", str(SAMPLE), "--out", str(tmp_path / "x.xlsx"), "--mapping", str(mapping_file))
    assert status == 2
    assert err.startswith(f"error: The mapping file {mapping_file} is not valid JSON (line 1, column 1)")


@pytest.mark.parametrize("command", ["rfm", "ingest"])
@pytest.mark.parametrize("name", ["x.txt", "x", "x.xls", "x.json"])
def test_out_must_be_xlsx_or_csv(capsys, tmp_path, command, name):
    out = tmp_path / name
    status, stdout, err = main(capsys, command, str(SAMPLE), "--out", str(out))
    assert status == 2 and stdout == ""
    assert err == f"error: --out {out}: the output file must end in .xlsx (Excel workbook) or .csv.\n"
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the mapping


def test_sheet_given_for_a_csv_is_said_to_be_ignored(capsys, tmp_path):
    source = CLI_DATA / "b9_all_dates_same.csv"
    status, _, err = main(capsys, "rfm", str(source), "--out", str(tmp_path / "x.xlsx"), "--sheet", "Orders",
                          "--lang", "zh")
    assert status == 0, err
    assert err.splitlines()[0] == "  * 已忽略 --sheet Orders：CSV 文件没有工作表。"
    status, _, err = main(capsys, "rfm", str(source), "--out", str(tmp_path / "x.xlsx"))
    assert status == 0 and "--sheet" not in err


@pytest.mark.parametrize("value", ["CHF", "¥$", "yen", "", "JPY"])
def test_currency_must_be_one_of_the_four_signs(capsys, tmp_path, value):
    status, stdout, err = main(capsys, "rfm", str(SAMPLE), "--out", str(tmp_path / "x.xlsx"), "--currency", value)
    assert status == 2 and stdout == ""
    assert err == f"error: --currency {value}: choose one of ¥ $ € £ (or write CNY, USD, EUR, GBP).\n"


@pytest.mark.parametrize(("value", "sign"), [("usd", "$"), ("EUR", "€"), ("gbp", "£"), ("CNY", "¥"), ("￥", "¥"),
                                             ("£", "£")])
def test_currency_codes_give_their_sign(capsys, tmp_path, value, sign):
    out = tmp_path / "x.csv"
    status, _, err = main(capsys, "rfm", str(CLI_DATA / "b9_all_dates_same.csv"), "--out", str(out),
                          "--currency", value)
    assert status == 0, err
    reasons = pd.read_csv(out, encoding="utf-8-sig")["Reason"].tolist()
    assert reasons == [f"Last order 1 day ago · 1 order · spent {sign}50 (R5 F1 M1)"] * 3


def test_huge_amounts_print_no_numpy_warning_and_a_true_share(tmp_path):
    done = run("rfm", str(CLI_DATA / "huge.csv"), "--out", str(tmp_path / "x.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr
    shares = re.findall(r"([0-9.]+)% of revenue", done.stdout)
    assert shares == ["50.0", "50.0"], done.stdout


# --- the options' exact effects on the sample (issue 11) ------------------------------------------

def _rfm_list(capsys, tmp_path, *options: str) -> tuple[pd.DataFrame, str]:
    """The CSV list of ``rfm SAMPLE --out lists.csv *options`` (run in process), and stderr."""
    out = tmp_path / f"lists{len(list(tmp_path.iterdir()))}.csv"
    status, _, err = main(capsys, "rfm", str(SAMPLE), "--out", str(out), *options)
    assert status == 0, err
    return pd.read_csv(out, encoding="utf-8-sig", dtype=str).set_index("Customer ID"), err


def test_as_of_moves_every_recency_by_the_days_between_the_dates(capsys, tmp_path):
    default, _ = _rfm_list(capsys, tmp_path)
    later, _ = _rfm_list(capsys, tmp_path, "--as-of", "2026-03-31")
    assert later.index.equals(default.index)
    # default as-of: 2026-01-01 (the day after the last order); 2026-03-31 is 89 days later
    shift = later["Days since last order"].astype(int) - default["Days since last order"].astype(int)
    assert set(shift) == {89}
    assert (default.loc["C00022", "Days since last order"], later.loc["C00022", "Days since last order"]) == ("7", "96")
    # recency scores are ranks, so one shift for everybody leaves codes and segments as they were
    assert (later["RFM code"] == default["RFM code"]).all()


def test_mapping_file_is_used_instead_of_the_proposal(capsys, tmp_path):
    status, _, err = main(capsys, "ingest", str(SAMPLE), "--out", str(tmp_path / "clean.xlsx"))
    assert status == 0, err
    mapping = json.loads((tmp_path / "clean.mapping.json").read_text(encoding="utf-8"))
    del mapping["columns"]["status"]  # no status column: the 12 cancelled lines count as purchases
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    _, err = _rfm_list(capsys, tmp_path, "--mapping", str(edited))
    assert "orders_zh.csv: 7,223 rows read, 7,165 used, 58 excluded" in err
    assert "已取消" not in err


def test_merge_duplicates_joins_the_three_planted_pairs(capsys, tmp_path):
    separate, _ = _rfm_list(capsys, tmp_path)
    merged, err = _rfm_list(capsys, tmp_path, "--merge-duplicates")
    assert "  * 6 customer ids were merged into 3 customers." in err
    assert (len(separate), len(merged)) == (595, 592)
    # planted pairs (truth.csv): C00054 = C00038 (opted out), C00295 = C00069, C00483 = C00116
    assert sorted(set(separate.index) - set(merged.index)) == ["C00054", "C00069", "C00483"]
    assert (separate.loc["C00116", "Orders"], merged.loc["C00116", "Orders"]) == ("4", "9")
    assert (separate.loc["C00295", "Orders"], merged.loc["C00295", "Orders"]) == ("5", "9")
    assert (merged["Orders"] != separate.loc[merged.index, "Orders"]).sum() == 2


def test_include_contact_adds_masked_contacts_and_no_mask_shows_them(capsys, tmp_path):
    plain, _ = _rfm_list(capsys, tmp_path)
    masked, _ = _rfm_list(capsys, tmp_path, "--include-contact")
    clear, _ = _rfm_list(capsys, tmp_path, "--include-contact", "--no-mask")
    assert "Name" not in plain.columns and "Phone" not in plain.columns
    assert list(masked.columns) == list(clear.columns) == [*plain.columns[:-1], "Name", "Phone", "Email", "City"]
    assert masked.loc["C00022", ["Name", "Phone", "Email"]].tolist() == ["李**", "183-****-1399", "x***@example.com"]
    assert clear.loc["C00022", ["Name", "Phone", "Email"]].tolist() == ["李欣怡", "183-5862-1399",
                                                                         "xinyili3506@example.com"]
    assert masked.loc["C00114", ["Name", "Phone"]].tolist() == ["刘*", "191****4614"]
    assert clear.loc["C00114", ["Name", "Phone"]].tolist() == ["刘敏", "19134214614"]
