"""Attribution page (AppTest): the demo touchpoints in both languages against crm_core on the same file, a changed
half life reaching the models and the session's choice, ready paths told from the headers, a format override that
leaves a required column unchosen, an unreadable table and no table at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import APP, TIMEOUT, AppTest, by_key, charts, en, make_upload, metrics, rerun, zh

from crm_core import pipeline
from crm_core.measure import attribution as at
from ui.state import DATASETS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "measure_attribution"
PAGE = "app_pages/attribution.py"


def demo(lang: str) -> Path:
    """The sample's touchpoints (sample_data/touchpoints_<lang>.csv), else this page's own fixture."""
    sample = ROOT / "sample_data" / f"touchpoints_{lang}.csv"
    return sample if sample.exists() else FIXTURES / f"touchpoints_demo_{lang}.csv"


def open_page(path: Path | None, *, lang: str = "en") -> AppTest:
    at_ = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at_.session_state["lang"] = lang
    if path is not None:
        at_.session_state[DATASETS] = {"touchpoints": make_upload(path.name, path.read_bytes())}
    at_.switch_page(PAGE)
    return rerun(at_)


def computed(path: Path, choice: at.AttributionChoice = at.AttributionChoice()):
    frame = pipeline.read(path.read_bytes(), path.name).frame
    paths = at.paths_from_touchpoints(frame, **at.propose_touchpoint_columns(frame.columns))
    return paths, at.attribute(paths, choice)


def summary_markdown(page: AppTest) -> str:
    found = [m.value for m in page.main.markdown if m.value.startswith("- ")]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_touchpoints(lang):
    path = demo(lang)
    page = open_page(path, lang=lang)
    paths, table = computed(path)
    text = en if lang == "en" else zh
    shown = metrics(page)
    assert shown[text("at_journeys")] == f"{len(paths.frame):,}"
    assert shown[text("at_conversions")] == f"{paths.total_conversions:,.0f}"
    assert shown[text("at_channels")] == f"{len(paths.channels)}"
    assert summary_markdown(page) == "\n".join(f"- {s}" for s in at.attribution_summary(table, lang))
    assert len(charts(page)) == 2  # the models side by side, the removal effects
    credits = [d.value for d in page.dataframe if text("at_table_channel") in d.value.columns]
    assert len(credits) == 1
    sheet = credits[0].set_index(text("at_table_channel"))
    markov = f"{at.MODEL_LABELS['markov'].text(lang)} · {'conversions' if lang == 'en' else '转化数'}"
    assert sheet[markov].to_dict() == table.set_index("channel")["markov"].round(1).to_dict()
    assert [b.label for b in page.get("download_button") if b.key == "at_download"] == [text("at_download")]
    assert not page.error
    assert page.session_state["measure_attribution"] == at.AttributionChoice()


def test_half_life_reaches_the_models_and_the_session():
    path = demo("en")
    page = open_page(path)
    by_key(page.number_input, r"at_half_life_\d+").set_value(2.0)
    rerun(page)
    choice = at.AttributionChoice(half_life_days=2.0)
    assert page.session_state["measure_attribution"] == choice
    _, table = computed(path, choice)
    sheet = next(d.value for d in page.dataframe if "Channel" in d.value.columns).set_index("Channel")
    assert sheet["Time decay · conversions"].to_dict() == table.set_index("channel")["time_decay"].round(1).to_dict()
    assert en("at_options", half=2.0, unit="days", first=0.4, last=0.4) in [e.label for e in page.expander]


def test_ready_paths_told_from_the_headers():
    path = FIXTURES / "paths_zh.csv"
    page = open_page(path, lang="zh")
    assert zh("at_format_detected", format=zh("at_format_paths")) in [c.value for c in page.caption]
    shown = metrics(page)
    assert shown[zh("at_journeys_paths")] == "3" and shown[zh("at_conversions")] == "4"
    assert shown[zh("at_channels")] == "5"


def test_format_override_asks_for_the_missing_column():
    page = open_page(FIXTURES / "paths_zh.csv")
    page.radio(key=next(r.key for r in page.radio if r.key.startswith("at_format_"))).set_value("touchpoints")
    rerun(page)
    assert len(page.error) == 1 and "Choose the journey id column" in page.error[0].value
    assert not charts(page)


def test_unreadable_table_shows_the_message():
    page = open_page(FIXTURES / "touch_bad_time.csv")
    assert len(page.error) == 1 and "touch_time" in page.error[0].value and "next monday" in page.error[0].value
    assert not [b for b in page.get("download_button") if b.key == "at_download"]


def test_no_table_says_how_to_get_one():
    page = open_page(None, lang="zh")
    assert zh("at_none") in [i.value for i in page.info]
    assert not charts(page) and not page.error


def test_an_opened_analysis_sets_the_options():
    """"Open analysis" puts the saved choice in the session (ui.saved_analysis): the page runs with it."""
    path = demo("en")
    page = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    page.session_state["lang"] = "en"
    page.session_state[DATASETS] = {"touchpoints": make_upload(path.name, path.read_bytes())}
    choice = at.AttributionChoice(half_life_days=3.0, first_share=0.3, last_share=0.5)
    page.session_state["measure_attribution"] = choice
    page.switch_page(PAGE)
    rerun(page)
    assert en("at_options", half=3.0, unit="days", first=0.3, last=0.5) in [e.label for e in page.expander]
    assert by_key(page.slider, r"at_first_share_\d+").value == 30
    _, table = computed(path, choice)
    sheet = next(d.value for d in page.dataframe if "Channel" in d.value.columns).set_index("Channel")
    assert sheet["Position based · conversions"].to_dict() == table.set_index("channel")["position_based"].round(
        1).to_dict()
    assert page.session_state["measure_attribution"] == choice


DATA = ROOT.parent / "shared" / "datasets" / "channel_attribution" / "Data.csv"


@pytest.mark.realdata
@pytest.mark.skipif(not DATA.exists(), reason=f"real data not found at {DATA} (shared/ is beside the checkout only in "
                    "CI and the developers' workplace)")
def test_channelattribution_data_as_it_is():
    page = open_page(DATA)
    shown = metrics(page)
    assert shown["Paths"] == "10,000" and shown["Conversions"] == "19,785" and shown["Channels"] == "12"
    assert en("at_options", half=7.0, unit="steps", first=0.4, last=0.4) in [e.label for e in page.expander]
    assert summary_markdown(page).startswith("- alpha both opens and closes the most journeys")
