"""Session-wide fixtures for the AppTest suite (helpers live in app_helpers.py)."""

from dataclasses import replace

import pytest
import streamlit as st
from app_helpers import ROOT, SAMPLE, make_upload

from crm_core import pipeline
from ui import cached
from ui.state import Upload


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="session")
def sample_upload(sample_bytes) -> Upload:
    return make_upload(SAMPLE.name, sample_bytes)


@pytest.fixture(scope="session")
def sample_loaded(sample_bytes) -> pipeline.Loaded:
    """The sample read and cleaned by crm_core directly, with the app's default settings."""
    return pipeline.load(sample_bytes, SAMPLE.name)


@pytest.fixture(scope="session")
def sample_as_loaded(sample_upload) -> Upload:
    """The sample as "Load sample data" sets it (the demo tables, e.g. the campaign results, are offered for it
    only)."""
    return replace(sample_upload, file_id="sample")


PREDICT_TABLES = ROOT / "tests" / "data" / "app_predict"  # customer tables of the Churn and Response pages


@pytest.fixture(scope="session")
def telco() -> Upload:
    """The Telco-like customer table (tests/data/app_predict/telco_small.csv) as uploaded."""
    path = PREDICT_TABLES / "telco_small.csv"
    return make_upload(path.name, path.read_bytes())


@pytest.fixture(scope="session")
def bank() -> Upload:
    """The Bank-like customer table (tests/data/app_predict/bank_small.csv) as uploaded."""
    path = PREDICT_TABLES / "bank_small.csv"
    return make_upload(path.name, path.read_bytes())


@pytest.fixture(scope="session")
def sample_scored(sample_loaded):
    """RFM scores of the sample as the app computes them by default (quintiles, 11 segments)."""
    return pipeline.rfm_scores(sample_loaded.result)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every download the app draws, by key (or label), as the bytes the browser would save."""
    offered: dict[str, bytes] = {}
    original = st.download_button

    def recording(label, data=None, *args, **kwargs):
        offered[kwargs.get("key") or label] = data.encode("utf-8") if isinstance(data, str) else data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    cached.list_file.clear()  # the Export page's file is written once per choice: record this test's
    yield offered
    cached.list_file.clear()
