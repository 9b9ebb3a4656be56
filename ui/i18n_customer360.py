"""Labels of the customer360 page, in English and Chinese (merged into :data:`ui.i18n.TEXT`; keys must be new)."""

TEXT: dict[str, tuple[str, str]] = {
    "c360_intro": (
        "Look one customer up: what they bought and when, and why they are in each group.",
        "查找单个客户：买了什么、什么时候买的，以及为什么属于各个分组。",
    ),
    "c360_computing": ("Gathering every grouping of the customers…", "正在汇总客户的各项分组…"),
    "c360_search": ("Customer ID, name or phone", "客户编号、姓名或手机号"),
    "c360_search_placeholder": ("e.g. C00001, 李, 138 0013 8000 or the last 4 digits",
                                "例如 C00001、李、138 0013 8000 或手机号后 4 位"),
    "c360_search_help": (
        "An ID matches exactly or by its start, a name by any part of it, a phone by its digits however it is "
        "written (spaces, dashes, +86), or by its last 4 digits or more. E-mail addresses work too.",
        "客户编号可完整输入或只输入开头；姓名可输入其中任意部分；手机号只比对数字，空格、横线、+86 均可，"
        "也可只输入后 4 位或更多位。也可以输入邮箱。",
    ),
    "c360_start": ("Type a customer ID, a name or a phone number to open a profile.",
                   "输入客户编号、姓名或手机号，即可打开客户画像。"),
    "c360_no_match": (
        "No customer matches “{query}”. Check the spelling, try part of the name or the last 4 digits of the "
        "phone. Customers without a purchase before {date} (or outside the window and filters of the RFM segments page) "
        "are not in the analysis.",
        "没有与“{query}”匹配的客户。请检查输入，或改用姓名的一部分、手机号后 4 位。{date} 之前没有购买的客户"
        "（或不在“RFM 分群”页的分析时间段和筛选范围内的客户）不在分析范围内。",
    ),
    "c360_matches": ("{n:,} customers match.", "共有 {n:,} 位客户匹配。"),
    "c360_matches_more": ("The first {n:,} matches are shown; type more to narrow the search.",
                          "仅显示前 {n:,} 位匹配的客户；请输入更多内容以缩小范围。"),
    "c360_pick": ("Customer", "客户"),
    "c360_masked": (
        "Name, phone and e-mail are masked, as in exported lists. To see them, turn off “Mask personal data” on "
        "the Export lists page. Searching by phone works either way.",
        "姓名、手机号和邮箱已按导出名单的规则隐藏。如需查看，请在“导出名单”页关闭“隐藏个人信息”。"
        "无论是否隐藏，都可以按手机号查找。",
    ),
    "c360_unmasked": (
        "Name, phone and e-mail are shown in full, because “Mask personal data” is off on the Export lists page.",
        "由于“导出名单”页已关闭“隐藏个人信息”，姓名、手机号和邮箱完整显示。",
    ),
    "c360_days_ago": ("{n:,} days ago", "{n:,} 天前"),
    "c360_tenure": ("customer for {n:,} days", "已成为客户 {n:,} 天"),
    "c360_overdue": ("overdue by {n:,} days", "已超出 {n:,} 天"),
    "c360_one_order": ("one order only: no rhythm yet", "仅一单，尚无购买节奏"),
    "c360_attributes": ("Attributes", "客户属性"),
    "c360_attribute": ("Attribute", "属性"),
    "c360_value": ("Value", "取值"),
    "c360_preferred_channel": ("Preferred channel", "渠道偏好"),
    "c360_groups": ("Groups and why", "所属分组及原因"),
    "c360_rfm": ("RFM segment", "RFM 分群"),
    "c360_cluster": ("Cluster", "客户群"),
    "c360_stage": ("Lifecycle stage", "生命周期阶段"),
    "c360_tags": ("Tags", "标签"),
    "c360_why": ("Why", "原因"),
    "c360_means": ("What it means", "含义"),
    "c360_action": ("Suggested action", "建议行动"),
    "c360_clusters_off": ("Clusters are switched off on the Clusters page.", "“客户聚类”页已关闭聚类。"),
    "c360_clusters_unavailable": ("Clusters are unavailable for these customers: {reason}",
                                  "这些客户无法聚类：{reason}"),
    "c360_no_rules": ("No tag rules yet. Tags appear here once rules are made and saved with the analysis.",
                      "尚未设置标签规则。建立标签规则并随分析保存后，标签会显示在这里。"),
    "c360_no_tags": ("None of the {n:,} tag rules applies to this customer.",
                     "{n:,} 条标签规则均不适用于该客户。"),
    "c360_timeline": ("Order timeline", "订单时间线"),
    "c360_axis_date": ("Order date", "下单日期"),
    "c360_axis_amount": ("Amount", "金额"),
    "c360_kind": ("Kind", "类型"),
    "c360_purchase": ("Purchase", "购买"),
    "c360_return": ("Return", "退货"),
    "c360_products": ("Products", "商品"),
    "c360_lines_count": ("Lines", "行数"),
    "c360_no_orders": ("No order lines before the analysis date.", "分析日期之前没有订单行。"),
    "c360_order_lines": ("Order lines ({n:,})", "订单明细（{n:,} 行）"),
    "c360_is_return": ("Return", "退货"),
    "c360_yes": ("yes", "是"),
    "c360_no": ("no", "否"),
    "c360_predictions": ("Predictions and recommendations", "预测与推荐"),
    "c360_churn_risk": ("Churn risk", "流失风险"),
    "c360_lifetime_value": ("Lifetime value", "客户终身价值"),
    "c360_recommended": ("Recommended products", "推荐商品"),
    "c360_not_yet": ("not computed yet — coming with the prediction / cross-sell features",
                     "尚未计算——将随预测 / 交叉销售功能推出"),
}
