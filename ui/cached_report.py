"""The Report page's inputs and built report.

The campaign outcomes (with the column mapping and exported lists chosen on the Campaign results page, when she
went there) and the sales file are read once per file (``st.cache_data`` keyed on their digest and
the forecast choice); the report itself is built when she clicks, with a progress step per section, and kept in
the session with the fingerprint of everything it was made from (:func:`token`), so the downloads stay after a
rerun and the page can say when the settings changed since.
"""

from __future__ import annotations

import hashlib
from datetime import date

import streamlit as st

from crm_core import pipeline
from crm_core.measure import report as rp
from crm_core.measure.forecast import ForecastChoice
from crm_core.measure.report_measures import outcomes_from_file, sales_from_file
from crm_core.schema import DataError
from crm_core.settings import AnalysisSettings
from ui import cached
from ui.cached import DatasetKey

__all__ = ["BUILT", "built", "inputs", "keep", "token"]

BUILT = "rp_built"


@st.cache_data(max_entries=4, ttl=cached.TTL_SECONDS, show_spinner=False)
def _outcomes(digest: str, name: str, _data: bytes) -> tuple[object | None, tuple[str, str] | None]:
    """The outcomes read as the CLI reads them, or the problem as (English, Chinese)."""
    try:
        return outcomes_from_file(_data, name), None
    except DataError as exc:
        return None, (exc.text("en"), exc.text("zh"))


@st.cache_data(max_entries=4, ttl=cached.TTL_SECONDS, show_spinner=False)
def _sales(digest: str, name: str, choice: ForecastChoice, _data: bytes) -> tuple[object | None, tuple | None]:
    try:
        return sales_from_file(_data, name, choice), None
    except DataError as exc:
        return None, (exc.text("en"), exc.text("zh"))


def _session_outcomes(up) -> tuple[object | None, tuple[str, str] | None]:
    """The outcomes as the Campaign results page reads them: her column mapping and exported lists when she set
    them there (:mod:`ui.results_view`), else the columns proposed from the headers (as the CLI)."""
    from crm_core.measure.outcomes import OutcomeColumns
    from ui import cached_results, results_view
    from ui.cached_predict import table_key

    chosen = st.session_state.get(results_view.MAPPING_KEY, {}).get(up.digest)
    if not chosen:
        return _outcomes(up.digest, up.name, up.data)
    try:
        columns = OutcomeColumns.from_proposal(chosen)
        lists = tuple(st.session_state.get(results_view.LISTS_KEY, ()))
        return cached_results.outcomes(table_key(up), columns, lists), None
    except DataError as exc:
        return None, (exc.text("en"), exc.text("zh"))


def inputs(key: DatasetKey, *, as_of: date, settings: AnalysisSettings, currency: str, outcomes_up, sales_up,
           sources: tuple, lang: str) -> rp.ReportInputs:
    """The report's inputs from the session: the cleaned orders (shared cache), the outcomes and sales files when
    loaded (a file that does not read skips its section with the reason)."""
    result = cached.cleaned(key)
    loaded = pipeline.Loaded(raw=cached.raw_table(key.file_only()), mapping=key.mapping, result=result)
    problems: dict[str, str] = {}
    outcomes = sales = None
    if outcomes_up is not None:
        outcomes, problem = _session_outcomes(outcomes_up)
        if problem is not None:
            problems["campaign_results"] = problem[1 if lang == "zh" else 0]
        sources += ((outcomes_up.name, outcomes_up.digest),)
    if sales_up is not None:
        sales, problem = _sales(sales_up.digest, sales_up.name, settings.forecast, sales_up.data)
        if problem is not None:
            problems["forecast"] = problem[1 if lang == "zh" else 0]
        sources += ((sales_up.name, sales_up.digest),)
    return rp.ReportInputs(loaded=loaded, settings=settings, outcomes=outcomes, sales=sales, currency=currency,
                           sources=sources, as_of=as_of, problems=problems)


def token(key: DatasetKey, *, as_of: date, settings: AnalysisSettings, choice: rp.ReportChoice, lang: str,
          currency: str, outcomes_up, sales_up) -> str:
    """A fingerprint of everything a report is made from."""
    parts = (repr(key.cache_token()), str(as_of), settings.to_json(), repr(choice), lang, currency,
             getattr(outcomes_up, "digest", ""), getattr(sales_up, "digest", ""))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def keep(fingerprint: str, report: rp.Report, seconds: float) -> dict:
    """Write the report's two files and keep them in the session."""
    entry = {"token": fingerprint, "report": report, "html": rp.report_html(report).encode("utf-8"),
             "xlsx": rp.report_xlsx(report), "seconds": seconds}
    st.session_state[BUILT] = entry
    return entry


def built() -> dict | None:
    """The report built last in this session (its token, report, html and xlsx bytes), if any."""
    return st.session_state.get(BUILT)
