"""Shared by the report file tests: the sample with hostile user text (a product named like HTML, one like an
Excel formula with a URL, a customer named like a script), and a small report of it."""

from __future__ import annotations

from pathlib import Path

from crm_core import pipeline
from crm_core.measure import report as rp
from crm_core.segment.combined import ClusterChoice
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
HTML_PRODUCT = "<b>x</b>"
FORMULA_PRODUCT = '=HYPERLINK("https://evil.example/x")'
SCRIPT_NAME = "<script>alert(1)</script>"
TOP_CUSTOMER = "C00114"  # the highest lifetime value of the sample
SECTIONS = ("data_quality", "segments", "clusters", "rules", "clv", "campaign_results", "forecast")


def hostile_loaded() -> pipeline.Loaded:
    orders = (SAMPLE / "orders_zh.csv").read_text(encoding="utf-8-sig")
    orders = orders.replace("瑜伽伸展带", HTML_PRODUCT).replace("精品咖啡豆 454g", FORMULA_PRODUCT)
    customers = (SAMPLE / "customers_zh.csv").read_text(encoding="utf-8-sig")
    customers = customers.replace(f"{TOP_CUSTOMER},刘敏,", f"{TOP_CUSTOMER},{SCRIPT_NAME},")
    loaded = pipeline.load(orders.encode("utf-8"), "orders_zh.csv")
    return pipeline.join_customer_file(loaded, customers.encode("utf-8"), "customers_zh.csv")


def hostile_report(lang: str, *, include_personal: bool = True) -> rp.Report:
    inputs = rp.ReportInputs(loaded=hostile_loaded(), settings=AnalysisSettings(clusters=ClusterChoice(k=4)),
                             currency="¥", sources=(("orders_zh.csv", "0123456789abcdef" * 4), (FORMULA_PRODUCT, "")))
    return rp.build_report(inputs, choice=rp.ReportChoice(sections=SECTIONS, top_n=20,
                                                          include_personal=include_personal), lang=lang)
