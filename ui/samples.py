"""The bundled demo data: which sample file the session's language gets, and the one-click loads (the orders,
the customer file, the campaign results, the measurement pages' tables) into the session (:mod:`ui.state`)."""

from __future__ import annotations

from pathlib import Path

from crm_core.schema import DataError
from ui import state
from ui.i18n import lang

_SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
# The demo file in the session's language: English headers and values for English, Chinese ones for Chinese.
SAMPLE_FILES = {"en": _SAMPLES / "orders_en.xlsx", "zh": _SAMPLES / "orders_zh.csv"}


def sample_file() -> Path:
    """The demo file for the session's language."""
    return SAMPLE_FILES.get(lang(), SAMPLE_FILES["en"])


SAMPLE_CUSTOMER_FILES = {"en": _SAMPLES / "customers_en.csv", "zh": _SAMPLES / "customers_zh.csv"}


def load_sample_customers() -> None:
    """The sample's customer file (membership list with planted cases) in the session's language."""
    path = SAMPLE_CUSTOMER_FILES.get(lang(), SAMPLE_CUSTOMER_FILES["en"])
    state.set_customer_file(path.name, path.read_bytes(), file_id="sample")


# The demo campaign's results (customers of the sample, contacted, responded), in the session's language.
SAMPLE_CAMPAIGN_FILES = {"en": _SAMPLES / "campaign_results_en.csv", "zh": _SAMPLES / "campaign_results_zh.csv"}


def sample_campaign_file() -> Path | None:
    """The demo campaign results for the session's language, or None when the sample has none."""
    path = SAMPLE_CAMPAIGN_FILES.get(lang(), SAMPLE_CAMPAIGN_FILES["en"])
    return path if path.exists() else None


def load_sample_campaign_results() -> bool:
    """The demo campaign results become the session's campaign results (False when the file is missing)."""
    path = sample_campaign_file()
    if path is None:
        return False
    state.set_table("campaign_results", path.name, path.read_bytes(), file_id="sample")
    return True


# The measurement pages' demo tables, in the session's language (crm_core.sample writes them): a campaign's
# outcomes with its control group, the orders after the analysis date, customer journeys, three years of daily sales.
SAMPLE_MEASURE_FILES = {
    "campaign_outcomes": {"en": "campaign_outcomes_en.csv", "zh": "campaign_outcomes_zh.csv"},
    "later_orders": {"en": "orders_future_zh.csv", "zh": "orders_future_zh.csv"},
    "touchpoints": {"en": "touchpoints_en.csv", "zh": "touchpoints_zh.csv"},
    "sales_history": {"en": "daily_sales_en.csv", "zh": "daily_sales_zh.csv"},
}


def sample_measure_file(kind: str) -> Path | None:
    """The demo table of ``kind`` (a key of :data:`SAMPLE_MEASURE_FILES`) in the session's language, or None."""
    names = SAMPLE_MEASURE_FILES[kind]
    path = _SAMPLES / names.get(lang(), names["en"])
    return path if path.exists() else None


def load_sample_measure_tables() -> None:
    """The demo tables of the measurement pages become the session's (each one that the sample has)."""
    for kind in SAMPLE_MEASURE_FILES:
        path = sample_measure_file(kind)
        if path is not None:
            state.set_table(kind, path.name, path.read_bytes(), file_id="sample")


def load_sample() -> None:
    """One click: the demo orders, and the measurement pages' demo tables."""
    state.renew_uploader()
    path = sample_file()
    state.set_upload(path.name, path.read_bytes(), file_id="sample")
    load_sample_measure_tables()
    try:  # the measurement pages show money without reading the orders: the sample's ¥ from the start
        state.update_currency(state.upload())
    except DataError:
        pass
