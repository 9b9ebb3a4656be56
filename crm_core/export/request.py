"""What defines a campaign list (:class:`ListRequest`) and a list once built (:class:`BuiltLists`).

A list is built once (:func:`crm_core.pipeline.build_lists`), then written as many times as needed
(:func:`crm_core.pipeline.to_workbook`, :func:`crm_core.pipeline.to_csv`): the app's preview, its counts and
its download all come from the same :class:`BuiltLists`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from crm_core.export.lists import ListOptions
from crm_core.segment.base import Segmentation

__all__ = ["BuiltLists", "ListRequest"]


@dataclass(frozen=True)
class ListRequest:
    """Everything that defines a campaign list, in one hashable object (it keys the app's caches).

    Attributes
    ----------
    segmentation : Segmentation
        How customers are grouped (an RFM scheme, clusters, tiers...): one list per group.
    segments : tuple of str
        The group keys to list; ``()`` lists every group of ``segmentation``.
    columns : tuple of str or None
        Canonical columns in output order; None for the default columns the table can fill
        (:func:`crm_core.pipeline.rfm_list_columns`).
    options : ListOptions
        Contacts, masking, opted-out customers, language, dropping empty columns.
    currency : str
        The sign written in the "reason" sentences (e.g. "spent ¥5,400").
    """

    segmentation: Segmentation
    segments: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    options: ListOptions = ListOptions()
    currency: str = "¥"

    def __post_init__(self) -> None:
        # Lists become tuples, so the request stays hashable whatever the caller passed.
        object.__setattr__(self, "segments", tuple(self.segments))
        if self.columns is not None:
            object.__setattr__(self, "columns", tuple(self.columns) or None)

    @property
    def lang(self) -> str:
        return self.options.lang

    def chosen(self) -> tuple[str, ...]:
        """The keys to list, in the segmentation's order."""
        return tuple(k for k in self.segmentation.segments() if not self.segments or k in self.segments)


@dataclass(frozen=True)
class BuiltLists:
    """Campaign lists built from one :class:`ListRequest`, ready to preview, count and write.

    Attributes
    ----------
    request : ListRequest
    sheets : mapping of str to DataFrame
        Localized group name -> its list (localized headers), in the segmentation's order; a group whose
        members all opted out has no sheet.
    summary : DataFrame
        One row per chosen group that has customers, localized headers (see :func:`crm_core.pipeline.build_lists`).
    listed : mapping of str to int
        Group key -> customers on its list.
    left_out : mapping of str to int
        Group key -> customers left out because they opted out.
    """

    request: ListRequest
    sheets: Mapping[str, pd.DataFrame]
    summary: pd.DataFrame
    listed: Mapping[str, int] = field(default_factory=dict)
    left_out: Mapping[str, int] = field(default_factory=dict)

    @property
    def opted_out_excluded(self) -> int:
        """Customers left out of all lists because they opted out."""
        return sum(self.left_out.values())

    @property
    def rows(self) -> int:
        """Customers on all lists together."""
        return sum(len(frame) for frame in self.sheets.values())
