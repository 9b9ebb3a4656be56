"""Order statuses as the shop platforms write them: which ones are not purchases, which ones are returns.

Only paid or completed orders are purchases.  An order that was closed, cancelled, voided, never paid
(or only authorised), fully refunded, failed or is still a draft is excluded, each status counted
separately in the report.  Paid orders that are not finished yet (Taobao 买家已付款，等待卖家发货 /
卖家已发货，等待买家确认, WooCommerce Processing, Youzan 待发货) and Shopify ``partially_refunded`` (a
purchase with a refund, netted through the refund column) are purchases.

Platforms and shop tools write many more statuses than any list holds, so a status not listed is also
excluded when it contains a clear cancellation, closing or failure word (:data:`CANCELLATION_WORDS`)
and no paid / partial-refund word (:data:`PAID_WORDS`); every status counted as a purchase is named in
a note (with its lines), so none is counted silently.

A status row that records a refund event (Square's Event Type ``Refund``) is a return, not an
exclusion: it is netted from the customer's spend like a negative line.

Statuses are compared by :func:`status_key`: NFKC, lower case, a ``wc-`` prefix (how WooCommerce
stores them) dropped, and blanks, underscores, hyphens and punctuation removed, so ``Pending payment``,
``pending_payment``, ``wc-pending`` and ``PENDING`` match the listed words, and ``卖家已发货，等待买家确认``
matches whichever comma the export used.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# Not purchases.  English words cover Shopify's financial status, WooCommerce's order status and the
# generic words of other tools; the Chinese ones are Taobao/Tmall, JD (京东) and Youzan (有赞).
EXCLUDED_STATUSES: tuple[str, ...] = (
    # generic / several platforms
    "cancelled", "canceled", "closed", "voided", "void", "unpaid", "pending", "refunded", "failed", "declined",
    # Shopify financial status (authorised but never captured is not paid; expired authorisations neither)
    "authorized", "authorised", "expired",
    # WooCommerce (also stored as wc-pending, wc-on-hold, wc-checkout-draft ...)
    "pending payment", "on hold", "draft", "checkout draft", "trash",
    # Taobao / Tmall
    "交易关闭", "等待买家付款", "交易失败",
    # JD
    "已取消", "等待付款", "锁定", "已锁定",
    # Youzan
    "已关闭", "待付款", "待支付",
    # generic Chinese
    "关闭", "取消", "订单取消", "未付款", "未支付", "已退款", "退款成功", "全额退款", "作废", "已作废", "支付失败",
)

# A status not on the list above is still not a purchase when it contains one of these words
# ("订单已取消", "退款成功，交易关闭", "Canceled by customer", "Payment failed") ...
CANCELLATION_WORDS = re.compile(r"取消|关闭|作废|失败|未付款|待付款|cancel|void|fail|declin|unpaid")
# ... unless it also says the order was paid or only partly refunded ("partially_refunded",
# "部分退款", "已付款，取消中"): those are purchases (a partial refund is netted via the refund column).
PAID_WORDS = re.compile(r"partial|部分|已付款|已支付|(?<!un)paid")

# Rows that are refund events (a return), not order states: Square "Event Type" = Refund.
RETURN_STATUSES: tuple[str, ...] = ("refund", "return", "退货")

_WC_PREFIX = re.compile(r"^wc-")
_IGNORED = re.compile(r"[\s_\-,，、.。·:：;；/()（）]+")


def status_key(text: str) -> str:
    """The form statuses are compared in (see the module docstring).

    >>> status_key(" wc-On-Hold "), status_key("Pending_Payment"), status_key("卖家已发货，等待买家确认")
    ('onhold', 'pendingpayment', '卖家已发货等待买家确认')
    """
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _IGNORED.sub("", _WC_PREFIX.sub("", folded))


def status_keys(statuses) -> frozenset[str]:
    """:func:`status_key` of each listed status (empty ones dropped)."""
    return frozenset(k for k in (status_key(s) for s in statuses) if k)


def matches(values: pd.Series, keys: frozenset[str]) -> pd.Series:
    """Per distinct status text: whether its key is one of ``keys`` (missing cells never match).

    ``values`` holds few distinct texts (a status column has a handful), so a per-value loop is cheap.
    """
    return pd.Series([isinstance(v, str) and status_key(v) in keys for v in values], index=values.index, dtype=bool)


def cancelled_by_word(values: pd.Series) -> pd.Series:
    """Per distinct status text: whether it reads as cancelled / closed / failed / unpaid by its words.

    >>> cancelled_by_word(pd.Series(["订单已取消", "Canceled by customer", "partially_refunded", "交易成功"])).tolist()
    [True, True, False, False]
    """
    def test(v) -> bool:
        if not isinstance(v, str):
            return False
        key = status_key(v)
        return bool(CANCELLATION_WORDS.search(key)) and not PAID_WORDS.search(key)

    return pd.Series([test(v) for v in values], index=values.index, dtype=bool)
