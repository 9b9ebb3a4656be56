"""What produced a list: written under the Summary sheet's table, and the list id a campaign is matched by.

The list id is a fingerprint of the data and every choice that decides who is on the lists (the files'
SHA-256, the analysis date and window, the filters, the scoring, the segment map, the chosen groups and
columns), so the app and the CLI give one list the same id, and any change of data or choice a new one.
It starts with the analysis date, so people can read it: ``RFM-20251231-6F0C2A9B`` (``CMP-…`` for a campaign's
target and control lists, ``XS-…`` for the cross-sell lists).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from crm_core.export.request import ListRequest
from crm_core.segment import rfm
from crm_core.settings import Scope

__all__ = ["Provenance", "list_id"]

# Labels of the block, in the list's language.
_LABELS = {
    "title": ("About this list", "本清单的来源"),
    "list_id": ("List ID", "清单编号"),
    "generated": ("Generated", "生成时间"),
    "sources": ("Order files", "订单文件"),
    "customers_file": ("Customer file", "客户文件"),
    "rows_used": ("Order lines used", "使用的订单行"),
    "customers": ("Customers scored", "参与评分的客户"),
    "as_of": ("Analysis date", "分析日期"),
    "window": ("Orders counted", "计入的订单"),
    "filters": ("Filters", "筛选条件"),
    "method": ("Scoring", "评分方法"),
    "basis": ("Frequency", "频次口径"),
    "scheme": ("Segment map", "分群规则"),
}
_WORDS = {
    "all_history": ("all orders before the analysis date", "分析日期之前的全部订单"),
    "window": ("{start} to {end}", "{start} 至 {end}"),
    "no_filters": ("none", "无"),
    "channels": ("channel", "渠道"),
    "categories": ("category", "品类"),
    "cities": ("city", "城市"),
    "quantile": ("quintiles: scores 1–5 relative to these customers", "五分位：按这些客户的相对位置打 1–5 分"),
    "threshold": ("your thresholds: R ≤ {r} days; F ≥ {f}; M ≥ {m}", "自定义阈值：R ≤ {r} 天；F ≥ {f}；M ≥ {m}"),
    "orders": ("orders in the window", "期间内订单数"),
    "per_year": ("orders per year", "年均订单数"),
    "scheme_11": ("11 segments", "11 类分群"),
    "scheme_4": ("4 tiers", "4 级分层"),
    "edited": ("{scheme}, edited", "{scheme}（已修改）"),
    "none": ("none", "无"),
}


def _word(key: str, lang: str, **params: object) -> str:
    en, zh = _WORDS[key]
    return (zh if lang == "zh" else en).format(**params)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _cuts(values: Sequence[float]) -> str:
    return "/".join(_number(v) for v in values)


@dataclass(frozen=True)
class Provenance:
    """Where a list came from and how it was made (see the module docstring).

    ``first_day`` is the window's first day (None: all history); orders are counted up to the day before
    ``as_of``.  ``generated_at`` is the local time the file was written.
    """

    list_id: str
    sources: tuple[str, ...]
    rows_used: int
    customers: int
    as_of: date
    first_day: date | None
    scope: Scope
    params: rfm.RfmParams
    scheme_base: str
    generated_at: datetime
    customers_file: str | None = None

    def rows(self, lang: str) -> list[tuple[str, str]]:
        """(label, text) pairs in ``lang``, first the block's title."""
        zh = lang == "zh"
        sep = "、" if zh else ", "
        last_day = date.fromordinal(self.as_of.toordinal() - 1)
        window = (_word("all_history", lang) if self.first_day is None
                  else _word("window", lang, start=self.first_day.isoformat(), end=last_day.isoformat()))
        filters = [f"{_word(name, lang)}{'：' if zh else ': '}{sep.join(getattr(self.scope, name))}"
                   for name in ("channels", "categories", "cities") if getattr(self.scope, name)]
        params = self.params
        if params.method == "threshold" and params.thresholds is not None:
            cuts = params.thresholds
            method = _word("threshold", lang, r=_cuts(cuts.recency), f=_cuts(cuts.frequency), m=_cuts(cuts.monetary))
        else:
            method = _word("quantile", lang)
        scheme = _word(f"scheme_{self.scheme_base}", lang)
        standard = rfm.SCHEMES.get(self.scheme_base)
        # Edited means another grid or other names ("custom" with the standard map back is not edited).
        if standard is None or (params.scheme.grid, params.scheme.labels) != (standard.grid, standard.labels):
            scheme = _word("edited", lang, scheme=scheme)
        values = {
            "title": "",
            "list_id": self.list_id,
            "generated": f"{self.generated_at:%Y-%m-%d %H:%M}",
            "sources": sep.join(self.sources),
            "customers_file": self.customers_file or _word("none", lang),
            "rows_used": f"{self.rows_used:,}",
            "customers": f"{self.customers:,}",
            "as_of": self.as_of.isoformat(),
            "window": window,
            "filters": ("；" if zh else "; ").join(filters) or _word("no_filters", lang),
            "method": method,
            "basis": _word(params.frequency_basis, lang),
            "scheme": scheme,
        }
        return [(_LABELS[key][1 if zh else 0], text) for key, text in values.items()]


def list_id(digests: Sequence[str], *, as_of: date, first_day: date | None, scope: Scope, params: rfm.RfmParams,
            request: ListRequest, customers_digest: str | None = None) -> str:
    """The id of the lists built from files ``digests`` (SHA-256 hex) with these choices (module docstring).

    Everything that changes who is on which list, or what a row says, goes in; the time and the output
    format do not, so the same data and choices always give the same id.
    """
    thresholds = params.thresholds if params.method == "threshold" else None
    options = request.options
    fingerprint = {
        "data": sorted(digests), "customers": customers_digest, "as_of": as_of.isoformat(),
        "from": None if first_day is None else first_day.isoformat(),
        "filters": [list(scope.channels), list(scope.categories), list(scope.cities)],
        "method": params.method,
        "thresholds": None if thresholds is None else [list(thresholds.recency), list(thresholds.frequency),
                                                       list(thresholds.monetary)],
        "basis": params.frequency_basis,
        "grid": [list(row) for row in params.scheme.grid], "names": [list(n) for n in params.scheme.labels],
        "segments": list(request.chosen()), "columns": None if request.columns is None else list(request.columns),
        "contact": options.include_contact, "mask": options.mask_personal, "opted_out": options.include_opted_out,
        "lang": options.lang, "currency": request.currency,
        # A segmentation that is itself a choice (a campaign's selection, control share and seed) says so.
        "segmentation": request.segmentation.fingerprint() if hasattr(request.segmentation, "fingerprint") else None,
    }
    digest = hashlib.sha256(json.dumps(fingerprint, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    # A campaign's lists (target and control) say so: CMP-…; cross-sell lists XS-…; lifetime value CLV-…, retention
    # CHURN-…, response RESP-…; segment lists keep RFM-….
    own = fingerprint["segmentation"]
    kind = "RFM"
    if isinstance(own, dict):
        scores = {"churn": "CHURN", "response": "RESP", "clv": "CLV"}.get(own.get("scores"))
        kind = ("CMP" if "campaign" in own else "XS" if "crosssell" in own else "CLV" if "clv" in own
                else scores or "RFM")
    return f"{kind}-{as_of:%Y%m%d}-{digest[:8].upper()}"
