"""Every segmentation of one customer table at once: RFM segment, cluster, lifecycle stage and tags.

The pages Customer 360 and Campaign builder and the ``segment`` command of the CLI all read the same table:
:func:`segmented_table` scores RFM, adds the lifecycle stage, the cluster and the tag columns.  What decides
those columns besides the data is :class:`SegmentChoices` (the cluster choice, the lifecycle windows and the
tag rules), a frozen dataclass saved in the analysis settings file, so next month's file gets the same
treatment and a list id can say what produced it (:meth:`SegmentChoices.fingerprint`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from crm_core.segment import cluster_inputs, lifecycle, tags
from crm_core.segment import clusters as cl
from crm_core.segment.rfm import RfmParams, score_rfm

__all__ = ["SEGMENT_LIST_COLUMNS", "ClusterChoice", "SegmentChoices", "segmented_table", "with_group_names"]

# The default columns of a list drawn from the combined table (who, which groups, what to offer, why).
SEGMENT_LIST_COLUMNS = (
    "customer_id", "segment_name", "rfm_segment_name", "cluster_name", "stage_name", "tags", "recency_days",
    "frequency", "monetary", "avg_order_value", "last_order_date", "channel", "offer", "suggested_channel",
    "reason", "offer_item", "offer_reason", "bundle_item", "bundle", "name", "phone", "email", "city",
)


@dataclass(frozen=True)
class ClusterChoice:
    """How the clusters are made: ``k`` (None: the suggested k of :func:`crm_core.segment.clusters.k_guidance`
    over 2..10), the features, the seed, and the names the marketer gave (``(key, English, Chinese)``; blank
    names keep the automatic ones)."""

    k: int | None = None
    features: cl.ClusterFeatures = cl.ClusterFeatures()
    seed: int = 0
    names: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.k is not None:
            cl._check_k(self.k)
        object.__setattr__(self, "names", tuple(tuple(str(p) for p in n) for n in self.names))

    def chosen_k(self, table: pd.DataFrame) -> int:
        """``k``, or the suggested k for ``table`` when ``k`` is None (at most the number of customers)."""
        if self.k is not None:
            return self.k
        top = max(cl.K_MIN, min(10, len(table)))
        return cl.suggested_k(cl.k_guidance(table, range(cl.K_MIN, top + 1), self.features, self.seed))

    def fit(self, table: pd.DataFrame) -> cl.Clusters:
        """The clusters of ``table`` (:func:`crm_core.segment.clusters.fit_clusters`) with the given names.

        ``table`` must hold every feature column (share features: see
        :func:`crm_core.segment.cluster_inputs.cluster_table`)."""
        return self.named(cl.fit_clusters(table, self.chosen_k(table), self.features, self.seed))

    def named(self, fitted: cl.Clusters) -> cl.Clusters:
        """``fitted`` with the names the marketer gave (keys it does not have are passed over)."""
        for key, en, zh in self.names:
            if key in fitted.keys:
                fitted = fitted.with_names(key, en, zh)
        return fitted

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "features": list(self.features.numeric), "categorical": list(self.features.categorical),
                "clip": self.features.clip, "seed": self.seed, "names": [list(n) for n in self.names]}


@dataclass(frozen=True)
class SegmentChoices:
    """Everything besides the data and the RFM settings that decides the segment columns.

    clusters : ClusterChoice, or None for no cluster column (e.g. too few customers to cluster).
    windows : the lifecycle windows.
    tags : the marketer's tag rules (:class:`crm_core.segment.tags.TagRule`), in order.
    """

    clusters: ClusterChoice | None = field(default_factory=ClusterChoice)
    windows: lifecycle.LifecycleWindows = lifecycle.LifecycleWindows()
    tags: tuple[tags.TagRule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(self.tags))

    def fingerprint(self) -> dict[str, Any]:
        """JSON-ready data of the choices, for a list id."""
        w = self.windows
        return {"clusters": None if self.clusters is None else self.clusters.to_dict(),
                "lifecycle": [w.new_days, w.active_days, w.churn_days], "tags": tags.rules_to_list(self.tags)}


def segmented_table(table: pd.DataFrame, orders: pd.DataFrame, as_of: date, *, rfm_params: RfmParams = RfmParams(),
                    choices: SegmentChoices = SegmentChoices(), clusters: cl.Clusters | None = None,
                    lang: str = "en") -> pd.DataFrame:
    """The customer table with every segmentation: RFM scores and ``segment``, ``stage``, ``cluster`` (when
    ``clusters`` is given, or ``choices.clusters`` is set: fitted here), the standard attributes, one boolean
    column per tag rule and ``tags`` (names in ``lang``).

    Parameters
    ----------
    table : DataFrame
        :func:`crm_core.customers.customer_table` output at ``as_of``.
    orders : DataFrame
        The clean order lines the table was made from (tag rules on purchases read them).
    clusters : Clusters, optional
        Already fitted clusters (the app caches the fit); they assign every customer to its nearest centre.

    Raises
    ------
    DataError
        From scoring, clustering (degenerate data) or a tag rule; the message names what to change.
    """
    scored = score_rfm(table, rfm_params)
    scored = lifecycle.with_stages(scored, choices.windows)
    features = clusters.features if clusters is not None else (
        choices.clusters.features if choices.clusters is not None else None)
    if features is not None:
        ready = cluster_inputs.cluster_table(scored, orders, features, as_of=as_of)  # share features, if any
        if clusters is None:
            clusters = choices.clusters.fit(ready)
        scored = scored.assign(cluster=clusters.assign(ready)["cluster"].to_numpy())
    return tags.apply_tags(scored, orders, choices.tags, as_of, lang=lang)


def with_group_names(table: pd.DataFrame, *, rfm_params: RfmParams = RfmParams(), clusters: cl.Clusters | None = None,
                     windows: lifecycle.LifecycleWindows = lifecycle.LifecycleWindows(),
                     lang: str = "en") -> pd.DataFrame:
    """``table`` (:func:`segmented_table` output, or any part of it) with the display name of each grouping it
    has: ``rfm_segment_name`` (from ``segment``), ``stage_name`` (from ``stage``) and ``cluster_name`` (from
    ``cluster``, named by ``clusters``), in ``lang``.  A list keeps them under their own headers while its
    ``segment_name`` names the list's own group (e.g. a campaign's target group)."""
    names = {}
    for column, target, segmentation in (("segment", "rfm_segment_name", rfm_params.scheme),
                                         ("stage", "stage_name", lifecycle.Lifecycle(windows)),
                                         ("cluster", "cluster_name", clusters)):
        if column in table.columns and segmentation is not None:
            keys = table[column].astype("str")
            words = {k: segmentation.text(k, "name", lang) or k for k in keys.unique()}
            names[target] = keys.map(words).astype("str")
    return table.assign(**names)
