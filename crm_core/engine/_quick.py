"""The customer table in one scan of the file: conventions read from a sample, checked by the scan itself.

:func:`crm_core.engine.lines.clean_lines` normally starts with a survey of the whole file (statuses, the ``C``
cancellation prefix, ids to trim or ending in ``.0``, missing order ids), and the line report takes a scan of its
own before the customers' scan.  For the customer table (no channel / category filter), the work takes two passes
instead, the first one cheap:

1. :func:`survey` — one grouped count of every row per (calendar day, status): the exact statuses and the rows per
   day, reading two narrow columns; the other conventions are decided by the same survey code on the file's first
   :data:`SAMPLE_ROWS` rows.  :func:`doubt` is true on any row of the file that contradicts what the sample decided
   (a padded id where the sample had none, an id without ``.0`` where every sampled one had it, a missing order id
   where none was missing, a negative integer customer id where the sample had none) and on every ``C`` line that
   is not negative: the file is cleaned without the ``C`` convention, which then changes no line, and the
   convention's note is settled from the scan's count of ``C`` lines.  The non-product test reads each product
   code and name column's distinct values once (:func:`non_product`).
2. :func:`keyed` — every row keyed by its customer on a used line, by its reason and calendar day packed in one
   integer (``slot``, :func:`slot_parts`) on a row left out.  One GROUP BY
   (:func:`crm_core.engine.aggregate.keyed_customers`) gives the customers and the rows left out per reason and day
   together (:func:`split`); the used lines per day are the day's rows minus those.

A doubtful row is left out under the reason :data:`MISMATCH` (first in the order): when the scan finds any, the
caller starts over with the full survey (:func:`crm_core.engine.run._one_scan`), so the answer never depends on
the sample; it does the same when the grouping runs out of memory (it holds more per customer than the customers'
aggregate alone).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import numpy as np
import pandas as pd

from crm_core.engine import _lines_rules as rules
from crm_core.schema import ColumnMapping, IngestOptions
from crm_core.settings import Scope

SAMPLE_ROWS = 200_000
MISMATCH = "sample_mismatch"
DISTINCT_CAP = 20_000  # distinct product codes / names in the sample above which the per-row test is kept
LISTED_CAP = 1_000  # non-product values above which the per-row test is kept
# slot = reason number << DAY_BITS | (epoch day + DAY_OFFSET), 0 in the day part when the row has no date.
DAY_BITS = 25
DAY_OFFSET = 1 << 24  # calendar days from year -44,000 to +47,900 fit


@dataclass(frozen=True)
class Quick:
    """What :func:`survey` found: the survey to clean with, every row per day, and the doubt test."""

    survey: rules.Survey
    day_rows: pd.DataFrame  # day (datetime64[D], NaT for rows without a date), rows
    c_test: bool  # the order id is text: its C-ids are tested (CleanLines.keyed.is_c) and counted
    c_beside: bool = False  # the sample has order ids that are not C-ids
    negative_keys: bool = False  # integer customer ids, none negative in the sample: rows left out get -1 - slot
    listable: frozenset[str] = frozenset()  # product code / name columns tested by lists (see non_product)
    how: str = "pair"  # how keyed() keys the rows (see split)
    c_first: ibis.Table | None = None  # the file's first C-id (a query that stops at it)

    def example(self) -> str | None:
        """The file's first C-id (the upload path's example too)."""
        if self.c_first is None:
            return None
        with _file_order(self.c_first):
            found = self.c_first.to_pyarrow().to_pylist()
        return found[0]["id"] if found else None


@contextmanager
def _file_order(expr: ibis.Expr):
    """DuckDB keeps the file's row order while ``expr`` runs (the engine's sessions do not, which is faster), so
    a LIMIT takes the first rows of the file; other backends as they are."""
    backend = expr._find_backend()
    raw = getattr(backend, "con", None) if backend.name == "duckdb" else None
    if raw is None:
        yield
        return
    before = raw.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    raw.execute("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        raw.execute("SET preserve_insertion_order = ?", [before])


def survey(table: ibis.Table, mapping: ColumnMapping, cols: dict[str, ibis.Value],
           rows: int | None = None) -> Quick | None:
    """The statuses and rows per day of the whole file, the other conventions from its first ``rows`` rows
    (:data:`SAMPLE_ROWS`).

    None when the sample saw ``C``-ids but the file does not follow the convention: whether it does then depends on
    counts over the whole file, which the full survey takes.
    """
    sampled = table.limit(rows or SAMPLE_ROWS)
    with _file_order(sampled):
        found = rules.survey(sampled, rules.typed_columns(sampled, mapping), Scope())
    if found.c_rows and not found.cancellation or found.c_rows and found.c_ids == found.c_rows:
        return None  # C lines that are not cancellations, or only C-ids: the whole file's counts decide
    status = cols.get("status")
    keys = {"day": cols["order_date"].date()}
    if status is not None:
        keys["status"] = status
    counted = table.group_by(**keys).aggregate(rows=lambda t: t.count()).to_pandas()
    statuses = tuple(sorted({s for s in counted["status"] if isinstance(s, str)})) if status is not None else ()
    days = pd.to_datetime(counted["day"]).to_numpy().astype("datetime64[D]")
    per_day = pd.Series(counted["rows"].to_numpy(dtype=np.int64)).groupby(days, dropna=False).sum()
    day_rows = pd.DataFrame({"day": per_day.index.to_numpy().astype("datetime64[D]"),
                             "rows": per_day.to_numpy(dtype=np.int64)})
    # Cleaned without the C convention (see doubt): the note is added after the scan.
    text_ids = "order_id" in cols and cols["order_id_raw"].type().is_string()
    first = None
    if text_ids:
        first = table.filter(rules.cancellation_expr(cols["order_id_raw"])).select(id=cols["order_id_raw"]).limit(1)
    negative_keys, listable = _sample_facts(sampled, cols)
    return Quick(survey=replace(found, statuses=statuses, cancellation=False), day_rows=day_rows, c_test=text_ids,
                 negative_keys=negative_keys, listable=listable, c_beside=found.c_ids > found.c_rows, c_first=first)


def _sample_facts(sampled: ibis.Table, cols: dict[str, ibis.Value]) -> tuple[bool, frozenset[str]]:
    """(:attr:`Quick.negative_keys`, :attr:`Quick.listable`) from one query over the sample: the lowest integer
    customer id (none negative: the rows left out can be keyed by negative numbers, and a negative id later is a
    doubt, see :func:`doubt`) and the distinct values of each product code / name column of text."""
    raw_id, kind = cols["customer_id_raw"], cols["customer_id_raw"].type()
    integer = (kind.is_integer() and (kind.is_signed_integer() or kind.nbytes < 8)
               and isinstance(raw_id.op(), ops.Field))
    texts = [name for name in ("sku", "product") if name in cols["raw"]
             and isinstance(cols["raw"][name].op(), ops.Field) and cols["raw"][name].type().is_string()]
    measures = {name: sampled[cols["raw"][name].get_name()].nunique() for name in texts}
    if integer:
        measures["lowest_id"] = sampled[raw_id.get_name()].min()
    if not measures:
        return False, frozenset()
    query = sampled.aggregate(**measures)
    with _file_order(query):
        found = query.to_pyarrow().to_pylist()[0]
    low = found.get("lowest_id")
    return integer and (low is None or low >= 0), frozenset(n for n in texts if found[n] <= DISTINCT_CAP)


def non_product(table: ibis.Table, raw: dict[str, ibis.Value], options: IngestOptions,
                listable: frozenset[str]) -> ibis.Value:
    """:func:`crm_core.engine._lines_rules.non_product_expr` as lists of raw cells: each ``listable`` column's
    distinct values are fetched once and tested by that very expression, and a row is tested by its raw cell's
    membership.

    Product codes and names repeat (thousands of distinct values in millions of lines), and a distinct on such a
    column reads its dictionary: trimming and upper-casing every row instead costs about 2.5 s per 100 million
    lines.  The other columns (not text, or more than :data:`DISTINCT_CAP` distinct values in the sample: free
    text, see :attr:`Quick.listable`) keep the per-row expression; so does a column with more than
    :data:`LISTED_CAP` non-product values.
    """
    hit = ibis.literal(False)
    for name in ("sku", "product"):
        if name not in raw:
            continue
        value, alone = raw[name], rules.non_product_expr({name: raw[name]}, options)
        found = _listed(table, value, name, options) if name in listable else None
        if found is None:
            hit = hit | alone
        elif found:
            hit = hit | value.isin(found).fill_null(False)
    return hit


def _listed(table: ibis.Table, value: ibis.Value, name: str, options: IngestOptions) -> list | None:
    """The column's distinct non-product cells, or None when there are more than LISTED_CAP."""
    cells = table.select(cell=value).distinct()
    listed = cells.filter(rules.non_product_expr({name: cells.cell}, options)).limit(LISTED_CAP + 1)
    found = [v for v in listed.to_pyarrow()["cell"].to_pylist() if v is not None]
    return None if len(found) > LISTED_CAP else found


def doubt(cols: dict[str, ibis.Value], found: rules.Survey, negative_keys: bool = False) -> ibis.Value:
    """Whether a row contradicts what the sample decided (``cols["is_c"]``: the C-id test, when ids are text;
    ``negative_keys``: :attr:`Quick.negative_keys`, under which a negative customer id is a doubt).

    The file is cleaned without the C convention, and every C line that is not negative is a doubt: when the scan
    finds none, every C line is a return by its sign alone, and the convention holds as soon as there is one
    (beside the sample's other ids; the full survey's vote could not differ).
    """
    out = ibis.literal(False)
    if "is_c" in cols:
        amount, quantity = cols["amount"], cols.get("quantity")
        negative = (amount < 0).fill_null(False)
        if quantity is not None:
            negative = negative | (quantity < 0).fill_null(False)
        out = cols["is_c"] & ~negative
    none_missing = "order_id" in cols and found.order_ids_missing == 0
    for name in ("customer_id", "order_id"):
        if name not in cols or not cols[f"{name}_raw"].type().is_string():
            continue
        raw = cols[f"{name}_raw"]
        if name in found.plain_ids:  # (an empty id is padded: with none missing, a null one is a doubt too)
            out = out | rules.padded(raw).fill_null(name == "order_id" and none_missing)
        if name in found.whole_float_ids:
            cell = rules.text(raw)
            out = out | (cell.notnull() & ~cell.re_search(rules.WHOLE_FLOAT_TEXT)).fill_null(False)
    if none_missing and not ("order_id" in found.plain_ids and cols["order_id_raw"].type().is_string()):
        out = out | cols["order_id_missing"]
    if negative_keys:
        out = out | (cols["customer_id_raw"] < 0).fill_null(False)
    return out


def keyed(table: ibis.Table, checks: list[tuple[str, ibis.Value]], values: dict[str, ibis.Value],
          doubt: ibis.Value, is_c: ibis.Value | None, negative_keys: bool) -> tuple[ibis.Table, tuple[str, ...], str]:
    """Every row keyed by its customer, or by its reason and day when it is left out; the line's values; ``is_c``.

    ``checks``: (reason, test) in precedence order, as clean_lines builds them; ``negative_keys``: see
    :attr:`Quick.negative_keys`.  One grouping key where it can hold both, as the distinct-order count keeps
    the keys of every (customer, order) pair, spilled or not:

    - ``"negative"`` (integer ids, none negative, or the row is a doubt): ``customer_id`` is the id, or
      ``-1 - slot``;
    - ``"blank"`` (text ids, which never start with a blank once cleaned): the id, or ``" " + slot``;
    - ``"pair"`` (other ids): ``customer_id`` null on the rows left out, and a ``slot`` column, null on used lines.

    Returns the table, the reason codes by number (``codes[n - 1]`` is reason ``n``) and the way (see :func:`split`).
    """
    codes = (MISMATCH, *(code for code, _ in checks))
    tests = (doubt, *(test for _, test in checks))
    number = ibis.cases(*((test, ibis.literal(n, dt.int64)) for n, test in enumerate(tests, start=1)),
                        else_=ibis.null(dt.int64))
    staged = table.select(**values, _n=number, is_c=is_c.fill_null(False) if is_c is not None else ibis.literal(False))
    used, ids = staged._n.isnull(), staged.customer_id
    # (the day inside the slot: computed only on the rows left out)
    day = staged.order_date.date().epoch_days().cast(dt.int64) + DAY_OFFSET
    slot = staged._n * (1 << DAY_BITS) + day.fill_null(0)
    kind = ids.type()
    if negative_keys:
        how, keys = "negative", {"customer_id": ibis.ifelse(used, ids.cast(dt.int64), -1 - slot)}
    elif kind.is_string():
        how, keys = "blank", {"customer_id": ibis.ifelse(used, ids, ibis.literal(" ").concat(slot.cast(dt.string)))}
    else:
        how, keys = "pair", {"customer_id": ibis.ifelse(used, ids, ibis.null(kind)),
                             "slot": ibis.ifelse(used, ibis.null(dt.int64), slot)}
    out = staged.select(**keys, order_id=staged.order_id, order_date=staged.order_date,
                        amount_units=staged.amount_units, quantity=staged.quantity, is_return=staged.is_return,
                        is_c=staged.is_c)
    return out, codes, how


def split(arrow, how: str):
    """The executed :func:`crm_core.engine.aggregate.keyed_customers`: (customers as an Arrow table, without the
    slot column; the slots of the rows left out (int64 array); the aggregates of those rows, in the same order)."""
    import pyarrow.compute as pc

    key = arrow["customer_id"]
    if how == "negative":
        left_out = pc.less(key, 0)
    elif how == "blank":
        left_out = pc.starts_with(key, " ")
    else:
        left_out = pc.is_valid(arrow["slot"])
    out = arrow.filter(left_out)
    if how == "negative":
        slots = -1 - out["customer_id"].to_numpy()
    elif how == "blank":
        slots = [int(k) for k in out["customer_id"].to_pylist()]
    else:
        slots = out["slot"].to_numpy()
    customers = arrow.filter(pc.invert(left_out))
    if "slot" in customers.column_names:
        customers = customers.drop_columns(["slot"])
    return customers, np.asarray(slots, dtype=np.int64), out


def slot_parts(slots: np.ndarray, codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(reason code per slot, calendar day per slot as datetime64[D], NaT for rows without a date)."""
    slots = np.asarray(slots, dtype=np.int64)
    reason = np.asarray(codes, dtype=object)[(slots >> DAY_BITS) - 1]
    part = slots & ((1 << DAY_BITS) - 1)
    day = np.where(part > 0, part - DAY_OFFSET, 0).astype("datetime64[D]")
    day[part == 0] = np.datetime64("NaT")
    return reason, day
