"""Customer segments as data: names, plain-language advice, and the R x FM grids that assign them.

A scheme is a 5 x 5 grid of segment keys: rows are the R score 5, 4, 3, 2, 1 (top row = bought most
recently), columns the FM score 1..5 (FM = F and M averaged, see :func:`crm_core.segment.rfm.score_rfm`).
Changing which cell belongs to which segment, or renaming a segment, is a data edit
(:func:`scheme_with_grid`, :func:`scheme_with_label`), never new code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from crm_core.messages import Localized
from crm_core.schema import DataError

GRID_SIZE = 5
CUSTOM_COLOR = "#9e9e9e"


@dataclass(frozen=True)
class SegmentInfo:
    """Everything shown about one segment, in English and Chinese, plus its chart colour."""

    key: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    action_en: str
    action_zh: str
    channel_en: str
    channel_zh: str
    color: str

    def text(self, field: str, lang: str = "en") -> str:
        """``field`` ("name", "description", "action" or "channel") in ``lang`` ("zh", else English)."""
        return getattr(self, f"{field}_{'zh' if lang == 'zh' else 'en'}")


def _info(key: str, color: str, en: tuple[str, str, str, str], zh: tuple[str, str, str, str]) -> SegmentInfo:
    """Build an entry from (name, description, action, channel) in each language."""
    return SegmentInfo(key, en[0], zh[0], en[1], zh[1], en[2], zh[2], en[3], zh[3], color)


_ENTRIES = (
    # --- the 11 standard segments, best first (this order is the display order) ---
    _info("champions", "#1a9850",
          ("Champions", "Bought very recently, buy often and spend the most.",
           "Reward them: early access to new products, loyalty perks, ask for reviews and referrals; "
           "no discounts needed.",
           "Member app, one-to-one chat, VIP events"),
          ("冠军客户", "最近刚买过，购买频繁，花费最多。",
           "奖励他们：新品优先体验、会员权益，邀请写评价、推荐好友；无需打折。",
           "会员小程序、企业微信一对一、VIP 活动")),
    _info("loyal", "#66bd63",
          ("Loyal", "Buy regularly and spend well; they respond to what you send.",
           "Suggest higher-value products, invite them to the membership programme, ask for reviews.",
           "Email, member app, SMS"),
          ("忠诚客户", "经常购买，消费不错，对你的营销有回应。",
           "推荐更高价值的商品，邀请加入会员计划，请他们写评价。",
           "邮件、会员小程序、短信")),
    _info("potential_loyalist", "#a6d96a",
          ("Potential loyalists", "Bought recently, and more than once or for a fair amount.",
           "Offer membership or points, recommend related products to build a buying habit.",
           "Email, app push"),
          ("潜在忠诚客户", "最近买过，而且不止买过一次或花费不少。",
           "邀请加入会员或积分计划，推荐相关商品，培养购买习惯。",
           "邮件、App 推送")),
    _info("new_customers", "#4575b4",
          ("New customers", "Made a first small purchase very recently.",
           "Welcome them: a thank-you message, tips on using what they bought, a small reward for a second order.",
           "Welcome email series, SMS"),
          ("新客户", "最近刚完成第一次购买，金额不大。",
           "欢迎新客：发送感谢信息和使用小贴士，为第二单准备一个小奖励。",
           "欢迎邮件系列、短信")),
    _info("promising", "#74add1",
          ("Promising", "Bought fairly recently, but not often and not much yet.",
           "Show them more of your range: bestsellers, a free-shipping threshold, a time-limited trial offer.",
           "Email, social media ads"),
          ("值得培养客户", "近期买过，但购买次数和花费都还不多。",
           "让他们了解更多商品：推荐畅销品、满额包邮、限时体验优惠。",
           "邮件、社交媒体广告")),
    _info("need_attention", "#fee08b",
          ("Need attention", "Middling on recency, orders and spend, and starting to drift away.",
           "Send personal recommendations based on past purchases with a limited-time offer.",
           "Email, SMS"),
          ("需要关注客户", "最近购买时间、次数和花费都一般，开始变得不太活跃。",
           "根据以往购买做个性化推荐，并附上限时优惠。",
           "邮件、短信")),
    _info("about_to_sleep", "#fdae61",
          ("About to sleep", "Below average on recency, orders and spend; likely to leave without a nudge.",
           "Remind them of popular products and what they liked, with a modest discount.",
           "Email, SMS"),
          ("即将沉睡客户", "购买时间、次数和花费都低于平均，不提醒就可能流失。",
           "推荐热门商品，提醒他们曾经喜欢的东西，给适度折扣。",
           "邮件、短信")),
    _info("at_risk", "#f46d43",
          ("At risk", "Used to buy often and spend well, but have not bought for a long time.",
           "Win them back: a personal message, a meaningful offer, and what is new since their last visit.",
           "Email, SMS; a phone call for the biggest"),
          ("有流失风险客户", "以前经常购买、花费不错，但已经很久没有购买。",
           "主动挽回：发送个性化信息和有分量的优惠，告诉他们上次之后的新品和改进。",
           "邮件、短信；重要客户电话回访")),
    _info("cant_lose", "#d73027",
          ("Can't lose them", "Were among your biggest and most frequent buyers, but have not bought for a long time.",
           "Contact them personally: ask what went wrong, offer a strong win-back deal or exclusive service; "
           "no generic mass mailings.",
           "Phone call, personal message from their account manager"),
          ("不能失去的客户", "曾是购买最多、最频繁的客户之一，但已经很久没有购买。",
           "一对一联系：了解原因，提供有力的挽回优惠或专属服务；不要群发通用促销。",
           "电话、专属顾问私信")),
    _info("hibernating", "#bababa",
          ("Hibernating", "Last bought long ago, with few orders and low spend.",
           "Include them in low-cost campaigns featuring good-value products; do not spend much on them.",
           "Email newsletter"),
          ("沉睡客户", "很久以前买过，订单少、花费低。",
           "放进低成本的营销活动，推荐高性价比商品；不宜投入过多。",
           "邮件简报")),
    _info("lost", "#878787",
          ("Lost", "Lowest on recency, orders and spend; probably gone.",
           "Try one reactivation message at most; otherwise leave them out to save budget.",
           "One reactivation email"),
          ("已流失客户", "最近购买时间、次数和花费都最低，很可能已经离开。",
           "最多尝试一次唤醒信息；没有回应就不再投入，节省预算。",
           "一封唤醒邮件")),
    # --- the 4-tier scheme ---
    _info("high_value", "#1a9850",
          ("High value", "Buy recently and often, or spend a lot: your core revenue.",
           "Keep them happy: VIP service, loyalty rewards, early access to new products; no discounts needed.",
           "Member app, one-to-one chat, VIP events"),
          ("高价值客户", "近期购买且频繁，或花费很高：你的核心收入来源。",
           "维护好他们：VIP 服务、会员奖励、新品优先体验；无需打折。",
           "会员小程序、企业微信一对一、VIP 活动")),
    _info("potential", "#74add1",
          ("Potential", "Recent buyers who have not spent much yet, or good buyers who are cooling off.",
           "Grow them: a membership invitation and recommendations that lead to a second or bigger order.",
           "Email, app push, SMS"),
          ("潜力客户", "近期购买但花费还不多，或以前买得不错但开始变冷淡。",
           "培养他们：邀请入会，推荐商品，促成复购或更大的订单。",
           "邮件、App 推送、短信")),
    _info("general", "#fee08b",
          ("General", "Ordinary customers with moderate activity.",
           "Keep in touch with regular newsletters and seasonal promotions.",
           "Email newsletter, SMS"),
          ("一般客户", "活跃度一般的普通客户。",
           "通过定期资讯和节日促销保持联系。",
           "邮件简报、短信")),
    _info("lost_tier", "#878787",
          ("Lost customers", "Have not bought for a long time and bought little.",
           "Send one low-cost win-back message; stop spending on them if they do not respond.",
           "One win-back email or SMS"),
          ("流失客户", "很久没有购买，而且买得不多。",
           "发送一次低成本的挽回信息；没有回应就停止投入。",
           "一封挽回邮件或短信")),
)

SEGMENT_INFO: dict[str, SegmentInfo] = {info.key: info for info in _ENTRIES}


def _grid_error(en: str, zh: str) -> DataError:
    """``bad_segment_map`` with its detail in both languages."""
    return DataError("bad_segment_map", detail=Localized(en=en, zh=zh))


def _checked_labels(labels: Sequence[Sequence[str]]) -> tuple[tuple[str, str, str], ...]:
    """Labels as (key, name_en, name_zh) string triples, names stripped and non-empty."""
    checked = []
    for label in labels:
        if not isinstance(label, tuple | list) or len(label) != 3 or not all(isinstance(p, str) for p in label):
            raise _grid_error(f"a segment name must be (key, English name, Chinese name), got {label!r}",
                              f"分群名称必须由（键、英文名称、中文名称）三项组成，当前为 {label!r}")
        key, name_en, name_zh = (part.strip() for part in label)
        if not key or not name_en or not name_zh:
            raise _grid_error(f"segment {key or '?'} needs a non-empty English and Chinese name",
                              f"分群 {key or '?'} 需要填写英文名称和中文名称")
        checked.append((key, name_en, name_zh))
    return tuple(checked)


def _grid_rows(grid: object) -> list[tuple[object, ...]]:
    """The grid's rows as tuples, or [] when it is not a table (a string, a number, a row that is a string)."""
    try:
        rows = [] if isinstance(grid, str | bytes) else list(grid)
        return [] if any(isinstance(row, str | bytes) for row in rows) else [tuple(row) for row in rows]
    except TypeError:
        return []


def _checked_grid(grid: object, known: set[str]) -> tuple[tuple[str, ...], ...]:
    """The grid as a 5 x 5 tuple of known segment keys."""
    rows = _grid_rows(grid)
    if len(rows) != GRID_SIZE or any(len(row) != GRID_SIZE for row in rows):
        widths = ", ".join(str(len(row)) for row in rows)
        raise _grid_error(
            f"it needs 5 rows (R score 5 to 1) of 5 cells (FM score 1 to 5), got {len(rows)} rows"
            + (f" ({widths} cells)" if rows else ""),
            f"需要 5 行（R 分 5 到 1），每行 5 格（FM 分 1 到 5），当前为 {len(rows)} 行"
            + (f"（每行分别 {'、'.join(str(len(row)) for row in rows)} 格）" if rows else ""),
        )
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if not isinstance(cell, str) or cell not in known:
                raise _grid_error(f"the cell R{GRID_SIZE - i} / FM{j + 1} holds {cell!r}, which is not a segment",
                                  f"R{GRID_SIZE - i} / FM{j + 1} 格中的 {cell!r} 不是已有的分群")
    return tuple(tuple(str(cell) for cell in row) for row in rows)


@dataclass(frozen=True)
class SegmentScheme:
    """Which segment each (R score, FM score) cell belongs to, plus the user's renamed segments.

    A :class:`crm_core.segment.base.Segmentation` on the ``segment`` column.

    Attributes
    ----------
    key : str
        "11", "4", or "custom" for any edited scheme.
    grid : tuple of 5 tuples of 5 str
        ``grid[0]`` is R score 5 (most recent), ``grid[4]`` R score 1; column ``j`` is FM score ``j + 1``.
        Every cell is a key of :data:`SEGMENT_INFO` or of ``labels``.
    labels : tuple of (key, name_en, name_zh)
        Names that override :data:`SEGMENT_INFO`, and define new (custom) segment keys.

    Raises
    ------
    DataError
        ``bad_segment_map`` when the grid is not 5 x 5 known keys or a label is malformed.
    """

    key: str
    grid: tuple[tuple[str, ...], ...]
    labels: tuple[tuple[str, str, str], ...] = ()
    # The customer-table column score_rfm writes the segment key to (the Segmentation protocol).
    key_column: ClassVar[str] = "segment"

    def __post_init__(self) -> None:
        # Normalising here (lists -> tuples) keeps every scheme hashable, so it can key caches.
        labels = _checked_labels(self.labels)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "grid", _checked_grid(self.grid, set(SEGMENT_INFO) | {k for k, _, _ in labels}))

    def info(self, key: str) -> SegmentInfo:
        """The segment's texts with the user's names applied; custom keys get empty advice and a grey colour."""
        base = SEGMENT_INFO.get(key) or SegmentInfo(key, key, key, "", "", "", "", "", "", CUSTOM_COLOR)
        for label_key, name_en, name_zh in self.labels:
            if label_key == key:
                return replace(base, name_en=name_en, name_zh=name_zh)
        return base

    def text(self, key: str, field: str, lang: str = "en") -> str:
        """``field`` ("name", "description", "action" or "channel") of segment ``key`` in ``lang``
        (:class:`crm_core.segment.base.Segmentation`)."""
        return self.info(key).text(field, lang)

    def name(self, key: str, lang: str) -> str:
        """Display name of segment ``key`` in ``lang`` ("zh", else English)."""
        return self.info(key).text("name", lang)

    def segments(self) -> tuple[str, ...]:
        """Keys used in the grid, each once: standard keys in :data:`SEGMENT_INFO` order (best first),
        then custom keys in the order they first appear reading the grid row by row."""
        used = [cell for row in self.grid for cell in row]
        standard = [key for key in SEGMENT_INFO if key in used]
        custom = [key for key in dict.fromkeys(used) if key not in SEGMENT_INFO]
        return tuple(standard + custom)

    def segment_at(self, r_score: int, fm_score: int) -> str:
        """The segment key of one cell (scores 1..5)."""
        return self.grid[GRID_SIZE - r_score][fm_score - 1]


SCHEME_11 = SegmentScheme(
    "11",
    (
        ("new_customers", "potential_loyalist", "potential_loyalist", "champions", "champions"),
        ("promising", "potential_loyalist", "loyal", "loyal", "champions"),
        ("about_to_sleep", "need_attention", "need_attention", "loyal", "loyal"),
        ("hibernating", "about_to_sleep", "at_risk", "at_risk", "cant_lose"),
        ("lost", "hibernating", "at_risk", "cant_lose", "cant_lose"),
    ),
)

SCHEME_4 = SegmentScheme(
    "4",
    (
        ("potential", "potential", "high_value", "high_value", "high_value"),
        ("general", "potential", "high_value", "high_value", "high_value"),
        ("general", "general", "potential", "high_value", "high_value"),
        ("lost_tier", "general", "general", "potential", "potential"),
        ("lost_tier", "lost_tier", "lost_tier", "general", "general"),
    ),
)

SCHEMES: dict[str, SegmentScheme] = {"11": SCHEME_11, "4": SCHEME_4}


def scheme_with_grid(scheme: SegmentScheme, grid: Sequence[Sequence[str]]) -> SegmentScheme:
    """A "custom" copy of ``scheme`` with a new grid (same layout as :attr:`SegmentScheme.grid`).

    Raises
    ------
    DataError
        ``bad_segment_map`` unless ``grid`` is 5 rows of 5 keys known to :data:`SEGMENT_INFO` or ``scheme.labels``.
    """
    return SegmentScheme("custom", grid, scheme.labels)


def scheme_with_label(scheme: SegmentScheme, key: str, *, name_en: str, name_zh: str) -> SegmentScheme:
    """A "custom" copy of ``scheme`` where segment ``key`` is called ``name_en`` / ``name_zh``.

    ``key`` may be new: it then becomes a custom segment that :func:`scheme_with_grid` can place.

    Raises
    ------
    DataError
        ``bad_segment_map`` when the key or a name is empty.
    """
    labels = tuple(label for label in scheme.labels if label[0] != key) + ((key, name_en, name_zh),)
    return SegmentScheme("custom", scheme.grid, labels)
