"""Cached wrappers of channel attribution (:mod:`crm_core.measure.attribution`) for the Attribution page.

The touchpoints table is keyed on its digest and name (:class:`ui.cached_predict.TableKey`), the columns on a
tuple of (role, column) pairs and the model options on the frozen :class:`AttributionChoice`: the journeys are
built once per file, format, columns and separator (:func:`paths`, shared read-only), and a change of the half life
or the position shares only reruns the models (:func:`results`).  Nothing here reads widgets or session state.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crm_core.measure import attribution as at
from ui import cached_predict
from ui.cached_predict import TableKey

__all__ = ["CACHES", "Results", "paths", "proposal", "raw", "results"]

Columns = tuple[tuple[str, str | None], ...]
_DEFAULT = at.AttributionChoice()


def raw(key: TableKey):
    """The uploaded table as text (shared with the prediction pages' cache, read-only)."""
    return cached_predict.raw_table(key)


@cached_predict._cache(8)
def proposal(key: TableKey) -> tuple[str | None, dict[str, str | None], dict[str, str | None]]:
    """(the format told from the headers, the touchpoint columns, the path columns) proposed for the table."""
    columns = list(raw(key).frame.columns)
    return at.detect_format(columns), at.propose_touchpoint_columns(columns), at.propose_path_columns(columns)


@cached_predict._shared(4)
def paths(key: TableKey, fmt: str, columns: Columns, separator: str) -> at.Paths:
    """The journeys of the table (:func:`~crm_core.measure.attribution.paths_from_touchpoints` or
    :func:`~crm_core.measure.attribution.paths_from_table`); shared, read-only."""
    frame = raw(key).frame
    chosen = dict(columns)
    if fmt == "touchpoints":
        return at.paths_from_touchpoints(frame, **chosen)
    return at.paths_from_table(frame, **chosen, separator=separator)


@dataclass(frozen=True, eq=False)
class Results:
    """Every model's credits (:func:`~crm_core.measure.attribution.attribute`), the removal effects and the long
    table for the chart."""

    table: pd.DataFrame
    effects: pd.DataFrame
    long: pd.DataFrame


@cached_predict._cache(8)
def results(key: TableKey, fmt: str, columns: Columns, choice: at.AttributionChoice) -> Results:
    found = paths(key, fmt, columns, choice.separator if fmt == "paths" else _DEFAULT.separator)
    table = at.attribute(found, choice)
    return Results(table=table, effects=at.removal_effects(found), long=at.attribution_long(table))


CACHES = (proposal, paths, results)
