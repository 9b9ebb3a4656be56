"""Shared helpers of the benchmarks: where the real data is, timing, medians and the machine line.

The data sets live in ``../shared/datasets`` beside the checkout (see that folder's README).  When
they are absent a benchmark prints ``skipped: ... not found`` and exits 0, so a plain checkout can
still run every script.  Every figure with a target goes through :class:`Verdicts`, and a script
exits 1 when any of them missed its target (so CI or a shell loop sees the failure).  Timing uses
only :func:`time.perf_counter`; memory comes from :mod:`resource` and ``/proc``.
"""

from __future__ import annotations

import gc
import gzip
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
ONLINE_RETAIL_GZ = DATASETS / "online_retail" / "online_retail_by_day_concat.csv.gz"
ONLINE_RETAIL_ROWS = 541_909
# The name the benchmarks give the decompressed file (as a user would upload it).
ONLINE_RETAIL_NAME = "online_retail.csv"

T = TypeVar("T")

if str(REPO) not in sys.path:  # the scripts run as `python bench/x.py`, so crm_core must be findable
    sys.path.insert(0, str(REPO))


def require(path: Path) -> Path:
    """``path`` if it exists; else print why the benchmark is skipped and exit with status 0."""
    if not path.exists():
        print(f"skipped: {path} not found (the benchmarks need ../shared/datasets beside the checkout)")
        sys.exit(0)
    return path


def online_retail_bytes() -> bytes:
    """The decompressed Online Retail CSV (48,039,726 bytes, header + 541,909 rows), or skip."""
    return gzip.decompress(require(ONLINE_RETAIL_GZ).read_bytes())


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """``(fn(), seconds)``; garbage is collected first so one run's leftovers do not bill the next."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def seconds_list(values: list[float]) -> str:
    """``"3.21 3.30 3.18"``: every run, so a reader sees the spread behind a median."""
    return " ".join(f"{v:.2f}" for v in values)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def proc_status_mb(pid: int, field: str) -> float | None:
    """A memory line of ``/proc/<pid>/status`` (e.g. ``VmHWM``, the peak resident set) in MB."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # the value is in kB
    return None


def machine_line() -> str:
    """What the figures were measured on, printed at the top of every benchmark."""
    import numpy
    import pandas

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Other work on the machine stretches wall-clock times: the load average tells the reader how busy it was.
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {cores} cores (load average {load}), Python {platform.python_version()}, "
        f"pandas {pandas.__version__}, numpy {numpy.__version__}; code {code_version()}"
    )


def code_version() -> str:
    """The checkout's commit, marked when the work tree has local changes (figures depend on the code)."""
    import subprocess

    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "crm_core", "ui", "pages", "app.py"],
                               cwd=REPO, capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{sha} + local changes" if dirty else sha


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


PEAK_MEMORY_TARGET_MB = 1500.0  # issue 11: peak memory stays under 1.5 GB (1 MB = 2**20 bytes, as /proc counts)


class Verdicts:
    """The targets a script checked: ``check`` prints one verdict line, ``exit`` ends the script.

    The exit status is 1 when any figure missed its target, else 0: a benchmark that cannot fail
    proves nothing.  A data set or tool that is absent is a skip (status 0), never a pass.
    """

    def __init__(self) -> None:
        self.failed: list[str] = []

    def check(self, name: str, passed: bool, detail: str) -> bool:
        """Print ``"<detail>: PASS"`` (or FAIL) and remember a failure under ``name``."""
        print(f"{detail}: {verdict(passed)}", flush=True)
        if not passed:
            self.failed.append(name)
        return passed

    def exit(self) -> None:
        if self.failed:
            print(f"missed target(s): {', '.join(self.failed)} -> exit status 1")
            sys.exit(1)
        print("all targets met -> exit status 0")
        sys.exit(0)


def profile(fn: Callable[[], object], *, top: int = 25) -> None:
    """Run ``fn`` once under cProfile and print the ``top`` functions by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)
