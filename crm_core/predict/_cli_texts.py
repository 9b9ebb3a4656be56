"""What ``python -m crm_core churn|response`` prints and writes besides the shared messages, in both languages
(:mod:`crm_core.cli_predict`): its report lines, the workbook's sheet names and column headers.

Plain data and one lookup (no import from crm_core).
"""

TEXTS = {
    "table_read": ("{name}: {rows:,} rows, {columns} columns", "{name}：{rows:,} 行，{columns} 列"),
    "compared": ("Models compared (cross-validated ROC AUC, best first):", "模型比较（交叉验证 ROC AUC，从高到低）："),
    "model_line": ("  {rank}. {model}: {auc:.3f} (± {std:.3f}, {seconds:.1f} s)",
                   "  {rank}. {model}：{auc:.3f}（± {std:.3f}，{seconds:.1f} 秒）"),
    "used_best": ("Model used: {model} (the best), ROC AUC {auc:.3f}", "采用模型：{model}（最佳），ROC AUC {auc:.3f}"),
    "used_chosen": ("Model used: {model} (chosen), ROC AUC {auc:.3f}", "采用模型：{model}（指定），ROC AUC {auc:.3f}"),
    "labels_orders": ("Churned = no purchase in the {horizon} days from {cutoff}; features from before {cutoff}",
                      "流失 = 自 {cutoff} 起 {horizon} 天内没有购买；特征只取 {cutoff} 之前的数据"),
    "labels_table": ("Outcome: column {target} ({positives:,} of {customers:,} yes, {rate:.1%})",
                     "结果列：{target}（{customers:,} 位中 {positives:,} 位为“是”，{rate:.1%}）"),
    "evaluated": ("Evaluated on {customers:,} customers, {positives:,} churned ({rate:.1%})",
                  "评估客户 {customers:,} 位，其中流失 {positives:,} 位（{rate:.1%}）"),
    "evaluated_response": ("Evaluated on {customers:,} customers, {positives:,} responded ({rate:.1%})",
                           "评估客户 {customers:,} 位，其中响应 {positives:,} 位（{rate:.1%}）"),
    "at_threshold": ("At threshold {threshold:.2f}: precision {precision:.1%}, recall {recall:.1%} ({flagged:,} "
                     "flagged, {hits:,} of them churned, of {positives:,} churners)",
                     "阈值 {threshold:.2f}：命中率 {precision:.1%}，查全率 {recall:.1%}"
                     "（标记 {flagged:,} 位，其中 {hits:,} 位流失；流失客户共 {positives:,} 位）"),
    "warning": ("Warning: {text}", "警告：{text}"),
    "progress": ("  fitting {model}: {done}/{total}", "  正在训练{model}：{done}/{total}"),
    "opted_out_note": ("{customers:,} customers who opted out of marketing are left out of this list.",
                       "有 {customers:,} 位已退订营销的客户未列入本名单。"),
    "s_choice": ("Choices", "选项"),
    "not_used": ("Not used:", "未使用："),
    "list_churn": ("Retention list: {customers:,} customers with a churn risk of {threshold:.0%} or more, by value at "
                   "risk", "挽留名单：流失风险不低于 {threshold:.0%} 的客户 {customers:,} 位，按风险价值排序"),
    "no_value": ("  (every customer counts 1: the list is by risk; --value-column names a column of the table "
                 "holding each customer's value)",
                 "  （每位客户价值均按 1 计，名单按风险排序；可用 --value-column 指定表中表示客户价值的列）"),
    "left_out": ("  ({customers:,} left out: opted out)", "  （{customers:,} 位已退订，未列入）"),
    "best_k": ("Best K: contact the top {k:,} of {n:,} customers ({share:.0%}): {responders:,.0f} expected responders "
               "({rate:.1%}, at random {random:,.0f}), expected profit {profit:,.2f}",
               "最佳联系人数：联系得分最高的 {k:,} 位（共 {n:,} 位，{share:.0%}）：预计响应 {responders:,.0f} 位"
               "（{rate:.1%}，随机联系为 {random:,.0f} 位），预计利润 {profit:,.2f}"),
    "list_response": ("Propensity list: {customers:,} customers, highest propensity first",
                      "响应名单：{customers:,} 位客户，按响应概率从高到低"),
    "results_columns": ("Campaign results columns: customer = {customer}, contacted = {contacted}, responded = "
                        "{responded} (change with --customer-col, --contacted-col, --responded-col)",
                        "活动结果列：客户 = {customer}，是否联系 = {contacted}，是否响应 = {responded}（可用 "
                        "--customer-col、--contacted-col、--responded-col 更改）"),
    "none": ("none", "无"),
    "campaign_date": ("Campaign date: {date} (the date in column {column}; change with --campaign-date)",
                      "活动日期：{date}（取自列 {column}；可用 --campaign-date 更改）"),
    # sheets and headers
    "sheet_list_churn": ("Retention list", "挽留名单"), "sheet_list_response": ("Propensity list", "响应名单"),
    "sheet_gains": ("Gains", "增益表"), "sheet_models": ("Models", "模型比较"),
    "sheet_importance": ("Importance", "特征重要性"), "sheet_targeting": ("Targeting", "目标客户选择"),
    "sheet_summary": ("Summary", "概览"),
    "h_item": ("Item", "项目"), "h_value": ("Value", "值"), "h_model": ("Model", "模型"),
    "h_auc": ("ROC AUC", "ROC AUC"),
    "h_auc_std": ("ROC AUC spread (±)", "ROC AUC 波动（±）"), "h_seconds": ("Seconds", "耗时（秒）"),
    "h_used": ("Used", "采用"), "h_feature": ("Feature", "特征"), "h_importance": ("Importance (fall in ROC AUC)",
                                                                             "重要性（ROC AUC 下降）"),
    "h_std": ("Spread (±)", "波动（±）"), "h_decile": ("Decile (1 = highest scores)", "十分位（1 = 得分最高）"),
    "h_customers": ("Customers", "客户数"), "h_positives_churn": ("Churned", "流失人数"),
    "h_positives_response": ("Responded", "响应人数"), "h_rate_churn": ("Churn rate", "流失率"),
    "h_rate_response": ("Response rate", "响应率"), "h_lift": ("Lift", "提升度"),
    "h_cum_share_customers": ("Share of customers (cumulative)", "累计客户占比"),
    "h_cum_share_positives": ("Share of outcomes found (gain)", "累计捕获占比（增益）"),
    "h_cum_lift": ("Cumulative lift", "累计提升度"), "h_rank": ("Rank", "排名"), "h_contact": ("Contact (best K)",
                                                                                          "联系（最佳人数内）"),
    "h_contacted": ("Customers contacted (top K)", "联系人数（前 K 位）"), "h_share": ("Share contacted", "联系占比"),
    "h_expected_responders": ("Expected responders", "预计响应人数"), "h_response_rate": ("Response rate", "响应率"),
    "h_random_responders": ("Responders at random", "随机联系的响应人数"), "h_profit": ("Expected profit", "预计利润"),
    "h_random_profit": ("Profit at random", "随机联系的利润"), "yes": ("yes", "是"), "no": ("no", "否"),
"s_files": ("Files", "文件"), "s_generated": ("Generated", "生成时间"),
    "s_as_of": ("Analysis date", "分析日期"), "s_labels": ("Outcome", "结果定义"), "s_evaluated": ("Evaluated", "评估"),
    "s_model": ("Model", "模型"), "s_threshold": ("At the threshold", "阈值下"), "s_list": ("List", "名单"),
    "s_best_k": ("Best K", "最佳联系人数"), "s_warnings": ("Warnings", "警告"), "s_not_used": ("Not used", "未使用"),
}


def text(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang`` ("zh", else English), formatted with ``params``."""
    template = TEXTS[key][1 if lang == "zh" else 0]
    return template.format(**params) if params else template
