"""Cached wrappers for the segmentations beyond RFM (clusters, lifecycle, cohorts, the combined table).

Same rules as :mod:`ui.cached`: keyed on the :class:`ui.cached.DatasetKey` plus small frozen choices, small
results copied per hit.  The customer table itself comes from :func:`ui.cached.customers`, so every page
analyses the same customers (the RFM page's analysis date, window and filters).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from crm_core import pipeline
from crm_core.segment import clusters as cl
from crm_core.segment import cohorts, lifecycle, rfm
from crm_core.segment.combined import ClusterChoice, SegmentChoices, segmented_table
from crm_core.settings import Scope
from ui import cached
from ui.cached import DatasetKey

__all__ = ["CACHES", "cluster_fit", "cohort_table", "migration", "new_vs_returning", "scoped_orders", "segmented"]


def cluster_fit(key: DatasetKey, as_of: date, scope: Scope, choice: ClusterChoice) -> cl.Clusters:
    """The clusters the Clusters page shows (the same cached fit, :mod:`ui.cluster_cache`), with the names the
    marketer gave; k None: the suggested k of the page's guidance."""
    from ui import cluster_cache

    k = choice.k
    if k is None:
        k = cl.suggested_k(cluster_cache.guidance(key, as_of, scope, choice.features, choice.seed))
    return choice.named(cluster_cache.fit(key, as_of, scope, choice.features, choice.seed, k))


def scoped_orders(key: DatasetKey, as_of: date, scope: Scope) -> pd.DataFrame:
    """The order lines inside the analysis window and filters (those the customer table is made of): the shared
    cleaned lines themselves when nothing is left out (no copy per rerun), else a cached selection."""
    return cached.cleaned(key).orders if scope.is_all else _scoped_orders(key, as_of, scope)


@cached._cache(8)
def _scoped_orders(key: DatasetKey, as_of: date, scope: Scope) -> pd.DataFrame:
    return pipeline.in_scope(cached.cleaned(key), scope, as_of=as_of).orders


@cached._cache(8)
def segmented(key: DatasetKey, as_of: date, params: rfm.RfmParams, scope: Scope, choices: SegmentChoices,
              lang: str) -> pd.DataFrame:
    """The customer table with RFM segment, cluster (when ``choices.clusters`` is set), stage and tags
    (:func:`crm_core.segment.combined.segmented_table`)."""
    table, _, _ = cached.customers(key, as_of, scope)
    fitted = None if choices.clusters is None else cluster_fit(key, as_of, scope, choices.clusters)
    orders = scoped_orders(key, as_of, scope)
    return segmented_table(table, orders, as_of, rfm_params=params, choices=choices, clusters=fitted, lang=lang)


@cached._cache(8)
def migration(key: DatasetKey, from_as_of: date, to_as_of: date, by: str, windows: lifecycle.LifecycleWindows,
              params: rfm.RfmParams) -> lifecycle.Migration:
    """Where the customers of ``from_as_of`` stand at ``to_as_of`` (:func:`crm_core.segment.lifecycle.migration`)."""
    result = cached.cleaned(key)
    return lifecycle.migration(result.orders, result.customers, from_as_of=from_as_of, to_as_of=to_as_of, by=by,
                               windows=windows, rfm_params=params)


@cached._cache(8)
def cohort_table(key: DatasetKey, as_of: date) -> pd.DataFrame:
    """Monthly acquisition cohorts (:func:`crm_core.segment.cohorts.cohort_table`)."""
    return cohorts.cohort_table(cached.cleaned(key).orders, as_of=as_of)


@cached._cache(8)
def new_vs_returning(key: DatasetKey, as_of: date) -> pd.DataFrame:
    """New and returning customers and revenue per month (:func:`crm_core.segment.cohorts.new_vs_returning`)."""
    return cohorts.new_vs_returning(cached.cleaned(key).orders, as_of=as_of)


CACHES = (_scoped_orders, segmented, migration, cohort_table, new_vs_returning)
