"""An A/B/n test's result as people read it (private to :mod:`crm_core.measure.abtest`; used by the A/B test page's
download and by ``python -m crm_core abtest``): the results table with headers in either language, and one Excel
workbook (results, then the verdict with what produced it), written injection-safe by :mod:`crm_core.export`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from crm_core.measure.abtest import AbResult

# Column -> (English, Chinese) header of the results table.
RESULT_LABELS: dict[str, tuple[str, str]] = {
    "variant": ("Variant", "版本"),
    "visitors": ("Visitors", "人数"),
    "conversions": ("Conversions", "转化数"),
    "rate": ("Rate", "转化率"),
    "rate_low": ("Rate low", "转化率下限"),
    "rate_high": ("Rate high", "转化率上限"),
    "diff": ("Difference vs baseline", "与对照版本之差"),
    "diff_low": ("Difference low", "差值下限"),
    "diff_high": ("Difference high", "差值上限"),
    "lift": ("Relative lift", "相对提升"),
    "lift_low": ("Lift low", "提升下限"),
    "lift_high": ("Lift high", "提升上限"),
    "p_value": ("p-value", "p 值"),
    "significant": ("Significant", "是否显著"),
    "power": ("Power", "检验功效"),
    "prob_best": ("Probability best", "最优概率"),
    "revenue": ("Revenue", "金额"),
    "revenue_per_visitor": ("Revenue per visitor", "人均金额"),
}
PERCENT_COLUMNS = ("rate", "rate_low", "rate_high", "diff", "diff_low", "diff_high", "lift", "lift_low", "lift_high",
                   "power", "prob_best")
_TEXTS = {
    "results": ("Results", "结果"),
    "verdict": ("Verdict", "结论"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "about": ("About this test", "测试说明"),
    "test": ("Test", "检验方法"),
    "test_z": ("two-proportion z-test against the baseline (pooled variance)",
               "两比例 z 检验（与对照版本比较，合并方差）"),
    "test_chi2": ("chi-square of each variant against the baseline (Yates-corrected)",
                  "卡方检验（各版本与对照版本比较，Yates 校正）"),
    "confidence": ("Confidence", "置信水平"),
    "baseline": ("Baseline", "对照版本"),
    "overall": ("All variants alike? (chi-square)", "各版本是否相同（卡方检验）"),
    "intervals": ("Intervals", "置信区间"),
    "intervals_text": ("rates: Wilson; difference: Newcombe hybrid score; lift: Katz log",
                       "转化率：Wilson；差值：Newcombe 混合得分法；提升：Katz 对数法"),
    "best_how": ("Probability best", "最优概率"),
    "best_text": ("share of 20,000 seeded draws from Beta(1 + conversions, 1 + visitors - conversions) in which the "
                  "variant is highest",
                  "从 Beta(1 + 转化数, 1 + 人数 - 转化数) 抽取 20,000 次（固定种子），该版本最高的比例"),
    "source": ("Source", "数据来源"),
    "generated": ("Generated", "生成时间"),
}


def text(key: str, lang: str) -> str:
    return _TEXTS[key][1 if lang == "zh" else 0]


def label(column: str, lang: str) -> str:
    """The header of a results column in ``lang``."""
    return RESULT_LABELS[column][1 if lang == "zh" else 0]


def results_frame(result: AbResult, lang: str = "en") -> pd.DataFrame:
    """The results table with headers in ``lang`` (fractions kept: the workbook shows them as %), "significant" as
    yes/no, the baseline's empty comparison cells blank."""
    table = result.table.copy()
    yes, no = text("yes", lang), text("no", lang)
    table = table.assign(significant=[("" if i == 0 else (yes if s else no)) for i, s in
                                      enumerate(table["significant"])])
    return table.rename(columns=lambda c: label(c, lang))


def about_rows(result: AbResult, lang: str, *, source: str = "", generated: str = "") -> list[tuple[str, str]]:
    from crm_core.measure._abtest_words import level_text, p_text

    rows = [(text("about", lang), ""), (text("test", lang), text(f"test_{result.test}", lang)),
            (text("confidence", lang), level_text(result.confidence)), (text("baseline", lang), result.baseline),
            (text("overall", lang), p_text(result.overall_p_value)),
            (text("intervals", lang), text("intervals_text", lang)), (text("best_how", lang), text("best_text", lang))]
    if source:
        rows.append((text("source", lang), source))
    if generated:
        rows.append((text("generated", lang), generated))
    return rows


def workbook(result: AbResult, lang: str = "en", *, source: str = "", generated: str = "") -> bytes:
    """The results sheet and the verdict sheet (one sentence a row, then what produced them) as .xlsx bytes."""
    from crm_core import export

    results_name, verdict_name = text("results", lang), text("verdict", lang)
    sentences: Sequence[str] = result.sentences(lang)
    verdict = pd.DataFrame({text("verdict", lang): list(sentences)})
    formats = export.ColumnFormat(percent=tuple(label(c, lang) for c in PERCENT_COLUMNS),
                                  integer=(label("visitors", lang), label("conversions", lang)),
                                  money=(label("revenue", lang), label("revenue_per_visitor", lang)))
    return export.to_excel_bytes({results_name: results_frame(result, lang), verdict_name: verdict}, formats=formats,
                                 footers={verdict_name: about_rows(result, lang, source=source, generated=generated)})
