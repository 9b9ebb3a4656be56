"""Session-state keys, the shared upload, and the guards at the top of each page.

Everything a user uploads lives only in this session's state (memory); caches are
keyed on the upload's SHA-256, so two sessions never share results of different files.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st

from crm_core import rfm
from crm_core.schema import ColumnMapping, DataError, IngestOptions, ReadOptions
from ui import cached
from ui.i18n import lang, t

UPLOAD = "upload"
READ_OPTIONS = "read_options"
MAPPING = "mapping"
INGEST_OPTIONS = "ingest_options"
CURRENCY = "currency"
AS_OF = "as_of"
RFM_PARAMS = "rfm_params"
SUMMARY = "summary"
# Bumped to give the uploader a new key, so a cleared or replaced file is not re-read from the widget.
UPLOADER_GEN = "uploader_gen"

SAMPLE_FILE = Path(__file__).resolve().parent.parent / "sample_data" / "orders_zh.csv"
CURRENCIES = ("¥", "$", "€", "£")


@dataclass(frozen=True)
class Upload:
    """The file this session works on."""

    name: str
    data: bytes
    digest: str
    file_id: str = ""


def set_upload(name: str, data: bytes, *, file_id: str = "") -> None:
    """Make ``data`` the session's file and reset the settings that belong to the previous file."""
    st.session_state[UPLOAD] = Upload(name=name, data=data, digest=hashlib.sha256(data).hexdigest(), file_id=file_id)
    for key in (READ_OPTIONS, MAPPING, AS_OF, SUMMARY):
        st.session_state.pop(key, None)
    # A date-order answer belongs to the file it was given for.
    options = st.session_state.get(INGEST_OPTIONS)
    if options is not None and options.day_first is not None:
        st.session_state[INGEST_OPTIONS] = dataclasses.replace(options, day_first=None)


def _reset_uploader() -> None:
    st.session_state[UPLOADER_GEN] = st.session_state.get(UPLOADER_GEN, 0) + 1


def uploader_key() -> str:
    return f"uploader_{st.session_state.get(UPLOADER_GEN, 0)}"


def load_sample() -> None:
    _reset_uploader()
    set_upload(SAMPLE_FILE.name, SAMPLE_FILE.read_bytes(), file_id="sample")


def clear_data() -> None:
    """'Clear my data': forget the upload and everything derived from it in this session."""
    _reset_uploader()
    for key in (UPLOAD, READ_OPTIONS, MAPPING, INGEST_OPTIONS, AS_OF, RFM_PARAMS, SUMMARY):
        st.session_state.pop(key, None)


def upload() -> Upload | None:
    return st.session_state.get(UPLOAD)


def read_options() -> ReadOptions:
    return st.session_state.get(READ_OPTIONS, ReadOptions())


def ingest_options() -> IngestOptions:
    return st.session_state.get(INGEST_OPTIONS, IngestOptions())


def currency() -> str:
    return st.session_state.get(CURRENCY, "¥")


def rfm_params() -> rfm.RfmParams:
    return st.session_state.get(RFM_PARAMS, rfm.RfmParams())


def mapping(up: Upload) -> ColumnMapping:
    """The user's mapping, or the suggested one for this file."""
    chosen = st.session_state.get(MAPPING)
    if chosen is not None:
        return chosen
    return cached.suggested_mapping(up.digest, up.data, up.name, read_options())


def ingest_key(up: Upload) -> tuple:
    """Arguments that identify one cleaned data set (the upload's hash plus every setting)."""
    return (up.digest, up.data, up.name, read_options(), mapping(up), ingest_options())


def require_upload() -> Upload:
    """Stop the page with a pointer to the upload page when no file is loaded."""
    up = upload()
    if up is None:
        st.info(t("upload_first"))
        st.page_link("app_pages/data.py", label=t("go_to_upload"), icon="📤")
        st.stop()
    return up


def require_data() -> tuple[Upload, dict]:
    """Facts about the cleaned data (small and cached), or stop with the problem in plain words.

    The first call for a file does the full read and clean, with a spinner; later calls hit the cache.
    """
    up = require_upload()
    try:
        with st.spinner(t("reading", name=up.name)):
            summary = cached.ingest_summary(*ingest_key(up))
    except DataError as exc:
        st.error(exc.text(lang()))
        st.page_link("app_pages/data.py", label=t("go_to_upload"), icon="📤")
        st.stop()
    st.session_state[SUMMARY] = (up.digest, summary)
    return up, summary


def known_summary(up: Upload) -> dict | None:
    """The summary a page computed for this upload, if any (for the sidebar; never computes)."""
    entry = st.session_state.get(SUMMARY)
    return entry[1] if entry and entry[0] == up.digest else None


def as_of(default: date) -> date:
    return st.session_state.get(AS_OF) or default
