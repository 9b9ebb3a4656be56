"""Lifetime value: the BG/NBD + Gamma-Gamma maximum-likelihood fit on 100,000 customers, and the CDNOW fit.

Target (issue 14): fitting BG/NBD and Gamma-Gamma on 100,000 customers takes under 3 s.  The customers are drawn
(seeded) from the BG/NBD + Gamma-Gamma process itself with CDNOW's published parameters (r 0.243, alpha 4.414,
a 0.793, b 2.426; p 6.25, q 3.74, gamma 15.44), observed 26 to 78 weeks after their first purchase, times in
whole days as :func:`crm_core.predict.clv.clv_summary` would give them; the fit is timed from that summary
(:func:`crm_core.predict._clv_math.fit_bgnbd_arrays` then ``fit_gamma_gamma_arrays``).  The fitted parameters must
recover the true ones within 10% (a fit that is fast but wrong proves nothing).  With ../shared/datasets the
CDNOW sample (2,357 customers) is also summarised and fitted and its time and parameters printed.
"""

from __future__ import annotations

import argparse
from datetime import date

import _common

from crm_core.predict import _clv_math, clv

CUSTOMERS = 100_000
FIT_TARGET_S = 3.0
RECOVERY_TARGET = 0.10
TRUE_BGNBD = clv.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, customers=0)
TRUE_GG = clv.GammaGammaParams(p=6.25, q=3.74, v=15.44, log_likelihood=0.0, customers=0)
CDNOW_ELOG = _common.DATASETS / "cdnow" / "cdnowElog.csv"


def fit_both(drawn):
    bgnbd = _clv_math.fit_bgnbd_arrays(drawn["x"], drawn["t_x"], drawn["T"])
    repeat = drawn["x"] > 0
    return bgnbd, _clv_math.fit_gamma_gamma_arrays(drawn["x"][repeat], drawn["m"][repeat])


def cdnow_part() -> None:
    if not CDNOW_ELOG.exists():
        print(f"skipped: {CDNOW_ELOG} not found (the CDNOW part needs ../shared/datasets beside the checkout)")
        return
    import pandas as pd

    log = pd.read_csv(CDNOW_ELOG, dtype={"date": str})
    orders = pd.DataFrame({"customer_id": log["sampleid"].astype(str),
                           "order_date": pd.to_datetime(log["date"], format="%Y%m%d"),
                           "amount": log["sales"].astype(float), "is_return": False})

    def run():
        summary = clv.clv_summary(orders, as_of=date(1997, 10, 1))
        return summary, clv.fit_bgnbd(summary), clv.fit_gamma_gamma(summary)

    (summary, bgnbd, spend), seconds = _common.timed(run)
    print(f"CDNOW sample ({len(summary):,} customers, {int((summary['frequency'] > 0).sum())} repeat buyers): "
          f"summary + both fits {seconds:.2f} s; BG/NBD r {bgnbd.r:.4f} alpha {bgnbd.alpha:.4f} a {bgnbd.a:.4f} "
          f"b {bgnbd.b:.4f} LL {bgnbd.log_likelihood:.3f} (published 0.243 4.414 0.793 2.426, -9582.4); Gamma-Gamma "
          f"p {spend.p:.4f} q {spend.q:.4f} gamma {spend.v:.4f} LL {spend.log_likelihood:.3f} "
          f"(published 6.25 3.74 15.44, -4055.92)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one fit")
    args = parser.parse_args()
    print(_common.machine_line())
    verdicts = _common.Verdicts()

    drawn, seconds = _common.timed(lambda: _clv_math.simulate(args.customers, TRUE_BGNBD, TRUE_GG, T_min=26.0,
                                                              T_max=78.0, resolution=1 / 7, seed=14))
    repeat = int((drawn["x"] > 0).sum())
    print(f"simulated {args.customers:,} customers ({repeat:,} repeat buyers, {int(drawn['x'].sum()):,} repeat "
          f"purchases) in {seconds:.2f} s (not timed below)")
    if args.profile:
        _common.profile(lambda: fit_both(drawn))
    times = []
    for _ in range(args.runs):
        (bgnbd, spend), seconds = _common.timed(lambda: fit_both(drawn))
        times.append(seconds)
    fit_seconds = _common.median(times)
    verdicts.check("fit time", fit_seconds < FIT_TARGET_S,
                   f"BG/NBD + Gamma-Gamma fit on {args.customers:,} customers: {fit_seconds:.2f} s median "
                   f"(runs: {_common.seconds_list(times)}; target < {FIT_TARGET_S:.0f} s)")
    print(f"BG/NBD log-likelihood {bgnbd.log_likelihood:,.1f}; Gamma-Gamma {spend.log_likelihood:,.1f} "
          f"({spend.customers:,} repeat buyers)")
    worst = 0.0
    for name, truth, got in (("r", TRUE_BGNBD.r, bgnbd.r), ("alpha", TRUE_BGNBD.alpha, bgnbd.alpha),
                             ("a", TRUE_BGNBD.a, bgnbd.a), ("b", TRUE_BGNBD.b, bgnbd.b),
                             ("p", TRUE_GG.p, spend.p), ("q", TRUE_GG.q, spend.q), ("gamma", TRUE_GG.v, spend.v)):
        error = (got - truth) / truth
        worst = max(worst, abs(error))
        print(f"  {name:>5}: true {truth:.3f}, fitted {got:.3f} ({error:+.1%})")
    verdicts.check("recovery", worst <= RECOVERY_TARGET,
                   f"largest relative error of the fitted parameters: {worst:.1%} (target <= {RECOVERY_TARGET:.0%})")
    cdnow_part()
    verdicts.exit()


if __name__ == "__main__":
    main()
