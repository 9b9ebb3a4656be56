"""Who is who: normalised phones and emails, and customer ids that are one person.

Phones are compared in E.164 after parsing with ``phonenumbers`` (the Python port of
Google's libphonenumber) in a default region, because hand-written regexes break on
other countries' numbering plans.  Emails are only trimmed and lower-cased: provider
rules (dots, ``+tags``) are never applied to merges, only offered for review.
Nothing here merges silently: :func:`find_duplicate_customers` returns the mapping for
the report, and :func:`apply_merges` applies exactly that mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import phonenumbers

from crm_core.ingest._cells import factorize, take_text, tidy

DUPLICATE_COLUMNS = ["customer_id", "merged_into", "matched_on", "key", "group_size"]
REVIEW_COLUMNS = ["customer_id", "email", "review_key"]
# Masked exports (JD: 1******6198, 138****5678, 138xxxx5678) must never identify anyone.
_MASKED = r"\*|[xX×]{2,}|•"


def _e164(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phones(s: pd.Series, *, region: str = "CN") -> pd.Series:
    """Phones in E.164 (``+8613812345678``); missing when invalid, masked or empty.

    ``+86 138-1234-5678``, ``8613812345678``, ``138 1234 5678`` and ``0086 13812345678``
    all give ``+8613812345678`` with ``region="CN"``.  Excel guards (``="..."``, ``'``)
    and a float's ``.0`` are removed first.  Each distinct value is parsed once.

    Returns
    -------
    Series of str, same index.
    """
    codes, uniq = factorize(s)
    text = tidy(uniq).str.replace(r'^="(.*)"$', r"\1", regex=True).str.replace(r"^'", "", regex=True)
    text = text.str.replace(r"^(\+?[0-9]+)\.0$", r"\1", regex=True)
    masked = text.str.contains(_MASKED, regex=True).to_numpy(dtype=bool)
    phones = [None if hide else _e164(value, region) for value, hide in zip(text.tolist(), masked, strict=True)]
    return take_text(pd.Series(phones, dtype="str"), codes, s)


def normalize_emails(s: pd.Series) -> pd.Series:
    """Emails trimmed and lower-cased (after NFKC); missing unless ``local@domain.tld``.

    Returns
    -------
    Series of str, same index.
    """
    codes, uniq = factorize(s)
    text = tidy(uniq).str.lower()
    emails = text.where(text.str.fullmatch(r"[^@ \t\r\n]+@[^@ \t\r\n]+\.[^@ \t\r\n]+"))
    return take_text(emails, codes, s)


# A phone as people type it: digits with +, blanks, hyphens, brackets, dots.  7-15 digits (E.164 allows 15).
_PHONE_LIKE = r"\+?[0-9(][0-9 ()\-.]*[0-9]"
_EMAIL_LIKE = r"[^@\s]+@[^@\s]+"
# "Mostly": more than this share of the distinct non-empty ids.
_MOSTLY = 0.5
# Phone-like values checked with phonenumbers before a column is called a phone column (a 13-digit
# Shopify customer id looks like a phone but is not a valid number anywhere).
_PHONE_SAMPLE = 200


@dataclass(frozen=True)
class IdNormalisation:
    """Customer ids that are phones or e-mails, written one way.

    ids : Series of str, one per input value (same index): the normalised id, or the input where it
        could not be normalised (an invalid or masked phone stays as written).
    kind : "phone", "email" or None (ordinary ids, returned unchanged).
    example : ``"138 1234 5678 → +8613812345678"``: an input that changed, or None.
    """

    ids: pd.Series
    kind: str | None
    example: str | None


def _phone_like(ids: pd.Series) -> np.ndarray:
    digits = ids.str.count(r"[0-9]")
    shaped = ids.str.fullmatch(_PHONE_LIKE) & ~ids.str.contains(_MASKED, regex=True)
    return (shaped & (digits >= 7) & (digits <= 15)).to_numpy(dtype=bool, na_value=False)


def normalize_id_values(ids: pd.Series, *, region: str = "CN") -> IdNormalisation:
    """Customer ids written as phones or e-mails, one way each, so one person is one customer.

    A shop that uses the buyer's phone (手机号) or e-mail as the customer id writes the same person
    several ways: ``+86 138-1234-5678``, ``8613812345678`` and ``138 1234 5678``; ``Alice@X.com `` and
    ``alice@x.com``.  When more than half of the distinct ids are phone-like (digits with ``+``,
    blanks, ``-``, ``()``, 7-15 digits, not masked) and most of them are valid numbers in ``region``
    (or with their own country code), each phone-like id becomes E.164 (:func:`normalize_phones`).
    When more than half contain ``@``, each of those is trimmed and lower-cased.  Other ids (C00373,
    17850, 00123, a 13-digit platform id) are returned unchanged, and so is any value that cannot be
    normalised.  ``ids`` should hold distinct values (the caller's factorized column), so each is
    parsed once.

    Returns
    -------
    IdNormalisation
    """
    present = ids.dropna()
    unchanged = IdNormalisation(ids=ids, kind=None, example=None)
    if present.empty:
        return unchanged
    text = ids.astype("str")
    phone_like = _phone_like(text)
    emails = text.str.contains("@", regex=False).to_numpy(dtype=bool, na_value=False)
    if phone_like.sum() > _MOSTLY * len(present):
        sample = text[phone_like].head(_PHONE_SAMPLE)
        valid = normalize_phones(sample, region=region).notna().sum()
        if 2 * valid <= len(sample):
            return unchanged
        phones = normalize_phones(text[phone_like], region=region)
        new = text.copy()
        new[phone_like] = phones.where(phones.notna(), text[phone_like])
        kind = "phone"
    elif emails.sum() > _MOSTLY * len(present):
        lowered = tidy(text[emails]).str.strip().str.lower()
        new = text.copy()
        new[emails] = lowered
        kind = "email"
    else:
        return unchanged
    new = new.where(ids.notna())
    changed = (new != text).to_numpy(dtype=bool, na_value=False)
    example = f"{text[changed].iloc[0]} → {new[changed].iloc[0]}" if changed.any() else None
    return IdNormalisation(ids=new.astype("str"), kind=kind, example=example)


def _customer_table(customers: pd.DataFrame) -> pd.DataFrame:
    """Accept ``customer_id`` as a column or as the index; ids as text, rows without one dropped."""
    if "customer_id" not in customers.columns and customers.index.name == "customer_id":
        customers = customers.reset_index()
    table = customers.assign(customer_id=customers["customer_id"].astype("str"))
    return table[table["customer_id"].notna()]


def _links(table: pd.DataFrame, region: str) -> pd.DataFrame:
    """(customer_id, kind, key) for every phone or email key shared by two or more ids."""
    parts = []
    if "phone" in table.columns:
        parts.append(pd.DataFrame({"customer_id": table["customer_id"], "kind": "phone",
                                   "key": normalize_phones(table["phone"], region=region)}))
    if "email" in table.columns:
        parts.append(pd.DataFrame({"customer_id": table["customer_id"], "kind": "email",
                                   "key": normalize_emails(table["email"])}))
    if not parts:
        return pd.DataFrame(columns=["customer_id", "kind", "key"], dtype="str")
    links = pd.concat(parts, ignore_index=True).dropna().drop_duplicates()
    ids_per_key = links.groupby(["kind", "key"])["customer_id"].transform("nunique")
    return links[ids_per_key >= 2]


def _groups(links: pd.DataFrame) -> dict[str, str]:
    """Union-find over shared keys: customer_id -> a representative of its group."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]  # path halving keeps the trees flat
            node = parent[node]
        return node

    for ids in links.groupby(["kind", "key"])["customer_id"].agg(list):
        first = root(ids[0])
        for other in ids[1:]:
            parent[root(other)] = first
    return {node: root(node) for node in list(parent)}


def find_duplicate_customers(customers: pd.DataFrame, *, region: str = "CN") -> pd.DataFrame:
    """Customer ids that share a normalised phone or email, grouped transitively.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id`` (column or index) and optional ``phone``, ``email``, ``rows``.
        Several rows per id are fine (e.g. order lines).
    region : str
        Default region for phones written without a country code.

    Returns
    -------
    DataFrame with one row per customer_id in a group of two or more ids:
    customer_id; merged_into (the group's canonical id: most ``rows`` summed per id, or
    most input rows when there is no ``rows`` column, ties to the smallest id as text;
    it lists itself too); matched_on ("phone", "email" or "phone+email": which of its
    own keys it shares); key (the shared normalised phone and/or email, joined by
    " / "); group_size.  Empty with these columns when no ids share a key.
    """
    table = _customer_table(customers)
    links = _links(table, region)
    if links.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "group_size" else "str") for c in DUPLICATE_COLUMNS})
    group_of = _groups(links)
    weights = (table.groupby("customer_id")["rows"].sum() if "rows" in table.columns
               else table.groupby("customer_id").size())
    members = pd.DataFrame({"customer_id": list(group_of), "group": list(group_of.values())})
    members = members.assign(weight=members["customer_id"].map(weights).fillna(0).to_numpy())
    members = members.sort_values(["group", "weight", "customer_id"], ascending=[True, False, True])
    canonical = members.groupby("group")["customer_id"].transform("first")
    group_size = members.groupby("group")["customer_id"].transform("size")
    members = members.assign(merged_into=canonical, group_size=group_size)

    keys = links.sort_values(["customer_id", "kind", "key"], ascending=[True, False, True])
    keys = keys.drop_duplicates(["customer_id", "kind"]).groupby("customer_id", sort=False)
    matched_on = keys["kind"].agg("+".join).rename("matched_on")
    key = keys["key"].agg(" / ".join).rename("key")
    out = members.join(matched_on, on="customer_id").join(key, on="customer_id")
    out = out.assign(is_canonical=out["customer_id"] == out["merged_into"]).sort_values(
        ["merged_into", "is_canonical", "customer_id"], ascending=[True, False, True]
    )
    return out[DUPLICATE_COLUMNS].astype({"group_size": "int64"}).reset_index(drop=True)


def possible_email_duplicates(customers: pd.DataFrame) -> pd.DataFrame:
    """Ids whose emails match only after provider rules: for review, never merged.

    The review key drops dots and a ``+tag`` from the local part (as Gmail does) and
    reads googlemail.com as gmail.com.  Listed only when two or more ids and two or more
    different emails share a review key (identical emails are merged by
    :func:`find_duplicate_customers` instead).

    Returns
    -------
    DataFrame with columns customer_id, email (normalised), review_key; sorted by review_key.
    """
    table = _customer_table(customers)
    if "email" not in table.columns:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in REVIEW_COLUMNS})
    pairs = pd.DataFrame({"customer_id": table["customer_id"], "email": normalize_emails(table["email"])})
    pairs = pairs.dropna().drop_duplicates()
    local = pairs["email"].str.replace(r"@[^@]*$", "", regex=True)
    domain = pairs["email"].str.replace(r"^.*@", "", regex=True).replace("googlemail.com", "gmail.com")
    review_key = local.str.replace(r"\+.*$", "", regex=True).str.replace(".", "", regex=False) + "@" + domain
    pairs = pairs.assign(review_key=review_key)
    by_key = pairs.groupby("review_key")
    shared = (by_key["customer_id"].transform("nunique") >= 2) & (by_key["email"].transform("nunique") >= 2)
    out = pairs[shared].sort_values(["review_key", "customer_id", "email"])
    return out[REVIEW_COLUMNS].reset_index(drop=True)


def apply_merges(orders: pd.DataFrame, duplicates: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``orders`` with each ``customer_id`` listed in ``duplicates`` replaced by its ``merged_into``.

    Ids are compared as text; ids not listed are kept unchanged.
    """
    if duplicates is None or duplicates.empty or "customer_id" not in orders.columns:
        return orders.copy()
    mapping = dict(zip(duplicates["customer_id"].astype("str"), duplicates["merged_into"].astype("str"), strict=True))
    ids = orders["customer_id"].astype("str")
    merged = ids.map(mapping)
    return orders.assign(customer_id=merged.where(merged.notna(), ids))
