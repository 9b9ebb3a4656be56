"""Labels of the Churn and Response pages (merged into ui.i18n.TEXT): key -> (English, Chinese)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_churn": ("Churn risk", "流失预警"),
    "nav_response": ("Campaign response", "营销响应预测"),
}
