"""Messages of A/B/n tests (crm_core.measure.abtest):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

ABTEST_MESSAGES: dict[str, dict[str, str]] = {
    "ab_too_few_variants": {
        "en": "An A/B test needs at least two variants with their counts; found {count} ({names}). Add a row per "
              "variant: its name, how many customers got it, how many converted.",
        "zh": "对比测试至少需要两个版本及其数据，目前只有 {count} 个（{names}）。"
              "请为每个版本填写一行：名称、收到该版本的人数、转化人数。",
    },
    "ab_blank_name": {
        "en": "Row {row} of the counts has numbers but no variant name. Name the variant (e.g. \u201cA\u201d or the "
              "offer) or delete the row.",
        "zh": "数据第 {row} 行有数字但没有版本名称。请填写版本名称（如\u201cA\u201d或优惠方案），或删除该行。",
    },
    "ab_duplicate_variant": {
        "en": "The variant \u201c{variant}\u201d appears twice in the counts. Give each variant one row (add the "
              "counts up) or rename one of them.",
        "zh": "版本\u201c{variant}\u201d出现了两次。请每个版本只填一行（把数字相加），或将其中一个改名。",
    },
    "ab_bad_count": {
        "en": "The column \u201c{column}\u201d holds \u201c{value}\u201d (rows {rows}), not a whole number of "
              "customers. Write counts such as 1000 or 1,000.",
        "zh": "\u201c{column}\u201d列中的\u201c{value}\u201d（第 {rows} 行）不是整数人数。"
              "请填写人数，例如 1000 或 1,000。",
    },
    "ab_bad_count_variant": {
        "en": "The {what} of variant \u201c{variant}\u201d is \u201c{value}\u201d, not a whole number of customers. "
              "Write a count such as 1000.",
        "zh": "版本\u201c{variant}\u201d的{what}为\u201c{value}\u201d，不是整数人数。请填写人数，例如 1000。",
    },
    "ab_negative_count": {
        "en": "The {what} of variant \u201c{variant}\u201d is {value}: a count cannot be negative. Correct it.",
        "zh": "版本\u201c{variant}\u201d的 {what} 为 {value}：人数不能为负数，请更正。",
    },
    "ab_no_visitors": {
        "en": "Nobody got variant \u201c{variant}\u201d (0 visitors), so it has no rate. Enter how many customers got "
              "it, or delete its row.",
        "zh": "版本\u201c{variant}\u201d的人数为 0，无法计算转化率。请填写收到该版本的人数，或删除该行。",
    },
    "ab_more_conversions": {
        "en": "Variant \u201c{variant}\u201d has {conversions:,} conversions but only {visitors:,} visitors. "
              "Conversions count customers who got the variant, so they cannot exceed its visitors: check the two "
              "columns are not swapped.",
        "zh": "版本\u201c{variant}\u201d的转化数（{conversions:,}）超过了人数（{visitors:,}）。"
              "转化人数只能来自收到该版本的顾客，不能超过人数：请检查两列是否填反。",
    },
    "ab_unknown_baseline": {
        "en": "The baseline \u201c{baseline}\u201d is not one of the variants ({variants}). Choose one of them, "
              "or leave the baseline empty to compare with the first variant.",
        "zh": "对照版本\u201c{baseline}\u201d不在版本列表中（{variants}）。请从中选择一个，或留空以与第一个版本比较。",
    },
    "ab_bad_confidence": {
        "en": "The confidence level {value} cannot be used: choose a level from 0.5 to 0.999, e.g. 0.95 for 95%.",
        "zh": "置信水平 {value} 无法使用：请选择 0.5 至 0.999 之间的值，例如 0.95 表示 95%。",
    },
    "ab_bad_test": {
        "en": "The test \u201c{value}\u201d is not known: choose {choices} (z: two-proportion z-test; "
              "chi2: chi-square).",
        "zh": "检验方法\u201c{value}\u201d无法识别：请选择 {choices}"
              "（\u201cz\u201d为两比例正态检验，\u201cchi2\u201d为卡方检验）。",
    },
    "ab_bad_planning": {
        "en": "A base rate of {base} with an effect of {effect} points cannot be planned: both rates must lie between "
              "0% and 100% and the effect cannot be 0.",
        "zh": "基准转化率 {base}、效果 {effect} 个百分点无法计算：两个转化率都必须在 0% 到 100% 之间，且效果不能为 0。",
    },
    "ab_bad_planning_level": {
        "en": "The significance level {alpha} and the power {power} must both lie between 0 and 1 (e.g. 0.05 and "
              "0.8).",
        "zh": "显著性水平 {alpha} 和检验功效 {power} 都必须在 0 和 1 之间（例如 0.05 和 0.8）。",
    },
    "ab_bad_planning_n": {
        "en": "The power needs at least one customer per variant; {n} was given.",
        "zh": "计算检验功效每个版本至少需要 1 位顾客，当前为 {n}。",
    },
    "ab_empty_table": {
        "en": "The results file has no data rows. Export the test's results again with one row per customer or per "
              "variant.",
        "zh": "结果文件没有数据行。请重新导出测试结果：每位顾客一行，或每个版本一行。",
    },
    "ab_missing_column": {
        "en": "The column \u201c{column}\u201d is not in the file. Its columns are: {columns}.",
        "zh": "文件中没有\u201c{column}\u201d列。文件的列为：{columns}。",
    },
    "ab_no_outcome": {
        "en": "Choose how the results are counted: an outcome column (one row per customer: success, refused...) or "
              "a visitors and a conversions column (one row per variant). The file's columns: {columns}.",
        "zh": "请选择结果的计算方式：结果列（每位顾客一行：成功、拒绝……），"
              "或人数列和转化数列（每个版本一行）。文件的列为：{columns}。",
    },
    "ab_blank_variant": {
        "en": "{count:,} rows have no variant in the column \u201c{column}\u201d (rows {rows}). Fill them in or remove "
              "them.{group_hint}",
        "zh": "\u201c{column}\u201d列中有 {count:,} 行没有版本（第 {rows} 行）。请补全或删除这些行。{group_hint}",
    },
    "ab_bad_revenue": {
        "en": "The column \u201c{column}\u201d holds \u201c{value}\u201d (rows {rows}), which is not an amount of "
              "money. Write amounts such as 88 or 1,299.50, or choose no revenue column.",
        "zh": "\u201c{column}\u201d列中的\u201c{value}\u201d（第 {rows} 行）不是金额。"
              "请填写如 88 或 1,299.50 的金额，或不选金额列。",
    },
    "ab_negative_value": {
        "en": "The column \u201c{column}\u201d holds {value} (rows {rows}): counts and revenue cannot be negative. "
              "Correct these rows.",
        "zh": "\u201c{column}\u201d列中有 {value}（第 {rows} 行）：人数和金额不能为负数。请更正这些行。",
    },
    "ab_no_target_rows": {
        "en": "Every row of the file is in the control group (column \u201c{column}\u201d), so no variant was sent. "
              "Choose another group column, or none.",
        "zh": "文件中所有行都属于对照组（\u201c{column}\u201d列），没有发出任何版本。请选择其他组别列，或不选。",
    },
    "ab_no_variant_column": {
        "en": "No column of the file names the variants (A, B or the offers). Its columns are: {columns}. Choose the "
              "variant column under Columns.",
        "zh": "文件中没有找到标明版本（如\u201cA\u201d\u201cB\u201d或优惠方案）的列。"
              "文件的列为：{columns}。请在\u201c列\u201d中选择版本列。",
    },
    "ab_no_variant_column_cli": {
        "en": "No column of the file names the variants (A, B or the offers). Its columns are: {columns}. Give the "
              "column with --variant.",
        "zh": "文件中没有找到标明版本（如\u201cA\u201d\u201cB\u201d或优惠方案）的列。"
              "文件的列为：{columns}。请用 --variant 指定该列。",
    },
}
