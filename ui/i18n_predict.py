"""Labels of the Churn and Response pages (merged into ui.i18n.TEXT): key -> (English, Chinese).

``pr_`` keys are the pages' (app_pages/churn.py, app_pages/response.py, ui/predict_view.py), ``prc_`` keys the
charts' (ui/predict_charts.py).  Keys ending in ``_churn`` / ``_response`` are picked by the prediction's kind.
"""

TEXT: dict[str, tuple[str, str]] = {
    "nav_churn": ("Churn risk", "流失预警"),
    "nav_response": ("Campaign response", "营销响应预测"),
    # --- churn page: source and label ---
    "pr_churn_intro": ("Who is about to stop buying, and which of them are worth keeping? A model learns from the "
                       "customers who left before, scores every customer now, and lists those most worth a "
                       "retention offer, with the reasons in words.",
                       "哪些客户即将不再购买？其中哪些值得挽留？模型从以往流失的客户中学习，为每位客户打出当前的流失风险，"
                       "并列出最值得挽留的客户及原因。"),
    "pr_source": ("Learn from", "学习来源"),
    "pr_churn_source_orders": ("🧾 My orders", "🧾 我的订单"),
    "pr_churn_source_table": ("📋 A customer table with a churn column", "📋 带流失列的客户表"),
    "pr_churn_table_hint": ("No orders? Choose “A customer table with a churn column” above to learn from a "
                            "subscription-style table (one row per customer, a yes/no churn column).",
                            "没有订单？可在上方选择“带流失列的客户表”，从订阅类客户表（每位客户一行，含是/否流失列）中学习。"),
    "pr_label_orders": ("When does a customer count as churned?", "什么情况下算作流失？"),
    "pr_horizon": ("No purchase within (days)", "多少天内未购买（天）"),
    "pr_horizon_help": ("A customer who bought before the cutoff and then buys nothing in this many days counts "
                        "as churned. Pick your usual buying cycle: 90 days suits most shops.",
                        "截止日之前买过、之后这么多天内没有再购买的客户记为流失。请按顾客的常见回购周期选择：多数店铺 "
                        "90 天较合适。"),
    "pr_cutoff": ("Cutoff date", "截止日期"),
    "pr_cutoff_help": ("The model learns from what was known before this day and checks who bought in the days "
                       "after it. The latest possible cutoff leaves exactly the horizon before the data ends "
                       "({end}).",
                       "模型只使用这一天之前的信息，并检查之后的观察期内谁再次购买。最晚的截止日期正好在数据结束日"
                       "（{end}）之前留出一个观察期。"),
    "pr_rolling": ("Earlier periods to test on", "用于检验的更早时期数"),
    "pr_rolling_help": ("The models are compared the way they will be used: trained on earlier cutoffs, tested on "
                        "a later period they never saw. More periods: a steadier comparison, but more history "
                        "needed.",
                        "按实际使用方式比较模型：用更早截止日的数据训练，在模型没见过的更晚时期检验。时期越多比较越"
                        "稳定，但需要更长的历史数据。"),
    "pr_label_words": ("Churned = bought before {cutoff} but nothing in the {horizon} days from it. Features use "
                       "only orders before the cutoff, so nothing leaks from the future.",
                       "流失 = {cutoff} 之前购买过，但此后 {horizon} 天内没有购买。特征只使用截止日之前的订单，"
                       "不会泄露未来信息。"),
    "pr_train": ("Train the models", "训练模型"),
    "pr_churn_table": ("Customer table with a churn column (CSV, Excel)", "带流失列的客户表（CSV、Excel）"),
    "pr_churn_table_help": ("One row per customer: their attributes (plan, tenure, charges…) and a column saying "
                            "whether they left (yes/no, 1/0, 是/否).",
                            "每位客户一行：客户属性（套餐、在网时长、费用等）以及一列表示是否流失（是/否、1/0、yes/no）。"),
    "pr_churn_table_first": ("Upload a customer table with a churn column to train a churn model.",
                             "请上传带流失列的客户表，以训练流失模型。"),
    "pr_replace_table": ("Replace with another table (CSV, Excel)", "换一个表格（CSV、Excel）"),
    "pr_table_in_use": ("📄 **{name}** in use", "📄 正在使用 **{name}**"),
    "pr_target_churn": ("Churn column", "流失列"),
    "pr_target_churn_help": ("The column that says whether the customer left.", "表示客户是否流失的列。"),
    "pr_choose_column": ("Choose a column", "请选择一列"),
    "pr_choose_target_churn": ("No column looks like a churn column: choose it above, then “Train the models”.",
                               "没有找到像流失列的列：请在上方选择，然后点击“训练模型”。"),
    "pr_id_column": ("Customer ID column", "客户编号列"),
    "pr_id_column_help": ("Names each customer in the list; never used as a feature.",
                          "用于在名单中标识客户；不作为特征。"),
    "pr_no_id": ("None (number the rows)", "无（按行编号）"),
    "pr_folds": ("Cross-validation folds", "交叉验证折数"),
    "pr_folds_help": ("The table is split into this many parts; each part is scored by a model trained on the "
                      "others, so every score comes from a model that never saw that customer.",
                      "表格被分成这么多份；每一份都由用其他份训练的模型打分，因此每个分数都来自没见过该客户的模型。"),
    "pr_exclude": ("Columns not to use", "不使用的列"),
    "pr_exclude_help": ("Columns the model must not read: anything known only after the customer left, or that you "
                        "do not want to base decisions on.",
                        "模型不应读取的列：客户流失后才知道的信息，或您不希望据此做决定的信息。"),
    "pr_exclude_none": ("None", "无"),
    "pr_dropped": ("Not used, and why ({n})", "未使用的列或行及原因（{n}）"),
    # --- training ---
    "pr_training": ("Training the models…", "正在训练模型…"),
    "pr_training_start": ("Preparing the features…", "正在准备特征…"),
    "pr_training_step": ("{model}: fold {done} of {total}", "{model}：第 {done}/{total} 步"),
    "pr_training_failed": ("The models could not be trained", "无法训练模型"),
    "pr_trained_churn": ("Learnt from {customers:,} customers, {positives:,} of them churned ({share:.0%}) · best: "
                         "{model}, ROC AUC {auc:.3f} · models compared in {seconds:.1f} s",
                         "从 {customers:,} 位客户中学习，其中 {positives:,} 位流失（{share:.0%}）· 最佳模型：{model}，"
                         "ROC AUC {auc:.3f} · 模型比较用时 {seconds:.1f} 秒"),
    "pr_trained_response": ("Learnt from {customers:,} customers, {positives:,} of them responded ({share:.0%}) · "
                            "best: {model}, ROC AUC {auc:.3f} · models compared in {seconds:.1f} s",
                            "从 {customers:,} 位客户中学习，其中 {positives:,} 位响应（{share:.0%}）· 最佳模型：{model}，"
                            "ROC AUC {auc:.3f} · 模型比较用时 {seconds:.1f} 秒"),
    # --- model comparison ---
    "pr_models": ("Which model", "选择模型"),
    "pr_model": ("Model", "模型"),
    "pr_auc_cv": ("ROC AUC (tested)", "曲线下面积 AUC（检验）"),
    "pr_auc_std": ("Varies by", "波动"),
    "pr_auc_std_help": ("How much the ROC AUC varied between the test periods or folds: small means the result is "
                        "steady.", "不同检验时期或折之间 ROC AUC 的波动：越小说明结果越稳定。"),
    "pr_seconds": ("Time", "用时"),
    "pr_comparison_caption_churn": ("Each model was scored on customers it never saw. The best is proposed; you "
                                    "may pick another (e.g. logistic regression, the easiest to explain).",
                                    "每个模型都在它没见过的客户上检验。系统推荐最佳模型；您也可以选择其他模型（例如最"
                                    "容易解释的逻辑回归）。"),
    "pr_comparison_caption_response": ("Each model was scored on customers it never saw. The best is proposed; "
                                       "you may pick another.",
                                       "每个模型都在它没见过的客户上检验。系统推荐最佳模型；您也可以选择其他模型。"),
    "pr_use_model": ("Model used for the scores and the list", "用于打分和名单的模型"),
    "pr_use_model_help": ("Changing it trains the chosen model again on all customers.",
                          "更改后会用所有客户重新训练所选模型。"),
    "pr_model_best": ("{model} (best, proposed)", "{model}（最佳，推荐）"),
    # --- quality ---
    "pr_quality": ("How good are the scores?", "分数有多可靠？"),
    "pr_threshold_churn": ("Risk threshold", "风险阈值"),
    "pr_threshold_response": ("Score threshold", "分数阈值"),
    "pr_threshold_help_churn": ("Customers with a churn risk at or above this go on the retention list. Higher: a "
                                "shorter list with more real churners on it (命中率 up), but more churners missed "
                                "(查全率 down).",
                                "流失风险不低于此值的客户进入挽留名单。调高：名单更短、命中率更高，但漏掉的流失客户更多"
                                "（查全率下降）。"),
    "pr_threshold_help_response": ("Used for the hit rate and coverage below; the targeting further down picks the "
                                   "number of customers to contact.",
                                   "用于下方的命中率和查全率；再下方的目标选择决定联系多少位客户。"),
    "pr_auc": ("ROC AUC of these scores", "这些评分的 AUC"),
    "pr_auc_help": ("Pick one customer who did and one who did not: the ROC AUC is the chance the model ranks them "
                    "the right way round. 0.5 is a coin toss, 0.7 useful, 0.8 good, above 0.95 suspicious (check the "
                    "warnings). Measured on these scores of customers the model did not learn from (from orders: the "
                    "latest period); the comparison above averages its test periods or folds, so the two can differ a "
                    "little.",
                    "随机取一位“是”的客户和一位“否”的客户：ROC AUC 就是模型把两人排对顺序的概率。0.5 等于抛硬币，"
                    "0.7 有用，0.8 良好，高于 0.95 则可疑（请查看警告）。这里用的是模型未学习过的客户的这些评分"
                    "（按订单时为最近一期）；上方的比较是各检验期或各折的平均值，两者可能略有不同。"),
    "pr_precision": ("Hit rate (precision)", "命中率"),
    "pr_precision_help_churn": ("Of the customers flagged at this threshold, the share who really churned.",
                                "在此阈值下被标记的客户中，真正流失的比例。"),
    "pr_precision_help_response": ("Of the customers flagged at this threshold, the share who really responded.",
                                   "在此阈值下被标记的客户中，真正响应的比例。"),
    "pr_recall": ("Coverage (recall)", "查全率"),
    "pr_recall_help_churn": ("Of all the customers who churned, the share the threshold catches.",
                             "在所有流失的客户中，被此阈值抓到的比例。"),
    "pr_recall_help_response": ("Of all the customers who responded, the share the threshold catches.",
                                "在所有响应的客户中，被此阈值抓到的比例。"),
    "pr_flagged": ("Flagged (tested customers)", "被标记客户（检验样本）"),
    "pr_flagged_help": ("Tested customers with a score at or above the threshold.", "检验样本中分数不低于阈值的客户数。"),
    "pr_quality_words_churn": ("In plain words: of {customers:,} customers the model was tested on, {base:.0%} "
                               "churned. It flags {flagged:,} at a risk of {threshold:.0%} or more; {precision:.0%} of "
                               "them really churned ({hits:,}), and they are {recall:.0%} of the {positives:,} "
                               "churners.",
                               "通俗地说：在检验的 {customers:,} 位客户中有 {base:.0%} 流失。模型标记了 {flagged:,} "
                               "位风险不低于 {threshold:.0%} 的客户，其中 {precision:.0%}（{hits:,} 位）真的流失了，"
                               "占全部 {positives:,} 位流失客户的 {recall:.0%}。"),
    "pr_quality_words_response": ("In plain words: of {customers:,} customers the model was tested on, {base:.0%} "
                                  "responded. It flags {flagged:,} at a score of {threshold:.0%} or more; "
                                  "{precision:.0%} of them really responded ({hits:,}), and they are {recall:.0%} of "
                                  "the {positives:,} responders.",
                                  "通俗地说：在检验的 {customers:,} 位客户中有 {base:.0%} 响应。模型标记了 {flagged:,} "
                                  "位分数不低于 {threshold:.0%} 的客户，其中 {precision:.0%}（{hits:,} 位）真的响应了，"
                                  "占全部 {positives:,} 位响应客户的 {recall:.0%}。"),
    "pr_quality_none_flagged": ("No tested customer scores {threshold:.0%} or more: lower the threshold.",
                                "没有检验客户的分数达到 {threshold:.0%}：请调低阈值。"),
    "pr_evaluation_churn_orders": ("Tested on the latest period: features as of {cutoff}, scored by a model "
                                   "trained on earlier cutoffs only, compared with who really bought again.",
                                   "在最近一个时期上检验：使用截至 {cutoff} 的特征，由只用更早截止日训练的模型打分，"
                                   "再与客户实际是否回购对比。"),
    "pr_evaluation_churn_cv": ("Tested out of fold: each customer scored by a model that never saw them.",
                               "交叉检验：每位客户都由没见过他的模型打分。"),
    "pr_evaluation_response_cv": ("Tested out of fold: each customer scored by a model that never saw them.",
                                  "交叉检验：每位客户都由没见过他的模型打分。"),
    # --- views ---
    "pr_view": ("Show", "查看"),
    "pr_view_gains": ("📈 Gains and lift", "📈 收益与提升"),
    "pr_view_calibration": ("🎯 Calibration", "🎯 校准"),
    "pr_view_importance": ("🔍 What drives the score", "🔍 影响分数的因素"),
    "pr_gains_words_churn": ("The top 10% of customers by risk hold {found:.0%} of the churners: {lift:.1f} times "
                             "as many as 10% picked at random.",
                             "风险最高的 10% 客户中包含了 {found:.0%} 的流失客户：是随机抽取 10% 客户的 {lift:.1f} 倍。"),
    "pr_gains_words_response": ("The top 10% of customers by score hold {found:.0%} of the responders: {lift:.1f} "
                                "times as many as 10% picked at random.",
                                "分数最高的 10% 客户中包含了 {found:.0%} 的响应客户：是随机抽取 10% 客户的 "
                                "{lift:.1f} 倍。"),
    "pr_decile": ("Tenth", "十分位"),
    "pr_decile_help": ("Customers sorted by score and cut into ten equal groups: 1 = the highest tenth.",
                       "按分数从高到低排序后分成十等份：1 = 分数最高的 10%。"),
    "pr_customers": ("Customers", "客户数"),
    "pr_positives_churn": ("Churned", "流失人数"),
    "pr_positives_response": ("Responded", "响应人数"),
    "pr_rate_churn": ("Churn rate", "流失率"),
    "pr_rate_response": ("Response rate", "响应率"),
    "pr_lift": ("Lift", "提升度"),
    "pr_lift_help": ("The group's rate divided by the overall rate: 3 means three times as many as average.",
                     "该组的比率除以整体比率：3 表示是平均水平的三倍。"),
    "pr_cum_customers": ("Top share of customers", "累计客户占比"),
    "pr_cum_positives_churn": ("Share of churners found", "累计找到的流失客户占比"),
    "pr_cum_positives_response": ("Share of responders found", "累计找到的响应客户占比"),
    "pr_gain_help": ("Taking the customers down to this tenth finds this share of all of them (the gain).",
                     "从最高分联系到这一组时，能找到的全部目标客户的比例（累计收益）。"),
    "pr_cum_lift": ("Cumulative lift", "累计提升度"),
    "pr_calibration_words_churn": ("Can a risk of 30% be read as “3 in 10 will leave”? When the circles sit on the "
                                   "dashed line, yes. Above it the model is too cautious, below it too alarmed; the "
                                   "ranking (and the list) is still right either way.",
                                   "30% 的风险能理解为“十人中有三人会流失”吗？圆点落在虚线上时可以。在虚线上方说明模型偏"
                                   "保守，下方说明偏悲观；无论哪种情况，排序（以及名单）依然正确。"),
    "pr_calibration_words_response": ("Can a score of 30% be read as “3 in 10 will respond”? When the circles sit on "
                                      "the dashed line, yes; the expected responders and profit below rely on it.",
                                      "30% 的分数能理解为“十人中有三人会响应”吗？圆点落在虚线上时可以；下方的预计响应人数"
                                      "和利润依赖于这一点。"),
    "pr_importance_words": ("How much the ROC AUC falls when one column is shuffled among the customers (its link "
                            "to the outcome broken), tested on customers the model did not learn from. Longer bars: "
                            "the model leans on it more. It shows association, not cause.",
                            "把某一列在客户之间随机打乱（切断它与结果的联系）后 ROC AUC 下降多少，在模型没学过的客户"
                            "上检验。条越长，模型越依赖这一列。这表示关联，而非因果。"),
    # --- leakage ---
    "pr_leak_near_perfect": ("**{feature}** alone tells the outcome apart almost perfectly (ROC AUC {auc:.2f}). "
                             "Such a column is usually known only afterwards or copies the answer: check it, and "
                             "exclude it if so.",
                             "仅凭 **{feature}** 一列就几乎能完美区分结果（ROC AUC {auc:.2f}）。这样的列通常是事后"
                             "才知道的信息或复制了答案：请检查，如是则排除。"),
    "pr_leak_after_contact": ("**{feature}** is known only after the contact (e.g. call duration): a model cannot "
                              "use it to choose whom to contact. Exclude it.",
                              "**{feature}** 要在联系之后才能知道（如通话时长）：模型不能用它来决定联系谁。请将其排除。"),
    "pr_leaks_reminder": ("{n} columns were flagged above: exclude them and train again before you act on this list.",
                          "上方有 {n} 列被标记：请排除后重新训练，再使用这份名单。"),
    # --- retention list ---
    "pr_retention": ("Retention list", "挽留名单"),
    "pr_retention_words": ("Customers with a churn risk of {threshold:.0%} or more, most value at risk first (value at "
                           "risk = risk × customer value).",
                           "流失风险不低于 {threshold:.0%} 的客户，按风险价值从高到低排序（风险价值 = 风险 × 客户价值）。"),
    "pr_value_words_orders": ("Customer value = what they spent before the analysis date.",
                              "客户价值 = 分析日期之前的消费金额。"),
    "pr_value_words_table": ("Customer value = column {column}.", "客户价值 = 列 {column}。"),
    "pr_value_words_none": ("No value column chosen: the list is sorted by risk.", "未选择价值列：名单按风险排序。"),
    "pr_value_column": ("Customer value column", "客户价值列"),
    "pr_value_column_help": ("A money column of the table (e.g. monthly or total charges): the list puts the most "
                             "value at risk first.", "表格中的金额列（如月费或总费用）：名单会把风险价值最高的客户排在前面。"),
    "pr_value_none": ("None (sort by risk)", "无（按风险排序）"),
    "pr_listed": ("Customers on the list", "名单客户数"),
    "pr_listed_help": ("Customers scored now with a risk at or above the threshold.", "当前打分中风险不低于阈值的客户。"),
    "pr_value_at_risk": ("Value at risk", "风险价值合计"),
    "pr_value_at_risk_help": ("The sum of risk × value over the list: what you can expect to lose if nothing is "
                              "done.", "名单中“风险 × 价值”的总和：如果不采取行动，预计会损失的价值。"),
    "pr_expected_leavers": ("Expected to leave", "预计流失人数"),
    "pr_expected_leavers_help": ("With no value column, the sum of the risks: how many of the listed customers "
                                 "can be expected to leave if nothing is done.",
                                 "未选择价值列时为风险之和：如果不采取行动，名单中预计会流失的客户人数。"),
    "pr_mean_risk": ("Average risk on the list", "名单平均风险"),
    "pr_quadrant_words": ("Top right: valuable customers at high risk, the first to keep. Bottom right: low value, "
                          "high risk, worth only a low-cost win-back.",
                          "右上：高价值、高风险，最应优先挽留。右下：低价值、高风险，只值得低成本挽回。"),
    "pr_nobody_listed": ("No customer has a churn risk of {threshold:.0%} or more: lower the threshold.",
                         "没有客户的流失风险达到 {threshold:.0%}：请调低阈值。"),
    "pr_reasons": ("Why at risk", "流失风险原因"),
    "pr_first_rows": ("The first {n:,} rows are shown; the download holds them all.",
                      "仅显示前 {n:,} 行；下载文件包含全部。"),
    "pr_retention_download": ("Download the retention list", "下载挽留名单"),
    # --- response page: source ---
    "pr_response_intro": ("Who will answer the next campaign, and how many customers should you contact? A model "
                          "learns from a past campaign's results, scores every customer, and shows the expected "
                          "responders and profit of contacting the top K.",
                          "谁会响应下一次活动？应该联系多少位客户？模型从以往活动的结果中学习，为每位客户打分，并给出"
                          "联系前 K 位客户的预计响应人数和利润。"),
    "pr_response_source_results": ("📬 A past campaign's results + my orders", "📬 以往活动结果 + 我的订单"),
    "pr_response_source_table": ("📋 A customer table with a response column", "📋 带响应列的客户表"),
    "pr_response_table_hint": ("No orders? Choose “A customer table with a response column” above (one row per "
                               "customer, a yes/no response column).",
                               "没有订单？可在上方选择“带响应列的客户表”（每位客户一行，含是/否响应列）。"),
    "pr_results_file": ("Campaign results (CSV, Excel)", "活动结果（CSV、Excel）"),
    "pr_results_file_help": ("One row per customer of the campaign: customer ID, whether contacted, whether they "
                             "responded (yes/no, 1/0, 是/否).",
                             "活动中每位客户一行：客户编号、是否联系、是否响应（是/否、1/0、yes/no）。"),
    "pr_demo_results": ("Use the demo campaign results", "使用示例活动结果"),
    "pr_results_first": ("Upload a past campaign's results to learn who responds.", "请上传以往活动的结果，以学习谁会响应。"),
    "pr_customer_col": ("Customer column", "客户列"),
    "pr_contacted_col": ("Contacted column", "是否联系列"),
    "pr_contacted_col_help": ("Rows not contacted are left out. None: everyone listed was contacted.",
                              "未联系的行不参与学习。选“无”：名单中的客户都已联系。"),
    "pr_everyone_contacted": ("None (everyone was contacted)", "无（都已联系）"),
    "pr_responded_col": ("Responded column", "是否响应列"),
    "pr_campaign_date": ("Campaign date", "活动日期"),
    "pr_campaign_date_help": ("The day the campaign went out: the features use only orders before it, so purchases "
                              "made because of the campaign do not explain the response.",
                              "活动发出的日期：特征只使用这一天之前的订单，活动带来的购买不会被用来解释响应。"),
    "pr_campaign_date_first": ("Enter the campaign date above, then “Train the models”.",
                               "请在上方填写活动日期，然后点击“训练模型”。"),
    "pr_results_words": ("Features from the orders before {date}; every customer is then scored with the orders "
                         "before {as_of} for the next campaign.",
                         "特征取自 {date} 之前的订单；随后用 {as_of} 之前的订单为每位客户打分，供下一次活动使用。"),
    "pr_response_table": ("Customer table with a response column (CSV, Excel)", "带响应列的客户表（CSV、Excel）"),
    "pr_response_table_help": ("One row per customer contacted: their attributes and a column saying whether they "
                               "responded (yes/no, 1/0, 是/否).",
                               "每位被联系的客户一行：客户属性以及一列表示是否响应（是/否、1/0、yes/no）。"),
    "pr_response_table_first": ("Upload a customer table with a response column to train a response model.",
                                "请上传带响应列的客户表，以训练响应模型。"),
    "pr_target_response": ("Response column", "响应列"),
    "pr_target_response_help": ("The column that says whether the customer responded.", "表示客户是否响应的列。"),
    "pr_choose_target_response": ("No column looks like a response column: choose it above, then “Train the "
                                  "models”.", "没有找到像响应列的列：请在上方选择，然后点击“训练模型”。"),
    "pr_exclude_help_response": ("Columns the model must not read. Anything known only after the contact (call "
                                 "duration, number of calls in this campaign) must go: the model could not have it "
                                 "when choosing whom to contact.",
                                 "模型不应读取的列。联系之后才知道的信息（通话时长、本次活动的通话次数）必须排除：选择联系"
                                 "对象时还没有这些信息。"),
    "pr_after_contact_excluded": ("Column **{column}** is known only after the contact, so it is excluded. Put it "
                                  "back only if it really is known beforehand.",
                                  "列 **{column}** 要在联系之后才能知道，已被排除。只有确实事先可知时才应放回。"),
    "pr_after_contact_kept": ("Column **{column}** looks known only after the contact, yet it is used: exclude it "
                              "below, or the scores will look better than they can be.",
                              "列 **{column}** 看起来要在联系之后才能知道，但目前仍在使用：请在下方排除，否则分数会虚高。"),
    # --- targeting ---
    "pr_targeting": ("Whom to contact", "联系哪些客户"),
    "pr_cost": ("Cost per contact ({currency})", "每次联系成本（{currency}）"),
    "pr_cost_help": ("What one contact costs: message, call time, voucher sent to everyone contacted.",
                     "每联系一位客户的成本：短信、通话时间、发给所有被联系客户的优惠券等。"),
    "pr_margin": ("Margin per response ({currency})", "每个响应的毛利（{currency}）"),
    "pr_margin_help": ("What one response earns after the cost of the goods.", "每个响应扣除商品成本后带来的毛利。"),
    "pr_profit_words": ("Best: contact the top {k:,} customers ({share:.0%}) — about {responders:,.0f} responders "
                        "and an expected profit of {profit}, against {random} for as many picked at random.",
                        "最佳方案：联系分数最高的 {k:,} 位客户（{share:.0%}）——预计约 {responders:,.0f} 位响应，"
                        "预计利润 {profit}；随机联系同样多的客户约为 {random}。"),
    "pr_contact_how": ("Contact", "联系方式"),
    "pr_contact_top_k": ("The top K customers", "分数最高的 K 位客户"),
    "pr_contact_deciles": ("The top tenths", "分数最高的若干十分位"),
    "pr_contact_k": ("Customers to contact (K)", "联系客户数（K）"),
    "pr_contact_k_help": ("Starts at the best K of the profit curve.", "默认值为利润曲线上的最佳 K。"),
    "pr_contact_deciles_help": ("1 = the highest tenth of scores; 3 = the top 30%.", "1 = 分数最高的 10%；3 = 前 30%。"),
    "pr_contacts": ("Contacted", "联系人数"),
    "pr_contacts_help": ("Out of {total:,} customers scored.", "共 {total:,} 位被打分的客户。"),
    "pr_expected_responders": ("Expected responders", "预计响应人数"),
    "pr_expected_responders_help": ("The sum of their response chances; the change is against contacting as many at "
                                    "random ({random:,.1f}).",
                                    "这些客户响应概率之和；变化值与随机联系同样多客户（{random:,.1f}）相比。"),
    "pr_response_rate": ("Expected response rate", "预计响应率"),
    "pr_response_rate_help": ("Against {random:.1%} when contacting at random.", "随机联系时为 {random:.1%}。"),
    "pr_expected_profit": ("Expected profit", "预计利润"),
    "pr_expected_profit_help": ("Responders × margin − contacts × cost; the change is against {random} at random.",
                                "响应人数 × 毛利 − 联系人数 × 成本；变化值与随机联系（{random}）相比。"),
    "pr_best_k_metric": ("The profit curve peaks at K = {k:,}.", "利润曲线在 K = {k:,} 时最高。"),
    "pr_target_download": ("Download the target list", "下载目标名单"),
    # --- charts ---
    "prc_nothing": ("Nothing to draw", "没有可绘制的数据"),
    "prc_model_line": ("By the model's score", "按模型分数"),
    "prc_random_line": ("At random", "随机"),
    "prc_gains_x": ("Customers contacted, highest score first", "按分数从高到低联系的客户占比"),
    "prc_gains_y_churn": ("Share of churners found", "找到的流失客户占比"),
    "prc_gains_y_response": ("Share of responders found", "找到的响应客户占比"),
    "prc_gains_title_churn": ("Gains: churners found by risk", "收益曲线：按风险找到的流失客户"),
    "prc_gains_title_response": ("Gains: responders found by score", "收益曲线：按分数找到的响应客户"),
    "prc_gains_subtitle": ("The higher above the dashed line, the better", "曲线越高于虚线越好"),
    "prc_decile": ("Tenth (1 = highest scores)", "十分位（1 = 分数最高）"),
    "prc_lift": ("Lift", "提升度"),
    "prc_rate_churn": ("Churn rate", "流失率"),
    "prc_rate_response": ("Response rate", "响应率"),
    "prc_customers": ("Customers", "客户数"),
    "prc_lift_title": ("Lift by tenth", "各十分位的提升度"),
    "prc_lift_subtitle_churn": ("Churn rate of the tenth ÷ overall churn rate; 1 = random",
                                "该组流失率 ÷ 整体流失率；1 = 随机"),
    "prc_lift_subtitle_response": ("Response rate of the tenth ÷ overall rate; 1 = random",
                                   "该组响应率 ÷ 整体响应率；1 = 随机"),
    "prc_calib_x": ("Predicted chance", "预测概率"),
    "prc_calib_y_churn": ("Share who really churned", "实际流失比例"),
    "prc_calib_y_response": ("Share who really responded", "实际响应比例"),
    "prc_calib_title": ("Calibration: predicted against real", "校准：预测与实际对比"),
    "prc_calib_subtitle": ("On the dashed line, a score can be read as a probability", "落在虚线上时，分数可当作概率理解"),
    "prc_band": ("Score band", "分数区间"),
    "prc_importance_x": ("Fall in ROC AUC when shuffled", "打乱后 ROC AUC 的下降"),
    "prc_feature": ("Feature", "特征"),
    "prc_std": ("± (standard deviation)", "±（标准差）"),
    "prc_importance_title": ("What the model leans on", "模型最依赖的因素"),
    "prc_importance_subtitle": ("Permutation importance on customers the model did not learn from",
                                "在模型没学过的客户上计算的置换重要性"),
    "prc_risk": ("Churn risk", "流失风险"),
    "prc_value": ("Customer value ({currency})", "客户价值（{currency}）"),
    "prc_value_plain": ("Customer value", "客户价值"),
    "prc_customer": ("Customer", "客户"),
    "prc_at_risk": ("Value at risk", "风险价值"),
    "prc_group": ("Group", "分组"),
    "prc_quadrant_title": ("Value and risk", "价值与风险"),
    "prc_quadrant_subtitle": ("Dashed lines: the risk threshold and the median value", "虚线：风险阈值与价值中位数"),
    "prc_quadrant_capped": ("The {shown:,} customers with the most value at risk of {total:,}",
                            "共 {total:,} 位客户，显示风险价值最高的 {shown:,} 位"),
    "prc_by_score": ("Top K by score", "按分数取前 K 位"),
    "prc_at_random": ("K at random", "随机取 K 位"),
    "prc_contacted": ("Customers contacted (K)", "联系客户数（K）"),
    "prc_profit": ("Expected profit ({currency})", "预计利润（{currency}）"),
    "prc_profit_plain": ("Expected profit", "预计利润"),
    "prc_expected_responders": ("Expected responders", "预计响应人数"),
    "prc_profit_title": ("Expected profit by number contacted", "不同联系人数的预计利润"),
    "prc_best_k_subtitle": ("Best: K = {k:,}, expected profit {profit}", "最佳：K = {k:,}，预计利润 {profit}"),
    "prc_best_k_label": ("best K = {k:,}", "最佳 K = {k:,}"),
}
