"""The one column registry: every column a list, summary or table can show, with its labels and format.

A column's English and Chinese header, its kind and its number format live here and nowhere else: the list
builder and the writers (:mod:`crm_core.export`), the pipeline's workbooks and the app's tables
(``ui/fmt.py``) all read this table.  Adding a column is one line in :data:`REGISTRY`.

Kinds and what they mean
------------------------
money     an amount in the upload's currency (Excel ``#,##0.00``; shown with the currency sign)
mean      an average of days or orders (Excel ``#,##0.00``; shown with one decimal)
count     a whole number of customers, orders, days or lines (Excel ``#,##0``; shown with thousands separators)
score     an RFM score 1..5 (Excel ``#,##0``; shown as is)
percent   a fraction 0..1 (Excel ``0.0%``, so 0.125 shows 12.5%; the app shows it times 100 with one decimal)
ratio     a ratio such as a rule's lift (Excel ``0.00``; shown with two decimals)
fine      a small difference of shares such as a rule's leverage (Excel ``0.0000``; shown with four decimals)
date      a calendar day (Excel ``yyyy-mm-dd``; shown YYYY-MM-DD)
text      short text;  long_text  sentences (shown in a wide column);  id  an identifier (text, never summed)
flag      True/False
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_core.schema import FIELDS

__all__ = ["Column", "KINDS", "REGISTRY", "column", "excel_format", "label"]


@dataclass(frozen=True)
class Kind:
    """How a kind of column is formatted: ``excel`` is an Excel number format (None: the cell's own type);
    ``display`` is the app's format (a ``st.column_config.NumberColumn`` format, "date", "text" or "long_text")."""

    excel: str | None
    display: str


KINDS: dict[str, Kind] = {
    "money": Kind("#,##0.00", "money"),
    "mean": Kind("#,##0.00", "%.1f"),
    "count": Kind("#,##0", "localized"),
    "score": Kind("#,##0", "plain"),
    "percent": Kind("0.0%", "%.1f%%"),
    "ratio": Kind("0.00", "%.2f"),
    "fine": Kind("0.0000", "%.4f"),
    "date": Kind("yyyy-mm-dd", "date"),
    "text": Kind(None, "text"),
    "long_text": Kind(None, "long_text"),
    "id": Kind(None, "text"),
    "flag": Kind(None, "text"),
}


@dataclass(frozen=True)
class Column:
    """One registered column: canonical ``name``, header in English and Chinese, and its :data:`KINDS` key."""

    name: str
    en: str
    zh: str
    kind: str

    def label(self, lang: str) -> str:
        """The header in ``lang`` ("zh", else English)."""
        return self.zh if lang == "zh" else self.en

    @property
    def excel_format(self) -> str | None:
        return KINDS[self.kind].excel

    @property
    def display_format(self) -> str:
        return KINDS[self.kind].display


# Kinds of the upload's fields (crm_core.schema.FIELDS), whose labels come from the schema.
_FIELD_KINDS = {"order_date": "date", "signup_date": "date", "quantity": "count", "unit_price": "money",
                "amount": "money", "refund_amount": "money", "customer_id": "id", "order_id": "id", "phone": "id"}

_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # name, English, Chinese, kind
    # --- the customer table (crm_core.customers.customer_table) ---
    ("first_order_date", "First order", "首次购买日期", "date"),
    ("last_order_date", "Last order", "最近购买日期", "date"),
    ("recency_days", "Days since last order", "距上次购买天数", "count"),
    ("frequency", "Orders", "购买次数", "count"),
    ("orders_per_year", "Orders per year", "年均购买次数", "mean"),
    ("monetary", "Total spend", "消费总额", "money"),
    ("gross_sales", "Gross sales", "退货前销售额", "money"),
    ("returns_value", "Returns", "退货金额", "money"),
    ("avg_order_value", "Average order value", "客单价", "money"),
    ("items", "Items bought", "购买件数", "count"),
    ("lines", "Order lines", "订单行数", "count"),
    ("return_lines", "Return lines", "退货行数", "count"),
    ("tenure_days", "Days since first order", "距首次购买天数", "count"),
    ("top_category", "Top category", "最常购买品类", "text"),
    ("category_mix", "Favourite categories", "偏好品类", "text"),
    ("channel_mix", "Favourite channels", "偏好渠道", "text"),
    ("city_mix", "Cities", "城市分布", "text"),
    ("top_product", "Top product", "最常购买商品", "text"),
    ("previous_order_date", "Previous order", "上一次购买日期", "date"),
    ("longest_gap_days", "Longest gap between orders (days)", "最长购买间隔天数", "count"),
    ("avg_interval_days", "Avg. days between orders", "平均购买间隔天数", "mean"),
    # --- standard attributes and tags (crm_core.segment.tags) ---
    ("expected_next_order_date", "Expected next order", "预计下次购买日期", "date"),
    ("return_share", "Share returned", "退货占比", "percent"),
    ("tags", "Tags", "标签", "text"),
    # --- lifecycle stages, migration and cohorts (crm_core.segment.lifecycle, crm_core.segment.cohorts) ---
    ("stage", "Lifecycle stage key", "生命周期阶段代码", "id"),
    ("previous_stage", "Earlier lifecycle stage key", "之前的生命周期阶段代码", "id"),
    ("previous_segment", "Earlier segment key", "之前的分群代码", "id"),
    ("period_revenue", "Spend between the dates", "两个日期之间的消费额", "money"),
    ("from_group", "Group before", "之前的分组", "id"),
    ("to_group", "Group now", "现在的分组", "id"),
    ("from_share", "Share of the earlier group", "占之前分组的比例", "percent"),
    ("cohort", "Cohort (first purchase month)", "首购月份群组", "text"),
    ("months_since_first", "Months after the first purchase", "首购后第几个月", "count"),
    ("month", "Month", "月份", "text"),
    ("cohort_size", "Cohort size", "群组客户数", "count"),
    ("active_customers", "Customers buying", "当月购买客户数", "count"),
    ("retention", "Retention", "留存率", "percent"),
    ("complete_month", "Whole month", "完整月份", "flag"),
    ("new_customers", "New customers", "新客户数", "count"),
    ("returning_customers", "Returning customers", "回头客户数", "count"),
    ("new_revenue", "Revenue from new customers", "新客户销售额", "money"),
    ("returning_revenue", "Revenue from returning customers", "回头客户销售额", "money"),
    ("opted_out", "Opted out", "已退订", "flag"),
    # --- RFM scores and segments (crm_core.segment) ---
    ("r_score", "R score", "R 评分", "score"),
    ("f_score", "F score", "F 评分", "score"),
    ("m_score", "M score", "M 评分", "score"),
    ("fm_score", "FM score", "FM 评分", "score"),
    ("rfm_code", "RFM code", "RFM 代码", "text"),
    ("segment", "Segment key", "分群代码", "id"),
    ("segment_name", "Segment", "客户分群", "text"),
    # --- campaign lists (crm_core.export) ---
    ("offer", "Offer", "推荐优惠", "long_text"),
    ("suggested_channel", "Suggested channel", "建议触达渠道", "text"),
    ("reason", "Reason", "推荐理由", "long_text"),
    # --- segment summaries (crm_core.segment.rfm.segment_summary and the list summary) ---
    ("customers", "Customers", "客户数", "count"),
    ("customer_share", "Share of customers", "客户占比", "percent"),
    ("revenue", "Revenue", "销售额", "money"),
    ("revenue_share", "Share of revenue", "销售额占比", "percent"),
    ("avg_recency_days", "Avg. days since last order", "平均距上次购买天数", "mean"),
    ("avg_frequency", "Avg. orders", "平均购买次数", "mean"),
    ("avg_monetary", "Avg. spend", "平均消费额", "money"),
    ("description", "Description", "说明", "long_text"),
    ("action", "Suggested action", "建议行动", "long_text"),
    ("in_list", "In the list", "列入名单人数", "count"),
    ("left_out_opted_out", "Left out (opted out)", "未列入（已退订）", "count"),
    # --- excluded rows (crm_core.export.excluded_rows_table) ---
    ("excluded_reason", "Why excluded", "排除原因", "text"),
    ("row", "Row in file", "文件中的行号", "count"),
    ("source_file", "File", "文件", "text"),  # which file a row came from, when several were combined
    ("detail", "Detail", "详情", "text"),
    # --- clusters (crm_core.segment.clusters) ---
    ("cluster", "Cluster key", "客户群代码", "id"),
    ("cluster_name", "Cluster", "客户群", "text"),
    ("log_monetary", "Total spend (log)", "消费总额（对数）", "mean"),
    ("distinctive", "Most distinctive", "最突出的特征", "long_text"),
    ("feature", "Feature", "特征", "text"),
    ("feature_mean", "Cluster mean", "群内平均值", "mean"),
    ("overall_mean", "Overall mean", "全体平均值", "mean"),
    ("z_difference", "Difference (sd)", "差异（标准差）", "mean"),
    ("k", "Clusters (k)", "分群数量", "count"),
    ("inertia", "Inertia", "簇内平方和", "mean"),
    ("silhouette", "Silhouette", "轮廓系数", "mean"),
    ("suggested", "Suggested", "建议值", "flag"),
    ("pc1", "Component 1", "主成分一", "mean"),
    ("pc2", "Component 2", "主成分二", "mean"),
    # --- campaign builder (crm_core.segment.campaign) ---
    ("campaign_group", "Campaign group key", "活动分组代码", "id"),
    # --- cross-selling: rules, offers and bundles (crm_core.basket) ---
    ("antecedents", "If bought", "已购买（前项）", "text"),
    ("consequents", "Then also", "也会购买（后项）", "text"),
    ("support", "Support", "支持度", "percent"),
    ("confidence", "Confidence", "置信度", "percent"),
    ("lift", "Lift", "提升度", "ratio"),
    ("leverage", "Leverage", "杠杆率", "fine"),
    ("conviction", "Conviction", "确信度", "ratio"),
    ("antecedent_support", "Support of the first part", "前项支持度", "percent"),
    ("consequent_support", "Support of the second part", "后项支持度", "percent"),
    ("baskets", "Baskets", "购物篮数", "count"),
    ("itemset", "Items", "商品组合", "text"),
    ("length", "Items in it", "商品数", "count"),
    ("sentence", "In words", "规则说明", "long_text"),
    ("item", "Item", "商品", "text"),
    ("rank", "Rank", "排名", "count"),
    ("offer_item", "Product to offer", "推荐商品", "text"),
    ("offer_reason", "Why this product", "推荐依据", "long_text"),
    ("offer_confidence", "Confidence of the offer", "推荐置信度", "percent"),
    ("offer_lift", "Lift of the offer", "推荐提升度", "ratio"),
    ("offer_rule", "Rule", "规则", "text"),
    ("rule", "Rule", "规则", "text"),
    ("more_offers", "Also offer", "其他推荐", "long_text"),
    ("bundle", "Bundle", "商品组合", "text"),
    ("bundle_have", "Already bought", "已购买", "text"),
    ("bundle_item", "Missing item of the bundle", "组合中所缺商品", "text"),
    ("crosssell_list", "Cross-sell list key", "交叉销售名单代码", "id"),
    ("offers", "Offers", "推荐数", "count"),
    ("hits", "Bought later", "之后购买数", "count"),
    ("hit_rate", "Hit rate", "命中率", "percent"),
    ("popularity_hit_rate", "Hit rate of popular items", "热门商品命中率", "percent"),
    ("beats_popularity", "Beats popularity", "优于热门推荐", "flag"),
    # --- names of every grouping on one row (crm_core.segment.combined) ---
    ("rfm_segment_name", "RFM segment", "RFM 分群", "text"),
    ("stage_name", "Lifecycle stage", "生命周期阶段", "text"),
    # --- cluster features beyond the customer table (crm_core.segment.cluster_inputs) ---
    ("category_share", "Share of spend in category", "品类消费占比", "percent"),
    ("category_share_other", "Share of spend in other categories", "其他品类消费占比", "percent"),
    ("channel_share", "Share of spend via channel", "渠道消费占比", "percent"),
    ("channel_share_other", "Share of spend via other channels", "其他渠道消费占比", "percent"),
    ("signup_days", "Days since signup", "注册至今天数", "count"),
    # --- prediction: churn risk, campaign response, lifetime value (crm_core.predict) ---
    ("churn_risk", "Churn risk", "流失风险", "percent"),
    ("value_at_risk", "Value at risk", "风险价值", "money"),
    ("customer_value", "Customer value", "客户价值", "money"),
    ("churn_reasons", "Why at risk", "流失风险原因", "long_text"),
    ("churn_decile", "Churn risk decile", "流失风险十分位", "text"),
    ("response_propensity", "Response propensity", "响应概率", "percent"),
    ("response_decile", "Response decile", "响应概率十分位", "text"),
    ("clv", "Lifetime value", "客户终身价值", "money"),
    ("clv_decile", "Lifetime value decile", "终身价值十分位", "text"),
    ("prob_alive", "Chance still active", "仍活跃概率", "percent"),
    ("expected_purchases", "Expected purchases", "预计购买次数", "mean"),
    ("expected_order_value", "Expected order value", "预计客单价", "money"),
    ("quadrant", "Value and risk group", "价值与风险象限", "text"),
    ("retention_list", "Retention list key", "挽留名单代码", "id"),
)

REGISTRY: dict[str, Column] = {
    **{f.name: Column(f.name, f.label_en, f.label_zh, _FIELD_KINDS.get(f.name, "text"))
       for f in FIELDS if f.name != "consent"},
    **{row[0]: Column(*row) for row in _ROWS},
}


def column(name: str) -> Column | None:
    """The registry entry of canonical column ``name``, or None when it is not registered."""
    return REGISTRY.get(name)


def label(name: str, lang: str) -> str:
    """Header of canonical column ``name`` in ``lang`` ("zh", else English); unknown names stay as they are."""
    entry = REGISTRY.get(name)
    return name if entry is None else entry.label(lang)


def excel_format(name: str) -> str | None:
    """Excel number format of canonical column ``name`` (None: unknown, or a kind written as is)."""
    entry = REGISTRY.get(name)
    return None if entry is None else entry.excel_format
