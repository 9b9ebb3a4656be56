"""Test-wide settings."""

import os

# Streamlit logs "No runtime found" / "missing ScriptRunContext" warnings for every cached call made outside
# a running app (AppTest, direct imports); they say nothing about the code under test.
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

from hypothesis import settings  # noqa: E402

# CI runs every property test on the same examples (derandomize), so a green run stays green; local runs
# keep exploring new random examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
