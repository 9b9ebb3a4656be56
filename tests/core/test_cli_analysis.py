"""The CLI with a saved analysis, a window, filters, several files and a customer file (issue 11, section 1)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd

from crm_core import cli
from crm_core.segment import rfm
from crm_core.settings import AnalysisSettings, ListSettings, Scope

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "orders_zh.csv"
MASTER = ROOT / "sample_data" / "customers_zh.csv"
SHOP = ROOT / "tests" / "data" / "scope" / "shop.csv"


def main(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def summary_block(path: Path, sheet: str = "Summary") -> dict[str, object]:
    """The (label -> text) pairs under the Summary sheet's table."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    gap = next(i for i, row in enumerate(rows) if i > 0 and all(c is None for c in row))
    return {row[0]: row[1] for row in rows[gap + 1:]}


def listed_ids(path: Path) -> set[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {row[0] for name in book.sheetnames[1:] for row in list(book[name].iter_rows(values_only=True))[1:]}


def test_months_and_channel_options_limit_the_lines_counted(capsys, tmp_path):
    out = tmp_path / "rfm.xlsx"
    status, stdout, stderr = main(capsys, "rfm", str(SHOP), "--out", str(out), "--months", "3", "--channel", "tmall")
    assert status == 0, stderr
    assert "Wrote" in stdout
    assert "Not counted: 3 order lines dated before 2024-03-21 (outside the analysis window)." in stderr
    block = summary_block(out)
    assert block["Orders counted"] == "2024-03-21 to 2024-06-20"
    assert block["Filters"] == "channel: tmall"
    assert block["Customers scored"] == "1"  # only b's Tmall line of 2024-06-20 is inside both
    assert listed_ids(out) == {"b"}


def test_from_and_months_cannot_both_be_given(capsys, tmp_path):
    try:
        cli.main(["rfm", str(SHOP), "--out", str(tmp_path / "x.xlsx"), "--from", "2024-01-01", "--months", "3"])
    except SystemExit as stop:
        assert stop.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_bad_from_date_names_the_option(capsys, tmp_path):
    status, _, stderr = main(capsys, "rfm", str(SHOP), "--out", str(tmp_path / "x.xlsx"), "--from", "2024-13-01")
    assert status == 2 and "--from" in stderr and "2024-13-01" in stderr


def test_the_settings_file_gives_every_choice_and_options_win_over_it(capsys, tmp_path):
    settings = AnalysisSettings(scope=Scope(months=3), rfm=rfm.RfmParams(scheme=rfm.SCHEMES["4"]), scheme_base="4",
                                lists=ListSettings(segments=("high_value", "general")), lang="zh")
    path = tmp_path / "analysis.json"
    path.write_text(settings.to_json(), encoding="utf-8")
    out = tmp_path / "saved.xlsx"
    status, stdout, stderr = main(capsys, "rfm", str(SHOP), "--out", str(out), "--settings", str(path))
    assert status == 0, stderr
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "概览"  # the saved language
    assert summary_block(out, "概览")["计入的订单"] == "2024-03-21 至 2024-06-20"
    assert set(book.sheetnames[1:]) <= {rfm.SCHEMES["4"].name(k, "zh") for k in ("high_value", "general")}
    # --lang, --scheme and --from given on the command line win over the file.
    out2 = tmp_path / "override.xlsx"
    status, _, stderr = main(capsys, "rfm", str(SHOP), "--out", str(out2), "--settings", str(path), "--lang", "en",
                             "--scheme", "11", "--from", "2024-01-01")
    assert status == 0, stderr
    block = summary_block(out2)
    assert block["Segment map"] == "11 segments" and block["Orders counted"] == "2024-01-01 to 2024-06-20"
    assert "with --scheme 11 every group is listed" in stderr


def test_a_file_that_is_not_a_saved_analysis_is_refused_in_words(capsys, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"version": 1, "columns": {"customer_id": "Customer"}}), encoding="utf-8")
    status, _, stderr = main(capsys, "rfm", str(SHOP), "--out", str(tmp_path / "x.xlsx"), "--settings", str(mapping))
    assert status == 2
    assert "is not a saved analysis" in stderr and "--mapping" in stderr and "Traceback" not in stderr


def test_two_files_splitting_one_export_give_the_one_files_workbook(capsys, tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    header, body = lines[0], lines[1:]
    first, second = tmp_path / "part1.csv", tmp_path / "part2.csv"
    first.write_text("\n".join([header, *body[: len(body) // 2]]) + "\n", encoding="utf-8")
    second.write_text("\n".join([header, *body[len(body) // 2:]]) + "\n", encoding="utf-8")
    whole, split = tmp_path / "whole.xlsx", tmp_path / "split.xlsx"
    assert main(capsys, "rfm", str(SAMPLE), "--out", str(whole))[0] == 0
    status, stdout, stderr = main(capsys, "rfm", str(first), str(second), "--out", str(split))
    assert status == 0, stderr
    assert "7,223 rows read, 7,153 used, 70 excluded" in stderr
    one, two = (openpyxl.load_workbook(p, read_only=True) for p in (whole, split))
    assert one.sheetnames == two.sheetnames
    for name in one.sheetnames[1:]:
        assert list(one[name].iter_rows(values_only=True)) == list(two[name].iter_rows(values_only=True))
    assert summary_block(split)["Order files"] == "part1.csv, part2.csv"


def test_overlapping_files_count_each_line_once(capsys, tmp_path):
    lines = SHOP.read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "jan_may.csv", tmp_path / "may_jun.csv"
    first.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")  # header + 3 lines
    second.write_text("\n".join([lines[0], *lines[3:]]) + "\n", encoding="utf-8")  # line 3 again + 2 more
    out = tmp_path / "rfm.xlsx"
    status, _, stderr = main(capsys, "rfm", str(first), str(second), "--out", str(out))
    assert status == 0, stderr
    assert "6 rows read, 5 used, 1 excluded" in stderr
    single = tmp_path / "single.xlsx"
    assert main(capsys, "rfm", str(SHOP), "--out", str(single))[0] == 0
    assert listed_ids(out) == listed_ids(single) == {"a", "b", "c"}


def test_the_customer_file_joins_consent_and_names_itself_on_the_summary(capsys, tmp_path):
    without, with_file = tmp_path / "without.xlsx", tmp_path / "with.xlsx"
    assert main(capsys, "rfm", str(SAMPLE), "--out", str(without))[0] == 0
    status, _, stderr = main(capsys, "rfm", str(SAMPLE), "--out", str(with_file), "--customers", str(MASTER))
    assert status == 0, stderr
    assert "customers_zh.csv" in stderr  # the join's note
    assert summary_block(with_file)["Customer file"] == "customers_zh.csv"
    # The five customers who opted out in the customer file only are no longer listed.
    assert len(listed_ids(without) - listed_ids(with_file)) == 5
    assert listed_ids(with_file) < listed_ids(without)


def test_csv_lists_follow_the_same_window(capsys, tmp_path):
    out = tmp_path / "rfm.csv"
    status, stdout, stderr = main(capsys, "rfm", str(SHOP), "--out", str(out), "--months", "3")
    assert status == 0, stderr
    frame = pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig")
    assert sorted(frame["Customer ID"]) == ["a", "b"]
    assert stdout.splitlines()[-1].startswith("List ID: RFM-20240621-")


def test_a_window_of_zero_months_is_refused_in_words(capsys, tmp_path):
    status, _, stderr = main(capsys, "rfm", str(SHOP), "--out", str(tmp_path / "x.xlsx"), "--months", "0")
    assert status == 2
    assert "The analysis window must be 1 to 240 months, not 0." in stderr and "saved analysis" not in stderr


def test_saved_groups_of_another_map_are_named_not_an_empty_workbook(capsys, tmp_path):
    path = ROOT / "tests" / "data" / "settings" / "groups_of_no_map.json"  # keys of no segment map
    assert AnalysisSettings.from_json(path.read_bytes()).lists == ListSettings(segments=("vip", "gold"))
    status, _, stderr = main(capsys, "rfm", str(SHOP), "--out", str(tmp_path / "x.xlsx"), "--settings", str(path),
                             "--scheme", "11")
    assert status == 2
    assert "None of the groups asked for (vip, gold) is in this segment map." in stderr
    assert not (tmp_path / "x.xlsx").exists()
