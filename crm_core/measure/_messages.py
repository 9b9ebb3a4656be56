"""Messages of measurement (A/B tests, campaign results, channel attribution, forecasts, the client report).

Plain data (no import from crm_core), merged into :data:`crm_core.messages.MESSAGES`; the same rules hold:
every entry in English and Chinese, each in its own language.  Each part keeps its own table, merged here.
"""

from crm_core.measure._messages_abtest import ABTEST_MESSAGES
from crm_core.measure._messages_attribution import ATTRIBUTION_MESSAGES
from crm_core.measure._messages_forecast import FORECAST_MESSAGES
from crm_core.measure._messages_report import REPORT_MESSAGES
from crm_core.measure._messages_results import RESULTS_MESSAGES

MEASURE_MESSAGES: dict[str, dict[str, str]] = {
    "measure_bad_option": {
        "en": "The option \u201c{option}\u201d cannot be {value}: give a value of the kind shown in the app, or "
              "leave it out to use the default.",
        "zh": "选项\u201c{option}\u201d不能是 {value}：请填写与应用中相同类型的值，或删去该项以使用默认值。",
    },
}
for _part in (ABTEST_MESSAGES, RESULTS_MESSAGES, ATTRIBUTION_MESSAGES, FORECAST_MESSAGES, REPORT_MESSAGES):
    assert not set(_part) & set(MEASURE_MESSAGES), "a measurement message code is defined twice"
    MEASURE_MESSAGES.update(_part)
