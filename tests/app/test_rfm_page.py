"""RFM page on the sample: KPIs and summary equal crm_core's, scoring and scheme switches, charts, Chinese."""

import json

import pytest
from app_helpers import APP_FIXTURES, charts, column_labels, en, frame_with, metrics, open_app, rerun, texts, widget, zh

from crm_core import export, pipeline
from crm_core.customers import customer_table, default_as_of
from crm_core.segment import rfm
from ui.fmt import money_text

RFM = "app_pages/rfm.py"




def segment_names(summary) -> list[str]:
    """The summary table's first column: the segment names (whatever the page calls that column)."""
    return list(summary.iloc[:, 0])


def present(scored, scheme, lang="en"):
    """Names of the scheme's segments that have customers, best first."""
    return [scheme.name(s, lang) for s in scheme.segments() if (scored["segment"] == s).any()]


@pytest.fixture
def rfm_page(sample_upload):
    return open_app(RFM, upload=sample_upload)


@pytest.fixture(scope="module")
def sample_table(sample_loaded):
    result = sample_loaded.result
    return customer_table(result.orders, result.customers, as_of=None)


def test_kpis_equal_crm_core(rfm_page, sample_table, sample_scored):
    scored = rfm.score_rfm(sample_table, rfm.RfmParams())
    assert len(scored) == len(sample_scored) == 700
    shown = metrics(rfm_page)
    assert shown[en("kpi_customers")] == f"{len(scored):,}" == "700"
    assert shown[en("kpi_revenue")] == money_text(float(scored["monetary"].sum()), "¥") == "¥1,489,595"
    assert shown[en("kpi_orders")] == f"{int(scored['frequency'].sum()):,}"
    assert shown[en("kpi_pareto")] == f"{rfm.pareto_share(scored):.0%}"
    assert texts(rfm_page.title) == [en("rfm_title")]



def test_analysis_date_defaults_to_the_day_after_the_last_order(rfm_page, sample_loaded):
    expected = default_as_of(sample_loaded.result.orders)
    assert rfm_page.date_input(key="as_of_input").value == expected
    assert str(expected) == "2026-01-01"
    assert not rfm_page.warning  # nothing dated on or after the default date


def test_summary_has_one_row_per_non_empty_segment(rfm_page, sample_scored):
    summary = frame_with(rfm_page, "customer_share").value
    scheme = rfm.SCHEMES["11"]
    assert segment_names(summary) == present(sample_scored, scheme)
    counts = sample_scored["segment"].value_counts()
    assert list(summary["customers"]) == [counts[s] for s in scheme.segments() if s in counts.index]
    assert summary["customers"].sum() == 700


def test_threshold_scoring_shows_the_editor_prefilled_with_quintiles(rfm_page, sample_table):
    assert not [d for d in rfm_page.dataframe if en("score_n", n=5) in d.value.columns]
    widget(rfm_page.radio, en("method")).set_value("threshold")
    at = rerun(rfm_page)
    assert en("thresholds") in [m.value.strip("# ") for m in at.markdown]
    editor = frame_with(at, en("score_n", n=5)).value
    expected = rfm.quantile_thresholds(sample_table, frequency_basis="orders")
    assert list(editor.index) == [en("recency_days"), en("frequency_min"), en("monetary_min")]
    assert list(editor.loc[en("recency_days")]) == list(expected.recency)
    assert list(editor.loc[en("monetary_min")]) == list(expected.monetary)[::-1]
    # The quintile cut-offs as thresholds: every customer is still scored.
    assert metrics(at)[en("kpi_customers")] == "700"
    assert at.session_state["rfm_params"].method == "threshold"
    assert at.session_state["rfm_params"].thresholds == expected


def test_four_tier_scheme_shows_four_tier_names(rfm_page, sample_table):
    widget(rfm_page.selectbox, en("scheme")).set_value("4")
    at = rerun(rfm_page)
    scheme = rfm.SCHEMES["4"]
    expected = rfm.score_rfm(sample_table, rfm.RfmParams(scheme=scheme))
    summary = frame_with(at, "customer_share").value
    assert segment_names(summary) == present(expected, scheme)
    assert set(segment_names(summary)) <= {scheme.name(k, "en") for k in scheme.segments()}
    assert len(scheme.segments()) == 4 and summary["customers"].sum() == 700
    assert not set(segment_names(summary)) & {rfm.SCHEMES["11"].name(k, "en") for k in rfm.SCHEMES["11"].segments()}


@pytest.mark.parametrize(("view", "count", "field"), [
    ("segments", 1, "share"), ("heatmap", 1, "r_score"), ("distributions", 3, "recency_days"),
])
def test_chart_views(rfm_page, view, count, field):
    chart_control = widget(rfm_page.segmented_control, en("charts"))
    assert chart_control.value == "segments"
    chart_control.set_value(view)
    at = rerun(rfm_page)
    shown = charts(at)
    assert len(shown) == count
    assert f'"field": "{field}"' in shown[0].proto.spec
    assert metrics(at)[en("kpi_customers")] == "700"


@pytest.fixture(scope="module")
def chinese_page(sample_upload):
    return open_app(RFM, lang="zh", upload=sample_upload)


def test_chinese_labels(chinese_page, sample_scored):
    at = chinese_page
    assert texts(at.title) == [zh("rfm_title")]
    assert list(metrics(at)) == [zh("kpi_customers"), zh("kpi_revenue"), zh("kpi_orders"), zh("kpi_pareto")]
    assert metrics(at)[zh("kpi_customers")] == "700"
    assert texts(at.main.subheader) == [zh("summary"), zh("charts")]
    assert widget(at.radio, zh("method")).options == [zh("method_quantile"), zh("method_threshold")]
    summary = frame_with(at, "customer_share")
    assert segment_names(summary.value) == present(sample_scored, rfm.SCHEMES["11"], "zh")
    labels = column_labels(summary)
    assert labels["customers"] == "客户数" and labels["revenue_share"] == export.column_label("revenue_share", "zh")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels.values()), labels
    encoding = json.loads(charts(at)[0].proto.spec)["encoding"]
    assert (encoding["y"]["title"], encoding["x"]["title"]) == (zh("segment"), zh("share"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_segment_column_is_labelled_segment(sample_upload, chinese_page, lang):
    """Regression: the segment column is labelled "Segment", not a person's "Name" / "姓名"."""
    at = chinese_page if lang == "zh" else open_app(RFM, upload=sample_upload)
    summary = frame_with(at, "customer_share")
    # "Segment" / "客户分群", as the same column is called in the exported workbook.
    assert list(column_labels(summary).values())[0] == export.column_label("segment_name", lang)


def test_thresholds_are_prefilled_from_the_new_file_after_an_upload(rfm_page):
    """Regression: after a new upload the threshold editor shows the new file's quintiles."""
    widget(rfm_page.radio, en("method")).set_value("threshold")
    rerun(rfm_page)
    monetary_row = en("monetary_min")
    assert frame_with(rfm_page, en("score_n", n=5)).value.loc[monetary_row].max() > 1000  # the sample's ¥ cut-offs
    rfm_page.switch_page("app_pages/data.py")
    rerun(rfm_page)
    path = APP_FIXTURES / "three_customers.csv"
    rfm_page.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv"))
    rerun(rfm_page)
    rfm_page.switch_page(RFM)
    at = rerun(rfm_page)
    assert metrics(at)[en("kpi_customers")] == "3"
    loaded = pipeline.load(path.read_bytes(), path.name).result
    table = customer_table(loaded.orders, loaded.customers, as_of=None)
    expected = rfm.quantile_thresholds(table, frequency_basis="orders")
    # Spend per customer in the fixture: T2 40, T3 75, T1 160, whose quintile scores are ceil(rank / 3 * 5):
    # 2, 4, 5. Each cut is the least spend reaching that score (score 3 is empty: it takes score 4's cut).
    assert list(expected.monetary)[::-1] == [160.0, 75.0, 75.0, 40.0]
    assert list(frame_with(at, en("score_n", n=5)).value.loc[monetary_row]) == [160.0, 75.0, 75.0, 40.0]


def test_four_tier_choice_carries_to_the_export_page_and_back(rfm_page, sample_table):
    widget(rfm_page.selectbox, en("scheme")).set_value("4")
    rerun(rfm_page)
    scheme = rfm.SCHEMES["4"]
    expected = present(rfm.score_rfm(sample_table, rfm.RfmParams(scheme=scheme)), scheme)
    rfm_page.switch_page("app_pages/export.py")
    at = rerun(rfm_page)
    assert widget(at.multiselect, en("export_segments")).options == expected
    at.switch_page(RFM)
    rerun(at)
    assert widget(at.selectbox, en("scheme")).value == "4"
    assert segment_names(frame_with(at, "customer_share").value) == expected


def test_segment_map_edits_survive_a_language_switch_and_a_visit_to_another_page(rfm_page):
    at = rfm_page
    # R5 / FM1 (new customers) re-mapped to Champions in the grid editor.
    at.session_state["grid_11_en_0"] = {"edited_rows": {0: {"FM 1": "Champions"}}, "added_rows": [], "deleted_rows": []}
    rerun(at)
    assert at.session_state["edited_schemes"]["11"].grid[0][0] == "champions"
    at.session_state["lang"] = "zh"
    rerun(at)
    assert not at.error, texts(at.error)
    assert at.session_state["edited_schemes"]["11"].grid[0][0] == "champions"
    at.switch_page("app_pages/export.py")
    rerun(at)
    assert at.session_state[state_key()].scheme.grid[0][0] == "champions"  # the export uses the edited map
    at.switch_page(RFM)
    rerun(at)
    assert at.session_state["edited_schemes"]["11"].grid[0][0] == "champions"
    assert "new_customers" not in set(at.session_state[state_key()].scheme.grid[0])


def state_key() -> str:
    from ui.state import RFM_PARAMS

    return RFM_PARAMS


def test_segment_profiles_show_what_each_segment_buys(sample_upload):
    at = open_app(RFM, upload=sample_upload)
    profiles = next(d.value for d in at.dataframe if "category_mix" in d.value.columns)
    assert profiles["segment_name"].tolist()[0] == "Champions"
    assert profiles["customers"].sum() == 700
    assert all(isinstance(v, str) and "%" in v for v in profiles["category_mix"])
