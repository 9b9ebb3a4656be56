"""Campaign results page: the sample's outcomes in both languages (metrics, the lift sentence, the agent comparison),
a column mapping changed by hand, an exported campaign list matched by its list id (its control group recognised),
a bad file's message, and the model lists section against the later orders (an exported churn list, and the churn
model trained in the session).

Expected values come from crm_core on the same files or from plain pandas, never typed in by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from app_helpers import APP, ROOT, TIMEOUT, en, metrics, rerun, texts, zh
from streamlit.testing.v1 import AppTest

from crm_core import pipeline
from crm_core.export import ListOptions, ListRequest
from crm_core.measure import results as rs
from crm_core.measure.outcomes import OutcomeColumns, outcome_table, propose_outcome_columns
from crm_core.messages import Localized, render
from crm_core.predict.churn import ChurnChoice, Prediction, retention_list
from crm_core.predict.scores import RetentionList, retention_list_columns, retention_table
from crm_core.segment import campaign as cp
from crm_core.segment import rfm
from crm_core.settings import Scope
from ui.cached_predict import table_key
from ui.predict_state import CHURN
from ui.results_model_view import MODEL_LIST_KEY
from ui.results_view import LISTS_KEY
from ui.state import DATASETS, make_upload

PAGE = "app_pages/campaign_results.py"
DATA = ROOT / "tests" / "data" / "measure_results"
SAMPLES = ROOT / "sample_data"
LATER = SAMPLES / "orders_future_zh.csv"
ORDERS = SAMPLES / "orders_zh.csv"


def outcomes_file(lang: str) -> Path:
    """The sample's outcomes (SAMPLE writes them), else this suite's fixture of the same shape."""
    sample = SAMPLES / f"campaign_outcomes_{lang}.csv"
    return sample if sample.exists() else DATA / f"outcomes_{lang}.csv"


def upload(path: Path, name: str | None = None, data: bytes | None = None):
    return make_upload([(name or path.name, data if data is not None else path.read_bytes())])


def open_page(*, lang: str = "en", datasets: dict | None = None, extra: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if datasets:
        at.session_state[DATASETS] = dict(datasets)
    for key, value in (extra or {}).items():
        at.session_state[key] = value
    at.switch_page(PAGE)
    return rerun(at)


def expected_table(path: Path) -> pd.DataFrame:
    frame = pipeline.read(path.read_bytes(), path.name).frame
    return outcome_table(frame, OutcomeColumns.from_proposal(propose_outcome_columns(frame.columns))).table


def test_the_sample_outcomes_in_english_with_the_agents_and_a_mapping_changed_by_hand():
    path = outcomes_file("en")
    at = open_page(datasets={"campaign_outcomes": upload(path)})
    table = expected_table(path)
    target, control = table[table["group"] == "target"], table[table["group"] == "control"]
    shown = metrics(at)
    assert shown[en("cr_contacts")] == f"{len(target):,}"
    assert shown[en("cr_rate")] == f"{target['success'].mean():.1%}"
    assert shown[en("cr_control")] == f"{len(control):,} · {control['success'].mean():.1%}"
    lift = rs.control_lift(table).iloc[0].to_dict()
    assert rs.lift_sentence(lift, "en", currency="$") in texts(at.success)
    assert at.button_group(key="cr_by").value == "variant" and len(at.main.get("vega_lite_chart")) == 2
    at.button_group(key="cr_by").set_value("agent")
    rerun(at)
    sentence = rs.compare_agents(table).sentence("en")
    assert sentence.startswith("Best agent Wang Fang") and sentence in texts(at.success)
    # her mapping: the outcome column moved to "channel" cannot be read; "none" asks for one
    outcome = [s for s in at.selectbox if s.key and s.key.startswith("cr_col_outcome_")][0]
    outcome.set_value("channel")
    rerun(at)
    assert any(e.startswith("Column channel: ") and "not an outcome we know" in e for e in texts(at.error))
    [s for s in at.selectbox if s.key.startswith("cr_col_outcome_")][0].set_value("")
    rerun(at)
    assert any(e.startswith("No column of this file looks like the outcome") for e in texts(at.error))
    assert metrics(at) == {}  # nothing measured without an outcome column


def test_the_sample_outcomes_in_chinese():
    path = outcomes_file("zh")
    at = open_page(lang="zh", datasets={"campaign_outcomes": upload(path)})
    table = expected_table(path)
    shown = metrics(at)
    assert shown[zh("cr_contacts")] == f"{(table['group'] == 'target').sum():,}"
    lift = rs.control_lift(table).iloc[0].to_dict()
    assert rs.lift_sentence(lift, "zh", currency="¥") in texts(at.success)
    assert zh("cr_lift_title") in texts(at.subheader) and zh("nav_results") in texts(at.title)
    assert any(c == zh("cr_excluded_none") for c in texts(at.caption))


def test_an_opened_analysis_choice_reaches_the_widgets():
    path = outcomes_file("en")
    saved = rs.ResultsChoice(confidence=0.9, window_days=60, min_contacts=500, model_kind="response")
    at = open_page(datasets={"campaign_outcomes": upload(path)}, extra={"measure_results": saved})
    assert at.number_input(key="cr_window_0").value == 60 and at.number_input(key="cr_min_contacts_0").value == 500
    assert at.radio(key="cr_model_kind_0").value == "response" and at.button_group(key="cr_confidence_0").value == 0.9
    lift = rs.control_lift(expected_table(path), confidence=0.9).iloc[0].to_dict()
    assert rs.lift_sentence(lift, "en", currency="$") in texts(at.success)  # 90% intervals
    at.button_group(key="cr_by").set_value("agent")
    rerun(at)
    assert en("cr_agents_few", n=500) in texts(at.info)  # no agent has 500 contacts: no comparison
    assert at.session_state["measure_results"] == saved


def test_a_file_whose_columns_cannot_be_recognised_says_what_to_do():
    path = DATA / "unrecognised_columns.csv"
    at = open_page(lang="zh", datasets={"campaign_outcomes": upload(path)})
    assert any(e.startswith("文件中没有一列像是结果列") for e in texts(at.error))
    assert metrics(at) == {}


@pytest.fixture(scope="module")
def small_campaign():
    """A campaign list exported through the app's export path from the small orders file (30% held out)."""
    data = (DATA / "orders_small.csv").read_bytes()
    result = pipeline.load(data, "orders_small.csv").result
    scored = pipeline.rfm_scores(result, as_of=date(2026, 1, 1))
    everyone = cp.Member("segment", tuple(scored["segment"].unique()))
    campaign = cp.Campaign.of(Localized(en="Spring", zh="春季"), everyone, control_percent=30)
    chosen = campaign.table(scored)
    built = pipeline.build_lists(chosen, ListRequest(campaign, options=ListOptions(lang="zh")))
    made = pipeline.provenance(built, sources=(("orders_small.csv", pipeline.digest(data)),), result=result,
                               scored=chosen, as_of=date(2026, 1, 1), scope=Scope(), params=rfm.RfmParams(),
                               scheme_base="11", generated_at=datetime(2026, 1, 2, 9, 0))
    return pipeline.to_workbook(built, made), made.list_id, chosen


def test_an_exported_list_is_matched_by_its_list_id_and_gives_the_control_group(small_campaign):
    book, list_id, chosen = small_campaign
    ids = list(chosen["customer_id"])
    outcomes = pd.DataFrame({"客户编号": ids, "清单编号": list_id,
                             "结果": ["成功" if i % 3 == 0 else "未购买" for i in range(len(ids))]})
    csv = outcomes.to_csv(index=False).encode("utf-8-sig")
    bad = DATA / "not_a_list.xlsx"
    lists = (table_key(upload(Path("spring.xlsx"), data=book)), table_key(upload(bad)))
    at = open_page(datasets={"campaign_outcomes": upload(Path("outcomes.csv"), data=csv)}, extra={LISTS_KEY: lists})
    control = chosen[chosen["campaign_group"] == "control"]
    won = outcomes.set_index("客户编号")["结果"].eq("成功")
    rate = won[control["customer_id"]].mean()
    assert metrics(at)[en("cr_control")] == f"{len(control):,} · {rate:.1%}"  # 6 held out, from the list
    assert any(m.startswith(f"**{list_id}** (CMP): 20 customers, 6 in the control group · matched")
               for m in texts(at.markdown))
    assert en("cr_lists", n=1) in texts(at.caption)
    assert any(e.startswith("not_a_list.xlsx is not a list exported by this app") for e in texts(at.error))


def churn_workbook(scored: pd.DataFrame, result, data: bytes) -> tuple[bytes, list[str]]:
    """A retention list of the sample's customers exported through the app's path: the risk planted as the
    customers' recency (the longest-silent customers listed), as of the sample's analysis date."""
    risk = (scored.set_index("customer_id")["recency_days"] / scored["recency_days"].max()).astype(float)
    scores = pd.DataFrame({"p": risk})
    scores.index = scores.index.astype(str).rename("customer_id")
    prediction = Prediction(kind="churn", comparison=pd.DataFrame(), model_name="forest", model=None,
                            evaluation=pd.DataFrame(), scores=scores, importance=pd.DataFrame(),
                            warnings=pd.DataFrame())
    table = retention_table(scored, retention_list(prediction, threshold=0.5, reasons=False))
    built = pipeline.build_lists(table, ListRequest(RetentionList(threshold=0.5, model="forest"),
                                                    columns=retention_list_columns(table),
                                                    options=ListOptions(include_opted_out=True)))
    made = pipeline.provenance(built, sources=((ORDERS.name, pipeline.digest(data)),), result=result, scored=table,
                               as_of=date(2026, 1, 1), scope=Scope(), params=rfm.RfmParams(), scheme_base="11",
                               generated_at=datetime(2026, 1, 2, 9, 0))
    return pipeline.to_workbook(built, made), list(table["customer_id"].astype(str))


def test_model_lists_offer_to_train_the_churn_model_when_the_session_has_none():
    at = open_page(datasets={"orders": upload(ORDERS), "later_orders": upload(LATER)})
    assert CHURN not in at.session_state
    assert en("cr_no_session_model", kind=en("cr_kind_churn")) in texts(at.info)
    at.button(key="cr_train_churn").click()
    rerun(at)
    assert at.session_state[CHURN] == ChurnChoice()  # the Churn page's (default) choice, now the session's
    shown = metrics(at)
    hit, base = (float(shown[en(k)].rstrip("%")) for k in ("cr_hit_rate", "cr_base_rate"))
    assert hit > base  # the trained model's list beats contacting at random
    assert "cr_train_churn" not in [b.key for b in at.button]


def test_model_lists_against_the_later_orders(sample_loaded, sample_scored, sample_bytes):
    book, listed = churn_workbook(sample_scored, sample_loaded.result, sample_bytes)
    datasets = {"orders": upload(ORDERS), "later_orders": upload(LATER)}
    at = open_page(datasets=datasets, extra={CHURN: ChurnChoice(), MODEL_LIST_KEY: table_key(
        upload(Path("retention.xlsx"), data=book))})
    # the model trained in the session (the Churn page's choice): its list beats a random one
    shown = metrics(at)
    hit, base = (float(shown[en(k)].rstrip("%")) for k in ("cr_hit_rate", "cr_base_rate"))
    assert hit > base and int(shown[en("cr_listed")].replace(",", "")) > 0
    # the exported list: counted by plain pandas over the RFM customers, over the churn model's horizon (90 days)
    # from 2026-01-01 until the window is changed
    at.radio(key="cr_model_source").set_value("upload")
    rerun(at)
    later = pipeline.load(LATER.read_bytes(), LATER.name).result.orders
    window = later[(~later["is_return"]) & (later["order_date"] < pd.Timestamp("2026-04-01"))]
    customers = set(sample_scored["customer_id"].astype(str))
    churned = customers - set(window["customer_id"].astype(str))
    hits = len(set(listed) & churned)
    shown = metrics(at)
    assert shown[en("cr_listed")] == f"{len(listed):,}"
    assert shown[en("cr_hit_rate")] == f"{hits / len(listed):.1%}"
    assert shown[en("cr_base_rate")] == f"{len(churned) / len(customers):.1%}"
    assert shown[en("cr_recall")] == f"{hits / len(churned):.1%}"
    assert any(c.endswith(en("cr_start", start="2026-01-01", days=90)) for c in texts(at.caption))
    # a shorter window: more churners
    at.number_input(key="cr_window_0").set_value(30)
    rerun(at)
    assert float(metrics(at)[en("cr_base_rate")].rstrip("%")) > len(churned) / len(customers) * 100
    assert at.session_state["measure_results"] == rs.ResultsChoice(window_days=30)  # kept for the saved analysis
    assert render("cr_bad_window", "zh", days=0).startswith("观察窗口须为")
