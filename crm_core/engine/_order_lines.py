"""The engine's clean lines as the app's IngestResult (see :func:`crm_core.engine.run.order_lines`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ibis
import numpy as np
import pandas as pd

from crm_core.engine.lines import LINE_COLUMNS, MONEY_SCALE
from crm_core.ingest.clean import ORDER_COLUMNS, REASON_ORDER
from crm_core.schema import IngestReport, IngestResult

__all__ = ["excluded_examples", "ingest_result", "orders_frame"]

_TEXT = ("customer_id", "order_id", "product", "sku", "category", "channel")


def orders_frame(used: ibis.Table) -> pd.DataFrame:
    """The used lines as the pandas path's orders (:data:`crm_core.ingest.clean.ORDER_COLUMNS`, its dtypes), sorted
    by date, customer and order; ``source_row`` numbers them 1..n."""
    lines = used.select(*LINE_COLUMNS, "sku", "unit_price").order_by(["order_date", "customer_id", "order_id"])
    frame = lines.to_pandas()
    n = len(frame)
    stamps = pd.to_datetime(frame["order_date"])
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    out = {
        **{name: pd.Series(frame[name].to_numpy(dtype=object), dtype="str") for name in _TEXT},
        "order_date": stamps.to_numpy(dtype="datetime64[ns]"),
        "quantity": pd.to_numeric(frame["quantity"]).to_numpy(dtype="float64", na_value=np.nan),
        "unit_price": pd.to_numeric(frame["unit_price"]).to_numpy(dtype="float64", na_value=np.nan),
        "amount": frame["amount_units"].to_numpy(dtype=np.int64) / MONEY_SCALE,
        "is_return": frame["is_return"].to_numpy(dtype=bool),
        "source_row": np.arange(1, n + 1, dtype=np.int64),
    }
    return pd.DataFrame(out)[list(ORDER_COLUMNS)]


def excluded_examples(flagged: ibis.Table) -> pd.DataFrame:
    """One example row per reason (order statuses one by one) with the number of rows in ``rows``.

    Columns: row (missing: the engine keeps no row numbers), reason (code), detail (the status for ``status``),
    rows, then the example's line columns.  Ordered as :data:`crm_core.ingest.clean.REASON_ORDER`.
    """
    out = flagged.filter(flagged.reason.notnull())
    out = out.mutate(detail=ibis.ifelse(out.reason == "status", out.status, ibis.null("string")))
    pick = ibis.row_number().over(group_by=[out.reason, out.detail], order_by=[out.order_date, out.customer_id])
    counted = out.mutate(rows=out.count().over(group_by=[out.reason, out.detail]), pick=pick)
    examples = counted.filter(counted.pick == 0).drop("pick").to_pandas()
    if examples.empty:
        return pd.DataFrame({"row": pd.Series(dtype="Int64"), "reason": pd.Series(dtype="str"),
                             "detail": pd.Series(dtype="str"), "rows": pd.Series(dtype="int64")})
    rank = {code: k for k, code in enumerate(REASON_ORDER)}
    examples = examples.assign(order=examples["reason"].map(rank)).sort_values(
        ["order", "rows"], ascending=[True, False], kind="stable").drop(columns="order")
    head = pd.DataFrame({"row": pd.array([pd.NA] * len(examples), dtype="Int64"),
                         "reason": examples["reason"].astype("str").to_numpy(),
                         "detail": pd.Series(examples["detail"].to_numpy(dtype=object), dtype="str").to_numpy(),
                         "rows": examples["rows"].to_numpy(dtype=np.int64)})
    cells = examples.drop(columns=["reason", "detail", "rows"]).reset_index(drop=True)
    return pd.concat([head, cells], axis=1)


def ingest_result(prepared, paths: Sequence[str | Path]) -> IngestResult:
    """The run's prepared lines as an IngestResult: orders, customers (customer_id only) and the report."""
    used = prepared.flagged.filter(prepared.flagged.reason.isnull())
    orders = orders_frame(used)
    ids = np.sort(orders["customer_id"].dropna().unique().astype(object))
    customers = pd.DataFrame({"customer_id": pd.Series(ids, dtype="str")})
    report = prepared.report
    names = [Path(p).name for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    ingest = IngestReport(source_name=" + ".join(names), rows_read=report.rows_read, rows_used=report.rows_used,
                          rows_returns=report.rows_returns, excluded=excluded_examples(prepared.flagged),
                          notes=prepared.notes)
    return IngestResult(orders=orders, customers=customers, report=ingest)
