"""The campaign builder's core: a selection of customers as data, what is at stake, and a seeded control group.

A selection combines any segmentations of the customer table with AND/OR: :class:`Member` is one condition
("the customer's value in column ``segment`` is one of champions, loyal"), :class:`Selection` combines
Members and nested Selections.  Both are frozen dataclasses, so a selection is hashable (it keys the app's
caches), can be saved and is never ``eval``-ed.  Any column works: an RFM ``segment``, a ``cluster``, a
lifecycle ``stage``, a boolean tag column (keys ``(True,)``), later model deciles.

:class:`Campaign` is a :class:`crm_core.segment.base.Segmentation` on the ``campaign_group`` column with the
groups ``target`` and ``control``, so :func:`crm_core.pipeline.build_lists` on :func:`campaign_table`'s output
writes one sheet for the target list and one for the control group (its sheet name and segment name say
"Control"), through the usual export path (consent, masking, injection safety, list id).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from crm_core.messages import Localized, render
from crm_core.schema import DataError
from crm_core.segment.base import Segmentation

__all__ = ["GROUPS", "GROUP_COLUMN", "MAX_CONTROL_PERCENT", "Campaign", "Member", "Selection", "at_stake",
           "campaign_table", "describe", "select", "split_control"]

GROUP_COLUMN = "campaign_group"
GROUPS = ("target", "control")
# A control group above half the selection would leave fewer customers contacted than held out.
MAX_CONTROL_PERCENT = 50

# How the usual key columns read in a sentence (other columns use their own name).
_COLUMN_WORDS = {
    "segment": Localized(en="segment", zh="分群"),
    "cluster": Localized(en="cluster", zh="客户群"),
    "stage": Localized(en="lifecycle stage", zh="生命周期阶段"),
    "offer_item": Localized(en="next-best offer", zh="下一最佳推荐"),
    "bundle_item": Localized(en="missing item of a bundle", zh="组合中所缺商品"),
    "churn_decile": Localized(en="churn-risk decile", zh="流失风险十分位"),
    "response_decile": Localized(en="response-propensity decile", zh="响应概率十分位"),
    "clv_decile": Localized(en="lifetime-value decile", zh="终身价值十分位"),
}


@dataclass(frozen=True)
class Member:
    """One condition: the customer's value in ``column`` is one of ``keys``.

    ``keys`` are compared exactly (``Series.isin``): segment, cluster or stage keys as text, ``(True,)`` for a
    boolean tag column.  A list given for ``keys`` becomes a tuple, so a Member stays hashable.

    Raises
    ------
    DataError
        ``campaign_member_no_keys`` when ``keys`` is empty (a condition nobody can meet is a mistake).
    """

    column: str
    keys: tuple = ()

    def __post_init__(self) -> None:
        keys = (self.keys,) if isinstance(self.keys, str | bool) else tuple(self.keys)
        object.__setattr__(self, "keys", keys)
        if not keys:
            raise DataError("campaign_member_no_keys", column=self.column)


@dataclass(frozen=True)
class Selection:
    """Conditions combined with ``"and"`` (all must hold) or ``"or"`` (any may hold).

    ``items`` are :class:`Member` or nested :class:`Selection` objects, e.g.
    ``Selection((Selection((Member("segment", ("champions",)), Member("cluster", ("c2",))), "or"),
    Member("stage", ("silent",))))`` reads "(segment is champions OR cluster is c2) AND stage is silent".

    Raises
    ------
    DataError
        ``campaign_empty_selection`` when there is no item; ``campaign_bad_combine`` when ``combine`` is not
        "and" or "or".
    """

    items: tuple[Member | Selection, ...] = ()
    combine: Literal["and", "or"] = "and"

    def __post_init__(self) -> None:
        items = (self.items,) if isinstance(self.items, Member | Selection) else tuple(self.items)
        object.__setattr__(self, "items", items)
        if self.combine not in ("and", "or"):
            raise DataError("campaign_bad_combine", combine=self.combine)
        if not items:
            raise DataError("campaign_empty_selection")
        for item in items:
            if not isinstance(item, Member | Selection):
                raise TypeError(f"Selection items are Member or Selection objects, not {type(item).__name__}")

    def to_dict(self) -> dict:
        """The selection as JSON-ready data (for a settings file or a list id): ``{"combine": "and", "items":
        [{"column": "segment", "keys": ["champions"]}, {"combine": "or", "items": [...]}]}``."""
        return {"combine": self.combine,
                "items": [{"column": i.column, "keys": [k.item() if isinstance(k, np.generic) else k for k in i.keys]}
                          if isinstance(i, Member) else i.to_dict() for i in self.items]}

    @classmethod
    def from_dict(cls, data: Mapping) -> Selection:
        """The inverse of :meth:`to_dict` (an item with "column" is a Member, else a nested Selection)."""
        items = tuple(Member(i["column"], tuple(i["keys"])) if "column" in i else cls.from_dict(i)
                      for i in data.get("items", ()))
        return cls(items, data.get("combine", "and"))

    def columns(self) -> tuple[str, ...]:
        """The columns the selection reads, each once, in the order they appear."""
        found: list[str] = []
        for item in self.items:
            found.extend([item.column] if isinstance(item, Member) else item.columns())
        return tuple(dict.fromkeys(found))


def select(table: pd.DataFrame, selection: Selection | Member) -> pd.Series:
    """Which customers of ``table`` (one row per customer) meet ``selection``.

    Returns
    -------
    Series of bool
        Aligned with ``table``'s index, named "selected".  A missing value (NaN) never matches.

    Raises
    ------
    DataError
        ``campaign_unknown_column`` naming the first column the table lacks and the columns it has (a
        grouping not built yet, e.g. clusters before fitting them).
    """
    selection = selection if isinstance(selection, Selection) else Selection((selection,))
    for column in selection.columns():
        if column not in table.columns:
            raise DataError("campaign_unknown_column", column=column,
                            columns=Localized.listing(map(str, table.columns)))
    return pd.Series(_mask(table, selection), index=table.index, name="selected")


def _mask(table: pd.DataFrame, item: Selection | Member) -> np.ndarray:
    if isinstance(item, Member):
        return table[item.column].isin(list(item.keys)).to_numpy(dtype=bool)
    masks = [_mask(table, sub) for sub in item.items]
    return np.logical_and.reduce(masks) if item.combine == "and" else np.logical_or.reduce(masks)


def at_stake(table: pd.DataFrame, mask: Sequence[bool] | pd.Series | np.ndarray) -> dict:
    """What a selection holds, for the builder's live count.

    Returns
    -------
    dict
        ``customers`` (int, selected customers), ``revenue`` (float, their ``monetary`` sum: spend net of
        returns, in the upload's currency), ``customer_share`` (of all customers in ``table``, 0..1; NaN for
        an empty table) and ``revenue_share`` (of the table's total net spend; NaN when that total is <= 0,
        where a share means nothing).

    Raises
    ------
    DataError
        ``campaign_missing_column`` when ``table`` has no ``monetary`` column.
    """
    if "monetary" not in table.columns:
        raise DataError("campaign_missing_column", column="monetary")
    mask = np.asarray(mask, dtype=bool)
    if len(mask) != len(table):
        raise ValueError(f"at_stake: the mask has {len(mask)} values for {len(table)} customers")
    monetary = table["monetary"].to_numpy(dtype="float64")
    total = float(np.nansum(monetary))
    revenue = float(np.nansum(monetary[mask]))
    return {
        "customers": int(mask.sum()),
        "revenue": revenue,
        "customer_share": float(mask.sum()) / len(table) if len(table) else math.nan,
        "revenue_share": revenue / total if total > 0 else math.nan,
    }


def _check_percent(percent: object) -> float:
    ok = isinstance(percent, int | float | np.integer | np.floating) and not isinstance(percent, bool) \
        and math.isfinite(percent) and 0 <= percent <= MAX_CONTROL_PERCENT
    if not ok:
        raise DataError("campaign_control_percent", percent=percent, most=MAX_CONTROL_PERCENT)
    return float(percent)


def split_control(ids: Sequence[object] | pd.Series, percent: float, seed: int = 0) -> np.ndarray:
    """Which customers are held out as the control group: a seeded, reproducible random draw.

    Each id is hashed with the seed (the first 8 bytes of SHA-256 of ``f"{seed}:{id}"``) and the ids with the
    lowest hashes form the control group (ties, which SHA-256 makes practically impossible, go by id).  So
    the draw does not depend on row order, gives the same group on every run and machine (unlike a process's
    random generator state), and a customer keeps their group when other customers join the selection only
    as long as they stay among the lowest hashes.

    Parameters
    ----------
    ids : sequence
        Customer ids, unique.
    percent : float
        Share held out, in percent, 0 to :data:`MAX_CONTROL_PERCENT` (50).
    seed : int
        Another seed gives another draw (a new campaign on the same customers should use a new seed).

    Returns
    -------
    ndarray of bool
        True for the control group, in the order of ``ids``; exactly ``floor(n * percent / 100 + 0.5)``
        customers (rounded half up: 10 customers at 25 % hold out 3).

    Raises
    ------
    DataError
        ``campaign_control_percent`` for a percent outside 0..50 or not a number; ``campaign_duplicate_ids``
        when an id appears twice (a customer cannot be both contacted and held out).
    """
    percent = _check_percent(percent)
    keys = [str(i) for i in ids]
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise DataError("campaign_duplicate_ids", customer_id=key)
        seen.add(key)
    size = math.floor(len(keys) * percent / 100 + 0.5)
    held = np.zeros(len(keys), dtype=bool)
    if size:
        draws = [int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big") for key in keys]
        order = sorted(range(len(keys)), key=lambda i: (draws[i], keys[i]))
        held[order[:size]] = True
    return held


def campaign_table(table: pd.DataFrame, selection: Selection | Member, control_percent: float = 10,
                   seed: int = 0) -> pd.DataFrame:
    """The selected customers only, with their :data:`GROUP_COLUMN` ("target" or "control").

    ``table`` is the customer table (one row per ``customer_id``, with whatever grouping columns the
    selection reads); rows keep their order and columns.  The control group is :func:`split_control` of the
    selected ids, so it depends on the selection, the percent and the seed only.

    Raises
    ------
    DataError
        Those of :func:`select` and :func:`split_control`; ``campaign_missing_column`` without a
        ``customer_id`` column; ``campaign_no_customers`` when nobody meets the selection.
    """
    _check_percent(control_percent)
    if "customer_id" not in table.columns:
        raise DataError("campaign_missing_column", column="customer_id")
    chosen = table.loc[select(table, selection).to_numpy()]
    if chosen.empty:
        selection = selection if isinstance(selection, Selection) else Selection((selection,))
        raise DataError("campaign_no_customers", selection=Localized(en=describe(selection, "en"),
                                                                     zh=describe(selection, "zh")))
    held = split_control(chosen["customer_id"], control_percent, seed)
    return chosen.assign(**{GROUP_COLUMN: np.where(held, "control", "target")})


def describe(selection: Selection | Member, lang: str = "en", *,
             segmentations: Mapping[str, Segmentation] | None = None) -> str:
    """The selection in words for the list's Summary, e.g. "segment is Champions or Loyal AND lifecycle stage
    is Silent" / "分群为 重要价值客户或忠诚客户 且 生命周期阶段为 沉默客户".

    ``segmentations`` maps a column to the Segmentation whose group names its keys (column "segment" -> the
    RFM scheme); other keys are written as they are, booleans as yes/no.  Nested selections are bracketed.
    """
    segmentations = segmentations or {}
    if isinstance(selection, Member):
        words = _COLUMN_WORDS.get(selection.column)
        column = words.text(lang) if words else selection.column
        scheme = segmentations.get(selection.column)
        names = [_key_words(key, scheme, lang) for key in selection.keys]
        values = "或".join(names) if lang == "zh" else " or ".join(names)
        return render("campaign_member", lang, column=column, values=values)
    joiner = render(f"campaign_{selection.combine}", lang)
    parts = [describe(item, lang, segmentations=segmentations) for item in selection.items]
    parts = [f"({p})" if isinstance(item, Selection) and len(item.items) > 1 else p
             for p, item in zip(parts, selection.items, strict=True)]
    return f" {joiner} ".join(parts)


def _key_words(key: object, scheme: Segmentation | None, lang: str) -> str:
    if isinstance(key, bool | np.bool_):
        return render("campaign_yes" if key else "campaign_no", lang)
    if scheme is not None:
        name = scheme.text(str(key), "name", lang)
        if name:
            return name
    return str(key)


@dataclass(frozen=True)
class Campaign:
    """A campaign's two groups as a :class:`crm_core.segment.base.Segmentation` (key column
    :data:`GROUP_COLUMN`, keys ``("target", "control")``), with the campaign's own words.

    Attributes
    ----------
    name : Localized
        The campaign's name in English and Chinese; the groups are named "Target - <name>" and
        "Control - <name>" (group first, so Excel's 31-character sheet names keep it).
    description, action, channel : Localized
        What the campaign is, the offer and the channel, shown for the target group.  The control group's
        texts say it is held out: not to be contacted, its purchases compared with the target's afterwards.
    selection_words : Localized
        The selection in words (:func:`describe`), added to both groups' descriptions for the Summary.
    control_percent : float
        The control group's share in percent (0..50), said in the control group's description.
    selection : Selection or None
        Who the campaign targets; with ``seed`` it makes :meth:`table` and :meth:`fingerprint`.
    seed : int
        The control group's draw (:func:`split_control`).
    context : str
        What made the grouping columns the selection reads (JSON text of
        :meth:`crm_core.segment.combined.SegmentChoices.fingerprint`: cluster choice, lifecycle windows, tag
        rules), so that the list id changes when they do; "" when the caller has none.
    """

    name: Localized
    description: Localized = Localized(en="", zh="")
    action: Localized = Localized(en="", zh="")
    channel: Localized = Localized(en="", zh="")
    selection_words: Localized = Localized(en="", zh="")
    control_percent: float = 10
    selection: Selection | None = None
    seed: int = 0
    context: str = field(default="", compare=True)
    key_column: str = field(default=GROUP_COLUMN, init=False)

    def __post_init__(self) -> None:
        if not (self.name.en.strip() and self.name.zh.strip()):
            raise DataError("campaign_name_missing")
        object.__setattr__(self, "control_percent", _check_percent(self.control_percent))
        if isinstance(self.selection, Member):
            object.__setattr__(self, "selection", Selection((self.selection,)))

    @classmethod
    def of(cls, name: Localized, selection: Selection | Member, *, control_percent: float = 10, seed: int = 0,
           segmentations: Mapping[str, Segmentation] | None = None, **texts: Localized) -> Campaign:
        """A Campaign on ``selection`` whose ``selection_words`` describe it (see :func:`describe`)."""
        words = Localized(en=describe(selection, "en", segmentations=segmentations),
                          zh=describe(selection, "zh", segmentations=segmentations))
        return cls(name=name, selection_words=words, control_percent=control_percent, selection=selection,
                   seed=seed, **texts)

    def table(self, table: pd.DataFrame) -> pd.DataFrame:
        """:func:`campaign_table` of ``table`` with this campaign's selection, control percent and seed."""
        if self.selection is None:
            raise DataError("campaign_empty_selection")
        return campaign_table(table, self.selection, self.control_percent, self.seed)

    def fingerprint(self) -> dict:
        """What decides who is on the target and control lists, as JSON-ready data, for a list id: the
        selection (:meth:`Selection.to_dict`), the control percent and the seed, with the campaign's name."""
        found = {"campaign": [self.name.en, self.name.zh],
                 "selection": None if self.selection is None else self.selection.to_dict(),
                 "control_percent": self.control_percent, "seed": self.seed}
        return {**found, "context": self.context} if self.context else found

    def to_dict(self) -> dict:
        """The campaign as JSON-ready data (the settings file's ``"campaign"``): its texts as
        ``{"en": ..., "zh": ...}``, the selection, the control percent and the seed; the selection's words are
        not kept (:meth:`from_dict` writes them again with the segment names of the day)."""
        texts = {f: {"en": getattr(self, f).en, "zh": getattr(self, f).zh}
                 for f in ("name", "description", "action", "channel")}
        return {**texts, "selection": None if self.selection is None else self.selection.to_dict(),
                "control_percent": self.control_percent, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: Mapping, *, segmentations: Mapping[str, Segmentation] | None = None) -> Campaign:
        """The campaign saved by :meth:`to_dict`; DataError (``campaign_name_missing``, a selection's own
        codes) when it cannot be one."""
        def text(name: str) -> Localized:
            value = data.get(name) or {}
            return Localized(en=str(value.get("en", "")), zh=str(value.get("zh", ""))) if isinstance(
                value, Mapping) else Localized(en=str(value), zh=str(value))

        texts = {f: text(f) for f in ("description", "action", "channel")}
        selection = data.get("selection")
        if selection is None:
            return cls(name=text("name"), control_percent=data.get("control_percent", 10),
                       seed=int(data.get("seed", 0)), **texts)
        return cls.of(text("name"), Selection.from_dict(selection), control_percent=data.get("control_percent", 10),
                      seed=int(data.get("seed", 0)), segmentations=segmentations, **texts)

    def segments(self) -> tuple[str, ...]:
        return GROUPS

    def text(self, key: str, field: str, lang: str = "en") -> str:
        if key not in GROUPS:
            return ""
        name = self.name.text(lang)
        if field == "name":
            return render(f"campaign_{key}_name", lang, name=name)
        if key == "control":
            if field == "description":
                return render("campaign_control_description", lang, percent=self.control_percent,
                              selection=self.selection_words.text(lang))
            return render(f"campaign_control_{field}", lang) if field in ("action", "channel") else ""
        if field == "description":
            own = self.description.text(lang)
            words = self.selection_words.text(lang)
            return " ".join(p for p in (own, render("campaign_target_description", lang, selection=words)
                                        if words else "") if p)
        return getattr(self, field).text(lang) if field in ("action", "channel") else ""
