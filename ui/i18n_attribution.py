"""Labels of the Attribution page (app_pages/attribution.py, ui/attribution_view.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``at_`` (besides the page's ``nav_attribution``)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_attribution": ("Attribution", "渠道归因"),
}
