"""The RFM page's two editable grids as plain data: thresholds by score, and the segment map by name.

A page shows these grids in its language and hands back what the user typed; turning that into
:class:`crm_core.segment.rfm.Thresholds` and a :class:`crm_core.segment.schemes.SegmentScheme` is analysis,
so it lives here (tested without a browser), and a saved analysis restores the same objects.
"""

from __future__ import annotations

from collections.abc import Sequence

from crm_core.segment import schemes
from crm_core.segment.rfm import Thresholds

__all__ = ["scheme_from_edits", "thresholds_from_rows", "thresholds_rows"]


def thresholds_rows(thresholds: Thresholds) -> list[list[float]]:
    """Three rows (recency, frequency, monetary) of the cut-offs for scores 5, 4, 3 and 2, left to right.

    Recency's cut-offs are maxima (score 5 if at most the first), so they read in stored order; frequency's
    and monetary's are minima (score 5 if at least the last), so they read reversed.
    """
    return [list(thresholds.recency), list(thresholds.frequency)[::-1], list(thresholds.monetary)[::-1]]


def thresholds_from_rows(rows: Sequence[Sequence[float]]) -> Thresholds:
    """The inverse of :func:`thresholds_rows`; DataError ``bad_thresholds`` names a row out of order."""
    recency, frequency, monetary = ([float(v) for v in row] for row in rows)
    return Thresholds(recency=tuple(recency), frequency=tuple(frequency[::-1]), monetary=tuple(monetary[::-1]))


def scheme_from_edits(
    scheme: schemes.SegmentScheme,
    grid_names: Sequence[Sequence[str]],
    names: Sequence[tuple[str, str, str]],
) -> schemes.SegmentScheme:
    """``scheme`` with the user's edits: a 5 × 5 grid of segment names and (key, English, Chinese) names.

    A grid cell may hold any name of a segment in either language, current or standard (a user who renames
    "Champions" and then picks "Champions" in a cell means that segment).  Returns ``scheme`` itself when
    nothing changed, else a "custom" scheme.  Raises DataError ``bad_segment_map`` for a cell that names no
    segment or an empty name.
    """
    by_name = {schemes.SCHEMES["11"].name(k, lang): k for k in schemes.SEGMENT_INFO for lang in ("en", "zh")}
    by_name |= {scheme.name(k, lang): k for k in scheme.segments() for lang in ("en", "zh")}
    grid = [[by_name.get(cell, cell) for cell in row] for row in grid_names]
    edited = scheme
    if grid != [list(row) for row in scheme.grid]:
        edited = schemes.scheme_with_grid(edited, grid)
    for key, name_en, name_zh in names:
        if (name_en, name_zh) != (edited.name(key, "en"), edited.name(key, "zh")):
            edited = schemes.scheme_with_label(edited, key, name_en=name_en, name_zh=name_zh)
    for standard in schemes.SCHEMES.values():  # edits undone: the standard map itself, as a saved file reads back
        if (edited.grid, edited.labels) == (standard.grid, standard.labels):
            return standard
    return edited
