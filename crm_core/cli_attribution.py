"""``python -m crm_core attribution``: channel attribution: conversions and value per channel for every model.

    python -m crm_core attribution INPUT --out attribution.xlsx|attribution.csv [--format touchpoints|paths]
                                   [--journey COL --time COL --channel COL --converted COL --value COL]
                                   [--path COL --conversions COL --nulls COL --separator " > "]
                                   [--half-life DAYS] [--first-share 0.4] [--last-share 0.4]
                                   [--sheet NAME] [--lang en|zh] [--settings analysis.json]

INPUT is touchpoints (one row per touch: journey or customer id, time, channel, converted, value; a journey ends at
each conversion) or ready paths (one row per path such as "wechat > search > store" with its conversions, value and
nulls), e.g. ChannelAttribution's Data.csv as it is (the ``;`` is found by :func:`crm_core.pipeline.read`).  The
format and the columns are proposed from the headers (English or Chinese, as on the Attribution page); an option
names a column or the format when the proposal is wrong.  The model options are the saved analysis's
(``--settings``, its "attribution" choice) with each option given here on top.

Prints what was read, then the conversions and the value credited to each channel by every model (first touch,
last touch, linear, time decay, position based, Markov chain), the Markov removal effects and the summary
sentences.  Writes the workbook of the page's download (:mod:`crm_core.measure.attribution_export`), or with
``--out x.csv`` the credits table only.  A bad input exits with status 2 and the page's message, never a traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from crm_core import cli, export, pipeline
from crm_core.measure import attribution as at
from crm_core.measure import attribution_export as ax
from crm_core.messages import Localized, render
from crm_core.schema import DataError, ReadOptions
from crm_core.settings import AnalysisSettings

__all__ = ["add_parser", "choice_of", "cmd_attribution", "columns_of"]

TOUCH_ROLES = ("journey", "time", "channel", "converted", "value")
PATH_ROLES = ("path", "conversions", "value", "nulls")

_TEXTS = {
    "read": ("Read {source}: {fmt}, {rows:,} rows -> {paths:,} paths, {conversions:,.0f} conversions, value "
             "{value:,.2f}, {channels} channels",
             "读取 {source}：{fmt}，{rows:,} 行 -> {paths:,} 条路径，{conversions:,.0f} 次转化，转化金额 {value:,.2f}，"
             "{channels} 个渠道"),
    "touchpoints": ("touchpoints", "触点明细"), "paths": ("ready paths", "现成路径"),
    "columns": ("Columns: {columns}", "使用的列：{columns}"),
    "left_out": ("Rows left out: {count:,} ({reasons}); the workbook lists them",
                 "未使用的行：{count:,}（{reasons}），详见工作簿"),
    "conversions": ("Conversions credited per channel", "各渠道归因的转化数"),
    "value": ("Value credited per channel", "各渠道归因的转化金额"),
    "effects": ("Markov removal effects (share of conversions lost without the channel)",
                "马尔可夫移除效应（去掉该渠道后损失的转化比例）"),
    "channel": ("channel", "渠道"), "total": ("total", "合计"),
    "options": ("Time decay half life {half:g} {unit}; position based {first:.0%} first / {last:.0%} last",
                "时间衰减半衰期 {half:g} {unit}；位置归因 首次 {first:.0%} / 末次 {last:.0%}"),
    "days": ("days", "天"), "steps": ("steps (no times in ready paths)", "步（现成路径没有时间）"),
}


def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXTS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def _share(text: str | None, option: str) -> float | None:
    """0.4 or 40%; DataError naming the option otherwise."""
    if text is None:
        return None
    raw = text.strip()
    try:
        return float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise DataError("measure_bad_option", option=option, value=text) from None


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``attribution`` (its own input options: one table of touchpoints or ready paths, not orders)."""
    p = sub.add_parser("attribution", help="channel attribution: conversions and value per channel for every model "
                                           "(first/last touch, linear, time decay, position based, Markov chain)")
    p.add_argument("input", help="touchpoints (journey, time, channel, converted, value) or ready paths (path, "
                                 "conversions, value, nulls): CSV or Excel")
    p.add_argument("--out", required=True, help="output file: .xlsx (every sheet) or .csv (the credits)")
    p.add_argument("--settings", help="analysis saved from the app (Save analysis): its attribution options")
    p.add_argument("--sheet", help="Excel sheet name (default: the one holding the table)")
    p.add_argument("--lang", choices=("en", "zh"), default=None, help="default: en, or the saved analysis's")
    p.add_argument("--format", choices=at.FORMATS, default=None, help="default: told from the headers")
    for role in TOUCH_ROLES:
        p.add_argument(f"--{role}", default=None, help=f"touchpoints: the {role} column (default: proposed)")
    for role in ("path", "conversions", "nulls"):
        p.add_argument(f"--{role}", default=None, help=f"ready paths: the {role} column (default: proposed)")
    default = at.AttributionChoice()
    p.add_argument("--half-life", type=float, default=None,
                   help=f"time decay: days for a touch's credit to halve (default {default.half_life_days:g})")
    p.add_argument("--first-share", default=None,
                   help=f"position based: the first touch's share, e.g. 0.4 or 40%% (default {default.first_share})")
    p.add_argument("--last-share", default=None,
                   help=f"position based: the last touch's share (default {default.last_share})")
    p.add_argument("--separator", default=None,
                   help=f"ready paths: the text between two channels (default \"{default.separator}\")")
    p.set_defaults(func=cmd_attribution)
    return p


def choice_of(args: argparse.Namespace, saved: at.AttributionChoice) -> at.AttributionChoice:
    """The saved choice with every option given on the command line on top (checked: DataError)."""
    given = {"half_life_days": args.half_life, "first_share": _share(args.first_share, "--first-share"),
             "last_share": _share(args.last_share, "--last-share"), "separator": args.separator}
    return replace(saved, **{k: v for k, v in given.items() if v is not None})


def columns_of(args: argparse.Namespace, columns: list[str]) -> tuple[str, dict[str, str | None]]:
    """(format, role -> column): the format and columns proposed from the headers, options on top."""
    fmt = args.format or at.detect_format(columns)
    if fmt is None:
        raise DataError("at_format_unknown", columns=Localized.listing(columns))
    if fmt == "touchpoints":
        proposed = at.propose_touchpoint_columns(columns)
        roles = TOUCH_ROLES
    else:
        proposed = at.propose_path_columns(columns)
        roles = PATH_ROLES
    return fmt, {role: getattr(args, role) or proposed[role] for role in roles}


def cmd_attribution(args: argparse.Namespace) -> int:
    out = cli._check_out(args.out)
    saved = AnalysisSettings()
    if args.settings:
        path = Path(args.settings)
        saved = AnalysisSettings.from_json(path.read_bytes(), source=str(path))
    if args.lang is None:
        args.lang = saved.lang
    lang = args.lang
    choice = choice_of(args, saved.attribution)  # options are checked before reading a large file
    source = Path(args.input)
    raw = pipeline.read(source.read_bytes(), source.name, ReadOptions(sheet=args.sheet))
    for note in raw.notes:
        cli._say_note(note, lang)
    fmt, columns = columns_of(args, list(raw.frame.columns))
    try:
        if fmt == "touchpoints":
            paths = at.paths_from_touchpoints(raw.frame, **columns)
        else:
            paths = at.paths_from_table(raw.frame, **columns, separator=choice.separator)
    except DataError as exc:  # here a column is named with its option (--journey ...), not picked on a page
        if exc.code == "at_column_needed":
            raise DataError("at_column_option_needed", **exc.params) from None
        raise
    table = at.attribute(paths, choice)
    effects = at.removal_effects(paths)
    summary = at.attribution_summary(table, lang)
    _print(paths, table, effects, summary, choice, source=source.name, fmt=fmt, columns=columns, lang=lang)
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(ax.credit_sheet(table, lang)))
    else:
        out.write_bytes(ax.workbook_bytes(table, effects, summary, paths, choice, source=source.name, fmt=fmt,
                                          columns=columns, lang=lang))
    print(render("cli_wrote", lang, path=out))
    return 0


def _grid(table: pd.DataFrame, suffix: str, lang: str, *, decimals: int) -> str:
    """Channels down, models across (with a total row), as text."""
    grid = pd.DataFrame({at.MODEL_LABELS[m].text(lang): table[f"{m}{suffix}"].to_numpy(float) for m in at.MODELS},
                        index=pd.Index(table["channel"], name=_t("channel", lang)))
    grid.loc[_t("total", lang)] = grid.sum()
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):  # CJK columns line up
        return grid.to_string(float_format=lambda x: f"{x:,.{decimals}f}")


def _print(paths: at.Paths, table: pd.DataFrame, effects: pd.DataFrame, summary: list[str],
           choice: at.AttributionChoice, *, source: str, fmt: str, columns: dict[str, str | None], lang: str) -> None:
    print(_t("read", lang, source=source, fmt=_t(fmt, lang), rows=paths.source_rows, paths=len(paths.frame),
             conversions=paths.total_conversions, value=paths.total_value, channels=len(paths.channels)))
    sep = "，" if lang == "zh" else ", "
    print(_t("columns", lang, columns=sep.join(f"{at.ROLE_WORDS[r].text(lang)} = {c}" for r, c in columns.items()
                                               if c)))
    if len(paths.excluded):
        counts = paths.excluded["reason"].value_counts()
        reasons = sep.join(f"{render(code, lang)}: {n:,}" for code, n in counts.items())
        print(_t("left_out", lang, count=len(paths.excluded), reasons=reasons))
    print(_t("options", lang, half=choice.half_life_days, unit=_t(paths.age_unit, lang), first=choice.first_share,
             last=choice.last_share))
    print()
    print(_t("conversions", lang))
    print(_grid(table, "", lang, decimals=1))
    print()
    print(_t("value", lang))
    print(_grid(table, "_value", lang, decimals=2))
    print()
    print(_t("effects", lang))
    for row in effects.itertuples(index=False):
        effect = row.removal_effect
        print(f"  {row.channel}: {effect:.1%}" if effect >= 0.001 or effect == 0 else f"  {row.channel}: {effect:.3%}")
    print()
    for sentence in summary:
        print(sentence)
