"""Messages of the segmentations beyond RFM: campaigns, lifecycle and migration, tags, clusters.

Plain data (no import from crm_core), merged into :data:`crm_core.messages.MESSAGES`; the same rules hold:
every entry in English and Chinese, each in its own language.
"""

SEGMENT_MESSAGES: dict[str, dict[str, str]] = {
    # --- campaign builder (crm_core.segment.campaign) ---
    "campaign_unknown_column": {
        "en": "The selection uses the column {column}, which the customer table does not have. Its columns are: "
              "{columns}. Build that grouping first (clusters, lifecycle stages, tags) or remove the condition.",
        "zh": "筛选条件用到了 {column} 列，但客户表中没有这一列。现有列：{columns}。请先生成该分组（客户群、生命周期阶段、标签），"
              "或删除这个条件。",
    },
    "campaign_member_no_keys": {
        "en": "The condition on {column} names no value. Choose at least one value, or remove the condition.",
        "zh": "{column} 上的条件没有选择任何取值。请至少选择一个取值，或删除这个条件。",
    },
    "campaign_empty_selection": {
        "en": "The selection has no condition. Add at least one, e.g. a segment or a lifecycle stage.",
        "zh": "筛选中没有任何条件。请至少添加一个，例如一个分群或一个生命周期阶段。",
    },
    "campaign_bad_combine": {
        "en": "Conditions combine with \"and\" or \"or\", not \"{combine}\".",
        "zh": "条件只能用“且”或“或”组合，不能用“{combine}”。",
    },
    "campaign_control_percent": {
        "en": "The control group must be 0 to {most} percent of the selected customers, not {percent}. Choose a "
              "number in that range (10 is common; 0 holds nobody out).",
        "zh": "对照组应占所选客户的 0 到 {most}%，而不是 {percent}。请在此范围内选择（常用 10；0 表示不留对照组）。",
    },
    "campaign_duplicate_ids": {
        "en": "Customer {customer_id} appears more than once, so it could be both contacted and held out. Use the "
              "customer table, which has one row per customer.",
        "zh": "客户 {customer_id} 出现了不止一次，可能同时被触达又被留作对照。请使用每位客户一行的客户表。",
    },
    "campaign_missing_column": {
        "en": "The customer table has no {column} column, which the campaign builder needs. Rebuild it from the "
              "orders.",
        "zh": "客户表缺少活动名单生成所需的 {column} 列。请根据订单重新生成客户表。",
    },
    "campaign_no_customers": {
        "en": "No customer meets the selection ({selection}). Widen it: choose more groups, or combine the "
              "conditions with OR.",
        "zh": "没有客户符合筛选条件（{selection}）。请放宽条件：选择更多分组，或用“或”组合条件。",
    },
    "campaign_name_missing": {
        "en": "The campaign needs a name in English and in Chinese; it names the lists and the Summary.",
        "zh": "活动需要英文和中文名称，名单和概览都会用到。",
    },
    "campaign_member": {"en": "{column} is {values}", "zh": "{column}为{values}"},
    "campaign_and": {"en": "AND", "zh": "且"},
    "campaign_or": {"en": "OR", "zh": "或"},
    "campaign_yes": {"en": "yes", "zh": "是"},
    "campaign_no": {"en": "no", "zh": "否"},
    "campaign_target_name": {"en": "Target - {name}", "zh": "目标组 - {name}"},
    "campaign_control_name": {"en": "Control - {name}", "zh": "对照组 - {name}"},
    "campaign_target_description": {"en": "Customers whose {selection}.", "zh": "筛选条件：{selection}。"},
    "campaign_control_description": {
        "en": "Control group: {percent:g}% of the customers whose {selection}, held out at random (seeded). Do "
              "not contact them; compare their purchases with the target group's after the campaign.",
        "zh": "对照组：从符合条件（{selection}）的客户中随机留出 {percent:g}%（固定随机种子）。请不要触达他们；"
              "活动结束后将他们的购买与目标组比较。",
    },
    "campaign_control_action": {
        "en": "Do not contact: this group measures what the campaign adds.",
        "zh": "不要触达：该组用于衡量活动带来的效果。",
    },
    "campaign_control_channel": {"en": "None (held out)", "zh": "不触达（对照组）"},
    # --- lifecycle stages, migration and cohorts (crm_core.segment.lifecycle, crm_core.segment.cohorts) ---
    "lifecycle_window_days": {
        "en": "The lifecycle window \"{window}\" must be a whole number of days, at least 1 (got {value}).",
        "zh": "生命周期窗口“{window}”必须是不小于 1 的整数天数（当前为 {value}）。",
    },
    "lifecycle_windows_order": {
        "en": "The lifecycle windows are out of order: new {new_days} days, active {active_days} days, churned after "
              "{churn_days} days. New must be at most active, and active shorter than churned (e.g. 90, 90, 180).",
        "zh": "生命周期窗口顺序不对：新客 {new_days} 天，活跃 {active_days} 天，流失 {churn_days} 天以上。"
              "新客窗口不能长于活跃窗口，活跃窗口必须短于流失窗口（例如 90、90、180）。",
    },
    "lifecycle_missing_columns": {
        "en": "The customer table has no {columns} column, which lifecycle stages need. Rebuild it from the orders.",
        "zh": "客户表缺少生命周期阶段所需的 {columns} 列。请根据订单重新生成客户表。",
    },
    "migration_dates_order": {
        "en": "To compare customers between two dates, the first date ({from_as_of}) must be before the second "
              "({to_as_of}). Swap them or pick another date.",
        "zh": "比较两个日期之间的客户变化时，第一个日期（{from_as_of}）必须早于第二个日期（{to_as_of}）。"
              "请交换两个日期或另选日期。",
    },
    "migration_no_customers": {
        "en": "No purchase is dated before {from_as_of}, so there is nobody to compare. Choose a later first date "
              "(the first order is on {first}).",
        "zh": "{from_as_of} 之前没有任何购买记录，无法比较。请选择更晚的第一个日期（最早的订单在 {first}）。",
    },
    "migration_unknown_group": {
        "en": "{key} is not a group of this comparison ({side}). Its groups are: {keys}.",
        "zh": "{key} 不是本次比较（{side}）中的分组。现有分组：{keys}。",
    },
    # --- tags (crm_core.segment.tags) ---
    "tag_bad_field_name": {
        "en": "A tag condition has no field ({field}). Choose a column of the customer table.",
        "zh": "有一个标签条件没有字段（{field}）。请选择客户表中的一列。",
    },
    "tag_bad_op": {
        "en": "The condition on {field} uses \"{op}\", which is not an operator. Use one of: {ops}.",
        "zh": "字段 {field} 的条件使用了“{op}”，这不是可用的运算符。请使用以下之一：{ops}。",
    },
    "tag_bad_value": {
        "en": "The condition {field} {op} has the value {value}; it needs {expected}. Correct the value.",
        "zh": "条件 {field} {op} 的值为 {value}，应为{expected}。请修改该值。",
    },
    "tag_unknown_field": {
        "en": "The field {field} is not a column of the customer table. Choose one of: {fields}.",
        "zh": "字段 {field} 不在客户表中。请从以下字段中选择：{fields}。",
    },
    "tag_op_needs_number": {
        "en": "The field {field} holds text, so \"{op}\" cannot compare it. For text use one of: {ops}.",
        "zh": "字段 {field} 是文字，无法用“{op}”比较。文字请使用以下之一：{ops}。",
    },
    "tag_op_needs_text": {
        "en": "The field {field} holds numbers or dates, so \"{op}\" cannot compare it. Use one of: {ops}.",
        "zh": "字段 {field} 是数字或日期，无法用“{op}”比较。请使用以下之一：{ops}。",
    },
    "tag_bad_bought_item": {
        "en": "A purchase condition names no product or category ({value}). Enter the product or category "
              "exactly as in the orders.",
        "zh": "有一个购买条件没有指定商品或品类（{value}）。请按订单中的写法填写商品或品类。",
    },
    "tag_bad_match": {
        "en": "A purchase condition compares \"{match}\"; it can compare one of: {matches}.",
        "zh": "购买条件比较的是“{match}”，只能比较以下之一：{matches}。",
    },
    "tag_bad_times": {
        "en": "A purchase condition asks for {value} orders; give a whole number of at least 1.",
        "zh": "购买条件要求的订单数为 {value}，应为不小于 1 的整数。",
    },
    "tag_bad_days": {
        "en": "A purchase condition looks back {value} days; give a whole number of at least 1, or leave it "
              "empty for all history.",
        "zh": "购买条件回看 {value} 天，应为不小于 1 的整数，或留空表示全部历史。",
    },
    "tag_no_purchase_column": {
        "en": "A purchase condition compares the {match}, but the orders have no {match} column. Map that "
              "column, or compare the other one.",
        "zh": "购买条件按“{match}”比较，但订单中没有这一列。请映射该列，或改用另一列比较。",
    },
    "tag_bad_combine": {
        "en": "Conditions are joined by \"{combine}\"; join them by \"and\" (all must hold) or \"or\" (any "
              "may hold).",
        "zh": "条件的组合方式为“{combine}”，应为“and”（全部满足）或“or”（满足任一）。",
    },
    "tag_empty_group": {
        "en": "A group of tag conditions is empty. Add a condition to it or remove it.",
        "zh": "有一组标签条件是空的。请添加条件或删除该组。",
    },
    "tag_bad_condition": {
        "en": "{entry} is not a tag condition. Write a field condition (field, op, value), a purchase condition "
              "(bought, at_least, within_days, match) or a group (combine, conditions).",
        "zh": "{entry} 不是标签条件。请写字段条件、购买条件或条件组。",
    },
    "tag_no_name": {
        "en": "A tag needs both an English and a Chinese name (now \"{en}\" / \"{zh}\"). Name it in both "
              "languages.",
        "zh": "标签需要同时有英文名和中文名（现为“{en}”/“{zh}”）。请填写两种语言的名称。",
    },
    "tag_no_conditions": {
        "en": "The tag {tag} has no conditions. Add at least one.",
        "zh": "标签 {tag} 没有条件。请至少添加一个。",
    },
    "tag_rule_failed": {
        "en": "The tag {tag} cannot be applied: {detail}.",
        "zh": "无法应用标签 {tag}：{detail}。",
    },
    "tag_bad_rule": {
        "en": "{entry} is not a tag rule. A rule has name_en, name_zh, combine and a list of conditions.",
        "zh": "{entry} 不是标签规则。规则应包含英文名、中文名、组合方式和条件列表。",
    },
    "tag_duplicate": {
        "en": "The tag {tag} would get the column {column}, which another tag already has. Give it another "
              "English name.",
        "zh": "标签 {tag} 的列名 {column} 与另一个标签重复。请换一个英文名。",
    },
    # --- clusters (crm_core.segment.clusters) ---
    "cluster_bad_k": {
        "en": "The number of clusters must be a whole number from {low} to {high}, not {k}. Choose k in that range.",
        "zh": "分群数量必须是 {low} 到 {high} 之间的整数，不能是 {k}。请在此范围内选择。",
    },
    "cluster_too_few_customers": {
        "en": "Only {customers} customers have purchases; clusters need at least {low}. Upload more orders.",
        "zh": "只有 {customers} 位客户有购买记录，聚类至少需要 {low} 位。请上传更多订单。",
    },
    "cluster_fewer_customers_than_k": {
        "en": "There are {customers} customers, too few for {k} clusters. Choose at most {largest} clusters.",
        "zh": "共有 {customers} 位客户，不足以分成 {k} 个群。请最多选择 {largest} 个群。",
    },
    "cluster_identical": {
        "en": "All {customers} customers have the same values in every chosen feature, so there is nothing to "
              "group. Choose other features or upload more orders.",
        "zh": "全部 {customers} 位客户在所选的每个特征上取值都相同，无法分群。请选择其他特征或上传更多订单。",
    },
    "cluster_too_few_distinct": {
        "en": "Only {distinct} different kinds of customer are in the chosen features, too few for {k} clusters. "
              "Choose at most {largest} clusters, or add features.",
        "zh": "按所选特征只有 {distinct} 种不同的客户，不足以分成 {k} 个群。请最多选择 {largest} 个群，或增加特征。",
    },
    "cluster_no_variance": {
        "en": "The feature {feature} is the same for every customer and cannot separate clusters. Leave it out of "
              "the chosen features.",
        "zh": "特征“{feature}”对所有客户都相同，无法用于区分客户群。请从所选特征中去掉它。",
    },
    "cluster_missing_feature": {
        "en": "The feature {feature} is not a column of the customer table (or has no numbers). Choose one of its "
              "columns.",
        "zh": "特征“{feature}”不在客户表中（或没有数值）。请从客户表的列中选择。",
    },
}
