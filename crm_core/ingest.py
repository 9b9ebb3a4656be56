"""Turn a raw upload (all text) into clean order lines, customer attributes and a report.

Every input row ends up either used or excluded with exactly one reason, so
``rows_read == rows_used + len(report.excluded)`` always holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_core import identity, values
from crm_core.schema import (
    FIELD_BY_NAME,
    FIELDS,
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
    # One small int per row: 0 = used, else 1 + position in REASON_ORDER (numpy, so 500k rows stay cheap).
    reason = np.zeros(len(frame), dtype=np.int8)
    details: list[tuple[np.ndarray, pd.Series]] = []

    def col(name: str) -> pd.Series | None:
        source = mapping.get(name)
        return None if source is None else frame[source]

    def flag(code: str, mask, info: pd.Series | None = None) -> None:
        hit = _bool(mask) & (reason == 0)
        if hit.any():
            reason[hit] = REASON_ORDER.index(code) + 1
            if info is not None:
                details.append((hit, info))

    flag("totals_row", _totals_rows(frame, mapping))

    customer_id = values.clean_ids(col("customer_id"))
    example = values.mangled_id_example(customer_id)
    if example is not None:
        notes.append(Note.of("note_mangled_ids", "warning", column=mapping.get("customer_id"), example=example))

    text_cols: dict[str, pd.Series] = {}
    control_cells = 0
    for name in ("product", "sku", "category", "channel", "status"):
        series = col(name)
        if series is not None:
            text_cols[name], changed = values.clean_text(series)
            control_cells += changed
    if control_cells:
        notes.append(Note.of("note_control_chars", "warning", cells=control_cells))

    dates = values.parse_dates(col("order_date"), day_first=options.day_first)
    if dates.ambiguous and options.day_first is None:
        raise DataError("ambiguous_dates", column=mapping.get("order_date"), example=dates.example)

    amount, quantity, unit_price = _money(col, notes)

    missing_customer = _bool(customer_id.isna())
    flag("missing_customer", missing_customer)
    flag("missing_date", dates.values.isna() & ~dates.failed)
    flag("bad_date", dates.failed, col("order_date"))
    if "status" in text_cols:
        excluded = {s.lower() for s in options.excluded_statuses}
        status = text_cols["status"]
        flag("status", _matches(status, lambda u: u.str.strip().str.lower().isin(excluded)), status)
    flag("bad_amount", amount.failed | amount.values.isna(), _amount_source(col))

    codes = {c.strip().upper() for c in options.non_product_codes}
    non_product = np.zeros(len(frame), dtype=bool)
    for name in ("sku", "product"):
        if name in text_cols:
            non_product |= _matches(text_cols[name], lambda u: u.str.strip().str.upper().isin(codes))
    flag("non_product", non_product, text_cols.get("sku", text_cols.get("product")))

    order_id = values.clean_ids(col("order_id")) if mapping.get("order_id") else None
    is_return = _bool((amount.values < 0) | (quantity < 0))
    if order_id is not None:
        # Online-Retail style cancellations: invoice numbers "C536379" beside plain numeric invoices.
        is_return |= _matches(order_id, lambda u: u.str.fullmatch(CANCELLATION))
    if unit_price is not None:
        flag("nonpositive_price", _bool(unit_price <= 0) & ~is_return, unit_price)
    if options.returns == "ignore":
        flag("return_ignored", is_return)
    else:
        purchasers = customer_id[(reason == 0) & ~is_return].unique()
        returns_at = np.flatnonzero(is_return & (reason == 0))
        orphan = np.zeros(len(frame), dtype=bool)
        orphan[returns_at] = ~_bool(customer_id.iloc[returns_at].isin(purchasers))
        flag("return_without_purchase", orphan)

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

    customers = _build_customers(frame, mapping, customer_id, used)
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
    if raw.bad_lines:
        notes.append(Note.of("note_bad_lines", "warning", rows=len(raw.bad_lines)))
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


def _bool(mask) -> np.ndarray:
    """A numpy bool array from a bool/boolean Series or array (missing counts as False)."""
    if isinstance(mask, pd.Series):
        return mask.to_numpy(dtype=bool, na_value=False, copy=True)
    return np.array(mask, dtype=bool)


def _matches(series: pd.Series, test) -> np.ndarray:
    """Apply the vectorised ``test`` (str Series -> bools) once per distinct value; spread the answer to every row."""
    codes, uniques = pd.factorize(series)
    if len(uniques) == 0:
        return np.zeros(len(series), dtype=bool)
    answer = _bool(pd.Series(test(pd.Series(uniques, dtype="str"))))
    return np.where(codes >= 0, answer[np.maximum(codes, 0)], False)


def _totals_rows(frame: pd.DataFrame, mapping: ColumnMapping) -> np.ndarray:
    """Rows whose first cell or an id cell says 合计 / Total (a sheet's totals line)."""
    candidates = [frame.columns[0]] + [mapping.get(n) for n in ("customer_id", "order_id", "product")]
    mask = np.zeros(len(frame), dtype=bool)
    for column in dict.fromkeys(c for c in candidates if c is not None):
        mask |= _matches(frame[column], _is_totals_label)
    return mask


def _is_totals_label(values: pd.Series) -> np.ndarray:
    # Only short cells without digits can be a totals label: test those few one by one.
    candidates = (values.str.len() <= 14) & ~values.str.contains("[0-9]", regex=True)
    answer = np.zeros(len(values), dtype=bool)
    for position in np.flatnonzero(_bool(candidates)):
        answer[position] = normalize_header(values.iloc[position]).rstrip(" :") in TOTALS_WORDS
    return answer


def _amount_source(col) -> pd.Series:
    source = col("amount")
    return source if source is not None else col("unit_price")


def _money(col, notes: list[Note]) -> tuple[values.AmountParse, pd.Series, pd.Series | None]:
    """Amount per line (given, or quantity x unit price), quantity and unit price as floats."""
    qty_parse = values.parse_quantities(col("quantity")) if col("quantity") is not None else None
    price_parse = values.parse_amounts(col("unit_price")) if col("unit_price") is not None else None
    for name, parsed in (("quantity", qty_parse), ("unit_price", price_parse)):
        if parsed is not None and parsed.decimal_comma:
            notes.append(Note.of("note_decimal_comma", column=col(name).name, example=parsed.example))
    if col("amount") is not None:
        amount = values.parse_amounts(col("amount"))
        if amount.decimal_comma:
            notes.append(Note.of("note_decimal_comma", column=col("amount").name, example=amount.example))
        if qty_parse is not None and price_parse is not None:
            # Fill blanks in the amount column from quantity x price where both are there.
            computed = qty_parse.values * price_parse.values
            amount = values.AmountParse(
                values=amount.values.fillna(computed), failed=amount.failed,
                decimal_comma=amount.decimal_comma, example=amount.example,
            )
    else:
        computed = qty_parse.values * price_parse.values
        amount = values.AmountParse(
            values=computed, failed=qty_parse.failed | price_parse.failed, decimal_comma=False, example=None,
        )
    index = amount.values.index
    quantity = qty_parse.values if qty_parse is not None else pd.Series(np.nan, index=index)
    if qty_parse is not None:
        amount = values.AmountParse(
            values=amount.values, failed=amount.failed | qty_parse.failed,
            decimal_comma=amount.decimal_comma, example=amount.example,
        )
    unit_price = price_parse.values if price_parse is not None else None
    return amount, quantity, unit_price


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


def _build_customers(frame: pd.DataFrame, mapping: ColumnMapping, customer_id: pd.Series, used: pd.Series):
    """One row per customer with the last non-empty value of each customer-level field."""
    present = [n for n in CUSTOMER_FIELDS if mapping.get(n) is not None]
    ids = customer_id[used]
    base = pd.DataFrame({"customer_id": ids.astype("str")})
    for name in present:
        series = frame[mapping.get(name)][used]
        if name in ("phone",):
            series = values.clean_ids(series)
        elif name == "signup_date":
            series = values.parse_dates(series, day_first=None).values
        elif name == "consent":
            series = values.parse_consent(series, header=mapping.get(name))
        else:
            series = values.clean_text(series)[0]
        base[("opted_out" if name == "consent" else name)] = series
    grouped = base.groupby("customer_id", sort=True)
    customers = grouped.last().reset_index() if len(base.columns) > 1 else grouped.size().reset_index()[["customer_id"]]
    return customers


def _merge_customer_rows(customers: pd.DataFrame, duplicates: pd.DataFrame) -> pd.DataFrame:
    target = dict(zip(duplicates["customer_id"], duplicates["merged_into"], strict=True))
    renamed = customers.assign(customer_id=customers["customer_id"].map(lambda c: target.get(c, c)))
    return renamed.groupby("customer_id", sort=True).first().reset_index()


def _excluded_frame(frame, reason, details, bad_lines) -> pd.DataFrame:
    at = np.flatnonzero(reason)
    detail = np.full(len(frame), None, dtype=object)
    for hit, info in details:
        detail[hit] = info.to_numpy(dtype=object)[hit]
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
