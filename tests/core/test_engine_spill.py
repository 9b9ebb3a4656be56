"""Memory-capped DuckDB runs complete by spilling to the temp directory rather than crashing.

A generated file of a million order lines (about 270k customers: the distinct-order count per customer needs a
hash table larger than the cap) is turned into the customer table with DuckDB capped.  The
smallest of :data:`CAPS` under which the run completes is used: it completes, gives exactly the uncapped run's
table, and really spilled -- the temp directory given in the options received files while it ran (polled from a
thread), and the same run under the same cap with spilling switched off (``temp_directory=''``) runs out of memory.
"""

from __future__ import annotations

import os
import threading
import time

import duckdb
import pandas as pd
import pytest

from crm_core.schema import ColumnMapping, DataError

N_LINES = 1_000_000
# Memory caps tried, smallest first: the smallest that completes is the one tested.  Where the spill point lies
# depends on the engine's queries (measured: 80 MB fails even with spilling, 100-120 MB spill 4-6 files, 150 MB
# fitted without spilling after run.py went back to two scans; the one-scan version needed 150 MB).
CAPS = ("40MB", "60MB", "80MB", "100MB", "120MB", "150MB", "200MB")
MAPPING = ColumnMapping.from_dict({
    "order_id": "InvoiceNo", "customer_id": "CustomerID", "order_date": "InvoiceDate", "sku": "StockCode",
    "quantity": "Quantity", "unit_price": "UnitPrice", "status": "Status",
})


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """N_LINES lines written by DuckDB itself (a few seconds): 3 lines an order, ~270k customers over two years,
    every 50th order a C-cancellation with negative quantities, every 100th cancelled, amount unmapped
    (quantity x unit price)."""
    path = tmp_path_factory.mktemp("spill") / "orders.parquet"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT
        CASE WHEN (i // 3) % 50 = 7 THEN 'C' ELSE '' END || (1000000 + i // 3)::VARCHAR AS InvoiceNo,
        (100000 + hash(i // 3) % 800000)::BIGINT AS CustomerID,
        TIMESTAMP '2022-01-01' + to_seconds((hash(i // 3 + 7) % 63072000)::BIGINT) AS InvoiceDate,
        'SKU' || (hash(i) % 5000)::VARCHAR AS StockCode,
        (CASE WHEN (i // 3) % 50 = 7 THEN -1 ELSE 1 END * (1 + hash(i + 1) % 5))::BIGINT AS Quantity,
        round((1 + hash(i + 2) % 9999) / 100.0, 2)::DOUBLE AS UnitPrice,
        CASE WHEN (i // 3) % 100 = 11 THEN 'cancelled' ELSE 'paid' END AS Status
        FROM range({N_LINES}) t(i)) TO '{path}' (FORMAT parquet)""")
    con.close()
    return path


class FolderWatch:
    """Polls a folder from a thread and keeps the most files seen in it at once."""

    def __init__(self, folder):
        self.folder, self.most, self._stop = str(folder), 0, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self._stop.is_set():
            try:
                self.most = max(self.most, len(os.listdir(self.folder)))
            except FileNotFoundError:
                pass
            time.sleep(0.01)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _run(path, memory_limit, temp):
    from crm_core.engine import run
    from crm_core.engine.options import EngineOptions

    # One thread: DuckDB's per-thread buffers are a fixed cost; with one, the smallest caps that complete must spill
    # (with two, the one-scan customer query either fits in 100MB or fails below it).
    options = EngineOptions(engine="duckdb", memory_limit=memory_limit, temp_directory=str(temp), threads=1)
    return run.customer_table([str(path)], options, mapping=MAPPING)


def test_capped_run_completes_by_spilling_and_equals_the_uncapped_run(big_file, tmp_path):
    failed = []
    for cap in CAPS:
        spill = tmp_path / f"spill_{cap}"
        spill.mkdir()
        try:
            with FolderWatch(spill) as watch:
                capped = _run(big_file, cap, spill)
        except DataError as error:  # engl_out_of_memory: even spilling was not enough at this cap
            assert "out of memory" in str(error).lower(), error
            failed.append(cap)
            continue
        break
    else:
        pytest.fail(f"no run completed under any of {CAPS}")
    assert watch.most >= 1, f"DuckDB capped at {cap} wrote nothing to its temp directory: no spilling happened " \
                            f"(caps that failed: {failed}); lower the first of CAPS"
    # The cap is binding: the same run with spilling switched off (temp_directory '', DuckDB's "no temp directory",
    # passed through by backends.connect) runs out of memory under it.
    with pytest.raises(Exception, match="(?i)out of memory"):
        _run(big_file, cap, "")
    free = _run(big_file, "8GB", tmp_path / "free")
    assert len(capped.table) > 250_000
    pd.testing.assert_frame_equal(capped.table.reset_index(drop=True), free.table.reset_index(drop=True))
    assert capped.report == free.report
    assert capped.as_of == free.as_of
    # Orders k with k % 100 == 11 are cancelled: 3,334 orders of 3 lines.
    assert dict(capped.report.excluded).get("status") == 10_002
