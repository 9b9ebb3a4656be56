"""Seeded demo order data with planted ground truth.

:func:`generate_sample` builds a year of retail order lines for customers in six
planted groups, each shaped so RFM scoring recovers it (days count back from
``SampleSpec.end``; the analysis date is the day after; details in
:data:`crm_core.sample.catalog.PROFILES`):

==========  ======  ===========================  =====================
group       orders  last order, days before end  spend
==========  ======  ===========================  =====================
champions   15-40   0-13                         high (bigger baskets)
loyal       6-15    0-44                         mid-high
new         1       0-29                         modest
at_risk     6-15    120-250                      mid-high
lost        1-2     271 or more (every order)    low (one cheap item)
occasional  2-5     0-130 (earlier ones spread)  mid
==========  ======  ===========================  =====================

On top of that, one function per behaviour plants full bundles in a share of
multi-item orders (:data:`~crm_core.sample.catalog.BUNDLES`), customers who
bought 2 of a bundle's 3 items (cross-sell truth), and the messiness of
:mod:`crm_core.sample.quirks` (cancelled orders, returns, walk-ins, duplicate
identities, mixed phone formats, missing consent).  Each behaviour draws from
its own random stream, so adding one later leaves the others' data unchanged.

Order ids are "DD" + yyyymmdd + a running number ("TH" for returns).  The core
streams above share one running number, in time order; every stream added after
them (:mod:`crm_core.sample.future`) is numbered in a series of its own, so it
shifts no existing id.  ``SampleSpec(test_stream=True)`` adds a dummy stream
(ids "XS...") that tests use to prove it.

The behaviour clusters (:mod:`crm_core.sample.behaviour`): ``SampleSpec.n_cluster_customers`` further
customers ("K00001" ...) in four groups a marketer would recognise (高频低客单价 frequent small baskets,
低频高客单价 rare big tickets, 休眠 dormant, 高潜新客 new with big baskets), far apart on the default cluster
features, so clustering must recover them; the truth records ``behaviour_cluster`` and ``expected_stage``.
They are a stream added after the core ones: orders, future purchases, identities and master rows of their
own, order ids continuing the core running numbers, and no core row changes.

The future period: :attr:`SampleData.future` holds the purchases of the
``SampleSpec.future_days`` days from the analysis date on (written to
orders_future_zh.csv, never mixed into the other files).  Each customer comes
back with a chance set by their group (:data:`crm_core.sample.future.RETURN_CHANCE`);
the truth records ``future_orders`` and ``churned_in_future`` (no purchase in
the window), so churn and response models can be checked against what happened
rather than against "recency > 120 days", which any model recovers.

The past campaign (:mod:`crm_core.sample.campaign`): :attr:`SampleData.campaign` holds the results of a
campaign sent ``SampleSpec.campaign_days`` days before the analysis date to part of the customers who had
bought by then (written to campaign_results_en.csv and campaign_results_zh.csv); who responded follows a
planted chance set by their behaviour before the send date, which the truth records
(``campaign_response_chance``, with ``campaign_contacted`` and ``campaign_responded``).  Its own random
stream, so no order line, id, customer or master row changes.

Three streams for measuring, each from a random stream of its own and reading nothing but the finished data, so
no earlier file changes (truth.csv only gains two columns at its end):

* :mod:`crm_core.sample.outcomes` (:attr:`SampleData.outcomes`, campaign_outcomes_en.csv / _zh.csv): what came of
  a call/message list sent 4 days after the analysis date to the consenting customers who had bought, with a
  20% control group and exact planted quotas (:data:`crm_core.sample.outcomes.PLANTED`: target about 21% vs
  control 9%, offer 满20减5 25% vs 满30减8 17%, Phone > WeChat > SMS, phone agents 32% down to 19%); the truth
  records ``outcome_group`` and ``outcome_success``.
* :mod:`crm_core.sample.touchpoints` (:attr:`SampleData.touchpoints`, touchpoints_en.csv / _zh.csv): 2,000
  customer journeys over the sample year with planted channel roles
  (:data:`crm_core.sample.touchpoints.PLANTED_ROLES`: Xiaohongshu introduces, Baidu Search closes, SMS sits in
  journeys that do not convert).
* :mod:`crm_core.sample.seasonal` (:attr:`SampleData.sales`, daily_sales_en.csv / _zh.csv): three years of daily
  orders and revenue per sales channel with planted month (双11 November peak, 618 June, Spring Festival dip in
  February), weekday and trend factors; :func:`crm_core.sample.seasonal.sales_frame` gives any later period too.

Run ``python -m crm_core.sample.generator sample_data/`` to rewrite the sample files.
"""

from __future__ import annotations

import argparse
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from crm_core.sample import behaviour as sample_behaviour
from crm_core.sample import campaign as sample_campaign
from crm_core.sample import files as sample_files
from crm_core.sample import future as sample_future
from crm_core.sample import master as sample_master
from crm_core.sample import outcomes as sample_outcomes
from crm_core.sample import quirks as sample_quirks
from crm_core.sample import seasonal as sample_seasonal
from crm_core.sample import touchpoints as sample_touchpoints
from crm_core.sample import truth as sample_truth
from crm_core.sample.catalog import (
    BUNDLE_WEIGHTS,
    CATALOG,
    GROUPS,
    PROFILES,
    REPEAT_GROUPS,
    bundle_indices,
    draw_channels,
    product_keys,
    timestamps,
)
from crm_core.sample.quirks import COMPLETED

DEFAULT_SHARES = (
    ("champions", 0.08), ("loyal", 0.15), ("new", 0.10), ("at_risk", 0.15), ("lost", 0.20), ("occasional", 0.32),
)
MAX_FILES_BYTES = 3_600_000


@dataclass(frozen=True)
class SampleSpec:
    """What to generate.  Frozen and hashable, so it can key a cache.

    ``end`` is the last possible order date; analyse as of :attr:`as_of`
    (``end`` + 1 day).  The default size keeps the sample files under 3.6 MB (:data:`MAX_FILES_BYTES`).
    """

    n_customers: int = 500
    start: date = date(2025, 1, 1)
    end: date = date(2025, 12, 31)
    seed: int = 7
    group_shares: tuple[tuple[str, float], ...] = DEFAULT_SHARES
    # Of the core customers' multi-item purchase orders, those planted with a full bundle; the share stays within
    # a point (cross-sell orders and bundles completed by chance move it a little): see SampleData.planted.
    bundle_order_share: float = 0.20
    cross_sell_share: float = 0.05  # of customers, those who bought exactly 2 items of a 3-item bundle
    walk_in_share: float = 0.01  # of order lines, those without a customer id
    no_consent_share: float = 0.15
    n_returns: int = 15
    n_cancelled: int = 8
    n_duplicates: int = 3
    future_days: int = 90  # length of the future period after as_of, in days (2026-01-01 .. 2026-03-31)
    test_stream: bool = False  # add a dummy behaviour stream (ids "XS..."); tests use it to prove stability
    # customers "K00001"... in the planted behaviour clusters (crm_core.sample.behaviour), added after the core
    # ones (n_customers); 0 leaves the stream out
    n_cluster_customers: int = 200
    # the past campaign (crm_core.sample.campaign): sent this many days before as_of, to each consenting customer
    # who bought before it with this chance
    campaign_days: int = 60
    campaign_share: float = 0.7

    def __post_init__(self) -> None:
        shares = dict(self.group_shares)
        if set(shares) - set(GROUPS) or abs(sum(shares.values()) - 1) > 1e-9:
            raise ValueError(f"group_shares must name groups of {GROUPS} and sum to 1, got {self.group_shares}")
        if self.span_days < 364:
            raise ValueError("start must be at least 364 days before end: the 'lost' group needs a full year")
        if self.n_customers < 50 or self.seed < 0 or self.future_days < 1 or self.n_cluster_customers < 0:
            raise ValueError("n_customers must be at least 50, seed and n_cluster_customers non-negative and "
                             "future_days at least 1")
        if not (1 <= self.campaign_days <= self.span_days and 0 < self.campaign_share <= 1):
            raise ValueError("campaign_days must be 1 to span_days and campaign_share in (0, 1]")

    @property
    def span_days(self) -> int:
        return (self.end - self.start).days

    @property
    def as_of(self) -> date:
        """The analysis date: the day after the last possible order."""
        return self.end + timedelta(days=1)

    @property
    def campaign_date(self) -> date:
        """The day the past campaign went out: ``campaign_days`` before :attr:`as_of`."""
        return self.as_of - timedelta(days=self.campaign_days)


@dataclass(frozen=True)
class SampleData:
    """Generated demo data.

    orders : order lines sorted by time; customer_id (missing for walk-ins), order_id, order_date
        (datetime64), product, sku, category, quantity (negative for returns), unit_price, amount, channel,
        status (已完成 or 已取消).
    customers : customer_id, name, phone, email, gender, city, signup_date (datetime64), consent (bool); the
        core customers, then the behaviour clusters' ones.
    truth : customer_id, group (missing for the behaviour clusters' customers), churned, bundle_buyer,
        duplicate_of (id of the same person, or missing), cross_sell_product (the bundle item a 2-of-3 buyer
        never bought, or missing), future_orders (purchase orders in the future period), churned_in_future (no
        purchase in the future period), behaviour_cluster (missing for the core customers), expected_stage
        (lifecycle stage with the default windows, where the planting fixes it; see
        :func:`crm_core.sample.truth.derive_truth`), campaign_contacted, campaign_responded (missing for
        customers the past campaign did not go to), campaign_response_chance (the planted chance; see
        :mod:`crm_core.sample.campaign`), outcome_group and outcome_success (missing for customers not on the
        measured list; see :mod:`crm_core.sample.outcomes`).
    planted : counts of every planted quirk (see :func:`crm_core.sample.truth.planted_counts`).
    future : order lines (columns of ``orders``, all completed purchases) dated after the analysis date, in
        the ``spec.future_days`` days from it; ids in a series of their own.
    master : the customer master file (:class:`crm_core.sample.master.CustomerMaster`): the customers as the
        shop's membership system lists them, with planted cases (respelled ids, customers who never ordered,
        later opt-outs, moved cities, empty cells, repeated ids, rows without an id).
    campaign : the past campaign's results (:func:`crm_core.sample.campaign.campaign_results`): customer_id,
        campaign, sent_date, channel, contacted, responded, coupon_redeemed (the last leaks the response).
    outcomes : the measured campaign list (:func:`crm_core.sample.outcomes.plant_outcomes`), one row per customer
        on it; the truth's outcome_group and outcome_success come from it.
    touchpoints : the planted journeys (:func:`crm_core.sample.touchpoints.plant_touchpoints`), one row per touch.
    sales : the planted daily sales per channel (:func:`crm_core.sample.seasonal.daily_sales`).
    """

    orders: pd.DataFrame
    customers: pd.DataFrame
    truth: pd.DataFrame
    planted: Mapping[str, int]
    future: pd.DataFrame
    master: sample_master.CustomerMaster
    campaign: pd.DataFrame
    outcomes: pd.DataFrame
    touchpoints: pd.DataFrame
    sales: pd.DataFrame


def _rng(spec: SampleSpec, step: str) -> np.random.Generator:
    """A random stream of its own for each planted behaviour."""
    return np.random.default_rng([spec.seed, zlib.crc32(step.encode())])


def assign_groups(spec: SampleSpec) -> pd.DataFrame:
    """customer_id ("C00001" ...) and group, with exact group counts (largest remainder) in random order."""
    shares = dict(spec.group_shares)
    exact = np.array([shares.get(g, 0.0) for g in GROUPS]) * spec.n_customers
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: spec.n_customers - counts.sum()]] += 1
    groups = _rng(spec, "groups").permutation(np.repeat(np.array(GROUPS), counts))
    ids = [f"C{i:05d}" for i in range(1, spec.n_customers + 1)]
    return pd.DataFrame({"customer_id": ids, "group": groups}).astype("str")


def plant_orders(groups: pd.DataFrame, spec: SampleSpec) -> pd.DataFrame:
    """One row per purchase order: customer_id, group, order_date, channel, order_key.

    Order counts, the last-order window and channel mix follow each group's profile.
    """
    rng = _rng(spec, "orders")
    profiles = [PROFILES[g] for g in groups["group"]]
    span = spec.span_days
    low, high = (np.array([p.orders[i] for p in profiles]) for i in (0, 1))
    n_orders = rng.integers(low, high + 1)
    windows = np.array([p.last_order for p in profiles])
    last = rng.integers(windows[:, 0], windows[:, 1] + 1)
    owner = np.repeat(np.arange(len(groups)), n_orders)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(n_orders) - n_orders, n_orders)
    earlier = rng.integers(last[owner], span + 1)  # the other orders spread between the last one and the start
    days_back = np.where(position == 0, last[owner], earlier)
    orders = groups.iloc[owner].reset_index(drop=True)
    return orders.assign(order_date=timestamps(spec.end, days_back, rng),
                         channel=draw_channels(orders["group"], rng), order_key=np.arange(len(orders)))


def plant_baskets(orders: pd.DataFrame, spec: SampleSpec) -> pd.DataFrame:
    """Expand orders into lines, adding product_idx (position in CATALOG), quantity, status and kind.

    Exactly ``round(spec.bundle_order_share * multi-item orders)`` orders hold one
    full bundle (plus any further items the order was to have).
    """
    rng = _rng(spec, "baskets")
    extra = rng.poisson([PROFILES[g].extra_lines for g in orders["group"]])
    n_lines = 1 + np.minimum(extra, 3)
    bundles = bundle_indices()
    multi = np.flatnonzero(n_lines >= 2)
    is_bundle = np.isin(np.arange(len(orders)),
                        rng.choice(multi, size=round(spec.bundle_order_share * len(multi)), replace=False))
    bundle = np.where(is_bundle, rng.choice(len(bundles), size=len(orders), p=BUNDLE_WEIGHTS), -1)
    keys = product_keys(orders["group"], rng)
    for b, items in enumerate(bundles):
        keys[np.ix_(bundle == b, items)] = np.inf  # a bundle's items always win the draw
        n_lines = np.where(bundle == b, np.maximum(n_lines, len(items)), n_lines)
    ranked = np.argsort(-keys, axis=1, kind="stable")
    row, rank = np.nonzero(np.arange(len(CATALOG))[None, :] < n_lines[:, None])
    big = rng.random(len(row)) < np.array([PROFILES[g].multi_quantity for g in orders["group"]])[row]
    quantity = np.where(big, rng.choice([2, 3], size=len(row), p=[0.75, 0.25]), 1)
    lines = orders.iloc[row].reset_index(drop=True)
    return lines.assign(product_idx=ranked[row, rank], quantity=quantity, status=COMPLETED, kind="purchase")


def plant_cross_sell_gaps(lines: pd.DataFrame, spec: SampleSpec) -> tuple[pd.DataFrame, pd.Series]:
    """Customers who bought exactly 2 items of a 3-item bundle, together in one order, and never the third.

    For ``spec.cross_sell_share`` of all customers (from repeat-buying groups who
    never bought the missing item), one order without a full bundle becomes just
    the two items.  Returns the lines and ``cross_sell_product`` (the missing
    item's name) indexed by customer_id.
    """
    rng = _rng(spec, "cross_sell")
    triples = [items for items in bundle_indices() if len(items) == 3]
    options = [(items[missing], np.delete(items, missing)) for items in triples for missing in range(3)]
    repeat = lines[lines["group"].isin(REPEAT_GROUPS)]
    bought = repeat.groupby("customer_id")["product_idx"].agg(set)
    no_bundle = repeat[~repeat["order_key"].isin(_bundle_order_keys(lines))]
    plain_orders = no_bundle.groupby("customer_id")["order_key"].unique()  # orders we may overwrite
    wanted = round(spec.cross_sell_share * spec.n_customers)
    gaps, pairs = {}, {}
    for customer in rng.permutation(bought.index.to_numpy()):
        if len(gaps) == wanted:
            break
        fitting = [o for o in rng.permutation(len(options)) if options[o][0] not in bought[customer]]
        keys = plain_orders.get(customer)
        if fitting and keys is not None:
            missing, kept = options[fitting[0]]
            pairs[rng.choice(keys)] = kept
            gaps[customer] = CATALOG[missing].name
    heads = lines.drop_duplicates("order_key").set_index("order_key")
    pair_lines = [heads.loc[[key, key]].reset_index().assign(product_idx=kept, quantity=1)
                  for key, kept in pairs.items()]
    gap = pd.Series(gaps, name="cross_sell_product", dtype="str").rename_axis("customer_id").sort_index()
    return pd.concat([lines[~lines["order_key"].isin(list(pairs))], *pair_lines], ignore_index=True), gap


def _bundle_order_keys(lines: pd.DataFrame) -> list[int]:
    """order_key of working lines holding every item of some bundle."""
    found: set[int] = set()
    for items in bundle_indices():
        hits = lines[lines["product_idx"].isin(items)].groupby("order_key")["product_idx"].nunique()
        found.update(hits.index[(hits == len(items)).to_numpy()].tolist())
    return sorted(found)


def finalize_orders(lines: pd.DataFrame, *, prefix: str | None = None, first_number: int = 1) -> pd.DataFrame:
    """Canonical order lines sorted by time; order ids "DD" + yyyymmdd + running number ("TH" for returns).

    ``lines`` is one id series: the running number counts its orders only, from ``first_number`` (a stream
    numbered after another one's last order).  With ``prefix``, every id starts with it instead of DD/TH (a
    stream whose ids must not look like the core ones).
    """
    lines = lines.sort_values(["order_date", "order_key"], kind="stable").reset_index(drop=True)
    heads = lines.drop_duplicates("order_key")
    numbers = [f"{prefix or ('TH' if kind == 'return' else 'DD')}{when:%Y%m%d}{i:05d}"
               for i, (kind, when) in enumerate(zip(heads["kind"], heads["order_date"], strict=True),
                                                start=first_number)]
    items = [CATALOG[i] for i in lines["product_idx"]]
    price = np.array([p.price for p in items])
    return pd.DataFrame({
        "customer_id": lines["customer_id"].astype("str"),
        "order_id": lines["order_key"].map(dict(zip(heads["order_key"], numbers, strict=True))).astype("str"),
        "order_date": lines["order_date"],
        "product": pd.Series([p.name for p in items], dtype="str"),
        "sku": pd.Series([p.sku for p in items], dtype="str"),
        "category": pd.Series([p.category for p in items], dtype="str"),
        "quantity": lines["quantity"].astype("int64"),
        "unit_price": price,
        "amount": (price * lines["quantity"].to_numpy()).round(2),
        "channel": lines["channel"].astype("str"),
        "status": lines["status"].astype("str"),
    })


def generate_sample(spec: SampleSpec = SampleSpec()) -> SampleData:
    """Generate demo orders, customers and the planted truth for ``spec``; the same spec gives the same data."""
    groups = assign_groups(spec)
    lines = plant_baskets(plant_orders(groups, spec), spec)
    lines, cross_sell = plant_cross_sell_gaps(lines, spec)
    lines = sample_quirks.plant_cancellations(lines, _rng(spec, "cancelled"), n_orders=spec.n_cancelled,
                                              end=spec.end)
    lines = sample_quirks.plant_returns(lines, _rng(spec, "returns"), n_lines=spec.n_returns, end=spec.end)
    lines = sample_quirks.plant_walk_ins(lines, _rng(spec, "walk_ins"), share=spec.walk_in_share, end=spec.end,
                                         span_days=spec.span_days)
    orders = finalize_orders(lines)
    first = sample_truth.purchases(orders).groupby("customer_id")["order_date"].min().reindex(groups["customer_id"])
    customers = sample_quirks.make_customers(first, groups.set_index("customer_id")["group"] == "new",
                                             _rng(spec, "customers"), no_consent_share=spec.no_consent_share)
    occasional = groups.loc[groups["group"] == "occasional", "customer_id"].tolist()
    customers, duplicate_of = sample_quirks.plant_duplicates(customers, occasional, _rng(spec, "duplicates"),
                                                             n_pairs=spec.n_duplicates)
    future = finalize_orders(sample_future.plant_future(groups, _rng(spec, "future"), end=spec.end,
                                                        future_days=spec.future_days))
    master = sample_master.plant_master(customers, _rng(spec, "master"))
    # Added streams come after the core ones and change none of their rows.
    if spec.test_stream:
        test_lines = sample_future.plant_test_stream(groups, _rng(spec, "test_stream"), end=spec.end,
                                                     span_days=spec.span_days)
        orders = _merged(orders, finalize_orders(test_lines, prefix="XS"))
    members = sample_behaviour.assign_clusters(spec.n_cluster_customers, _rng(spec, "behaviour_clusters"))
    if len(members):
        orders, future, customers, master = _add_behaviour_clusters(spec, members, orders, future, customers, master)
    truth = sample_truth.derive_truth(orders, groups, cross_sell, duplicate_of, future, as_of=spec.as_of,
                                      behaviour=members)
    plan = sample_campaign.plant_campaign(orders, customers, _rng(spec, "campaign"), sent=spec.campaign_date,
                                          share=spec.campaign_share)
    truth = sample_campaign.with_campaign_truth(truth, plan)
    outcomes = sample_outcomes.plant_outcomes(orders, customers, groups.set_index("customer_id")["group"],
                                              _rng(spec, "campaign_outcomes"), as_of=spec.as_of)
    truth = sample_outcomes.with_outcome_truth(truth, outcomes)
    touchpoints = sample_touchpoints.plant_touchpoints(_rng(spec, "touchpoints"), start=spec.start, end=spec.end)
    return SampleData(orders, customers, truth, sample_truth.planted_counts(orders, customers, truth), future, master,
                      sample_campaign.campaign_results(plan, sent=spec.campaign_date), outcomes, touchpoints,
                      sample_seasonal.daily_sales(spec))


def _merged(orders: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """``added`` lines interleaved in time with ``orders`` (equal times: the existing line first)."""
    return pd.concat([orders, added], ignore_index=True).sort_values("order_date", kind="stable").reset_index(drop=True)


def _add_behaviour_clusters(spec: SampleSpec, members: pd.DataFrame, orders: pd.DataFrame, future: pd.DataFrame,
                            customers: pd.DataFrame, master: sample_master.CustomerMaster
                            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, sample_master.CustomerMaster]:
    """The planted behaviour clusters' orders, future purchases, identities and master rows added to the core
    ones; their order ids continue the running numbers of the core orders and of the core future orders."""
    core_ids = orders.loc[~orders["order_id"].str.startswith("XS"), "order_id"]
    lines = sample_behaviour.plant_behaviour_orders(members, _rng(spec, "behaviour_orders"), end=spec.end)
    added = finalize_orders(lines, first_number=core_ids.nunique() + 1)
    ahead = sample_behaviour.plant_behaviour_future(members, _rng(spec, "behaviour_future"), end=spec.end,
                                                    future_days=spec.future_days)
    future = _merged(future, finalize_orders(ahead, first_number=future["order_id"].nunique() + 1))
    first = added.groupby("customer_id")["order_date"].min().reindex(members["customer_id"])
    is_new = pd.Series((members["behaviour_cluster"] == "new_high_potential").to_numpy(), index=first.index)
    identities = sample_quirks.make_customers(first, is_new, _rng(spec, "behaviour_customers"),
                                              no_consent_share=spec.no_consent_share)
    identities = sample_quirks.distinct_emails(identities, customers["email"])
    return (_merged(orders, added), future, pd.concat([customers, identities], ignore_index=True),
            sample_master.with_customers(master, identities))


def write_sample_files(directory: Path, spec: SampleSpec = SampleSpec(), *,
                       max_bytes: int | None = MAX_FILES_BYTES) -> list[Path]:
    """Write orders_zh.csv, orders_en.xlsx, orders_future_zh.csv, truth.csv, customers_zh.csv,
    customers_en.csv, campaign_results_en.csv, campaign_results_zh.csv, campaign_outcomes_en.csv,
    campaign_outcomes_zh.csv, touchpoints_en.csv, touchpoints_zh.csv, daily_sales_en.csv and daily_sales_zh.csv
    into ``directory``; return their paths (in that order).

    orders_zh.csv: UTF-8 with BOM, Chinese headers, order lines joined with the
    customer's attributes (one complete upload, like a shop export).
    orders_en.xlsx: the same rows with English headers under a title row and every text value in
    English (product, category, channel, status, name, gender, city); the money headers say CNY.
    orders_future_zh.csv: :attr:`SampleData.future` written like orders_zh.csv (the next months' export).
    truth.csv: :attr:`SampleData.truth`.
    customers_zh.csv / customers_en.csv: the customer master (:attr:`SampleData.master`, see
    :mod:`crm_core.sample.master`) under a membership system's Chinese / English headers.
    campaign_results_en.csv / campaign_results_zh.csv: :attr:`SampleData.campaign` in English / Chinese (see
    :mod:`crm_core.sample.campaign`).
    campaign_outcomes_en.csv / campaign_outcomes_zh.csv: :attr:`SampleData.outcomes` (see
    :mod:`crm_core.sample.outcomes`); touchpoints_en.csv / touchpoints_zh.csv: :attr:`SampleData.touchpoints` (see
    :mod:`crm_core.sample.touchpoints`); daily_sales_en.csv / daily_sales_zh.csv: :attr:`SampleData.sales` (see
    :mod:`crm_core.sample.seasonal`).  The English files are UTF-8 with LF, the Chinese ones UTF-8 with BOM and
    CRLF.  The bytes depend only on ``spec``.

    Raises
    ------
    ValueError
        If the files together would exceed ``max_bytes``; nothing is written then.
    """
    data = generate_sample(spec)
    export = sample_files.export_table(data.orders, data.customers)
    stamp = datetime.combine(spec.as_of, datetime.min.time())
    contents = {
        "orders_zh.csv": sample_files.zh_csv_bytes(export),
        "orders_en.xlsx": sample_files.en_xlsx_bytes(export, title=f"Sales export {spec.end.year}", stamp=stamp),
        "orders_future_zh.csv": sample_files.zh_csv_bytes(sample_files.export_table(data.future, data.customers)),
        "truth.csv": sample_files.truth_csv_bytes(data.truth),
        "customers_zh.csv": sample_master.master_zh_csv_bytes(data.master),
        "customers_en.csv": sample_master.master_en_csv_bytes(data.master),
        "campaign_results_en.csv": sample_campaign.results_en_csv_bytes(data.campaign),
        "campaign_results_zh.csv": sample_campaign.results_zh_csv_bytes(data.campaign),
        "campaign_outcomes_en.csv": sample_outcomes.outcomes_en_csv_bytes(data.outcomes),
        "campaign_outcomes_zh.csv": sample_outcomes.outcomes_zh_csv_bytes(data.outcomes),
        "touchpoints_en.csv": sample_touchpoints.touchpoints_en_csv_bytes(data.touchpoints),
        "touchpoints_zh.csv": sample_touchpoints.touchpoints_zh_csv_bytes(data.touchpoints),
        "daily_sales_en.csv": sample_seasonal.sales_en_csv_bytes(data.sales),
        "daily_sales_zh.csv": sample_seasonal.sales_zh_csv_bytes(data.sales),
    }
    total = sum(len(b) for b in contents.values())
    if max_bytes is not None and total > max_bytes:
        raise ValueError(f"sample files would take {total:,} bytes (limit {max_bytes:,}): lower n_customers")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        (directory / name).write_bytes(content)
    return [directory / name for name in contents]


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m crm_core.sample.generator DIRECTORY [--customers N] [--seed S]``."""
    parser = argparse.ArgumentParser(prog="python -m crm_core.sample", description=main.__doc__)
    parser.add_argument("directory", type=Path, nargs="?", default=Path("sample_data"))
    parser.add_argument("--customers", type=int, default=SampleSpec.n_customers)
    parser.add_argument("--seed", type=int, default=SampleSpec.seed)
    args = parser.parse_args(argv)
    for path in write_sample_files(args.directory, SampleSpec(n_customers=args.customers, seed=args.seed)):
        print(f"{path}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
