"""Campaign lists and the excluded-rows table; headers come from the column registry (private).

The public names are re-exported by :mod:`crm_core.export.writers`; they live here to keep that module short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from crm_core import columns as columns_registry
from crm_core.export._masking import CONTACT_COLUMNS, mask_frame, mask_identifier
from crm_core.messages import MESSAGES, render
from crm_core.schema import FIELDS, IngestReport


def column_label(name: str, lang: str) -> str:
    """Header shown for canonical column ``name`` in ``lang`` ("en" or "zh"; others fall back to "en").

    Read from the one column registry (:mod:`crm_core.columns`); unknown columns keep their name.
    """
    return columns_registry.label(name, lang)


# --- campaign lists ------------------------------------------------------------------------------

# Customer attributes an upload may lack: a list asking for them simply goes without.
_OPTIONAL_COLUMNS = frozenset(f.name for f in FIELDS if f.level == "customer") | {"opted_out"}


@dataclass(frozen=True)
class ListOptions:
    """What a campaign list may contain."""

    include_contact: bool = False  # name/phone/email columns only when True
    mask_personal: bool = True  # contacts, and ids that are an e-mail or a phone, masked unless False
    include_opted_out: bool = False  # customers with opted_out == True left out by default
    lang: str = "en"
    drop_empty_columns: bool = True  # a column with no value on any listed row is left out


@dataclass(frozen=True)
class CampaignList:
    """A list ready to export: ``frame`` has localized headers; ``rows == len(frame)``."""

    frame: pd.DataFrame
    opted_out_excluded: int
    rows: int


def has_data(column: pd.Series) -> bool:
    """True when any value of ``column`` is present and not blank text (an unmapped channel has none)."""
    present = column.dropna()
    if present.empty:
        return False
    if pd.api.types.is_object_dtype(present.dtype) or pd.api.types.is_string_dtype(present.dtype):
        return bool(present.astype("str").str.strip().ne("").any())
    return True


def opted_out_flags(customers: pd.DataFrame) -> pd.Series:
    """Boolean per customer: True where ``opted_out`` is True (missing counts as not opted out).

    Raises
    ------
    ValueError
        When ``opted_out`` holds text: "yes" would count as "not opted out", so refuse instead.
    """
    return _opted_out(customers)


def _opted_out(customers: pd.DataFrame) -> pd.Series:
    if "opted_out" not in customers.columns:
        return pd.Series(False, index=customers.index)
    flags = customers["opted_out"]
    if any(isinstance(v, str) for v in flags.dropna()):
        # Text like "yes" would count as "not opted out": refuse rather than mail people who said no.
        raise ValueError("opted_out must be boolean (True = opted out); convert it before building a list")
    return flags.isin([True])


def campaign_list(
    customers: pd.DataFrame, *, columns: Sequence[str], options: ListOptions = ListOptions()
) -> CampaignList:
    """Build an exportable list of customers.

    Parameters
    ----------
    customers : DataFrame
        One row per customer, canonical column names; ``customer_id`` may be the index.
        ``opted_out`` (bool) marks customers who refused marketing.
    columns : sequence of str
        Canonical columns, in output order.  ``name``, ``phone`` and ``email`` are kept only when
        ``options.include_contact`` (masked unless ``options.mask_personal`` is False).  Customer
        attributes the upload lacks (name, phone, email, gender, city, signup_date, opted_out)
        are skipped; any other missing column is a ValueError.  With ``options.drop_empty_columns``
        a column with no value on any listed row is left out (``customer_id`` always stays).
    options : ListOptions
        With ``mask_personal`` a ``customer_id`` that is an e-mail or a phone number is masked like
        the contact columns (a Shopify shop's customer id is the buyer's e-mail), also when the
        contact columns are not included.

    Returns
    -------
    CampaignList
        ``frame``: the selected columns renamed by :func:`column_label` in ``options.lang``,
        index 0..n-1; ``opted_out_excluded``: customers left out because ``opted_out`` is True
        (0 when ``options.include_opted_out``); ``rows``: ``len(frame)``.
    """
    frame = customers
    if "customer_id" not in frame.columns and frame.index.name == "customer_id":
        frame = frame.reset_index()
    wanted = [c for c in dict.fromkeys(columns) if options.include_contact or c not in CONTACT_COLUMNS]
    missing = [c for c in wanted if c not in frame.columns and c not in _OPTIONAL_COLUMNS]
    if missing:
        raise ValueError(f"campaign_list: the customer table has no column {', '.join(missing)}")
    wanted = [c for c in wanted if c in frame.columns]
    excluded = 0
    if not options.include_opted_out:
        opted_out = _opted_out(frame).to_numpy()
        excluded = int(opted_out.sum())
        frame = frame.loc[~opted_out]
    selected = frame.loc[:, wanted].reset_index(drop=True)
    if options.drop_empty_columns and len(selected):
        selected = selected[[c for c in selected.columns if c == "customer_id" or has_data(selected[c])]]
    if options.include_contact and options.mask_personal:
        selected = mask_frame(selected)
    if options.mask_personal and "customer_id" in selected.columns:
        selected = selected.assign(customer_id=mask_identifier(selected["customer_id"]))
    labelled = selected.rename(columns=lambda c: column_label(c, options.lang))
    return CampaignList(frame=labelled, opted_out_excluded=excluded, rows=len(labelled))


def excluded_rows_table(report: IngestReport, lang: str = "en") -> pd.DataFrame:
    """The excluded rows as a marketer reads them: why, in words, then where, then the row itself.

    Parameters
    ----------
    report : IngestReport
        ``report.excluded`` has columns row, reason (a code such as ``nonpositive_price``), detail,
        then the original cells of each row.
    lang : "en" or "zh"

    Returns
    -------
    DataFrame
        First column the reason in words in ``lang`` (the words of the page's reason table, e.g.
        "zero or negative price", "order status 已取消"), then the file row number, the detail and the
        original cells; the first three headers are localized (:func:`column_label`), the original
        headers stay as in the file.  One row per excluded row, in file order.  When the report covers
        several files combined (``report.parts`` has more than one), a File column follows the reason and
        the row number is the row in that file (:func:`crm_core.ingest.combine.file_rows`).
    """
    excluded = report.excluded
    if excluded.empty and "reason" not in excluded.columns:
        excluded = pd.DataFrame({"row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="str"),
                                 "detail": pd.Series(dtype="str")})
    codes = excluded["reason"].astype("str")
    status = excluded["detail"].where(codes == "status", "").fillna("").astype("str")
    pairs = pd.MultiIndex.from_arrays([codes, status]).unique()
    words = {
        (code, detail): render(f"reason_{code}", lang, status=detail) if f"reason_{code}" in MESSAGES else code
        for code, detail in pairs
    }
    reason = pd.Series([words[pair] for pair in zip(codes, status, strict=True)], index=excluded.index, dtype="str")
    original = excluded.drop(columns=["row", "reason", "detail"])
    where: dict[str, object] = {column_label("row", lang): excluded["row"]}
    parts = getattr(report, "parts", ())  # a report-like object without parts is one file's
    if len(parts) > 1:
        from crm_core.ingest.combine import file_rows  # lazy: only combined reports need it

        files, rows = file_rows(parts, excluded["row"])
        where = {column_label("source_file", lang): pd.Series(files, index=excluded.index, dtype="str"),
                 column_label("row", lang): pd.Series(rows, index=excluded.index, dtype="int64")}
    head = pd.DataFrame({
        column_label("excluded_reason", lang): reason,
        **where,
        column_label("detail", lang): excluded["detail"],
    }, index=excluded.index)
    return pd.concat([head, original], axis=1).reset_index(drop=True)
