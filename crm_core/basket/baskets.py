"""Baskets: the set of items (products or categories) bought together, per order or per customer.

A basket is built from the clean order lines (:attr:`crm_core.schema.CleanResult.orders`): return lines are left
out, and so are lines on or after ``as_of`` (and before ``since``, for a customer's basket over a window).  The
baskets are kept as a boolean sparse matrix (baskets x items, :attr:`Baskets.matrix`), from which the miner takes
vertical bitsets (:meth:`Baskets.bitsets`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from crm_core.schema import DataError

LEVELS = ("product", "category")
BY = ("order", "customer")


@dataclass(frozen=True)
class BasketOptions:
    """How baskets are built.

    ``level``: items are products or their categories; ``by``: one basket per order, or per customer (everything
    the customer bought in the period); ``min_size``/``max_size``: baskets with fewer/more distinct items are left
    out (``min_size=2`` drops single-item baskets, which can support no rule); ``exclude``: item labels left out
    (carrier bags, postage), compared case-insensitively after trimming blanks.
    """

    level: Literal["product", "category"] = "product"
    by: Literal["order", "customer"] = "order"
    min_size: int = 1
    max_size: int | None = None
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise DataError("basket_bad_option", option="level", value=self.level, choices=", ".join(LEVELS))
        if self.by not in BY:
            raise DataError("basket_bad_option", option="by", value=self.by, choices=", ".join(BY))
        if self.min_size < 1 or (self.max_size is not None and self.max_size < self.min_size):
            raise DataError("basket_bad_option", option="min_size/max_size", value=f"{self.min_size}/{self.max_size}",
                            choices="1 <= min_size <= max_size")


@dataclass(frozen=True)
class Baskets:
    """Baskets as a boolean matrix: row ``b`` is basket ``basket_ids[b]`` (of customer ``customers[b]``), column
    ``i`` is item ``items[i]``.  Items are sorted by label; every basket holds at least one item."""

    items: tuple[str, ...]
    basket_ids: tuple
    customers: tuple
    matrix: sparse.csr_matrix = field(repr=False, compare=False)
    options: BasketOptions = BasketOptions()

    @property
    def n(self) -> int:
        """Number of baskets."""
        return len(self.basket_ids)

    @property
    def item_counts(self) -> np.ndarray:
        """Number of baskets holding each item (in the order of :attr:`items`)."""
        return np.asarray(self.matrix.sum(axis=0)).ravel().astype(np.int64)

    @property
    def sizes(self) -> np.ndarray:
        """Number of distinct items in each basket."""
        return np.diff(self.matrix.indptr)

    def item_sets(self) -> list[frozenset[str]]:
        """Each basket as the set of its item labels."""
        labels = np.asarray(self.items, dtype=object)
        ptr, idx = self.matrix.indptr, self.matrix.indices
        return [frozenset(labels[idx[ptr[b]:ptr[b + 1]]]) for b in range(self.n)]

    def ubiquitous(self, threshold: float = 0.5) -> list[tuple[str, float]]:
        """Items in at least ``threshold`` of the baskets, most common first, with their share.

        Such items (a carrier bag, postage) are in most rules without telling anything: worth excluding.
        """
        if self.n == 0:
            return []
        share = self.item_counts / self.n
        order = np.argsort(-share, kind="stable")
        return [(self.items[i], float(share[i])) for i in order if share[i] >= threshold]

    def bitsets(self, columns: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """Vertical bitsets: row ``k`` is item ``columns[k]``'s baskets as bits (``uint64`` words, basket ``b`` at
        bit ``b % 64`` of word ``b // 64``); all items when ``columns`` is None."""
        sub = self.matrix if columns is None else self.matrix[:, np.asarray(columns, dtype=np.int64)]
        sub = sub.tocsc()
        words = max((self.n + 63) // 64, 1)
        item = np.repeat(np.arange(sub.shape[1], dtype=np.int64), np.diff(sub.indptr))
        basket = sub.indices.astype(np.int64)
        # Each (item, basket) pair is one bit; a byte's bits are summed (distinct powers of two: a sum is an OR).
        byte = np.bincount(item * (words * 8) + (basket >> 3), weights=np.left_shift(1, basket & 7),
                           minlength=sub.shape[1] * words * 8)
        return byte.astype(np.uint8).view(np.uint64).reshape(sub.shape[1], words)

    @classmethod
    def from_item_lists(cls, lists: Iterable[Iterable[str]], basket_ids: Sequence | None = None,
                        customers: Sequence | None = None, options: BasketOptions = BasketOptions()) -> Baskets:
        """Baskets from lists of item labels (duplicates within a list count once; empty lists are kept out)."""
        lists = [list(dict.fromkeys(x)) for x in lists]
        ids = list(range(len(lists))) if basket_ids is None else list(basket_ids)
        owners = list(ids) if customers is None else list(customers)
        keep = [k for k, x in enumerate(lists) if x]
        rows = np.repeat(np.arange(len(keep)), [len(lists[k]) for k in keep])
        labels = [item for k in keep for item in lists[k]]
        return _assemble(rows, labels, [ids[k] for k in keep], [owners[k] for k in keep], options)


def _assemble(rows: np.ndarray, labels: Sequence[str], ids: list, owners: list, options: BasketOptions) -> Baskets:
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object), sort=True)
    data = np.ones(len(codes), dtype=bool)
    matrix = sparse.csr_matrix((data, (np.asarray(rows, dtype=np.int64), codes)),
                               shape=(len(ids), len(uniques)), dtype=bool)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return Baskets(items=tuple(str(u) for u in uniques), basket_ids=tuple(ids), customers=tuple(owners),
                   matrix=matrix, options=options)


def build_baskets(orders: pd.DataFrame, options: BasketOptions = BasketOptions(), *, as_of: date | None = None,
                  since: date | None = None) -> Baskets:
    """Baskets from clean order lines (columns customer_id, order_id, order_date, product, category, is_return).

    Return lines are left out, lines on or after ``as_of`` and before ``since`` too; lines without an item label
    are skipped.  Baskets outside ``options.min_size``..``options.max_size`` distinct items are dropped.  A
    basket's customer is the smallest customer id (as text) among its lines.
    Raises :class:`DataError` when the category level is asked of orders without categories, or when no basket
    is left.
    """
    column = options.level
    if column not in orders.columns or (column == "category" and orders[column].isna().all()):
        raise DataError("basket_no_category")
    lines = orders
    if "is_return" in lines.columns:
        lines = lines.loc[~lines["is_return"].astype(bool)]
    if as_of is not None:
        lines = lines.loc[lines["order_date"] < pd.Timestamp(as_of)]
    if since is not None:
        lines = lines.loc[lines["order_date"] >= pd.Timestamp(since)]
    used = len(lines)
    labels = lines[column].astype(object)
    present = labels.notna() & (labels.astype(str).str.strip() != "")
    if options.exclude:
        dropped = {str(x).strip().casefold() for x in options.exclude}
        present &= ~labels.astype(str).str.strip().str.casefold().isin(dropped)
    lines = lines.loc[present]
    key = "order_id" if options.by == "order" else "customer_id"
    pairs = pd.DataFrame({"basket": lines[key].to_numpy(), "item": lines[column].astype(str).to_numpy(),
                          "customer": lines["customer_id"].to_numpy()}).drop_duplicates(["basket", "item"])
    sizes = pairs.groupby("basket", sort=False)["item"].transform("size")
    keep = sizes >= options.min_size
    if options.max_size is not None:
        keep &= sizes <= options.max_size
    pairs = pairs.loc[keep.to_numpy()]
    if pairs.empty:
        raise DataError("basket_none", lines=used)
    rows, ids = pd.factorize(pairs["basket"], sort=True)
    # A basket's customer is the smallest id among its lines (an order id shared by two customers is rare and
    # ambiguous; the smallest does not depend on the lines' order, so every engine picks the same one).
    owners = pd.Series(lines["customer_id"].to_numpy(), index=lines[key].to_numpy()).groupby(level=0).min()
    return _assemble(rows, pairs["item"].tolist(), list(ids), owners.reindex(ids).tolist(), options)
