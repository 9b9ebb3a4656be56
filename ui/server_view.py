"""The Data page's server source: the configured files, reading one with DuckDB (with progress), its columns and
cleaning options, and what was read.

Shown only when an administrator configured server data (:func:`ui.server_source.configured_paths`).  The file
read becomes the session's orders (:func:`ui.state.set_server_source`), cached like an upload
(:func:`ui.cached.prepared` keyed by the paths, sizes and modification times), so every page works on it.
"""

from __future__ import annotations

import dataclasses
import time

import streamlit as st

from crm_core.schema import DataError
from ui import cached, data_view, mapping_form, server_source, state, uploads
from ui.fmt import fit_height
from ui.i18n import labels, lang, t

SOURCE_KEY = "data_source"  # the radio "Upload files" / "Server data"
SOURCES = ("upload", "server")


def choose_source(current: uploads.Upload | None) -> str:
    """The radio above the page: "upload" or "server" (first shown on the kind of data in use)."""
    if SOURCE_KEY not in st.session_state:
        st.session_state[SOURCE_KEY] = "server" if current is not None and current.on_server else "upload"
    return st.radio(t("sv_source"), SOURCES, key=SOURCE_KEY, horizontal=True, help=t("sv_source_help"),
                    format_func=labels(SOURCES, lambda v: t(f"sv_source_{v}")))


def _entry_line(entry: server_source.ServerEntry) -> str:
    parts = [f"🗄️ **{entry.name}**"]
    if entry.kind is not None:
        parts += [t(f"sv_kind_{entry.kind}"), t("sv_one_file") if entry.files == 1 else t("sv_files", n=entry.files),
                  server_source.size_text(entry.size_bytes),
                  t("sv_lines_unknown") if entry.rows is None else t("sv_lines", rows=entry.rows)]
    return " · ".join(parts)


def _too_many(name: str, rows: int, path: str, *, used: bool = False) -> None:
    limit = server_source.SLOW_LINES
    text = (t("sv_too_many_used", used=rows, limit=limit) if used
            else t("sv_too_many", name=name, rows=rows, limit=limit))
    st.warning(text, icon="🐘")
    st.code(server_source.cli_command(path), language="bash")


def source_list(paths: tuple[str, ...], current: uploads.Upload | None) -> None:
    """Each configured path with its kind, files, size and lines (from the Parquet footers), and a button that
    makes it the session's data; the one in use is tagged."""
    st.subheader(t("sv_title"))
    origin = server_source.config_origin()
    if origin is not None:
        st.caption(t(f"sv_configured_{origin}"))
    for i, path in enumerate(paths):
        entry = server_source.describe(server_source.ServerFiles.of((path,)))
        in_use = current is not None and current.on_server and current.paths == (path,)
        with st.container(border=True):
            left, right = st.columns([5, 1], vertical_alignment="center")
            tag = f" · :green[**{t('sv_in_use')}**]" if in_use else ""
            left.markdown(_entry_line(entry) + tag)
            left.caption(f"`{path}`")
            if entry.problem is not None:
                st.error(entry.problem[1 if lang() == "zh" else 0])
                continue
            if not in_use and right.button(t("sv_read"), icon="🦆", key=f"sv_read_{i}", width="stretch",
                                           type="primary", help=t("sv_read_help")):
                state.set_server_source((path,), entry.name)
                st.rerun()
            if entry.rows is not None and entry.rows > server_source.SLOW_LINES:
                _too_many(entry.name, entry.rows, path)


# Share of the whole read each engine stage fills on the bar (crm_core.engine.run.order_lines: "read" the files
# and propose the mapping, "clean" count the lines per reason, "orders" fetch the clean lines into pandas).
STAGE_SPANS = {"read": (0.0, 0.1), "clean": (0.1, 0.4), "orders": (0.4, 1.0)}


def _progress_callback(status, bar, name: str):
    """progress(stage, fraction) drawing one bar for the whole read inside ``status``.

    The engine calls it on the thread that asked for the work (the script's: :func:`crm_core.engine.backends.
    run_with_progress` runs the query in a worker and polls from the caller), so it may update elements.  Each
    stage fills its span of the bar (:data:`STAGE_SPANS`); the bar never goes back, also when a stage runs a
    second query whose fraction starts over.
    """
    from ui.i18n import TEXT

    shown = {"value": 0.0}

    def progress(stage: str, fraction: float | None) -> None:
        key = f"sv_stage_{stage}"
        words = t(key) if key in TEXT else stage
        start, end = STAGE_SPANS.get(stage, (shown["value"], shown["value"]))
        done = 0.0 if fraction is None else max(0.0, min(1.0, float(fraction)))
        shown["value"] = max(shown["value"], start + (end - start) * done)
        bar.progress(shown["value"], text=t("sv_stage", stage=words))
        status.update(label=f"{t('sv_reading', name=name)} {words}", expanded=True)

    return progress


def server_section(paths: tuple[str, ...]) -> None:
    """The whole server part of the Data page (the caller stops the page after it)."""
    up = state.upload()
    current = up if up is not None and up.on_server else None
    source_list(paths, current)
    if current is None:
        st.info(t("sv_pick"), icon="👆")
        return
    _read_and_report(current)


def _read_and_report(up: uploads.Upload) -> None:
    # --- the read, with progress (DuckDB's own query progress, polled while it runs) -----------------------
    # The status first: the sample and the engine's mapping proposal already take a moment on a busy server.
    status = st.status(t("sv_reading", name=up.name), expanded=True)
    bar = status.progress(0.0, text=t("sv_stage", stage=t("sv_stage_read")))
    progress = _progress_callback(status, bar, up.name)
    started = time.perf_counter()
    raw_key = state.raw_key(up)
    try:
        raw = cached.raw_table(raw_key)
        proposal = cached.proposal(raw_key)
    except DataError as exc:
        state.set_read_problem(up, "read")
        status.update(label=t("sv_read_failed", name=up.name), state="error", expanded=False)
        st.error(exc.text(lang()))
        return
    columns = list(raw.frame.columns)
    mapping = state.mapping(up)
    problem = None
    try:
        prepared = cached.prepared(state.ingest_key(up), progress)
    except DataError as exc:
        problem = exc
        status.update(label=t("sv_read_failed", name=up.name), state="error", expanded=False)
    else:
        report = prepared.result.report
        bar.progress(1.0)
        status.update(label=t("sv_read_done", name=up.name, used=report.rows_used, read=report.rows_read,
                              seconds=prepared.facts.get("seconds", time.perf_counter() - started)),
                      state="complete", expanded=False)

    # --- the problem (the engine's message), the columns -----------------------------------------------------
    marked: tuple[str, ...] = ()
    if problem is not None:
        state.set_read_problem(up, "prepare")
        marked = mapping_form.show_problem(problem, mapping, columns)
        st.caption(t("sv_fix_hint") + (f" {t('sv_flags_note')}" if " --" in problem.text(lang()) else ""))
    st.subheader(t("mapping"))
    st.caption(t("sv_mapping_help"))
    mapping_form.show_moves()
    guessed = mapping_form.show_proposal(proposal, confirmed=st.session_state.get(state.MAPPING) is not None)
    st.dataframe(mapping_table(mapping), hide_index=True, height=fit_height(len(mapping.pairs)))
    with st.expander(t("sv_mapping_change"), expanded=problem is not None):
        st.caption(t("sv_mapping_change_help"))
        mapping_form.mapping_form(mapping, columns, marked=marked, guessed=guessed)
    with st.expander(t("preview", rows=min(data_view.PREVIEW_ROWS, len(raw.frame)), columns=len(columns))):
        preview = data_view.preview_frame(raw)
        st.dataframe(preview, width="stretch", height=fit_height(len(preview)))
    cleaning_form()
    if problem is not None:
        return
    _result(up, prepared)


def mapping_table(mapping):
    """The mapping read-only: field (the upload form's labels, in the session's language) and column."""
    import pandas as pd

    pairs = [(mapping_form.field_label(name), column) for name, column in mapping.pairs]
    return pd.DataFrame(pairs, columns=[t("field"), t("column")])


def cleaning_form() -> None:
    """The cleaning options the engine applies: returns, and the codes that are not products."""
    options = state.ingest_options()
    with st.expander(t("cleaning"), expanded=False):
        st.caption(t("sv_cleaning_help"))
        with st.form("sv_clean_form", border=False):
            returns = st.radio(t("returns"), ["net", "ignore"], index=["net", "ignore"].index(options.returns),
                               format_func=labels(["net", "ignore"], lambda v: t(f"returns_{v}")), horizontal=True)
            codes = st.text_input(t("non_product"), ", ".join(options.non_product_codes))
            if st.form_submit_button(t("apply")):
                st.session_state[state.INGEST_OPTIONS] = dataclasses.replace(
                    options, returns=returns, non_product_codes=tuple(c.strip() for c in codes.split(",")
                                                                      if c.strip()))
                st.rerun()


def _result(up: uploads.Upload, prepared: cached.Prepared) -> None:
    """What was read: lines read / used / excluded by reason, returns, customers, the engine and seconds."""
    _, summary = state.require_data()
    report = prepared.result.report
    excluded = server_source.excluded_total(report)
    st.subheader(t("report"))
    m = st.columns(5)  # (the currency on a row of its own: server files count lines in millions)
    m[0].metric(t("rows_read"), f"{report.rows_read:,}")
    m[1].metric(t("rows_used"), f"{report.rows_used:,}")
    m[2].metric(t("rows_excluded"), f"{excluded:,}")
    m[3].metric(t("rows_returns"), f"{report.rows_returns:,}")
    m[4].metric(t("customers"), f"{summary['customers']:,}")
    st.caption(t("balance", read=report.rows_read, used=report.rows_used, excluded=excluded))
    data_view.currency_picker(st.columns([1, 3])[0], key="currency_data")
    st.markdown(t("sv_engine", engine="DuckDB", seconds=prepared.facts.get("seconds", 0.0),
                  memory=server_source.memory_limit()))
    for note in report.notes:
        (st.warning if note.level == "warning" else st.info)(note.text(lang()))
    if report.rows_used > server_source.SLOW_LINES:
        _too_many(up.name, report.rows_used, up.paths[0], used=True)

    st.markdown(f"#### {t('exclusions')}")
    if excluded == 0:
        st.success(t("nothing_excluded"))
    else:
        reasons = server_source.reason_table(report, lang()).rename(columns={"reason": t("reason"),
                                                                             "rows": t("rows")})
        st.dataframe(reasons, hide_index=True, height=fit_height(len(reasons)),
                     column_config={t("rows"): st.column_config.NumberColumn(format="localized")})
        st.caption(t("sv_excluded_examples"))
    data_view.customer_file_section(up)
    st.success(t("ready"))
    st.page_link("app_pages/rfm.py", label=t("go_rfm"), icon="🎯")
