"""Labels of the Forecast page (app_pages/forecast.py, ui/forecast_view.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``fc_`` (besides the page's ``nav_forecast``)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_forecast": ("Forecast", "销售预测"),
}
