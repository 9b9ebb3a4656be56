"""Messages of models (see crm_core.predict._messages)."""

MODEL_MESSAGES: dict[str, dict[str, str]] = {
    "predict_unknown_model": {
        "en": "There is no model called {model}. Choose one of: {known}.",
        "zh": "没有名为 {model} 的模型。请从以下模型中选择：{known}。",
    },
    "predict_too_few_cases": {
        "en": "Too few customers in one outcome to compare models: {positives} with the outcome and {negatives} "
              "without, but each of the {folds} cross-validation folds needs some of both. Use a longer period, "
              "more customers or fewer folds.",
        "zh": "有结果的客户 {positives} 位、没有结果的客户 {negatives} 位，其中一类太少，无法比较模型："
              "{folds} 折交叉验证的每一折都需要两类客户。请延长时间范围、增加客户或减少折数。",
    },
    "predict_leak_near_perfect": {
        "en": "The column {feature} alone predicts the outcome almost perfectly (ROC AUC {auc:.2f}). It is probably "
              "known only after the outcome (or is the outcome in other words): check it and exclude it.",
        "zh": "仅凭列 {feature} 就几乎能完美预测结果（曲线下面积 {auc:.2f}）。它很可能是在结果发生之后才知道的"
              "（或者就是结果本身的另一种说法）：请检查并排除该列。",
    },
    "predict_leak_after_contact": {
        "en": "The column {feature} is known only after the contact (e.g. call duration), so it cannot be used to "
              "choose whom to contact. Exclude it.",
        "zh": "列 {feature} 只有在联系客户之后才知道（例如通话时长），不能用来决定联系谁。请排除该列。",
    },
}
