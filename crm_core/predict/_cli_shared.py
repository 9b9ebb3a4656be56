"""What the prediction commands (``churn``, ``response``: :mod:`crm_core.cli_predict`; ``clv``:
:mod:`crm_core.cli_clv`) share: their options' numbers checked as typed, a saved choice with the options on top, the
list's contact options and contacts, the Summary sheet and the writing of the workbook or CSV files."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from crm_core import cli, export
from crm_core.messages import Localized
from crm_core.predict._cli_texts import text as _t
from crm_core.schema import DataError


def side_path(out: Path, name: str) -> Path:
    """Where ``--out x.csv`` writes a side table: ``x.<name>.csv`` next to it."""
    return out.with_name(f"{out.stem}.{name}.csv")


SHARE = Localized(en="a number from 0 to 1, e.g. 0.7 or 70%", zh="0 到 1 之间的数，例如 0.7 或 70%")
POSITIVE = Localized(en="a number of 0 or more", zh="不小于 0 的数")
WHOLE = Localized(en="a whole number of 1 or more", zh="不小于 1 的整数")


def number(text: str | None, option: str, choices: Localized, *, whole: bool = False, share: bool = False,
            low: float = 0.0, high: float | None = None) -> float | int | None:
    """An option's number as typed (``share``: 0.7 or 70%), checked against [low, high]; DataError otherwise."""
    if text is None:
        return None
    raw = text.strip()
    try:
        value: float = float(raw[:-1]) / 100 if share and raw.endswith("%") else float(raw)
        if whole:
            if value != int(value):
                raise ValueError(raw)
            value = int(value)
    except (ValueError, OverflowError):
        raise DataError("flow_bad_option", option=option, value=text, choices=choices) from None
    if not (math.isfinite(value) and low <= value and (high is None or value <= high)):
        raise DataError("flow_bad_option", option=option, value=text, choices=choices)
    return value


def on_top(saved: object, given: dict[str, object]) -> object:
    """``saved`` (a frozen choice) with every option given (not None) on top; its own checks apply."""
    return replace(saved, **{k: v for k, v in given.items() if v is not None})


SAVED = " (default: the saved analysis's, else {})"  # an option's help: where its default comes from


def add_common(p: argparse.ArgumentParser, add_input: Callable[[argparse.ArgumentParser], None], *,
               as_of: str) -> None:
    """The input options ``rfm`` takes, the date (``as_of``: its help) and the list's contact options."""
    add_input(p)
    p.add_argument("--as-of", help=as_of)
    p.add_argument("--include-contact", action="store_true", default=None, help="add name/phone/email columns")
    p.add_argument("--no-mask", action="store_true", help="with --include-contact: do not mask them")


def list_options(args: argparse.Namespace, settings: object, *, opted_out: bool = False) -> export.ListOptions:
    lists = settings.lists
    return export.ListOptions(include_contact=bool(cli._given(args.include_contact, lists.include_contact)),
                              mask_personal=False if args.no_mask else lists.mask_personal,
                              include_opted_out=opted_out, lang=args.lang)


def with_contacts(rows: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """``rows`` (customer_id column or index) with the customers' name, phone, e-mail and opt-out flag."""
    if "customer_id" not in rows.columns:
        rows = rows.rename_axis("customer_id").reset_index()
    if customers is None or customers.empty:
        return rows
    if "customer_id" not in customers.columns:
        customers = customers.rename_axis("customer_id").reset_index()
    wanted = [c for c in ("customer_id", *export.CONTACT_COLUMNS, "opted_out") if c in customers.columns
              and (c == "customer_id" or c not in rows.columns)]
    extra = customers.loc[:, wanted].drop_duplicates("customer_id")
    return rows.merge(extra.assign(customer_id=extra["customer_id"].astype("str")), how="left", on="customer_id")


def formats(lang: str) -> export.ColumnFormat:
    formats = export.registry_formats()
    percent = tuple(_t(k, lang) for k in ("h_rate_churn", "h_rate_response", "h_cum_share_customers",
                                          "h_cum_share_positives", "h_share", "h_response_rate"))
    integer = tuple(_t(k, lang) for k in ("h_customers", "h_positives_churn", "h_positives_response", "h_rank",
                                          "h_contacted"))
    money = tuple(_t(k, lang) for k in ("h_profit", "h_random_profit"))
    return replace(formats, percent=formats.percent + percent, integer=formats.integer + integer,
                   money=formats.money + money)


def summary_frame(rows: list[tuple[str, str]], lang: str) -> pd.DataFrame:
    return pd.DataFrame({_t("h_item", lang): [label for label, _ in rows],
                         _t("h_value", lang): [text for _, text in rows]})


def header_rows(args: argparse.Namespace, choice: object, lang: str) -> list[tuple[str, str]]:
    """Files, time written and the choice used (as saved in an analysis file), for the Summary sheet."""
    files = ", ".join(name for name, _ in getattr(args, "sources", ()))
    return [(_t("s_files", lang), files), (_t("s_generated", lang), cli.generated_at().isoformat(sep=" ")),
            (_t("s_choice", lang), json.dumps(choice.to_dict(), ensure_ascii=False))]


def write(out: Path, listed: pd.DataFrame, sheets: dict[str, pd.DataFrame], lang: str, *, list_key: str,
           note: str | None = None, text: Callable[..., str] | None = None) -> list[Path]:
    """The list first, then ``sheets`` (key -> frame) in one workbook; or x.csv + x.<key>.csv.  Sheet names are
    ``text(list_key, lang)`` and ``text("sheet_<key>", lang)`` (``text``: this module's texts by default)."""
    words = text or _t
    if out.suffix.lower() == ".csv":
        out.write_bytes(export.to_csv_bytes(listed))
        written = [out]
        for key, frame in sheets.items():
            path = side_path(out, key)
            path.write_bytes(export.to_csv_bytes(frame))
            written.append(path)
        return written
    named = {words(list_key, lang): listed, **{words(f"sheet_{key}", lang): frame for key, frame in sheets.items()}}
    notes = {words(list_key, lang): note} if note else None
    out.write_bytes(export.to_excel_bytes(named, formats=formats(lang), title_notes=notes))
    return [out]
