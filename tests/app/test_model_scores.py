"""Churn risk and lifetime value where the customers are: the Customer 360 profile and the campaign builder show
them once the Churn and Lifetime value pages' choices are in the session, with the values crm_core computes on
the same data; before that, they say where to compute them."""

import re

import pytest
from app_helpers import APP, TIMEOUT, AppTest, by_key, en, metrics, open_app, rerun, texts
from test_campaign_page import choose, list_id

from crm_core.customers import customer_table, default_as_of
from crm_core.predict.churn import ChurnChoice, run_churn
from crm_core.predict.clv import ClvChoice, run_clv
from crm_core.predict.scores import ScoreDeciles, deciles
from crm_core.segment.combined import SegmentChoices, segmented_table
from ui.clv_state import CLV_CHOICE
from ui.fmt import money_text
from ui.predict_state import CHURN
from ui.state import DATASETS

CHOICE = ChurnChoice(folds=3, rolling=2)
CLV = ClvChoice()


@pytest.fixture(scope="module")
def churn(sample_loaded):
    result = sample_loaded.result
    return run_churn(result.orders, result.customers, choice=CHOICE)


@pytest.fixture(scope="module")
def clv(sample_loaded):
    orders = sample_loaded.result.orders
    return run_clv(orders, as_of=default_as_of(orders), choice=CLV)


def with_models(sample_upload, page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state[DATASETS] = {"orders": sample_upload}
    at.session_state[CHURN] = CHOICE
    at.session_state[CLV_CHOICE] = CLV
    at.switch_page(page)
    return rerun(at)


def test_customer_360_shows_churn_risk_and_lifetime_value_of_the_models(sample_upload, churn, clv):
    risky = churn.scores["p"].astype(float).idxmax()  # the customer the model finds most likely to leave
    at = with_models(sample_upload, "app_pages/customer360.py")
    at.main.text_input(key="c360_query").set_value(risky)
    rerun(at)
    shown = metrics(at)
    assert shown[en("c360_churn_risk")] == f"{churn.scores.loc[risky, 'p']:.0%}"
    assert shown[en("c360_lifetime_value")] == money_text(clv.table.loc[risky, "clv"], "¥")
    captions = texts(at.main.caption)
    assert ScoreDeciles("churn").text("D1", "name", "en") in captions  # the riskiest customer is in the top tenth
    why = [c for c in captions if c.startswith("Why: ")]
    assert why and why[-1].removeprefix("Why: ")  # the top reasons in words
    assert en("c360_prob_alive", p=f"{clv.table.loc[risky, 'prob_alive']:.0%}") in captions
    assert shown[en("c360_response")] == "–"  # the Response page was not used: it says where to go
    assert en("c360_not_yet") in captions


def test_before_the_pages_are_used_the_profile_says_where_to_compute(sample_upload):
    at = open_app("app_pages/customer360.py", upload=sample_upload)
    at.main.text_input(key="c360_query").set_value("C00001")
    rerun(at)
    shown = metrics(at)
    assert shown[en("c360_churn_risk")] == shown[en("c360_lifetime_value")] == "–"
    assert texts(at.main.caption).count(en("c360_not_yet")) == 3


def test_the_campaign_builder_selects_by_churn_decile(sample_upload, sample_loaded, churn):
    at = with_models(sample_upload, "app_pages/campaign.py")
    choose(at, 0, "churn_decile", ["D1"])
    result = sample_loaded.result
    as_of = default_as_of(result.orders)
    table = segmented_table(customer_table(result.orders, result.customers, as_of=as_of), result.orders, as_of,
                            choices=SegmentChoices(clusters=None))
    top = deciles(churn.scores["p"].astype(float))
    expected = int(table["customer_id"].astype(str).map(top).eq("D1").sum())
    assert metrics(at)[en("cmp_selected")] == f"{expected:,}"
    assert re.match(r"CMP-\d{8}-[0-9A-F]{8}$", list_id(at))
    options = by_key(at.main.multiselect, r"cmp_\d+_\d+_rows0_keys_churn_decile").options
    assert options[0].startswith(ScoreDeciles("churn").text("D1", "name", "en"))
