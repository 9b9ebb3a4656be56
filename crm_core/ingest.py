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
    reason = pd.Series(pd.NA, index=frame.index, dtype="object")
    detail = pd.Series(pd.NA, index=frame.index, dtype="object")

    def col(name: str) -> pd.Series | None:
        source = mapping.get(name)
        return None if source is None else frame[source]

    def flag(code: str, mask: pd.Series, info: pd.Series | None = None) -> None:
        hit = mask.fillna(False).astype(bool) & reason.isna()
        if hit.any():
            reason[hit] = code
            if info is not None:
                detail[hit] = info[hit].astype("str")

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

    missing_customer = customer_id.isna()
    flag("missing_customer", missing_customer)
    flag("missing_date", dates.values.isna() & ~dates.failed)
    flag("bad_date", dates.failed, col("order_date"))
    if "status" in text_cols:
        status = text_cols["status"]
        excluded_status = status.str.strip().str.lower().isin({s.lower() for s in options.excluded_statuses})
        flag("status", excluded_status, status)
    flag("bad_amount", amount.failed | amount.values.isna(), _amount_source(col))

    codes = {c.strip().upper() for c in options.non_product_codes}
    non_product = pd.Series(False, index=frame.index)
    for name in ("sku", "product"):
        if name in text_cols:
            non_product |= text_cols[name].str.strip().str.upper().isin(codes)
    flag("non_product", non_product, text_cols.get("sku", text_cols.get("product")))

    order_id = values.clean_ids(col("order_id")) if mapping.get("order_id") else None
    is_return = (amount.values < 0) | (quantity < 0)
    if order_id is not None:
        # Online-Retail style cancellations: invoice numbers "C536379" beside plain numeric invoices.
        is_return |= order_id.str.match(r"^[Cc]\d+$").fillna(False).astype(bool)
    is_return = is_return.fillna(False).astype(bool)
    if unit_price is not None:
        flag("nonpositive_price", (unit_price <= 0) & ~is_return, unit_price)
    if options.returns == "ignore":
        flag("return_ignored", is_return)
    else:
        purchasers = set(customer_id[reason.isna() & ~is_return].dropna().unique())
        flag("return_without_purchase", is_return & ~customer_id.isin(purchasers))

    used = reason.isna()
    if missing_customer.any():
        revenue = amount.values.where(amount.values > 0, 0).fillna(0)
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

    excluded = _excluded_frame(frame, reason, detail, raw.bad_lines)
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


def _totals_rows(frame: pd.DataFrame, mapping: ColumnMapping) -> pd.Series:
    """Rows whose first cell or an id cell says 合计 / Total (a sheet's totals line)."""
    candidates = [frame.columns[0]] + [mapping.get(n) for n in ("customer_id", "order_id", "product")]
    mask = pd.Series(False, index=frame.index)
    for column in dict.fromkeys(c for c in candidates if c is not None):
        text = frame[column].dropna()
        if text.empty:
            continue
        # Only short cells without digits can be a totals label; normalise each distinct value once.
        short = text[(text.str.len() <= 14) & ~text.str.contains("[0-9]", regex=True)]
        labels = {v for v in short.unique() if normalize_header(v).rstrip(" :") in TOTALS_WORDS}
        if labels:
            mask |= frame[column].isin(labels).fillna(False).astype(bool)
    return mask


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
    index = used[used].index
    returns = is_return[index]
    line_amount = amount[index].abs().where(~returns, -amount[index].abs())
    dates_used = dates[index]
    # Without an order id, a customer's lines on one day form one order.
    oid = order_id[index] if order_id is not None else pd.Series(pd.NA, index=index, dtype="str")
    missing = oid.isna()
    if missing.any():
        fallback = customer_id[index][missing] + "|" + dates_used[missing].dt.strftime("%Y-%m-%d")
        oid = oid.where(~missing, fallback)
    missing_text = pd.Series(pd.NA, index=index, dtype="str")
    orders = pd.DataFrame(
        {
            "customer_id": customer_id[index].astype("str"),
            "order_id": oid.astype("str"),
            "order_date": dates_used,
            "product": text_cols["product"][index] if "product" in text_cols else missing_text,
            "sku": text_cols["sku"][index] if "sku" in text_cols else missing_text,
            "category": text_cols["category"][index] if "category" in text_cols else missing_text,
            "quantity": quantity[index].astype("float64"),
            "unit_price": (unit_price[index] if unit_price is not None else pd.Series(np.nan, index=index)).astype(
                "float64"
            ),
            "amount": line_amount.astype("float64"),
            "channel": text_cols["channel"][index] if "channel" in text_cols else missing_text,
            "is_return": returns.astype(bool),
            "source_row": np.asarray(index, dtype="int64"),
        },
        index=index,
    )
    return orders.reset_index(drop=True)


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


def _excluded_frame(frame, reason, detail, bad_lines) -> pd.DataFrame:
    mask = reason.notna()
    excluded = frame[mask].copy()
    excluded.insert(0, "detail", detail[mask].astype("str"))
    excluded.insert(0, "reason", reason[mask].astype("str"))
    excluded.insert(0, "row", np.asarray(excluded.index, dtype="int64"))
    if bad_lines:
        extra = pd.DataFrame(
            {"row": [n for n, _ in bad_lines], "reason": "malformed_line", "detail": [t[:200] for _, t in bad_lines]}
        )
        excluded = pd.concat([excluded, extra], ignore_index=True)
    return excluded.sort_values("row", kind="stable").reset_index(drop=True)
