"""Typed order lines cleaned with the pandas path's rules, as one Ibis expression (DuckDB and PySpark).

:func:`clean_lines` turns a typed table (Parquet, or a CSV read by the engine) into the used order lines
(:data:`LINE_COLUMNS`) and every input row with the reason it was left out, with the same rules and the same
precedence as :func:`crm_core.ingest.clean.standardize` (:data:`crm_core.ingest.clean.REASON_ORDER`: the first
reason that applies to a row wins):

* ``missing_customer``: no customer id (null, or blank after trimming);
* ``missing_date``: no order date; ``bad_date``: text that does not cast to a timestamp (ISO text only, the
  engine's cast; typed dates never fail);
* ``status``: the statuses of ``options.excluded_statuses`` and the cancelled-word rule, decided in Python by
  :mod:`crm_core.ingest._statuses` on the status column's few distinct values, then applied as ``isin``;
* ``bad_amount``: no amount (or, without an amount column, no quantity or unit price), a quantity / amount
  written as text that is not a number, an infinite one, or one of :data:`MAX_AMOUNT` or more;
* ``non_product``: ``options.non_product_codes`` (case-insensitive, trimmed): single letters only on the product
  code (sku), longer codes on the code or the product name;
* ``nonpositive_price``: unit price <= 0 on a line that is not a return;
* ``return_ignored`` (``options.returns == "ignore"``) / ``return_without_purchase`` (a return line of a customer
  with no used purchase line).

A line is a return when its amount or quantity is negative, its status is a refund event
(:data:`crm_core.ingest._statuses.RETURN_STATUSES`), or its order id is an Online-Retail cancellation invoice
(``C536379``) in a file that follows that convention (decided as :func:`crm_core.ingest._rules.cancellation_rows`
does: C-ids beside other ids, more than half of the C lines with a known sign negative).

Values: ``amount_units = round(|amount| * MONEY_SCALE)``, ten-thousandths (``|quantity * unit price|`` without an
amount column; a blank amount beside quantity and price is filled from them), negative on returns; ids as text
(whole-number floats through int64, so ``17850.0`` is ``17850``), trimmed, blank -> null; a line without an order id
(none mapped, or a blank cell) is its customer's order of that day (``10001|2024-01-05``, as the pandas path); order
dates as timestamps, tz-aware ones as UTC wall clock (the engines' sessions run in UTC), ISO text cast.

Stays on the pandas path (needs the text of a spreadsheet export, not typed data): totals rows (合计 / Total
lines), order-level cells carried down from an order's first line, order totals repeated on every line, refund
columns, a separate order-time column, phone / e-mail ids normalised, duplicate customers merged, Excel guards
(``="0123"``) and mangled ids, NFKC / zero-width characters and non-ASCII blanks (only ASCII blanks are
trimmed), messy numbers and dates (``¥1,234``, ``05/01/2024``), ragged
lines and overlapping files.  The statuses-counted and future-dates notes are not produced here either.

Speed (DuckDB): every test reads the raw columns (a null check builds no text), text is trimmed only where a cell
may start or end with a blank (:func:`crm_core.engine._lines_rules.padded`), a text id column with no cell to trim
is used as read and an integer customer id column is grouped as numbers (``kept``), the regular expression for
``C`` ids runs only on ids starting with a C or a blank, and the used lines are one conjunction of the tests; the
up-front survey is one grouped aggregate over projected flags.  ``one_scan`` (the customer table) replaces that
survey by a grouped count of two narrow columns and a sample, checked by the customers' scan itself
(:mod:`crm_core.engine._quick`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import pandas as pd

from crm_core.engine import _lines_rules as rules
from crm_core.engine import _quick
from crm_core.ingest.clean import REASON_ORDER, validate_mapping
from crm_core.schema import ColumnMapping, DataError, IngestOptions, Note
from crm_core.scope import _field_label, _filter_words
from crm_core.settings import Scope

__all__ = ["LINE_COLUMNS", "CleanLines", "LineReport", "clean_lines", "in_reason_order", "line_report"]

LINE_COLUMNS = ("customer_id", "order_id", "order_date", "amount_units", "quantity", "is_return",
                "product", "category", "channel")
# Money travels as whole ten-thousandths of the currency unit: sums in integers are exact and the same on every
# engine, whatever the order they add in, and a line of 0.125 (Online Retail has 0.001 prices) keeps its value, so
# a customer's net spend is the pandas path's own sum, rounded to cents only where scores compare it.
MONEY_SCALE = 10_000
# An amount whose ten-thousandths do not fit a 64-bit integer (900 trillion and more) is a bad amount on the engines
# (the pandas path would keep it as a float): no shop sells that much in one line, and the cast would fail.
MAX_AMOUNT = 9e14


@dataclass(frozen=True)
class CleanLines:
    """The cleaned lines of one table, as unexecuted Ibis expressions.

    lines : used lines (purchases and returns) inside the scope filters, columns :data:`LINE_COLUMNS`.
    flagged : every input row: :data:`LINE_COLUMNS`, ``sku``, ``unit_price`` (float64), ``status`` (text) and
        ``reason`` (a :data:`crm_core.ingest.clean.REASON_ORDER` code, null = used).  Scope filters are not
        applied here (the pandas report's row balance ignores them too).
    notes : conventions detected from the file (the ``C`` cancellation prefix, orders by customer and day, the
        amount computed) and the scope's notes.
    unmarked : ``flagged`` before the return_without_purchase rule (its return lines of customers without a used
        purchase have reason null): a single scan, without the extra passes that rule takes.  A per-customer
        aggregate that keeps only customers with a purchase line gets the same customers from it, and the rule's
        count is the return lines of the customers it drops.  Equal to ``flagged`` with returns ignored.
    kept : ``lines`` before the return_without_purchase rule and before dropping the returns of customers with no
        purchase inside the channel / category filters (one scan instead of three).  Every return it adds belongs
        to a customer with no purchase line, so a per-customer aggregate that keeps only customers with a purchase
        line (the customer table, the CLV summary, baskets of purchase lines) is the same on ``kept`` as on
        ``lines``.  Its ``customer_id`` is the raw integer when the id column is an integer one (its text is
        ``CAST(id AS TEXT)``, the same as on ``lines``).
    """

    lines: ibis.Table
    flagged: ibis.Table
    notes: tuple[Note, ...]
    unmarked: ibis.Table | None = None
    kept: ibis.Table | None = None
    keyed: ibis.Table | None = None  # one_scan: every row keyed by customer / reason and day (see _quick.keyed)
    quick: _quick.Quick | None = None  # one_scan: what the sample and the day count found
    codes: tuple[str, ...] = ()  # one_scan: the reason codes of ``keyed.slot``


@dataclass(frozen=True)
class LineReport:
    """Where every input row went: ``rows_read == rows_used + sum(excluded.values())``.

    excluded : reason code -> rows (reasons with no row left out).
    """

    rows_read: int
    rows_used: int
    rows_returns: int
    excluded: dict[str, int]


def clean_lines(table: ibis.Table, mapping: ColumnMapping, options: IngestOptions = IngestOptions(),
                *, scope: Scope = Scope(), one_scan: bool = False) -> CleanLines:
    """The used lines and every row's reason, with the pandas path's rules (see the module docstring).

    Parameters
    ----------
    table : ibis.Table
        The input as typed columns (any backend Ibis compiles for; DuckDB and PySpark are tested).
    mapping : ColumnMapping
        Which column feeds which field (composite ``"<A> + <B>"`` customer sources are joined as text).
    options : IngestOptions
        Returns handling, non-product codes and excluded statuses (``day_first`` does not apply: ISO only).
    scope : Scope
        ``channels`` / ``categories`` keep only those lines (trimmed, case-insensitive, as
        :func:`crm_core.scope.in_scope`), and returns of customers with no purchase left inside are dropped;
        ``start`` / ``months`` are applied later (the window depends on the analysis date); ``cities`` needs the
        customer file and is not applied here.

    Returns
    -------
    CleanLines
        Expressions; one small query runs here (distinct statuses, the cancellation-prefix check, the scope
        values present), the rest runs when the caller executes ``lines`` / ``flagged``.  ``one_scan`` (no
        channel / category filter): the survey reads the statuses and rows per day of the whole file and the other
        conventions from a sample, and ``keyed`` / ``quick`` / ``codes`` are set (see :mod:`crm_core.engine._quick`;
        the sample may only be trusted once a scan of ``keyed`` found no ``sample_mismatch`` row).

    Raises
    ------
    DataError
        ``unknown_column`` / ``duplicate_mapping`` / ``missing_required`` / ``missing_amount`` as an upload;
        ``filter_needs_column`` / ``filter_matches_nothing`` for scope filters.
    """
    validate_mapping(SimpleNamespace(frame=pd.DataFrame(columns=list(table.columns))), mapping)
    cols = rules.typed_columns(table, mapping)
    notes: list[Note] = []
    quick = _quick.survey(table, mapping, cols) if one_scan and not (scope.channels or scope.categories) else None
    survey = quick.survey if quick is not None else rules.survey(table, cols, scope)
    _check_scope(scope, table, cols, survey)

    for name in survey.plain_ids:  # nothing to trim: the raw text is the id (cheaper to group and count)
        cols[name] = cols[f"{name}_raw"]
    for name in survey.whole_float_ids:
        cols[name] = rules.drop_float_suffix(cols[name])
    excluded_keys, return_keys = rules.status_lists(survey.statuses, options)
    status = cols.get("status")
    status_excluded = status.isin(excluded_keys) if status is not None and excluded_keys else ibis.literal(False)
    status_return = status.isin(return_keys) if status is not None and return_keys else ibis.literal(False)

    cols["non_product"] = rules.non_product_expr(cols["raw"], options) if quick is None else \
        _quick.non_product(table, cols["raw"], options, quick.listable)
    if quick is not None:
        # Each test and typed number computed once per row in a projection of its own: not again in every test
        # that reads it, and on a dictionary-encoded column (product codes and names) once per distinct value.
        if quick.c_test:
            cols["is_c"] = rules.cancellation_expr(cols["order_id_raw"])
        cols["doubt"] = _quick.doubt(cols, survey, quick.negative_keys)
        table, cols = _staged(table, cols, ("amount", "quantity", "unit_price", "is_c", "non_product"))
    amount, quantity, price = cols["amount"], cols.get("quantity"), cols.get("unit_price")
    cancelled = ibis.literal(False)
    if survey.cancellation:
        cancelled = rules.cancellation_expr(cols["order_id_raw"])
        if quick is None:  # (one_scan: the caller adds the note with the C lines its scan counted)
            notes.append(Note.of("note_cancellation_prefix", rows=survey.c_rows, example=survey.c_example,
                                 prefix="C"))
    is_return = ((amount < 0).fill_null(False) | status_return.fill_null(False) | cancelled.fill_null(False))
    if quantity is not None:
        is_return = is_return | (quantity < 0).fill_null(False)

    date = cols["order_date"]
    # Each test is cheap on the raw columns (no text built for a null check), so the engine can filter on them
    # before it builds the output values of the lines it keeps.
    checks = [
        ("missing_customer", cols["customer_missing"]),
        ("missing_date", cols["date_missing"]),
        ("bad_date", cols["date_failed"]),
        ("status", status_excluded.fill_null(False)),
        ("bad_amount", cols["amount_failed"] | amount.isnull() | (amount.abs() >= MAX_AMOUNT).fill_null(False)),
        ("non_product", cols["non_product"]),
    ]
    price_bad = (price <= 0).fill_null(False) if price is not None else None
    if price_bad is not None:
        checks.append(("nonpositive_price", price_bad & ~is_return))
    if options.returns == "ignore":
        checks.append(("return_ignored", is_return))
    reason = ibis.cases(*((test, ibis.literal(code)) for code, test in checks), else_=ibis.null(dt.string))

    # As the pandas path (ingest._build.build_orders): a line without an order id is the customer's order of
    # that day, "<customer>|YYYY-MM-DD".
    by_day = cols["customer_id"].concat("|", date.date().cast(dt.string))
    order_id = cols.get("order_id")
    if order_id is None:
        order_id = by_day
        notes.append(Note.of("note_no_order_id"))
    elif survey.order_ids_missing != 0:  # skipped when the survey counted none
        order_id = order_id.fill_null(by_day)
    if "amount_computed" in cols:
        notes.append(Note.of("note_amount_computed"))
    # Cast only what fits a 64-bit integer (a larger amount is a bad amount; its units are null).
    size = amount.abs()
    units = (ibis.ifelse(size < MAX_AMOUNT, size, ibis.null(dt.float64)) * MONEY_SCALE).round()
    values = {
        "customer_id": cols["customer_id"],
        "order_id": order_id,
        "order_date": date,
        "amount_units": ibis.ifelse(is_return, -units, units),
        "quantity": quantity if quantity is not None else ibis.null(dt.float64),
        "is_return": is_return,
        "product": _text_or_null(cols, "product"),
        "category": _text_or_null(cols, "category"),
        "channel": _text_or_null(cols, "channel"),
    }
    extra = {
        "sku": _text_or_null(cols, "sku"),
        "unit_price": price if price is not None else ibis.null(dt.float64),
        "status": status if status is not None else ibis.null(dt.string),
    }
    base = table.select(**values, **extra, reason=reason)
    flagged = base if options.returns == "ignore" else rules.returns_without_purchase(base)
    # The used lines: the tests as one conjunction (the engine stops at the first that fails), the values built
    # for the kept rows only; the nonpositive price and return tests folded so is_return is computed once.
    keep = [~test for code, test in checks if code not in ("nonpositive_price", "return_ignored")]
    if options.returns == "ignore":
        keep.append(~is_return if price_bad is None else ~(is_return | price_bad))
    elif price_bad is not None:
        keep.append(is_return | ~price_bad)
    filtered = table.filter(*keep)
    used = filtered.select(**values)
    lines = rules.drop_returns_without_purchase(used) if options.returns != "ignore" else used
    lines, scope_notes = _apply_scope(lines, scope, survey)
    # ``kept`` groups by the raw id when it is an integer column (cheaper than grouping its text; the text is
    # made once per customer afterwards, see aggregate.customer_expr).
    raw_id = cols["customer_id_raw"]
    kept = used if not raw_id.type().is_integer() else filtered.select(**{**values, "customer_id": raw_id})
    kept, _ = _apply_scope(kept, scope, survey, drop_returns=False)
    keyed, codes = None, ()
    if quick is not None:
        values = {**values, "customer_id": raw_id if raw_id.type().is_integer() else values["customer_id"]}
        keyed, codes, how = _quick.keyed(table, checks, values, cols["doubt"], cols.get("is_c"),
                                         quick.negative_keys)
        quick = replace(quick, how=how)
    return CleanLines(lines=lines, flagged=flagged, notes=(*notes, *scope_notes), unmarked=base, kept=kept,
                      keyed=keyed, quick=quick, codes=codes)


def _staged(table: ibis.Table, cols: dict, names: tuple[str, ...]) -> tuple[ibis.Table, dict]:
    """``table`` with the fields ``names`` as columns ``__<name>`` and ``cols`` reading them from there (the other
    values keep reading the table's columns, which the staged table still has)."""
    present = [name for name in names if name in cols and not isinstance(cols[name].op(), ops.Field)]
    if not present:
        return table, cols
    staged = table.mutate(**{f"__{name}": cols[name] for name in present})
    return staged, {**cols, **{name: staged[f"__{name}"] for name in present}}


def _text_or_null(cols: dict, name: str) -> ibis.Value:
    value = cols.get(name)
    return value if value is not None else ibis.null(dt.string)


def _check_scope(scope: Scope, table: ibis.Table, cols: dict, survey: rules.Survey) -> None:
    """DataError when a channel / category filter has no column, or none of its values is in the data."""
    for name, column in (("channels", "channel"), ("categories", "category")):
        wanted = getattr(scope, name)
        if not wanted:
            continue
        if column not in cols:
            raise DataError("filter_needs_column", field=_field_label(column))
        present = survey.scope_present.get(column, {})
        if not any(present.get(rules.scope_key(w)) for w in wanted):
            from crm_core.messages import Localized

            top = rules.top_values(table, cols[column])
            raise DataError("filter_matches_nothing", field=_field_label(column),
                            values=Localized.listing(wanted), present=Localized.listing(top))


def _apply_scope(lines: ibis.Table, scope: Scope, survey: rules.Survey, *,
                 drop_returns: bool = True) -> tuple[ibis.Table, tuple[Note, ...]]:
    """Lines inside the channel / category filters; returns of customers with no purchase inside dropped (unless
    ``drop_returns`` is False)."""
    notes: list[Note] = []
    inside = None
    for name, column in (("channels", "channel"), ("categories", "category")):
        wanted = getattr(scope, name)
        if not wanted:
            continue
        present = survey.scope_present.get(column, {})
        for value in wanted:
            if not present.get(rules.scope_key(value)):
                notes.append(Note.of("note_filter_unmatched", "warning", field=_field_label(column), value=value))
        hit = rules.scope_text(lines[column]).isin(sorted({rules.scope_key(w) for w in wanted})).fill_null(False)
        inside = hit if inside is None else inside & hit
    if inside is None:
        return lines, ()
    kept = lines.filter(inside)
    if not drop_returns:
        return kept, ()
    buyers = kept.filter(~kept.is_return).select("customer_id")
    kept = kept.filter(~kept.is_return | kept.customer_id.isin(buyers.customer_id))
    notes.append(Note.of("engl_scope_applied", filters=_filter_words(scope)))
    return kept, tuple(notes)


def line_report(clean: CleanLines) -> LineReport:
    """Rows read, used, returns and excluded per reason: one aggregate query over ``clean.flagged``.

    The counts are those of :class:`crm_core.schema.IngestReport` for the rules that apply to typed data
    (scope filters do not change them, as on the pandas path).
    """
    flagged = clean.flagged
    counts = flagged.group_by(reason=flagged.reason).aggregate(
        rows=flagged.count(), returns=flagged.is_return.cast(dt.int64).sum()
    ).to_pyarrow().to_pylist()
    excluded: dict[str, int] = {}
    used = returns = 0
    for row in counts:
        if row["reason"] is None:
            used, returns = int(row["rows"]), int(row["returns"] or 0)
        elif row["rows"]:
            excluded[row["reason"]] = int(row["rows"])
    excluded = in_reason_order(excluded)
    return LineReport(rows_read=used + sum(excluded.values()), rows_used=used, rows_returns=returns,
                      excluded=excluded)


def in_reason_order(counts: dict[str, int]) -> dict[str, int]:
    """Rows left out per reason, in :data:`crm_core.ingest.clean.REASON_ORDER` (any other code after them);
    reasons with no row dropped."""
    ordered = {code: int(counts[code]) for code in REASON_ORDER if counts.get(code)}
    ordered.update({str(code): int(n) for code, n in counts.items() if code not in ordered and n})
    return ordered
