"""A saved analysis (crm_core.settings): every choice round-trips; every bad entry is named with what it should hold."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from crm_core.schema import ColumnMapping, DataError, IngestOptions, ReadOptions
from crm_core.segment import rfm
from crm_core.settings import AnalysisSettings, ListSettings, Scope

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "settings"


def full_settings() -> AnalysisSettings:
    """Every field away from its default (an edited map with a renamed segment, thresholds, filters...)."""
    scheme = rfm.scheme_with_label(rfm.SCHEMES["4"], "high_value", name_en="VIP", name_zh="贵宾")
    grid = [list(row) for row in scheme.grid]
    grid[4][0] = "general"
    scheme = rfm.scheme_with_grid(scheme, grid)
    return AnalysisSettings(
        read=ReadOptions(sheet="Orders", header_row=3, encoding="gb18030", delimiter=";"),
        mapping=ColumnMapping.from_dict({"customer_id": "会员", "order_date": "日期", "amount": "实付"}),
        customers_mapping=ColumnMapping.from_dict({"customer_id": "会员编号", "city": "城市"}),
        cleaning=IngestOptions(returns="ignore", day_first=True, merge_duplicates=True, phone_region="HK",
                               non_product_codes=("POST",), excluded_statuses=("已取消",)),
        as_of=date(2025, 12, 31),
        scope=Scope(months=12, channels=("天猫旗舰店",), categories=("咖啡茶饮", "个人护理"), cities=("上海",)),
        rfm=rfm.RfmParams(method="threshold", thresholds=rfm.Thresholds((7, 30, 90, 180), (2, 3, 5, 12),
                                                                        (100, 200, 500, 1000)),
                          frequency_basis="per_year", scheme=scheme),
        scheme_base="4",
        lists=ListSettings(segments=("high_value", "general"), columns=("customer_id", "segment_name", "monetary"),
                           include_contact=True, mask_personal=False, include_opted_out=True, format="csv"),
        currency="€",
        lang="zh",
    )


def test_every_choice_round_trips_exactly():
    settings = full_settings()
    again = AnalysisSettings.from_json(settings.to_json())
    assert again == settings
    assert again.rfm.scheme.name("high_value", "zh") == "贵宾"
    assert again.rfm.scheme.grid[4][0] == "general"


def test_the_file_is_readable_json_with_rules_not_days_where_they_should_move():
    data = json.loads(AnalysisSettings(scope=Scope(months=12)).to_json())
    assert data["kind"] == "crm-analysis" and data["version"] == 1
    assert data["as_of"] is None  # the day after the last order of whatever file comes next month
    assert data["window"] == {"from": None, "months": 12}
    assert data["filters"] == {"channels": [], "categories": [], "cities": []}
    assert data["rfm"]["scheme"]["base"] == "11" and len(data["rfm"]["scheme"]["grid"]) == 5
    assert data["lists"]["format"] == "xlsx" and data["currency"] is None
    # Chinese stays readable in the file (no \\u escapes).
    assert "天猫旗舰店" in full_settings().to_json()


def test_defaults_fill_what_an_older_or_shorter_file_leaves_out():
    settings = AnalysisSettings.from_json('{"kind": "crm-analysis", "version": 1, "unknown_key": 5}')
    assert settings == AnalysisSettings()


def test_my_thresholds_never_edited_fall_back_to_quintiles():
    text = '{"kind": "crm-analysis", "rfm": {"method": "threshold", "thresholds": null}}'
    assert AnalysisSettings.from_json(text).rfm.method == "quantile"


def test_a_window_of_months_counts_back_from_the_analysis_date():
    assert Scope(months=12).first_day(date(2025, 12, 31)) == date(2024, 12, 31)
    assert Scope(months=1).first_day(date(2025, 3, 31)) == date(2025, 2, 28)  # calendar months, clipped
    assert Scope(start=date(2025, 1, 1), months=3).first_day(date(2025, 12, 31)) == date(2025, 1, 1)
    assert Scope().first_day(date(2025, 12, 31)) is None


@pytest.mark.parametrize(("name", "code", "en"), [
    ("not_json.json", "bad_settings_json", "The analysis file not_json.json is not valid JSON (line 4, column 1)."),
    ("mapping_not_analysis.json", "settings_not_analysis",
     "mapping_not_analysis.json is not a saved analysis (it has no \"kind\": \"crm-analysis\")."),
    ("bad_from_date.json", "bad_settings",
     "In the saved analysis, \"window.from\" should be a date written YYYY-MM-DD, or null."),
    ("zero_months.json", "bad_settings",
     "In the saved analysis, \"window.months\" should be a whole number of months from 1 to 240, or null."),
    ("list_format_pdf.json", "bad_settings", "In the saved analysis, \"lists.format\" should be one of: xlsx, csv."),
    ("filter_not_a_list.json", "bad_settings",
     "In the saved analysis, \"filters.channels\" should be a list of texts."),
    ("mapping_unknown_field.json", "bad_settings_mapping",
     "In the saved analysis, \"mapping\" is not a usable column mapping: unknown fields: amout."),
    ("thresholds_out_of_order.json", "bad_thresholds", None),
    ("grid_not_5x5.json", "bad_segment_map", None),
])
def test_each_bad_entry_is_named_with_what_it_should_hold(name, code, en):
    with pytest.raises(DataError) as caught:
        AnalysisSettings.from_json((FIXTURES / name).read_bytes(), source=name)
    assert caught.value.code == code
    if en is not None:
        assert caught.value.text("en").startswith(en)
    zh = caught.value.text("zh")
    assert zh and "{" not in zh and "should" not in zh
