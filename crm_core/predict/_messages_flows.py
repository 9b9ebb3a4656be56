"""Messages of flows (see crm_core.predict._messages): the churn and response workflows and their choices."""

FLOW_MESSAGES: dict[str, dict[str, str]] = {
    "flow_bad_option": {
        "en": "The prediction option {option} cannot be {value}. Choose {choices}.",
        "zh": "预测选项 {option} 不能是 {value}。请选择：{choices}。",
    },
    "flow_no_table": {
        "en": "Predicting {kind} from a customer table needs that table: upload a customer table with a {kind} "
              "column, or derive the labels from the orders instead.",
        "zh": "根据客户表预测{kind}需要先上传客户表：请上传带有{kind}列的客户表，或改为根据订单推算标签。",
    },
    "flow_no_orders": {
        "en": "Predicting {kind} from orders needs the order lines: upload the orders first.",
        "zh": "根据订单预测{kind}需要订单明细：请先上传订单。",
    },
    "flow_choose_target": {
        "en": "Which column says {kind}? None of the headers looks like one. Choose it among: {columns}.",
        "zh": "哪一列表示{kind}？没有列名看起来像。请从以下列中选择：{columns}。",
    },
    "flow_too_few_customers": {
        "en": "Only {customers} customers can be used to learn {kind} ({where}); at least {needed} are needed. "
              "{advice}",
        "zh": "只有 {customers} 位客户可用于学习{kind}（{where}），至少需要 {needed} 位。{advice}",
    },
    "flow_too_few_class": {
        "en": "Only {count} of the {customers} customers are “{label}” ({where}); at least {needed} of each kind "
              "are needed to learn from. {advice}",
        "zh": "{customers} 位客户中只有 {count} 位属于“{label}”（{where}），每一类至少需要 {needed} 位才能学习。"
              "{advice}",
    },
    "flow_no_rolling": {
        "en": "There is too little history before the cutoff {cutoff} to test the model on a later period: the "
              "earlier cutoffs (from {earliest}) do not have {needed} customers of each kind. Use a shorter "
              "horizon (now {horizon} days), a later cutoff, or upload more months of orders.",
        "zh": "截止日 {cutoff} 之前的历史太短，无法用后一时期检验模型：更早的截止日（自 {earliest} 起）"
              "没有每类各 {needed} 位客户。请缩短观察期（现为 {horizon} 天）、推后截止日，或上传更多月份的订单。",
    },
    "flow_no_results": {
        "en": "Learning who responds needs the results of a past campaign (who was contacted, who responded): "
              "upload that file, or a customer table with a response column.",
        "zh": "要学习哪些客户会响应，需要一次过往活动的结果（联系了谁、谁响应了）："
              "请上传该文件，或上传带有响应列的客户表。",
    },
    "flow_results_column": {
        "en": "The campaign results need a column for {role}; none was found. Choose it among: {columns}.",
        "zh": "活动结果需要一列表示{role}，但没有找到。请从以下列中选择：{columns}。",
    },
    "flow_no_campaign_date": {
        "en": "On which day did the campaign go out? Set the campaign date: the model learns from the orders "
              "before that day only.",
        "zh": "这次活动是哪一天发出的？请设置活动日期：模型只从该日期之前的订单中学习。",
    },
}
