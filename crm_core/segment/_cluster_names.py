"""Automatic bilingual names, descriptions and advice for K-means clusters (used by :mod:`crm_core.segment.clusters`).

A cluster is named from its standing against all customers, in z units: (cluster mean - overall mean) /
overall standard deviation of the feature.  A standing beyond :data:`STANDING` (half a standard deviation)
counts as "high" or "low"; half a standard deviation is a difference a marketer can see in the averages
without being a quirk of a few customers.
"""

from __future__ import annotations

from collections.abc import Mapping

from crm_core.columns import label

# |z| above this is "high"/"low" (in standard deviations of the feature over all customers).
STANDING = 0.5

# Status (life-cycle reading) and behaviour (value reading): key -> (English, Chinese).
_STATUS = {
    "dormant": ("Dormant", "休眠"),
    "new": ("New", "新客"),
}
_BEHAVIOUR = {
    "big_spenders": ("big spenders", "高价值"),
    "frequent_low_ticket": ("frequent, low ticket", "高频低客单价"),
    "infrequent_high_ticket": ("infrequent, high ticket", "低频高客单价"),
    "frequent": ("frequent", "高频"),
    "high_ticket": ("high ticket", "高客单价"),
    "low_value": ("low value", "低价值"),
    "low_ticket": ("low ticket", "低客单价"),
    "infrequent": ("infrequent", "低频"),
    "average": ("average", "普通"),
}
# Suggested action and channel per reading (the status, when there is one, decides: a dormant big spender
# must first be won back).
_ADVICE = {
    "dormant": (("Win them back with a personal offer before they lapse for good.", "用专属优惠召回，避免彻底流失。"),
                ("SMS, email", "短信、邮件")),
    "new": (("Send a welcome series and bring them to a second order.", "发送欢迎礼遇，促成第二次购买。"),
            ("Email, app push", "邮件、应用推送")),
    "big_spenders": (("Look after them: early access and service, no discounts needed.",
                      "重点维护：新品优先购和专属服务，无需折扣。"),
                     ("Personal contact (phone, WeChat)", "专属顾问（电话、微信）")),
    "frequent_low_ticket": (("Raise the basket with bundles and spend thresholds.", "用组合装和满减提高客单价。"),
                            ("App push, WeChat", "应用推送、微信")),
    "infrequent_high_ticket": (("Remind them sooner: replenishment cues and new arrivals.",
                                "通过补货提醒和新品推荐缩短回购间隔。"),
                               ("Email", "邮件")),
}
_DEFAULT_ADVICE = (("Keep them in the regular campaigns.", "纳入常规营销活动。"), ("Email", "邮件"))

# Profile features with words of their own (the rest use the column registry's header).
_FEATURE_WORDS = {"log_monetary": ("Total spend (log)", "消费总额（对数）")}


def feature_label(name: str, lang: str) -> str:
    """A profile feature in words: a registered column's header, ``channel=线上`` as "channel: 线上"."""
    if name in _FEATURE_WORDS:
        return _FEATURE_WORDS[name][1 if lang == "zh" else 0]
    if "=" in name:
        column, value = name.split("=", 1)
        return f"{label(column, lang)}{'：' if lang == 'zh' else ': '}{value}"
    return label(name, lang)


def reading(z: Mapping[str, float]) -> tuple[str | None, str]:
    """The (status, behaviour) keys of a cluster from its z-differences by feature name.

    Rules, in order (features absent from ``z`` count as average):

    - status: ``dormant`` when days since the last order are high (z > 0.5); else ``new`` when the days since
      the first order are low (z < -0.5);
    - behaviour: ``big_spenders`` when spend and orders are both high; ``frequent_low_ticket`` when orders are
      high and the average order value low; ``infrequent_high_ticket`` the other way round; then ``frequent``,
      ``high_ticket``, ``low_value``, ``low_ticket``, ``infrequent`` on one feature; else ``average``.
    """
    def high(name: str) -> bool:
        return z.get(name, 0.0) > STANDING

    def low(name: str) -> bool:
        return z.get(name, 0.0) < -STANDING

    status = "dormant" if high("recency_days") else "new" if low("tenure_days") else None
    spend = "log_monetary" if "log_monetary" in z else "monetary"
    if high(spend) and high("frequency"):
        behaviour = "big_spenders"
    elif high("frequency") and low("avg_order_value"):
        behaviour = "frequent_low_ticket"
    elif low("frequency") and high("avg_order_value"):
        behaviour = "infrequent_high_ticket"
    elif high("frequency"):
        behaviour = "frequent"
    elif high("avg_order_value"):
        behaviour = "high_ticket"
    elif low(spend):
        behaviour = "low_value"
    elif low("avg_order_value"):
        behaviour = "low_ticket"
    elif low("frequency"):
        behaviour = "infrequent"
    else:
        behaviour = "average"
    return status, behaviour


def name(status: str | None, behaviour: str) -> tuple[str, str]:
    """(English, Chinese) name: "Dormant, low value" / "休眠·低价值"; the status alone when behaviour is average."""
    en, zh = _BEHAVIOUR[behaviour]
    if status is None:
        return en[0].upper() + en[1:], zh
    status_en, status_zh = _STATUS[status]
    if behaviour == "average":
        return status_en, status_zh
    return f"{status_en}, {en}", f"{status_zh}·{zh}"


def unique(names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Names made unique in order: the second "Dormant" becomes "Dormant (2)" / "休眠（2）"."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for pair in names:
        seen[pair] = seen.get(pair, 0) + 1
        n = seen[pair]
        out.append(pair if n == 1 else (f"{pair[0]} ({n})", f"{pair[1]}（{n}）"))
    return out


def advice(status: str | None, behaviour: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """((action en, zh), (channel en, zh)) for a reading: the status's advice first, then the behaviour's."""
    return _ADVICE.get(status or "", _ADVICE.get(behaviour, _DEFAULT_ADVICE))


def description(z: Mapping[str, float], lang: str, top: int = 3) -> str:
    """The ``top`` most distinctive features in words, e.g. "Orders: 2.1 sd above average; ...".

    Features within 0.1 sd of the average are left out; "" when none stands out.
    """
    ranked = sorted(((n, v) for n, v in z.items() if abs(v) >= 0.1), key=lambda item: (-abs(item[1]), item[0]))
    parts = []
    for feature, value in ranked[:top]:
        words = feature_label(feature, lang)
        if lang == "zh":
            parts.append(f"{words}{'高于' if value > 0 else '低于'}平均 {abs(value):.1f} 个标准差")
        else:
            parts.append(f"{words}: {abs(value):.1f} sd {'above' if value > 0 else 'below'} average")
    if not parts:
        return ""
    return ("与全体客户相比：" + "；".join(parts) + "。") if lang == "zh" else ("Compared with all customers: "
                                                                         + "; ".join(parts) + ".")
