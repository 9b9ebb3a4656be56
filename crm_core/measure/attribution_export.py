"""The attribution workbook the page downloads and the CLI writes: the credits of every model, the removal effects,
the summary with how it was computed, and the rows left out.  Cells go through
:func:`crm_core.export.to_excel_bytes` (text that starts like a formula stays text)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from crm_core.export import ColumnFormat, to_excel_bytes
from crm_core.measure.attribution import MODEL_LABELS, MODELS, ROLE_WORDS, AttributionChoice, Paths
from crm_core.messages import render

__all__ = ["SHEETS", "about_rows", "credit_sheet", "effects_sheet", "excluded_sheet", "header", "workbook_bytes"]

SHEETS = {"attribution": ("Attribution", "归因结果"), "effects": ("Removal effects", "移除效应"),
          "summary": ("Summary", "摘要"), "excluded": ("Rows left out", "未使用的行")}
_WORDS = {
    "channel": ("Channel", "渠道"), "conversions": ("conversions", "转化数"), "value": ("value", "转化金额"),
    "removal_effect": ("Removal effect", "移除效应"), "share": ("Share of Markov credit", "马尔可夫归因占比"),
    "value_removal_effect": ("Removal effect (value)", "移除效应（金额）"),
    "value_share": ("Share of Markov value", "马尔可夫金额占比"),
    "summary": ("Summary", "摘要"), "row": ("Row", "行号"), "reason": ("Reason", "原因"),
    "column": ("Column", "列"), "cell": ("Value", "内容"),
    "about": ("How this was computed", "计算说明"), "file": ("File", "文件"), "format": ("Input", "数据格式"),
    "touchpoints": ("touchpoints (one row per touch; a journey ends at each conversion)",
                    "触点明细（每个触点一行；每次转化结束一段旅程）"),
    "paths": ("ready paths (one row per path with counts)", "现成路径（每条路径一行及其计数）"),
    "columns": ("Columns", "使用的列"), "read": ("Read", "读取"),
    "read_text": ("{rows:,} rows; {paths:,} paths, {conversions:,.0f} conversions, value {value:,.2f}, "
                  "{channels} channels; {excluded:,} rows left out",
                  "{rows:,} 行；{paths:,} 条路径，{conversions:,.0f} 次转化，转化金额 {value:,.2f}，{channels} 个渠道；"
                  "{excluded:,} 行未使用"),
    "options": ("Model options", "模型参数"),
    "options_text": ("time decay half life {half:g} {unit}; position based {first:.0%} first, {last:.0%} last, "
                     "the rest split over the touches between; Markov: order 1, removal effects computed exactly",
                     "时间衰减半衰期 {half:g} {unit}；位置归因首次 {first:.0%}、末次 {last:.0%}，其余平分给中间触点；"
                     "马尔可夫：一阶，移除效应精确计算"),
    "days": ("days", "天"), "steps": ("steps (ready paths have no times: a step counts as a day)",
                                    "步（现成路径没有时间：每一步按一天计）"),
}


def _w(key: str, lang: str) -> str:
    return _WORDS[key][1 if lang == "zh" else 0]


def header(model: str, measure: str, lang: str) -> str:
    """The column header of ``model``'s ``measure`` ("conversions" or "value"): "Linear · conversions"."""
    return f"{MODEL_LABELS[model].text(lang)} · {_w(measure, lang)}"


def credit_sheet(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`~crm_core.measure.attribution.attribute`'s table with localized headers: the channel, every model's
    conversions, then every model's value."""
    data = {_w("channel", lang): table["channel"].to_numpy()}
    for measure, suffix in (("conversions", ""), ("value", "_value")):
        for model in MODELS:
            data[header(model, measure, lang)] = table[f"{model}{suffix}"].to_numpy(float)
    return pd.DataFrame(data)


def effects_sheet(effects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`~crm_core.measure.attribution.removal_effects` with localized headers (fractions: Excel shows %)."""
    names = ("channel", "removal_effect", "share", "value_removal_effect", "value_share")
    return effects.loc[:, list(names)].rename(columns={n: _w(n, lang) for n in names})


def excluded_sheet(excluded: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows left out: the file's row number, the reason in words, the column and its value."""
    return pd.DataFrame({_w("row", lang): excluded["row"].to_numpy(),
                         _w("reason", lang): [render(code, lang) for code in excluded["reason"]],
                         _w("column", lang): excluded["column"].to_numpy(),
                         _w("cell", lang): excluded["value"].to_numpy()})


def about_rows(paths: Paths, choice: AttributionChoice, *, source: str, fmt: str, columns: Mapping[str, str | None],
               lang: str) -> list[tuple[str, str]]:
    """(label, text) lines under the summary: the file, the input format and columns, what was read, the options."""
    sep = "，" if lang == "zh" else ", "
    used = sep.join(f"{ROLE_WORDS[role].text(lang)} = {name}" for role, name in columns.items() if name)
    read = _w("read_text", lang).format(rows=paths.source_rows, paths=len(paths.frame),
                                        conversions=paths.total_conversions, value=paths.total_value,
                                        channels=len(paths.channels), excluded=len(paths.excluded))
    options = _w("options_text", lang).format(half=choice.half_life_days, unit=_w(paths.age_unit, lang),
                                              first=choice.first_share, last=choice.last_share)
    return [(_w("about", lang), ""), (_w("file", lang), source), (_w("format", lang), _w(fmt, lang)),
            (_w("columns", lang), used), (_w("read", lang), read), (_w("options", lang), options)]


def workbook_bytes(table: pd.DataFrame, effects: pd.DataFrame, summary: Sequence[str], paths: Paths,
                   choice: AttributionChoice, *, source: str, fmt: str, columns: Mapping[str, str | None],
                   lang: str) -> bytes:
    """The .xlsx: Attribution (credits of every model), Removal effects, Summary (the sentences, how it was
    computed under them), and Rows left out when there are any."""
    i = 1 if lang == "zh" else 0
    credits = credit_sheet(table, lang)
    sheets = {SHEETS["attribution"][i]: credits, SHEETS["effects"][i]: effects_sheet(effects, lang),
              SHEETS["summary"][i]: pd.DataFrame({_w("summary", lang): list(summary)})}
    if len(paths.excluded):
        sheets[SHEETS["excluded"][i]] = excluded_sheet(paths.excluded, lang)
    formats = ColumnFormat(money=tuple(credits.columns[1:]),
                           percent=tuple(_w(n, lang) for n in ("removal_effect", "share", "value_removal_effect",
                                                               "value_share")),
                           integer=(_w("row", lang),))
    footer = about_rows(paths, choice, source=source, fmt=fmt, columns=columns, lang=lang)
    return to_excel_bytes(sheets, formats=formats, footers={SHEETS["summary"][i]: footer})
