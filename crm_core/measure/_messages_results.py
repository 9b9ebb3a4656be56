"""Messages of campaign results (crm_core.measure.outcomes, crm_core.measure.results):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

RESULTS_MESSAGES: dict[str, dict[str, str]] = {
}
