"""Labels of the customer360 page, in English and Chinese (merged into :data:`ui.i18n.TEXT`; keys must be new)."""

TEXT: dict[str, tuple[str, str]] = {
}
