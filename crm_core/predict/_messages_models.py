"""Messages of models (see crm_core.predict._messages)."""

MODEL_MESSAGES: dict[str, dict[str, str]] = {}
