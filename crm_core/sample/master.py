"""The demo customer master file: the shop's customer list, with the cases a join must get right.

The master holds one row per customer of :attr:`SampleData.customers` (the same ids, names, phones,
e-mails, genders, cities, sign-up dates and consent as the orders show), written under the headers of a
membership system rather than of the order export, plus planted cases (:class:`MasterPlants`):

* ``respelled``: ids written with blanks around them, a full-width letter, lower case, or Excel's
  ``="..."`` guard; each must land on its customer.
* ``never_ordered``: customers of the list who never bought (new ids after the last one).
* ``opted_out``: customers who consent in the orders but have since opted out in the master.
* ``moved``: customers whose city in the master is not the one in the orders (the master is newer).
* ``blanked``: customers whose phone, e-mail and consent cells are empty in the master: the orders'
  values must stay.
* ``twice``: ids on a second row near the end of the file that carries only a new e-mail: the last
  filled value wins.
* ``rows_without_id``: rows with a name and phone but no id.

Everything is drawn from the generator's "master" stream, so no order, customer or truth row changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_core.sample import quirks as sample_quirks
from crm_core.sample.catalog import CITIES, CITIES_EN, GENDERS_EN, pinyin_name

MASTER_COLUMNS = ("customer_id", "name", "phone", "email", "gender", "city", "signup_date", "consent")
MASTER_ZH_HEADERS = ("会员编号", "会员姓名", "手机号码", "电子邮箱", "性别", "所在城市", "入会日期", "营销同意")
MASTER_EN_HEADERS = ("Customer No", "Full Name", "Mobile", "Email Address", "Gender", "City", "Registration Date",
                     "Accepts Marketing")
N_NEVER_ORDERED = 3
N_OPTED_OUT = 5
N_MOVED = 3
N_BLANKED = 3
N_TWICE = 2
N_WITHOUT_ID = 2


@dataclass(frozen=True)
class MasterPlants:
    """Which customers of the master carry which planted case (ids are the canonical ids, "C00012")."""

    respelled: Mapping[str, str]  # the cell as written -> the customer's id
    never_ordered: tuple[str, ...]
    opted_out: tuple[str, ...]
    moved: Mapping[str, str]  # id -> the city in the master
    blanked: tuple[str, ...]
    twice: Mapping[str, str]  # id -> the e-mail on its second row
    rows_without_id: int


@dataclass(frozen=True)
class CustomerMaster:
    """``frame``: columns :data:`MASTER_COLUMNS` (consent bool or missing, signup_date datetime), ids as
    written; ``plants``: the planted cases."""

    frame: pd.DataFrame
    plants: MasterPlants


def _respell(ids: list[str]) -> dict[str, str]:
    """Four ways a membership system writes an id the order export writes plainly."""
    forms = (lambda i: f"  {i} ", lambda i: i.replace("C", "Ｃ", 1), lambda i: i.lower(), lambda i: f'="{i}"')
    return {form(i): i for form, i in zip(forms, ids, strict=True)}


def plant_master(customers: pd.DataFrame, rng: np.random.Generator) -> CustomerMaster:
    """The master for ``customers`` (:attr:`SampleData.customers`), its cases drawn with ``rng``."""
    table = customers.loc[:, list(MASTER_COLUMNS)].astype({"consent": "boolean"}).reset_index(drop=True)
    consenting = table.loc[table["consent"].fillna(False).astype(bool), "customer_id"].to_numpy(dtype=object)
    n_cases = 4 + N_OPTED_OUT + N_MOVED + N_BLANKED + N_TWICE
    picked = list(rng.choice(consenting, size=n_cases, replace=False))
    respelled_ids, picked = sorted(picked[:4]), picked[4:]
    opted_out, picked = sorted(picked[:N_OPTED_OUT]), picked[N_OPTED_OUT:]
    moved_ids, picked = sorted(picked[:N_MOVED]), picked[N_MOVED:]
    blanked, twice_ids = sorted(picked[:N_BLANKED]), sorted(picked[N_BLANKED:])

    at = table.set_index("customer_id").index
    cities = [c for c, _ in CITIES]
    moved = {}
    for i in moved_ids:
        current = table.at[at.get_loc(i), "city"]
        moved[i] = str(rng.choice([c for c in cities if c != current]))
    for i in opted_out:
        table.at[at.get_loc(i), "consent"] = False
    for i, city in moved.items():
        table.at[at.get_loc(i), "city"] = city
    for i in blanked:
        table.loc[at.get_loc(i), ["phone", "email", "consent"]] = [None, None, pd.NA]
    respelled = _respell(respelled_ids)
    written = {v: k for k, v in respelled.items()}
    table["customer_id"] = table["customer_id"].map(lambda i: written.get(i, i))

    last = max(int(i[1:]) for i in customers["customer_id"])
    new_ids = [f"C{last + k:05d}" for k in range(1, N_NEVER_ORDERED + 1)]
    signed_up = pd.Series(pd.Timestamp("2025-11-01") + pd.to_timedelta(rng.integers(0, 60, N_NEVER_ORDERED), "D"),
                          index=pd.Index(new_ids))
    never = sample_quirks.make_customers(signed_up, pd.Series(True, index=signed_up.index), rng, no_consent_share=0)
    others = sample_quirks.make_customers(signed_up.iloc[:N_WITHOUT_ID], pd.Series(False, index=new_ids[:N_WITHOUT_ID]),
                                          rng, no_consent_share=0)
    twice = {i: f"{i.lower()}.new@example.com" for i in twice_ids}
    second_rows = pd.DataFrame({"customer_id": list(twice), "email": list(twice.values())})
    without_id = others.assign(customer_id=None, email=None)
    frame = pd.concat([table, never.loc[:, list(MASTER_COLUMNS)], second_rows, without_id.loc[:, list(MASTER_COLUMNS)]],
                      ignore_index=True)
    frame = frame.astype({"customer_id": "str", "name": "str", "phone": "str", "email": "str", "gender": "str",
                          "city": "str", "consent": "boolean"})
    plants = MasterPlants(respelled=respelled, never_ordered=tuple(new_ids), opted_out=tuple(opted_out),
                          moved=moved, blanked=tuple(blanked), twice=twice, rows_without_id=N_WITHOUT_ID)
    return CustomerMaster(frame=frame, plants=plants)


def _slash_date(value: pd.Timestamp) -> str | None:
    return None if pd.isna(value) else f"{value.year}/{value.month}/{value.day}"


def master_zh_csv_bytes(master: CustomerMaster) -> bytes:
    """The master as a Chinese membership system exports it: UTF-8 with BOM, CRLF, dates 2024/7/5, consent 是/否."""
    frame = master.frame.assign(
        signup_date=master.frame["signup_date"].map(_slash_date).astype("str"),
        consent=master.frame["consent"].map({True: "是", False: "否"}, na_action="ignore").astype("str"),
    )
    frame.columns = list(MASTER_ZH_HEADERS)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def master_en_csv_bytes(master: CustomerMaster) -> bytes:
    """The master in English: pinyin names, English genders and cities, ISO dates, consent Yes/No; UTF-8, LF."""
    frame = master.frame
    english = frame.assign(
        name=frame["name"].map(pinyin_name, na_action="ignore").astype("str"),
        gender=frame["gender"].map(GENDERS_EN, na_action="ignore").astype("str"),
        city=frame["city"].map(CITIES_EN, na_action="ignore").astype("str"),
        signup_date=frame["signup_date"].dt.strftime("%Y-%m-%d").astype("str"),
        consent=frame["consent"].map({True: "Yes", False: "No"}, na_action="ignore").astype("str"),
    )
    english.columns = list(MASTER_EN_HEADERS)
    return english.to_csv(index=False, lineterminator="\n").encode("utf-8")


def with_customers(master: CustomerMaster, customers: pd.DataFrame) -> CustomerMaster:
    """The master with one plain row per customer of ``customers`` (a stream added after the core data)
    appended after its last row: every existing row and planted case stays where it was."""
    added = customers.loc[:, list(MASTER_COLUMNS)].astype({"consent": "boolean"})
    frame = pd.concat([master.frame, added], ignore_index=True).astype(master.frame.dtypes.to_dict())
    return CustomerMaster(frame=frame, plants=master.plants)
