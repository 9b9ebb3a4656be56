"""Cached steps of the Clusters page, on the customer table plus the feature columns it lacks.

The table comes from :func:`ui.cached.customers` (the RFM page's analysis date, window and filters), with the
share and attribute columns a :class:`~crm_core.segment.clusters.ClusterFeatures` asks for added by
:func:`crm_core.segment.cluster_inputs.cluster_table`.  The k guidance is keyed on the features only, the fit
on the features and k (never on the names: renaming a cluster never refits), so changing k never recomputes the
guidance.  Up to :data:`PREFIT_CUSTOMERS` customers every k from 2 to 12 is fitted once, right after the
guidance (:func:`fits`): moving the k slider then only reads the cache (a fit with 10 restarts takes 0.05-0.5 s
on Online Retail's 4,300 customers, too long for a slider); on more customers each k is fitted when chosen.

K-means runs on one OpenMP thread here: on a busy server (several sessions, or a 2-core machine with other
work) scikit-learn's threads oversubscribe the cores and one fit took 1-8 s instead of 0.1-0.5 s.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from crm_core.schema import DataError
from crm_core.segment import cluster_inputs
from crm_core.segment import clusters as cl
from crm_core.segment.rfm import RfmParams
from crm_core.settings import Scope
from ui import cached
from ui.cached import DatasetKey

__all__ = ["CACHES", "MAP_SAMPLE", "PREFIT_CUSTOMERS", "feature_options", "fit", "fits", "guidance",
           "guidance_top", "listed", "projection", "table"]

MAP_SAMPLE = 5_000  # points drawn on the PCA map at most (a seeded sample): more only slows the browser
PREFIT_CUSTOMERS = 20_000  # up to this many customers, every k is fitted in advance (11 fits: ~1 s at 4,300)


def _one_thread():
    return threadpool_limits(limits=1, user_api="openmp")


def _orders(key: DatasetKey, as_of: date, scope: Scope) -> pd.DataFrame:
    """The order lines inside the analysis window and filters (those the customer table was made from)."""
    from ui import cached_segments  # it imports this module: read here

    return cached_segments.scoped_orders(key, as_of, scope)


@cached._cache(8)
def feature_options(key: DatasetKey, as_of: date, scope: Scope) -> dict[str, tuple[str, ...]]:
    """What the marketer can add: ``category`` / ``channel`` share features (top values), ``numeric`` and
    ``categorical`` customer attributes (:mod:`crm_core.segment.cluster_inputs`)."""
    base, _, _ = cached.customers(key, as_of, scope)
    orders = _orders(key, as_of, scope)
    numeric, categorical = cluster_inputs.attribute_candidates(base)
    return {"category": cluster_inputs.share_features(orders, "category", as_of=as_of),
            "channel": cluster_inputs.share_features(orders, "channel", as_of=as_of),
            "numeric": numeric, "categorical": categorical}


@cached._cache(8)
def table(key: DatasetKey, as_of: date, scope: Scope, features: cl.ClusterFeatures) -> pd.DataFrame:
    """The scoped customer table with the columns ``features`` needs (:func:`cluster_inputs.cluster_table`)."""
    base, _, _ = cached.customers(key, as_of, scope)
    return cluster_inputs.cluster_table(base, _orders(key, as_of, scope), features, as_of=as_of)


def guidance_top(customers: int) -> int:
    """The largest k of the guidance: 10, or fewer when there are fewer customers (at least 2)."""
    return max(cl.K_MIN, min(10, customers))


@cached._cache(8)
def guidance(key: DatasetKey, as_of: date, scope: Scope, features: cl.ClusterFeatures, seed: int) -> pd.DataFrame:
    """Inertia and silhouette for k = 2..:func:`guidance_top` (:func:`crm_core.segment.clusters.k_guidance`)."""
    frame = table(key, as_of, scope, features)
    with _one_thread():
        return cl.k_guidance(frame, range(cl.K_MIN, guidance_top(len(frame)) + 1), features, seed)


@cached._cache(8)
def fits(key: DatasetKey, as_of: date, scope: Scope, features: cl.ClusterFeatures, seed: int
         ) -> dict[int, cl.Clusters]:
    """The clusters for every k from 2 to 12 that can be fitted, when there are at most
    :data:`PREFIT_CUSTOMERS` customers (else {}); a k that cannot (degenerate data) is left out."""
    frame = table(key, as_of, scope, features)
    if len(frame) > PREFIT_CUSTOMERS:
        return {}
    fitted = {}
    with _one_thread():
        for k in range(cl.K_MIN, min(cl.K_MAX, len(frame)) + 1):
            try:
                fitted[k] = cl.fit_clusters(frame, k, features, seed)
            except DataError:
                break  # too few different customers: a larger k cannot be fitted either
    return fitted


@cached._cache(32)
def _fit(key: DatasetKey, as_of: date, scope: Scope, features: cl.ClusterFeatures, seed: int, k: int
         ) -> cl.Clusters:
    with _one_thread():
        return cl.fit_clusters(table(key, as_of, scope, features), k, features, seed)


def fit(key: DatasetKey, as_of: date, scope: Scope, features: cl.ClusterFeatures, seed: int, k: int) -> cl.Clusters:
    """The clusters with their automatic names (the page applies the marketer's names on top); DataError when
    ``k`` clusters cannot be made of this data."""
    return fits(key, as_of, scope, features, seed).get(k) or _fit(key, as_of, scope, features, seed, k)


@cached._cache(16)
def projection(key: DatasetKey, as_of: date, scope: Scope, features: cl.ClusterFeatures, seed: int, k: int
               ) -> tuple[pd.DataFrame, int]:
    """The PCA view (:meth:`Clusters.projection`) of at most :data:`MAP_SAMPLE` customers (seeded sample), and
    the number of customers it was drawn from."""
    frame = table(key, as_of, scope, features)
    points = fit(key, as_of, scope, features, seed, k).projection(frame)
    if len(points) > MAP_SAMPLE:
        rows = np.sort(np.random.default_rng(seed).choice(len(points), size=MAP_SAMPLE, replace=False))
        points = points.iloc[rows].reset_index(drop=True)
    return points, len(frame)


@cached._cache(8)
def listed(key: DatasetKey, as_of: date, params: RfmParams, scope: Scope, features: cl.ClusterFeatures, seed: int,
           k: int) -> pd.DataFrame:
    """The RFM-scored customer table (:func:`ui.cached.rfm_scores`) with each customer's ``cluster``."""
    scored = cached.rfm_scores(key, as_of, params, scope)
    fitted = fit(key, as_of, scope, features, seed, k)
    ready = cluster_inputs.cluster_table(scored, _orders(key, as_of, scope), features, as_of=as_of)
    return scored.assign(cluster=fitted.assign(ready)["cluster"])


CACHES = (feature_options, table, guidance, fits, _fit, projection, listed)
