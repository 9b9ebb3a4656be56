"""Reading a saved analysis (:meth:`crm_core.settings.AnalysisSettings.from_json`): each section of the JSON
checked and turned into the core's choices; a wrong value is a DataError that names its key and what it should
hold (:data:`_EXPECTED`)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from crm_core.basket.crosssell import CrossSellChoice
from crm_core.measure.abtest import AbChoice
from crm_core.measure.attribution import AttributionChoice
from crm_core.measure.forecast import ForecastChoice
from crm_core.measure.report import ReportChoice
from crm_core.measure.results import ResultsChoice
from crm_core.messages import Localized
from crm_core.predict.churn import ChurnChoice
from crm_core.predict.response import ResponseChoice
from crm_core.schema import ColumnMapping, DataError, IngestOptions, ReadOptions
from crm_core.segment import rfm, schemes
from crm_core.segment import tags as tag_rules
from crm_core.segment.campaign import Campaign
from crm_core.segment.clusters import ClusterFeatures
from crm_core.segment.combined import ClusterChoice
from crm_core.segment.lifecycle import LifecycleWindows
from crm_core.settings import MAX_MONTHS, AnalysisSettings, ListSettings, Scope, _clv_choice

# What each key should hold, for the message when it does not.
_EXPECTED = {
    "date": Localized(en="a date written YYYY-MM-DD, or null", zh="YYYY-MM-DD 格式的日期，或 null"),
    "months": Localized(en=f"a whole number of months from 1 to {MAX_MONTHS}, or null",
                        zh=f"1 到 {MAX_MONTHS} 之间的整数月数，或 null"),
    "text_list": Localized(en="a list of texts", zh="文字列表"),
    "mapping": Localized(en='fields and their columns, e.g. {"customer_id": "Customer ID"}, or null',
                         zh='字段与列名的对应，例如 {"customer_id": "客户编号"}，或 null'),
    "bool": Localized(en="true or false", zh="true 或 false"),
    "choice": Localized(en="one of: {choices}", zh="以下之一：{choices}"),
    "thresholds": Localized(en="recency, frequency and monetary, four numbers each, or null",
                            zh="recency、frequency、monetary 各四个数字，或 null"),
    "scheme": Localized(en="a 5 × 5 grid of segment keys and a list of [key, English name, Chinese name]",
                        zh="5 × 5 的分群键网格，以及 [键, 英文名, 中文名] 列表"),
    "number": Localized(en="a whole number, or null", zh="整数，或 null"),
    "decimal": Localized(en="a number, or null", zh="数字，或 null"),
    "text": Localized(en="a text, or null", zh="文字，或 null"),
    "tags": Localized(en="a list of tag rules", zh="标签规则列表"),
    "tag": Localized(en="a usable tag rule ({detail})", zh="可用的标签规则（{detail}）"),
    "usable": Localized(en="a usable value ({detail})", zh="可用的值（{detail}）"),
    "k": Localized(en="a whole number of clusters from 2 to 12, or null (the suggested k)",
                   zh="2 到 12 之间的整数聚类数，或 null（使用建议的 k）"),
    "names": Localized(en="a list of [key, English name, Chinese name]", zh="[键, 英文名, 中文名] 列表"),
}


def _bad(key: str, expected: str, **params: str) -> DataError:
    want = _EXPECTED[expected]
    if params:
        want = Localized(en=want.en.format(**params), zh=want.zh.format(**params))
    return DataError("bad_settings", key=key, expected=want)


def _section(data: dict, key: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise DataError("bad_settings", key=key, expected=Localized(en="an object {…}", zh="对象 {…}"))
    return value


def _date(value: Any, key: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _bad(key, "date") from None


def _texts(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise _bad(key, "text_list")
    return tuple(str(v) for v in value)


def _flag(value: Any, key: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(key, "bool")
    return value


def _choice(value: Any, key: str, choices: tuple, default: Any) -> Any:
    if value is None:
        return default
    if value not in choices:
        raise _bad(key, "choice", choices=", ".join(str(c) for c in choices))
    return value


def _optional_text(value: Any, key: str) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise _bad(key, "text")


def _mapping(value: Any, key: str) -> ColumnMapping | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _bad(key, "mapping")
    try:
        return ColumnMapping.from_json(json.dumps({"columns": value}))
    except DataError as exc:
        raise DataError("bad_settings_mapping", key=key, detail=exc.params["detail"]) from None


def parse(data: dict) -> AnalysisSettings:
    """The analysis of a saved file's parsed JSON (its kind already checked); DataError ``bad_settings`` names a
    key that holds the wrong value and says what it should hold."""
    read = _section(data, "read")
    header_row = read.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1):
        raise _bad("read.header_row", "number")
    read_options = ReadOptions(sheet=_optional_text(read.get("sheet"), "read.sheet"), header_row=header_row,
                               encoding=_optional_text(read.get("encoding"), "read.encoding"),
                               delimiter=_optional_text(read.get("delimiter"), "read.delimiter"))
    cleaning = _section(data, "cleaning")
    defaults = IngestOptions()
    day_first = cleaning.get("day_first")
    if day_first is not None and not isinstance(day_first, bool):
        raise _bad("cleaning.day_first", "choice", choices="true, false, null")
    options = IngestOptions(
        returns=_choice(cleaning.get("returns"), "cleaning.returns", ("net", "ignore"), defaults.returns),
        day_first=day_first,
        merge_duplicates=_flag(cleaning.get("merge_duplicates"), "cleaning.merge_duplicates", False),
        phone_region=_optional_text(cleaning.get("phone_region"), "cleaning.phone_region") or defaults.phone_region,
        non_product_codes=(_texts(cleaning["non_product_codes"], "cleaning.non_product_codes")
                           if "non_product_codes" in cleaning else defaults.non_product_codes),
        excluded_statuses=(_texts(cleaning["excluded_statuses"], "cleaning.excluded_statuses")
                           if "excluded_statuses" in cleaning else defaults.excluded_statuses),
    )
    window, filters = _section(data, "window"), _section(data, "filters")
    months = window.get("months")
    if months is not None and (not isinstance(months, int) or isinstance(months, bool)
                               or not 1 <= months <= MAX_MONTHS):
        raise _bad("window.months", "months")
    scope = Scope(start=_date(window.get("from"), "window.from"), months=months,
                  channels=_texts(filters.get("channels"), "filters.channels"),
                  categories=_texts(filters.get("categories"), "filters.categories"),
                  cities=_texts(filters.get("cities"), "filters.cities"))
    params, base = _rfm(_section(data, "rfm"))
    lists = _section(data, "lists")
    columns = lists.get("columns")
    list_settings = ListSettings(
        segments=_texts(lists.get("segments"), "lists.segments"),
        columns=None if columns is None else _texts(columns, "lists.columns"),
        include_contact=_flag(lists.get("include_contact"), "lists.include_contact", False),
        mask_personal=_flag(lists.get("mask_personal"), "lists.mask_personal", True),
        include_opted_out=_flag(lists.get("include_opted_out"), "lists.include_opted_out", False),
        format=_choice(lists.get("format"), "lists.format", ("xlsx", "csv"), "xlsx"),
    )
    return AnalysisSettings(
        read=read_options, mapping=_mapping(data.get("mapping"), "mapping"),
        customers_mapping=_mapping(data.get("customers_mapping"), "customers_mapping"), cleaning=options,
        as_of=_date(data.get("as_of"), "as_of"), scope=scope, rfm=params, scheme_base=base, lists=list_settings,
        currency=_optional_text(data.get("currency"), "currency"),
        lang=_choice(data.get("lang"), "lang", ("en", "zh"), "en"),
        tags=_tags(data.get("tags")),
        clusters=_clusters(data["clusters"]) if "clusters" in data else ClusterChoice(),
        lifecycle=_lifecycle(_section(data, "lifecycle")),
        campaign=_campaign(data.get("campaign")),
        crosssell=_crosssell(data.get("crosssell")),
        churn=_prediction_choice(data.get("churn"), "churn", ChurnChoice),
        response=_prediction_choice(data.get("response"), "response", ResponseChoice),
        clv=_prediction_choice(data.get("clv"), "clv", _clv_choice()),
        abtest=_prediction_choice(data.get("abtest"), "abtest", AbChoice),
        results=_prediction_choice(data.get("results"), "results", ResultsChoice),
        attribution=_prediction_choice(data.get("attribution"), "attribution", AttributionChoice),
        forecast=_prediction_choice(data.get("forecast"), "forecast", ForecastChoice),
        report=_prediction_choice(data.get("report"), "report", ReportChoice),
    )


def _usable(key: str, exc: DataError) -> DataError:
    """A value the core refused, named by its key with the core's own reason."""
    want = _EXPECTED["usable"]
    return DataError("bad_settings", key=key, expected=Localized(en=want.en.format(detail=exc.text("en").rstrip(".")),
                                                                 zh=want.zh.format(detail=exc.text("zh").rstrip("。"))))


def _clusters(value: Any) -> ClusterChoice | None:
    """The saved cluster choice; null means no clusters."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DataError("bad_settings", key="clusters", expected=Localized(en="an object {…}", zh="对象 {…}"))
    k = value.get("k")
    if k is not None and (not isinstance(k, int) or isinstance(k, bool) or not 2 <= k <= 12):
        raise _bad("clusters.k", "k")
    seed = value.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise _bad("clusters.seed", "number")
    names = value.get("names") or []
    if not isinstance(names, list) or not all(isinstance(n, list) and len(n) == 3 for n in names):
        raise _bad("clusters.names", "names")
    defaults = ClusterFeatures()
    numeric = _texts(value["features"], "clusters.features") if "features" in value else defaults.numeric
    clip = value.get("clip", defaults.clip)
    if clip is not None and (not isinstance(clip, int | float) or isinstance(clip, bool) or clip <= 0):
        raise _bad("clusters.clip", "number")
    try:
        categorical = _texts(value.get("categorical"), "clusters.categorical")
        features = ClusterFeatures(numeric=numeric, categorical=categorical, clip=clip)
    except ValueError:
        raise _bad("clusters.features", "text_list") from None
    return ClusterChoice(k=k, features=features, seed=seed, names=tuple(tuple(str(p) for p in n) for n in names))


def _lifecycle(section: dict) -> LifecycleWindows:
    defaults = LifecycleWindows()
    values = {name: section.get(name, getattr(defaults, name)) for name in ("new_days", "active_days", "churn_days")}
    try:
        return LifecycleWindows(**values)
    except DataError as exc:
        raise _usable("lifecycle", exc) from None


def _campaign(value: Any) -> Campaign | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DataError("bad_settings", key="campaign", expected=Localized(en="an object {…}", zh="对象 {…}"))
    try:
        return Campaign.from_dict(value)
    except (DataError, KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = exc if isinstance(exc, DataError) else DataError("campaign_empty_selection")
        raise _usable("campaign", detail) from None


def _crosssell(value: Any) -> CrossSellChoice:
    """The saved cross-sell choice (:class:`crm_core.basket.crosssell.CrossSellChoice`); missing: the defaults."""
    if value is None:
        return CrossSellChoice()
    if not isinstance(value, dict):
        raise DataError("bad_settings", key="crosssell", expected=Localized(en="an object {…}", zh="对象 {…}"))
    try:
        return CrossSellChoice.from_dict(value)
    except DataError as exc:
        raise _usable("crosssell", exc) from None


def _prediction_choice(value: Any, key: str, kind: type) -> Any:
    """A saved prediction or measurement choice (``churn``, ``response``, ``clv``, ``abtest``, ``forecast``...):
    missing means the defaults; a value of the wrong type, or one the choice refuses, is named ``key.option``."""
    if value is None:
        return kind()
    if not isinstance(value, dict):
        raise DataError("bad_settings", key=key, expected=Localized(en="an object {…}", zh="对象 {…}"))
    for name, default in kind().to_dict().items():
        given = value.get(name)
        if given is None or isinstance(default, bool):
            continue
        if isinstance(default, int | float) and (isinstance(given, bool) or not isinstance(given, int | float)):
            raise _bad(f"{key}.{name}", "decimal" if isinstance(default, float) else "number")
        if isinstance(default, int) and not isinstance(default, bool) and isinstance(given, float):
            raise _bad(f"{key}.{name}", "number")
    try:
        return kind.from_dict(value)
    except DataError as exc:
        option = exc.params.get("option") or exc.params.get("name")
        raise _usable(f"{key}.{option}" if option else key, exc) from None
    except (TypeError, ValueError):
        raise _bad(key, "usable", detail=json.dumps(value, ensure_ascii=False)) from None


def _tags(value: Any) -> tuple[tag_rules.TagRule, ...]:
    """The saved tag rules (:mod:`crm_core.segment.tags`); a bad one is named ``tags[i]`` with the reason."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _bad("tags", "tags")
    rules = []
    for i, entry in enumerate(value):
        try:
            rules.append(tag_rules.TagRule.from_dict(entry))
        except DataError as exc:
            want = _EXPECTED["tag"]
            raise DataError("bad_settings", key=f"tags[{i}]",
                            expected=Localized(en=want.en.format(detail=exc.text("en").rstrip(".")),
                                               zh=want.zh.format(detail=exc.text("zh").rstrip("。")))) from None
    return tuple(rules)


def _rfm(section: dict) -> tuple[rfm.RfmParams, str]:
    method = _choice(section.get("method"), "rfm.method", ("quantile", "threshold"), "quantile")
    basis = _choice(section.get("frequency_basis"), "rfm.frequency_basis", ("orders", "per_year"), "orders")
    raw = section.get("thresholds")
    thresholds = None
    if raw is not None:
        if not isinstance(raw, dict) or any(not isinstance(raw.get(k), list) for k in ("recency", "frequency",
                                                                                        "monetary")):
            raise _bad("rfm.thresholds", "thresholds")
        thresholds = rfm.Thresholds(recency=tuple(raw["recency"]), frequency=tuple(raw["frequency"]),
                                    monetary=tuple(raw["monetary"]))  # DataError bad_thresholds names the cut-offs
    if method == "threshold" and thresholds is None:
        method = "quantile"  # "my thresholds" never edited: the app prefills them from the quintiles
    scheme_data = section.get("scheme") or {}
    if not isinstance(scheme_data, dict):
        raise _bad("rfm.scheme", "scheme")
    base = _choice(scheme_data.get("base"), "rfm.scheme.base", tuple(schemes.SCHEMES), "11")
    scheme = schemes.SCHEMES[base]
    grid, names = scheme_data.get("grid"), scheme_data.get("names") or []
    if not isinstance(names, list) or not all(isinstance(n, list) for n in names):
        raise _bad("rfm.scheme.names", "scheme")
    if grid is not None:
        standard = [list(row) for row in scheme.grid]
        if grid != standard or names:
            scheme = schemes.SegmentScheme("custom", grid, tuple(tuple(n) for n in names))  # DataError names the cell
    return rfm.RfmParams(method=method, thresholds=thresholds, frequency_basis=basis, scheme=scheme), base

