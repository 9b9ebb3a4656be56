"""Which engine runs the step from order lines to customers: pandas (the upload path), DuckDB or Spark.

The engine step (order lines -> one row per customer, or -> baskets) is written once as an Ibis expression
(:mod:`crm_core.engine.lines`, :mod:`crm_core.engine.aggregate`); DuckDB runs it on this machine within a memory
limit, spilling to disk beyond it, and Spark on a cluster.  The pandas path reads everything into memory: about
20 GB for 100 million lines, so above :func:`pandas_max_bytes` of input the engine is DuckDB unless asked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from crm_core.schema import DataError, Note

ENGINES = ("pandas", "duckdb", "spark")
# Input bytes above which the pandas path is not chosen by itself: a 1.5 GB CSV is about 15 million lines, which
# the pandas path holds in about 4 GB; the next step up (tens of millions of lines) no longer fits a laptop.
PANDAS_MAX_BYTES = 1_500_000_000
DEFAULT_SPARK_MASTER = "local[2]"
# A path with a scheme (hdfs://, s3a://, gs://, abfs://...): the cluster reads it, this machine cannot list it.
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_remote(path: str | Path) -> bool:
    """Whether ``path`` is a URL a cluster reads (``hdfs://…``, ``s3a://…``), not a file of this machine."""
    text = str(path)
    return bool(_REMOTE.match(text)) and not text.lower().startswith("file://")


@dataclass(frozen=True)
class EngineOptions:
    """How the engine runs.

    ``engine``: one of :data:`ENGINES`; ``spark_master``: Spark's master URL (``local[2]``, ``spark://host:7077``,
    ``yarn``; None = :data:`DEFAULT_SPARK_MASTER`); ``memory_limit``: DuckDB's memory limit ("2GB"), beyond which
    it spills to ``temp_directory`` (None = a new temporary folder); ``threads``: DuckDB's threads (None = cores).
    """

    engine: str = "duckdb"
    spark_master: str | None = None
    memory_limit: str | None = "2GB"
    temp_directory: str | None = None
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise DataError("eng_bad_engine", engine=self.engine, engines=", ".join(ENGINES))
        if self.threads is not None and self.threads < 1:
            raise DataError("eng_bad_engine", engine=f"threads={self.threads}", engines="threads >= 1")


def pandas_max_bytes() -> int:
    """:data:`PANDAS_MAX_BYTES`, or the environment variable ``CRM_PANDAS_MAX_BYTES`` when set (tests, servers)."""
    text = os.environ.get("CRM_PANDAS_MAX_BYTES", "").strip()
    return int(text) if text.isdigit() else PANDAS_MAX_BYTES


def input_bytes(paths: Sequence[str | Path]) -> int:
    """Total size of the files given (folders are walked); paths that do not exist count 0."""
    total = 0
    for name in paths:
        if is_remote(name):
            continue
        path = Path(name)
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            total += path.stat().st_size
    return total


def choose_engine(requested: str | None, size: int, *, remote: bool = False) -> tuple[str, Note | None]:
    """The engine for ``size`` bytes of input and the note that says why, when it was chosen here.

    A requested engine is kept, except pandas above :func:`pandas_max_bytes`: that raises DataError
    ``eng_too_big_for_pandas``, whose message names ``--engine duckdb``.  With none requested: pandas up to the
    limit, DuckDB above it (Note ``eng_engine_chosen``).  ``remote`` inputs (``hdfs://…``, :func:`is_remote`) are
    read by a cluster: Spark unless another engine is asked for, never pandas (``eng_remote_needs_engine``).
    """
    limit = pandas_max_bytes()
    if requested is not None and requested not in ENGINES:
        raise DataError("eng_bad_engine", engine=requested, engines=", ".join(ENGINES))
    if remote:
        if requested == "pandas":
            raise DataError("eng_remote_needs_engine")
        if requested is None:
            return "spark", Note.of("eng_remote_chosen")
    if requested is not None:
        if requested == "pandas" and size > limit:
            raise DataError("eng_too_big_for_pandas", size=_gb(size), limit=_gb(limit))
        return requested, None
    if size > limit:
        return "duckdb", Note.of("eng_engine_chosen", engine="duckdb", size=_gb(size), limit=_gb(limit))
    return "pandas", None


def _gb(size: int) -> str:
    """Bytes for people: '3.2 GB', '850 MB'."""
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"
