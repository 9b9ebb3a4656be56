"""``python -m crm_core report``: the client report of the whole analysis (HTML or Excel).

    python -m crm_core report orders.csv [more.csv …] --out report.html|report.xlsx [--settings analysis.json]
                              [--customers customers.csv] [--outcomes outcomes.csv] [--sales daily_sales.csv]
                              [--sections data_quality,segments,…] [--top N] [--include-personal]
                              [the options of ``rfm``: --as-of, --from | --months, --channel, --category, --city,
                               --mapping, --scheme, --currency, --lang en|zh]

It builds what the Report page builds, with the same function (:func:`crm_core.measure.report.build_report`):
the orders are read like every other subcommand's; the choices are the saved analysis's (``--settings``: RFM,
clusters, rules, churn, lifetime value, forecast, the report's sections and top N) with the options given here on
top.  ``--outcomes`` adds the campaign results (a campaign outcomes file, columns recognised as on the Campaign
results page), ``--sales`` forecasts a sales file instead of the orders.  It prints one line per section (done, or
skipped and why) and the path written.  Personal data is masked unless ``--include-personal``.  Errors follow
:mod:`crm_core.cli`: the app's message, status 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from crm_core import cli
from crm_core.measure.report import SECTIONS, ReportChoice
from crm_core.messages import render
from crm_core.schema import DataError
from crm_core.settings import AnalysisSettings

__all__ = ["OUT_SUFFIXES", "add_parser", "cmd_report", "report_choice"]

OUT_SUFFIXES = (".html", ".htm", ".xlsx")

_TEXTS = {
    "done": ("  ✓ {title}", "  ✓ {title}"),
    "skipped": ("  – {title}: skipped. {reason}", "  – {title}：未包含。{reason}"),
    "building": ("Building the report ({n} sections)…", "正在生成报告（{n} 个部分）…"),
    "building_one": ("Building the report (1 section)…", "正在生成报告（1 个部分）…"),
    "summary": ("{done} of {n} sections included.", "共 {n} 个部分，已包含 {done} 个。"),
}


def _t(key: str, lang: str, **params: object) -> str:
    return _TEXTS[key][1 if lang == "zh" else 0].format(**params)


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``report`` with the input options and the analysis options that ``rfm`` takes."""
    p = sub.add_parser("report", help="the client report of the whole analysis (HTML or Excel)")
    add_input(p)
    add_analysis(p)
    p.add_argument("--outcomes", help="campaign outcomes file (customer, list id, group, offer, channel, agent, "
                                      "outcome, revenue): adds the campaign results")
    p.add_argument("--sales", help="sales file (date, revenue/orders[, channel]) to forecast instead of the orders")
    p.add_argument("--sections", help=f"comma-separated, in any order: {','.join(SECTIONS)} "
                                      "(default: the saved analysis's, else all)")
    p.add_argument("--top", type=int, default=None, help="customers per list (default: the saved analysis's, else 20)")
    p.add_argument("--include-personal", action="store_true", default=None,
                   help="show names, phones and e-mails unmasked (default: masked)")
    p.set_defaults(func=cmd_report, include_opted_out=None)
    return p


def report_choice(args: argparse.Namespace, saved: ReportChoice) -> ReportChoice:
    """The saved report choice with ``--sections``, ``--top`` and ``--include-personal`` on top (checked)."""
    given: dict[str, object] = {}
    if args.sections is not None:
        given["sections"] = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    if args.top is not None:
        given["top_n"] = args.top
    if args.include_personal:
        given["include_personal"] = True
    return replace(saved, **given)


def _settings(args: argparse.Namespace) -> AnalysisSettings:
    """The saved analysis with every option of the command line on top: the reading, mapping, cleaning, date,
    window, filters, scoring and lists as ``rfm`` takes them, and every other choice (clusters, rules, churn,
    lifetime value, forecast, report) from the file (:func:`crm_core.cli._settings`)."""
    return cli._settings(args)


def cmd_report(args: argparse.Namespace) -> int:
    from crm_core.measure import report as rp
    from crm_core.measure.report_measures import outcomes_from_file, sales_from_file

    out = Path(args.out)
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise DataError("rp_bad_out", path=args.out)
    args.currency = cli._check_currency(args.currency)  # options are checked before reading a large file
    settings = _settings(args)
    lang = args.lang
    choice = report_choice(args, settings.report)
    loaded = cli._load(args, settings)
    currency = cli._currency(args, loaded, settings.currency)
    outcomes = sales = None
    sources = list(args.sources)
    if args.customers_source is not None:
        sources.append(args.customers_source)
    if args.outcomes and "campaign_results" in choice.sections:
        path = Path(args.outcomes)
        data = path.read_bytes()
        outcomes = outcomes_from_file(data, path.name)
        sources.append((path.name, _digest(data)))
    if args.sales and "forecast" in choice.sections:
        path = Path(args.sales)
        data = path.read_bytes()
        sales = sales_from_file(data, path.name, settings.forecast)
        sources.append((path.name, _digest(data)))
    inputs = rp.ReportInputs(loaded=loaded, settings=settings, outcomes=outcomes, sales=sales, currency=currency,
                             sources=tuple(sources))
    print(_t("building_one", lang) if len(choice.sections) == 1 else _t("building", lang, n=len(choice.sections)))
    report = rp.build_report(inputs, choice=choice, lang=lang, generated_at=cli.generated_at())
    for section in report.sections:
        if section.skipped is None:
            print(_t("done", lang, title=section.title))
        else:
            print(_t("skipped", lang, title=section.title, reason=section.skipped))
    done = sum(s.skipped is None for s in report.sections)
    print(_t("summary", lang, done=done, n=len(report.sections)))
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(rp.report_xlsx(report))
    else:
        out.write_text(rp.report_html(report), encoding="utf-8")
    print(render("cli_wrote", lang, path=out))
    return 0


def _digest(data: bytes) -> str:
    from crm_core import pipeline

    return pipeline.digest(data)
