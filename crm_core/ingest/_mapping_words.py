"""Header words and note wordings behind :mod:`crm_core.ingest.mapping` (tables only, no logic).

Kept apart so the proposer stays readable; every name here is re-exported by :mod:`crm_core.ingest.mapping`.
"""

from __future__ import annotations

import re

from crm_core.messages import Localized
from crm_core.schema import ACCOUNT_SYNONYMS, FIELD_BY_NAME, normalize_header

# Words that, inside a header, rule out a field by partial match (a refund or postage is not the amount).
NEVER_PARTIAL: dict[str, tuple[str, ...]] = {
    "amount": ("refund", "退款", "邮费", "运费", "shipping", "tax", "税", "discount", "优惠", "折扣", "抵扣", "积分",
               "红包", "服务费", "balance", "余额", "rabatt", "erstattung", "versand", "steuer", "remise", "frais",
               "taxe", "descuento", "impuesto", "envío", "送料", "割引", "返金", "points", "name", "名称"),
    # A header naming a name is text ("Price Point Name"), whatever number word it holds.
    "unit_price": ("total", "compare", "合计", "总价", "gesamt", "name", "名称"),
    "order_date": ("ship", "deliver", "发货", "签收", "完成", "关闭", "cancel", "fulfil", "注册", "signup", "birth",
                   "生日", "update", "modified", "refund", "退款"),
    "customer_id": ("type", "类型", "level", "等级", "name", "姓名", "名称"),
    "quantity": ("refund amount", "name", "名称"),
}
ADDRESS_HEADERS = (
    "address", "billing address", "shipping address", "address 1&2 (billing)", "billing address1", "street",
    "收货地址", "客户地址", "详细收货地址/提货地址", "详细地址", "地址", "adresse", "anschrift", "dirección",
    "direccion",
    "住所",
)
PAYMENT_TIME_SYNONYMS = frozenset(normalize_header(s) for s in (
    "paid at", "paid date", "付款时间", "支付时间", "买家付款时间", "订单付款时间", "付款确认时间"))
HOW = {
    "repeated": Localized("repeated on every line of the order", "在订单的每一行重复"),
    "first_line": Localized("written on the order's first line only", "只写在订单的第一行"),
}
# Headers that say "customer number" outright (exact customer_id synonyms, not buyer accounts): trusted
# even when most rows are blank, since a shop's walk-ins simply have none.
CUSTOMER_ID_HEADERS = frozenset(normalize_header(s) for s in FIELD_BY_NAME["customer_id"].synonyms) \
    - frozenset(normalize_header(s) for s in ACCOUNT_SYNONYMS)
# Words in a money header that make an order-level figure what the buyer paid or owes (JD 应付金额,
# 实付金额), not a list-price total (订单金额, Shopify Total, WooCommerce Order Total Amount).
PAID_WORDS = re.compile(r"应付|实付|支付|(?<![a-z])(?:paid|payable)(?![a-z])")
SHARED = Localized("shared among the order's lines in proportion to quantity × unit price",
               "按数量 × 单价的比例分摊到订单的各行")
ONCE = Localized("counted once per order", "每个订单只计一次")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
