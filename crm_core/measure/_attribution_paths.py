"""Reading attribution input: touchpoints (one row per touch) or ready paths (one row per path with counts) ->
:class:`Paths`.  Private to :mod:`crm_core.measure.attribution` (which re-exports the public names).

Everything is vectorised (numpy/pandas): a million touchpoints read in about a second.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crm_core.ingest.values import parse_amounts
from crm_core.messages import Localized
from crm_core.schema import DataError

FORMATS = ("touchpoints", "paths")
MAX_CHANNELS = 1_000  # more distinct channels than this: the column is not a channel column
EXAMPLES = 3

ROLE_WORDS = {
    "journey": Localized(en="journey id", zh="旅程编号"), "time": Localized(en="touch time", zh="触点时间"),
    "channel": Localized(en="channel", zh="渠道"), "converted": Localized(en="converted", zh="是否转化"),
    "value": Localized(en="value", zh="转化金额"), "path": Localized(en="path", zh="路径"),
    "conversions": Localized(en="conversions", zh="转化数"), "nulls": Localized(en="nulls (not converted)",
                                                                                   zh="未转化数"),
}
FORMAT_WORDS = {"touchpoints": Localized(en="touchpoints", zh="触点明细"), "paths": Localized(en="paths", zh="路径")}

_YES = {"yes", "y", "1", "1.0", "true", "t", "converted", "conversion", "purchased", "bought", "success", "won",
        "是", "已转化", "转化", "成交", "已成交", "购买", "已购买", "成功", "√", "✓", "✔"}
_NO = {"no", "n", "0", "0.0", "false", "f", "not converted", "none", "-", "否", "未转化", "无", "未成交", "×", "✗"}


@dataclass(frozen=True, eq=False)
class Paths:
    """Journeys ready for attribution.

    frame : DataFrame, one row per journey (touchpoints) or per table row (ready paths): path (str, channels
        joined by " > "), conversions (float), value (float), nulls (float: journeys that did not convert),
        length (int: touches), and ``journey`` (str) for touchpoints.
    channels : the channels, sorted.
    touches : DataFrame, one row per touch in path order: row (int, position in ``frame``), step (int, 0 = first),
        channel (int, index into ``channels``), age (float: how long before the path's last touch, in
        ``age_unit``: for touchpoints the days between the touch and the conversion (or the journey's last touch);
        for ready paths, which have no times, the number of steps before the last touch, so a step counts as one
        day of the time-decay half life).
    age_unit : "days" or "steps".
    excluded : DataFrame of the rows left out: row (the file's row number), reason (an ``at_reason_*`` code),
        column, value.
    source_rows : rows read.
    """

    frame: pd.DataFrame
    channels: tuple[str, ...]
    touches: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"row": pd.Series(dtype=np.int64), "step": pd.Series(dtype=np.int64),
         "channel": pd.Series(dtype=np.int64), "age": pd.Series(dtype=float)}))
    age_unit: str = "steps"
    excluded: pd.DataFrame = field(default_factory=lambda: _excluded([]))
    source_rows: int = 0

    @property
    def total_conversions(self) -> float:
        return float(self.frame["conversions"].sum())

    @property
    def total_value(self) -> float:
        return float(self.frame["value"].sum())


def _excluded(parts: list[pd.DataFrame]) -> pd.DataFrame:
    empty = pd.DataFrame({"row": pd.Series(dtype=np.int64), "reason": pd.Series(dtype=object),
                          "column": pd.Series(dtype=object), "value": pd.Series(dtype=object)})
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty
    return pd.concat(parts, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)


def _left_out(frame: pd.DataFrame, mask: np.ndarray, reason: str, column: str | None) -> pd.DataFrame:
    if not mask.any():
        return pd.DataFrame()
    rows = frame.index[mask]
    values = frame.loc[mask, column].astype(object).where(lambda s: s.notna(), "") if column else ""
    return pd.DataFrame({"row": np.asarray(rows, dtype=np.int64), "reason": reason, "column": column or "",
                         "value": np.asarray(values, dtype=object) if column else ""})


def _examples(values: pd.Series) -> str:
    shown = pd.unique(values.dropna().astype(str))[:EXAMPLES]
    return ", ".join(f"\u201c{v}\u201d" for v in shown) or "\u201c\u201d"


def _check_columns(frame: pd.DataFrame, given: Mapping[str, str | None], required: tuple[str, ...],
                   fmt: str) -> None:
    listing = Localized.listing(frame.columns)
    for role in required:
        if not given.get(role):
            raise DataError("at_column_needed", role=ROLE_WORDS[role], format=FORMAT_WORDS[fmt], columns=listing,
                            option=f"--{role}")
    seen: dict[str, str] = {}
    for role, column in given.items():
        if not column:
            continue
        if column not in frame.columns:
            raise DataError("at_column_missing", column=column, role=ROLE_WORDS[role], columns=listing)
        if column in seen:
            raise DataError("at_same_column", column=column, first=ROLE_WORDS[seen[column]], second=ROLE_WORDS[role])
        seen[column] = role


def _no_rows(excluded: pd.DataFrame) -> DataError:
    counts = excluded["reason"].value_counts()
    from crm_core.messages import render

    def words(lang: str) -> str:
        sep = "；" if lang == "zh" else "; "
        return sep.join(render("at_reason_summary", lang, count=int(n), reason=Localized(
            en=render(code, "en"), zh=render(code, "zh"))) for code, n in counts.items())
    return DataError("at_no_rows", reasons=Localized(en=words("en"), zh=words("zh")))


def _numbers(frame: pd.DataFrame, column: str, role: str, *, reason: str) -> tuple[np.ndarray, np.ndarray]:
    """(values with blanks as 0, bad mask: unreadable or negative); DataError when nothing non-blank reads."""
    raw = frame[column]
    parsed = parse_amounts(raw)
    values = parsed.values.to_numpy(dtype=float)
    bad = parsed.failed.to_numpy(dtype=bool) | (values < 0)
    if bad.any() and not (np.isfinite(values) & ~bad).any():
        raise DataError("at_number_unreadable", column=column, role=ROLE_WORDS[role], examples=_examples(raw[bad]))
    return np.where(np.isfinite(values) & ~bad, values, 0.0), bad


def _channel_codes(names: pd.Series, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
    codes, uniques = pd.factorize(names, sort=True)
    if len(uniques) > MAX_CHANNELS:
        raise DataError("at_too_many_channels", column=column, count=len(uniques), limit=MAX_CHANNELS,
                        examples=_examples(pd.Series(uniques[:EXAMPLES])))
    return codes.astype(np.int64), tuple(str(u) for u in uniques)


def _joined(codes: np.ndarray, starts: np.ndarray, channels: tuple[str, ...]) -> pd.Series:
    """Path text per segment: the channel names of each segment (consecutive runs of ``codes`` beginning at
    ``starts``) joined by " > " (in Arrow: a million touches in a fraction of a second)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = pa.array(list(channels), type=pa.string()).take(pa.array(codes, type=pa.int64()))
    offsets = pa.array(np.r_[starts, len(codes)].astype(np.int32), type=pa.int32())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, names), " > ")
    return pd.Series(joined, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _parse_times(raw: pd.Series) -> pd.Series:
    """Times in the column's own format (inferred from its first value), others one by one; NaT when unreadable."""
    with warnings.catch_warnings():  # "could not infer format": the values are then read one by one, as wanted
        warnings.simplefilter("ignore", UserWarning)
        times = pd.to_datetime(raw, errors="coerce")
        retry = times.isna() & raw.notna()
        if retry.any():
            again = pd.to_datetime(raw[retry], errors="coerce", format="mixed")
            times = times.where(~retry, again)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert(None)
    return times


def _converted(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(converted bool, unreadable bool): yes/no words in English and Chinese, 1/0, blank = no."""
    codes, uniques = pd.factorize(raw.str.strip().str.lower())
    known_yes = np.array([u in _YES for u in uniques], dtype=bool)
    known_no = np.array([u in _NO or u == "" for u in uniques], dtype=bool)
    blank = codes < 0
    yes = np.where(blank, False, known_yes[codes] if len(uniques) else False)
    bad = np.where(blank, False, ~(known_yes | known_no)[codes] if len(uniques) else False)
    return yes, bad


def paths_from_touchpoints(frame: pd.DataFrame, *, journey: str, time: str, channel: str, converted: str,
                           value: str | None = None) -> Paths:
    """Journeys from touchpoints: one row per touch (``frame``: a raw table of text, e.g. ``RawTable.frame``,
    whose index is the file's row number).

    The touches of a journey id are put in time order (ties keep the file's order); a journey *ends at each
    conversion*: the touches up to and including a converting touch make one converting path (its value is the
    converting row's value), and the touches after the last conversion make one path that did not convert (a
    null).  Rows with no journey id, no channel, an unreadable time, converted flag or value are left out, each
    with its reason (``Paths.excluded``).  Converted reads yes/no, 1/0, true/false, 是/否, 已转化/未转化
    (blank = no).

    Raises
    ------
    DataError
        at_column_needed / at_column_missing / at_same_column (the columns); at_time_unreadable (no time reads),
        at_converted_unreadable (no flag reads), at_number_unreadable (no value reads), at_no_rows, at_no_conversions,
        at_too_many_channels.
    """
    given = {"journey": journey, "time": time, "channel": channel, "converted": converted, "value": value}
    _check_columns(frame, given, ("journey", "time", "channel", "converted"), "touchpoints")
    parts = []
    keep = np.ones(len(frame), dtype=bool)
    ids = frame[journey].str.strip()
    missing = ids.isna().to_numpy() | (ids == "").to_numpy(dtype=bool, na_value=True)
    parts.append(_left_out(frame, missing, "at_reason_no_journey", journey))
    keep &= ~missing
    names = frame[channel].str.strip()
    missing = names.isna().to_numpy() | (names == "").to_numpy(dtype=bool, na_value=True)
    parts.append(_left_out(frame, keep & missing, "at_reason_no_channel", channel))
    keep &= ~missing
    times = _parse_times(frame[time])
    bad_time = times.isna().to_numpy()
    if bad_time.all():
        raise DataError("at_time_unreadable", column=time, examples=_examples(frame[time]))
    parts.append(_left_out(frame, keep & bad_time, "at_reason_bad_time", time))
    keep &= ~bad_time
    flags, bad_flag = _converted(frame[converted])
    if bad_flag.any() and not (flags | (~bad_flag & frame[converted].notna().to_numpy())).any():
        raise DataError("at_converted_unreadable", column=converted, count=int(bad_flag.sum()),
                        examples=_examples(frame.loc[bad_flag, converted]))
    parts.append(_left_out(frame, keep & bad_flag, "at_reason_bad_converted", converted))
    keep &= ~bad_flag
    amounts = np.zeros(len(frame))
    if value:
        amounts, bad_value = _numbers(frame, value, "value", reason="at_reason_bad_value")
        bad_value &= flags  # a value on a touch that did not convert is not used, so not checked
        parts.append(_left_out(frame, keep & bad_value, "at_reason_bad_value", value))
        keep &= ~bad_value
    excluded = _excluded(parts)
    if not keep.any():
        raise _no_rows(excluded)

    everything = bool(keep.all())
    kept_ids = ids if everything else ids[keep]
    journey_codes, _ = pd.factorize(kept_ids)
    kept_times = times if everything else times[keep]
    stamp = kept_times.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    codes, channels = _channel_codes(names if everything else names[keep], channel)
    conv, amount = (flags, amounts) if everything else (flags[keep], amounts[keep])
    same = journey_codes[1:] == journey_codes[:-1]
    if np.all((journey_codes[1:] > journey_codes[:-1]) | (same & (stamp[1:] >= stamp[:-1]))):
        order = np.arange(len(stamp))  # the file is already in journey and time order (most exports are)
    else:
        order = np.lexsort((stamp, journey_codes))  # stable: touches at the same time keep the file's order
        journey_codes, stamp, codes = journey_codes[order], stamp[order], codes[order]
        conv, amount = conv[order], amount[order]
    jc = journey_codes
    n = len(jc)
    starts_flag = np.ones(n, dtype=bool)
    starts_flag[1:] = (jc[1:] != jc[:-1]) | conv[:-1]  # a new journey, or the touch after a conversion
    segment = np.cumsum(starts_flag) - 1
    starts = np.flatnonzero(starts_flag)
    ends = np.r_[starts[1:], n] - 1
    lengths = ends - starts + 1
    seg_conv = conv[ends].astype(float)
    age = (stamp[ends][segment] - stamp) / (86_400 * 1e9)
    if not seg_conv.any():
        raise DataError("at_no_conversions", format=FORMAT_WORDS["touchpoints"], column=converted)
    paths = pd.DataFrame({
        "journey": kept_ids.iloc[order[starts]].to_numpy(dtype=object),
        "path": _joined(codes, starts, channels),
        "conversions": seg_conv,
        "value": np.where(seg_conv > 0, amount[ends], 0.0),
        "nulls": 1.0 - seg_conv,
        "length": lengths.astype(np.int64),
    })
    touches = pd.DataFrame({"row": segment.astype(np.int64), "step": np.arange(n) - starts[segment],
                            "channel": codes, "age": age})
    return Paths(frame=paths, channels=channels, touches=touches, age_unit="days", excluded=excluded,
                 source_rows=len(frame))


def paths_from_table(frame: pd.DataFrame, *, path: str, conversions: str, value: str | None = None,
                     nulls: str | None = None, separator: str = " > ") -> Paths:
    """Ready paths: one row per path, e.g. ``wechat > search > store`` with its conversions, conversion value and
    nulls (journeys on that path that did not convert), as ChannelAttribution's Data.csv.

    Channels are split at ``separator``; blanks around it do not matter (" > " and ">" read the same), nor do
    empty steps.  Blank counts and values are 0.  A row is left out (with its reason) when its path is empty,
    a count or value is not a number of 0 or more, or it has neither conversions nor nulls.  Ready paths have no
    times: for the time-decay model a step counts as a day (``Paths.age_unit`` "steps").

    Raises
    ------
    DataError
        at_bad_separator, the column errors, at_number_unreadable, at_no_rows, at_no_conversions,
        at_too_many_channels.
    """
    if not isinstance(separator, str) or separator == "":
        raise DataError("at_bad_separator", value=str(separator))
    sep = separator.strip() or separator
    given = {"path": path, "conversions": conversions, "value": value, "nulls": nulls}
    _check_columns(frame, given, ("path", "conversions"), "paths")
    parts = []
    conv, bad_conv = _numbers(frame, conversions, "conversions", reason="at_reason_bad_count")
    keep = ~bad_conv
    parts.append(_left_out(frame, bad_conv, "at_reason_bad_count", conversions))
    null_counts = np.zeros(len(frame))
    if nulls:
        null_counts, bad_null = _numbers(frame, nulls, "nulls", reason="at_reason_bad_count")
        parts.append(_left_out(frame, keep & bad_null, "at_reason_bad_count", nulls))
        keep &= ~bad_null
    amounts = np.zeros(len(frame))
    if value:
        amounts, bad_value = _numbers(frame, value, "value", reason="at_reason_bad_value")
        parts.append(_left_out(frame, keep & bad_value, "at_reason_bad_value", value))
        keep &= ~bad_value
    steps = frame[path].str.split(sep, regex=False)
    exploded = steps.explode().str.strip()
    exploded = exploded[exploded.notna() & (exploded != "")]
    has_steps = frame.index.isin(exploded.index)
    parts.append(_left_out(frame, keep & ~has_steps, "at_reason_empty_path", path))
    keep &= has_steps
    no_outcome = (conv <= 0) & (null_counts <= 0)
    parts.append(_left_out(frame, keep & no_outcome, "at_reason_no_outcome", conversions))
    keep &= ~no_outcome
    excluded = _excluded(parts)
    if not keep.any():
        raise _no_rows(excluded)
    if not (conv[keep] > 0).any():
        raise DataError("at_no_conversions", format=FORMAT_WORDS["paths"], column=conversions)

    kept_index = frame.index[keep]
    exploded = exploded[exploded.index.isin(kept_index)]
    position = pd.Series(np.arange(len(kept_index)), index=kept_index)
    row = position.reindex(exploded.index).to_numpy(dtype=np.int64)  # exploded keeps the frame's row order
    codes, channels = _channel_codes(exploded.reset_index(drop=True), path)
    lengths = np.bincount(row, minlength=len(kept_index))
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    step = np.arange(len(row)) - starts[row]
    table = pd.DataFrame({
        "path": _joined(codes, starts, channels),
        "conversions": conv[keep],
        "value": amounts[keep],
        "nulls": null_counts[keep],
        "length": lengths.astype(np.int64),
    })
    touches = pd.DataFrame({"row": row, "step": step, "channel": codes,
                            "age": (lengths[row] - 1 - step).astype(float)})
    return Paths(frame=table, channels=channels, touches=touches, age_unit="steps", excluded=excluded,
                 source_rows=len(frame))
