"""DuckDB's one-scan customer table: the line report, the used lines per day and the per-customer sums from one
read of the file (``GROUP BY GROUPING SETS ((reason, day), (customer_id))``).

The cleaning of every line (:func:`crm_core.engine.lines.clean_lines`) costs far more than the sums, so reading the
file once instead of twice (report + analysis date, then customers) halves the time of ``rfm`` at scale.  Used by
:func:`crm_core.engine.run.customer_table` on DuckDB when nothing needs the analysis date before the sums (no
window start, no channel / category filter, no modes or rhythm); with the default analysis date, the sums cover
every used line, which is exact unless a late outlier (a typed 2099) moves the date before the last line: then
the run sums again over the window (:func:`crm_core.engine.aggregate.customer_expr`).
"""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd

from crm_core.engine.lines import LINE_COLUMNS, LineReport

__all__ = ["report_days_customers"]

_CUSTOMER_COLUMNS = ("customer_id", "first_order_date", "last_order_date", "frequency", "gross_cents",
                     "returns_cents", "items", "lines", "return_lines")


def report_days_customers(con: ibis.BaseBackend, flagged: ibis.Table,
                          as_of: date | None) -> tuple[LineReport, pd.DataFrame, pd.DataFrame]:
    """(line report, used lines per day ``day``/``lines``, per-customer sums as :func:`customer_expr` gives them).

    ``as_of`` None sums every used line (the caller checks that no used line is on or after the default date).
    """
    from crm_core.engine.run import report_from_groups

    inner = ibis.to_sql(flagged.select(*LINE_COLUMNS, "reason"), dialect="duckdb")
    used = "reason IS NULL" + ("" if as_of is None else f" AND order_date < TIMESTAMP '{as_of.isoformat()}'")
    buy, ret = f"{used} AND NOT is_return", f"{used} AND is_return"
    sql = f"""
WITH flagged AS ({inner})
SELECT GROUPING(customer_id) AS by_reason, reason, CAST(order_date AS DATE) AS day, customer_id,
  COUNT(*) AS rows, SUM(CAST(is_return AS BIGINT)) AS returns,
  MIN(order_date) FILTER (WHERE {buy}) AS first_order_date,
  MAX(order_date) FILTER (WHERE {buy}) AS last_order_date,
  COUNT(DISTINCT order_id) FILTER (WHERE {buy}) AS frequency,
  COALESCE(SUM(amount_cents) FILTER (WHERE {buy}), 0) AS gross_cents,
  COALESCE(SUM(amount_cents) FILTER (WHERE {ret}), 0) AS returns_cents,
  SUM(quantity) FILTER (WHERE {buy}) AS items,
  COUNT(*) FILTER (WHERE {buy}) AS lines,
  COUNT(*) FILTER (WHERE {ret}) AS return_lines
FROM flagged
GROUP BY GROUPING SETS ((reason, CAST(order_date AS DATE)), (customer_id))
"""
    frame = con.con.sql(sql).to_arrow_table().to_pandas()
    by_reason = frame["by_reason"].to_numpy() == 1
    report, days = report_from_groups(frame.loc[by_reason, ["reason", "day", "rows", "returns"]])
    customers = frame.loc[~by_reason, list(_CUSTOMER_COLUMNS)]
    customers = customers[(customers["lines"] > 0) & customers["customer_id"].notna()].reset_index(drop=True)
    return report, days, customers
