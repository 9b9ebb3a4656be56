"""Messages of clv (see crm_core.predict._messages): customer lifetime value.

Plain data, no import from crm_core.  ``clv_too_few_repeat`` and ``clv_fit_failed`` are the notes of
:class:`crm_core.predict.clv.ClvResult` (why the formula was used); they take ``repeat`` (repeat customers) and
``minimum`` (the least the model needs).
"""

CLV_MESSAGES: dict[str, dict[str, str]] = {
    "clv_too_few_repeat": {
        "en": "Only {repeat} customers bought more than once before the analysis date, and the purchase model "
              "(BG/NBD with Gamma-Gamma) is unreliable with fewer than {minimum}. Lifetime value is therefore "
              "computed with the simple formula (average order value x purchases per year x expected years x "
              "margin). Add more order history (a longer period) to use the model.",
        "zh": "分析日期之前只有 {repeat} 位客户购买过不止一次，而购买与消费概率模型在少于 {minimum} "
              "位复购客户时并不可靠。因此终身价值改用简单公式计算（平均订单金额 × 每年购买次数 × 预期年数 × 毛利率）。"
              "如需使用模型，请补充更多订单历史（更长的时间段）。",
    },
    "clv_fit_failed": {
        "en": "The purchase model (BG/NBD with Gamma-Gamma) could not be fitted to these orders ({repeat} repeat "
              "customers), so lifetime value is computed with the simple formula (average order value x purchases "
              "per year x expected years x margin). Check that the order dates and amounts are right, or use a "
              "longer period of orders.",
        "zh": "购买与消费概率模型无法拟合这些订单（{repeat} 位复购客户），因此终身价值改用简单公式"
              "计算（平均订单金额 × 每年购买次数 × 预期年数 × 毛利率）。请检查订单日期和金额是否正确，"
              "或使用更长时间段的订单。",
    },
    "clv_no_customers": {
        "en": "No customer bought anything before the analysis date {as_of}, so there is no lifetime value to "
              "compute. Choose a later analysis date (the first purchase is on {first}).",
        "zh": "分析日期 {as_of} 之前没有任何客户购买，无法计算终身价值。请选择更晚的分析日期（最早的购买在 {first}）。",
    },
    "clv_bad_choice": {
        "en": "The lifetime value setting {name} cannot be {value}: {allowed}. Change it in the settings.",
        "zh": "终身价值设置 {name} 不能为 {value}：{allowed}。请在设置中修改。",
    },
    "clv_backtest_dates": {
        "en": "The backtest needs the calibration end ({calibration_end}) before the hold-out end ({holdout_end}), "
              "both inside the orders ({first} to {last}). Choose dates in that range.",
        "zh": "回测要求校准期结束日（{calibration_end}）早于验证期结束日（{holdout_end}），且都在订单日期范围内"
              "（{first} 至 {last}）。请在该范围内选择日期。",
    },
    "clv_backtest_fit_failed": {
        "en": "The purchase model could not be fitted on the orders before {calibration_end} ({customers} customers, "
              "{repeat} of them bought more than once), so there is no backtest. Choose a later calibration end, "
              "so that more customers have bought twice before it.",
        "zh": "无法用 {calibration_end} 之前的订单拟合购买模型（{customers} 位客户，其中 {repeat} 位购买过不止一次），"
              "因此无法回测。请选择更晚的校准期结束日，让更多客户在此之前有过复购。",
    },
}
