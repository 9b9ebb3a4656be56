"""Which columns of an attribution table are which: header words in English and Chinese -> the proposed column of
each role, and the table's format (touchpoints or ready paths).  Private to :mod:`crm_core.measure.attribution`
(which re-exports the public names)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# Header words (normalised: lower case, no blanks, "_" or "-"), exact matches first, then "contains".
TOUCHPOINT_WORDS: dict[str, tuple[str, ...]] = {
    "journey": ("journeyid", "journey", "pathid", "旅程编号", "旅程id", "旅程", "customerid", "客户编号", "客户id",
                "userid", "用户id", "用户编号", "visitorid", "sessionid", "会员编号", "客户", "customer"),
    "time": ("touchtime", "触点时间", "time", "timestamp", "datetime", "时间", "date", "日期", "接触时间"),
    "channel": ("channel", "渠道", "source", "来源", "medium", "媒介", "touchpoint", "触点渠道"),
    "converted": ("converted", "是否转化", "conversion", "isconverted", "已转化", "转化", "成交"),
    "value": ("value", "转化金额", "conversionvalue", "金额", "revenue", "amount", "销售额", "收入"),
}
PATH_WORDS: dict[str, tuple[str, ...]] = {
    "path": ("path", "路径", "paths", "渠道路径", "customerjourney", "journey"),
    "conversions": ("totalconversions", "转化数", "conversions", "转化次数", "conversion", "转化"),
    "value": ("totalconversionvalue", "转化金额", "conversionvalue", "value", "金额", "revenue"),
    "nulls": ("totalnull", "未转化数", "totalnulls", "nulls", "null", "未转化", "未转化次数", "nonconversions"),
}
# "转化金额" holds "转化" and "未转化数" holds "转化数": the more specific roles claim columns first.
_CONTAINS_ORDER = {"touchpoints": ("value", "time", "channel", "converted", "journey"),
                   "paths": ("value", "nulls", "conversions", "path")}

def _norm(header: object) -> str:
    return re.sub(r"[\s_\-]+", "", str(header)).lower()


def _propose(columns: Iterable[object], words: Mapping[str, tuple[str, ...]], order: tuple[str, ...]) -> dict:
    names = [str(c) for c in columns]
    normed = {name: _norm(name) for name in names}
    found: dict[str, str | None] = dict.fromkeys(words)
    taken: set[str] = set()
    for role, options in words.items():  # exact matches first
        for word in options:
            hit = next((n for n in names if normed[n] == word and n not in taken), None)
            if hit is not None:
                found[role] = hit
                taken.add(hit)
                break
    for role in order:  # then a header that contains a word
        if found[role] is not None:
            continue
        for word in words[role]:
            hit = next((n for n in names if word in normed[n] and n not in taken), None)
            if hit is not None:
                found[role] = hit
                taken.add(hit)
                break
    return found


def propose_touchpoint_columns(columns: Iterable[object]) -> dict[str, str | None]:
    """The columns of a touchpoint table by their headers (English and Chinese words): keys journey, time,
    channel, converted, value (None when no header fits)."""
    return _propose(columns, TOUCHPOINT_WORDS, _CONTAINS_ORDER["touchpoints"])


def propose_path_columns(columns: Iterable[object]) -> dict[str, str | None]:
    """The columns of a ready-path table (e.g. ChannelAttribution's ``path;total_conversions;
    total_conversion_value;total_null``): keys path, conversions, value, nulls (None when no header fits)."""
    return _propose(columns, PATH_WORDS, _CONTAINS_ORDER["paths"])


def detect_format(columns: Iterable[object]) -> str | None:
    """"touchpoints" when the headers name a journey, a time and a channel; else "paths" when they name a path
    and its conversions; else None (ask the user)."""
    columns = list(columns)
    touch = propose_touchpoint_columns(columns)
    if touch["journey"] and touch["time"] and touch["channel"]:
        return "touchpoints"
    ready = propose_path_columns(columns)
    if ready["path"] and ready["conversions"]:
        return "paths"
    return None
