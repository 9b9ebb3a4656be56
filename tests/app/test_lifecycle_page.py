"""Lifecycle & cohorts page on the sample, in English and Chinese: stage counts, window edits, migration matrix,
one cell's customers and their list, cohort heat map, messages.

Every expected figure is computed here from crm_core on the same file (the sample may grow), never typed in.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from app_helpers import ROOT, charts, en, frame_with, make_upload, metrics, open_app, rerun, widget, zh

from crm_core import export, pipeline
from crm_core.customers import customer_table, default_as_of
from crm_core.schema import DataError
from crm_core.segment import cohorts, lifecycle
from crm_core.segment.lifecycle import STAGES, Lifecycle, LifecycleWindows

PAGE = "app_pages/lifecycle.py"
RFM = "app_pages/rfm.py"
ENGLISH_SAMPLE = ROOT / "sample_data" / "orders_en.xlsx"


@pytest.fixture(scope="module")
def english_upload():
    return make_upload(ENGLISH_SAMPLE.name, ENGLISH_SAMPLE.read_bytes())


@pytest.fixture(scope="module")
def english_loaded():
    return pipeline.load(ENGLISH_SAMPLE.read_bytes(), ENGLISH_SAMPLE.name)


@pytest.fixture(scope="module")
def sample_table(sample_loaded):
    result = sample_loaded.result
    return customer_table(result.orders, result.customers, as_of=default_as_of(result.orders))



def stage_counts(table: pd.DataFrame, windows: LifecycleWindows) -> dict[str, str]:
    """What the KPI row should show: stage name -> count, in English."""
    counts = lifecycle.with_stages(table, windows)["stage"].value_counts()
    return {Lifecycle(windows).text(s, "name", "en"): f"{int(counts.get(s, 0)):,}" for s in STAGES}


def chart_data(chart) -> pd.DataFrame:
    """The data a Vega-Lite chart element was drawn from (the first dataset Streamlit sent)."""
    return pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_pandas()


def show(at, view: str):
    at.segmented_control(key="lc_view").set_value(view)
    return rerun(at)


def sheet_ids(data: bytes, header: str) -> list[str]:
    """The customer ids of every list sheet of a workbook (all sheets but Summary), in order."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    ids = []
    for name in book.sheetnames:
        if name in ("Summary", "概览"):
            continue
        rows = list(book[name].iter_rows(values_only=True))
        column = rows[0].index(header)
        ids += [row[column] for row in rows[1:] if row[column] is not None]
    return ids


# --- stages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stage_counts_equal_with_stages_in_both_languages(lang, sample_upload, sample_loaded, english_upload,
                                                          english_loaded):
    upload, loaded = (english_upload, english_loaded) if lang == "en" else (sample_upload, sample_loaded)
    result = loaded.result
    table = customer_table(result.orders, result.customers, as_of=default_as_of(result.orders))
    staged = lifecycle.with_stages(table)
    at = open_app(PAGE, lang=lang, upload=upload)
    counts = staged["stage"].value_counts()
    expected = {Lifecycle().text(s, "name", lang): f"{int(counts.get(s, 0)):,}" for s in STAGES}
    assert metrics(at) == expected
    assert sum(int(v.replace(",", "")) for v in expected.values()) == len(table)
    summary = frame_with(at, "customer_share").value
    present = [s for s in STAGES if counts.get(s, 0)]
    assert list(summary["stage_name"]) == [Lifecycle().text(s, "name", lang) for s in present]
    assert list(summary["customers"]) == [counts[s] for s in present]
    assert summary["revenue"].sum() == pytest.approx(table["monetary"].sum())
    # Each stage's description and suggested action, in the page's language.
    meaning = at.main.table[0].value
    assert list(meaning.iloc[:, 0]) == [Lifecycle().text(s, "description", lang) for s in present]
    assert list(meaning.iloc[:, 1]) == [Lifecycle().text(s, "action", lang) for s in present]
    words = zh if lang == "zh" else en
    assert words("lc_stage_chart") in [m.value.strip("# ") for m in at.main.markdown]
    bars = chart_data(charts(at)[0])
    assert set(bars["name"]) == {Lifecycle().text(s, "name", lang) for s in present}
    profiles = frame_with(at, "category_mix").value
    assert list(profiles["customers"]) == [counts[s] for s in present]


def test_a_changed_window_changes_the_counts_and_survives_another_page(sample_upload, sample_table):
    at = open_app(PAGE, upload=sample_upload)
    assert metrics(at) == stage_counts(sample_table, LifecycleWindows())
    widget(at.main.number_input, en("lc_churn_days")).set_value(120)
    at = rerun(at)
    changed = LifecycleWindows(90, 90, 120)
    assert metrics(at) == stage_counts(sample_table, changed) != stage_counts(sample_table, LifecycleWindows())
    assert at.session_state["lifecycle_windows"] == changed
    at.switch_page(RFM)
    at = rerun(at)
    at.switch_page(PAGE)
    at = rerun(at)
    assert widget(at.main.number_input, en("lc_churn_days")).value == 120
    assert metrics(at) == stage_counts(sample_table, changed)
    # Back to the defaults with one button.
    at.button(key="lc_default_windows").click()
    at = rerun(at)
    assert at.session_state["lifecycle_windows"] == LifecycleWindows()
    assert widget(at.main.number_input, en("lc_churn_days")).value == 180
    assert metrics(at) == stage_counts(sample_table, LifecycleWindows())


def test_opening_an_analysis_shows_its_windows(sample_upload, sample_table):
    """Open analysis sets the windows and bumps editor_gen: the inputs must show the opened windows, not the
    values typed before."""
    at = open_app(PAGE, upload=sample_upload)
    widget(at.main.number_input, en("lc_active_days")).set_value(100)
    at = rerun(at)
    opened = LifecycleWindows(60, 120, 240)
    at.session_state["lifecycle_windows"] = opened
    at.session_state["editor_gen"] = at.session_state["editor_gen"] + 1 if "editor_gen" in at.session_state else 1
    at = rerun(at)
    shown = [widget(at.main.number_input, en(f"lc_{name}")).value for name in ("new_days", "active_days", "churn_days")]
    assert shown == [60, 120, 240]
    assert metrics(at) == stage_counts(sample_table, opened)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("lc_new_days", 200, DataError("lifecycle_windows_order", new_days=200, active_days=90, churn_days=180)),
    ("lc_churn_days", 90, DataError("lifecycle_windows_order", new_days=90, active_days=90, churn_days=90)),
])
def test_a_bad_window_combination_shows_the_message(field, value, expected, sample_upload):
    at = open_app(PAGE, upload=sample_upload)
    widget(at.main.number_input, en(field)).set_value(value)
    at = rerun(at)
    assert [e.value for e in at.main.error] == [expected.text("en")]
    assert not metrics(at)  # no counts for windows that make no sense
    assert at.session_state["lifecycle_windows"] == LifecycleWindows()  # the last valid windows are kept


def test_the_stage_list_holds_exactly_the_chosen_stages(downloads, sample_upload, sample_table):
    at = open_app(PAGE, upload=sample_upload)
    assert "lc_stage_list_download" not in downloads  # nothing chosen yet: no list is built
    at.multiselect(key="lc_list_stages").set_value(["silent", "churned"])
    at = rerun(at)
    at.toggle(key="lc_stage_list_opted_out").set_value(True)
    at = rerun(at)
    staged = lifecycle.with_stages(sample_table)
    wanted = set(staged.loc[staged["stage"].isin(["silent", "churned"]), "customer_id"])
    listed = sheet_ids(downloads["lc_stage_list_download"], export.column_label("customer_id", "en"))
    assert sorted(listed) == sorted(wanted)
    assert at.session_state["lc_list_stages_choice"] == ("silent", "churned")


# --- migration -----------------------------------------------------------------------------------------


def expected_migration(loaded, by: str, windows: LifecycleWindows = LifecycleWindows()) -> lifecycle.Migration:
    """The page's default comparison, computed here: 90 days before the analysis date -> the analysis date."""
    result = loaded.result
    as_of = default_as_of(result.orders)
    return lifecycle.migration(result.orders, result.customers, from_as_of=as_of - timedelta(days=90),
                               to_as_of=as_of, by=by, windows=windows)


def heatmap_counts(chart) -> dict[tuple[str, str], int]:
    data = chart_data(chart)
    return {(f, t): int(v) for f, t, v in zip(data["frm"], data["to"], data["value"], strict=True)}


@pytest.mark.parametrize("by", ["stage", "rfm"])
def test_migration_counts_equal_crm_core(by, sample_upload, sample_loaded):
    at = show(open_app(PAGE, upload=sample_upload), "migration")
    if by == "rfm":
        at.radio(key="lc_by").set_value("rfm")
        at = rerun(at)
    moved = expected_migration(sample_loaded, by)
    grid = moved.matrix()
    expected = {(moved.name(f, "en"), moved.name(t, "en")): int(grid.loc[f, t])
                for f in moved.from_groups() for t in moved.to_groups()}
    assert heatmap_counts(charts(at)[0]) == expected
    assert sum(expected.values()) == len(moved.customers)
    cells = moved.cells
    arrived = int(cells.loc[cells["from_group"] == lifecycle.NOT_YET, "customers"].sum())
    stayed = int(cells.loc[cells["from_group"] == cells["to_group"], "customers"].sum())
    as_of = default_as_of(sample_loaded.result.orders)
    assert en("lc_migration_sentence", total=len(moved.customers), stayed=stayed,
              moved=len(moved.customers) - stayed - arrived, arrived=arrived, to=f"{as_of:%Y-%m-%d}",
              frm=f"{as_of - timedelta(days=90):%Y-%m-%d}") in [m.value for m in at.main.markdown]
    # The biggest moves: changed group, biggest first.
    moves = frame_with(at, "from_share").value
    changed = cells[(cells["from_group"] != cells["to_group"]) & (cells["from_group"] != lifecycle.NOT_YET)]
    assert list(moves["customers"]) == sorted(changed["customers"], reverse=True)[:10]
    assert (moves["from_group"] != moves["to_group"]).all()


def test_the_revenue_and_share_views_of_the_heatmap(sample_upload, sample_loaded):
    at = show(open_app(PAGE, upload=sample_upload), "migration")
    moved = expected_migration(sample_loaded, "stage")
    for value in ("revenue", "from_share"):
        at.segmented_control(key="lc_value").set_value(value)
        at = rerun(at)
        data = chart_data(charts(at)[0])
        shown = {(f, t): v for f, t, v in zip(data["frm"], data["to"], data["value"], strict=True)}
        grid = moved.matrix(value)
        for f in moved.from_groups():
            for t in moved.to_groups():
                assert shown[(moved.name(f, "en"), moved.name(t, "en"))] == pytest.approx(grid.loc[f, t])


def pick_cell(moved: lifecycle.Migration) -> tuple[str, str]:
    """Champions -> At risk when the sample has it, else the biggest move out of Champions."""
    cells = moved.cells
    if ((cells["from_group"] == "champions") & (cells["to_group"] == "at_risk")).any():
        return "champions", "at_risk"
    out = cells[(cells["from_group"] == "champions") & (cells["to_group"] != "champions")]
    row = out.sort_values("customers", ascending=False).iloc[0]
    return row["from_group"], row["to_group"]


def test_a_picked_cell_shows_exactly_its_customers_and_lists_them(downloads, sample_upload, sample_loaded):
    at = show(open_app(PAGE, upload=sample_upload), "migration")
    at.radio(key="lc_by").set_value("rfm")
    at = rerun(at)
    moved = expected_migration(sample_loaded, "rfm")
    frm, to = pick_cell(moved)
    expected = moved.cell_customers(frm, to)
    assert len(expected) > 0
    picker = at.selectbox(key="lc_cell_rfm")
    # Cells are offered biggest first, so the biggest moves are at hand.
    by_size = moved.cells.sort_values("customers", ascending=False, kind="stable")
    assert picker.options == [en("lc_cell_option", frm=moved.name(f, "en"), to=moved.name(t, "en"), n=n)
                              for f, t, n in zip(by_size["from_group"], by_size["to_group"], by_size["customers"],
                                                 strict=True)]
    picker.set_value(f"{frm}|{to}")
    at = rerun(at)
    shown = frame_with(at, "last_order_date").value
    assert list(shown["customer_id"]) == list(expected["customer_id"])
    assert set(shown["from_group"]) == {moved.name(frm, "en")} and set(shown["to_group"]) == {moved.name(to, "en")}
    header = export.column_label("customer_id", "en")
    opted_out = expected["opted_out"].fillna(False).astype(bool) if "opted_out" in expected else False
    listed = sheet_ids(downloads["lc_cell_list_download"], header)
    assert listed == list(expected.loc[~opted_out, "customer_id"])
    at.toggle(key="lc_cell_list_opted_out").set_value(True)
    at = rerun(at)
    assert sheet_ids(downloads["lc_cell_list_download"], header) == list(expected["customer_id"])
    # The choice survives a visit to another page.
    at.switch_page(RFM)
    at = rerun(at)
    at.switch_page(PAGE)
    at = rerun(at)
    assert at.segmented_control(key="lc_view").value == "migration"
    assert at.radio(key="lc_by").value == "rfm"
    assert at.selectbox(key="lc_cell_rfm").value == f"{frm}|{to}"


def test_migration_in_chinese_names_the_groups_in_chinese(sample_upload, sample_loaded):
    at = show(open_app(PAGE, lang="zh", upload=sample_upload), "migration")
    moved = expected_migration(sample_loaded, "stage")
    data = chart_data(charts(at)[0])
    assert set(data["frm"]) == {moved.name(k, "zh") for k in moved.from_groups()}
    assert set(data["to"]) == {moved.name(k, "zh") for k in moved.to_groups()}
    assert "尚未成为客户" in set(data["frm"])


def test_migration_messages_never_a_traceback(sample_upload, sample_loaded):
    at = show(open_app(PAGE, upload=sample_upload), "migration")
    as_of = default_as_of(sample_loaded.result.orders)
    at.date_input(key="lc_from_date").set_value(as_of)
    at = rerun(at)
    expected = DataError("migration_dates_order", from_as_of=str(as_of), to_as_of=str(as_of))
    assert [e.value for e in at.main.error] == [expected.text("en")]
    first = sample_loaded.result.orders["order_date"].min()
    at.date_input(key="lc_from_date").set_value(first.date())
    at = rerun(at)
    expected = DataError("migration_no_customers", from_as_of=str(first.date()), first=str(first.date()))
    assert [e.value for e in at.main.error] == [expected.text("en")]
    assert not charts(at)


# --- cohorts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cohort_heatmap_shows_the_cores_retention(lang, sample_upload, sample_loaded):
    at = show(open_app(PAGE, lang=lang, upload=sample_upload), "cohorts")
    orders = sample_loaded.result.orders
    table = cohorts.cohort_table(orders, as_of=default_as_of(orders))
    heat, bars = charts(at)
    data = chart_data(heat)
    assert len(data) == len(table)
    shown = {(c, int(m)): v for c, m, v in zip(data["cohort"], data["months_since_first"], data["value"],
                                               strict=True)}
    for row in table.itertuples():
        assert shown[(row.cohort, row.months_since_first)] == pytest.approx(row.retention)
    assert set(data["label"]) >= {"100%"}
    spec = json.loads(heat.proto.spec)
    assert (zh if lang == "zh" else en)("lc_cohort_retention") in json.dumps(spec, ensure_ascii=False)
    monthly = cohorts.new_vs_returning(orders, as_of=default_as_of(orders))
    stacked = chart_data(bars)
    bought = monthly["new_customers"].sum() + monthly["returning_customers"].sum()
    assert stacked["value"].sum() == pytest.approx(bought)


def test_a_partial_last_month_is_said_and_marked(sample_upload, sample_loaded):
    orders = sample_loaded.result.orders
    mid_month = default_as_of(orders) - timedelta(days=15)  # 2025-12-17 on today's sample: December is cut short
    at = open_app(PAGE, upload=sample_upload)
    at.session_state["as_of"] = mid_month
    at = show(rerun(at), "cohorts")
    table = cohorts.cohort_table(orders, as_of=mid_month)
    partial = table.loc[~table["complete_month"], "month"]
    assert len(partial) and partial.nunique() == 1
    assert en("lc_partial_month", month=partial.iloc[0], date=f"{mid_month:%Y-%m-%d}") in [
        c.value for c in at.main.caption]
    labels = chart_data(charts(at)[0])["label"]
    assert labels.str.endswith("*").sum() == len(partial)
    at.segmented_control(key="lc_cohort_value").set_value("revenue")
    at = rerun(at)
    data = chart_data(charts(at)[0])
    assert data["value"].sum() == pytest.approx(table["revenue"].sum())

