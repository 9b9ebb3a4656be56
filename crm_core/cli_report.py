"""``python -m crm_core report``: the client report of the whole analysis (HTML or Excel).

Placeholder: being built for issue 15.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``report``."""
    p = sub.add_parser("report", help="the client report of the whole analysis (HTML or Excel)")
    p.set_defaults(func=lambda args: 2)
    return p
