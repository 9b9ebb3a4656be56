"""Messages of sales forecasts (crm_core.measure.forecast):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

FORECAST_MESSAGES: dict[str, dict[str, str]] = {
}
