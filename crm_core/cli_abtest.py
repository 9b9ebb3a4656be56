"""``python -m crm_core abtest``: A/B/n test: each variant's rate, the difference with its interval, the p-value.

Placeholder: being built for issue 15.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``abtest``."""
    p = sub.add_parser("abtest", help="A/B/n test: each variant's rate, the difference with its interval, the p-value")
    p.set_defaults(func=lambda args: 2)
    return p
