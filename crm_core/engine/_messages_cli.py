"""Messages of the engine path's cli part (merged by crm_core.engine._messages). Plain data, no import.

Codes ``engc_*``: what ``python -m crm_core rfm|segment|rules|clv ... --engine duckdb|spark`` prints and the
errors of its options.  Each names the option or file and says what to do.
"""

CLI_MESSAGES: dict[str, dict[str, str]] = {
    # --- errors of the options ---
    "engc_bad_out": {
        "en": "--out {path}: with --engine (or Parquet inputs) the result is written as .parquet, .csv or .xlsx. "
              "Give a file name ending in one of them, e.g. customers.parquet.",
        "zh": "--out {path}：使用 --engine（或输入为列式存储文件）时，结果只能写成\u201c.parquet\u201d、.csv "
              "或 .xlsx 文件。请给出以其中之一结尾的文件名。",
    },
    "engc_option_not_at_scale": {
        "en": "{option} cannot be used with --engine {engine}: {why} Leave {option} out, or run this analysis on "
              "the pandas path (a CSV or Excel file of at most {limit}, without --engine).",
        "zh": "{option} 不能与 --engine {engine} 一起使用：{why}请去掉 {option}，或改用 pandas 路径运行本分析"
              "（不超过 {limit} 的 CSV 或 Excel 文件，不加 --engine）。",
    },
    "engc_share_feature": {
        "en": "The cluster feature {feature} is a share of each customer's purchases, which needs the order lines "
              "in memory: it is not available with --engine {engine}. Choose features of the customer table in the "
              "settings file (spend, orders, recency, average order value, tenure, channel).",
        "zh": "聚类特征 {feature} 是每位客户购买中的占比，需要把全部订单明细放进内存：使用 --engine {engine} 时不可用。"
              "请在分析设置文件中改选客户表上的特征（消费金额、订单数、最近购买、平均订单金额、客户时长、渠道）。",
    },
    "engc_no_purchases": {
        "en": "No customer has a purchase before the analysis date {as_of} in {files} (after the window and "
              "filters). Choose a later --as-of, a longer window (--months / --from) or other --channel / "
              "--category values.",
        "zh": "{files} 中在分析日期 {as_of} 之前（按分析期间和筛选条件）没有任何客户有购买记录。"
              "请用 --as-of 选择更晚的日期，用 --months / --from 放宽期间，或更换 --channel / --category 的取值。",
    },
    # --- notes ---
    "engc_option_ignored": {
        "en": "{option} applies only with --engine {needs}: it is ignored with --engine {engine}.",
        "zh": "{option} 只在 --engine {needs} 时有效：本次使用 --engine {engine}，已忽略该选项。",
    },
    "engc_tag_needs_lines": {
        "en": "The tag \u201c{tag}\u201d has a purchase condition (bought a product or category), which needs every "
              "order line in memory: it is left out of this run (--engine {engine}); the other tags are applied. "
              "Tag those customers on the pandas path, or write the rule on the customer table (orders, spend, "
              "channel, favourite category).",
        "zh": "标签\u201c{tag}\u201d含有购买条件（买过某商品或品类），需要把全部订单明细放进内存：本次运行"
              "（--engine {engine}）未计算该标签，其余标签照常计算。请在 pandas 路径上计算该标签，"
              "或把规则改写为客户表上的条件（订单数、消费金额、渠道、最常购买的品类）。",
    },
    "engc_clusters_sampled": {
        "en": "Clusters fitted on a seeded sample of {sample:,} of the {customers:,} customers (k-means on every "
              "customer would take minutes); every customer is then assigned to the nearest cluster centre, and "
              "the cluster sizes and revenue shares count all customers.",
        "zh": "客户群在 {customers:,} 位客户中按固定随机种子抽取的 {sample:,} 位客户上拟合（对全部客户直接聚类"
              "需要数分钟）；随后每位客户归入最近的客户群中心，客户群人数和收入占比按全部客户计算。",
    },
    "engc_offers_left_out": {
        "en": "Next-best offers and bundles to complete are written up to {most:,} customers ({customers:,} here): "
              "they need every customer's items in memory (one entry per customer and product). The rules are "
              "written; for the offer lists run rules on a shorter window (--months) or on part of the customers "
              "(--channel / --category), or on the pandas path (a file of at most {limit}).",
        "zh": "下一最佳推荐和待补全组合清单最多为 {most:,} 位客户生成（本次 {customers:,} 位）：它们需要把每位客户"
              "买过的全部商品放进内存（每位客户每件商品一条）。规则已写出；如需推荐清单，请用 --months 缩短期间、"
              "用 --channel / --category 只取部分客户，或在 pandas 路径上运行本命令（不超过 {limit} 的文件）。",
    },
    "engc_reason_left_out": {
        "en": "The reason column (why each customer is in the segment) is left out above {limit:,} customers "
              "({customers:,} here): it is written one customer at a time. The scores it repeats are in the "
              "r_score, f_score and m_score columns.",
        "zh": "客户数超过 {limit:,}（本次 {customers:,}）时不写\u201c原因\u201d列（逐位客户生成，太慢）；"
              "它所说明的 R、F、M 分数已在各自的分数列中。",
    },
    # --- progress and results ---
    "engc_engine": {
        "en": "Engine: {engine} ({files:,} file(s), {size})",
        "zh": "引擎：{engine}（{files:,} 个文件，共 {size}）",
    },
    "engc_stage_done": {"en": "  {stage}: {seconds:.1f} s", "zh": "  {stage}：{seconds:.1f} 秒"},
    "engc_stage_percent": {"en": "  {stage}: {percent}% ({seconds:.0f} s)",
                           "zh": "  {stage}：{percent}%（{seconds:.0f} 秒）"},
    "engc_stage_read": {"en": "Reading", "zh": "读取"},
    "engc_stage_clean": {"en": "Cleaning", "zh": "清洗"},
    "engc_stage_customers": {"en": "Customer table", "zh": "客户表"},
    "engc_stage_baskets": {"en": "Baskets", "zh": "购物篮"},
    "engc_stage_clv": {"en": "Purchase summary", "zh": "购买汇总"},
    "engc_stage_score": {"en": "Scoring", "zh": "评分"},
    "engc_stage_segment": {"en": "Segmentation", "zh": "分群"},
    "engc_stage_mine": {"en": "Mining", "zh": "挖掘"},
    "engc_stage_fit": {"en": "Model fit", "zh": "模型拟合"},
    "engc_stage_write": {"en": "Writing", "zh": "写出"},
    "engc_stage_other": {"en": "Stage {stage}", "zh": "阶段 {stage}"},
    "engc_returns": {"en": "  ({returns:,} of the used rows are returns, netted)",
                     "zh": "  （使用的行中有 {returns:,} 行退货，已冲抵）"},
    "engc_wrote_rows": {"en": "Wrote {path} ({rows:,} rows)", "zh": "已写入 {path}（{rows:,} 行）"},
}
