"""Start the engine that runs the Ibis expressions: DuckDB on this machine, or PySpark (local or on a cluster).

DuckDB runs within ``EngineOptions.memory_limit`` and spills what does not fit to ``temp_directory`` (a fresh
``crm_duckdb_*`` temporary folder by default, removed by :func:`close`); sessions are in UTC, so a timestamp's
calendar day is the same on every engine.  Spark is imported only when asked for; one SparkSession is started
per process and reused by every later run (starting one costs 15-20 s); :func:`close` leaves it running unless
told to stop it, and it stops when the process exits.

:func:`run_with_progress` runs a piece of engine work in a worker thread while the calling thread polls the
engine's progress (DuckDB's ``query_progress()``, Spark's status tracker) and reports it to a callback.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import ibis

from crm_core.engine.options import DEFAULT_SPARK_MASTER, EngineOptions
from crm_core.schema import DataError

__all__ = ["Progress", "close", "connect", "engine_name", "run_with_progress", "stop_spark"]

# progress(stage, fraction): stage key ("read", "clean", "customers", "baskets", "write"), fraction 0..1 of the
# query running now, or None when the engine cannot tell (planning, between queries, a backend without progress).
Progress = Callable[[str, float | None], None]
T = TypeVar("T")

POLL_SECONDS = 0.5
LOCAL_SHUFFLE_PARTITIONS = 8  # Spark's default 200 shuffle partitions cost more than they bring on 2 cores
_TEMP_ATTR = "_crm_temp_directory"  # the spill folder connect() created for a DuckDB backend (removed by close)
# The SparkSession this module started (reused by every later connect in the process) and its scratch folder.
_SPARK: dict[str, Any] = {}
_SPARK_LOCK = threading.Lock()


def connect(options: EngineOptions = EngineOptions()) -> ibis.BaseBackend:
    """An Ibis backend for ``options.engine`` ("duckdb" or "spark"), set up for large inputs.

    DuckDB: ``memory_limit`` (beyond it, DuckDB spills to ``temp_directory``), ``threads``, ``TimeZone='UTC'``,
    ``preserve_insertion_order=false`` (lets large aggregations stream), progress tracking on (without printing).
    Spark: the process's SparkSession (started on first use: master ``options.spark_master`` or
    ``local[2]``, session time zone UTC, no UI, 8 shuffle partitions on local masters, warehouse and Derby
    folders in a temporary folder, driver memory from the environment variable ``SPARK_DRIVER_MEMORY``).

    Raises
    ------
    DataError
        ``eng_bad_memory_limit``, ``eng_bad_temp_dir`` (DuckDB); ``eng_no_spark`` (PySpark missing),
        ``eng_no_java`` (no Java runtime), ``eng_spark_failed`` (the session did not start).
    ValueError
        ``options.engine`` is "pandas": the pandas path needs no backend.
    """
    if options.engine == "duckdb":
        return _connect_duckdb(options)
    if options.engine == "spark":
        return _connect_spark(options)
    raise ValueError(f"connect() starts duckdb or spark, not {options.engine!r}")


def engine_name(con: ibis.BaseBackend) -> str:
    """"duckdb" or "spark" for a backend from :func:`connect`."""
    return "spark" if con.name == "pyspark" else con.name


def close(con: ibis.BaseBackend, *, stop_spark: bool = False) -> None:
    """Release what :func:`connect` started for ``con``.

    DuckDB: the connection is closed and the spill folder removed when connect created it (a folder given as
    ``temp_directory`` is left in place).  Spark: the session is kept for the next run in this process (starting
    one costs 15-20 s); with ``stop_spark=True`` it is stopped, but only when this module started it.
    """
    if engine_name(con) == "spark":
        if stop_spark:
            _stop_spark()
        return
    with contextlib.suppress(Exception):
        con.disconnect()
    folder = getattr(con, _TEMP_ATTR, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def stop_spark() -> None:
    """Stop the SparkSession this module started (no-op when it started none); its scratch folder is removed."""
    with _SPARK_LOCK:
        _stop_locked()


_stop_spark = stop_spark  # close() has a keyword of the same name


# --- DuckDB ----------------------------------------------------------------------------------------


def _connect_duckdb(options: EngineOptions) -> ibis.BaseBackend:
    import duckdb

    con = ibis.duckdb.connect()
    raw = con.con
    created = None
    folder = options.temp_directory
    if folder is None:
        folder = created = tempfile.mkdtemp(prefix="crm_duckdb_")
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        con.disconnect()
        raise DataError("eng_bad_temp_dir", path=folder, detail=error.strerror or str(error)) from None
    settings = [("temp_directory", folder), ("TimeZone", "UTC"), ("preserve_insertion_order", False),
                ("enable_progress_bar", True), ("enable_progress_bar_print", False)]
    if options.threads is not None:
        settings.append(("threads", options.threads))
    try:
        if options.memory_limit is not None:
            raw.execute("SET memory_limit = ?", [options.memory_limit])
    except duckdb.Error:
        con.disconnect()
        raise DataError("eng_bad_memory_limit", value=options.memory_limit) from None
    for name, value in settings:
        raw.execute(f"SET {name} = ?", [value])
    if created:
        setattr(con, _TEMP_ATTR, created)
    return con


# --- Spark -----------------------------------------------------------------------------------------


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME", "")
    return bool(shutil.which("java")) or (bool(home) and (Path(home) / "bin" / "java").exists())


def _connect_spark(options: EngineOptions) -> ibis.BaseBackend:
    try:
        import pyspark  # noqa: F401  (checked before Java: the more basic of the two)
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise DataError("eng_no_spark", detail=str(error)) from None
    if not _java_found():
        raise DataError("eng_no_java", java_home=os.environ.get("JAVA_HOME") or "-")
    master = options.spark_master or DEFAULT_SPARK_MASTER
    with _SPARK_LOCK:
        session = _SPARK.get("session")
        if session is not None and (_SPARK.get("master") != master or not _alive(session)):
            session = None  # another master asked for, or stopped by someone else: start over below
            _stop_locked()
        if session is None:
            active = SparkSession.getActiveSession() or getattr(SparkSession, "_instantiatedSession", None)
            if active is not None and _alive(active):
                session = active  # the caller's own session (a notebook, spark-submit, a test): used, never stopped
            else:
                session = _start_spark(SparkSession, master)
    return ibis.pyspark.connect(session)


def _alive(session: Any) -> bool:
    try:
        context = session.sparkContext
        return context._jsc is not None and not context._jsc.sc().isStopped()
    except Exception:  # a session whose JVM is gone
        return False


def _stop_locked() -> None:
    session, scratch = _SPARK.pop("session", None), _SPARK.pop("scratch", None)
    _SPARK.pop("master", None)
    if session is not None:
        with contextlib.suppress(Exception):
            session.stop()
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


def _start_spark(session_class: Any, master: str) -> Any:
    scratch = tempfile.mkdtemp(prefix="crm_spark_")
    builder = (
        session_class.builder.master(master).appName("crm_core")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", str(Path(scratch) / "warehouse"))
        .config("spark.local.dir", str(Path(scratch) / "local"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={Path(scratch) / 'derby'} -Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    if master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", str(LOCAL_SHUFFLE_PARTITIONS))
    memory = os.environ.get("SPARK_DRIVER_MEMORY", "").strip()
    if memory:
        builder = builder.config("spark.driver.memory", memory)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM's own words: bad master URL, cluster unreachable
        shutil.rmtree(scratch, ignore_errors=True)
        raise DataError("eng_spark_failed", master=master, detail=str(error).strip().splitlines()[0][:300]) from None
    session.sparkContext.setLogLevel("ERROR")
    _SPARK.update(session=session, scratch=scratch, master=master)
    return session


atexit.register(stop_spark)


# --- progress --------------------------------------------------------------------------------------


def _progress_probe(con: ibis.BaseBackend) -> Callable[[], float | None]:
    """A function giving the fraction (0..1) of the engine's running work, or None when it cannot tell."""
    if engine_name(con) == "duckdb":
        raw = con.con

        def duckdb_progress() -> float | None:
            percent = raw.query_progress()  # -1 when no query runs (or it has not reported yet)
            return None if percent is None or percent < 0 else min(max(percent / 100.0, 0.0), 1.0)

        return duckdb_progress
    tracker = con._session.sparkContext.statusTracker()

    def spark_progress() -> float | None:
        total = done = 0
        for stage_id in tracker.getActiveStageIds():
            info = tracker.getStageInfo(stage_id)
            if info is not None:
                total += info.numTasks
                done += info.numCompletedTasks
        return done / total if total else None

    return spark_progress


def _interrupt(con: ibis.BaseBackend) -> None:
    with contextlib.suppress(Exception):
        if engine_name(con) == "duckdb":
            con.con.interrupt()
        else:
            con._session.sparkContext.cancelAllJobs()


def run_with_progress(con: ibis.BaseBackend, work: Callable[[], T] | ibis.Expr, progress: Progress | None,
                      stage: str, *, interval: float = POLL_SECONDS) -> T:
    """Run ``work()`` (or execute an Ibis expression) while reporting the engine's progress.

    ``work`` runs in a worker thread; the calling thread polls the engine every ``interval`` seconds and calls
    ``progress(stage, fraction)``: None first (started), then each new fraction 0..1 of the query running now
    (DuckDB's ``query_progress()``; Spark: completed / total tasks of the active stages), and 1.0 when ``work``
    returns.  A stage running several queries starts over at each.  Exceptions from ``work`` are re-raised here;
    Ctrl+C interrupts the engine's query.  Without a callback, ``work`` simply runs in this thread.
    """
    call = work if callable(work) and not isinstance(work, ibis.Expr) else (lambda: con.execute(work))
    if progress is None:
        return call()
    outcome: dict[str, Any] = {}

    def worker() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    probe = _progress_probe(con)
    progress(stage, None)
    thread = threading.Thread(target=worker, name=f"crm-engine-{stage}", daemon=True)
    thread.start()
    last: float | None = None
    try:
        while thread.is_alive():
            thread.join(interval)
            if not thread.is_alive():
                break
            fraction = probe()
            if fraction is not None and fraction != last:
                progress(stage, fraction)
                last = fraction
    except KeyboardInterrupt:
        _interrupt(con)
        thread.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    progress(stage, 1.0)
    return outcome["value"]
