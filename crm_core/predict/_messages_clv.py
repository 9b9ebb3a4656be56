"""Messages of clv (see crm_core.predict._messages)."""

CLV_MESSAGES: dict[str, dict[str, str]] = {}
