"""The engine benches' generated order files (issue 16): made once by :mod:`crm_core.sample.big_orders`, reused.

Files live outside the repository in ``$CRM_BENCH_DIR`` (default ``/tmp/crm_bench``) under a name that holds
everything that decides their bytes (lines, seed, chunk size, kind), so a file present is the file wanted.  A file is
written to ``<name>.part`` and renamed when complete: an interrupted run leaves no half file behind a good name.

``python bench/_engine_data.py 100000000`` makes the 100-million-line Parquet file ahead of the timed runs (about
2-4 minutes on 2 cores; ~2.3 GB).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import _common  # noqa: F401  (puts the repository on sys.path)

from crm_core.sample.big_orders import write_big_orders

SEED = 16
CHUNK_LINES = 2_000_000


def bench_dir() -> Path:
    folder = Path(os.environ.get("CRM_BENCH_DIR", "/tmp/crm_bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _name(n_lines: int, kind: str, seed: int, chunk_lines: int) -> str:
    return f"orders_{n_lines}_seed{seed}_chunk{chunk_lines}.{kind}"


def bench_file(n_lines: int, *, kind: str = "parquet", seed: int = SEED, chunk_lines: int = CHUNK_LINES) -> Path:
    """The generated file of ``n_lines`` order lines, written now if absent; prints what it did."""
    path = bench_dir() / _name(n_lines, kind, seed, chunk_lines)
    if path.exists():
        print(f"data: {path} ({path.stat().st_size / 2**30:.2f} GiB, reused)", flush=True)
        return path
    start = time.perf_counter()
    # In a child process: the generator's memory never counts in the bench's own peak.
    subprocess.run([sys.executable, __file__, str(n_lines), "--kind", kind, "--seed", str(seed),
                    "--chunk-lines", str(chunk_lines)], check=True, stdout=subprocess.DEVNULL)
    print(f"data: {path} ({path.stat().st_size / 2**30:.2f} GiB) generated in {time.perf_counter() - start:.0f} s",
          flush=True)
    return path


def _main() -> None:
    parser = argparse.ArgumentParser(description="write a generated order file into $CRM_BENCH_DIR")
    parser.add_argument("lines", type=int, nargs="?", default=100_000_000)
    parser.add_argument("--kind", default="parquet")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--chunk-lines", type=int, default=CHUNK_LINES)
    args = parser.parse_args()
    path = bench_dir() / _name(args.lines, args.kind, args.seed, args.chunk_lines)
    if not path.exists():
        write_big_orders(path, args.lines, seed=args.seed, kind=args.kind, chunk_lines=args.chunk_lines)
    print(path)


if __name__ == "__main__":
    _main()
