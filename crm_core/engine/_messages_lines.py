"""Messages of the engine path's lines part (merged by crm_core.engine._messages). Plain data, no import."""

LINES_MESSAGES: dict[str, dict[str, str]] = {
    "engl_out_of_memory": {
        "en": "DuckDB ran out of memory under the limit of {limit} (spill folder: {temp}). Give it more with "
              "--memory-limit (e.g. 4GB), make sure the spill folder (--temp-dir) is set and has free disk space, "
              "or use fewer threads. DuckDB said: {detail}",
        "zh": "DuckDB 在 {limit} 的内存上限内内存不足（溢出文件夹：{temp}）。请用 --memory-limit 调高上限"
              "（例如 4GB），确认已设置溢出文件夹（--temp-dir）且磁盘有空余空间，或减少线程数。DuckDB 的原话：{detail}",
    },
    "engl_city_filter": {
        "en": "The city filter ({cities}) needs the customer file, which the {engine} engine does not read: remove "
              "the city filter, or filter the order file by city before running it, or run a file under the pandas "
              "limit with --engine pandas and the customer file.",
        "zh": "按城市筛选（{cities}）需要客户资料文件，而 {engine} 引擎不读取客户资料：请去掉城市筛选，"
              "或先按城市筛选订单文件再运行；文件未超过 pandas 上限时，也可用 --engine pandas 并提供客户资料文件。",
    },
    "engl_scope_applied": {
        "en": "Only order lines with {filters} are counted; returns of customers with no purchase inside these "
              "filters are left out too.",
        "zh": "只计入符合筛选条件（{filters}）的订单行；在筛选范围内没有购买的客户，其退货行也不计入。",
    },
}
