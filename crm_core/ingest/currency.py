"""Which currency a file's amounts are in, from the file itself.

Money used to be shown as ¥ whatever the file held, so a Square export in dollars or a UK shop's
file showed ¥.  :func:`detect_currency` reads the evidence a file carries, strongest first:

1. ``"values"``: currency marks in the money columns' cells (``$5.50``, ``£3``, ``12,00 €``,
   ``¥88``, ``88元``, ``RMB 88``, ``USD 5.50``);
2. ``"currency column"``: a column that names the currency of each row (Shopify's ``Currency`` = USD);
3. ``"header"``: currency words in a money column's header (``Price (GBP)``, ``金额(元)``);
4. ``"country"``: the country most rows come from (a weaker hint: Online Retail has no currency
   marks, but 91% of its rows are from the United Kingdom, so £).

The result is one of the signs the app offers (:data:`SYMBOLS`) or None when the file says
nothing, so the caller asks rather than assumes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from crm_core.messages import Localized, render
from crm_core.schema import ColumnMapping, normalize_header

__all__ = ["SYMBOLS", "CurrencyGuess", "detect_currency", "symbol_in"]

SYMBOLS: tuple[str, ...] = ("¥", "$", "€", "£")

# Words first (longest first), so 美元 is read as dollars before 元 as yuan.
_WORDS: tuple[tuple[str, str], ...] = (
    ("人民币", "¥"), ("美元", "$"), ("美金", "$"), ("英镑", "£"), ("欧元", "€"), ("日元", "¥"), ("日圆", "¥"),
    ("US$", "$"), ("USD", "$"), ("GBP", "£"), ("EUR", "€"), ("CNY", "¥"), ("RMB", "¥"), ("JPY", "¥"),
    ("$", "$"), ("£", "£"), ("€", "€"), ("¥", "¥"), ("元", "¥"), ("円", "¥"),
)
_TOKEN = re.compile(
    "|".join(re.escape(w) if not w.isascii() or not w.isalpha() else rf"(?<![A-Za-z]){w}(?![A-Za-z])"
             for w, _ in sorted(_WORDS, key=lambda pair: -len(pair[0]))),
    re.IGNORECASE,
)
_SIGN_OF = {w.upper(): s for w, s in _WORDS}

_MONEY_FIELDS = ("amount", "unit_price", "refund_amount")
_CURRENCY_HEADERS = frozenset({"currency", "currency code", "presentment currency", "货币", "币种", "币别",
                               "货币类型", "结算币种", "支付币种", "währung", "devise", "moneda", "通貨"})
_COUNTRY_HEADERS = frozenset({"country", "country code", "billing country", "shipping country", "国家", "国家/地区",
                              "国家 地区", "land", "pays", "país", "国"})

_EURO = ("germany", "deutschland", "france", "spain", "españa", "italy", "italia", "netherlands", "nederland",
         "belgium", "austria", "österreich", "ireland", "eire", "portugal", "finland", "greece", "luxembourg",
         "slovakia", "slovenia", "estonia", "latvia", "lithuania", "malta", "cyprus", "croatia",
         "de", "fr", "es", "it", "nl", "be", "at", "ie", "pt", "fi", "gr", "lu",
         "德国", "法国", "西班牙", "意大利", "荷兰", "比利时", "奥地利", "爱尔兰", "葡萄牙", "芬兰", "希腊", "卢森堡")
_COUNTRIES: dict[str, str] = {
    **dict.fromkeys(("united kingdom", "uk", "gb", "great britain", "england", "scotland", "wales",
                     "northern ireland", "britain", "英国"), "£"),
    **dict.fromkeys(("china", "cn", "prc", "people's republic of china", "mainland china", "中国", "中国大陆",
                     "japan", "jp", "日本"), "¥"),
    **dict.fromkeys(("united states", "usa", "us", "united states of america", "america", "美国"), "$"),
    **dict.fromkeys(_EURO, "€"),
}
_SAMPLE = 5_000  # distinct cells looked at per column: enough to see a pattern, cheap on 500k rows
_MAJORITY = 0.8  # share of the marked values one sign needs; below that the file mixes currencies
_COUNTRY_MAJORITY = 0.5  # share of rows the leading country needs to stand for the file

Source = Literal["values", "header", "currency column", "country"]


@dataclass(frozen=True)
class CurrencyGuess:
    """The currency sign found, and why.

    ``symbol``: one of :data:`SYMBOLS`, or None when the file gives no evidence (then ask).
    ``evidence``: a sentence in both languages saying what was seen (empty when ``symbol`` is None).
    ``source``: where it was seen, strongest first "values", "currency column", "header", "country";
    None with no evidence.
    """

    symbol: str | None
    evidence: Localized = Localized(en="", zh="")
    source: Source | None = None


def symbol_in(text: object) -> str | None:
    """The currency sign a text names, else None.

    ``"$5.50"`` -> ``"$"``, ``"金额(元)"`` -> ``"¥"``, ``"GBP"`` -> ``"£"``.

    Full-width forms count (``￥``, ``＄``); a text naming two different currencies gives None.
    """
    signs = {_SIGN_OF[m.upper()] for m in _TOKEN.findall(unicodedata.normalize("NFKC", str(text)))}
    return signs.pop() if len(signs) == 1 else None


def _evidence(code: str, **params: object) -> Localized:
    return Localized(en=render(code, "en", **params), zh=render(code, "zh", **params))


def _distinct(column: pd.Series) -> pd.Series:
    """Value counts of the first :data:`_SAMPLE` distinct non-blank cells."""
    counts = column.dropna().astype("str").str.strip().value_counts(sort=False)
    return counts[counts.index != ""].iloc[:_SAMPLE]


def _from_values(frame: pd.DataFrame, columns: list[str]) -> CurrencyGuess | None:
    votes: Counter[str] = Counter()
    example: dict[str, tuple[str, str]] = {}
    for column in columns:
        counts = _distinct(frame[column])
        for text, rows in counts.items():
            sign = symbol_in(text) if not _plain_number(text) else None
            if sign is not None:
                votes[sign] += int(rows)
                example.setdefault(sign, (column, text))
    if not votes:
        return None
    sign, top = votes.most_common(1)[0]
    if top < _MAJORITY * sum(votes.values()):
        return None  # several currencies in one file: ask rather than pick one
    column, text = example[sign]
    return CurrencyGuess(sign, _evidence("currency_from_values", example=text, column=column), "values")


_NUMBER = re.compile(r"[-+]?[\d.,\s]+")


def _plain_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text))


def _find_column(frame: pd.DataFrame, headers: frozenset[str]) -> str | None:
    for column in frame.columns:
        if normalize_header(column) in headers:
            return str(column)
    return None


def _from_currency_column(frame: pd.DataFrame) -> CurrencyGuess | None:
    column = _find_column(frame, frozenset(normalize_header(h) for h in _CURRENCY_HEADERS))
    if column is None:
        return None
    counts = _distinct(frame[column])
    votes: Counter[str] = Counter()
    for text, rows in counts.items():
        sign = symbol_in(text)
        if sign is not None:
            votes[sign] += int(rows)
    if not votes:
        return None
    sign, top = votes.most_common(1)[0]
    if top < _MAJORITY * sum(votes.values()):
        return None
    value = next(t for t in counts.index if symbol_in(t) == sign)
    return CurrencyGuess(sign, _evidence("currency_from_column", column=column, value=value), "currency column")


def _from_headers(columns: list[str]) -> CurrencyGuess | None:
    for column in columns:
        sign = symbol_in(column)
        if sign is not None:
            return CurrencyGuess(sign, _evidence("currency_from_header", column=column), "header")
    return None


def _from_country(frame: pd.DataFrame, mapping: ColumnMapping) -> CurrencyGuess | None:
    column = mapping.get("country")
    if column not in frame.columns:
        column = _find_column(frame, frozenset(normalize_header(h) for h in _COUNTRY_HEADERS))
    if column is None:
        return None
    cells = frame[column].dropna().astype("str").str.strip()
    cells = cells[cells != ""]
    if cells.empty:
        return None
    counts = cells.value_counts()
    country, rows = str(counts.index[0]), int(counts.iloc[0])
    sign = _COUNTRIES.get(unicodedata.normalize("NFKC", country).strip().casefold())
    if sign is None or rows < _COUNTRY_MAJORITY * len(cells):
        return None
    return CurrencyGuess(sign, _evidence("currency_from_country", column=column, country=country,
                                         share=rows / len(cells)), "country")


def detect_currency(frame: pd.DataFrame, mapping: ColumnMapping) -> CurrencyGuess:
    """Guess the currency of ``frame``'s money columns from the file's own evidence.

    Parameters
    ----------
    frame : DataFrame
        The upload as read (:attr:`crm_core.schema.RawTable.frame`: text cells, so ``$5.50`` is still there).
    mapping : ColumnMapping
        Tells which columns hold money (amount, unit price, refunded amount) and the country.

    Returns
    -------
    CurrencyGuess
        The first source that gives an answer, in the order of the module docstring.  In the money
        cells, one sign must hold at least 80% of the marked cells (else the file mixes currencies and
        the answer is None); a country counts only when it holds at least half of the rows.
    """
    money = [c for c in (mapping.get(f) for f in _MONEY_FIELDS) if c is not None and c in frame.columns]
    for guess in (_from_values(frame, money), _from_currency_column(frame), _from_headers(money),
                  _from_country(frame, mapping)):
        if guess is not None:
            return guess
    return CurrencyGuess(None)
