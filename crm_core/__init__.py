"""Analytical CRM core: pure analysis functions over pandas DataFrames (no Streamlit here)."""

__version__ = "0.1.0"
