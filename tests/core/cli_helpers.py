"""Shared by the measurement CLI tests: run ``python -m crm_core`` in-process and read a written sheet back."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import openpyxl
import pandas as pd

from crm_core import cli


def run(*args: object) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``python -m crm_core *args``, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def table_of(path: Path, sheet: str) -> pd.DataFrame:
    """The table at the top of ``sheet`` (header row 1, down to the first empty row)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    end = next((i for i, row in enumerate(rows) if all(c is None for c in row)), len(rows))
    return pd.DataFrame(rows[1:end], columns=rows[0])
