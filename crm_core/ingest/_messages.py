"""Messages of reading and cleaning uploads (crm_core.ingest): file-level errors, exclusion reasons, notes, files
combined, the column mapping, platform rules and conventions, the customer master file.

Plain data (no import from crm_core), merged into :data:`crm_core.messages.MESSAGES`; the same rules hold:
every entry in English and Chinese, each in its own language.
"""

INGEST_MESSAGES: dict[str, dict[str, str]] = {
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
        "en": "No column is mapped to {fields}. In the column mapping, choose the column that holds it (its header may read e.g. {examples}).",
        "zh": "没有列对应到“{fields}”。请在列映射中选择包含它的列（表头可能是 {examples} 等）。",
    },
    "missing_amount": {
        "en": "Neither an amount column nor both quantity and unit price are mapped. Map Amount, or both Quantity and Unit price.",
        "zh": "未映射金额列，也未同时映射数量和单价。请映射“金额”，或同时映射“数量”和“单价”。",
    },
    "unknown_column": {
        "en": "The mapping names column {column} for {field}, but the file has no such column. Pick one of the file's columns.",
        "zh": "映射中“{field}”对应的列 {column} 在文件中不存在。请从文件现有的列中选择。",
    },
    "duplicate_mapping": {
        "en": "Column {column} is mapped to both {fields}. Each column can feed one field only: clear the other field first, then choose the column again.",
        "zh": "列 {column} 同时对应到“{fields}”。每一列只能对应一个字段：请先清空另一个字段，再重新选择这一列。",
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
        "en": "Thresholds for {dimension} must be four numbers, each at least as large as the one before (got {values}). Two equal thresholds leave the score between them empty.",
        "zh": "{dimension} 的阈值必须是四个数字，且每个不小于前一个（当前为 {values}）。两个阈值相等时，它们之间的分数没有客户。",
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
        "en": "{option} must be a date written year-month-day, e.g. 2025-12-31 (got {value}).",
        "zh": "{option} 必须是按“年-月-日”书写的日期，例如 2025-12-31（当前为 {value}）。",
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
    "reason_overlap": {"en": "line already in an earlier file (counted once)", "zh": "与之前文件中的行相同（只计一次）"},
    # --- notes (soft problems, shown as warnings) ---
    "note_encoding": {"en": "Read as text in {encoding}, separated by {delimiter}.", "zh": "已按文本读取，编码为{encoding}，分隔符为{delimiter}。"},
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
    "note_future_dates": {
        "en": "{rows:,} lines are dated far after the rest of the file (after {after}), e.g. a mistyped year. "
              "They are left out of the default analysis date, so they count only if you choose a later date.",
        "zh": "{rows:,} 行的日期远晚于文件中的其他行（晚于 {after}），可能是年份输错。"
              "默认分析日期不考虑这些行，只有选择更晚的分析日期时才会计入。",
    },
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
    "note_bad_lines": {"en": "Set aside: {rows:,} lines with the wrong number of fields.", "zh": "{rows:,} 行字段数不正确，已单独列出。"},
    # --- several files combined (crm_core.ingest.combine) ---
    "files_differ": {
        "en": "{name} does not have the same columns as {first} (missing: {missing}; extra: {extra}). Export every month with the same columns, or load the files one at a time.",
        "zh": "{name} 的列与 {first} 不同（缺少：{missing}；多出：{extra}）。请按相同的列导出每个月的数据，或逐个载入这些文件。",
    },
    "note_overlap": {
        "en": "{rows:,} lines were in more than one file ({files}); each was counted once.",
        "zh": "{rows:,} 行同时出现在多个文件中（{files}），每行只计一次。",
    },
    "note_in_file": {"en": "{files}: {text}", "zh": "{files}：{text}"},
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
    "note_order_paid_total_used": {
        "en": "The amount is taken from {column}, what the buyer paid or owes for the whole order, so coupons and discounts are taken into account: {how}.",
        "zh": "金额取自 {column}，即买家为整单实付或应付的金额，已计入优惠券和折扣：{how}。",
    },
    "note_identity_used": {
        "en": "The file has no customer-number column, so customers are told apart by {column} ({kind}). To use another column, choose it as the customer id in the mapping.",
        "zh": "文件中没有客户编号列，因此按 {column}（{kind}）区分客户。如需改用其他列，请在列映射中把它选为客户编号。",
    },
    "note_identity_composite": {
        "en": "No column identifies the buyer, so customers are told apart by name and address together ({name} + {address}). People with the same name at one address count as one customer; choose another column as the customer id if your file has one.",
        "zh": "没有能识别买家的列，因此按姓名加地址（{name} + {address}）区分客户。同一地址的同名者会算作一位客户；如文件中有其他可识别客户的列，请在列映射中把它选为客户编号。",
    },
    "note_fields_guessed": {
        "en": "These columns were recognised from their values, not their names; please check them: {fields}.",
        "zh": "以下列是根据数据内容（而非列名）识别的，请确认：{fields}。",
    },
    "note_order_total_skipped": {
        "en": "Not used as the amount: {column} (the order's total, {how}); {instead}.",
        "zh": "未用作金额：{column}（整单金额，{how}）；{instead}。",
    },
    "note_order_total_once": {
        "en": "{column} holds each order's figure, {how}; it is counted once per order.",
        "zh": "{column} 是整单的数值（{how}），每个订单只计一次。",
    },
    "note_column_values_rejected": {
        "en": "{column} looks like {field} by its name, but its values are not {expected} (e.g. {example}); it was not used.",
        "zh": "{column} 的列名像是{field}，但内容不是{expected}（例如 {example}），因此未使用。",
    },
    "note_masked_phone": {
        "en": "{column} holds masked phone numbers (e.g. {example}); they cannot tell customers apart and are not used as phone numbers.",
        "zh": "{column} 中是打码的手机号（例如 {example}），无法区分客户，也不作为手机号使用。",
    },
    "note_name_is_order_number": {
        "en": "The column {column} holds order numbers (e.g. {example}), so it is used as the order id.",
        "zh": "{column} 列中是订单号（例如 {example}），因此用作订单号。",
    },
    "note_order_date_fallback": {
        "en": "No column says when orders were placed; the order date is taken from {column} (the payment time). Orders not yet paid then have no date.",
        "zh": "没有表示下单时间的列，下单日期取自 {column}（付款时间）。尚未付款的订单因此没有日期。",
    },
    # --- ingest: platform rules, conventions detected per file (H2 adds below) ---
    "note_refunds_capped": {
        "en": "On {orders:,} orders the refund in column {column} is larger than the order itself: {given} refunded "
              "as written, {netted} taken off. Each such refund was capped at its order's amount, so no order "
              "counts below zero.",
        "zh": "有 {orders:,} 个订单在列 {column} 中的退款大于订单本身金额：文件中退款共 {given}，实际扣除 {netted}。"
              "这些退款均按订单金额封顶扣除，订单金额不会低于零。",
    },
    "note_dotted_day_first": {
        "en": "Dates in column {column} written with dots (e.g. {example}) were read as day.month.year, "
              "the usual order for dates written this way.",
        "zh": "列 {column} 中用点分隔的日期（例如 {example}）按“日.月.年”读取，这是此类写法的通常顺序。",
    },
    "note_id_phones_normalised": {
        "en": "Column {column} holds phone numbers, so they were written one way (international form, e.g. {example}) "
              "before telling customers apart: {before:,} spellings became {after:,} customers.",
        "zh": "列 {column} 中是手机号，区分客户前已统一为国际格式（例如 {example}）：{before:,} 种写法合并为 {after:,} 位客户。",
    },
    "note_id_emails_normalised": {
        "en": "Column {column} holds e-mail addresses, so spaces and capitals were ignored when telling customers "
              "apart (e.g. {example}): {before:,} spellings became {after:,} customers.",
        "zh": "列 {column} 中是电子邮箱，区分客户时忽略了空格和大小写（例如 {example}）：{before:,} 种写法合并为 {after:,} 位客户。",
    },
    "note_statuses_counted": {
        "en": "Order statuses counted as purchases: {statuses}.",
        "zh": "按购买计入的订单状态：{statuses}。",
    },
    "note_carried_down": {
        "en": "This export writes some order details only on each order's first line: {cells:,} empty cells of "
              "{fields} were filled from the first line of the same order.",
        "zh": "该导出文件只在每个订单的第一行填写部分订单信息：已用同一订单第一行的值填补了“{fields}”中 {cells:,} 个空单元格。",
    },
    "note_order_totals_spread": {
        "en": "Column {column} repeats each order's total on every line of the order ({orders:,} orders; {why}): "
              "each total was counted once and shared among the order's lines {how}.",
        "zh": "列 {column} 在订单的每一行都重复了整单金额（{orders:,} 个订单；{why}）：每个整单金额只计一次，"
              "并{how}分摊到该订单的各行。",
    },
    "note_refunds_netted": {
        "en": "Refunds in column {column} ({value} on {orders:,} orders) were netted from the customers' spend, "
              "once per order.",
        "zh": "列 {column} 中的退款（{orders:,} 个订单，共 {value}）已从客户消费额中扣除，每个订单只扣一次。",
    },
    "note_refund_unreadable": {
        "en": "{cells:,} cells of column {column} are not readable amounts (rows {rows}); no refund was taken for them.",
        "zh": "列 {column} 中有 {cells:,} 个单元格不是可识别的金额（第 {rows} 行），这些行未扣除退款。",
    },
    "note_cancellation_prefix": {
        "en": "In this file an order number starting with {prefix} (e.g. {example}) marks a cancellation: its {rows:,} "
              "lines count as returns.",
        "zh": "在此文件中，以 {prefix} 开头的订单号（例如 {example}）表示取消的订单：这些 {rows:,} 行按退货计算。",
    },
    "note_date_time_combined": {
        "en": "The order date was read from column {date} together with the time in column {time}.",
        "zh": "下单日期由列 {date} 与列 {time} 中的时间合并读取。",
    },
    "note_time_unreadable": {
        "en": "{rows:,} lines have a time in column {time_column} that cannot be read (e.g. {example}); their date alone "
              "was used.",
        "zh": "有 {rows:,} 行在列 {time_column} 中的时间无法识别（例如 {example}），这些行只使用了日期。",
    },
    # --- customer master file (crm_core.ingest.master) ---
    "customers_no_id": {
        "en": "The customer file {file} has no customer-id column (its columns: {columns}). It needs a column with "
              "the same customer ids as the orders, headed e.g. {examples}; map that column to Customer ID.",
        "zh": "客户文件 {file} 中没有客户编号列（现有列：{columns}）。文件需要一列与订单中相同的客户编号，表头如 {examples}；"
              "请把该列对应到“客户编号”。",
    },
    "customers_unknown_column": {
        "en": "The mapping of the customer file {file} names column {column} for {field}, but that file has no such "
              "column. Pick one of its columns.",
        "zh": "客户文件 {file} 的映射中“{field}”对应的列 {column} 在该文件中不存在。请从它现有的列中选择。",
    },
    "customers_duplicate_mapping": {
        "en": "In the mapping of the customer file {file}, column {column} is mapped to both {fields}. Map each "
              "column to one field only.",
        "zh": "客户文件 {file} 的映射中，列 {column} 同时对应到“{fields}”。请让每一列只对应一个字段。",
    },
    "customers_no_ids": {
        "en": "Column {column} of the customer file {file} is empty on every row, so no customer can be matched. "
              "Map the column that holds the customer ids.",
        "zh": "客户文件 {file} 的 {column} 列每一行都是空的，无法匹配任何客户。请对应到包含客户编号的列。",
    },
    "customers_no_match": {
        "en": "No customer id in column {column} of the customer file {file} is an id of the orders: the file "
              "probably holds another kind of id ({example} there, {orders_example} in the orders). Map the column "
              "that holds the orders' customer ids.",
        "zh": "客户文件 {file} 的 {column} 列中没有任何编号与订单中的客户编号相同：该文件可能使用另一种编号"
              "（文件中如 {example}，订单中如 {orders_example}）。请对应到与订单客户编号相同的那一列。",
    },
    "note_master_joined": {
        "en": "Customer file {file}: {matched:,} of its {customers:,} customers matched the orders; its values "
              "({fields}) replace those read from the orders where its cells are filled.",
        "zh": "客户文件 {file}：其中 {customers:,} 位客户里有 {matched:,} 位与订单匹配；凡该文件中有值的（{fields}），"
              "均以它为准，覆盖订单中的值。",
    },
    "note_master_never_ordered": {
        "en": "{customers:,} customers of the customer file never ordered (e.g. {example}): they are not added, "
              "because every analysis needs purchases.",
        "zh": "客户文件中有 {customers:,} 位客户从未下单（如 {example}）：分析需要购买记录，因此未加入。",
    },
    "note_master_rows_without_id": {
        "en": "Skipped {rows:,} rows of the customer file without an id in column {column}.",
        "zh": "客户文件中有 {rows:,} 行的 {column} 列为空，已跳过。",
    },
    "note_master_ids_twice": {
        "en": "Customer ids on more than one row of the customer file: {ids:,} (e.g. {example}). The last filled "
              "value of each column is used.",
        "zh": "客户文件中有 {ids:,} 个客户编号出现在多行（如 {example}）：每列取最后一个有值的单元格。",
    },
    "note_master_ids_case": {
        "en": "Customer file ids that match an order's customer id only when upper and lower case are ignored: "
              "{ids:,} (e.g. {example}). Each was joined to that customer.",
        "zh": "客户文件中有 {ids:,} 个编号只有在不区分大小写时才与订单中的客户编号一致（{example}）：已按同一客户合并。",
    },
    "note_master_ids_merged": {
        "en": "Customer file ids merged into another id as duplicates of one person: {ids:,} (e.g. {example}). "
              "Their rows were joined to the id kept.",
        "zh": "客户文件中有 {ids:,} 个编号已作为重复客户并入另一个编号（{example}）：其信息已并入保留的编号。",
    },
    "note_master_opted_out": {
        "en": "{customers:,} customers opted out of marketing in the customer file {file} though the orders do not "
              "say so: they are left out of campaign lists.",
        "zh": "有 {customers:,} 位客户在客户文件 {file} 中已退订营销，而订单中未显示：他们不会出现在营销名单中。",
    },
}
