"""The verdict of an A/B/n test in plain words, English and Chinese (private to :mod:`crm_core.measure.abtest`).

    ¥5 off ¥20 converts 25.0% vs 18.0% for ¥8 off ¥30: +7.0 points (95% CI +2.1 to +11.9), significant (p = 0.004).
    满20减5 转化率 25.0%，满30减8 为 18.0%：高 7.0 个百分点（95% 置信区间 +2.1 至 +11.9），差异显著（p = 0.004）。
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_core.measure.abtest import AbResult

_WORDS = {
    "sentence": ("{name} converts {rate} vs {base_rate} for {base}: {diff} points ({level} CI {low} to {high}), "
                 "{verdict} ({p}).",
                 "{name} 转化率 {rate}，{base} 为 {base_rate}：{diff} 个百分点（{level} 置信区间 {low} 至 {high}），"
                 "{verdict}（{p}）。"),
    "significant": ("significant", "差异显著"),
    "not_significant": ("not significant", "差异不显著"),
    "higher": ("+{points}", "高 {points}"),
    "lower": ("-{points}", "低 {points}"),
    "same": ("±0.0", "持平 0.0"),
    "too_small": ("Too few customers to decide on {name}: with these numbers the test had {power} power to detect a "
                  "difference of {points} points; about {n} customers per variant would be needed.",
                  "样本太少，无法对{name}下结论：以目前的人数，发现 {points} 个百分点差异的把握只有 {power}；"
                  "每个版本约需 {n} 位顾客。"),
    "too_small_no_n": ("Too few customers to decide: no difference this size can be told from chance yet.",
                       "样本太少，无法下结论：目前还无法把这样的差异与偶然区分开。"),
    "best": ("Probability of being best: {items}.", "是最优版本的概率：{items}。"),
}


def _w(key: str, lang: str, **params: object) -> str:
    text = _WORDS[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def percent(rate: float) -> str:
    """0.25 -> "25.0%"."""
    return "–" if rate is None or math.isnan(rate) else f"{rate * 100:.1f}%"


def points(diff: float) -> str:
    """A difference in points with its sign: 0.021 -> "+2.1", -0.03 -> "-3.0"."""
    if math.isnan(diff):
        return "–"
    text = f"{abs(diff) * 100:.1f}"
    return "±0.0" if text == "0.0" else ("+" if diff > 0 else "-") + text


def p_text(p: float) -> str:
    """"p = 0.004", or "p < 0.001"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def level_text(confidence: float) -> str:
    """0.95 -> "95%", 0.975 -> "97.5%"."""
    return f"{confidence * 100:g}%"


def _sentence(row, base, result: AbResult, lang: str) -> str:
    size = f"{abs(row.diff) * 100:.1f}"
    if size == "0.0":
        diff = _w("same", lang)
    else:
        diff = _w("higher" if row.diff > 0 else "lower", lang, points=size)
    verdict = _w("significant" if row.significant else "not_significant", lang)
    return _w("sentence", lang, name=row.variant, rate=percent(row.rate), base=base.variant,
              base_rate=percent(base.rate), diff=diff, level=level_text(result.confidence), low=points(row.diff_low),
              high=points(row.diff_high), verdict=verdict, p=p_text(row.p_value))


def verdict(result: AbResult, lang: str = "en") -> str:
    """One sentence per non-baseline variant, joined (a space in English, nothing in Chinese)."""
    return ("" if lang == "zh" else " ").join(_variant_sentences(result, lang))


def _variant_sentences(result: AbResult, lang: str) -> list[str]:
    rows = list(result.table.itertuples(index=False))
    return [_sentence(row, rows[0], result, lang) for row in rows[1:]]


def too_small_text(result: AbResult, lang: str) -> str | None:
    """Why the test cannot decide, with the customers per variant that would (None when it can decide)."""
    from crm_core.measure.abtest import needed_per_variant, weakest

    if not result.too_small:
        return None
    row = weakest(result)
    needed = needed_per_variant(result)
    if needed is None or row is None:
        return _w("too_small_no_n", lang)
    return _w("too_small", lang, name=row["variant"], power=f"{float(row['power']):.0%}",
              points=f"{abs(float(row['diff'])) * 100:.1f}", n=f"{needed:,}")


def best_text(result: AbResult, lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    items = sep.join(f"{row.variant} {row.prob_best:.0%}" for row in result.table.itertuples(index=False))
    return _w("best", lang, items=items)


def sentences(result: AbResult, lang: str = "en") -> list[str]:
    """The variant sentences, then the probability of being best, then the too-small note when there is one."""
    out = _variant_sentences(result, lang) + [best_text(result, lang)]
    small = too_small_text(result, lang)
    return out + ([small] if small else [])
