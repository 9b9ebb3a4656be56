"""RFM scoring: how recently, how often and how much each customer buys, as scores 1..5 and segments.

Input is the per-customer table of :func:`crm_core.customers.customer_table` (recency_days, frequency,
orders_per_year, monetary). Scores are 5 = best: most recent, most orders, highest spend. F and M are
averaged into an FM score, and the segment is read from the scheme's grid at (R, FM); the segment data
lives in :mod:`crm_core.segment.schemes` and is re-exported here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd

from crm_core.messages import Localized
from crm_core.schema import DataError, Note
from crm_core.segment import _rfm_cuts
from crm_core.segment.base import Segmentation
from crm_core.segment.schemes import (
    SCHEME_4,
    SCHEME_11,
    SCHEMES,
    SEGMENT_INFO,
    SegmentInfo,
    SegmentScheme,
    scheme_with_grid,
    scheme_with_label,
)

__all__ = [
    "SCHEME_4", "SCHEME_11", "SCHEMES", "SEGMENT_INFO", "SCORE_COLUMNS", "RfmParams", "SegmentInfo", "SegmentScheme",
    "Thresholds", "pareto_share", "quantile_thresholds", "reasons", "relative_scores_note", "rf_matrix",
    "scheme_with_grid", "scheme_with_label", "score_rfm", "segment_summary",
]

SCORE_COLUMNS = ("r_score", "f_score", "m_score", "fm_score", "rfm_code", "segment")
FREQUENCY_COLUMN = {"orders": "frequency", "per_year": "orders_per_year"}


def _cuts(dimension: str, values: object) -> tuple[float, float, float, float]:
    """Four finite numbers, each at least the one before, or DataError ``bad_thresholds`` naming the dimension."""
    try:
        cuts = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        cuts = ()
    if len(cuts) != 4 or not all(map(math.isfinite, cuts)) or any(a > b for a, b in pairwise(cuts)):
        shown = ", ".join(map(str, values)) if isinstance(values, tuple | list) else str(values)
        raise DataError("bad_thresholds", dimension=dimension, values=shown)
    return cuts


@dataclass(frozen=True)
class Thresholds:
    """Business cut-offs for the threshold method (four per dimension, each at least the one before).

    recency : days; score 5 if r <= t[0], 4 if <= t[1], 3 if <= t[2], 2 if <= t[3], else 1.
    frequency : orders (or orders per year); score 5 if f >= t[3], 4 if >= t[2], 3 if >= t[1], 2 if >= t[0], else 1.
    monetary : net spend; same rule as frequency.
    A value exactly on a cut-off gets the better score. Values are stored as floats.
    Two equal cut-offs leave a score empty: with frequency (2, 2, 3, 5), 1 order scores F = 1 and 2 orders
    pass both cut-offs of 2 and score F = 3, so nobody scores F = 2.
    Equal cut-offs are allowed because quintiles themselves can leave a score empty (see
    :func:`quantile_thresholds`).

    Raises
    ------
    DataError
        ``bad_thresholds`` (params dimension "R", "F" or "M", and values) unless each is four finite numbers
        in non-decreasing order.
    """

    recency: tuple[float, float, float, float]
    frequency: tuple[float, float, float, float]
    monetary: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        for attribute, dimension in (("recency", "R"), ("frequency", "F"), ("monetary", "M")):
            object.__setattr__(self, attribute, _cuts(dimension, getattr(self, attribute)))


@dataclass(frozen=True)
class RfmParams:
    """How to score: ``quantile`` (rank-based, the default) or ``threshold`` (needs ``thresholds``).

    ``frequency_basis="per_year"`` scores orders_per_year instead of the order count, so customers
    who joined recently are not penalised for a short history.
    """

    method: Literal["quantile", "threshold"] = "quantile"
    thresholds: Thresholds | None = None
    frequency_basis: Literal["orders", "per_year"] = "orders"
    scheme: SegmentScheme = SCHEME_11

    def __post_init__(self) -> None:
        if self.method not in ("quantile", "threshold"):
            raise ValueError(f"method must be 'quantile' or 'threshold', not {self.method!r}")
        if self.frequency_basis not in FREQUENCY_COLUMN:
            raise ValueError(f"frequency_basis must be 'orders' or 'per_year', not {self.frequency_basis!r}")
        if self.method == "threshold" and self.thresholds is None:
            raise DataError("bad_thresholds", dimension="R, F, M", values=Localized(en="none", zh="无"))


# Chinese words for the customer-table columns scoring needs, so a zh message names no English column.
_COLUMN_ZH = {"recency_days": "距上次购买天数", "frequency": "订单数", "orders_per_year": "年均订单数",
              "monetary": "消费金额", "segment": "分群", "r_score": "R 分", "f_score": "F 分", "m_score": "M 分"}


def _column(column: str) -> Localized:
    """A column's name as a message parameter: itself in English, in words in Chinese."""
    return Localized(en=column, zh=_COLUMN_ZH.get(column, column))


def _values(table: pd.DataFrame, column: str) -> np.ndarray:
    """``column`` as floats; DataError when it is absent or has gaps (a scoring gap would be silent)."""
    if column not in table.columns:
        raise DataError("rfm_missing_columns", columns=_column(column))
    values = table[column].to_numpy(dtype="float64", na_value=np.nan)
    missing = int(np.isnan(values).sum())
    if missing:
        raise DataError("rfm_missing_values", column=_column(column), rows=missing)
    return values


def _spend_in_cents(table: pd.DataFrame) -> np.ndarray:
    """Net spend rounded to cents, as every score compares it: sums of the same amounts added in another order
    (another engine, another file order) differ in the last bits, and must not break or make a tie."""
    values = _values(table, "monetary")
    with np.errstate(over="ignore", invalid="ignore"):  # x 100 overflows near 1e308, where cents mean nothing
        rounded = np.round(values, 2)
    return np.where(np.isfinite(rounded), rounded, values)


def _quantile_scores(values: np.ndarray, *, ties: Literal["low", "high"]) -> np.ndarray:
    """ceil(rank / n x 5) with rank 1 = worst value, n = number of customers; 1..5.

    Tied customers share one rank, chosen so that a tie never helps or hurts in the direction that
    misleads a marketer:

    - ``ties="low"`` (F and M): the lowest rank of the group. Ties never lift a score: when most
      customers bought once, they all share rank 1 and score F = 1 (with average ranks they would score
      3 and look like regular buyers).
    - ``ties="high"`` (R, ranked on -recency): the highest rank of the group. Ties never lower a
      score: fifty customers who all bought yesterday share the top rank and score R = 5, not R = 1.

    A dimension with one distinct value carries no ranking at all: it scores 1 with ``"low"`` (nobody
    buys more or spends more than anyone else) and 5 with ``"high"`` (nobody bought less recently),
    whatever n. Without this rule, two identical customers would score F = ceil(1 / 2 x 5) = 3.
    Equal values always get equal scores and a better value never a lower score. Computed in integers,
    ceil(5 rank / n) == (5 rank + n - 1) // n, so no float rounding can move a customer across a cut.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if ties == "low" and values.min() == values.max():
        return np.ones(n, dtype=np.int64)
    rank = pd.Series(values).rank(method="min" if ties == "low" else "max").to_numpy().astype(np.int64)
    return (5 * rank + n - 1) // n


def _threshold_scores(values: np.ndarray, cuts: tuple[float, ...], *, lower_is_better: bool) -> np.ndarray:
    """Scores 1..5 from four cut-offs; a value on a cut-off gets the better score."""
    edges = np.asarray(cuts)
    if lower_is_better:  # recency: count the cut-offs strictly below the value
        return (5 - np.searchsorted(edges, values, side="left")).astype(np.int64)
    return (1 + np.searchsorted(edges, values, side="right")).astype(np.int64)


def score_rfm(table: pd.DataFrame, params: RfmParams = RfmParams()) -> pd.DataFrame:
    """Score every customer 1..5 on recency, frequency and monetary value, and assign a segment.

    Parameters
    ----------
    table : DataFrame
        One row per customer with recency_days, monetary and frequency (or orders_per_year when
        ``params.frequency_basis == "per_year"``). Not modified; other columns pass through.
    params : RfmParams
        Scoring method, frequency basis and segment scheme.

    Returns
    -------
    DataFrame
        ``table`` (same rows, order and index) plus int columns r_score, f_score, m_score, fm_score,
        str rfm_code (e.g. "545") and str segment (a key of ``params.scheme``).

        - quantile method: each score is ceil(rank / n x 5) with rank 1 the worst value; R ranks
          -recency_days, so more recent is higher. Tied customers share a rank in the direction that
          never misleads (see :func:`_quantile_scores`): for F and M the *lowest* rank of their group
          (if 30 % of customers bought once, they all have rank 1 and F = 1), for R the *highest*
          (customers tied on the most recent day all score R = 5). Scores are relative to the other
          customers in ``table`` and never depend on row order. A dimension with a single distinct
          value scores R = 5, F = 1, M = 1: identical customers (or a single one) are R5 F1 M1,
          i.e. "new_customers" in :data:`SCHEME_11` and "potential" in :data:`SCHEME_4`;
          :func:`relative_scores_note` says so.
        - threshold method: the cut-offs of ``params.thresholds`` (see :class:`Thresholds`).
        - fm_score = floor((f_score + m_score) / 2 + 0.5), i.e. the average rounded half up.
        - segment = ``params.scheme.grid[5 - r_score][fm_score - 1]``.

    Raises
    ------
    DataError
        ``rfm_missing_columns`` / ``rfm_missing_values`` when a needed column is absent or has gaps.
    """
    recency = _values(table, "recency_days")
    frequency = _values(table, FREQUENCY_COLUMN[params.frequency_basis])
    monetary = _spend_in_cents(table)
    if params.method == "quantile":
        r = _quantile_scores(-recency, ties="high")
        f, m = _quantile_scores(frequency, ties="low"), _quantile_scores(monetary, ties="low")
    else:
        cuts = params.thresholds
        r = _threshold_scores(recency, cuts.recency, lower_is_better=True)
        f = _threshold_scores(frequency, cuts.frequency, lower_is_better=False)
        m = _threshold_scores(monetary, cuts.monetary, lower_is_better=False)
    fm = (f + m + 1) // 2
    return table.assign(
        r_score=r,
        f_score=f,
        m_score=m,
        fm_score=fm,
        rfm_code=_texts([str(code) for code in range(556)], 100 * r + 10 * f + m),
        segment=_texts([name for row in params.scheme.grid for name in row], 5 * (5 - r) + fm - 1),
    )


def _texts(labels: list[str], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``labels[index]`` as a str array, taken in Arrow (a million customers: ~10 ms, against ~0.1-0.4 s for
    making a million Python strings first)."""
    import pyarrow as pa

    return pd.array(pa.array(labels, type=pa.string()).take(pa.array(index, type=pa.int64())), dtype="str")


def quantile_thresholds(
    table: pd.DataFrame, *, frequency_basis: Literal["orders", "per_year"] = "orders"
) -> Thresholds:
    """The cut-offs that reproduce this table's quintile scores exactly, to prefill the threshold editor.

    Each cut is read off the quantile scores of :func:`score_rfm` themselves, so switching from
    quintiles to these thresholds, with no edit, gives every customer the same scores and segment:

    - recency (days): the cut for score s is the largest recency among customers scoring R >= s;
    - frequency (orders or orders per year) and monetary (net spend): the cut for score s lies above the
      largest value scoring below s and at or under the smallest value scoring s or more; of those, the
      roundest number (fewest decimals, rounding that smallest value down), e.g. 2 orders, 56 or 12.5.

    Where the quintiles leave a score empty (all one-time buyers: F 2..5 are empty) two cuts are equal,
    or lie above every customer's value (the maximum rounded down, plus 1). With no customers every
    dimension gets (0, 1, 2, 3).
    """
    column = FREQUENCY_COLUMN[frequency_basis]
    if len(table) == 0:
        return Thresholds((0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3))
    recency, frequency = (_values(table, c) for c in ("recency_days", column))
    monetary = _spend_in_cents(table)
    return Thresholds(
        recency=_rfm_cuts.recency_cuts(recency, _quantile_scores(-recency, ties="high")),
        frequency=_rfm_cuts.higher_is_better_cuts(frequency, _quantile_scores(frequency, ties="low")),
        monetary=_rfm_cuts.higher_is_better_cuts(monetary, _quantile_scores(monetary, ties="low")),
    )


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def relative_scores_note(table: pd.DataFrame, params: RfmParams = RfmParams()) -> Note | None:
    """A Note when quintile scores say little: a dimension where every customer has the same value.

    Quantile scores rank customers against each other in this file, so identical customers all score
    R5 F1 M1 (see :func:`score_rfm`) however long ago they bought. The note names the dimensions and
    says the scores are relative. ``None`` for the threshold method (its cut-offs are absolute), for an
    empty table and when every dimension has at least two distinct values.
    """
    if params.method != "quantile" or len(table) == 0:
        return None
    per_year = params.frequency_basis == "per_year"
    dimensions = (("recency_days", "last order day", "最近购买日期"),
                  (FREQUENCY_COLUMN[params.frequency_basis], *(("orders per year", "年均订单数") if per_year
                                                              else ("number of orders", "订单数"))),
                  ("monetary", "spend", "消费金额"))
    flat = [(en, zh) for column, en, zh in dimensions if np.unique(_values(table, column)).size == 1]
    if not flat:
        return None
    return Note.of(
        "note_relative_scores", customers=len(table),
        dimensions=Localized(en=_and([en for en, _ in flat]), zh="、".join(zh for _, zh in flat)),
    )


SUMMARY_COLUMNS = (
    "segment", "name", "customers", "customer_share", "revenue", "revenue_share", "avg_recency_days",
    "avg_frequency", "avg_monetary", "description", "action",
)
_TEXT_COLUMNS = ("segment", "name", "description", "action")


def segment_summary(scored: pd.DataFrame, segmentation: Segmentation, *, lang: str = "en") -> pd.DataFrame:
    """One row per group of ``segmentation`` that has customers, in ``segmentation.segments()`` order (best first).

    ``segmentation`` is any :class:`crm_core.segment.base.Segmentation` (an RFM scheme, clusters, tiers...):
    customers are grouped on its ``key_column`` (``segment`` for RFM schemes).

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS`: segment (the group key, whatever the key column), name, customers,
        customer_share (of all customers), revenue (sum of monetary, i.e. net of returns), revenue_share (of
        total *net* revenue, so the shares sum to 1; a segment with net returns has a negative share; NaN when
        total net revenue <= 0), avg_recency_days (days), avg_frequency (orders), avg_monetary, description,
        action (in ``lang``).  Keys not in ``segmentation.segments()`` (a table scored with another scheme)
        come last, so no customer is dropped.
    """
    key_column = segmentation.key_column
    if key_column not in scored.columns:
        raise DataError("segment_key_missing", column=key_column)
    for column in ("recency_days", "frequency", "monetary"):
        if column not in scored.columns:
            raise DataError("rfm_missing_columns", columns=_column(column))
    keys = scored[key_column].rename("segment")
    groups = scored.groupby(keys, sort=False).agg(
        customers=("monetary", "size"),
        revenue=("monetary", "sum"),
        avg_recency_days=("recency_days", "mean"),
        avg_frequency=("frequency", "mean"),
        avg_monetary=("monetary", "mean"),
    )
    known = segmentation.segments()
    order = [key for key in known if key in groups.index] + [key for key in groups.index if key not in known]
    groups = groups.reindex(order)
    # Shares from amounts scaled by the largest one: a sum of absurdly large amounts cannot overflow to inf.
    scale = float(scored["monetary"].abs().max()) if len(scored) else 1.0
    scale = scale if math.isfinite(scale) and scale > 0 else 1.0
    scaled = scored["monetary"] / scale
    total_scaled = float(scaled.sum())
    share = scaled.groupby(keys, sort=False).sum().reindex(order) / total_scaled
    summary = groups.assign(
        name=[segmentation.text(key, "name", lang) for key in order],
        customer_share=groups["customers"] / max(len(scored), 1),
        revenue_share=share if total_scaled > 0 else np.nan,
        description=[segmentation.text(key, "description", lang) for key in order],
        action=[segmentation.text(key, "action", lang) for key in order],
    )
    summary = summary.rename_axis("segment").reset_index()[list(SUMMARY_COLUMNS)]
    # Explicit dtypes, so an empty summary has the same column types as a full one.
    dtypes = {c: "str" if c in _TEXT_COLUMNS else "float64" for c in SUMMARY_COLUMNS} | {"customers": "int64"}
    return summary.astype(dtypes)


def pareto_share(scored: pd.DataFrame, *, revenue_share: float = 0.5) -> float:
    """Smallest share of customers (biggest spenders first) whose spend reaches ``revenue_share`` of revenue.

    Revenue here is the sum of *positive* monetary values (customers whose returns exceed their purchases
    bring nothing), while the share is of *all* customers. 0.12 reads "12 % of customers bring 50 % of
    revenue". NaN when no customer has positive spend.
    """
    if not 0 < revenue_share <= 1:
        raise ValueError(f"revenue_share must be in (0, 1], not {revenue_share}")
    monetary = _values(scored, "monetary")
    spend = np.sort(monetary[monetary > 0])[::-1]
    if spend.size == 0:
        return math.nan
    cumulative = np.cumsum(spend / spend[0])  # scaled by the largest spend, so the sum cannot overflow
    # A relative tolerance, so a target met exactly on paper is not missed by float summation.
    reached = int(np.searchsorted(cumulative, revenue_share * cumulative[-1] * (1 - 1e-12), side="left")) + 1
    return reached / len(monetary)


def rf_matrix(scored: pd.DataFrame) -> pd.DataFrame:
    """Customers per (R score, F score) cell, for the heat map.

    Returns
    -------
    DataFrame
        All 25 cells, r_score 5..1 then f_score 1..5, columns r_score, f_score, customers (int) and
        avg_monetary (0.0 for empty cells).
    """
    cells = pd.MultiIndex.from_product([range(5, 0, -1), range(1, 6)], names=["r_score", "f_score"])
    counts = scored.groupby(["r_score", "f_score"]).agg(
        customers=("monetary", "size"), avg_monetary=("monetary", "mean")
    )
    matrix = counts.reindex(cells).fillna(0)
    return matrix.astype({"customers": "int64", "avg_monetary": "float64"}).reset_index()


_REASON_TEXT = {
    "en": {"today": "Last order today", "one_day": "Last order 1 day ago", "days": ("Last order ", " days ago"),
           "one_order": "1 order", "orders": ("", " orders"), "spent": "spent ", "join": " · ",
           "scores": (" (", ")")},
    "zh": {"today": "最近一次购买在今天", "one_day": "最近一次购买在 1 天前", "days": ("最近一次购买在 ", " 天前"),
           "one_order": "共 1 单", "orders": ("共 ", " 单"), "spent": "消费 ", "join": " · ",
           "scores": ("（", "）")},
}


def _money(value: float, currency: str) -> str:
    """¥5,400 for whole amounts, ¥5,400.50 otherwise; the sign goes before the currency (-¥20)."""
    amount = round(abs(value), 2)
    digits = f"{amount:,.0f}" if amount.is_integer() else f"{amount:,.2f}"
    return f"{'-' if value < 0 and amount else ''}{currency}{digits}"


def reasons(scored: pd.DataFrame, *, lang: str = "en", currency: str = "¥") -> pd.Series:
    """Why each customer is in their segment, in plain words.

    Returns
    -------
    Series of str (name "reason", index of ``scored``), e.g. en
    "Last order 3 days ago · 12 orders · spent ¥5,400 (R5 F4 M5)", zh
    "最近一次购买在 3 天前 · 共 12 单 · 消费 ¥5,400（R5 F4 M5）". The order count is always
    frequency, also when F was scored per year.
    """
    text = _REASON_TEXT["zh" if lang == "zh" else "en"]
    for column in ("recency_days", "frequency", "monetary", "r_score", "f_score", "m_score"):
        if column not in scored.columns:
            raise DataError("rfm_missing_columns", columns=_column(column))
    days = scored["recency_days"].astype("int64")
    orders = scored["frequency"].astype("int64")
    last = (text["days"][0] + days.astype("str") + text["days"][1]).mask(days == 1, text["one_day"])
    last = last.mask(days == 0, text["today"])
    count = (text["orders"][0] + orders.astype("str") + text["orders"][1]).mask(orders == 1, text["one_order"])
    spent = text["spent"] + scored["monetary"].map(lambda v: _money(float(v), currency)).astype("str")
    scores = (
        text["scores"][0] + "R" + scored["r_score"].astype("str") + " F" + scored["f_score"].astype("str")
        + " M" + scored["m_score"].astype("str") + text["scores"][1]
    )
    return (last + text["join"] + count + text["join"] + spent + scores).astype("str").rename("reason")
