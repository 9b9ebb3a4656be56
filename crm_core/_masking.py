"""Masking of personal data in exported lists (private; the public names live in :mod:`crm_core.export`).

Masks keep just enough to recognise a record when calling or mailing from a list, and nothing
that identifies a person on its own.  Missing values stay missing; results have dtype ``str``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pandas as pd

CONTACT_COLUMNS: tuple[str, ...] = ("name", "phone", "email")


def is_missing(value: object) -> bool:
    """True for None, NaN, NA and NaT (the missing markers a pandas column can hold)."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _as_text(value: object) -> str:
    # A phone read as a number (13812345678.0) must not gain a digit from "str(float)".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _mask_series(s: pd.Series, mask_text: Callable[[str], str]) -> pd.Series:
    values = [None if is_missing(v) else mask_text(_as_text(v)) for v in s.astype(object).tolist()]
    return pd.Series(values, index=s.index, name=s.name, dtype="str")


def _mask_phone_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    digits = [i for i, ch in enumerate(text) if ch.isdecimal()]
    if len(digits) >= 8:
        shown = set(digits[:3] + digits[-4:])
    else:
        shown = set(digits[-2:]) if len(digits) > 2 else set()
    hidden = set(digits) - shown
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_phone(s: pd.Series) -> pd.Series:
    """Mask phone numbers, keeping only enough digits to recognise a number.

    Rule, on the NFKC text (full-width digits count as digits; separators are kept):
    with 8 or more digits, every digit except the first 3 and the last 4 becomes ``*``
    (``"13812345678"`` -> ``"138****5678"``, ``"+86 138-1234-5678"`` -> ``"+86 1**-****-5678"``);
    with 3 to 7 digits only the last 2 stay; with 1 or 2 digits all are masked.
    Missing values stay missing; the result has dtype ``str``.
    """
    return _mask_series(s, _mask_phone_text)


def _mask_email_text(text: str) -> str:
    local, at, domain = text.strip().rpartition("@")
    if not at:  # not an address: treat it like any private text
        return domain[:1] + "***" if domain else domain
    return f"{local[:1]}***@{domain}"


def mask_email(s: pd.Series) -> pd.Series:
    """Mask e-mail addresses: first character of the local part, ``***``, then the domain.

    ``"zhang.san@example.com"`` -> ``"z***@example.com"``; text without ``@`` -> first character
    + ``***``.  Missing values stay missing; the result has dtype ``str``.
    """
    return _mask_series(s, _mask_email_text)


def _mask_name_text(text: str) -> str:
    words = unicodedata.normalize("NFKC", text).split()
    return " ".join(word[0] + "*" * (len(word) - 1) for word in words)


def mask_name(s: pd.Series) -> pd.Series:
    """Mask names word by word: each word keeps its first character, every other character is ``*``.

    ``"张三"`` -> ``"张*"``, ``"张三丰"`` -> ``"张**"``, ``"Alice Smith"`` -> ``"A**** S****"``.
    A one-character word stays as it is.  Missing values stay missing; the result has dtype ``str``.
    """
    return _mask_series(s, _mask_name_text)


_MASKERS: dict[str, Callable[[pd.Series], pd.Series]] = {"name": mask_name, "phone": mask_phone, "email": mask_email}


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with its ``name``, ``phone`` and ``email`` columns (those present) masked."""
    return df.assign(**{col: _MASKERS[col](df[col]) for col in CONTACT_COLUMNS if col in df.columns})
