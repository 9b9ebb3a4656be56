"""Shared by the engine tests (equivalence, spill, Spark): generated order files with every cleaning case, the
hand-built hard cases, one Spark session per module, and the per-customer comparison.

The generated file (:func:`orders_frame`) has what a real export has and an engine can get wrong: multi-line
orders, returns as negative lines, Online-Retail-style ``C`` cancellation invoices, a "return" status line with a
positive quantity, lines without a customer, cancelled / pending statuses (listed and by word), postage lines
(``POST``), zero prices, blank amounts filled from quantity x unit price, blank amounts without a price, undated
lines, a customer who only returned, a mistyped 2099 order, and prices such as 0.1 / 0.2 / 0.3 whose float sums
depend on the order of addition.  Seeded: the same arguments give the same frame.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crm_core import pipeline
from crm_core.customers import default_as_of
from crm_core.schema import ColumnMapping
from crm_core.scope import analysis_table
from crm_core.segment import rfm
from crm_core.settings import Scope

# The columns of the generated files and how they map (passed to every path, so the mapping proposal is not
# what is compared; one test compares the proposals separately).
MAPPING = ColumnMapping.from_dict({
    "order_id": "InvoiceNo", "customer_id": "CustomerID", "order_date": "InvoiceDate", "product": "Description",
    "sku": "StockCode", "category": "Category", "quantity": "Quantity", "unit_price": "UnitPrice",
    "amount": "Amount", "channel": "Channel", "status": "Status",
})
# What the per-customer comparison looks at: the engine's integers and dates, and what is derived from them.
COMPARED = ("recency_days", "frequency", "orders_per_year", "monetary", "gross_sales", "returns_value", "lines",
            "return_lines", "tenure_days", "first_order_date", "last_order_date")
SCORED = ("r_score", "f_score", "m_score", "fm_score", "rfm_code", "segment")
MONEY = ("monetary", "gross_sales", "returns_value")

QUANTILE = rfm.RfmParams()
THRESHOLD = rfm.RfmParams(method="threshold", frequency_basis="per_year", thresholds=rfm.Thresholds(
    recency=(7, 30, 90, 180), frequency=(1, 2, 6, 12), monetary=(50, 100, 250, 500)))

# Prices whose float sums depend on the order of addition (0.1 + 0.2 != 0.3), and ordinary ones.
_PRICES = np.array([0.1, 0.2, 0.3, 0.7, 1.1, 1.15, 2.35, 3.3, 4.95, 9.99, 12.5, 19.9, 0.01, 0.05, 7.77, 33.33])
_STATUSES = np.array(["paid", "completed", "cancelled", "Canceled by customer", "pending", "partially_refunded",
                      "wc-on-hold"])
_STATUS_P = np.array([0.84, 0.08, 0.03, 0.01, 0.01, 0.02, 0.01])
_CHANNELS = np.array(["web", "store", "app", "marketplace"])
_NAMES = np.array([f"Product {p}" for p in range(400)], dtype=object)
_CODES = np.array([f"SKU{p:04d}" for p in range(400)], dtype=object)
_CATEGORIES = np.array([f"Cat {p % 12}" for p in range(400)], dtype=object)


def orders_frame(n_lines: int = 50_000, *, seed: int = 16, start: str = "2023-01-01", days: int = 730) -> pd.DataFrame:
    """About ``n_lines`` typed order lines (Online-Retail-like columns, see :data:`MAPPING`).

    Columns: InvoiceNo (text; ``C`` + the original id for cancellations), CustomerID (Int64, <NA> for about 2 % of
    orders), InvoiceDate (datetime64[us], naive; a few missing, one order in 2099), Description, StockCode,
    Category, Channel, Status (text or missing), Quantity (int64, negative on returns), UnitPrice and Amount
    (float64 with cents; Amount = Quantity x UnitPrice rounded to cents, blank on a few lines).
    """
    rng = np.random.default_rng(seed)
    n_orders = max(4, int(n_lines / 2.65))
    n_customers = max(3, n_orders // 4)
    # Skewed customers: a few buy often, most once or twice.
    weights = 1.0 / np.arange(1, n_customers + 1) ** 0.6
    customer = rng.choice(n_customers, size=n_orders, p=weights / weights.sum()) + 10_001
    seconds = rng.integers(0, days * 86_400, size=n_orders)
    stamp = pd.Timestamp(start).to_datetime64().astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    size = rng.integers(1, 5, size=n_orders)
    order = np.repeat(np.arange(n_orders), size)
    n = len(order)
    product = np.minimum(rng.zipf(1.3, size=n), 400) - 1
    price = _PRICES[product % len(_PRICES)] * (1 + product // len(_PRICES) % 4)
    quantity = rng.integers(1, 6, size=n)
    status = _STATUSES[rng.choice(len(_STATUSES), size=n_orders, p=_STATUS_P)].astype(object)
    status[rng.random(n_orders) < 0.01] = None
    frame = pd.DataFrame({
        "InvoiceNo": (536_000 + order).astype(str),
        "CustomerID": pd.array(customer[order], dtype="Int64"),
        "InvoiceDate": stamp[order],
        "Description": _NAMES[product],
        "StockCode": _CODES[product],
        "Category": _CATEGORIES[product],
        "Channel": _CHANNELS[(customer[order] + order % 3) % len(_CHANNELS)],
        "Status": status[order],
        "Quantity": quantity,
        "UnitPrice": np.round(price, 2),
    })
    no_customer = rng.random(n_orders) < 0.02
    frame.loc[no_customer[order], "CustomerID"] = pd.NA
    # Postage lines on some orders (non-product code POST).
    postage = frame.drop_duplicates("InvoiceNo").sample(frac=0.03, random_state=seed).assign(
        Description="POSTAGE", StockCode="POST", Category=None, Quantity=1, UnitPrice=18.0)
    # Cancellations: C + the invoice, some of its lines with negative quantities, 1-30 days later.
    bought = frame[frame["Status"].isin(["paid", "completed"])]
    cancel = bought.sample(frac=0.04, random_state=seed + 1)
    cancel = cancel.assign(
        InvoiceNo="C" + cancel["InvoiceNo"], Quantity=-rng.integers(1, 3, size=len(cancel)), Status=None,
        InvoiceDate=cancel["InvoiceDate"] + pd.to_timedelta(rng.integers(1, 30, size=len(cancel)), unit="D"))
    # Returns as negative lines on their own invoice (no C), and "return" status lines with positive quantities.
    plain = bought.sample(frac=0.01, random_state=seed + 2)
    plain = plain.assign(InvoiceNo="R" + plain["InvoiceNo"], Quantity=-1, Status="paid",
                         InvoiceDate=plain["InvoiceDate"] + pd.Timedelta(days=3))
    status_return = bought.sample(frac=0.005, random_state=seed + 3)
    status_return = status_return.assign(InvoiceNo="S" + status_return["InvoiceNo"], Quantity=1, Status="return",
                                         InvoiceDate=status_return["InvoiceDate"] + pd.Timedelta(days=5))
    frame = pd.concat([frame, postage, cancel, plain, status_return], ignore_index=True)
    frame = frame.assign(Amount=np.round(frame["Quantity"] * frame["UnitPrice"], 2))
    rows = len(frame)
    pick = rng.random(rows)
    # Zero prices on a few purchase lines; blank amounts (filled from quantity x price); blank amount and price.
    zero = (pick < 0.002) & (frame["Quantity"] > 0).to_numpy()
    frame.loc[zero, ["UnitPrice", "Amount"]] = 0.0
    frame.loc[(pick > 0.002) & (pick < 0.004), "Amount"] = np.nan
    frame.loc[(pick > 0.004) & (pick < 0.005), ["Amount", "UnitPrice"]] = np.nan
    frame.loc[(pick > 0.005) & (pick < 0.006), "InvoiceDate"] = pd.NaT
    extra = pd.DataFrame({
        # A customer who only returned (return_without_purchase), and an order mistyped as 2099 (late date).
        "InvoiceNo": ["C999001", "999002"], "CustomerID": pd.array([99_999, 10_001], dtype="Int64"),
        "InvoiceDate": pd.to_datetime(["2024-06-01 10:00:00", "2099-01-01 12:00:00"]).as_unit("s"),
        "Description": ["Product 1", "Product 2"], "StockCode": ["SKU0001", "SKU0002"], "Category": ["Cat 1"] * 2,
        "Channel": ["web", "web"], "Status": [None, "paid"], "Quantity": [-1, 1], "UnitPrice": [0.2, 0.2],
        "Amount": [-0.2, 0.2]})
    frame = pd.concat([frame, extra], ignore_index=True)
    # Lines in file order by date, as an export is (ties keep the generation order).
    frame = frame.sort_values("InvoiceDate", kind="stable", na_position="first").reset_index(drop=True)
    return frame.assign(InvoiceDate=frame["InvoiceDate"].astype("datetime64[us]"))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """``frame`` as a UTF-8 CSV (dates ``YYYY-MM-DD HH:MM:SS``; missing cells empty); returns ``path``."""
    frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
    return path


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """``frame`` as Parquet with its own types (ints stay ints, text stays text); returns ``path``."""
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def pandas_reference(csv: Path, *, as_of: date | None = None, scope: Scope = Scope(),
                     mapping: ColumnMapping | None = MAPPING):
    """The upload path on the CSV's bytes: (customer table, IngestReport, analysis date) -- the answer every engine
    must give."""
    loaded = pipeline.load(csv.read_bytes(), csv.name, mapping=mapping)
    table = analysis_table(loaded.result, as_of=as_of, scope=scope)
    return table, loaded.result.report, as_of or default_as_of(loaded.result.orders)


def excluded_counts(report) -> dict[str, int]:
    """Rows excluded per reason code (codes with no row left out) from an IngestReport or an engine LineReport."""
    if hasattr(report, "reason_counts"):
        counts = report.reason_counts()
        return {str(k): int(v) for k, v in counts.items() if int(v)}
    return {str(k): int(v) for k, v in dict(report.excluded).items() if int(v)}


def scored(table: pd.DataFrame, params: rfm.RfmParams) -> pd.DataFrame:
    """``table`` scored by the one scoring code (customer ids as text, rows by id)."""
    return rfm.score_rfm(table.assign(customer_id=table["customer_id"].astype(str)), params) \
        .sort_values("customer_id").reset_index(drop=True)


def differences(expected: pd.DataFrame, got: pd.DataFrame, *, label: str, limit: int = 5,
                columns: tuple[str, ...] = (*COMPARED, *SCORED)) -> list[str]:
    """Every per-customer disagreement between two scored tables, as readable lines (empty: identical).

    Same customer ids; per customer the same ``columns`` (default :data:`COMPARED` and :data:`SCORED`; money to
    the cent: both sides rounded to integer cents; dates by calendar day; orders_per_year to 1e-9).
    """
    left = expected.set_index(expected["customer_id"].astype(str))
    right = got.set_index(got["customer_id"].astype(str))
    out: list[str] = []
    missing, extra = sorted(set(left.index) - set(right.index)), sorted(set(right.index) - set(left.index))
    if missing or extra:
        out.append(f"{label}: ids only in the reference {missing[:limit]} ({len(missing)}), "
                   f"only in the engine {extra[:limit]} ({len(extra)})")
    common = left.index.intersection(right.index)
    left, right = left.loc[common], right.loc[common]
    for column in columns:
        if column not in left.columns or column not in right.columns:
            if column in left.columns:
                out.append(f"{label}: column {column} missing from the engine's table")
            continue
        a, b = left[column], right[column]
        if column in MONEY:
            same = np.round(a.to_numpy(dtype=float) * 100) == np.round(b.to_numpy(dtype=float) * 100)
        elif column.endswith("_date"):
            same = (pd.to_datetime(a).dt.normalize().to_numpy() == pd.to_datetime(b).dt.normalize().to_numpy())
        elif column == "orders_per_year":
            same = np.isclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=0, atol=1e-9)
        elif column in ("rfm_code", "segment"):
            same = a.astype(str).to_numpy() == b.astype(str).to_numpy()
        else:
            same = a.to_numpy(dtype=float) == b.to_numpy(dtype=float)
        bad = common[~same]
        if len(bad):
            shown = ", ".join(f"{c}: {left.at[c, column]!r} vs {right.at[c, column]!r}" for c in bad[:limit])
            out.append(f"{label}: {column} differs for {len(bad)} customers ({shown})")
    return out


def spark_available() -> str | None:
    """Why Spark cannot run here (None when it can): pyspark missing or no Java runtime."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -r requirements-dev.txt)"
    if shutil.which("java") is None and not Path(str(__import__("os").environ.get("JAVA_HOME", "")), "bin",
                                                  "java").exists():
        return "no Java runtime (apt-get install default-jre-headless; .ci/run does it in CI)"
    return None


def spark_session(tmp: Path):
    """One local[2] SparkSession for a test module, set up as the issue asks (UTC, no UI, dirs under ``tmp``).

    ``crm_core.engine.backends.connect`` finds this session (``getOrCreate``) instead of starting another.
    """
    reason = spark_available()
    if reason:
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("crm-engine-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.warehouse.dir", str(tmp / "warehouse"))
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp / 'derby'}")
               .config("spark.driver.memory", "2g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def with_orphan_returns(source: Path, path: Path) -> Path:
    """``source`` (a big_orders Parquet file) plus return lines of two customers who never bought: 990001 on two
    days in 2024, 990002 forty days after the file's last line (it must not move the analysis date); -> ``path``."""
    table = pq.read_table(source)
    rows = table.to_pylist()
    template = next(r for r in rows if r["InvoiceNo"].startswith("C") and r["CustomerID"] is not None)
    last = max(r["InvoiceDate"] for r in rows if r["InvoiceDate"] is not None)
    extra = [dict(template, CustomerID=990_001, InvoiceNo="C990001", InvoiceDate=pd.Timestamp("2024-03-05 10:00")),
             dict(template, CustomerID=990_001, InvoiceNo="C990002", InvoiceDate=pd.Timestamp("2024-07-09 11:00")),
             dict(template, CustomerID=990_002, InvoiceNo="C990003", InvoiceDate=last + pd.Timedelta(days=40))]
    pq.write_table(pa.concat_tables([table, pa.Table.from_pylist(extra, schema=table.schema)]), path)
    return path
