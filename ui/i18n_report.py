"""Labels of the Report page (app_pages/report.py, ui/report_view.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``rp_`` (besides the page's ``nav_report``)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_report": ("Report", "客户报告"),
}
