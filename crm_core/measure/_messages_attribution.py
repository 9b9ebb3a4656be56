"""Messages of channel attribution (crm_core.measure.attribution):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

ATTRIBUTION_MESSAGES: dict[str, dict[str, str]] = {
}
