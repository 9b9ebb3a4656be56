"""Messages of campaign results (crm_core.measure.outcomes, crm_core.measure.results):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

RESULTS_MESSAGES: dict[str, dict[str, str]] = {
    "cr_outcome_unreadable": {
        "en": "Column {column}: {count} values are not an outcome we know (e.g. {examples}). Write success, refused, "
              "considering, no answer or no purchase, or map the column that holds the outcome.",
        "zh": "列 {column} 中有 {count} 个值不是可识别的结果（例如 {examples}）。"
              "请填写成功、拒绝、考虑中、未接通或未购买，或改选记录结果的那一列。",
    },
}
