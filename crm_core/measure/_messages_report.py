"""Messages of the client report (crm_core.measure.report):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

REPORT_MESSAGES: dict[str, dict[str, str]] = {
}
