"""Bytes -> raw text table -> clean order lines and an IngestReport.

``readers`` (file types, encodings, sheets, header row), ``mapping`` (which column feeds which field, checked
against the values), ``clean`` (:func:`standardize`: every row used or excluded with a reason), ``values`` / ``dates`` /
``identity`` (cell parsers, phones and e-mails), ``currency`` (the currency a file is in).
"""

from __future__ import annotations

from crm_core import lazy_exports

# Imported on first use (see crm_core.lazy_exports): no import cycles, no start-up cost.
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
__getattr__, __all__ = lazy_exports(__name__, _HOME)
