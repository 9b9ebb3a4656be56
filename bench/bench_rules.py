"""Association rules on Online Retail: baskets, frequent itemsets and rules, against Borgelt's C (pyfim).

Targets (issue 13): at minimum support 0.5%, on Online Retail's invoices at product level, mining plus rules
(:func:`crm_core.basket.mining.frequent_itemsets` then :func:`crm_core.basket.rules.association_rules`, all rules,
confidence 0) take at most 1 s and at most 4x the time of pyfim measured in the same run (its faster of
``fpgrowth`` and ``eclat``, each producing its rules with ``target="r"``; ``mode="o"`` makes a rule's support the
support of body and head together, as ours).  A filter change on the mined rules (thresholds, a text search, pruning
of redundant rules and the sentences of the top 100) stays under 0.3 s.  The counts of both engines are printed so
they are seen to agree: the same itemsets, and pyfim's rules are ours with one item on the right.  Without
``../shared/datasets`` the script skips; without pyfim (``pip install pyfim``) that comparison is skipped.
``--mlxtend`` also times a plain mlxtend ``fpgrowth`` on a dense frame (about 11 s), for information.
"""

from __future__ import annotations

import argparse
import sys

import _common

from crm_core import pipeline
from crm_core.basket import mining, rules
from crm_core.basket.baskets import build_baskets

MIN_SUPPORT = 0.005
MINE_TARGET_S = 1.0
PYFIM_RATIO = 4.0
FILTER_TARGET_S = 0.3


def mine_and_rules(baskets):
    itemsets = mining.frequent_itemsets(baskets, MIN_SUPPORT)
    return itemsets, rules.association_rules(itemsets, baskets.n)


def filter_change(table):
    """What a slider change costs once mined: thresholds, a search, pruning and the top 100 in words."""
    kept = rules.filter_rules(table, min_confidence=0.3, min_lift=2.0, consequent_contains="bag")
    kept = rules.prune_redundant(kept)
    return [rules.rule_sentence(row, "zh") for _, row in kept.head(100).iterrows()], len(kept)


def pyfim_part(baskets, ours_seconds: float, itemsets, table, runs: int, verdicts) -> None:
    try:
        import fim
    except ImportError as exc:
        print(f"skipped: pyfim is not installed ({exc}); `pip install pyfim` to compare with Borgelt's C code")
        return
    transactions = [sorted(s) for s in baskets.item_sets()]  # the same baskets, as pyfim takes them (untimed)
    least = mining.min_count(baskets.n, MIN_SUPPORT)
    best = None
    for name in ("fpgrowth", "eclat"):
        algorithm = getattr(fim, name)
        found = algorithm(transactions, target="s", supp=-least, zmin=1)
        times = [_common.timed(lambda a=algorithm: a(transactions, target="r", supp=-least, conf=0, zmin=2,
                                                    mode="o"))[1] for _ in range(runs)]
        made = algorithm(transactions, target="r", supp=-least, conf=0, zmin=2, mode="o")
        seconds = _common.median(times)
        best = seconds if best is None else min(best, seconds)
        print(f"pyfim {name} (itemsets and rules): {seconds:.3f} s (runs: {_common.seconds_list(times)}); "
              f"{len(found):,} itemsets, {len(made):,} rules with one item on the right")
    single = int((table["consequents"].map(len) == 1).sum())
    print(f"ours: {len(itemsets):,} itemsets, {len(table):,} rules of which {single:,} with one item on the right")
    ratio = ours_seconds / best
    verdicts.check("pyfim ratio", ratio <= PYFIM_RATIO,
                   f"ours / pyfim's faster = {ours_seconds:.3f} / {best:.3f} s = {ratio:.1f}x "
                   f"(target <= {PYFIM_RATIO:.0f}x)")


def mlxtend_part(baskets) -> None:
    import pandas as pd
    from mlxtend.frequent_patterns import fpgrowth

    dense = pd.DataFrame(baskets.matrix.toarray(), columns=list(baskets.items))
    found, seconds = _common.timed(lambda: fpgrowth(dense, min_support=MIN_SUPPORT, use_colnames=True))
    print(f"mlxtend fpgrowth on a dense frame ({dense.shape[0]:,} x {dense.shape[1]:,}), for information: "
          f"{seconds:.2f} s; {len(found):,} itemsets")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mlxtend", action="store_true", help="also time mlxtend's fpgrowth (about 11 s)")
    args = parser.parse_args()
    print("bench_rules: association rules on Online Retail")
    print(_common.machine_line())
    verdicts = _common.Verdicts()
    loaded = pipeline.load(_common.online_retail_bytes(), _common.ONLINE_RETAIL_NAME)  # skips without the data
    orders = loaded.result.orders
    builds = [_common.timed(lambda: build_baskets(orders))[1] for _ in range(args.runs)]
    baskets = build_baskets(orders)
    print(f"build_baskets (invoices, product level, returns left out): {_common.median(builds):.3f} s "
          f"(runs: {_common.seconds_list(builds)}); {baskets.n:,} baskets x {len(baskets.items):,} products; "
          f"memory estimate at {MIN_SUPPORT:.1%}: {mining.estimate_memory(baskets, MIN_SUPPORT) / 2**20:.1f} MB")
    mine_and_rules(baskets)  # first-call costs, untimed
    times = [_common.timed(lambda: mine_and_rules(baskets))[1] for _ in range(args.runs)]
    itemsets, table = mine_and_rules(baskets)
    ours = _common.median(times)
    lengths = itemsets["length"].value_counts().sort_index()
    print(f"mining + rules at support {MIN_SUPPORT:.1%}: {ours:.3f} s (runs: {_common.seconds_list(times)}); "
          f"{len(itemsets):,} itemsets (by length: {', '.join(f'{k}: {v:,}' for k, v in lengths.items())}), "
          f"{len(table):,} rules")
    verdicts.check("mining + rules", ours <= MINE_TARGET_S,
                   f"mining + rules {ours:.3f} s (target <= {MINE_TARGET_S:.0f} s)")
    changes = [_common.timed(lambda: filter_change(table))[1] for _ in range(args.runs)]
    _, shown = filter_change(table)
    change = _common.median(changes)
    print(f"filter change (confidence >= 30%, lift >= 2, consequent contains \"bag\", pruned, top 100 in words): "
          f"{change:.3f} s (runs: {_common.seconds_list(changes)}); {shown:,} rules kept")
    verdicts.check("filter change", change < FILTER_TARGET_S,
                   f"filter change {change:.3f} s (target < {FILTER_TARGET_S} s)")
    pyfim_part(baskets, ours, itemsets, table, args.runs, verdicts)
    if args.mlxtend:
        mlxtend_part(baskets)
    verdicts.exit()


if __name__ == "__main__":
    sys.exit(main())
