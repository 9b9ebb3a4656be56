"""Daily sales by channel with planted seasonality, for the sales forecast.

A stream of its own (see :mod:`crm_core.sample.generator`): it reads nothing of the orders or customers, so no
existing row changes.  It writes daily_sales_en.csv and daily_sales_zh.csv: the three years up to the sample's
last day (2023-01-01 .. 2025-12-31 by default), one row per day and channel.

Expected orders of a channel on a day::

    BASE_ORDERS[channel] * MONTH_FACTORS[month] * WEEKDAY_FACTORS[weekday] * (1 + TREND_PER_YEAR) ** years

``years`` counts from the first day of the series (:func:`origin`).  Orders are that times log-normal noise
(sigma :data:`ORDER_NOISE`), rounded; revenue is orders times the channel's average order value
(:data:`ORDER_VALUE`) times log-normal noise (sigma :data:`VALUE_NOISE`), in yuan with 2 decimals.

The month factors plant a Chinese retail year: 双11 (Singles' Day) makes November the peak by far, 618 lifts
June, the Spring Festival dips February, December stays high.  Weekends sell :data:`WEEKEND_RATIO` times a weekday
(about 1.22).  The noise of a day depends only on the seed and how many days it lies after the origin, so
:func:`sales_frame` gives any period, past or future, consistently: tests can compare a forecast of 2026 with what
was planted for it (never written to a file).

Files (sorted by date, then channel in the order of :data:`CHANNELS`; en: UTF-8, LF; zh: UTF-8 with BOM, CRLF):
en ``date, channel, orders, revenue``; zh ``日期, 渠道, 订单数, 销售额``; dates ISO (2023-01-01); channels
Tmall, JD, WeChat Mini Program / 天猫旗舰店, 京东自营, 微信小程序.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Protocol

import numpy as np
import pandas as pd

CHANNELS = ("天猫旗舰店", "京东自营", "微信小程序")
CHANNELS_EN = ("Tmall", "JD", "WeChat Mini Program")  # same order
BASE_ORDERS: Mapping[str, float] = MappingProxyType({"天猫旗舰店": 140.0, "京东自营": 90.0, "微信小程序": 55.0})
ORDER_VALUE: Mapping[str, float] = MappingProxyType({"天猫旗舰店": 210.0, "京东自营": 260.0, "微信小程序": 180.0})
# January .. December
MONTH_FACTORS: tuple[float, ...] = (0.95, 0.70, 0.90, 0.92, 0.98, 1.30, 0.90, 0.88, 0.95, 1.05, 2.00, 1.35)
PEAK_MONTH = 11  # 双11
LOW_MONTH = 2  # Spring Festival
# Monday .. Sunday
WEEKDAY_FACTORS: tuple[float, ...] = (0.92, 0.90, 0.92, 0.95, 1.02, 1.15, 1.14)
WEEKEND_RATIO = (sum(WEEKDAY_FACTORS[5:]) / 2) / (sum(WEEKDAY_FACTORS[:5]) / 5)
TREND_PER_YEAR = 0.12  # growth per year (compound, continuous)
ORDER_NOISE = 0.08
VALUE_NOISE = 0.04
YEARS = 3  # the files hold this many calendar years up to the sample's last day
COLUMNS = ("date", "channel", "orders", "revenue")
ZH_HEADERS = ("日期", "渠道", "订单数", "销售额")


class _Seeded(Protocol):
    seed: int
    end: date


def origin(spec: _Seeded) -> date:
    """The first day of the series: 1 January, :data:`YEARS` - 1 years before the year of ``spec.end``."""
    return date(spec.end.year - YEARS + 1, 1, 1)


def expected_orders(days: pd.DatetimeIndex, channel: str, *, first: date) -> np.ndarray:
    """The planted (noise-free) orders per day of ``channel`` (module docstring), ``first``: the origin."""
    years = (days - pd.Timestamp(first)).days.to_numpy() / 365.25
    month = np.array(MONTH_FACTORS)[days.month.to_numpy() - 1]
    weekday = np.array(WEEKDAY_FACTORS)[days.day_of_week.to_numpy()]
    return BASE_ORDERS[channel] * month * weekday * (1 + TREND_PER_YEAR) ** years


def sales_frame(spec: _Seeded, start: date, end: date) -> pd.DataFrame:
    """Planted daily sales from ``start`` to ``end`` (inclusive), any period from :func:`origin` on.

    ``spec``: a :class:`crm_core.sample.generator.SampleSpec` (its seed and last day).  The same day always gets
    the same values, whatever period is asked for.

    Returns
    -------
    DataFrame
        date (datetime64), channel (Chinese, :data:`CHANNELS` order within a day), orders (int64), revenue (float,
        yuan, 2 decimals), expected_orders (float: the planted mean, without noise).

    Raises
    ------
    ValueError
        If ``start`` is before :func:`origin` or after ``end``.
    """
    first = origin(spec)
    if start < first or end < start:
        raise ValueError(f"start must be on or after {first} and not after end, got {start} .. {end}")
    every = pd.date_range(first, end, freq="D")
    rng = np.random.default_rng([spec.seed, zlib.crc32(b"daily_sales")])
    noise = rng.standard_normal((len(every), len(CHANNELS), 2))  # a day's draws depend only on its position
    keep = every >= pd.Timestamp(start)
    days = every[keep]
    frames = []
    for c, channel in enumerate(CHANNELS):
        mean = expected_orders(days, channel, first=first)
        z = noise[keep, c, :]
        orders = np.round(mean * np.exp(ORDER_NOISE * z[:, 0] - ORDER_NOISE**2 / 2)).astype("int64")
        revenue = np.round(orders * ORDER_VALUE[channel] * np.exp(VALUE_NOISE * z[:, 1] - VALUE_NOISE**2 / 2), 2)
        frames.append(pd.DataFrame({"date": days, "channel": channel, "orders": orders, "revenue": revenue,
                                    "expected_orders": mean, "c": c}))
    frame = pd.concat(frames, ignore_index=True).sort_values(["date", "c"], kind="stable")
    return frame.drop(columns="c").reset_index(drop=True).astype({"channel": "str"})


def daily_sales(spec: _Seeded) -> pd.DataFrame:
    """The files' rows: :func:`sales_frame` from :func:`origin` to ``spec.end``."""
    return sales_frame(spec, origin(spec), spec.end)


def _text(sales: pd.DataFrame, lang: str) -> pd.DataFrame:
    english = dict(zip(CHANNELS, CHANNELS_EN, strict=True))
    return pd.DataFrame({
        "date": sales["date"].dt.strftime("%Y-%m-%d"),
        "channel": sales["channel"].map(english) if lang == "en" else sales["channel"],
        "orders": sales["orders"].astype("int64"),
        "revenue": [f"{v:.2f}" for v in sales["revenue"]],
    })


def sales_en_csv_bytes(sales: pd.DataFrame) -> bytes:
    """daily_sales_en.csv: UTF-8 (no BOM), LF, English headers and channel names."""
    return _text(sales, "en").to_csv(index=False, lineterminator="\n").encode("utf-8")


def sales_zh_csv_bytes(sales: pd.DataFrame) -> bytes:
    """daily_sales_zh.csv: UTF-8 with BOM, CRLF, Chinese headers and channel names."""
    text = _text(sales, "zh")
    text.columns = list(ZH_HEADERS)
    return text.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
