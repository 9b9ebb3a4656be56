"""Analytical CRM core: pure analysis functions over pandas DataFrames (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

__version__ = "0.1.0"


def lazy_exports(package: str, homes: dict[str, str]) -> tuple[Callable[[str], object], list[str]]:
    """``__getattr__`` and ``__all__`` for a subpackage whose public names live in its modules.

    ``homes`` maps each public name to the module (inside ``package``) that defines it. A name is imported on
    first use, so importing one module of a package (crm_core.schema imports crm_core.ingest._statuses) never
    runs the others: no import cycles and no start-up cost. A module must not share its name with a public
    name of its package (the import system binds the submodule to the package under that name).
    """

    def __getattr__(name: str) -> object:
        if name in homes:
            return getattr(import_module(f"{package}.{homes[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__, sorted(homes)
