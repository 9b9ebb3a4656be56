"""python -m crm_core attribution: ChannelAttribution's Data.csv as it is, the sample's touchpoints in Chinese, the
workbook against crm_core on the same file, options and a saved analysis, and the errors (the app's message,
status 2, no traceback)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from cli_helpers import run, table_of

from crm_core import pipeline
from crm_core.measure import attribution as at
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "measure_attribution"
DATA = ROOT.parent / "shared" / "datasets" / "channel_attribution" / "Data.csv"
SAMPLE_ZH = ROOT / "sample_data" / "touchpoints_zh.csv"
DEMO_ZH = SAMPLE_ZH if SAMPLE_ZH.exists() else FIXTURES / "touchpoints_demo_zh.csv"


def expected(path: Path, choice: at.AttributionChoice = at.AttributionChoice()) -> pd.DataFrame:
    frame = pipeline.read(path.read_bytes(), path.name).frame
    if at.detect_format(frame.columns) == "paths":
        paths = at.paths_from_table(frame, **at.propose_path_columns(frame.columns), separator=choice.separator)
    else:
        paths = at.paths_from_touchpoints(frame, **at.propose_touchpoint_columns(frame.columns))
    return at.attribute(paths, choice)


@pytest.mark.realdata
@pytest.mark.skipif(not DATA.exists(), reason=f"real data not found at {DATA} (shared/ is beside the checkout only in "
                    "CI and the developers' workplace)")
def test_channelattribution_data_as_it_is(tmp_path):
    out = tmp_path / "attribution.xlsx"
    status, printed, err = run("attribution", DATA, "--out", out)
    assert status == 0, err
    assert "ready paths, 10,000 rows -> 10,000 paths, 19,785 conversions, value 74,802.97, 12 channels" in printed
    alpha = [line.split()[1:] for line in printed.splitlines() if line.startswith("alpha ")]
    # the conversions table (first touch, last touch, linear as in the README's section 6), then the value table
    assert alpha[0] == ["6,308.0", "8,447.0", "7,574.7", "7,667.0", "7,444.8", "5,344.9"]
    assert alpha[1][:3] == ["19,121.27", "28,414.21", "24,524.71"]
    assert "Wrote" in printed and "alpha: 55.8%" in printed
    sheet = table_of(out, "Attribution").set_index("Channel")
    want = expected(DATA).set_index("channel")
    for model in at.MODELS:
        label = at.MODEL_LABELS[model].en
        assert sheet[f"{label} · conversions"].to_dict() == pytest.approx(want[model].to_dict())
        assert sheet[f"{label} · value"].to_dict() == pytest.approx(want[f"{model}_value"].to_dict())
    assert list(sheet.index) == list(want.index)  # by Markov credit
    effects = table_of(out, "Removal effects").set_index("Channel")
    assert effects.loc["alpha", "Removal effect"] == pytest.approx(0.558399, abs=1e-6)
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["Attribution", "Removal effects", "Summary"]  # nothing left out
    summary = [r for r in book["Summary"].iter_rows(values_only=True)]
    assert summary[1][0].startswith("alpha both opens and closes")
    assert ("Input", "ready paths (one row per path with counts)") in [r[:2] for r in summary]


def test_touchpoints_in_chinese(tmp_path):
    out = tmp_path / "归因.xlsx"
    status, printed, err = run("attribution", DEMO_ZH, "--out", out, "--lang", "zh", "--half-life", "3")
    assert status == 0, err
    assert "触点明细" in printed and "各渠道归因的转化数" in printed and "马尔可夫链" in printed
    assert "时间衰减半衰期 3 天" in printed and "已写入" in printed
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[:3] == ["归因结果", "移除效应", "摘要"]
    sheet = table_of(out, "归因结果").set_index("渠道")
    want = expected(DEMO_ZH, at.AttributionChoice(half_life_days=3)).set_index("channel")
    assert sheet["时间衰减 · 转化数"].to_dict() == pytest.approx(want["time_decay"].to_dict())
    assert sheet["马尔可夫链 · 转化金额"].to_dict() == pytest.approx(want["markov_value"].to_dict())
    assert sheet["首次触点 · 转化数"].sum() == pytest.approx(want["first_touch"].sum())


def test_csv_out_and_options(tmp_path):
    out = tmp_path / "credits.csv"
    status, printed, err = run("attribution", FIXTURES / "touchpoints_demo_en.csv", "--out", out,
                               "--first-share", "30%", "--last-share", "0.5")
    assert status == 0, err
    assert "position based 30% first / 50% last" in printed
    frame = pd.read_csv(out).set_index("Channel")
    want = expected(FIXTURES / "touchpoints_demo_en.csv",
                    at.AttributionChoice(first_share=0.3, last_share=0.5)).set_index("channel")
    assert frame["Position based · conversions"].to_dict() == pytest.approx(want["position_based"].to_dict())


def test_saved_analysis_then_flags_win(tmp_path):
    settings = tmp_path / "analysis.json"
    saved = AnalysisSettings(lang="zh", attribution=at.AttributionChoice(half_life_days=2.0, separator="|"))
    settings.write_text(saved.to_json(), encoding="utf-8")
    paths = tmp_path / "paths.csv"
    paths.write_text("path,conversions,nulls\nA|B,2,1\nB,1,3\n", encoding="utf-8")
    status, printed, err = run("attribution", paths, "--out", tmp_path / "a.xlsx", "--settings", settings)
    assert status == 0, err
    assert "现成路径" in printed and "时间衰减半衰期 2 步" in printed  # the saved language and half life
    status, printed, err = run("attribution", paths, "--out", tmp_path / "a.xlsx", "--settings", settings,
                               "--half-life", "5", "--lang", "en")
    assert status == 0, err
    assert "half life 5 steps" in printed


def test_rows_left_out_are_listed(tmp_path):
    out = tmp_path / "a.xlsx"
    status, printed, _ = run("attribution", FIXTURES / "touch_some_bad_rows.csv", "--out", out)
    assert status == 0
    assert "Rows left out: 5" in printed and "time not readable: 1" in printed
    left = table_of(out, "Rows left out")
    assert list(left["Row"]) == [4, 5, 6, 7, 8]
    assert list(left["Reason"])[2] == "time not readable" and list(left["Value"])[2] == "not a time"


def test_formula_text_stays_text(tmp_path):
    out = tmp_path / "a.xlsx"
    status, _, err = run("attribution", FIXTURES / "touch_formula_channel.csv", "--out", out)
    assert status == 0, err
    book = openpyxl.load_workbook(out)
    cells = [c for row in book["Attribution"].iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith(("=", "@"))]
    assert {c.value for c in cells} == {'=HYPERLINK("http://evil.example","click")', "@SUM(A1)"}
    assert all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize(("args", "lang", "words"), [
    (["tests/data/measure_attribution/touch_bad_time.csv"], "en",
     ["No time in the column \u201ctouch_time\u201d", "next monday"]),
    (["sample_data/orders_zh.csv", "--lang", "zh"], "zh", ["请用 --converted 指定是否转化列", "下单时间"]),
    (["sample_data/customers_en.csv"], "en", ["--format touchpoints", "Customer No"]),
    (["tests/data/measure_attribution/paths_zh.csv", "--first-share", "0.8", "--last-share", "50%"], "en",
     ["first 0.8 and last 0.5"]),
    (["tests/data/measure_attribution/paths_zh.csv", "--half-life", "0"], "en", ["half life", "got 0"]),
    (["tests/data/measure_attribution/paths_zh.csv", "--first-share", "lots"], "en", ["lots"]),
    (["tests/data/measure_attribution/paths_zh.csv", "--format", "touchpoints"], "en",
     ["Name the journey id column with --journey"]),
    (["tests/data/measure_attribution/paths_no_outcome.csv", "--lang", "zh"], "zh", ["2 行：转化数和未转化数均为 0"]),
    (["no/such/file.csv"], "en", ["file not found"]),
])
def test_errors_exit_2_with_the_message(tmp_path, args, lang, words):
    first, *rest = args
    status, printed, err = run("attribution", ROOT / first if not first.startswith("no/") else first, *rest,
                               "--out", tmp_path / "a.xlsx")
    assert status == 2
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("错误：" if lang == "zh" else "error: ")
    for word in words:
        assert word in err
    assert not (tmp_path / "a.xlsx").exists()
