"""Labels of the A/B test page (app_pages/abtest.py, ui/abtest_view.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``ab_`` (besides the page's ``nav_abtest``)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_abtest": ("A/B test", "A/B 测试"),
}
