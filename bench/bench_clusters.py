"""K-means customer clusters at scale: the k sweep on 100,000 customers, and Online Retail's customers with one k.

Targets (issue 12): the k sweep (k = 2..10, with silhouette) on 100,000 customers in under 10 s; clustering
Online Retail's customers with a chosen k in under 1 s.  The 100,000 customers are made up (seeded): five
behaviour groups with log-normal spend, Poisson orders and exponential recency, in the columns
``crm_core.customers.customer_table`` gives.  Online Retail's customer table comes from the real pipeline; without
``../shared/datasets`` that part is skipped with the reason.  The scikit-learn import (about 0.6 s, once per
process) is made before timing, as the app's warm-up makes it.  Medians of ``--runs`` runs are held to the targets.
"""

from __future__ import annotations

import argparse
import sys

import _common
import numpy as np
import pandas as pd

from crm_core import pipeline
from crm_core.segment import clusters

SWEEP_TARGET_S = 10.0
FIT_TARGET_S = 1.0
SYNTHETIC_CUSTOMERS = 100_000


def synthetic_table(n: int = SYNTHETIC_CUSTOMERS, seed: int = 7) -> pd.DataFrame:
    """``n`` customers in five groups (share, orders, ticket, days since last order, tenure in days)."""
    rng = np.random.default_rng(seed)
    groups = [(0.10, 20, 300.0, 10, 900), (0.25, 6, 120.0, 40, 600), (0.30, 2, 60.0, 200, 400),
              (0.20, 1, 40.0, 20, 30), (0.15, 3, 500.0, 120, 700)]
    parts = []
    for share, orders, ticket, recency, tenure in groups:
        m = int(n * share)
        frequency = rng.poisson(orders, m) + 1
        aov = rng.lognormal(np.log(ticket), 0.4, m)
        parts.append(pd.DataFrame({
            "frequency": frequency, "avg_order_value": aov, "monetary": frequency * aov,
            "recency_days": rng.exponential(recency, m).astype("int64") + 1,
            "tenure_days": rng.integers(max(tenure // 2, 1), tenure * 2, m),
        }))
    table = pd.concat(parts, ignore_index=True)
    return table.assign(customer_id=[f"C{i:06d}" for i in range(len(table))])


def online_retail_table() -> pd.DataFrame:
    loaded = pipeline.load(_common.online_retail_bytes(), _common.ONLINE_RETAIL_NAME)
    return pipeline.analysis_table(loaded.result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--k", type=int, default=5, help="the chosen k for Online Retail (default 5)")
    args = parser.parse_args()
    print("bench_clusters: K-means customer clusters")
    print(_common.machine_line())
    verdicts = _common.Verdicts()
    table = synthetic_table()
    clusters.k_guidance(table.head(2_000), ks=range(2, 4))  # imports and first-call costs, untimed
    sweeps = [_common.timed(lambda: clusters.k_guidance(table, ks=range(2, 11)))[1] for _ in range(args.runs)]
    guidance = clusters.k_guidance(table, ks=range(2, 11))
    sweep = _common.median(sweeps)
    print(f"k sweep 2..10 with silhouette, {len(table):,} customers: {sweep:.2f} s "
          f"(runs: {_common.seconds_list(sweeps)}); suggested k = {clusters.suggested_k(guidance)}")
    verdicts.check("k sweep", sweep < SWEEP_TARGET_S, f"k sweep {sweep:.2f} s (target < {SWEEP_TARGET_S:.0f} s)")
    if not _common.ONLINE_RETAIL_GZ.exists():
        print(f"skipped: {_common.ONLINE_RETAIL_GZ} not found (Online Retail part)")
        verdicts.exit()
    customers = online_retail_table()
    fits = [_common.timed(lambda: clusters.fit_clusters(customers, args.k))[1] for _ in range(args.runs)]
    fitted = clusters.fit_clusters(customers, args.k)
    fit = _common.median(fits)
    sizes = ", ".join(f"{fitted.text(k, 'name')} {n:,}" for k, n in zip(fitted.keys, fitted.sizes, strict=True))
    print(f"fit k={args.k} on Online Retail's {len(customers):,} customers: {fit:.3f} s "
          f"(runs: {_common.seconds_list(fits)}); clusters: {sizes}")
    verdicts.check("Online Retail fit", fit < FIT_TARGET_S, f"fit {fit:.3f} s (target < {FIT_TARGET_S:.0f} s)")
    verdicts.exit()


if __name__ == "__main__":
    sys.exit(main())
