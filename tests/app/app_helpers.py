"""Helpers for the AppTest suite: open the real app on a page with a given session, read its elements.

AppTest limits worked around here (streamlit 1.67):

* with ``st.navigation`` the sidebar vanishes from AppTest's tree after the first run and clicks on it are
  lost, so the language and the upload are put straight into session state before the first run;
* AppTest calls a widget's ``format_func`` outside the script run, where ``ui.i18n.lang()`` cannot see the
  session and answers "en"; for a Chinese session the next run then fails to find the English label among
  the Chinese options. Chinese pages are therefore checked on a fresh AppTest, and a Chinese session is
  run again only while no widget with a translated format_func is on the page.

Every cached function in ``ui.cached`` is process-wide, so a fresh AppTest per test costs about a second.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the app's packages (crm_core, ui) when pytest is started from elsewhere
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.i18n import TEXT  # noqa: E402
from ui.state import DATASETS, Upload  # noqa: E402

APP = ROOT / "app.py"
SAMPLE = ROOT / "sample_data" / "orders_zh.csv"
TRUTH = ROOT / "sample_data" / "truth.csv"
READER_FIXTURES = ROOT / "tests" / "data" / "readers"
APP_FIXTURES = ROOT / "tests" / "data" / "app"
TIMEOUT = 120


def en(key: str, **params) -> str:
    """UI text ``key`` in English, as ui.i18n.t would format it."""
    return TEXT[key][0].format(**params) if params else TEXT[key][0]


def zh(key: str, **params) -> str:
    """UI text ``key`` in Chinese."""
    return TEXT[key][1].format(**params) if params else TEXT[key][1]


def make_upload(name: str, data: bytes) -> Upload:
    """The session's file, exactly as ``ui.state.set_upload`` builds it."""
    return Upload(name=name, data=data, digest=hashlib.sha256(data).hexdigest(), file_id=f"test-{name}")


def open_app(page: str | None = None, *, lang: str = "en", upload: Upload | None = None) -> AppTest:
    """A fresh session of the real app after its first run on ``page`` (the home page when None)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if upload is not None:
        at.session_state[DATASETS] = {"orders": upload}
    if page is not None:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def loaded(at: AppTest, kind: str = "orders") -> Upload | None:
    """The session's data set of ``kind`` ("orders", "customers"), or None."""
    try:
        return at.session_state[DATASETS].get(kind)
    except KeyError:
        return None


def rerun(at: AppTest) -> AppTest:
    """Run again and fail on any exception the page raised."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """Metric label -> shown value, for the main area."""
    return {m.label: m.value for m in at.main.metric}


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def frame_with(at: AppTest, column: str):
    """The one dataframe element whose data has ``column``."""
    found = [d for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} dataframes have a {column!r} column"
    return found[0]


def column_labels(element) -> dict[str, str]:
    """Data column -> header the user sees (the column_config label, else the column name)."""
    config = json.loads(element.proto.columns) if element.proto.columns else {}
    return {c: config.get(c, {}).get("label", c) for c in element.value.columns}


def charts(at: AppTest) -> list:
    """Vega-Lite charts in the main area (AppTest has no typed accessor for them)."""
    return list(at.main.get("vega_lite_chart"))


def widget(widgets, label: str):
    """The widget among ``widgets`` whose label is ``label`` (most of the app's widgets have no key)."""
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}"
    return found[0]


def by_key(widgets, pattern: str):
    """The one widget whose key matches ``pattern`` (keys carry generation counters)."""
    found = [w for w in widgets if w.key and re.fullmatch(pattern, w.key)]
    assert len(found) == 1, f"{len(found)} widgets match {pattern!r}"
    return found[0]
