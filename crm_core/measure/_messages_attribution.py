"""Messages of channel attribution (crm_core.measure.attribution):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`.

``at_reason_*`` are the reasons a row was left out (the ``reason`` column of ``Paths.excluded``)."""

ATTRIBUTION_MESSAGES: dict[str, dict[str, str]] = {
    "at_column_missing": {
        "en": "The table has no column \u201c{column}\u201d (given as the {role} column). Its columns are: {columns}. "
              "Pick the column that holds the {role}.",
        "zh": "表中没有\u201c{column}\u201d列（被指定为{role}列）。现有列：{columns}。请选择存放{role}的列。",
    },
    "at_column_needed": {
        "en": "Choose the {role} column: without it the {format} cannot be read. The table's columns are: {columns}.",
        "zh": "请选择{role}列：没有它就无法读取{format}。表中的列：{columns}。",
    },
    "at_column_option_needed": {
        "en": "Name the {role} column with {option}: without it the {format} cannot be read. The table's columns "
              "are: {columns}.",
        "zh": "请用 {option} 指定{role}列：没有它就无法读取{format}。表中的列：{columns}。",
    },
    "at_format_unknown_cli": {
        "en": "Could not tell whether this table holds touchpoints (journey, time, channel, converted) or ready "
              "paths (path, conversions). Its columns are: {columns}. Give --format touchpoints or --format paths "
              "and name the columns (e.g. --journey, --time, --channel, --converted or --path, --conversions).",
        "zh": "无法判断该表是触点明细（旅程编号、时间、渠道、是否转化）还是现成路径（路径、转化数）。"
              "表中的列：{columns}。请用 --format 指定格式（\u201ctouchpoints\u201d为触点明细，\u201cpaths\u201d"
              "为现成路径），并指定各列（如 --journey、--time、--channel、--converted 或 --path、--conversions）。",
    },
    "at_same_column": {
        "en": "The column \u201c{column}\u201d is chosen both as {first} and as {second}. Give each role its own "
              "column.",
        "zh": "\u201c{column}\u201d列同时被选为{first}和{second}。请为每一项选择不同的列。",
    },
    "at_time_unreadable": {
        "en": "No time in the column \u201c{column}\u201d could be read as a date and time (e.g. {examples}). Write "
              "times such as 2026-03-01 14:30, or choose the column that holds the touch times.",
        "zh": "\u201c{column}\u201d列中没有可识别的日期时间（例如 {examples}）。请写成 2026-03-01 14:30 这样的格式，"
              "或选择存放触点时间的列。",
    },
    "at_converted_unreadable": {
        "en": "The column \u201c{column}\u201d should say whether the touch converted (yes/no, 1/0), but "
              "{count} rows say something else (e.g. {examples}). Fix these values or choose another column.",
        "zh": "\u201c{column}\u201d列应说明该触点是否转化（是/否、1/0），但有 {count} 行是其他内容（例如 "
              "{examples}）。请修正这些值，或选择其他列。",
    },
    "at_number_unreadable": {
        "en": "No value in the column \u201c{column}\u201d could be read as a number (e.g. {examples}). Choose the "
              "column that holds the {role}, or write numbers such as 12 or 1,234.50.",
        "zh": "\u201c{column}\u201d列中没有可识别的数字（例如 {examples}）。请选择存放{role}的列，或写成 12、1,234.50 "
              "这样的数字。",
    },
    "at_no_rows": {
        "en": "No row of the table can be used: {reasons}. Fix these rows or choose other columns.",
        "zh": "表中没有可用的行：{reasons}。请修正这些行或选择其他列。",
    },
    "at_no_conversions": {
        "en": "The {format} hold no conversion, so there is nothing to attribute. Check that the {column} column "
              "marks the conversions (e.g. yes / 1) or counts them.",
        "zh": "{format}中没有任何转化，无法归因。请检查\u201c{column}\u201d列是否标记了转化（如 是 / 1）"
              "或填写了转化数。",
    },
    "at_too_many_channels": {
        "en": "The column \u201c{column}\u201d has {count:,} different channels (e.g. {examples}): more than "
              "{limit:,}. It probably is not the channel column; choose the column naming the channel of each touch.",
        "zh": "\u201c{column}\u201d列有 {count:,} 个不同的渠道（例如 {examples}），超过 {limit:,} 个，可能不是渠道列。"
              "请选择记录每个触点渠道的列。",
    },
    "at_bad_half_life": {
        "en": "The half life of the time-decay model must be a number of days above 0 and at most 3650; got {value}.",
        "zh": "时间衰减模型的半衰期必须是大于 0、不超过 3650 的天数；当前为 {value}。",
    },
    "at_bad_shares": {
        "en": "The position-based shares must be between 0% and 100% and add up to at most 100%; got first "
              "{first} and last {last}.",
        "zh": "位置归因的首次和末次份额必须在 0% 到 100% 之间，且合计不超过 100%；当前首次为 {first}、末次为 {last}。",
    },
    "at_bad_separator": {
        "en": "The separator between channels in a path cannot be blank (got \u201c{value}\u201d). Use the text "
              "that stands between two channels, e.g. \u201c > \u201d.",
        "zh": "路径中渠道之间的分隔符不能为空（当前为\u201c{value}\u201d）。请填写两个渠道之间的文字，"
              "例如\u201c > \u201d。",
    },
    "at_format_unknown": {
        "en": "Could not tell whether this table holds touchpoints (journey, time, channel, converted) or ready "
              "paths (path, conversions). Its columns are: {columns}. Name the format and the columns.",
        "zh": "无法判断该表是触点明细（旅程编号、时间、渠道、是否转化）还是现成路径（路径、转化数）。"
              "表中的列：{columns}。请指定格式和各列。",
    },
    # Reasons a row was left out (Paths.excluded["reason"]).
    "at_reason_no_journey": {"en": "no journey id", "zh": "缺少旅程编号"},
    "at_reason_bad_time": {"en": "time not readable", "zh": "时间无法识别"},
    "at_reason_no_channel": {"en": "no channel", "zh": "缺少渠道"},
    "at_reason_bad_converted": {"en": "converted not readable", "zh": "是否转化无法识别"},
    "at_reason_bad_value": {"en": "value not a number of 0 or more", "zh": "金额不是大于等于 0 的数字"},
    "at_reason_bad_count": {"en": "count not a number of 0 or more", "zh": "计数不是大于等于 0 的数字"},
    "at_reason_empty_path": {"en": "empty path", "zh": "路径为空"},
    "at_reason_no_outcome": {"en": "no conversion and no null count", "zh": "转化数和未转化数均为 0"},
    "at_reason_summary": {"en": "{count:,} rows: {reason}", "zh": "{count:,} 行：{reason}"},
}
