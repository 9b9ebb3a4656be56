"""``python -m crm_core forecast``: sales forecast with its backtest against the seasonal-naive baseline.

    python -m crm_core forecast INPUT [more …] --out forecast.xlsx [--horizon 12] [--freq W|M]
                                [--measure revenue|orders] [--by channel|segment] [--sales]
                                [--confidence 0.95] [--currency ¥] [--lang en|zh] [--settings analysis.json]
                                [the reading options of ``rfm``: --sheet, --mapping, --returns, --date-order …]

INPUT is order lines (cleaned as for ``rfm``: returns netted) or a daily or weekly sales table (date, sales or
orders, optionally a channel/store column: 日期/date, 销售额/revenue, 订单数/orders, 渠道/channel).  Which one is
guessed from the headers (a sales table has a date and sales or orders but no customer or order id); ``--sales``
says it is a sales table.  ``--by channel`` forecasts each channel (a sales table's channel/store column, or the
lines' channel), ``--by segment`` each RFM segment of the saved analysis's scoring (order lines only).

The choice (frequency, measure, horizon, by, confidence, models) is the saved analysis's (``--settings``, key
``forecast``) with each option given here on top, as on the Forecast page; the functions are the page's
(:mod:`crm_core.measure.forecast`).  Prints, per series, the backtest error of each model and of the seasonal-naive
baseline (sMAPE, MAPE, MAE on the last ``horizon`` periods), then the forecast summary; notes (periods left out,
seasonality) on stderr.  Writes one workbook: Summary (a sentence per series, what produced it under it), Forecast
(period, model, forecast and interval), Backtest, Sales history — or with ``--out x.csv`` the forecast table.  Errors:
the app's message, status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from crm_core import cli
from crm_core.measure._forecast_export import forecast_sheets, forecast_workbook
from crm_core.messages import Localized, render
from crm_core.schema import DataError

__all__ = ["add_parser", "choice_of", "cmd_forecast"]

_TEXTS = {
    "series": ("{name}:", "{name}："),
    "total": ("Total", "总体"),
    "backtest": ("  Backtest on the last {span} (sMAPE, MAPE, MAE):", "  最近 {span}的回测误差（sMAPE、MAPE、MAE）："),
    "score": ("    {model}: sMAPE {smape}, MAPE {mape}, MAE {mae}{best}", "    {model}：sMAPE {smape}，MAPE {mape}，"
              "MAE {mae}{best}"),
    "best": ("  <- best", "  ← 最佳"),
    "skipped": ("{name}: skipped ({reason})", "{name}：已跳过（{reason}）"),
    "sales_table": ("Read as a sales table: date={date}, value={value}, group={group}",
                    "按销售表读取：日期={date}，数值={value}，分组={group}"),
    "none": ("none", "无"),
}



def _t(key: str, lang: str, **params: object) -> str:
    text = _TEXTS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``forecast`` with the input options of ``rfm`` (order lines are read and cleaned the same way)."""
    from crm_core.measure.forecast import ForecastChoice

    p = sub.add_parser("forecast", help="sales forecast with its backtest against the seasonal-naive baseline")
    add_input(p)
    default = ForecastChoice()
    saved = "(default: the saved analysis's, else {})"
    p.add_argument("--horizon", type=int, default=None, help=f"periods ahead, 1..104 {saved.format(default.horizon)}")
    p.add_argument("--freq", choices=("W", "M"), default=None,
                   help=f"W: weeks starting Monday, M: calendar months {saved.format(default.freq)}")
    p.add_argument("--measure", choices=("revenue", "orders"), default=None, help=saved.format(default.measure))
    p.add_argument("--by", choices=("channel", "segment", "total"), default=None,
                   help="one forecast per channel or per RFM segment; total: overall (default: the saved "
                        "analysis's, else overall)")
    p.add_argument("--sales", action="store_true",
                   help="INPUT is a daily or weekly sales table, not order lines (default: guessed from its columns)")
    p.add_argument("--confidence", type=float, default=None,
                   help=f"of the prediction intervals, e.g. 0.9 {saved.format(default.confidence)}")
    p.add_argument("--currency", default=None, help="currency sign in the summary: ¥ $ € £ or CNY USD EUR GBP "
                                                    "(default: read from the file)")
    p.set_defaults(func=cmd_forecast)
    return p


def choice_of(args: argparse.Namespace, saved):
    """The saved forecast choice with every option given on the command line on top (checked: DataError)."""
    given = {"horizon": args.horizon, "freq": args.freq, "measure": args.measure, "confidence": args.confidence,
             "by": None if args.by is None else ("" if args.by == "total" else args.by)}
    return replace(saved, **{k: v for k, v in given.items() if v is not None})


def _sales_series(raw, args: argparse.Namespace, choice, name: str) -> pd.DataFrame:
    from crm_core.measure import forecast as fc

    columns = fc.propose_sales_columns(raw.frame.columns)
    value = columns[choice.measure] or (columns["revenue"] if choice.measure == "revenue" else None)
    if columns["date"] is None or value is None:
        raise DataError("fc_no_sales_columns", name=name, columns=Localized.listing(raw.frame.columns))
    if choice.by == "segment":
        raise DataError("fc_no_groups")
    group = columns["group"] if choice.by == "channel" else None
    if choice.by == "channel" and group is None:
        raise DataError("fc_no_group_values", column=Localized(en="channel", zh="渠道"))
    lang = args.lang
    print(_t("sales_table", lang, date=columns["date"], value=value, group=group or _t("none", lang)),
          file=sys.stderr)
    return fc.series_from_table(raw.frame, date=columns["date"], value=value, group=group, freq=choice.freq)


def _order_series(args: argparse.Namespace, settings, choice) -> tuple[pd.DataFrame, str]:
    from crm_core import pipeline
    from crm_core.measure import forecast as fc
    from crm_core.segment.combined import with_group_names

    loaded = cli._load(args, settings)
    currency = cli._currency(args, loaded, settings.currency)
    orders = loaded.result.orders
    groups = None
    if choice.by == "segment":
        as_of = settings.as_of or pipeline.default_as_of(orders)
        scored = pipeline.rfm_scores(loaded.result, as_of=as_of, params=settings.rfm)
        named = with_group_names(scored, rfm_params=settings.rfm, lang=args.lang)
        groups = named.set_index("customer_id")["rfm_segment_name"]
    by = "channel" if choice.by == "channel" else None
    return fc.series_from_orders(orders, freq=choice.freq, measure=choice.measure, by=by, groups=groups), currency


def _percent(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.1%}"


def _print_forecast(name: str, made, lang: str, currency: str) -> None:
    from crm_core.measure._forecast_text import _unit, amount_text

    print(_t("series", lang, name=name))
    print(_t("backtest", lang, span=_unit(made.freq, made.horizon, lang)))
    for row in made.backtest.itertuples(index=False):
        print(_t("score", lang, model=made.model_label(row.model, lang), smape=_percent(row.smape),
                 mape=_percent(row.mape), mae=amount_text(row.mae, lang, currency=currency, measure="revenue")
                 if made.measure == "revenue" else f"{row.mae:,.1f}",
                 best=_t("best", lang) if row.model == made.best else ""))
    print("  " + made.summary(lang, currency=currency))
    for text in made.note_texts(lang):
        print(f"  * {text}", file=sys.stderr)


def cmd_forecast(args: argparse.Namespace) -> int:
    from crm_core import export, pipeline
    from crm_core.measure import forecast as fc

    out = cli._check_out(args.out)
    args.currency = cli._check_currency(args.currency)
    settings = cli._settings(args)  # reading, cleaning, scoring; the forecast choice is read here
    saved = fc.ForecastChoice()
    if args.settings:
        from crm_core.settings import AnalysisSettings

        saved = AnalysisSettings.from_json(Path(args.settings).read_bytes(), source=args.settings).forecast
        print(render("cli_settings_read", args.lang, path=args.settings), file=sys.stderr)
    lang = args.lang
    choice = choice_of(args, saved)
    files = [(Path(name).name, Path(name).read_bytes()) for name in args.input]
    raw = pipeline.read_many(files, settings.read)
    sales = args.sales or (args.mapping is None and fc.looks_like_sales(raw.frame.columns))
    if sales:
        for note in raw.notes:
            cli._say_note(note, lang)
        history = _sales_series(raw, args, choice, files[0][0])
        currency = args.currency or settings.currency or ""
    else:
        history, currency = _order_series(args, settings, choice)
    for note in fc.series_notes(history):
        cli._say_note(note, lang)
    if choice.by:
        made = fc.forecast_groups(history, choice)
        for name, exc in made.skipped.items():
            print(_t("skipped", lang, name=name, reason=exc.text(lang)), file=sys.stderr)
        if not made:
            raise next(iter(made.skipped.values()), DataError("fc_no_history", where=""))
    else:
        made = {_t("total", lang): fc.forecast(history["total"], choice)}
    for name, one in made.items():
        _print_forecast(name, one, lang, currency)
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(forecast_sheets(made, history, lang)["forecast"]))
    else:
        out.write_bytes(forecast_workbook(made, history, choice, lang=lang, currency=currency,
                                          sources=tuple(Path(p).name for p in args.input),
                                          generated=f"{cli.generated_at():%Y-%m-%d %H:%M}"))
    print(render("cli_wrote", lang, path=out))
    return 0
