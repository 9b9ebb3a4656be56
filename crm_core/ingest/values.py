"""Vectorised parsers for messy cell text: free text, ids, amounts and consent flags.

Every parser takes a Series of text (pandas ``"str"`` dtype, missing values for empty
cells), keeps its index and name, never mutates it and never raises on odd text: what
cannot be read becomes missing and, for numbers and dates, is flagged in ``failed``.
The work is done once per distinct value and mapped back, because exports repeat the
same ids, prices and timestamps many times.  Dates live in :mod:`crm_core.ingest.dates` and are
re-exported here, so callers import every cell parser from this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_core.ingest._cells import BLANK, ZERO_WIDTH, blank_to_na, factorize, take_numpy, take_text, tidy
from crm_core.ingest.dates import DateParse, parse_dates
from crm_core.schema import OPT_OUT_WORDS, normalize_header

__all__ = [
    "AmountParse", "DateParse", "clean_ids", "clean_text", "mangled_id_example", "parse_amounts",
    "parse_consent", "parse_dates", "parse_quantities",
]

# Characters openpyxl refuses to write; tab, LF and CR are legitimate in text cells.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
CONTROL_CHARACTERS = _CONTROL


def clean_text(s: pd.Series) -> tuple[pd.Series, int]:
    """Strip control and zero-width characters and surrounding blanks; keep the text otherwise.

    Returns
    -------
    cleaned : Series of str
        Same index; cells empty after cleaning are missing.
    n_control : int
        Number of cells that contained control characters (reported to the user).
    """
    codes, uniq = factorize(s)
    # Each rewrite runs only on the values it can change: control characters where a search finds
    # one, zero-width characters (all non-ASCII) in non-ASCII values.
    had_control = uniq.str.contains(_CONTROL, regex=True).to_numpy(dtype=bool)
    no_control = uniq.mask(had_control, uniq[had_control].str.replace(_CONTROL, "", regex=True)) \
        if had_control.any() else uniq
    wide = ~no_control.str.isascii().to_numpy(dtype=bool)
    if wide.any():
        no_control = no_control.mask(wide, no_control[wide].str.replace(ZERO_WIDTH, "", regex=True))
    cleaned = blank_to_na(no_control.str.strip())
    n_control = int(take_numpy(had_control, codes, False).sum())
    return take_text(cleaned, codes, s), n_control


def clean_ids(s: pd.Series) -> pd.Series:
    """Identifier text as the user's system wrote it: never a number.

    NFKC, zero-width characters and blanks removed, Excel guards ``="2891..."`` and
    ``'0123`` unwrapped, leading zeros kept.  A trailing ``.0`` (an id column that went
    through a float, as ``17850.0`` in Online Retail) is dropped only when every
    non-missing value has it; otherwise the values are kept as they are.

    Returns
    -------
    Series of str, same index; empty cells missing.
    """
    codes, uniq = factorize(s)
    ids = tidy(uniq)
    # The unwrapping rewrites change only values that start with ="  or  ' (tidied values are stripped
    # already, so only a rewritten value can need stripping again).
    guarded = (ids.str.startswith('="') | ids.str.startswith("'")).to_numpy(dtype=bool)
    if guarded.any():
        unwrapped = ids[guarded].str.replace(r'^="(.*)"$', r"\1", regex=True).str.replace(r"^'", "", regex=True)
        ids = ids.mask(guarded, unwrapped.str.strip())
    ids = blank_to_na(ids)
    present = ids.dropna()
    if len(present) and present.str.endswith(".0").all() and present.str.fullmatch(r"[0-9]+\.0").all():
        ids = ids.str.slice(stop=-2)
    return take_text(ids, codes, s)


def mangled_id_example(s: pd.Series, *, cleaned: pd.Series | None = None) -> str | None:
    """An example value if the column holds numbers already rounded by Excel, else None.

    Excel keeps 15 significant digits: it shows long ids as ``1.10101E+17`` or turns
    ``110101199001011234`` into ``110101199001011000``.  Such ids cannot be repaired.
    Flagged when any value is in scientific notation, or when most values with 15 or
    more digits end in the zeros that rounding leaves.
    ``cleaned``: ``clean_ids(s)`` when the caller has it already.
    """
    ids = pd.Series((clean_ids(s) if cleaned is None else cleaned).dropna().unique(), dtype="str")
    # Each pattern is tried only on the ids that can match it: with an e, and with 15 characters or more.
    with_e = ids[(ids.str.contains("e", regex=False) | ids.str.contains("E", regex=False)).to_numpy(dtype=bool)]
    scientific = with_e[with_e.str.fullmatch(r"[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+")]
    if len(scientific):
        return str(scientific.iloc[0])
    long_enough = ids[(ids.str.len() >= 15).to_numpy(dtype=bool)]
    long_ids = long_enough[long_enough.str.fullmatch(r"[0-9]{15,}")]
    if not len(long_ids):
        return None
    digits = long_ids.str.len().to_numpy()
    trailing_zeros = (long_ids.str.len() - long_ids.str.rstrip("0").str.len()).to_numpy()
    rounded = ((digits >= 15) & (trailing_zeros >= 3)) | ((digits >= 16) & (trailing_zeros >= digits - 15))
    if rounded.mean() > 0.5:
        return str(long_ids[rounded].iloc[0])
    return None


@dataclass(frozen=True)
class AmountParse:
    """Numbers read from text.

    values : Series of float64 (NaN where missing or failed), same index as the input.
    failed : Series of bool, True where a non-empty cell could not be read.
    decimal_comma : bool, True when the column writes decimals with a comma (``12,5``).
    example : an input value read with a decimal comma, when ``decimal_comma``.
    """

    values: pd.Series
    failed: pd.Series
    decimal_comma: bool
    example: str | None


# Dollar signs with a country prefix (US$, HK$, A$, NT$...) first, so no stray letters are left behind.
_CURRENCY = r"(?i)(?:(?:US|HK|NT|AU|CA|NZ|SG|A|C|S)\$|RMB|CNY|USD|EUR|GBP|HKD|[¥$€£元])"
_EXPONENT = r"(?:[eE][+-]?[0-9]+)?"
# Dot decimal, optionally with comma thousands ("1,234.50"); and the mirror image ("1.234,50").
_DOT_DECIMAL = rf"(?:(?:[0-9]+|[0-9]{{1,3}}(?:,[0-9]{{3}})+)(?:\.[0-9]*)?|\.[0-9]+){_EXPONENT}"
_COMMA_DECIMAL = rf"(?:(?:[0-9]+|[0-9]{{1,3}}(?:\.[0-9]{{3}})+)(?:,[0-9]*)?|,[0-9]+){_EXPONENT}"
_PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


def parse_amounts(s: pd.Series) -> AmountParse:
    """Read money amounts: ``¥1,299``, ``RMB 88``, ``123.00元``, ``-$5.50``, ``(5.50)``, ``1.234,50``.

    After NFKC (so full-width ``１２３．４`` is 123.4), currency marks and words
    (¥ $ € £ 元 RMB CNY USD EUR GBP HKD, and US$ HK$ A$ NT$...) and blanks are removed; a leading or trailing
    minus or parentheses make the value negative.  Digits are checked with ``[0-9]``, so
    non-ASCII digits that survive NFKC fail.  A value whose separators can be read only
    one way is read that way (``1,234.50``, ``12,5``, ``1.234.567``).  Values that can be
    read both ways (``1,234``, ``1.234``) follow the column's convention: decimal comma
    when more rows are unambiguously written with a decimal comma than with a decimal
    point.
    """
    codes, uniq = factorize(s)
    tidied = tidy(uniq)
    # Most values are plain numbers (6, -2, 2.55): their parts are read with literal string operations;
    # only the other values go through the currency, blank, sign and separator rewrites.
    plain = tidied.str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool, na_value=False)
    body = tidied.str.removeprefix("-")
    leading_minus = tidied.str.startswith("-").to_numpy(dtype=bool, na_value=False).copy()
    trailing_minus = np.zeros(len(uniq), dtype=bool)
    parenthesised = np.zeros(len(uniq), dtype=bool)
    # A plain body is digits with at most one dot: it reads with a decimal point, and with a decimal comma
    # too when it has no dot or reads as thousands (1 to 3 digits, a dot, 3 digits: "1.234").
    dot_ok = plain.copy()
    dot = body.str.find(".").to_numpy(dtype=np.int64, na_value=-1)
    length = body.str.len().to_numpy(dtype=np.int64, na_value=0)
    has_separator = dot >= 0
    comma_ok = plain & (~has_separator | ((dot <= 3) & (length - dot - 1 == 3)))
    if not plain.all():
        other = ~plain
        parts = _amount_parts(tidied[other])
        parenthesised[other], leading_minus[other], trailing_minus[other] = parts[0], parts[1], parts[2]
        dot_ok[other], comma_ok[other], has_separator[other] = parts[4], parts[5], parts[6]
        body = body.mask(other, parts[3])

    rows = np.bincount(codes[codes >= 0], minlength=len(uniq))
    comma_votes = rows[comma_ok & ~dot_ok & has_separator].sum()
    dot_votes = rows[dot_ok & ~comma_ok & has_separator].sum()
    decimal_comma = bool(comma_votes > dot_votes)
    use_comma = comma_ok & (~dot_ok | decimal_comma)

    negations = parenthesised.astype(int) + leading_minus + trailing_minus
    readable = (dot_ok | comma_ok) & (negations <= 1)
    number_text = body.str.replace(",", "", regex=False)
    if use_comma.any():
        number_text = number_text.where(
            ~use_comma, body.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        )
    magnitude = pd.to_numeric(number_text.where(readable), errors="coerce").to_numpy(dtype="float64")
    values = np.where(negations == 1, -magnitude, magnitude)
    parsed = np.isfinite(values)
    values = np.where(parsed, values, np.nan)
    nonblank = (tidied != "").to_numpy(dtype=bool)

    example = None
    if decimal_comma:
        shown = uniq[use_comma & body.str.contains(",", regex=False).to_numpy(dtype=bool)]
        example = str(shown.iloc[0]) if len(shown) else None
    return AmountParse(
        values=pd.Series(take_numpy(values, codes, np.nan), index=s.index, name=s.name),
        failed=pd.Series(take_numpy(nonblank & ~parsed, codes, False), index=s.index, name=s.name),
        decimal_comma=decimal_comma,
        example=example,
    )


def _amount_parts(tidied: pd.Series) -> tuple:
    """Parts of tidied amount texts: (parenthesised, leading minus, trailing minus, body, reads with a
    decimal point, reads with a decimal comma, has a separator); numpy bools, ``body`` a str Series."""
    text = tidied.str.replace("\u2212", "-", regex=False)
    text = text.str.replace(_CURRENCY, "", regex=True).str.replace(f"{BLANK}+", "", regex=True)
    text = text.str.replace(r"^'", "", regex=True)
    parenthesised = text.str.fullmatch(r"\(.*\)").to_numpy(dtype=bool)
    text = text.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    leading_minus = text.str.startswith("-").to_numpy(dtype=bool)
    trailing_minus = text.str.endswith("-").to_numpy(dtype=bool)
    body = text.str.replace(r"^[+-]|-$", "", regex=True)
    dot_ok = body.str.fullmatch(_DOT_DECIMAL).to_numpy(dtype=bool)
    comma_ok = body.str.fullmatch(_COMMA_DECIMAL).to_numpy(dtype=bool)
    has_separator = body.str.contains(r"[.,]", regex=True).to_numpy(dtype=bool)
    return parenthesised, leading_minus, trailing_minus, body, dot_ok, comma_ok, has_separator


def parse_quantities(s: pd.Series) -> AmountParse:
    """Read quantities (``6``, ``1.0``, ``-2``, ``1,000``) with the rules of :func:`parse_amounts`."""
    return parse_amounts(s)


# Generic answers whose meaning depends on the question (the column header).
_YES = frozenset({"yes", "y", "true", "t", "1", "1.0", "是", "同意", "已同意", "允许", "√", "✓", "✔"})
_NO = frozenset({"no", "n", "false", "f", "0", "0.0", "否", "不同意", "拒绝", "未同意", "×", "✗"})
# States that say the same thing under any header.
_OPTED_OUT = frozenset({
    "退订", "已退订", "unsubscribed", "unsubscribe", "opted out", "opt out", "optout", "拒收", "免打扰",
    "not subscribed", "未订阅", "do not contact",
})
_OPTED_IN = frozenset({"opt in", "opted in", "optin", "subscribed", "订阅", "已订阅"})


def parse_consent(s: pd.Series, *, header: str) -> pd.Series:
    """Whether each customer opted out of marketing.

    Under a consent header (营销同意, accepts marketing) "yes" means consent, so not
    opted out; under an opt-out header (any of :data:`crm_core.schema.OPT_OUT_WORDS`:
    退订, 拒收, unsubscribed...) "yes" means opted out.  State words (退订, unsubscribed,
    opted out, not subscribed / opt-in, subscribed, 订阅) mean the same under any header.

    Returns
    -------
    Series of "boolean" named ``opted_out``, same index; NA where the answer is unknown.
    """
    opt_out_header = any(word in normalize_header(header or "") for word in OPT_OUT_WORDS)
    codes, uniq = factorize(s)
    answers = tidy(uniq).str.lower().str.replace(r"[ \t_\-]+", " ", regex=True)
    meaning: dict[str, bool] = {word: opt_out_header for word in _YES}
    meaning.update({word: not opt_out_header for word in _NO})
    meaning.update({word: True for word in _OPTED_OUT})
    meaning.update({word: False for word in _OPTED_IN})
    opted_out = answers.map(meaning).astype("boolean")
    return pd.Series(opted_out.array.take(codes, allow_fill=True), index=s.index, name="opted_out")
