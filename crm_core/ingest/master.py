"""Join a customer master file (the shop's customer list) to the customers of cleaned orders.

A master file has one row per customer: an id plus name, phone, e-mail, gender, city, region, country,
sign-up date and consent, with no orders in it.  It is the shop's system of record, so where it gives a
value that value wins; where its cell is empty the value read from the orders is kept.

Rules, and why:

* **Same ids as the orders.** Master ids go through the very cleaning the orders' ids went through
  (:func:`crm_core.ingest.values.clean_ids`: blanks, full-width characters, Excel's ``="..."`` guards;
  phones and e-mails written one way, :func:`crm_core.ingest._columns.contact_ids`), so ``" C00012"`` and
  ``C00012`` are one customer.  An id that still matches no order id but matches exactly one of them when
  upper and lower case are ignored (``c00012``) is taken as that customer, with a note: shop systems
  differ in case, and two customers whose ids differ only in case are vanishingly rare.
* **Merged duplicates.** When ingest merged ids that share a phone or e-mail
  (``IngestOptions.merge_duplicates``, ``report.duplicates``), a master row for a merged-away id lands on
  the id it was merged into; an opt-out under either id survives, as in the merge itself.
* **Only customers who ordered.** Master customers without an order are counted, not added: every
  analysis (RFM first) needs purchases.
* **Repeated ids.** An id on several master rows takes, field by field, the last non-empty value (a
  later row is a later edit).  Rows without an id are counted and skipped.
* **Consent** is read as the orders' consent column is (:func:`crm_core.ingest.values.parse_consent`):
  the header says whether "yes" means consent or opt-out.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from crm_core.ingest import mapping as mapping_module
from crm_core.ingest import values
from crm_core.ingest._build import CUSTOMER_FIELDS, customer_field_parsers, unknown_consent
from crm_core.ingest._columns import Distinct, contact_ids, source_series
from crm_core.ingest._mapping_words import CUSTOMER_ID_HEADERS
from crm_core.ingest.mapping import composite_parts
from crm_core.messages import Localized
from crm_core.schema import (
    FIELD_BY_NAME,
    ColumnMapping,
    DataError,
    IngestOptions,
    IngestResult,
    Note,
    RawTable,
    normalize_header,
)

MASTER_FIELDS = ("customer_id",) + CUSTOMER_FIELDS
# Headers that only customer lists use (Shopify's customer export says "Accepts Email Marketing"), tried after
# the synonyms of :data:`crm_core.schema.FIELDS` (normalised as by :func:`crm_core.schema.normalize_header`).
MASTER_HEADERS = {"consent": ("accepts email marketing", "email marketing consent", "email marketing")}
_EXAMPLE_HEADERS = Localized(en="Customer ID, Customer No, Member ID", zh="客户编号、会员编号、会员卡号")


class _MasterProposer(mapping_module._Proposer):
    """The order-file proposer restricted to the id and the customer-level fields.

    Line fields are never considered, so they cannot take a column a customer field wants ("Registration
    Date" is a sign-up date here, not an order date) and no order date or amount is looked for.
    """

    def by_headers(self) -> None:
        for exact in (True, False):
            for name in MASTER_FIELDS:
                if name not in self.chosen:
                    self.take(name, mapping_module._ranked(name, self.headers, exact))
        for name, words in MASTER_HEADERS.items():
            if name not in self.chosen:
                self.take(name, [c for word in words for c, h in self.headers.items() if h == word])
        if "customer_id" not in self.chosen:  # a header saying "customer id" outright, however sparse
            self.sparse_ids = True
            self.take("customer_id", [c for c in mapping_module._ranked("customer_id", self.headers, True)
                                      if self.headers[c] in CUSTOMER_ID_HEADERS])
            self.sparse_ids = False


def propose_master_mapping(raw: RawTable) -> ColumnMapping:
    """The mapping of a customer master file: customer_id and the customer-level fields only.

    Headers in English, Chinese (and the other languages of :data:`crm_core.schema.FIELDS`) are matched
    by the same ranked synonyms as an order file, and each choice is checked against the values (phones
    not masked, e-mails with ``@``, dates for the sign-up date).  Nothing is guessed from values alone and
    no order field is required; when no column is a customer id the mapping has none, and
    :func:`join_customers` says what the file needs.
    """
    proposer = _MasterProposer([str(c) for c in raw.frame.columns], raw.frame)
    proposer.by_headers()
    return ColumnMapping.from_dict(proposer.chosen)


def _validate(master: RawTable, mapping: ColumnMapping) -> dict[str, str]:
    """The master fields the mapping feeds, by name; DataError when the id is missing or a column is not there."""
    pairs = {name: column for name, column in mapping.pairs if name in MASTER_FIELDS}
    if "customer_id" not in pairs:
        headers = {str(c): normalize_header(c) for c in master.frame.columns}
        named = mapping_module._ranked("customer_id", headers, True)
        if named:  # a column named as the id but left empty (the proposal never takes an empty column)
            raise DataError("customers_no_ids", file=master.source_name, column=named[0])
        raise DataError("customers_no_id", file=master.source_name, examples=_EXAMPLE_HEADERS,
                        columns=Localized.listing(master.frame.columns))
    used: dict[str, list[str]] = {}
    for name, column in pairs.items():
        used.setdefault(column, []).append(name)
    for column, names in used.items():
        if len(names) > 1:
            labels = [FIELD_BY_NAME[n] for n in names]
            raise DataError("customers_duplicate_mapping", file=master.source_name, column=column, fields=Localized(
                en=" and ".join(f.label_en for f in labels), zh="和".join(f.label_zh for f in labels)))
    for name, column in pairs.items():
        if column not in master.frame.columns and composite_parts(column, master.frame.columns) is None:
            field = FIELD_BY_NAME[name]
            raise DataError("customers_unknown_column", file=master.source_name, column=column,
                            field=Localized(en=field.label_en, zh=field.label_zh))
    return pairs


def _parsed(columns: dict[str, Distinct], mapping: ColumnMapping, index: pd.Index) -> pd.DataFrame:
    """One row per master row: each mapped customer field parsed as ingest parses it (see build_customers)."""
    parsers = customer_field_parsers(mapping)
    out = {}
    for name in CUSTOMER_FIELDS:
        if name in columns:
            out["opted_out" if name == "consent" else name] = columns[name].apply(parsers[name])
    return pd.DataFrame(out, index=index)


def _case_matches(ids: pd.Series, known: set[str]) -> dict[str, str]:
    """Master ids that match no known id as written but exactly one when case is ignored: id -> known id."""
    folded: dict[str, list[str]] = {}
    for k in known:
        folded.setdefault(k.casefold(), []).append(k)
    return {i: folded[i.casefold()][0] for i in pd.unique(ids.dropna())
            if i not in known and len(folded.get(i.casefold(), ())) == 1}


def _merged_away(result: IngestResult) -> dict[str, str]:
    """Ids ingest merged into another (``report.duplicates``) and no longer in the customers: id -> kept id."""
    duplicates = result.report.duplicates
    if duplicates is None or duplicates.empty:
        return {}
    present = set(result.customers["customer_id"])
    pairs = zip(duplicates["customer_id"].astype("str"), duplicates["merged_into"].astype("str"), strict=True)
    return {a: b for a, b in pairs if a != b and a not in present}


def join_customers(result: IngestResult, master: RawTable, mapping: ColumnMapping,
                   options: IngestOptions = IngestOptions()) -> IngestResult:
    """``result`` with its customers updated from the master file ``master`` (see the module's rules).

    Parameters
    ----------
    result : IngestResult
        Cleaned orders (:func:`crm_core.ingest.clean.standardize`), read with the same ``options``.
    master : RawTable
        The customer file as read by :func:`crm_core.ingest.readers.read_upload`.
    mapping : ColumnMapping
        The master's columns (:func:`propose_master_mapping`); fields that are not customer-level are ignored.
    options : IngestOptions
        ``phone_region`` normalises phone-number ids exactly as for the orders.

    Returns
    -------
    IngestResult
        The same orders; ``customers`` one row per ordering customer, columns ``customer_id`` then the
        customer fields of either file (``opted_out`` for consent) in :data:`CUSTOMER_FIELDS` order, with
        the master's non-empty values; the report's notes extended with what the join did.

    Raises
    ------
    DataError
        ``customers_no_id`` (no id column mapped), ``customers_unknown_column`` (the mapping names a column
        the file lacks), ``customers_duplicate_mapping`` (one column for two fields), ``customers_no_ids`` (the
        id column is empty), ``customers_no_match`` (no master id is an id of the orders: probably another kind
        of id).
    """
    pairs = _validate(master, mapping)
    frame = master.frame
    name = master.source_name
    columns = {field: Distinct(source_series(frame, source)) for field, source in pairs.items()}
    ids = columns["customer_id"].spread(contact_ids(values.clean_ids(columns["customer_id"].values), mapping,
                                                    options, []))
    rows = _parsed(columns, mapping, frame.index)
    no_id = int(ids.isna().sum())
    present = ids.notna().to_numpy()
    ids, rows = ids[present], rows[present]
    if ids.empty:
        raise DataError("customers_no_ids", file=name, column=pairs["customer_id"])
    counts = ids.value_counts()
    twice = int((counts > 1).sum())

    customers = result.customers
    merged = _merged_away(result)
    known = set(customers["customer_id"]) | set(merged)
    by_case = _case_matches(ids, known)
    ids = ids.map(lambda i: by_case.get(i, i)).astype("str")
    if not known & set(ids):
        raise DataError("customers_no_match", file=name, column=pairs["customer_id"], example=str(ids.iloc[0]),
                        orders_example=str(customers["customer_id"].iloc[0]))

    # Repeated ids: the last non-empty value of each field (groupby.last skips missing cells).
    rows = rows.assign(customer_id=ids.to_numpy())
    latest = rows.groupby("customer_id", sort=True).last().reset_index()
    if merged:
        latest = _onto_kept_ids(latest, merged)
    in_orders = latest["customer_id"].isin(set(customers["customer_id"]))
    matched, never = latest[in_orders], latest[~in_orders]

    joined, opted_out_now = _combine(customers, matched)
    notes = [Note.of("note_master_joined", file=name, matched=len(matched), customers=len(latest),
                     fields=_field_labels(matched.columns))]
    if len(never):
        notes.append(Note.of("note_master_never_ordered", customers=len(never), example=never["customer_id"].iloc[0]))
    if no_id:
        notes.append(Note.of("note_master_rows_without_id", "warning", rows=no_id, column=pairs["customer_id"]))
    if twice:
        notes.append(Note.of("note_master_ids_twice", ids=twice, example=counts[counts > 1].index[0]))
    if by_case:
        first = next(iter(by_case.items()))
        notes.append(Note.of("note_master_ids_case", ids=len(by_case), example=f"{first[0]} → {first[1]}"))
    landed = sorted(set(ids) & set(merged))
    if landed:
        notes.append(Note.of("note_master_ids_merged", ids=len(landed), example=f"{landed[0]} → {merged[landed[0]]}"))
    if opted_out_now:
        notes.append(Note.of("note_master_opted_out", "warning", customers=opted_out_now, file=name))
    if "opted_out" in joined.columns and joined["opted_out"].isna().any():
        # Only where the orders have no consent column (theirs is already filled): the master's header decides.
        joined, note = unknown_consent(joined, header=pairs.get("consent", ""))
        notes.append(note)
    report = dataclasses.replace(result.report, notes=result.report.notes + tuple(notes))
    return IngestResult(orders=result.orders, customers=joined, report=report)


def _onto_kept_ids(latest: pd.DataFrame, merged: dict[str, str]) -> pd.DataFrame:
    """Master rows of merged-away ids moved onto the kept id: the kept id's own values first, then the
    others'; opted out if any of the person's ids opted out (as :func:`crm_core.ingest._build.merge_customer_rows`).
    """
    target = latest["customer_id"].map(lambda c: merged.get(c, c))
    own_first = latest.assign(customer_id=target, _own=(target == latest["customer_id"]).to_numpy())
    own_first = own_first.sort_values("_own", ascending=False, kind="stable").drop(columns="_own")
    grouped = own_first.groupby("customer_id", sort=True)
    out = grouped.first()
    if "opted_out" in own_first.columns:
        out["opted_out"] = grouped["opted_out"].agg(
            lambda s: bool(s.fillna(False).any()) if s.notna().any() else pd.NA).astype("boolean")
    return out.reset_index()


def _combine(customers: pd.DataFrame, matched: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The orders' customers with the master's non-empty values over theirs; and how many customers the
    master newly opts out (opted in, or unknown, in the orders).
    """
    master = customers[["customer_id"]].merge(matched, on="customer_id", how="left", validate="one_to_one")
    out = customers.copy()
    opted_out_now = 0
    for column in master.columns.drop("customer_id"):
        given = master[column]
        if column not in out.columns:
            out[column] = given
            continue
        before = out[column]
        if column == "opted_out":
            opted_out_now = int((given.fillna(False).astype(bool) & ~before.fillna(False).astype(bool)).sum())
            combined = given.astype("boolean").where(given.notna(), before.astype("boolean"))
            out[column] = combined.astype(bool) if before.dtype == bool and combined.notna().all() else combined
        else:
            out[column] = given.where(given.notna(), before).astype(before.dtype)
    order = ["customer_id"] + [("opted_out" if f == "consent" else f) for f in CUSTOMER_FIELDS]
    return out[[c for c in order if c in out.columns]], opted_out_now


def _field_labels(columns) -> Localized:
    names = [("consent" if c == "opted_out" else c) for c in columns if c != "customer_id"]
    fields = [FIELD_BY_NAME[n] for n in names]
    if not fields:
        return Localized(en="-", zh="-")
    return Localized(en=", ".join(f.label_en for f in fields), zh="、".join(f.label_zh for f in fields))
