"""Frequent itemsets: Eclat over vertical bitsets, pairs counted at once by a sparse matrix product.

Only the items frequent on their own are kept (Apriori's first pruning).  Their pair counts come from one sparse
product ``X.T @ X`` (baskets x frequent items).  Longer itemsets are found depth first: an itemset's baskets are a
bitset (``uint64`` words over the baskets), its extensions are the AND of that bitset with each candidate item's
bitset, and their supports are population counts (``np.bitwise_count``), one vectorised call per node of the
search tree.  A candidate item must form a frequent pair with every item of the prefix (known from the pair
counts), which prunes most candidates before any bit is touched.

Memory is estimated before mining (:func:`estimate_memory`); when it exceeds ``max_bytes`` the miner refuses with
a :class:`DataError` that says what to change, and it stops the same way when the itemsets found outgrow it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crm_core.basket.baskets import Baskets
from crm_core.schema import DataError

MAX_BYTES = 1_500 * 2**20  # 1.5 GB
ITEMSET_BYTES = 200  # one found itemset, as Python objects and its frame row
# Beyond this many itemsets mining takes seconds and the rules become unreadable (Online Retail per customer at 1%:
# 618,529 itemsets in 13 s and 48 million rules): the miner stops and says what to change.
MAX_ITEMSETS = 250_000
ITEMSET_COLUMNS = ["itemset", "support", "count", "length"]


def min_count(n_baskets: int, min_support: float) -> int:
    """The fewest baskets an itemset must be in: ``support >= min_support`` as R's arules counts it."""
    if not 0 < min_support <= 1:
        raise DataError("basket_bad_support", value=min_support)
    return max(math.ceil(min_support * n_baskets - 1e-9), 1)


def _frequent_columns(baskets: Baskets, threshold: int) -> np.ndarray:
    counts = baskets.item_counts
    return np.flatnonzero(counts >= threshold)


def estimate_memory(baskets: Baskets, min_support: float, max_len: int | None = None) -> int:
    """Bytes the miner needs at most for its working data: the bitsets of the frequent items, their pair counts,
    and one row of candidate bitsets per level of the depth-first search."""
    threshold = min_count(baskets.n, min_support)
    f = len(_frequent_columns(baskets, threshold))
    words = max((baskets.n + 63) // 64, 1)
    depth = min(max_len or 10, max(f, 1))
    bits = f * words * 8
    dense_build = f * words * 64  # the boolean frame the bitsets are packed from
    pair_counts = f * f * 8 * 2  # the product and its dense copy
    search = depth * f * words * 8
    return int(bits + max(dense_build, pair_counts) + search)


def _too_big(baskets: Baskets, min_support: float, need: int, max_bytes: int) -> DataError:
    counts = np.sort(baskets.item_counts)[::-1]
    # A support leaving at most ~1,000 items is always small enough to be a sound suggestion.
    suggested = max(min_support * 2, (counts[min(999, len(counts) - 1)] + 1) / max(baskets.n, 1))
    return DataError("basket_too_big", need_mb=need / 2**20, limit_mb=max_bytes / 2**20,
                     items=len(_frequent_columns(baskets, min_count(baskets.n, min_support))),
                     min_count=min_count(baskets.n, min_support), baskets=baskets.n, suggested=min(suggested, 1.0))


def _too_many(min_support: float, limit: int) -> DataError:
    return DataError("basket_too_many_itemsets", limit=limit, support=min_support,
                     suggested=min(min_support * 2, 1.0))


def frequent_itemsets(baskets: Baskets, min_support: float, max_len: int | None = None, *,
                      max_bytes: int = MAX_BYTES, max_itemsets: int = MAX_ITEMSETS) -> pd.DataFrame:
    """Itemsets in at least ``min_support`` of the baskets (``max_len`` items at most).

    Columns ``itemset`` (tuple of labels, sorted), ``support`` (share 0..1), ``count`` (baskets), ``length``;
    rows by length, then by count, most frequent first.  Raises :class:`DataError` ``basket_too_big`` when the
    memory estimate exceeds ``max_bytes``, ``basket_too_many_itemsets`` when more than ``max_itemsets`` are found.
    """
    threshold = min_count(baskets.n, min_support)
    need = estimate_memory(baskets, min_support, max_len)
    if need > max_bytes:
        raise _too_big(baskets, min_support, need, max_bytes)
    max_found = max(min(max_bytes // ITEMSET_BYTES, max_itemsets), 1)
    columns = _frequent_columns(baskets, threshold)
    found_sets: list[tuple[int, ...]] = [(int(i),) for i in range(len(columns))]
    found_counts: list[int] = baskets.item_counts[columns].tolist()
    if len(columns) > 1 and (max_len is None or max_len >= 2):
        _mine_longer(baskets, columns, threshold, max_len, found_sets, found_counts, max_found, min_support, need,
                     max_bytes)
    labels = np.asarray(baskets.items, dtype=object)[columns]
    # The items are sorted by label, so a tuple of increasing column positions is already sorted.
    itemsets = [tuple(labels[list(s)]) for s in found_sets]
    frame = pd.DataFrame({"itemset": pd.Series(itemsets, dtype=object),
                          "count": np.asarray(found_counts, dtype=np.int64)})
    frame["support"] = frame["count"] / baskets.n if baskets.n else 0.0
    frame["length"] = np.asarray([len(s) for s in found_sets], dtype=np.int64)
    frame = frame.sort_values(["length", "count"], ascending=[True, False], kind="stable", ignore_index=True)
    return frame[ITEMSET_COLUMNS]


def _mine_longer(baskets: Baskets, columns: np.ndarray, threshold: int, max_len: int | None,
                 found_sets: list, found_counts: list, max_found: int, min_support: float, need: int,
                 max_bytes: int) -> None:
    sub = baskets.matrix[:, columns].astype(np.int32)
    pairs = (sub.T @ sub).toarray()
    frequent_pair = pairs >= threshold
    np.fill_diagonal(frequent_pair, False)
    first, second = np.nonzero(np.triu(frequent_pair, 1))
    found_sets.extend(zip(first.tolist(), second.tolist(), strict=True))
    found_counts.extend(pairs[first, second].tolist())
    if len(found_sets) > max_found:
        raise _too_many(min_support, max_found)
    if max_len == 2 or len(first) == 0:
        return
    bits = baskets.bitsets(columns)
    limit = max_len or len(columns)

    def grow(prefix: tuple[int, ...], prefix_bits: np.ndarray, candidates: np.ndarray) -> None:
        # candidates: items after the prefix's last item that pair frequently with every item of the prefix
        joint = np.bitwise_and(bits[candidates], prefix_bits)
        counts = np.bitwise_count(joint).sum(axis=1, dtype=np.int64)
        keep = counts >= threshold
        if not keep.any():
            return
        kept, kept_counts, kept_bits = candidates[keep], counts[keep], joint[keep]
        found_sets.extend(prefix + (int(c),) for c in kept.tolist())
        found_counts.extend(kept_counts.tolist())
        if len(found_sets) > max_found:
            raise _too_many(min_support, max_found)
        if len(prefix) + 2 > limit:
            return
        for k in range(len(kept) - 1):
            rest = kept[k + 1:]
            rest = rest[frequent_pair[kept[k], rest]]
            if len(rest):
                grow(prefix + (int(kept[k]),), kept_bits[k], rest)

    for i in range(len(columns)):
        partners = np.flatnonzero(frequent_pair[i, i + 1:]) + i + 1
        for pos in range(len(partners) - 1):
            j = partners[pos]
            rest = partners[pos + 1:]
            rest = rest[frequent_pair[j, rest]]
            if len(rest):
                grow((i, int(j)), np.bitwise_and(bits[i], bits[j]), rest)
