"""Labels of the Lifetime value page (merged into ui.i18n.TEXT): key -> (English, Chinese)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_clv": ("Lifetime value", "客户终身价值"),
}
