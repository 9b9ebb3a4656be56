"""The client report as an Excel workbook: a Contents sheet (every section, included or not and why, and the
sheet holding it), then one sheet per section (its first table, the section's title above it and its sentences
under it; a section's further tables follow on sheets of their own, named after them), then the analysis
settings and source files.  Written by :func:`crm_core.export.to_excel_bytes`: headers in the report's
language, number formats by column (thousands separators, %, two decimals), text that starts like a formula
kept as text."""

from __future__ import annotations

import pandas as pd

from crm_core import export
from crm_core.export._xlsx import valid_sheet_names
from crm_core.measure.report import Report, Section
from crm_core.measure.report_texts import word

__all__ = ["report_xlsx", "sheet_plan"]


def sheet_plan(report: Report) -> list[tuple[str, str, int]]:
    """(sheet key, section key, table index) of every sheet after Contents, in order (index -1: a skipped
    section's sheet)."""
    plan = []
    for section in report.sections:
        if section.skipped is not None or not section.tables:
            plan.append((section.title, section.key, -1))
            continue
        plan.append((section.title, section.key, 0))
        plan += [(table.title, section.key, i) for i, table in enumerate(section.tables[1:], 1)]
    return plan


def _formats(report: Report) -> export.ColumnFormat:
    by_kind: dict[str, list[str]] = {"money": [], "int": [], "pct": []}
    seen: set[str] = set()
    for section in report.sections:
        for table in section.tables:
            for header, kind in table.formats.items():
                kind = "money" if kind == "num" else kind
                if kind in by_kind and header not in seen:
                    seen.add(header)
                    by_kind[kind].append(header)
    return export.ColumnFormat(money=tuple(by_kind["money"]), integer=tuple(by_kind["int"]),
                               percent=tuple(by_kind["pct"]))


def _notes(section: Section, lang: str) -> list[tuple[str, str]]:
    rows = [(word("note", lang), text) for text in section.paragraphs]
    if section.skipped is not None:
        rows.append((word("skipped", lang), section.skipped))
    return rows


def report_xlsx(report: Report) -> bytes:
    """The workbook's bytes (see the module docstring)."""
    lang = report.lang
    plan = sheet_plan(report)
    contents_name = word("contents", lang)
    appendix_name = word("settings", lang)
    names = valid_sheet_names([contents_name, *(key for key, _, _ in plan), appendix_name])
    sheet_of = {(section, index): name for (_, section, index), name in zip(plan, names[1:-1], strict=True)}
    sheets: dict[str, pd.DataFrame] = {}
    notes: dict[str, str] = {}
    footers: dict[str, list[tuple[str, str]]] = {}
    contents_rows = []
    for number, section in enumerate(report.sections, 1):
        status = word("skipped", lang) if section.skipped is not None else word("done", lang)
        first = sheet_of.get((section.key, 0)) or sheet_of.get((section.key, -1))
        contents_rows.append({word("section", lang): f"{number}. {section.title}", word("status", lang): status,
                              word("sheet", lang): first, word("note", lang): section.skipped or
                              (section.paragraphs[0] if section.paragraphs else "")})
    sheets[names[0]] = pd.DataFrame(contents_rows)
    notes[names[0]] = report.title
    footers[names[0]] = [(word("generated", lang), f"{report.generated_at:%Y-%m-%d %H:%M}")] \
        if report.generated_at is not None else []
    for section in report.sections:
        if section.skipped is not None or not section.tables:
            name = sheet_of[(section.key, -1)]
            sheets[name] = pd.DataFrame({word("status", lang): [word("skipped", lang)],
                                         word("note", lang): [section.skipped or ""]})
            notes[name] = section.title
            footers[name] = [(word("note", lang), text) for text in section.paragraphs]
            continue
        for index, table in enumerate(section.tables):
            name = sheet_of[(section.key, index)]
            sheets[name] = table.frame.reset_index(drop=True)
            notes[name] = section.title if index == 0 else f"{section.title} – {table.title}"
            if index == 0:
                notes[name] = f"{section.title} – {table.title}"
                footers[name] = _notes(section, lang)
    appendix = pd.DataFrame(report.settings_rows, columns=[word("setting", lang), word("value", lang)])
    sheets[names[-1]] = appendix
    notes[names[-1]] = word("appendix", lang)
    footers[names[-1]] = [(word("sources", lang), "")] + [(name, digest) for name, digest in report.sources]
    return export.to_excel_bytes(sheets, formats=_formats(report), title_notes=notes, footers=footers)
