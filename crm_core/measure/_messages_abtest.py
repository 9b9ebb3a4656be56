"""Messages of A/B/n tests (crm_core.measure.abtest):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

ABTEST_MESSAGES: dict[str, dict[str, str]] = {
}
