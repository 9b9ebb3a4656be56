"""Association rules from frequent itemsets, their measures, filters, pruning and sentences.

For a rule A -> C over ``n`` baskets: support = n(A u C) / n; confidence = n(A u C) / n(A); lift = confidence /
support(C); leverage = support - support(A) x support(C); conviction = (1 - support(C)) / (1 - confidence), which
is infinite when the confidence is 1 (shown as "∞" by :func:`conviction_text`, never as inf or NaN).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd

from crm_core.schema import DataError

RULE_COLUMNS = ["antecedents", "consequents", "support", "confidence", "lift", "leverage", "conviction",
                "antecedent_support", "consequent_support", "count"]
MAX_RULES = 2_000_000  # candidate rules (2^k - 2 per itemset of k items): about 6 s of work at most
EPS = 1e-12  # a share computed as a ratio compared with a threshold typed by a person (0.5 is 0.5)


def association_rules(itemsets: pd.DataFrame, n_baskets: int, *, min_confidence: float = 0.0,
                      min_lift: float | None = None, max_rules: int = MAX_RULES) -> pd.DataFrame:
    """Every rule A -> C with A and C non-empty, disjoint, A u C a frequent itemset and confidence >=
    ``min_confidence`` (and lift >= ``min_lift`` when given); sorted by lift, then confidence, highest first.

    Raises :class:`DataError` ``basket_too_many_rules`` when the itemsets give more than ``max_rules`` candidates.
    """
    lengths = itemsets["itemset"].map(len).to_numpy(dtype=np.int64) if len(itemsets) else np.zeros(0, np.int64)
    candidates = int((2.0 ** lengths[lengths >= 2] - 2).sum())
    if candidates > max_rules:
        raise DataError("basket_too_many_rules", rules=candidates, limit=max_rules)
    counts: dict[tuple, int] = dict(zip(itemsets["itemset"], itemsets["count"].astype(int), strict=True))
    ante, cons, joint, ante_n, cons_n = [], [], [], [], []
    for itemset, count in counts.items():
        size = len(itemset)
        if size < 2:
            continue
        for k in range(1, size):
            for left in combinations(itemset, k):
                left_n = counts[left]
                if count < (min_confidence - EPS) * left_n:
                    continue
                right = tuple(x for x in itemset if x not in left)
                ante.append(left)
                cons.append(right)
                joint.append(count)
                ante_n.append(left_n)
                cons_n.append(counts[right])
    return _measures(ante, cons, np.asarray(joint, dtype=np.int64), np.asarray(ante_n, dtype=np.int64),
                     np.asarray(cons_n, dtype=np.int64), n_baskets, min_lift)


def _measures(ante: list, cons: list, joint: np.ndarray, ante_n: np.ndarray, cons_n: np.ndarray, n: int,
              min_lift: float | None) -> pd.DataFrame:
    n = max(int(n), 1)
    support = joint / n
    ante_s, cons_s = ante_n / n, cons_n / n
    confidence = joint / np.maximum(ante_n, 1)
    lift = confidence / np.where(cons_s > 0, cons_s, 1.0)
    leverage = support - ante_s * cons_s
    certain = joint >= ante_n
    with np.errstate(divide="ignore", invalid="ignore"):
        conviction = np.where(certain, np.inf, (1 - cons_s) / np.where(certain, 1.0, 1 - confidence))
    frame = pd.DataFrame({
        "antecedents": pd.Series(ante, dtype=object), "consequents": pd.Series(cons, dtype=object),
        "support": support, "confidence": confidence, "lift": lift, "leverage": leverage,
        "conviction": conviction, "antecedent_support": ante_s, "consequent_support": cons_s,
        "count": joint.astype(np.int64),
    }, columns=RULE_COLUMNS)
    if min_lift is not None:
        frame = frame.loc[frame["lift"] >= min_lift - EPS]
    return frame.sort_values(["lift", "confidence", "support"], ascending=False, kind="stable", ignore_index=True)


def conviction_text(value: float, digits: int = 2) -> str:
    """A conviction for people: ``"∞"`` when infinite (confidence 1), else the number rounded."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "∞" if math.isinf(value) else f"{value:.{digits}f}"


def _matches(items: pd.Series, wanted: str | Iterable[str] | None) -> pd.Series:
    """Rules whose item tuple holds every wanted text (a label, or a part of one; case ignored)."""
    if wanted is None:
        return pd.Series(True, index=items.index)
    texts = [wanted] if isinstance(wanted, str) else list(wanted)
    texts = [t.casefold() for t in texts if str(t).strip()]
    if not texts:
        return pd.Series(True, index=items.index)
    return items.map(lambda tup: all(any(t in x.casefold() for x in tup) for t in texts)).astype(bool)


def filter_rules(rules: pd.DataFrame, *, min_support: float | None = None, min_confidence: float | None = None,
                 min_lift: float | None = None, min_leverage: float | None = None,
                 min_conviction: float | None = None, antecedent_contains: str | Iterable[str] | None = None,
                 consequent_contains: str | Iterable[str] | None = None, max_len: int | None = None,
                 max_antecedent_len: int | None = None, max_consequent_len: int | None = None) -> pd.DataFrame:
    """The rules meeting every given condition (a None condition is not applied).

    ``*_contains``: a text or several; each must be (part of) one of the side's items, case ignored.
    ``max_len``: items in the whole rule (antecedents and consequents together).
    """
    keep = pd.Series(True, index=rules.index)
    for column, least in (("support", min_support), ("confidence", min_confidence), ("lift", min_lift),
                          ("leverage", min_leverage), ("conviction", min_conviction)):
        if least is not None:
            keep &= rules[column] >= least - EPS
    keep &= _matches(rules["antecedents"], antecedent_contains)
    keep &= _matches(rules["consequents"], consequent_contains)
    a_len, c_len = rules["antecedents"].map(len), rules["consequents"].map(len)
    if max_len is not None:
        keep &= (a_len + c_len) <= max_len
    if max_antecedent_len is not None:
        keep &= a_len <= max_antecedent_len
    if max_consequent_len is not None:
        keep &= c_len <= max_consequent_len
    return rules.loc[keep.to_numpy()].reset_index(drop=True)


def prune_redundant(rules: pd.DataFrame) -> pd.DataFrame:
    """Drop each rule no better than a more general one: a rule with the same consequents and an antecedent that
    is a proper subset has a confidence at least as high (arules' ``is.redundant``)."""
    best: dict[tuple, float] = {}
    for a, c, conf in zip(rules["antecedents"], rules["consequents"], rules["confidence"], strict=True):
        best[(a, c)] = conf
    keep = []
    for a, c, conf in zip(rules["antecedents"], rules["consequents"], rules["confidence"], strict=True):
        general = (best.get((sub, c)) for k in range(1, len(a)) for sub in combinations(a, k))
        keep.append(not any(g is not None and g >= conf - EPS for g in general))
    return rules.loc[np.asarray(keep, dtype=bool)].reset_index(drop=True)


def _listing(items: Iterable[str], lang: str) -> str:
    items = [str(x) for x in items]
    if lang == "zh":
        return "、".join(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def rule_sentence(row: pd.Series | dict, lang: str = "en", *, by: str = "customer") -> str:
    """The rule in words, e.g. "63% of customers who bought A also bought B, 3.1 times the average" /
    "买了A的顾客中有63%也买了B，是平均水平的3.1倍".  ``by="order"`` speaks of orders instead of customers."""
    a, c = _listing(row["antecedents"], lang), _listing(row["consequents"], lang)
    share = f"{row['confidence'] * 100:.0f}%"
    times = f"{row['lift']:.1f}"
    if lang == "zh":
        who = "含有{a}的订单中有{share}也含有{c}" if by == "order" else "买了{a}的顾客中有{share}也买了{c}"
        return who.format(a=a, share=share, c=c) + f"，是平均水平的{times}倍"
    who = "{share} of orders with {a} also had {c}" if by == "order" else \
        "{share} of customers who bought {a} also bought {c}"
    return who.format(a=a, share=share, c=c) + f", {times} times the average"


SORTS = ("lift", "confidence", "support", "leverage", "conviction", "count")


def search_rules(rules: pd.DataFrame, text: str) -> pd.DataFrame:
    """The rules with ``text`` (case ignored) in one of their items, on either side; blank text: all rules."""
    wanted = str(text or "").strip().casefold()
    if not wanted or rules.empty:
        return rules
    hit = (rules["antecedents"] + rules["consequents"]).map(lambda tup: any(wanted in x.casefold() for x in tup))
    return rules.loc[hit.to_numpy(dtype=bool)].reset_index(drop=True)


def sort_rules(rules: pd.DataFrame, by: str = "lift") -> pd.DataFrame:
    """Rules sorted by measure ``by`` (one of :data:`SORTS`), highest first; ties by lift, confidence, support, then
    the rule's items, so the order is the same on every run (an infinite conviction sorts first)."""
    if by not in SORTS:
        raise DataError("basket_bad_option", option="sort", value=by, choices=", ".join(SORTS))
    if rules.empty:
        return rules
    keys = [by] + [c for c in ("lift", "confidence", "support") if c != by]
    frame = rules.assign(_a=rules["antecedents"].map(" ".join), _c=rules["consequents"].map(" ".join))
    frame = frame.sort_values(keys + ["_a", "_c"], ascending=[False] * len(keys) + [True, True], kind="mergesort")
    return frame.drop(columns=["_a", "_c"]).reset_index(drop=True)


def rules_table(rules: pd.DataFrame, lang: str = "en", *, by: str = "customer") -> pd.DataFrame:
    """The rules for people: ``antecedents`` and ``consequents`` as "A + B", the measures, ``conviction`` as text
    ("∞" when infinite, never inf or NaN), ``count`` (baskets with the whole rule) and ``sentence``, the rule in
    words (:func:`rule_sentence`).  Columns: antecedents, consequents, support, confidence, lift, leverage,
    conviction, count, sentence."""
    if rules.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in
                             ("antecedents", "consequents", "support", "confidence", "lift", "leverage", "conviction",
                              "count", "sentence")})
    sentences = [rule_sentence({"antecedents": a, "consequents": c, "confidence": f, "lift": lf}, lang, by=by)
                 for a, c, f, lf in zip(rules["antecedents"], rules["consequents"], rules["confidence"],
                                        rules["lift"], strict=True)]
    return pd.DataFrame({
        "antecedents": rules["antecedents"].map(" + ".join).to_numpy(),
        "consequents": rules["consequents"].map(" + ".join).to_numpy(),
        "support": rules["support"].to_numpy(dtype=float), "confidence": rules["confidence"].to_numpy(dtype=float),
        "lift": rules["lift"].to_numpy(dtype=float), "leverage": rules["leverage"].to_numpy(dtype=float),
        "conviction": [conviction_text(v) for v in rules["conviction"]],
        "count": rules["count"].to_numpy(dtype="int64"), "sentence": sentences,
    })
