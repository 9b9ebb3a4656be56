"""Segmentations of the customer table (each a :class:`~crm_core.segment.base.Segmentation`): RFM scores and
segment schemes; clusters, lifecycle and tags later.
"""

from __future__ import annotations

from crm_core import lazy_exports

# Imported on first use (see crm_core.lazy_exports): no import cycles, no start-up cost.
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
    "Lifecycle": "lifecycle",
    "LifecycleWindows": "lifecycle",
    "Migration": "lifecycle",
    "migration": "lifecycle",
    "stages": "lifecycle",
    "with_stages": "lifecycle",
    "cohort_matrix": "cohorts",
    "cohort_table": "cohorts",
    "new_vs_returning": "cohorts",
    "ClusterFeatures": "clusters",
    "Clusters": "clusters",
    "fit_clusters": "clusters",
    "k_guidance": "clusters",
    "suggested_k": "clusters",
    "Bought": "tags",
    "Condition": "tags",
    "Group": "tags",
    "TagRule": "tags",
    "apply_tags": "tags",
    "standard_attributes": "tags",
    "tag_column": "tags",
    "tag_names": "tags",
    "segment_profiles": "profiles",
    "Campaign": "campaign",
    "Member": "campaign",
    "Selection": "campaign",
    "at_stake": "campaign",
    "campaign_table": "campaign",
    "describe": "campaign",
    "select": "campaign",
    "split_control": "campaign",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
