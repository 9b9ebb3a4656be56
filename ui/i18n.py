"""Every label the UI shows, in English and Chinese, from one table.

``t("key", **params)`` returns the text in the session's language. Messages the
analysis itself produces (errors, exclusion reasons) come from crm_core.messages.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

LANG_KEY = "lang"
LANGS = {"en": "English", "zh": "中文"}

TEXT: dict[str, tuple[str, str]] = {
    # app / navigation
    "app_title": ("Analytical CRM", "分析型 CRM"),
    "nav_home": ("Start", "开始"),
    "nav_data": ("Data", "数据导入"),
    "nav_section_understand": ("Understand", "了解客户"),
    "nav_section_act": ("Act", "采取行动"),
    "nav_section_measure": ("Measure", "衡量效果"),
    "nav_rfm": ("RFM segments", "RFM 分群"),
    "nav_export": ("Export lists", "导出名单"),
    "language": ("Language", "语言"),
    "data_status": ("Data", "数据"),
    "no_data": ("No data loaded yet.", "尚未加载数据。"),
    "loaded_file": ("**{name}** · {rows:,} rows used · {customers:,} customers", "**{name}** · 使用 {rows:,} 行 · {customers:,} 位客户"),
    "loaded_file_as_of": (
        "**{name}** · {rows:,} rows used · {customers:,} customers as of {date}",
        "**{name}** · 使用 {rows:,} 行 · 截至 {date} 共 {customers:,} 位客户",
    ),
    "status_read": ("**{name}** — could not be read (see the Data page)", "**{name}** — 无法读取（见“数据导入”页）"),
    "status_prepare": (
        "**{name}** — not ready: fix the column mapping on the Data page",
        "**{name}** — 尚未就绪：请在“数据导入”页修正列映射",
    ),
    "load_sample": ("Load sample data", "加载示例数据"),
    "clear_data": ("Clear my data", "清除我的数据"),
    "cleared": ("Your data was removed from this session.", "已从本会话中清除您的数据。"),
    "sample_loaded": ("Sample data loaded: {name}", "已加载示例数据：{name}"),
    "upload_first": ("Upload an order file (or load the sample data) to see this page.", "请先上传订单文件（或加载示例数据）。"),
    "go_to_upload": ("Go to data upload", "前往数据导入"),
    "fix_data_first": ("The data could not be prepared: fix the problem on the Data page.", "数据尚未准备好：请在“数据导入”页解决问题。"),
    # home
    "home_title": ("Know your customers, then act on it", "读懂客户，立即行动"),
    "home_intro": (
        "Upload an order export from your shop or CRM (CSV or Excel, Chinese or English headers). "
        "The app shows what it read and what it left out, scores every customer by **Recency, Frequency and "
        "Monetary value**, groups them into segments with a suggested action, and gives you a formatted Excel "
        "list per segment.",
        "上传店铺或 CRM 导出的订单文件（CSV 或 Excel，中英文表头均可）。应用会说明读取了什么、排除了什么，"
        "按 **最近一次消费 R、消费频率 F、消费金额 M** 为每位客户打分，分成带有建议动作的客户群，"
        "并为每个客户群生成格式规范的 Excel 名单。",
    ),
    "home_steps": (
        "1. **Data** – upload and check the column mapping and the row report\n"
        "2. **Understand** – RFM segments, behaviour clusters, lifecycle stages and cohorts, a 360° profile per "
        "customer\n"
        "3. **Act** – cross-sell offers, churn risk, campaign response, lifetime value; build a campaign with a "
        "control group and export the lists (who, what offer, which channel, why)\n"
        "4. **Measure** – A/B tests, campaign results against the control group, channel attribution, sales "
        "forecasts, and one client report of the whole analysis",
        "1. **数据导入** – 上传文件，确认列映射和行处理报告\n"
        "2. **了解客户** – RFM 分群、行为聚类、生命周期与同期群、客户 360 画像\n"
        "3. **采取行动** – 交叉销售推荐、流失预警、营销响应预测、客户终身价值；创建带对照组的营销活动并导出名单"
        "（对谁、什么优惠、哪个渠道、为什么）\n"
        "4. **衡量效果** – A/B 测试、对比对照组的营销效果、渠道归因、销售预测，以及一份完整的客户报告",
    ),
    "home_sample_hint": ("No file at hand? Try the bundled demo data.", "手头没有文件？试试内置的示例数据。"),
    "privacy_note": (
        "Your file stays in this session's memory only: nothing is written to disk or sent anywhere.",
        "您的文件只保存在本会话的内存中：不会写入磁盘，也不会发送到任何地方。",
    ),
    # data page
    "data_title": ("Data upload", "数据导入"),
    "uploader": ("Order file (CSV, TXT, XLSX, XLS)", "订单文件（CSV、TXT、XLSX、XLS）"),
    "uploader_help": ("One row per order line; customer attributes may be in the same file.", "每行一条订单明细；客户属性可在同一文件中。"),
    "uploader_replace": ("Replace with another file (CSV, TXT, XLSX, XLS)", "换一个文件（CSV、TXT、XLSX、XLS）"),
    "sample_tag": ("sample data, in use", "示例数据，使用中"),
    "loaded_tag": ("in use", "使用中"),
    "remove_file": ("Remove", "移除"),
    "reading": ("Reading {name}…", "正在读取 {name}…"),
    "read_done": ("Read {rows:,} rows in {seconds:.1f} s", "已读取 {rows:,} 行，用时 {seconds:.1f} 秒"),
    "read_failed": ("{name} could not be read", "无法读取 {name}"),
    "pick_sheet": (
        "Choose the sheet that holds the orders ({sheets}) and the header row above, then “Apply reading options”.",
        "请在上方选择存放订单的工作表（{sheets}）和表头所在行，然后点击“应用读取选项”。",
    ),
    "read_options": ("Reading options", "读取选项"),
    "apply_read": ("Apply reading options", "应用读取选项"),
    "sheet": ("Sheet", "工作表"),
    "no_sheets": ("— text file, no sheets —", "— 文本文件，无工作表 —"),
    "header_row": ("Header row (0 = detect)", "表头所在行（0 = 自动识别）"),
    "header_row_help": ("The header was found on row {row}.", "当前识别到的表头在第 {row} 行。"),
    "encoding": ("Text encoding", "文本编码"),
    "auto": ("Detect automatically", "自动识别"),
    "delimiter": ("Separator", "分隔符"),
    "sep_comma": ("Comma ( , )", "逗号（ , ）"),
    "sep_semicolon": ("Semicolon ( ; )", "分号（ ; ）"),
    "sep_tab": ("Tab", "制表符"),
    "sep_pipe": ("Vertical bar ( | )", "竖线（ | ）"),
    "preview": ("Preview: first {rows} rows, {columns} columns", "预览：前 {rows} 行，共 {columns} 列"),
    "prepare_failed": ("The rows could not be prepared: see the mapping below", "无法处理各行数据：请查看下方的列映射"),
    "several_sheets": ("This workbook has {n} sheets; reading “{sheet}”. Pick another under Reading options.", "此工作簿有 {n} 个工作表，当前读取“{sheet}”。可在“读取选项”中选择其他工作表。"),
    "mapping": ("Column mapping", "列映射"),
    "mapping_help": (
        "Each field of the analysis and the column of your file that feeds it. Customer and date are required; "
        "amount, or quantity and unit price.",
        "分析所需字段与文件列的对应关系。客户编号和日期必填；另需金额，或数量和单价。",
    ),
    "not_mapped": ("— not in file —", "— 文件中没有 —"),
    "more_fields": (
        "More fields (optional): product code, category, contact details, city, consent…",
        "更多字段（选填）：商品编码、品类、联系方式、城市、营销同意…",
    ),
    "mapping_files": ("Save or load this mapping", "保存或加载此映射"),
    "column_moved": (
        "Column “{column}” now feeds {new}; {old} is no longer mapped.",
        "列“{column}”现在对应 {new}；{old} 已改为“文件中没有”。",
    ),
    "fields_marked": ("Marked in red below: {fields}.", "下方红色标出的字段：{fields}。"),
    "field_marked_help": (
        "This field causes the problem shown above the form: choose the matching column of your file.",
        "此字段导致了表单上方所示的问题：请选择文件中对应的列。",
    ),
    "guessed": ("guessed — please confirm", "推测所得，请确认"),
    "guessed_help": (
        "Chosen from the column's values, not its header. Check the preview and change it if it is wrong.",
        "根据该列的数值（而不是表头）推测。请对照预览确认，如有误请更改。",
    ),
    "apply": ("Apply", "应用"),
    "save_mapping": ("Save mapping (JSON)", "保存映射（JSON）"),
    "load_mapping": ("Load a saved mapping", "加载已保存的映射"),
    "mapping_loaded": ("Mapping loaded.", "映射已加载。"),
    "cleaning": ("Cleaning options", "清洗选项"),
    "returns": ("Returns and cancellations", "退货与取消"),
    "returns_net": ("Net them from spend", "从消费额中扣除"),
    "returns_ignore": ("Leave them out", "忽略退货行"),
    "date_order": ("Dates like 05/01/2024", "类似 05/01/2024 的日期"),
    "date_order_inline": ("In your file, 05/01/2024 means", "在您的文件中，05/01/2024 表示"),
    "date_auto": ("Detect", "自动识别"),
    "date_day": ("Day first (5 Jan)", "日在前（1月5日）"),
    "date_month": ("Month first (May 1)", "月在前（5月1日）"),
    "merge_dups": ("Merge customers sharing a phone or email", "合并电话或邮箱相同的客户"),
    "non_product": ("Codes that are not products (comma-separated)", "非商品编码（逗号分隔）"),
    "currency": ("Currency", "货币"),
    "currency_detected": ("Detected: {evidence}", "识别依据：{evidence}"),
    "currency_detected_plain": ("Detected from the file.", "根据文件识别。"),
    "currency_not_detected": ("Not detected in the file: please choose.", "文件中未识别出货币：请选择。"),
    "show_full_contacts": ("Show full phone numbers and e-mails", "显示完整的电话和邮箱"),
    "report": ("What was read", "读取报告"),
    "rows_read": ("Rows read", "读取行数"),
    "rows_used": ("Rows used", "使用行数"),
    "rows_excluded": ("Rows excluded", "排除行数"),
    "rows_returns": ("Return lines netted", "扣减的退货行"),
    "customers": ("Customers", "客户数"),
    "exclusions": ("Why rows were excluded", "行被排除的原因"),
    "reason": ("Reason", "原因"),
    "rows": ("Rows", "行数"),
    "download_excluded": ("Download excluded rows (CSV)", "下载被排除的行（CSV）"),
    "nothing_excluded": ("Every row was used.", "所有行均已使用。"),
    "duplicates": ("Possible duplicate customers", "可能重复的客户"),
    "duplicates_none": ("No customer appears under two ids.", "未发现同一客户使用多个编号。"),
    "balance": ("{read:,} read = {used:,} used + {excluded:,} excluded", "读取 {read:,} 行 = 使用 {used:,} 行 + 排除 {excluded:,} 行"),
    "ready": ("Data ready. Continue to the RFM segments.", "数据已就绪，请继续查看 RFM 分群。"),
    "go_rfm": ("Go to RFM segments", "前往 RFM 分群"),
    "choose_date_order": ("Choose the date order under Cleaning options, then the data loads.", "请在“清洗选项”中选择日期顺序。"),
    # rfm page
    "rfm_title": ("RFM segments", "RFM 客户分群"),
    "settings": ("Settings", "设置"),
    "as_of": ("Analysis date", "分析日期"),
    "as_of_help": ("Recency is counted up to this day. Default: the day after the last order.", "最近一次消费天数计算到这一天。默认为最后一笔订单的次日。"),
    "method": ("Scoring", "评分方式"),
    "method_quantile": ("Quintiles", "五等分"),
    "method_help": (
        "Quintiles: customers are ranked and split into five equal groups per score (20% each). "
        "My thresholds: you set the values each score needs.",
        "五等分：按排名把客户平均分成五组（每组 20%）来打分。自定义阈值：由您设定每个分数需要达到的数值。",
    ),
    "frequency_basis_help": (
        "Orders: the number of orders. Orders per year: orders divided by the years since the customer's first order.",
        "订单数：订单的数量。年均订单数：订单数除以自首次下单以来的年数。",
    ),
    "r_row": ("R {r}", "R {r}"),
    "fm_column": ("FM {f}", "FM {f}"),
    "fm_explained": (
        "R = recency score (5 = bought most recently). FM = the average of the frequency (F) and monetary (M) "
        "scores, rounded: 1 = few orders and low spend … 5 = many orders and high spend.",
        "R = 最近消费得分（5 = 最近刚购买）。FM = 频率（F）和金额（M）两项得分的平均值（取整）："
        "1 = 订单少、消费低 … 5 = 订单多、消费高。",
    ),
    "segment_meaning": ("What each segment means and what to do", "各客户群的含义与建议动作"),
    "rfm_code_explained": (
        "RFM code: the three scores in a row, each 1 (low) to 5 (high). 545 = recency 5, frequency 4, monetary 5.",
        "RFM 代码：依次为三项得分，每项 1（低）到 5（高）。例如 545 = 最近消费 5 分、频率 4 分、金额 5 分。",
    ),
    "method_threshold": ("My thresholds", "自定义阈值"),
    "frequency_basis": ("Frequency counts", "频率口径"),
    "basis_orders": ("Orders", "订单数"),
    "basis_per_year": ("Orders per year", "年均订单数"),
    "scheme": ("Segments", "分群方案"),
    "scheme_11": ("11 segments", "11 类客户群"),
    "scheme_4": ("4 tiers", "4 层客户"),
    "thresholds": ("Thresholds", "阈值"),
    "thresholds_help": (
        "Score 5 needs the value in the first column (R: at most, F and M: at least), score 4 the second, and so on. "
        "Prefilled with your data's quintiles.",
        "得 5 分需达到第一列的值（R 为不超过，F、M 为不少于），4 分对应第二列，以此类推。默认按数据的五等分预填。",
    ),
    "dimension": ("Dimension", "维度"),
    "score_n": ("Score {n}", "{n} 分"),
    "recency_days": ("Recency (days, at most)", "最近消费（天，不超过）"),
    "frequency_min": ("Frequency (at least)", "频率（不少于）"),
    "monetary_min": ("Monetary (at least)", "金额（不少于）"),
    "edit_segments": ("Edit segment names and map", "编辑分群名称与规则"),
    "segment_map": ("Segment for each R score (rows) and FM score (columns)", "按 R 分（行）与 FM 分（列）划分的客户群"),
    "segment_names": ("Segment names", "客户群名称"),
    "reset": ("Reset", "重置"),
    "computing": ("Scoring customers…", "正在为客户打分…"),
    "kpi_customers": ("Customers", "客户数"),
    "kpi_revenue": ("Revenue (net)", "销售额（净）"),
    "kpi_orders": ("Orders", "订单数"),
    "kpi_pareto": ("Customers bringing 50% of revenue", "贡献 50% 收入的客户"),
    "pareto_sentence": ("{cust:.0%} of customers bring 50% of revenue.", "{cust:.0%} 的客户贡献了 50% 的收入。"),
    "future_rows": ("{rows:,} order lines are dated on or after the analysis date and are not counted.", "{rows:,} 行订单日期不早于分析日期，未计入。"),
    "summary": ("Segment summary", "分群汇总"),
    "charts": ("Charts", "图表"),
    "chart_segments": ("Segment size and revenue", "各群人数与收入"),
    "chart_heatmap": ("R × F heat map", "R × F 热力图"),
    "chart_distributions": ("Distributions", "分布"),
    "share_customers": ("Share of customers", "客户占比"),
    "share_revenue": ("Share of revenue", "收入占比"),
    "share": ("Share", "占比"),
    "measure": ("Measure", "指标"),
    "segment": ("Segment", "客户群"),
    "r_score": ("R score", "R 分"),
    "f_score": ("F score", "F 分"),
    "avg_monetary": ("Average spend", "平均消费"),
    "customers_count": ("Customers", "客户数"),
    "recency": ("Recency (days)", "最近消费（天）"),
    "frequency": ("Frequency (orders)", "频率（订单数）"),
    "monetary": ("Monetary", "消费金额"),
    "count": ("Customers", "客户数"),
    "customer_table": ("Customers and scores", "客户与评分明细"),
    # export page
    "export_title": ("Export campaign lists", "导出营销名单"),
    "export_segments": ("Segments", "客户群"),
    "export_columns": ("Columns", "列"),
    "include_contact": ("Add name, phone, e-mail", "包含姓名、电话、邮箱"),
    "mask": ("Mask personal data (138****5678)", "隐藏个人信息（138****5678）"),
    "include_opted_out": ("Include customers who opted out", "包含已退订的客户"),
    "opted_out_left_out": ("{n:,} customers who opted out of marketing are left out.", "已排除 {n:,} 位退订营销的客户。"),
    "format": ("File format", "文件格式"),
    "excel": ("Excel (one sheet per segment)", "Excel（每个客户群一个工作表）"),
    "csv": ("CSV (one file, UTF-8)", "CSV（单个文件，UTF-8）"),
    "download": ("Download {fmt}", "下载 {fmt}"),
    "export_preview": ("Preview: {name} ({rows:,} customers)", "预览：{name}（{rows:,} 位客户）"),
    "export_empty": ("Choose at least one segment with customers.", "请至少选择一个有客户的客户群。"),
    "export_summary": ("{lists} lists, {rows:,} customers in all.", "共 {lists} 份名单，{rows:,} 位客户。"),
    "export_summary_one": ("1 list, {rows:,} customers.", "共 1 份名单，{rows:,} 位客户。"),
    "building": ("Building the file…", "正在生成文件…"),
    "download_failed": ("The file could not be built: {detail}", "无法生成文件：{detail}"),
    "export_safety": (
        "Cells that start with = + - @ are written as text, so no spreadsheet runs them as formulas.",
        "以 = + - @ 开头的单元格按文本写入，任何表格软件都不会把它们当作公式执行。",
    ),
    "segment_column": ("Segment", "客户群"),
    "dup_customer": ("Customer ID", "客户编号"),
    "dup_merged_into": ("Same person as", "同一客户"),
    "dup_matched_on": ("Matched on", "匹配依据"),
    "dup_key": ("Shared phone / email", "相同的电话/邮箱"),
    "dup_group_size": ("IDs in group", "组内编号数"),
    "match_phone": ("phone", "电话"),
    "match_email": ("email", "邮箱"),
    "match_phone+email": ("phone + email", "电话 + 邮箱"),
    "status_detail": ("Status", "状态"),
    "phone_region": ("Phone numbers without a country code are from", "未带国家或地区代码的电话号码来自"),
    "phone_region_help": (
        "Phones written as at home (e.g. 020 7946 0958) are read as numbers of this country or region, so the same "
        "customer is found under two ids even when one of them wrote the country code.",
        "按本地习惯书写的电话号码（如 020 7946 0958）将按此国家或地区读取；这样即使其中一个号码带有国家代码，"
        "也能认出不同编号下的同一位客户。",
    ),
    "region_CN": ("Mainland China", "中国大陆"),
    "region_HK": ("Hong Kong", "中国香港"),
    "region_TW": ("Taiwan", "中国台湾"),
    "region_MO": ("Macao", "中国澳门"),
    "region_SG": ("Singapore", "新加坡"),
    "region_MY": ("Malaysia", "马来西亚"),
    "region_JP": ("Japan", "日本"),
    "region_KR": ("South Korea", "韩国"),
    "region_AU": ("Australia", "澳大利亚"),
    "region_US": ("United States", "美国"),
    "region_CA": ("Canada", "加拿大"),
    "region_GB": ("United Kingdom", "英国"),
    "region_DE": ("Germany", "德国"),
    "region_FR": ("France", "法国"),
    # analysis window and filters (RFM page)
    "as_of_reset": ("The saved analysis date {saved} is not after this file's first order, so the day after its "
                    "last order ({used}) is used.", "保存的分析日期 {saved} 不晚于本文件最早的订单，因此改用最后一笔订单的次日（{used}）。"),
    "segment_profiles": ("What each segment's customers buy, where, and from which cities",
                         "各分群客户的购买偏好、渠道和城市分布"),
    "scope_expander": ("Orders counted: {summary}", "计入的订单：{summary}"),
    "window": ("Analysis window", "分析期间"),
    "window_kind_all": ("All history", "全部历史"),
    "window_kind_months": ("Last months", "最近几个月"),
    "window_kind_from": ("From a date", "从某日起"),
    "window_months": ("Months before the analysis date", "分析日期前的月数"),
    "window_from": ("First day counted", "起始日期"),
    "window_all": ("all orders", "全部订单"),
    "window_last_months": ("last {n} months", "最近 {n} 个月"),
    "window_since": ("since {date}", "自 {date} 起"),
    "filters_active": (", {n} filter(s)", "，{n} 项筛选"),
    "filter_channels": ("Channel / store", "渠道/店铺"),
    "filter_categories": ("Category", "品类"),
    "filter_cities": ("City", "城市"),
    "filter_all": ("All", "全部"),
    "filter_no_column": ("Not in this data", "数据中没有此列"),
    "scope_help": (
        "Only these order lines are counted: recency, frequency and spend are then measured inside the window, "
        "and a category filter scores customers on that category's purchases. Saved with the analysis.",
        "只计入这些订单行：最近购买、频次和金额都在该期间内计算；按品类筛选时，按该品类的购买为客户评分。会随分析一起保存。",
    ),
    "list_id_caption": (
        "List ID **{list_id}**: written on the Summary sheet with the files, dates, filters and method that "
        "produced these lists, so campaign results can be matched to them later.",
        "清单编号 **{list_id}**：与生成这些名单的文件、日期、筛选条件和方法一起写在“概览”工作表中，便于日后将营销结果与名单对应。",
    ),
    "list_id_caption_csv": (
        "List ID **{list_id}** (the Excel file writes it on its Summary sheet with what produced the lists): keep "
        "it with this CSV, so campaign results can be matched to these lists later.",
        "清单编号 **{list_id}**（Excel 文件会将其与生成名单的依据一起写在“概览”工作表中）：请与此 CSV 一同保存，便于日后将营销结果与名单对应。",
    ),
    # saved analyses (sidebar)
    "analysis_file": ("Saved analysis", "保存的分析"),
    "save_analysis": ("Save analysis", "保存分析"),
    "save_analysis_help": (
        "One JSON file with every choice: reading options, mapping, analysis date and window, filters, method, "
        "thresholds, segment map and list options. Open it next month, or give it to the command line "
        "(--settings).",
        "一个 JSON 文件，包含所有选择：读取选项、列映射、分析日期与期间、筛选、方法、阈值、分群规则和名单选项。下个月可直接打开，"
        "也可交给命令行（--settings）。",
    ),
    "open_analysis": ("Open analysis", "打开分析"),
    "analysis_opened": ("Opened {name}: its settings apply to the data loaded now and to files you load next.",
                        "已打开 {name}：其中的设置将用于当前数据和之后加载的文件。"),
    "analysis_in_use": ("Settings from **{name}**", "设置来自 **{name}**"),
    # several files, customer file (data page)
    "uploader_many_help": (
        "One row per order line. Select several monthly exports of the same shape to combine them: a line found "
        "in more than one file is counted once.",
        "每行一条订单明细。可同时选择多个格式相同的月度导出文件合并分析：多个文件中重复出现的行只计一次。",
    ),
    "files_combined": ("{n} files combined", "已合并 {n} 个文件"),
    "customer_file": ("Customer file (optional)", "客户文件（可选）"),
    "customer_file_help": (
        "A list of customers from your CRM or membership system: customer id with name, phone, e-mail, consent, "
        "city, sign-up date. Its values complete the orders' (and win where both have one); customers who opted "
        "out there are left out of lists.",
        "来自 CRM 或会员系统的客户名单：客户编号及姓名、手机号、邮箱、营销同意、城市、注册日期。其信息补充订单中的客户信息"
        "（两者都有时以客户文件为准）；在其中已退订的客户不会列入名单。",
    ),
    "customer_file_uploader": ("Customer file (CSV, XLSX)", "客户文件（CSV、XLSX）"),
    "customer_file_mapping": ("Columns of the customer file", "客户文件的列"),
    "customer_file_loaded": ("Customer file **{name}** joined to the orders.", "客户文件 **{name}** 已与订单关联。"),
    "customer_file_remove": ("Remove customer file", "移除客户文件"),
    "customer_file_sample": ("Add the sample's customer file", "加入示例客户文件"),
    "customer_file_not_joined": ("Customer file **{name}** is not joined yet: the analysis uses the orders alone.",
                                 "客户文件 **{name}** 尚未关联：分析暂时只使用订单数据。"),
    "field": ("Field", "字段"),
    "sidebar_customer_file": ("👥 customer file {name}", "👥 客户文件 {name}"),
    "column": ("Column in the file", "文件中的列"),
}



def _merge(*tables: dict[str, tuple[str, str]]) -> None:
    """Add the labels of the pages that keep their own table (ui/i18n_*.py); a key defined twice is a bug."""
    for table in tables:
        clash = sorted(set(table) & set(TEXT))
        if clash:
            raise KeyError(f"labels defined twice: {', '.join(clash)}")
        TEXT.update(table)


from ui import (  # noqa: E402
    i18n_abtest,
    i18n_attribution,
    i18n_basket_charts,
    i18n_campaign,
    i18n_clusters,
    i18n_clv,
    i18n_crosssell,
    i18n_customer360,
    i18n_forecast,
    i18n_lifecycle,
    i18n_predict,
    i18n_report,
    i18n_results,
    i18n_segments,
    i18n_server,
)

_merge(i18n_segments.TEXT, i18n_clusters.TEXT, i18n_lifecycle.TEXT, i18n_customer360.TEXT, i18n_campaign.TEXT,
       i18n_crosssell.TEXT, i18n_basket_charts.TEXT, i18n_predict.TEXT, i18n_clv.TEXT,
       i18n_abtest.TEXT, i18n_results.TEXT, i18n_attribution.TEXT, i18n_forecast.TEXT, i18n_report.TEXT,
       i18n_server.TEXT)

def lang() -> str:
    """The session's language code ("en" or "zh")."""
    value = st.session_state.get(LANG_KEY)
    return value if value in LANGS else "en"


def t(key: str, **params: object) -> str:
    """Text ``key`` in the session's language, formatted with ``params``."""
    en, zh = TEXT[key]
    template = zh if lang() == "zh" else en
    return template.format(**params) if params else template


def labels(options, text) -> Callable[[object], str]:
    """A format_func with every option's label computed now (AppTest calls format_func outside the run)."""
    table = {option: text(option) for option in options}
    return lambda option: table.get(option, str(option))


def browser_default_lang() -> str:
    """'zh' when the browser's locale is Chinese, else 'en'."""
    try:
        locale = st.context.locale or ""
    except Exception:  # noqa: BLE001 - st.context is unavailable outside a browser session (AppTest, bare mode)
        locale = ""
    return "zh" if locale.lower().startswith("zh") else "en"
