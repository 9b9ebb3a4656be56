"""Beyond one laptop: the step from order lines to customers (and to baskets) on DuckDB or Spark.

The step is written once as an Ibis expression (:mod:`.lines` cleans typed order lines with the pandas path's
rules, :mod:`.aggregate` turns them into the per-customer table, the CLV summary or baskets); DuckDB runs it on
this machine within a memory limit (spilling to disk beyond it) and PySpark on a cluster (:mod:`.backends`).  The
customer table then goes to the same pandas scoring, segmentation, export and models as an upload, so scores are
computed by the same code on every path.  :mod:`.run` holds one entry point per analysis for the CLI and the app;
:mod:`.source` finds and type-checks Parquet / CSV inputs; :mod:`.write` writes Parquet, CSV or (when it fits)
Excel.  Names below are imported on first use: importing the package costs nothing, and pyspark is imported only
when Spark is asked for.
"""

from __future__ import annotations

from crm_core import lazy_exports

_HOME = {
    "DEFAULT_SPARK_MASTER": "options",
    "ENGINES": "options",
    "EngineOptions": "options",
    "PANDAS_MAX_BYTES": "options",
    "choose_engine": "options",
    "input_bytes": "options",
    "pandas_max_bytes": "options",
    "close": "backends",
    "connect": "backends",
    "EngineSource": "source",
    "check_types": "source",
    "find_inputs": "source",
    "propose_mapping": "source",
    "read_table": "source",
    "write_table": "write",
    "CleanLines": "lines",
    "LINE_COLUMNS": "lines",
    "LineReport": "lines",
    "clean_lines": "lines",
    "line_report": "lines",
    "customer_expr": "aggregate",
    "finish_customer_table": "aggregate",
    "EngineRun": "run",
    "baskets": "run",
    "clv_summary": "run",
    "customer_table": "run",
    "order_lines": "run",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
