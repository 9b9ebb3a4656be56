"""The pieces of :func:`crm_core.engine.lines.clean_lines`: typed columns as Ibis values, the up-front survey query,
the status lists (decided by the pandas path's own code), and the two rules that look across rows.

Every expression here compiles on DuckDB and PySpark (no backend-specific function); text is trimmed with Ibis'
``strip`` (all ASCII whitespace, as ``str.strip`` on the pandas path for ASCII text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.datatypes as dt
import pandas as pd

from crm_core.ingest import _statuses, values
from crm_core.ingest._columns import COMPOSITE_SEPARATOR
from crm_core.ingest._rules import CANCELLATION
from crm_core.ingest.mapping import composite_parts
from crm_core.schema import ColumnMapping, IngestOptions

_C_PATTERN = f"^[ \\t\\n\\r\\f\\v]*{CANCELLATION}[ \\t\\n\\r\\f\\v]*$"
TEXT_FIELDS = ("product", "sku", "category", "channel")


def _null_nan(value: ibis.Value) -> ibis.Value:
    """A float with NaN and infinities as null (the pandas path reads NaN as missing, an infinity as unreadable)."""
    if not value.type().is_floating():
        return value
    return ibis.ifelse(value.isnan() | value.isinf(), ibis.null(dt.float64), value)


_OFFSET = "[+-][0-9]{2}:[0-9]{2}$|[+-][0-9]{4}$|Z$"
WHOLE_FLOAT_TEXT = "^[0-9]+[.]0$"


# The ASCII blanks str.strip removes, as a regular expression.  Written with escapes, not the characters: Spark
# reads "\v" and "\f" in an SQL string as the letters v and f (Ibis' strip() would trim those letters there).
_BLANK_RUNS = "^[ \\t\\n\\r\\x0B\\f]+|[ \\t\\n\\r\\x0B\\f]+$"


def strip(value: ibis.Value) -> ibis.Value:
    """``value`` without leading and trailing ASCII blanks (``str.strip`` on ASCII text), on every engine."""
    return value.re_replace(_BLANK_RUNS, "")


def padded(value: ibis.Value) -> ibis.Value:
    """Whether a text may need trimming: empty, or its first or last character sorts before ``"!"`` (every ASCII
    blank and other control characters do).  Comparisons of the first and last characters, far cheaper than
    building the trimmed text; a control character it lets through is left as it is by the trim.

    On DuckDB the last character is ``array_extract(value, -1)`` (100 million order ids: 0.8 s, against 2.2 s for
    ``right(value, 1)`` and 3.2 s for one suffix test per blank); elsewhere ``right(value, 1)``.
    """
    first = value < "!"
    if _backend_name(value) != "duckdb":
        return first | (value.right(1) < "!")
    return first | (_array_extract(value, -1) < "!")


@ibis.udf.scalar.builtin(name="array_extract")
def _array_extract(value: str, index: int) -> str:
    """DuckDB's character at ``index`` (from 1; -1 is the last)."""


def _backend_name(value: ibis.Value) -> str | None:
    if not isinstance(value, ibis.Expr):  # a deferred ``ibis._.x``: the portable form
        return None
    try:
        return value._find_backend().name
    except Exception:  # an unbound expression (no backend): the portable form
        return None


def text(value: ibis.Value) -> ibis.Value:
    """Text trimmed, blank -> null (as ``values.clean_text`` on ASCII text).

    Only cells that start or end with a blank are trimmed: on DuckDB a trim with a character set costs about
    three times a plain group-by over the column, and exports rarely pad their cells.
    """
    if not value.type().is_string():
        value = value.cast(dt.string)
    return ibis.cases((value == "", ibis.null(dt.string)), (padded(value), strip(value).nullif("")),
                      else_=value)


def id_text(value: ibis.Value) -> ibis.Value:
    """An id as text: integers without ``.0`` (whole-number floats go through int64), trimmed, blank -> null."""
    kind = value.type()
    if kind.is_integer():
        return value.cast(dt.string)
    if kind.is_floating() or kind.is_decimal():
        # NaN % 1 is NaN (not whole); try_cast: a float beyond int64 stays as the engine writes it.
        whole = (value % 1) == 0
        as_text = value.cast(dt.string)
        number = ibis.ifelse(whole, value.try_cast(dt.int64).cast(dt.string).fill_null(as_text), as_text)
        return number if kind.is_decimal() else ibis.ifelse(value.isnan(), ibis.null(dt.string), number)
    return text(value)


def id_missing(value: ibis.Value) -> ibis.Value:
    """Whether :func:`id_text` of ``value`` is null, tested on the raw value (no text built)."""
    kind = value.type()
    if kind.is_integer() or kind.is_decimal():
        return value.isnull()
    if kind.is_floating():
        return value.isnull() | value.isnan().fill_null(False)
    return text(value).isnull()


def number(value: ibis.Value) -> tuple[ibis.Value, ibis.Value]:
    """(float64 value or null, failed: text that is not a number)."""
    kind = value.type()
    if kind.is_integer():  # no NaN to test for
        return value.cast(dt.float64), ibis.literal(False)
    if kind.is_numeric():
        return _null_nan(value.cast(dt.float64)), ibis.literal(False)
    cell = text(value)
    parsed = _null_nan(cell.try_cast(dt.float64))
    return parsed, (cell.notnull() & parsed.isnull()).fill_null(False)


def timestamp(value: ibis.Value) -> tuple[ibis.Value, ibis.Value, ibis.Value]:
    """(naive timestamp or null, missing, failed: a cell that does not cast); tz-aware -> session (UTC) wall clock."""
    kind = value.type()
    if kind.is_timestamp() or kind.is_date():
        typed = value.cast(dt.Timestamp()) if kind.is_date() or kind.timezone is not None else value
        return typed, value.isnull(), ibis.literal(False)
    cell = text(value)
    # The wall clock as written, as the upload path and DuckDB's cast read it: a trailing offset or Z is dropped
    # before the cast (Spark's cast would otherwise convert "08:30:00+08:00" to 00:30 UTC).
    parsed = cell.re_replace(_OFFSET, "").try_cast(dt.Timestamp())
    return parsed, cell.isnull(), (cell.notnull() & parsed.isnull()).fill_null(False)


def _source(table: ibis.Table, source: str) -> ibis.Value:
    """A mapped column, or two columns read as one (``"<A> + <B>"``: ``"A | B"``, null where either is)."""
    if source in table.columns:
        return table[source]
    first, second = composite_parts(source, table.columns)
    a, b = text(table[first]), text(table[second])
    return ibis.ifelse(a.isnull() | b.isnull(), ibis.null(dt.string), a.concat(COMPOSITE_SEPARATOR, b))


def typed_columns(table: ibis.Table, mapping: ColumnMapping) -> dict[str, ibis.Value]:
    """The mapped fields as typed Ibis values, plus ``date_failed`` / ``amount_failed`` (bool) and
    ``amount_computed`` (present when the amount is quantity x unit price)."""
    cols: dict[str, ibis.Value] = {}
    get = {name: _source(table, source) for name, source in mapping.pairs}
    cols["customer_id"] = id_text(get["customer_id"])
    cols["customer_id_raw"] = get["customer_id"]
    cols["customer_missing"] = id_missing(get["customer_id"])
    if mapping.get("customer_id") not in table.columns:
        cols["customer_missing"] = get["customer_id"].isnull()  # a composite source: null where either part is
    if "order_id" in get:
        cols["order_id"] = id_text(get["order_id"])
        cols["order_id_raw"] = get["order_id"]
        cols["order_id_missing"] = id_missing(get["order_id"])
    cols["order_date"], cols["date_missing"], cols["date_failed"] = timestamp(get["order_date"])
    failed = ibis.literal(False)
    for name in ("quantity", "unit_price"):
        if name in get:
            cols[name], cols[f"{name}_failed"] = number(get[name])
    if "amount" in get:
        amount, failed = number(get["amount"])
        if "quantity" in cols and "unit_price" in cols:
            amount = amount.fill_null(cols["quantity"] * cols["unit_price"])
    else:
        amount = cols["quantity"] * cols["unit_price"]
        failed = cols["quantity_failed"] | cols["unit_price_failed"]
        cols["amount_computed"] = ibis.literal(True)
    if "quantity" in cols:
        failed = failed | cols["quantity_failed"]
    cols["amount"], cols["amount_failed"] = amount, failed
    for name in TEXT_FIELDS:
        if name in get:
            cols[name] = text(get[name])
    cols["raw"] = {name: get[name] for name in TEXT_FIELDS if name in get}
    if "status" in get:
        status = get["status"]
        cols["status"] = status if status.type().is_string() else status.cast(dt.string)
    return cols


def drop_float_suffix(value: ibis.Value) -> ibis.Value:
    """``17850.0`` -> ``17850`` (for a column whose every value has the suffix, see :func:`survey`)."""
    return value.re_replace("[.]0$", "")


def cancellation_expr(order_id: ibis.Value) -> ibis.Value:
    """Whether a raw text order id is an Online-Retail cancellation id, ``C`` and digits (blanks around allowed).

    The regular expression runs only on ids that start with a C or a blank (two comparisons are much cheaper).
    """
    has_c = (((order_id >= "C") & (order_id < "D")) | ((order_id >= "c") & (order_id < "d"))
             | (order_id < "!"))
    return ibis.ifelse(has_c.fill_null(False), order_id.re_search(_C_PATTERN).fill_null(False), False)


def scope_text(value: ibis.Value) -> ibis.Value:
    """The form scope filters compare in: trimmed, lower case (``str.casefold`` for ASCII)."""
    return strip(value).lower()


def scope_key(value: str) -> str:
    return value.strip().casefold()


@dataclass(frozen=True)
class Survey:
    """What the up-front query found: distinct statuses, the cancellation-prefix check, scope values present."""

    statuses: tuple[str, ...] = ()
    cancellation: bool = False
    c_rows: int = 0  # lines with a C-id (the convention holds only when ``cancellation``)
    c_ids: int = 0  # lines with an order id, when it is text
    c_example: str | None = None
    scope_present: dict[str, dict[str, bool]] = field(default_factory=dict)
    order_ids_missing: int | None = None  # lines without an order id (None: not counted)
    whole_float_ids: tuple[str, ...] = ()  # text id fields whose every value is digits + ".0"
    plain_ids: tuple[str, ...] = ()  # text id fields with no blank cell and no cell starting / ending with a blank


def survey(table: ibis.Table, cols: dict[str, ibis.Value], scope) -> Survey:
    """One aggregate over the table (grouped by the raw status when one is mapped: statuses are few), or none.

    It holds :func:`crm_core.ingest._rules.cancellation_rows`'s test (only when the order id is text: a
    numeric id cannot start with C): C-ids beside other ids, and more than half of the C lines with a known
    sign negative; and, per scope filter value, whether any line has it.
    """
    # Per-row flags first (one projection: each test computed once), then plain sums over them.
    per_row: dict[str, ibis.Value] = {}
    aggs: dict[str, object] = {}
    order_id = cols.get("order_id")
    text_ids = order_id is not None and cols["order_id_raw"].type().is_string()
    if text_ids:
        is_c = cancellation_expr(cols["order_id_raw"])
        amount, quantity = cols["amount"], cols.get("quantity")
        known = amount.notnull() if quantity is None else amount.notnull() | quantity.notnull()
        negative = (amount < 0).fill_null(False)
        if quantity is not None:
            negative = negative | (quantity < 0).fill_null(False)
        per_row.update(c_row=is_c, c_known=is_c & known, c_negative=is_c & negative, c_id=cols["order_id_raw"])
        aggs.update(c_rows=lambda r: r.c_row.cast(dt.int64).sum(), c_known=lambda r: r.c_known.cast(dt.int64).sum(),
                    c_negative=lambda r: r.c_negative.cast(dt.int64).sum(), c_ids=lambda r: r.c_id.count(),
                    c_example=lambda r: r.c_id.min(where=r.c_row))
    if order_id is not None:
        per_row["id_missing"] = cols["order_id_missing"]
        aggs["ids_missing"] = lambda r: r.id_missing.cast(dt.int64).sum()
    # values.clean_ids: a text id column whose every value is digits + ".0" (it went through a float) loses the ".0".
    float_like = [f for f in ("customer_id", "order_id") if f in cols and cols[f"{f}_raw"].type().is_string()]
    for name in float_like:
        cell = text(cols[f"{name}_raw"])
        per_row[f"{name}_n"] = cell.notnull()
        per_row[f"{name}_f"] = ibis.ifelse(cell.endswith(".0"), cell.re_search(WHOLE_FLOAT_TEXT), False).fill_null(
            False)
        aggs[f"{name}_n"] = lambda r, name=name: r[f"{name}_n"].cast(dt.int64).sum()
        aggs[f"{name}_f"] = lambda r, name=name: r[f"{name}_f"].cast(dt.int64).sum()
        # A column with no cell to trim or blank out is used as it is (its text expression copies every cell).
        raw = cols[f"{name}_raw"]
        per_row[f"{name}_t"] = padded(raw).fill_null(False)  # the empty text too
        aggs[f"{name}_t"] = lambda r, name=name: r[f"{name}_t"].cast(dt.int64).sum()
    keys: dict[str, tuple[str, str]] = {}
    for name, column in (("channels", "channel"), ("categories", "category")):
        if getattr(scope, name) and column in cols:
            for value in getattr(scope, name):
                label = f"s{len(keys)}"
                keys[label] = (column, scope_key(value))
                per_row[label] = (scope_text(cols[column]) == scope_key(value)).fill_null(False)
                aggs[label] = lambda r, label=label: r[label].any()
    status = cols.get("status")
    if status is None and not text_ids and not keys and not float_like:
        return Survey()
    rows_table = table.select(status=status if status is not None else ibis.null(dt.string), **per_row)
    measures = {name: make(rows_table) for name, make in aggs.items()}
    if status is not None:
        query = rows_table.group_by("status").aggregate(n=rows_table.count(), **measures)
    else:
        query = rows_table.aggregate(n=rows_table.count(), **measures)
    rows = query.to_pyarrow().to_pylist()

    def total(name: str) -> int:
        return sum(int(r[name] or 0) for r in rows)

    found: dict = {"statuses": tuple(r["status"] for r in rows if status is not None and r["status"] is not None)}
    if order_id is not None:
        found["order_ids_missing"] = total("ids_missing")
    found["whole_float_ids"] = tuple(f for f in float_like if total(f"{f}_n") and total(f"{f}_f") == total(f"{f}_n"))
    found["plain_ids"] = tuple(f for f in float_like if total(f"{f}_t") == 0)
    if text_ids:
        c_rows = total("c_rows")
        # cancellation_rows: C-ids exist, beside other ids, and most C lines with a known sign are negative.
        found.update(c_rows=c_rows, c_ids=total("c_ids"))  # C lines seen, whether or not the convention holds
        if c_rows and total("c_ids") > c_rows and 2 * total("c_negative") > total("c_known"):
            examples = [r["c_example"] for r in rows if r["c_example"] is not None]
            found.update(cancellation=True, c_rows=c_rows, c_example=min(examples) if examples else None)
    present: dict[str, dict[str, bool]] = {}
    for label, (column, key) in keys.items():
        present.setdefault(column, {})[key] = present.get(column, {}).get(key, False) or any(r[label] for r in rows)
    found["scope_present"] = present
    return Survey(**found)


def top_values(table: ibis.Table, value: ibis.Value, n: int = 8) -> list[str]:
    """The ``n`` most frequent non-null values (for a message: a query on the error path only)."""
    counts = table.select(value=value).filter(lambda t: t.value.notnull()).value_counts(name="rows")
    top = counts.order_by([ibis.desc("rows"), "value"]).limit(n).to_pyarrow().to_pylist()
    return [str(r["value"]) for r in top]


def status_lists(statuses: tuple[str, ...], options: IngestOptions) -> tuple[list[str], list[str]]:
    """(raw statuses not purchases, raw statuses that are refund events), by the pandas path's rule.

    The same code as :func:`crm_core.ingest.clean.standardize` on the distinct values: cleaned text, the
    listed statuses by :func:`crm_core.ingest._statuses.status_key`, and the cancelled-word rule (only when
    the list is not empty).
    """
    if not statuses:
        return [], []
    raw = pd.Series(list(statuses), dtype="str")
    cleaned = values.clean_text(raw)[0]
    excluded = _statuses.status_keys(options.excluded_statuses)
    returns = _statuses.status_keys(_statuses.RETURN_STATUSES) - excluded
    listed = _statuses.matches(cleaned, excluded)
    not_purchase = listed | _statuses.cancelled_by_word(cleaned) if excluded else listed
    is_return = _statuses.matches(cleaned, returns)
    return sorted(raw[not_purchase.to_numpy()]), sorted(raw[is_return.to_numpy()])


def non_product_expr(raw: dict[str, ibis.Value], options: IngestOptions) -> ibis.Value:
    """As :func:`crm_core.ingest._columns.non_product`: single letters on the code only, longer codes on either
    (``raw``: field -> the raw column; trimmed only where a cell is padded, see :func:`text`)."""
    codes = sorted({c.strip().upper() for c in options.non_product_codes if c.strip()})
    words = [c for c in codes if len(c) > 1]
    hit = ibis.literal(False)
    for name, listed in (("sku", codes), ("product", words)):
        if name in raw and listed:
            value = raw[name] if raw[name].type().is_string() else raw[name].cast(dt.string)
            hit = hit | text(value).upper().isin(listed).fill_null(False)
    return hit


def mark_customers(base: ibis.Table, ids: ibis.Table, flag: str) -> ibis.Table:
    """``base`` with a bool column ``flag``: whether its customer_id is in ``ids`` (a left join on a small table)."""
    marked = ids.select(_marked_id=ids.customer_id, **{flag: ibis.literal(True)})
    joined = base.left_join(marked, base.customer_id == marked._marked_id)
    return joined.mutate(**{flag: joined[flag].fill_null(False)}).drop("_marked_id")


def drop_returns_without_purchase(lines: ibis.Table) -> ibis.Table:
    """The used ``lines`` without the return lines of customers who have no purchase line among them."""
    returners = lines.filter(lines.is_return).select("customer_id").distinct()
    buyers = lines.filter(~lines.is_return).semi_join(returners, "customer_id").select("customer_id").distinct()
    orphans = returners.anti_join(buyers, "customer_id")
    marked = mark_customers(lines, orphans, "_orphan")
    return marked.filter(~(marked.is_return & marked._orphan)).drop("_orphan")


def returns_without_purchase(base: ibis.Table) -> ibis.Table:
    """``base`` with ``reason`` = return_without_purchase on used return lines of customers with no used purchase.

    Only the customers with a used return line are looked at: their ids (few) are the build side of a semi-join
    that finds which of them bought, and the rest are marked by a left join on that small set.
    """
    used = base.reason.isnull()
    returners = base.filter(used & base.is_return).select("customer_id").distinct()
    buyers = base.filter(used & ~base.is_return).semi_join(returners, "customer_id").select("customer_id").distinct()
    orphans = returners.anti_join(buyers, "customer_id")
    marked = mark_customers(base, orphans, "_orphan")
    reason = ibis.ifelse(marked.reason.isnull() & marked.is_return & marked._orphan,
                         ibis.literal("return_without_purchase"), marked.reason)
    return marked.mutate(reason=reason).drop("_orphan")
