"""Formatting numbers for people: column configs for tables and short money strings."""

from __future__ import annotations

import streamlit as st

from crm_core import export
from ui.i18n import lang

_MONEY_FORMAT = {"¥": "yen", "$": "dollar", "€": "euro"}


def money_text(value: float, currency: str) -> str:
    return f"{currency}{value:,.0f}" if abs(value) >= 1000 else f"{currency}{value:,.2f}"


def money_column(label: str, currency: str) -> st.column_config.NumberColumn:
    fmt = _MONEY_FORMAT.get(currency)
    if fmt is None:
        return st.column_config.NumberColumn(f"{label} ({currency})", format="accounting")
    return st.column_config.NumberColumn(label, format=fmt)


def table_config(columns, currency: str) -> dict:
    """Column configs for a table of canonical columns: money, %, counts and dates formatted, labels localized."""
    config = {}
    for column in columns:
        label = export.column_label(column, lang())
        if column in ("monetary", "revenue", "avg_monetary", "avg_order_value", "gross_sales", "returns_value"):
            config[column] = money_column(label, currency)
        elif column.endswith("_share"):
            config[column] = st.column_config.NumberColumn(label, format="percent")
        elif column in ("customers", "frequency", "recency_days", "tenure_days", "items", "lines"):
            config[column] = st.column_config.NumberColumn(label, format="localized")
        elif column.startswith("avg_"):
            config[column] = st.column_config.NumberColumn(label, format="%.1f")
        elif column.endswith("_date"):
            config[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif column == "orders_per_year":
            config[column] = st.column_config.NumberColumn(label, format="%.1f")
        else:
            config[column] = st.column_config.Column(label)
    return config
