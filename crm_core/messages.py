"""Bilingual texts the analysis itself produces: errors, exclusion reasons, notes.

The UI's own labels live in ``ui/i18n.py``; this table holds only what
``crm_core`` says (so the CLI and the app show the very same words).
Each entry is a template formatted with ``str.format(**params)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crm_core.basket._messages import BASKET_MESSAGES
from crm_core.engine._messages import ENGINE_MESSAGES
from crm_core.ingest._messages import INGEST_MESSAGES
from crm_core.measure._messages import MEASURE_MESSAGES
from crm_core.predict._messages import PREDICT_MESSAGES
from crm_core.segment._messages import SEGMENT_MESSAGES


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

    @classmethod
    def listing(cls, names: object) -> Localized:
        """Names (columns, sheets, fields) as a list in each language's way: ``"a, b"`` / ``"a、b"``."""
        names = [str(n) for n in names]
        return cls(en=", ".join(names), zh="、".join(names))


MESSAGES: dict[str, dict[str, str]] = {
    # --- wording, CLI, export, currency (H3 adds below) ---
    # Currency evidence (crm_core.ingest.currency): completes "Currency: £ (from …)".
    "currency_from_values": {
        "en": "amounts written like {example} in column {column}",
        "zh": "列 {column} 中的金额写作 {example}",
    },
    "currency_from_column": {"en": "column {column} says {value}", "zh": "列 {column} 标明币种为 {value}"},
    "currency_from_header": {"en": "the column name {column}", "zh": "列名 {column}"},
    "currency_from_country": {
        "en": "{share:.0%} of the rows are from {country} (column {column}); the file shows no currency sign",
        "zh": "{share:.0%} 的行来自 {country}（列 {column}）；文件中没有货币符号",
    },
    # Export
    "export_opted_out_note": {
        "en": "{customers:,} customers who opted out of marketing are left out of the lists, so a list can be "
              "shorter than its segment's customer count (see the column \"Left out (opted out)\").",
        "zh": "{customers:,} 位已退订营销的客户未列入名单，因此名单人数可能少于该分群的客户数（见“未列入（已退订）”列）。",
    },
    # Command line (python -m crm_core): report lines, results, errors.
    "cli_report": {
        "en": "{name}: {read:,} rows read, {used:,} used, {excluded:,} excluded",
        "zh": "{name}：读取 {read:,} 行，使用 {used:,} 行，排除 {excluded:,} 行",
    },
    "cli_segment": {
        "en": "{segment}: {customers:,} customers, {share:.1%} of revenue",
        "zh": "{segment}：{customers:,} 位客户，占销售额 {share:.1%}",
    },
    "cli_reason_line": {"en": "  - {reason}: {rows:,}", "zh": "  - {reason}：{rows:,} 行"},
    "cli_segment_no_share": {"en": "{segment}: {customers:,} customers", "zh": "{segment}：{customers:,} 位客户"},
    "cli_wrote": {"en": "Wrote {path}", "zh": "已写入 {path}"},
    "cli_list_id": {"en": "List ID: {list_id}", "zh": "清单编号：{list_id}"},
    "cli_settings_read": {"en": "Settings from {path}", "zh": "分析设置来自 {path}"},
    # --- analysis window and filters (crm_core.pipeline.in_scope) ---
    "note_window": {
        "en": "Not counted: {rows:,} order lines dated before {start} (outside the analysis window).",
        "zh": "有 {rows:,} 行订单早于 {start}，不在分析期间内，未计入。",
    },
    "note_filtered": {
        "en": "Not counted: {rows:,} order lines outside the filters ({filters}).",
        "zh": "有 {rows:,} 行订单不符合筛选条件（{filters}），未计入。",
    },
    "note_scope_returns": {
        "en": "Not counted: {rows:,} return lines for purchases outside the window or filters (they would make "
              "spend negative).",
        "zh": "有 {rows:,} 行退货对应的购买不在分析期间或筛选范围内，未计入（否则消费额会变为负数）。",
    },
    "cli_saved_groups_ignored": {
        "en": "The groups chosen in the saved analysis belong to its segment map; with --scheme {scheme} every group "
              "is listed.",
        "zh": "保存的分析中所选的分群属于其原有分群规则；使用 --scheme {scheme} 时将列出所有分群。",
    },
    "no_groups_chosen": {
        "en": "None of the groups asked for ({asked}) is in this segment map. Its groups are: {groups}.",
        "zh": "所选的分群（{asked}）都不在当前分群规则中。该规则的分群为：{groups}。",
    },
    "bad_months": {
        "en": "The analysis window must be 1 to {most} months, not {months}. For all history, give no window.",
        "zh": "分析期间应为 1 到 {most} 个月，而不是 {months}。如需全部历史，请不要设置期间。",
    },
    "window_after_as_of": {
        "en": "The window starts on {start}, which is not before the analysis date {as_of}. Choose an earlier "
              "first day, fewer months, or a later analysis date.",
        "zh": "分析期间从 {start} 开始，不早于分析日期 {as_of}。请选择更早的起始日期、更少的月数，或更晚的分析日期。",
    },
    "note_filter_unmatched": {
        "en": "The filter {field} = \"{value}\" matches nothing in this data: check its spelling, or whether it was "
              "renamed since the analysis was saved.",
        "zh": "筛选条件 {field} =“{value}”在本数据中没有匹配：请检查拼写，或保存分析后它是否已改名。",
    },
    "filter_matches_nothing": {
        "en": "The {field} filter ({values}) matches no order line. Values in this data, most frequent first: "
              "{present}. Pick one of them, or remove the filter.",
        "zh": "{field}筛选（{values}）没有匹配任何订单行。本数据中的取值（按出现次数排序）：{present}。请从中选择，或去掉该筛选。",
    },
    "filter_needs_column": {
        "en": "A filter on {field} needs a {field} column: map it on the Data page (or in the mapping file), or "
              "remove that filter.",
        "zh": "按{field}筛选需要{field}列：请在“数据”页（或映射文件中）对应该列，或去掉这个筛选条件。",
    },
    "scope_empty": {
        "en": "No purchase is left between {start} and the analysis date {as_of} with the filters ({filters}). "
              "Widen the window or remove a filter.",
        "zh": "在 {start} 至分析日期 {as_of} 之间、符合筛选条件（{filters}）的购买记录为空。请放宽期间或去掉筛选条件。",
    },
    # --- saved analyses (crm_core.settings) ---
    "bad_settings_json": {
        "en": "The analysis file {path} is not valid JSON (line {line}, column {column}). Save the analysis again "
              "from the app, or fix the file.",
        "zh": "分析文件 {path} 不是有效的 JSON（第 {line} 行，第 {column} 列）。请在应用中重新保存分析，或修正该文件。",
    },
    "settings_not_analysis": {
        "en": "{path} is not a saved analysis (it has no \"kind\": \"crm-analysis\"). Use the file that \"Save "
              "analysis\" writes; open a column mapping alone under \"Save or load this mapping\" on the Data page.",
        "zh": "{path} 不是保存的分析文件（缺少“\"kind\": \"crm-analysis\"”标记）。请使用“保存分析”生成的文件；"
              "仅列映射文件请在“数据”页的“保存或加载此映射”中打开。",
    },
    "settings_not_analysis_cli": {
        "en": "{path} is not a saved analysis (it has no \"kind\": \"crm-analysis\"). Use the file that \"Save "
              "analysis\" writes in the app; a column mapping alone goes to --mapping.",
        "zh": "{path} 不是保存的分析文件（缺少“\"kind\": \"crm-analysis\"”标记）。请使用应用中“保存分析”生成的文件；"
              "仅列映射文件请用 --mapping。",
    },
    "bad_settings_mapping": {
        "en": "In the saved analysis, \"{key}\" is not a usable column mapping: {detail}. Save the analysis again "
              "from the app, or fix that entry.",
        "zh": "保存的分析中，“{key}”不是可用的列映射：{detail}。请在应用中重新保存分析，或修正该项。",
    },
    "bad_settings": {
        "en": "In the saved analysis, \"{key}\" should be {expected}. Save the analysis again from the app, or fix "
              "that entry.",
        "zh": "保存的分析中，“{key}”应为{expected}。请在应用中重新保存分析，或修正该项。",
    },
    "cli_wrote_customers": {"en": "Wrote {path} ({customers:,} customers)", "zh": "已写入 {path}（{customers:,} 位客户）"},
    "cli_currency_found": {
        "en": "Currency: {symbol} (from {evidence}). Use --currency to choose another.",
        "zh": "货币：{symbol}（依据：{evidence}）。如需更改，请使用 --currency 指定。",
    },
    "cli_currency_unknown": {
        "en": "No currency sign found in the file, so amounts are shown without one. Use --currency to choose one "
              "(¥, $, €, £).",
        "zh": "文件中没有找到货币符号，金额将不带符号显示。可用 --currency 指定（¥、$、€、£）。",
    },
    "cli_error": {"en": "error: {message}", "zh": "错误：{message}"},
    "cli_file_not_found": {"en": "file not found: {path}", "zh": "找不到文件：{path}"},
    "cli_cannot_access": {"en": "cannot read or write {path}: {reason}", "zh": "无法读取或写入 {path}：{reason}"},
    "cli_bad_input": {
        "en": "the input could not be processed ({detail}). Check the file and the options.",
        "zh": "无法处理输入（{detail}）。请检查文件和选项。",
    },
    # The CLI shows "<code>_cli" instead of "<code>" when it exists: same params, CLI options instead of the page.
    "missing_required_cli": {
        "en": "No column is mapped to {fields}. Check the mapping file given to --mapping: add the matching column "
              "(e.g. {examples}).",
        "zh": "没有列对应到“{fields}”。请检查通过 --mapping 传入的映射文件：填入对应的列（表头可能是 {examples} 等）。",
    },
    "missing_amount_cli": {
        "en": "Neither an amount column nor quantity and unit price are mapped. In the mapping file given to --mapping, "
              "map the amount, or both the quantity and the unit price.",
        "zh": "未映射金额列，也未同时映射数量和单价。请在通过 --mapping 传入的映射文件中映射金额，或同时映射数量和单价。",
    },
    # "<code>_automap_cli": the same errors when no --mapping was given (the mapping was proposed automatically):
    # say how to write a mapping file.  {command} and {mapping_file} are filled in by crm_core.cli.
    "missing_required_automap_cli": {
        "en": "No column is mapped to {fields} (the notes above say which columns were passed over and why). To "
              "choose the column yourself, run {command}: it writes the proposed mapping to {mapping_file}. Add the "
              "matching column (e.g. {examples}) in that file, then run again with --mapping {mapping_file}.",
        "zh": "没有列对应到“{fields}”（上方的说明列出了未采用的列及原因）。如需自行指定列，请运行 {command}：它会把建议的映射写入 "
              "{mapping_file}。在该文件中填入对应的列（表头可能是 {examples} 等），然后加上 --mapping {mapping_file} 重新运行。",
    },
    "missing_amount_automap_cli": {
        "en": "Neither an amount column nor quantity and unit price are mapped (the notes above say which columns were "
              "passed over and why). To choose the columns yourself, run {command}: it writes the proposed mapping to "
              "{mapping_file}. Map the amount, or both the quantity and the unit price, in that file, then run again "
              "with --mapping {mapping_file}.",
        "zh": "未映射金额列，也未同时映射数量和单价（上方的说明列出了未采用的列及原因）。如需自行指定列，请运行 {command}：它会把建议的映射"
              "写入 {mapping_file}。在该文件中映射金额，或同时映射数量和单价，然后加上 --mapping {mapping_file} 重新运行。",
    },
    "no_rows_used_automap_cli": {
        "en": "None of the {rows:,} rows could be used: {reasons}. If a column was mapped wrongly (see the notes "
              "above), run {command}: it writes the proposed mapping to {mapping_file}. Correct that file, then run "
              "again with --mapping {mapping_file}.",
        "zh": "{rows:,} 行中没有可用的行：{reasons}。如果有列对应错误（见上方的说明），请运行 {command}：它会把建议的映射写入 "
              "{mapping_file}。修改该文件后，加上 --mapping {mapping_file} 重新运行。",
    },
    # Command-line options checked before reading (crm_core.cli).
    "cli_bad_out": {
        "en": "--out {path}: the output file must end in .xlsx (Excel workbook) or .csv.",
        "zh": "--out {path}：输出文件名必须以 .xlsx（Excel 工作簿）或 .csv 结尾。",
    },
    "cli_bad_currency": {
        "en": "--currency {value}: choose one of ¥ $ € £ (or write {codes}).",
        "zh": "--currency {value}：请从 ¥ $ € £ 中选择一个（也可写作 {codes}）。",
    },
    "cli_sheet_ignored": {
        "en": "--sheet {sheet} is ignored: a CSV file has no sheets.",
        "zh": "已忽略 --sheet {sheet}：CSV 文件没有工作表。",
    },
    "cli_mapping_not_json": {
        "en": "The mapping file {path} is not valid JSON (line {line}, column {column}). Use a mapping file saved by "
              "the app or written by the ingest command, and check your edits at that place.",
        "zh": "映射文件 {path} 不是有效的 .json 文件（第 {line} 行第 {column} 列有误）。请使用本应用保存或由导入命令写出的映射文件，并检查该处的修改。",
    },
    "cli_mapping_not_object": {
        "en": "The mapping file {path} must map field names to column names, like {example}.",
        "zh": "映射文件 {path} 应写明字段名与列名的对应关系，例如 {example}。",
    },
    "cli_mapping_unknown_fields": {
        "en": "The mapping file {path} names fields that do not exist: {fields}. The fields are: {known}.",
        "zh": "映射文件 {path} 中有不存在的字段：{fields}。可用的字段为：{known}。",
    },
    "unknown_column_cli": {
        "en": "The mapping file names column {column} for {field}, but the file has no such column. Correct the "
              "mapping file given to --mapping.",
        "zh": "映射文件中“{field}”对应的列 {column} 在数据文件中不存在。请修改通过 --mapping 传入的映射文件。",
    },
    "duplicate_mapping_cli": {
        "en": "Column {column} is mapped to both {fields}. In the mapping file given to --mapping, map each column "
              "to one field only.",
        "zh": "列 {column} 同时对应到“{fields}”。请在通过 --mapping 传入的映射文件中让每一列只对应一个字段。",
    },
    "no_rows_used_cli": {
        "en": "None of the {rows:,} rows could be used: {reasons}. Check the mapping file given to --mapping.",
        "zh": "{rows:,} 行中没有可用的行：{reasons}。请检查通过 --mapping 传入的映射文件。",
    },
    "ambiguous_dates_cli": {
        "en": "Column {column}: dates like {example} can be read day-first or month-first. Run again with "
              "--date-order day or --date-order month.",
        "zh": "列 {column}：像 {example} 这样的日期既可理解为“日/月”也可理解为“月/日”。请加上 --date-order day（日在前）"
              "或 --date-order month（月在前）后重新运行。",
    },
    # --- rfm, customers, readers' sheet choice (H4 adds below) ---
    "note_sheet_chosen": {
        "en": "Read the sheet {sheet}: it holds the orders table. The workbook also has {others}; choose another sheet if this is not the right one.",
        "zh": "已读取工作表 {sheet}：订单数据在这张表中。工作簿中还有 {others}；如果不是这张表，请选择其他工作表。",
    },
    "sheet_no_data": {
        "en": "The sheet {sheet} of {name} has no data rows under its header. The workbook's sheets: {sheets}. Choose the sheet that holds the orders.",
        "zh": "{name} 的工作表 {sheet} 在表头下没有数据行。工作簿中的工作表：{sheets}。请选择包含订单的工作表。",
    },
    "note_sheet_chosen_cli": {
        "en": "Read the sheet {sheet}: it holds the orders table. The workbook also has {others}; to read another sheet, add --sheet and its name.",
        "zh": "已读取工作表 {sheet}：订单数据在这张表中。工作簿中还有 {others}；如需读取其他工作表，请加上 --sheet 和工作表名称。",
    },
    "sheet_no_data_cli": {
        "en": "The sheet {sheet} of {name} has no data rows under its header. The workbook's sheets: {sheets}. Give the sheet that holds the orders with --sheet.",
        "zh": "{name} 的工作表 {sheet} 在表头下没有数据行。工作簿中的工作表：{sheets}。请用 --sheet 指定包含订单的工作表。",
    },
    "no_sheet_with_data": {
        "en": "No sheet of {name} has data rows under its header. Sheets: {sheets}. Check that the export contains orders.",
        "zh": "{name} 中没有任何工作表在表头下有数据行。工作表：{sheets}。请确认导出的文件包含订单。",
    },
    "note_relative_scores": {
        "en": "All {customers:,} customers have the same {dimensions}, so those scores cannot tell them apart. RFM scores compare each customer with the others in this file: identical customers score R 5, F 1, M 1, however long ago they bought.",
        "zh": "全部 {customers:,} 位客户的{dimensions}都相同，这些评分无法区分他们。RFM 评分是与本文件中其他客户相比得出的：完全相同的客户都得到 R 5、F 1、M 1，不论购买是在多久以前。",
    },
    "segment_key_missing": {
        "en": "The customer table has no {column} column, which says which group each customer is in. Group the customers first.",
        "zh": "客户表缺少表示每位客户所属分组的 {column} 列。请先为客户分组。",
    },
}
# Reading and cleaning, and the segmentations beyond RFM, keep their messages beside them (plain data: no
# import cycle).
assert not set(INGEST_MESSAGES) & set(MESSAGES), "a message code is defined twice"
MESSAGES.update(INGEST_MESSAGES)
assert not set(SEGMENT_MESSAGES) & set(MESSAGES), "a message code is defined twice"
MESSAGES.update(SEGMENT_MESSAGES)
assert not set(BASKET_MESSAGES) & set(MESSAGES), "a message code is defined twice"
MESSAGES.update(BASKET_MESSAGES)
assert not set(PREDICT_MESSAGES) & set(MESSAGES), "a message code is defined twice"
MESSAGES.update(PREDICT_MESSAGES)
assert not set(MEASURE_MESSAGES) & set(MESSAGES), "a message code is defined twice"
MESSAGES.update(MEASURE_MESSAGES)
assert not set(ENGINE_MESSAGES) & set(MESSAGES), "a message code is defined twice"
MESSAGES.update(ENGINE_MESSAGES)


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
        text = template.format(**params)
    except (KeyError, ValueError, IndexError):
        return template
    return _english_singulars(text) if lang != "zh" else text


# "1 rows", "1 return rows are", "All 1 customers": counts are formatted into plural templates.
_ONE = re.compile(r"(?<![\d.,])1 ((?:return |order |excluded )?(?:row|customer|order|line|cell|spelling|id|sheet|group|"
                  r"column))s\b( \([^)]*\))?(?: (are|have|were)\b)?")
_VERB = {"are": "is", "have": "has", "were": "was"}
_ALL_ONE = re.compile(r"\bAll 1 customers have\b")
_ALL_TWO = re.compile(r"\bAll 2 customers\b")


def _english_singulars(text: str) -> str:
    """'1 row is', 'the only customer has', 'Both customers': English counts read right whatever the number."""
    text = _ALL_ONE.sub("The only customer has", text)
    text = _ALL_TWO.sub("Both customers", text)
    text = _ONE.sub(lambda m: f"1 {m[1]}{m[2] or ''}{' ' + _VERB[m[3]] if m[3] else ''}", text)
    return text.replace("1 people appear ", "1 person appears ")
