"""Messages of the engine path's lines part (merged by crm_core.engine._messages). Plain data, no import."""

LINES_MESSAGES: dict[str, dict[str, str]] = {}
