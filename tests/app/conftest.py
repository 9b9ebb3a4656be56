"""Session-wide fixtures for the AppTest suite (helpers live in app_helpers.py)."""

import pytest
from app_helpers import SAMPLE, make_upload

from crm_core import pipeline
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
def sample_scored(sample_loaded):
    """RFM scores of the sample as the app computes them by default (quintiles, 11 segments)."""
    return pipeline.rfm_scores(sample_loaded.result)
