"""The outputs of ingest: clean order lines and one row of attributes per customer.

Split from :mod:`crm_core.ingest.clean`, which decides which rows are used; this module only shapes them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from crm_core.ingest import values
from crm_core.schema import FIELDS, OPT_OUT_WORDS, ColumnMapping, Note, normalize_header

CUSTOMER_FIELDS = tuple(f.name for f in FIELDS if f.level == "customer")


def take_used(pool, at, *, customer_id, order_id, text_cols) -> dict:
    """Start taking the used rows' text (``at``: their positions) on ``pool``; name -> Future of a Series.

    Arrow's take releases the GIL, so on two cores these run while the caller goes on with its own work.
    """
    columns = [("customer_id", customer_id), ("order_id", order_id)] + \
        [(name, text_cols.get(name)) for name in ("product", "sku", "category", "channel")]
    return {name: pool.submit(column.rows, at) for name, column in columns if column is not None}


def build_orders(*, used, index, taken, dates, text_cols, quantity, unit_price, line_amount, is_return):
    """The used lines; ``line_amount`` is each line's size (>= 0), made negative for returns here.

    ``taken`` is :func:`take_used` of the same rows (text of customer_id, order_id and the ``text_cols``,
    which are :class:`~crm_core.ingest._columns.PerRow`); ``index`` holds the raw table's row numbers
    (``source_row``).  Speed: the frame keeps each column as its own block (``copy=False``: no copy of the
    numeric columns into one 2-D block; the values, dtypes and index are the same).
    """
    at = np.flatnonzero(used)
    n = len(at)
    returns = is_return[at]
    line_amount = np.where(returns, -line_amount[at], line_amount[at])
    dates_used = _used_rows(dates, used)
    has_order_id = "order_id" in taken
    taken = {name: future.result() for name, future in taken.items()}
    ids = taken["customer_id"]
    # Without an order id, a customer's lines on one day form one order.
    oid = taken["order_id"] if has_order_id else _missing_text(n)
    missing = oid.isna()
    if missing.any():
        fallback = ids[missing] + "|" + dates_used[missing].dt.strftime("%Y-%m-%d")
        oid = oid.where(~missing, fallback)

    blank: list[pd.Series] = []  # one all-missing column shared by the unmapped text fields (copy-on-write)

    def text(name: str) -> pd.Series:
        if name in text_cols:
            return taken[name]
        if not blank:
            blank.append(_missing_text(n))
        return blank[0]

    price = unit_price.to_numpy(dtype="float64")[at] if unit_price is not None else np.full(len(at), np.nan)
    return pd.DataFrame(
        {
            "customer_id": ids.astype("str"),
            "order_id": oid.astype("str"),
            "order_date": dates_used,
            "product": text("product"),
            "sku": text("sku"),
            "category": text("category"),
            "quantity": quantity.to_numpy(dtype="float64")[at],
            "unit_price": price,
            "amount": line_amount,
            "channel": text("channel"),
            "is_return": returns,
            "source_row": np.asarray(index[at], dtype="int64"),
        },
        copy=False,
    )


def _used_rows(values: pd.Series, used: np.ndarray) -> pd.Series:
    """The used rows of a per-row Series, numbered 0..n-1 (a boolean filter: cheaper than a take for text)."""
    return values[used].reset_index(drop=True)


def _missing_text(n: int) -> pd.Series:
    """``n`` missing str cells (an unmapped text field), built as one Arrow null array."""
    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"))


def customer_field_parsers(mapping: ColumnMapping) -> dict:
    """Field name -> how its distinct raw values are parsed, for every customer-level field: phones as ids,
    sign-up dates as dates, consent by the column's own header (opt-in or opt-out), the rest as clean text.
    One table for the orders' customer columns and the customer file's (:mod:`crm_core.ingest.master`)."""
    special = {
        "phone": values.clean_ids,
        "signup_date": lambda u: values.parse_dates(u, day_first=None).values,
        "consent": lambda u: values.parse_consent(u, header=mapping.get("consent")),
    }
    return {name: special.get(name, lambda u: values.clean_text(u)[0]) for name in CUSTOMER_FIELDS}


def build_customers(columns: dict, mapping: ColumnMapping, customer_id, used: np.ndarray):
    """One row per customer with the last non-empty value of each customer-level field.

    ``customer_id`` is a :class:`~crm_core.ingest._columns.PerRow`; each field is parsed once per distinct
    value.  Same result as ``groupby("customer_id", sort=True).last()`` of the used rows, computed on integers:
    a customer's rank among the sorted distinct ids (found once per distinct value; groupby sorts its keys with
    the same ``factorize(sort=True)``) and, per field, the last used row whose value is known; only that
    value per customer is then taken, instead of every used row's text.
    """
    at = np.flatnonzero(used)
    parsers = customer_field_parsers(mapping)
    parsed = {}
    for name in CUSTOMER_FIELDS:
        if name in columns:
            parsed["opted_out" if name == "consent" else name] = (columns[name], parsers[name](columns[name].values))
    rank, ids = pd.factorize(customer_id.per_value.astype("str"), sort=True)
    row_rank = np.append(rank, -1)[customer_id.column.codes[at]]
    has_id = row_rank >= 0  # a missing id forms no group
    if not has_id.all():
        at, row_rank = at[has_id], row_rank[has_id]
    if any(per_value.dtype == bool or per_value.dtype == object for _, per_value in parsed.values()):
        # A plain bool answer has no missing value (an empty cell reads False): let groupby decide.
        fields = {name: column.rows(per_value, at) for name, (column, per_value) in parsed.items()}
        customers = pd.DataFrame(fields).groupby(row_rank, sort=True).last()
        groups = customers.index.to_numpy()
    else:
        groups = np.flatnonzero(np.bincount(row_rank, minlength=len(ids)))
        customers = pd.DataFrame({name: _last_known(column, per_value, at, row_rank, groups, len(ids))
                                  for name, (column, per_value) in parsed.items()}, index=pd.RangeIndex(len(groups)))
    customers.index = pd.Index(ids.take(groups), name="customer_id")
    customers = customers.reset_index()
    if not parsed:  # the column labels' dtype as groupby(...).size().reset_index() left it
        customers.columns = pd.Index(["customer_id"], dtype=object)
    return customers


def _last_known(column, per_value: pd.Series, at: np.ndarray, row_rank: np.ndarray, groups: np.ndarray, n: int):
    """Per group (rank in ``groups``), the value of its last row in ``at`` whose value is known, else missing."""
    cell = column.codes[at]
    known = np.append(~per_value.isna().to_numpy(dtype=bool), False)[cell]
    last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last, row_rank[known], np.flatnonzero(known))
    chosen = last[groups]
    return per_value.array.take(np.where(chosen >= 0, cell[chosen], -1), allow_fill=True)


def unknown_consent(customers: pd.DataFrame, *, header: str) -> tuple[pd.DataFrame, Note]:
    """Customers whose consent cell is blank or unreadable.

    Under an opt-in column (营销同意, accepts marketing) no answer means no consent: they are treated as
    opted out, so a campaign never reaches them by accident. Under an opt-out column (退订, unsubscribed)
    no answer means no opt-out was recorded.
    """
    unknown = customers["opted_out"].isna()
    opt_out_column = any(word in normalize_header(header) for word in OPT_OUT_WORDS)
    filled = customers.assign(opted_out=customers["opted_out"].fillna(not opt_out_column).astype(bool))
    code = "note_consent_unknown_kept" if opt_out_column else "note_consent_unknown_left_out"
    return filled, Note.of(code, "warning", customers=int(unknown.sum()), column=header)


def merge_customer_rows(customers: pd.DataFrame, duplicates: pd.DataFrame) -> pd.DataFrame:
    """One row per merged person: the first known value of each field, and opted out if any of its ids opted out."""
    target = dict(zip(duplicates["customer_id"], duplicates["merged_into"], strict=True))
    renamed = customers.assign(customer_id=customers["customer_id"].map(lambda c: target.get(c, c)))
    grouped = renamed.groupby("customer_id", sort=True)
    merged = grouped.first()
    if "opted_out" in renamed.columns:
        # An opt-out given under any of a person's ids must survive the merge.
        any_out = grouped["opted_out"].agg(lambda s: bool(s.fillna(False).any()) if s.notna().any() else pd.NA)
        merged["opted_out"] = any_out.astype("boolean")
    return merged.reset_index()
