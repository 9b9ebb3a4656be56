"""Bytes -> raw text table -> clean order lines and an IngestReport.

``readers`` (file types, encodings, sheets, header row), ``mapping`` (which column feeds which field, checked
against the values), ``clean`` (:func:`standardize`: every row used or excluded with a reason), ``values`` / ``dates`` /
``identity`` (cell parsers, phones and e-mails), ``currency`` (the currency a file is in).
"""

from __future__ import annotations

from importlib import import_module

# Names are imported on first use, so importing one module of this package (crm_core.schema does) never
# runs the others: no import cycles, no start-up cost.
_HOME = {
    "read_upload": "readers",
    "list_sheets": "readers",
    "encoding_label": "readers",
    "sniff_file_type": "readers",
    "detect_header_row": "readers",
    "propose_mapping": "mapping",
    "propose_from_headers": "mapping",
    "MappingProposal": "mapping",
    "composite_parts": "mapping",
    "standardize": "clean",
    "validate_mapping": "clean",
    "detect_currency": "currency",
    "CurrencyGuess": "currency",
    "parse_dates": "dates",
    "late_date_cutoff": "dates",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
