"""Model scores where the segments are: deciles as Segmentations, scores as customer-table fields, the retention
list through the export path.

:class:`ScoreDeciles` groups customers into ten equal tenths of a score (D1 = the highest churn risk, response
propensity or lifetime value), each named and advised in both languages, so the summaries, charts, the campaign
builder and :func:`crm_core.pipeline.build_lists` take them like any other grouping.  :func:`with_scores` adds the
scores and their deciles to a customer table (customer 360, campaign builder).  :func:`retention_list` (also
``crm_core.predict.churn.retention_list``) gives the customers to keep, most value at risk first, with the reasons
for their risk; :func:`risk_value_quadrants` puts every customer in a value x risk quadrant.  :class:`RetentionList`
and :func:`retention_table` send a retention list through :func:`crm_core.pipeline.build_lists`; so do
:class:`TargetList` (the response page's top K) and :class:`TopClvList` with :func:`top_clv_table` (the lifetime
value page's most valuable customers), their words in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crm_core.messages import Localized
from crm_core.schema import DataError

__all__ = ["DECILES", "QUADRANTS", "RETENTION_COLUMNS", "RETENTION_KEY", "RETENTION_LIST_COLUMNS", "RetentionList",
           "SCORE_KINDS", "ScoreDeciles", "TARGET_COLUMN", "TARGET_KEY", "TOP_CLV_COLUMN", "TOP_CLV_KEY",
           "TOP_CLV_LIST_COLUMNS", "TargetList", "TopClvList", "risk_value_quadrants", "retention_list",
           "deciles", "retention_list_columns", "retention_table", "top_clv_table", "with_scores"]

SCORE_KINDS = ("churn", "response", "clv")
DECILES = tuple(f"D{n}" for n in range(1, 11))
RETENTION_COLUMN = "retention_list"
RETENTION_KEY = "retention"
# The default columns of a retention list: who, how much is at risk and why, then the customer's figures, contacts.
RETENTION_LIST_COLUMNS = ("customer_id", "churn_risk", "value_at_risk", "customer_value", "churn_reasons",
                          "recency_days", "frequency", "monetary", "last_order_date", "channel", "name", "phone",
                          "email", "city")
TARGET_COLUMN, TARGET_KEY = "target_list", "target"  # the response page's list of the top K by propensity
TOP_CLV_COLUMN, TOP_CLV_KEY = "clv_list", "top"  # the lifetime-value page's list of the most valuable customers
# The top-CLV list's default columns: who, what they are worth, then their figures and contacts.
TOP_CLV_LIST_COLUMNS = ("customer_id", "clv", "clv_decile", "prob_alive", "expected_purchases", "expected_order_value",
                        "rfm_segment_name", "recency_days", "frequency", "monetary", "avg_order_value",
                        "last_order_date", "channel", "offer", "name", "phone", "email", "city")

# What the score is, in each language: (English, Chinese).
_SCORE_WORDS = {"churn": ("churn risk", "流失风险"), "response": ("response propensity", "响应概率"),
                "clv": ("lifetime value", "终身价值")}
# Advice per kind for the top, middle and bottom deciles (D1-D2, D3-D5, D6-D10): (action, channel), each (en, zh).
_ADVICE = {
    "churn": (
        (("Contact them personally now with a retention offer; they are the most likely to leave",
          "立即一对一联系并给予挽留优惠：他们最可能流失"), ("Phone or personal message", "电话或专属消息")),
        (("Remind them with a light-touch offer before they drift away", "在流失前用轻量优惠提醒他们回购"),
         ("SMS or WeChat", "短信或微信")),
        (("Low risk: no retention spend needed; keep the usual communication", "风险较低：无需挽留投入，保持日常沟通"),
         ("", "")),
    ),
    "response": (
        (("Include them in the next campaign: the most likely to respond", "纳入下一次活动：他们最可能响应"),
         ("The campaign's channel", "活动渠道")),
        (("Include them when the budget allows", "预算允许时纳入活动"), ("Low-cost channels", "低成本渠道")),
        (("Leave them out: contacting them is likely to cost more than it returns", "不纳入：联系成本可能高于回报"),
         ("", "")),
    ),
    "clv": (
        (("Look after them first: VIP service, early access, personal thanks",
          "优先维护：贵宾服务、抢先体验、专属感谢"), ("Personal contact", "一对一联系")),
        (("Grow them: cross-sell and loyalty rewards", "培养提升：交叉销售与会员奖励"),
         ("WeChat or e-mail", "微信或邮件")),
        (("Serve them through low-cost channels", "通过低成本渠道服务"), ("Mass channels", "群发渠道")),
    ),
}


RETENTION_COLUMNS = ("customer_id", "churn_risk", "customer_value", "value_at_risk", "churn_reasons")
QUADRANTS: dict[str, Localized] = {
    "high_value_high_risk": Localized(en="High value, high risk: keep them", zh="高价值、高风险：重点挽留"),
    "high_value_low_risk": Localized(en="High value, low risk: look after them", zh="高价值、低风险：用心维护"),
    "low_value_high_risk": Localized(en="Low value, high risk: low-cost win-back", zh="低价值、高风险：低成本挽回"),
    "low_value_low_risk": Localized(en="Low value, low risk: business as usual", zh="低价值、低风险：常规维护"),
}


def _band(n: int) -> int:
    return 0 if n <= 2 else 1 if n <= 5 else 2


@dataclass(frozen=True)
class ScoreDeciles:
    """Ten equal groups of a model score as a :class:`crm_core.segment.base.Segmentation`.

    ``kind`` is "churn", "response" or "clv"; the key column is ``f"{kind}_decile"`` (filled by
    :func:`with_scores`), keys "D1".."D10", D1 the highest tenth.  ``choice`` (optional, e.g. the
    :class:`crm_core.predict.churn.ChurnChoice` that made the scores) goes into the list id.
    """

    kind: str = "churn"
    choice: Any = None
    key_column: str = field(default="", init=False)

    def __post_init__(self) -> None:
        if self.kind not in SCORE_KINDS:
            raise DataError("flow_bad_option", option="kind", value=self.kind, choices=", ".join(SCORE_KINDS))
        object.__setattr__(self, "key_column", f"{self.kind}_decile")

    def fingerprint(self) -> dict:
        """What decides the groups besides the data, for the list id."""
        choice = None if self.choice is None or not hasattr(self.choice, "to_dict") else self.choice.to_dict()
        return {"scores": self.kind, "groups": "deciles", "choice": choice}

    def segments(self) -> tuple[str, ...]:
        return DECILES

    def text(self, key: str, field: str, lang: str = "en") -> str:
        if key not in DECILES:
            return ""
        n, zh = int(key[1:]), lang == "zh"
        en_word, zh_word = _SCORE_WORDS[self.kind]
        if field == "name":
            if n == 1:
                return f"D1 · {zh_word}最高的 10%" if zh else f"D1 · highest {en_word} (top 10%)"
            if n == 10:
                return f"D10 · {zh_word}最低的 10%" if zh else f"D10 · lowest {en_word} (bottom 10%)"
            return f"D{n} · {zh_word}第 {n} 个十分位" if zh else f"D{n} · {en_word}, tenth {n} of 10"
        if field == "description":
            low, high = (n - 1) * 10, n * 10
            return (f"按{zh_word}从高到低排序，排名前 {low}%–{high}% 的客户" if zh else
                    f"Customers ranked {low}–{high}% from the top by {en_word}")
        action, channel = _ADVICE[self.kind][_band(n)]
        if field == "action":
            return action[1] if zh else action[0]
        if field == "channel":
            return channel[1] if zh else channel[0]
        return ""


def deciles(values: pd.Series) -> pd.Series:
    """"D1".."D10" per value (D1 = the highest tenth; equal-sized groups, ties in the order given,
    :func:`crm_core.predict.targeting.decile_of`); missing values get no decile (None)."""
    from crm_core.predict.targeting import decile_of

    values = pd.Series(values, dtype=float)
    known = values.notna().to_numpy()
    out: list[str | None] = [None] * len(values)
    if known.any():
        for position, d in zip(known.nonzero()[0], decile_of(values.to_numpy()[known]), strict=True):
            out[position] = f"D{int(d)}"
    return pd.Series(out, index=values.index, dtype=object)


def _by_id(values: pd.Series) -> pd.Series:
    values = pd.Series(values)
    values.index = values.index.astype(str)
    return values


def with_scores(table: pd.DataFrame, *, churn=None, response=None, clv=None) -> pd.DataFrame:
    """``table`` (a customer table, customer_id as column or index) with the model scores as fields.

    Adds, for the results given: ``churn_risk`` and ``churn_decile`` (from ``churn.scores["p"]``),
    ``response_propensity`` and ``response_decile`` (``response.scores["p"]``), ``clv``, ``clv_decile`` and
    ``prob_alive`` (``clv.table``).  Deciles are ranked over everyone the model scored (so a filtered table keeps
    each customer's decile); customers the model did not score get blanks.  ``table`` is not changed.
    """
    ids = (table["customer_id"] if "customer_id" in table.columns else table.index.to_series()).astype(str)
    added: dict[str, np.ndarray] = {}
    for prefix, column, values in (("churn", "churn_risk", None if churn is None else churn.scores["p"]),
                                   ("response", "response_propensity",
                                    None if response is None else response.scores["p"]),
                                   ("clv", "clv", None if clv is None else clv.table["clv"])):
        if values is None:
            continue
        values = _by_id(values.astype(float))
        added[column] = ids.map(values).astype(float).to_numpy()
        decile = ids.map(deciles(values))
        added[f"{prefix}_decile"] = decile.astype(object).where(decile.notna(), None).to_numpy(dtype=object)
    if clv is not None and "prob_alive" in clv.table.columns:
        added["prob_alive"] = ids.map(_by_id(clv.table["prob_alive"].astype(float))).astype(float).to_numpy()
    return table.assign(**added)


@dataclass(frozen=True)
class RetentionList:
    """A retention list (:func:`crm_core.predict.churn.retention_list`) as a one-group Segmentation on
    ``retention_list`` (key :data:`RETENTION_KEY`), for :func:`crm_core.pipeline.build_lists`.

    ``threshold``, ``model`` (a :data:`crm_core.predict.models.MODEL_NAMES` name) and ``horizon_days`` are said
    in the list's description; ``choice`` (the ChurnChoice) goes into the list id.  ``sort_column`` is the order
    the list should keep (value at risk).
    """

    threshold: float = 0.7
    model: str = ""
    horizon_days: int | None = None
    choice: Any = None
    key_column: str = field(default=RETENTION_COLUMN, init=False)
    sort_column: str = field(default="value_at_risk", init=False)

    def fingerprint(self) -> dict:
        choice = None if self.choice is None or not hasattr(self.choice, "to_dict") else self.choice.to_dict()
        return {"scores": "churn", "groups": "retention", "threshold": self.threshold, "model": self.model,
                "horizon_days": self.horizon_days, "choice": choice}

    def segments(self) -> tuple[str, ...]:
        return (RETENTION_KEY,)

    def text(self, key: str, field: str, lang: str = "en") -> str:
        if key != RETENTION_KEY:
            return ""
        zh = lang == "zh"
        if field == "name":
            return "挽留名单" if zh else "Retention list"
        if field == "description":
            from crm_core.predict.models import MODEL_LABELS

            model = MODEL_LABELS[self.model].text(lang) if self.model in MODEL_LABELS else self.model
            if zh:
                horizon = f"，未来 {self.horizon_days} 天内不再购买" if self.horizon_days else ""
                return f"流失风险不低于 {self.threshold:.0%} 的客户（模型：{model}{horizon}），按风险价值从高到低排序"
            horizon = f", no purchase in the next {self.horizon_days} days" if self.horizon_days else ""
            return (f"Customers with a churn risk of {self.threshold:.0%} or more (model: {model}{horizon}), "
                    "most value at risk first")
        if field == "action":
            return ("从风险价值最高的客户开始联系，参考“流失风险原因”给予挽留优惠" if zh else
                    "Contact them from the most value at risk down, with a retention offer suited to “Why at risk”")
        if field == "channel":
            return "电话或专属消息" if zh else "Phone or personal message"
        return ""


def retention_list_columns(table: pd.DataFrame) -> tuple[str, ...]:
    """The default columns of a retention list (:data:`RETENTION_LIST_COLUMNS`) that ``table`` can fill."""
    return tuple(c for c in RETENTION_LIST_COLUMNS if c in table.columns)


def retention_table(customers: pd.DataFrame, retention: pd.DataFrame) -> pd.DataFrame:
    """The customer table's rows of the customers on ``retention`` (:func:`crm_core.predict.churn.retention_list`),
    in its order, with its columns and the key column ``retention_list`` = :data:`RETENTION_KEY`: what
    :func:`crm_core.pipeline.build_lists` takes with a :class:`RetentionList`."""
    frame = customers.reset_index() if "customer_id" not in customers.columns else customers
    frame = frame.assign(customer_id=frame["customer_id"].astype(str))
    listed = retention.assign(customer_id=retention["customer_id"].astype(str))
    frame = frame.drop(columns=[c for c in listed.columns if c != "customer_id" and c in frame.columns])
    joined = listed.merge(frame, on="customer_id", how="inner", sort=False)
    return joined.assign(**{RETENTION_COLUMN: RETENTION_KEY}).reset_index(drop=True)


# ------------------------------------------------------------------- the target list and the top-CLV list
# Their words (str.format templates), as the pages show them.
_TARGET_TEXTS = {
    "name": Localized(en="Target list", zh="目标名单"),
    "description": Localized(en="The {k:,} customers most likely to respond (model: {model})",
                             zh="响应概率最高的 {k:,} 位客户（模型：{model}）"),
    "action": Localized(en="Include them in the next campaign, most likely to respond first",
                        zh="纳入下一次活动，按响应概率从高到低联系"),
    "channel": Localized(en="The campaign's channel", zh="活动渠道"),
}
_TOP_CLV_TEXTS = {
    "name": Localized(en="Top {n:,} by lifetime value", zh="终身价值前 {n:,} 名"),
    "description": Localized(en="The {n:,} customers with the highest estimated lifetime value ({method})",
                             zh="估算终身价值最高的 {n:,} 位客户（{method}）"),
    "action": Localized(en="Keep them close: service first, loyalty benefits, early access rather than discounts",
                        zh="重点维护：优先服务、会员权益、新品抢先体验，而不是打折"),
}
CLV_METHOD_WORDS = {"model": Localized(en="Probabilistic model", zh="概率模型"),
                    "formula": Localized(en="Formula", zh="公式")}


def _model_words(model: str, lang: str) -> str:
    from crm_core.predict.models import MODEL_LABELS

    return MODEL_LABELS[model].text(lang) if model in MODEL_LABELS else model


@dataclass(frozen=True)
class TargetList:
    """The customers chosen for the next campaign (the top K by response propensity) as a one-group Segmentation
    on :data:`TARGET_COLUMN` (key :data:`TARGET_KEY`), for :func:`crm_core.pipeline.build_lists`; ``k``, ``model``
    and ``choice`` (the ResponseChoice) go into the list id.  ``sort_column``: the list keeps the score's order."""

    k: int = 0
    model: str = ""
    choice: Any = None
    key_column: str = field(default=TARGET_COLUMN, init=False)
    sort_column: str = field(default="response_propensity", init=False)

    def fingerprint(self) -> dict:
        """What decides the list besides the data, for its list id (``RESP-…``: the "response" key)."""
        choice = self.choice.to_dict() if hasattr(self.choice, "to_dict") else None
        return {"response": choice, "scores": "response", "groups": "top_k", "k": self.k, "model": self.model}

    def segments(self) -> tuple[str, ...]:
        return (TARGET_KEY,)

    def text(self, key: str, field: str, lang: str = "en") -> str:
        if key != TARGET_KEY or field not in _TARGET_TEXTS:
            return ""
        return _TARGET_TEXTS[field].text(lang).format(k=self.k, model=_model_words(self.model, lang))


@dataclass(frozen=True)
class TopClvList:
    """The top customers by lifetime value as a Segmentation: one group (:data:`TOP_CLV_KEY`) on
    :data:`TOP_CLV_COLUMN`.

    ``n``: customers on the list; ``choice``: the :class:`crm_core.predict.clv.ClvChoice` that valued them (in the
    list id; None: the default ClvChoice); ``method``: "model" or "formula" (named in the description).
    ``sort_column`` says how the list is ordered."""

    n: int
    choice: Any = None
    method: str = "model"
    key_column: str = field(default=TOP_CLV_COLUMN, init=False)
    sort_column: str = field(default="clv", init=False)

    def __post_init__(self) -> None:
        if self.choice is None:
            from crm_core.predict.clv import ClvChoice

            object.__setattr__(self, "choice", ClvChoice())

    def fingerprint(self) -> dict:
        """What decides the list besides the data, for its list id: the lifetime-value choice and the length."""
        return {"clv": self.choice.to_dict(), "list": "top", "n": self.n}

    def segments(self) -> tuple[str, ...]:
        return (TOP_CLV_KEY,)

    def text(self, key: str, field: str, lang: str = "en") -> str:
        if key != TOP_CLV_KEY or field not in _TOP_CLV_TEXTS:
            return ""
        method = CLV_METHOD_WORDS[self.method].text(lang) if self.method in CLV_METHOD_WORDS else self.method
        return _TOP_CLV_TEXTS[field].text(lang).format(n=self.n, method=method)


def top_clv_table(valued: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` first (most valuable) customers of ``valued`` (customers by lifetime value, highest first), keyed
    for :func:`crm_core.pipeline.build_lists` with a :class:`TopClvList`."""
    return valued.head(n).assign(**{TOP_CLV_COLUMN: TOP_CLV_KEY})


# ------------------------------------------------------------------------- the retention list and quadrants
def _value(prediction, value: pd.Series | None) -> pd.Series:
    index = prediction.scores.index
    if value is None:
        if "monetary" in prediction.scores.columns:
            return prediction.scores["monetary"].astype(float)
        return pd.Series(1.0, index=index)
    value = pd.Series(value)
    value.index = value.index.astype(str)
    return value.astype(float).reindex(index)


def retention_list(prediction, value: pd.Series | None = None, *, threshold: float, lang: str = "en",
                   reasons: bool = True) -> pd.DataFrame:
    """The customers to keep: churn risk at least ``threshold``, most value at risk first.

    Parameters
    ----------
    prediction : Prediction
        A churn prediction (:func:`crm_core.predict.churn.run_churn`).
    value : Series or None
        Each customer's value (index customer_id; e.g. CLV); None: the scores' ``monetary`` (spend before the
        analysis date), or 1 when the scores have none (then the list is sorted by risk).
    threshold : float
        Risk from which a customer is listed (0..1).
    lang : {"en", "zh"}
        Language of ``churn_reasons``.
    reasons : bool
        False leaves ``churn_reasons`` blank (cheaper, e.g. for counting).

    Returns
    -------
    DataFrame
        :data:`RETENTION_COLUMNS`: customer_id, churn_risk (p), customer_value, value_at_risk (risk x value, in
        the value's unit), churn_reasons (the top features pushing the risk up, in words,
        :func:`crm_core.predict.explain.reasons`); sorted by value_at_risk, highest first (ties: higher risk
        first; customers without a value last).
    """
    if not 0 <= threshold <= 1:
        raise DataError("flow_bad_option", option="threshold", value=threshold, choices="0..1")
    risk = prediction.scores["p"].astype(float)
    worth = _value(prediction, value)
    listed = risk >= threshold
    frame = pd.DataFrame({"customer_id": risk.index[listed].astype(str), "churn_risk": risk[listed].to_numpy(),
                          "customer_value": worth[listed].to_numpy()})
    frame = frame.assign(value_at_risk=frame["churn_risk"] * frame["customer_value"])
    frame = frame.sort_values(["value_at_risk", "churn_risk", "customer_id"], ascending=[False, False, True],
                              na_position="last", kind="stable").reset_index(drop=True)
    words = pd.Series("", index=frame.index, dtype=object)
    if reasons and len(frame) and prediction.features:
        from crm_core.predict import explain

        feats = prediction.feature_frame()
        said = explain.reasons(prediction.model, feats.loc[frame["customer_id"]], lang=lang, reference=feats)
        words = pd.Series(np.asarray(said, dtype=object), index=frame.index)
    return frame.assign(churn_reasons=words)[list(RETENTION_COLUMNS)]


def risk_value_quadrants(prediction, value: pd.Series, *, threshold: float,
                         value_split: float | None = None) -> pd.DataFrame:
    """Every scored customer in one of four groups: high/low value x high/low churn risk.

    High risk: risk at least ``threshold``; high value: value at least ``value_split`` (default the median value
    of the scored customers).  Customers without a value are left out.

    Returns
    -------
    DataFrame
        customer_id, churn_risk, customer_value, quadrant (a key of :data:`QUADRANTS`, e.g.
        "high_value_high_risk"; its words in both languages are in :data:`QUADRANTS`).
    """
    risk = prediction.scores["p"].astype(float)
    worth = _value(prediction, value)
    frame = pd.DataFrame({"customer_id": risk.index.astype(str), "churn_risk": risk.to_numpy(),
                          "customer_value": worth.to_numpy()}).dropna(subset=["customer_value"])
    split = float(frame["customer_value"].median()) if value_split is None else float(value_split)
    high_value = np.where(frame["customer_value"] >= split, "high_value", "low_value")
    high_risk = np.where(frame["churn_risk"] >= threshold, "high_risk", "low_risk")
    return frame.assign(quadrant=[f"{v}_{r}" for v, r in zip(high_value, high_risk, strict=True)]).reset_index(
        drop=True)
