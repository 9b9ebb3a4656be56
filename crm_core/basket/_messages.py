"""Messages of cross-selling (baskets, frequent itemsets, rules).

Plain data (no import from crm_core), merged into :data:`crm_core.messages.MESSAGES`; the same rules hold:
every entry in English and Chinese, each in its own language.
"""

BASKET_MESSAGES: dict[str, dict[str, str]] = {
    "basket_too_big": {
        "en": "Finding what is bought together here would need about {need_mb:,.0f} MB of memory (limit "
              "{limit_mb:,.0f} MB): {items:,} items each in at least {min_count:,} of the {baskets:,} baskets. "
              "Raise the minimum support (e.g. to {suggested:.2%}), use the category level instead of products, or "
              "choose a shorter period.",
        "zh": "在这里查找一起购买的商品大约需要 {need_mb:,.0f} MB 内存（上限 {limit_mb:,.0f} MB）："
              "共 {items:,} 个商品，每个至少出现在 {baskets:,} 个购物篮中的 {min_count:,} 个里。"
              "请提高最低支持度（例如到 {suggested:.2%}）、改按品类而不是按商品分析，或选择更短的时间段。",
    },
    "basket_too_many_itemsets": {
        "en": "More than {limit:,} combinations of items reach the minimum support of {support:.2%}: too many to "
              "mine quickly or to read. Raise the minimum support (e.g. to {suggested:.2%}), use the category level "
              "instead of products, choose a shorter period, or limit the number of items per combination.",
        "zh": "超过 {limit:,} 个商品组合达到了 {support:.2%} 的最低支持度，数量太多，既无法快速计算，也无法阅读。"
              "请提高最低支持度（例如到 {suggested:.2%}）、改按品类而不是按商品分析、选择更短的时间段，"
              "或限制每个组合的商品数。",
    },
    "basket_too_many_rules": {
        "en": "The frequent itemsets would give {rules:,} candidate rules, more than the {limit:,} that can be "
              "computed quickly. Raise the minimum support, use the category level instead of products, choose a "
              "shorter period, or limit the number of items per rule.",
        "zh": "这些频繁项集会产生 {rules:,} 条候选规则，超过了可快速计算的 {limit:,} 条。"
              "请提高最低支持度、改按品类而不是按商品分析、选择更短的时间段，或限制每条规则的商品数。",
    },
    "basket_bad_support": {
        "en": "The minimum support must be a share above 0 and at most 1 (e.g. 0.01 for 1%), not {value}.",
        "zh": "最低支持度应为大于 0、不超过 1 的比例（例如 0.01 表示 1%），而不是 {value}。",
    },
    "basket_bad_option": {
        "en": "The basket option {option} cannot be {value}. Choose one of: {choices}.",
        "zh": "购物篮选项 {option} 不能是 {value}。请从以下选项中选择：{choices}。",
    },
    "basket_no_category": {
        "en": "The orders have no category column, so baskets cannot be built at the category level. Map a "
              "category column, or build baskets of products.",
        "zh": "订单中没有品类列，无法按品类生成购物篮。请对应一个品类列，或改为按商品生成购物篮。",
    },
    "basket_none": {
        "en": "No basket is left to analyse ({lines:,} order lines used). Lower the minimum basket size, remove "
              "exclusions, or choose a longer period.",
        "zh": "没有可分析的购物篮（使用了 {lines:,} 行订单）。"
              "请降低最小购物篮大小、减少排除的商品，或选择更长的时间段。",
    },
}
