"""Joining a customer master file to the orders' customers (crm_core.ingest.master): hand-made files, the sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crm_core import export, pipeline
from crm_core.export import ListOptions
from crm_core.ingest import master
from crm_core.schema import ColumnMapping, DataError, IngestOptions, IngestResult
from crm_core.segment import rfm

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "master"
SAMPLE = ROOT / "sample_data"


def read(path: Path):
    return pipeline.read(path.read_bytes(), path.name)


def load(path: Path, options: IngestOptions = IngestOptions()):
    return pipeline.load(path.read_bytes(), path.name, options=options).result


def joined(orders: Path, customers: Path, options: IngestOptions = IngestOptions()):
    result = load(orders, options)
    raw = read(customers)
    return result, master.join_customers(result, raw, master.propose_master_mapping(raw), options)


def new_notes(before, after) -> dict[str, dict]:
    return {n.code: dict(n.params) for n in after.report.notes[len(before.report.notes):]}


# --- mapping ---

def test_master_mapping_takes_the_id_and_customer_fields_only():
    mapping = master.propose_master_mapping(read(DATA / "customers.csv"))
    assert mapping.as_dict() == {"customer_id": "会员编号", "name": "会员姓名", "phone": "手机号码", "city": "所在城市",
                                 "signup_date": "入会日期", "consent": "营销同意"}


def test_master_mapping_in_english_reads_a_registration_date_as_the_signup_date():
    # "Registration Date (UTC)" also holds the word "date" (an order-date synonym): no order field is considered,
    # and the money and count columns of the customer list stay unmapped.
    mapping = master.propose_master_mapping(read(DATA / "customers_en.csv"))
    assert mapping.as_dict() == {"customer_id": "Member ID", "name": "Full Name", "email": "Email Address",
                                 "signup_date": "Registration Date (UTC)", "consent": "Accepts Marketing"}


# --- join, hand-computed ---

def test_master_values_win_and_empty_cells_keep_the_orders_values():
    before, after = joined(DATA / "orders.csv", DATA / "customers.csv")
    pd.testing.assert_frame_equal(after.orders, before.orders)
    got = after.customers
    assert list(got.columns) == ["customer_id", "name", "phone", "city", "signup_date", "opted_out"]
    assert got["customer_id"].tolist() == ["A1", "B2", "C3", "D4", "e5"]  # Z9 never ordered: not added
    # A1: " A1 " cleaned like the orders' ids; name from the master, blank phone and city kept from the orders.
    # B2: two rows, the last filled value per column (name from the second, phone and city from the first).
    # C3: city only in the master. e5: written E5 in the master (case ignored, one candidate).
    assert got["name"].tolist() == ["张三丰", "李四四", "王五", "赵六", "钱七"]
    assert got["phone"].tolist()[:4] == ["13800000001", "13900000002", "13800000003", "13800000004"]
    assert pd.isna(got["phone"].iloc[4])
    assert got["city"].tolist() == ["北京", "杭州", "成都", "广州", "深圳"]
    # 营销同意 (a consent header): 否 = opted out.  A1 opted out in the master only; C3 consented again there;
    # B2's blank master cell keeps the orders' answer.
    assert got["opted_out"].tolist() == [True, False, False, False, False]
    assert got["signup_date"].iloc[0] == pd.Timestamp("2024-12-01") and got["signup_date"].iloc[1:].isna().all()
    for column in ("customer_id", "name", "phone", "city", "opted_out"):
        assert got[column].dtype == before.customers[column].dtype, column


def test_join_notes_count_matches_strays_and_repeats():
    before, after = joined(DATA / "orders.csv", DATA / "customers.csv")
    notes = new_notes(before, after)
    assert notes["note_master_joined"]["matched"] == 4 and notes["note_master_joined"]["customers"] == 5
    assert notes["note_master_never_ordered"] == {"customers": 1, "example": "Z9"}
    assert notes["note_master_rows_without_id"] == {"rows": 1, "column": "会员编号"}
    assert notes["note_master_ids_twice"] == {"ids": 1, "example": "B2"}
    assert notes["note_master_ids_case"] == {"ids": 1, "example": "E5 → e5"}
    assert notes["note_master_opted_out"] == {"customers": 1, "file": "customers.csv"}
    texts = {code: n for code, n in zip(notes, after.report.notes[len(before.report.notes):], strict=True)}
    assert texts["note_master_joined"].text("en").startswith("Customer file customers.csv: 4 of its 5 customers")
    assert texts["note_master_joined"].text("zh").startswith("客户文件 customers.csv：其中 5 位客户里有 4 位与订单匹配")
    assert texts["note_master_rows_without_id"].text("en") == (
        "Skipped 1 row of the customer file without an id in column 会员编号.")


def test_case_is_ignored_only_when_one_order_id_fits():
    result = load(DATA / "orders.csv")
    two = result.customers.assign(customer_id=result.customers["customer_id"].replace({"D4": "E5"}))
    result = IngestResult(orders=result.orders, customers=two.sort_values("customer_id"), report=result.report)
    raw = read(DATA / "customers.csv")
    after = master.join_customers(result, raw, master.propose_master_mapping(raw))
    # The orders now hold E5 and e5: the master's E5 is E5 exactly, and e5 keeps its own (empty) city.
    city = after.customers.set_index("customer_id")["city"]
    assert city["E5"] == "深圳" and pd.isna(city["e5"])
    assert "note_master_ids_case" not in new_notes(result, after)


def test_rows_of_a_merged_away_id_land_on_the_kept_id():
    options = IngestOptions(merge_duplicates=True)
    before, after = joined(DATA / "orders_duplicates.csv", DATA / "customers_duplicates.csv", options)
    assert before.report.duplicates.set_index("customer_id")["merged_into"].to_dict() == {"K1": "K1", "K2": "K1"}
    got = after.customers.set_index("customer_id")
    assert got.index.tolist() == ["K1", "L1"]
    # K1's own master city is blank, so K2's 杭州 is the person's; K2 opted out (否), so the person did.
    assert got["city"].to_dict() == {"K1": "杭州", "L1": "南京"}
    assert got["opted_out"].tolist() == [True, False]
    notes = new_notes(before, after)
    assert notes["note_master_ids_merged"] == {"ids": 1, "example": "K2 → K1"}
    assert notes["note_master_joined"]["matched"] == 2 and "note_master_never_ordered" not in notes


def test_without_merging_the_same_rows_stay_apart():
    before, after = joined(DATA / "orders_duplicates.csv", DATA / "customers_duplicates.csv")
    got = after.customers.set_index("customer_id")
    assert got["city"].to_dict() == {"K1": "北京", "K2": "杭州", "L1": "南京"}
    assert got["opted_out"].tolist() == [False, True, False]


def test_consent_only_in_the_master_follows_its_header_for_blanks():
    # The orders have no consent column; A1 says no (opted out), B2 yes, C3 is not in the file:
    # under an opt-in header no answer means no consent, so they are left out (as ingest decides).
    before, after = joined(DATA / "orders_no_consent.csv", DATA / "customers_en.csv")
    assert "opted_out" not in before.customers.columns
    got = after.customers.set_index("customer_id")
    assert got["opted_out"].tolist() == [True, False, True]  # A1 no, B2 yes, C3 not in the file
    assert got["email"].tolist()[0] == "zs@example.com" and got["email"].iloc[1:].isna().all()
    notes = new_notes(before, after)
    assert notes["note_consent_unknown_left_out"] == {"customers": 1, "column": "Accepts Marketing"}


# --- bad input ---

def test_a_file_without_an_id_column_says_what_it_needs():
    result, raw = load(DATA / "orders.csv"), read(DATA / "customers_no_id.csv")
    mapping = master.propose_master_mapping(raw)
    assert mapping.get("customer_id") is None
    with pytest.raises(DataError) as error:
        master.join_customers(result, raw, mapping)
    assert error.value.code == "customers_no_id"
    assert "customers_no_id.csv" in str(error.value) and "姓名, 手机号, 城市" in str(error.value)
    assert "Customer ID, Customer No" in str(error.value)
    assert "客户编号、会员编号" in error.value.text("zh")


def test_ids_of_another_kind_are_refused_with_an_example_of_each():
    result, raw = load(DATA / "orders.csv"), read(DATA / "customers_other_ids.csv")
    with pytest.raises(DataError) as error:
        master.join_customers(result, raw, master.propose_master_mapping(raw))
    assert error.value.code == "customers_no_match"
    assert error.value.params["example"] == "M0001" and error.value.params["orders_example"] == "A1"
    assert "(M0001 there, A1 in the orders)" in str(error.value)


def test_a_mapping_naming_a_missing_column_is_refused():
    result, raw = load(DATA / "orders.csv"), read(DATA / "customers.csv")
    mapping = ColumnMapping.from_json((DATA / "mapping_missing_column.json").read_text(encoding="utf-8"))
    with pytest.raises(DataError) as error:
        master.join_customers(result, raw, mapping)
    assert error.value.code == "customers_unknown_column"
    assert "column Town for City" in str(error.value) and "customers.csv" in str(error.value)


# --- the sample's customer file ---

@pytest.fixture(scope="module")
def sample_join():
    return joined(SAMPLE / "orders_zh.csv", SAMPLE / "customers_zh.csv")


def test_sample_master_files_come_from_the_generator(data, files):
    names = [p.name for p in files]
    assert "customers_zh.csv" in names and "customers_en.csv" in names
    for path in files:
        if path.name.startswith("customers_"):
            assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), path.name
    plants = data.master.plants
    assert len(plants.respelled) == 4 and plants.never_ordered == ("C00501", "C00502", "C00503")
    assert len(plants.opted_out) == 5 and len(plants.moved) == 3 and len(plants.twice) == 2
    # 500 customers + 3 who never ordered + 2 second rows + 2 rows without an id, then the 200 customers of the
    # behaviour clusters (plain rows appended after the others)
    assert len(data.master.frame) == 707
    assert data.master.frame["customer_id"].iloc[507:].str.fullmatch(r"K\d{5}").all()


def test_sample_planted_cases_land_right(data, sample_join):
    before, after = sample_join
    plants = data.master.plants
    notes = new_notes(before, after)
    # The four respelled ids land on their customers: all 700 match, only the 3 new ids do not.
    assert notes["note_master_joined"]["matched"] == 700 and notes["note_master_joined"]["customers"] == 703
    assert notes["note_master_never_ordered"]["customers"] == 3
    assert notes["note_master_rows_without_id"]["rows"] == 2
    assert notes["note_master_ids_twice"]["ids"] == 2
    assert notes["note_master_ids_case"]["ids"] == 1  # lower case; blanks, full width and ="..." clean as in orders
    assert notes["note_master_opted_out"]["customers"] == 5
    got = after.customers.set_index("customer_id")
    was = before.customers.set_index("customer_id")
    assert not set(plants.never_ordered) & set(got.index)
    assert got.loc[list(plants.opted_out), "opted_out"].all() and not was.loc[list(plants.opted_out), "opted_out"].any()
    for customer, city in plants.moved.items():
        assert got.at[customer, "city"] == city != was.at[customer, "city"]
    for customer in plants.blanked:
        assert got.at[customer, "phone"] == was.at[customer, "phone"]
        assert got.at[customer, "opted_out"] == was.at[customer, "opted_out"]
    for customer, email in plants.twice.items():
        assert got.at[customer, "email"] == email
        assert got.at[customer, "name"] == was.at[customer, "name"]
    others = got.index.difference(list(plants.opted_out) + list(plants.moved) + list(plants.twice))
    pd.testing.assert_frame_equal(got.loc[others].drop(columns="opted_out"), was.loc[others].drop(columns="opted_out"))
    assert got.loc[others, "opted_out"].tolist() == was.loc[others, "opted_out"].tolist()


def test_sample_moved_city_shows_in_the_customer_table(data, sample_join):
    _, after = sample_join
    table = pipeline.customer_table(after.orders, after.customers).set_index("customer_id")
    for customer, city in data.master.plants.moved.items():
        assert table.at[customer, "city"] == city


def test_sample_opt_outs_from_the_master_leave_the_campaign_lists(data, sample_join):
    before, after = sample_join
    opted_out = set(data.master.plants.opted_out)

    def listed(result) -> set[str]:
        scored = pipeline.rfm_scores(result)
        built = pipeline.build_lists(scored, export.ListRequest(rfm.SCHEMES["11"], options=ListOptions(lang="en")))
        return set().union(*(set(sheet["Customer ID"]) for sheet in built.sheets.values()))

    assert opted_out <= listed(before)  # consenting in the orders, so listed without the master
    assert not opted_out & listed(after)


def test_sample_english_master_gives_the_same_customers(data, sample_join):
    _, zh = sample_join
    before, en = joined(SAMPLE / "orders_zh.csv", SAMPLE / "customers_en.csv")
    a, b = zh.customers.set_index("customer_id"), en.customers.set_index("customer_id")
    for column in ("phone", "email", "signup_date", "opted_out"):
        pd.testing.assert_series_equal(a[column], b[column], check_names=False)
    assert b.loc[list(data.master.plants.moved), "city"].tolist() == [
        {"上海": "Shanghai", "北京": "Beijing", "深圳": "Shenzhen", "广州": "Guangzhou", "杭州": "Hangzhou",
         "成都": "Chengdu", "南京": "Nanjing", "武汉": "Wuhan", "苏州": "Suzhou", "西安": "Xi'an",
         "重庆": "Chongqing", "天津": "Tianjin", "长沙": "Changsha", "厦门": "Xiamen"}[c]
        for c in data.master.plants.moved.values()]


def test_sample_duplicates_merged_take_the_master_rows_of_both_ids(data):
    options = IngestOptions(merge_duplicates=True)
    before, after = joined(SAMPLE / "orders_zh.csv", SAMPLE / "customers_zh.csv", options)
    pairs = before.report.duplicates
    away = pairs.loc[pairs["customer_id"] != pairs["merged_into"]].set_index("customer_id")["merged_into"]
    assert len(away) == len(data.truth["duplicate_of"].dropna()) == 3
    notes = new_notes(before, after)
    assert notes["note_master_ids_merged"]["ids"] == 3
    assert notes["note_master_joined"]["matched"] == 697  # 700 ids, 3 merged into others
    got = after.customers.set_index("customer_id")
    assert not set(away.index) & set(got.index)
    # The copy of each person has no e-mail (signed up again with the phone only): the person keeps the
    # original's, whichever id was kept; the third original had none either.
    listed = data.master.frame.set_index("customer_id")["email"]
    emails = [got.at[kept, "email"] for kept in away]
    expected = [listed[[gone, kept]].dropna().tolist() for gone, kept in away.items()]
    assert sorted(expected) == [[], ["yongchen6973@example.com"], ["zihanwang2362@example.cn"]]
    assert [[e] if isinstance(e, str) else [] for e in emails] == expected


def test_an_empty_id_column_is_named():
    result, raw = load(DATA / "orders.csv"), read(DATA / "customers_empty_ids.csv")
    for mapping in (master.propose_master_mapping(raw), ColumnMapping.from_dict({"customer_id": "会员编号"})):
        with pytest.raises(DataError) as error:
            master.join_customers(result, raw, mapping)
        assert error.value.code == "customers_no_ids" and error.value.params["column"] == "会员编号"
        assert "empty on every row" in str(error.value)


def test_one_column_for_two_fields_is_refused():
    result, raw = load(DATA / "orders.csv"), read(DATA / "customers.csv")
    mapping = ColumnMapping.from_json((DATA / "mapping_duplicate.json").read_text(encoding="utf-8"))
    with pytest.raises(DataError) as error:
        master.join_customers(result, raw, mapping)
    assert error.value.code == "customers_duplicate_mapping"
    assert "column 会员姓名 is mapped to both Name and City" in str(error.value)
    assert "“姓名和城市”" in error.value.text("zh")


def test_a_shopify_customer_export_maps_and_adds_region_and_country():
    mapping = master.propose_master_mapping(read(DATA / "customers_shopify.csv"))
    assert mapping.as_dict() == {
        "customer_id": "Customer ID", "phone": "Phone", "email": "Email", "city": "Default Address City",
        "region": "Default Address Province Code", "country": "Default Address Country Code",
        "consent": "Accepts Email Marketing"}
    before, after = joined(DATA / "orders.csv", DATA / "customers_shopify.csv")
    got = after.customers
    assert list(got.columns) == ["customer_id", "name", "phone", "email", "city", "region", "country", "opted_out"]
    assert got["region"].tolist()[:2] == ["BJ", "ZJ"] and got["region"].iloc[2:].isna().all()
    # A1's master phone wins; B2's blank master cell keeps the orders' (blank) phone.
    assert got["phone"].fillna("-").tolist() == ["+8613800000001", "-", "13800000003", "13800000004", "-"]
    # Accepts Email Marketing "no" = opted out (A1); B2 "yes"; C3 keeps the orders' 否 (opted out).
    assert got["opted_out"].tolist() == [True, False, True, False, False]
    assert got["city"].fillna("-").tolist() == ["Beijing", "Hangzhou", "-", "广州", "-"]
