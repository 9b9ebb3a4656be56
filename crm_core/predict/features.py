"""Per-customer features for prediction, built only from what was known before a cutoff date.

:func:`order_features` starts from the one customer table (:func:`crm_core.customers.customer_table`) and adds
the buying trend, the category and channel mix and the share returned, reading **only** the order lines dated
before ``as_of``: the lines are filtered first, so nothing on or after the cutoff (the period the labels look
at) can reach a feature.  Mapped customer attributes that describe the customer (gender, city, region...) are
added as categorical columns; personal data (name, phone, e-mail), ids, consent flags and dates never are.

Every feature has words for people (:func:`feature_label`), used by the reasons shown beside each score.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from crm_core.columns import label as registry_label
from crm_core.customers import customer_table
from crm_core.messages import Localized
from crm_core.schema import DataError, normalize_header

__all__ = ["ATTRIBUTE_EXCLUDED", "BASE_FEATURES", "FEATURE_LABELS", "MAX_ATTRIBUTE_LEVELS", "TREND_DAYS",
           "feature_kinds", "feature_label", "order_features"]

TREND_DAYS = 90  # default length of the "recent" and "prior" windows, in days
MAX_LEVELS = 8  # default number of categories / channels with a share of their own
# A text attribute with more distinct values than this (a street, a postcode) is left out: each value becomes a
# 0/1 column of its own and would outweigh the behaviour features (the clusters use the same bound).
MAX_ATTRIBUTE_LEVELS = 30

BASE_FEATURES = (
    "recency_days", "frequency", "monetary", "avg_order_value", "orders_per_year", "tenure_days",
    "avg_interval_days", "longest_gap_days", "return_share", "items", "orders_recent", "orders_prior",
    "spend_recent", "spend_prior", "trend",
)
SHARE_PREFIXES = {"category": "cat_share", "channel": "channel_share"}
OTHER = "other"

# Customer-file columns that are never features: who the customer is (personal data and ids), whether they
# may be contacted, and dates (a sign-up date is a point in time, not a trait; tenure covers it).
ATTRIBUTE_EXCLUDED = frozenset({
    "customer_id", "name", "phone", "email", "opted_out", "consent", "signup_date", "address", "wechat",
    "order_id", "source_row",
})
_ID_WORDS = ("编号", "号码", "账号", "帐号", "卡号", "id号")
_ASCII_IDS = frozenset({"userid", "customerid", "memberid", "clientid", "custid", "buyerid", "uid"})


def _words(en: str, zh: str, trend_days: int = TREND_DAYS) -> Localized:
    return Localized(en=en.format(d=trend_days, d2=2 * trend_days, d1=trend_days + 1),
                     zh=zh.format(d=trend_days, d2=2 * trend_days, d1=trend_days + 1))


def _base_labels(trend_days: int = TREND_DAYS) -> dict[str, Localized]:
    rows = {
        "recency_days": ("days since last purchase", "距上次购买天数"),
        "frequency": ("number of orders", "购买次数"),
        "monetary": ("total spend", "消费总额"),
        "avg_order_value": ("average order value", "客单价"),
        "orders_per_year": ("orders per year", "年均购买次数"),
        "tenure_days": ("days since first purchase", "距首次购买天数"),
        "avg_interval_days": ("average days between purchases", "平均购买间隔天数"),
        "longest_gap_days": ("longest gap between purchases (days)", "最长购买间隔天数"),
        "return_share": ("share of spend returned", "退货金额占比"),
        "items": ("items bought", "购买件数"),
        "orders_recent": ("orders in the last {d} days", "近 {d} 天购买次数"),
        "orders_prior": ("orders {d1}-{d2} days ago", "{d1}–{d2} 天前购买次数"),
        "spend_recent": ("spend in the last {d} days", "近 {d} 天消费额"),
        "spend_prior": ("spend {d1}-{d2} days ago", "{d1}–{d2} 天前消费额"),
        "trend": ("change in orders (last {d} days against the {d} before)",
                  "购买次数变化（近 {d} 天对比之前 {d} 天）"),
    }
    return {name: _words(en, zh, trend_days) for name, (en, zh) in rows.items()}


FEATURE_LABELS: dict[str, Localized] = _base_labels()


def feature_label(name: str, lang: str = "en", *, trend_days: int = TREND_DAYS) -> str:
    """A feature in words, in ``lang`` ("zh", else English).

    Base features read from :data:`FEATURE_LABELS` ("days since last purchase" / "距上次购买天数"); shares read
    "share of spend on Tea" / "Tea 消费占比" (``cat_share:Tea``) and "share of spend via WeChat" /
    "通过 WeChat 的消费占比" (``channel_share:WeChat``); attribute columns read their registry label
    (:func:`crm_core.columns.label`, "City" / "城市"), any other name stays as it is.  ``trend_days`` names the
    trend windows when they are not the default 90 days.
    """
    zh = lang == "zh"
    labels = FEATURE_LABELS if trend_days == TREND_DAYS else _base_labels(trend_days)
    if name in labels:
        return labels[name].text(lang)
    prefix, _, value = name.partition(":")
    if prefix == "cat_share" and value:
        if value == OTHER:
            return "其他品类消费占比" if zh else "share of spend on other categories"
        return f"{value}{_gap(value)}消费占比" if zh else f"share of spend on {value}"
    if prefix == "channel_share" and value:
        if value == OTHER:
            return "其他渠道消费占比" if zh else "share of spend via other channels"
        return f"通过{_gap(value, before=True)}{value}{_gap(value)}的消费占比" if zh else f"share of spend via {value}"
    return registry_label(name, lang)


def _gap(value: str, *, before: bool = False) -> str:
    """A space between a Latin word and Chinese text ("Tea 消费占比"), none between Chinese words."""
    edge = value[0] if before else value[-1]
    return " " if edge.isascii() and edge.isalnum() else ""


def feature_kinds(X: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(numeric, categorical) column names of a feature frame, in column order.

    Numeric: number columns (not bool); categorical: every other column (text, bool, category).
    """
    numeric = tuple(c for c in X.columns
                    if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c]))
    return numeric, tuple(c for c in X.columns if c not in numeric)


def order_features(orders: pd.DataFrame, customers: pd.DataFrame | None = None, *, as_of: date,
                   trend_days: int = TREND_DAYS, max_levels: int = MAX_LEVELS) -> pd.DataFrame:
    """One row of features per customer with a purchase before ``as_of``, from the lines dated before it only.

    Parameters
    ----------
    orders : DataFrame
        Clean order lines (:func:`crm_core.ingest.clean`); lines dated on or after ``as_of`` are dropped first.
    customers : DataFrame, optional
        Mapped customer attributes (``customer_id`` column or index).  Text attributes with 2 to
        :data:`MAX_ATTRIBUTE_LEVELS` values among these customers become categorical columns, number attributes
        that vary numeric ones; :data:`ATTRIBUTE_EXCLUDED` columns, id-like names, dates and flags never do.
    as_of : date
        The cutoff: features describe the customer as known at the start of this day.
    trend_days : int
        Length in days of the recent window ``[as_of - trend_days, as_of)`` and of the prior one before it.
    max_levels : int
        Categories (and channels) with a share column of their own: the ones with the most purchase spend
        before ``as_of`` (ties by name); the rest, and lines without a value, make the ``:other`` share.

    Returns
    -------
    DataFrame
        Index ``customer_id`` (str, sorted).  Numeric float columns:

        - from the customer table: recency_days, frequency, monetary, avg_order_value, orders_per_year,
          tenure_days, avg_interval_days (NaN with one purchase day), longest_gap_days (idem), items;
        - return_share: returned value / gross purchases (0..1; 0 when nothing was bought for money);
        - orders_recent / orders_prior: distinct purchase orders in the recent / prior window;
          spend_recent / spend_prior: their purchase amounts (gross, returns not netted), money;
          trend = orders_recent - orders_prior;
        - ``cat_share:<category>`` / ``channel_share:<channel>``: the share 0..1 of the customer's gross purchase
          spend on that value (0 when that spend is not positive); present when the column has at least two
          values before ``as_of``.

        Then the categorical attribute columns (str, missing values NaN).

    Raises
    ------
    DataError
        ``predict_no_customers_before_cutoff`` when no purchase is dated before ``as_of``.
    """
    if trend_days < 1 or max_levels < 1:
        raise ValueError("trend_days and max_levels must be at least 1")
    cutoff = pd.Timestamp(as_of)
    inside = (orders["order_date"] < cutoff).to_numpy()
    before = orders if inside.all() else orders.loc[inside]  # no copy when every line is before the cutoff
    table = customer_table(before, None, as_of=as_of)
    if table.empty:
        first = orders.loc[~orders["is_return"].to_numpy(dtype=bool), "order_date"].min()
        raise DataError("predict_no_customers_before_cutoff", cutoff=as_of,
                        first=pd.Timestamp(first).date() if pd.notna(first) else "-")
    ids = pd.Index(table["customer_id"].astype("str"), name="customer_id")
    n = len(ids)
    # Each line's row in the table: ids are factorized once (sorted, as the customer table does), then the
    # few distinct ids are looked up, not the text of every line.
    codes, uniques = pd.factorize(before["customer_id"], sort=True)
    position = ids.get_indexer(pd.Index(np.asarray(uniques, dtype=object)).astype("str"))
    line_rows = np.where(codes >= 0, position[np.maximum(codes, 0)], -1)
    purchase = (line_rows >= 0) & ~before["is_return"].to_numpy(dtype=bool)
    rows = line_rows[purchase]
    amount = before["amount"].to_numpy(dtype="float64")[purchase]
    stamps = before["order_date"]

    recent_start = cutoff - pd.Timedelta(days=trend_days)
    prior_start = recent_start - pd.Timedelta(days=trend_days)
    recent_line = (stamps >= recent_start).to_numpy() & purchase
    prior_line = ((stamps >= prior_start) & (stamps < recent_start)).to_numpy() & purchase
    windows = recent_line | prior_line
    recent, prior = recent_line[purchase], prior_line[purchase]
    # Orders are numbered only on the lines of the two windows (far fewer than all lines).
    order_codes = np.zeros(len(rows), dtype=np.int64)
    order_codes[windows[purchase]] = pd.factorize(before["order_id"][windows])[0]
    gross = table["gross_sales"].to_numpy(dtype="float64")
    returned = -table["returns_value"].to_numpy(dtype="float64")
    columns: dict[str, np.ndarray] = {
        name: table[name].to_numpy(dtype="float64")
        for name in ("recency_days", "frequency", "monetary", "avg_order_value", "orders_per_year", "tenure_days",
                     "avg_interval_days", "longest_gap_days")
    }
    columns["return_share"] = np.where(gross > 0, np.clip(returned / np.where(gross > 0, gross, 1.0), 0, None), 0.0)
    columns["items"] = table["items"].to_numpy(dtype="float64")
    columns["orders_recent"] = _distinct_orders(rows[recent], order_codes[recent], n)
    columns["orders_prior"] = _distinct_orders(rows[prior], order_codes[prior], n)
    columns["spend_recent"] = np.bincount(rows[recent], weights=amount[recent], minlength=n)
    columns["spend_prior"] = np.bincount(rows[prior], weights=amount[prior], minlength=n)
    columns["trend"] = columns["orders_recent"] - columns["orders_prior"]
    for source, prefix in SHARE_PREFIXES.items():
        if source in before.columns:
            columns.update(_shares(before[source][purchase], rows, amount, gross, n, prefix=prefix,
                                   max_levels=max_levels))
    features = pd.DataFrame(columns, index=ids)
    attributes = _attributes(customers, ids)
    if attributes is not None:
        features = features.join(attributes)
    return features.sort_index()


def _distinct_orders(rows: np.ndarray, order_codes: np.ndarray, n: int) -> np.ndarray:
    """Distinct orders per customer row 0..n-1 (float)."""
    if not len(rows):
        return np.zeros(n)
    width = int(order_codes.max()) + 1
    pairs = pd.unique(rows.astype(np.int64) * width + order_codes)
    return np.bincount(pairs // width, minlength=n).astype("float64")


def _shares(values: pd.Series, rows: np.ndarray, amount: np.ndarray, gross: np.ndarray, n: int, *, prefix: str,
            max_levels: int) -> dict[str, np.ndarray]:
    """``<prefix>:<value>`` spend shares of the ``max_levels`` values with the most spend, and ``:other``.

    ``values`` are the purchase lines' values (one per entry of ``rows`` / ``amount``).  One weighted bincount
    over (customer, value) pairs gives every share at once.
    """
    codes, uniques = pd.factorize(values)
    uniques = [str(u) for u in uniques]
    known = codes >= 0
    spend = np.bincount(codes[known], weights=amount[known], minlength=len(uniques))
    if len(uniques) < 2:
        return {}
    ranked = sorted(range(len(uniques)), key=lambda k: (-spend[k], uniques[k]))
    top = ranked[:max_levels]
    slot = np.full(len(uniques) + 1, -1, dtype=np.int64)  # value code -> column 0..len(top)-1; the last: missing
    slot[top] = np.arange(len(top))
    line_slot = slot[codes]  # code -1 (missing) reads the last entry, -1
    named_line = line_slot >= 0
    width = len(top)
    on = np.bincount(rows[named_line] * width + line_slot[named_line], weights=amount[named_line],
                     minlength=n * width).reshape(n, width)
    positive = gross > 0
    shares = np.clip(np.divide(on, gross[:, None], out=np.zeros_like(on), where=positive[:, None]), 0.0, 1.0)
    out = {f"{prefix}:{uniques[k]}": shares[:, j] for j, k in enumerate(top)}
    if len(uniques) > max_levels or not known.all():
        out[f"{prefix}:{OTHER}"] = np.where(positive, np.clip(1.0 - shares.sum(axis=1), 0.0, 1.0), 0.0)
    return out


def _is_id_like(name: str) -> bool:
    """Whether a header names an identifier ("id", "member id", "userid", "会员编号", "卡号")."""
    header = normalize_header(name)
    return (header == "id" or header.endswith(" id") or header in _ASCII_IDS
            or any(header.endswith(word) for word in _ID_WORDS))


def _attributes(customers: pd.DataFrame | None, ids: pd.Index) -> pd.DataFrame | None:
    """The usable attribute columns of ``customers`` for ``ids`` (see :func:`order_features`), or None."""
    if customers is None or customers.empty:
        return None
    frame = customers
    if "customer_id" not in frame.columns:
        if frame.index.name != "customer_id":
            return None
        frame = frame.reset_index()
    frame = frame.assign(customer_id=frame["customer_id"].astype("str")).drop_duplicates("customer_id")
    frame = frame.set_index("customer_id").reindex(ids)
    kept: dict[str, pd.Series] = {}
    for name in frame.columns:
        values = frame[name]
        if (str(name) in ATTRIBUTE_EXCLUDED or _is_id_like(str(name)) or pd.api.types.is_bool_dtype(values)
                or pd.api.types.is_datetime64_any_dtype(values) or isinstance(values.dtype, pd.BooleanDtype)):
            continue
        if pd.api.types.is_numeric_dtype(values):
            if values.nunique() > 1:
                kept[str(name)] = values.astype("float64")
            continue
        text = values.astype("str").str.strip().where(values.notna())
        text = text.where(text != "")
        if 2 <= text.nunique() <= MAX_ATTRIBUTE_LEVELS:
            kept[str(name)] = text.astype("str")
    return pd.DataFrame(kept, index=ids) if kept else None
