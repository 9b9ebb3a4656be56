"""What every segmentation offers: the :class:`Segmentation` protocol.

RFM schemes (:class:`crm_core.segment.schemes.SegmentScheme`) implement it; clusters, lifecycle stages and
model deciles will.  Summaries (:func:`crm_core.segment.rfm.segment_summary`), the app's charts and campaign
lists (:func:`crm_core.pipeline.build_lists`) take any Segmentation, so a new way of grouping customers needs
no new summary, chart or list code.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["SEGMENT_FIELDS", "Segmentation"]

# The texts a segmentation gives per key, each in English and Chinese.
SEGMENT_FIELDS = ("name", "description", "action", "channel")


@runtime_checkable
class Segmentation(Protocol):
    """Groups of customers named and advised in both languages.

    Attributes
    ----------
    key_column : str
        The column of the customer table holding each customer's group key (RFM: ``"segment"``).

    An implementation should be hashable (a frozen dataclass), so that it can key the app's caches.
    """

    key_column: str

    def segments(self) -> tuple[str, ...]:
        """The group keys in display order (best first): summaries, charts and lists follow it."""
        ...

    def text(self, key: str, field: str, lang: str = "en") -> str:
        """``field`` of group ``key`` (one of :data:`SEGMENT_FIELDS`: name, description, suggested action,
        suggested channel) in ``lang`` ("zh", else English); "" when there is nothing to say."""
        ...
