"""Seeded generator of N order lines in Online Retail's layout, for the engine benches and tests (issue 16).

One row per order line, columns :data:`BIG_COLUMNS`:

- ``InvoiceNo`` (text): digits; a return is a later invoice ``"C"`` + digits (Online Retail's convention), numbers
  unique across the whole file and ascending with time inside a chunk;
- ``StockCode``, ``Description``, ``Category`` (text): ~5,000 products drawn Zipf-like (a few best sellers, a long
  tail), plus a few non-product lines: ``"POST"`` (postage) and ``"M"`` (manual);
- ``Quantity`` (int64, negative on returns), ``UnitPrice`` (float64, 2 decimals), ``Amount`` (float64 = Quantity x
  UnitPrice, computed in integer cents, so exactly the cents);
- ``InvoiceDate`` (timestamp[us], naive), 2023-01-01 .. 2025-12-31, shop hours 08:00-21:00, whole seconds;
- ``CustomerID`` (nullable Int64, ~1% of invoices without a customer);
- ``Channel`` (Online / Store / App / WeChat), ``Status`` (``"Completed"``; ~1% ``"Cancelled"``; ~0.05% ``"已取消"``).

Several lines per invoice (1 + Poisson(3)) with one customer, one timestamp, one channel and one status per invoice.
Customers' activity is skewed (lognormal weights) and each customer buys only inside an active window (start day,
span), so recency varies like a real base.  About 2% of the lines are returns: a later ``"C"`` invoice (1 hour to
30 days after) of some lines of a completed purchase by a known customer, negative quantity of at most the quantity
bought.  Every return therefore has an earlier purchase of the same product by the same customer in the same chunk.

Chunks: :func:`write_big_orders` writes ``chunk_lines`` lines at a time (constant memory, one Parquet row group per
chunk); chunk ``k`` draws from its own stream ``default_rng([seed, k])``, so the same ``(n_lines, seed,
chunk_lines)`` gives the same bytes.  :func:`big_orders_frame` is chunk 0 of the same stream: the first
``chunk_lines`` lines of a written file equal ``big_orders_frame(chunk_lines, seed=seed, customers=c)`` for the
same customer base ``c`` (a file written with a different ``chunk_lines`` holds different rows).
Speed: vectorised numpy and pyarrow, no Python loop per line (about a million lines per second, Parquet included).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

BIG_COLUMNS = ("InvoiceNo", "StockCode", "Description", "Category", "Quantity", "UnitPrice", "Amount",
               "InvoiceDate", "CustomerID", "Channel", "Status")

SCHEMA = pa.schema([
    ("InvoiceNo", pa.string()), ("StockCode", pa.string()), ("Description", pa.string()),
    ("Category", pa.string()), ("Quantity", pa.int64()), ("UnitPrice", pa.float64()), ("Amount", pa.float64()),
    ("InvoiceDate", pa.timestamp("us")), ("CustomerID", pa.int64()), ("Channel", pa.string()),
    ("Status", pa.string()),
])

N_PRODUCTS = 5_000
FIRST_INVOICE = 536_365            # Online Retail's first invoice number
FIRST_CUSTOMER = 12_346            # Online Retail's first customer id
DAYS = 1_096                       # 2023-01-01 .. 2025-12-31
_EPOCH_DAY = np.datetime64("2023-01-01T00:00:00", "s").astype(np.int64)
_RETURN_SHARE = 0.02               # of all lines
_NULL_CUSTOMER = 0.01              # of invoices
_CANCELLED, _CANCELLED_ZH = 0.01, 0.0005   # of invoices
_POST, _MANUAL = 0.003, 0.0003     # of purchase lines
_MAX_RETURN_DELAY = 30 * 86_400    # seconds
CHANNELS = ("Online", "Store", "App", "WeChat")
_CHANNEL_P = (0.5, 0.3, 0.15, 0.05)
STATUSES = ("Completed", "Cancelled", "已取消")
_QUANTITIES = np.array([1, 2, 3, 4, 5, 6, 8, 10, 12, 24])
_QUANTITY_P = np.array([40, 18, 10, 8, 5, 7, 3, 3, 4, 2]) / 100

_ADJECTIVES = ("VINTAGE", "RETRO", "CLASSIC", "SMALL", "LARGE", "MINI", "JUMBO", "HANGING", "PAINTED", "GLASS",
               "WOODEN", "METAL", "PAPER", "CERAMIC", "FELT", "LACE", "SPOTTY", "STRIPED", "FLORAL", "PARTY")
_COLOURS = ("RED", "BLUE", "PINK", "GREEN", "WHITE", "BLACK", "IVORY", "GOLD", "SILVER", "ORANGE", "PURPLE",
            "YELLOW", "CREAM", "TEAL", "LILAC", "BROWN")
# noun -> category: 25 nouns in 10 categories
_NOUNS = (("HEART", "Decorations"), ("STAR", "Decorations"), ("BUNTING", "Decorations"),
          ("LANTERN", "Lighting"), ("CANDLE HOLDER", "Lighting"), ("T-LIGHT", "Lighting"),
          ("MUG", "Kitchen"), ("TEA SET", "Kitchen"), ("CAKE STAND", "Kitchen"), ("LUNCH BOX", "Kitchen"),
          ("SHOPPER BAG", "Bags"), ("JUMBO BAG", "Bags"), ("PURSE", "Bags"),
          ("NOTEBOOK", "Stationery"), ("WRAP", "Stationery"), ("GIFT TAGS", "Stationery"),
          ("DOORSTOP", "Home"), ("CUSHION COVER", "Home"), ("PHOTO FRAME", "Home"),
          ("ALARM CLOCK", "Clocks"), ("WALL CLOCK", "Clocks"),
          ("TOY SET", "Toys"), ("PLAYHOUSE", "Toys"),
          ("HAND WARMER", "Seasonal"), ("CHRISTMAS BAUBLE", "Garden"))


@dataclass(frozen=True)
class _World:
    """What every chunk shares: the catalogue and the customers (drawn from ``default_rng([seed])``)."""

    stock_codes: pa.Array       # N_PRODUCTS products, then "POST", "M"
    descriptions: pa.Array
    categories: pa.Array
    price_cents: np.ndarray     # int64 per product
    product_cdf: np.ndarray     # Zipf-like popularity, cumulative, over the N_PRODUCTS products
    customer_cdf: np.ndarray    # lognormal activity x active days, cumulative
    window_start: np.ndarray    # first active day per customer (0 = 2023-01-01)
    window_span: np.ndarray     # active days per customer (>= 1)


def _world(seed: int, customers: int) -> _World:
    rng = np.random.default_rng([seed])
    combos = rng.permutation(len(_ADJECTIVES) * len(_COLOURS) * len(_NOUNS))[:N_PRODUCTS]
    adj, rest = np.divmod(combos, len(_COLOURS) * len(_NOUNS))
    colour, noun = np.divmod(rest, len(_NOUNS))
    descriptions = [f"{_ADJECTIVES[a]} {_COLOURS[c]} {_NOUNS[n][0]}" for a, c, n in zip(adj, colour, noun, strict=True)]
    categories = [_NOUNS[n][1] for n in noun]
    codes = [f"{10_000 + 13 * i}{'ABCDE'[i % 5] if i % 7 == 3 else ''}" for i in range(N_PRODUCTS)]
    price = np.maximum(10, np.round(np.exp(rng.normal(np.log(350), 0.8, N_PRODUCTS)))).astype(np.int64)
    price = np.append(price, [1_800, 0])   # POST 18.00; M priced per line
    popularity = 1.0 / np.arange(1, N_PRODUCTS + 1) ** 1.1
    popularity = popularity[rng.permutation(N_PRODUCTS)]
    start = rng.integers(-365, DAYS, customers)   # a quarter of the base already buying on 2023-01-01
    end = np.minimum(DAYS, start + 30 + rng.exponential(400, customers).astype(np.int64))
    start = np.maximum(start, 0)
    span = np.maximum(1, end - start)
    activity = rng.lognormal(0.0, 1.2, customers)
    return _World(
        stock_codes=pa.array(codes + ["POST", "M"]),
        descriptions=pa.array(descriptions + ["POSTAGE", "Manual"]),
        categories=pa.array(categories + ["Postage", "Manual"]),
        price_cents=price,
        product_cdf=np.cumsum(popularity) / popularity.sum(),
        customer_cdf=np.cumsum(activity * span) / (activity * span).sum(),   # invoices per active day ~ activity
        window_start=start,
        window_span=span,
    )


def _draw(cdf: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


@dataclass
class _Purchases:
    invoice: np.ndarray         # per line: invoice index (0..n_inv-1), ascending
    product: np.ndarray
    quantity: np.ndarray
    cents: np.ndarray           # unit price in cents
    ts: np.ndarray              # per invoice: seconds since 1970 (int64)
    customer: np.ndarray        # per invoice: customer index, -1 = none
    channel: np.ndarray         # per invoice
    status: np.ndarray          # per invoice


def _purchases(world: _World, rng: np.random.Generator, n: int) -> _Purchases:
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < n:
        sizes = np.append(sizes, 1 + rng.poisson(3.0, n // 4 + 16))
    ends = np.cumsum(sizes)
    n_inv = int(np.searchsorted(ends, n)) + 1
    sizes = sizes[:n_inv].copy()
    sizes[-1] -= ends[n_inv - 1] - n
    customer = _draw(world.customer_cdf, rng, n_inv)
    day = world.window_start[customer] + (rng.random(n_inv) * world.window_span[customer]).astype(np.int64)
    ts = _EPOCH_DAY + day * 86_400 + rng.integers(8 * 3600, 21 * 3600, n_inv)
    order = np.argsort(ts, kind="stable")
    ts, customer = ts[order], customer[order]
    customer = np.where(rng.random(n_inv) < _NULL_CUSTOMER, -1, customer)
    channel = _draw(np.cumsum(_CHANNEL_P), rng, n_inv)
    u = rng.random(n_inv)
    status = np.where(u < _CANCELLED, 1, np.where(u < _CANCELLED + _CANCELLED_ZH, 2, 0))
    invoice = np.repeat(np.arange(n_inv), sizes)
    product = _draw(world.product_cdf, rng, n)
    quantity = _QUANTITIES[_draw(np.cumsum(_QUANTITY_P), rng, n)]
    u = rng.random(n)
    product = np.where(u < _POST, N_PRODUCTS, np.where(u < _POST + _MANUAL, N_PRODUCTS + 1, product))
    special = product >= N_PRODUCTS
    quantity = np.where(special, 1, quantity)
    cents = world.price_cents[product]
    cents = np.where(product == N_PRODUCTS + 1, rng.integers(100, 5_000, n), cents)
    return _Purchases(invoice, product, quantity, cents, ts, customer, channel, status)


def _chunk(world: _World, seed: int, index: int, n: int, first_invoice: int) -> tuple[pa.Table, int]:
    """Chunk ``index`` of ``n`` lines, invoices numbered from ``first_invoice``; returns (table, next number)."""
    rng = np.random.default_rng([seed, index])
    n_returns = int(round(n * _RETURN_SHARE))
    while True:
        buy = _purchases(world, rng, n - n_returns)
        line_ts = buy.ts[buy.invoice]
        eligible = np.flatnonzero(
            (buy.product < N_PRODUCTS) & (buy.status[buy.invoice] == 0) & (buy.customer[buy.invoice] >= 0)
            & (line_ts < _EPOCH_DAY + DAYS * 86_400 - _MAX_RETURN_DELAY))
        if len(eligible) >= n_returns:
            break
        n_returns = len(eligible)
    picked = np.sort(rng.choice(eligible, n_returns, replace=False)) if n_returns else eligible[:0]
    origin, ret_invoice = np.unique(buy.invoice[picked], return_inverse=True)
    n_inv, n_ret_inv = len(buy.ts), len(origin)
    ret_ts = buy.ts[origin] + rng.integers(3_600, _MAX_RETURN_DELAY, n_ret_inv)
    ret_qty = -(1 + (rng.random(n_returns) * buy.quantity[picked]).astype(np.int64))

    number = np.concatenate([first_invoice + buy.invoice, first_invoice + n_inv + ret_invoice])
    is_return = np.concatenate([np.zeros(n - n_returns, bool), np.ones(n_returns, bool)])
    product = np.concatenate([buy.product, buy.product[picked]])
    quantity = np.concatenate([buy.quantity, ret_qty])
    cents = np.concatenate([buy.cents, buy.cents[picked]])
    ts = np.concatenate([line_ts, ret_ts[ret_invoice]])
    customer = np.concatenate([buy.customer[buy.invoice], buy.customer[buy.invoice[picked]]])
    channel = np.concatenate([buy.channel[buy.invoice], buy.channel[buy.invoice[picked]]])
    status = np.concatenate([buy.status[buy.invoice], np.zeros(n_returns, np.int64)])

    digits = pc.cast(pa.array(number), pa.string())
    invoice_no = pc.if_else(pa.array(is_return), pc.binary_join_element_wise("C", digits, ""), digits)
    product_idx = pa.array(product.astype(np.int32))
    table = pa.Table.from_arrays([
        invoice_no,
        world.stock_codes.take(product_idx),
        world.descriptions.take(product_idx),
        world.categories.take(product_idx),
        pa.array(quantity.astype(np.int64)),
        pa.array(cents / 100.0),
        pa.array((quantity * cents) / 100.0),
        pa.array((ts * 1_000_000).astype("datetime64[us]")),
        pa.array(FIRST_CUSTOMER + customer, mask=customer < 0, type=pa.int64()),
        pa.array(CHANNELS).take(pa.array(channel.astype(np.int32))),
        pa.array(STATUSES).take(pa.array(status.astype(np.int32))),
    ], schema=SCHEMA)
    return table, first_invoice + n_inv + n_ret_inv


def _default_customers(n_lines: int, customers: int | None) -> int:
    return max(100, n_lines // 100) if customers is None else int(customers)


def big_order_chunks(n_lines: int, *, seed: int = 16, customers: int | None = None,
                     chunk_lines: int = 2_000_000) -> Iterator[pa.Table]:
    """The file's lines as Arrow tables of ``chunk_lines`` lines (the last one shorter), schema :data:`SCHEMA`."""
    if n_lines < 0 or chunk_lines < 1:
        raise ValueError("n_lines must be >= 0 and chunk_lines >= 1")
    world = _world(seed, _default_customers(n_lines, customers))
    next_invoice = FIRST_INVOICE
    for index, start in enumerate(range(0, n_lines, chunk_lines)):
        table, next_invoice = _chunk(world, seed, index, min(chunk_lines, n_lines - start), next_invoice)
        yield table


def big_orders_frame(n_lines: int, *, seed: int = 16, customers: int | None = None) -> pd.DataFrame:
    """``n_lines`` order lines as one DataFrame (columns :data:`BIG_COLUMNS`; see the module docstring).

    Parameters
    ----------
    n_lines : int
        Number of rows (exactly).
    seed : int
        Seed of every draw; the same arguments give the same frame.
    customers : int, optional
        Size of the customer base (default ``max(100, n_lines // 100)``); the frame holds the active ones.

    Returns
    -------
    pandas.DataFrame
        Text columns as ``str``, ``Quantity`` int64, ``UnitPrice``/``Amount`` float64, ``InvoiceDate``
        datetime64[us] (naive), ``CustomerID`` nullable ``Int64``.  Equals the first ``n_lines`` lines written by
        :func:`write_big_orders` with ``chunk_lines == n_lines`` and the same ``customers``.
    """
    tables = list(big_order_chunks(n_lines, seed=seed, customers=customers, chunk_lines=max(1, n_lines)))
    table = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return frame.astype({"Quantity": "int64"})


def _csv_table(table: pa.Table) -> pa.Table:
    """ISO dates without fractions (``2024-05-01 13:45:10``) for the CSV file."""
    as_text = pc.cast(table["InvoiceDate"].cast(pa.timestamp("s")), pa.string())
    return table.set_column(table.schema.get_field_index("InvoiceDate"), "InvoiceDate", as_text)


def write_big_orders(path: str | os.PathLike, n_lines: int, *, seed: int = 16, customers: int | None = None,
                     kind: str = "parquet", chunk_lines: int = 2_000_000) -> Path:
    """Write ``n_lines`` order lines to ``path`` chunk by chunk (constant memory).

    Parameters
    ----------
    path : str or PathLike
        Output file; written to ``path + ".part"`` and renamed when complete (a reader never sees half a file).
    n_lines : int
        Number of lines.
    seed, customers
        As :func:`big_orders_frame`.
    kind : {"parquet", "csv"}
        Parquet: one row group per chunk (zstd); CSV: English headers, ISO dates, empty cells for nulls.
    chunk_lines : int
        Lines generated and written at a time (memory ~ 150 bytes x chunk_lines).

    Returns
    -------
    pathlib.Path
        ``path``.  The same ``(n_lines, seed, customers, chunk_lines)`` gives the same bytes.
    """
    if kind not in ("parquet", "csv"):
        raise ValueError(f"kind must be 'parquet' or 'csv', not {kind!r}")
    out = Path(path)
    part = out.with_name(out.name + ".part")
    chunks = big_order_chunks(n_lines, seed=seed, customers=customers, chunk_lines=chunk_lines)
    if kind == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetWriter(part, SCHEMA, compression="zstd") as writer:
            for table in chunks:
                writer.write_table(table, row_group_size=len(table))
    else:
        import pyarrow.csv as pcsv

        schema = SCHEMA.set(SCHEMA.get_field_index("InvoiceDate"), pa.field("InvoiceDate", pa.string()))
        options = pcsv.WriteOptions(quoting_style="needed")
        with pcsv.CSVWriter(part, schema, write_options=options) as writer:
            for table in chunks:
                writer.write_table(_csv_table(table))
    os.replace(part, out)
    return out
