"""The Report page's parts: the choice form, the build with one status step per section, the summary, the
downloads and the preview (headings, sentences and tables of each section)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

import streamlit as st

from crm_core.measure import report as rp
from crm_core.measure.report_html import cell_text
from crm_core.measure.report_texts import word
from crm_core.schema import DataError
from ui import cached_report, measure_state
from ui.i18n import labels, t

__all__ = ["build", "choice_form", "downloads", "preview", "summary"]


def choice_form(language: str) -> rp.ReportChoice | None:
    """Sections, customers per list and personal data; the choice is kept in the session (saved with the analysis).
    None when no section is chosen."""
    choice = measure_state.choice("report")
    keys = list(rp.SECTIONS)
    sections = st.multiselect(t("rp_sections"), keys, default=[k for k in keys if k in choice.sections],
                              format_func=labels(keys, lambda k: word(k, language)), key="rp_sections",
                              help=t("rp_sections_help"))
    c1, c2 = st.columns([1, 2], vertical_alignment="top")
    top_n = c1.number_input(t("rp_top_n"), min_value=1, max_value=rp.MAX_TOP_N, value=choice.top_n, step=5,
                            key="rp_top_n", help=t("rp_top_n_help"))
    personal = c2.toggle(t("rp_include_personal"), value=choice.include_personal, key="rp_include_personal")
    c2.caption(t("rp_personal_caption"))
    if not sections:
        st.warning(t("rp_pick_one"))
        return None
    try:
        new = replace(choice, sections=tuple(k for k in keys if k in sections), top_n=int(top_n),
                      include_personal=bool(personal))
    except DataError as exc:
        st.error(exc.text(language))
        return None
    if new != choice:
        measure_state.set_choice("report", new)
    return new


def build(inputs: rp.ReportInputs, choice: rp.ReportChoice, language: str, fingerprint: str) -> dict:
    """Build the report inside a status box with one line per section, then keep it (with its two files)."""
    start = time.perf_counter()
    with st.status(t("rp_building"), expanded=True) as box:
        def progress(done: int, total: int, key: str) -> None:
            if key:
                box.write(t("rp_step", n=done + 1, total=total, title=word(key, language)))

        report = rp.build_report(inputs, choice=choice, lang=language, progress=progress,
                                 generated_at=datetime.now().replace(microsecond=0))
        entry = cached_report.keep(fingerprint, report, time.perf_counter() - start)
        done = sum(s.skipped is None for s in report.sections)
        box.update(label=t("rp_built", done=done, total=len(report.sections), seconds=entry["seconds"]),
                   state="complete", expanded=False)
    return entry


def summary(report: rp.Report) -> None:
    """One line per section: included, or not and why."""
    lines = []
    for section in report.sections:
        if section.skipped is None:
            lines.append(f"- {t('rp_section_done', title=section.title)}")
        else:
            lines.append(f"- {t('rp_section_skipped', title=section.title, reason=section.skipped)}")
    st.markdown("\n".join(lines))


def downloads(entry: dict, stem: str) -> None:
    c1, c2 = st.columns(2)
    with c1:
        st.download_button(t("rp_download_html"), entry["html"], file_name=f"{stem}.html", mime="text/html",
                           icon="🌐", type="primary", width="stretch", key="rp_download_html",
                           help=t("rp_download_html_help"))
    with c2:
        st.download_button(t("rp_download_xlsx"), entry["xlsx"], file_name=f"{stem}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon="📊",
                           width="stretch", key="rp_download_xlsx", help=t("rp_download_xlsx_help"))


def preview(report: rp.Report) -> None:
    """Each section's heading, sentences and tables (numbers as the report writes them)."""
    st.subheader(t("rp_preview"))
    for number, section in enumerate(report.sections, 1):
        with st.expander(f"{number}. {section.title}", expanded=number == 1):
            for text in section.paragraphs:
                st.markdown(text.replace("$", r"\$"))
            if section.skipped is not None:
                st.info(section.skipped)
            for table in section.tables:
                st.markdown(f"**{table.title}**")
                frame = table.frame.copy()
                for column, kind in table.formats.items():
                    if column in frame.columns:
                        frame[column] = [cell_text(v, kind, report.lang, report.currency) for v in frame[column]]
                st.dataframe(frame, hide_index=True, width="stretch")
