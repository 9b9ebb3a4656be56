"""Messages of sales forecasts (crm_core.measure.forecast):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

FORECAST_MESSAGES: dict[str, dict[str, str]] = {
    # --- errors (DataError) ---
    "fc_bad_option": {
        "en": "The forecast option \u201c{option}\u201d cannot be {value}: choose {allowed}.",
        "zh": "预测选项\u201c{option}\u201d不能是 {value}：请选择 {allowed}。",
    },
    "fc_too_short": {
        "en": "The history has {periods} {unit}, too short to forecast {horizon} {unit} ahead with a backtest: it "
              "needs at least {needed} (the last {horizon} are held out to measure the error). Choose a horizon of "
              "at most {max_horizon}, weekly instead of monthly periods, or a longer history.",
        "zh": "历史数据只有 {periods} {unit}，不足以预测未来 {horizon} {unit}并做回测：至少需要 {needed} {unit}"
              "（最后 {horizon} {unit}留作检验误差）。请把预测期数改为不超过 {max_horizon}，改用按周，"
              "或提供更长的历史数据。",
    },
    "fc_too_short_any": {
        "en": "The history has {periods} {unit}, too short for any forecast with a backtest: it needs at least "
              "{needed}. Choose weekly instead of monthly periods, or give a longer history.",
        "zh": "历史数据只有 {periods} {unit}，不足以做任何带回测的预测：至少需要 {needed} {unit}。"
              "请改用按周，或提供更长的历史数据。",
    },
    "fc_no_history": {
        "en": "There are no sales to forecast{where}. Check the file, the date range or the group chosen.",
        "zh": "没有可用于预测的销售数据{where}。请检查文件、日期范围或所选分组。",
    },
    "fc_missing_column": {
        "en": "The sales table has no column \u201c{column}\u201d (its columns: {columns}). Choose one of its columns.",
        "zh": "销售表中没有\u201c{column}\u201d列（现有列：{columns}）。请选择表中已有的列。",
    },
    "fc_no_sales_columns": {
        "en": "Cannot tell which columns of {name} hold the date and the sales (its columns: {columns}). Name them "
              "e.g. date and revenue, or give order lines instead.",
        "zh": "无法判断 {name} 中哪一列是日期、哪一列是销售额（现有列：{columns}）。请把列名改为例如 日期 和 销售额，"
              "或改为提供订单明细。",
    },
    "fc_dates_unreadable": {
        "en": "Column {column}: {rows} of {total} rows have no readable date (e.g. {examples}). Write dates as "
              "2025-01-31 and load the table again.",
        "zh": "{column} 列：{total} 行中有 {rows} 行日期无法识别（例如 {examples}）。"
              "请把日期写成 2025-01-31 这样的格式后重新加载。",
    },
    "fc_values_unreadable": {
        "en": "Column {column}: {rows} of {total} rows have no readable number (e.g. {examples}). Keep only numbers "
              "such as 1234.50 in it and load the table again.",
        "zh": "{column} 列：{total} 行中有 {rows} 行数字无法识别（例如 {examples}）。"
              "请只保留 1234.50 这样的数字后重新加载。",
    },
    "fc_no_group_values": {
        "en": "The order lines have no {column} values, so there is nothing to forecast per {column}. Forecast the "
              "total instead, or map a {column} column when loading the orders.",
        "zh": "订单明细中没有{column}信息，无法按{column}分别预测。请改为预测总体，或在加载订单时映射{column}列。",
    },
    "fc_no_groups": {
        "en": "No customer groups were given for the per-segment forecast. Score the customers (RFM page) first, "
              "or forecast the total.",
        "zh": "没有提供客户分组，无法按客户分群预测。请先在 RFM 页面完成客户评分，或改为预测总体。",
    },
    # --- notes (what the forecast says about itself) ---
    "fc_partial_dropped": {
        "en": "Left out as only partly observed: {periods} (the data runs from {first} to {last}); a part-period "
              "would look like a drop in sales.",
        "zh": "以下期间只有部分数据，已剔除：{periods}（数据从 {first} 到 {last}）；不完整的期间会看起来像销售下滑。",
    },
    "fc_rows_excluded": {
        "en": "{rows} rows of the sales table were left out: {reasons}.",
        "zh": "销售表中有 {rows} 行未使用：{reasons}。",
    },
    "fc_unmatched_customers": {
        "en": "{lines} order lines of customers without a segment were left out of the per-segment series.",
        "zh": "有 {lines} 行订单的客户不属于任何分群，未计入分群序列。",
    },
    "fc_no_season": {
        "en": "Under two seasons ({needed} {unit}) before the last {horizon} {unit} held out for the backtest: the "
              "models have a trend but no seasonality, and the baseline repeats the last value (naive).",
        "zh": "留出最后 {horizon} {unit}做回测后，历史不足两个季节周期（{needed} {unit}）：模型只含趋势、不含季节性，"
              "基准改为重复最后一期的值（朴素预测）。",
    },
    "fc_multiplicative": {
        "en": "Seasonality taken as multiplicative: every period is positive and the seasonal swing grows with the "
              "level of sales ({model} fits the logarithm).",
        "zh": "季节性按乘法处理：每期销售均为正，且季节波动随销售水平放大（{model} 对取对数后的数据建模）。",
    },
    "fc_additive": {
        "en": "Seasonality taken as additive: {why}.",
        "zh": "季节性按加法处理：{why}。",
    },
    "fc_not_converged": {
        "en": "{model}: the fit did not fully converge; its forecast is shown, but compare it with the baseline.",
        "zh": "{model}：参数估计未完全收敛；仍显示其预测，但请与基准对比后再使用。",
    },
    "fc_model_failed": {
        "en": "{model} could not be fitted to this series ({detail}); the other model and the baseline are shown.",
        "zh": "{model} 无法拟合该序列（{detail}）；仅显示其他模型和基准。",
    },
}
