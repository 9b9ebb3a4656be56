"""The outputs of ingest: clean order lines and one row of attributes per customer.

Split from :mod:`crm_core.ingest.clean`, which decides which rows are used; this module only shapes them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from crm_core.ingest import values
from crm_core.schema import FIELDS, OPT_OUT_WORDS, ColumnMapping, Note, normalize_header

CUSTOMER_FIELDS = tuple(f.name for f in FIELDS if f.level == "customer")


def build_orders(*, used, customer_id, order_id, dates, text_cols, quantity, unit_price, line_amount, is_return):
    """The used lines; ``line_amount`` is each line's size (>= 0), made negative for returns here."""
    at = np.flatnonzero(used)
    n = len(at)
    returns = is_return[at]
    line_amount = np.where(returns, -line_amount[at], line_amount[at])
    ids = _used_rows(customer_id, used)
    dates_used = _used_rows(dates, used)
    # Without an order id, a customer's lines on one day form one order.
    oid = _used_rows(order_id, used) if order_id is not None else _missing_text(n)
    missing = oid.isna()
    if missing.any():
        fallback = ids[missing] + "|" + dates_used[missing].dt.strftime("%Y-%m-%d")
        oid = oid.where(~missing, fallback)

    def text(name: str) -> pd.Series:
        if name in text_cols:
            return _used_rows(text_cols[name], used)
        return _missing_text(n)

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


def _used_rows(values: pd.Series, used: np.ndarray) -> pd.Series:
    """The used rows of a per-row Series, numbered 0..n-1 (a boolean filter: cheaper than a take for text)."""
    return values[used].reset_index(drop=True)


def _missing_text(n: int) -> pd.Series:
    """``n`` missing str cells (an unmapped text field), built as one Arrow null array."""
    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"))


def build_customers(columns: dict, mapping: ColumnMapping, customer_id: pd.Series, used: np.ndarray):
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


def unknown_consent(customers: pd.DataFrame, *, header: str) -> tuple[pd.DataFrame, Note]:
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


def merge_customer_rows(customers: pd.DataFrame, duplicates: pd.DataFrame) -> pd.DataFrame:
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
