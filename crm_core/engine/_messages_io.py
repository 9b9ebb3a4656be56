"""Messages of the engine path's io part (merged by crm_core.engine._messages). Plain data, no import."""

IO_MESSAGES: dict[str, dict[str, str]] = {}
