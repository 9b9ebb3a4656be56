"""Sales series for :mod:`crm_core.measure.forecast`: from clean order lines, or from a daily or weekly sales table.

A series is a DataFrame indexed by period start (``period``: Mondays for ``"W"``, month starts for ``"M"``), one
column per series (``"total"``, or one per group), with what was left out and why in ``frame.attrs["notes"]``
(:class:`crm_core.schema.Note`) and, for tables, the excluded rows in ``frame.attrs["excluded"]``
(``row`` = 1-based line of the file, header being line 1; ``reason``; ``value``).  Read them with
:func:`series_notes` / :func:`excluded_rows` (pandas keeps ``attrs`` on copies but not through every operation).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crm_core.messages import Localized
from crm_core.schema import DataError, Note

FREQS = {"W": "W-MON", "M": "MS"}
MEASURES = ("revenue", "orders")
BLANK_GROUP = "(blank)"
UNITS = {"W": Localized(en="weeks", zh="周"), "M": Localized(en="months", zh="个月")}
# A table whose headers hold one of these is order lines (ids per line), not a sales table.
_ID_WORDS = ("customer", "客户", "会员", "member", "invoice", "订单号", "订单编号", "order id", "order_id", "orderid",
             "单号", "user", "用户")
_SALES_WORDS = {
    "date": ("日期", "date", "day", "销售日期", "week", "周", "month", "月份", "日"),
    "revenue": ("销售额", "revenue", "sales", "amount", "金额", "gmv", "营业额", "成交金额", "turnover"),
    "orders": ("订单数", "orders", "order count", "订单量", "单量", "transactions", "笔数"),
    "group": ("渠道", "channel", "store", "group", "门店", "店铺", "分组", "平台", "platform"),
}
UNREADABLE_SHARE = 0.1  # more unreadable cells than this: an error naming the column, else rows excluded


def check_freq(freq: str) -> str:
    if freq not in FREQS:
        raise DataError("fc_bad_option", option="freq", value=str(freq), allowed="W, M")
    return freq


def check_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise DataError("fc_bad_option", option="measure", value=str(measure), allowed="revenue, orders")
    return measure


def series_notes(frame: pd.DataFrame) -> tuple[Note, ...]:
    """What building the series left out (partial periods, excluded rows, customers without a group)."""
    return tuple(frame.attrs.get("notes", ()))


def excluded_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a sales table left out (row, reason, value); empty for order lines."""
    return frame.attrs.get("excluded", pd.DataFrame({"row": [], "reason": [], "value": []}))


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The start of each date's period: its week's Monday, or the first of its month."""
    days = pd.to_datetime(dates).dt.normalize()
    if freq == "W":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days - pd.to_timedelta(days.dt.day - 1, unit="D")


def _period_end(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    return start + (pd.Timedelta(days=6) if freq == "W" else pd.offsets.MonthEnd(0))


def _complete(table: pd.DataFrame, first_day: pd.Timestamp, last_day: pd.Timestamp,
              freq: str) -> tuple[pd.DataFrame, list[Note]]:
    """Every period from the first to the last observed (0 where nothing sold), with the partly observed first
    and last periods dropped: a week or month seen only in part would look like a drop in sales."""
    first, last = period_start(pd.Series([first_day, last_day]), freq)
    index = pd.date_range(first, last, freq=FREQS[freq], name="period")
    table = table.reindex(index, fill_value=0.0)
    dropped = []
    if first < first_day.normalize():
        dropped.append(first)
    if _period_end(last, freq) > last_day.normalize() and last not in dropped:
        dropped.append(last)
    notes = []
    if dropped:
        table = table.drop(index=dropped)
        notes.append(Note.of("fc_partial_dropped", periods=Localized.listing(f"{d:%Y-%m-%d}" for d in dropped),
                             first=f"{first_day:%Y-%m-%d}", last=f"{last_day:%Y-%m-%d}"))
    if table.empty:
        raise DataError("fc_no_history", where="")
    table.index = pd.DatetimeIndex(table.index, freq=FREQS[freq], name="period")
    return table.astype(float), notes


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Groups by their total, largest first (the page's selectbox and the workbook read in that order)."""
    return table.loc[:, table.sum().sort_values(ascending=False, kind="stable").index.tolist()]


def series_from_orders(orders: pd.DataFrame, *, freq: str, measure: str, by: str | None = None,
                       groups: pd.Series | None = None) -> pd.DataFrame:
    """Weekly or monthly revenue or orders of clean order lines, overall or per group.

    Parameters
    ----------
    orders : DataFrame
        Clean order lines (:func:`crm_core.pipeline.load` ``.result.orders``): order_date, amount (negative on
        returns), is_return, order_id, customer_id, and the ``by`` column.
    freq : "W" or "M"
        Weeks starting Monday, or calendar months.
    measure : "revenue" or "orders"
        revenue: net sales, the sum of ``amount`` with returns netted in the period of the return (as the
        customer table's monetary value nets them); orders: distinct purchase orders (return lines do not count).
    by : str, optional
        A column of the lines (e.g. "channel"): one series per value (blank values as "(blank)").
    groups : Series, optional
        customer_id -> group (e.g. the RFM segment name): one series per group; lines of customers not in it are
        left out (said in the notes).

    Returns
    -------
    DataFrame indexed by ``period`` (start), columns "total" or one per group (largest first), float.
    Periods without sales are 0; the partly observed first and last periods are dropped (``attrs["notes"]``).
    """
    check_freq(freq)
    check_measure(measure)
    notes: list[Note] = []
    if orders.empty:
        raise DataError("fc_no_history", where="")
    lines = orders.assign(period=period_start(orders["order_date"], freq))
    if groups is not None:
        if len(groups) == 0:
            raise DataError("fc_no_groups")
        group = lines["customer_id"].astype(str).map(groups.set_axis(groups.index.astype(str)))
        unmatched = int(group.isna().sum())
        if unmatched:
            notes.append(Note.of("fc_unmatched_customers", lines=unmatched))
        lines = lines.assign(group=group.astype(object)).loc[group.notna()]
    elif by:
        if by not in lines.columns or lines[by].isna().all():
            raise DataError("fc_no_group_values", column=Localized(en=by, zh={"channel": "渠道"}.get(by, by)))
        lines = lines.assign(group=lines[by].astype(object).where(lines[by].notna(), BLANK_GROUP).astype(str))
    else:
        lines = lines.assign(group="total")
    if measure == "revenue":
        table = lines.pivot_table(index="period", columns="group", values="amount", aggfunc="sum", fill_value=0.0)
    else:
        bought = lines.loc[~lines["is_return"].astype(bool)]
        table = bought.groupby(["period", "group"])["order_id"].nunique().unstack("group", fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table, dropped = _complete(table, orders["order_date"].min(), orders["order_date"].max(), freq)
    out = _ordered(table) if groups is not None or by else table
    out.attrs["notes"] = tuple(dropped + notes)
    return out


def _match(header: str, words: tuple[str, ...]) -> int:
    """2: the header is one of the words; 1: it holds one; 0: neither."""
    text = re.sub(r"[\s_\-]+", " ", str(header).strip().lower())
    if text in words:
        return 2
    return 1 if any(w in text for w in words) else 0


def propose_sales_columns(columns) -> dict[str, str | None]:
    """The columns of a sales table that hold the date, revenue, orders and group (channel/store), or None.

    English and Chinese headers: 日期/date/day, 销售额/revenue/sales/amount, 订单数/orders, 渠道/channel/store/group;
    an exact header beats one that merely contains the word; a column is used once.
    """
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for key in ("date", "orders", "revenue", "group"):
        scored = [(_match(c, _SALES_WORDS[key]), -i, str(c)) for i, c in enumerate(columns) if str(c) not in taken]
        best = max(scored, default=(0, 0, None))
        out[key] = best[2] if best[0] else None
        if out[key]:
            taken.add(out[key])
    return {k: out[k] for k in ("date", "revenue", "orders", "group")}


def looks_like_sales(columns) -> bool:
    """Whether a table reads as a sales table (a date and sales or orders, no customer/order id column)."""
    proposed = propose_sales_columns(columns)
    has_ids = any(_match(c, _ID_WORDS) for c in columns)
    return bool(proposed["date"] and (proposed["revenue"] or proposed["orders"]) and not has_ids)


def _examples(values: pd.Series) -> Localized:
    shown = [f"“{v}”" for v in values.astype(str).drop_duplicates().head(3)]
    return Localized.listing(shown)


def series_from_table(frame: pd.DataFrame, *, date: str, value: str, group: str | None = None,
                      freq: str) -> pd.DataFrame:
    """A daily or weekly sales table (text cells, as :func:`crm_core.pipeline.read` gives) -> the series.

    Dates in any form the order reader takes (2025-01-31, 2025/1/31, 2025年1月31日...); numbers like 1,234.50 or
    ¥1,234.  A row covers its day, or its week when the dates are a week apart (median gap of 7 days or more);
    rows of the same period are added up; missing days count as 0.  When more than 10% of the filled cells of the
    date or value column cannot be read, DataError names the column and examples; fewer are left out with their
    reason (``attrs["excluded"]``, said in ``attrs["notes"]``), as are rows with a blank date or value.

    Returns the frame of :func:`series_from_orders` (``"total"``, or one column per value of ``group``).
    """
    from crm_core.ingest.dates import parse_dates
    from crm_core.ingest.values import parse_amounts

    check_freq(freq)
    for column in (date, value, group):
        if column is not None and column not in frame.columns:
            raise DataError("fc_missing_column", column=column, columns=Localized.listing(frame.columns))
    if frame.empty:
        raise DataError("fc_no_history", where="")
    dates, amounts = parse_dates(frame[date]), parse_amounts(frame[value])
    rows = pd.Series(np.arange(len(frame)) + 2, index=frame.index)
    checks = (("fc_dates_unreadable", date, dates.failed, frame[date].isna(), "date_unreadable", "date_blank"),
              ("fc_values_unreadable", value, amounts.failed, frame[value].isna(), "value_unreadable",
               "value_blank"))
    bad = pd.Series(False, index=frame.index)
    excluded = []
    for code, column, failed, blank, reason, blank_reason in checks:
        filled = int((~blank).sum())
        if failed.sum() and (failed.sum() > UNREADABLE_SHARE * filled or failed.sum() == filled):
            raise DataError(code, column=column, rows=int(failed.sum()), total=filled,
                            examples=_examples(frame.loc[failed, column]))
        for why, mask in ((reason, failed & ~bad), (blank_reason, blank & ~failed & ~bad)):
            if mask.any():
                excluded.append(pd.DataFrame({"row": rows[mask], "reason": why,
                                              "value": frame.loc[mask, column].astype(object)}))
            bad |= mask
    kept = frame.loc[~bad]
    if kept.empty:
        raise DataError("fc_no_history", where="")
    days = dates.values[~bad].dt.normalize()
    gaps = np.diff(np.unique(days.to_numpy()))
    step = 7 if len(gaps) and np.median(gaps) >= np.timedelta64(7, "D") else 1
    labels = (kept[group].astype(object).where(kept[group].notna(), BLANK_GROUP).astype(str) if group
              else pd.Series("total", index=kept.index))
    table = (pd.DataFrame({"period": period_start(days, freq), "group": labels, "value": amounts.values[~bad]})
             .groupby(["period", "group"])["value"].sum().unstack("group", fill_value=0.0))
    table.columns = [str(c) for c in table.columns]
    table, notes = _complete(table, days.min(), days.max() + pd.Timedelta(days=step - 1), freq)
    out = _ordered(table) if group else table
    dropped = pd.concat(excluded, ignore_index=True) if excluded else excluded_rows(out)
    if len(dropped):
        counts = dropped["reason"].value_counts()
        words = {"date_unreadable": ("without a readable date", "日期无法识别"),
                 "date_blank": ("without a date", "日期为空"),
                 "value_unreadable": ("without a readable number", "数字无法识别"),
                 "value_blank": ("without a value", "数值为空")}
        reasons = Localized(en=", ".join(f"{n:,} {words[r][0]}" for r, n in counts.items()),
                            zh="，".join(f"{n:,} 行{words[r][1]}" for r, n in counts.items()))
        notes.append(Note.of("fc_rows_excluded", level="warning", rows=len(dropped), reasons=reasons))
    out.attrs["notes"] = tuple(notes)
    out.attrs["excluded"] = dropped
    return out
