"""Labels of the Report page (app_pages/report.py, ui/report_view.py), merged into ui.i18n.TEXT:
key -> (English, Chinese).  Keys start with ``rp_`` (besides the page's ``nav_report``)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_report": ("Report", "客户报告"),
    "rp_intro": ("One click writes the whole analysis for your client, in the app's language: data quality, "
                 "segments, clusters, rules, churn list, lifetime value, campaign results and forecast, with the "
                 "choices you made on each page. Analysis date {date}.",
                 "一键生成给客户的完整分析报告（使用当前界面语言）：数据质量、客户分群、客户聚类、关联规则、流失名单、"
                 "终身价值、营销活动效果和销售预测，均采用您在各页面所做的设置。分析日期 {date}。"),
    "rp_sections": ("Sections", "报告包含的部分"),
    "rp_sections_help": ("Each section is computed with the same functions and settings as its page.",
                         "每个部分都使用与对应页面相同的计算方法和设置。"),
    "rp_pick_one": ("Choose at least one section.", "请至少选择一个部分。"),
    "rp_top_n": ("Customers per list", "每份名单的客户数"),
    "rp_top_n_help": ("Rows of the churn list and of the lifetime value list in the report.",
                      "报告中流失名单和终身价值名单显示的行数。"),
    "rp_include_personal": ("Include personal data", "包含个人信息"),
    "rp_personal_caption": ("Off: names, phones and e-mails are masked (e.g. 王**, 138****5678), as in an export. "
                            "Turn on only for a report that stays with people allowed to see them.",
                            "关闭时，姓名、电话和邮箱会像导出名单一样脱敏（如 王**、138****5678）。"
                            "只有报告仅供有权查看的人员使用时才开启。"),
    "rp_inputs": ("Campaign outcomes: {outcomes} · Sales for the forecast: {sales}",
                  "营销活动结果：{outcomes} · 预测所用销售数据：{sales}"),
    "rp_no_outcomes": ("none loaded (that section is skipped)", "未加载（该部分将略过）"),
    "rp_from_orders": ("the orders", "订单数据"),
    "rp_build": ("Build the report", "生成报告"),
    "rp_building": ("Building the report…", "正在生成报告…"),
    "rp_step": ("{n}/{total} {title}", "{n}/{total} {title}"),
    "rp_built": ("Report ready: {done} of {total} sections included ({seconds:.1f} s).",
                 "报告已生成：共 {total} 个部分，已包含 {done} 个（用时 {seconds:.1f} 秒）。"),
    "rp_section_done": ("✓ {title}", "✓ {title}"),
    "rp_section_skipped": ("– {title}: not included. {reason}", "– {title}：未包含。{reason}"),
    "rp_stale": ("The settings or data changed since this report was built: build it again to include the changes.",
                 "生成报告后设置或数据已更改：请重新生成以包含这些更改。"),
    "rp_download_html": ("Download HTML", "下载 HTML"),
    "rp_download_html_help": ("One self-contained page with the charts: opens offline in any browser, prints well.",
                              "包含图表的独立网页：可离线在任何浏览器中打开，适合打印。"),
    "rp_download_xlsx": ("Download Excel", "下载 Excel"),
    "rp_download_xlsx_help": ("A Contents sheet and one sheet per section.", "包含目录页，每个部分一个工作表。"),
    "rp_preview": ("Preview", "预览"),
}
