"""The session's segmentation choices beyond RFM: the cluster choice, the lifecycle windows, the tag rules and
the campaign being built, and the cross-sell choice (baskets, thresholds, offers, bundles).

Kept in the session (not in widget state, which Streamlit drops when the user visits another page), saved and
opened with the analysis file (:mod:`ui.saved_analysis`), and read by every page that shows a segment column
(Clusters, Lifecycle & cohorts, Customer 360, Campaign builder).
"""

from __future__ import annotations

import streamlit as st

from crm_core.basket.crosssell import CrossSellChoice
from crm_core.segment.campaign import Campaign
from crm_core.segment.combined import ClusterChoice, SegmentChoices
from crm_core.segment.lifecycle import LifecycleWindows
from crm_core.segment.tags import TagRule

__all__ = ["CAMPAIGN", "CLUSTER_CHOICE", "CROSSSELL", "LIFECYCLE", "SEGMENT_KEYS", "TAG_RULES", "campaign",
           "cluster_choice", "crosssell", "crosssell_seen", "lifecycle_windows", "segment_choices", "set_campaign",
           "set_cluster_choice", "set_crosssell", "set_lifecycle_windows", "set_tag_rules", "tag_rules"]

CLUSTER_CHOICE = "cluster_choice"
LIFECYCLE = "lifecycle_windows"
TAG_RULES = "tag_rules"
CAMPAIGN = "campaign"
CROSSSELL = "crosssell_choice"
SEGMENT_KEYS = (CLUSTER_CHOICE, LIFECYCLE, TAG_RULES, CAMPAIGN, CROSSSELL)


def cluster_choice() -> ClusterChoice | None:
    """The clusters asked for (default: the suggested k on the default features); None: no clusters."""
    return st.session_state.get(CLUSTER_CHOICE, ClusterChoice())


def set_cluster_choice(choice: ClusterChoice | None) -> None:
    st.session_state[CLUSTER_CHOICE] = choice


def lifecycle_windows() -> LifecycleWindows:
    return st.session_state.get(LIFECYCLE, LifecycleWindows())


def set_lifecycle_windows(windows: LifecycleWindows) -> None:
    st.session_state[LIFECYCLE] = windows


def tag_rules() -> tuple[TagRule, ...]:
    return tuple(st.session_state.get(TAG_RULES, ()))


def set_tag_rules(rules: tuple[TagRule, ...] | list[TagRule]) -> None:
    st.session_state[TAG_RULES] = tuple(rules)


def campaign() -> Campaign | None:
    """The campaign of the campaign builder (name, selection, control group), or None before one is built."""
    return st.session_state.get(CAMPAIGN)


def set_campaign(value: Campaign | None) -> None:
    if value is None:
        st.session_state.pop(CAMPAIGN, None)
    else:
        st.session_state[CAMPAIGN] = value


def segment_choices() -> SegmentChoices:
    """The session's cluster choice, lifecycle windows and tag rules, as the core takes them."""
    return SegmentChoices(clusters=cluster_choice(), windows=lifecycle_windows(), tags=tag_rules())


def crosssell() -> CrossSellChoice:
    """The cross-sell choice of the Cross-sell page (default: :class:`CrossSellChoice`'s defaults)."""
    return st.session_state.get(CROSSSELL, CrossSellChoice())


def crosssell_seen() -> bool:
    """Whether she has made cross-sell choices (visited the Cross-sell page or opened an analysis with them):
    only then does the campaign builder offer the cross-sell lists."""
    return CROSSSELL in st.session_state


def set_crosssell(choice: CrossSellChoice) -> None:
    st.session_state[CROSSSELL] = choice
