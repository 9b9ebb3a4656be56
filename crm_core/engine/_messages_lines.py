"""Messages of the engine path's lines part (merged by crm_core.engine._messages). Plain data, no import."""

LINES_MESSAGES: dict[str, dict[str, str]] = {
    "engl_scope_applied": {
        "en": "Only order lines with {filters} are counted; returns of customers with no purchase inside these "
              "filters are left out too.",
        "zh": "只计入符合筛选条件（{filters}）的订单行；在筛选范围内没有购买的客户，其退货行也不计入。",
    },
}
