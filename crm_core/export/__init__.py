"""Campaign lists out: one ListRequest (request.py), one list builder, the xlsx and CSV writers, masking of
personal data.
"""

from __future__ import annotations

from crm_core import lazy_exports

# Imported on first use (see crm_core.lazy_exports): no import cycles, no start-up cost.
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
    "Provenance": "provenance",
    "list_id": "provenance",
    "to_csv_bytes": "writers",
    "to_excel_bytes": "writers",
    "valid_sheet_names": "writers",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
