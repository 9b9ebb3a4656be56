"""Messages of the engine path's io part (merged by crm_core.engine._messages). Plain data, no import.

Reading inputs (:mod:`crm_core.engine.source`), starting DuckDB / Spark (:mod:`crm_core.engine.backends`) and
writing results (:mod:`crm_core.engine.write`); every entry in English and Chinese.
"""

IO_MESSAGES: dict[str, dict[str, str]] = {
    # --- backends -------------------------------------------------------------------------------------
    "eng_no_spark": {
        "en": "The Spark engine needs PySpark, which is not installed here ({detail}). Install it with "
              "`pip install -r requirements-spark.txt` (it also needs Java 17 or newer), or run with "
              "--engine duckdb.",
        "zh": "Spark 引擎需要 PySpark，本机尚未安装（{detail}）。"
              "请运行\u201cpip install -r requirements-spark.txt\u201d安装"
              "（还需要 Java 17 或更高版本），或改用 --engine duckdb。",
    },
    "eng_no_java": {
        "en": "The Spark engine needs a Java runtime (17 or newer), and none was found (no `java` on PATH and "
              "JAVA_HOME {java_home}). Install one (Debian/Ubuntu: `apt install openjdk-17-jre-headless`) or set "
              "JAVA_HOME, or run with --engine duckdb.",
        "zh": "Spark 引擎需要 Java 运行环境（17 或更高版本），但没有找到（\u201cPATH\u201d中没有\u201cjava\u201d，"
              "\u201cJAVA_HOME\u201d：{java_home}）。请安装（例如\u201capt install openjdk-17-jre-headless\u201d）"
              "或设置\u201cJAVA_HOME\u201d，或改用 --engine duckdb。",
    },
    "eng_spark_failed": {
        "en": "Spark did not start with master {master}: {detail}. Check the master URL (local[2], "
              "spark://host:7077, yarn) and that the cluster is reachable, or run with --engine duckdb.",
        "zh": "Spark 无法以主节点地址 {master} 启动：{detail}。请检查地址（\u201clocal[2]\u201d、"
              "\u201cspark://host:7077\u201d、\u201cyarn\u201d）以及集群能否连接，或改用 --engine duckdb。",
    },
    "eng_bad_memory_limit": {
        "en": "DuckDB does not accept the memory limit \u201c{value}\u201d: give a size such as 2GB or 500MB "
              "(--memory-limit).",
        "zh": "DuckDB 不接受内存上限\u201c{value}\u201d：请给出大小，例如\u201c2GB\u201d或\u201c500MB\u201d"
              "（--memory-limit）。",
    },
    "eng_bad_temp_dir": {
        "en": "The spill folder {path} cannot be used ({detail}). Give a writable folder with --temp-dir.",
        "zh": "临时溢出目录 {path} 无法使用（{detail}）。请用 --temp-dir 指定一个可写的目录。",
    },
    # --- inputs ---------------------------------------------------------------------------------------
    "eng_no_input": {
        "en": "{path} {problem}. Give Parquet files (.parquet, .pq), folders holding them, or CSV files.",
        "zh": "{path}{problem}。请给出 Parquet 文件（\u201c.parquet\u201d、\u201c.pq\u201d）、包含它们的文件夹，"
              "或 CSV 文件。",
    },
    "eng_mixed_inputs": {
        "en": "The inputs mix Parquet ({parquet}) and CSV ({csv}) files. Give one kind at a time: convert the CSV "
              "files to Parquet, or read them in a separate run.",
        "zh": "输入同时包含 Parquet（{parquet}）和 CSV（{csv}）文件。请一次只给一种：把 CSV 转成 Parquet，"
              "或分开运行。",
    },
    "eng_unsupported_input": {
        "en": "{path} is {kind}, which the DuckDB / Spark engines do not read. Excel workbooks stay on the pandas "
              "path: drop --engine (or use --engine pandas), or save the sheet as CSV or Parquet.",
        "zh": "{path} 是{kind}，DuckDB / Spark 引擎不读取这种文件。Excel 工作簿请走 pandas 路径：去掉 --engine"
              "（或用 --engine pandas），或把工作表另存为 CSV 或 Parquet。",
    },
    "eng_unknown_input": {
        "en": "{path} has the suffix \u201c{suffix}\u201d, which the DuckDB / Spark engines do not read. Give Parquet "
              "(.parquet, .pq) or CSV (.csv, .txt, .tsv) files, or folders of Parquet files.",
        "zh": "{path} 的扩展名是\u201c{suffix}\u201d，DuckDB / Spark 引擎不读取这种文件。请给出 Parquet"
              "（\u201c.parquet\u201d、\u201c.pq\u201d）或 CSV（.csv、.txt、\u201c.tsv\u201d）文件，"
              "或包含 Parquet 文件的文件夹。",
    },
    "eng_not_utf8": {
        "en": "{path} is not UTF-8 text (DuckDB and Spark read CSV in UTF-8 only; Chinese exports are often "
              "GBK/GB18030). Save it as \u201cCSV UTF-8\u201d or as Parquet, or read it on the pandas path "
              "(--engine pandas), which detects the encoding.",
        "zh": "{path} 不是 UTF-8 文本（DuckDB 和 Spark 只读 UTF-8 编码的 CSV；中文导出文件常为"
              "\u201cGBK/GB18030\u201d）。请另存为\u201cCSV UTF-8\u201d或 Parquet，或用 pandas 路径读取"
              "（--engine pandas），它会自动识别编码。",
    },
    "eng_unreadable_input": {
        "en": "{path} could not be read as {kind}: {detail}. Check that the file is complete and really {kind}.",
        "zh": "无法把 {path} 读作 {kind}：{detail}。请检查文件是否完整、是否确实是 {kind} 文件。",
    },
    # --- types ----------------------------------------------------------------------------------------
    "eng_missing_field": {
        "en": "No column is mapped to {fields}: the engine needs a customer id, an order date and an amount (or "
              "quantity and unit price). The file has the columns {columns}. Name them in a mapping file: "
              "--mapping mapping.json (e.g. {{\"customer_id\": \"Customer ID\"}}).",
        "zh": "没有列对应到{fields}：引擎需要客户编号、下单日期和金额（或数量与单价）。文件中的列有：{columns}。"
              "请在映射文件中指定：\u201c--mapping mapping.json\u201d（例如 {{\"customer_id\": \"客户编号\"}}）。",
    },
    "eng_no_column": {
        "en": "The mapping sends {field} to the column \u201c{column}\u201d, which the file does not have. Its "
              "columns are {columns}. Correct the mapping file (--mapping).",
        "zh": "映射把{field}对应到列\u201c{column}\u201d，但文件中没有这一列。文件中的列有：{columns}。"
              "请修改映射文件（--mapping）。",
    },
    "eng_bad_type": {
        "en": "Column \u201c{column}\u201d ({field}) is stored as {found}, but {field} needs {needed}. {todo}",
        "zh": "列\u201c{column}\u201d（{field}）的存储类型是 {found}，但{field}需要 {needed}。{todo}",
    },
    "eng_messy_text": {
        "en": "Column \u201c{column}\u201d ({field}) holds text such as \u201c{example}\u201d that does not convert "
              "as {needed} ({bad:,} of the {checked:,} values checked do not). Messy-text parsing (currency signs, "
              "thousands separators, local date orders) stays on the pandas path: convert the column in the file "
              "({todo}), or run with --engine pandas if the file is under the pandas limit.",
        "zh": "列\u201c{column}\u201d（{field}）中有\u201c{example}\u201d这样无法转换为{needed}的文本"
              "（抽查 {checked:,} 个值，{bad:,} 个不行）。含货币符号、千位分隔符、本地日期顺序等的文本"
              "只在 pandas 路径中解析：请先在文件中转换这一列（{todo}），"
              "或在文件不超过 pandas 上限时用 --engine pandas 运行。",
    },
    "eng_text_dates": {
        "en": "Column \u201c{column}\u201d ({field}) is text: it is read as ISO dates ({good:,} of the {checked:,} "
              "values checked convert; rows whose date does not are left out as unreadable dates).",
        "zh": "列\u201c{column}\u201d（{field}）是文本，按标准日期格式（\u201cYYYY-MM-DD\u201d）读取"
              "（抽查 {checked:,} 个值，{good:,} 个可以转换；日期无法转换的行按“日期无法识别”排除）。",
    },
    "eng_text_numbers": {
        "en": "Column \u201c{column}\u201d ({field}) is text: it is read as numbers ({good:,} of the {checked:,} "
              "values checked convert; rows whose value does not are left out as unreadable amounts).",
        "zh": "列\u201c{column}\u201d（{field}）是文本，按数字读取（抽查 {checked:,} 个值，{good:,} 个可以转换；"
              "无法转换的行按“金额无法识别”排除）。",
    },
    "eng_tz_to_utc": {
        "en": "Column \u201c{column}\u201d ({field}) holds times with a time zone ({zone}): they are converted to UTC, "
              "and each order's day is its calendar day in UTC.",
        "zh": "列\u201c{column}\u201d（{field}）的时间带有时区（{zone}）：已换算成\u201cUTC\u201d，"
              "每笔订单的日期按\u201cUTC\u201d的日历日计。",
    },
    # --- writing --------------------------------------------------------------------------------------
    "eng_too_many_rows_for_excel": {
        "en": "The result has {rows:,} rows, more than an Excel sheet holds (1,048,576 rows with the header). "
              "Choose --out with .csv or .parquet.",
        "zh": "结果共 {rows:,} 行，超过 Excel 工作表的上限（含表头 1,048,576 行）。"
              "请把 --out 改为 .csv 或\u201c.parquet\u201d文件。",
    },
    "eng_bad_out": {
        "en": "The output {path} has the suffix \u201c{suffix}\u201d: choose .parquet, .csv or .xlsx.",
        "zh": "输出文件 {path} 的扩展名是\u201c{suffix}\u201d：请使用\u201c.parquet\u201d、.csv 或 .xlsx。",
    },
}
