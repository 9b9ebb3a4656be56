"""Test-wide settings."""

import os

# Streamlit logs "No runtime found" / "missing ScriptRunContext" warnings for every cached call made outside
# a running app (AppTest, direct imports); they say nothing about the code under test.
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
