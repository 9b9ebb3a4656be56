"""The selection builder of the Campaign builder page: conditions on RFM segment, cluster, lifecycle stage,
cross-sell offers and tags, combined with AND / OR, with one optional bracketed group ("(A or B) and C").

The conditions being built are a draft in the session (:data:`DRAFT`, plain values), started from the saved
campaign's selection (:func:`ui.segment_state.campaign`) and again whenever an analysis file is opened
(``editor_gen``); what the page uses is a :class:`crm_core.segment.campaign.Selection` built from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from crm_core.messages import render
from crm_core.segment.base import Segmentation
from crm_core.segment.campaign import Member, Selection, describe
from crm_core.segment.tags import TagRule, tag_column
from ui.i18n import TEXT, labels, t

__all__ = ["DRAFT", "Grouping", "groupings", "selection_section", "selection_words"]

DRAFT = "cmp_draft"


@dataclass(frozen=True)
class Grouping:
    """One column the builder offers: its label, its keys (in order) and each key's name."""

    column: str
    label: str
    keys: tuple
    names: Mapping


def groupings(table: pd.DataFrame, segmentations: Mapping[str, Segmentation], rules: tuple[TagRule, ...],
              language: str) -> dict[str, Grouping]:
    """The groupings ``table`` has: "segment", "cluster", "stage" and the model score deciles "churn_decile",
    "response_decile", "clv_decile" (named by ``segmentations``), the cross-sell
    offers ("offer_item": the first next-best offer, "bundle_item": the missing item of a bundle; see
    :func:`crm_core.basket.crosssell.with_offers`) and one per tag."""
    found: dict[str, Grouping] = {}
    for column, label in (("segment", "cmp_by_segment"), ("cluster", "cmp_by_cluster"), ("stage", "cmp_by_stage"),
                          ("churn_decile", "cmp_by_churn"), ("response_decile", "cmp_by_response"),
                          ("clv_decile", "cmp_by_clv")):
        scheme = segmentations.get(column)
        if column not in table.columns or scheme is None:
            continue
        counts = table[column].astype("str").value_counts()
        keys = tuple(k for k in scheme.segments() if counts.get(k, 0))
        keys += tuple(k for k in counts.index if k not in keys)
        names = {k: t("cmp_key_count", name=scheme.text(k, "name", language) or k, n=int(counts.get(k, 0)))
                 for k in keys}
        found[column] = Grouping(column, t(label), keys, names)
    for column, label in (("offer_item", "cmp_by_offer"), ("bundle_item", "cmp_by_bundle")):
        if column in table.columns and table[column].notna().any():
            counts = table[column].dropna().astype("str").value_counts()
            keys = tuple(sorted(counts.index, key=lambda k: (-int(counts[k]), k)))
            names = {k: t("cmp_key_count", name=k, n=int(counts[k])) for k in keys}
            found[column] = Grouping(column, t(label), keys, names)
    for position, rule in enumerate(rules, start=1):
        column = tag_column(rule, position)
        if column in table.columns:
            counts = table[column].astype(bool).value_counts()
            names = {True: t("cmp_key_count", name=t("cmp_yes"), n=int(counts.get(True, 0))),
                     False: t("cmp_key_count", name=t("cmp_no"), n=int(counts.get(False, 0)))}
            found[column] = Grouping(column, t("cmp_by_tag", name=rule.name(language)), (True, False), names)
    return found


def selection_words(selection: Selection | Member, language: str, *, segmentations: Mapping[str, Segmentation],
                    rules: tuple[TagRule, ...]) -> str:
    """The selection in words (:func:`crm_core.segment.campaign.describe`), a tag condition said with the tag's
    name ("has the tag “Big spender”") rather than its column."""
    tag_names = {tag_column(r, i): r.name(language) for i, r in enumerate(rules, start=1)}
    if isinstance(selection, Member):
        name = tag_names.get(selection.column)
        if name is None:
            return describe(selection, language, segmentations=segmentations)
        keys = {bool(k) for k in selection.keys}
        which = "cmp_tag_any" if len(keys) > 1 else "cmp_tag_yes" if True in keys else "cmp_tag_no"
        return TEXT[which][1 if language == "zh" else 0].format(name=name)
    joiner = render(f"campaign_{selection.combine}", language)
    parts = [selection_words(item, language, segmentations=segmentations, rules=rules) for item in selection.items]
    left, right = ("（", "）") if language == "zh" else ("(", ")")
    parts = [f"{left}{p}{right}" if isinstance(item, Selection) and len(item.items) > 1 else p
             for p, item in zip(parts, selection.items, strict=True)]
    return f" {joiner} ".join(parts)


# --- drafts ---------------------------------------------------------------------------------------------------
def _rows_of(items) -> list[dict]:
    return [{"column": i.column, "keys": list(i.keys)} for i in items if isinstance(i, Member)]


def _draft_of(selection: Selection | None) -> dict:
    if selection is None:
        return {"rows": [{"column": "segment", "keys": []}], "combine": "and", "group": [], "group_combine": "or",
                "gen": 0}
    nested = [i for i in selection.items if isinstance(i, Selection)]
    group = nested[0] if nested else None
    return {"rows": _rows_of(selection.items), "combine": selection.combine,
            "group": _rows_of(group.items) if group is not None else [],
            "group_combine": group.combine if group is not None else "or", "gen": 0}


def _draft(start: Selection | None) -> dict:
    generation = st.session_state.get("editor_gen", 0)
    stored = st.session_state.get(DRAFT)
    if stored is None or stored[0] != generation:
        stored = (generation, _draft_of(start))
        st.session_state[DRAFT] = stored
    return stored[1]


def _bump() -> None:
    st.session_state[DRAFT][1]["gen"] += 1


def _add(where: str, column: str) -> None:
    st.session_state[DRAFT][1][where].append({"column": column, "keys": []})


def _remove(where: str, index: int) -> None:
    st.session_state[DRAFT][1][where].pop(index)
    _bump()


def _remove_group() -> None:
    st.session_state[DRAFT][1]["group"] = []
    _bump()


# --- the section ----------------------------------------------------------------------------------------------
def _rows(rows: list[dict], where: str, prefix: str, offered: dict[str, Grouping], first: int) -> list[Member]:
    """Draw the rows of ``where`` ("rows" or "group"); return their complete conditions."""
    members: list[Member] = []
    columns = list(offered)
    for i, row in enumerate(rows):
        number = first + i
        c1, c2, c3 = st.columns([2, 4, 0.4], vertical_alignment="bottom")
        column = c1.selectbox(t("cmp_grouping", n=number), columns, index=columns.index(row["column"]),
                              key=f"{prefix}_{where}{i}_column", format_func=lambda c: offered[c].label)
        grouping = offered[column]
        keep = [k for k in row["keys"] if k in grouping.keys] if column == row["column"] else (
            [True] if isinstance(grouping.keys[0], bool) else [])
        chosen = c2.multiselect(t("cmp_values"), list(grouping.keys), default=keep,
                                key=f"{prefix}_{where}{i}_keys_{column}", format_func=lambda k, g=grouping: g.names[k],
                                placeholder=t("cmp_values_placeholder"))
        c3.button("✕", key=f"{prefix}_{where}{i}_remove", help=t("cmp_remove"), on_click=_remove, args=(where, i))
        row["column"], row["keys"] = column, list(chosen)
        if chosen:
            members.append(Member(column, tuple(chosen)))
        else:
            st.caption(t("cmp_incomplete", n=number))
    return members


def selection_section(table: pd.DataFrame, offered: dict[str, Grouping], start: Selection | None) -> Selection | None:
    """Draw the conditions; return the Selection they make (None when no condition is complete)."""
    draft = _draft(start)
    for where in ("rows", "group"):
        gone = [r for r in draft[where] if r["column"] not in offered]
        for row in gone:
            st.caption(t("cmp_dropped", column=row["column"]))
        draft[where] = [r for r in draft[where] if r["column"] in offered]
    prefix = f"cmp_{st.session_state.get('editor_gen', 0)}_{draft['gen']}"
    draft["combine"] = st.radio(t("cmp_combine"), ["and", "or"], index=["and", "or"].index(draft["combine"]),
                                horizontal=True, key=f"{prefix}_combine",
                                format_func=labels(["and", "or"], lambda c: t(f"cmp_combine_{c}")))
    members = _rows(draft["rows"], "rows", prefix, offered, 1)
    first_free = next((c for c in offered if c not in {r["column"] for r in draft["rows"]}), next(iter(offered)))
    group_members: list[Member] = []
    if draft["group"]:
        with st.container(border=True):
            st.markdown(f"**{t('cmp_group')}**")
            draft["group_combine"] = st.radio(t("cmp_group_combine"), ["and", "or"], horizontal=True,
                                              index=["and", "or"].index(draft["group_combine"]),
                                              key=f"{prefix}_group_combine",
                                              format_func=labels(["and", "or"], lambda c: t(f"cmp_combine_{c}")))
            group_members = _rows(draft["group"], "group", prefix, offered, len(draft["rows"]) + 1)
            g1, g2, _ = st.columns([1, 1, 2])
            g1.button(t("cmp_add"), key=f"{prefix}_group_add", icon="➕", on_click=_add, args=("group", first_free),
                      width="stretch")
            g2.button(t("cmp_remove_group"), key=f"{prefix}_group_remove", on_click=_remove_group, width="stretch")
    b1, b2, _ = st.columns([1, 1, 2])
    b1.button(t("cmp_add"), key=f"{prefix}_add", icon="➕", on_click=_add, args=("rows", first_free), width="stretch")
    if not draft["group"]:
        b2.button(t("cmp_add_group"), key=f"{prefix}_add_group", icon="🔗", on_click=_add, args=("group", first_free),
                  width="stretch")
    items: list[Member | Selection] = list(members)
    if group_members:
        items.append(Selection(tuple(group_members), draft["group_combine"]))
    return Selection(tuple(items), draft["combine"]) if items else None
