"""``python -m crm_core attribution``: channel attribution: conversions and value per channel for every model.

Placeholder: being built for issue 15.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parser(sub: argparse._SubParsersAction, add_input: Callable[[argparse.ArgumentParser], None],
               add_analysis: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """Register ``attribution``."""
    p = sub.add_parser("attribution", help="channel attribution: conversions and value per channel for every model")
    p.set_defaults(func=lambda args: 2)
    return p
