"""Export page on the sample: default segments, opted-out customers left out, the workbook's content.

The page builds its lists once (``crm_core.pipeline.build_lists`` of one ``ListRequest``) and writes the
download from them (``crm_core.pipeline.to_workbook``); the bytes are checked here by calling those pure
functions with the page's choices, not through AppTest.
"""

import io

import openpyxl
import pandas as pd
import pytest
from app_helpers import SAMPLE, en, metrics, open_app, rerun, texts, widget, zh

from crm_core import export, pipeline
from crm_core.segment import rfm

EXPORT = "app_pages/export.py"
SCHEME = rfm.SCHEMES["11"]



@pytest.fixture(scope="module")
def opted_out_ids() -> set[str]:
    """Customers whose consent cell says 否 (no), read straight from the CSV, not through crm_core."""
    raw = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8-sig")
    return set(raw.loc[raw["是否同意营销"] == "否", "客户编号"].dropna())


@pytest.fixture
def export_page(sample_upload):
    return open_app(EXPORT, upload=sample_upload)


def non_empty(scored) -> list[str]:
    return [s for s in SCHEME.segments() if (scored["segment"] == s).any()]


def test_segments_default_to_every_non_empty_segment(export_page, sample_scored):
    assert texts(export_page.title) == [en("export_title")]
    segments = widget(export_page.multiselect, en("export_segments"))
    assert segments.value == non_empty(sample_scored)
    assert len(segments.value) == 11  # the sample fills every segment
    assert segments.options == [SCHEME.name(s, "en") for s in non_empty(sample_scored)]
    # Contact details are off by default, so no name/phone/email column is offered.
    columns = widget(export_page.multiselect, en("export_columns")).value
    assert columns[:2] == ["customer_id", "segment_name"] and not {"name", "phone", "email"} & set(columns)


def test_opted_out_customers_are_left_out_by_default(export_page, sample_scored, opted_out_ids):
    assert len(opted_out_ids) == 105
    assert set(sample_scored["customer_id"]) >= opted_out_ids
    assert texts(export_page.info) == [en("opted_out_left_out", n=105)]
    assert en("export_summary", lists=11, rows=700 - 105) in texts(export_page.caption)


def test_left_out_count_follows_the_chosen_segments(export_page, sample_scored, opted_out_ids):
    widget(export_page.multiselect, en("export_segments")).unselect("champions")
    at = rerun(export_page)
    rest = sample_scored[sample_scored["segment"] != "champions"]
    expected = len(set(rest["customer_id"]) & opted_out_ids)
    assert 0 < expected < 105
    assert texts(at.info) == [en("opted_out_left_out", n=expected)]
    assert en("export_summary", lists=10, rows=len(rest) - expected) in texts(at.caption)


def test_including_opted_out_customers(export_page):
    widget(export_page.toggle, en("include_opted_out")).set_value(True)
    at = rerun(export_page)
    assert not at.info
    assert en("export_summary", lists=11, rows=700) in texts(at.caption)


def test_no_segment_chosen_asks_for_one(export_page):
    widget(export_page.multiselect, en("export_segments")).set_value([])
    at = rerun(export_page)
    assert texts(at.info) == [en("export_empty")]
    assert not at.main.download_button


def test_download_button_and_preview_match_the_workbook(export_page, sample_scored, opted_out_ids):
    (button,) = export_page.main.download_button
    assert button.label == en("download", fmt="Excel")
    assert widget(export_page.segmented_control, en("format")).value == "xlsx"
    segments = tuple(widget(export_page.multiselect, en("export_segments")).value)
    columns = tuple(widget(export_page.multiselect, en("export_columns")).value)
    request = export.ListRequest(SCHEME, segments=segments, columns=columns, options=export.ListOptions(lang="en"),
                                 currency="¥")
    data = pipeline.to_workbook(pipeline.build_lists(sample_scored, request))
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    names = [SCHEME.name(s, "en") for s in segments]
    assert book.sheetnames == ["Summary", *names]
    id_label = export.column_label("customer_id", "en")
    ids = {}
    for name in names:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0][0] == id_label
        ids[name] = [row[0] for row in rows[1:]]
    listed = [i for sheet in ids.values() for i in sheet]
    assert len(listed) == len(set(listed)) == 700 - 105
    assert not set(listed) & opted_out_ids
    # The page previews the first list: the same customers in the same order.
    preview = export_page.dataframe[0].value
    assert list(preview[id_label]) == ids[names[0]][:50]
    assert f"#### {en('export_preview', name=names[0], rows=len(ids[names[0]]))}" in texts(export_page.markdown)


def test_csv_format_switches_the_button(export_page):
    widget(export_page.segmented_control, en("format")).set_value("csv")
    at = rerun(export_page)
    assert [b.label for b in at.main.download_button] == [en("download", fmt="CSV")]
    assert not metrics(at)  # the export page shows lists, not KPIs


def test_export_page_in_chinese(sample_upload, sample_scored):
    at = open_app(EXPORT, lang="zh", upload=sample_upload)
    assert texts(at.title) == [zh("export_title")]
    segments = widget(at.multiselect, zh("export_segments"))
    assert segments.options == [SCHEME.name(s, "zh") for s in non_empty(sample_scored)]
    assert segments.options[0] == "冠军客户"
    assert texts(at.info) == ["已排除 105 位退订营销的客户。"]
    assert [b.label for b in at.main.download_button] == ["下载 Excel"]
    assert list(at.dataframe[0].value.columns[:2]) == [export.column_label("customer_id", "zh"),
                                                       export.column_label("segment_name", "zh")]


def test_the_lists_are_built_once_for_preview_counts_and_both_files(sample_upload, monkeypatch):
    from ui import cached

    builds = []
    real_build = pipeline.build_lists

    def counting_build(scored, request):
        builds.append(request)
        return real_build(scored, request)

    monkeypatch.setattr(pipeline, "build_lists", counting_build)
    cached.built_lists.clear()
    cached.list_file.clear()
    try:
        at = open_app(EXPORT, upload=sample_upload)
        assert len(builds) == 1 and at.main.download_button  # the preview, the counts and the Excel file: one build
        widget(at.segmented_control, en("format")).set_value("csv")
        at = rerun(at)
        assert [b.label for b in at.main.download_button] == [en("download", fmt="CSV")]
        assert len(builds) == 1  # the CSV is written from the same build
    finally:
        cached.built_lists.clear()
        cached.list_file.clear()


def test_the_dataset_key_hashes_the_digest_and_settings_not_the_bytes():
    from crm_core.schema import ReadOptions
    from ui.cached import DatasetKey

    one = DatasetKey("abc", b"first bytes", "orders.csv", ReadOptions())
    same_digest = DatasetKey("abc", b"other bytes", "orders.csv", ReadOptions())
    assert one == same_digest and hash(one) == hash(same_digest)
    assert one.cache_token() == ("abc", "orders.csv", ReadOptions(), None, one.options, None)
    assert one != DatasetKey("abc", b"first bytes", "orders.csv", ReadOptions(sheet="Sheet2"))
    assert "first bytes" not in repr(one)
