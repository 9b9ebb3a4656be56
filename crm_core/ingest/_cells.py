"""Helpers shared by the cell parsers: work once per distinct value, then map back.

Patterns here and in the parsers use ``[0-9]`` and plain characters only, so they mean
the same under pandas' pyarrow regex engine (RE2) and Python's ``re``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Survive str.strip() and make "12345" and "12345\u200b" two customers.
ZERO_WIDTH = "[\u200b\u200c\u200d\ufeff\u2060]"
# Spelled out: pandas runs patterns containing \s through Python's re, ten times slower than pyarrow.
BLANK = "[ \t\r\n\x0b\x0c]"


def factorize(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes of each cell (-1 where missing) and the distinct values as a str Series (0..n-1)."""
    codes, uniques = pd.factorize(s.astype("str"))
    return codes, pd.Series(uniques, dtype="str")


def take_text(values: pd.Series, codes: np.ndarray, like: pd.Series) -> pd.Series:
    """Per-distinct-value text mapped back to the cells of ``like`` (missing where code is -1)."""
    taken = values.astype("str").array.take(codes, allow_fill=True)
    return pd.Series(taken, index=like.index, name=like.name)


def take_numpy(values: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Per-distinct-value array mapped back to cells; code -1 picks the appended ``fill``."""
    return np.append(values, np.array([fill], dtype=values.dtype))[codes]


def tidy(uniq: pd.Series) -> pd.Series:
    """NFKC, zero-width characters removed, surrounding blanks stripped.

    Only non-ASCII values need the first two steps, which are the slow ones.
    """
    wide = ~uniq.str.isascii().to_numpy(dtype=bool)
    if wide.any():
        folded = uniq[wide].str.normalize("NFKC").str.replace(ZERO_WIDTH, "", regex=True)
        uniq = uniq.mask(wide, folded)
    return uniq.str.strip()


def blank_to_na(text: pd.Series) -> pd.Series:
    """Empty strings become missing."""
    return text.where(text != "")
