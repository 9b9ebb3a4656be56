"""Session-state keys, the shared upload, and the guards at the top of each page.

Everything a user uploads lives only in this session's state (memory); caches are
keyed on the upload's SHA-256, so two sessions never share results of different files.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import streamlit as st

from crm_core.schema import ColumnMapping, DataError, IngestOptions, ReadOptions
from crm_core.segment import rfm
from crm_core.settings import ListSettings, Scope
from ui import cached
from ui.i18n import lang, t
from ui.uploads import Upload, make_server_upload, make_upload

# The session's data sets by kind: "orders" (one export, or several combined) and "customers" (the optional
# customer file); the prediction pages' tables: "churn_table" (a customer table with a churn column),
# "campaign_results" (a past campaign's customer / contacted / responded) and "response_table" (a customer table
# with a response column); the measurement pages' tables: "ab_results" (an A/B test's results), "campaign_outcomes"
# (what came of a campaign's list: customer, group, variant, channel, agent, outcome, revenue), "later_orders" (the
# orders after a list was made: what actually happened), "touchpoints" (customer journeys, or ready paths) and
# "sales_history" (daily or weekly sales to forecast).
DATASETS = "datasets"
KINDS = ("orders", "customers", "churn_table", "campaign_results", "response_table", "ab_results",
         "campaign_outcomes", "later_orders", "touchpoints", "sales_history")
# The kinds read as a plain table by the prediction and measurement pages (no mapping, no cleaning: crm_core reads
# them).
TABLE_KINDS = ("churn_table", "campaign_results", "response_table", "ab_results", "campaign_outcomes",
               "later_orders", "touchpoints", "sales_history")
READ_OPTIONS = "read_options"
MAPPING = "mapping"
INGEST_OPTIONS = "ingest_options"
CURRENCY = "currency"
AS_OF = "as_of"
RFM_PARAMS = "rfm_params"
# The scoring method last chosen on the RFM page (a preference kept across files).
METHOD_PREFERENCE = "method_preference"
SUMMARY = "summary"
# Bumped to give the uploader a new key, so a cleared or replaced file is not re-read from the widget.
UPLOADER_GEN = "uploader_gen"

# Keys of the RFM page that belong to the file it scored (thresholds prefilled from its quintiles, edited maps).
# (The editors' own widget state is dropped by Streamlit when the user leaves the RFM page to upload.)
FILE_RFM_KEYS = ("threshold_basis", "edited_schemes")
# Set by app.py each run: redraws the sidebar's data status (a page that stops early skips app.py's own redraw).
STATUS_HOOK = "_status_hook"
# (digest, problem) when the session's file could not be read or prepared, for the sidebar.
READ_PROBLEM = "read_problem"
# (digest, as_of, customers) as last scored on the RFM or Export page, for the sidebar.
SCORED_COUNT = "scored_count"
# (field -> column moved away, column) message after the mapping form moved a column from one field to another.
MAPPING_MOVED = "mapping_moved"
# Where the detected currency was seen, in words (shown under the currency selector).
CURRENCY_EVIDENCE = "currency_evidence"
# Everything a new orders file resets: its reading options, mapping, analysis date, facts and problems, and the
# RFM choices fitted to its customers.
FILE_KEYS = (READ_OPTIONS, MAPPING, AS_OF, SUMMARY, READ_PROBLEM, SCORED_COUNT, MAPPING_MOVED, *FILE_RFM_KEYS)
# The analysis window and filters (crm_core.settings.Scope), the export page's choices (ListSettings), the
# customer file's mapping, and the analysis last opened from a file (re-applied to the next file uploaded).
SCOPE = "scope"
LIST_SETTINGS = "list_settings"
CUSTOMERS_MAPPING = "customers_mapping"
OPENED = "opened_analysis"
OPENED_NAME = "opened_analysis_name"
# Widget keys that hold a copy of a setting; dropped when an analysis is opened, so the widgets show it.
_SETTING_WIDGETS = ("as_of_input", "threshold_editor", "export_segments", "export_columns", "export_contact",
                    "export_mask", "export_opted_out", "export_format", "window_kind", "window_months",
                    "window_from", "filter_channels", "filter_categories", "filter_cities", "phone_region")

CURRENCIES = ("¥", "$", "€", "£")
# The currency picked when a file shows none, by the interface's language (the user is asked to confirm it).
DEFAULT_CURRENCY = {"en": "$", "zh": "¥"}


def datasets() -> dict[str, Upload]:
    """The session's data sets by kind (a live dict: change it through the functions below)."""
    return st.session_state.setdefault(DATASETS, {})


def dataset(kind: str) -> Upload | None:
    return datasets().get(kind)


# Bumped to give the customer file's uploader and mapping form new keys (a removed file is not taken back
# from the uploader; a new file's form shows its own columns).
CUSTOMER_GEN = "customer_gen"


def customer_gen() -> int:
    return st.session_state.get(CUSTOMER_GEN, 0)


def _new_customer_widgets() -> None:
    st.session_state[CUSTOMER_GEN] = customer_gen() + 1


def set_customer_file(name: str, data: bytes, *, file_id: str = "") -> None:
    """Make ``data`` the session's customer file (joined to the orders).

    Its mapping is the opened analysis's when one is open (next month's customer file has the same columns),
    else proposed anew.
    """
    datasets()["customers"] = make_upload([(name, data)], file_id=file_id)
    opened = st.session_state.get(OPENED)
    if opened is not None and opened.customers_mapping is not None:
        st.session_state[CUSTOMERS_MAPPING] = opened.customers_mapping
    else:
        st.session_state.pop(CUSTOMERS_MAPPING, None)
    _new_customer_widgets()


def set_customers_mapping(mapping: ColumnMapping) -> None:
    """The user's mapping of the customer file (replaces the proposed one)."""
    st.session_state[CUSTOMERS_MAPPING] = mapping


def remove_customer_file() -> None:
    datasets().pop("customers", None)
    st.session_state.pop(CUSTOMERS_MAPPING, None)
    _new_customer_widgets()


def set_upload(name: str, data: bytes, *, file_id: str = "") -> None:
    """One orders file (see :func:`set_uploads`)."""
    set_uploads([(name, data)], file_id=file_id)


def set_uploads(files: list[tuple[str, bytes]], *, file_id: str = "") -> None:
    """Make ``data`` the session's file and reset the settings that belong to the previous file.

    Reset: reading options, mapping, analysis date, the date order, the user's RFM thresholds and edited
    segment maps (they were fitted to the old file's customers), the detected currency.  Kept (preferences):
    language, scoring method, frequency basis, segment scheme, and a currency the user chose by hand (used
    when the new file shows none).

    Adding a month to the files in use, or taking one away (the new set shares a file with the old one), is
    the same export: its reading options, mapping, thresholds and edited maps are kept; only the analysis
    date and what was computed from the old set are reset.
    """
    _set_orders(make_upload(files, file_id=file_id))


def set_server_source(paths: tuple[str, ...], name: str) -> None:
    """Make files on the server the session's orders (:func:`make_server_upload`), as :func:`set_uploads` does
    for an upload (the same resets; choosing the same server source again keeps its settings)."""
    renew_uploader()
    _set_orders(make_server_upload(paths, name))


def _set_orders(new: Upload) -> None:
    """:func:`set_uploads` once the new orders are built (see its docstring)."""
    previous = upload()
    same_export = previous is not None and bool({d for _, d in previous.sources()} & {d for _, d in new.sources()})
    datasets()["orders"] = new
    if same_export:
        for key in (AS_OF, SUMMARY, READ_PROBLEM, SCORED_COUNT, MAPPING_MOVED):
            st.session_state.pop(key, None)
        basis = st.session_state.get("threshold_basis")
        if basis is not None:  # the thresholds typed for these files stay: no prefill from the new quintiles
            st.session_state["threshold_basis"] = (basis[0], new.digest)
        return
    for key in FILE_KEYS:
        st.session_state.pop(key, None)
    # A date-order answer belongs to the file it was given for.
    options = st.session_state.get(INGEST_OPTIONS)
    if options is not None and options.day_first is not None:
        st.session_state[INGEST_OPTIONS] = dataclasses.replace(options, day_first=None)
    # New keys for the segment-map editors, so edits made on the old file's page are not re-applied.
    st.session_state["editor_gen"] = st.session_state.get("editor_gen", 0) + 1
    params = st.session_state.get(RFM_PARAMS)
    if params is not None:
        # Thresholds and edited maps were fitted to the old file's customers: drop them. The preferred method,
        # basis and scheme stay; the RFM page prefills new thresholds from this file's quintiles when the
        # preferred method is "threshold" (quintile scoring until then, which those thresholds reproduce).
        st.session_state[METHOD_PREFERENCE] = params.method
        st.session_state[RFM_PARAMS] = rfm.RfmParams(
            method="quantile", frequency_basis=params.frequency_basis,
            scheme=rfm.SCHEMES.get(st.session_state.get("scheme_base", "11"), rfm.RfmParams().scheme))
    _currency_for_new_file()
    opened = st.session_state.get(OPENED)
    if opened is not None:  # an analysis opened from a file applies to every file uploaded after it
        from ui import saved_analysis  # (it imports this module)

        saved_analysis.apply_settings(opened)


def _currency_for_new_file() -> None:
    """A detected currency belonged to the old file; a hand-picked one stays as a preference (used when
    the new file shows none)."""
    chosen = st.session_state.get(CURRENCY)
    st.session_state.pop(CURRENCY_EVIDENCE, None)
    if chosen is None:
        return
    if chosen[1] in ("user", "preference"):
        st.session_state[CURRENCY] = (chosen[0], "preference")
    else:
        st.session_state.pop(CURRENCY, None)


def renew_uploader() -> None:
    """A new key for the file uploader, so it cannot hand the previous file back."""
    st.session_state[UPLOADER_GEN] = st.session_state.get(UPLOADER_GEN, 0) + 1


def uploader_key() -> str:
    return f"uploader_{st.session_state.get(UPLOADER_GEN, 0)}"


def set_table(kind: str, name: str, data: bytes, *, file_id: str = "") -> None:
    """Make ``data`` the session's table of ``kind`` (one of :data:`TABLE_KINDS`), replacing any earlier one."""
    if kind not in TABLE_KINDS:
        raise ValueError(f"not a table kind: {kind!r}")
    datasets()[kind] = make_upload([(name, data)], file_id=file_id)


def remove_table(kind: str) -> None:
    datasets().pop(kind, None)


def clear_data(*, reset_uploader: bool = True) -> None:
    """'Clear my data': forget the uploads and everything derived from them in this session.

    Besides what a new file resets (:data:`FILE_KEYS`), the settings that name the data's own values go too:
    the filters (channels, cities...), the customer file's columns, and an analysis opened from a file.
    ``reset_uploader`` gives the uploader a new key so it cannot hand the file back; not when the user
    emptied the uploader itself (its ✕), because a file picked right after arrives under the same key.
    """
    if reset_uploader:
        renew_uploader()
    st.session_state.pop(DATASETS, None)
    # (The filter widgets' own state goes with them: no page draws them without data, so Streamlit drops it.)
    for key in (*FILE_KEYS, INGEST_OPTIONS, RFM_PARAMS, SCOPE, CUSTOMERS_MAPPING, OPENED, OPENED_NAME):
        st.session_state.pop(key, None)
    _currency_for_new_file()


def on_uploader_change() -> None:
    """Callback of the data page's uploader: a new file becomes the session's file; its ✕ unloads the data.

    Run before the script, so the sidebar drawn at the top of the run already knows the new state.
    """
    uploaded = st.session_state.get(uploader_key())
    if not uploaded:
        clear_data(reset_uploader=False)
        return
    take_uploaded(uploaded)


def take_uploaded(uploaded) -> None:
    """The uploader's file(s) become the session's orders unless they already are (one id for several files)."""
    files = uploaded if isinstance(uploaded, list) else [uploaded]
    file_id = "|".join(f.file_id for f in files)
    current = upload()
    if current is None or current.file_id != file_id:
        set_uploads([(f.name, f.getvalue()) for f in files], file_id=file_id)


def stop() -> None:
    """Stop the page after redrawing the sidebar's data status (app.py's redraw after the page is skipped)."""
    hook = st.session_state.get(STATUS_HOOK)
    if hook is not None:
        hook()
    st.stop()


def set_read_problem(up: Upload, problem: str | None) -> None:
    """Remember (for the sidebar) that this file could not be read ("read") or prepared ("prepare")."""
    if problem is None:
        if st.session_state.get(READ_PROBLEM, (None,))[0] == up.digest:
            st.session_state.pop(READ_PROBLEM, None)
    else:
        st.session_state[READ_PROBLEM] = (up.digest, problem)


def read_problem(up: Upload) -> str | None:
    entry = st.session_state.get(READ_PROBLEM)
    return entry[1] if entry and entry[0] == up.digest else None


def set_scored_count(up: Upload, as_of_day: date, customers: int) -> None:
    """The number of customers scored as of ``as_of_day`` (shown in the sidebar)."""
    st.session_state[SCORED_COUNT] = (up.digest, as_of_day, customers)


def scored_count(up: Upload) -> tuple[date, int] | None:
    entry = st.session_state.get(SCORED_COUNT)
    return (entry[1], entry[2]) if entry and entry[0] == up.digest else None


def upload() -> Upload | None:
    """The session's orders (one file or several combined)."""
    return dataset("orders")


def read_options() -> ReadOptions:
    return st.session_state.get(READ_OPTIONS, ReadOptions())


def ingest_options() -> IngestOptions:
    return st.session_state.get(INGEST_OPTIONS, IngestOptions())


def currency() -> str:
    """The currency symbol money is shown with (the user's choice, else detected, else by language)."""
    chosen = st.session_state.get(CURRENCY)
    return chosen[0] if chosen else DEFAULT_CURRENCY.get(lang(), "$")


def currency_source() -> str:
    """"user" (chosen by hand for this file), "detected" (from this file),
    "preference" (chosen for an earlier file; this one shows none) or "default" (nothing detected,
    nothing chosen: by language)."""
    chosen = st.session_state.get(CURRENCY)
    return chosen[1] if chosen else "default"


def set_currency(symbol: str, source: str) -> None:
    st.session_state[CURRENCY] = (symbol, source)


def update_currency(up: Upload) -> None:
    """Use the currency detected in this file unless the user picked one for it (cached, cheap on reruns)."""
    if currency_source() == "user":
        return
    guess = cached.currency_of(raw_key(up).with_mapping(mapping(up)))
    if guess is not None and guess[0]:
        set_currency(guess[0], "detected")
        st.session_state[CURRENCY_EVIDENCE] = (guess[1], guess[2])  # en, zh: shown in the current language
    elif currency_source() == "detected":
        st.session_state.pop(CURRENCY, None)
        st.session_state.pop(CURRENCY_EVIDENCE, None)


def rfm_params() -> rfm.RfmParams:
    return st.session_state.get(RFM_PARAMS, rfm.RfmParams())


def mapping(up: Upload) -> ColumnMapping:
    """The user's mapping, or the suggested one for this file."""
    chosen = st.session_state.get(MAPPING)
    if chosen is not None:
        return chosen
    return cached.proposed_mapping(raw_key(up))


def raw_key(up: Upload) -> cached.DatasetKey:
    """The key of the upload as read (its hash and the reading options): reading and mapping proposals."""
    if up.on_server:  # keyed by the paths and every file's size and modification time, not by bytes
        return cached.DatasetKey(up.digest, up.data, up.name, read_options(),
                                 server=cached.ServerFiles.of(up.paths))
    return cached.DatasetKey(up.digest, up.data, up.name, read_options(), parts=up.parts)


def customer_file_key() -> cached.CustomerFileKey | None:
    """The customer file and its mapping (the user's, or the one proposed for it), or None.

    A file that cannot even be read keeps ``mapping`` None; :func:`customer_file_problem` then says why.
    """
    customers = dataset("customers")
    if customers is None:
        return None
    key = cached.CustomerFileKey(customers.digest, customers.data, customers.name)
    chosen = st.session_state.get(CUSTOMERS_MAPPING)
    if chosen is None:
        try:
            chosen = cached.customer_file_mapping(key)
        except DataError:
            return key
    return dataclasses.replace(key, mapping=chosen)


def ingest_key(up: Upload) -> cached.DatasetKey:
    """The key of one cleaned data set (the upload's hash plus every setting, and the customer file joined).

    A customer file that cannot be joined (:func:`customer_file_problem`) is left out, so the orders are
    analysed on their own while the data page shows the file's problem.
    """
    key = dataclasses.replace(raw_key(up), mapping=mapping(up), options=ingest_options())
    customers = customer_file_key()
    if customers is None:
        return key
    joined = dataclasses.replace(key, customers=customers)
    return key if customer_file_problem(up) is not None else joined


def customer_file_problem(up: Upload) -> tuple[str, str, str] | None:
    """Why the customer file cannot be joined to these orders (None when it can, or there is none)."""
    customers = customer_file_key()
    if customers is None:
        return None
    key = dataclasses.replace(raw_key(up), mapping=mapping(up), options=ingest_options(), customers=customers)
    return cached.join_problem(key)


def scope() -> Scope:
    """The analysis window and filters."""
    return st.session_state.get(SCOPE, Scope())


def list_settings() -> ListSettings:
    return st.session_state.get(LIST_SETTINGS, ListSettings())


def require_upload() -> Upload:
    """Stop the page with a pointer to the upload page when no file is loaded."""
    up = upload()
    if up is None:
        st.info(t("upload_first"))
        st.page_link("app_pages/data.py", label=t("go_to_upload"), icon="📤")
        stop()
    return up


def require_data() -> tuple[Upload, dict]:
    """Facts about the cleaned data (small and cached), or stop with the problem in plain words.

    The first call for a file does the full read and clean, with a spinner; later calls hit the cache.
    """
    up = require_upload()
    try:
        with st.spinner(t("reading", name=up.name)):
            summary = cached.facts(ingest_key(up))
    except DataError as exc:
        set_read_problem(up, "prepare")
        st.error(exc.text(lang()))
        st.page_link("app_pages/data.py", label=t("go_to_upload"), icon="📤")
        stop()
    set_read_problem(up, None)
    update_currency(up)
    st.session_state[SUMMARY] = (up.digest, summary)
    return up, summary


def known_summary(up: Upload) -> dict | None:
    """The summary a page computed for this upload, if any (for the sidebar; never computes)."""
    entry = st.session_state.get(SUMMARY)
    return entry[1] if entry and entry[0] == up.digest else None


def as_of(default: date) -> date:
    return st.session_state.get(AS_OF) or default
