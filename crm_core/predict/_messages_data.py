"""Messages of data (see crm_core.predict._messages): labels, targets and tables for prediction.

Plain data, no import from crm_core.  ``predict_dropped_<reason>`` say in words why a column of an uploaded
table was not used (the reasons of :class:`crm_core.predict.table.LabelledData.dropped`).
"""

DATA_MESSAGES: dict[str, dict[str, str]] = {
    # --- churn labels from orders (crm_core.predict.labels) ---
    "predict_horizon_beyond_data": {
        "en": "A cutoff of {cutoff} with a {horizon} day horizon needs orders up to {needed}, but the data ends on "
              "{last}. Choose an earlier cutoff (at the latest {latest}) or a shorter horizon (at most {longest} "
              "days from {cutoff}).",
        "zh": "截止日期 {cutoff} 加上 {horizon} 天的观察期，需要截至 {needed} 的订单，但数据只到 {last}。请选择更早的"
              "截止日期（最晚 {latest}），或缩短观察期（从 {cutoff} 起最多 {longest} 天）。",
    },
    "predict_horizon_too_short": {
        "en": "The horizon must be at least 1 day (got {horizon}). Enter how many days after the cutoff a "
              "customer has to buy again to count as staying.",
        "zh": "观察期至少为 1 天（当前为 {horizon}）。请输入截止日期之后多少天内再次购买才算未流失。",
    },
    "predict_no_customers_before_cutoff": {
        "en": "No customer bought anything before the cutoff {cutoff}, so there is nobody to learn from. Choose a "
              "later cutoff (the first purchase is on {first}).",
        "zh": "截止日期 {cutoff} 之前没有任何客户购买，无法训练模型。请选择更晚的截止日期（最早的购买在 {first}）。",
    },
    # --- target columns (crm_core.predict.labels.parse_target) ---
    "predict_target_unreadable": {
        "en": "Column {column} should say yes or no for each customer, but {rows} rows hold other values "
              "(e.g. {examples}). Use yes/no, 1/0 or true/false in that column, or choose another column.",
        "zh": "列 {column} 应为每位客户填写“是”或“否”，但有 {rows} 行是其他值（例如 {examples}）。请在该列中使用"
              "是/否、1/0 或“yes”/“no”，或选择其他列。",
    },
    "predict_target_one_class": {
        "en": "Every customer in column {column} has the same answer ({value}), so there is nothing to tell apart. "
              "A model needs customers of both kinds: use data that includes both, or choose another column.",
        "zh": "列 {column} 中所有客户的值都相同（{value}），无法区分两类客户。模型需要两类客户都有：请使用同时包含"
              "两类客户的数据，或选择其他列。",
    },
    "predict_target_missing": {
        "en": "The table has no column {column} to predict. Columns: {columns}. Choose one of them.",
        "zh": "表格中没有要预测的列 {column}。现有列：{columns}。请从中选择一列。",
    },
    "predict_no_target_values": {
        "en": "Column {column} is empty in every row. Choose the column that says which customers churned or "
              "responded.",
        "zh": "列 {column} 在所有行中都是空的。请选择标明哪些客户流失或响应的列。",
    },
    # --- customer tables and campaign results (crm_core.predict.table) ---
    "predict_id_column_missing": {
        "en": "The table has no column {column} for customer IDs. Columns: {columns}. Choose one of them, or none "
              "(rows are then numbered).",
        "zh": "表格中没有客户编号列 {column}。现有列：{columns}。请从中选择一列，或不选（按行号编号）。",
    },
    "predict_id_not_unique": {
        "en": "Column {column} should identify each customer once, but {rows} IDs appear more than once "
              "(e.g. {examples}). Keep one row per customer, or choose no ID column.",
        "zh": "列 {column} 应当每位客户只出现一次，但有 {rows} 个编号重复出现（例如 {examples}）。"
              "请每位客户只保留一行，或不选客户编号列。",
    },
    "predict_result_column_missing": {
        "en": "The campaign results have no column {column} ({role}). Columns: {columns}. Choose the right one.",
        "zh": "活动结果中没有列 {column}（{role}）。现有列：{columns}。请选择正确的列。",
    },
    "predict_no_contacted": {
        "en": "No row of column {column} says the customer was contacted, so there is no campaign to learn from. "
              "Check the column, or leave the contacted column out if every listed customer was contacted.",
        "zh": "列 {column} 中没有任何一行表示已联系客户，无法从这次活动中学习。请检查该列；如果名单上的客户都已联系，"
              "可以不选“是否联系”列。",
    },
    "predict_no_results_with_history": {
        "en": "None of the {customers} contacted customers bought anything before {as_of}, so none has a purchase "
              "history to learn from. Check that the customer IDs match the order file and that the campaign date "
              "is right.",
        "zh": "已联系的 {customers} 位客户在 {as_of} 之前都没有购买记录，无法学习。请检查客户编号是否与订单文件一致，"
              "以及活动日期是否正确。",
    },
    # --- why a column of a table was not used (LabelledData.dropped) ---
    "predict_dropped_id": {
        "en": "{column}: an identifier, not a feature.",
        "zh": "{column}：编号，不作为特征。",
    },
    "predict_dropped_constant": {
        "en": "{column}: the same value in every row, so it tells no customer apart.",
        "zh": "{column}：每一行的值都相同，无法区分客户。",
    },
    "predict_dropped_excluded": {
        "en": "{column}: left out as you asked.",
        "zh": "{column}：已按您的要求排除。",
    },
    "predict_dropped_unique_text": {
        "en": "{column}: text that differs in (almost) every row, like a name or an ID, so a model cannot learn "
              "from it.",
        "zh": "{column}：（几乎）每行都不同的文字，类似姓名或编号，模型无法从中学习。",
    },
    "predict_dropped_empty": {
        "en": "{column}: empty in every row.",
        "zh": "{column}：所有行都是空的。",
    },
    "predict_dropped_no_target": {
        "en": "{count} rows have no answer in the column to predict; they were left out.",
        "zh": "{count} 行在要预测的列中没有填写，未使用。",
    },
    "predict_dropped_no_history": {
        "en": "{count} customers bought nothing before the campaign date, so they have no features; left out.",
        "zh": "{count} 位客户在活动日期之前没有购买记录，没有可用的特征，未使用。",
    },
    "predict_dropped_not_contacted": {
        "en": "{count} rows were not contacted in the campaign, so their answer says nothing; left out.",
        "zh": "{count} 行在活动中未被联系，其结果不说明问题，未使用。",
    },
}
