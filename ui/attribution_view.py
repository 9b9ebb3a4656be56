"""The display parts of the Attribution page (app_pages/attribution.py): the touchpoints table with its format and
column mapping, the model options, the rows left out, the metrics, the side-by-side chart and table of every model,
the removal effects, the summary and the download.  No analysis here: everything comes from
:mod:`crm_core.measure.attribution` through :mod:`ui.cached_attribution`.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from crm_core.measure import attribution as at
from crm_core.measure import attribution_export as ax
from crm_core.messages import render
from crm_core.schema import DataError
from ui import attribution_charts, cached_attribution, measure_state, state
from ui.cached_predict import TableKey, table_key
from ui.fmt import fit_height, money_column, money_text
from ui.i18n import labels, lang, t

__all__ = ["KIND", "MAPPING_KEY", "choice", "columns_section", "download", "excluded_section", "metrics_section",
           "models_section", "options_section", "set_choice", "summary_section", "table_section"]

KIND = "touchpoints"  # the session's table kind (ui.state.TABLE_KINDS)
MAPPING_KEY = "at_columns"  # {table digest: {"format": ..., role: column}}: her format and columns of each table
ROLES = {"touchpoints": ("journey", "time", "channel", "converted", "value"),
         "paths": ("path", "conversions", "value", "nulls")}
REQUIRED = {"touchpoints": ("journey", "time", "channel", "converted"), "paths": ("path", "conversions")}
SHOWN = 1_000


def choice() -> at.AttributionChoice:
    return measure_state.choice("attribution")


def set_choice(**changes) -> at.AttributionChoice:
    """Keep a changed choice in the session (saved with the analysis file); DataError when a value is refused."""
    new = replace(choice(), **changes)
    measure_state.set_choice("attribution", new)
    return new


def table_section() -> TableKey | None:
    """The uploader, the table in use and a button to remove it; the key of the table in use (None: no table)."""
    gen_key = "at_uploader_gen"
    gen = st.session_state.get(gen_key, 0)
    current = state.dataset(KIND)
    uploaded = st.file_uploader(t("at_upload") if current is None else t("at_replace"),
                                type=["csv", "txt", "xlsx", "xls"], key=f"at_uploader_{gen}", help=t("at_upload_help"))
    if uploaded is not None and (current is None or current.file_id != uploaded.file_id):
        state.set_table(KIND, uploaded.name, uploaded.getvalue(), file_id=uploaded.file_id)
        current = state.dataset(KIND)
    if current is None:
        st.info(t("at_none"))
        return None
    c1, c2 = st.columns([5, 1], vertical_alignment="center")
    c1.markdown(t("at_in_use", name=current.name))
    if c2.button(t("remove_file"), key="at_remove", icon="🗑️"):
        state.remove_table(KIND)
        st.session_state[gen_key] = gen + 1
        st.rerun()
    return table_key(current)


def columns_section(key: TableKey) -> tuple[str, tuple[tuple[str, str | None], ...]] | None:
    """The format (detected, her override) and the column of each role (proposed, her changes kept per table);
    None when a required column is not chosen (said on the page)."""
    detected, touch, ready = cached_attribution.proposal(key)
    columns = [str(c) for c in cached_attribution.raw(key).frame.columns]
    saved = st.session_state.setdefault(MAPPING_KEY, {})
    mine = dict(saved.get(key.digest) or {})
    formats = list(at.FORMATS)
    fmt = mine.get("format") or detected or "touchpoints"
    fmt = st.radio(t("at_format"), formats, index=formats.index(fmt), horizontal=True,
                   key=f"at_format_{key.digest[:8]}", format_func=labels(formats, lambda f: t(f"at_format_{f}")))
    st.caption(t("at_format_detected", format=t(f"at_format_{detected}")) if detected else t("at_format_unknown"))
    proposed = touch if fmt == "touchpoints" else ready
    chosen = {role: mine.get(f"{fmt}:{role}", proposed.get(role)) for role in ROLES[fmt]}
    found = ", ".join(f"{t(f'at_role_{r}')} = {c}" for r, c in chosen.items() if c)
    missing = [r for r in REQUIRED[fmt] if not chosen.get(r)]
    with st.expander(t("at_columns", found=found or "—"), icon="🧭", expanded=bool(missing)):
        st.caption(t("at_columns_help"))
        options = ["", *columns]
        grid = st.columns(len(ROLES[fmt]))
        for i, role in enumerate(ROLES[fmt]):
            current = chosen.get(role) if chosen.get(role) in columns else ""
            picked = grid[i].selectbox(t(f"at_role_{role}"), options, index=options.index(current),
                                       key=f"at_col_{fmt}_{role}_{key.digest[:8]}",
                                       format_func=labels(options, lambda c: c or t("at_not_in_file")))
            chosen[role] = picked or None
    saved[key.digest] = {"format": fmt, **{f"{fmt}:{r}": c for r, c in chosen.items()},
                         **{k: v for k, v in mine.items() if not k.startswith(f"{fmt}:") and k != "format"}}
    missing = [r for r in REQUIRED[fmt] if not chosen.get(r)]
    if missing:
        listing = ("、" if lang() == "zh" else ", ").join(columns)
        st.error(DataError("at_column_needed", role=at.ROLE_WORDS[missing[0]], format=at.FORMAT_WORDS[fmt],
                           columns=listing).text(lang()))
        return None
    return fmt, tuple(chosen.items())


def options_section(fmt: str) -> at.AttributionChoice:
    """Half life, position shares and (ready paths) the separator; the choice kept in the session."""
    current = choice()
    unit = t("at_steps") if fmt == "paths" else t("at_days")
    # Widget keys carry the editor generation: an opened analysis (new generation) puts its own values in them.
    gen = st.session_state.get("editor_gen", 0)
    keys = {name: f"at_{name}_{gen}" for name in ("half_life", "first_share", "last_share", "separator")}
    # The label shows what the widgets hold now (a change made on this run included).
    half = st.session_state.get(keys["half_life"], current.half_life_days)
    first = st.session_state.get(keys["first_share"], round(current.first_share * 100)) / 100
    last = st.session_state.get(keys["last_share"], round(current.last_share * 100)) / 100
    with st.expander(t("at_options", half=half, unit=unit, first=first, last=last), icon="⚙️"):
        c1, c2, c3 = st.columns(3)
        half = c1.number_input(t("at_half_life"), min_value=0.1, max_value=at.MAX_HALF_LIFE,
                               value=float(current.half_life_days), step=1.0, key=keys["half_life"],
                               help=t("at_half_life_help"))
        first = c2.slider(t("at_first_share"), 0, 100, value=int(round(current.first_share * 100)), step=5,
                          format="%d%%", key=keys["first_share"], help=t("at_shares_help"))
        last = c3.slider(t("at_last_share"), 0, 100, value=int(round(current.last_share * 100)), step=5,
                         format="%d%%", key=keys["last_share"], help=t("at_shares_help"))
        separator = current.separator
        if fmt == "paths":
            separator = st.text_input(t("at_separator"), value=current.separator, key=keys["separator"],
                                      help=t("at_separator_help")) or current.separator
    try:
        return set_choice(half_life_days=float(half), first_share=first / 100, last_share=last / 100,
                          separator=separator)
    except DataError as exc:
        st.error(exc.text(lang()))
        return current


def excluded_section(paths: at.Paths) -> None:
    excluded = paths.excluded
    if excluded.empty:
        st.caption(t("at_excluded_none"))
        return
    language = lang()
    with st.expander(t("at_excluded", rows=len(excluded)), icon="🧹"):
        words = excluded["reason"].map(lambda code: render(code, language))
        st.markdown("\n".join(f"- {reason}: {n:,}" for reason, n in words.value_counts().items()))
        shown = pd.DataFrame({t("at_row"): excluded["row"], t("at_reason"): words, t("at_column"): excluded["column"],
                              t("at_value_cell"): excluded["value"]}).head(SHOWN)
        st.dataframe(shown, hide_index=True, height=fit_height(len(shown)))


def metrics_section(paths: at.Paths, fmt: str) -> None:
    c = st.columns(4)
    if fmt == "touchpoints":
        c[0].metric(t("at_journeys"), f"{len(paths.frame):,}", help=t("at_journeys_help"))
    else:
        c[0].metric(t("at_journeys_paths"), f"{len(paths.frame):,}")
    c[1].metric(t("at_conversions"), f"{paths.total_conversions:,.0f}")
    c[2].metric(t("at_value"), money_text(paths.total_value, state.currency()))
    c[3].metric(t("at_channels"), f"{len(paths.channels):,}")


def models_section(found: cached_attribution.Results) -> None:
    """The grouped bar chart (conversions or value), the table of both, the removal effects."""
    st.subheader(t("at_compare"))
    currency = state.currency()
    measures = ["conversions", "value"]
    measure = st.segmented_control(t("at_measure"), measures, default="conversions", required=True, key="at_measure",
                                   format_func=labels(measures, lambda m: t(f"at_measure_{m}"))) or "conversions"
    st.altair_chart(attribution_charts.models_chart(found.long, measure, currency=currency), width="stretch")
    language = lang()
    shown = ax.credit_sheet(found.table, language)
    conversions = list(shown.columns[1:7])
    shown = shown.assign(**{c: shown[c].round(1) for c in conversions})  # "7,574.7": localized, one decimal
    config = {c: st.column_config.NumberColumn(c, format="localized") for c in conversions}
    config |= {c: money_column(c, currency) for c in shown.columns[7:]}
    st.dataframe(shown, hide_index=True, column_config=config, height=fit_height(len(shown)))
    st.subheader(t("at_effects"), help=t("at_effects_help"))
    st.altair_chart(attribution_charts.effects_chart(found.effects), width="stretch")
    effects = found.effects
    pct = {c: effects[c] * 100 for c in ("removal_effect", "share", "value_removal_effect", "value_share")}
    number = st.column_config.NumberColumn
    st.dataframe(effects.assign(**pct), hide_index=True, height=fit_height(len(effects)), column_config={
        "channel": st.column_config.Column(t("at_table_channel")),
        "removal_effect": number(t("at_effect"), format="%.1f%%"), "share": number(t("at_share"), format="%.1f%%"),
        "value_removal_effect": number(t("at_value_effect"), format="%.1f%%"),
        "value_share": number(t("at_value_share"), format="%.1f%%")})


def summary_section(found: cached_attribution.Results) -> list[str]:
    sentences = at.attribution_summary(found.table, lang())
    st.subheader(t("at_summary"))
    st.markdown("\n".join(f"- {s}" for s in sentences))
    return sentences


def download(found: cached_attribution.Results, paths: at.Paths, current: at.AttributionChoice, summary: list[str],
             *, source: str, fmt: str, columns: tuple[tuple[str, str | None], ...]) -> None:
    language = lang()

    def workbook() -> bytes:  # written when she clicks, not on every rerun
        return ax.workbook_bytes(found.table, found.effects, summary, paths, current, source=source, fmt=fmt,
                                 columns=dict(columns), lang=language)

    stem = source.rsplit(".", 1)[0] or "touchpoints"
    st.download_button(t("at_download"), data=workbook, file_name=f"attribution_{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="at_download", icon="⬇️")
