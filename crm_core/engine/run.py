"""One entry point per analysis for the CLI and the app, on any of the three engines.

``"duckdb"`` / ``"spark"``: :func:`crm_core.engine.backends.connect` -> :func:`~crm_core.engine.source.find_inputs`
/ :func:`~crm_core.engine.source.read_table` -> mapping proposal (when none is given) ->
:func:`~crm_core.engine.source.check_types` -> :func:`~crm_core.engine.lines.clean_lines` -> the aggregate of
:mod:`crm_core.engine.aggregate` -> :func:`~crm_core.engine.aggregate.finish_customer_table`; each stage is timed
and reported through ``progress(stage, fraction)``; the connection is closed in any case.  The customer table
(without modes / rhythm / channel or category filters) takes one scan of the file for the customers, the line
report and the analysis date together, after a cheap count per day (:mod:`crm_core.engine._quick`).

``"pandas"``: the upload path (:func:`crm_core.pipeline.read_many`, propose, clean, then
:func:`crm_core.customers.customer_table` in the analysis scope); Parquet files are read with pyarrow into the
same all-text :class:`crm_core.schema.RawTable` an upload gives.  Every engine returns the same
:class:`EngineRun` with the same columns, so the scoring, segmentation and export code that follows is one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from crm_core.basket.baskets import BasketOptions, Baskets
from crm_core.customers import CUSTOMER_COLUMNS
from crm_core.engine.lines import LineReport, in_reason_order
from crm_core.engine.options import EngineOptions
from crm_core.schema import ColumnMapping, DataError, IngestOptions, IngestResult, Note
from crm_core.settings import Scope

__all__ = ["EngineRun", "Progress", "baskets", "clv_summary", "customer_table", "order_lines"]

# progress(stage, fraction): stage "read", "clean", "customers", "baskets"; fraction 0..1, or None when unknown.
Progress = Callable[[str, float | None], None]


@dataclass(frozen=True)
class EngineRun:
    """What one engine run gives besides its result.

    table : the customer table (:data:`crm_core.customers.CUSTOMER_COLUMNS`), or None for runs that make none.
    as_of : the analysis date used (given, or the day after the last line that is not a late outlier).
    report : rows read / used / returns and excluded rows per reason.
    mapping : the column mapping used (proposed when none was given).
    notes : what the reader, the mapping proposal, the type check and the cleaning have to say.
    engine : "pandas", "duckdb" or "spark".
    seconds : seconds per stage ("read", "clean", "customers" / "clv" / "baskets").
    """

    table: pd.DataFrame | None
    as_of: date
    report: LineReport
    mapping: ColumnMapping
    notes: tuple[Note, ...]
    engine: str
    seconds: dict[str, float]


@dataclass
class _Prepared:
    """Clean lines ready for an aggregate (engine path) or the pandas path's IngestResult."""

    con: object | None
    lines: object | None  # ibis.Table of the used lines inside the channel / category filters
    flagged: object | None  # ibis.Table of every input row with its reason (null = used)
    result: IngestResult | None
    report: LineReport
    mapping: ColumnMapping
    notes: tuple[Note, ...]
    seconds: dict[str, float]
    days: pd.DataFrame | None = None  # engine path: used lines per calendar day (day, lines)
    kept: object | None = None  # lines.CleanLines.kept: one scan, the same per-customer aggregates as ``lines``
    # True while ``report`` and ``days`` still count the returns of customers with no purchase line as used (they
    # came from CleanLines.unmarked): the customer table settles them, see _engine_customers.
    orphans_pending: bool = False
    # The one-scan customer table (CleanLines.keyed is set; ``report`` and ``days`` are None until it ran) and what
    # starting over with the full survey takes: the input table, the cleaning options and the reader's notes.
    clean: object | None = None
    redo: tuple | None = None


class _Clock:
    """Times stages into ``seconds`` and tells ``progress`` when one starts and ends (pandas path, Python work)."""

    def __init__(self, progress: Progress | None, options: EngineOptions | None = None) -> None:
        self.progress = progress
        self.options = options
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str, *, report: bool = True):
        started = time.perf_counter()
        if report and self.progress is not None:
            self.progress(name, None)
        yield
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        if report and self.progress is not None:
            self.progress(name, 1.0)

    def run(self, con: object, work: Callable, name: str):
        """``work()`` on the engine, polled for progress (:func:`crm_core.engine.backends.run_with_progress`)."""
        from crm_core.engine.backends import run_with_progress

        with self.stage(name, report=False):
            try:
                return run_with_progress(con, work, self.progress, name)
            except Exception as error:
                memory = _out_of_memory(error, self.options)
                if memory is None:
                    raise
                raise memory from None


def _out_of_memory(error: Exception, options: EngineOptions | None) -> DataError | None:
    """DuckDB's out-of-memory error as a DataError naming --memory-limit and the spill folder (None otherwise)."""
    if "out of memory" not in str(error).lower():
        return None
    limit = (options.memory_limit if options is not None else None) or "-"
    folder = (options.temp_directory if options is not None else None) or "-"
    return DataError("engl_out_of_memory", limit=limit, temp=folder, detail=str(error).splitlines()[0][:200])


# ------------------------------------------------------------------------------------------------ entry points
@contextmanager
def _opened(paths, options: EngineOptions, mapping: ColumnMapping | None, cleaning: IngestOptions, scope: Scope,
            progress: Progress | None, *, exact: bool = True, one_scan: bool = False):
    """(prepared, clock): :func:`_prepare` timed by a new clock; the engine connection is closed on the way out."""
    clock = _Clock(progress, options)
    prepared = _prepare(paths, options, mapping, cleaning, scope, clock, exact=exact, one_scan=one_scan)
    try:
        yield prepared, clock
    finally:
        _close(prepared)


def customer_table(paths: Sequence[str | Path], options: EngineOptions = EngineOptions(), *,
                   mapping: ColumnMapping | None = None, cleaning: IngestOptions = IngestOptions(),
                   as_of: date | None = None, scope: Scope = Scope(), modes: bool = False, rhythm: bool = False,
                   progress: Progress | None = None) -> EngineRun:
    """The per-customer table of the order files ``paths`` on ``options.engine``.

    ``scope``: the window (``start`` / ``months`` before ``as_of``) and the channel / category filters, as
    :func:`crm_core.scope.in_scope`; a city filter needs the customer file, which the engine path does not read
    (DataError ``engl_city_filter``).  ``modes`` / ``rhythm`` add the most frequent channel / category / product and
    the buying rhythm on the engine path (the pandas path always has them).  Raises DataError for unreadable inputs,
    wrong types and ``window_after_as_of``; an empty table means nobody bought in the window.
    """
    with _opened(paths, options, mapping, cleaning, scope, progress, exact=False,
                 one_scan=not (modes or rhythm)) as (prepared, clock):
        if prepared.result is not None:
            from crm_core.scope import analysis_table

            as_of = as_of or _default_as_of(prepared, clock)
            with clock.stage("customers"):  # (in_scope raises window_after_as_of as _window_start does)
                table = analysis_table(prepared.result, as_of=as_of, scope=scope)
                table = table.loc[:, list(CUSTOMER_COLUMNS)] if len(table.columns) else table
        else:
            table, as_of = _engine_customers(prepared, as_of, scope, modes, rhythm, clock)
        return _finished(prepared, table, as_of, options, clock)


def _engine_customers(prepared: _Prepared, given: date | None, scope: Scope, modes: bool, rhythm: bool,
                      clock: _Clock) -> tuple[pd.DataFrame, date]:
    """The customer table on the engine, in one scan of the file when the window holds every line.

    The aggregate runs on ``kept`` (the used lines before the return_without_purchase rule: one scan instead of
    three).  When the window is the whole file, the customers it finds with return lines but no purchase line are
    exactly the ones that rule is about: their return lines settle the report and the per-day counts (the as-of
    day), and the aggregate is run again only if the settled as-of day differs (a late-outlier edge case).
    Otherwise the report is first made exact on ``flagged`` (two more scans), as clv_summary and baskets do.

    Prepared for one scan (``prepared.clean``, see :func:`_one_scan`), that scan gives the customers, the report and
    the days at once; the aggregate over ``kept`` then runs only when the window cuts lines, and the path above only
    when the scan contradicted the sample or ran out of memory.
    """
    from crm_core.engine.aggregate import customer_expr, finish_customer_table

    def aggregate(day: date, start: date | None, returners: bool = False) -> pd.DataFrame:
        expr = customer_expr(prepared.kept, day, start=start, modes=modes, rhythm=rhythm, returners=returners)
        return clock.run(prepared.con, expr.to_pandas, "customers")

    if prepared.clean is not None:
        try:
            frame = _one_scan(prepared, given, clock)
        except DataError as error:  # its grouping holds more per customer: the exact path may still fit
            if error.code != "engl_out_of_memory":
                raise
            _prepare_again(prepared, clock)
            frame = None
        if frame is not None:
            as_of = given or _default_as_of(prepared, clock)
            start = _window_start(scope, as_of)
            if not _whole_file(prepared, as_of, start):  # the window cuts lines: aggregate them
                frame = aggregate(as_of, start)
            return finish_customer_table(frame.reset_index(drop=True), as_of), as_of
    as_of = given or _default_as_of(prepared, clock)
    start = _window_start(scope, as_of)
    whole = _whole_file(prepared, as_of, start)
    if not (prepared.orphans_pending and whole):
        if prepared.orphans_pending:
            _settle_exactly(prepared, clock)
            as_of = given or _default_as_of(prepared, clock)
            start = _window_start(scope, as_of)
        return finish_customer_table(aggregate(as_of, start), as_of), as_of
    frame = aggregate(as_of, None, returners=True)
    orphans = frame[frame["lines"] == 0]
    frame = frame[frame["lines"] > 0]
    _settle_orphans(prepared, orphans, clock, need_days=given is None)
    if given is None and (settled := _default_as_of(prepared, clock)) != as_of:
        as_of = settled
        frame = aggregate(as_of, _window_start(scope, as_of))
    return finish_customer_table(frame.reset_index(drop=True), as_of), as_of


def _whole_file(prepared: _Prepared, as_of: date, start: date | None) -> bool:
    """Whether the window [start, as_of) holds every used line."""
    days = prepared.days["day"].to_numpy().astype("datetime64[D]")
    return len(days) == 0 or (np.datetime64(as_of, "D") > days.max()
                              and (start is None or np.datetime64(start, "D") <= days.min()))


def _one_scan(prepared: _Prepared, given: date | None, clock: _Clock) -> pd.DataFrame | None:
    """The customers of the whole file (one row each, customer_expr's columns) from one scan of CleanLines.keyed;
    the report and the used lines per day settled from the same scan.

    None when the scan found a row that contradicts the sample (``sample_mismatch``): ``prepared`` is then cleaned
    again with the full survey, its report and days counted, for the caller's exact path.
    """
    import pyarrow.compute as pc

    from crm_core.engine import _quick
    from crm_core.engine.aggregate import keyed_customers

    clean = prepared.clean
    count_c = clean.quick.c_test
    arrow = clock.run(prepared.con, keyed_customers(clean.keyed, count_c=count_c).to_pyarrow, "customers")
    customers, slots, out = _quick.split(arrow, clean.quick.how)
    reasons, days = _quick.slot_parts(slots, clean.codes)
    c_lines = int(pc.sum(arrow["c_lines"]).as_py() or 0) if count_c else 0
    if (reasons == _quick.MISMATCH).any() or (c_lines and not clean.quick.c_beside):
        _prepare_again(prepared, clock)
        return None
    frame = customers.to_pandas()
    rows = (out["lines"].to_numpy() + out["return_lines"].to_numpy()).astype(np.int64)
    excluded = pd.Series(rows).groupby(reasons).sum().to_dict() if len(rows) else {}
    used_rows = int((frame["lines"] + frame["return_lines"]).sum())
    day_rows = clean.quick.day_rows
    prepared.report = LineReport(rows_read=int(day_rows["rows"].sum()), rows_used=used_rows,
                                 rows_returns=int(frame["return_lines"].sum()), excluded=in_reason_order(excluded))
    left_out = pd.Series(rows).groupby(days).sum() if len(rows) else pd.Series(dtype="int64")
    dated = day_rows[day_rows["day"].notna()]
    day = dated["day"].to_numpy().astype("datetime64[D]")
    lines = dated["rows"].to_numpy(dtype=np.int64) - left_out.reindex(day, fill_value=0).to_numpy(dtype=np.int64)
    prepared.days = pd.DataFrame({"day": day[lines > 0], "lines": lines[lines > 0]})
    if c_lines:  # every C line is negative (no doubt found): the convention holds, as the full survey decides
        example = clock.run(prepared.con, clean.quick.example, "customers")
        prepared.notes = (*prepared.notes, Note.of("note_cancellation_prefix", rows=c_lines, example=example,
                                                   prefix="C"))
    orphans = frame[frame["lines"] == 0]
    prepared.orphans_pending = True
    _settle_orphans(prepared, orphans, clock, need_days=given is None)
    return frame[frame["lines"] > 0].drop(columns=["c_lines"], errors="ignore")


def _prepare_again(prepared: _Prepared, clock: _Clock) -> None:
    """Clean with the full survey (the sample was contradicted) and count the report and days on ``unmarked``."""
    table, mapping, cleaning, scope, notes = prepared.redo
    clean, prepared.report, prepared.days = clock.run(
        prepared.con, lambda: _cleaned(table, mapping, cleaning, scope, pending=True, one_scan=False), "clean")
    prepared.lines, prepared.flagged, prepared.kept = clean.lines, clean.flagged, clean.kept
    prepared.notes = (*notes, *clean.notes)
    prepared.orphans_pending, prepared.clean = True, None


def _settle_orphans(prepared: _Prepared, orphans: pd.DataFrame, clock: _Clock, *, need_days: bool) -> None:
    """Count the return lines of ``orphans`` (customers with no purchase line in the whole file) as
    return_without_purchase in the report, and take them out of the per-day counts when ``need_days``."""
    lines = int(orphans["return_lines"].sum()) if len(orphans) else 0
    prepared.orphans_pending = False
    if not lines:
        return
    report = prepared.report
    prepared.report = LineReport(rows_read=report.rows_read, rows_used=report.rows_used - lines,
                                 rows_returns=report.rows_returns - lines,
                                 excluded=in_reason_order({**report.excluded, "return_without_purchase": lines}))
    if need_days:
        import ibis

        kept = prepared.kept
        ids = ibis.memtable({"customer_id": orphans["customer_id"].tolist()})
        ids = ids.select(customer_id=ids.customer_id.cast(kept.customer_id.type()))
        theirs = kept.filter(kept.is_return & kept.customer_id.isin(ids.customer_id))
        per_day = theirs.group_by(day=theirs.order_date.date()).aggregate(lines=lambda t: t.count())
        per_day = clock.run(prepared.con, per_day.to_pandas, "customers")
        removed = pd.Series(per_day["lines"].to_numpy(dtype="int64"),
                            index=pd.to_datetime(per_day["day"]).to_numpy().astype("datetime64[D]"))
        day = prepared.days["day"].to_numpy().astype("datetime64[D]")
        left = (prepared.days["lines"].to_numpy(dtype="int64")
                - removed.groupby(level=0).sum().reindex(day, fill_value=0).to_numpy(dtype="int64"))
        prepared.days = pd.DataFrame({"day": day[left > 0], "lines": left[left > 0]})


def _settle_exactly(prepared: _Prepared, clock: _Clock) -> None:
    """The report and per-day counts from ``flagged`` (return_without_purchase marked by its own scans)."""
    prepared.report, prepared.days = clock.run(prepared.con, lambda: _report_and_days(prepared.flagged), "clean")
    prepared.orphans_pending = False


def clv_summary(paths: Sequence[str | Path], options: EngineOptions = EngineOptions(), *,
                mapping: ColumnMapping | None = None, cleaning: IngestOptions = IngestOptions(),
                as_of: date | None = None, unit_days: float = 7.0,
                progress: Progress | None = None) -> tuple[pd.DataFrame, EngineRun]:
    """:func:`crm_core.predict.clv.clv_summary` of the order files (every line before ``as_of``) and the run."""
    with _opened(paths, options, mapping, cleaning, Scope(), progress) as (prepared, clock):
        as_of = as_of or _default_as_of(prepared, clock)
        if prepared.result is not None:
            from crm_core.predict import clv

            with clock.stage("clv"):
                summary = clv.clv_summary(prepared.result.orders, as_of=as_of, unit_days=unit_days)
        else:
            from crm_core.engine import aggregate

            summary = clock.run(prepared.con, lambda: aggregate.clv_summary(prepared.lines, as_of=as_of,
                                                                            unit_days=unit_days), "clv")
        return summary, _finished(prepared, None, as_of, options, clock)


def baskets(paths: Sequence[str | Path], options: EngineOptions = EngineOptions(), *,
            mapping: ColumnMapping | None = None, cleaning: IngestOptions = IngestOptions(),
            as_of: date | None = None, scope: Scope = Scope(), basket_options: BasketOptions = BasketOptions(),
            min_support: float | None = None, progress: Progress | None = None) -> tuple[Baskets, EngineRun]:
    """Baskets of the lines in ``scope`` before ``as_of`` (:func:`crm_core.basket.baskets.build_baskets` on the
    pandas path; :func:`crm_core.engine.aggregate.baskets` on the engines, pruned to the items that can reach
    ``min_support`` when it is given) and the run."""
    with _opened(paths, options, mapping, cleaning, scope, progress) as (prepared, clock):
        as_of = as_of or _default_as_of(prepared, clock)
        start = _window_start(scope, as_of)
        if prepared.result is not None:
            from crm_core.basket.baskets import build_baskets
            from crm_core.scope import in_scope

            with clock.stage("baskets"):
                scoped = in_scope(prepared.result, scope, as_of=as_of)
                made = build_baskets(scoped.orders, basket_options, as_of=as_of, since=start)
        else:
            from crm_core.engine import aggregate

            made = clock.run(prepared.con, lambda: aggregate.baskets(
                _purchase_lines(prepared), basket_options, as_of=as_of, start=start, min_support=min_support),
                "baskets")
        return made, _finished(prepared, None, as_of, options, clock)


def _purchase_lines(prepared: _Prepared):
    """``prepared.kept`` (CleanLines.kept, one scan) with the customer id as text: its purchase lines are
    ``prepared.lines``' ones (the rule on returns of customers with no purchase only drops returns)."""
    kept = prepared.kept
    return kept.mutate(customer_id=kept.customer_id.cast("string")) if kept.customer_id.type().is_integer() else kept


def order_lines(paths: Sequence[str | Path], options: EngineOptions = EngineOptions(), *,
                mapping: ColumnMapping | None = None, cleaning: IngestOptions = IngestOptions(),
                progress: Progress | None = None) -> IngestResult:
    """The clean order lines as the app's pages use them (:class:`crm_core.schema.IngestResult`).

    Engine path: ``orders`` has :data:`crm_core.ingest.clean.ORDER_COLUMNS` (amount = units / MONEY_SCALE,
    sorted by date;
    ``source_row`` numbers the lines 1..n: an engine does not keep the file's row numbers), ``customers`` one row
    per customer_id, and the report's ``excluded`` table one example row per reason (order statuses one by one)
    with the count of rows in a ``rows`` column (``rows_read - rows_used`` rows were left out in all).
    """
    with _opened(paths, options, mapping, cleaning, Scope(), progress) as (prepared, clock):
        if prepared.result is not None:
            return prepared.result
        from crm_core.engine import _order_lines

        return clock.run(prepared.con, lambda: _order_lines.ingest_result(prepared, paths), "orders")


# ---------------------------------------------------------------------------------------------------- stages
def _prepare(paths, options: EngineOptions, mapping: ColumnMapping | None, cleaning: IngestOptions, scope: Scope,
             clock: _Clock, *, exact: bool = True, one_scan: bool = False) -> _Prepared:
    """Read, map, type-check and clean; then the line report and the used lines per day (one scan).

    ``exact=False`` (the customer table): without channel / category filters the report and the days are counted
    on ``unmarked`` (one scan, the returns of customers with no purchase line still counted as used) and
    ``orphans_pending`` is set; :func:`_engine_customers` settles them.  ``one_scan`` as well (the customer table
    without modes / rhythm): nothing is counted here, the customers' scan gives the report and the days too
    (:mod:`crm_core.engine._quick`).
    """
    if options.engine == "pandas":
        from crm_core.engine._pandas_path import prepare_pandas

        return prepare_pandas(paths, mapping, cleaning, clock)
    if scope.cities:
        raise DataError("engl_city_filter", cities=", ".join(scope.cities), engine=options.engine)
    from crm_core.engine import backends, source

    con = backends.connect(options)
    try:
        notes: list[Note] = []
        with clock.stage("read"):
            found = source.find_inputs(paths)
            table = source.read_table(con, found)
            if mapping is None:
                proposal = source.propose(table)
                mapping = proposal.mapping
                notes.extend(proposal.notes)
            notes.extend(source.check_types(table, mapping))

        pending = not exact and cleaning.returns != "ignore" and not (scope.channels or scope.categories)

        clean, counted, days = clock.run(
            con, lambda: _cleaned(table, mapping, cleaning, scope, pending=pending, one_scan=one_scan), "clean")
        return _Prepared(con=con, lines=clean.lines, flagged=clean.flagged, result=None, report=counted,
                         mapping=mapping, notes=(*notes, *clean.notes), seconds=clock.seconds, days=days,
                         kept=clean.kept, orphans_pending=pending,
                         clean=clean if clean.keyed is not None else None,
                         redo=(table, mapping, cleaning, scope, tuple(notes)))
    except BaseException:
        backends.close(con)
        raise


def _cleaned(table, mapping: ColumnMapping, cleaning: IngestOptions, scope: Scope, *, pending: bool,
             one_scan: bool):
    """(CleanLines, report, days): the survey queries of clean_lines and the report's scan, run as one stage; the
    report and days are None when the customers' one scan will count them (``pending and one_scan``)."""
    from crm_core.engine import lines

    clean = lines.clean_lines(table, mapping, cleaning, scope=scope, one_scan=pending and one_scan)
    if clean.keyed is not None:
        return clean, None, None
    return clean, *_report_and_days(clean.unmarked if pending else clean.flagged)


def _default_as_of(prepared: _Prepared, clock: _Clock) -> date:
    if prepared.result is not None:
        from crm_core.customers import default_as_of

        return default_as_of(prepared.result.orders)
    from crm_core.engine.aggregate import as_of_from_days

    days = prepared.days  # every used line, before the channel / category filters (as the pandas path)
    return as_of_from_days(days["day"].to_numpy(), days["lines"].to_numpy())


def _report_and_days(flagged) -> tuple[LineReport, pd.DataFrame]:
    """The line report and the used lines per day, from one scan: GROUP BY (reason, day) over every input row.

    The same counts as :func:`crm_core.engine.lines.line_report` (rows read = used + excluded; returns among the
    used) and what :func:`crm_core.engine.aggregate.default_as_of` reads (used lines per calendar day), so the
    cleaning runs once for both instead of twice.
    """
    grouped = flagged.group_by(reason=flagged.reason, day=flagged.order_date.date()).aggregate(
        rows=lambda t: t.count(), returns=lambda t: t.is_return.cast("int64").sum())
    return report_from_groups(grouped.to_pandas())


def report_from_groups(frame: pd.DataFrame) -> tuple[LineReport, pd.DataFrame]:
    """The LineReport and the used lines per day from rows counted per (reason, day): columns reason (null =
    used), day, rows, returns."""
    used = frame[frame["reason"].isna()]
    counts = in_reason_order(frame[frame["reason"].notna()].groupby("reason")["rows"].sum().to_dict())
    rows_used = int(used["rows"].sum())
    report = LineReport(rows_read=rows_used + sum(counts.values()), rows_used=rows_used,
                        rows_returns=int(pd.to_numeric(used["returns"]).fillna(0).sum()), excluded=counts)
    dated = used[used["day"].notna()]
    days = pd.DataFrame({"day": pd.to_datetime(dated["day"]).to_numpy().astype("datetime64[D]"),
                         "lines": dated["rows"].to_numpy(dtype="int64")})
    return report, days


def _window_start(scope: Scope, as_of: date) -> date | None:
    start = scope.first_day(as_of)
    if start is not None and start >= as_of:
        raise DataError("window_after_as_of", start=start, as_of=as_of)
    return start


def _finished(prepared: _Prepared, table: pd.DataFrame | None, as_of: date, options: EngineOptions,
              clock: _Clock) -> EngineRun:
    return EngineRun(table=table, as_of=as_of, report=prepared.report, mapping=prepared.mapping,
                     notes=prepared.notes, engine=options.engine, seconds=dict(clock.seconds))


def _close(prepared: _Prepared) -> None:
    if prepared.con is not None:
        from crm_core.engine.backends import close

        close(prepared.con)
