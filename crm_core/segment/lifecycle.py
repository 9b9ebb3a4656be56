"""Lifecycle stages (new, active, reactivated, silent, churned) and how customers move between two dates.

Stages are read from the customer table (:func:`crm_core.customers.customer_table`): days since the first
and the last purchase, and the gap that ended with the last purchase (``previous_order_date``).  The
windows that separate the stages are data (:class:`LifecycleWindows`), editable and hashable, so they key
the app's caches.  :class:`Lifecycle` is a :class:`crm_core.segment.base.Segmentation` on the ``stage``
column, so summaries, charts and campaign lists take it unchanged.

:func:`migration` compares two as-of dates: every customer's stage (or RFM segment) then and now, the
matrix of counts and spend between them, and :meth:`Migration.cell_customers` gives exactly the customers
of one cell (e.g. Champions then, At risk now) for a list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from crm_core.customers import customer_table
from crm_core.messages import Localized
from crm_core.schema import DataError
from crm_core.segment.rfm import RfmParams, score_rfm

__all__ = ["MIGRATION_CELL_COLUMNS", "NOT_YET", "STAGES", "STAGE_COLORS", "Lifecycle", "LifecycleWindows", "Migration",
           "migration", "stages",
           "with_stages"]

STAGES = ("new", "active", "reactivated", "silent", "churned")
# The "before" group of customers whose first purchase falls between the two dates of a migration.
NOT_YET = "not_yet"

_WINDOW_NAMES = {"new_days": ("new", "新客"), "active_days": ("active", "活跃"), "churn_days": ("churned", "流失")}


@dataclass(frozen=True)
class LifecycleWindows:
    """Where one stage ends and the next begins, in whole days counted back from the as-of date.

    Days are those of the customer table: ``tenure_days`` (first purchase day to as-of) and
    ``recency_days`` (last purchase day to as-of), so a purchase the day before the as-of date is 1 day ago.

    new_days : int, default 90
        New: the first purchase is at most this many days ago.  A quarter, because most shops need about
        that long to see whether a first buyer comes back (it matches the customer table's 90-day tenure
        floor).
    active_days : int, default 90
        Active: the last purchase is at most this many days ago.  The same quarter: a customer who has bought
        in the last three months is in touch with the shop.
    churn_days : int, default 180
        Churned: the last purchase is more than this many days ago; between ``active_days`` and
        ``churn_days`` a customer is silent (沉默).  Half a year, the common cut in retail CRM (a full
        season without a purchase).  Reactivated (回流): the last purchase is at most ``active_days`` ago
        and came more than ``churn_days`` after the purchase day before it, i.e. the customer was churned
        on the day they came back.

    Rules: each is a whole number of days >= 1, and new_days <= active_days < churn_days.  A new customer
    must still be recent (a first buyer of 120 days ago who never came back is silent, not new), and a
    silent band needs room between active and churned.

    Raises
    ------
    DataError
        ``lifecycle_window_days`` for a value that is not a whole number >= 1; ``lifecycle_windows_order``
        when the windows are out of order.
    """

    new_days: int = 90
    active_days: int = 90
    churn_days: int = 180

    def __post_init__(self) -> None:
        for name, (en, zh) in _WINDOW_NAMES.items():
            value = getattr(self, name)
            whole = isinstance(value, int | np.integer | float) and not isinstance(value, bool) \
                and math.isfinite(value) and float(value).is_integer() and value >= 1
            if not whole:
                raise DataError("lifecycle_window_days", window=Localized(en=en, zh=zh), value=value)
            object.__setattr__(self, name, int(value))
        if not self.new_days <= self.active_days < self.churn_days:
            raise DataError("lifecycle_windows_order", new_days=self.new_days, active_days=self.active_days,
                            churn_days=self.churn_days)


# name, description, action, channel per stage and language; descriptions name the windows' days.
_TEXTS: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "new": {
        "en": ("New", "First purchase in the last {new_days} days.",
               "Welcome them and give a reason for a second order soon: tips, a small reward, related products.",
               "Welcome email series, SMS"),
        "zh": ("新客", "首次购买在最近 {new_days} 天内。",
               "欢迎新客，并尽快给出再次购买的理由：使用小贴士、小额奖励、相关商品推荐。", "欢迎邮件系列、短信"),
    },
    "active": {
        "en": ("Active", "Bought in the last {active_days} days; first purchase more than {new_days} days ago.",
               "Keep them buying: recommendations from what they bought, membership and points, no deep discounts.",
               "Email, member app"),
        "zh": ("活跃客户", "最近 {active_days} 天内有购买，首次购买在 {new_days} 天以前。",
               "保持购买节奏：根据购买记录推荐商品，邀请入会和积分，不必大幅打折。", "邮件、会员小程序"),
    },
    "reactivated": {
        "en": ("Reactivated", "Came back in the last {active_days} days after more than {churn_days} days "
               "without a purchase.",
               "Make the return stick: thank them, show what is new since their last visit, reward a next order.",
               "Email, SMS"),
        "zh": ("回流客户", "超过 {churn_days} 天没有购买后，在最近 {active_days} 天内重新购买。",
               "巩固回流：表示感谢，介绍上次购买后的新品，为下一单提供奖励。", "邮件、短信"),
    },
    "silent": {
        "en": ("Silent", "Last purchase {active_days} to {churn_days} days ago.",
               "Win them back before they churn: a personal reminder of what they liked and a time-limited offer.",
               "Email, SMS, app push"),
        "zh": ("沉默客户", "最近一次购买在 {active_days} 到 {churn_days} 天前。",
               "在流失前挽回：提醒他们喜欢过的商品，并附上限时优惠。", "邮件、短信、App 推送"),
    },
    "churned": {
        "en": ("Churned", "No purchase in the last {churn_days} days.",
               "Try one low-cost win-back message with a strong offer; leave out those who do not respond.",
               "One win-back email or SMS"),
        "zh": ("流失客户", "最近 {churn_days} 天内没有购买。",
               "发送一次低成本的挽回信息并附上有力的优惠；没有回应就不再投入。", "一封挽回邮件或短信"),
    },
    NOT_YET: {
        "en": ("Not yet a customer", "First purchase came after the earlier date.", "", ""),
        "zh": ("尚未成为客户", "首次购买在较早的日期之后。", "", ""),
    },
}
_FIELD_INDEX = {"name": 0, "description": 1, "action": 2, "channel": 3}
STAGE_COLORS = {"new": "#4575b4", "active": "#1a9850", "reactivated": "#a6d96a", "silent": "#fdae61",
                "churned": "#878787", NOT_YET: "#d9d9d9"}


@dataclass(frozen=True)
class Lifecycle:
    """Lifecycle stages as a :class:`crm_core.segment.base.Segmentation` on the ``stage`` column.

    ``segments()`` is :data:`STAGES` (new, active, reactivated, silent, churned: recent first, then drifting
    away); the texts name the windows' days.  :data:`NOT_YET` (used by :func:`migration`) has a name too.
    """

    windows: LifecycleWindows = field(default_factory=LifecycleWindows)
    key_column: ClassVar[str] = "stage"

    def segments(self) -> tuple[str, ...]:
        return STAGES

    def text(self, key: str, field: str, lang: str = "en") -> str:
        texts = _TEXTS.get(key)
        if texts is None or field not in _FIELD_INDEX:
            return key if field == "name" else ""
        template = texts["zh" if lang == "zh" else "en"][_FIELD_INDEX[field]]
        w = self.windows
        return template.format(new_days=w.new_days, active_days=w.active_days, churn_days=w.churn_days)

    def color(self, key: str) -> str:
        """The chart colour of stage ``key`` (grey for an unknown key)."""
        return STAGE_COLORS.get(key, "#9e9e9e")


_NEEDED = ("tenure_days", "recency_days", "last_order_date", "previous_order_date")
_COLUMN_ZH = {"tenure_days": "距首次购买天数", "recency_days": "距上次购买天数", "last_order_date": "最近购买日期",
              "previous_order_date": "上一次购买日期"}


def stages(table: pd.DataFrame, windows: LifecycleWindows = LifecycleWindows()) -> pd.Series:
    """Each customer's lifecycle stage.

    Parameters
    ----------
    table : DataFrame
        :func:`crm_core.customers.customer_table` output (tenure_days, recency_days, last_order_date,
        previous_order_date are read; days are whole days to the as-of date).  Not modified.
    windows : LifecycleWindows

    Returns
    -------
    Series of str named "stage", index of ``table``; the first rule that holds wins:

    1. new: tenure_days <= new_days;
    2. reactivated: recency_days <= active_days and the last purchase day minus the previous purchase day
       is more than churn_days (they were churned the day they came back; a second purchase after the
       return makes them active again, since the latest gap is then short);
    3. active: recency_days <= active_days;
    4. silent: recency_days <= churn_days;
    5. churned: otherwise.

    Raises
    ------
    DataError
        ``lifecycle_missing_columns`` naming the first needed column the table lacks.
    """
    for column in _NEEDED:
        if column not in table.columns:
            raise DataError("lifecycle_missing_columns", columns=Localized(en=column, zh=_COLUMN_ZH[column]))
    tenure = table["tenure_days"].to_numpy(dtype="float64", na_value=np.nan)
    recency = table["recency_days"].to_numpy(dtype="float64", na_value=np.nan)
    last_day = pd.to_datetime(table["last_order_date"]).dt.normalize()
    previous_day = pd.to_datetime(table["previous_order_date"]).dt.normalize()
    comeback_gap = (last_day - previous_day).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    recent = recency <= windows.active_days
    stage = np.select(
        [tenure <= windows.new_days, recent & (comeback_gap > windows.churn_days), recent,
         recency <= windows.churn_days],
        ["new", "reactivated", "active", "silent"],
        default="churned",
    )
    return pd.Series(stage, index=table.index, name="stage", dtype="str")


def with_stages(table: pd.DataFrame, windows: LifecycleWindows = LifecycleWindows()) -> pd.DataFrame:
    """``table`` plus a str column ``stage`` (:func:`stages`), ready for :func:`crm_core.segment.rfm.segment_summary`
    with ``Lifecycle(windows)`` (counts, revenue and shares per stage) and for campaign lists."""
    return table.assign(stage=stages(table, windows))


MIGRATION_CELL_COLUMNS = ("from_group", "to_group", "customers", "from_share", "revenue")


@dataclass(frozen=True, eq=False)
class Migration:
    """Where the customers of one date stand at a later date (see :func:`migration`).

    Attributes
    ----------
    by : "stage" or "rfm"
    segmentation : Lifecycle or SegmentScheme
        Names the groups (``segmentation.text(key, "name", lang)``; :data:`NOT_YET` via :meth:`name`).
    from_as_of, to_as_of : date
    customers : DataFrame
        The customer table at ``to_as_of`` (with ``stage``, or the RFM scores and ``segment``), one row per
        customer with a purchase before ``to_as_of``, plus ``previous_stage`` / ``previous_segment`` (the
        group at ``from_as_of``, :data:`NOT_YET` for customers who first bought between the dates) and
        ``period_revenue``: net spend on lines dated from ``from_as_of`` up to the day before ``to_as_of``
        (monetary then minus monetary before; returns count, so it can be negative).
    cells : DataFrame
        Columns :data:`MIGRATION_CELL_COLUMNS`, one row per non-empty (from_group, to_group) pair in group
        order: customers, from_share (customers / customers of that from_group) and revenue (sum of
        period_revenue).
    """

    by: Literal["stage", "rfm"]
    segmentation: object
    from_as_of: date
    to_as_of: date
    customers: pd.DataFrame
    cells: pd.DataFrame

    @property
    def previous_column(self) -> str:
        return f"previous_{self.segmentation.key_column}"

    def from_groups(self) -> tuple[str, ...]:
        """Row keys of the matrix: the segmentation's groups, then :data:`NOT_YET`."""
        return (*self.segmentation.segments(), NOT_YET)

    def to_groups(self) -> tuple[str, ...]:
        return tuple(self.segmentation.segments())

    def name(self, key: str, lang: str = "en") -> str:
        """Display name of a group key (also :data:`NOT_YET`) in ``lang``."""
        if key == NOT_YET:
            return Lifecycle().text(NOT_YET, "name", lang)
        return self.segmentation.text(key, "name", lang)

    def matrix(self, value: Literal["customers", "revenue", "from_share"] = "customers") -> pd.DataFrame:
        """The full grid for a heat map: index from_group (:meth:`from_groups`), columns to_group
        (:meth:`to_groups`), empty cells 0.  Keys are kept (name them with :meth:`name`)."""
        if value not in ("customers", "revenue", "from_share"):
            raise ValueError(f"value must be customers, revenue or from_share, not {value!r}")
        wide = self.cells.pivot(index="from_group", columns="to_group", values=value)
        wide = wide.reindex(index=list(self.from_groups()), columns=list(self.to_groups())).fillna(0)
        wide = wide.astype("int64" if value == "customers" else "float64")
        return wide.rename_axis(index="from_group", columns="to_group")

    def cell_customers(self, from_group: str, to_group: str) -> pd.DataFrame:
        """Exactly the customers who were in ``from_group`` at ``from_as_of`` and are in ``to_group`` now:
        rows of :attr:`customers` (their table at ``to_as_of``), biggest spenders first, ready for a list
        (``ListRequest(self.segmentation, segments=(to_group,))``).

        Raises
        ------
        DataError
            ``migration_unknown_group`` when a key is not a group of this comparison.
        """
        for key, groups, side in ((from_group, self.from_groups(), Localized(en="before", zh="之前")),
                                  (to_group, self.to_groups(), Localized(en="now", zh="现在"))):
            if key not in groups:
                raise DataError("migration_unknown_group", key=key, side=side, keys=Localized.listing(groups))
        frame = self.customers
        chosen = (frame[self.previous_column] == from_group) & (frame[self.segmentation.key_column] == to_group)
        return frame[chosen].sort_values(["monetary", "customer_id"], ascending=[False, True], kind="stable")


def _grouped(table: pd.DataFrame, by: str, windows: LifecycleWindows, rfm_params: RfmParams) -> pd.DataFrame:
    """The customer table with its group key column (``stage``, or RFM scores and ``segment``)."""
    if len(table) == 0:
        return table.assign(**{("stage" if by == "stage" else "segment"): pd.Series(dtype="str")})
    return with_stages(table, windows) if by == "stage" else score_rfm(table, rfm_params)


def migration(
    orders: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    from_as_of: date,
    to_as_of: date,
    by: Literal["stage", "rfm"] = "stage",
    windows: LifecycleWindows = LifecycleWindows(),
    rfm_params: RfmParams = RfmParams(),
) -> Migration:
    """Each customer's group at ``from_as_of`` and at ``to_as_of``, and the matrix between them.

    Both tables are :func:`crm_core.customers.customer_table` at each date (lines dated on or after a date
    do not count for it), grouped by lifecycle stage (``windows``) or by RFM segment
    (:func:`crm_core.segment.rfm.score_rfm` with ``rfm_params``; quintile scores rank the customers of each
    date among themselves, so a segment means the same relative standing at both dates).

    Parameters
    ----------
    orders : DataFrame
        Clean order lines (:func:`crm_core.ingest.clean`).
    customers : DataFrame, optional
        Customer attributes joined onto the tables (contact details for lists).
    from_as_of, to_as_of : date
        The earlier and the later reference day; ``from_as_of`` must come first.

    Returns
    -------
    Migration
        See :class:`Migration`: per-customer ``customers`` and the ``cells`` of the matrix.  Customers who
        first bought between the dates come from :data:`NOT_YET`, so every customer at ``to_as_of`` is in
        exactly one cell and the counts add up to the later table's customers.

    Raises
    ------
    DataError
        ``migration_dates_order`` unless from_as_of < to_as_of; ``migration_no_customers`` when no purchase
        is dated before ``from_as_of``.
    """
    if by not in ("stage", "rfm"):
        raise ValueError(f"by must be 'stage' or 'rfm', not {by!r}")
    if not from_as_of < to_as_of:
        raise DataError("migration_dates_order", from_as_of=str(from_as_of), to_as_of=str(to_as_of))
    before = customer_table(orders, customers, as_of=from_as_of)
    if len(before) == 0:
        bought = orders.loc[~orders["is_return"], "order_date"]
        first = str(pd.Timestamp(bought.min()).date()) if len(bought) else "-"
        raise DataError("migration_no_customers", from_as_of=str(from_as_of), first=first)
    segmentation = Lifecycle(windows) if by == "stage" else rfm_params.scheme
    key = segmentation.key_column
    then = _grouped(before, by, windows, rfm_params).set_index("customer_id")
    now = _grouped(customer_table(orders, customers, as_of=to_as_of), by, windows, rfm_params)
    previous = now["customer_id"].map(then[key]).fillna(NOT_YET).astype("str")
    spent_before = now["customer_id"].map(then["monetary"]).astype("float64").fillna(0.0)
    now = now.assign(**{f"previous_{key}": previous.to_numpy(),
                        "period_revenue": (now["monetary"].astype("float64") - spent_before).to_numpy()})
    cells = _cells(now, f"previous_{key}", key, (*segmentation.segments(), NOT_YET))
    return Migration(by, segmentation, from_as_of, to_as_of, now, cells)


def _cells(now: pd.DataFrame, from_column: str, to_column: str, order: tuple[str, ...]) -> pd.DataFrame:
    """Non-empty (from, to) cells in group order with customers, from_share and revenue."""
    grouped = now.groupby([from_column, to_column], sort=False).agg(
        customers=("customer_id", "size"), revenue=("period_revenue", "sum"))
    cells = grouped.rename_axis(["from_group", "to_group"]).reset_index()
    rank = {k: i for i, k in enumerate(order)}
    cells = cells.assign(
        from_share=cells["customers"] / cells.groupby("from_group")["customers"].transform("sum"),
        _from=cells["from_group"].map(rank).fillna(len(rank)), _to=cells["to_group"].map(rank).fillna(len(rank)),
    ).sort_values(["_from", "_to", "from_group", "to_group"], kind="stable")
    dtypes = {"from_group": "str", "to_group": "str", "customers": "int64", "from_share": "float64",
              "revenue": "float64"}
    return cells[list(MIGRATION_CELL_COLUMNS)].reset_index(drop=True).astype(dtypes)
