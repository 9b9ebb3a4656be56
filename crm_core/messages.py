"""Bilingual texts the analysis itself produces: errors, exclusion reasons, notes.

The UI's own labels live in ``ui/i18n.py``; this table holds only what
``crm_core`` says (so the CLI and the app show the very same words).
Each entry is a template formatted with ``str.format(**params)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Localized:
    """A parameter value with a form per language (a field's label, a list of reasons in words).

    ``render`` picks the form of the language it renders in, so one error object reads right in both.
    """

    en: str
    zh: str

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return self.en


MESSAGES: dict[str, dict[str, str]] = {
    # --- file level errors (DataError codes) ---
    "empty_file": {
        "en": "The file {name} is empty. Export it again from your system and upload the new file.",
        "zh": "文件 {name} 是空的。请从系统中重新导出后再上传。",
    },
    "header_only": {
        "en": "The file {name} has a header but no data rows. Check that the export contains orders.",
        "zh": "文件 {name} 只有表头，没有数据行。请确认导出的文件包含订单。",
    },
    "too_large": {
        "en": "The file {name} is {size_mb:.0f} MB; the limit is {limit_mb:.0f} MB. Split it (e.g. by month) or save it as CSV.",
        "zh": "文件 {name} 大小为 {size_mb:.0f} MB，超过上限 {limit_mb:.0f} MB。请按月拆分，或另存为 CSV。",
    },
    "unsupported_type": {
        "en": "{name} is not a file type we can read. Upload a CSV (.csv, .txt) or an Excel workbook (.xlsx, .xls).",
        "zh": "无法读取 {name} 的文件类型。请上传 CSV（.csv、.txt）或 Excel 工作簿（.xlsx、.xls）。",
    },
    "wrong_type": {
        "en": "{name} is named like a {claimed} file but is really {actual}. Open it in Excel and save it as .xlsx or CSV.",
        "zh": "{name} 的扩展名是 {claimed}，但实际内容是 {actual}。请用 Excel 打开并另存为 .xlsx 或 CSV。",
    },
    "unsafe_workbook": {
        "en": "{name} looks unsafe or damaged ({detail}). Open it in Excel, save a fresh copy and upload that.",
        "zh": "{name} 可能已损坏或不安全（{detail}）。请用 Excel 打开并另存一份新文件再上传。",
    },
    "unreadable_workbook": {
        "en": "{name} could not be opened as a workbook ({detail}). Open it in Excel and save it again as .xlsx.",
        "zh": "无法打开工作簿 {name}（{detail}）。请用 Excel 打开并重新另存为 .xlsx。",
    },
    "undecodable_text": {
        "en": "{name} is not readable text in any common encoding. Save it from Excel as \"CSV UTF-8\".",
        "zh": "{name} 不是常见编码的文本文件。请在 Excel 中另存为“CSV UTF-8”。",
    },
    "single_column": {
        "en": "{name} was read as a single column ({header}). The separator may be unusual: save it as a comma-separated CSV.",
        "zh": "{name} 只读出了一列（{header}）。分隔符可能不常见，请另存为逗号分隔的 CSV。",
    },
    "no_sheet": {
        "en": "The workbook {name} has no sheet named {sheet}. Sheets: {sheets}.",
        "zh": "工作簿 {name} 中没有名为 {sheet} 的工作表。现有工作表：{sheets}。",
    },
    "missing_required": {
        "en": "No column is mapped to {fields}. Choose the matching column in the mapping table (e.g. {examples}).",
        "zh": "没有列对应到 {fields}。请在列映射表中选择对应的列（例如 {examples}）。",
    },
    "missing_amount": {
        "en": "Neither an amount column nor quantity and unit price are mapped. Map 金额/Amount, or both 数量/Quantity and 单价/Unit price.",
        "zh": "未映射金额列，也未同时映射数量和单价。请映射“金额/Amount”，或同时映射“数量/Quantity”和“单价/Unit price”。",
    },
    "unknown_column": {
        "en": "The mapping names column {column} for {field}, but the file has no such column. Pick one of the file's columns.",
        "zh": "映射中 {field} 对应的列 {column} 在文件中不存在。请从文件现有的列中选择。",
    },
    "duplicate_mapping": {
        "en": "Column {column} is mapped to both {fields}. Map each column to one field only.",
        "zh": "列 {column} 同时被映射到 {fields}。每一列只能对应一个字段。",
    },
    "ambiguous_dates": {
        "en": "Column {column}: dates like {example} can be read day-first or month-first. Choose the date order, then continue.",
        "zh": "列 {column}：像 {example} 这样的日期既可理解为“日/月”也可理解为“月/日”。请选择日期顺序后继续。",
    },
    "bad_mapping_json": {
        "en": "The mapping file could not be read ({detail}). Use a mapping saved by this app.",
        "zh": "无法读取映射文件（{detail}）。请使用本应用保存的映射文件。",
    },
    "no_rows_used": {
        "en": "None of the {rows:,} rows could be used: {reasons}. Check the column mapping.",
        "zh": "{rows:,} 行中没有可用的行：{reasons}。请检查列映射。",
    },
    "bad_thresholds": {
        "en": "Thresholds for {dimension} must be four increasing numbers (got {values}).",
        "zh": "{dimension} 的阈值必须是四个递增的数字（当前为 {values}）。",
    },
    "bad_segment_map": {
        "en": "The segment map is not valid: {detail}.",
        "zh": "分群规则无效：{detail}。",
    },
    "too_many_rows_xlsx": {
        "en": "Sheet {sheet} would have {rows:,} rows, more than Excel's 1,048,575. Export as CSV instead.",
        "zh": "工作表 {sheet} 将有 {rows:,} 行，超过 Excel 上限 1,048,575 行。请改为导出 CSV。",
    },
    "no_purchases_before": {
        "en": "No purchase is dated before the analysis date {as_of}. Choose a later date (the first order is on {first}).",
        "zh": "分析日期 {as_of} 之前没有任何购买记录。请选择更晚的日期（最早的订单在 {first}）。",
    },
    "bad_date_option": {
        "en": "{option} must be a date written YYYY-MM-DD (got {value}).",
        "zh": "{option} 必须是 YYYY-MM-DD 格式的日期（当前为 {value}）。",
    },
    # --- exclusion reasons (one per excluded row) ---
    "reason_missing_customer": {"en": "no customer id", "zh": "缺少客户编号"},
    "reason_bad_date": {"en": "date cannot be read", "zh": "日期无法识别"},
    "reason_missing_date": {"en": "no date", "zh": "缺少日期"},
    "reason_bad_amount": {"en": "amount cannot be read", "zh": "金额无法识别"},
    "reason_nonpositive_price": {"en": "zero or negative price", "zh": "单价为零或负数"},
    "reason_non_product": {"en": "not a product (postage, fee, adjustment)", "zh": "非商品行（运费、手续费、调整）"},
    "reason_totals_row": {"en": "totals row", "zh": "合计行"},
    "reason_status": {"en": "order status {status}", "zh": "订单状态为 {status}"},
    "reason_return_ignored": {"en": "return (returns set to be ignored)", "zh": "退货（已设置为忽略退货）"},
    "reason_return_without_purchase": {
        "en": "return by a customer with no purchase in the file",
        "zh": "该客户在文件中没有购买记录的退货",
    },
    "reason_malformed_line": {"en": "line with the wrong number of fields", "zh": "字段数不正确的行"},
    "reason_future_date": {"en": "date after the analysis date", "zh": "日期晚于分析日期"},
    # --- notes (soft problems, shown as warnings) ---
    "note_encoding": {"en": "Read as {encoding} text, separated by {delimiter}.", "zh": "按 {encoding} 编码读取，分隔符为 {delimiter}。"},
    "note_header_row": {"en": "The header is on row {row}; {skipped} title row(s) above it were skipped.", "zh": "表头在第 {row} 行，已跳过上方 {skipped} 行标题。"},
    "note_returns_netted": {"en": "{rows:,} return rows ({value}) were netted from the customers' spend.", "zh": "{rows:,} 行退货（{value}）已从客户消费额中扣除。"},
    "note_decimal_comma": {"en": "Column {column} uses a decimal comma (e.g. {example}).", "zh": "列 {column} 使用逗号作为小数点（例如 {example}）。"},
    "note_no_order_id": {"en": "No order id is mapped: each customer's purchases on one day count as one order.", "zh": "未映射订单号：同一客户同一天的购买计为一个订单。"},
    "note_amount_computed": {"en": "No amount column: amount = quantity × unit price.", "zh": "未映射金额列：金额 = 数量 × 单价。"},
    "note_missing_customer_share": {
        "en": "{rows:,} rows ({share:.1%} of revenue) have no customer id and are excluded.",
        "zh": "{rows:,} 行（占收入的 {share:.1%}）缺少客户编号，已排除。",
    },
    "note_consent_unknown_left_out": {
        "en": "{customers:,} customers have no readable answer in {column}: without consent they are treated as opted out.",
        "zh": "{customers:,} 位客户在 {column} 中没有可识别的答复：未获同意，按已退订处理。",
    },
    "note_consent_unknown_kept": {
        "en": "{customers:,} customers have no readable answer in {column}: no opt-out is recorded for them.",
        "zh": "{customers:,} 位客户在 {column} 中没有可识别的答复：视为未退订。",
    },
    "note_future_dates": {"en": "{rows:,} rows are dated after {as_of}.", "zh": "{rows:,} 行的日期晚于 {as_of}。"},
    "note_mangled_ids": {
        "en": "Column {column} holds numbers Excel has already rounded (e.g. {example}); it is not used to tell customers apart.",
        "zh": "列 {column} 中的数字已被 Excel 截断（例如 {example}），不会用于区分客户。",
    },
    "note_control_chars": {"en": "Removed invisible control characters from {cells:,} cells.", "zh": "已从 {cells:,} 个单元格中删除不可见控制字符。"},
    "note_duplicates_found": {
        "en": "{groups:,} people appear under more than one customer id (same phone or email).",
        "zh": "有 {groups:,} 位客户以多个客户编号出现（电话或邮箱相同）。",
    },
    "note_duplicates_merged": {"en": "{ids:,} customer ids were merged into {groups:,} customers.", "zh": "已将 {ids:,} 个客户编号合并为 {groups:,} 位客户。"},
    "note_bad_lines": {"en": "{rows:,} lines had the wrong number of fields and were set aside.", "zh": "{rows:,} 行字段数不正确，已单独列出。"},
    "note_formula_no_value": {
        "en": "{cells:,} formula cells have no saved value. Open the file in Excel, save it, and upload again.",
        "zh": "{cells:,} 个公式单元格没有保存计算结果。请用 Excel 打开并保存后重新上传。",
    },
    "rfm_missing_columns": {
        "en": "The customer table has no {columns} column, which RFM scoring needs. Rebuild it from the orders.",
        "zh": "客户表缺少 RFM 评分所需的 {columns} 列。请根据订单重新生成客户表。",
    },
    "rfm_missing_values": {
        "en": "{rows:,} customers have no {column} value, so they cannot be scored. Check their orders.",
        "zh": "有 {rows:,} 位客户缺少 {column}，无法评分。请检查这些客户的订单。",
    },
    "unreadable_text": {
        "en": "{name} could not be split into rows and columns ({detail}). Open it in Excel and save it as \"CSV UTF-8\".",
        "zh": "无法将 {name} 拆分为行和列（{detail}）。请用 Excel 打开并另存为“CSV UTF-8”。",
    },
    "note_duplicate_headers": {
        "en": "Several columns share a name ({names}); the later ones were renamed, e.g. {example}. Pick the right one in the mapping.",
        "zh": "多列同名（{names}），后出现的列已改名，例如 {example}。请在列映射中选择正确的列。",
    },
    "note_text_as_excel": {
        "en": "{name} is named {claimed} but holds plain text; it was read as CSV.",
        "zh": "{name} 的扩展名是 {claimed}，但内容是纯文本，已按 CSV 读取。",
    },
    # --- mapping: suggestions checked against values, identity proposals (H1 adds below) ---
    # --- ingest: platform rules, conventions detected per file (H2 adds below) ---
    # --- wording, CLI, export, currency (H3 adds below) ---
    # --- rfm, customers, readers' sheet choice (H4 adds below) ---
}


# Words that travel as parameters (e.g. the separator a reader found) and are shown in either language.
TERMS: dict[str, dict[str, str]] = {
    "comma": {"en": "comma", "zh": "逗号"},
    "semicolon": {"en": "semicolon", "zh": "分号"},
    "tab": {"en": "tab", "zh": "制表符"},
    "pipe": {"en": "pipe", "zh": "竖线"},
    "space": {"en": "space", "zh": "空格"},
}


def render(code: str, lang: str = "en", **params: object) -> str:
    """Return message ``code`` in ``lang`` ("en" or "zh"), formatted with ``params``."""
    entry = MESSAGES[code]
    template = entry.get(lang) or entry["en"]
    params = {
        k: v.text(lang) if isinstance(v, Localized) else TERMS[v].get(lang, v) if isinstance(v, str) and v in TERMS
        else v
        for k, v in params.items()
    }
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError):
        return template
