"""The big results (raw table, cleaned data set) are shared, read-only objects (``st.cache_resource``).

Shared means: a hit returns the very object the first run built (nothing pickled), keyed on the upload's
SHA-256 plus the settings, so a different file (another session's) gets its own object.  Read-only means:
running every page on it leaves it exactly as built; a page that wrote into it would change what every
other session using the same file sees.
"""

import copy

import pandas as pd
from app_helpers import APP_FIXTURES, en, make_upload, metrics, open_app, rerun

from crm_core.schema import IngestOptions, ReadOptions
from ui import cached

DATA, RFM, EXPORT = "app_pages/data.py", "app_pages/rfm.py", "app_pages/export.py"


def key_of(upload) -> cached.DatasetKey:
    """The key the pages build for this upload with the default settings and the proposed mapping."""
    file_key = cached.DatasetKey(upload.digest, upload.data, upload.name, ReadOptions())
    key = file_key.with_mapping(cached.proposed_mapping(file_key))
    assert key.options == IngestOptions()
    return key


def frames(prepared: cached.Prepared) -> dict[str, pd.DataFrame]:
    result = prepared.result
    return {"orders": result.orders, "customers": result.customers, "excluded": result.report.excluded,
            "duplicates": result.report.duplicates}


def test_pages_read_the_shared_results_without_changing_them(sample_upload):
    key = key_of(sample_upload)
    shared, raw = cached.prepared(key), cached.raw_table(key.file_only())
    before, raw_before, facts_before = copy.deepcopy(frames(shared)), raw.frame.copy(deep=True), dict(shared.facts)

    at = open_app(DATA, upload=sample_upload)
    assert metrics(at)[en("rows_read")] == "7,223" and metrics(at)[en("customers")] == "700"
    at.switch_page(RFM)
    rerun(at)
    method = next(r for r in at.radio if r.label == en("method"))
    method.set_value("threshold")
    rerun(at)
    at.switch_page(EXPORT)
    rerun(at)
    assert not at.exception

    # The pages hit the same objects (not copies) ...
    assert cached.prepared(key) is shared and cached.raw_table(key.file_only()) is raw
    # ... and left them exactly as built.
    for name, frame in frames(shared).items():
        if frame is None:
            assert before[name] is None
        else:
            pd.testing.assert_frame_equal(frame, before[name], obj=name)
    pd.testing.assert_frame_equal(raw.frame, raw_before)
    assert shared.facts == facts_before and facts_before["customers"] == 700 and facts_before["rows_used"] == 7153


def test_different_files_get_different_shared_objects(sample_upload):
    small = make_upload("three_customers.csv", (APP_FIXTURES / "three_customers.csv").read_bytes())
    sample_result, small_result = cached.prepared(key_of(sample_upload)), cached.prepared(key_of(small))
    assert sample_result is not small_result
    assert sample_result.facts["customers"] == 700 and small_result.facts["customers"] == 3
    # The same bytes under another key object (another session) find the same entry.
    again = make_upload("three_customers.csv", (APP_FIXTURES / "three_customers.csv").read_bytes())
    assert cached.prepared(key_of(again)) is small_result
    # A caller's copy of the facts cannot change the shared ones.
    facts = cached.facts(key_of(small))
    facts["customers"] = -1
    assert cached.facts(key_of(small))["customers"] == 3
