"""Data page, server data (ui.server_source / ui.server_view): an administrator's Parquet file offered next to
uploads, read by DuckDB (crm_core.engine.run.order_lines), then the session's data on every page."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from app_helpers import APP, ROOT, TIMEOUT, en, loaded, metrics, open_app, rerun, texts, zh
from streamlit.testing.v1 import AppTest

from crm_core.engine import run
from crm_core.engine.options import EngineOptions
from crm_core.messages import render
from crm_core.sample.big_orders import write_big_orders
from crm_core.schema import DataError, IngestReport
from ui import mapping_form, server_source
from ui.state import DATASETS, make_server_upload

DATA = "app_pages/data.py"
RFM = "app_pages/rfm.py"
LINES = 5_000


@pytest.fixture(scope="module")
def orders_file(tmp_path_factory) -> str:
    """~5k generated order lines (crm_core.sample.big_orders) as Parquet."""
    return str(write_big_orders(tmp_path_factory.mktemp("server") / "orders.parquet", LINES, seed=16))


@pytest.fixture(scope="module")
def engine_customers(orders_file) -> int:
    """Customers of the file by the engine's own customer table (DuckDB, default cleaning)."""
    return len(run.customer_table([orders_file], EngineOptions(engine="duckdb")).table)


@pytest.fixture(scope="module")
def wrong_types(tmp_path_factory) -> str:
    """A Parquet file whose order date column holds numbers (the engine's type check names it)."""
    path = tmp_path_factory.mktemp("wrong") / "wrong_types.parquet"
    pq.write_table(pa.table({"CustomerID": ["a", "b", "c"], "InvoiceNo": ["1", "2", "3"],
                             "InvoiceDate": pa.array([1.5, 2.5, 3.5]), "Amount": [10.0, 20.0, 30.0]}), path)
    return str(path)


@pytest.fixture
def configured(monkeypatch, orders_file):
    monkeypatch.setenv(server_source.ENV_PATHS, orders_file)
    return orders_file


def _read(at: AppTest) -> AppTest:
    at.button(key="sv_read_0").click()
    return rerun(at)


def _server(at: AppTest) -> AppTest:
    at.radio(key="data_source").set_value("server")
    return rerun(at)


# --- configuration ------------------------------------------------------------------------------------------

def test_paths_from_env_several_and_env_wins(monkeypatch):
    monkeypatch.setenv(server_source.ENV_PATHS, f"/data/a.parquet{server_source.os.pathsep}/data/b/ ")
    assert server_source.configured_paths() == ("/data/a.parquet", "/data/b/")
    assert server_source.config_origin() == "env"
    monkeypatch.setenv(server_source.ENV_PATHS, "  ")
    assert server_source.configured_paths() == ()  # no secrets file here: nothing, and no error
    assert server_source.config_origin() is None


def test_server_files_key_changes_when_a_file_changes(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"a": [1, 2]}), path)
    first = server_source.ServerFiles.of((str(path),))
    assert first == server_source.ServerFiles.of((str(path),))
    pq.write_table(pa.table({"a": [1, 2, 3, 4]}), path)
    assert server_source.ServerFiles.of((str(path),)) != first
    assert server_source.describe(server_source.ServerFiles.of((str(path),))).rows == 4


# --- the page -----------------------------------------------------------------------------------------------

def test_without_setting_the_page_has_no_server_option(monkeypatch):
    monkeypatch.delenv(server_source.ENV_PATHS, raising=False)
    at = open_app(DATA)
    assert not [r for r in at.radio if r.key == "data_source"]  # exactly the upload page
    assert en("sv_title") not in texts(at.subheader)
    assert at.main.file_uploader


def test_server_file_read_by_duckdb_becomes_the_session_data(configured, engine_customers):
    at = _server(open_app(DATA))
    shown = " ".join(texts(at.markdown))
    assert "orders.parquet" in shown and en("sv_lines", rows=LINES) in shown  # rows from the Parquet footer
    assert en("sv_configured_env") in texts(at.caption)
    at = _read(at)
    up = loaded(at)
    assert up.on_server and up.paths == (configured,) and up.name == "orders.parquet"
    shown = metrics(at)
    assert shown[en("rows_read")] == f"{LINES:,}"
    assert shown[en("customers")] == f"{engine_customers:,}"
    used = int(shown[en("rows_used")].replace(",", ""))
    excluded = int(shown[en("rows_excluded")].replace(",", ""))
    assert used + excluded == LINES and excluded > 0  # the generator plants cancellations, postage, no-customer
    assert any("DuckDB" in m for m in texts(at.markdown))  # the engine and its seconds
    reasons = [d.value for d in at.dataframe if en("reason") in d.value.columns]
    assert len(reasons) == 1 and int(reasons[0][en("rows")].sum()) == excluded
    mapped = [d.value for d in at.dataframe if en("field") in d.value.columns][0]
    assert dict(zip(mapped[en("field")], mapped[en("column")], strict=True))["Customer ID"] == "CustomerID"
    # Every page works on it: the RFM page scores the same customers as the engine's customer table.
    at.switch_page(RFM)
    at = rerun(at)
    assert metrics(at)[en("kpi_customers")] == f"{engine_customers:,}"


def test_mapping_override_reads_again(configured):
    at = _read(_server(open_app(DATA)))
    before = metrics(at)
    reasons = [d.value for d in at.dataframe if en("reason") in d.value.columns][0]
    by_status = int(reasons.loc[reasons[en("reason")].str.startswith("order status"), en("rows")].sum())
    assert by_status > 0
    at.selectbox(key="map_status").set_value(mapping_form.NOT_MAPPED)
    [b for b in at.button if b.label == en("apply") and "mapping_form" in str(b.form_id)][0].click()
    at = rerun(at)
    assert at.session_state["mapping"].get("status") is None
    used = int(before[en("rows_used")].replace(",", "")) + by_status  # cancelled orders now count
    assert metrics(at)[en("rows_used")] == f"{used:,}"


def test_chinese_page(configured, engine_customers):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = "zh"
    at.session_state["data_source"] = "server"
    at.session_state[DATASETS] = {"orders": make_server_upload((configured,), "orders.parquet")}
    at.switch_page(DATA)
    at = rerun(at)
    assert zh("sv_title") in texts(at.subheader)
    assert metrics(at)[zh("customers")] == f"{engine_customers:,}"
    assert any("DuckDB" in m and "秒" in m for m in texts(at.markdown))


def test_sidebar_status_and_clear(configured):
    at = _read(_server(open_app(DATA)))
    assert any("orders.parquet" in m for m in texts(at.sidebar.markdown))
    # Upload files: the server file stays in use until a file is uploaded (the chip says which).
    at.radio(key="data_source").set_value("upload")
    at = rerun(at)
    assert en("sv_in_use_upload", name="orders.parquet") in texts(at.info)
    at.button(key="remove_file").click()
    at = rerun(at)
    assert loaded(at) is None


def test_wrong_types_show_the_engine_message(monkeypatch, wrong_types):
    monkeypatch.setenv(server_source.ENV_PATHS, wrong_types)
    at = _read(_server(open_app(DATA)))
    with pytest.raises(DataError) as caught:
        run.order_lines([wrong_types], EngineOptions(engine="duckdb"))
    assert caught.value.text("en").strip() in [e.strip() for e in texts(at.error)]
    assert not at.main.metric  # no report for data that did not read


def test_messy_text_shows_the_engine_message_and_the_mapping_form(monkeypatch, tmp_path):
    path = tmp_path / "messy.parquet"
    pq.write_table(pa.table({"CustomerID": ["C1", "C2"], "InvoiceNo": ["1", "2"],
                             "InvoiceDate": ["2024-01-05", "2024-01-06"], "Amount": ["¥1,234.50", "¥88.00"]}), path)
    monkeypatch.setenv(server_source.ENV_PATHS, str(path))
    at = _read(_server(open_app(DATA)))
    with pytest.raises(DataError) as caught:
        run.order_lines([str(path)], EngineOptions(engine="duckdb"))
    assert caught.value.code == "eng_messy_text"
    assert caught.value.text("en").strip() in [e.strip() for e in texts(at.error)]
    assert f"{en('sv_fix_hint')} {en('sv_flags_note')}" in texts(at.caption)  # the message names --engine
    assert at.selectbox(key="map_amount").value == "Amount"  # the mapping form, opened below the problem
    assert not at.main.metric


def test_broken_parquet_is_named_on_its_card(monkeypatch):
    broken = ROOT / "tests" / "data" / "engine" / "io" / "broken.parquet"  # (H1's fixture: not a Parquet file)
    monkeypatch.setenv(server_source.ENV_PATHS, str(broken))
    at = _server(open_app(DATA))
    errors = texts(at.error)
    assert len(errors) == 1 and "broken.parquet" in errors[0] and "Parquet" in errors[0]
    assert not [b for b in at.button if b.key == "sv_read_0"]


def test_missing_path_shows_the_engine_message(monkeypatch, tmp_path):
    missing = str(tmp_path / "nowhere.parquet")
    monkeypatch.setenv(server_source.ENV_PATHS, missing)
    at = _server(open_app(DATA))
    errors = texts(at.error)
    assert len(errors) == 1 and "nowhere.parquet" in errors[0]
    assert not [b for b in at.button if b.key == "sv_read_0"]


def test_secrets_route_and_env_wins(monkeypatch, orders_file, tmp_path):
    monkeypatch.delenv(server_source.ENV_PATHS, raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["server_data"] = {"paths": [orders_file]}
    at.session_state["lang"] = "en"
    at.switch_page(DATA)
    at = _server(rerun(at))
    assert en("sv_configured_secrets") in texts(at.caption)
    assert any("orders.parquet" in m for m in texts(at.markdown))
    # The environment variable wins over the secrets when both are set.
    other = tmp_path / "from_env.parquet"
    pq.write_table(pa.table({"CustomerID": ["a"], "Amount": [1.0]}), other)
    monkeypatch.setenv(server_source.ENV_PATHS, str(other))
    at = rerun(at)
    assert en("sv_configured_env") in texts(at.caption)
    shown = " ".join(texts(at.markdown))
    assert "from_env.parquet" in shown and "orders.parquet" not in shown


def test_many_lines_point_to_the_cli(configured, monkeypatch):
    monkeypatch.setattr(server_source, "SLOW_LINES", 1_000)
    at = _server(open_app(DATA))
    assert any(en("sv_too_many", name="orders.parquet", rows=LINES, limit=1_000) in w for w in texts(at.warning))
    assert server_source.cli_command(configured) in texts(at.code)
    at = _read(at)  # still readable; the summary says it again with the lines in use
    used = int(metrics(at)[en("rows_used")].replace(",", ""))
    assert any(en("sv_too_many_used", used=used, limit=1_000) in w for w in texts(at.warning))


def test_reasons_from_counts_as_the_upload_words_them():
    excluded = pd.DataFrame({"row": [1, 2, 3], "reason": ["missing_customer", "status", "status"],
                             "detail": ["", "Cancelled", "已取消"], "rows": [50, 40, 3]})
    report = IngestReport("x.parquet", 200, 107, 0, excluded)
    assert server_source.excluded_counts(report) == {"missing_customer": 50, "status": 43}
    table = server_source.reason_table(report, "zh")
    assert dict(zip(table["reason"], table["rows"], strict=True)) == {
        render("reason_missing_customer", "zh"): 50, render("reason_status", "zh", status="Cancelled"): 40,
        render("reason_status", "zh", status="已取消"): 3}


def test_a_folder_is_described_from_its_parquet_footers(tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    for i, n in enumerate((3, 4)):
        pq.write_table(pa.table({"CustomerID": ["a"] * n, "Amount": [1.0] * n}), folder / f"part-{i}.parquet")
    (folder / "_SUCCESS").write_text("")
    entry = server_source.describe(server_source.ServerFiles.of((str(folder),)))
    assert (entry.name, entry.kind, entry.files, entry.rows, entry.problem) == ("orders/", "parquet", 2, 7, None)
    assert entry.columns == ("CustomerID", "Amount")
    assert len(server_source.ServerFiles.of((str(folder),)).stamps) == 2


class _Drawn:
    """Stands for the status box and its progress bar: records what is drawn."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.labels: list[str] = []

    def progress(self, value: float, text: str = "") -> None:
        self.values.append(value)

    def update(self, label: str = "", **_) -> None:
        self.labels.append(label)


def test_progress_bar_never_goes_back_across_stages_and_queries():
    from ui import server_view

    drawn = _Drawn()
    progress = server_view._progress_callback(drawn, drawn, "orders.parquet")
    for stage, fraction in (("read", None), ("read", 1.0), ("clean", None), ("clean", 0.5), ("clean", 1.0),
                            ("orders", None), ("orders", 0.7), ("orders", 0.1), ("orders", 1.0)):
        progress(stage, fraction)
    assert drawn.values == pytest.approx([0.0, 0.1, 0.1, 0.25, 0.4, 0.4, 0.82, 0.82, 1.0])
    assert drawn.labels[-1] == f"{en('sv_reading', name='orders.parquet')} {en('sv_stage_orders')}"
