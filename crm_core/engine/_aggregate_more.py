"""CLV inputs and baskets from engine lines (re-exported by :mod:`crm_core.engine.aggregate`; same rules).

:func:`clv_summary` gives :func:`crm_core.predict.clv.clv_summary`'s table from per-(customer, day) sums made in the
engine; :func:`baskets` gives :func:`crm_core.basket.baskets.build_baskets`'s baskets, with the (basket, item) pairs
fetched as integer codes straight into the sparse matrix.
"""

from __future__ import annotations

from datetime import date

import ibis
import numpy as np
import pandas as pd
from scipy import sparse

from crm_core.basket.baskets import BasketOptions, Baskets
from crm_core.basket.mining import min_count
from crm_core.engine._lines_rules import padded, strip
from crm_core.engine._window import window_lines
from crm_core.engine.lines import MONEY_SCALE
from crm_core.schema import DataError

__all__ = ["baskets", "clv_summary"]

_EPOCH = np.datetime64("1970-01-01", "D")


def clv_summary(lines: ibis.Table, *, as_of: date, unit_days: float = 7.0) -> pd.DataFrame:
    """What BG/NBD and Gamma-Gamma need, per customer with a purchase before ``as_of``, as
    :func:`crm_core.predict.clv.clv_summary` gives it (same index, columns, dtypes and rules).

    A purchase is a calendar day with at least one purchase line of the customer; the day's value nets every line
    of that day (returns included) in money units
    (:data:`~crm_core.engine.lines.MONEY_SCALE`).  The engine groups by (customer, day) and then by customer; pandas
    only divides.

    Returns
    -------
    DataFrame
        Index customer_id (str, sorted); frequency (purchase days - 1, int64), recency and T (in ``unit_days``),
        monetary_value (mean net value of the repeat purchase days, 0 when none), first_purchase (date).
    """
    if unit_days <= 0:
        raise DataError("clv_bad_choice", name="unit_days", value=unit_days, allowed="> 0")
    window = window_lines(lines, as_of)
    days = window.group_by(["customer_id", window.order_date.date().epoch_days().name("day")]).aggregate(
        value=window.amount_units.sum(), bought=(~window.is_return).cast("int64").sum())
    days = days.filter(days.bought > 0)
    days = days.mutate(first_day=days.day.min().over(group_by=days.customer_id))
    per = days.group_by("customer_id").aggregate(
        n_days=days.count(), first_day=days.day.min(), last_day=days.day.max(),
        repeat_units=days.value.sum(where=days.day > days.first_day).coalesce(0))
    frame = per.to_pandas()
    if frame.empty:
        from crm_core.predict.clv import SUMMARY_COLUMNS  # (here: the CLV maths imports scipy.optimize)

        return pd.DataFrame({c: pd.Series(dtype="float64") for c in SUMMARY_COLUMNS}).rename_axis("customer_id")
    frame = frame.assign(customer_id=frame["customer_id"].astype("str")).sort_values("customer_id", kind="stable")
    first = frame["first_day"].to_numpy(dtype=np.int64)
    last = frame["last_day"].to_numpy(dtype=np.int64)
    frequency = frame["n_days"].to_numpy(dtype=np.int64) - 1
    repeat = frame["repeat_units"].to_numpy(dtype=np.int64) / MONEY_SCALE
    last_observed = int((np.datetime64(as_of, "D") - _EPOCH).astype(np.int64)) - 1
    out = pd.DataFrame({
        "frequency": frequency,
        "recency": (last - first) / unit_days,
        "T": (last_observed - first) / unit_days,
        "monetary_value": np.where(frequency > 0, repeat / np.maximum(frequency, 1), 0.0),
        "first_purchase": (_EPOCH + first).astype("datetime64[D]").astype(object),
    }, index=pd.Index(frame["customer_id"].to_numpy(dtype=object)))
    out.index = out.index.astype(str)
    out.index.name = "customer_id"
    return out


def baskets(lines: ibis.Table, options: BasketOptions = BasketOptions(), *, as_of: date, start: date | None = None,
            min_support: float | None = None) -> Baskets:
    """Baskets as :func:`crm_core.basket.baskets.build_baskets` builds them from the same lines (``since`` = ``start``).

    Purchase lines in ``[start, as_of)`` with a non-blank item label (not in ``options.exclude``, compared trimmed
    and lower-cased) give distinct (basket, item) pairs, basket = order id or customer id; baskets outside
    ``options.min_size``..``options.max_size`` distinct items are dropped.  A basket's customer is its (smallest)
    customer id.  Baskets and items are numbered in the engine (sorted by id / label), and the pairs come back as
    two integer columns that become the sparse matrix directly.

    ``min_support``: only items in at least :func:`crm_core.basket.mining.min_count` baskets become columns (no
    other item can be in a frequent itemset); every basket stays a row, so supports are the same as without it
    (a basket may then hold no column).

    Raises DataError ``basket_no_category`` (category level, no category) and ``basket_none`` (no basket left).
    """
    column = options.level
    if column == "category" and int(lines.category.count().execute()) == 0:
        raise DataError("basket_no_category")
    bought = window_lines(lines.filter(~lines.is_return), as_of, start)
    label = bought[column]
    # (a clean line's label is trimmed, blank -> null: the trim is tested only where a cell may be padded)
    present = label.notnull() & (~padded(label) | (strip(label) != ""))
    if options.exclude:
        dropped = sorted({str(x).strip().casefold() for x in options.exclude})
        present &= ~strip(label).lower().isin(dropped)
    key = "order_id" if options.by == "order" else "customer_id"
    kept_lines = bought.filter(present)
    # Items numbered in label order before the pairs are grouped: a long label (a product name) as a grouping key
    # of every (basket, item) pair takes memory DuckDB does not spill (100M lines: out of memory even at 1GB).
    labels = kept_lines.select(label=kept_lines[column]).distinct()
    labels = labels.mutate(code=ibis.row_number().over(order_by=labels.label)).cache()
    coded_lines = kept_lines.join(labels, kept_lines[column] == labels.label)
    pairs = coded_lines.group_by(basket=coded_lines[key], item=coded_lines.code).aggregate(
        customer=coded_lines.customer_id.min()).cache()
    sizes = pairs.group_by("basket").aggregate(size=lambda t: t.count(), customer=pairs.customer.min())
    fits = sizes["size"] >= options.min_size
    if options.max_size is not None:
        fits &= sizes["size"] <= options.max_size
    kept = sizes.filter(fits)
    kept = kept.mutate(row=ibis.row_number().over(order_by=kept.basket)).select("basket", "customer", "row").cache()
    ids = kept.order_by("row").select("basket", "customer").to_pyarrow()
    if ids.num_rows == 0:
        raise DataError("basket_none", lines=int(bought.count().execute()))
    n = ids.num_rows
    inside = pairs.join(kept.select("basket", "row"), "basket")
    counts = inside.group_by("item").aggregate(baskets=lambda t: t.count())
    if min_support is not None:
        counts = counts.filter(counts.baskets >= min_count(n, min_support))
    coded = counts.mutate(col=ibis.row_number().over(order_by=counts.item)).select("item", "col").cache()
    items = coded.join(labels, coded.item == labels.code).order_by("col").label.to_pyarrow().to_pylist()
    codes = inside.join(coded, "item").select(row=inside.row.cast("int64"), col=coded.col.cast("int64")).to_pyarrow()
    rows = codes.column("row").to_numpy()
    cols = codes.column("col").to_numpy()
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n, len(items)), dtype=bool)
    matrix.sort_indices()
    return Baskets(items=tuple(str(i) for i in items), basket_ids=tuple(ids.column("basket").to_pylist()),
                   customers=tuple(ids.column("customer").to_pylist()), matrix=matrix, options=options)
