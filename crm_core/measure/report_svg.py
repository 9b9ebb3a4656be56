"""Charts of the client report drawn as inline SVG (no script, no external resource): horizontal bars, grouped
bars, and a line chart with an interval band.  Every text is escaped; titles and axis labels come in the
report's language from the :class:`crm_core.measure.report.Chart`; CJK text renders through the font stack."""

from __future__ import annotations

import math
from html import escape

from crm_core.measure.report import Chart

__all__ = ["FONT_STACK", "PALETTE", "chart_svg", "nice_ticks", "tick_text"]

FONT_STACK = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans CJK SC', "
              "'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', "
              "'WenQuanYi Micro Hei', sans-serif")
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0891b2")
_WIDTH = 720
_ROW = 26  # height of one category (bars)
_MAX_LABEL_PX = 250  # pixels of a category label


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _chars(text: str) -> float:
    """Width of ``text`` in average Latin characters (CJK and full-width count double)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _px(ch: str) -> float:
    """Width of one character at 12 px, generously (so a label never runs past its column)."""
    if ord(ch) > 0x2E80:
        return 12.5
    return 8.7 if ch.isupper() or ch in "MW@%&" else 7.0


def _short(text: str, width: float = _MAX_LABEL_PX) -> str:
    """``text`` cut with "…" to fit ``width`` pixels at 12 px."""
    used = 0.0
    for i, ch in enumerate(text):
        used += _px(ch)
        if used > width:
            return text[:max(i - 1, 1)] + "…"
    return text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (0 always included when in range)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1 if math.isfinite(low) else 1.0
        low = low if math.isfinite(low) else 0.0
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, i = [], 0
    while start + i * step <= high + step * 1e-9:
        ticks.append(round(start + i * step, 10))
        i += 1
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def tick_text(value: float, kind: str, lang: str) -> str:
    """An axis tick: 25% for shares, 1.2k / 1.2万 for large numbers."""
    if kind == "pct":
        return f"{value * 100:.0f}%" if abs(value) >= 0.1 or value == 0 else f"{value * 100:.1f}%"
    size = abs(value)
    if lang == "zh":
        for unit, name in ((1e8, "亿"), (1e4, "万")):
            if size >= unit:
                return f"{value / unit:.3g}{name}"
    else:
        for unit, name in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if size >= unit:
                return f"{value / unit:.3g}{name}"
    return f"{value:,.0f}" if kind == "int" or size >= 100 else f"{value:.3g}"


def _open(width: float, height: float, chart: Chart) -> str:
    title = _e(chart.title)
    return (f'<svg class="chart" role="img" aria-label="{title}" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="{_e(FONT_STACK)}" font-size="12"><title>{title}</title>'
            f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14" font-weight="600" '
            f'class="chart-title">{title}</text>')


def _legend(names: list[str], x: float, y: float, colours: list[str] | None = None) -> str:
    parts = []
    for i, name in enumerate(names):
        colour = colours[i] if colours else PALETTE[i % len(PALETTE)]
        faded = ' fill-opacity="0.3"' if colours and i == len(names) - 1 and len(set(colours)) < len(colours) else ""
        parts.append(f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="10" height="10" fill="{colour}"{faded}/>'
                     f'<text x="{x + 14:.0f}" y="{y:.0f}">{_e(name)}</text>')
        x += 24 + 7 * _chars(name)
    return "".join(parts)


def _finite(values) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _whisker(x, low: float, high: float, y: float) -> str:
    """The interval of one bar: a line from low to high with end ticks."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return ""
    x0, x1 = x(float(low)), x(float(high))
    return (f'<g class="interval" stroke="#111827" stroke-width="1.2"><line x1="{x0:.1f}" y1="{y:.1f}" '
            f'x2="{x1:.1f}" y2="{y:.1f}"/><line x1="{x0:.1f}" y1="{y - 4:.1f}" x2="{x0:.1f}" y2="{y + 4:.1f}"/>'
            f'<line x1="{x1:.1f}" y1="{y - 4:.1f}" x2="{x1:.1f}" y2="{y + 4:.1f}"/></g>')


def _bars(chart: Chart, lang: str) -> str:
    """Horizontal bars, one row per category, one bar per series in the row (grouped when several)."""
    series = chart.series
    labels = [_short(c) for c in chart.categories]
    label_width = 14 + max((sum(_px(ch) for ch in s) for s in labels), default=30)
    legend = len(series) > 1
    top = 34 + (20 if legend else 0)
    row = _ROW * max(1, len(series)) * (0.8 if len(series) > 1 else 1)
    plot_h = max(row * len(labels), _ROW)
    height = top + plot_h + 44
    left, right = label_width, _WIDTH - 70
    values = _finite(v for _, vals in series for v in vals)
    if chart.intervals is not None:
        values += _finite(chart.intervals[0]) + _finite(chart.intervals[1])
    low, high = min([0.0, *values]), max([0.0, *values])
    ticks = nice_ticks(low, high)
    lo, hi = ticks[0], ticks[-1]
    scale = (right - left) / (hi - lo if hi > lo else 1)
    x = lambda v: left + (v - lo) * scale  # noqa: E731
    out = [_open(_WIDTH, height, chart)]
    if legend:
        out.append(_legend([name for name, _ in series], left, 44))
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="{top}" x2="{x(t):.1f}" y2="{top + plot_h:.0f}" stroke="#e5e7eb"/>'
                   f'<text x="{x(t):.1f}" y="{top + plot_h + 14:.0f}" text-anchor="middle" fill="#555">'
                   f'{_e(tick_text(t, chart.value_format, lang))}</text>')
    bar_h = (row - 6) / max(1, len(series))
    for i, label in enumerate(labels):
        y0 = top + i * row
        out.append(f'<text x="{left - 6:.0f}" y="{y0 + row / 2 + 4:.1f}" text-anchor="end">{_e(label)}</text>')
        for j, (name, vals) in enumerate(series):
            v = vals[i] if i < len(vals) else float("nan")
            if v is None or not math.isfinite(float(v)):
                continue
            v = float(v)
            x0, x1 = sorted((x(0.0), x(v)))
            y = y0 + 3 + j * bar_h
            colour = PALETTE[j % len(PALETTE)]
            out.append(f'<rect class="bar" x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1):.1f}" '
                       f'height="{max(bar_h - 1, 2):.1f}" fill="{colour}"><title>{_e(name)} · {_e(label)}: '
                       f'{_e(tick_text(v, chart.value_format, lang))}</title></rect>')
            if j == 0 and chart.intervals is not None and i < len(chart.intervals[0]):
                out.append(_whisker(x, chart.intervals[0][i], chart.intervals[1][i], y + max(bar_h - 1, 2) / 2))
    out.append(f'<line x1="{x(0.0):.1f}" y1="{top}" x2="{x(0.0):.1f}" y2="{top + plot_h:.0f}" stroke="#999"/>')
    out.append(f'<text x="{(left + right) / 2:.0f}" y="{height - 8:.0f}" text-anchor="middle" class="axis-title">'
               f'{_e(chart.y_title)}</text>')
    out.append("</svg>")
    return "".join(out)


def _band_colour(chart: Chart) -> str:
    """The band takes the colour of the last line (the forecast it surrounds), lighter."""
    return PALETTE[(len(chart.series) - 1) % len(PALETTE)]


def _line(chart: Chart, lang: str) -> str:
    """Lines over the x labels, with the band (low, high) over the last ``len(low)`` points."""
    n = len(chart.categories)
    height, top, bottom, left, right = 340, 54, 290, 70, _WIDTH - 20
    band = chart.band
    values = _finite(v for _, vals in chart.series for v in vals)
    if band is not None:
        values += _finite(band[1]) + _finite(band[2])
    low, high = min(values, default=0.0), max(values, default=1.0)
    low = min(low, 0.0) if low >= 0 and low < (high - low) else low
    ticks = nice_ticks(low, high)
    lo, hi = ticks[0], ticks[-1]
    x = lambda i: left + (right - left) * (i / max(n - 1, 1))  # noqa: E731
    y = lambda v: bottom - (v - lo) * (bottom - top) / (hi - lo if hi > lo else 1)  # noqa: E731
    out = [_open(_WIDTH, height, chart)]
    names = [name for name, _ in chart.series] + ([band[0]] if band is not None else [])
    colours = [PALETTE[j % len(PALETTE)] for j in range(len(chart.series))]
    colours += [_band_colour(chart)] if band is not None else []
    out.append(_legend(names, left, 42, colours))
    for t in ticks:
        out.append(f'<line x1="{left}" y1="{y(t):.1f}" x2="{right}" y2="{y(t):.1f}" stroke="#e5e7eb"/>'
                   f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="#555">'
                   f'{_e(tick_text(t, chart.value_format, lang))}</text>')
    if band is not None and len(band[1]):
        first = n - len(band[1])
        upper = [(x(first + i), y(v)) for i, v in enumerate(band[2]) if math.isfinite(v)]
        lower = [(x(first + i), y(v)) for i, v in enumerate(band[1]) if math.isfinite(v)]
        if upper and lower:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in upper + lower[::-1])
            colour = _band_colour(chart)
            out.append(f'<polygon class="band" points="{points}" fill="{colour}" fill-opacity="0.18" stroke="none">'
                       f'<title>{_e(band[0])}</title></polygon>')
    for j, (name, vals) in enumerate(chart.series):
        points = [(x(i), y(float(v))) for i, v in enumerate(vals) if v is not None and math.isfinite(float(v))]
        if not points:
            continue
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        dash = ' stroke-dasharray="5 3"' if j > 0 else ""
        out.append(f'<polyline class="line" points="{path}" fill="none" stroke="{PALETTE[j % len(PALETTE)]}" '
                   f'stroke-width="2"{dash}><title>{_e(name)}</title></polyline>')
    step = max(1, math.ceil(n / 8))
    for i in range(0, n, step):
        out.append(f'<text x="{x(i):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#555">'
                   f'{_e(chart.categories[i])}</text>')
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#999"/>')
    out.append(f'<text x="{(left + right) / 2:.0f}" y="{height - 10}" text-anchor="middle" class="axis-title">'
               f'{_e(chart.x_title)}</text>')
    out.append(f'<text x="14" y="{(top + bottom) / 2:.0f}" text-anchor="middle" class="axis-title" '
               f'transform="rotate(-90 14 {(top + bottom) / 2:.0f})">{_e(chart.y_title)}</text>')
    out.append("</svg>")
    return "".join(out)


def chart_svg(chart: Chart, lang: str = "en") -> str:
    """The chart as one ``<svg>`` element (text escaped, no script, no external reference)."""
    if chart.kind == "line":
        return _line(chart, lang)
    return _bars(chart, lang)
