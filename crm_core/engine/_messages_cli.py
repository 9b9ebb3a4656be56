"""Messages of the engine path's cli part (merged by crm_core.engine._messages). Plain data, no import."""

CLI_MESSAGES: dict[str, dict[str, str]] = {}
