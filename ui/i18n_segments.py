"""Labels shared by the pages of the segmentations beyond RFM (navigation, common words), in English and Chinese
(merged into :data:`ui.i18n.TEXT`; keys must be new)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_clusters": ("Clusters", "客户聚类"),
    "nav_lifecycle": ("Lifecycle & cohorts", "生命周期与同期群"),
    "nav_customer360": ("Customer 360", "客户360画像"),
    "nav_campaign": ("Campaign builder", "营销活动名单"),
    "segments_scope_note": (
        "Customers as on the RFM page: analysis date {date}, {scope}.",
        "客户范围与“RFM 分群”页相同：分析日期 {date}，{scope}。",
    ),
}
