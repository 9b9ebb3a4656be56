"""Messages of the client report (crm_core.measure.report):
code -> {"en": ..., "zh": ...}, merged into :data:`crm_core.messages.MESSAGES`."""

REPORT_MESSAGES: dict[str, dict[str, str]] = {
    "rp_unknown_section": {
        "en": "The report has no section \u201c{section}\u201d. Choose among: {known}.",
        "zh": "报告中没有\u201c{section}\u201d这一部分。请从以下部分中选择：{known}。",
    },
    "rp_no_sections": {
        "en": "No section is chosen for the report. Choose at least one, e.g. data_quality or segments.",
        "zh": "没有为报告选择任何部分。请至少选择一个部分，例如\u201cdata_quality\u201d（数据质量）或"
              "\u201csegments\u201d（客户分群）。",
    },
    "rp_bad_top_n": {
        "en": "The number of customers listed per list must be a whole number from 1 to {most}, not {value}.",
        "zh": "每份名单列出的客户数必须是 1 到 {most} 之间的整数，不能是 {value}。",
    },
    "rp_bad_out": {
        "en": "The report is written as HTML or Excel: --out must end in .html or .xlsx, not \u201c{path}\u201d.",
        "zh": "报告只能保存为网页或 Excel 文件：--out 的文件名必须以\u201c.html\u201d或 .xlsx 结尾，"
              "而不是\u201c{path}\u201d。",
    },
    "rp_skip_no_clusters": {
        "en": "Clusters are turned off in the analysis settings. Turn them on on the Clusters page and save the "
              "analysis again.",
        "zh": "分析设置中未启用客户聚类。请在\u201c客户聚类\u201d页面启用后重新保存分析。",
    },
    "rp_skip_no_outcomes": {
        "en": "No campaign outcomes were given. Upload them on the Campaign results page (or give --outcomes "
              "FILE to the command line) to add this section.",
        "zh": "没有提供营销活动结果。请在\u201c活动效果\u201d页面上传（命令行请使用 --outcomes 文件），"
              "即可加入这一部分。",
    },
    "rp_skip_unavailable": {
        "en": "This section is not available in this version of the app ({part}).",
        "zh": "当前版本的应用尚不支持这一部分（{part}）。",
    },
    "rp_skip_failed": {
        "en": "This section could not be computed ({error}). The other sections are complete; check the data "
              "this section reads.",
        "zh": "这一部分无法计算（{error}）。其他部分不受影响；请检查这一部分所用的数据。",
    },
    "rp_skip_empty": {
        "en": "There is nothing to show: {what}.",
        "zh": "没有可显示的内容：{what}。",
    },
}
REPORT_MESSAGES.update({
    "rp_sales_no_columns": {
        "en": "The sales file {name} needs a date column and a {measure} column; found: {found}. Name them "
              "\u201cdate\u201d and \u201c{measure}\u201d and try again.",
        "zh": "销售数据文件 {name} 需要一个日期列和一个{measure}列；现有列：{found}。请将它们命名为\u201c日期\u201d和"
              "\u201c{measure}\u201d后重试。",
    },
})
