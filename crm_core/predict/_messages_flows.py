"""Messages of flows (see crm_core.predict._messages)."""

FLOW_MESSAGES: dict[str, dict[str, str]] = {}
