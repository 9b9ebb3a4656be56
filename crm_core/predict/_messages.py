"""Messages of prediction (churn, campaign response, lifetime value).

Plain data (no import from crm_core), merged into :data:`crm_core.messages.MESSAGES`; the same rules hold:
every entry in English and Chinese, each in its own language.  Each part of the package keeps its own table
(data and labels, models, lifetime value, churn/response workflows), merged here.
"""

from crm_core.predict._messages_clv import CLV_MESSAGES
from crm_core.predict._messages_data import DATA_MESSAGES
from crm_core.predict._messages_flows import FLOW_MESSAGES
from crm_core.predict._messages_models import MODEL_MESSAGES

PREDICT_MESSAGES: dict[str, dict[str, str]] = {}
for _part in (DATA_MESSAGES, MODEL_MESSAGES, CLV_MESSAGES, FLOW_MESSAGES):
    assert not set(_part) & set(PREDICT_MESSAGES), "a prediction message code is defined twice"
    PREDICT_MESSAGES.update(_part)
