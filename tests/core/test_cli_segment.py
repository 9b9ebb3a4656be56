"""python -m crm_core segment: one row per customer with its RFM segment, cluster, lifecycle stage and tags, and
the cluster profiles; every value checked against crm_core computed independently on the same file."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from crm_core import cli, export, pipeline
from crm_core.segment import clusters as cl
from crm_core.segment import lifecycle, rfm, tags
from crm_core.segment.combined import ClusterChoice
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "orders_en.xlsx"
DATA = ROOT / "tests" / "data" / "cli_segment"

BIG = tags.TagRule("Big spender", "大客户", (tags.Condition("monetary", ">=", 3000),))
COFFEE = tags.TagRule("Coffee regular", "咖啡常客", (
    tags.Bought("Coffee & Tea", 3, 180, "category"),
    tags.Group((tags.Condition("channel", "is", "Retail Store"), tags.Condition("frequency", ">", 5)), "or"),
))
RULES = (BIG, COFFEE)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def table_of(path: Path, sheet: str) -> pd.DataFrame:
    """The table at the top of ``sheet`` (header row 1, down to the first empty row)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    end = next((i for i, row in enumerate(rows) if all(c is None for c in row)), len(rows))
    return pd.DataFrame(rows[1:end], columns=rows[0])


def about_block(path: Path, sheet: str) -> dict[str, str]:
    """(label -> text) under the table of ``sheet``."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    gap = next(i for i, row in enumerate(rows) if all(c is None for c in row))
    return {row[0]: row[1] for row in rows[gap + 1:]}


@pytest.fixture(scope="module")
def settings_file(tmp_path_factory) -> Path:
    """A saved analysis with two tag rules and k = 3 with c1 renamed (--k 4 overrides k and drops the name)."""
    path = tmp_path_factory.mktemp("settings") / "analysis.json"
    choice = ClusterChoice(k=3, names=(("c1", "Our best", "最好的客户"),))
    path.write_text(AnalysisSettings(tags=RULES, clusters=choice).to_json(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def independent() -> dict:
    """What crm_core says about the sample, computed without the CLI."""
    loaded = pipeline.load(SAMPLE.read_bytes(), SAMPLE.name)
    result = loaded.result
    as_of = pipeline.default_as_of(result.orders)
    table = pipeline.analysis_table(result, as_of=as_of)
    fitted = cl.fit_clusters(table, 4)
    return {"table": table, "orders": result.orders, "as_of": as_of, "clusters": fitted,
            "labels": dict(zip(table["customer_id"], fitted.assign(table)["cluster"], strict=True)),
            "stages": lifecycle.with_stages(table).set_index("customer_id")["stage"],
            "tagged": tags.apply_tags(table, result.orders, RULES, as_of).set_index("customer_id"),
            "scored": rfm.score_rfm(table).set_index("customer_id")}


@pytest.fixture(scope="module")
def k4(tmp_path_factory, settings_file) -> dict:
    out = tmp_path_factory.mktemp("k4") / "segments.xlsx"
    status, stdout, stderr = run("segment", SAMPLE, "--out", out, "--k", "4", "--settings", settings_file)
    assert status == 0, stderr
    return {"out": out, "stdout": stdout, "stderr": stderr, "customers": table_of(out, "Customers")}


def test_one_row_per_customer_with_the_clusters_of_fit_clusters(k4, independent):
    sheet, table = k4["customers"], independent["table"]
    assert len(sheet) == len(table) and sheet["Customer ID"].is_unique
    assert set(sheet["Customer ID"]) == set(table["customer_id"])
    keys = sheet.set_index("Customer ID")["Cluster key"].to_dict()
    assert keys == independent["labels"]
    assert set(keys.values()) == {"c1", "c2", "c3", "c4"}
    fitted = independent["clusters"]
    names = sheet.set_index("Customer ID")["Cluster"]
    assert all(names[c] == fitted.text(k, "name", "en") for c, k in keys.items())


def test_stages_segments_and_figures_are_the_cores(k4, independent):
    sheet = k4["customers"].set_index("Customer ID")
    stages, scored = independent["stages"], independent["scored"]
    words = {key: lifecycle.Lifecycle().text(key, "name", "en") for key in lifecycle.STAGES}
    assert sheet["Lifecycle stage"].to_dict() == stages.map(words).to_dict()
    assert sheet["Lifecycle stage"].nunique() >= 3  # the sample has new, active and churned customers at least
    scheme = rfm.RfmParams().scheme
    assert sheet["RFM segment"].to_dict() == {c: scheme.text(k, "name", "en") for c, k in scored["segment"].items()}
    table = independent["table"].set_index("customer_id")
    assert sheet["Total spend"].to_dict() == pytest.approx(table["monetary"].to_dict())
    assert sheet["Orders"].to_dict() == table["frequency"].to_dict()
    assert sheet["Days since last order"].to_dict() == table["recency_days"].to_dict()
    assert {"Average order value", "First order", "Last order", "Expected next order"} <= set(sheet.columns)
    assert not {"Name", "Phone", "Email"} & set(sheet.columns)  # contacts only with --include-contact


def test_tag_rules_from_the_settings_file_get_their_columns(k4, independent):
    sheet = k4["customers"].set_index("Customer ID")
    tagged = independent["tagged"]
    headers = list(k4["customers"].columns)
    assert headers[headers.index("Tags") + 1:headers.index("Tags") + 3] == ["Big spender", "Coffee regular"]
    for rule, column in ((BIG, "tag_big_spender"), (COFFEE, "tag_coffee_regular")):
        expected = tagged[column].map({True: "yes", False: "no"})
        assert sheet[rule.name_en].to_dict() == expected.to_dict()
        assert set(expected) == {"yes", "no"}  # the rule splits the customers, so the comparison means something
    assert sheet["Tags"].fillna("").to_dict() == tagged["tags"].to_dict()


def test_profiles_sheet_has_k_rows_and_says_what_produced_it(k4, independent):
    profiles = table_of(k4["out"], "Cluster profiles")
    fitted = independent["clusters"]
    assert list(profiles["Cluster key"]) == ["c1", "c2", "c3", "c4"]
    assert list(profiles["Customers"]) == list(fitted.sizes)
    assert profiles["Customers"].sum() == len(independent["table"])
    assert profiles["Share of revenue"].tolist() == pytest.approx(list(fitted.revenue_shares))
    assert profiles["Orders (mean)"].tolist() == pytest.approx([m[fitted.profile_features.index("frequency")]
                                                                for m in fitted.means])
    assert profiles["Most distinctive"].tolist() == [fitted.text(k, "description", "en") for k in fitted.keys]
    about = about_block(k4["out"], "Cluster profiles")
    assert about["Order files"] == "orders_en.xlsx"
    assert about["Analysis date"] == independent["as_of"].isoformat()
    assert about["Clusters (k)"] == "4 (given with --k)"
    assert about["Tag: Big spender"] == "Total spend ≥ ¥3,000"
    assert about["Tag: Coffee regular"] == ("bought the category Coffee & Tea in at least 3 orders in the last 180 "
                                            "days and (Channel is “Retail Store” or Orders > 5)")
    assert about["Lifecycle windows"].startswith("new: first order at most 90 days ago")
    assert about["Currency"] == "¥"
    assert re.fullmatch(r"SEG-\d{8}-[0-9A-F]{8}", about["List ID"])


def test_summary_prints_customers_k_and_stage_counts(k4, independent):
    lines = k4["stdout"].splitlines()
    assert lines[0] == f"{len(independent['table']):,} customers in 4 clusters (k given)"
    counts = independent["stages"].value_counts()
    for key in lifecycle.STAGES:
        name = lifecycle.Lifecycle().text(key, "name", "en")
        assert f"  {name}: {int(counts.get(key, 0)):,} customers" in lines
    assert f"Wrote {k4['out']} ({len(independent['table']):,} customers)" in lines
    assert "Traceback" not in k4["stderr"]


def test_k_of_the_settings_file_is_used_without_k(tmp_path, settings_file, independent):
    out = tmp_path / "k3.xlsx"
    status, stdout, stderr = run("segment", SAMPLE, "--out", out, "--settings", settings_file)
    assert status == 0, stderr
    profiles = table_of(out, "Cluster profiles")
    assert list(profiles["Cluster key"]) == ["c1", "c2", "c3"]
    assert list(profiles["Customers"]) == list(cl.fit_clusters(independent["table"], 3).sizes)
    assert profiles["Cluster"].iloc[0] == "Our best"  # the saved name of the saved k
    assert about_block(out, "Cluster profiles")["Clusters (k)"] == "3 (from the settings file)"
    assert stdout.splitlines()[0].endswith("in 3 clusters (k from the settings file)")


@pytest.mark.parametrize("k", ["1", "13"])
def test_bad_k_is_refused_before_any_file_is_read(k):
    status, stdout, stderr = run("segment", DATA / "missing.csv", "--out", "x.xlsx", "--k", k)
    assert status == 2
    assert f"The number of clusters must be a whole number from 2 to 12, not {k}." in stderr
    assert "not found" not in stderr and "Traceback" not in stderr and stdout == ""


@pytest.mark.parametrize(("name", "k", "message"), [
    ("one_customer.csv", None, "Only 1 customer has purchases; clusters need at least 2. Upload more orders."),
    ("one_customer.csv", "2", "Only 1 customer has purchases; clusters need at least 2. Upload more orders."),
    ("three_customers.csv", "5", "There are 3 customers, too few for 5 clusters. Choose at most 3 clusters."),
])
def test_too_few_customers_give_the_cores_message(tmp_path, name, k, message):
    out = tmp_path / "x.xlsx"
    status, stdout, stderr = run("segment", DATA / name, "--out", out, *(("--k", k) if k else ()))
    assert status == 2
    assert f"error: {message}" in stderr
    assert "Traceback" not in stderr and not out.exists()


def test_chinese_output_has_chinese_headers_and_summary(tmp_path, settings_file, independent):
    out = tmp_path / "zh.xlsx"
    status, stdout, stderr = run("segment", SAMPLE, "--out", out, "--k", "4", "--settings", settings_file,
                                 "--lang", "zh")
    assert status == 0, stderr
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["客户", "客户群画像"]
    customers = table_of(out, "客户")
    assert list(customers.columns[:8]) == ["客户编号", "RFM 分群", "客户群代码", "客户群", "生命周期阶段", "标签",
                                           "大客户", "咖啡常客"]
    assert set(customers["大客户"]) == {"是", "否"}
    fitted = independent["clusters"]
    assert set(customers["客户群"]) == {fitted.text(k, "name", "zh") for k in fitted.keys}
    profiles = table_of(out, "客户群画像")
    assert list(profiles.columns[:6]) == ["客户群代码", "客户群", "客户数", "客户占比", "销售额", "销售额占比"]
    assert "平均购买次数" in profiles.columns
    about = about_block(out, "客户群画像")
    assert about["客户群数量（k）"] == "4（由 --k 指定）"
    assert about["标签：大客户"] == "消费总额 ≥ ¥3,000"
    assert stdout.splitlines()[0] == f"共 {len(independent['table']):,} 位客户，分为 4 个客户群（k 为指定值）"
    assert "生命周期阶段：" in stdout
    for english in ("customers", "clusters", "Wrote", "given"):
        assert english not in stdout


def test_contacts_only_with_include_contact_and_masked_unless_no_mask(tmp_path, independent):
    table = independent["table"].set_index("customer_id")
    phones = table["phone"].dropna()
    assert len(phones) > 0
    out = tmp_path / "contacts.xlsx"
    status, _, stderr = run("segment", SAMPLE, "--out", out, "--k", "2", "--include-contact")
    assert status == 0, stderr
    sheet = table_of(out, "Customers").set_index("Customer ID")
    masked = export.mask_phone(phones.astype("str"))
    assert sheet.loc[phones.index, "Phone"].astype("str").to_dict() == masked.to_dict()
    assert (sheet.loc[phones.index, "Phone"] != phones.astype("str")).all()
    status, _, stderr = run("segment", SAMPLE, "--out", out, "--k", "2", "--include-contact", "--no-mask")
    assert status == 0, stderr
    sheet = table_of(out, "Customers").set_index("Customer ID")
    assert sheet.loc[phones.index, "Phone"].astype("str").to_dict() == phones.astype("str").to_dict()


def test_csv_out_writes_customers_and_profiles_and_the_id_follows_the_choices(tmp_path):
    out = tmp_path / "seg.csv"
    status, stdout, stderr = run("segment", DATA / "three_customers.csv", "--out", out, "--k", "2")
    assert status == 0, stderr
    customers = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert sorted(customers["Customer ID"]) == ["a", "b", "c"]
    profiles = pd.read_csv(tmp_path / "seg.profiles.csv", encoding="utf-8-sig")
    assert list(profiles["Cluster key"]) == ["c1", "c2"] and profiles["Customers"].sum() == 3
    assert f"Wrote {tmp_path / 'seg.profiles.csv'}" in stdout

    def list_id(*extra: str) -> str:
        status, stdout, stderr = run("segment", DATA / "three_customers.csv", "--out", tmp_path / "y.xlsx", *extra)
        assert status == 0, stderr
        return re.search(r"List ID: (SEG-\S+)", stdout)[1]

    first = list_id("--k", "2")
    assert first == re.search(r"List ID: (SEG-\S+)", stdout)[1]  # same data and choices, whatever the format
    assert list_id("--k", "2") == first
    assert list_id("--k", "3") != first


def _app_segmented(choices, lang: str = "en") -> pd.DataFrame:
    """What the app's pages show for the sample with the default settings (ui.cached_segments.segmented), by id."""
    import hashlib

    from crm_core.schema import ReadOptions
    from crm_core.segment.combined import SegmentChoices, with_group_names
    from crm_core.settings import Scope
    from ui import cached, cached_segments

    data = SAMPLE.read_bytes()
    file_key = cached.DatasetKey(hashlib.sha256(data).hexdigest(), data, SAMPLE.name, ReadOptions())
    key = file_key.with_mapping(cached.proposed_mapping(file_key))
    as_of = pipeline.default_as_of(cached.cleaned(key).orders)
    choices = SegmentChoices(clusters=choices[0], tags=choices[1])
    table = cached_segments.segmented(key, as_of, rfm.RfmParams(), Scope(), choices, lang)
    fitted = cached_segments.cluster_fit(key, as_of, Scope(), choices.clusters)
    return with_group_names(table, clusters=fitted, lang=lang).set_index("customer_id"), fitted


def test_the_app_and_the_cli_agree(k4):
    app, _ = _app_segmented((ClusterChoice(k=4), RULES))
    sheet = k4["customers"].set_index("Customer ID")
    for header, column in (("Cluster key", "cluster"), ("Cluster", "cluster_name"), ("Lifecycle stage", "stage_name"),
                           ("RFM segment", "rfm_segment_name")):
        assert sheet[header].to_dict() == app[column].to_dict(), header
    assert sheet["Tags"].fillna("").to_dict() == app["tags"].to_dict()


def test_without_k_the_suggested_k_is_the_apps(tmp_path):
    out = tmp_path / "suggested.xlsx"
    status, stdout, stderr = run("segment", SAMPLE, "--out", out)
    assert status == 0, stderr
    app, fitted = _app_segmented((ClusterChoice(), ()))
    profiles = table_of(out, "Cluster profiles")
    assert list(profiles["Customers"]) == list(fitted.sizes)
    assert table_of(out, "Customers").set_index("Customer ID")["Cluster key"].to_dict() == app["cluster"].to_dict()
    assert stdout.splitlines()[0].endswith(f"in {fitted.k} clusters (k suggested)")
    assert about_block(out, "Cluster profiles")["Clusters (k)"] == (
        f"{fitted.k} (suggested: the elbow of the inertia curve for k from 2 to 10)")
