"""Start page in both languages, and the guard every page shows before any data is loaded."""

import pytest
from app_helpers import en, loaded, metrics, open_app, rerun, texts, zh


def test_home_is_english_by_default():
    at = open_app()
    assert texts(at.title) == [en("home_title")]
    assert at.button(key="home_sample").label == en("load_sample")
    assert [link.label for link in at.main.page_link] == [en("go_to_upload")]
    # AppTest has no browser locale, so the language falls back to English.
    assert at.session_state["lang"] == "en"


def test_home_in_chinese():
    at = open_app(lang="zh")
    assert texts(at.title) == [zh("home_title")]
    assert at.button(key="home_sample").label == zh("load_sample")
    assert [link.label for link in at.main.page_link] == [zh("go_to_upload")]
    assert zh("privacy_note") in texts(at.main.caption)


@pytest.mark.parametrize("page", ["app_pages/rfm.py", "app_pages/export.py"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_needing_data_point_to_the_upload(page, lang):
    at = open_app(page, lang=lang)
    text = en if lang == "en" else zh
    assert texts(at.info) == [text("upload_first")]
    links = at.main.page_link
    assert [link.label for link in links] == [text("go_to_upload")]
    assert links[0].proto.page == "data"  # the url path of pages/data.py
    # The guard stops the page before any of its own content.
    assert not at.title and not at.metric and not at.dataframe


def test_data_page_without_data_offers_the_sample():
    at = open_app("app_pages/data.py")
    assert texts(at.title) == [en("data_title")]
    assert texts(at.info) == [en("upload_first")]
    assert len(at.main.file_uploader) == 1 and at.main.file_uploader[0].label == en("uploader")
    assert at.button(key="data_sample").label == en("load_sample")
    assert not at.metric


def test_home_sample_button_loads_the_sample_and_opens_the_data_page():
    at = open_app()
    at.button(key="home_sample").click()
    rerun(at)
    assert texts(at.title) == [en("data_title")]
    assert loaded(at).file_id == "sample"
    assert metrics(at)[en("rows_read")] == "7,223"


def test_data_page_sample_button_loads_the_sample():
    at = open_app("app_pages/data.py")
    at.button(key="data_sample").click()
    rerun(at)
    # The English session gets the English demo file (same orders as the Chinese one).
    assert loaded(at).name == "orders_en.xlsx"
    assert metrics(at)[en("customers")] == "700"
    assert en("ready") in texts(at.success)
