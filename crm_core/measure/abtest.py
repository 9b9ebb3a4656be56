"""A/B/n tests: rates with intervals, differences and lifts against the baseline variant, z or chi-square
tests, the Bayesian probability that each variant is best, and a sample-size / power calculator.

The statistics, each against the baseline variant (the choice's, else the first):

* the rate's interval: Wilson score (:func:`statsmodels.stats.proportion.proportion_confint`, ``method="wilson"``);
* the difference ``rate - baseline rate``: Newcombe's hybrid score interval (his method 10, from the two Wilson
  intervals; :func:`statsmodels.stats.proportion.confint_proportions_2indep`, ``method="newcomb"``);
* the relative lift ``rate / baseline rate - 1``: Katz's log interval, ``exp(ln RR ± z·sqrt(1/c1 - 1/n1 + 1/c0 -
  1/n0)) - 1`` (NaN when either variant has no conversion);
* the p-value: the two-proportion z-test with the pooled variance
  (:func:`statsmodels.stats.proportion.proportions_ztest`), or with ``test="chi2"`` the chi-square test of that
  pair's 2 x 2 table with Yates's continuity correction (:func:`scipy.stats.chi2_contingency`); the overall p-value
  is the chi-square over all variants (k x 2 table, no correction);
* the probability each variant is best: the share of seeded draws from Beta(1 + c, 1 + n - c) in which it is highest;
* power and sample size: the classic normal-approximation formula of R's ``power.prop.test`` (pooled variance under
  the null, unpooled under the alternative), see :func:`sample_size`.

Importing this module is cheap: statsmodels and scipy are imported inside the functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crm_core.measure._abtest_input import propose_ab_columns, variants_from_table
from crm_core.measure._choice import choice_from_dict, choice_to_dict
from crm_core.messages import Localized
from crm_core.schema import DataError

__all__ = ["AbChoice", "AbResult", "Variant", "ab_test", "achieved_power", "prob_best", "propose_ab_columns",
           "sample_size", "variants_from_counts", "variants_from_table"]

TESTS = ("z", "chi2")
MIN_POWER = 0.8  # below this power to detect the observed difference, a non-significant test "cannot decide"


@dataclass(frozen=True)
class AbChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    confidence: float = 0.95  # of every interval and of "significant"
    test: str = "z"  # "z" (two-proportion z-test against the baseline) or "chi2" (chi-square over all variants)
    baseline: str = ""  # the variant the others are compared with; "" = the first one

    def __post_init__(self) -> None:
        if isinstance(self.confidence, bool) or not isinstance(self.confidence, int | float) \
                or not 0.5 <= float(self.confidence) <= 0.999:
            raise DataError("ab_bad_confidence", value=str(self.confidence), option="confidence")
        if self.test not in TESTS:
            raise DataError("ab_bad_test", value=str(self.test), choices=Localized.listing(TESTS), option="test")
        if not isinstance(self.baseline, str):
            raise DataError("measure_bad_option", option="baseline", value=str(self.baseline))

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AbChoice:
        return choice_from_dict(cls, data)


@dataclass(frozen=True)
class Variant:
    """One arm of the test: who saw it (``visitors``), who converted, and the money they brought (optional)."""

    name: str
    visitors: int
    conversions: int
    revenue: float | None = None


_COUNT_WORDS = {"visitors": Localized(en="visitors", zh="人数"),
                "conversions": Localized(en="conversions", zh="转化数")}
_BLANK = Localized(en="(blank)", zh="（空白）")


def _whole(value: object, name: str, what: str) -> int:
    try:
        number = float(str(value).replace(",", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number != round(number):
        blank = value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""
        raise DataError("ab_bad_count_variant", variant=name, what=_COUNT_WORDS[what],
                        value=_BLANK if blank else str(value))
    if number < 0:
        raise DataError("ab_negative_count", variant=name, what=_COUNT_WORDS[what], value=str(value))
    return int(number)


def variants_from_counts(rows: Iterable | pd.DataFrame) -> tuple[Variant, ...]:
    """The variants from counts: ``(name, visitors, conversions[, revenue])`` rows, or a DataFrame whose first
    three (four) columns are those.

    DataError ``ab_too_few_variants`` (fewer than two), ``ab_blank_name``, ``ab_duplicate_variant``,
    ``ab_bad_count`` (not a whole number), ``ab_negative_count``, ``ab_no_visitors`` (a variant nobody saw),
    ``ab_more_conversions`` (more conversions than visitors), each naming the variant.
    """
    if isinstance(rows, pd.DataFrame):
        rows = list(rows.itertuples(index=False, name=None))
    variants: list[Variant] = []
    for row in rows:
        if row is None or all(v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""
                              for v in row):
            continue  # an empty row of an edited table
        name = "" if row[0] is None or (isinstance(row[0], float) and math.isnan(row[0])) else str(row[0]).strip()
        if not name:
            raise DataError("ab_blank_name", row=len(variants) + 1)
        visitors = _whole(row[1], name, "visitors")
        conversions = _whole(row[2], name, "conversions")
        revenue = row[3] if len(row) > 3 else None
        revenue = None if revenue is None or (isinstance(revenue, float) and math.isnan(revenue)) else float(revenue)
        if any(v.name == name for v in variants):
            raise DataError("ab_duplicate_variant", variant=name)
        if visitors == 0:
            raise DataError("ab_no_visitors", variant=name)
        if conversions > visitors:
            raise DataError("ab_more_conversions", variant=name, conversions=conversions, visitors=visitors)
        variants.append(Variant(name, visitors, conversions, revenue))
    if len(variants) < 2:
        raise DataError("ab_too_few_variants", count=len(variants),
                        names=Localized.listing(v.name for v in variants) if variants else "–")
    return tuple(variants)


def prob_best(variants: Sequence[Variant], *, draws: int = 20000, seed: int = 0) -> np.ndarray:
    """The probability that each variant has the highest true rate: the share of ``draws`` joint draws from the
    posteriors Beta(1 + conversions, 1 + visitors - conversions) (uniform priors) in which it is highest.
    Seeded: the same counts give the same answer."""
    rng = np.random.default_rng(seed)
    samples = np.column_stack([rng.beta(1 + v.conversions, 1 + v.visitors - v.conversions, size=draws)
                               for v in variants])
    return np.bincount(samples.argmax(axis=1), minlength=len(variants)) / draws


def _z(alpha: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1 - alpha / 2))


def _power(p0: float, p1: float, n0: float, n1: float, alpha: float) -> float:
    """Power of the two-sided pooled z-test at the true rates p0, p1 with n0, n1 customers (normal approximation,
    the chance of rejecting in the true direction, as R's ``power.prop.test`` with ``strict = FALSE``)."""
    from scipy.stats import norm

    if p0 == p1:
        return alpha / 2
    pooled = (p0 * n0 + p1 * n1) / (n0 + n1)
    null_sd = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    alt_sd = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    if alt_sd == 0:  # both rates 0 or 1: the test rejects for sure, or never
        return 1.0 if abs(p1 - p0) > _z(alpha) * null_sd else 0.0
    return float(norm.cdf((abs(p1 - p0) - _z(alpha) * null_sd) / alt_sd))


def _check_planning(base_rate: float, effect: float, alpha: float, power: float | None = None) -> None:
    if not 0 < base_rate < 1 or not 0 < base_rate + effect < 1 or effect == 0:
        raise DataError("ab_bad_planning", base=f"{base_rate:.2%}", effect=f"{effect * 100:+.2f}")
    if not 0 < alpha < 1 or (power is not None and not 0 < power < 1):
        raise DataError("ab_bad_planning_level", alpha=f"{alpha:g}", power=f"{power if power is not None else 0.8:g}")


def sample_size(base_rate: float, min_effect: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Customers per variant to detect ``min_effect`` (a fraction: 0.05 = 5 points) over ``base_rate`` with a
    two-sided test at ``alpha`` and the given ``power``.

    The classic formula (Fleiss, without continuity correction; what R's ``power.prop.test`` solves), with
    p̄ = (p0 + p1) / 2::

        n = (z[1-α/2]·sqrt(2·p̄·(1-p̄)) + z[power]·sqrt(p0·(1-p0) + p1·(1-p1)))² / (p1 - p0)²

    rounded up.  Reference: ``power.prop.test(p1 = .50, p2 = .75, power = .90)`` gives n = 76.7 (R's
    documentation), so 77 here.  DataError ``ab_bad_planning`` when a rate leaves (0, 1) or the effect is 0.
    """
    from scipy.stats import norm

    _check_planning(base_rate, min_effect, alpha, power)
    p0, p1 = base_rate, base_rate + min_effect
    mean = (p0 + p1) / 2
    top = _z(alpha) * math.sqrt(2 * mean * (1 - mean)) + float(norm.ppf(power)) * math.sqrt(
        p0 * (1 - p0) + p1 * (1 - p1))
    return math.ceil(top**2 / (p1 - p0) ** 2 - 1e-9)


def achieved_power(base_rate: float, effect: float, n_per_variant: int, *, alpha: float = 0.05) -> float:
    """The power of a two-sided test at ``alpha`` with ``n_per_variant`` customers in each of two variants to detect
    ``effect`` over ``base_rate`` (the formula of :func:`sample_size` solved for the power).  Reference:
    ``power.prop.test(n = 50, p1 = .50, p2 = .75)`` gives power = 0.740 (R's documentation)."""
    _check_planning(base_rate, effect, alpha)
    if n_per_variant < 1:
        raise DataError("ab_bad_planning_n", n=n_per_variant)
    return _power(base_rate, base_rate + effect, n_per_variant, n_per_variant, alpha)


def _lift_interval(c1: int, n1: int, c0: int, n0: int, z: float) -> tuple[float, float, float]:
    if c1 == 0 or c0 == 0:
        return (c1 / n1) / (c0 / n0) - 1 if c0 else math.nan, math.nan, math.nan
    ratio = (c1 / n1) / (c0 / n0)
    se = math.sqrt(1 / c1 - 1 / n1 + 1 / c0 - 1 / n0)
    return ratio - 1, ratio * math.exp(-z * se) - 1, ratio * math.exp(z * se) - 1


def _pair_p(v: Variant, base: Variant, test: str) -> float:
    counts = np.array([v.conversions, base.conversions])
    nobs = np.array([v.visitors, base.visitors])
    if counts.sum() in (0, nobs.sum()):  # nobody (or everybody) converted: no difference to test
        return 1.0
    if test == "chi2":
        from scipy.stats import chi2_contingency

        table = np.column_stack([counts, nobs - counts])
        return float(chi2_contingency(table, correction=True)[1])
    from statsmodels.stats.proportion import proportions_ztest

    return float(proportions_ztest(counts, nobs)[1])


def _overall_p(variants: Sequence[Variant]) -> float:
    from scipy.stats import chi2_contingency

    table = np.array([[v.conversions, v.visitors - v.conversions] for v in variants])
    if (table.sum(axis=0) == 0).any():
        return 1.0
    return float(chi2_contingency(table, correction=False)[1])


@dataclass(frozen=True, eq=False)
class AbResult:
    """An A/B/n test's result (:func:`ab_test`).

    ``table``: one row per variant, the baseline first: variant, visitors, conversions, rate, rate_low, rate_high
    (Wilson), diff, diff_low, diff_high (Newcombe, against the baseline; NaN on the baseline row), lift, lift_low,
    lift_high (relative, Katz log interval), p_value, significant (bool), power (to detect the observed difference
    at these sizes), prob_best; revenue and revenue_per_visitor when every variant has a revenue.  Fractions
    throughout (0.07 = 7 points).
    """

    table: pd.DataFrame
    baseline: str
    test: str
    confidence: float
    overall_p_value: float
    too_small: bool

    def verdict(self, lang: str = "en") -> str:
        """One sentence per variant against the baseline, in plain words (see :mod:`crm_core.measure._abtest_words`)."""
        from crm_core.measure._abtest_words import verdict

        return verdict(self, lang)

    def sentences(self, lang: str = "en") -> list[str]:
        """:meth:`verdict` as a list (one per variant), then the note when the test is too small to decide."""
        from crm_core.measure._abtest_words import sentences

        return sentences(self, lang)


def ab_test(variants: Sequence[Variant], choice: AbChoice = AbChoice()) -> AbResult:
    """Compare each variant with the baseline (``choice.baseline``, else the first).

    Returns an :class:`AbResult`; ``too_small`` is True when a comparison is not significant and its power to
    detect the difference observed is under 80% (more customers are needed to decide).  DataError
    ``ab_unknown_baseline`` when the baseline is not one of the variants (and the checks of
    :func:`variants_from_counts` on the counts).
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

    variants = variants_from_counts([(v.name, v.visitors, v.conversions, v.revenue) for v in variants])
    names = [v.name for v in variants]
    baseline = choice.baseline or names[0]
    if baseline not in names:
        raise DataError("ab_unknown_baseline", baseline=baseline, variants=Localized.listing(names))
    ordered = [variants[names.index(baseline)], *(v for v in variants if v.name != baseline)]
    alpha = 1 - choice.confidence
    z = _z(alpha)
    base = ordered[0]
    best = prob_best(ordered)
    rows = []
    for i, v in enumerate(ordered):
        low, high = proportion_confint(v.conversions, v.visitors, alpha=alpha, method="wilson")
        row = {"variant": v.name, "visitors": v.visitors, "conversions": v.conversions,
               "rate": v.conversions / v.visitors, "rate_low": float(low), "rate_high": float(high)}
        if i == 0:
            row.update(diff=math.nan, diff_low=math.nan, diff_high=math.nan, lift=math.nan, lift_low=math.nan,
                       lift_high=math.nan, p_value=math.nan, significant=False, power=math.nan)
        else:
            d_low, d_high = confint_proportions_2indep(v.conversions, v.visitors, base.conversions, base.visitors,
                                                       compare="diff", method="newcomb", alpha=alpha)
            lift, lift_low, lift_high = _lift_interval(v.conversions, v.visitors, base.conversions, base.visitors, z)
            p = _pair_p(v, base, choice.test)
            row.update(diff=row["rate"] - base.conversions / base.visitors, diff_low=float(d_low),
                       diff_high=float(d_high), lift=lift, lift_low=lift_low, lift_high=lift_high, p_value=p,
                       significant=bool(p < alpha),
                       power=_power(base.conversions / base.visitors, row["rate"], base.visitors, v.visitors, alpha))
        row["prob_best"] = float(best[i])
        if all(x.revenue is not None for x in ordered):
            row.update(revenue=float(v.revenue), revenue_per_visitor=float(v.revenue) / v.visitors)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["significant"] = table["significant"].astype(bool)
    others = table.iloc[1:]
    too_small = bool(((~others["significant"]) & (others["power"] < MIN_POWER)).any())
    return AbResult(table=table, baseline=baseline, test=choice.test, confidence=float(choice.confidence),
                    overall_p_value=_overall_p(ordered), too_small=too_small)


def weakest(result: AbResult) -> pd.Series | None:
    """The comparison that cannot decide: among the non-significant ones, the one with the least power (None when
    every comparison is significant)."""
    others = result.table.iloc[1:]
    weak = others[(~others["significant"]) & others["power"].notna()]
    return None if weak.empty else weak.loc[weak["power"].idxmin()]


def needed_per_variant(result: AbResult, variant: str | None = None) -> int | None:
    """Customers per variant that would detect the difference observed for ``variant`` (default: the
    :func:`weakest` comparison) with 80% power at the result's confidence; None when there is no such comparison,
    the difference is 0 or a rate is 0 or 1."""
    table = result.table
    if variant is None:
        row = weakest(result)
    else:
        found = table[table["variant"] == variant]
        row = None if found.empty else found.iloc[0]
    if row is None or not float(row["diff"]) or math.isnan(float(row["diff"])):
        return None
    try:
        return sample_size(float(table["rate"].iloc[0]), float(row["diff"]), alpha=1 - result.confidence,
                           power=MIN_POWER)
    except DataError:
        return None
