"""Campaign lists out: one ListRequest (request.py), one list builder, the xlsx and CSV writers, masking of
personal data.
"""

from __future__ import annotations

from importlib import import_module

# Names are imported on first use, so importing one module of this package (crm_core.schema does) never
# runs the others: no import cycles, no start-up cost.
_HOME = {
    "CONTACT_COLUMNS": "writers",
    "EXCEL_MAX_ROWS": "writers",
    "CampaignList": "writers",
    "ColumnFormat": "writers",
    "ListOptions": "writers",
    "campaign_list": "writers",
    "column_label": "writers",
    "count_personal_ids": "writers",
    "excluded_rows_table": "writers",
    "has_data": "writers",
    "mask_email": "writers",
    "mask_frame": "writers",
    "mask_identifier": "writers",
    "mask_name": "writers",
    "mask_phone": "writers",
    "neutralise": "writers",
    "opted_out_flags": "writers",
    "registry_formats": "writers",
    "BuiltLists": "request",
    "ListRequest": "request",
    "to_csv_bytes": "writers",
    "to_excel_bytes": "writers",
    "valid_sheet_names": "writers",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
