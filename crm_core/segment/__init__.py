"""Segmentations of the customer table (each a :class:`~crm_core.segment.base.Segmentation`): RFM scores and
segment schemes; clusters, lifecycle and tags later.
"""

from __future__ import annotations

from importlib import import_module

# Names are imported on first use, so importing one module of this package (crm_core.schema does) never
# runs the others: no import cycles, no start-up cost.
_HOME = {
    "score_rfm": "rfm",
    "RfmParams": "rfm",
    "Thresholds": "rfm",
    "quantile_thresholds": "rfm",
    "segment_summary": "rfm",
    "relative_scores_note": "rfm",
    "SegmentScheme": "schemes",
    "Segmentation": "base",
    "SEGMENT_FIELDS": "base",
    "SCHEMES": "schemes",
    "SCHEME_11": "schemes",
    "SCHEME_4": "schemes",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
