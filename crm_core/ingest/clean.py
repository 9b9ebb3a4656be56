"""Turn a raw upload (all text) into clean order lines, customer attributes and a report.

Every input row ends up either used or excluded with exactly one reason, so
``rows_read == rows_used + len(report.excluded)`` always holds.  Conventions that only some
exports follow (cancellation invoices, order totals repeated per line, order-level cells on the
first line only, separate refund and time columns) are detected per file in
:mod:`crm_core.ingest._rules` and each one applied is reported in a note.  Nothing here depends on
the day the analysis runs.
"""

from __future__ import annotations

import dataclasses
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from crm_core.ingest import _rules as rules
from crm_core.ingest import _statuses, identity, values
from crm_core.ingest._build import (
    CUSTOMER_FIELDS,
    build_customers,
    build_orders,
    merge_customer_rows,
    take_used,
    unknown_consent,
)
from crm_core.ingest._columns import (
    Distinct,
    PerRow,
    amount_detail,
    as_bool,
    contact_ids,
    excluded_cells,
    excluded_frame,
    non_product,
    source_series,
    statuses_counted,
    totals_rows,
)
from crm_core.ingest.dates import late_date_cutoff
from crm_core.ingest.mapping import composite_parts
from crm_core.messages import Localized
from crm_core.schema import (
    FIELD_BY_NAME,
    REQUIRED_FIELDS,
    ColumnMapping,
    DataError,
    IngestOptions,
    IngestReport,
    IngestResult,
    Note,
    RawTable,
)

ORDER_COLUMNS = (
    "customer_id", "order_id", "order_date", "product", "sku", "category",
    "quantity", "unit_price", "amount", "channel", "is_return", "source_row",
)
# Fields whose value belongs to the whole order, so it may be carried down to an order's other lines.
# "amount" qualifies only where the file writes it on the first line alone: then it is an order total
# (Shopify's Total), which is afterwards shared among the lines once.  Product, code, quantity and unit
# price are line values and are never carried.
ORDER_LEVEL_FIELDS = (
    "customer_id", "order_date", "order_time", "status", "channel", "refund_amount", "amount",
) + CUSTOMER_FIELDS

# Precedence: the first reason that applies to a row is the one reported.
REASON_ORDER = (
    "totals_row", "missing_customer", "missing_date", "bad_date", "status", "bad_amount",
    "non_product", "nonpositive_price", "return_ignored", "return_without_purchase",
)


def _label(name: str) -> Localized:
    field = FIELD_BY_NAME[name]
    return Localized(en=field.label_en, zh=field.label_zh)


def _labels(names, *, en_joiner: str, zh_joiner: str) -> Localized:
    fields = [FIELD_BY_NAME[n] for n in names]
    return Localized(en=en_joiner.join(f.label_en for f in fields), zh=zh_joiner.join(f.label_zh for f in fields))


def _examples(name: str) -> Localized:
    """Two header words for the field per language: English words in English, Chinese in Chinese."""
    english: dict[str, str] = {}
    chinese: dict[str, str] = {}
    for word in FIELD_BY_NAME[name].synonyms:
        # "customer id", "customerid" and "customer_id" are one example, not three; "客户id" is neither language.
        key = re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", word.lower())
        if re.fullmatch(r"[a-z ]+", word):
            english.setdefault(key, word)
        elif re.fullmatch(r"[\u4e00-\u9fff]+", word):
            chinese.setdefault(key, word)
    return Localized(en=", ".join(list(english.values())[:2]), zh="、".join(list(chinese.values())[:2]))


def validate_mapping(raw: RawTable, mapping: ColumnMapping) -> None:
    """Raise DataError when the mapping cannot work with this table.

    A source is a column of the table or two columns read together (``"<A> + <B>"``, see
    :func:`crm_core.ingest.mapping.composite_parts`).  Each source feeds one field only.
    """
    columns = list(raw.frame.columns)
    for name, column in mapping.pairs:
        if column not in columns and composite_parts(column, columns) is None:
            raise DataError("unknown_column", column=column, field=_label(name))
    used: dict[str, list[str]] = {}
    for name, column in mapping.pairs:
        used.setdefault(column, []).append(name)
    for column, names in used.items():
        if len(names) > 1:
            fields = _labels(names, en_joiner=" and ", zh_joiner="和")
            raise DataError("duplicate_mapping", column=column, fields=fields)
    missing = [n for n in REQUIRED_FIELDS if mapping.get(n) is None]
    if missing:
        raise DataError("missing_required", fields=_labels(missing, en_joiner=" / ", zh_joiner="、"),
                        examples=_examples(missing[0]))
    if mapping.get("amount") is None and (mapping.get("quantity") is None or mapping.get("unit_price") is None):
        raise DataError("missing_amount")


def standardize(raw: RawTable, mapping: ColumnMapping, options: IngestOptions = IngestOptions()) -> IngestResult:
    """Clean, validate and account for every row of ``raw``.

    Parameters
    ----------
    raw : RawTable
        The upload as text (see :func:`crm_core.ingest.readers.read_upload`).
    mapping : ColumnMapping
        Which column (or pair of columns, ``"<A> + <B>"``) feeds which canonical field.
    options : IngestOptions
        Returns handling, date order, non-product codes, statuses, duplicate merging.

    Returns
    -------
    IngestResult
        ``orders`` (one row per used line; columns :data:`ORDER_COLUMNS`; amounts in the file's currency,
        net of refunds), ``customers`` (one row per customer_id) and the :class:`IngestReport`.
    """
    validate_mapping(raw, mapping)
    frame = raw.frame
    notes: list[Note] = list(raw.notes)
    # Each mapped column is factorized once; every parser then runs on its distinct values only.  Two threads:
    # pandas' factorize releases the GIL, so on two cores the eight columns of a shop export take half the time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        built = pool.map(lambda source: Distinct(source_series(frame, source)), [s for _, s in mapping.pairs])
        columns = dict(zip([name for name, _ in mapping.pairs], built, strict=True))
    coded = {source: columns[name] for name, source in mapping.pairs if source in frame.columns}
    order_clean = values.clean_ids(columns["order_id"].values) if "order_id" in columns else None
    order_codes, n_orders = (columns["order_id"].group_codes(order_clean) if order_clean is not None
                             else (np.full(len(frame), -1, dtype=np.int64), 0))
    carried = rules.carry_down(order_codes, n_orders, columns, ORDER_LEVEL_FIELDS)
    if carried:
        notes.append(Note.of("note_carried_down", cells=sum(carried.values()),
                             fields=_labels(carried, en_joiner=", ", zh_joiner="、")))
    # One small int per row: 0 = used, else 1 + position in REASON_ORDER (numpy, so 500k rows stay cheap).
    reason = np.zeros(len(frame), dtype=np.int8)
    details: list[tuple[np.ndarray, pd.Series | PerRow]] = []

    def flag(code: str, mask, info: pd.Series | PerRow | None = None) -> None:
        hit = as_bool(mask) & (reason == 0)
        if hit.any():
            reason[hit] = REASON_ORDER.index(code) + 1
            if info is not None:
                details.append((hit, info))

    flag("totals_row", totals_rows(frame, columns))

    cleaned_ids = values.clean_ids(columns["customer_id"].values)
    distinct_ids = contact_ids(cleaned_ids, mapping, options, notes)
    # Text per row is read only at the rows that need it (the used lines, the excluded rows' details).
    customer_id = PerRow(columns["customer_id"], distinct_ids)
    example = values.mangled_id_example(columns["customer_id"].values, cleaned=cleaned_ids)
    if example is not None:
        notes.append(Note.of("note_mangled_ids", "warning", column=mapping.get("customer_id"), example=example))

    text_cols: dict[str, PerRow] = {}
    control_cells = 0
    for name in ("product", "sku", "category", "channel", "status"):
        if name in columns:
            text_cols[name] = PerRow(columns[name], values.clean_text(columns[name].values)[0])
            control_cells += columns[name].count(lambda u: u.str.contains(values.CONTROL_CHARACTERS, regex=True))
    if control_cells:
        notes.append(Note.of("note_control_chars", "warning", cells=control_cells))

    dates = _order_dates(columns, mapping, options, notes)
    amount, quantity, unit_price, qty_failed = _money(columns, notes)
    amount = _repeated_totals(columns, mapping, order_codes, n_orders, amount, quantity, unit_price, notes,
                              carried="amount" in carried)

    missing_customer = customer_id.isna()
    flag("missing_customer", missing_customer)
    flag("missing_date", dates.values.isna() & ~dates.failed)
    flag("bad_date", dates.failed, columns["order_date"].raw)
    return_status = np.zeros(len(frame), dtype=bool)
    if "status" in columns:
        status = columns["status"]
        excluded = _statuses.status_keys(options.excluded_statuses)
        returns = _statuses.status_keys(_statuses.RETURN_STATUSES) - excluded
        def not_purchase(u: pd.Series) -> pd.Series:
            text = values.clean_text(u)[0]
            listed = _statuses.matches(text, excluded)
            # An empty list means "count every status": then no word rule either.
            return listed | _statuses.cancelled_by_word(text) if excluded else listed

        flag("status", status.mask(not_purchase), text_cols["status"])
        return_status = status.mask(lambda u: _statuses.matches(values.clean_text(u)[0], returns))
    flag("bad_amount", amount.failed | amount.values.isna(), amount_detail(columns, qty_failed))
    flag("non_product", non_product(columns, options, text_cols), text_cols.get("sku", text_cols.get("product")))

    order_id = PerRow(columns["order_id"], order_clean) if order_clean is not None else None
    amount_np = amount.values.to_numpy(dtype="float64")
    quantity_np = quantity.to_numpy(dtype="float64")
    is_return = (amount_np < 0) | (quantity_np < 0) | return_status
    if order_id is not None:
        cancelled = rules.cancellation_rows(columns["order_id"], order_clean, quantity_np, amount_np)
        if cancelled is not None:
            is_return |= cancelled
            example = columns["order_id"].raw[cancelled].iloc[0]
            notes.append(Note.of("note_cancellation_prefix", rows=int(cancelled.sum()), example=example, prefix="C"))
    if unit_price is not None:
        flag("nonpositive_price", as_bool(unit_price <= 0) & ~is_return, unit_price)
    if options.returns == "ignore":
        flag("return_ignored", is_return)
    else:
        # Integer code per cleaned id (raw spellings that clean to one id share it), then plain numpy lookups.
        id_codes, ids = pd.factorize(distinct_ids)
        row_ids = np.append(id_codes, -1)[columns["customer_id"].codes]
        bought = np.zeros(len(ids) + 1, dtype=bool)
        bought[row_ids[(reason == 0) & ~is_return]] = True
        bought[-1] = False  # code -1 (no id) is never a purchaser
        flag("return_without_purchase", is_return & ~bought[row_ids])

    used = reason == 0
    # The used lines' text and the excluded rows' cells are taken on two threads from here (Arrow's take
    # releases the GIL) while this thread writes the notes and the numbers: on two cores almost free.
    background = ThreadPoolExecutor(max_workers=2)
    taken = take_used(background, np.flatnonzero(used), customer_id=customer_id, order_id=order_id,
                      text_cols=text_cols)
    cells = background.submit(excluded_cells, frame, reason, coded)
    background.shutdown(wait=False)  # the threads end once the takes are done
    counted = statuses_counted(columns["status"], used & ~is_return) if "status" in columns else None
    if counted is not None:
        notes.append(counted)
    # Same rule, on the same lines, as the default analysis date (customers.default_as_of): the file alone.
    cutoff = late_date_cutoff(dates.values[used])
    if cutoff is not None:
        late = used & as_bool(dates.values >= cutoff + pd.Timedelta(days=1))
        notes.append(Note.of("note_future_dates", "warning", rows=int(late.sum()), after=cutoff.date().isoformat()))
    line_amount = np.abs(amount_np)
    if "refund_amount" in columns:
        line_amount = _refunds(columns, mapping, order_codes, n_orders, line_amount, used & ~is_return, notes)
    if missing_customer.any():
        revenue = amount.values.where(amount.values > 0, 0).fillna(0).to_numpy()
        share = float(revenue[missing_customer].sum() / revenue.sum()) if revenue.sum() > 0 else 0.0
        notes.append(Note.of("note_missing_customer_share", "warning", rows=int(missing_customer.sum()), share=share))

    orders = build_orders(
        used=used, index=frame.index, taken=taken, dates=dates.values, text_cols=text_cols, quantity=quantity,
        unit_price=unit_price, line_amount=line_amount, is_return=is_return,
    )
    if order_id is None:
        notes.append(Note.of("note_no_order_id"))
    if mapping.get("amount") is None:
        notes.append(Note.of("note_amount_computed"))
    n_returns = int(orders["is_return"].sum())
    if n_returns:
        value = float(-orders.loc[orders["is_return"], "amount"].sum())
        notes.append(Note.of("note_returns_netted", rows=n_returns, value=f"{value:,.2f}"))

    customers = build_customers(columns, mapping, customer_id, used)
    if "opted_out" in customers.columns and customers["opted_out"].isna().any():
        customers, note = unknown_consent(customers, header=mapping.get("consent"))
        notes.append(note)
    duplicates = None
    if "phone" in customers.columns or "email" in customers.columns:
        rows = orders["customer_id"].value_counts()
        keyed = customers.assign(rows=customers["customer_id"].map(rows).fillna(0).astype("int64"))
        duplicates = identity.find_duplicate_customers(keyed, region=options.phone_region)
        if len(duplicates):
            groups = duplicates["merged_into"].nunique()
            notes.append(Note.of("note_duplicates_found", "warning", groups=groups))
            if options.merge_duplicates:
                orders = identity.apply_merges(orders, duplicates)
                customers = merge_customer_rows(customers, duplicates)
                notes.append(Note.of("note_duplicates_merged", ids=len(duplicates), groups=groups))

    excluded = excluded_frame(frame, reason, REASON_ORDER, details, raw.bad_lines, raw.overlaps, raw.overlap_of,
                              cells=cells.result())
    # Every line of every file: used, excluded, ragged, or already read from an earlier file (overlap).
    rows_read = len(frame) + len(raw.bad_lines) + (0 if raw.overlaps is None else len(raw.overlaps))
    report = IngestReport(
        source_name=raw.source_name,
        rows_read=rows_read,
        rows_used=len(orders),
        rows_returns=n_returns,
        excluded=excluded,
        notes=tuple(notes),
        duplicates=duplicates,
        parts=raw.parts,
    )
    if orders.empty:
        raise DataError("no_rows_used", rows=rows_read, reasons=_reasons_in_words(report))
    return IngestResult(orders=orders, customers=customers, report=report)


def _reasons_in_words(report: IngestReport) -> Localized:
    """The excluded rows per reason, in words and per language: "no customer id (2), totals row (1)"."""
    def listed(lang: str) -> str:
        table = report.reason_table(lang)
        if table.empty:
            return "-"
        unit = "{reason}（{rows:,} 行）" if lang == "zh" else "{reason} ({rows:,})"
        joiner = "；" if lang == "zh" else "; "
        return joiner.join(unit.format(reason=r, rows=n) for r, n in zip(table["reason"], table["rows"], strict=True))

    return Localized(en=listed("en"), zh=listed("zh"))


def _order_dates(columns: dict[str, Distinct], mapping: ColumnMapping, options: IngestOptions, notes: list[Note]):
    """The order date per row, read with the separate time column when one is mapped."""
    day = columns["order_date"]
    if "order_time" in columns:
        dates, time_failed = rules.combine_date_time(day, columns["order_time"], day_first=options.day_first)
        notes.append(Note.of("note_date_time_combined", date=mapping.get("order_date"), time=mapping.get("order_time")))
        if time_failed.any():
            shown = columns["order_time"].raw[time_failed].dropna()
            notes.append(Note.of("note_time_unreadable", "warning", rows=int(time_failed.sum()),
                                 time_column=mapping.get("order_time"), example=shown.iloc[0] if len(shown) else "-"))
    else:
        dates = day.apply_parse(lambda u: values.parse_dates(u, day_first=options.day_first))
    if dates.ambiguous and options.day_first is None:
        raise DataError("ambiguous_dates", column=mapping.get("order_date"), example=dates.example)
    if dates.dotted_day_first:
        shown = day.values[day.values.str.contains(r"^\s*[0-9]{1,2}\.[0-9]{1,2}\.", regex=True)]
        notes.append(Note.of("note_dotted_day_first", column=mapping.get("order_date"),
                             example=shown.iloc[0] if len(shown) else "-"))
    return dates


def _repeated_totals(columns, mapping, order_codes, n_orders, amount, quantity, unit_price, notes, *, carried):
    """The amount with order totals repeated on every line counted once per order (see the rule)."""
    if "amount" not in columns or n_orders == 0:
        return amount
    line_codes = [columns[n].codes for n in ("product", "sku", "quantity", "unit_price") if n in columns]
    weights = (quantity * unit_price).to_numpy(dtype="float64") if unit_price is not None and "quantity" in columns \
        else None
    found = rules.spread_repeated_totals(order_codes, n_orders, amount.values.to_numpy(dtype="float64"),
                                         line_codes=line_codes, weights=weights, header=mapping.get("amount"),
                                         carried=carried)
    if found is None:
        return amount
    new, orders, by_weight, why = found
    how = (Localized(en="in proportion to quantity × unit price", zh="按数量 × 单价的比例") if by_weight
           else Localized(en="equally", zh="平均"))
    if why == "weights":
        reason = Localized(en="quantity × unit price does not explain the line amounts", zh="数量 × 单价与各行金额不符")
    elif carried:
        reason = Localized(en="it is written on each order's first line only", zh="该列只写在每个订单的第一行")
    else:
        reason = Localized(en="its name says it is an order figure", zh="列名表明它是整单金额")
    notes.append(Note.of("note_order_totals_spread", column=mapping.get("amount"), orders=orders, how=how,
                         why=reason))
    return dataclasses.replace(amount, values=pd.Series(new, index=amount.values.index, name=amount.values.name))


def _refunds(columns, mapping, order_codes, n_orders, line_amount, purchase_rows, notes) -> np.ndarray:
    """Line amounts net of the refund column, once per order; unreadable refund cells are reported by row."""
    refund = columns["refund_amount"].apply_parse(values.parse_amounts)
    column = mapping.get("refund_amount")
    if refund.failed.any():
        rows = refund.failed.index[refund.failed.to_numpy(dtype=bool)]
        shown = ", ".join(str(r) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
        notes.append(Note.of("note_refund_unreadable", "warning", column=column, cells=len(rows), rows=shown))
    new, total, orders, (capped, given, netted) = rules.net_refunds(
        order_codes, n_orders, refund.values.to_numpy(dtype="float64"), line_amount, purchase_rows)
    if orders:
        notes.append(Note.of("note_refunds_netted", column=column, orders=orders, value=f"{total:,.2f}"))
    if capped:
        notes.append(Note.of("note_refunds_capped", "warning", column=column, orders=capped,
                             given=f"{given:,.2f}", netted=f"{netted:,.2f}"))
    return new


def _money(columns: dict[str, Distinct], notes: list[Note]):
    """Amount per line (given, or quantity x unit price), quantity, unit price, and where the quantity failed."""
    parsed: dict[str, values.AmountParse] = {}
    for name, parse in (("quantity", values.parse_quantities), ("unit_price", values.parse_amounts),
                        ("amount", values.parse_amounts)):
        if name in columns:
            parsed[name] = columns[name].apply_parse(parse)
            if parsed[name].decimal_comma:
                notes.append(Note.of("note_decimal_comma", column=columns[name].raw.name,
                                     example=parsed[name].example))
    qty, price = parsed.get("quantity"), parsed.get("unit_price")
    if "amount" in parsed:
        amount = parsed["amount"]
        if qty is not None and price is not None:
            # Fill blanks in the amount column from quantity x price where both are there.
            amount = dataclasses.replace(amount, values=amount.values.fillna(qty.values * price.values))
    else:
        amount = values.AmountParse(values=qty.values * price.values, failed=qty.failed | price.failed,
                                    decimal_comma=False, example=None)
    quantity = qty.values if qty is not None else pd.Series(np.nan, index=amount.values.index)
    qty_failed = None
    if qty is not None:
        amount = dataclasses.replace(amount, failed=amount.failed | qty.failed)
        qty_failed = qty.failed.to_numpy(dtype=bool)
    return amount, quantity, (price.values if price is not None else None), qty_failed
