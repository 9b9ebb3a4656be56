"""The client report as one self-contained HTML page: inline CSS, charts as inline SVG
(:mod:`crm_core.measure.report_svg`), no script and no external URL of any kind, printable (each section starts
on a new page), with a table of contents and the analysis settings and source files in an appendix.  Every value
is escaped with :func:`html.escape`."""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from crm_core.measure.report import Report, Section, Table
from crm_core.measure.report_svg import FONT_STACK, chart_svg
from crm_core.measure.report_texts import word

__all__ = ["cell_text", "report_html"]

_CSS = """
:root { color-scheme: light; }
body { font-family: FONTS; color: #1f2937; margin: 0 auto; max-width: 980px; padding: 24px 32px;
       line-height: 1.5; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid #2563eb; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #6b7280; font-size: 13px; }
nav ol { padding-left: 22px; }
nav a { color: #2563eb; text-decoration: none; }
.skipped { background: #fef3c7; border-left: 4px solid #f59e0b; padding: 8px 12px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0 14px; }
th, td { border: 1px solid #e5e7eb; padding: 4px 8px; vertical-align: top; }
th { background: #f3f4f6; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 10px 0 18px; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg text { font-family: FONTS; fill: #1f2937; }
.status-done { color: #047857; } .status-skipped { color: #b45309; }
@media print {
  body { max-width: none; padding: 0; }
  section.report-section { break-before: page; }
  nav a { color: #1f2937; }
  figure, table { break-inside: avoid; }
}
""".replace("FONTS", FONT_STACK)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def cell_text(value: object, kind: str | None, lang: str, currency: str = "") -> str:
    """A table cell for people: thousands separators, % for shares, the currency for money, blank for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return word("s_shown", lang) if value else ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if math.isinf(number):
            return "∞"
        if kind == "pct":
            return f"{number:.1%}"
        if kind == "money":
            return f"{currency}{number:,.2f}"
        if kind == "int":
            return f"{number:,.0f}"
        if kind == "num" or not number.is_integer():
            return f"{number:,.2f}" if abs(number) >= 1 or number == 0 else f"{number:.3g}"
        return f"{number:,.0f}"
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _table(table: Table, lang: str, currency: str) -> str:
    frame = table.frame
    kinds = [table.formats.get(str(c)) for c in frame.columns]
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for value, kind in zip(values, kinds, strict=True):
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{_e(cell_text(value, kind, lang, currency))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f"<h3>{_e(table.title)}</h3><div class=\"table-wrap\"><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _section(section: Section, number: int, lang: str, currency: str) -> str:
    parts = [f'<section class="report-section" id="section-{_e(section.key)}">',
             f"<h2>{number}. {_e(section.title)}</h2>"]
    parts += [f"<p>{_e(text)}</p>" for text in section.paragraphs]
    if section.skipped is not None:
        colon = "：" if lang == "zh" else ": "
        parts.append(f'<p class="skipped"><strong>{_e(word("skipped", lang) + colon)}</strong>'
                     f"{_e(section.skipped)}</p>")
    for chart in section.charts:
        parts.append(f"<figure>{chart_svg(chart, lang)}</figure>")
    parts += [_table(table, lang, currency) for table in section.tables]
    parts.append("</section>")
    return "".join(parts)


def _contents(report: Report) -> str:
    lang = report.lang
    items = []
    for section in report.sections:
        status = (f' <span class="status-skipped">({_e(word("skipped", lang))})</span>' if section.skipped
                  else "")
        items.append(f'<li><a href="#section-{_e(section.key)}">{_e(section.title)}</a>{status}</li>')
    items.append(f'<li><a href="#appendix">{_e(word("appendix", lang))}</a></li>')
    return f'<nav><h2>{_e(word("contents", lang))}</h2><ol>{"".join(items)}</ol></nav>'


def _appendix(report: Report) -> str:
    lang = report.lang
    settings = "".join(f"<tr><th>{_e(label)}</th><td>{_e(text)}</td></tr>" for label, text in report.settings_rows)
    sources = "".join(f"<tr><td>{_e(name)}</td><td><code>{_e(digest[:16])}</code></td></tr>"
                      for name, digest in report.sources)
    return (f'<section class="report-section" id="appendix"><h2>{_e(word("appendix", lang))}</h2>'
            f'<h3>{_e(word("settings", lang))}</h3><table><tbody>{settings}</tbody></table>'
            f'<h3>{_e(word("sources", lang))}</h3><table><thead><tr><th>{_e(word("file", lang))}</th>'
            f'<th>{_e(word("sha", lang))}</th></tr></thead><tbody>{sources}</tbody></table></section>')


def report_html(report: Report) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    lang = report.lang
    html_lang = "zh-CN" if lang == "zh" else "en"
    parts = []
    if report.generated_at is not None:
        parts.append(f"{word('generated', lang)}: {report.generated_at:%Y-%m-%d %H:%M}")
    if report.as_of is not None:
        parts.append(f"{word('as_of', lang)}: {report.as_of}")
    meta = " · ".join(parts)
    body = "".join(_section(s, i, lang, report.currency) for i, s in enumerate(report.sections, 1))
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(report.title)}</title><style>{_CSS}</style></head><body>"
            f'<header><h1>{_e(report.title)}</h1><p class="meta">{_e(meta)}</p></header>'
            f"{_contents(report)}<main>{body}</main>{_appendix(report)}</body></html>")
