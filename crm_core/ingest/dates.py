"""Read dates written in any of the ways exports write them, strictly and per value.

Each distinct value is tidied (NFKC, Chinese date words, time-zone suffix, AM/PM), then
routed by a strict pattern to exactly one format and parsed with ``pd.to_datetime`` and
that explicit format, so a column may mix formats and nothing is guessed from its first
value.  Supported (with optional time ``H:MM[:SS[.fff]]``, ``T`` or blank before it):

=====================  ==========================================================
``2023-01-05``         also ``2023/1/5``, ``2023.1.5``, with ``T``, fractions, AM/PM
``20230105``           8 digits, years 1900-2100
``2023年1月5日``        also ``2023年01月05日 12时30分``, ``2023/1/5 下午 3:20:00``
``05/01/2023``         also ``5.1.2023``, ``05-01-23``; day/month order detected
                       (dotted ``05.01.2023`` is day-first when nothing decides)
``5 Jan 2023``         also ``05-Jan-2023``, ``January 5, 2023``
``44931``              Excel serial day (1000-80000), origin 1899-12-30
=====================  ==========================================================

Time-zone suffixes (``+0800``, ``+08:00``, ``Z``, ``UTC``) are dropped: the local wall
clock time is kept, because a customer's calendar day is the one they bought on.
Dates outside 1900-2100 fail rather than becoming a silent 1970 or 2262.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_core.ingest._cells import BLANK, factorize, take_numpy, tidy

_EARLIEST = np.datetime64("1900-01-01", "ns")
_LATEST = np.datetime64("2101-01-01", "ns")
_EXCEL_ORIGIN = np.datetime64("1899-12-30", "ns")
_NAT = np.datetime64("NaT", "ns")


@dataclass(frozen=True)
class DateParse:
    """Dates read from text.

    values : Series of datetime64[ns], NaT where missing or failed; same index as the input.
    failed : Series of bool, True where a non-empty cell could not be read.
    ambiguous : bool, True when day-month-year values (``05/01/2023``) could be read either
        way and nothing in the column decided; they were read month-first provisionally.
    example : an ambiguous input value, when ``ambiguous``.
    day_first_used : the order applied to day-month-year values; None when there were none.
    dotted_day_first : True when only the dotted convention (``05.01.2024`` is day.month.year) decided
        the order, so the caller can say so.
    """

    values: pd.Series
    failed: pd.Series
    ambiguous: bool
    example: str | None
    day_first_used: bool | None
    dotted_day_first: bool = False


_SEP = r"[-/.]"
_YMD = rf"[0-9]{{4}}{_SEP}[0-9]{{1,2}}{_SEP}[0-9]{{1,2}}"
_ISO_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"
_CLOCK = r"(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?: [AaPp]M)?)?"
_DMY = rf"[0-9]{{1,2}}{_SEP}[0-9]{{1,2}}{_SEP}(?:[0-9]{{4}}|[0-9]{{2}})"
_COMPACT = r"(?:19[0-9]{2}|20[0-9]{2}|2100)(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_SERIAL = r"[0-9]{4,5}(?:\.[0-9]+)?"
_DAY_MONTH_NAME = r"[0-9]{1,2}[- /]?[A-Za-z]{3,9}\.?[- /,]*[0-9]{4}"
_MONTH_NAME_DAY = r"[A-Za-z]{3,9}\.? [0-9]{1,2}(?:st|nd|rd|th)?,? [0-9]{4}"
# A clock time (with its AM/PM, if any) followed by a zone: keep the time, drop the zone.
_ZONE = (r"([0-9]:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?[AaPp]\.?[Mm]\.?)?) ?(?:[Zz]|UTC|GMT)? ?"
         r"(?:[+-][0-9]{2}(?::?[0-9]{2})?)?$")
_CHINESE = "[年月日号时點点分秒午]"
_YMD_SEPARATORS = rf"^([0-9]{{4}}){_SEP}([0-9]{{1,2}}){_SEP}"
# What most exports write (``2010-12-01 08:26:00``): tidied, such a value is already canonical (no Chinese
# words, one blank, no zone or AM/PM: every rewrite of :func:`_canonical` leaves it as it is) and is read
# by the first reader (it matches ``_YMD + _ISO_TIME``), so the rewrites and the routing are skipped for it.
_PLAIN_ISO = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"


def _from_chinese(text: pd.Series) -> pd.Series:
    """``2024年1月5日 12时30分`` -> ``2024-1-5 12:30``; ``下午 3:20`` -> ``3:20 PM``."""
    text = text.str.replace(r"^(.*?) ?上午 ?(.*)$", r"\1 \2 AM", regex=True)
    text = text.str.replace(r"^(.*?) ?下午 ?(.*)$", r"\1 \2 PM", regex=True)
    text = text.str.replace("[年月]", "-", regex=True).str.replace("[日号]", " ", regex=True)
    text = text.str.replace("[时點点分]", ":", regex=True).str.replace("秒", "", regex=False).str.strip()
    text = text.str.replace(r"( [0-9]{1,2}):$", r"\1:00", regex=True)
    return text.str.replace(r":$", "", regex=True)


def _canonical(uniq: pd.Series) -> pd.Series:
    """Tidy distinct values so that each supported form matches one strict pattern."""
    text = tidy(uniq)
    chinese = text.str.contains(_CHINESE, regex=True).to_numpy(dtype=bool)
    if chinese.any():
        text = text.mask(chinese, _from_chinese(text[chinese]))
    text = text.str.replace(f"{BLANK}+", " ", regex=True).str.strip()
    text = text.str.replace(_ZONE, r"\1", regex=True)
    return text.str.replace(r"([0-9]) ?([AaPp])\.?[Mm]\.?$", r"\1 \2M", regex=True)


def _with_seconds(text: pd.Series) -> pd.Series:
    """``<date>[ H:MM[:SS]][ AM]`` -> ``<date> H:MM:SS[ AM]`` so one format fits all."""
    text = text.str.replace(r"^([^:]*)$", r"\1 00:00:00", regex=True)
    return text.str.replace(r"^(.* [0-9]{1,2}:[0-9]{2})( [AaPp]M)?$", r"\1:00\2", regex=True)


def _to_ns(parsed: pd.Series) -> np.ndarray:
    """datetime64 of any unit -> datetime64[ns], NaT outside 1900-2100 (also avoids overflow)."""
    values = parsed.to_numpy()
    inside = (values >= _EARLIEST.astype(values.dtype)) & (values < _LATEST.astype(values.dtype))
    return np.where(inside, values, np.datetime64("NaT", "s")).astype("datetime64[ns]")


def _read_iso(text: pd.Series) -> np.ndarray:
    """ISO-like ``Y-M-D[ H:MM[:SS[.f]]]`` (padding optional): pandas' fast ISO 8601 path."""
    return _to_ns(pd.to_datetime(text, format="ISO8601", errors="coerce"))


def _read_clock_formats(text: pd.Series, date_format: str) -> np.ndarray:
    """Parse ``<date>[ H:MM[:SS]][ AM|PM]`` values whose date part has ``date_format``."""
    text = _with_seconds(text)
    twelve_hour = text.str.endswith("M").to_numpy(dtype=bool)
    out = np.full(len(text), _NAT)
    for mask, clock in ((~twelve_hour, "%H:%M:%S"), (twelve_hour, "%I:%M:%S %p")):
        if mask.any():
            out[mask] = _to_ns(pd.to_datetime(text[mask], format=f"{date_format} {clock}", errors="coerce"))
    return out


def _read_ymd(text: pd.Series, dashed: np.ndarray | None = None) -> np.ndarray:
    """``2023/1/5``, ``2023.1.5``, ``2023-01-05`` with a 24- or 12-hour clock.

    ``dashed`` marks values known to be written ``Y-M-D`` already (see :data:`_PLAIN_ISO`): the
    separators are rewritten on the others only, which gives the same text.
    """
    if dashed is None:
        text = text.str.replace(_YMD_SEPARATORS, r"\1-\2-", regex=True)
    elif not dashed.all():
        text = text.mask(~dashed, text[~dashed].str.replace(_YMD_SEPARATORS, r"\1-\2-", regex=True))
    twelve_hour = text.str.endswith("M").to_numpy(dtype=bool)
    out = np.full(len(text), _NAT)
    out[~twelve_hour] = _read_iso(text[~twelve_hour])
    if twelve_hour.any():
        out[twelve_hour] = _read_clock_formats(text[twelve_hour], "%Y-%m-%d")
    return out


def _read_compact(text: pd.Series) -> np.ndarray:
    return _read_iso(text.str.replace(r"^([0-9]{4})([0-9]{2})([0-9]{2})$", r"\1-\2-\3", regex=True))


def _read_month_names(text: pd.Series) -> np.ndarray:
    """``5 Jan 2023``, ``05-Jan-2023``, ``January 5th, 2023`` -> ``5 Jan 2023`` then ``%d %b %Y``."""
    text = text.str.replace(
        r"^([0-9]{1,2})[- /]?([A-Za-z]{3})[A-Za-z]*\.?[- /,]*([0-9]{4})", r"\1 \2 \3", regex=True
    ).str.replace(r"^([A-Za-z]{3})[A-Za-z]*\.? ([0-9]{1,2})(?:st|nd|rd|th)?,? ([0-9]{4})", r"\2 \1 \3", regex=True)
    return _read_clock_formats(text, "%d %b %Y")


def _read_serials(text: pd.Series) -> np.ndarray:
    """Excel serial days; the fraction is the time of day, rounded to the second."""
    days = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")
    # A bare 1900-2100 is a year written alone, not a day in 1905: it fails instead.
    looks_like_year = (days >= 1900) & (days <= 2100) & (days == np.floor(days))
    inside = (days >= 1000) & (days <= 80000) & ~looks_like_year
    seconds = np.round(np.where(inside, days, 0) * 86400).astype("int64")
    stamps = _EXCEL_ORIGIN + seconds.astype("timedelta64[s]")
    return np.where(inside, stamps, _NAT)


def _read_day_month_year(text: pd.Series, *, day_first: bool) -> np.ndarray:
    """Canonical ``a/b/YYYY[ time][ AM]`` in the given order: rewritten to ISO when on a 24-hour clock."""
    twelve_hour = text.str.endswith("M").to_numpy(dtype=bool)
    iso = text[~twelve_hour].str.replace(
        r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", r"\3-\2-\1" if day_first else r"\3-\1-\2", regex=True
    )
    out = np.full(len(text), _NAT)
    out[~twelve_hour] = _read_iso(iso)
    if twelve_hour.any():
        out[twelve_hour] = _read_clock_formats(text[twelve_hour], "%d/%m/%Y" if day_first else "%m/%d/%Y")
    return out


def _canonical_dmy(text: pd.Series) -> pd.Series:
    """``5.1.23``, ``05-01-2023`` -> ``5/1/2023``; two-digit years pivot like ``%y`` (00-68 -> 20xx)."""
    text = text.str.replace(rf"^([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}", r"\1/\2/", regex=True)
    text = text.str.replace(r"^([0-9]{1,2}/[0-9]{1,2})/([0-5][0-9]|6[0-8])( |$)", r"\1/20\2\3", regex=True)
    return text.str.replace(r"^([0-9]{1,2}/[0-9]{1,2})/([0-9]{2})( |$)", r"\1/19\2\3", regex=True)


def _dmy_order(
    first: np.ndarray, second: np.ndarray, rows: np.ndarray, originals: pd.Series, day_first: bool | None,
    dotted: np.ndarray,
) -> tuple[bool, bool, str | None, bool]:
    """Decide day-first for ``a/b/year`` values: (day_first, ambiguous, example, decided by the dots).

    ``dotted`` marks values written with dots (``05.01.2024``): that is the German / European way of
    writing day.month.year, and no export writes month.day.year with dots, so when nothing else decides
    and every undecided value is dotted, they are day-first without asking.  Slash and dash values
    (``05/01/2024``) are written both ways: when undecided they are ambiguous.
    """
    if day_first is not None:
        return day_first, False, None, False
    day_votes = rows[first > 12].sum()
    month_votes = rows[second > 12].sum()
    if day_votes or month_votes:
        # Both kinds present: the majority order wins; values invalid under it fail.
        return bool(day_votes > month_votes), False, None, False
    undecided = first != second  # 05/05/2023 reads the same either way
    if undecided.any():
        if dotted[undecided].all():
            return True, False, None, True
        undecided &= ~dotted
        return False, True, str(originals[undecided].iloc[0]), False
    return False, False, None, False


def _route(text: pd.Series, todo: np.ndarray, pattern: str) -> np.ndarray:
    """Values still unread that fully match ``pattern``; they are taken off ``todo``."""
    candidates = np.flatnonzero(todo)
    hit = np.zeros(len(text), dtype=bool)
    if len(candidates):
        matched = text.iloc[candidates].str.fullmatch(f"(?:{pattern})").to_numpy(dtype=bool)
        hit[candidates[matched]] = True
        todo[hit] = False
    return hit


# Unambiguous forms in the order they are tried; a value is read by the first it matches.
_READERS = (
    (_YMD + _ISO_TIME, _read_ymd),
    (_YMD + _CLOCK, _read_ymd),
    (_COMPACT, _read_compact),
    (_DAY_MONTH_NAME + _CLOCK, _read_month_names),
    (_MONTH_NAME_DAY + _CLOCK, _read_month_names),
    (_SERIAL, _read_serials),
)


def parse_dates(s: pd.Series, *, day_first: bool | None = None) -> DateParse:
    """Read a column of dates strictly, value by value (see the module docstring for the forms).

    Parameters
    ----------
    s : Series of str
        Cells as text; missing where empty.
    day_first : bool or None
        Order of ``05/01/2023``-style values.  None detects it from the column: a first
        field over 12 means day-first, a second field over 12 means month-first (the
        majority by rows wins if both occur).  When nothing decides, dotted values
        (``05.01.2023``) are day-first by convention; otherwise ``ambiguous`` is set and
        month-first is used provisionally: ask the user, then call again.

    Returns
    -------
    DateParse
    """
    codes, uniq = factorize(s)
    tidied = tidy(uniq)
    plain = tidied.str.fullmatch(_PLAIN_ISO).to_numpy(dtype=bool, na_value=False)
    if plain.all():
        text = tidied
    elif plain.any():
        text = tidied.mask(~plain, _canonical(uniq[~plain]))
    else:
        text = _canonical(uniq)
    out = np.full(len(uniq), _NAT)
    todo = np.array(text != "", dtype=bool) & ~plain
    for position, (pattern, reader) in enumerate(_READERS):
        hit = _route(text, todo, pattern)
        if position == 0:  # the plain values join the first reader's batch, as routing would have put them
            hit |= plain
            if hit.any():
                out[hit] = _read_ymd(text[hit], dashed=plain[hit])
        elif hit.any():
            out[hit] = reader(text[hit])

    order: bool | None = None
    ambiguous, example, by_dots = False, None, False
    dmy = _route(text, todo, _DMY + _CLOCK)
    if dmy.any():
        dmy_text = _canonical_dmy(text[dmy])
        first = dmy_text.str.replace(r"/.*$", "", regex=True).astype("int64").to_numpy()
        second = dmy_text.str.replace(r"^[0-9]+/([0-9]+)/.*$", r"\1", regex=True).astype("int64").to_numpy()
        rows = np.bincount(codes[codes >= 0], minlength=len(uniq))[dmy]
        dotted = text[dmy].str.match(r"[0-9]{1,2}\.[0-9]{1,2}\.").to_numpy(dtype=bool)
        order, ambiguous, example, by_dots = _dmy_order(first, second, rows, uniq[dmy], day_first, dotted)
        out[dmy] = _read_day_month_year(dmy_text, day_first=order)

    nonblank = (text != "").to_numpy(dtype=bool)
    failed = nonblank & np.isnat(out)
    return DateParse(
        values=pd.Series(take_numpy(out, codes, _NAT), index=s.index, name=s.name),
        failed=pd.Series(take_numpy(failed, codes, False), index=s.index, name=s.name),
        ambiguous=ambiguous,
        example=example,
        day_first_used=order,
        dotted_day_first=by_dots,
    )


LATE_GAP_DAYS = 365
LATE_SHARE = 0.01


def late_date_cutoff(dates: pd.Series) -> pd.Timestamp | None:
    """The last plausible order day of a file, read from the file itself (never from today's date).

    The distinct calendar days are sorted and the last gap of more than ``LATE_GAP_DAYS`` (365) days
    between two consecutive days is found; the lines dated after it are "far after the rest of the file"
    (a mistyped year such as 2099, or a placeholder date) when they are few: at most ``LATE_SHARE``
    (1 %) of the dated lines, and never less than one line, and fewer than the lines before the gap (in
    a two-line file, 1900 and 2024, neither side can be told to be the typo, so none is).  Such lines are
    reported and never push the analysis date forward.

    Why a gap from the top rather than a quantile: a year-long silence cannot be a pause of a trading
    shop, whereas a real last order 200 days after the rest of a small file can (it is kept).  And only
    the top end is looked at, so an early typo (1900) never makes the real data look "late".  The rule
    uses only the data, so the same file gives the same answer on any day.

    Parameters
    ----------
    dates : Series of datetime64
        The dated lines (missing values are ignored); a line's calendar day is what counts.

    Returns
    -------
    Timestamp or None
        Midnight of the last day before the gap: lines dated on or after the next day are late outliers.
        None when no line is late (no such gap, too many lines after it, or no line is dated).
    """
    known = pd.Series(dates).dropna()
    if known.empty:
        return None
    stamps = known.to_numpy()
    if stamps.dtype.kind == "M":
        # Plain datetime64: the calendar day is the value floored to days (numpy floors, as normalize
        # does); distinct days from a hash table, so only the few hundred days get sorted.
        days = stamps.astype("datetime64[D]")
        distinct = np.sort(pd.unique(days))
    else:  # time-zone aware: pandas knows each value's local day
        days = known.dt.normalize()
        distinct = np.sort(days.unique())
    if len(distinct) < 2:
        return None
    gaps = np.diff(distinct) > np.timedelta64(LATE_GAP_DAYS, "D")
    if not gaps.any():
        return None
    last_gap = int(np.flatnonzero(gaps)[-1])
    if stamps.dtype.kind == "M":
        cutoff = pd.Timestamp(distinct[last_gap].astype(stamps.dtype))  # in the unit of the input
        late_lines = int((days > distinct[last_gap]).sum())
    else:
        cutoff = pd.Timestamp(distinct[last_gap])
        late_lines = int((days > cutoff).sum())
    few = late_lines <= max(LATE_SHARE * len(known), 1) and late_lines < len(known) - late_lines
    return cutoff if few else None
