"""``python -m crm_core abtest``: A/B/n test: each variant's rate, the difference with its interval, the p-value.

    python -m crm_core abtest results.csv --out abtest.xlsx [--variant COL] [--outcome COL]
                              [--visitors COL --conversions COL] [--revenue COL] [--group COL | --no-group]
                              [--baseline NAME] [--test z|chi2] [--confidence 0.95] [--sheet NAME]
                              [--lang en|zh] [--settings analysis.json]

INPUT is a results file: one row per customer with an outcome column (success, refused, 成功...; a campaign's
outcomes file, whose control rows are left out through its group column), or one row per variant (or per variant
and day) with visitors and conversions.  Columns not given are proposed from the headers
(:func:`crm_core.measure.abtest.propose_ab_columns`; told on stderr).  The choice (confidence, test, baseline) is
the saved analysis's (``--settings``, key ``abtest``) with each option given here on top, as on the A/B test page.

Prints each variant's rate with its interval, then for each variant against the baseline the difference with its
interval, the relative lift and the p-value, the overall chi-square, the probability of being best, and the verdict
in plain words (``--lang``).  Writes one workbook: the results sheet and the verdict sheet (what produced it under
it), or with ``--out x.csv`` the results table.  Errors: the app's message, status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from crm_core import cli
from crm_core.messages import Localized, render
from crm_core.schema import DataError, ReadOptions

__all__ = ["add_parser", "choice_of", "cmd_abtest"]

_TEXTS = {
    "columns": ("Columns: {pairs}", "使用的列：{pairs}"),
    "none": ("none", "无"),
    "control_left_out": ("Control rows left out: {rows:,} (column {column})", "已排除对照组 {rows:,} 行（{column}列）"),
    "rate_line": ("  {name}: {rate} ({conversions:,} / {visitors:,}), {level} CI {low} to {high}{base}",
                  "  {name}：{rate}（{conversions:,} / {visitors:,}），{level} 置信区间 {low} 至 {high}{base}"),
    "baseline_mark": ("  [baseline]", "  [对照版本]"),
    "diff_line": ("    vs {base}: {diff} points ({level} CI {low} to {high}), lift {lift} ({level} CI {lift_low} to "
                  "{lift_high}), {p}{star}",
                  "    对比 {base}：{diff} 个百分点（{level} 置信区间 {low} 至 {high}），"
                  "相对提升 {lift}（{level} 置信区间 {lift_low} 至 {lift_high}），{p}{star}"),
    "significant_star": (", significant", "，差异显著"),
    "overall": ("All variants alike? chi-square over all variants: {p}", "各版本是否相同？全部版本的卡方检验：{p}"),
    "verdict": ("Verdict:", "结论："),
    "rates": ("Conversion rates ({test}):", "转化率（{test}）："),
    "test_z": ("two-proportion z-test", "两比例 z 检验"),
    "test_chi2": ("chi-square test", "卡方检验"),
}
_ROLES = ("variant", "outcome", "visitors", "conversions", "revenue", "group")
_ROLE_WORDS = {"variant": ("variant", "版本"), "outcome": ("outcome", "结果"), "visitors": ("visitors", "人数"),
               "conversions": ("conversions", "转化数"), "revenue": ("revenue", "金额"), "group": ("group", "组别")}


def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXTS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``abtest`` (a results file, not orders: ``add_input`` and ``add_analysis`` are not used)."""
    p = sub.add_parser("abtest", help="A/B/n test: each variant's rate, the difference with its interval, the p-value")
    p.add_argument("input", help="results file (CSV or Excel): one row per customer with an outcome, or one row per "
                                 "variant with visitors and conversions")
    p.add_argument("--out", required=True, help="output file: .xlsx (results + verdict) or .csv (results)")
    p.add_argument("--settings", help="analysis saved from the app (Save analysis): its A/B test choice")
    p.add_argument("--sheet", help="Excel sheet name (default: the first one holding a table)")
    p.add_argument("--variant", help="column naming each row's variant (default: proposed from the headers)")
    p.add_argument("--outcome", help="column of each customer's outcome (success, refused, 成功...)")
    p.add_argument("--visitors", help="column of customers per row (aggregated rows, with --conversions)")
    p.add_argument("--conversions", help="column of conversions per row (aggregated rows, with --visitors)")
    p.add_argument("--revenue", help="column of money per row (optional)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--group", help="target/control column: its control rows are left out")
    group.add_argument("--no-group", action="store_true", help="do not look for a target/control column")
    p.add_argument("--baseline", default=None, help="the variant the others are compared with (default: the first)")
    p.add_argument("--test", choices=("z", "chi2"), default=None, help="default: z, or the saved analysis's")
    p.add_argument("--confidence", default=None, help="e.g. 0.95 or 95%% (default: 0.95, or the saved analysis's)")
    p.add_argument("--lang", choices=("en", "zh"), default=None, help="default: en, or the saved analysis's")
    p.set_defaults(func=cmd_abtest)
    return p


def _confidence(text: str | None) -> float | None:
    if text is None:
        return None
    raw = text.strip()
    try:
        return float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise DataError("ab_bad_confidence", value=text) from None


def choice_of(args: argparse.Namespace, saved):
    """The saved A/B choice with every option given on the command line on top (checked: DataError)."""
    given = {"confidence": _confidence(args.confidence), "test": args.test, "baseline": args.baseline}
    return replace(saved, **{k: v for k, v in given.items() if v is not None})


def _columns(args: argparse.Namespace, headers) -> dict[str, str | None]:
    """The columns given, the others proposed; aggregated columns win over an outcome; --no-group drops the group."""
    from crm_core.measure.abtest import propose_ab_columns

    proposed = propose_ab_columns(headers)
    given = {role: getattr(args, role) for role in _ROLES}
    chosen = {role: given[role] if given[role] is not None else proposed[role] for role in _ROLES}
    if args.no_group:
        chosen["group"] = None
    if given["outcome"] is not None and given["visitors"] is None:  # an outcome asked for: per-row results
        chosen["visitors"] = chosen["conversions"] = None
    if chosen["visitors"] is None or chosen["conversions"] is None:
        chosen["visitors"] = chosen["conversions"] = None
    if chosen["visitors"] is not None:
        chosen["group"] = None if given["group"] is None else chosen["group"]
    return chosen


def _print_result(result, lang: str) -> None:
    from crm_core.measure._abtest_words import level_text, p_text, percent, points

    level = level_text(result.confidence)
    print(_t("rates", lang, test=_t(f"test_{result.test}", lang)))
    rows = list(result.table.itertuples(index=False))
    for i, row in enumerate(rows):
        print(_t("rate_line", lang, name=row.variant, rate=percent(row.rate), conversions=row.conversions,
                 visitors=row.visitors, level=level, low=percent(row.rate_low), high=percent(row.rate_high),
                 base=_t("baseline_mark", lang) if i == 0 else ""))
        if i == 0:
            continue
        lift = "–" if math.isnan(row.lift) else f"{row.lift * 100:+.1f}%"
        lift_low = "–" if math.isnan(row.lift_low) else f"{row.lift_low * 100:+.1f}%"
        lift_high = "–" if math.isnan(row.lift_high) else f"{row.lift_high * 100:+.1f}%"
        print(_t("diff_line", lang, base=rows[0].variant, diff=points(row.diff), level=level,
                 low=points(row.diff_low), high=points(row.diff_high), lift=lift, lift_low=lift_low,
                 lift_high=lift_high, p=p_text(row.p_value),
                 star=_t("significant_star", lang) if row.significant else ""))
    print(_t("overall", lang, p=p_text(result.overall_p_value)))
    print(_t("verdict", lang))
    for sentence in result.sentences(lang):
        print(f"  {sentence}")


def cmd_abtest(args: argparse.Namespace) -> int:
    from crm_core import export, pipeline
    from crm_core.measure import _abtest_export as ab_export
    from crm_core.measure.abtest import AbChoice, ab_test, variants_from_table
    from crm_core.measure.outcomes import parse_group
    from crm_core.settings import AnalysisSettings

    saved_choice, read = AbChoice(), ReadOptions()
    if args.settings:
        settings = AnalysisSettings.from_json(Path(args.settings).read_bytes(), source=args.settings)
        saved_choice, read = settings.abtest, settings.read
        args.lang = args.lang or settings.lang
        print(render("cli_settings_read", args.lang, path=args.settings), file=sys.stderr)
    args.lang = args.lang or "en"
    lang = args.lang
    out = cli._check_out(args.out)
    choice = choice_of(args, saved_choice)
    path = Path(args.input)
    if args.sheet is not None:
        read = replace(read, sheet=args.sheet)
    raw = pipeline.read(path.read_bytes(), path.name, read)
    for note in raw.notes:
        cli._say_note(note, lang)
    frame = raw.frame
    columns = _columns(args, frame.columns)
    if columns["variant"] is None:
        raise DataError("ab_no_variant_column", columns=Localized.listing(frame.columns))
    sep = "，" if lang == "zh" else ", "
    pairs = sep.join(f"{_ROLE_WORDS[role][lang == 'zh']}={columns[role] or _t('none', lang)}" for role in _ROLES)
    print(_t("columns", lang, pairs=pairs), file=sys.stderr)
    variants = variants_from_table(frame, **columns)
    if columns["group"] is not None:
        control = int((parse_group(frame[columns["group"]], column=columns["group"]) == "control").sum())
        print(_t("control_left_out", lang, rows=control, column=columns["group"]), file=sys.stderr)
    result = ab_test(variants, choice)
    _print_result(result, lang)
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(ab_export.results_frame(result, lang)))
    else:
        out.write_bytes(ab_export.workbook(result, lang, source=path.name,
                                           generated=f"{cli.generated_at():%Y-%m-%d %H:%M}"))
    print(render("cli_wrote", lang, path=out))
    return 0
