"""Customer journeys across marketing channels planted in the demo data, for channel attribution.

A stream of its own ("touchpoints" random stream, see :mod:`crm_core.sample.generator`): it reads nothing of the
orders or customers, so no existing row changes.  It writes touchpoints_en.csv and touchpoints_zh.csv.

:data:`N_JOURNEYS` journeys (2,000) start on days spread over the sample year; exactly :data:`CONVERT_SHARE` of
them (30%, rounded) end in a purchase.  Each journey is a few touches (:data:`CONVERTING_LENGTHS`,
:data:`OTHER_LENGTHS`), days apart (:data:`GAP_DAYS`), at daytime hours; a converting journey converts on its last
touch, which carries the purchase value (yuan, log-normal around :data:`VALUE_MEDIAN`).

The planted roles (:data:`PLANTED_ROLES`, channels in English):

* Xiaohongshu *introduces*: the most frequent first touch of converting journeys (:data:`FIRST_TOUCH`: 45% of
  those with two touches or more; one-touch journeys are mostly Baidu Search or Store, :data:`SINGLE_TOUCH`) and
  never their last touch (:data:`LAST_TOUCH`);
* Baidu Search *closes*: the most frequent last touch of converting journeys (55% of those with two touches or
  more);
* SMS is mostly in journeys that do not convert (35% of their touches, where the SMS reminders come last; rarely
  in converting ones), so its journeys convert least and the Markov removal effect gives it the least credit.

The default sample: 5,107 touches, 600 converting journeys; among them Xiaohongshu is the first touch of 36.7%
(Douyin next, 23.2%) and the last of none, Baidu Search the last touch of 57.2%; journeys with an SMS touch
convert 6.2% of the time (next lowest Douyin, 32.3%; Baidu Search 58.0%), and a first-order Markov chain gives
SMS a removal effect of 0.047 (Baidu Search 0.634).  Converting journeys last a median 3 days from first touch to
purchase.

Files (one row per touch, sorted by journey then time; en: UTF-8, LF; zh: UTF-8 with BOM, CRLF):

===========  ========  ==============================================================
English      Chinese   value (en / zh)
===========  ========  ==============================================================
journey_id   旅程编号   J00001 ... (numbered by the journey's first touch)
touch_time   触点时间   "YYYY-MM-DD HH:MM", strictly increasing within a journey
channel      渠道       Douyin, Xiaohongshu, Baidu Search, WeChat, SMS, Store /
                       抖音, 小红书, 百度搜索, 微信, 短信, 门店
converted    是否转化   yes/no / 是/否: yes only on the touch where the journey converted (its last)
value        转化金额   the purchase value on that row (2 decimals), blank on the others
===========  ========  ==============================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

import numpy as np
import pandas as pd

CHANNELS = ("抖音", "小红书", "百度搜索", "微信", "短信", "门店")
CHANNELS_EN = ("Douyin", "Xiaohongshu", "Baidu Search", "WeChat", "SMS", "Store")  # same order
N_JOURNEYS = 2000
CONVERT_SHARE = 0.30
PLANTED_ROLES: Mapping[str, str] = MappingProxyType({
    "introducer": "Xiaohongshu",  # first touch of many converting journeys, rarely (never) the last
    "closer": "Baidu Search",  # last touch of most converting journeys
    "weak": "SMS",  # mostly in journeys that do not convert
})


def _weights(**by_channel: float) -> np.ndarray:
    names = dict(zip(CHANNELS_EN, range(len(CHANNELS_EN)), strict=True))
    weights = np.zeros(len(CHANNELS_EN))
    for name, w in by_channel.items():
        weights[names[name.replace("_", " ")]] = w
    return weights / weights.sum()


# Channel chances by position (English names; "Baidu_Search" = "Baidu Search").
FIRST_TOUCH = _weights(Xiaohongshu=0.45, Douyin=0.25, WeChat=0.13, Baidu_Search=0.10, Store=0.05, SMS=0.02)
LAST_TOUCH = _weights(Baidu_Search=0.55, Store=0.18, WeChat=0.17, Douyin=0.08, SMS=0.02)
MIDDLE_TOUCH = _weights(WeChat=0.31, Douyin=0.26, Xiaohongshu=0.20, Baidu_Search=0.20, SMS=0.03)
SINGLE_TOUCH = _weights(Baidu_Search=0.60, Store=0.30, WeChat=0.10)  # one-touch converting journeys
OTHER_TOUCH = _weights(SMS=0.35, Douyin=0.22, WeChat=0.15, Xiaohongshu=0.13, Baidu_Search=0.10, Store=0.05)
# Chances of 1, 2, 3, ... touches.
CONVERTING_LENGTHS = (0.12, 0.25, 0.28, 0.18, 0.11, 0.06)
OTHER_LENGTHS = (0.30, 0.30, 0.22, 0.12, 0.06)
GAP_DAYS = ((0, 1, 2, 3, 5, 8), (0.20, 0.28, 0.20, 0.15, 0.10, 0.07))  # days between touches, with chances
HOUR_WEIGHTS = np.array([0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 6, 5, 4, 4, 4, 4, 5, 6, 8, 9, 7, 3], dtype=float)
VALUE_MEDIAN = 260.0  # yuan (log-normal, sigma 0.6)
COLUMNS = ("journey_id", "touch_time", "channel", "converted", "value")
ZH_HEADERS = ("旅程编号", "触点时间", "渠道", "是否转化", "转化金额")
_LAST_START_DAYS = 20  # journeys start at least this many days before the last day of the year


def plant_touchpoints(rng: np.random.Generator, *, start: date, end: date,
                      n_journeys: int = N_JOURNEYS) -> pd.DataFrame:
    """The planted journeys (module docstring), journeys starting between ``start`` and ``end`` - 20 days.

    Returns
    -------
    DataFrame
        one row per touch, sorted by journey_id then touch_time: journey_id (str), touch_time (datetime64,
        minutes), channel (Chinese), converted (bool: the converting touch), value (float, NaN elsewhere).
    """
    n_convert = round(CONVERT_SHARE * n_journeys)
    converting = rng.permutation(np.arange(n_journeys) < n_convert)
    lengths = np.where(converting, 1 + rng.choice(len(CONVERTING_LENGTHS), size=n_journeys, p=CONVERTING_LENGTHS),
                       1 + rng.choice(len(OTHER_LENGTHS), size=n_journeys, p=OTHER_LENGTHS))
    owner = np.repeat(np.arange(n_journeys), lengths)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    size = lengths[owner]
    conv = converting[owner]
    picks = {name: rng.choice(len(CHANNELS), size=len(owner), p=p) for name, p in
             (("first", FIRST_TOUCH), ("last", LAST_TOUCH), ("middle", MIDDLE_TOUCH), ("single", SINGLE_TOUCH),
              ("other", OTHER_TOUCH))}
    channel = np.select(
        [~conv, size == 1, step == 0, step == size - 1],
        [picks["other"], picks["single"], picks["first"], picks["last"]], default=picks["middle"])
    # a journey that goes nowhere ends in its SMS reminders: SMS touches move to its end (order otherwise kept)
    trailing = ~conv & (channel == CHANNELS.index("短信"))
    channel = channel[np.lexsort((step, trailing, owner))]
    span = (end - start).days - _LAST_START_DAYS
    first_day = rng.integers(0, span + 1, size=n_journeys)
    gaps = np.where(step == 0, first_day[owner], rng.choice(GAP_DAYS[0], size=len(owner), p=GAP_DAYS[1]))
    day = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[np.cumsum(lengths) - lengths] - first_day, lengths)
    minute = (rng.choice(24, size=len(owner), p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum()) * 60
              + rng.integers(0, 60, size=len(owner)))
    stamp = _increasing(owner, day * 1440 + minute)
    value = np.round(np.exp(np.log(VALUE_MEDIAN) + 0.6 * rng.standard_normal(len(owner))), 2)
    is_conversion = conv & (step == size - 1)
    base = pd.Timestamp(start)
    frame = pd.DataFrame({
        "owner": owner,
        "touch_time": base + pd.to_timedelta(stamp, unit="min"),
        "channel": np.array(CHANNELS)[channel],
        "converted": is_conversion,
        "value": np.where(is_conversion, value, np.nan),
    })
    first_touch = frame.groupby("owner")["touch_time"].min().sort_values(kind="stable")
    number = pd.Series(np.arange(1, n_journeys + 1), index=first_touch.index)
    frame = frame.assign(journey_id=[f"J{n:05d}" for n in number.reindex(frame["owner"]).to_numpy()])
    frame = frame.sort_values(["journey_id", "touch_time"], kind="stable").reset_index(drop=True)
    return frame.loc[:, list(COLUMNS)].astype({"journey_id": "str", "channel": "str"})


def _increasing(owner: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Minutes since the start: each journey's times sorted and at least 3 minutes apart, so its k-th touch (rows
    in journey then step order, as ``owner`` is) gets the k-th time and the channels keep their planted order."""
    stamp = minutes[np.lexsort((minutes, owner))].astype(np.int64)  # owner is sorted: journeys keep their rows
    for i in range(1, len(stamp)):
        if owner[i] == owner[i - 1] and stamp[i] < stamp[i - 1] + 3:
            stamp[i] = stamp[i - 1] + 3
    return stamp


def _text(touches: pd.DataFrame, lang: str) -> pd.DataFrame:
    english = dict(zip(CHANNELS, CHANNELS_EN, strict=True))
    yes, no = ("yes", "no") if lang == "en" else ("是", "否")
    return pd.DataFrame({
        "journey_id": touches["journey_id"],
        "touch_time": touches["touch_time"].dt.strftime("%Y-%m-%d %H:%M"),
        "channel": touches["channel"].map(english) if lang == "en" else touches["channel"],
        "converted": np.where(touches["converted"], yes, no),
        "value": [f"{v:.2f}" if v == v else "" for v in touches["value"]],
    })


def touchpoints_en_csv_bytes(touches: pd.DataFrame) -> bytes:
    """touchpoints_en.csv: UTF-8 (no BOM), LF, English headers and channel names, yes/no."""
    return _text(touches, "en").to_csv(index=False, lineterminator="\n").encode("utf-8")


def touchpoints_zh_csv_bytes(touches: pd.DataFrame) -> bytes:
    """touchpoints_zh.csv: UTF-8 with BOM, CRLF, Chinese headers and channel names, 是/否."""
    text = _text(touches, "zh")
    text.columns = list(ZH_HEADERS)
    return text.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")

