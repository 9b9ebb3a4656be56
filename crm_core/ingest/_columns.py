"""Mapped columns as integer codes into their distinct values, and the row bookkeeping of ingest.

Order exports repeat the same ids, dates, products and statuses thousands of times: every parser runs
once per distinct value and the answers are spread back to the rows with numpy (see :class:`Distinct`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from crm_core.ingest import identity, values
from crm_core.ingest.mapping import composite_parts
from crm_core.messages import Localized
from crm_core.schema import ColumnMapping, IngestOptions, Note, normalize_header

TOTALS_WORDS = frozenset({"合计", "总计", "小计", "总合计", "total", "totals", "grand total", "sum", "subtotal"})
COMPOSITE_SEPARATOR = " | "


class Distinct:
    """A column as integer codes into its distinct values, so each parser runs once per distinct value.

    ``codes`` (one int per row, -1 where the cell is empty) may be rewritten by a row rule (carrying an
    order's value down to its other lines); ``raw`` stays the cell as read, for the excluded-rows table.
    """

    def __init__(self, series: pd.Series) -> None:
        self.raw = series
        self.codes, uniques = pd.factorize(series)
        self.raw_codes = self.codes  # never rewritten: ``values`` at ``raw_codes`` are the cells as read
        self.values = pd.Series(uniques, dtype="str")

    def spread(self, per_value: pd.Series) -> pd.Series:
        """Per-distinct-value results as one value per row (missing cells get the missing value)."""
        if per_value.dtype == bool:
            answer = per_value.to_numpy()
            # Mostly all False (no cell failed to parse): then no per-row gather.
            out = np.append(answer, False)[self.codes] if answer.any() else np.zeros(len(self.codes), dtype=bool)
        else:
            out = per_value.array.take(self.codes, allow_fill=True)
        return pd.Series(out, index=self.raw.index, name=self.raw.name)

    def rows(self, per_value: pd.Series, at: np.ndarray) -> pd.Series:
        """``spread(per_value).iloc[at]``, numbered 0..len(at)-1, without spreading the other rows.

        Speed: one take of ``len(at)`` cells from the small per-value array, instead of taking every row's
        text and then selecting the used ones (Arrow string copies dominate ingest; this halves them).
        """
        codes = self.codes[at]
        if per_value.dtype == bool:
            out = np.append(per_value.to_numpy(), False)[codes]
        else:
            out = per_value.array.take(codes, allow_fill=True)
        return pd.Series(out, name=self.raw.name)

    def apply(self, parse) -> pd.Series:
        return self.spread(parse(self.values))

    def apply_parse(self, parse):
        """For parsers returning a dataclass with per-value ``values`` and ``failed`` Series."""
        result = parse(self.values)
        return dataclasses.replace(result, values=self.spread(result.values), failed=self.spread(result.failed))

    def mask(self, test) -> np.ndarray:
        """``test`` (distinct values -> bools) as a bool per row; missing cells are False."""
        return self.mask_of(test(self.values))

    def mask_of(self, answer) -> np.ndarray:
        """A bool per distinct value (``answer``) as a bool per row; missing cells are False.

        Most tests (totals labels, control characters) match no value: then no per-row gather at all.
        """
        answer = as_bool(pd.Series(answer))
        if not answer.any():
            return np.zeros(len(self.codes), dtype=bool)
        return np.append(answer, False)[self.codes]

    def count(self, test) -> int:
        return int(self.mask(test).sum())

    def group_codes(self, cleaned: pd.Series) -> tuple[np.ndarray, int]:
        """One int per row naming its cleaned value (``cleaned``: one per distinct value), -1 where missing.

        Raw spellings that clean to one value (``="A1"`` and ``A1``) share a code.
        """
        per_value, uniques = pd.factorize(cleaned)
        return np.append(per_value, -1)[self.codes], len(uniques)


class PerRow:
    """A per-row column kept as per-distinct-value results, read at chosen rows only (see Distinct.rows).

    Stands for ``column.spread(per_value)`` where only a few row selections are needed (the used lines,
    the excluded rows' details), so the 541,909-row text column of a large export is never built.
    """

    def __init__(self, column: Distinct, per_value: pd.Series) -> None:
        self.column = column
        self.per_value = per_value

    def isna(self) -> np.ndarray:
        """Missing per row, as ``spread(per_value).isna()`` (an empty cell is missing)."""
        return np.append(self.per_value.isna().to_numpy(dtype=bool), True)[self.column.codes]

    def rows(self, at: np.ndarray) -> pd.Series:
        return self.column.rows(self.per_value, at)


def as_bool(mask) -> np.ndarray:
    """A numpy bool array from a bool/boolean Series or array (missing counts as False)."""
    if isinstance(mask, pd.Series):
        return mask.to_numpy(dtype=bool, na_value=False, copy=True)
    return np.array(mask, dtype=bool)


def source_series(frame: pd.DataFrame, source: str) -> pd.Series:
    """The cells a mapping source names: a column, or two columns read as one (``"<A> + <B>"``).

    A composite source (the last-resort identity: consignee name + address) joins the two cleaned cells
    as ``"张三 | 北京市…"``; a row with either part empty has no value, because half a composite key would
    merge different people.
    """
    if source in frame.columns:
        return frame[source]
    first, second = composite_parts(source, frame.columns)
    a, _ = values.clean_text(frame[first])
    b, _ = values.clean_text(frame[second])
    joined = a.str.cat(b, sep=COMPOSITE_SEPARATOR)  # missing where either part is missing
    return pd.Series(joined, index=frame.index, name=source, dtype="str")


def totals_rows(frame: pd.DataFrame, columns: dict[str, Distinct]) -> np.ndarray:
    """Rows whose first cell or an id cell says 合计 / Total (a sheet's totals line)."""
    first = next((d for d in columns.values() if d.raw.name == frame.columns[0]), None) or Distinct(frame.iloc[:, 0])
    candidates = [first] + [columns[n] for n in ("customer_id", "order_id", "product") if n in columns]
    mask = np.zeros(len(frame), dtype=bool)
    for column in {id(c): c for c in candidates}.values():
        mask |= column.mask(_is_totals_label)
    return mask


def _is_totals_label(cells: pd.Series) -> np.ndarray:
    # Only short cells without digits can be a totals label: test those few one by one.
    candidates = (cells.str.len() <= 14) & ~cells.str.contains("[0-9]", regex=True)
    answer = np.zeros(len(cells), dtype=bool)
    for position in np.flatnonzero(as_bool(candidates)):
        answer[position] = normalize_header(cells.iloc[position]).rstrip(" :") in TOTALS_WORDS
    return answer


def excluded_frame(frame, reason, reason_order, details, bad_lines, overlaps=None, overlap_of=None, cells=None):
    """The excluded rows: row number, reason code, detail text, then the row's original cells.

    ``bad_lines`` (ragged lines) become ``malformed_line`` rows with the line's text as detail; ``overlaps``
    (lines already in an earlier file, see :mod:`crm_core.ingest.combine`) become ``overlap`` rows with the
    earlier file's name (``overlap_of``) as detail and their cells.  Sorted by row when either is present.
    ``cells``: :func:`excluded_cells` of the same rows when the caller took them already (in the background).

    Speed: every text column is built by one Arrow take from a small array (the distinct values, the
    reason codes, the few detail texts) instead of converting ~135k Python objects.
    """
    at = np.flatnonzero(reason)
    # The detail per excluded row (by position in ``at``): most have none, so only the given ones are
    # converted to text (elementwise, as ``astype("str")`` of the whole column would: None stays missing).
    detail = np.full(len(at), None, dtype=object)
    given = np.zeros(len(at), dtype=bool)
    for hit, info in details:
        positions = np.flatnonzero(hit)
        shown = info.rows(positions) if isinstance(info, PerRow) else info.iloc[positions]
        where = np.searchsorted(at, positions)  # a flagged row is always excluded, so it is in ``at``
        detail[where] = shown.to_numpy(dtype=object)
        given[where] = True
    texts = pd.Series(detail[given], dtype="object").astype("str").array
    pick = np.full(len(at), -1, dtype=np.intp)
    pick[given] = np.arange(len(texts))
    # As the object array this replaces: "str" when there are rows, object when there are none.
    reasons = pd.array(list(reason_order), dtype="str").take(reason[at].astype(np.intp) - 1) if len(at) \
        else np.empty(0, dtype=object)
    head = pd.DataFrame(
        {
            "row": np.asarray(frame.index[at], dtype="int64"),
            "reason": reasons,
            "detail": texts.take(pick, allow_fill=True),
        },
    )
    if cells is None:
        cells = excluded_cells(frame, reason)
    excluded = pd.concat([head, cells], axis=1)
    extras = []
    if bad_lines:
        extras.append(pd.DataFrame(
            {"row": [n for n, _ in bad_lines], "reason": "malformed_line", "detail": [t[:200] for _, t in bad_lines]}
        ))
    if overlaps is not None and len(overlaps):
        extras.append(pd.concat([pd.DataFrame({
            "row": np.asarray(overlaps.index, dtype="int64"),
            "reason": np.full(len(overlaps), "overlap", dtype=object),
            "detail": overlap_of.astype("str"),
        }, index=overlaps.index), overlaps], axis=1).reset_index(drop=True))
    if extras:
        excluded = pd.concat([excluded, *extras], ignore_index=True)
        excluded = excluded.sort_values("row", kind="stable").reset_index(drop=True)
    return excluded


def excluded_cells(frame: pd.DataFrame, reason: np.ndarray, coded: dict | None = None) -> pd.DataFrame:
    """The excluded rows' original cells (``reason`` != 0): ``frame.iloc[at]`` numbered 0..len(at)-1.

    A column factorized on reading (``coded``: frame column -> its :class:`Distinct`) is taken from its few
    distinct values by its original codes: the same cells, but a take from a small contiguous array instead
    of from the column's many chunks.
    """
    at = np.flatnonzero(reason)
    if not coded or frame.columns.has_duplicates:
        return frame.iloc[at].reset_index(drop=True)
    cells = {}
    for name in frame.columns:
        column, distinct = frame[name], coded.get(name)
        if distinct is not None and distinct.values.dtype == column.dtype:
            cells[name] = distinct.values.array.take(distinct.raw_codes[at], allow_fill=True)
        else:
            cells[name] = column.array.take(at)
    return pd.DataFrame(cells, columns=frame.columns)


def contact_ids(ids: pd.Series, mapping: ColumnMapping, options: IngestOptions, notes: list[Note]) -> pd.Series:
    """Customer ids that are phones or e-mails written one way (see :func:`identity.normalize_id_values`)."""
    found = identity.normalize_id_values(ids, region=options.phone_region)
    if found.kind is None:
        return ids
    if found.example is not None:
        code = "note_id_phones_normalised" if found.kind == "phone" else "note_id_emails_normalised"
        notes.append(Note.of(code, column=mapping.get("customer_id"), example=found.example,
                             before=int(ids.nunique()), after=int(found.ids.nunique())))
    return found.ids


def statuses_counted(status: Distinct, purchases: np.ndarray, shown: int = 12) -> Note | None:
    """Note naming every status counted as a purchase, with its lines: "交易成功 (120), 已发货 (30)".

    None when no line is a purchase (the caller then stops with no_rows_used anyway).
    """
    per_value = np.bincount(status.codes[purchases & (status.codes >= 0)], minlength=len(status.values))
    counts = pd.Series(per_value, index=values.clean_text(status.values)[0].fillna("")).groupby(level=0).sum()
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    blank = int((purchases & (status.codes < 0)).sum()) + int(counts.pop("") if "" in counts.index else 0)
    items = list(counts.items())
    if not items and not blank:
        return None
    rest = len(items) - shown

    def listed(lang: str) -> str:
        unit, joiner = ("{s}（{n:,} 行）", "、") if lang == "zh" else ("{s} ({n:,})", ", ")
        parts = [unit.format(s=s, n=int(n)) for s, n in items[:shown]]
        if blank:
            parts.append(unit.format(s="无状态" if lang == "zh" else "no status", n=blank))
        if rest > 0:
            parts.append(f"另有 {rest} 种" if lang == "zh" else f"{rest} more")
        return joiner.join(parts)

    return Note.of("note_statuses_counted", statuses=Localized(en=listed("en"), zh=listed("zh")))


def amount_detail(columns: dict[str, Distinct], qty_failed: np.ndarray | None) -> pd.Series:
    """The cell that could not be read, per row: the quantity where it failed, else the amount or price."""
    detail = (columns.get("amount") or columns["unit_price"]).raw
    if qty_failed is not None and qty_failed.any():
        detail = detail.where(~qty_failed, columns["quantity"].raw)
    return detail


def non_product(columns: dict[str, Distinct], options: IngestOptions, text_cols: dict | None = None) -> np.ndarray:
    """Lines that are not merchandise (postage, fees, adjustments).

    A single-letter code (M, D, S, B in Online Retail) is only ever a stock code: it matches the product
    code column exactly, never a product name (a product may be called "M", as a size).  Longer codes
    and words (POST, BANK CHARGES, 运费) match the code or the name.  ``text_cols`` (field -> :class:`PerRow`
    of ``clean_text`` per distinct value) saves cleaning the same values again.
    """
    codes = {c.strip().upper() for c in options.non_product_codes if c.strip()}
    words = {c for c in codes if len(c) > 1}
    out = np.zeros(len(next(iter(columns.values())).codes), dtype=bool)
    for name, listed in (("sku", codes), ("product", words)):
        if name in columns and listed:
            known = (text_cols or {}).get(name)
            cleaned = known.per_value if known is not None else values.clean_text(columns[name].values)[0]
            out |= columns[name].mask_of(cleaned.str.upper().isin(listed))
    return out
