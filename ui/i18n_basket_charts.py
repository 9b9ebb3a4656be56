"""Labels of the Cross-sell page's charts, in English and Chinese (merged into :data:`ui.i18n.TEXT`; keys must be
new)."""

TEXT: dict[str, tuple[str, str]] = {
    # rules scatter
    "bc_scatter_title": ("Rules: how common against how reliable", "规则：常见程度与可靠程度"),
    "bc_scatter_subtitle": (
        "Each point is a rule; darker: higher lift; bigger: more baskets",
        "每个点是一条规则；颜色越深提升度越高，点越大涉及的购物篮越多",
    ),
    "bc_scatter_capped": (
        "Showing the {shown:,} rules with the highest lift, of {total:,}",
        "仅显示提升度最高的 {shown:,} 条规则（共 {total:,} 条）",
    ),
    "bc_support": ("Support (share of baskets)", "支持度（占购物篮比例）"),
    "bc_confidence": ("Confidence", "置信度"),
    "bc_lift": ("Lift", "提升度"),
    "bc_conviction": ("Conviction", "确信度"),
    "bc_rule": ("Rule", "规则"),
    "bc_baskets": ("Baskets", "购物篮数"),
    "bc_selected": ("Selected rule", "选中的规则"),
    "bc_no_rules": (
        "No rules at these thresholds: lower the minimum support or confidence.",
        "当前阈值下没有规则：请降低最小支持度或最小置信度。",
    ),
    # network
    "bc_network_title": ("Items linked by the top {n} rules (by lift)", "提升度最高的 {n} 条规则所关联的商品"),
    "bc_network_subtitle": (
        "Bigger circle: linked to more items; thicker, darker line: higher lift",
        "圆越大：关联的商品越多；连线越粗越深：提升度越高",
    ),
    "bc_item": ("Item", "商品"),
    "bc_links": ("Linked items", "关联商品数"),
    "bc_item_support": ("Support", "支持度"),
    "bc_pair": ("Items", "商品组合"),
    # top items and pairs
    "bc_top_items_title": ("Items in the most baskets", "出现在最多购物篮中的商品"),
    "bc_top_items_subtitle": ("Top {n} of {items:,} items, {baskets:,} baskets", "共 {items:,} 种商品中的前 {n} 种，"
                              "{baskets:,} 个购物篮"),
    "bc_share_baskets": ("Share of baskets", "占购物篮比例"),
    "bc_no_items": ("No baskets to show.", "没有可显示的购物篮。"),
    "bc_top_pairs_title": ("Pairs bought together most often", "最常一起购买的商品组合"),
    "bc_top_pairs_subtitle": ("Top {n} of {pairs:,} frequent pairs", "共 {pairs:,} 个常见组合中的前 {n} 个"),
    "bc_no_pairs": (
        "No pair of items reaches the minimum support: lower it to see pairs.",
        "没有商品组合达到最小支持度：请降低最小支持度。",
    ),
}
