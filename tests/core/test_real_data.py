"""Published reference figures of Online Retail (UCI), reproduced through the real pipeline.

Needs ../shared/datasets beside the checkout (CI has it; a fresh clone does not, so these skip).
"""

import gzip
from pathlib import Path

import pytest

from crm_core import pipeline
from crm_core.schema import IngestOptions

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
ONLINE_RETAIL = DATASETS / "online_retail" / "online_retail_by_day_concat.csv.gz"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not ONLINE_RETAIL.exists(), reason=f"real data not found at {ONLINE_RETAIL} (shared/ is "
                       "beside the checkout only in CI and the developers' workplace)"),
]


@pytest.fixture(scope="module")
def online_retail_bytes():
    return gzip.decompress(ONLINE_RETAIL.read_bytes())


def test_raw_file_has_the_published_size_and_counts(online_retail_bytes):
    # ../shared/datasets/README.md, "Verification": the published UCI size and the counts of the raw file
    frame = pipeline.read(online_retail_bytes, "online_retail.csv").frame
    assert frame.shape == (541_909, 8)
    customer = frame["CustomerID"].str.strip().replace("", None)
    assert int(customer.notna().sum()) == 406_829
    assert int(customer.isna().sum()) == 135_080
    assert customer.nunique() == 4_372
    cancellation = frame["InvoiceNo"].str.startswith("C")
    assert int(cancellation.sum()) == 9_288
    assert int((cancellation & customer.notna()).sum()) == 8_905
    assert int(frame.duplicated().sum()) == 5_268


def test_usual_rfm_base_matches_the_published_counts(online_retail_bytes):
    # README reference: CustomerID present, Quantity > 0, UnitPrice > 0 -> 397,884 rows, 4,338 customers.
    options = IngestOptions(returns="ignore", non_product_codes=())
    loaded = pipeline.load(online_retail_bytes, "online_retail.csv", options=options)
    report = loaded.result.report
    assert report.rows_read == 541_909
    assert report.rows_used == 397_884
    assert loaded.result.orders["customer_id"].nunique() == 4_338
    # 135,080 without a customer; the 8,905 cancellation lines with one; 40 more with UnitPrice <= 0
    # (397,924 - 397,884: the README's two filters differ by exactly these rows)
    assert report.reason_counts().to_dict() == {"missing_customer": 135_080, "return_ignored": 8_905,
                                                "nonpositive_price": 40}
    assert report.rows_read == report.rows_used + len(report.excluded)
    # CustomerID "17850.0" is read as the text id "17850"
    assert "17850" in set(loaded.result.orders["customer_id"])


def test_default_pipeline_nets_cancellations_and_scores_everyone(online_retail_bytes):
    # Computed here by this pipeline (no published figure): the defaults net returns and drop postage etc.
    loaded = pipeline.load(online_retail_bytes, "online_retail.csv")
    report = loaded.result.report
    assert report.rows_read == report.rows_used + len(report.excluded) == 541_909
    assert report.rows_used == 404_777
    assert report.reason_counts().to_dict() == {"missing_customer": 135_080, "non_product": 1_920,
                                                "return_without_purchase": 99, "nonpositive_price": 33}
    assert report.rows_returns == 8_440  # of the 8,905 cancellation lines with a customer
    scored = pipeline.rfm_scores(loaded.result)
    assert len(scored) == loaded.result.orders["customer_id"].nunique() == 4_334
    # quintile scoring: each R score holds about a fifth of the customers (ties keep them from being equal)
    assert scored["r_score"].value_counts().sort_index().to_dict() == {1: 863, 2: 861, 3: 865, 4: 840, 5: 905}
    assert scored["segment"].value_counts().to_dict() == {
        "champions": 912, "loyal": 676, "at_risk": 510, "hibernating": 500, "need_attention": 414,
        "about_to_sleep": 390, "potential_loyalist": 357, "lost": 330, "cant_lose": 123, "promising": 84,
        "new_customers": 38}
