"""One click on "Load sample data" sets up every measurement page: the demo tables are the session's, in the
session's language, and money is shown in the sample's currency (¥) before any page has read the orders."""

import pytest

from tests.app.app_helpers import en, loaded, metrics, open_app, rerun, zh

KINDS = {"campaign_outcomes": "campaign_outcomes_{lang}.csv", "later_orders": "orders_future_zh.csv",
         "touchpoints": "touchpoints_{lang}.csv", "sales_history": "daily_sales_{lang}.csv"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_load_sample_loads_the_measurement_tables_and_the_currency(lang):
    at = open_app(lang=lang)
    at.button(key="sidebar_sample").click()
    rerun(at)
    for kind, name in KINDS.items():
        assert loaded(at, kind).name == name.format(lang=lang), kind
    assert at.session_state["currency"][0] == "¥"
    at.switch_page("app_pages/attribution.py")
    rerun(at)
    label = (en if lang == "en" else zh)("at_value")
    assert metrics(at)[label] == "¥188,575"  # the 600 planted conversions' value, with the sample's currency
