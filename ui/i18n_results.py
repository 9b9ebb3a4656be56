"""Labels of the Campaign results page (app_pages/campaign_results.py, ui/results_view.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``cr_`` (besides the page's ``nav_results``)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_results": ("Campaign results", "营销效果"),
}
