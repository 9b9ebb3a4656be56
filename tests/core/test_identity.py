"""Phones, emails and duplicate customers: hand-computed groups, canonical ids and merge application."""

import pandas as pd
import pytest

from crm_core.ingest.identity import (
    apply_merges,
    find_duplicate_customers,
    normalize_emails,
    normalize_phones,
    possible_email_duplicates,
)


def text(values, index=None):
    return pd.Series(values, index=index, dtype="str")


# --- phones ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw",
    ["+86 138-1234-5678", "8613812345678", "138 1234 5678", "0086 13812345678", "13812345678", "１３８１２３４５６７８",
     "13812345678.0", "'13812345678", '="13812345678"', "+86 (138) 1234\u200b5678"],
)
def test_one_chinese_mobile_written_many_ways(raw):
    assert normalize_phones(text([raw])).iloc[0] == "+8613812345678"


@pytest.mark.parametrize("raw", ["138****5678", "1******6198", "138xxxx5678", "12345", "abc", "", "+86 000"])
def test_masked_or_invalid_phones_are_missing(raw):
    assert normalize_phones(text([raw, "13812345678"])).isna().tolist() == [True, False]


def test_phone_region_is_the_default_for_national_numbers():
    uk = text(["020 7946 0958", "+44 20 7946 0958"], index=[5, 6])
    assert normalize_phones(uk, region="GB").tolist() == ["+442079460958", "+442079460958"]
    assert normalize_phones(uk).tolist()[1] == "+442079460958"  # an explicit country code wins over the region
    assert normalize_phones(uk).tolist()[0] != "+442079460958"
    assert normalize_phones(uk).index.tolist() == [5, 6]


# One person in each country, once written as at home and once with the country code.  Under the right default
# region the two are one phone; under CN (the default) the national form is missing or read as a Chinese number.
FOREIGN = {
    "GB": ("07911 123456", "+44 7911 123456", "+447911123456"),
    "US": ("(212) 736-5000", "+1 212-736-5000", "+12127365000"),
    "DE": ("0151 23456789", "+49 1512 3456789", "+4915123456789"),
}


@pytest.mark.parametrize("region", sorted(FOREIGN))
def test_national_and_international_forms_are_one_person_under_their_region(region):
    national, international, e164 = FOREIGN[region]
    customers = pd.DataFrame({"customer_id": ["K1", "K2", "K3"], "phone": [national, international, "13812345678"],
                              "email": [None, None, None]})
    found = find_duplicate_customers(customers, region=region)
    assert found[["customer_id", "merged_into", "matched_on", "key", "group_size"]].values.tolist() == [
        ["K1", "K1", "phone", e164, 2], ["K2", "K1", "phone", e164, 2]]
    assert find_duplicate_customers(customers).empty  # region CN: the national form is another number


def test_national_forms_under_the_chinese_default_region():
    national = text([FOREIGN[r][0] for r in ("GB", "US", "DE")])
    # 07911... is not a valid Chinese number; the US and German ones happen to read as Chinese numbers
    assert normalize_phones(national).tolist()[1:] == ["+862127365000", "+8615123456789"]
    assert normalize_phones(national).isna().tolist() == [True, False, False]


def test_phone_region_option_merges_a_british_customer_end_to_end():
    from crm_core import pipeline
    from crm_core.schema import IngestOptions

    csv = (b"Customer ID,Order Date,Amount,Phone\nK1,2025-03-01,40,07911 123456\nK2,2025-04-01,60,+44 7911 123456\n"
           b"K3,2025-05-01,10,13812345678\n")
    options = IngestOptions(merge_duplicates=True, phone_region="GB")
    merged = pipeline.load(csv, "uk.csv", options=options).result
    assert sorted(merged.orders["customer_id"].unique()) == ["K1", "K3"]
    assert merged.orders.groupby("customer_id")["amount"].sum().to_dict() == {"K1": 100.0, "K3": 10.0}
    kept = pipeline.load(csv, "uk.csv", options=IngestOptions(merge_duplicates=True)).result  # region CN
    assert sorted(kept.orders["customer_id"].unique()) == ["K1", "K2", "K3"]


# --- emails ---------------------------------------------------------------------------------------

def test_emails_are_trimmed_and_lower_cased_only():
    raw = [" A.B+news@Example.COM ", "ｚｈａｎｇ@ｑｑ．ｃｏｍ", "x@y", "a@b@c.com", "no-at.com", None]
    emails = normalize_emails(text(raw, index=list("abcdef")))
    assert emails.tolist()[:2] == ["a.b+news@example.com", "zhang@qq.com"]
    assert emails.isna().tolist() == [False, False, True, True, True, True]
    assert emails.index.tolist() == list("abcdef")


# --- duplicates -----------------------------------------------------------------------------------

CUSTOMERS = pd.DataFrame({
    "customer_id": ["C3", "C1", "C2", "C4", "C5", "C6", "C7"],
    "phone": ["138 1234 5678", "+8613812345678", None, "13900000001", "138****5678", "1******6198", "13900000001"],
    "email": ["li@example.com", None, " LI@example.com", None, "x@example.com", "x@example.com", None],
})


def test_phone_and_email_links_are_transitive_with_the_smallest_id_canonical():
    dup = find_duplicate_customers(CUSTOMERS)
    assert list(dup.columns) == ["customer_id", "merged_into", "matched_on", "key", "group_size"]
    assert dup.to_dict("records") == [
        {"customer_id": "C1", "merged_into": "C1", "matched_on": "phone", "key": "+8613812345678", "group_size": 3},
        {"customer_id": "C2", "merged_into": "C1", "matched_on": "email", "key": "li@example.com", "group_size": 3},
        {"customer_id": "C3", "merged_into": "C1", "matched_on": "phone+email",
         "key": "+8613812345678 / li@example.com", "group_size": 3},
        {"customer_id": "C4", "merged_into": "C4", "matched_on": "phone", "key": "+8613900000001", "group_size": 2},
        {"customer_id": "C7", "merged_into": "C4", "matched_on": "phone", "key": "+8613900000001", "group_size": 2},
        # C5 and C6 share an email; their masked phones never link anyone.
        {"customer_id": "C5", "merged_into": "C5", "matched_on": "email", "key": "x@example.com", "group_size": 2},
        {"customer_id": "C6", "merged_into": "C5", "matched_on": "email", "key": "x@example.com", "group_size": 2},
    ]
    assert dup["group_size"].dtype == "int64"


def test_the_id_with_most_rows_is_canonical_ties_to_the_smallest():
    dup = find_duplicate_customers(CUSTOMERS.assign(rows=[9, 1, 2, 4, 1, 1, 4]))
    assert dict(zip(dup["customer_id"], dup["merged_into"], strict=True)) == {
        "C3": "C3", "C1": "C3", "C2": "C3", "C4": "C4", "C7": "C4", "C5": "C5", "C6": "C5",
    }
    assert dup["customer_id"].tolist()[0] == "C3"  # the canonical id leads its group


def test_without_rows_column_input_rows_per_id_count():
    lines = pd.DataFrame({"customer_id": ["B", "A", "B", "B"], "email": ["m@x.cn", "M@x.cn", "m@x.cn", None]})
    dup = find_duplicate_customers(lines)
    assert dup["merged_into"].tolist() == ["B", "B"]
    assert dup["customer_id"].tolist() == ["B", "A"]


def test_customer_id_may_be_the_index():
    dup = find_duplicate_customers(CUSTOMERS.set_index("customer_id")[["email"]])
    assert dup["customer_id"].tolist() == ["C2", "C3", "C5", "C6"]  # C1 has no email: linked by phone only
    assert dup["merged_into"].tolist() == ["C2", "C2", "C5", "C5"]


def test_no_shared_keys_gives_an_empty_frame_with_the_columns():
    dup = find_duplicate_customers(pd.DataFrame({"customer_id": ["A", "B"], "phone": ["13812345678", "138****5678"]}))
    assert dup.empty
    assert list(dup.columns) == ["customer_id", "merged_into", "matched_on", "key", "group_size"]
    assert find_duplicate_customers(pd.DataFrame({"customer_id": ["A"]})).empty


def test_possible_email_duplicates_are_listed_for_review_only():
    customers = pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E", "F"],
        "email": ["john.smith@gmail.com", "JohnSmith+shop@googlemail.com", "john.smith@gmail.com",
                  "j.doe@example.com", "jdoe@example.org", "solo@qq.com"],
    })
    review = possible_email_duplicates(customers)
    assert review.to_dict("records") == [
        {"customer_id": "A", "email": "john.smith@gmail.com", "review_key": "johnsmith@gmail.com"},
        {"customer_id": "B", "email": "johnsmith+shop@googlemail.com", "review_key": "johnsmith@gmail.com"},
        {"customer_id": "C", "email": "john.smith@gmail.com", "review_key": "johnsmith@gmail.com"},
    ]
    same_email_only = possible_email_duplicates(customers[customers["customer_id"].isin(["A", "C"])])
    assert same_email_only.empty and list(same_email_only.columns) == ["customer_id", "email", "review_key"]


# --- merges ---------------------------------------------------------------------------------------

def test_apply_merges_replaces_listed_ids_and_keeps_the_rest():
    orders = pd.DataFrame({"customer_id": text(["C2", "C3", "C9", None, "C1"], index=[10, 11, 12, 13, 14]),
                           "amount": [1.0, 2.0, 3.0, 4.0, 5.0]})
    before = orders.copy()
    merged = apply_merges(orders, find_duplicate_customers(CUSTOMERS))
    assert merged["customer_id"].tolist()[:3] == ["C1", "C1", "C9"]
    assert pd.isna(merged["customer_id"][13]) and merged["customer_id"][14] == "C1"
    assert merged["amount"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert merged.index.tolist() == [10, 11, 12, 13, 14]
    pd.testing.assert_frame_equal(orders, before)


def test_apply_merges_without_duplicates_is_a_copy():
    orders = pd.DataFrame({"customer_id": text(["A"]), "amount": [1.0]})
    merged = apply_merges(orders, find_duplicate_customers(pd.DataFrame({"customer_id": ["A"]})))
    pd.testing.assert_frame_equal(merged, orders)
    assert merged is not orders
