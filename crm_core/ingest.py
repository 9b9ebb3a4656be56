"""Turn a raw upload (all text) into clean order lines, customer attributes and a report.

Every input row ends up either used or excluded with exactly one reason, so
``rows_read == rows_used + len(report.excluded)`` always holds.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pandas as pd

from crm_core import identity, values
from crm_core.schema import (
    FIELD_BY_NAME,
    FIELDS,
    OPT_OUT_WORDS,
    REQUIRED_FIELDS,
    ColumnMapping,
    DataError,
    IngestOptions,
    IngestReport,
    IngestResult,
    Note,
    RawTable,
    normalize_header,
)

ORDER_COLUMNS = (
    "customer_id", "order_id", "order_date", "product", "sku", "category",
    "quantity", "unit_price", "amount", "channel", "is_return", "source_row",
)
CUSTOMER_FIELDS = tuple(f.name for f in FIELDS if f.level == "customer")
TOTALS_WORDS = frozenset({"合计", "总计", "小计", "总合计", "total", "totals", "grand total", "sum", "subtotal"})

# Precedence: the first reason that applies to a row is the one reported.
REASON_ORDER = (
    "totals_row", "missing_customer", "missing_date", "bad_date", "status", "bad_amount",
    "non_product", "nonpositive_price", "return_ignored", "return_without_purchase",
)


def validate_mapping(raw: RawTable, mapping: ColumnMapping) -> None:
    """Raise DataError when the mapping cannot work with this table."""
    columns = set(raw.frame.columns)
    for name, column in mapping.pairs:
        if column not in columns:
            raise DataError("unknown_column", column=column, field=FIELD_BY_NAME[name].label_en)
    used: dict[str, list[str]] = {}
    for name, column in mapping.pairs:
        used.setdefault(column, []).append(FIELD_BY_NAME[name].label_en)
    for column, fields in used.items():
        if len(fields) > 1:
            raise DataError("duplicate_mapping", column=column, fields=" / ".join(fields))
    missing = [n for n in REQUIRED_FIELDS if mapping.get(n) is None]
    if missing:
        labels = " / ".join(f"{FIELD_BY_NAME[n].label_en} ({FIELD_BY_NAME[n].label_zh})" for n in missing)
        examples = ", ".join(FIELD_BY_NAME[missing[0]].synonyms[i] for i in (0, -1))
        raise DataError("missing_required", fields=labels, examples=examples)
    if mapping.get("amount") is None and (mapping.get("quantity") is None or mapping.get("unit_price") is None):
        raise DataError("missing_amount")


def standardize(raw: RawTable, mapping: ColumnMapping, options: IngestOptions = IngestOptions()) -> IngestResult:
    """Clean, validate and account for every row of ``raw``.

    Parameters
    ----------
    raw : RawTable
        The upload as text (see :func:`crm_core.readers.read_upload`).
    mapping : ColumnMapping
        Which column feeds which canonical field.
    options : IngestOptions
        Returns handling, date order, non-product codes, statuses, duplicate merging.

    Returns
    -------
    IngestResult
        ``orders`` (one row per used line; columns :data:`ORDER_COLUMNS`), ``customers``
        (one row per customer_id) and the :class:`IngestReport`.
    """
    validate_mapping(raw, mapping)
    frame = raw.frame
    notes: list[Note] = list(raw.notes)
    # Each mapped column is factorized once; every parser then runs on its distinct values only.
    columns = {name: _Distinct(frame[source]) for name, source in mapping.pairs}
    # One small int per row: 0 = used, else 1 + position in REASON_ORDER (numpy, so 500k rows stay cheap).
    reason = np.zeros(len(frame), dtype=np.int8)
    details: list[tuple[np.ndarray, pd.Series]] = []

    def flag(code: str, mask, info: pd.Series | None = None) -> None:
        hit = _bool(mask) & (reason == 0)
        if hit.any():
            reason[hit] = REASON_ORDER.index(code) + 1
            if info is not None:
                details.append((hit, info))

    flag("totals_row", _totals_rows(frame, mapping, columns))

    distinct_ids = values.clean_ids(columns["customer_id"].values)
    customer_id = columns["customer_id"].spread(distinct_ids)
    example = values.mangled_id_example(columns["customer_id"].values)
    if example is not None:
        notes.append(Note.of("note_mangled_ids", "warning", column=mapping.get("customer_id"), example=example))

    text_cols: dict[str, pd.Series] = {}
    control_cells = 0
    for name in ("product", "sku", "category", "channel", "status"):
        if name in columns:
            text_cols[name] = columns[name].apply(lambda u: values.clean_text(u)[0])
            control_cells += columns[name].count(lambda u: u.str.contains(values.CONTROL_CHARACTERS, regex=True))
    if control_cells:
        notes.append(Note.of("note_control_chars", "warning", cells=control_cells))

    dates = columns["order_date"].apply_parse(lambda u: values.parse_dates(u, day_first=options.day_first))
    if dates.ambiguous and options.day_first is None:
        raise DataError("ambiguous_dates", column=mapping.get("order_date"), example=dates.example)

    amount, quantity, unit_price = _money(columns, notes)
    future = _bool(dates.values >= pd.Timestamp(date.today() + timedelta(days=1)))
    if future.any():
        notes.append(Note.of("note_future_dates", "warning", rows=int(future.sum()), as_of=date.today().isoformat()))

    missing_customer = _bool(customer_id.isna())
    flag("missing_customer", missing_customer)
    flag("missing_date", dates.values.isna() & ~dates.failed)
    flag("bad_date", dates.failed, columns["order_date"].raw)
    if "status" in columns:
        excluded = {s.lower() for s in options.excluded_statuses}
        status = columns["status"]
        flag("status", status.mask(lambda u: values.clean_text(u)[0].str.lower().isin(excluded)), text_cols["status"])
    flag("bad_amount", amount.failed | amount.values.isna(), (columns.get("amount") or columns["unit_price"]).raw)

    codes = {c.strip().upper() for c in options.non_product_codes}
    non_product = np.zeros(len(frame), dtype=bool)
    for name in ("sku", "product"):
        if name in columns:
            non_product |= columns[name].mask(lambda u: values.clean_text(u)[0].str.upper().isin(codes))
    flag("non_product", non_product, text_cols.get("sku", text_cols.get("product")))

    order_id = columns["order_id"].apply(values.clean_ids) if "order_id" in columns else None
    is_return = _bool((amount.values < 0) | (quantity < 0))
    if order_id is not None:
        # Online-Retail style cancellations: invoice numbers "C536379" beside plain numeric invoices.
        is_return |= columns["order_id"].mask(lambda u: values.clean_ids(u).str.fullmatch(CANCELLATION))
    if unit_price is not None:
        flag("nonpositive_price", _bool(unit_price <= 0) & ~is_return, unit_price)
    if options.returns == "ignore":
        flag("return_ignored", is_return)
    else:
        # Integer code per cleaned id (raw spellings that clean to one id share it), then plain numpy lookups.
        id_codes, ids = pd.factorize(distinct_ids)
        row_ids = np.append(id_codes, -1)[columns["customer_id"].codes]
        bought = np.zeros(len(ids) + 1, dtype=bool)
        bought[row_ids[(reason == 0) & ~is_return]] = True
        bought[-1] = False  # code -1 (no id) is never a purchaser
        flag("return_without_purchase", is_return & ~bought[row_ids])

    used = reason == 0
    if missing_customer.any():
        revenue = amount.values.where(amount.values > 0, 0).fillna(0).to_numpy()
        share = float(revenue[missing_customer].sum() / revenue.sum()) if revenue.sum() > 0 else 0.0
        notes.append(Note.of("note_missing_customer_share", "warning", rows=int(missing_customer.sum()), share=share))

    orders = _build_orders(
        used=used, customer_id=customer_id, order_id=order_id, dates=dates.values, text_cols=text_cols,
        quantity=quantity, unit_price=unit_price, amount=amount.values, is_return=is_return,
    )
    if order_id is None:
        notes.append(Note.of("note_no_order_id"))
    if mapping.get("amount") is None:
        notes.append(Note.of("note_amount_computed"))
    n_returns = int(orders["is_return"].sum())
    if n_returns:
        value = float(-orders.loc[orders["is_return"], "amount"].sum())
        notes.append(Note.of("note_returns_netted", rows=n_returns, value=f"{value:,.2f}"))

    customers = _build_customers(columns, mapping, customer_id, used)
    if "opted_out" in customers.columns and customers["opted_out"].isna().any():
        customers, note = _unknown_consent(customers, header=mapping.get("consent"))
        notes.append(note)
    duplicates = None
    if "phone" in customers.columns or "email" in customers.columns:
        rows = orders["customer_id"].value_counts()
        keyed = customers.assign(rows=customers["customer_id"].map(rows).fillna(0).astype("int64"))
        duplicates = identity.find_duplicate_customers(keyed, region=options.phone_region)
        if len(duplicates):
            groups = duplicates["merged_into"].nunique()
            notes.append(Note.of("note_duplicates_found", "warning", groups=groups))
            if options.merge_duplicates:
                orders = identity.apply_merges(orders, duplicates)
                customers = _merge_customer_rows(customers, duplicates)
                notes.append(Note.of("note_duplicates_merged", ids=len(duplicates), groups=groups))

    excluded = _excluded_frame(frame, reason, details, raw.bad_lines)
    rows_read = len(frame) + len(raw.bad_lines)
    if orders.empty:
        counts = excluded["reason"].value_counts()
        reasons = ", ".join(f"{k} ({v:,})" for k, v in counts.items())
        raise DataError("no_rows_used", rows=rows_read, reasons=reasons or "-")
    report = IngestReport(
        source_name=raw.source_name,
        rows_read=rows_read,
        rows_used=len(orders),
        rows_returns=n_returns,
        excluded=excluded,
        notes=tuple(notes),
        duplicates=duplicates,
    )
    return IngestResult(orders=orders, customers=customers, report=report)


CANCELLATION = r"[Cc][0-9]+"


class _Distinct:
    """A column as integer codes into its distinct values, so each parser runs once per distinct value.

    Order exports repeat the same ids, dates, products and statuses thousands of times: parsing the
    distinct values (a few percent of the rows) and spreading the answers back is several times faster.
    """

    def __init__(self, series: pd.Series) -> None:
        self.raw = series
        self.codes, uniques = pd.factorize(series)
        self.values = pd.Series(uniques, dtype="str")

    def spread(self, per_value: pd.Series) -> pd.Series:
        """Per-distinct-value results as one value per row (missing cells get the missing value)."""
        if per_value.dtype == bool:
            out = np.append(per_value.to_numpy(), False)[self.codes]
        else:
            out = per_value.array.take(self.codes, allow_fill=True)
        return pd.Series(out, index=self.raw.index, name=self.raw.name)

    def apply(self, parse) -> pd.Series:
        return self.spread(parse(self.values))

    def apply_parse(self, parse):
        """For parsers returning a dataclass with per-value ``values`` and ``failed`` Series."""
        result = parse(self.values)
        return dataclasses.replace(result, values=self.spread(result.values), failed=self.spread(result.failed))

    def mask(self, test) -> np.ndarray:
        """``test`` (distinct values -> bools) as a bool per row; missing cells are False."""
        answer = _bool(pd.Series(test(self.values)))
        return np.append(answer, False)[self.codes]

    def count(self, test) -> int:
        return int(self.mask(test).sum())


def _bool(mask) -> np.ndarray:
    """A numpy bool array from a bool/boolean Series or array (missing counts as False)."""
    if isinstance(mask, pd.Series):
        return mask.to_numpy(dtype=bool, na_value=False, copy=True)
    return np.array(mask, dtype=bool)


def _totals_rows(frame: pd.DataFrame, mapping: ColumnMapping, columns: dict[str, _Distinct]) -> np.ndarray:
    """Rows whose first cell or an id cell says 合计 / Total (a sheet's totals line)."""
    first = next((d for d in columns.values() if d.raw.name == frame.columns[0]), None) or _Distinct(frame.iloc[:, 0])
    candidates = [first] + [columns[n] for n in ("customer_id", "order_id", "product") if n in columns]
    mask = np.zeros(len(frame), dtype=bool)
    for column in {id(c): c for c in candidates}.values():
        mask |= column.mask(_is_totals_label)
    return mask


def _is_totals_label(values: pd.Series) -> np.ndarray:
    # Only short cells without digits can be a totals label: test those few one by one.
    candidates = (values.str.len() <= 14) & ~values.str.contains("[0-9]", regex=True)
    answer = np.zeros(len(values), dtype=bool)
    for position in np.flatnonzero(_bool(candidates)):
        answer[position] = normalize_header(values.iloc[position]).rstrip(" :") in TOTALS_WORDS
    return answer


def _money(columns: dict[str, _Distinct], notes: list[Note]):
    """Amount per line (given, or quantity x unit price), quantity and unit price as floats."""
    parsed: dict[str, values.AmountParse] = {}
    for name, parse in (("quantity", values.parse_quantities), ("unit_price", values.parse_amounts),
                        ("amount", values.parse_amounts)):
        if name in columns:
            parsed[name] = columns[name].apply_parse(parse)
            if parsed[name].decimal_comma:
                notes.append(Note.of("note_decimal_comma", column=columns[name].raw.name,
                                     example=parsed[name].example))
    qty, price = parsed.get("quantity"), parsed.get("unit_price")
    if "amount" in parsed:
        amount = parsed["amount"]
        if qty is not None and price is not None:
            # Fill blanks in the amount column from quantity x price where both are there.
            amount = dataclasses.replace(amount, values=amount.values.fillna(qty.values * price.values))
    else:
        amount = values.AmountParse(values=qty.values * price.values, failed=qty.failed | price.failed,
                                    decimal_comma=False, example=None)
    quantity = qty.values if qty is not None else pd.Series(np.nan, index=amount.values.index)
    if qty is not None:
        amount = dataclasses.replace(amount, failed=amount.failed | qty.failed)
    return amount, quantity, (price.values if price is not None else None)


def _build_orders(*, used, customer_id, order_id, dates, text_cols, quantity, unit_price, amount, is_return):
    at = np.flatnonzero(used)
    returns = is_return[at]
    line_amount = np.abs(amount.to_numpy(dtype="float64")[at])
    line_amount = np.where(returns, -line_amount, line_amount)
    ids = customer_id.iloc[at].reset_index(drop=True)
    dates_used = dates.iloc[at].reset_index(drop=True)
    # Without an order id, a customer's lines on one day form one order.
    oid = order_id.iloc[at].reset_index(drop=True) if order_id is not None else pd.Series(pd.NA, index=ids.index,
                                                                                         dtype="str")
    missing = oid.isna()
    if missing.any():
        fallback = ids[missing] + "|" + dates_used[missing].dt.strftime("%Y-%m-%d")
        oid = oid.where(~missing, fallback)

    def text(name: str) -> pd.Series:
        if name in text_cols:
            return text_cols[name].iloc[at].reset_index(drop=True)
        return pd.Series(pd.NA, index=ids.index, dtype="str")

    price = unit_price.to_numpy(dtype="float64")[at] if unit_price is not None else np.full(len(at), np.nan)
    return pd.DataFrame(
        {
            "customer_id": ids.astype("str"),
            "order_id": oid.astype("str"),
            "order_date": dates_used,
            "product": text("product"),
            "sku": text("sku"),
            "category": text("category"),
            "quantity": quantity.to_numpy(dtype="float64")[at],
            "unit_price": price,
            "amount": line_amount,
            "channel": text("channel"),
            "is_return": returns,
            "source_row": np.asarray(customer_id.index[at], dtype="int64"),
        }
    )


def _build_customers(columns: dict, mapping: ColumnMapping, customer_id: pd.Series, used: np.ndarray):
    """One row per customer with the last non-empty value of each customer-level field."""
    base = pd.DataFrame({"customer_id": customer_id[used].astype("str")})
    parsers = {
        "phone": values.clean_ids,
        "signup_date": lambda u: values.parse_dates(u, day_first=None).values,
        "consent": lambda u: values.parse_consent(u, header=mapping.get("consent")),
    }
    for name in CUSTOMER_FIELDS:
        if name in columns:
            parse = parsers.get(name, lambda u: values.clean_text(u)[0])
            base["opted_out" if name == "consent" else name] = columns[name].apply(parse)[used]
    grouped = base.groupby("customer_id", sort=True)
    customers = grouped.last().reset_index() if len(base.columns) > 1 else grouped.size().reset_index()[["customer_id"]]
    return customers


def _unknown_consent(customers: pd.DataFrame, *, header: str) -> tuple[pd.DataFrame, Note]:
    """Customers whose consent cell is blank or unreadable.

    Under an opt-in column (营销同意, accepts marketing) no answer means no consent: they are treated as
    opted out, so a campaign never reaches them by accident. Under an opt-out column (退订, unsubscribed)
    no answer means no opt-out was recorded.
    """
    unknown = customers["opted_out"].isna()
    opt_out_column = any(word in normalize_header(header) for word in OPT_OUT_WORDS)
    filled = customers.assign(opted_out=customers["opted_out"].fillna(not opt_out_column).astype(bool))
    code = "note_consent_unknown_kept" if opt_out_column else "note_consent_unknown_left_out"
    return filled, Note.of(code, "warning", customers=int(unknown.sum()), column=header)


def _merge_customer_rows(customers: pd.DataFrame, duplicates: pd.DataFrame) -> pd.DataFrame:
    """One row per merged person: the first known value of each field, and opted out if any of its ids opted out."""
    target = dict(zip(duplicates["customer_id"], duplicates["merged_into"], strict=True))
    renamed = customers.assign(customer_id=customers["customer_id"].map(lambda c: target.get(c, c)))
    grouped = renamed.groupby("customer_id", sort=True)
    merged = grouped.first()
    if "opted_out" in renamed.columns:
        # An opt-out given under any of a person's ids must survive the merge.
        any_out = grouped["opted_out"].agg(lambda s: bool(s.fillna(False).any()) if s.notna().any() else pd.NA)
        merged["opted_out"] = any_out.astype("boolean")
    return merged.reset_index()


def _excluded_frame(frame, reason, details, bad_lines) -> pd.DataFrame:
    at = np.flatnonzero(reason)
    detail = np.full(len(frame), None, dtype=object)
    for hit, info in details:
        positions = np.flatnonzero(hit)
        detail[positions] = info.iloc[positions].to_numpy(dtype=object)
    excluded = frame.iloc[at]
    head = pd.DataFrame(
        {
            "row": np.asarray(frame.index[at], dtype="int64"),
            "reason": np.asarray(REASON_ORDER, dtype=object)[reason[at] - 1],
            "detail": pd.Series(detail[at], index=excluded.index, dtype="object").astype("str"),
        },
        index=excluded.index,
    )
    excluded = pd.concat([head, excluded], axis=1).reset_index(drop=True)
    if bad_lines:
        extra = pd.DataFrame(
            {"row": [n for n, _ in bad_lines], "reason": "malformed_line", "detail": [t[:200] for _, t in bad_lines]}
        )
        excluded = pd.concat([excluded, extra], ignore_index=True)
        excluded = excluded.sort_values("row", kind="stable").reset_index(drop=True)
    return excluded
