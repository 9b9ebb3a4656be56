"""Labels of the Data page's server source (ui/server_view.py, ui/server_source.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``sv_``."""

TEXT: dict[str, tuple[str, str]] = {
    "sv_title": ("Order files on the server", "服务器上的订单文件"),
    "sv_source": ("Where the orders come from", "订单数据来源"),
    "sv_source_upload": ("Upload files", "上传文件"),
    "sv_source_server": ("Server data", "服务器数据"),
    "sv_source_help": ("Server data: Parquet files the administrator placed on the server, read there by DuckDB "
                       "(no browser upload, so no upload size limit).",
                       "服务器数据：管理员放在服务器上的 Parquet 文件，由 DuckDB 在服务器上读取"
                       "（不经浏览器上传，因此不受上传大小限制）。"),
    "sv_configured_env": ("Configured by the environment variable `CRM_SERVER_DATA`.",
                          "由环境变量 `CRM_SERVER_DATA` 配置。"),
    "sv_configured_secrets": ("Configured in `.streamlit/secrets.toml` (`[server_data] paths`).",
                              "在 `.streamlit/secrets.toml` 中配置（`[server_data] paths`）。"),
    "sv_kind_parquet": ("Parquet", "Parquet"),
    "sv_kind_csv": ("CSV", "CSV"),
    "sv_files": ("{n:,} files", "{n:,} 个文件"),
    "sv_one_file": ("1 file", "1 个文件"),
    "sv_lines": ("{rows:,} lines", "{rows:,} 行"),
    "sv_lines_unknown": ("lines counted when read", "读取时统计行数"),
    "sv_read": ("Read with DuckDB", "用 DuckDB 读取"),
    "sv_read_help": ("Reads the file on the server with DuckDB, applies the cleaning rules and makes the clean "
                     "lines the data of every page, like an upload.",
                     "在服务器上用 DuckDB 读取文件并按清洗规则处理，清洗后的订单行成为各页面的数据，与上传文件相同。"),
    "sv_in_use": ("in use", "使用中"),
    "sv_pick": ("Choose a file above: DuckDB reads it on the server and its clean lines become the data of every "
                "page (RFM, segments, lists, churn…), like an upload.",
                "请在上面选择一个文件：DuckDB 在服务器上读取它，清洗后的订单行成为各页面（RFM、分群、名单、流失预测……）"
                "的数据，与上传文件相同。"),
    "sv_reading": ("Reading {name} with DuckDB…", "正在用 DuckDB 读取 {name}…"),
    "sv_stage": ("{stage}…", "{stage}…"),
    "sv_stage_read": ("Reading the files", "读取文件"),
    "sv_stage_clean": ("Cleaning the lines", "清洗订单行"),
    "sv_stage_orders": ("Fetching the clean lines", "取回清洗后的订单行"),
    "sv_stage_customers": ("Building the customer table", "生成客户表"),
    "sv_stage_baskets": ("Building the baskets", "生成购物篮"),
    "sv_stage_write": ("Writing the result", "写出结果"),
    "sv_read_done": ("{name}: {used:,} of {read:,} lines used · DuckDB, {seconds:.1f} s",
                     "{name}：读取 {read:,} 行，使用 {used:,} 行 · DuckDB，{seconds:.1f} 秒"),
    "sv_read_failed": ("{name} could not be read", "无法读取 {name}"),
    "sv_engine": ("Read by **{engine}** in **{seconds:.1f} s** on the server (memory limit {memory}; beyond it "
                  "DuckDB spills to a temporary folder).",
                  "由 **{engine}** 在服务器上读取，用时 **{seconds:.1f} 秒**（内存上限 {memory}，超出部分由 DuckDB "
                  "临时写入磁盘）。"),
    "sv_mapping_help": ("Proposed by the engine from the column names, the same way as for an upload.",
                        "由引擎根据列名提出，方式与上传文件相同。"),
    "sv_mapping_change": ("Change the column mapping", "修改列映射"),
    "sv_mapping_change_help": ("Apply re-reads the file with DuckDB using your mapping.",
                               "点击“应用”后，DuckDB 会按您的映射重新读取文件。"),
    "sv_columns": ("Columns of the file: {columns}", "文件中的列：{columns}"),
    "sv_cleaning_help": ("On server data the engine's rules apply: returns netted or ignored, cancelled statuses "
                         "and the codes below left out. The date order, phone region and duplicate merging are "
                         "upload options (the engine reads typed dates).",
                         "服务器数据使用引擎的清洗规则：退货扣除或忽略，已取消状态和下列编码不计入。日期顺序、"
                         "电话地区和重复客户合并只用于上传文件（引擎读取已有类型的日期）。"),
    "sv_fix_hint": ("In the app: change the column mapping below, or have the file on the server fixed. A file "
                    "small enough for a browser upload can also be uploaded: the upload path reads messy text.",
                    "在应用中：可在下面修改列映射，或请管理员修正服务器上的文件。文件不大、可以通过浏览器上传时，"
                    "也可以直接上传：上传路径能解析不规范的文本。"),
    "sv_flags_note": ("(The options starting with -- in the message are the command line's.)",
                      "（消息中以 -- 开头的参数是命令行用的。）"),
    "sv_too_many": ("{name} has {rows:,} lines. The app's pages hold every clean line in memory and get slow above "
                    "{limit:,} lines; for the whole file use the command line, which keeps the work in DuckDB:",
                    "{name} 共 {rows:,} 行。应用的各页面会把清洗后的每一行放在内存中，超过 {limit:,} 行会变慢；"
                    "整个文件请用命令行处理，全部计算都在 DuckDB 中完成："),
    "sv_too_many_used": ("{used:,} lines are in use. The app's pages get slow above {limit:,} lines; for the whole "
                         "file use the command line, which keeps the work in DuckDB:",
                         "当前使用 {used:,} 行。超过 {limit:,} 行时应用的各页面会变慢；整个文件请用命令行处理，"
                         "全部计算都在 DuckDB 中完成："),
    "sv_in_use_upload": ("The server file **{name}** is in use. Upload files above to replace it, or choose "
                         "“Server data” to see it.",
                         "当前使用服务器文件 **{name}**。在上方上传文件即可替换它，或选择“服务器数据”查看。"),
    "sv_chip": ("🗄️ **{name}** · {size} · server data, read by DuckDB",
                "🗄️ **{name}** · {size} · 服务器数据，由 DuckDB 读取"),
    "sv_excluded_examples": ("Excluded lines are counted here; they stay in the file on the server (no download "
                             "of millions of rows).",
                             "此处统计被排除的行数；这些行仍保留在服务器上的文件中（不提供数百万行的下载）。"),
}
