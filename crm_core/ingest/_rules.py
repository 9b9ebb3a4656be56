"""Row rules of shop exports, each applied only where the file itself shows the convention.

* Carry-down (Shopify): order-level cells written only on an order's first line are copied to its
  other lines.
* Order totals repeated on every line (JD 订单金额, Youzan 订单实付金额, WooCommerce Order Total Amount):
  each total is counted once and shared among the order's lines, only with evidence beyond equal
  amounts (an order word in the header, or quantity x unit price that does not explain them).
* Refund columns (Taobao 退款金额, Shopify Refunded Amount, WooCommerce Order Refund Amount): netted from
  the order's lines once per order.
* Cancellation invoices (Online Retail ``C536379``): a ``C`` id means a cancellation only in a file whose
  C-ids sit beside plain ids and carry negative quantities or amounts.
* Separate date and time columns (Square Date + Time): read together.

Every rule works on one int per row naming the order (-1 where the row has none) and numpy arrays, so
it costs a few passes over the rows however large the file.  Money is in the file's currency units.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd

from crm_core.ingest import values
from crm_core.ingest._columns import Distinct

CANCELLATION = r"[Cc][0-9]+"
# Headers that name an order figure (the column is an order total when its values say so too) ...
_ORDER_WORDS = re.compile(r"(?i)订单|整单|实付|应付|支付|order|total|payable|paid")
# ... unless they name a line or item figure: 商品实付金额, Lineitem total, Line Total, Item Cost.
_LINE_WORDS = re.compile(r"(?i)商品|单品|明细|子订单|单价|line|item|sku|price")
# A line amount equals quantity x unit price up to rounding to the cent.
_CENT = 0.005


def _first_rows(order: np.ndarray, n_orders: int) -> np.ndarray:
    """Position of each order's first line in the file."""
    has = order >= 0
    first = np.full(n_orders, len(order), dtype=np.int64)
    np.minimum.at(first, order[has], np.flatnonzero(has))
    return first


def carry_down(order: np.ndarray, n_orders: int, columns: dict[str, Distinct], names) -> dict[str, int]:
    """Copy order-level cells written only on an order's first line down to its blank other lines.

    A field is carried down when the file shows the pattern: in most multi-line orders that have a
    value in it (and in at least one), only the first line has one.  Then every blank cell of the field
    in an order whose first line has a value gets that value.  Only blanks are filled, only within one
    order id; the caller passes order-level fields only (never product, code, quantity or unit price).
    ``columns[name].codes`` is rewritten in place.

    Returns
    -------
    dict
        Field name -> number of cells filled (fields without the pattern are left out).
    """
    has = order >= 0
    # Only columns with blank cells can need it (most files have none: then this costs one pass each).
    gappy = [n for n in names if n in columns and (columns[n].codes < 0).any()]
    if n_orders == 0 or not gappy or not has.any():
        return {}
    # Counts per order by bincount of order + 1 (0 = no order, dropped): no boolean selection of the rows.
    shifted = order + 1
    lines = np.bincount(shifted, minlength=n_orders + 1)[1:]
    multi = lines >= 2
    if not multi.any():
        return {}
    first: np.ndarray | None = None  # found only for a column that may show the pattern
    filled_cells: dict[str, int] = {}
    for name in gappy:
        column = columns[name]
        filled = column.codes >= 0
        n_filled = np.bincount(np.where(filled, shifted, 0), minlength=n_orders + 1)[1:]
        one_value = multi & (n_filled == 1)
        with_value = multi & (n_filled >= 1)
        # first_only (below) is a subset of one_value: when one_value already fails the test, so does it.
        if not one_value.any() or 2 * one_value.sum() < with_value.sum():
            continue
        if first is None:
            first = _first_rows(order, n_orders)
        first_only = one_value & filled[first]
        if not first_only.any() or 2 * first_only.sum() < with_value.sum():
            continue
        blank = np.flatnonzero(has & ~filled)
        source = column.codes[first[order[blank]]]
        blank, source = blank[source >= 0], source[source >= 0]
        if len(blank):
            codes = column.codes.copy()
            codes[blank] = source
            column.codes = codes
            filled_cells[name] = len(blank)
    return filled_cells


def _per_order_extremes(order: np.ndarray, n_orders: int, x: np.ndarray, rows: np.ndarray):
    lo = np.full(n_orders, np.inf)
    hi = np.full(n_orders, -np.inf)
    np.minimum.at(lo, order[rows], x[rows])
    np.maximum.at(hi, order[rows], x[rows])
    return lo, hi


def names_order_figure(header) -> bool:
    """Whether a column header says it holds an order-level figure (订单金额, 应付金额, Order Total, Total)."""
    text = str(header)
    return bool(_ORDER_WORDS.search(text)) and not _LINE_WORDS.search(text)


def spread_repeated_totals(order, n_orders, amount, *, line_codes, weights, header, carried=False):
    """Count an order total repeated on every line once, shared among the order's lines.

    Equal amounts on an order's different lines are not evidence by themselves: a shop where every
    item costs the same writes them too, and sharing them would lose revenue.  An order shows the
    convention when its lines differ (another product, code, quantity or price), all carry one
    identical amount, and there is real evidence that the amount is the order's:

    * the header names an order figure (订单, 整单, 实付, 应付, order, total, payable; not a line or item
      word such as 商品, line, item, price), or the file wrote the amount on the first line only
      (``carried``: it was carried down, Shopify's Total); or
    * quantity x unit price is known and non-zero on every line, does not explain the amounts, and the
      amount is more than any one of the order's lines costs (a line amount after a line discount is
      less than its own quantity x price, an order total is more).

    An order whose every line amount equals its own quantity x unit price (to the cent) holds line
    amounts whatever the header says.  The file follows the convention when more than half of its
    multi-line orders with differing lines show it.  Each multi-line order whose lines carry one value
    then gets it once: shared in proportion to quantity x unit price when both are known and positive
    on all of its lines, else equally, so its lines sum to the total.

    Parameters
    ----------
    order : int array, one per row (-1: no order id); n_orders : number of orders.
    amount : float array, the mapped amount per row (NaN where missing), in the file's currency.
    line_codes : int arrays (distinct-value codes of product, code, quantity, price) telling lines apart.
    weights : float array of quantity x unit price per row, or None.
    header : the amount column's header.
    carried : whether the amount column was carried down from orders' first lines.

    Returns
    -------
    (new amount array, orders shared, shared by weights: bool, why) or None when the file shows no
    repeat; ``why`` is "header" (the header or the first-line pattern) or "weights".
    """
    rows = (order >= 0) & np.isfinite(amount)
    if n_orders == 0 or not rows.any() or not line_codes:
        return None
    n = np.bincount(order[rows], minlength=n_orders)
    lo, hi = _per_order_extremes(order, n_orders, amount, rows)
    differ = np.zeros(n_orders, dtype=bool)
    for codes in line_codes:
        c_lo, c_hi = _per_order_extremes(order, n_orders, codes.astype("float64"), rows)
        differ |= c_lo != c_hi
    same = (n >= 2) & (lo == hi)
    usable = np.isfinite(weights) & (np.abs(weights) > 0) if weights is not None else np.zeros(len(amount), bool)
    unusable = np.bincount(order[rows], weights=~usable[rows], minlength=n_orders) > 0
    if weights is not None:
        # Orders where every line's amount equals its own quantity x price hold line amounts.
        line_like = rows & usable & (np.abs(amount - weights) <= _CENT * np.maximum(1.0, np.abs(amount)))
        explained = (np.bincount(order[line_like], minlength=n_orders) == n) & ~unusable
        # More than any one line costs: not a line's own amount after a line discount (12 -> 10 on each line).
        _, w_hi = _per_order_extremes(order, n_orders, np.where(usable, np.abs(weights), 0.0), rows)
        weight_evidence = ~unusable & ~explained & (hi > w_hi + _CENT)
    else:
        explained = weight_evidence = np.zeros(n_orders, dtype=bool)
    by_header = carried or names_order_figure(header)
    evidence = same & differ & ~explained & (by_header | weight_evidence)
    candidates = (n >= 2) & differ
    found = int(evidence.sum())
    if found == 0 or 2 * found <= candidates.sum():
        return None
    spread = same & ~explained  # an order whose lines are each quantity x price holds line amounts
    safe = np.where(order >= 0, order, 0)
    share_rows = rows & spread[safe]
    by_weight = weights is not None and not unusable[spread].all()
    w = np.where(~unusable[safe], np.abs(weights), 1.0) if weights is not None else np.ones(len(amount))
    total_w = np.bincount(order[share_rows], weights=w[share_rows], minlength=n_orders)
    new = amount.copy()
    at = np.flatnonzero(share_rows)
    new[at] = hi[order[at]] * w[at] / total_w[order[at]]
    return new, int(spread.sum()), bool(by_weight), "header" if by_header else "weights"


def net_refunds(order, n_orders, refund, amount, purchase_rows):
    """Net refunds from the order's purchase lines, once per order.

    A refund column is order-level (repeated on, or carried down to, every line of an order) when,
    among multi-line orders with a refund, at least as many carry one value on every line as not;
    then each order's refund counts once.  Otherwise each line's refund is its own and they are summed
    per order.  Rows without an order id are orders of their own.  The refund (sign ignored, at most
    the order's purchase amount) is taken off the order's purchase lines in proportion to their
    amounts, so a customer's spend becomes net and no row is added or removed.  A refund larger than
    its order is capped at the order's gross (a customer's spend on an order never goes below zero);
    those orders are counted so the caller can say so.

    Returns
    -------
    (new amount array, total netted, orders with a refund netted,
     (orders capped, their refunds as given, their refunds as netted))
    """
    key = order.copy()
    missing = key < 0
    key[missing] = n_orders + np.arange(int(missing.sum()))
    n_keys = n_orders + int(missing.sum())
    r = np.abs(refund)
    has_refund = np.isfinite(r) & (r > 0)
    if not has_refund.any():
        return amount, 0.0, 0, (0, 0.0, 0.0)
    filled = np.isfinite(r)
    lines = np.bincount(key, minlength=n_keys)
    lo, hi = _per_order_extremes(key, n_keys, np.where(filled, r, np.nan), filled)
    n_filled = np.bincount(key, weights=filled, minlength=n_keys)
    refunded = np.bincount(key, weights=has_refund, minlength=n_keys) > 0
    multi = (lines >= 2) & refunded
    repeated = multi & (n_filled == lines) & (lo == hi)
    if 2 * repeated.sum() >= multi.sum():
        per_order = np.where(np.isfinite(hi), hi, 0.0)
    else:
        on_lines = has_refund & purchase_rows
        per_order = np.bincount(key[on_lines], weights=r[on_lines], minlength=n_keys)
    gross = np.bincount(key[purchase_rows], weights=amount[purchase_rows], minlength=n_keys)
    netted = np.where(gross > 0, np.minimum(per_order, gross), 0.0)
    factor = np.where(gross > 0, 1.0 - netted / np.where(gross > 0, gross, 1.0), 1.0)
    new = amount.copy()
    new[purchase_rows] = amount[purchase_rows] * factor[key[purchase_rows]]
    capped = (gross > 0) & (per_order > gross + _CENT)
    capped_info = (int(capped.sum()), float(per_order[capped].sum()), float(netted[capped].sum()))
    return new, float(netted.sum()), int((netted > 0).sum()), capped_info


def cancellation_rows(order: Distinct, cleaned: pd.Series, quantity: np.ndarray, amount: np.ndarray):
    """Rows of Online-Retail-style cancellation invoices (``C536379``), when this file uses that convention.

    The convention holds when C-ids (C and digits) sit beside other ids and more than half of the C
    lines whose sign is known carry a negative quantity or amount.  A shop whose ids all start with C,
    or whose C lines are ordinary sales, has no cancellation prefix: None.  ``cleaned`` holds the
    cleaned id of each of ``order``'s distinct values; the result is a bool per row.
    """
    c_rows = order.mask(lambda _: cleaned.str.fullmatch(CANCELLATION))
    if not c_rows.any():
        return None
    if not ((order.codes >= 0) & ~c_rows).any():
        return None
    known = c_rows & (np.isfinite(quantity) | np.isfinite(amount))
    negative = c_rows & ((quantity < 0) | (amount < 0))
    if 2 * negative.sum() <= known.sum():
        return None
    return c_rows


_TIME_IN_DATE = r"[ T][0-9]{1,2}:[0-9]{2}.*$"


def combine_date_time(day: Distinct, time: Distinct, *, day_first):
    """Read a date column and a separate time-of-day column together (Square: Date + Time).

    A time already written in the date cell (``2024-01-05 00:00:00`` from a spreadsheet) is replaced by
    the time column's.  Where the pair cannot be read but the date alone can, the date alone is used
    (the calendar day is what the analysis needs) and the row is counted in ``time_failed``.

    Returns
    -------
    (DateParse with one value per row, time_failed bool array)
    """
    day_text = day.spread(day.values)
    time_text = time.spread(time.values)
    joined = day_text.str.replace(_TIME_IN_DATE, "", regex=True).str.cat(time_text, sep=" ")
    combined = Distinct(joined.fillna(day_text).rename(day.raw.name))
    parsed = combined.apply_parse(lambda u: values.parse_dates(u, day_first=day_first))
    time_failed = np.zeros(len(day_text), dtype=bool)
    if parsed.failed.any():
        order = parsed.day_first_used if parsed.day_first_used is not None else day_first
        alone = day.apply_parse(lambda u: values.parse_dates(u, day_first=order))
        time_failed = (parsed.failed & ~alone.failed & alone.values.notna()).to_numpy(dtype=bool)
        parsed = dataclasses.replace(
            parsed,
            values=parsed.values.where(~time_failed, alone.values),
            failed=parsed.failed & ~pd.Series(time_failed, index=parsed.failed.index),
        )
    return parsed, time_failed
