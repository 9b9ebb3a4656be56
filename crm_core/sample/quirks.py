"""The messy parts of the demo data: identities, cancellations, returns, walk-ins, duplicates.

Each function takes the generator's working frames and a random stream of its
own and returns new frames (inputs are never changed).  Working order lines
have the columns customer_id, group, order_date, channel, order_key,
product_idx (position in CATALOG), quantity, status and kind ("purchase",
"cancelled", "return", "walk_in").  See :mod:`crm_core.sample.generator`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from crm_core.sample.catalog import (
    CATALOG,
    CHANNELS,
    CITIES,
    FEMALE_GIVEN,
    MALE_GIVEN,
    PHONE_PREFIXES,
    PHONE_STYLE_WEIGHTS,
    REPEAT_GROUPS,
    SURNAMES,
    format_phone,
    product_keys,
    timestamps,
)

COMPLETED, CANCELLED = "已完成", "已取消"
# The English demo file's words for them; "Cancelled" is excluded like 已取消 (ingest._statuses.EXCLUDED_STATUSES).
STATUSES_EN = {COMPLETED: "Completed", CANCELLED: "Cancelled"}
_PLAIN_STYLE, _INTERNATIONAL_STYLE = 0, 3  # 13812345678 and +86 138-1234-5678


def _share(weights: tuple[float, ...] | list[float]) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


def make_customers(first_purchase: pd.Series, is_new: pd.Series, rng: np.random.Generator, *,
                   no_consent_share: float) -> pd.DataFrame:
    """Synthetic identities for the customers indexed in ``first_purchase``.

    Returns columns customer_id, name, phone (unique numbers, mixed formats),
    email (about 80%; example.com / example.cn), gender (男/女), city,
    signup_date (on or before the first purchase; within 3 days for new customers)
    and consent (exactly ``round(no_consent_share * n)`` False).
    """
    n = len(first_purchase)
    female = rng.random(n) < 0.55
    surname = np.array(SURNAMES, dtype=object)[rng.choice(len(SURNAMES), size=n, p=_share([s[2] for s in SURNAMES]))]
    given_f = np.array(FEMALE_GIVEN, dtype=object)[rng.integers(len(FEMALE_GIVEN), size=n)]
    given_m = np.array(MALE_GIVEN, dtype=object)[rng.integers(len(MALE_GIVEN), size=n)]
    given = np.where(female[:, None], given_f, given_m)
    prefixes, suffixes = rng.choice(PHONE_PREFIXES, size=n), rng.choice(10**8, size=n, replace=False)
    digits = [f"{p}{s:08d}" for p, s in zip(prefixes, suffixes, strict=True)]
    styles = rng.choice(len(PHONE_STYLE_WEIGHTS), size=n, p=_share(PHONE_STYLE_WEIGHTS))
    numbers = rng.permutation(np.arange(100, 100 + max(n, 9900)))[:n]  # unique, so every email is unique
    domains = rng.choice(["example.com", "example.cn"], size=n, p=[0.6, 0.4])
    emails = [f"{g}{s}{k}@{d}" for g, s, k, d in zip(given[:, 1], surname[:, 1], numbers, domains, strict=True)]
    has_email = rng.random(n) < 0.8
    lead_days = np.where(is_new.to_numpy(), rng.integers(0, 4, size=n), rng.integers(0, 900, size=n))
    signup = (first_purchase - pd.to_timedelta(lead_days, unit="D")).dt.normalize()
    consent = np.ones(n, dtype=bool)
    consent[rng.choice(n, size=round(no_consent_share * n), replace=False)] = False
    return pd.DataFrame({
        "customer_id": first_purchase.index.astype("str"),
        "name": pd.Series(surname[:, 0] + given[:, 0], dtype="str"),
        "phone": pd.Series([format_phone(d, s) for d, s in zip(digits, styles, strict=True)], dtype="str"),
        "email": pd.Series(emails, dtype="str").where(has_email),
        "gender": np.where(female, "女", "男"),
        "city": rng.choice([c for c, _ in CITIES], size=n, p=_share([w for _, w in CITIES])),
        "signup_date": signup.to_numpy(),
        "consent": consent,
    }).astype({"gender": "str", "city": "str"})


def plant_duplicates(customers: pd.DataFrame, candidates: list[str], rng: np.random.Generator, *,
                     n_pairs: int) -> tuple[pd.DataFrame, pd.Series]:
    """Make ``n_pairs`` customer ids (from ``candidates``) a second identity of another candidate.

    The copy takes the original's name, gender, city and phone number, but the
    number is written "13812345678" while the original reads "+86 138-1234-5678",
    and it has no email (signed up again in a store with the phone only).
    Returns the customers and ``duplicate_of`` (copy id -> original id).
    """
    picked = rng.choice(np.array(candidates, dtype=object), size=2 * n_pairs, replace=False)
    originals, copies = np.sort(picked[:n_pairs]), np.sort(picked[n_pairs:])
    table = customers.set_index("customer_id")
    digits = table.loc[originals, "phone"].str.replace(r"^\+86|[^0-9]", "", regex=True).to_numpy()
    phone = table["phone"].copy()
    phone.loc[originals] = [format_phone(d, _INTERNATIONAL_STYLE) for d in digits]
    phone.loc[copies] = [format_phone(d, _PLAIN_STYLE) for d in digits]
    copied = {col: table[col].copy() for col in ("name", "gender", "city")}
    for col, values in copied.items():
        values.loc[copies] = table.loc[originals, col].to_numpy()
    email = table["email"].copy()
    email.loc[copies] = None
    table = table.assign(phone=phone, email=email, **copied)
    duplicate_of = pd.Series(originals, index=pd.Index(copies, name="customer_id"), name="duplicate_of", dtype="str")
    return table.reset_index(), duplicate_of


def _days_back(when: pd.Series, end: date) -> np.ndarray:
    return (pd.Timestamp(end) - when.dt.normalize()).dt.days.to_numpy()


def _repeat_buyers(lines: pd.DataFrame) -> pd.DataFrame:
    """first and last purchase date per customer_id of the repeat-buying groups, where the days differ."""
    repeat = lines[lines["group"].isin(REPEAT_GROUPS) & (lines["kind"] == "purchase")]
    span = repeat.groupby("customer_id")["order_date"].agg(first="min", last="max")
    return span[span["first"].dt.normalize() < span["last"].dt.normalize()]


def _next_keys(lines: pd.DataFrame, n: int) -> np.ndarray:
    return lines["order_key"].max() + 1 + np.arange(n)


def plant_cancellations(lines: pd.DataFrame, rng: np.random.Generator, *, n_orders: int, end: date) -> pd.DataFrame:
    """Add ``n_orders`` orders of 1-2 lines with status 已取消 on a day between their customer's first and
    last purchase, so leaving them out never changes when a customer bought."""
    span = _repeat_buyers(lines)
    chosen = span.iloc[np.sort(rng.choice(len(span), size=min(n_orders, len(span)), replace=False))]
    days_back = rng.integers(_days_back(chosen["last"], end), _days_back(chosen["first"], end) + 1)
    n_lines = rng.integers(1, 3, size=len(chosen))
    owner = np.repeat(np.arange(len(chosen)), n_lines)
    group = lines.drop_duplicates("customer_id").set_index("customer_id")["group"]
    cancelled = pd.DataFrame({
        "customer_id": chosen.index.to_numpy()[owner],
        "group": group.loc[chosen.index].to_numpy()[owner],
        "order_date": timestamps(end, days_back, rng).to_numpy()[owner],
        "channel": rng.choice(CHANNELS, size=len(chosen))[owner],
        "order_key": _next_keys(lines, len(chosen))[owner],
        "product_idx": np.concatenate([rng.choice(len(CATALOG), size=k, replace=False) for k in n_lines]),
        "quantity": 1, "status": CANCELLED, "kind": "cancelled",
    })
    return pd.concat([lines, cancelled], ignore_index=True)


def plant_returns(lines: pd.DataFrame, rng: np.random.Generator, *, n_lines: int, end: date) -> pd.DataFrame:
    """Add ``n_lines`` full returns of earlier purchase lines: negative quantity, status 已完成, own order.

    Only lines bought at least 15 days before the customer's last purchase are
    returned (1-14 days later), so a return never becomes a customer's last activity.
    """
    bought = lines[lines["kind"] == "purchase"]
    days_back = _days_back(bought["order_date"], end)
    last_back = bought.assign(back=days_back).groupby("customer_id")["back"].transform("min").to_numpy()
    candidates = bought[days_back >= last_back + 15]
    picked = candidates.iloc[np.sort(rng.choice(len(candidates), size=min(n_lines, len(candidates)), replace=False))]
    return_back = _days_back(picked["order_date"], end) - rng.integers(1, 15, size=len(picked))
    returns = picked.assign(
        order_date=timestamps(end, return_back, rng).to_numpy(),
        quantity=-picked["quantity"], order_key=_next_keys(lines, len(picked)), kind="return",
    )
    return pd.concat([lines, returns], ignore_index=True)


def plant_walk_ins(lines: pd.DataFrame, rng: np.random.Generator, *, share: float, end: date,
                   span_days: int) -> pd.DataFrame:
    """Add single-line store sales with no customer id, making up ``share`` of all lines."""
    n = round(share * len(lines) / (1 - share))
    missing = pd.Series([None] * n, dtype="str")
    walk_ins = pd.DataFrame({
        "customer_id": missing, "group": missing,
        "order_date": timestamps(end, rng.integers(0, span_days + 1, size=n), rng),
        "channel": "线下门店",
        "order_key": _next_keys(lines, n),
        "product_idx": np.argmax(product_keys(pd.Series(["occasional"] * n), rng), axis=1),
        "quantity": 1, "status": COMPLETED, "kind": "walk_in",
    })
    return pd.concat([lines, walk_ins], ignore_index=True)


def distinct_emails(customers: pd.DataFrame, taken: pd.Series) -> pd.DataFrame:
    """``customers`` with every e-mail that is already in ``taken`` (another stream's customers) made unique by
    a digit more before the "@" (name1234@example.com -> name12340@example.com)."""
    used = set(taken.dropna())
    emails = []
    for email in customers["email"]:
        while isinstance(email, str) and email in used:
            email = email.replace("@", "0@", 1)
        if isinstance(email, str):
            used.add(email)
        emails.append(email)
    return customers.assign(email=pd.Series(emails, index=customers.index, dtype="str"))
