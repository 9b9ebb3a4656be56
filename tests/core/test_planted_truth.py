"""The full pipeline on the bundled sample files recovers what the generator planted."""

from pathlib import Path

import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.sample.generator import generate_sample
from crm_core.schema import IngestOptions

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "sample_data" / "orders_zh.csv"
XLSX = ROOT / "sample_data" / "orders_en.xlsx"


@pytest.fixture(scope="module")
def sample():
    return generate_sample()


@pytest.fixture(scope="module")
def loaded():
    return pipeline.load(CSV.read_bytes(), CSV.name)


@pytest.fixture(scope="module")
def scored(loaded, sample):
    scores = pipeline.rfm_scores(loaded.result)
    return scores.merge(sample.truth, on="customer_id", how="left")


def test_every_row_accounted_for_as_planted(loaded, sample):
    report = loaded.result.report
    planted = sample.planted
    assert report.rows_read == planted["order_lines"] == 5844
    counts = report.reason_counts().to_dict()
    assert counts == {"missing_customer": planted["walk_in_lines"], "status": planted["cancelled_lines"]}
    assert report.rows_returns == planted["return_lines"]
    assert report.rows_used == planted["order_lines"] - planted["walk_in_lines"] - planted["cancelled_lines"]


def test_all_customers_found_and_consent_read(loaded, sample):
    customers = loaded.result.customers
    assert customers["customer_id"].nunique() == sample.planted["customers"]
    assert int(customers["opted_out"].sum()) == sample.planted["consent_false"]


def test_planted_duplicates_are_found(loaded, sample):
    dups = loaded.result.report.duplicates
    planted = sample.truth.dropna(subset=["duplicate_of"])
    assert len(planted) == sample.planted["duplicate_pairs"] == 3
    groups = dups.groupby("merged_into")["customer_id"].apply(frozenset)
    expected = {frozenset({row.customer_id, row.duplicate_of}) for row in planted.itertuples()}
    assert set(groups) == expected


@pytest.mark.parametrize(
    ("group", "segments"),
    [
        ("champions", {"champions", "loyal"}),
        ("loyal", {"champions", "loyal"}),
        ("lost", {"lost", "hibernating"}),
        ("at_risk", {"at_risk", "cant_lose"}),
        ("new", {"new_customers", "promising", "potential_loyalist"}),
    ],
)
def test_planted_groups_land_in_their_segments(scored, group, segments):
    members = scored[scored["group"] == group]
    assert len(members) > 0
    share = members["segment"].isin(segments).mean()
    assert share >= 0.9, members["segment"].value_counts().to_dict()


def test_churned_customers_score_low_recency(scored):
    churned = scored[scored["churned"]]
    assert (churned["r_score"] <= 2).mean() >= 0.9


@pytest.fixture(scope="module")
def loaded_xlsx():
    return pipeline.load(XLSX.read_bytes(), XLSX.name)


def test_excel_sample_gives_the_same_customers_as_the_csv(loaded, loaded_xlsx):
    a = pipeline.rfm_scores(loaded.result).set_index("customer_id")
    b = pipeline.rfm_scores(loaded_xlsx.result).set_index("customer_id")
    assert loaded_xlsx.raw.header_row == 2  # the title row above the header was skipped
    assert len(b) == 500 and a.index.equals(b.index)
    for column in ("recency_days", "frequency", "r_score", "f_score", "m_score"):
        pd.testing.assert_series_equal(a[column], b[column])
    pd.testing.assert_series_equal(a["monetary"].round(2), b["monetary"].round(2))
    assert (a["segment"] == b["segment"]).all()


def test_excel_sample_excludes_the_same_rows_as_the_csv(loaded, loaded_xlsx):
    csv, xlsx = loaded.result.report, loaded_xlsx.result.report
    assert xlsx.reason_counts().to_dict() == csv.reason_counts().to_dict() == {"missing_customer": 58, "status": 12}
    statuses = xlsx.excluded.loc[xlsx.excluded["reason"] == "status", "detail"]
    assert statuses.value_counts().to_dict() == {"Cancelled": 12}  # 已取消 in the CSV
    assert (xlsx.rows_read, xlsx.rows_used, xlsx.rows_returns) == (csv.rows_read, csv.rows_used, csv.rows_returns)


def test_excel_sample_maps_itself_and_says_it_is_in_yuan(loaded_xlsx):
    proposal = loaded_xlsx.proposal
    assert proposal.inferred == () and proposal.identity is None and proposal.notes == ()
    assert loaded_xlsx.mapping.get("amount") == "Amount (CNY)"
    assert loaded_xlsx.mapping.get("unit_price") == "Unit Price (CNY)"
    guess = pipeline.detect_currency(loaded_xlsx)
    assert (guess.symbol, guess.source) == ("¥", "header")
    assert guess.evidence.en == "the column name Amount (CNY)"


def test_merging_duplicates_reduces_customers_by_the_planted_pairs(sample):
    merged = pipeline.load(CSV.read_bytes(), CSV.name, options=IngestOptions(merge_duplicates=True))
    assert merged.result.orders["customer_id"].nunique() == sample.planted["customers"] - 3
