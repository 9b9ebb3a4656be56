"""Vocabulary of the demo data (see :mod:`crm_core.sample.generator`) and the basic draws from it.

Products, bundles, channels, how each planted group buys (:data:`PROFILES`),
synthetic names and cities.  Names are common Chinese surnames and given names
combined at random: no real person's data.  Every text value has an English form beside
it (product and category names, :data:`CHANNELS_EN`, :data:`CITIES_EN`, :data:`GENDERS_EN`,
:func:`pinyin_name`) for the English demo file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Product:
    """One catalogue item; ``price`` (yuan) is the same on every order line.

    ``name_en`` and ``category_en`` are what the English demo file shows instead of ``name`` and ``category``.
    """

    sku: str
    name: str
    category: str
    price: float
    name_en: str
    category_en: str


# (Chinese category, English category): ((Chinese name, English name, price in yuan), ...)
_PRODUCTS: dict[tuple[str, str], tuple[tuple[str, str, float], ...]] = {
    ("咖啡茶饮", "Coffee & Tea"): (
        ("精品咖啡豆 454g", "Specialty Coffee Beans 454g", 128.0),
        ("V60手冲滤纸 100片", "V60 Pour-over Filters (100)", 29.9),
        ("陶瓷咖啡杯 350ml", "Ceramic Coffee Mug 350ml", 69.0),
        ("手冲咖啡壶 600ml", "Pour-over Kettle 600ml", 199.0),
        ("电动磨豆机", "Electric Coffee Grinder", 399.0),
        ("西湖龙井 100g", "West Lake Longjing Tea 100g", 168.0),
        ("冷萃咖啡液 12杯装", "Cold Brew Concentrate (12 cups)", 79.0),
    ),
    ("个人护理", "Personal Care"): (
        ("氨基酸洗发水 500ml", "Amino Acid Shampoo 500ml", 79.0),
        ("修护护发素 500ml", "Repair Conditioner 500ml", 79.0),
        ("沐浴露 750ml", "Body Wash 750ml", 59.0),
        ("声波电动牙刷", "Sonic Electric Toothbrush", 299.0),
        ("美白牙膏 3支装", "Whitening Toothpaste (3-pack)", 39.9),
        ("护手霜 3支装", "Hand Cream (3-pack)", 45.0),
        ("深层修护发膜", "Deep Repair Hair Mask", 68.0),
    ),
    ("运动健身", "Sports & Fitness"): (
        ("加厚瑜伽垫 6mm", "Thick Yoga Mat 6mm", 129.0),
        ("瑜伽砖 2块装", "Yoga Blocks (2-pack)", 49.0),
        ("瑜伽伸展带", "Yoga Stretch Strap", 29.0),
        ("速干运动T恤", "Quick-dry Sports T-shirt", 99.0),
        ("运动水壶 1L", "Sports Water Bottle 1L", 59.0),
        ("可调节哑铃 20kg", "Adjustable Dumbbells 20kg", 499.0),
        ("计数跳绳", "Counting Jump Rope", 35.0),
    ),
    ("家居厨具", "Home & Kitchen"): (
        ("不粘炒锅 30cm", "Non-stick Wok 30cm", 259.0),
        ("玻璃保鲜盒 5件套", "Glass Food Containers (5-piece)", 89.0),
        ("乳胶枕", "Latex Pillow", 199.0),
        ("纯棉四件套", "Cotton Bedding Set (4-piece)", 399.0),
        ("香薰蜡烛", "Scented Candle", 69.0),
        ("电热水壶 1.7L", "Electric Kettle 1.7L", 149.0),
        ("扫地机器人", "Robot Vacuum", 1299.0),
    ),
    ("美妆护肤", "Beauty & Skincare"): (
        ("玻尿酸补水面膜 10片", "Hyaluronic Acid Sheet Masks (10)", 99.0),
        ("修护精华液 30ml", "Repair Serum 30ml", 329.0),
        ("清爽防晒霜 SPF50", "Light Sunscreen SPF50", 139.0),
        ("温和卸妆油 200ml", "Gentle Cleansing Oil 200ml", 119.0),
        ("丝绒口红", "Velvet Lipstick", 239.0),
        ("抗皱面霜 50g", "Anti-wrinkle Face Cream 50g", 599.0),
    ),
    ("休闲零食", "Snacks"): (
        ("每日坚果 30袋", "Daily Mixed Nuts (30 packs)", 139.0),
        ("手工牛轧糖 500g", "Handmade Nougat 500g", 59.0),
        ("黑巧克力礼盒", "Dark Chocolate Gift Box", 89.0),
        ("冻干草莓脆", "Freeze-dried Strawberry Crisps", 39.9),
        ("即食燕麦片 1kg", "Instant Oats 1kg", 45.0),
        ("芒果干 500g", "Dried Mango 500g", 49.0),
    ),
}

CATALOG: tuple[Product, ...] = tuple(
    Product(f"SKU{i:04d}", name, category, price, name_en, category_en)
    for i, ((category, category_en), name, name_en, price) in enumerate(
        ((category, name, name_en, price) for category, items in _PRODUCTS.items()
         for name, name_en, price in items), start=1
    )
)

# Products bought together in one order; their items are also sold on their own.
BUNDLES: dict[str, tuple[str, ...]] = {
    "手冲咖啡套装": ("精品咖啡豆 454g", "V60手冲滤纸 100片", "陶瓷咖啡杯 350ml"),
    "洗护组合": ("氨基酸洗发水 500ml", "修护护发素 500ml"),
    "瑜伽入门套装": ("加厚瑜伽垫 6mm", "瑜伽砖 2块装", "瑜伽伸展带"),
}
BUNDLE_WEIGHTS = (0.4, 0.35, 0.25)

CHANNELS = ("天猫旗舰店", "京东自营", "微信小程序", "线下门店")
CHANNELS_EN = ("Tmall Flagship Store", "JD.com Direct", "WeChat Mini Program", "Retail Store")  # same order

# (character, pinyin, relative frequency)
SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.7), ("刘", "liu", 5.4), ("陈", "chen", 4.5),
    ("杨", "yang", 3.1), ("黄", "huang", 2.2), ("赵", "zhao", 2.0), ("吴", "wu", 1.9), ("周", "zhou", 1.9),
    ("徐", "xu", 1.3), ("孙", "sun", 1.3), ("马", "ma", 1.2), ("朱", "zhu", 1.1), ("胡", "hu", 1.1),
    ("郭", "guo", 1.1), ("何", "he", 0.9), ("林", "lin", 0.9), ("高", "gao", 0.9), ("罗", "luo", 0.9),
    ("郑", "zheng", 0.8), ("梁", "liang", 0.8), ("谢", "xie", 0.6), ("宋", "song", 0.6), ("唐", "tang", 0.6),
    ("韩", "han", 0.5), ("冯", "feng", 0.5), ("邓", "deng", 0.5), ("曹", "cao", 0.5), ("彭", "peng", 0.5),
    ("曾", "zeng", 0.5), ("肖", "xiao", 0.5), ("田", "tian", 0.4), ("董", "dong", 0.4), ("袁", "yuan", 0.4),
    ("潘", "pan", 0.4), ("蔡", "cai", 0.4), ("蒋", "jiang", 0.4), ("余", "yu", 0.4), ("许", "xu", 0.4),
)
MALE_GIVEN: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("鹏", "peng"), ("辉", "hui"), ("浩然", "haoran"), ("子轩", "zixuan"),
    ("宇航", "yuhang"), ("俊杰", "junjie"), ("志强", "zhiqiang"), ("建华", "jianhua"), ("文博", "wenbo"),
    ("一鸣", "yiming"), ("晨阳", "chenyang"), ("思远", "siyuan"), ("博", "bo"), ("凯", "kai"), ("海洋", "haiyang"),
)
FEMALE_GIVEN: tuple[tuple[str, str], ...] = (
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"), ("婷", "ting"),
    ("雪", "xue"), ("琳", "lin"), ("颖", "ying"), ("倩", "qian"), ("欣怡", "xinyi"), ("梓涵", "zihan"),
    ("诗涵", "shihan"), ("雨桐", "yutong"), ("佳怡", "jiayi"), ("思彤", "sitong"), ("晓燕", "xiaoyan"),
    ("秀英", "xiuying"), ("桂芳", "guifang"), ("慧敏", "huimin"), ("若曦", "ruoxi"), ("可欣", "kexin"),
    ("美玲", "meiling"),
)
_SURNAME_PINYIN = {character: pinyin for character, pinyin, _ in SURNAMES}
_GIVEN_PINYIN = dict(MALE_GIVEN + FEMALE_GIVEN)


def pinyin_name(name: str) -> str:
    """A generated name in pinyin, surname first as Chinese names are written: 王芳 -> "Wang Fang".

    Every generated name is a one-character surname of :data:`SURNAMES` followed by a given name of
    :data:`MALE_GIVEN` or :data:`FEMALE_GIVEN`; any other text raises KeyError.
    """
    return f"{_SURNAME_PINYIN[name[0]].title()} {_GIVEN_PINYIN[name[1:]].title()}"


# (city, relative frequency)
CITIES: tuple[tuple[str, float], ...] = (
    ("上海", 14), ("北京", 13), ("深圳", 10), ("广州", 10), ("杭州", 8), ("成都", 8), ("南京", 6), ("武汉", 6),
    ("苏州", 5), ("西安", 5), ("重庆", 5), ("天津", 4), ("长沙", 3), ("厦门", 3),
)
CITIES_EN: Mapping[str, str] = {
    "上海": "Shanghai", "北京": "Beijing", "深圳": "Shenzhen", "广州": "Guangzhou", "杭州": "Hangzhou",
    "成都": "Chengdu", "南京": "Nanjing", "武汉": "Wuhan", "苏州": "Suzhou", "西安": "Xi'an", "重庆": "Chongqing",
    "天津": "Tianjin", "长沙": "Changsha", "厦门": "Xiamen",
}
GENDERS_EN: Mapping[str, str] = {"男": "Male", "女": "Female"}
# Mainland mobile prefixes (numbers are random, valid in form only).
PHONE_PREFIXES = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
                  166, 176, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199)
# How a phone is written: 13812345678, 138 1234 5678, 138-1234-5678, +86 138-1234-5678, +8613812345678.
PHONE_STYLES = ("{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}", "+86 {a}-{b}-{c}", "+86{a}{b}{c}")
PHONE_STYLE_WEIGHTS = (0.55, 0.12, 0.10, 0.13, 0.10)


def format_phone(digits: str, style: int) -> str:
    """Write an 11-digit mobile number in one of :data:`PHONE_STYLES`."""
    return PHONE_STYLES[style].format(a=digits[:3], b=digits[3:7], c=digits[7:])


@dataclass(frozen=True)
class GroupProfile:
    """How one planted group buys.

    ``last_order`` is the window (days before the last day of the data,
    inclusive) of a customer's last order; the other orders fall uniformly
    between it and the start.  Product
    weights are ``price ** -price_tilt`` (positive tilt: cheaper items).
    """

    orders: tuple[int, int]
    last_order: tuple[int, int]
    extra_lines: float  # Poisson mean of lines beyond the first
    price_tilt: float
    multi_quantity: float  # chance a line has quantity 2 or 3
    channels: tuple[float, float, float, float]  # shares of CHANNELS
    max_price: float = float("inf")  # dearer products are never bought


PROFILES: Mapping[str, GroupProfile] = {
    "champions": GroupProfile((15, 40), (0, 13), 0.9, -0.3, 0.25, (0.30, 0.15, 0.40, 0.15)),
    "loyal": GroupProfile((6, 15), (0, 44), 0.6, -0.1, 0.15, (0.35, 0.20, 0.30, 0.15)),
    "new": GroupProfile((1, 1), (0, 29), 0.3, 0.3, 0.05, (0.25, 0.15, 0.50, 0.10)),
    "at_risk": GroupProfile((6, 15), (120, 250), 0.6, -0.1, 0.15, (0.40, 0.30, 0.15, 0.15)),
    "lost": GroupProfile((1, 2), (271, 364), 0.0, 1.0, 0.0, (0.45, 0.35, 0.05, 0.15), max_price=100),
    "occasional": GroupProfile((2, 5), (0, 130), 0.4, 0.3, 0.08, (0.40, 0.25, 0.15, 0.20)),
}
GROUPS = tuple(PROFILES)
REPEAT_GROUPS = ("champions", "loyal", "at_risk", "occasional")  # groups with a buying history to plant into

_HOUR_WEIGHTS = np.array([2, 3, 5, 5, 4, 3, 3, 3, 3, 4, 5, 6, 7, 7, 6, 4], dtype=float)  # 08:00 .. 23:00


def timestamps(end: date, days_back: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Order times ``days_back`` days before ``end``, at shop-like hours, to the minute."""
    hours = 8 + rng.choice(len(_HOUR_WEIGHTS), size=len(days_back), p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    minutes = rng.integers(0, 60, size=len(days_back))
    offset = pd.to_timedelta(-np.asarray(days_back) * 1440 + hours * 60 + minutes, unit="min")
    return pd.Series(pd.Timestamp(end) + offset).astype("datetime64[us]")


def draw_channels(group: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """One channel per row, from the row's group mix."""
    cumulative = np.cumsum([PROFILES[g].channels for g in group], axis=1)
    picks = (rng.random(len(group))[:, None] > cumulative[:, :-1]).sum(axis=1)
    return np.array(CHANNELS)[picks]


def product_keys(group: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """Gumbel keys, one row per order: a row's k largest keys are a weighted draw of k distinct products."""
    prices = np.array([p.price for p in CATALOG])
    tilt = np.array([PROFILES[g].price_tilt for g in group])
    too_dear = prices[None, :] > np.array([PROFILES[g].max_price for g in group])[:, None]
    keys = -tilt[:, None] * np.log(prices)[None, :] + rng.gumbel(size=(len(group), len(CATALOG)))
    return np.where(too_dear, -np.inf, keys)


def bundle_indices() -> list[np.ndarray]:
    """Positions in :data:`CATALOG` of each bundle's items, in :data:`BUNDLES` order."""
    position = {p.name: i for i, p in enumerate(CATALOG)}
    return [np.array([position[name] for name in items]) for items in BUNDLES.values()]
