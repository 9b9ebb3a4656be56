"""Lists the app exported, read back from their workbook (private; public as
:func:`crm_core.measure.outcomes.read_exported_list`).

The workbook is :func:`crm_core.pipeline.to_workbook`'s: a Summary sheet ("Summary"/"概览") whose provenance block
carries the list id ("List ID"/"清单编号", :mod:`crm_core.export.provenance`), then one sheet per group, headed by
the column registry's labels ("Customer ID"/"客户编号", "Churn risk"/"流失风险", ...).  A campaign's sheets are
"Target - <name>"/"Control - <name>" (目标组/对照组, :mod:`crm_core.segment.campaign`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pandas as pd

from crm_core import columns as columns_registry
from crm_core.messages import Localized
from crm_core.schema import DataError

KINDS = ("CMP", "CHURN", "RESP", "CLV", "XS", "RFM")
_LIST_ID = re.compile(r"^(CMP|CHURN|RESP|CLV|XS|RFM)-\d{8}-[0-9A-F]{8}$")
_SUMMARY = ("Summary", "概览")
_ID_LABELS = {"List ID", "清单编号"}
# Score columns of a list, first found wins: churn risk, response propensity, lifetime value.
_SCORES = ("churn_risk", "response_propensity", "clv")


def _labels(name: str) -> set[str]:
    return {columns_registry.label(name, "en"), columns_registry.label(name, "zh")}


@dataclass(frozen=True, eq=False)
class ExportedList:
    """One exported workbook's lists.

    list_id : the Summary's list id, e.g. ``CMP-20260105-1A2B3C4D``.
    kind : its prefix: "CMP" (a campaign's target and control lists), "CHURN", "RESP", "CLV", "XS" or "RFM".
    members : customer_id (str), group ("target"/"control" for a campaign's sheets, else the sheet's name), score
        (float: churn risk / response propensity / lifetime value when the sheet has that column, else NaN).
    """

    list_id: str
    kind: str
    members: pd.DataFrame


def read_exported_list(data: bytes, name: str) -> ExportedList:
    """The lists of a workbook the app exported (module docstring).

    Raises
    ------
    DataError
        ``cr_not_an_exported_list`` saying what was found instead (not a workbook; no list id on the Summary
        sheet; no sheet with a customer id column).
    """
    import openpyxl

    from crm_core.measure.outcomes import group_codes

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a non-workbook  # noqa: BLE001
        raise DataError("cr_not_an_exported_list", name=name, found=Localized(
            en="it is not an Excel workbook", zh="它不是 Excel 工作簿")) from None
    try:
        sheets = list(book.sheetnames)
        summary = next((s for s in sheets if s in _SUMMARY), None)
        list_id = None
        if summary is not None:
            for row in book[summary].iter_rows(values_only=True):
                if row and str(row[0]).strip() in _ID_LABELS and len(row) > 1 and row[1] is not None:
                    list_id = str(row[1]).strip()
                    break
        if list_id is None or not _LIST_ID.match(list_id):
            raise DataError("cr_not_an_exported_list", name=name, found=Localized(
                en=f"no list ID on a Summary sheet (sheets: {', '.join(sheets)})",
                zh=f"概览工作表上没有清单编号（工作表：{'、'.join(sheets)}）"))
        kind = list_id.split("-", 1)[0]
        frames = []
        ids, scores = _labels("customer_id"), [(_labels(s)) for s in _SCORES]
        for sheet in sheets:
            if sheet == summary:
                continue
            rows = list(book[sheet].iter_rows(values_only=True))
            at = next((i for i, r in enumerate(rows[:3]) if r and any(str(v) in ids for v in r if v is not None)),
                      None)
            if at is None:
                continue
            header = [None if v is None else str(v) for v in rows[at]]
            body = pd.DataFrame(rows[at + 1:], columns=header, dtype=object)
            id_column = next(h for h in header if h in ids)
            score_column = next((h for labels in scores for h in header if h in labels), None)
            members = pd.DataFrame({
                "customer_id": body[id_column],
                "group": sheet,
                "score": pd.to_numeric(body[score_column], errors="coerce") if score_column else float("nan"),
            }).dropna(subset=["customer_id"])
            frames.append(members.assign(customer_id=members["customer_id"].astype(str).str.strip()))
    finally:
        book.close()
    if not frames:
        raise DataError("cr_not_an_exported_list", name=name, found=Localized(
            en="no sheet with a customer ID column", zh="没有含客户编号列的工作表"))
    members = pd.concat(frames, ignore_index=True)
    if kind == "CMP":
        groups = group_codes(members["group"])
        members = members.assign(group=groups.where(groups.notna(), members["group"]))
    members = members.assign(score=members["score"].astype(float))
    return ExportedList(list_id=list_id, kind=kind, members=members.reset_index(drop=True))
