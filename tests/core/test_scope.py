"""The analysis window and filters (pipeline.in_scope) and what the Summary sheet records (provenance, list id).

The five lines of tests/data/scope/shop.csv, by hand (default analysis date 2024-06-21):

    a  1  2024-01-10  100  Tmall  Tea     Shanghai
    a  2  2024-06-10   50  JD     Coffee  Shanghai
    b  3  2024-03-01   80  Tmall  Coffee  Beijing
    b  4  2024-06-20   20  Tmall  Tea     Beijing
    c  5  2023-12-01  500  JD     Tea     Shanghai
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from crm_core import export, pipeline
from crm_core.messages import Localized
from crm_core.schema import DataError
from crm_core.segment import rfm
from crm_core.settings import Scope

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "scope"
AS_OF = date(2024, 6, 21)


@pytest.fixture(scope="module")
def shop():
    return pipeline.load((FIXTURES / "shop.csv").read_bytes(), "shop.csv").result


def table(result, scope):
    return pipeline.analysis_table(result, as_of=AS_OF, scope=scope).set_index("customer_id")


def new_notes(result, scope):
    scoped = pipeline.in_scope(result, scope, as_of=AS_OF)
    return {n.code: dict(n.params) for n in scoped.report.notes[len(result.report.notes):]}


def test_all_history_is_the_data_set_itself(shop):
    assert pipeline.in_scope(shop, Scope(), as_of=AS_OF) is shop
    assert pipeline.default_as_of(shop.orders) == AS_OF


def test_the_last_three_months_count_only_the_june_lines(shop):
    got = table(shop, Scope(months=3))  # from 2024-03-21
    assert list(got.index) == ["a", "b"]
    assert got.loc["a", ["frequency", "monetary", "recency_days"]].tolist() == [1, 50.0, 11]
    assert got.loc["b", ["frequency", "monetary", "recency_days"]].tolist() == [1, 20.0, 1]
    assert new_notes(shop, Scope(months=3)) == {"note_window": {"rows": 3, "start": "2024-03-21"}}


def test_a_from_date_is_the_first_day_counted(shop):
    got = table(shop, Scope(start=date(2024, 3, 1)))  # b's 2024-03-01 line is inside
    assert got["monetary"].to_dict() == {"a": 50.0, "b": 100.0}
    assert got.loc["b", "frequency"] == 2


def test_a_channel_filter_ignores_case_and_counts_the_lines_left_out(shop):
    got = table(shop, Scope(channels=("tmall",)))
    assert got["monetary"].to_dict() == {"a": 100.0, "b": 100.0}
    assert got.loc["a", "recency_days"] == 163  # 2024-01-10 to 2024-06-21: the JD line no longer counts
    notes = new_notes(shop, Scope(channels=("tmall",)))
    assert notes["note_filtered"]["rows"] == 2


def test_category_and_city_together(shop):
    got = table(shop, Scope(categories=("Tea",), cities=("Shanghai",)))
    assert got["monetary"].to_dict() == {"a": 100.0, "c": 500.0}  # b's tea is in Beijing


def test_a_value_missing_from_the_file_is_named_but_the_rest_still_filters(shop):
    notes = new_notes(shop, Scope(channels=("Tmall", "Taobao")))
    assert notes["note_filter_unmatched"]["value"] == "Taobao"
    assert str(notes["note_filter_unmatched"]["field"].en) == "channel"


def test_a_filter_matching_nothing_lists_the_values_there_are(shop):
    with pytest.raises(DataError) as caught:
        pipeline.in_scope(shop, Scope(channels=("Taobao",)), as_of=AS_OF)
    assert caught.value.code == "filter_matches_nothing"
    assert "Values in this data, most frequent first: Tmall, JD." in caught.value.text("en")
    assert "Tmall、JD" in caught.value.text("zh")


def test_a_city_filter_without_a_city_column_says_to_map_one():
    result = pipeline.load((FIXTURES / "no_city.csv").read_bytes(), "no_city.csv").result
    with pytest.raises(DataError) as caught:
        pipeline.in_scope(result, Scope(cities=("Shanghai",)))
    assert caught.value.code == "filter_needs_column"
    assert caught.value.text("en").startswith("A filter on city needs a city column")


def test_a_window_that_starts_on_the_analysis_date_says_so(shop):
    with pytest.raises(DataError) as caught:
        pipeline.in_scope(shop, Scope(start=date(2024, 6, 21)), as_of=AS_OF)
    assert caught.value.code == "window_after_as_of"
    assert caught.value.text("en").startswith("The window starts on 2024-06-21, which is not before the analysis date")


def test_a_window_and_filter_with_no_purchase_says_to_widen_them(shop):
    with pytest.raises(DataError) as caught:
        pipeline.in_scope(shop, Scope(start=date(2024, 6, 15), channels=("JD",)), as_of=AS_OF)
    assert caught.value.code == "scope_empty"
    assert caught.value.text("en").startswith("No purchase is left between 2024-06-15 and the analysis date 2024-06-21")


def test_returns_of_purchases_outside_the_window_are_left_out_with_them():
    result = pipeline.load((FIXTURES / "returns.csv").read_bytes(), "returns.csv").result
    scope = Scope(start=date(2025, 2, 1))
    got = pipeline.analysis_table(result, as_of=date(2025, 2, 11), scope=scope).set_index("customer_id")
    # a: order 1 bought before the window, returned inside it -> both out; b: its return R3 follows a purchase
    # inside the window -> netted; c: no purchase inside the window -> its return is out too.
    assert got["monetary"].to_dict() == {"a": 20.0, "b": 40.0}
    notes = {n.code: dict(n.params) for n in pipeline.in_scope(result, scope, as_of=date(2025, 2, 11)).report.notes}
    assert notes["note_scope_returns"] == {"rows": 2}
    assert notes["note_window"] == {"rows": 2, "start": "2025-02-01"}


# --- what the Summary sheet records ----------------------------------------------------------------

THRESHOLDS = rfm.RfmParams(method="threshold", thresholds=rfm.Thresholds((7, 30, 90, 180), (2, 3, 5, 8),
                                                                         (100, 200, 500, 1000)))


def built_for(result, scope, params=THRESHOLDS, lang="en"):
    scored = pipeline.rfm_scores(result, as_of=AS_OF, params=params, scope=scope)
    request = export.ListRequest(params.scheme, options=export.ListOptions(lang=lang), currency="$")
    return scored, pipeline.build_lists(scored, request)


def provenance(result, scope, built, scored, params=THRESHOLDS, **extra):
    return pipeline.provenance(built, sources=(("shop.csv", "d" * 64),), result=result, scored=scored, as_of=AS_OF,
                               scope=scope, params=params, scheme_base="11",
                               generated_at=datetime(2024, 7, 1, 9, 30, 15), **extra)


def test_the_summary_sheet_records_files_dates_window_filters_method_time_and_list_id(shop):
    scope = Scope(months=3, channels=("Tmall", "JD"))
    scored, built = built_for(shop, scope)
    record = provenance(shop, scope, built, scored, customers_file=("members.csv", "e" * 64))
    book = openpyxl.load_workbook(io.BytesIO(pipeline.to_workbook(built, record)), read_only=True)
    rows = [r for r in book["Summary"].iter_rows(values_only=True)]
    table_end = 1 + len(built.summary)
    assert all(cell is None for cell in rows[table_end])  # one empty row under the table
    block = {r[0]: r[1] for r in rows[table_end + 1:]}
    assert block == {
        "About this list": None,
        "List ID": record.list_id,
        "Generated": "2024-07-01 09:30",
        "Order files": "shop.csv",
        "Customer file": "members.csv",
        "Order lines used": "2",  # a's and b's June lines
        "Customers scored": "2",
        "Analysis date": "2024-06-21",
        "Orders counted": "2024-03-21 to 2024-06-20",
        "Filters": "channel: Tmall, JD",
        "Scoring": "your thresholds: R ≤ 7/30/90/180 days; F ≥ 2/3/5/8; M ≥ 100/200/500/1,000",
        "Frequency": "orders in the window",
        "Segment map": "11 segments",
    }
    assert record.list_id.startswith("RFM-20240621-") and len(record.list_id) == len("RFM-20240621-") + 8


def test_the_block_in_chinese(shop):
    scored, built = built_for(shop, Scope(), params=rfm.RfmParams(), lang="zh")
    rows = dict(provenance(shop, Scope(), built, scored, params=rfm.RfmParams()).rows("zh"))
    assert rows["计入的订单"] == "分析日期之前的全部订单"
    assert rows["筛选条件"] == "无" and rows["客户文件"] == "无"
    assert rows["评分方法"].startswith("五分位")
    assert rows["使用的订单行"] == "5"


def test_the_list_id_is_the_same_for_the_same_data_and_choices_and_only_then(shop):
    scope = Scope(months=3)
    scored, built = built_for(shop, scope)
    first = provenance(shop, scope, built, scored).list_id
    later = pipeline.provenance(built, sources=(("renamed.csv", "d" * 64),), result=shop, scored=scored, as_of=AS_OF,
                                scope=scope, params=THRESHOLDS, scheme_base="11",
                                generated_at=datetime(2030, 1, 1)).list_id
    assert later == first  # the time and the file's name do not change who is on the list
    other_data = pipeline.provenance(built, sources=(("shop.csv", "f" * 64),), result=shop, scored=scored,
                                     as_of=AS_OF, scope=scope, params=THRESHOLDS, scheme_base="11",
                                     generated_at=datetime(2024, 7, 1)).list_id
    wider = provenance(shop, Scope(months=6), *reversed(built_for(shop, Scope(months=6)))).list_id
    assert len({first, other_data, wider}) == 3


def test_facts_of_a_data_set(shop):
    assert pipeline.facts(shop) == {"rows_used": 5, "customers": 3, "default_as_of": AS_OF,
                                    "first_date": date(2023, 12, 1), "orders": 5}


def test_a_campaigns_selection_and_seed_change_the_list_id(shop):
    from crm_core.segment import campaign

    scored = pipeline.rfm_scores(shop, as_of=AS_OF)
    ids = []
    for seed in (0, 1):
        chosen = campaign.Campaign.of(Localized(en="Spring", zh="春季"),
                                      campaign.Selection((campaign.Member("segment", tuple(scored["segment"])),)),
                                      control_percent=50, seed=seed)
        built = pipeline.build_lists(chosen.table(scored), export.ListRequest(chosen))
        ids.append(provenance(shop, Scope(), built, scored).list_id)
    assert ids[0] != ids[1]
