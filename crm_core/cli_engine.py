"""``--engine pandas|duckdb|spark`` (and Parquet inputs) for rfm | segment | rules | clv (placeholder: H3 owns it)."""

from __future__ import annotations

import argparse

from crm_core.engine.options import ENGINES

COMMANDS = ("rfm", "segment", "rules", "clv")


def add_options(p: argparse.ArgumentParser) -> None:
    """The engine options of the four commands that run at scale."""
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="pandas (in memory), duckdb (within a memory limit, spills to disk) or spark (a cluster); "
                        "default: pandas for small inputs, duckdb above the size the pandas path can hold")
    p.add_argument("--spark-master", default=None, help="Spark master URL with --engine spark: local[2] (default), "
                                                         "spark://host:7077, yarn")
    p.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 1GB (default 2GB); beyond it "
                                                         "DuckDB spills to --temp-dir")
    p.add_argument("--temp-dir", default=None, help="folder DuckDB spills to (default: a new temporary folder)")


def wants_engine(args: argparse.Namespace) -> bool:
    """True when this run goes through crm_core.engine (an engine asked for, a Parquet input, or a big input)."""
    return False


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError
