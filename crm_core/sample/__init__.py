"""Seeded demo data with planted truth (segments, bundles, churners, duplicates), and the demo files.
"""

from __future__ import annotations

from importlib import import_module

# Names are imported on first use, so importing one module of this package (crm_core.schema does) never
# runs the others: no import cycles, no start-up cost.
_HOME = {
    "SampleSpec": "generator",
    "generate_sample": "generator",
    "write_sample_files": "generator",
    "main": "generator",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
