"""BG/NBD and Gamma-Gamma: likelihoods, their gradients, maximum-likelihood fits and the closed forms.

Private to :mod:`crm_core.predict.clv` (which re-exports the public names).  Formulas:

- BG/NBD: P. S. Fader, B. G. S. Hardie, K. L. Lee (2005), "Counting your customers the easy way: an alternative
  to the Pareto/NBD model", Marketing Science 24(2), 275-284 (equations 6, 7, 10 and the P(alive) of
  Fader, Hardie & Lee's note "Computing P(alive) using the BG/NBD model").
- Gamma-Gamma: P. S. Fader, B. G. S. Hardie (2013), "The Gamma-Gamma model of monetary value" (equations 1-5).

Everything works on numpy arrays, vectorised over customers, in log space (``gammaln``, ``betaln``,
``logaddexp``) so that customers with many purchases or long histories neither overflow nor underflow.  Fits
maximise the weighted log-likelihood over the logarithms of the parameters with L-BFGS-B and the analytic
gradient; identical (x, t_x, T) rows are aggregated into one row with a weight first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

__all__ = ["BgNbdParams", "GammaGammaParams", "bgnbd_log_likelihood", "expected_order_value", "expected_purchases",
           "expected_purchases_new", "fit_bgnbd_arrays", "fit_gamma_gamma_arrays", "gamma_gamma_log_likelihood",
           "prob_alive", "purchases_if_alive", "simulate"]

_LOG_BOUND = 15.0  # log-parameters are kept in [-15, 15]: e^15 = 3.3 million, far outside any sensible fit


class FitError(ValueError):
    """The optimiser found no usable maximum (a degenerate data set, or a parameter running away)."""


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD: purchase rate ~ Gamma(shape r, rate alpha) (alpha in the summary's time unit); the chance
    of dropping out after each repeat purchase ~ Beta(a, b).  ``log_likelihood`` is the maximised total over
    ``customers`` customers."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma: each purchase's value ~ Gamma(shape p, rate nu), nu ~ Gamma(shape q, rate v) across
    customers (``v`` is the paper's gamma).  Fitted on ``customers`` repeat customers."""

    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "v": self.v}


def _dot(a, b) -> float:
    """Sum of a * b without BLAS: BLAS threads spin badly on a busy machine for vectors this short."""
    return float(np.multiply(a, b).sum())


def _arrays(*values):
    return np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in values))


# --------------------------------------------------------------------------------------------------- BG/NBD
def _bgnbd_terms(r, alpha, a, b, x, t_x, T):
    """Per customer: the log-likelihood, and the shares of its two terms (alive at T / dropped after t_x)."""
    repeat = x > 0
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) \
        + special.betaln(a, b + x) - special.betaln(a, b)
    alive = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(repeat, np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
                           -np.inf)
    total = np.logaddexp(alive, dropped)
    return head + total, np.exp(alive - total), np.exp(dropped - total)


def bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T) -> np.ndarray:
    """Log-likelihood of each customer's (x, t_x, T) under BG/NBD (FHL 2005, eq. 6).

    ``L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
    + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))``, with
    ``B(a+1, b+x-1) = B(a, b+x) a / (b+x-1)``.  x: repeat purchases, t_x: time of the last one, T: time observed
    (t_x and T in the same unit as 1/alpha).
    """
    x, t_x, T = _arrays(x, t_x, T)
    return _bgnbd_terms(r, alpha, a, b, x, t_x, T)[0]


class _ByX:
    """Rows (weighted) with their repeat-purchase counts grouped: terms that depend on x only (gamma functions)
    are computed once per distinct x and summed with that x's total weight."""

    def __init__(self, x: np.ndarray, w: np.ndarray) -> None:
        self.values, self.index = np.unique(x, return_inverse=True)
        self.weight = np.bincount(self.index, weights=w, minlength=len(self.values))


def _bgnbd_objective(logs, data):
    """Minus the mean log-likelihood and its gradient in the log-parameters (data: :func:`_bgnbd_data`)."""
    r, alpha, a, b = np.exp(logs)
    by_x, x, t_x, T, w, total_w, repeat = data
    ux, wx = by_x.values, by_x.weight
    with np.errstate(all="ignore"):
        head = special.gammaln(r + ux) - special.gammaln(r) + special.betaln(a, b + ux) - special.betaln(a, b)
        ln_alive, ln_dropped = np.log(alpha + T), np.log(alpha + t_x)
        # log(b + x - 1) is only needed where x > 0; x = 0 rows take log(1) there and are masked out below
        ln_bx1 = np.log(np.where(ux > 0, b + ux - 1, 1.0))[by_x.index]
        alive = -(r + x) * ln_alive
        dropped = np.where(repeat, np.log(a) - ln_bx1 - (r + x) * ln_dropped, -np.inf)
        both = np.logaddexp(alive, dropped)
        value = _dot(wx, head) + total_w * r * np.log(alpha) + _dot(w, both)
        if not np.isfinite(value):
            return 1e10, np.zeros(4)
        share_alive, share_dropped = np.exp(alive - both), np.exp(dropped - both)
        wa, wd = w * share_alive, w * share_dropped
        psi_abx = special.digamma(a + b + ux)
        d_r = _dot(wx, special.digamma(r + ux) - special.digamma(r)) + total_w * np.log(alpha) \
            - _dot(wa, ln_alive) - _dot(wd, ln_dropped)
        d_alpha = total_w * r / alpha - _dot(wa, (r + x) / (alpha + T)) - _dot(wd, (r + x) / (alpha + t_x))
        d_a = _dot(wx, special.digamma(a + b) - psi_abx) + wd.sum() / a
        d_b = _dot(wx, special.digamma(b + ux) - psi_abx - special.digamma(b) + special.digamma(a + b)) \
            - _dot(wd, np.where(repeat, np.exp(-ln_bx1), 0.0))
    grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return -value / total_w, -grad / total_w


def _aggregate(*columns):
    """Identical rows merged (hashing, no sort): the distinct rows (one array per column) and their counts."""
    frame = pd.DataFrame({f"c{i}": np.asarray(c, dtype="float64") for i, c in enumerate(columns)})
    counts = frame.groupby(list(frame.columns), sort=False).size()
    if len(counts) > 0.9 * len(frame):  # hardly any repeats: keep the rows as they are
        return [frame[c].to_numpy() for c in frame.columns], np.ones(len(frame))
    keys = counts.index.to_frame(index=False)
    return [keys[c].to_numpy(dtype="float64") for c in keys.columns], counts.to_numpy(dtype="float64")


def _bgnbd_data(x, t_x, T):
    """What :func:`_bgnbd_objective` reads: the distinct rows, their weights and the per-x grouping."""
    (ux, ut, uT), w = _aggregate(x, t_x, T)
    return _ByX(ux, w), ux, ut, uT, w, float(w.sum()), ux > 0


def _gg_data(x, m):
    """What :func:`_gg_objective` reads, with the sums that do not depend on the parameters."""
    (ux, um), w = _aggregate(x, m)
    return _ByX(ux, w), ux, um, w, float(w.sum()), _dot(w, ux * (np.log(um) + np.log(ux))), _dot(w, np.log(um))


def _minimise(objective, start, args):
    # BFGS on the unbounded log-parameters: L-BFGS-B's bookkeeping costs more than our objective on small fits.
    found = optimize.minimize(objective, np.log(start), args=args, jac=True, method="BFGS",
                              options={"maxiter": 1000, "gtol": 1e-9})
    if not np.all(np.isfinite(found.x)) or np.any(np.abs(found.x) >= _LOG_BOUND) or found.fun >= 1e9:
        raise FitError(f"no maximum found ({found.message})")
    return found


def fit_bgnbd_arrays(x, t_x, T, *, start=(1.0, 1.0, 1.0, 1.0)) -> BgNbdParams:
    """Maximum-likelihood BG/NBD on arrays of repeat purchases, last-purchase times and observation times."""
    x, t_x, T = _arrays(x, t_x, T)
    if len(x) == 0:
        raise FitError("no customers")
    data = _bgnbd_data(x, t_x, T)
    total = data[5]
    start = np.asarray(start, dtype="float64")
    start[1] = max(start[1], float(np.mean(T)) / 10 or 1.0)  # alpha lives on the time scale of T
    found = _minimise(_bgnbd_objective, start, (data,))
    r, alpha, a, b = (float(v) for v in np.exp(found.x))
    return BgNbdParams(r=r, alpha=alpha, a=a, b=b, log_likelihood=-float(found.fun) * total, customers=len(x))


def prob_alive(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """P(still active at T | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    x, t_x, T = _arrays(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(repeat, special.expit(-z), 1.0)


def expected_purchases(params: BgNbdParams, t, x, t_x, T) -> np.ndarray:
    """Expected purchases in the next ``t`` time units of a customer with (x, t_x, T) (FHL 2005, eq. 10).

    ``(a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] * P(alive)`` with
    ``z = t/(alpha+T+t)``.  Euler's transformation ``2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z)`` turns
    the bracket into ``1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)``, which stays finite for any x.
    """
    t, x, t_x, T = _arrays(t, x, t_x, T)
    return purchases_if_alive(params, t, x, T) * prob_alive(params, x, t_x, T)


def _off_one(a: float) -> float:
    """a moved off 1 by 1e-7 at most: the closed forms divide by a - 1 (their limit at a = 1 is finite)."""
    return a if abs(a - 1.0) > 1e-7 else 1.0 + 1e-7


def purchases_if_alive(params: BgNbdParams, t, x, T) -> np.ndarray:
    """Expected purchases in the next ``t`` units of a customer still alive at T: eq. 10 without P(alive).

    It does not depend on t_x, so :func:`crm_core.predict.clv.discounted_clv` computes it once per distinct (x, T).
    """
    t, x, T = _arrays(t, x, T)
    r, alpha, a, b = params.r, params.alpha, _off_one(params.a), params.b
    z = t / (alpha + T + t)
    c = a + b + x - 1
    bracket = 1.0 - np.power(1.0 - z, a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, c, z)
    return c / (a - 1) * bracket


def expected_purchases_new(params: BgNbdParams, t) -> np.ndarray:
    """E[X(t)]: expected purchases of a new customer in the ``t`` time units after the first (FHL 2005, eq. 7)."""
    t = np.asarray(t, dtype="float64")
    r, alpha, a, b = params.r, params.alpha, _off_one(params.a), params.b
    z = t / (alpha + t)
    # Euler's transformation again: (alpha/(alpha+t))^r 2F1(r, b; a+b-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b-1; z)
    return (a + b - 1) / (a - 1) * (1.0 - np.power(1.0 - z, a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b - 1, z))


# ---------------------------------------------------------------------------------------------- Gamma-Gamma
def gamma_gamma_log_likelihood(p, q, v, x, m) -> np.ndarray:
    """Log-density of a repeat customer's mean purchase value ``m`` over ``x`` purchases (Fader & Hardie 2013, eq. 3).

    ``f(m) = G(px+q) / (G(px) G(q)) * v^q m^(px-1) x^(px) / (v + m x)^(px+q)``; x > 0 and m > 0.
    """
    x, m = _arrays(x, m)
    px = p * x
    return special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v) \
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + m * x)


def _gg_objective(logs, data):
    """Minus the mean log-likelihood and its gradient in the log-parameters (data: see fit_gamma_gamma_arrays)."""
    p, q, v = np.exp(logs)
    by_x, x, m, w, total_w, sum_x_logs, sum_log_m = data
    ux, wx = by_x.values, by_x.weight
    with np.errstate(all="ignore"):
        pux = p * ux
        ln_vmx = np.log(v + m * x)
        px = p * x
        value = _dot(wx, special.gammaln(pux + q) - special.gammaln(pux)) \
            - total_w * (special.gammaln(q) - q * np.log(v)) + p * sum_x_logs - sum_log_m - _dot(w, (px + q) * ln_vmx)
        if not np.isfinite(value):
            return 1e10, np.zeros(3)
        psi = special.digamma(pux + q)
        d_p = _dot(wx, ux * (psi - special.digamma(pux))) + sum_x_logs - _dot(w, x * ln_vmx)
        d_q = _dot(wx, psi) - total_w * (special.digamma(q) - np.log(v)) - _dot(w, ln_vmx)
        d_v = total_w * q / v - _dot(w, (px + q) / (v + m * x))
    grad = np.array([d_p * p, d_q * q, d_v * v])
    return -value / total_w, -grad / total_w


def fit_gamma_gamma_arrays(x, m, *, start=(1.0, 1.0, 1.0)) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma on repeat customers' purchase counts ``x`` (> 0) and mean values ``m`` (> 0)."""
    x, m = _arrays(x, m)
    if len(x) == 0:
        raise FitError("no repeat customers")
    data = _gg_data(x, m)
    total = data[4]
    start = np.asarray(start, dtype="float64")
    start[2] = max(start[2], float(np.mean(m)))  # v lives on the money scale
    found = _minimise(_gg_objective, start, (data,))
    p, q, v = (float(val) for val in np.exp(found.x))
    return GammaGammaParams(p=p, q=q, v=v, log_likelihood=-float(found.fun) * total, customers=len(x))


def expected_order_value(gg: GammaGammaParams, x, m) -> np.ndarray:
    """E[value of a purchase | x repeat purchases of mean m] = p (v + x m) / (p x + q - 1) (Fader & Hardie 2013, eq. 5).

    A weighted mean of the population mean ``p v / (q - 1)`` and the customer's own mean; x = 0 gives the
    population mean.  Needs q > 1 (else the population mean is infinite): NaN then.  Negative m is taken as 0.
    """
    x, m = _arrays(x, m)
    if gg.q <= 1:
        return np.full(x.shape, np.nan)
    return gg.p * (gg.v + x * np.clip(m, 0.0, None)) / (gg.p * x + gg.q - 1)


def simulate(n: int, bgnbd: BgNbdParams, gg: GammaGammaParams | None = None, *, T_min: float, T_max: float,
             resolution: float = 0.0, seed: int = 0) -> dict[str, np.ndarray]:
    """Customers drawn from the BG/NBD (+ Gamma-Gamma) process itself, for tests and benchmarks.

    Each customer is observed for T ~ Uniform(T_min, T_max) units after the first purchase; purchases come at rate
    lambda ~ Gamma(r, rate alpha) while alive; after each repeat purchase the customer drops out with chance
    p ~ Beta(a, b).  With ``gg`` the mean value of the repeat purchases is drawn too: nu ~ Gamma(q, rate v), the
    mean of x purchases ~ Gamma(p x, rate nu x).  ``resolution`` > 0 floors times to its multiples (1/7 = whole
    days in weeks), as a summary from dated orders would.  Returns arrays x, t_x, T (and m).
    """
    rng = np.random.default_rng(seed)
    T = rng.uniform(T_min, T_max, n)
    rate = rng.gamma(bgnbd.r, 1.0 / bgnbd.alpha, n)
    drop = rng.beta(bgnbd.a, bgnbd.b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    now = np.zeros(n)
    active = np.arange(n)
    while len(active):
        now[active] += rng.exponential(1.0, len(active)) / rate[active]
        bought = active[now[active] <= T[active]]
        x[bought] += 1
        t_x[bought] = now[bought]
        active = bought[rng.uniform(size=len(bought)) >= drop[bought]]
    if resolution > 0:
        T = np.floor(T / resolution) * resolution
        t_x = np.minimum(np.floor(t_x / resolution) * resolution, T)
    out = {"x": x, "t_x": t_x, "T": T}
    if gg is not None:
        nu = rng.gamma(gg.q, 1.0 / gg.v, n)
        repeat = x > 0
        m = np.zeros(n)
        m[repeat] = rng.gamma(gg.p * x[repeat], 1.0 / (nu[repeat] * x[repeat]))
        out["m"] = m
    return out
