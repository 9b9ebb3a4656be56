"""Two sessions never see each other's data, and "Clear my data" forgets the file.

The sidebar's "Clear my data" button cannot be clicked in AppTest (with st.navigation the sidebar leaves
AppTest's tree after the first run); the button itself is covered by the browser test in tests/e2e.
Here ``ui.state.clear_data`` (the function that button calls) is run on the AppTest session's state.
"""

from collections.abc import MutableMapping
from types import SimpleNamespace

from app_helpers import APP_FIXTURES, en, loaded, make_upload, metrics, open_app, rerun, texts

from ui import samples, state

DATA, RFM = "app_pages/data.py", "app_pages/rfm.py"



def test_two_sessions_show_only_their_own_numbers(sample_upload):
    sample = open_app(DATA, upload=sample_upload)
    small = open_app(DATA)
    path = APP_FIXTURES / "three_customers.csv"
    small.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv"))
    rerun(small)
    for _ in range(2):  # each after the other has run, twice
        rerun(sample)
        assert metrics(sample)[en("rows_read")] == "7,223" and metrics(sample)[en("customers")] == "700"
        rerun(small)
        assert metrics(small)[en("rows_read")] == "6" and metrics(small)[en("customers")] == "3"
    for at, customers in ((sample, "700"), (small, "3")):
        at.switch_page(RFM)
        rerun(at)
        assert metrics(at)[en("kpi_customers")] == customers
    assert loaded(sample).name == "orders_zh.csv"
    assert loaded(small).name == "three_customers.csv"


def test_same_file_in_two_sessions_keeps_settings_apart(sample_upload):
    ignoring = open_app(DATA, upload=sample_upload)
    netting = open_app(DATA, upload=sample_upload)
    radio = next(r for r in ignoring.radio if r.label == en("returns"))
    radio.set_value("ignore")
    ignoring.button(key="FormSubmitter:clean_form-Apply").click()
    rerun(ignoring)
    rerun(netting)
    assert metrics(ignoring)[en("rows_used")] == "7,138"
    assert metrics(netting)[en("rows_used")] == "7,153"


class _SessionProxy(MutableMapping):
    """Lets ``ui.state``'s functions (written for st.session_state) work on an AppTest's session state."""

    def __init__(self, app_state):
        self._state = app_state

    def __getitem__(self, key):
        return self._state[key]

    def __setitem__(self, key, value):
        self._state[key] = value

    def __delitem__(self, key):
        del self._state[key]

    def __iter__(self):
        return iter(list(self._state))

    def __len__(self):
        return len(self._state)


def call_on_session(at, monkeypatch, action):
    """Run ``action`` (a ui.state function a sidebar button calls) on the AppTest's session."""
    with monkeypatch.context() as patch:
        # Only ui.state's view of streamlit is replaced, and only for this call (between two runs).
        patch.setattr(state, "st", SimpleNamespace(session_state=_SessionProxy(at.session_state)))
        action()


def clear_my_data(at, monkeypatch):
    """What the sidebar's "Clear my data" does to the session (the cache clearing is not per session)."""
    call_on_session(at, monkeypatch, state.clear_data)


def test_clear_data_forgets_the_file_and_its_settings(sample_upload, monkeypatch):
    at = open_app(RFM, upload=sample_upload)
    assert metrics(at)[en("kpi_customers")] == "700"
    assert {state.DATASETS, state.SUMMARY, state.RFM_PARAMS, state.AS_OF, state.SCOPE} <= set(at.session_state)
    clear_my_data(at, monkeypatch)
    # The filters name the data's own channels and cities: they go with it.
    assert not {state.DATASETS, state.READ_OPTIONS, state.MAPPING, state.INGEST_OPTIONS, state.AS_OF,
                state.RFM_PARAMS, state.SUMMARY, state.SCOPE, state.CUSTOMERS_MAPPING,
                state.OPENED} & set(at.session_state)
    assert at.session_state["lang"] == "en"  # the language is a preference, not data
    rerun(at)
    assert texts(at.info) == [en("upload_first")] and not at.metric
    at.switch_page("app_pages/export.py")
    rerun(at)
    assert texts(at.info) == [en("upload_first")] and not at.dataframe


def test_clear_data_on_the_data_page_does_not_reload_the_uploaded_file(monkeypatch):
    """Regression: after "Clear my data" the uploader must not hand the file back to the data page."""
    at = open_app(DATA)
    path = APP_FIXTURES / "three_customers.csv"
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv"))
    rerun(at)
    assert metrics(at)[en("customers")] == "3"
    clear_my_data(at, monkeypatch)
    rerun(at)  # the rerun the sidebar button asks for
    assert loaded(at) is None, "the cleared file was loaded again from the uploader"
    assert texts(at.info) == [en("upload_first")]


def test_sidebar_sample_on_the_data_page_replaces_the_uploaded_file(monkeypatch):
    """Regression: the sidebar's "Load sample data" is not undone by a file left in the uploader."""
    at = open_app(DATA)
    path = APP_FIXTURES / "three_customers.csv"
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv"))
    rerun(at)
    call_on_session(at, monkeypatch, samples.load_sample)
    assert loaded(at).file_id == "sample"
    rerun(at)  # the rerun the sidebar button asks for
    assert loaded(at).name == "orders_en.xlsx", "the uploader's file replaced the sample again"
    assert metrics(at)[en("rows_read")] == "7,223"


def test_a_session_with_another_file_in_state_reads_that_file():
    upload = make_upload("three_customers.csv", (APP_FIXTURES / "three_customers.csv").read_bytes())
    at = open_app(RFM, upload=upload)
    # Analysis date: the day after 2024-03-28, the last order of the fixture.
    assert str(at.date_input(key="as_of_input").value) == "2024-03-29"
    assert metrics(at)[en("kpi_customers")] == "3"
    # No currency in the file: the English default, with "please choose" next to it.
    assert metrics(at)[en("kpi_revenue")] == "$275.00"  # 100 + 60 + 40 + 25 + 35 + 15
    assert en("currency_not_detected") in " ".join(texts(at.caption))
