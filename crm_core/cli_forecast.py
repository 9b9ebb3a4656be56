"""``python -m crm_core forecast``: sales forecast with its backtest against the seasonal-naive baseline.

Placeholder: being built for issue 15.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``forecast``."""
    p = sub.add_parser("forecast", help="sales forecast with its backtest against the seasonal-naive baseline")
    p.set_defaults(func=lambda args: 2)
    return p
