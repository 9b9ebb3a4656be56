"""Propose a column mapping from an upload: header words first, checked against the values, then guesses.

The steps, and why:

1. **Headers.** Each field's synonyms (:data:`crm_core.schema.FIELDS`) are ranked: an exact
   (normalised) header beats a partial one, and an earlier synonym beats a later one, whatever the
   column order (Taobao's 买家实际支付金额 over 总金额; Shopify's ``Created at`` over ``Paid at``).
   A partial match must be a whole word for Latin-script synonyms ("date" is in "Order Date", not in
   "Update"); words in :data:`~crm_core.schema.EXACT_ONLY` never match partially.
2. **Values.** Given the raw frame, a column is taken only when its cells fit: dates for a date
   field, mostly numbers for a money or quantity field (Square's text ``Price Point Name`` is never
   a unit price), times of day for ``order_time``, mostly non-empty ids, e-mails with ``@``.
   Masked phones (``138****5678``) are never a phone or an identity.  A ``Name`` column is a
   person's name, unless its values are order numbers like Shopify's ``#1001``: then it is the order id.
   A customer-id column must be filled on most rows, except when its header says customer id outright
   (Square's ``Customer ID``, blank for walk-ins) and no filled one exists: ingest excludes the blanks.
3. **Order totals.** A money column that repeats the order's total on each line of an order (JD
   订单金额, Youzan 订单实付金额, WooCommerce Order Total Amount) or writes it on the first line only
   (Shopify Total) is not the amount when an item amount is there.  Else an order total the buyer
   paid or owes (应付/实付/支付/paid/payable: JD 应付金额) is the amount, because it carries coupons and
   discounts (ingest counts it once per order, shared by quantity × unit price); else quantity × unit
   price; a list-price total is the amount only when nothing else prices the lines.
4. **Identity.** With no customer-id column, the buyer is, in order: an account or nickname
   (买家会员名, 下单帐号, 买家昵称), the e-mail, an unmasked phone, else name and address together,
   written ``"<name column> + <address column>"`` (see :func:`composite_parts`).
5. **Guesses.** Fields still missing are inferred from the values alone (a column of dates, a
   money-like column, id-like columns with repeats) and listed in ``inferred`` for the user to confirm.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from crm_core.ingest import _mapping_checks as check
from crm_core.ingest._mapping_words import (
    ADDRESS_HEADERS,
    CJK,
    CUSTOMER_ID_HEADERS,
    HOW,
    NEVER_PARTIAL,
    ONCE,
    PAID_WORDS,
    PAYMENT_TIME_SYNONYMS,
    SHARED,
)
from crm_core.messages import Localized
from crm_core.schema import ACCOUNT_SYNONYMS, EXACT_ONLY, FIELD_BY_NAME, FIELDS, ColumnMapping, Note, normalize_header

COMPOSITE_JOINER = " + "



@dataclass(frozen=True)
class MappingProposal:
    """A proposed mapping and what the user should know about it.

    mapping : the proposal (composite identity sources are written ``"<name> + <address>"``).
    inferred : fields guessed from values only, in FIELDS order: the UI asks to confirm them.
    identity : the source used as customer_id when the file has no customer-number column, else None.
    notes : bilingual notes (which identity was used and how to change it, what was guessed, which
        header was passed over and why).
    """

    mapping: ColumnMapping
    inferred: tuple[str, ...] = ()
    identity: str | None = None
    notes: tuple[Note, ...] = ()


def composite_parts(source: str, columns: Iterable[str]) -> tuple[str, str] | None:
    """The two columns of a composite identity source ``"<name column> + <address column>"``, else None.

    Returns ``(name, address)`` when ``source`` is not itself a column and splits, at one
    ``" + "``, into two existing columns; a real column whose header contains ``" + "`` is never split.

    >>> composite_parts("收货人姓名 + 收货地址", ["收货人姓名", "收货地址"])
    ('收货人姓名', '收货地址')
    >>> composite_parts("收货人姓名", ["收货人姓名", "收货地址"]) is None
    True
    """
    names = set(columns)
    if source in names or COMPOSITE_JOINER not in source:
        return None
    start = 0
    while (at := source.find(COMPOSITE_JOINER, start)) >= 0:
        left, right = source[:at], source[at + len(COMPOSITE_JOINER):]
        if left in names and right in names:
            return left, right
        start = at + 1
    return None


def composite_source(first: str, second: str) -> str:
    """The mapping source text for two columns read together (inverse of :func:`composite_parts`)."""
    return f"{first}{COMPOSITE_JOINER}{second}"


def join_columns(columns: Iterable[str]) -> Localized:
    """Column names as a list for a note: ``"a, b"`` in English, ``"a、b"`` in Chinese.

    >>> join_columns(["订单金额", "结算金额"]).zh
    '订单金额、结算金额'
    """
    return Localized.listing(columns)


def label(field: str) -> Localized:
    """A field's label in both languages, for note parameters."""
    fld = FIELD_BY_NAME[field]
    return Localized(en=fld.label_en, zh=fld.label_zh)


def _partial_hit(header: str, synonym: str) -> bool:
    """``synonym`` inside ``header``: anywhere for CJK words, as whole words for Latin-script ones."""
    if synonym in EXACT_ONLY or len(synonym) < 2:
        return False
    if CJK.search(synonym):
        return synonym in header
    return len(synonym) >= 3 and re.search(rf"(?<!\w){re.escape(synonym)}(?!\w)", header) is not None


def _ranked(field: str, headers: dict[str, str], exact: bool) -> list[str]:
    """Columns fitting ``field`` by header, best first: synonym rank, then column order."""
    return list(_ranked_cached(field, tuple(headers.items()), exact))


@lru_cache(maxsize=512)
def _ranked_cached(field: str, headers: tuple[tuple[str, str], ...], exact: bool) -> tuple[str, ...]:
    """:func:`_ranked` on hashable headers: a proposal asks the same question for every field and phase."""
    synonyms = _synonyms(field)
    never = NEVER_PARTIAL.get(field, ())
    scored = []
    for position, (column, header) in enumerate(headers):
        if not header:
            continue
        if exact:
            ranks = [r for r, s in enumerate(synonyms) if s == header]
        elif any(word in header for word in never):
            continue
        else:
            ranks = [r for r, s in enumerate(synonyms) if _partial_hit(header, s)]
        if ranks:
            scored.append((min(ranks), position, column))
    return tuple(column for _, _, column in sorted(scored))


@cache
def _synonyms(field: str) -> tuple[str, ...]:
    return tuple(normalize_header(s) for s in FIELD_BY_NAME[field].synonyms)


class _Proposer:
    """One proposal in the making: chosen fields, columns used, notes (header-only when ``frame`` is None)."""

    def __init__(self, columns: list[str], frame: pd.DataFrame | None) -> None:
        self.columns = columns
        self.frame = frame
        self.headers = {c: normalize_header(c) for c in columns}
        self.chosen: dict[str, str] = {}
        self.notes: list[Note] = []
        self.inferred: list[str] = []
        self.identity: str | None = None
        self.rejected: set[str] = set()
        self.sparse_ids = False
        self._samples: dict[str, pd.Series] = {}
        self._filled: dict[str, float] = {}
        self._present: dict[str, pd.Series] = {}

    # ----- values -------------------------------------------------------------------------------------
    def cells(self, column: str) -> pd.Series:
        """The column's sample (:func:`check.sample`), taken once per column."""
        if column not in self._samples:
            self._samples[column] = check.sample(self.frame[column])
        return self._samples[column]

    def filled(self, column: str) -> float:
        """Share of the column's rows that are not empty, counted once per column."""
        if column not in self._filled:
            self._filled[column] = float(self.frame[column].notna().mean())
        return self._filled[column]

    def present(self, column: str) -> pd.Series:
        """Every non-empty cell of the column, stripped (:func:`check.present`), once per column."""
        if column not in self._present:
            self._present[column] = check.present(self.frame[column])
        return self._present[column]

    def fits(self, field: str, column: str) -> bool:
        """Whether ``column``'s values fit ``field``; a note says why not when the header suggested it."""
        if self.frame is None:
            return True
        cells = self.cells(column)
        if not len(cells):
            return False  # an empty column (Taobao's 60 columns are mostly empty) is never chosen
        kind = FIELD_BY_NAME[field].kind
        expected = None
        if field == "order_time":
            expected = None if check.share(cells, check.TIME_OF_DAY) >= check.MOSTLY else ("times of day", "时刻")
        elif kind == "date":
            expected = None if check.date_share(cells) >= check.MOSTLY else ("dates", "日期")
        elif kind == "number":
            expected = None if check.number_share(cells) >= check.MOSTLY else ("numbers", "数字")
        elif field in ("phone", "customer_id") and check.masked_share(cells) >= 0.5:
            if column not in self.rejected:
                self.rejected.add(column)
                self.notes.append(Note.of("note_masked_phone", column=column, example=str(cells.iloc[0])))
            return False
        elif field == "email":
            emails = check.share(cells, r"[^@\s]+@[^@\s]+")
            expected = None if emails >= check.MOSTLY else ("e-mail addresses", "邮箱地址")
        elif field == "name" and check.share(cells, check.ORDER_NUMBER) >= check.MOSTLY:
            return False
        elif field in ("customer_id", "order_id") and self.filled(column) < 0.5:
            if field == "customer_id" and self.headers[column] in CUSTOMER_ID_HEADERS:
                return self.sparse_ids  # taken only when no filled id column is found (see by_headers)
            expected = ("filled in on most rows", "大部分行都有值的编号")
        if expected is None:
            return True
        if column not in self.rejected:
            self.rejected.add(column)
            self.notes.append(Note.of("note_column_values_rejected", column=column, field=label(field),
                                      expected=Localized(*expected), example=str(cells.iloc[0])))
        return False

    # ----- header phases ------------------------------------------------------------------------------
    def free(self, column: str) -> bool:
        return column not in self.chosen.values()

    def take(self, field: str, candidates: list[str]) -> bool:
        for column in candidates:
            if self.free(column) and self.fits(field, column):
                self.chosen[field] = column
                return True
        return False

    def by_headers(self) -> None:
        for exact in (True, False):
            for fld in FIELDS:
                if fld.name in self.chosen or fld.name == "amount":
                    continue
                if self.take(fld.name, _ranked(fld.name, self.headers, exact)):
                    continue
                if fld.name == "order_id" and exact and self.frame is not None:
                    # "Name" is a person's name, unless it holds order numbers (Shopify's "#1001").
                    self.take(fld.name, [c for c, h in self.headers.items() if h == "name" and self._order_numbers(c)])
        if "customer_id" not in self.chosen:
            # A header that says "Customer ID" outright is kept however sparse (POS walk-ins have none):
            # ingest excludes the blank rows with a count and their revenue share.  Identity proposals
            # from other headers (accounts, e-mail, phone, name) must be filled on most rows.
            self.sparse_ids = True
            self.take("customer_id", [c for c in _ranked("customer_id", self.headers, True)
                                      if self.headers[c] in CUSTOMER_ID_HEADERS])
            self.sparse_ids = False
        self.amount()
        column = self.chosen.get("order_date")
        if column is not None and self.headers[column] in PAYMENT_TIME_SYNONYMS:
            self.notes.append(Note.of("note_order_date_fallback", column=column))

    def _order_numbers(self, column: str) -> bool:
        cells = self.cells(column)
        if check.share(cells, check.ORDER_NUMBER) < check.MOSTLY:
            return False
        self.notes.append(Note.of("note_name_is_order_number", column=column, example=str(cells.iloc[0])))
        return True

    def amount(self) -> None:
        """Choose the amount: (a) an item amount, (b) an order's paid/payable total, (c) quantity × unit price.

        An order-level figure is taken only when it is what the buyer paid or owes (header with 应付, 实付,
        支付, paid, payable: JD 应付金额), because it carries the order's coupons and discounts; ingest counts
        it once per order, shared among the lines in proportion to quantity × unit price.  List-price
        totals (JD 订单金额, Shopify Total, WooCommerce Order Total Amount) are passed over for quantity ×
        unit price, and are the amount only when nothing else prices the lines.
        """
        candidates = _ranked("amount", self.headers, True) + _ranked("amount", self.headers, False)
        order_totals: list[tuple[str, str]] = []
        for column in dict.fromkeys(candidates):
            if not self.free(column):
                continue
            if "amount" in self.chosen:  # only to say which order totals were passed over
                if self.frame is not None and check.number_share(self.cells(column)) >= check.MOSTLY \
                        and (level := self._order_level(column)) is not None:
                    order_totals.append((column, level))
                continue
            if not self.fits("amount", column):
                continue
            level = self._order_level(column)
            if level is not None:
                order_totals.append((column, level))
                continue
            self.chosen["amount"] = column
        refund = self.chosen.get("refund_amount")
        refund_level = self._order_level(refund) if refund else None
        if refund_level is not None:
            self.notes.append(Note.of("note_order_total_once", column=refund, how=HOW[refund_level]))
        if not order_totals:
            return
        priced = "quantity" in self.chosen and "unit_price" in self.chosen
        if "amount" in self.chosen:
            item = self.chosen["amount"]
            instead = Localized(en=f"the item amount {item} is used instead", zh=f"改用商品金额 {item}")
        elif paid := next(((c, lv) for c, lv in order_totals if PAID_WORDS.search(self.headers[c])), None):
            column, level = paid
            self.chosen["amount"] = column
            order_totals.remove(paid)
            how = SHARED if priced and level == "repeated" else ONCE
            self.notes.append(Note.of("note_order_paid_total_used", column=column, how=how))
            if not order_totals:
                return
            instead = Localized(en=f"the paid total {column} is used instead", zh=f"改用实付/应付金额 {column}")
        elif priced:
            instead = Localized(en="amount = quantity × unit price instead", zh="改为 金额 = 数量 × 单价")
        else:
            column, level = order_totals[0]
            self.chosen["amount"] = column
            self.notes.append(Note.of("note_order_total_once", column=column, how=HOW[level]))
            return
        level = order_totals[0][1]
        self.notes.append(Note.of("note_order_total_skipped", column=join_columns(c for c, _ in order_totals),
                                  how=HOW[level], instead=instead))

    def _order_level(self, column: str) -> str | None:
        if self.frame is None or "order_id" not in self.chosen:
            return None
        key_column = self.chosen.get("sku") or self.chosen.get("product")
        line_key = self.frame[key_column] if key_column else None
        return check.order_level(self.frame[column], self.frame[self.chosen["order_id"]], line_key)

    # ----- identity -----------------------------------------------------------------------------------
    def identify(self) -> None:
        """Say which column tells customers apart when none is a customer number; propose one if needed."""
        column = self.chosen.get("customer_id")
        if column is not None:
            accounts = {normalize_header(s) for s in ACCOUNT_SYNONYMS}
            if self.headers[column] in accounts or any(_partial_hit(self.headers[column], a) for a in accounts):
                self.identity = column
                self.notes.append(Note.of("note_identity_used", column=column,
                                          kind=Localized("buyer account", "买家账号")))
            return
        for field, kind in (("email", Localized("e-mail", "邮箱")), ("phone", Localized("phone", "手机号"))):
            source = self.chosen.get(field)
            # An identity must be there on most rows: a sparse contact column would drop most orders.
            if source is not None and (self.frame is None or self.filled(source) >= 0.5):
                del self.chosen[field]
                self._use_identity(source)
                self.notes.append(Note.of("note_identity_used", column=source, kind=kind))
                return
        name = self.chosen.get("name")
        addresses = _ranked_address(self.headers)
        address = next((c for c in addresses if self.free(c) and (self.frame is None or len(self.cells(c)))), None)
        if name is not None and address is not None:
            self._use_identity(composite_source(name, address))
            self.notes.append(Note.of("note_identity_composite", name=name, address=address))

    def _use_identity(self, source: str) -> None:
        self.chosen["customer_id"] = source
        self.identity = source

    # ----- values only --------------------------------------------------------------------------------
    def guess(self) -> None:
        """Fill required fields the headers did not give from the values alone (to be confirmed)."""
        if self.frame is None:
            return
        free = [c for c in self.columns if self.free(c) and len(self.cells(c))]
        if "order_date" not in self.chosen:
            dates = [c for c in free if check.date_share(self.cells(c)) >= 0.9
                     and check.share(self.cells(c), r"[0-9]+(?:\.[0-9]+)?") < 0.5]
            self._guessed("order_date", dates)
        need_amount = "amount" not in self.chosen and not ("quantity" in self.chosen and "unit_price" in self.chosen)
        if need_amount:
            self._guessed("amount", [c for c in free if self.free(c) and check.money_like(self.cells(c))])
        ids = [c for c in free if self.free(c) and check.id_like(self.cells(c))]
        repeats = {c: self.present(c).nunique() for c in ids}
        repeats = {c: n for c, n in repeats.items() if 2 <= n < len(self.present(c))}
        if "customer_id" not in self.chosen and repeats:
            self._guessed("customer_id", [min(repeats, key=lambda c: (repeats[c], self.columns.index(c)))])
        customer = self.chosen.get("customer_id")
        if "order_id" not in self.chosen and customer in self.frame.columns:
            orders = [c for c in ids if self.free(c) and self._plausible_orders(c, customer)]
            self._guessed("order_id", orders)

    def _plausible_orders(self, column: str, customer: str) -> bool:
        """Many distinct values, 1-5 lines each, one customer (and one date) per value."""
        cells = self.present(column)
        lines = cells.value_counts()
        if lines.max() > 50 or not 1 <= float(lines.mean()) <= 5:
            return False
        if self.present(customer).nunique() >= len(lines):
            return False
        date = self.chosen.get("order_date")
        same_date = check.one_per_key(self.frame[column], self.frame[date]) if date else 1.0
        return check.one_per_key(self.frame[column], self.frame[customer]) >= 0.95 and same_date >= 0.95

    def _guessed(self, field: str, candidates: list[str]) -> None:
        for column in candidates:
            if self.free(column) and self.fits(field, column):
                self.chosen[field] = column
                self.inferred.append(field)
                return

    def result(self) -> MappingProposal:
        inferred = tuple(f.name for f in FIELDS if f.name in self.inferred)
        if inferred:
            pairs = "; ".join(f"{FIELD_BY_NAME[f].label_en}: {self.chosen[f]}" for f in inferred)
            pairs_zh = "；".join(f"{FIELD_BY_NAME[f].label_zh}：{self.chosen[f]}" for f in inferred)
            self.notes.append(Note.of("note_fields_guessed", "warning", fields=Localized(pairs, pairs_zh)))
        return MappingProposal(mapping=ColumnMapping.from_dict(self.chosen), inferred=inferred,
                               identity=self.identity, notes=tuple(self.notes))


def _ranked_address(headers: dict[str, str]) -> list[str]:
    """Address columns, best first (exact headers, then headers containing an address word)."""
    words = [normalize_header(w) for w in ADDRESS_HEADERS]
    exact = [c for w in words for c, h in headers.items() if h == w]
    partial = [c for w in words for c, h in headers.items() if _partial_hit(h, w) and c not in exact]
    return list(dict.fromkeys(exact + partial))


def propose_mapping(frame: pd.DataFrame) -> MappingProposal:
    """Propose a mapping for a raw upload, with every choice checked against the values.

    Parameters
    ----------
    frame : DataFrame
        ``RawTable.frame``: all columns text, empty cells missing, index = file row numbers.

    Returns
    -------
    MappingProposal
        The mapping, the fields guessed from values only (``inferred``), the identity source
        when no column is a customer number, and bilingual notes.
    """
    proposer = _Proposer([str(c) for c in frame.columns], frame)
    proposer.by_headers()
    proposer.identify()
    proposer.guess()
    return proposer.result()


def propose_from_headers(columns: list[str]) -> MappingProposal:
    """The header-only proposal (no values to check): ranked synonyms and the identity order by header."""
    proposer = _Proposer([str(c) for c in columns], None)
    proposer.by_headers()
    proposer.identify()
    return proposer.result()
