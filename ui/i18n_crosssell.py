"""Labels of the Cross-sell page (app_pages/crosssell.py, ui/crosssell_view.py), merged into ui.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_crosssell": ("Cross-sell", "交叉销售"),
    "xs_intro": ("What do customers buy together, and whom should you offer what? Rules found in the baskets, "
                 "customers one item short of a popular bundle, and each customer's next-best offers, checked "
                 "against later purchases.",
                 "顾客常把哪些商品一起买？该向谁推荐什么？这里从购物篮中找出关联规则、差一件就买齐热门组合的顾客，"
                 "以及每位顾客的下一最佳推荐，并用之后的真实购买检验推荐效果。"),
    # baskets
    "xs_baskets": ("Baskets: {words}", "购物篮：{words}"),
    "xs_level": ("Items", "商品层级"),
    "xs_level_product": ("Products", "商品"),
    "xs_level_category": ("Categories", "品类"),
    "xs_no_category": ("The orders have no category column: baskets hold products.",
                       "订单中没有品类列：购物篮按商品生成。"),
    "xs_by": ("One basket per", "购物篮单位"),
    "xs_by_order": ("Order", "每笔订单"),
    "xs_by_customer": ("Customer", "每位顾客"),
    "xs_by_help": ("Per order: what is bought in the same order. Per customer: everything a customer bought in the "
                   "period, also over several orders.",
                   "按订单：同一笔订单里一起买的商品。按顾客：顾客在期间内买过的所有商品（可跨多笔订单）。"),
    "xs_window": ("Period", "时间范围"),
    "xs_window_all": ("Whole analysis window", "整个分析期间"),
    "xs_window_months": ("Last {n} months", "最近 {n} 个月"),
    "xs_window_help": ("Baskets from this period before the analysis date (inside the analysis window and filters).",
                       "只用分析日期之前这段时间的购物篮（在分析期间和筛选范围内）。"),
    "xs_min_size": ("Fewest items per basket", "每个购物篮最少商品数"),
    "xs_min_size_help": ("Baskets with fewer distinct items are left out (2 drops single-item baskets).",
                         "少于此数量的购物篮不参与分析（设为 2 即排除只有一件商品的购物篮）。"),
    "xs_max_size": ("Most items per basket (0: no limit)", "每个购物篮最多商品数（0 表示不限）"),
    "xs_max_size_help": ("Baskets with more distinct items (wholesale orders) are left out.",
                         "超过此数量的购物篮（如批发订单）不参与分析。"),
    "xs_exclude": ("Leave out these items", "排除以下商品"),
    "xs_exclude_placeholder": ("e.g. carrier bags, postage", "例如：购物袋、运费"),
    "xs_exclude_help": ("Items that tell nothing about taste (carrier bags, postage, gift wrap). Pick them from the "
                        "list or type a name.", "与偏好无关的项目（购物袋、运费、礼品包装），可从列表选择或直接输入名称。"),
    "xs_excluding": ("{n} left out", "已排除 {n} 项"),
    "xs_apply": ("Apply", "应用"),
    # mining
    "xs_min_support": ("Minimum support", "最低支持度"),
    "xs_min_support_help": ("The share of baskets a combination must be in to count. Lower finds rarer "
                            "combinations, takes longer and gives more rules.",
                            "一个商品组合至少要出现在多大比例的购物篮中才被计入。调低可发现更少见的组合，但更耗时、规则更多。"),
    "xs_min_confidence": ("Minimum confidence", "最低置信度"),
    "xs_min_confidence_help": ("Of the baskets with the first part of a rule, the share that also hold the second.",
                               "含有规则前项的购物篮中，同时含有后项的比例。"),
    "xs_max_len": ("Most items per rule", "每条规则最多商品数"),
    "xs_max_len_help": ("Longer combinations are rarer and slower to find.", "组合越长越少见，查找也越慢。"),
    "xs_no_limit": ("No limit", "不限"),
    "xs_mining": ("Finding what is bought together…", "正在查找一起购买的商品…"),
    "xs_step_baskets": ("Building the baskets and counting the frequent combinations…",
                        "正在生成购物篮并统计常见组合…"),
    "xs_step_rules": ("Computing the rules…", "正在计算关联规则…"),
    "xs_mining_failed": ("Could not find the rules", "无法计算关联规则"),
    "xs_mined": ("{baskets:,} baskets · {items:,} items · {itemsets:,} frequent combinations · {rules:,} rules "
                 "(mined in {seconds:.2f} s)",
                 "{baskets:,} 个购物篮 · {items:,} 种商品 · {itemsets:,} 个常见组合 · {rules:,} 条规则"
                 "（用时 {seconds:.2f} 秒）"),
    "xs_n_baskets": ("Baskets", "购物篮数"),
    "xs_n_items_product": ("Products", "商品数"),
    "xs_n_items_category": ("Categories", "品类数"),
    "xs_avg_size": ("Items per basket (avg.)", "平均每篮商品数"),
    "xs_single_share": ("Single-item baskets", "单件购物篮占比"),
    "xs_single_share_help": ("Baskets with one item support no rule; many of them lower every support.",
                             "只有一件商品的购物篮无法形成规则；这类购物篮多时，所有组合的支持度都会偏低。"),
    "xs_ubiquitous": ("**{item}** is in {share:.0%} of the baskets: it turns up in many rules without saying much "
                      "about taste. Consider leaving it out.",
                      "**{item}** 出现在 {share:.0%} 的购物篮中：它会出现在很多规则里，却说明不了顾客偏好，建议排除。"),
    "xs_leave_out": ("Leave it out", "排除该商品"),
    # tabs
    "xs_filters": ("Which rules", "筛选规则"),
    "xs_tab_rules": ("📋 Rules", "📋 关联规则"),
    "xs_tab_charts": ("📊 Charts", "📊 图表"),
    "xs_tab_bundles": ("🧩 Bundle completion", "🧩 凑齐组合"),
    "xs_tab_offers": ("🎁 Next-best offers", "🎁 下一最佳推荐"),
    "xs_tab_holdout": ("✅ Hold-out check", "✅ 留出检验"),
    # rules
    "xs_min_lift": ("Minimum lift", "最低提升度"),
    "xs_min_lift_help": ("How many times more often the second part is bought with the first than on average; "
                         "above 1 means they go together. Also decides the offers.",
                         "同时购买后项的可能性是平均水平的多少倍；大于 1 表示两者相关。此项同时决定推荐。"),
    "xs_min_leverage": ("Minimum leverage", "最低杠杆率"),
    "xs_min_leverage_help": ("Support of the rule minus what it would be if the parts were unrelated.",
                             "规则的支持度减去两部分互不相关时的预期支持度。"),
    "xs_min_conviction": ("Minimum conviction", "最低确信度"),
    "xs_min_conviction_help": ("How much more often the rule would be wrong if the parts were unrelated; ∞ when it "
                               "never fails.", "若两部分互不相关，规则出错的频率会高出多少倍；从不出错时为 ∞。"),
    "xs_rule_len": ("Most items per rule shown", "显示规则的最多商品数"),
    "xs_if_contains": ("“If bought” contains", "前项包含"),
    "xs_then_contains": ("“Then also” contains", "后项包含"),
    "xs_any_item": ("Any item", "任意商品"),
    "xs_any_value": ("Any", "不限"),
    "xs_search": ("Search", "搜索"),
    "xs_search_placeholder": ("Part of an item name, on either side", "商品名称的一部分（前项或后项）"),
    "xs_sort": ("Sort by", "排序依据"),
    "xs_sort_lift": ("Lift", "提升度"),
    "xs_sort_confidence": ("Confidence", "置信度"),
    "xs_sort_support": ("Support", "支持度"),
    "xs_sort_leverage": ("Leverage", "杠杆率"),
    "xs_sort_conviction": ("Conviction", "确信度"),
    "xs_sort_count": ("Baskets", "购物篮数"),
    "xs_prune": ("Prune redundant rules", "去除冗余规则"),
    "xs_prune_help": ("Drop each rule no better than a more general one (same second part, fewer items first, at "
                      "least the same confidence). Also applies to the offers.",
                      "去掉不比更一般规则更好的规则（后项相同、前项更少、置信度不低于它）。同时作用于推荐。"),
    "xs_rules_count": ("{shown:,} of {total:,} rules shown.", "显示 {shown:,} / {total:,} 条规则。"),
    "xs_offers_use": ("Offers use the rules with {words}.", "推荐使用的规则：{words}。"),
    "xs_no_rules": ("No rule meets these thresholds. Lower the minimum support or confidence, or widen the filters.",
                    "没有满足这些条件的规则。请调低最低支持度或置信度，或放宽筛选条件。"),
    "xs_conviction_label": ("Conviction", "确信度"),
    "xs_first_rows": ("The first {n:,} rows are shown; the download holds them all.",
                      "页面显示前 {n:,} 行；下载文件包含全部。"),
    "xs_sheet_rules": ("Rules", "规则"),
    "xs_download_rules": ("Download the rules (Excel)", "下载规则（Excel）"),
    # bundles
    "xs_bundles_pick": ("Bundles to complete", "要凑齐的组合"),
    "xs_bundle_option": ("{bundle} ({share:.1%} of baskets)", "{bundle}（{share:.1%} 的购物篮）"),
    "xs_bundles_help": ("Popular combinations, most frequent first. Customers who bought all of one but a single "
                        "item are offered that item.", "热门组合，按出现频率排序。买了组合中除一件以外所有商品的顾客，会被推荐所缺的那件。"),
    "xs_bundles_placeholder": ("Choose one or more bundles", "选择一个或多个组合"),
    "xs_no_bundles": ("Choose a bundle to see who is one item short of it.", "请选择组合，查看差一件就能买齐的顾客。"),
    "xs_bundle_customers": ("Customers to offer", "可推荐顾客"),
    "xs_bundle_rows": ("Offers", "推荐条数"),
    "xs_bundle_count": ("Bundles", "组合数"),
    "xs_bundle_nobody": ("No customer is one item short of these bundles.", "没有顾客差一件就能买齐这些组合。"),
    "xs_bundle_list": ("Download the bundle-completion list", "下载凑齐组合名单"),
    # offers
    "xs_offers_n": ("Offers per customer", "每位顾客推荐数"),
    "xs_offers_n_help": ("The top products from the rules that match the customer's purchases, not yet bought.",
                         "从与顾客购买记录相符的规则中选出的、尚未购买的前几件商品。"),
    "xs_no_offers": ("No rule matches a customer's purchases. Lower the thresholds to get offers.",
                     "没有规则与顾客的购买记录相符。请调低阈值以获得推荐。"),
    "xs_offer_customers": ("Customers with an offer", "获得推荐的顾客"),
    "xs_offer_rows": ("Offers", "推荐条数"),
    "xs_offer_products": ("Products offered", "推荐的商品种类"),
    "xs_offers_flagged": ("{n:,} offers come from rules that did not beat popular items in the hold-out check "
                          "(marked ⚠️).", "有 {n:,} 条推荐来自在留出检验中未胜过热门商品的规则（标记为 ⚠️）。"),
    "xs_untested": ("not tested", "未检验"),
    "xs_reason_label": ("Why", "推荐理由"),
    "xs_checked_label": ("Beats popularity", "优于热门推荐"),
    "xs_offer_list": ("Download the next-best-offer list", "下载下一最佳推荐名单"),
    # Customer 360
    "xs_c360_none": ("No rule matches this customer's purchases: no offer.",
                     "没有规则与该顾客的购买记录相符，暂无推荐。"),
    "xs_c360_unavailable": ("No offers: {detail}", "暂无推荐：{detail}"),
    "xs_c360_source": ("From the rules of the Cross-sell page ({words}).", "依据“交叉销售”页的规则（{words}）。"),
    # hold-out
    "xs_holdout_months": ("Months held out", "留出月数"),
    "xs_holdout_help": ("The rules are found on the purchases before this period, then their offers are compared "
                        "with what customers actually bought in it.",
                        "先用这段时间之前的购买找出规则，再把推荐与顾客在这段时间内的实际购买对比。"),
    "xs_holdout_intro": ("Rules fitted on the purchases before {split}; offers (top {n}) compared with the purchases "
                         "from {split} to {as_of}, against offering each customer the most popular items they have "
                         "not bought.",
                         "用 {split} 之前的购买找出规则；把推荐（前 {n} 个）与 {split} 至 {as_of} 的实际购买对比，"
                         "并与“向每位顾客推荐其未买过的最热门商品”进行比较。"),
    "xs_holdout_running": ("Checking the offers on later purchases…", "正在用之后的购买检验推荐…"),
    "xs_holdout_impossible": ("The hold-out check cannot run: {detail}", "无法进行留出检验：{detail}"),
    "xs_holdout_nobody": ("No customer with an offer bought anything after the split: nothing to check. Hold out "
                          "more months.", "获得推荐的顾客在分割日之后都没有购买，无法检验。请增加留出月数。"),
    "xs_holdout_customers": ("Customers checked", "检验顾客数"),
    "xs_holdout_rate": ("Hit rate at {n} (rules)", "前 {n} 个命中率（规则）"),
    "xs_holdout_baseline": ("Hit rate at {n} (popular items)", "前 {n} 个命中率（热门商品）"),
    "xs_holdout_beats": ("The rules' offers beat popular items: {rate:.1%} of the customers checked bought an "
                         "offered product, against {base:.1%}.",
                         "规则推荐优于热门商品：{rate:.1%} 的检验顾客买了推荐的商品，热门商品推荐为 {base:.1%}。"),
    "xs_holdout_loses": ("The rules' offers do not beat popular items here: {rate:.1%} of the customers checked "
                         "bought an offered product, against {base:.1%} for popular items. Prefer the rules marked "
                         "as beating popularity, or try other thresholds.",
                         "此处规则推荐未能胜过热门商品：{rate:.1%} 的检验顾客买了推荐的商品，热门商品推荐为 "
                         "{base:.1%}。请优先使用标记为“优于热门推荐”的规则，或尝试其他阈值。"),
    "xs_holdout_rules": ("Per rule ({n:,} rules used, {losing:,} not beating popular items):",
                         "按规则（共使用 {n:,} 条规则，其中 {losing:,} 条未胜过热门商品）："),
}
