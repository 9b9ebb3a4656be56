"""RFM on 100 million order lines with DuckDB: the project's engine path against a hand-written DuckDB query.

Data: ``--lines`` (default 100,000,000) lines made by :mod:`crm_core.sample.big_orders` (seed 16, Parquet, chunks of
2 million lines = one row group each; ~1 million customers), generated once into ``$CRM_BENCH_DIR`` (default
``/tmp/crm_bench``) and reused.

Measured in the same run, each in its own fresh process (wall clock from start to exit, Python start included; peak
resident memory of that process from ``os.wait4``'s rusage, taken by a small launcher):

- **hand SQL**: the query an analyst would write in DuckDB, run with the same memory limit and a spill folder as
  ours (the time compared), and once more with DuckDB's defaults (memory limit 80% of RAM, one thread per core;
  for information): the same cleaning (no customer, cancelled statuses, non-product codes, non-positive prices left
  out; ``C`` invoices and negative quantities netted as returns), count of distinct purchase invoices, net spend in
  cents, last purchase day, the as-of day (day after the last line), the three quantile scores as
  :func:`crm_core.segment.rfm.score_rfm` computes them (ranks in integers), written with ``COPY ... TO`` Parquet;
- **ours (API)**: :func:`crm_core.engine.run.customer_table` with ``EngineOptions(engine="duckdb",
  memory_limit=--memory-limit)`` spilling to a temporary folder, then :func:`crm_core.segment.rfm.score_rfm` and
  :func:`crm_core.engine.write.write_table` (the full customer table: 20 columns + scores and segment);
- **ours (CLI)**: ``python -m crm_core rfm FILE --engine duckdb --memory-limit ... --temp-dir ... --out x.parquet``.

Targets (issue 16): ours <= 1.2x the hand SQL under the same memory limit (each of API and CLI, against the hand
SQL's faster run; the same job under the same cap, both spilling); ours' peak
resident memory < 1 GB (1,024 MiB) with the memory limit set (default 600MB, see the bench README for why).  The
answers are compared: the same customers with the same recency, frequency, net spend and R/F/M scores in both files
(a difference is a failure).  Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _common
import _engine_data

MEMORY_LIMIT = "600MB"
RATIO_TARGET = 1.2
PEAK_TARGET_MB = 1024.0
NON_PRODUCT = ("POST", "DOT", "M", "C2", "D", "CRUK", "PADS", "B", "BANK CHARGES", "AMAZONFEE", "S", "运费", "邮费",
               "手续费")   # crm_core.schema.IngestOptions().non_product_codes (checked in main)
CANCELLED = ("Cancelled", "已取消")   # the statuses of the generated file that the pandas path leaves out


def _sql_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def hand_sql(source: str, out: str) -> str:
    """The hand-written query: customers' recency, frequency, net spend and R/F/M quantile scores to Parquet."""
    return f"""
COPY (
  WITH lines AS (
    SELECT CAST(CustomerID AS VARCHAR) AS customer_id, InvoiceNo AS order_id, InvoiceDate AS order_date,
           CAST(round(abs(Amount) * 100) AS BIGINT) AS cents,
           (Quantity < 0 OR Amount < 0 OR starts_with(InvoiceNo, 'C')) AS is_return
    FROM read_parquet('{source}')
    WHERE CustomerID IS NOT NULL AND InvoiceDate IS NOT NULL
      AND Status NOT IN ({_sql_list(CANCELLED)})
      AND upper(trim(StockCode)) NOT IN ({_sql_list(NON_PRODUCT)})
      AND (UnitPrice > 0 OR Quantity < 0 OR starts_with(InvoiceNo, 'C'))
  ),
  as_of AS (SELECT CAST(max(order_date) AS DATE) + 1 AS day FROM lines),
  customers AS (
    SELECT customer_id,
           CAST(max(order_date) FILTER (WHERE NOT is_return) AS DATE) AS last_day,
           count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS frequency,
           coalesce(sum(cents) FILTER (WHERE NOT is_return), 0)
             - coalesce(sum(cents) FILTER (WHERE is_return), 0) AS net_cents
    FROM lines GROUP BY customer_id
    HAVING count(*) FILTER (WHERE NOT is_return) > 0
  ),
  measured AS (
    SELECT customer_id, date_diff('day', last_day, (SELECT day FROM as_of)) AS recency_days, frequency,
           net_cents / 100 AS monetary, net_cents, count(*) OVER () AS n
    FROM customers
  )
  SELECT customer_id, recency_days, frequency, monetary,
         (5 * count(*) OVER (ORDER BY recency_days DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
          + n - 1) // n AS r_score,
         (5 * rank() OVER (ORDER BY frequency) + n - 1) // n AS f_score,
         (5 * rank() OVER (ORDER BY net_cents) + n - 1) // n AS m_score
  FROM measured
) TO '{out}' (FORMAT parquet)
"""


# ------------------------------------------------------------------------------------------------ child processes
def child_hand(source: str, out: str, memory_limit: str | None = None, temp_dir: str | None = None) -> None:
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect()
    if memory_limit:  # the same cap and spill folder as ours
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{temp_dir}'")
    con.execute(hand_sql(source, out))
    print(json.dumps({"inside_s": time.perf_counter() - start}))


def child_ours(source: str, out: str, memory_limit: str, temp_dir: str) -> None:
    start = time.perf_counter()
    from crm_core.engine.options import EngineOptions
    from crm_core.engine.run import customer_table
    from crm_core.engine.write import write_table
    from crm_core.segment.rfm import score_rfm

    imported = time.perf_counter()
    run = customer_table([source], EngineOptions(engine="duckdb", memory_limit=memory_limit,
                                                 temp_directory=temp_dir))
    scored = score_rfm(run.table)
    write_table(scored, Path(out))
    print(json.dumps({"inside_s": time.perf_counter() - start, "imports_s": imported - start,
                      "stages": run.seconds, "customers": len(scored)}))


# ------------------------------------------------------------------------------------------------ the parent
# A process's peak RSS (ru_maxrss) on Linux starts from the memory of the process it was forked from (the count is
# kept across exec), so a child of this bench would report at least the bench's own size.  The child is therefore
# started by a small launcher (python -S, ~10 MB) that forks it and reports its rusage.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measure(argv: list[str], spill: Path | None = None) -> dict:
    """Run ``argv``; wall seconds, its peak RSS (MiB, ru_maxrss from wait4 in the launcher), the largest size of
    ``spill`` seen, exit status, stdout and stderr."""
    spilled = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            if spill is not None and spill.exists():
                try:
                    size = sum(p.stat().st_size for p in spill.rglob("*") if p.is_file())
                except OSError:
                    continue
                spilled[0] = max(spilled[0], size)

    watcher = threading.Thread(target=watch, daemon=True)
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file, \
            tempfile.NamedTemporaryFile("r", suffix=".maxrss") as peak_file:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, peak_file.name, *argv], stdout=out_file,
                                stderr=err_file, text=True, cwd=_common.REPO)
        watcher.start()
        status = proc.wait()
        seconds = time.perf_counter() - start
        done.set()
        watcher.join()
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
        peak_kib = int(peak_file.read() or 0)
    return {"seconds": seconds, "peak_mb": peak_kib / 1024, "status": status,
            "spill_mb": spilled[0] / 2**20, "stdout": out, "stderr": err}


def _inside(result: dict) -> dict:
    for line in reversed(result["stdout"].splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def compare(hand_out: Path, ours_out: Path) -> tuple[int, int, str]:
    """Customers in both files, how many differ on recency/frequency/net spend/R/F/M, and an example."""
    import duckdb

    con = duckdb.connect()
    row = con.execute(f"""
        WITH h AS (SELECT * FROM read_parquet('{hand_out}')),
             o AS (SELECT CAST(customer_id AS VARCHAR) AS customer_id, recency_days, frequency,
                          round(monetary * 100) AS cents, r_score, f_score, m_score FROM read_parquet('{ours_out}'))
        SELECT count(*) AS n,
               count(*) FILTER (WHERE h.customer_id IS NULL OR o.customer_id IS NULL
                                OR h.recency_days <> o.recency_days OR h.frequency <> o.frequency
                                OR round(h.monetary * 100) <> o.cents OR h.r_score <> o.r_score
                                OR h.f_score <> o.f_score OR h.m_score <> o.m_score) AS differ,
               any_value(coalesce(h.customer_id, o.customer_id)) FILTER (
                   WHERE h.customer_id IS NULL OR o.customer_id IS NULL OR h.recency_days <> o.recency_days
                   OR h.frequency <> o.frequency OR round(h.monetary * 100) <> o.cents
                   OR h.r_score <> o.r_score OR h.f_score <> o.f_score OR h.m_score <> o.m_score) AS example
        FROM h FULL OUTER JOIN o USING (customer_id)""").fetchone()
    return int(row[0]), int(row[1]), str(row[2])


def _line(name: str, result: dict) -> str:
    inside = _inside(result)
    extra = f"; inside the process {inside['inside_s']:.1f} s" if "inside_s" in inside else ""
    if inside.get("stages"):
        extra += " (stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in inside["stages"].items()) + ")"
    spill = f"; spilled up to {result['spill_mb']:,.0f} MiB" if result["spill_mb"] else ""
    return (f"{name}: {result['seconds']:.1f} s, peak RSS {result['peak_mb']:,.0f} MiB{spill}{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000_000)
    parser.add_argument("--memory-limit", default=MEMORY_LIMIT, help=f"DuckDB memory limit of ours ({MEMORY_LIMIT})")
    parser.add_argument("--runs", type=int, default=2, help="runs of each (alternated); the faster is compared")
    parser.add_argument("--no-cli", action="store_true", help="skip the python -m crm_core rfm run")
    parser.add_argument("--no-api", action="store_true", help="skip the crm_core.engine.run API run")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        return child_hand(*rest) if kind == "hand" else child_ours(*rest)

    from crm_core.schema import IngestOptions

    assert tuple(IngestOptions().non_product_codes) == NON_PRODUCT, "update NON_PRODUCT from IngestOptions"
    print(f"bench_engine_rfm: RFM on {args.lines:,} generated order lines, DuckDB (memory limit of ours: "
          f"{args.memory_limit})")
    print(_common.machine_line())
    source = _engine_data.bench_file(args.lines)
    verdicts = _common.Verdicts()
    work = Path(tempfile.mkdtemp(prefix="rfm_", dir=_engine_data.bench_dir()))
    me = [sys.executable, str(Path(__file__).resolve())]
    runs: dict[str, list[dict]] = {"hand": [], "hand_defaults": [], "api": [], "cli": []}
    try:
        for i in range(args.runs):
            spill = work / f"spill_hand{i}"
            runs["hand"].append(measure(me + ["--child", "hand", str(source), str(work / "hand.parquet"),
                                              args.memory_limit, str(spill)], spill))
            print(_line(f"hand SQL (memory limit {args.memory_limit}), run {i + 1}", runs["hand"][-1]), flush=True)
            runs["hand_defaults"].append(measure(me + ["--child", "hand", str(source),
                                                       str(work / "hand_defaults.parquet")]))
            print(_line(f"hand SQL (DuckDB defaults), run {i + 1}", runs["hand_defaults"][-1]), flush=True)
            if not args.no_api:
                spill = work / f"spill_api{i}"
                runs["api"].append(measure(me + ["--child", "ours", str(source), str(work / "api.parquet"),
                                                 args.memory_limit, str(spill)], spill))
                print(_line(f"ours (API), run {i + 1}", runs["api"][-1]), flush=True)
            if not args.no_cli:
                spill = work / f"spill_cli{i}"
                runs["cli"].append(measure([sys.executable, "-m", "crm_core", "rfm", str(source), "--engine", "duckdb",
                                            "--memory-limit", args.memory_limit, "--temp-dir", str(spill),
                                            "--out", str(work / "cli.parquet")], spill))
                print(_line(f"ours (CLI), run {i + 1}", runs["cli"][-1]), flush=True)
        failed = [(k, r) for k, rs in runs.items() for r in rs if r["status"] != 0]
        for name, result in failed:
            print(f"{name} exited with status {result['status']}:\n{result['stderr'][-3000:]}")
        verdicts.check("runs complete", not failed, f"every run exited 0 ({sum(map(len, runs.values()))} runs)")
        if not runs["hand"] or any(r["status"] for r in runs["hand"]):
            verdicts.exit()
        hand = min(r["seconds"] for r in runs["hand"])
        defaults = [r["seconds"] for r in runs["hand_defaults"] if r["status"] == 0]
        for key, name in (("api", "ours (API)"), ("cli", "ours (CLI)")):
            good = [r for r in runs[key] if r["status"] == 0]
            if not good:
                continue
            best = min(r["seconds"] for r in good)
            verdicts.check(f"{key} time", best <= RATIO_TARGET * hand,
                           f"{name} / hand SQL, both with memory limit {args.memory_limit} = {best:.1f} / "
                           f"{hand:.1f} s = {best / hand:.2f}x (target <= {RATIO_TARGET}x)")
            if defaults:
                print(f"  for information: {name} / hand SQL with DuckDB's defaults = {best:.1f} / "
                      f"{min(defaults):.1f} s = {best / min(defaults):.2f}x")
            peak = max(r["peak_mb"] for r in good)
            verdicts.check(f"{key} memory", peak < PEAK_TARGET_MB,
                           f"{name} peak RSS {peak:,.0f} MiB with memory_limit {args.memory_limit} "
                           f"(target < {PEAK_TARGET_MB:,.0f} MiB)")
            n, differ, example = compare(work / "hand.parquet", work / f"{key}.parquet")
            verdicts.check(f"{key} answers", differ == 0,
                           f"{name} and hand SQL: {n:,} customers, {differ:,} differ on recency/frequency/net "
                           f"spend/R/F/M" + (f" (e.g. customer {example})" if differ else ""))
        print(f"hand SQL peak RSS (for information): {max(r['peak_mb'] for r in runs['hand']):,.0f} MiB with "
              f"memory limit {args.memory_limit}, {max(r['peak_mb'] for r in runs['hand_defaults']):,.0f} MiB with "
              f"DuckDB's defaults")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    verdicts.exit()


if __name__ == "__main__":
    sys.exit(main())
