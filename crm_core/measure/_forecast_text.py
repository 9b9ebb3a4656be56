"""Forecast sentences in English and Chinese (:meth:`crm_core.measure.forecast.Forecast.summary`)."""

from __future__ import annotations

import math


def amount_text(value: float, lang: str = "en", *, currency: str = "", measure: str = "revenue") -> str:
    """A total for people: revenue 1,234,567 -> "¥1.23M" (en) / "¥123.5万" (zh); orders -> "1,235 orders" /
    "1,235 单"."""
    if measure == "orders":
        count = f"{value:,.0f}"
        return f"{count} 单" if lang == "zh" else f"{count} orders"
    sign, size = ("-" if value < 0 else ""), abs(value)
    if lang == "zh":
        steps = ((1e8, "亿"), (1e4, "万"))
    else:
        steps = ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    for unit, suffix in steps:
        if size >= unit:
            scaled = size / unit
            digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
            return f"{sign}{currency}{scaled:.{digits}f}{suffix}"
    return f"{sign}{currency}{size:,.0f}"


def _unit(freq: str, count: int, lang: str) -> str:
    if lang == "zh":
        return f"{count} 周" if freq == "W" else f"{count} 个月"
    word = "week" if freq == "W" else "month"
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_text(fc, lang: str = "en", *, currency: str = "") -> str:
    """The best model's total over the horizon with its interval, then its backtest sMAPE against the
    baseline's; a last sentence when the baseline did better."""
    from crm_core.measure.forecast import BASELINE

    zh = lang == "zh"
    best = fc.best
    totals = fc.totals.set_index("model")
    scores = fc.backtest.set_index("model")
    total = totals.loc[best]

    def money(v: float) -> str:
        return amount_text(v, lang, currency=currency, measure=fc.measure)

    label, base_label = fc.model_label(best, lang), fc.model_label(BASELINE, lang)
    span = _unit(fc.freq, fc.horizon, lang)
    has_interval = not (math.isnan(total["low"]) or math.isnan(total["high"]))
    conf = f"{fc.confidence:.0%}"
    if zh:
        what = "订单" if fc.measure == "orders" else "销售额"
        interval = f"（{conf} 区间 {money(total['low'])}–{money(total['high'])}）" if has_interval else ""
        text = f"{label} 预测未来 {span}{what}合计 {money(total['total'])}{interval}"
    else:
        interval = f" ({conf} interval {money(total['low'])}–{money(total['high'])})" if has_interval else ""
        text = f"{label} forecasts {money(total['total'])} over the next {span}{interval}"
    if best == BASELINE or best not in scores.index or BASELINE not in scores.index:
        return text + ("。" if zh else ".")
    err, base = scores.loc[best, "smape"], scores.loc[BASELINE, "smape"]
    if zh:
        text += f"；在最近 {span}的回测中误差 {err:.1%}（sMAPE），{base_label}基准为 {base:.1%}。"
        if base < err:
            text += f"基准的误差更小：请谨慎使用该预测，或优先参考{base_label}基准。"
        return text
    baseline_words = "naive baseline" if fc.season is None else "seasonal-naive baseline"
    text += f"; on the last {span} it erred {err:.1%} (sMAPE) vs {base:.1%} for the {baseline_words}."
    if base < err:
        text += f" The baseline did better: use this forecast with care, or rely on the {baseline_words}."
    return text
