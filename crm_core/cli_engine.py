"""``--engine pandas|duckdb|spark`` (and Parquet inputs) for rfm | segment | rules | clv.

    python -m crm_core rfm orders.parquet [more.parquet | folder/ …] --engine duckdb --out customers.parquet
                           [--memory-limit 1GB] [--temp-dir D] [the rfm options: --settings, --mapping, --as-of,
                            --from | --months, --channel, --category, --scheme, --frequency-basis, --lang, --currency]
    python -m crm_core segment|rules|clv orders.parquet … --engine spark [--spark-master spark://host:7077] --out …

:func:`wants_engine` sends a run here when an engine is asked for (duckdb, spark), an input is Parquet or a folder,
``--out`` ends in .parquet, or the inputs are larger than :func:`crm_core.engine.options.pandas_max_bytes` (then
the engine is chosen here and the CLI says so; ``--engine pandas`` above that size is the error
``eng_too_big_for_pandas``, which names ``--engine duckdb``).  A CSV or Excel file under the limit without
``--engine`` (or with ``--engine pandas``) keeps the pandas commands unchanged.

:func:`run` takes the saved analysis and the flags as the pandas commands do (:func:`crm_core.cli._settings`),
runs the engine step (:mod:`crm_core.engine.run`: order lines -> one row per customer, the CLV summary or the
baskets) with progress on stderr, then the same pandas code as the commands: RFM scoring and segments
(:func:`crm_core.segment.rfm.score_rfm`), clusters / lifecycle / tags (:mod:`crm_core.engine._cli_commands`),
the miner and rules, the BG/NBD + Gamma-Gamma fits.  The result is one row per customer (rules: one per rule),
written by :func:`crm_core.engine.write.write_table` as .parquet, .csv or .xlsx (a workbook only when it fits
Excel's rows; the message otherwise says to choose .csv or .parquet).  Columns keep their identifiers
(``customer_id``, ``recency_days``, ...) so a script can read them; names of segments are in ``--lang``.

What needs the whole table of order lines or the customer file in memory stays on the pandas path, each with a
message naming the option: ``--customers`` / ``--city`` / ``--include-contact`` / ``--merge-duplicates``, tag rules
with a purchase condition, cluster features that are shares of purchases, next-best-offer lists above
:data:`crm_core.engine._cli_commands.OFFERS_MAX_CUSTOMERS` customers.  Messy text
(¥1,234, 05/01/2024) is an error of the engine's type check (``eng_messy_text``) that says so.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crm_core.engine.options import ENGINES, choose_engine, input_bytes, is_remote, pandas_max_bytes
from crm_core.messages import Localized, render
from crm_core.schema import DataError, Note

COMMANDS = ("rfm", "segment", "rules", "clv")
OUT_SUFFIXES = (".parquet", ".csv", ".xlsx")
PARQUET_SUFFIXES = (".parquet", ".pq")  # = crm_core.engine.source.PARQUET_SUFFIXES (not imported: ibis is slow)
# Above this many customers the reason text ("Last order 3 days ago · 12 orders · ...") is left out of rfm's
# output: it is built as Python text per customer (about 3 s per 200,000 on a busy 2-core machine), which would
# double the time of an RFM run at 100 million lines (a million customers).
REASON_MAX_CUSTOMERS = 200_000
# rfm's columns, in order (those the table has).
RFM_COLUMNS = (
    "customer_id", "recency_days", "frequency", "orders_per_year", "monetary", "gross_sales", "returns_value",
    "avg_order_value", "first_order_date", "last_order_date", "r_score", "f_score", "m_score", "rfm_code",
    "segment", "segment_name", "offer", "suggested_channel", "reason",
)
# Why an option stays on the pandas path (engc_option_not_at_scale's {why}).
_PANDAS_ONLY = {
    "--customers": Localized(en="the customer file is joined on the pandas path only.",
                             zh="客户文件只在 pandas 路径上关联。"),
    "--city": Localized(en="the city comes from the customer file, which the engine path does not read.",
                        zh="城市来自客户文件，而引擎路径不读取客户文件。"),
    "--include-contact": Localized(en="names, phones and emails come from the customer file, which the engine "
                                      "path does not read.",
                                   zh="姓名、电话和邮箱来自客户文件，而引擎路径不读取客户文件。"),
    "--merge-duplicates": Localized(en="merging ids that share a phone or email needs every contact in memory.",
                                    zh="按相同电话或邮箱合并客户编号需要把全部联系方式放进内存。"),
}


def add_options(p: argparse.ArgumentParser) -> None:
    """The engine options of the four commands that run at scale."""
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="pandas (in memory), duckdb (within a memory limit, spills to disk) or spark (a cluster); "
                        "default: pandas for small inputs, duckdb above the size the pandas path can hold")
    p.add_argument("--spark-master", default=None, help="Spark master URL with --engine spark: local[2] (default), "
                                                         "spark://host:7077, yarn")
    p.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 1GB (default 2GB); beyond it "
                                                         "DuckDB spills to --temp-dir")
    p.add_argument("--temp-dir", default=None, help="folder DuckDB spills to (default: a new temporary folder)")


def _is_big_input(name: str) -> bool:
    path = Path(name)
    return is_remote(name) or path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES


def wants_engine(args: argparse.Namespace) -> bool:
    """True when this run goes through crm_core.engine (an engine asked for, a Parquet input, or a big input).

    ``--engine pandas`` on a CSV / Excel file under :func:`pandas_max_bytes` is False (the pandas command runs
    unchanged); above it True, so that :func:`run` refuses it with the message naming ``--engine duckdb``.
    """
    if getattr(args, "engine", None) in ("duckdb", "spark"):
        return True
    if any(_is_big_input(name) for name in args.input) or Path(args.out).suffix.lower() == ".parquet":
        return True
    return input_bytes(args.input) > pandas_max_bytes()


@dataclass(frozen=True)
class Job:
    """One engine run of a command: the flags, the settings (saved analysis + flags), the engine options."""

    args: argparse.Namespace
    settings: object          # crm_core.settings.AnalysisSettings
    options: object           # crm_core.engine.options.EngineOptions
    out: Path
    lang: str
    currency: str
    progress: object          # crm_core.engine._cli_progress.StageProgress

    @property
    def paths(self) -> list[str]:
        return list(self.args.input)

    def common(self) -> dict[str, object]:
        """The keyword arguments every crm_core.engine.run entry point takes from the settings."""
        return {"mapping": self.settings.mapping, "cleaning": self.settings.cleaning, "progress": self.progress}

    def say(self, note: Note) -> None:
        from crm_core import cli

        cli._say_note(note, self.lang)

    def finished(self, result: object) -> None:
        """After the engine step: its stage times, its notes (mapping, conventions) and the rows read / used /
        excluded with the reasons."""
        self.progress.report_times(getattr(result, "seconds", {}) or {})
        for note in result.notes:
            self.say(note)
        print_report(result.report, self.args.input, self.lang)

    def write(self, frame: pd.DataFrame, out: Path | None = None, *, customers: bool = True,
              sheet: str = "Customers") -> None:
        """``frame`` to ``out`` (default ``--out``) as .parquet / .csv / .xlsx (sheet ``sheet``), timed, and the
        line saying so (customers, or rows when ``customers`` is False)."""
        from crm_core.engine.write import write_table

        path = out or self.out
        with self.progress.timed("write"):
            write_table(frame, path, sheet_name=sheet, lang=self.lang)
        if customers:
            print(render("cli_wrote_customers", self.lang, path=str(path), customers=len(frame)))
        else:
            print(render("engc_wrote_rows", self.lang, path=str(path), rows=len(frame)))

    def no_purchases(self, as_of: object) -> DataError:
        return DataError("engc_no_purchases", as_of=as_of, files=_files_text(self.args.input, self.lang))


def _files_text(inputs: list[str], lang: str) -> str:
    names = [Path(name).name or str(name) for name in inputs]
    shown = ("、" if lang == "zh" else ", ").join(names[:3])
    return shown if len(names) <= 3 else f"{shown} (+{len(names) - 3})"


def print_report(report: object, inputs: list[str], lang: str) -> None:
    """The :class:`crm_core.engine.lines.LineReport` as the pandas commands print theirs: rows read, used,
    excluded, then one line per reason (largest first) and the returns netted."""
    excluded = {code: int(rows) for code, rows in dict(report.excluded).items() if int(rows)}
    print(render("cli_report", lang, name=_files_text(inputs, lang), read=int(report.rows_read),
                 used=int(report.rows_used), excluded=sum(excluded.values())), file=sys.stderr)
    statuses = Localized(en="cancelled or excluded", zh="已取消或已排除")
    for code, rows in sorted(excluded.items(), key=lambda item: -item[1]):
        reason = render(f"reason_{code}", lang, status=statuses)
        print(render("cli_reason_line", lang, reason=reason, rows=rows), file=sys.stderr)
    returns = int(getattr(report, "rows_returns", 0) or 0)
    if returns:
        print(render("engc_returns", lang, returns=returns), file=sys.stderr)


def _check_out(path: str) -> Path:
    out = Path(path)
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise DataError("engc_bad_out", path=path)
    return out


def _refuse_pandas_only(args: argparse.Namespace, settings: object, engine: str) -> None:
    """DataError engc_option_not_at_scale for an option whose data the engine path does not read."""
    given = {"--customers": getattr(args, "customers", None), "--city": settings_cities(settings, args),
             "--include-contact": getattr(args, "include_contact", None),
             "--merge-duplicates": settings.cleaning.merge_duplicates}
    for option, value in given.items():
        if value:
            raise DataError("engc_option_not_at_scale", option=option, engine=engine, why=_PANDAS_ONLY[option],
                            limit=_size_text(pandas_max_bytes()))


def settings_cities(settings: object, args: argparse.Namespace) -> tuple[str, ...]:
    scope = getattr(settings, "scope", None)
    return tuple(getattr(args, "city", None) or ()) or (tuple(scope.cities) if scope is not None else ())


def _size_text(size: int) -> str:
    """Bytes for people: '3.2 GB', '850 MB', '259 kB', '162 B'."""
    if size >= 1e9:
        return f"{size / 1e9:.1f} GB"
    if size >= 1e6:
        return f"{size / 1e6:.0f} MB"
    return f"{size / 1e3:.0f} kB" if size >= 1e3 else f"{size} B"


def _engine_options(args: argparse.Namespace, engine: str, lang: str) -> object:
    """EngineOptions from the flags; a flag of another engine is noted as ignored."""
    from crm_core import cli
    from crm_core.engine.options import EngineOptions

    for option, value, needs in (("--spark-master", args.spark_master, "spark"),
                                 ("--memory-limit", args.memory_limit, "duckdb"),
                                 ("--temp-dir", args.temp_dir, "duckdb")):
        if value is not None and engine != needs:
            cli._say_note(Note.of("engc_option_ignored", option=option, needs=needs, engine=engine), lang)
    memory = args.memory_limit if args.memory_limit is not None else EngineOptions().memory_limit
    return EngineOptions(engine=engine, spark_master=args.spark_master, memory_limit=memory,
                         temp_directory=args.temp_dir)


def run(args: argparse.Namespace) -> int:
    """Run ``args.command`` through the engine: settings, engine choice, the engine step, the pandas analysis,
    the file.  DataErrors go up to :func:`crm_core.cli.main` (status 2, the message in ``--lang``)."""
    from crm_core import cli
    from crm_core.engine._cli_progress import StageProgress

    out = _check_out(args.out)  # options first, before any large file is read
    if getattr(args, "currency", None) is not None:
        args.currency = cli._check_currency(args.currency)
    settings = cli._settings(args)
    lang = args.lang
    size = input_bytes(args.input)
    engine, chosen = choose_engine(args.engine, size, remote=any(is_remote(name) for name in args.input))
    if chosen is not None:
        cli._say_note(chosen, lang)
    _refuse_pandas_only(args, settings, engine)
    if getattr(args, "sheet", None) is not None:
        cli._say_note(Note.of("cli_sheet_ignored", sheet=args.sheet), lang)
    _check_choices(args, settings)
    options = _engine_options(args, engine, lang)
    print(render("engc_engine", lang, engine=engine, files=len(args.input), size=_size_text(size)), file=sys.stderr)
    currency = getattr(args, "currency", None) or getattr(settings, "currency", None) or ""
    job = Job(args=args, settings=settings, options=options, out=out, lang=lang, currency=currency,
              progress=StageProgress(lang))
    if args.command == "rfm":
        return run_rfm(job)
    from crm_core.engine import _cli_commands

    return {"segment": _cli_commands.run_segment, "rules": _cli_commands.run_rules,
            "clv": _cli_commands.run_clv}[args.command](job)


def _check_choices(args: argparse.Namespace, settings: object) -> None:
    """The command's own options (k, thresholds, CLV choices) checked before any large file is read."""
    if args.command == "segment" and args.k is not None:
        from crm_core.segment.combined import ClusterChoice

        ClusterChoice(k=args.k)  # DataError cluster_bad_k
    elif args.command == "rules":
        from crm_core import cli_basket

        cli_basket.choice_of(args, settings.crosssell)
    elif args.command == "clv":
        from crm_core import cli_clv
        from crm_core.predict.clv import ClvChoice

        cli_clv.clv_choice(args, getattr(settings, "clv", None) or ClvChoice())


def rfm_params(settings: object) -> object:
    """The settings' RFM scoring, with quantiles when a threshold method has no thresholds (as cmd_rfm)."""
    from crm_core.segment import rfm

    params = settings.rfm
    if params.method == "threshold" and params.thresholds is None:
        params = rfm.RfmParams(frequency_basis=params.frequency_basis, scheme=params.scheme)
    return params


def group_texts(keys: pd.Series, segmentation: object, field: str, lang: str) -> pd.Categorical:
    """``segmentation.text(key, field, lang)`` of every row's key as a categorical: one text per distinct key,
    so a million customers cost a million small integers, not a million strings (Parquet dictionary-encodes it)."""
    codes, uniques = pd.factorize(keys.astype("str"))
    texts = np.asarray([segmentation.text(k, field, lang) or k for k in uniques], dtype=object)
    categories, place = np.unique(texts.astype(str), return_inverse=True) if len(texts) else (texts, codes)
    return pd.Categorical.from_codes(place[codes] if len(texts) else codes, categories=pd.Index(categories,
                                                                                                  dtype="str"))


def rfm_rows(scored: pd.DataFrame, params: object, *, lang: str, currency: str) -> pd.DataFrame:
    """One row per customer: :data:`RFM_COLUMNS` (those the table has), with the segment's name, offer and
    suggested channel in ``lang`` (the segment map's own texts, as categoricals) and the reason in words (up to
    :data:`REASON_MAX_CUSTOMERS` customers)."""
    from crm_core.segment import rfm

    scheme, keys = params.scheme, scored["segment"]
    fields = {"segment_name": group_texts(keys, scheme, "name", lang),
              "offer": group_texts(keys, scheme, "action", lang),
              "suggested_channel": group_texts(keys, scheme, "channel", lang)}
    if len(scored) <= REASON_MAX_CUSTOMERS:
        fields["reason"] = rfm.reasons(scored, lang=lang, currency=currency)
    table = scored.assign(**fields)
    return table.loc[:, [c for c in RFM_COLUMNS if c in table.columns]].reset_index(drop=True)


def print_segments(scored: pd.DataFrame, scheme: object, lang: str) -> None:
    """The segment summary as the pandas ``rfm`` prints it: name, customers, share of net revenue."""
    from crm_core.segment import rfm

    for row in rfm.segment_summary(scored, scheme, lang=lang).itertuples():
        share = float(row.revenue_share)
        code = "cli_segment_no_share" if math.isnan(share) else "cli_segment"
        print(render(code, lang, segment=row.name, customers=row.customers, share=share))


def run_rfm(job: Job) -> int:
    """rfm: the customer table from the engine, scored by :func:`crm_core.segment.rfm.score_rfm`, one row per
    customer out (:func:`rfm_rows`), the segment summary printed."""
    from crm_core.engine import run as engine_run
    from crm_core.segment import rfm

    settings = job.settings
    result = engine_run.customer_table(job.paths, job.options, as_of=settings.as_of, scope=settings.scope,
                                       **job.common())
    job.finished(result)
    table = result.table
    if table is None or table.empty:
        raise job.no_purchases(result.as_of)
    del result  # from here on only the output rows are held (a million customers: ~150 MB less at the peak)
    params = rfm_params(settings)
    with job.progress.timed("score"):
        rows = rfm_rows(rfm.score_rfm(table, params), params, lang=job.lang, currency=job.currency)
    del table
    relative = rfm.relative_scores_note(rows, params)  # the rows keep recency, frequency, spend and segment
    if relative is not None:
        job.say(relative)
    if "reason" not in rows.columns:
        job.say(Note.of("engc_reason_left_out", limit=REASON_MAX_CUSTOMERS, customers=len(rows)))
    job.write(rows)
    print_segments(rows, params.scheme, job.lang)
    return 0
