"""Channel attribution: first touch, last touch, linear, time decay, position based, and the Markov-chain
removal effect, over touchpoints or ready paths.

Input (:mod:`crm_core.measure._attribution_paths`): touchpoints (journey, time, channel, converted, value: a
journey ends at each conversion) -> :func:`paths_from_touchpoints`; or ready paths ("wechat > search > store"
with conversions, value and nulls, as ChannelAttribution's Data.csv) -> :func:`paths_from_table`.

Each model hands every path's conversions (and value) to its channels by weights that sum to 1 per path:

* first touch: all to the first touch; last touch: all to the last;
* linear: ``1 / length`` to each touch (a channel touched twice gets two shares, ChannelAttribution's
  convention);
* time decay: ``2 ** (-age / half_life)`` normalised over the path, ``age`` the days between the touch and the
  conversion (ready paths have no times: a step before the last counts as a day);
* position based: ``first_share`` to the first touch, ``last_share`` to the last, the rest split evenly over
  the touches between; a one-touch path gives all to it, a two-touch path splits
  ``first_share : last_share`` (50/50 at the default 40/40);
* markov: the removal effect of each channel in the order-1 absorbing chain, computed exactly
  (:mod:`crm_core.measure._markov`), scaled to the total conversions (value: to the total value).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crm_core.measure._attribution_columns import detect_format, propose_path_columns, propose_touchpoint_columns
from crm_core.measure._attribution_paths import (
    FORMAT_WORDS,
    FORMATS,
    ROLE_WORDS,
    Paths,
    paths_from_table,
    paths_from_touchpoints,
)
from crm_core.measure._choice import choice_from_dict, choice_to_dict
from crm_core.messages import Localized
from crm_core.schema import DataError

__all__ = ["FORMATS", "FORMAT_WORDS", "HEURISTICS", "MODELS", "MODEL_LABELS", "ROLE_WORDS", "AttributionChoice",
           "Paths", "attribute", "attribution_long", "attribution_summary", "detect_format", "model_weights",
           "paths_from_table", "paths_from_touchpoints", "propose_path_columns", "propose_touchpoint_columns",
           "removal_effects"]

MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based", "markov")
HEURISTICS = MODELS[:-1]
MODEL_LABELS: dict[str, Localized] = {
    "first_touch": Localized(en="First touch", zh="首次触点"),
    "last_touch": Localized(en="Last touch", zh="末次触点"),
    "linear": Localized(en="Linear", zh="线性"),
    "time_decay": Localized(en="Time decay", zh="时间衰减"),
    "position_based": Localized(en="Position based", zh="位置归因"),
    "markov": Localized(en="Markov chain", zh="马尔可夫链"),
}
MAX_HALF_LIFE = 3650.0


@dataclass(frozen=True)
class AttributionChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    half_life_days: float = 7.0  # time decay: a touch this many days before the conversion gets half the credit
    first_share: float = 0.4  # position based: the first touch's share (the last touch gets last_share, the
    last_share: float = 0.4  # middle ones split the rest)
    separator: str = " > "  # ready paths: the text between two channels

    def __post_init__(self) -> None:
        half = self.half_life_days
        if isinstance(half, bool) or not isinstance(half, int | float) or not math.isfinite(half) \
                or not 0 < half <= MAX_HALF_LIFE:
            raise DataError("at_bad_half_life", value=str(half))
        shares = (self.first_share, self.last_share)
        if any(isinstance(s, bool) or not isinstance(s, int | float) or not math.isfinite(s) or not 0 <= s <= 1
               for s in shares) or self.first_share + self.last_share > 1 + 1e-9:
            raise DataError("at_bad_shares", first=str(self.first_share), last=str(self.last_share))
        if not isinstance(self.separator, str) or self.separator == "":
            raise DataError("at_bad_separator", value=str(self.separator))

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AttributionChoice:
        return choice_from_dict(cls, data)


def model_weights(paths: Paths, model: str, choice: AttributionChoice = AttributionChoice()) -> np.ndarray:
    """Each touch's share of its path's credit under heuristic ``model`` (one float per row of ``paths.touches``;
    they sum to 1 over every path)."""
    touches = paths.touches
    row = touches["row"].to_numpy(np.int64)
    step = touches["step"].to_numpy(np.int64)
    length = paths.frame["length"].to_numpy(np.int64)[row]
    if model == "first_touch":
        return (step == 0).astype(float)
    if model == "last_touch":
        return (step == length - 1).astype(float)
    if model == "linear":
        return 1.0 / length
    if model == "time_decay":
        raw = np.exp2(-touches["age"].to_numpy(float) / choice.half_life_days)
        totals = np.bincount(row, weights=raw, minlength=len(paths.frame))
        return raw / totals[row]
    if model == "position_based":
        first, last = choice.first_share, choice.last_share
        ends = first + last
        two_first, two_last = (first / ends, last / ends) if ends > 0 else (0.5, 0.5)
        middle = (1.0 - ends) / np.maximum(length - 2, 1)
        return np.select(
            [length == 1, (length == 2) & (step == 0), length == 2, step == 0, step == length - 1],
            [1.0, two_first, two_last, first, last], default=middle)
    raise ValueError(f"not a heuristic model: {model!r}")


def _credit(paths: Paths, weights: np.ndarray, column: str) -> np.ndarray:
    row = paths.touches["row"].to_numpy(np.int64)
    per_row = paths.frame[column].to_numpy(float)[row]
    return np.bincount(paths.touches["channel"].to_numpy(np.int64), weights=weights * per_row,
                       minlength=len(paths.channels))


def _chain(paths: Paths):
    from crm_core.measure import _markov

    return _markov.chain(paths.frame, paths.touches, paths.channels)


def attribute(paths: Paths, choice: AttributionChoice = AttributionChoice()) -> pd.DataFrame:
    """Conversions and value credited to each channel by every model.

    Returns
    -------
    DataFrame
        one row per channel: channel, then for each model ``m`` of :data:`MODELS` the column ``m`` (conversions
        credited, float) and ``f"{m}_value"`` (value credited, in the data's currency).  Each model's column sums
        to the paths' total conversions (value columns to the total value).  Sorted by markov, highest first.
    """
    from crm_core.measure import _markov

    data: dict[str, Any] = {"channel": list(paths.channels)}
    for model in HEURISTICS:
        weights = model_weights(paths, model, choice)
        data[model] = _credit(paths, weights, "conversions")
        data[f"{model}_value"] = _credit(paths, weights, "value")
    fitted = _chain(paths)
    data["markov"] = _markov.credits(fitted.removal_effect, paths.total_conversions)
    data["markov_value"] = _markov.credits(fitted.value_removal_effect, paths.total_value)
    table = pd.DataFrame(data)
    return table.sort_values(["markov", "channel"], ascending=[False, True], kind="stable").reset_index(drop=True)


def removal_effects(paths: Paths) -> pd.DataFrame:
    """The Markov removal effect of each channel: channel, removal_effect (fraction of conversions lost without
    the channel), share (of the summed effects = the channel's share of the Markov credit), value_removal_effect,
    value_share.  Sorted by removal_effect, highest first."""
    fitted = _chain(paths)
    effect, value_effect = fitted.removal_effect, fitted.value_removal_effect
    table = pd.DataFrame({
        "channel": list(paths.channels),
        "removal_effect": effect,
        "share": effect / effect.sum() if effect.sum() > 0 else 0.0,
        "value_removal_effect": value_effect,
        "value_share": value_effect / value_effect.sum() if value_effect.sum() > 0 else 0.0,
    })
    return table.sort_values(["removal_effect", "channel"], ascending=[False, True], kind="stable") \
        .reset_index(drop=True)


def attribution_long(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`attribute`'s table in long form for charts: channel, model (a key of :data:`MODELS`), conversions,
    value; channels in the table's order, models in :data:`MODELS` order."""
    parts = [pd.DataFrame({"channel": table["channel"].to_numpy(), "model": model,
                           "conversions": table[model].to_numpy(float),
                           "value": table[f"{model}_value"].to_numpy(float)}) for model in MODELS]
    return pd.concat(parts, ignore_index=True)


_SUMMARY = {
    "opens": ("{first} opens the most converting journeys: first touch of {n} of {total} conversions ({share}).",
              "{first}是最常见的转化旅程起点：{total} 次转化中有 {n} 次首次触点是它（{share}）。"),
    "closes": ("{last} closes the most: last touch of {n} conversions ({share}).",
               "{last}是最常见的收尾渠道：{n} 次转化的末次触点是它（{share}）。"),
    "same": ("{channel} both opens and closes the most journeys: first touch of {first_n} and last touch of "
             "{last_n} of {total} conversions.",
             "{channel}既是最常见的起点也是最常见的收尾：{total} 次转化中首次触点 {first_n} 次、"
             "末次触点 {last_n} 次。"),
    "markov_more": ("The Markov model credits {channel} with {markov} conversions, {diff} more than last touch "
                    "({last}): it brings journeys along before the last touch.",
                    "马尔可夫模型归给{channel} {markov} 次转化，比末次触点模型（{last}）多 {diff} 次：它在最后一步之前"
                    "推动了旅程。"),
    "markov_less": ("The Markov model credits {channel} with {markov} conversions, {diff} fewer than last touch "
                    "({last}): many journeys it closes would have converted through other channels anyway.",
                    "马尔可夫模型归给{channel} {markov} 次转化，比末次触点模型（{last}）少 {diff} 次：它收尾的许多旅程"
                    "没有它也会通过其他渠道转化。"),
    "agree": ("The Markov model and last touch agree within {diff} conversions for every channel.",
              "马尔可夫模型与末次触点模型对每个渠道的归因相差都不超过 {diff} 次转化。"),
    "weakest": ("Least Markov credit: {channel} ({markov} conversions, {share}).",
                "马尔可夫归因最少的是{channel}（{markov} 次转化，{share}）。"),
}


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 0.05 or abs(x) >= 100 else f"{x:,.1f}"


def _pct(share: float) -> str:
    """0.27 -> "27%", 0.034 -> "3.4%", 0.0002 -> "0.02%": small shares keep a figure that is not 0."""
    if share >= 0.1 or share == 0:
        return f"{share:.0%}"
    return f"{share:.1%}" if share >= 0.001 else f"{share:.2%}"


def _say(key: str, lang: str, **params: object) -> str:
    return _SUMMARY[key][1 if lang == "zh" else 0].format(**params)


def attribution_summary(table: pd.DataFrame, lang: str = "en") -> list[str]:
    """A few sentences on :func:`attribute`'s table: which channel opens journeys (first touch) and which closes
    them (last touch), where the Markov model gives more or less than last touch, and the channel with the least
    Markov credit."""
    if table.empty:
        return []
    total = float(table["last_touch"].sum())
    if total <= 0:
        return []
    sentences = []
    first = table.loc[table["first_touch"].idxmax()]
    last = table.loc[table["last_touch"].idxmax()]
    if first["channel"] == last["channel"]:
        sentences.append(_say("same", lang, channel=first["channel"], first_n=_n(first["first_touch"]),
                              last_n=_n(last["last_touch"]), total=_n(total)))
    else:
        sentences.append(_say("opens", lang, first=first["channel"], n=_n(first["first_touch"]), total=_n(total),
                              share=_pct(first["first_touch"] / total)))
        sentences.append(_say("closes", lang, last=last["channel"], n=_n(last["last_touch"]),
                              share=_pct(last["last_touch"] / total)))
    diff = table["markov"] - table["last_touch"]
    threshold = max(0.01 * total, 0.5)
    if diff.abs().max() < threshold:
        sentences.append(_say("agree", lang, diff=_n(threshold)))
    else:
        gain = table.loc[diff.idxmax()]
        loss = table.loc[diff.idxmin()]
        if diff.max() >= threshold:
            sentences.append(_say("markov_more", lang, channel=gain["channel"], markov=_n(gain["markov"]),
                                  diff=_n(diff.max()), last=_n(gain["last_touch"])))
        if -diff.min() >= threshold:
            sentences.append(_say("markov_less", lang, channel=loss["channel"], markov=_n(loss["markov"]),
                                  diff=_n(-diff.min()), last=_n(loss["last_touch"])))
    if len(table) > 2:
        weakest = table.loc[table["markov"].idxmin()]
        sentences.append(_say("weakest", lang, channel=weakest["channel"], markov=_n(weakest["markov"]),
                              share=_pct(weakest["markov"] / total)))
    return sentences
