"""The campaign results in words, English and Chinese (private to :mod:`crm_core.measure.results`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def pct(value: float) -> str:
    """0.213 -> "21.3%"."""
    return "–" if value is None or pd.isna(value) else f"{value:.1%}"


def points(value: float) -> str:
    """0.12 -> "+12.0" (percentage points, signed; the minus sign is U+2212)."""
    return f"{value * 100:+.1f}".replace("-", "\u2212")


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def money(value: float, currency: str) -> str:
    sign = "\u2212" if value < 0 else ""
    return f"{sign}{currency}{abs(value):,.0f}"


def _ci(low: float, high: float, confidence: float, lang: str) -> str:
    level = f"{confidence:.0%}"
    if lang == "zh":
        return f"{level} 置信区间 {points(low)} 至 {points(high)}"
    return f"{level} CI {points(low)} to {points(high)}"


def agent_sentence(comparison, lang: str) -> str:
    c = comparison
    best_rate, worst_rate = (float(c.table.iloc[0]["rate"]), float(c.table.iloc[-1]["rate"]))
    ci = _ci(c.low, c.high, c.confidence, lang)
    sure = f"{c.prob_best_beats_worst:.0%}"
    if lang == "zh":
        return (f"最佳坐席{c.best}成功率 {pct(best_rate)}，最差坐席{c.worst}为 {pct(worst_rate)}："
                f"高 {abs(c.diff) * 100:.1f} 个百分点（{ci}，{p_text(c.p_value)}）；"
                f"{c.best}确实更好的概率为 {sure}（只比较触达不少于 {c.min_contacts} 次的坐席）。")
    return (f"Best agent {c.best} {pct(best_rate)} vs worst {c.worst} {pct(worst_rate)}: "
            f"{points(c.diff)} points ({ci}, {p_text(c.p_value)}); {sure} probability {c.best} truly converts "
            f"better (agents with at least {c.min_contacts} contacts).")


def lift_words(row: Mapping, lang: str, currency: str) -> str:
    confidence = float(row.get("confidence", 0.95))
    significant = float(row["p_value"]) < 1 - confidence
    ci = _ci(float(row["low"]), float(row["high"]), confidence, lang)
    name = str(row.get("name") or "")
    extra, revenue = float(row["incremental_successes"]), float(row["incremental_revenue"])
    lift = float(row["lift"])
    if lang == "zh":
        head = f"{name}：" if name else ""
        direction = f"高 {lift * 100:.1f}" if lift >= 0 else f"低 {abs(lift) * 100:.1f}"
        verdict = "差异显著" if significant else "差异不显著"
        gain = (f"约多带来 {extra:,.0f} 次成功、{money(revenue, currency)} 销售额" if extra >= 0 else
                f"约少了 {abs(extra):,.0f} 次成功")
        return (f"{head}目标组成功率 {pct(row['target_rate'])}，对照组为 {pct(row['control_rate'])}："
                f"{direction} 个百分点（{ci}，{p_text(float(row['p_value']))}），{verdict}；{gain}。")
    head = f"{name}: " if name else ""
    verdict = "significant" if significant else "not significant"
    gain = (f"about {extra:,.0f} extra successes and {money(revenue, currency)} extra revenue" if extra >= 0 else
            f"about {abs(extra):,.0f} fewer successes")
    return (f"{head}target {pct(row['target_rate'])} vs control {pct(row['control_rate'])}: {points(lift)} points "
            f"({ci}, {p_text(float(row['p_value']))}), {verdict}; {gain}.")


_BEST = {"variant": ("Best offer", "效果最好的优惠方案"), "channel": ("Best channel", "效果最好的渠道")}


def summary_sentences(table: pd.DataFrame, lang: str, *, confidence: float, currency: str,
                      min_contacts: int) -> list[str]:
    from crm_core.measure.results import compare_agents, control_lift, success_rates
    from crm_core.schema import DataError

    zh = lang == "zh"
    target = table[table["group"] == "target"]
    control = table[table["group"] == "control"]
    n, wins, revenue = len(target), int(target["success"].sum()), float(target["revenue"].sum())
    rate = wins / n if n else np.nan
    if zh:
        out = [f"目标组共触达 {n:,} 位客户，成功 {wins:,} 次（{pct(rate)}），成交金额 {money(revenue, currency)}"
               + (f"；对照组 {len(control):,} 位客户。" if len(control) else "。")]
    else:
        out = [f"{n:,} customers contacted in the target group, {wins:,} successes ({pct(rate)}), revenue "
               f"{money(revenue, currency)}" + (f"; {len(control):,} customers held out as control." if len(control)
                                                 else ".")]
    try:
        lift = control_lift(table, confidence=confidence)
        out += [lift_words(row, lang, currency) for row in lift.to_dict("records")]
    except DataError:
        pass
    for by in ("variant", "channel"):
        rates = success_rates(table, by, confidence=confidence)
        if len(rates) >= 2:
            top, rest = rates.iloc[0], rates.iloc[1:]
            others = ("、" if zh else ", ").join(f"{r[by]} {pct(r['rate'])}" for _, r in rest.iterrows())
            words = _BEST[by][1 if zh else 0]
            if zh:
                out.append(f"{words}：{top[by]}，成功率 {pct(top['rate'])}（{confidence:.0%} 置信区间 "
                           f"{pct(top['low'])} 至 {pct(top['high'])}）；其余：{others}。")
            else:
                out.append(f"{words}: {top[by]} at {pct(top['rate'])} ({confidence:.0%} CI {pct(top['low'])} to "
                           f"{pct(top['high'])}); then {others}.")
    agents = compare_agents(table, confidence=confidence, min_contacts=min_contacts)
    if agents is not None:
        out.append(agent_sentence(agents, lang))
    return out
