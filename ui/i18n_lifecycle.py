"""Labels of the lifecycle page, in English and Chinese (merged into :data:`ui.i18n.TEXT`; keys must be new)."""

TEXT: dict[str, tuple[str, str]] = {
    "lc_intro": (
        "Where each customer stands today, how customers moved between two dates, and how each month's new "
        "customers kept buying.",
        "查看每位客户当前所处的生命周期阶段、两个日期之间客户的变化，以及每个月新客户的后续购买情况。",
    ),
    "lc_view": ("View", "查看"),
    "lc_view_stages": ("Stages", "生命周期阶段"),
    "lc_view_migration": ("Migration between two dates", "两个日期间的迁移"),
    "lc_view_cohorts": ("Cohorts", "同期群"),
    "lc_all_orders_note": (
        "Migration and cohorts count all orders of the file; the window and filters of the RFM page ({scope}) "
        "apply to the stages only.",
        "迁移和同期群按文件中的全部订单计算；“RFM 分群”页的时间窗口和筛选（{scope}）只作用于生命周期阶段。",
    ),
    # --- stages ---
    "lc_windows": ("Stage windows", "阶段窗口"),
    "lc_windows_caption": (
        "Days are counted back from the analysis date ({date}). Changes apply to every page and are saved "
        "with the analysis.",
        "天数从分析日期（{date}）往回计算。修改后对所有页面生效，并随分析一起保存。",
    ),
    "lc_new_days": ("New: first purchase within (days)", "新客：首次购买在多少天内"),
    "lc_new_days_help": (
        "A customer whose first purchase is at most this many days ago is New. Must not be longer than the "
        "active window.",
        "首次购买距今不超过这个天数的客户为新客。不能长于活跃窗口。",
    ),
    "lc_active_days": ("Active: last purchase within (days)", "活跃：最近一次购买在多少天内"),
    "lc_active_days_help": (
        "A customer who bought at most this many days ago is Active (or Reactivated, if they came back after "
        "a churn-long gap).",
        "最近一次购买距今不超过这个天数的客户为活跃客户（如果是在超过流失天数的间隔后重新购买，则为回流客户）。",
    ),
    "lc_churn_days": ("Churned: no purchase for more than (days)", "流失：超过多少天没有购买"),
    "lc_churn_days_help": (
        "A customer whose last purchase is more than this many days ago is Churned; between the active and "
        "the churn window a customer is Silent. Must be longer than the active window.",
        "最近一次购买距今超过这个天数的客户为流失客户；介于活跃窗口和流失窗口之间的客户为沉默客户。"
        "必须长于活跃窗口。",
    ),
    "lc_default_windows": ("Default windows (90, 90, 180 days)", "恢复默认窗口（90、90、180 天）"),
    "lc_stage_summary": ("Customers per stage", "各阶段客户汇总"),
    "lc_stage_meaning": ("What each stage means and what to do", "各阶段的含义与建议动作"),
    "lc_stage_profiles": ("What each stage's customers buy, where, and from which cities",
                          "各阶段客户购买什么、在哪里购买、来自哪些城市"),
    "lc_stage_chart": ("Share of customers and revenue by stage", "各阶段的客户占比与销售额占比"),
    "lc_stage": ("Stage", "阶段"),
    "lc_list_title": ("Download a list", "下载客户名单"),
    "lc_list_stages": ("Stages to list", "要导出的阶段"),
    "lc_list_placeholder": ("Choose stages", "选择阶段"),
    "lc_customer_share": ("Share of customers", "客户占比"),
    "lc_revenue_share": ("Share of revenue", "销售额占比"),
    "lc_list_choose": ("Choose one or more stages to make their list.", "请选择一个或多个阶段以生成名单。"),
    # --- migration ---
    "lc_from_date": ("Earlier date", "较早的日期"),
    "lc_from_date_help": (
        "Each customer's group as of this day (purchases before it). Default: 90 days before the analysis date.",
        "每位客户在这一天的分组（按这一天之前的购买计算）。默认：分析日期前 90 天。",
    ),
    "lc_to_date": ("Later date", "较晚的日期"),
    "lc_to_date_help": ("Each customer's group as of this day. Default: the analysis date.",
                        "每位客户在这一天的分组。默认：分析日期。"),
    "lc_by": ("Group by", "分组方式"),
    "lc_by_stage": ("Lifecycle stage", "生命周期阶段"),
    "lc_by_rfm": ("RFM segment", "RFM 分群"),
    "lc_by_rfm_help": ("RFM segments use the settings of the RFM page, scored at each date.",
                       "RFM 分群使用“RFM 分群”页的设置，在两个日期分别评分。"),
    "lc_migrating": ("Comparing the two dates…", "正在比较两个日期…"),
    "lc_migration_sentence": (
        "{total:,} customers on {to}: {stayed:,} stayed in their group, {moved:,} moved to another, "
        "{arrived:,} first bought after {frm}.",
        "截至 {to} 共 {total:,} 位客户：{stayed:,} 位留在原分组，{moved:,} 位换到其他分组，"
        "{arrived:,} 位在 {frm} 之后才首次购买。",
    ),
    "lc_heatmap_title": ("From the group on {frm} (rows) to the group on {to} (columns)",
                         "从 {frm} 的分组（行）到 {to} 的分组（列）"),
    "lc_show": ("Show", "显示"),
    "lc_value_customers": ("Customers", "客户数"),
    "lc_value_revenue": ("Spend between the dates", "两个日期之间的消费额"),
    "lc_value_from_share": ("Share of the earlier group", "占之前分组的比例"),
    "lc_group_before": ("Group on {date}", "{date} 的分组"),
    "lc_group_now": ("Group on {date}", "{date} 的分组"),
    "lc_biggest_moves": ("Biggest moves", "变化最大的迁移"),
    "lc_biggest_moves_caption": (
        "Customers who changed group, biggest moves first (those who stayed, and first buyers, are left out).",
        "换了分组的客户，按人数从多到少（留在原分组的客户和新的首购客户不列入）。",
    ),
    "lc_no_moves": ("Nobody changed group between the two dates.", "两个日期之间没有客户换分组。"),
    "lc_cell": ("Pick a move (from → to) to see its customers", "选择一种迁移（从 → 到），查看这些客户"),
    "lc_cell_help": (
        "Pick one cell of the matrix, e.g. Champions → At risk: type a group's name to find it. Cells are "
        "sorted by size.",
        "选择矩阵中的一个格子，例如“冠军客户 → 有流失风险客户”：输入分组名称即可查找。按人数从多到少排列。",
    ),
    "lc_cell_option": ("{frm} → {to} · {n:,} customers", "{frm} → {to} · {n:,} 位客户"),
    "lc_cell_title": ("{frm} → {to}: {n:,} customers, {spend} spent between the dates",
                      "{frm} → {to}：{n:,} 位客户，两个日期之间消费 {spend}"),
    "lc_show_full_ids": ("Show full customer ids", "显示完整客户编号"),
    # --- cohorts ---
    "lc_cohort_title": ("Monthly acquisition cohorts", "按首购月份划分的同期群"),
    "lc_cohort_caption": (
        "Each row is the customers whose first purchase was in that month; each column the months after it "
        "(0 = the first month). Retention: the share of the cohort buying in that month.",
        "每一行是在该月首次购买的客户；每一列是首购后的第几个月（0 = 首购当月）。留存率：该群组中当月有购买的客户占比。",
    ),
    "lc_cohort_retention": ("Retention", "留存率"),
    "lc_cohort_revenue": ("Revenue", "销售额"),
    "lc_cohort_active": ("Customers buying", "购买客户数"),
    "lc_partial_month": (
        "{month} is not over on the analysis date ({date}): its figures are partial (marked *).",
        "{month} 在分析日期（{date}）尚未结束：该月数据不完整（标记为 *）。",
    ),
    "lc_no_cohorts": ("No purchase is dated before the analysis date: there are no cohorts.",
                      "分析日期之前没有任何购买记录，因此没有同期群。"),
    "lc_new_returning_title": ("New and returning customers per month", "每月的新客户与回头客户"),
    "lc_new_returning_caption": (
        "New: the month of their first purchase; returning: they first bought in an earlier month. Revenue is "
        "net of returns.",
        "新客户：该月是其首次购买的月份；回头客户：在更早的月份已首次购买。销售额为扣除退货后的净额。",
    ),
    "lc_new": ("New", "新客户"),
    "lc_returning": ("Returning", "回头客户"),
    "lc_customers_axis": ("Customers", "客户数"),
    "lc_revenue_axis": ("Revenue ({currency})", "销售额（{currency}）"),
    "lc_month_axis": ("Month", "月份"),
    "lc_months_since_axis": ("Months after the first purchase", "首购后第几个月"),
    "lc_cohort_axis": ("Cohort (first purchase month)", "首购月份群组"),
    "lc_type": ("Customer type", "客户类型"),
    "lc_share_of_customers": ("{share:.0%} of customers", "占客户 {share:.0%}"),
    "lc_cohort_data": ("Cohort figures", "同期群数据"),
}
