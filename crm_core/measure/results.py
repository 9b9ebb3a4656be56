"""Campaign results: success rates by segment, channel, agent and variant with intervals, fair agent
comparisons, the lift of the treated group over the held-out control group, and model lists checked against what
happened.

Every function takes :attr:`crm_core.measure.outcomes.Outcomes.table` (one row per contact).  Rates and lifts are
fractions (0.07 = 7 points).  Intervals are two-sided at ``confidence``: Wilson for one rate, Wald (unpooled) for
a difference of two rates, whose p-value is the pooled two-proportion z-test (statsmodels
``proportions_ztest``).  statsmodels is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from crm_core.measure._choice import choice_from_dict, choice_to_dict
from crm_core.measure.outcomes import OUTCOMES
from crm_core.schema import DataError

BY = ("variant", "channel", "agent", "segment", "campaign", "list_id")
UNKNOWN_SEGMENT = "unknown"


@dataclass(frozen=True)
class ResultsChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    confidence: float = 0.95
    window_days: int = 30  # a purchase within this many days of the send date counts as a success (from orders)
    min_contacts: int = 20  # agents with fewer contacts are left out of the comparison
    model_kind: str = "churn"  # the model list checked: "churn" or "response"

    def __post_init__(self) -> None:
        if isinstance(self.confidence, bool) or not 0.5 <= float(self.confidence) < 1:
            raise DataError("cr_bad_option", option="confidence", value=self.confidence, allowed="0.5 – 0.999")
        if isinstance(self.window_days, bool) or not 1 <= int(self.window_days) <= 3650:
            raise DataError("cr_bad_window", days=self.window_days)
        if isinstance(self.min_contacts, bool) or not 1 <= int(self.min_contacts) <= 100_000:
            raise DataError("cr_bad_option", option="min_contacts", value=self.min_contacts, allowed="1 – 100,000")
        if self.model_kind not in ("churn", "response"):
            raise DataError("cr_bad_kind", kind=self.model_kind)

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResultsChoice:
        return choice_from_dict(cls, data)


# --------------------------------------------------------------------------------------------- statistics
def wilson(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``successes / n`` (arrays; NaN where n == 0)."""
    from statsmodels.stats.proportion import proportion_confint

    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1)
    low, high = proportion_confint(successes, safe, alpha=1 - confidence, method="wilson")
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def two_proportions(s1: int, n1: int, s2: int, n2: int, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """``(diff, low, high, p_value)`` of rate 1 minus rate 2: the Wald interval (unpooled standard error,
    statsmodels ``confint_proportions_2indep(method="wald")``) and the pooled two-sided z-test (statsmodels
    ``proportions_ztest``).  NaN when a group is empty; p = 1 when both groups always (or never) succeed."""
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    if n1 == 0 or n2 == 0:
        return (np.nan,) * 4
    diff = s1 / n1 - s2 / n2
    low, high = confint_proportions_2indep(s1, n1, s2, n2, method="wald", compare="diff", alpha=1 - confidence)
    pooled = (s1 + s2) / (n1 + n2)
    p_value = 1.0 if pooled in (0.0, 1.0) else float(proportions_ztest([s1, s2], [n1, n2])[1])
    return float(diff), float(low), float(high), p_value


def prob_beats(s1: int, n1: int, s2: int, n2: int, *, draws: int = 40_000, seed: int = 0) -> float:
    """P(rate 1 > rate 2) with uniform priors: Beta(1 + s, 1 + n - s) posteriors, ``draws`` seeded draws."""
    rng = np.random.default_rng(seed)
    a = rng.beta(1 + s1, 1 + n1 - s1, draws)
    b = rng.beta(1 + s2, 1 + n2 - s2, draws)
    return float((a > b).mean())


# ------------------------------------------------------------------------------------------ success rates
def with_segments(table: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """``table`` plus column ``segment``: each customer's segment name (``segments``: customer_id -> name);
    customers not in ``segments`` (e.g. not in the orders) get :data:`UNKNOWN_SEGMENT`."""
    names = pd.Series(segments)
    names.index = names.index.astype(str)
    mapped = table["customer_id"].astype(str).map(names)
    return table.assign(segment=mapped.astype(object).where(mapped.notna(), UNKNOWN_SEGMENT))


def success_rates(table: pd.DataFrame, by: str, *, confidence: float = 0.95, group: str | None = "target"
                  ) -> pd.DataFrame:
    """The success rate of each value of ``by`` among the rows of ``group`` (None: all rows).

    Rows with a blank ``by`` (e.g. no agent on SMS contacts) are left out.

    Returns
    -------
    DataFrame
        ``by``, contacts, successes, rate, low, high (Wilson), revenue (sum), revenue_per_contact, then one count
        column per outcome (:data:`crm_core.measure.outcomes.OUTCOMES`); sorted by rate, highest first.
    """
    if by not in table.columns:
        raise DataError("cr_bad_option", option="by", value=by, allowed=", ".join(BY))
    rows = table if group is None else table[table["group"] == group]
    rows = rows[rows[by].notna() & (rows[by].astype(str) != "")]
    counts = pd.crosstab(rows[by], rows["outcome"]).reindex(columns=list(OUTCOMES), fill_value=0)
    grouped = rows.groupby(by, sort=False)
    out = pd.DataFrame({"contacts": grouped.size(), "successes": grouped["success"].sum().astype("int64"),
                        "revenue": grouped["revenue"].sum().astype(float)})
    out = out.join(counts).fillna(0)
    out = out.assign(rate=out["successes"] / out["contacts"])
    low, high = wilson(out["successes"], out["contacts"], confidence)
    out = out.assign(low=low, high=high, revenue_per_contact=out["revenue"] / out["contacts"])
    out = out.rename_axis(by).reset_index().astype({o: "int64" for o in OUTCOMES})
    out = out.sort_values(["rate", "contacts"], ascending=[False, False], kind="stable").reset_index(drop=True)
    return out[[by, "contacts", "successes", "rate", "low", "high", "revenue", "revenue_per_contact", *OUTCOMES]]


@dataclass(frozen=True, eq=False)
class AgentComparison:
    """Best against worst agent among those with enough contacts (:func:`compare_agents`)."""

    table: pd.DataFrame
    best: str
    worst: str
    diff: float
    low: float
    high: float
    p_value: float
    prob_best_beats_worst: float
    confidence: float = 0.95
    min_contacts: int = 20
    left_out: tuple[str, ...] = ()  # agents with fewer than min_contacts contacts

    def sentence(self, lang: str = "en") -> str:
        """The comparison in words, e.g. "Best agent Wang Fang 32% vs worst Chen Jing 19%: +13 points (95% CI …,
        p = …); 97% probability Wang Fang truly converts better."."""
        from crm_core.measure._results_words import agent_sentence

        return agent_sentence(self, lang)


def compare_agents(table: pd.DataFrame, *, confidence: float = 0.95, min_contacts: int = 20
                   ) -> AgentComparison | None:
    """A fair comparison of agents: only agents with at least ``min_contacts`` contacts of the target group (so
    a lucky agent with five calls does not top the table), the best against the worst by success rate: the
    difference with its interval and z-test p-value, and the Bayesian probability that the best truly converts
    better (:func:`prob_beats`).  None when fewer than two agents qualify."""
    rates = success_rates(table, "agent", confidence=confidence)
    kept = rates[rates["contacts"] >= min_contacts].reset_index(drop=True)
    left_out = tuple(rates.loc[rates["contacts"] < min_contacts, "agent"].astype(str))
    if len(kept) < 2:
        return None
    best, worst = kept.iloc[0], kept.iloc[-1]
    sb, nb, sw, nw = int(best["successes"]), int(best["contacts"]), int(worst["successes"]), int(worst["contacts"])
    diff, low, high, p_value = two_proportions(sb, nb, sw, nw, confidence)
    return AgentComparison(table=kept, best=str(best["agent"]), worst=str(worst["agent"]), diff=diff, low=low,
                           high=high, p_value=p_value, prob_best_beats_worst=prob_beats(sb, nb, sw, nw),
                           confidence=confidence, min_contacts=min_contacts, left_out=left_out)


# ------------------------------------------------------------------------------------------------- lift
LIFT_COLUMNS = ("name", "target_n", "target_successes", "target_rate", "control_n", "control_successes",
                "control_rate", "lift", "low", "high", "relative_lift", "p_value", "incremental_successes",
                "incremental_revenue", "confidence")


def _lift_row(name: str, target: pd.DataFrame, control: pd.DataFrame, confidence: float) -> dict:
    tn, ts, cn, cs = len(target), int(target["success"].sum()), len(control), int(control["success"].sum())
    diff, low, high, p_value = two_proportions(ts, tn, cs, cn, confidence)
    control_rate = cs / cn
    revenue_gap = target["revenue"].mean() - control["revenue"].mean()
    return {"name": name, "target_n": tn, "target_successes": ts, "target_rate": ts / tn, "control_n": cn,
            "control_successes": cs, "control_rate": control_rate, "lift": diff, "low": low, "high": high,
            "relative_lift": diff / control_rate if control_rate > 0 else np.nan, "p_value": p_value,
            "incremental_successes": diff * tn, "incremental_revenue": float(revenue_gap * tn),
            "confidence": confidence}


def control_lift(table: pd.DataFrame, *, confidence: float = 0.95, by: str | None = None) -> pd.DataFrame:
    """The lift of the target group over the held-out control group.

    Without ``by``: one row per list id (or per campaign when there is no list id; one row "" when neither),
    target rows against the control rows of the same list.  With ``by`` (e.g. "variant", "channel"): one row
    per value of ``by`` among the target rows, each against all control rows.

    Returns
    -------
    DataFrame
        :data:`LIFT_COLUMNS`: name (the list id, campaign or ``by`` value), target_n, target_successes,
        target_rate, control_n, control_successes, control_rate, lift (target_rate - control_rate), low, high
        (Wald), relative_lift (lift / control_rate), p_value (pooled z-test), incremental_successes (lift x
        target_n: successes the campaign added), incremental_revenue ((target - control revenue per contact) x
        target_n, in the revenue's currency), confidence.

    Raises
    ------
    DataError
        ``cr_no_control`` when no list has both a target and a control group.
    """
    target, control = table[table["group"] == "target"], table[table["group"] == "control"]
    rows = []
    if by is not None:
        if len(control):
            for value, part in target.groupby(by, sort=False):
                if str(value) != "":
                    rows.append(_lift_row(str(value), part, control, confidence))
    else:
        key = next((k for k in ("list_id", "campaign") if k in table.columns and (table[k] != "").any()), None)
        if key is None:
            if len(target) and len(control):
                rows.append(_lift_row("", target, control, confidence))
        else:
            for value, part in table.groupby(key, sort=False):
                t, c = part[part["group"] == "target"], part[part["group"] == "control"]
                if len(t) and len(c):
                    rows.append(_lift_row(str(value), t, c, confidence))
    if not rows:
        raise DataError("cr_no_control")
    out = pd.DataFrame(rows, columns=list(LIFT_COLUMNS))
    return out.sort_values("lift", ascending=False, kind="stable").reset_index(drop=True) if by else out


def lift_sentence(row: Mapping, lang: str = "en", *, currency: str = "¥") -> str:
    """One row of :func:`control_lift` in words, e.g. "Target 21.0% vs control 9.0%: +12.0 points (95% CI +8.9 to
    +15.1, p < 0.001): about 120 extra successes and ¥12,000 extra revenue."."""
    from crm_core.measure._results_words import lift_words

    return lift_words(row, lang, currency)


# ------------------------------------------------------------------------------------------- model lists
def _bought(later_orders: pd.DataFrame, customers: Sequence[str], start: date, days: int) -> pd.Series:
    if isinstance(days, bool) or int(days) < 1 or int(days) > 3650:
        raise DataError("cr_bad_window", days=days)
    first = pd.Timestamp(start)
    end = first + pd.Timedelta(days=int(days))
    lines = later_orders
    if "is_return" in lines.columns:
        lines = lines[~lines["is_return"].astype(bool)]
    lines = lines[(lines["order_date"] >= first) & (lines["order_date"] < end)]
    buyers = set(lines["customer_id"].astype(str))
    ids = pd.Index([str(c) for c in customers], name="customer_id")
    return pd.Series([c in buyers for c in ids], index=ids, dtype=bool)


def churn_outcome(later_orders: pd.DataFrame, customers: Sequence[str], *, start: date, days: int) -> pd.Series:
    """True for each customer who made no purchase (a non-return line) in ``[start, start + days)``: churned.

    ``later_orders`` are clean order lines (:func:`crm_core.pipeline.load` ``.result.orders``); index of the
    result: customer_id (str), in the order of ``customers``.
    """
    return ~_bought(later_orders, customers, start, days)


def response_outcome(later_orders: pd.DataFrame, customers: Sequence[str], *, start: date, days: int) -> pd.Series:
    """True for each customer who bought (a non-return line) in ``[start, start + days)``: responded."""
    return _bought(later_orders, customers, start, days)


def model_list_check(listed: Sequence[str], actual: pd.Series, *, kind: str) -> dict:
    """How a churn or response model's list did against what happened.

    Parameters
    ----------
    listed : the customers on the list.
    actual : bool per scored customer (index customer_id): True = churned (``kind="churn"``) or responded.
    kind : "churn" or "response".

    Returns
    -------
    dict
        kind; listed (on the list and in ``actual``); unknown (on the list, not in ``actual``); hits (listed and
        True); hit_rate = hits / listed; positives (True in ``actual``); scored (len(actual)); recall = hits /
        positives; base_rate = positives / scored (the hit rate of a list drawn at random); lift = hit_rate /
        base_rate.  Rates are NaN when their denominator is 0.
    """
    if kind not in ("churn", "response"):
        raise DataError("cr_bad_kind", kind=kind)
    truth = pd.Series(actual).astype(bool)
    truth.index = truth.index.astype(str)
    names = pd.Index(pd.unique(pd.Series([str(c) for c in listed], dtype=object)))
    known = names[names.isin(truth.index)]
    hits = int(truth.reindex(known).sum())
    positives, scored = int(truth.sum()), len(truth)

    def ratio(a: float, b: float) -> float:
        return a / b if b else float("nan")

    hit_rate, base_rate = ratio(hits, len(known)), ratio(positives, scored)
    return {"kind": kind, "listed": len(known), "unknown": len(names) - len(known), "hits": hits,
            "hit_rate": hit_rate, "positives": positives, "scored": scored, "recall": ratio(hits, positives),
            "base_rate": base_rate, "lift": ratio(hit_rate, base_rate)}


def results_summary(table: pd.DataFrame, lang: str = "en", *, confidence: float = 0.95, currency: str = "¥",
                    min_contacts: int = 20) -> list[str]:
    """A few sentences for the client report: contacts and success rate, the lift over control (when there is a
    control group), the best offer and channel, and the agent comparison."""
    from crm_core.measure._results_words import summary_sentences

    return summary_sentences(table, lang, confidence=confidence, currency=currency, min_contacts=min_contacts)
