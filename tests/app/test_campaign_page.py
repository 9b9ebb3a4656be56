"""Campaign builder page on the sample: the live count and revenue equal crm_core's ``select`` / ``at_stake``, the
downloaded workbook's target and control sheets are exactly ``campaign_table`` with the same percent and seed,
the Summary sheet holds the list id and the selection in words; both languages; the guards.

Expected values are computed here from crm_core on the same file (the sample may grow), never hard-coded.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from app_helpers import SAMPLE, by_key, en, metrics, open_app, rerun, texts, zh

from crm_core import export
from crm_core.customers import customer_table, default_as_of
from crm_core.messages import Localized
from crm_core.segment import campaign as cmp
from crm_core.segment.combined import SegmentChoices, segmented_table
from crm_core.segment.lifecycle import STAGES, Lifecycle
from crm_core.segment.rfm import SCHEMES
from crm_core.settings import AnalysisSettings
from ui.fmt import money_text

CAMPAIGN = "app_pages/campaign.py"
CHAMPIONS_ACTIVE = cmp.Selection((cmp.Member("segment", ("champions",)), cmp.Member("stage", ("active",))), "and")
SEGMENTATIONS = {"segment": SCHEMES["11"], "stage": Lifecycle()}


@pytest.fixture(scope="module")
def segmented(sample_loaded) -> pd.DataFrame:
    """The sample's customers with segment and stage, as crm_core computes them (clusters are not needed)."""
    result = sample_loaded.result
    as_of = default_as_of(result.orders)
    table = customer_table(result.orders, result.customers, as_of=as_of)
    return segmented_table(table, result.orders, as_of, choices=SegmentChoices(clusters=None))


@pytest.fixture(scope="module")
def opted_out_ids() -> set[str]:
    raw = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8-sig")
    return set(raw.loc[raw["是否同意营销"] == "否", "客户编号"].dropna())




def choose(at, row: int, column: str, keys: list) -> None:
    """Condition ``row`` (0-based) on ``column`` with ``keys``; adds the row when needed."""
    if not [w for w in at.main.selectbox if w.key and re.fullmatch(rf"cmp_\d+_\d+_rows{row}_column", w.key)]:
        by_key(at.main.button, r"cmp_\d+_\d+_add").click()
        rerun(at)
    by_key(at.main.selectbox, rf"cmp_\d+_\d+_rows{row}_column").set_value(column)
    rerun(at)
    by_key(at.main.multiselect, rf"cmp_\d+_\d+_rows{row}_keys_{column}").set_value(keys)
    rerun(at)


def champions_and_active(sample_upload, lang: str = "en"):
    at = open_app(CAMPAIGN, lang=lang, upload=sample_upload)
    choose(at, 0, "segment", ["champions"])
    choose(at, 1, "stage", ["active"])
    return at


def sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {name: [tuple(c for c in row) for row in book[name].iter_rows()] for name in book.sheetnames}


def ids_of(rows: list[tuple], lang: str = "en") -> list[str]:
    header = [c.value for c in rows[0]]
    at = header.index(export.column_label("customer_id", lang))
    return [row[at].value for row in rows[1:]]


def list_id(at) -> str:
    """The list id the page shows under the download button."""
    return next(re.search(r"\*\*(\S+)\*\*", c).group(1) for c in texts(at.caption) if c.startswith("List ID"))


def names(at) -> Localized:
    return Localized(en=by_key(at.main.text_input, r"cmp_name_en_\d+").value,
                     zh=by_key(at.main.text_input, r"cmp_name_zh_\d+").value)


def test_live_count_revenue_and_words_equal_crm_core(sample_upload, segmented):
    at = champions_and_active(sample_upload)
    stake = cmp.at_stake(segmented, cmp.select(segmented, CHAMPIONS_ACTIVE))
    assert stake["customers"] > 0
    shown = metrics(at)
    assert shown[en("cmp_selected")] == f"{stake['customers']:,}"
    assert shown[en("cmp_revenue")] == money_text(stake["revenue"], "¥")
    assert shown[en("cmp_customer_share")] == f"{stake['customer_share']:.1%}"
    assert shown[en("cmp_revenue_share")] == f"{stake['revenue_share']:.1%}"
    words = cmp.describe(CHAMPIONS_ACTIVE, "en", segmentations=SEGMENTATIONS)
    assert words == "segment is Champions AND lifecycle stage is Active"
    assert en("cmp_words", words=words) in texts(at.markdown)
    held = cmp.split_control(segmented.loc[cmp.select(segmented, CHAMPIONS_ACTIVE), "customer_id"], 10, 0).sum()
    assert shown[en("cmp_control_n")] == f"{held:,}" and held == int(stake["customers"] * 0.1 + 0.5)
    assert shown[en("cmp_target_n")] == f"{stake['customers'] - held:,}"
    # The campaign is kept in the session (saved with the analysis), with the list id's context.
    kept = at.session_state["campaign"]
    assert kept.selection == CHAMPIONS_ACTIVE and kept.control_percent == 10 and kept.seed == 0
    assert '"lifecycle"' in kept.context


def test_workbook_has_target_and_control_sheets_of_campaign_table(sample_upload, segmented, downloads,
                                                                    opted_out_ids):
    at = champions_and_active(sample_upload)
    at.toggle(key="cmp_list_opted_out").set_value(True)
    rerun(at)
    expected = cmp.campaign_table(segmented, CHAMPIONS_ACTIVE, 10, 0)
    campaign = cmp.Campaign(name=names(at))
    book = sheets(downloads["cmp_list_download"])
    target_sheet, control_sheet = campaign.text("target", "name", "en"), campaign.text("control", "name", "en")
    assert list(book) == ["Summary", target_sheet, control_sheet]
    target, control = ids_of(book[target_sheet]), ids_of(book[control_sheet])
    groups = expected.set_index("customer_id")[cmp.GROUP_COLUMN]
    assert sorted(target) == sorted(groups[groups == "target"].index)
    assert sorted(control) == sorted(groups[groups == "control"].index)
    assert len(control) == int(len(expected) * 0.10 + 0.5)
    assert abs(len(control) / len(expected) - 0.10) < 0.01
    # Summary: the list id the page shows, and the selection in words.
    summary = [c.value for row in book["Summary"] for c in row if isinstance(c.value, str)]
    assert list_id(at) in summary
    words = cmp.describe(CHAMPIONS_ACTIVE, "en", segmentations=SEGMENTATIONS)
    assert any(words in cell for cell in summary)
    # By default opted-out customers are left out of both sheets (and only they).
    at.toggle(key="cmp_list_opted_out").set_value(False)
    rerun(at)
    book = sheets(downloads["cmp_list_download"])
    assert set(ids_of(book[target_sheet])) == set(target) - opted_out_ids
    assert set(ids_of(book[control_sheet])) == set(control) - opted_out_ids


def test_another_seed_draws_another_control_group_and_the_percent_is_kept(sample_upload, segmented, downloads):
    at = champions_and_active(sample_upload)
    first_id = list_id(at)
    at.toggle(key="cmp_list_opted_out").set_value(True)
    by_key(at.main.number_input, r"cmp_seed_\d+").set_value(7)
    by_key(at.main.slider, r"cmp_percent_\d+").set_value(20)
    rerun(at)
    campaign = cmp.Campaign(name=names(at))
    control = set(ids_of(sheets(downloads["cmp_list_download"])[campaign.text("control", "name", "en")]))
    expected = cmp.campaign_table(segmented, CHAMPIONS_ACTIVE, 20, 7)
    assert control == set(expected.loc[expected[cmp.GROUP_COLUMN] == "control", "customer_id"])
    seed_0 = cmp.campaign_table(segmented, CHAMPIONS_ACTIVE, 20, 0)
    assert control != set(seed_0.loc[seed_0[cmp.GROUP_COLUMN] == "control", "customer_id"])
    assert at.session_state["campaign"].seed == 7 and at.session_state["campaign"].control_percent == 20
    assert list_id(at) != first_id  # the list id names the draw


def test_formula_like_offer_is_written_as_text(sample_upload, downloads):
    at = champions_and_active(sample_upload)
    evil = '=HYPERLINK("http://example.com","click")'
    by_key(at.main.text_input, r"cmp_action_\d+_en").set_value(evil)
    rerun(at)
    campaign = cmp.Campaign(name=names(at))
    rows = sheets(downloads["cmp_list_download"])[campaign.text("target", "name", "en")]
    header = [c.value for c in rows[0]]
    offer = [row[header.index(export.column_label("offer", "en"))] for row in rows[1:]]
    assert offer and all(c.value == evil and c.data_type == "s" and c.quotePrefix for c in offer)


def test_no_condition_and_nobody_selected_say_so(sample_upload, segmented):
    at = open_app(CAMPAIGN, upload=sample_upload)
    assert en("cmp_no_condition") in texts(at.info)
    assert not at.main.download_button and not metrics(at)
    empty = [s for s in STAGES if not cmp.select(segmented, cmp.Selection(
        (cmp.Member("segment", ("champions",)), cmp.Member("stage", (s,))))).any()]
    assert empty, "the sample has a stage without champions"
    choose(at, 0, "segment", ["champions"])
    choose(at, 1, "stage", [empty[0]])
    assert en("cmp_nobody") in texts(at.warning)
    assert metrics(at)[en("cmp_selected")] == "0" and not at.main.download_button


def test_or_and_a_bracketed_group(sample_upload, segmented):
    """(segment champions OR stage new) AND segment in champions/loyal: the group reads as one condition."""
    at = open_app(CAMPAIGN, upload=sample_upload)
    choose(at, 0, "segment", ["champions", "loyal"])
    by_key(at.main.button, r"cmp_\d+_\d+_add_group").click()
    rerun(at)
    by_key(at.main.selectbox, r"cmp_\d+_\d+_group0_column").set_value("segment")
    rerun(at)
    by_key(at.main.multiselect, r"cmp_\d+_\d+_group0_keys_segment").set_value(["champions"])
    rerun(at)
    by_key(at.main.button, r"cmp_\d+_\d+_group_add").click()
    rerun(at)
    by_key(at.main.selectbox, r"cmp_\d+_\d+_group1_column").set_value("stage")
    rerun(at)
    by_key(at.main.multiselect, r"cmp_\d+_\d+_group1_keys_stage").set_value(["new"])
    rerun(at)
    selection = cmp.Selection((cmp.Member("segment", ("champions", "loyal")), cmp.Selection(
        (cmp.Member("segment", ("champions",)), cmp.Member("stage", ("new",))), "or")), "and")
    assert at.session_state["campaign"].selection == selection
    expected = int(cmp.select(segmented, selection).sum())
    assert metrics(at)[en("cmp_selected")] == f"{expected:,}"
    words = cmp.describe(selection, "en", segmentations=SEGMENTATIONS)
    assert "(segment is Champions OR lifecycle stage is New)" in words
    assert en("cmp_words", words=words) in texts(at.markdown)


def test_campaign_page_in_chinese(sample_upload, segmented, downloads):
    at = champions_and_active(sample_upload, lang="zh")
    assert texts(at.title) == [zh("nav_campaign")]
    stake = cmp.at_stake(segmented, cmp.select(segmented, CHAMPIONS_ACTIVE))
    shown = metrics(at)
    assert shown[zh("cmp_selected")] == f"{stake['customers']:,}"
    assert shown[zh("cmp_revenue")] == money_text(stake["revenue"], "¥")
    words = cmp.describe(CHAMPIONS_ACTIVE, "zh", segmentations=SEGMENTATIONS)
    assert zh("cmp_words", words=words) in texts(at.markdown)
    campaign = cmp.Campaign(name=names(at))
    book = sheets(downloads["cmp_list_download"])
    assert list(book) == ["概览", campaign.text("target", "name", "zh"), campaign.text("control", "name", "zh")]
    assert campaign.text("control", "name", "zh").startswith("对照组")
    summary = [c.value for row in book["概览"] for c in row if isinstance(c.value, str)]
    assert any(words in cell for cell in summary)


def test_the_builder_starts_from_the_saved_campaign(sample_upload):
    at = champions_and_active(sample_upload)
    at.switch_page("app_pages/rfm.py")
    rerun(at)
    at.switch_page(CAMPAIGN)
    rerun(at)
    assert by_key(at.main.multiselect, r"cmp_\d+_\d+_rows0_keys_segment").value == ["champions"]
    assert by_key(at.main.multiselect, r"cmp_\d+_\d+_rows1_keys_stage").value == ["active"]


def test_opening_an_analysis_restores_its_campaign(sample_upload, segmented):
    saved = cmp.Campaign.of(Localized(en="Spring", zh="春季"), CHAMPIONS_ACTIVE, control_percent=25, seed=11,
                            action=Localized(en="Free gift", zh="赠品"))
    analysis = AnalysisSettings(campaign=saved, lang="en").to_json().encode()
    at = open_app("app_pages/data.py", upload=sample_upload)
    at.file_uploader(key="open_analysis").set_value(("spring.json", analysis, "application/json"))
    rerun(at)
    at.switch_page(CAMPAIGN)
    rerun(at)
    assert by_key(at.main.multiselect, r"cmp_\d+_\d+_rows0_keys_segment").value == ["champions"]
    assert by_key(at.main.multiselect, r"cmp_\d+_\d+_rows1_keys_stage").value == ["active"]
    assert names(at) == Localized(en="Spring", zh="春季")
    assert by_key(at.main.slider, r"cmp_percent_\d+").value == 25
    assert by_key(at.main.number_input, r"cmp_seed_\d+").value == 11
    assert by_key(at.main.text_input, r"cmp_action_\d+_en").value == "Free gift"
    expected = cmp.campaign_table(segmented, CHAMPIONS_ACTIVE, 25, 11)
    held = int((expected[cmp.GROUP_COLUMN] == "control").sum())
    assert metrics(at)[en("cmp_control_n")] == f"{held:,}"
    kept = at.session_state["campaign"]
    assert (kept.selection, kept.control_percent, kept.seed, kept.action) == (
        CHAMPIONS_ACTIVE, 25, 11, Localized(en="Free gift", zh="赠品"))


def test_without_data_the_page_asks_for_it():
    at = open_app(CAMPAIGN)
    assert texts(at.info) == [en("upload_first")] and not at.main.multiselect
