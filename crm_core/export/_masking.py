"""Masking of personal data in exported lists (private; the public names live in :mod:`crm_core.export.writers`).

Masks keep just enough to recognise a record when calling or mailing from a list, and nothing
that identifies a person on its own.  Missing values stay missing; results have dtype ``str``.
"""

from __future__ import annotations

import re
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


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_TEXT = re.compile(r"\+?[\d\s\-().]+")
# Digit runs that are phone numbers without any separator: a Chinese mobile, alone or after 86 / 0086;
# a UK mobile (07…, 447…); a North American number written with its country code 1.  A bare 10-digit
# run is left alone: it cannot be told from a member-card number.
_PLAIN_PHONE = re.compile(r"(?:0{0,2}86)?1[3-9]\d{9}|(?:0|0{0,2}44)7\d{9}|0{0,2}1[2-9]\d{2}[2-9]\d{6}")
# The last-resort identity joins the cleaned consignee name and address with this separator
# (crm_core.ingest._columns.COMPOSITE_SEPARATOR; repeated here, as ingest is not imported by the export).
COMPOSITE_SEPARATOR = " | "
ADDRESS_KEPT = 3  # characters of an address left visible: the city, at most ("北京市***")


def _looks_like_phone(text: str) -> bool:
    """A phone, not a member-card number: 7-15 digits written like a phone.

    Plain digit runs are card or member numbers in many shops, so only these count: an international
    form (``+44 20 7946 0958``, ``0086 138...`` with 11+ digits), a run of digits that can only be a phone
    (a Chinese mobile ``13812345678`` also after ``86``/``0086``, a UK mobile ``07700900123``/``447700900123``,
    ``12025550123``), or digit groups split by spaces, dashes or brackets (``138-1234-5678``,
    ``(020) 7946 0958``, ``202.555.0123``).
    """
    if not _PHONE_TEXT.fullmatch(text):
        return False
    digits = re.sub(r"\D", "", text)
    if not 7 <= len(digits) <= 15:
        return False
    international = text.startswith("+") or (text.startswith("00") and len(digits) >= 11)
    return international or bool(_PLAIN_PHONE.fullmatch(text)) or bool(re.search(r"\d[\s\-().]+\d", text))


def _mask_address_text(text: str) -> str:
    """The first :data:`ADDRESS_KEPT` characters, then ``***`` (a short address keeps only its first)."""
    text = text.strip()
    kept = text[:ADDRESS_KEPT] if len(text) > 2 * ADDRESS_KEPT else text[:1]
    return kept.rstrip() + "***"


def _mask_composite_text(text: str) -> str | None:
    """``"张三 | 北京市 朝阳区…"`` -> ``"张* | 北京市***"``; None when ``text`` is not a name | address pair."""
    name, separator, address = text.partition(COMPOSITE_SEPARATOR)
    if not separator or not name.strip() or not address.strip():
        return None
    return f"{_mask_name_text(name)}{COMPOSITE_SEPARATOR}{_mask_address_text(address)}"


def _mask_identifier_text(text: str) -> str:
    normal = unicodedata.normalize("NFKC", text).strip()
    composite = _mask_composite_text(normal)
    if composite is not None:
        return composite
    if _EMAIL.fullmatch(normal):
        return _mask_email_text(normal)
    if _looks_like_phone(normal):
        return _mask_phone_text(normal)
    return text


def mask_identifier(s: pd.Series) -> pd.Series:
    """Mask the identifiers that are personal data: e-mail addresses, phone numbers, name + address.

    A shop may use the buyer's e-mail (Shopify) or mobile number as the customer id, and a file with
    no customer column gets the consignee's name and address joined as ``"张三 | 北京市…"`` (the
    last-resort identity); such an id identifies a person as surely as the contact columns, so it
    follows the same masks: :func:`mask_email`, :func:`mask_phone` (phones in any common form:
    ``+86 138…``, ``8613812345678``, ``0086…``, ``138 1234 5678``, ``+44 20 7946 0958``,
    ``(202) 555-0123``), and for a name | address pair :func:`mask_name` on the name and the address cut
    to its first 3 characters then ``***`` (``"张* | 北京市***"``; an address of 6 characters or fewer
    keeps only its first).  Other ids (``C001``, member numbers such as ``00012345`` or a bare
    ``2025550123``, which no rule can tell from a card number) are returned unchanged.  Each distinct
    value is checked once; missing values stay missing; the result has dtype ``str`` when every value
    is text, else ``object``.
    """
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    masked = [_mask_identifier_text(v) if isinstance(v, str) else v for v in uniques.tolist()]
    values = [None if c < 0 else masked[c] for c in codes]
    all_text = all(v is None or isinstance(v, str) for v in masked)
    return pd.Series(values, index=s.index, name=s.name, dtype="str" if all_text else "object")


def count_personal_ids(ids: pd.Series) -> int:
    """How many of ``ids`` are an e-mail address or a phone number (what :func:`mask_identifier` masks).

    The export page uses it to offer the masking switch also when no contact column is included.
    """
    text = ids.dropna().astype("str")
    return int((mask_identifier(text) != text).sum())
