"""Formatting numbers for people: column configs for tables and short money strings.

Every column's label and display format come from the one column registry (:mod:`crm_core.columns`):
a column added there is labelled and formatted here with no change to this module.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core import columns as registry
from ui.i18n import lang

_MONEY_FORMAT = {"¥": "yen", "$": "dollar", "€": "euro"}
ROW_HEIGHT = 35


def money_text(value: float, currency: str) -> str:
    return f"{currency}{value:,.0f}" if abs(value) >= 1000 else f"{currency}{value:,.2f}"


def money_column(label: str, currency: str) -> st.column_config.NumberColumn:
    fmt = _MONEY_FORMAT.get(currency)
    if fmt is None:
        return st.column_config.NumberColumn(f"{label} ({currency})", format="accounting")
    return st.column_config.NumberColumn(label, format=fmt)


def fit_height(rows: int, *, limit: int = 15) -> int:
    """Pixel height showing ``rows`` rows (up to ``limit``) plus the header, so short tables never scroll."""
    return ROW_HEIGHT * (min(rows, limit) + 1) + 3


def percent_for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Percent columns (fractions 0..1 in the registry) as percentages (0..100), shown with one decimal by
    :func:`table_config`."""
    shares = [c for c in frame.columns if (entry := registry.column(c)) is not None and entry.kind == "percent"]
    return frame.assign(**{c: frame[c] * 100 for c in shares})


def column_config(column: str, label: str, currency: str):
    """The config of one canonical column, shown under ``label``, from its registry entry's display format."""
    entry = registry.column(column)
    display = entry.display_format if entry is not None else "text"
    if display == "money":
        return money_column(label, currency)
    if display == "date":
        return st.column_config.DateColumn(label, format="YYYY-MM-DD")
    if display == "long_text":
        return st.column_config.TextColumn(label, width="large")
    if display == "text":
        return st.column_config.Column(label)
    if display == "plain":
        return st.column_config.NumberColumn(label)
    return st.column_config.NumberColumn(label, format=display)  # "localized", "%.1f", "%.1f%%"


def table_config(columns, currency: str) -> dict:
    """Configs for a table whose columns are canonical names: formats plus localized labels."""
    return {c: column_config(c, registry.label(c, lang()), currency) for c in columns}


def localized_table_config(columns, currency: str) -> dict:
    """Configs for a table whose headers are already localized (exported lists), keyed by those headers."""
    configs = {}
    for column in columns:
        label = registry.label(column, lang())
        configs[label] = column_config(column, label, currency)
    return configs
