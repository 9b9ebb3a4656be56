"""Messages of data (see crm_core.predict._messages)."""

DATA_MESSAGES: dict[str, dict[str, str]] = {}
