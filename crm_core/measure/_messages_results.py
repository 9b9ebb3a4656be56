"""Messages of campaign results (crm_core.measure.outcomes, crm_core.measure.results):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

RESULTS_MESSAGES: dict[str, dict[str, str]] = {
    "cr_outcome_unreadable": {
        "en": "Column {column}: {count} values are not an outcome we know (e.g. {examples}). Write success, refused, "
              "considering, no answer or no purchase, or map the column that holds the outcome.",
        "zh": "列 {column} 中有 {count} 个值不是可识别的结果（例如 {examples}）。"
              "请填写成功、拒绝、考虑中、未接通或未购买，或改选记录结果的那一列。",
    },
    "cr_group_unreadable": {
        "en": "Column {column}: {count} values are neither a target nor a control group (e.g. {examples}). Write "
              "target or control, or map another column as the group.",
        "zh": "列 {column} 中有 {count} 个值既不是目标组也不是对照组（例如 {examples}）。请填写目标组或对照组，"
              "或改选其他列作为组别。",
    },
    "cr_no_outcome_column": {
        "en": "No column of this file looks like the outcome (recognised: {columns}). Choose the column that says "
              "what came of each contact (success, refused, ...) in the column mapping.",
        "zh": "文件中没有一列像是结果列（已识别：{columns}）。"
              "请在列映射中选择记录每次触达结果（成功、拒绝等）的那一列。",
    },
    "cr_unknown_column": {
        "en": "The column {column} chosen for {field} is not in the file (its columns: {columns}). Choose one of "
              "the file's columns.",
        "zh": "为“{field}”选择的列 {column} 不在文件中（文件的列：{columns}）。请选择文件中的列。",
    },
    "cr_no_rows_used": {
        "en": "None of the {rows} rows could be used ({reasons}). Check the column mapping and the file.",
        "zh": "全部 {rows} 行都无法使用（{reasons}）。请检查列映射和文件内容。",
    },
    "cr_not_an_exported_list": {
        "en": "{name} is not a list exported by this app: {found}. Upload the Excel workbook the app's list "
              "download gave (its Summary sheet carries the list ID).",
        "zh": "{name} 不是本应用导出的名单：{found}。请上传应用下载的 Excel 名单（其概览工作表上有清单编号）。",
    },
    "cr_no_control": {
        "en": "There is no control group in these results, so the campaign's lift cannot be measured. Map the group "
              "column, or upload the exported list with its control sheet; next time hold out a control group.",
        "zh": "结果中没有对照组，无法衡量活动带来的提升。请映射组别列，或上传带对照组工作表的导出名单；"
              "下次活动请留出对照组。",
    },
    "cr_bad_window": {
        "en": "The window must be 1 to 3,650 days, not {days}.",
        "zh": "观察窗口须为 1 至 3,650 天，而不是 {days}。",
    },
    "cr_bad_kind": {
        "en": "A model list is a churn or a response list, not {kind}.",
        "zh": "模型名单只能是流失名单或响应名单，而不是 {kind}。",
    },
    "cr_bad_option": {
        "en": "The option {option} cannot be {value}: {allowed}.",
        "zh": "选项 {option} 不能是 {value}：{allowed}。",
    },
    # --- why a row of the outcomes file is left out (Outcomes.excluded.reason) ---
    "cr_reason_no_outcome": {"en": "no outcome", "zh": "没有结果"},
    "cr_reason_outcome_unreadable": {"en": "outcome not recognised", "zh": "无法识别的结果"},
    "cr_reason_no_customer": {"en": "no customer ID", "zh": "没有客户编号"},
    "cr_reason_group_unreadable": {"en": "group neither target nor control", "zh": "组别既非目标组也非对照组"},
    "cr_reason_not_on_list": {"en": "customer not on the matched list", "zh": "客户不在匹配的名单上"},
    "cr_reason_revenue_unreadable": {"en": "revenue not a number", "zh": "成交金额不是数字"},
    "cr_reason_duplicate": {"en": "customer already on this list (duplicate row)", "zh": "同一名单上的重复客户"},
}
