"""Labels of the Clusters page, in English and Chinese (merged into :data:`ui.i18n.TEXT`; keys must be new)."""

TEXT: dict[str, tuple[str, str]] = {
    "clu_intro": (
        "Groups of customers who buy alike, found from the data (k-means). Pick how many groups, read what sets "
        "each apart, give them your own names and download a list.",
        "根据购买行为自动把相似的客户分成若干群（k-means 聚类）。选择分群数量，查看各群的突出特征，"
        "按需重新命名，并下载客户名单。",
    ),
    # features
    "clu_features": ("Features used for clustering ({n})", "聚类所用特征（{n} 个）"),
    "clu_features_help": (
        "Customers are grouped by these features. Numbers are scaled by their median and spread, so no single "
        "big spender dominates; attributes such as city become one yes/no column per value.",
        "按以下特征对客户分群。数值特征按中位数和四分位距缩放，个别大客户不会左右结果；城市等属性按取值拆成是/否列。",
    ),
    "clu_behaviour": ("Buying behaviour", "购买行为"),
    "clu_category_shares": ("Share of spend by category (top {n} and other)", "各品类消费占比（前 {n} 个品类及其他）"),
    "clu_channel_shares": ("Share of spend by channel (top {n} and other)", "各渠道消费占比（前 {n} 个渠道及其他）"),
    "clu_shares_help": (
        "For each customer, the part of their spend in each of the most common values (0–100%).",
        "每位客户在最常见的几个取值上的消费金额占其总消费的比例（0–100%）。",
    ),
    "clu_no_shares": ("This file has no such column with two or more values.", "此文件没有该列，或该列只有一个取值。"),
    "clu_attributes": ("Customer attributes", "客户属性"),
    "clu_attributes_help": (
        "Columns of the customer data with a few values (e.g. city, gender) or numbers (e.g. days since signup).",
        "客户资料中取值较少的列（如城市、性别）或数值列（如注册至今天数）。",
    ),
    "clu_pick_attributes": ("Choose attributes (optional)", "选择属性（可选）"),
    "clu_no_attributes": ("No customer attributes in this file", "此文件没有可用的客户属性"),
    "clu_apply": ("Apply features", "应用所选特征"),
    "clu_need_feature": ("Choose at least one feature.", "请至少选择一个特征。"),
    "clu_using": ("Clustering on: {features}.", "聚类特征：{features}。"),
    # k
    "clu_computing_guidance": ("Trying 2 to 10 clusters…", "正在试算 2 至 10 个分群…"),
    "clu_computing_fit": ("Finding {k} clusters…", "正在划分 {k} 个客户群…"),
    "clu_computing_map": ("Drawing the customer map…", "正在绘制客户分布图…"),
    "clu_k": ("Number of clusters (k)", "分群数量（k）"),
    "clu_k_help": ("Starts at the suggested number; 2 to 12.", "默认为建议的数量，可在 2 至 12 之间选择。"),
    "clu_use_suggested": ("Use the suggested k = {k}", "改用建议值 k = {k}"),
    "clu_guidance_title": ("How many clusters? The guidance", "分成几个群？参考指标"),
    "clu_suggested_sentence": (
        "Suggested: **k = {k}**, the elbow of the inertia curve: beyond it, more clusters explain little more. "
        "Check its silhouette: the higher, the better separated the clusters.",
        "建议 **k = {k}**：簇内平方和曲线的“肘部”，再增加群数带来的解释力已很有限。同时参考轮廓系数：越高，各群区分越清楚。",
    ),
    "clu_guidance_help": (
        "Silhouette (−1 to 1): how much closer customers are to their own cluster than to the next one; higher "
        "is better. Inertia: how spread out the clusters are; it always falls as k grows, so look for the "
        "“elbow” where it stops falling fast. The dashed line marks the k you chose.",
        "轮廓系数（−1 到 1）：客户离本群比离最近的其他群近多少，越高越好。簇内平方和：各群内部的分散程度，"
        "分群越多它越小，应留意下降明显变缓的“拐点”。虚线为当前选择的 k。",
    ),
    "clu_silhouette": ("Silhouette", "轮廓系数"),
    "clu_inertia": ("Inertia", "簇内平方和"),
    "clu_silhouette_title": ("Separation (silhouette, higher is better)", "区分度（轮廓系数，越高越好）"),
    "clu_inertia_title": ("Spread within clusters (inertia, look for the elbow)", "群内分散度（簇内平方和，看拐点）"),
    "clu_suggested_mark": ("suggested", "建议"),
    "clu_k_axis": ("Number of clusters (k)", "分群数量（k）"),
    # profiles
    "clu_profiles": ("The {k} clusters", "{k} 个客户群"),
    "clu_kpi_clusters": ("Clusters", "客户群数"),
    "clu_kpi_silhouette": ("Silhouette at this k", "当前 k 的轮廓系数"),
    "clu_silhouette_help": (
        "From −1 to 1: above 0.5 the clusters are clearly apart, around 0.25 they overlap noticeably.",
        "取值 −1 到 1：高于 0.5 表示各群界限清楚，0.25 左右表示有明显重叠。",
    ),
    "clu_kpi_suggested": ("Suggested k", "建议的 k"),
    "clu_rename": ("Rename the clusters", "重命名客户群"),
    "clu_rename_help": (
        "The names are made from what sets each cluster apart; type your own in either language (a blank cell "
        "keeps the automatic name). They are kept with the analysis and used in lists.",
        "名称根据各群的突出特征自动生成；可在任一语言列中输入自己的名称（留空则保留自动名称）。"
        "名称随分析一起保存，并用于导出名单。",
    ),
    "clu_reset_names": ("Back to the automatic names", "恢复自动名称"),
    "clu_views": ("View", "视图"),
    "clu_view_heatmap": ("Features against the average", "特征与整体对比"),
    "clu_view_map": ("Customer map", "客户分布图"),
    "clu_view_list": ("Download a list", "下载名单"),
    "clu_heatmap_help": (
        "Each cell shows the cluster's average; orange is above the average of all customers, blue below "
        "(in standard deviations, strongest at ±2).",
        "每格显示该群的平均值；橙色表示高于全体客户平均，蓝色表示低于平均（以标准差计，±2 时颜色最深）。",
    ),
    "clu_z_legend": ("Difference from all customers (sd)", "与全体客户的差异（标准差）"),
    "clu_cluster": ("Cluster", "客户群"),
    "clu_customer": ("Customer", "客户"),
    "clu_feature": ("Feature", "特征"),
    "clu_cluster_mean": ("Cluster average", "群内平均值"),
    "clu_overall_mean": ("All customers", "全体客户平均值"),
    "clu_meaning": ("What sets each cluster apart, and what to do", "各群的突出特征与建议行动"),
    "clu_distinctive": ("Most distinctive", "最突出的特征"),
    "clu_action": ("Suggested action", "建议行动"),
    "clu_channel": ("Suggested channel", "建议触达渠道"),
    "clu_map_help": (
        "Every dot is a customer, placed by the two directions in which the chosen features differ most "
        "(principal components); customers close together buy alike.",
        "每个点代表一位客户，位置由所选特征差异最大的两个方向（主成分）决定；距离越近，购买行为越相似。",
    ),
    "clu_map_sample": ("A random sample of {shown:,} of the {total:,} customers is shown.",
                       "图中随机抽取了 {total:,} 位客户中的 {shown:,} 位。"),
    "clu_pc1": ("Main direction of difference (component 1)", "主要差异方向（主成分一）"),
    "clu_pc2": ("Second direction of difference (component 2)", "次要差异方向（主成分二）"),
    "clu_list_clusters": ("Clusters in the list", "名单包含的客户群"),
    "clu_list_none": ("Choose at least one cluster for the list.", "请至少选择一个客户群。"),
}
