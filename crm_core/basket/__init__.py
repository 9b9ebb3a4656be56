"""Cross-selling: baskets (:mod:`.baskets`), frequent itemsets (:mod:`.mining`) and association rules (:mod:`.rules`).

Import the modules themselves (``from crm_core.basket import baskets, mining, rules``): nothing is loaded here, so
importing the package costs nothing.
"""
