"""Formatting numbers for people: column configs for tables and short money strings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crm_core import export
from ui.i18n import lang

_MONEY_FORMAT = {"¥": "yen", "$": "dollar", "€": "euro"}
MONEY = ("monetary", "revenue", "avg_monetary", "avg_order_value", "gross_sales", "returns_value")
COUNTS = ("customers", "frequency", "recency_days", "tenure_days", "items", "lines")
LONG_TEXT = ("description", "action", "offer", "reason")
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
    """Share columns (0..1) as percentages (0..100), shown with one decimal by :func:`table_config`."""
    shares = [c for c in frame.columns if c.endswith("_share")]
    return frame.assign(**{c: frame[c] * 100 for c in shares})


def column_config(column: str, label: str, currency: str):
    """The config of one canonical column, shown under ``label``."""
    if column in MONEY:
        return money_column(label, currency)
    if column.endswith("_share"):
        return st.column_config.NumberColumn(label, format="%.1f%%")
    if column in COUNTS:
        return st.column_config.NumberColumn(label, format="localized")
    if column.startswith("avg_") or column == "orders_per_year":
        return st.column_config.NumberColumn(label, format="%.1f")
    if column.endswith("_date"):
        return st.column_config.DateColumn(label, format="YYYY-MM-DD")
    if column in LONG_TEXT:
        return st.column_config.TextColumn(label, width="large")
    return st.column_config.Column(label)


def table_config(columns, currency: str) -> dict:
    """Configs for a table whose columns are canonical names: formats plus localized labels."""
    return {c: column_config(c, export.column_label(c, lang()), currency) for c in columns}


def localized_table_config(columns, currency: str) -> dict:
    """Configs for a table whose headers are already localized (exported lists), keyed by those headers."""
    configs = {}
    for column in columns:
        label = export.column_label(column, lang())
        configs[label] = column_config(column, label, currency)
    return configs
