"""Labels of the A/B test page (app_pages/abtest.py, ui/abtest_view.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``ab_`` (besides the page's ``nav_abtest``)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_abtest": ("A/B test", "A/B 测试"),
    "ab_intro": ("Did one version convert better than the other? Each variant's rate with its interval, the "
                 "difference and lift against the baseline, the p-value, the chance each variant is best, and "
                 "how many customers a test needs.",
                 "哪个版本的转化更好？每个版本的转化率及置信区间、相对对照版本的差异和提升、p 值、每个版本是最优的概率，"
                 "以及一次测试需要多少顾客。"),
    # --- source ---
    "ab_source": ("Results from", "数据来源"),
    "ab_source_typed": ("Counts typed in", "手动输入数据"),
    "ab_source_upload": ("A results file", "上传结果文件"),
    "ab_source_outcomes": ("The campaign outcomes", "营销活动结果"),
    "ab_typed_help": ("One row per variant: its name, how many customers got it, how many converted. Add rows for "
                      "an A/B/n test; the example is yours to change.",
                      "每个版本一行：名称、收到该版本的人数、转化人数。A/B/n 测试可添加多行；示例数据可直接修改。"),
    "ab_col_variant": ("Variant", "版本"),
    "ab_col_visitors": ("Visitors", "人数"),
    "ab_col_conversions": ("Conversions", "转化数"),
    "ab_example_a": ("¥8 off ¥30", "满30减8"),
    "ab_example_b": ("¥5 off ¥20", "满20减5"),
    "ab_reset_example": ("Back to the example", "恢复示例数据"),
    "ab_upload": ("Test results (CSV or Excel)", "测试结果文件（CSV 或 Excel）"),
    "ab_upload_help": ("One row per customer with the variant and the outcome (success, refused...), or one row per "
                       "variant (or per variant and day) with visitors and conversions.",
                       "每位顾客一行（版本和结果：成功、拒绝……），或每个版本（或每个版本每天）一行（人数和转化数）。"),
    "ab_upload_first": ("Upload a test's results above.", "请在上方上传测试结果。"),
    "ab_outcomes_none": ("No campaign outcomes in this session: upload them on the Campaign results page, or use "
                         "**Load sample** in the sidebar.",
                         "本次会话中还没有营销活动结果：请在\u201c营销效果\u201d页面上传，或点击侧边栏的 **加载示例数据**。"),
    "ab_outcomes_demo": ("Use the demo campaign outcomes", "使用示例营销结果"),
    "ab_outcomes_in_use": ("Campaign outcomes: **{name}** — the offers compared among the target group (control "
                           "rows left out).", "营销活动结果：**{name}**——在目标组内比较各优惠方案（不含对照组）。"),
    "ab_columns": ("Columns", "列"),
    "ab_columns_help": ("Proposed from the headers; change any that is wrong. Choose an outcome column for one row "
                        "per customer, or visitors and conversions for one row per variant.",
                        "根据表头自动识别，如有错误请修改。每位顾客一行时选择结果列；每个版本一行时选择人数列和转化数列。"),
    "ab_role_variant": ("Variant", "版本"),
    "ab_role_outcome": ("Outcome", "结果"),
    "ab_role_visitors": ("Visitors", "人数"),
    "ab_role_conversions": ("Conversions", "转化数"),
    "ab_role_revenue": ("Revenue", "金额"),
    "ab_role_group": ("Target/control group", "目标组/对照组"),
    "ab_none": ("— none —", "— 无 —"),
    # --- options ---
    "ab_options": ("Options", "选项"),
    "ab_confidence": ("Confidence", "置信水平"),
    "ab_confidence_help": ("Of every interval, and of \u201csignificant\u201d (p below 1 − confidence).",
                           "所有置信区间的水平，也决定\u201c显著\u201d的标准（p 小于 1 − 置信水平）。"),
    "ab_test": ("Test", "检验方法"),
    "ab_test_z": ("z-test", "z 检验"),
    "ab_test_chi2": ("Chi-square", "卡方检验"),
    "ab_test_help": ("z: two-proportion z-test of each variant against the baseline. Chi-square: the same 2 × 2 "
                     "comparison with Yates's correction (a little more cautious).",
                     "z：每个版本与对照版本的两比例 z 检验。卡方：同样的 2 × 2 比较，带 Yates 校正（略为保守）。"),
    "ab_baseline": ("Baseline", "对照版本"),
    "ab_baseline_help": ("The variant the others are compared with (usually what you do today).",
                         "其他版本与之比较的版本（通常是现行方案）。"),
    # --- results ---
    "ab_m_variants": ("Variants", "版本数"),
    "ab_m_visitors": ("Customers in the test", "参与测试人数"),
    "ab_m_best": ("Most likely best", "最可能最优"),
    "ab_m_best_share": ("{share} probability of being best", "是最优版本的概率为 {share}"),
    "ab_m_best_help": ("The variant with the highest chance of truly converting best, from the Beta posteriors of "
                       "each variant's rate.", "根据各版本转化率的 Beta 后验分布，真实转化率最高的可能性最大的版本。"),
    "ab_m_overall": ("All alike? (chi-square p)", "是否相同（卡方 p 值）"),
    "ab_m_overall_help": ("The chi-square test over all variants at once: a small p-value says they do not all "
                          "convert alike.", "对所有版本同时做卡方检验：p 值很小说明各版本的转化率并不都相同。"),
    "ab_results": ("Results", "结果"),
    "ab_t_variant": ("Variant", "版本"),
    "ab_t_visitors": ("Visitors", "人数"),
    "ab_t_conversions": ("Conversions", "转化数"),
    "ab_t_rate": ("Rate", "转化率"),
    "ab_t_rate_ci": ("Rate {level} CI", "转化率 {level} 置信区间"),
    "ab_t_diff": ("Difference (points)", "差异（百分点）"),
    "ab_t_diff_ci": ("Difference {level} CI", "差异 {level} 置信区间"),
    "ab_t_lift": ("Lift", "相对提升"),
    "ab_t_lift_ci": ("Lift {level} CI", "提升 {level} 置信区间"),
    "ab_t_p": ("p-value", "p 值"),
    "ab_t_significant": ("Significant", "显著"),
    "ab_t_power": ("Power", "检验功效"),
    "ab_t_best": ("Probability best", "最优概率"),
    "ab_t_revenue": ("Revenue", "金额"),
    "ab_t_rpv": ("Revenue per visitor", "人均金额"),
    "ab_baseline_row": ("baseline", "对照"),
    "ab_yes": ("yes", "是"),
    "ab_no": ("no", "否"),
    "ab_verdict": ("Verdict", "结论"),
    # --- charts ---
    "ab_chart_rates": ("Conversion rate with its {level} interval", "转化率及其 {level} 置信区间"),
    "ab_chart_rates_sub": ("The dashed line is the baseline's rate.", "虚线为对照版本的转化率。"),
    "ab_chart_rate": ("Conversion rate", "转化率"),
    "ab_chart_low": ("Low", "下限"),
    "ab_chart_high": ("High", "上限"),
    "ab_chart_best": ("Probability of being best", "是最优版本的概率"),
    "ab_chart_best_sub": ("From 20,000 draws of each variant's plausible rate.",
                          "基于每个版本可能转化率的 20,000 次抽样。"),
    "ab_chart_share": ("Probability", "概率"),
    "ab_chart_variant": ("Variant", "版本"),
    # --- planning ---
    "ab_planning": ("Planning: how many customers does a test need?", "测试规划：一次测试需要多少顾客？"),
    "ab_plan_base": ("Base rate (%)", "基准转化率（%）"),
    "ab_plan_base_help": ("The conversion rate you expect without the change (the baseline's today).",
                          "不做改变时预期的转化率（即目前对照版本的转化率）。"),
    "ab_plan_effect": ("Smallest effect worth finding (points)", "希望发现的最小效果（百分点）"),
    "ab_plan_effect_help": ("e.g. 2 = from 18% to 20%. Smaller effects need many more customers.",
                            "例如 2 表示从 18% 提高到 20%。效果越小，需要的顾客越多。"),
    "ab_plan_alpha": ("Significance level α", "显著性水平 α"),
    "ab_plan_power": ("Power", "检验功效"),
    "ab_plan_power_help": ("The chance the test finds the effect if it is real; 80% is the usual choice.",
                           "效果真实存在时，测试能发现它的概率；通常取 80%。"),
    "ab_plan_n": ("Customers per variant", "每个版本所需顾客数"),
    "ab_plan_total": ("{n:,} in all for {k} variants", "{k} 个版本共需 {n:,} 位"),
    "ab_plan_current": ("Power of this test", "本次测试的检验功效"),
    "ab_plan_current_help": ("The chance a test with these numbers of customers finds the difference observed "
                             "(for the comparison that is least sure).",
                             "以本次测试的人数，发现所观察到差异的概率（取把握最小的那组比较）。"),
    "ab_plan_formula": ("Two-sided test, normal approximation with the pooled rate under no difference (the formula "
                        "of R's power.prop.test).",
                        "双侧检验，正态近似，无差异假设下使用合并转化率（与 R 的 power.prop.test 公式相同）。"),
    "ab_plan_no_power": ("–", "–"),
    "ab_plan_too_small": ("Too small to decide: this test had {power} power for the difference it saw. Plan about "
                          "{n:,} customers per variant to tell a difference that size from chance.",
                          "样本太少，无法下结论：本次测试发现所见差异的把握只有 {power}。要把这么大的差异与偶然区分开，"
                          "每个版本约需 {n:,} 位顾客。"),
    "ab_plan_too_small_no_n": ("Too small to decide: this test had {power} power for the difference it saw.",
                               "样本太少，无法下结论：本次测试发现所见差异的把握只有 {power}。"),
    # --- download ---
    "ab_download": ("Download the results (Excel)", "下载结果（Excel）"),
}
