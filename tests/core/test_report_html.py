"""The HTML report: one self-contained page (no script, no external URL), valid nesting, one SVG per chart, the
chosen language, every user value escaped; and the SVG drawing helpers."""

from __future__ import annotations

import math
from html.parser import HTMLParser

import pytest
from report_fixtures import FORMULA_PRODUCT, HTML_PRODUCT, SCRIPT_NAME, hostile_report

from crm_core.measure import report_svg
from crm_core.measure.report import Chart
from crm_core.measure.report_html import cell_text, report_html

VOID = {"meta", "br", "img", "hr", "input", "link", "col", "wbr", "area", "base", "source", "track", "embed"}
SVG_EMPTY = {"rect", "line", "polyline", "polygon", "path", "circle"}  # written with their closing tag or "/>"


class Checker(HTMLParser):
    """Tags opened and closed in order; attributes collected; text collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._in_h: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag in ("h1", "h2"):
            self._in_h = ""
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag in ("h1", "h2") and self._in_h is not None:
            self.headings.append(self._in_h)
            self._in_h = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h is not None:
            self._in_h += data


@pytest.fixture(scope="module")
def pages():
    reports = {lang: hostile_report(lang) for lang in ("en", "zh")}
    return {lang: (report, report_html(report)) for lang, report in reports.items()}


def _checked(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    return checker


def test_self_contained_no_script_no_url(pages):
    for _, html in pages.values():
        lowered = html.lower()
        assert "<script" not in lowered and "javascript:" not in lowered
        assert "@import" not in lowered and "url(" not in lowered
        checker = _checked(html)
        for tag, name, value in checker.attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
                assert value is not None and value.startswith("#"), (tag, name, value)
        assert {"script", "iframe", "img", "link", "object", "embed"}.isdisjoint(checker.tags)
        assert "http://" not in lowered  # nothing anywhere, not even in a namespace
        # the one https:// is the user's product name, escaped text (in tables, and cut short in chart labels)
        assert lowered.count("https://") == lowered.count("=hyperlink(&quot;https://") > 0


def test_valid_nesting_and_one_svg_per_chart(pages):
    for report, html in pages.values():
        checker = _checked(html)
        assert checker.errors == [] and checker.stack == []
        charts = sum(len(s.charts) for s in report.sections)
        assert charts >= 6 and checker.tags.count("svg") == charts
        assert checker.tags.count("section") == len(report.sections) + 1  # + the appendix
        # the table of contents links every section
        links = [v for t, k, v in checker.attrs if t == "a" and k == "href"]
        assert links == [f"#section-{s.key}" for s in report.sections] + ["#appendix"]


def test_headings_in_the_chosen_language(pages):
    en, zh = _checked(pages["en"][1]), _checked(pages["zh"][1])
    assert en.headings[0] == "Customer analysis report" and zh.headings[0] == "客户分析报告"
    assert "1. Data quality" in en.headings and "1. 数据质量" in zh.headings
    assert "2. RFM 客户分群" in zh.headings and "7. 销售预测" in zh.headings
    assert '<html lang="zh-CN">' in pages["zh"][1]
    svg_text = " ".join(zh.text)
    assert "各分群的客户占比与销售额占比" in svg_text and "销售额：历史与预测" in svg_text
    assert "Noto Sans CJK SC" in pages["zh"][1] and "Microsoft YaHei" in pages["zh"][1]


def test_user_text_is_escaped(pages):
    report, html = pages["zh"]
    rules = report.section("rules").tables[0].frame
    assert rules.iloc[:, :2].apply(lambda c: c.str.contains(HTML_PRODUCT, regex=False)).any().any()
    assert HTML_PRODUCT not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert SCRIPT_NAME not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the unmasked top customer
    assert FORMULA_PRODUCT.replace('"', "&quot;") in html
    assert HTML_PRODUCT in "".join(_checked(html).text)  # shown as text, as typed


def test_appendix_lists_settings_and_sources(pages):
    report, html = pages["en"]
    text = " ".join(_checked(html).text)
    assert "Analysis settings" in text and "Source files" in text
    assert "0123456789abcdef" in text and "orders_zh.csv" in text
    for label, value in report.settings_rows:
        assert label in text and value in text


def test_cells_are_formatted_for_people():
    assert cell_text(1234567.891, "money", "en", "¥") == "¥1,234,567.89"
    assert cell_text(0.2534, "pct", "zh") == "25.3%"
    assert cell_text(12345.0, "int", "en") == "12,345"
    assert cell_text(float("nan"), "money", "en", "¥") == ""
    assert cell_text(math.inf, "num", "en") == "∞"
    assert cell_text("<b>", None, "en") == "<b>"  # escaping is the page's job, after formatting


def test_svg_helpers():
    assert report_svg.nice_ticks(0, 0.57) == [0, 0.2, 0.4, 0.6]
    assert report_svg.nice_ticks(0, 0.45) == [0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert report_svg.nice_ticks(0, 58) == [0, 20, 40, 60]
    assert report_svg.tick_text(0.25, "pct", "en") == "25%"
    assert report_svg.tick_text(45000, "money", "zh") == "4.5万" and report_svg.tick_text(45000, "money", "en") == "45k"
    chart = Chart("grouped", "<T>", "x", "y", ("a&b", "c"), (("s1", (1.0, 2.0)), ("s2", (0.5, float("nan")))))
    svg = report_svg.chart_svg(chart)
    assert "&lt;T&gt;" in svg and "a&amp;b" in svg and "<T>" not in svg
    assert svg.count('class="bar"') == 3  # the missing value draws no bar
    whiskers = Chart("bar", "r", "x", "y", ("a", "b"), (("rate", (0.2, 0.3)),), "pct",
                     intervals=((0.1, 0.25), (0.3, 0.35)))
    svg = report_svg.chart_svg(whiskers)
    assert svg.count('class="interval"') == 2 and "40%" in svg  # the axis reaches the highest bound (35%)
    line = Chart("line", "f", "period", "value", tuple("abcde"), (("h", (1.0, 2.0, 3.0, float("nan"), float("nan"))),
                 ("m", (float("nan"), float("nan"), 3.0, 4.0, 5.0))), band=("95%", (3.5, 4.0), (4.5, 6.0)))
    svg = report_svg.chart_svg(line)
    assert svg.count("<polyline") == 2 and svg.count("<polygon") == 1
