"""Value tests behind :mod:`crm_core.ingest.mapping`: does a column's content fit the field its header suggests?

Each test looks at a sample of the column's non-empty cells (up to :data:`SAMPLE` cells spread over
the file) and answers with shares, so a few odd cells (a totals row, a typo) never decide alone.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

from crm_core.ingest import values

SAMPLE = 2000
# Share of sampled cells that must read as the field's kind when the header already names the field:
# clearly more than half, not all (a totals row, a typo, a note typed into a cell).
MOSTLY = 0.6
# Share of multi-line orders that must show an order-level figure before a column is called one.
ORDER_LEVEL = 0.8

# 138****5678, 1******6198, 138xxxx5678
_MASKED_PHONE = re.compile(r"^\+?[0-9 ()-]{1,8}(?:[*＊]{2,}|[xX]{3,})[0-9 -]{2,6}$")
ORDER_NUMBER = r"#[A-Za-z]{0,4}-?[0-9]+"  # Shopify's "#1001"
TIME_OF_DAY = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?[AaPp]\.?[Mm]\.?)?"
ID_LIKE = r"[A-Za-z0-9][A-Za-z0-9_\-./#:]{0,39}"
_MONEY_MARK = r"[¥$€£元]|RMB|CNY|USD|EUR|GBP|[0-9][.,][0-9]{2}$"


def present(column: pd.Series) -> pd.Series:
    """Non-empty cells, stripped (a str Series, same index)."""
    text = column.dropna().astype("str").str.strip()
    return text[text != ""]


def sample(column: pd.Series) -> pd.Series:
    """Up to :data:`SAMPLE` non-empty cells, spread evenly over the file (not just its top).

    Only the sampled cells are stripped, so a 500,000-row column costs one missing-value scan.
    """
    if column.hasnans:
        positions = np.flatnonzero(column.notna().to_numpy())
    else:  # every row is a candidate: the positions are the row numbers themselves
        positions = np.arange(len(column))
    if len(positions) > 2 * SAMPLE:
        positions = positions[np.linspace(0, len(positions) - 1, 2 * SAMPLE).astype(int)]
    cells = present(_rows_at(column, positions))
    if len(cells) <= SAMPLE:
        return cells
    return cells.iloc[np.linspace(0, len(cells) - 1, SAMPLE).astype(int)]


def _rows_at(column: pd.Series, positions: np.ndarray) -> pd.Series:
    """``column.iloc[positions]`` for sorted positions.

    An Arrow column read by the multi-threaded parser comes in chunks (one per MiB of file), and a
    take across chunks first joins them all; taking from each chunk alone and chaining the pieces
    gives the same cells for a fraction of the cost.
    """
    chunks = column.array.__arrow_array__() if isinstance(column.array, ArrowStringArray) else None
    if chunks is None or not isinstance(chunks, pa.ChunkedArray) or chunks.num_chunks < 2 or not len(positions):
        return column.iloc[positions]
    lengths = np.fromiter((len(chunk) for chunk in chunks.iterchunks()), dtype=np.int64, count=chunks.num_chunks)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    # positions[bounds[k]:bounds[k + 1]] fall in chunk k.
    bounds = np.searchsorted(positions, offsets)
    pieces = [chunks.chunk(k).take(pa.array(positions[bounds[k]:bounds[k + 1]] - offsets[k]))
              for k in range(chunks.num_chunks) if bounds[k + 1] > bounds[k]]
    taken = pd.array(pa.chunked_array(pieces, type=chunks.type), dtype=column.dtype)
    return pd.Series(taken, index=column.index[positions], name=column.name)


def share(cells: pd.Series, pattern: str) -> float:
    """Share of ``cells`` that match ``pattern`` in full (0 for no cells)."""
    return float(cells.str.fullmatch(pattern).mean()) if len(cells) else 0.0


def date_share(cells: pd.Series) -> float:
    """Share of cells read as dates by :func:`crm_core.ingest.values.parse_dates` (times of day alone are not dates)."""
    if not len(cells):
        return 0.0
    parsed = values.parse_dates(cells)
    return float(parsed.values.notna().mean())


def number_share(cells: pd.Series) -> float:
    """Share of cells read as numbers or money by :func:`crm_core.ingest.values.parse_amounts`."""
    if not len(cells):
        return 0.0
    return float(values.parse_amounts(cells).values.notna().mean())


def money_like(cells: pd.Series) -> bool:
    """Mostly numbers, and mostly written as money: a currency mark or two decimals (``12.50``, ``¥88``)."""
    return number_share(cells) >= 0.9 and float(cells.str.contains(_MONEY_MARK, regex=True).mean()) >= 0.5


def masked_share(cells: pd.Series) -> float:
    """Share of cells that are masked phone numbers (``138****5678``, ``1******6198``)."""
    if not len(cells):
        return 0.0
    return float(cells.map(lambda text: bool(_MASKED_PHONE.match(text))).mean())


def id_like(cells: pd.Series) -> bool:
    """Short tokens without blanks that are not dates or plain amounts: ``KD-001``, ``C10001``, ``17850``.

    Pure digits count only when most have one length of 4+ (member numbers), because plain numbers
    of varying length are more likely quantities or prices.
    """
    if len(cells) < 2 or share(cells, ID_LIKE) < 0.9 or date_share(cells) > 0.5:
        return False
    letters = float(cells.str.contains(r"[A-Za-z]", regex=True).mean())
    if letters >= 0.5:
        return not money_like(cells)
    lengths = cells.str.len()
    return share(cells, r"[0-9]+") >= 0.9 and float((lengths == lengths.mode().iloc[0]).mean()) >= 0.9 \
        and int(lengths.mode().iloc[0]) >= 4


def order_level(amounts: pd.Series, orders: pd.Series, line_key: pd.Series | None) -> str | None:
    """How an order's figure is written on its lines: ``"repeated"``, ``"first_line"`` or None (per line).

    Looks only at orders with two or more lines (and, when ``line_key`` is given, different
    products or skus on them, so equal figures are not a coincidence of equal lines).  A column is
    order-level when in most (:data:`ORDER_LEVEL`) of them it holds one value on every line (JD 订单金额,
    Youzan 订单实付金额, WooCommerce Order Total Amount) or a value on the first line only (Shopify Total).
    None when the file has no such orders: nothing shows the convention.
    """
    frame = pd.DataFrame({
        "order": orders.astype("str").str.strip(),
        "amount": amounts.astype("str").str.strip(),
        "key": line_key.astype("str") if line_key is not None else pd.Series(range(len(orders)), index=orders.index),
    }).replace("", np.nan)
    frame = frame[frame["order"].notna()]
    groups = frame.groupby("order", sort=False)
    lines = groups.size()
    distinct_keys = groups["key"].nunique()
    multi = lines[(lines >= 2) & (distinct_keys >= 2)].index
    if not len(multi):
        return None
    sub = frame[frame["order"].isin(multi)]
    grouped = sub.groupby("order", sort=False)["amount"]
    filled = grouped.count()
    size = grouped.size()
    repeated = (filled == size) & (grouped.nunique() == 1)
    first_only = filled == 1  # on one line only (the first, as exported; any one, so row order does not matter)
    if float(repeated.mean()) >= ORDER_LEVEL:
        return "repeated"
    if float(first_only.mean()) >= ORDER_LEVEL:
        return "first_line"
    return None


def one_per_key(keys: pd.Series, other: pd.Series) -> float:
    """Share of ``keys`` values whose rows all hold one value of ``other`` (an order has one customer)."""
    frame = pd.DataFrame({"k": keys, "o": other}).dropna()
    if frame.empty:
        return 0.0
    return float((frame.groupby("k")["o"].nunique() <= 1).mean())
