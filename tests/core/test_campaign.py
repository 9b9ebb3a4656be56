"""The campaign builder's core (issue 12, section 5), hand-computed on tests/data/campaign/customers.csv.

The table (10 customers, monetary total 4,500):

    id   segment        cluster stage        vip   opted_out monetary
    c01  champions      c1      active       True  False     1000
    c02  champions      c2      silent       False False      800
    c03  loyal          c2      silent       True  True       600
    c04  loyal          c1      active       False False      500
    c05  at_risk        c2      silent       False False      300
    c06  at_risk        c3      churned      True  False      200
    c07  hibernating    c3      churned      False False      100
    c08  new_customers  c1      new          False False      150
    c09  champions      c3      reactivated  True  False      900
    c10  lost           c3      churned      False False      -50

Bad inputs and the code each must raise: tests/data/campaign/bad_inputs.json.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.export import ListOptions, ListRequest
from crm_core.messages import Localized
from crm_core.schema import DataError
from crm_core.segment import campaign as cp
from crm_core.segment.base import Segmentation
from crm_core.segment.lifecycle import Lifecycle
from crm_core.segment.schemes import SCHEME_11

DATA = Path(__file__).resolve().parents[1] / "data" / "campaign"
BAD = json.loads((DATA / "bad_inputs.json").read_text(encoding="utf-8"))["cases"]
NAME = Localized(en="Spring win-back", zh="春季召回")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "customers.csv", dtype={"customer_id": "str"})
    assert frame["vip"].dtype == bool and frame["opted_out"].dtype == bool  # the tag really is boolean
    return frame


def ids(table: pd.DataFrame, mask) -> list[str]:
    return sorted(table.loc[np.asarray(mask, dtype=bool), "customer_id"])


# --- selections ----------------------------------------------------------------------------------

CHAMPIONS_OR_LOYAL = cp.Member("segment", ("champions", "loyal"))
SILENT = cp.Member("stage", ("silent",))
VIP = cp.Member("vip", (True,))


def test_and_keeps_customers_meeting_every_condition(table):
    mask = cp.select(table, cp.Selection((CHAMPIONS_OR_LOYAL, SILENT)))
    assert mask.name == "selected" and mask.index.equals(table.index)
    assert ids(table, mask) == ["c02", "c03"]  # champions/loyal: c01 c02 c03 c04 c09; silent: c02 c03 c05


def test_or_keeps_customers_meeting_any_condition(table):
    mask = cp.select(table, cp.Selection((cp.Member("segment", ("champions",)), VIP), combine="or"))
    # champions c01 c02 c09, vip c01 c03 c06 c09
    assert ids(table, mask) == ["c01", "c02", "c03", "c06", "c09"]


def test_nested_selection(table):
    either = cp.Selection((cp.Member("segment", ("at_risk",)), cp.Member("cluster", ("c1",))), combine="or")
    mask = cp.select(table, cp.Selection((either, cp.Member("stage", ("silent", "churned")))))
    # at_risk c05 c06 | c1 c01 c04 c08 -> silent or churned among them: c05 (silent), c06 (churned)
    assert ids(table, mask) == ["c05", "c06"]


def test_a_boolean_tag_and_a_single_member(table):
    assert ids(table, cp.select(table, VIP)) == ["c01", "c03", "c06", "c09"]
    assert ids(table, cp.select(table, cp.Member("vip", (False,)))) == ["c02", "c04", "c05", "c07", "c08", "c10"]


def test_a_missing_value_never_matches(table):
    gaps = table.assign(cluster=table["cluster"].where(table["customer_id"] != "c01"))
    assert ids(gaps, cp.select(gaps, cp.Member("cluster", ("c1",)))) == ["c04", "c08"]


def test_selections_are_hashable_data(table):
    a = cp.Selection([cp.Member("segment", ["champions", "loyal"]), SILENT])
    b = cp.Selection((CHAMPIONS_OR_LOYAL, SILENT), "and")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a.columns() == ("segment", "stage")


def test_a_selection_round_trips_through_json():
    nested = cp.Selection((cp.Selection((cp.Member("cluster", ("c2",)), VIP), "or"), SILENT))
    data = json.loads(json.dumps(nested.to_dict()))
    assert data == {"combine": "and", "items": [
        {"combine": "or", "items": [{"column": "cluster", "keys": ["c2"]}, {"column": "vip", "keys": [True]}]},
        {"column": "stage", "keys": ["silent"]}]}
    assert cp.Selection.from_dict(data) == nested


# --- what is at stake ----------------------------------------------------------------------------

def test_at_stake_counts_revenue_and_shares(table):
    stake = cp.at_stake(table, cp.select(table, cp.Selection((CHAMPIONS_OR_LOYAL, SILENT))))
    # c02 800 + c03 600 = 1400 of 4500; 2 of 10 customers
    assert stake == {"customers": 2, "revenue": 1400.0, "customer_share": 0.2,
                     "revenue_share": pytest.approx(1400 / 4500)}


def test_at_stake_of_nobody_and_of_a_table_without_positive_revenue(table):
    assert cp.at_stake(table, np.zeros(10, dtype=bool)) == {"customers": 0, "revenue": 0.0, "customer_share": 0.0,
                                                            "revenue_share": 0.0}
    only_lost = table[table["customer_id"] == "c10"]
    stake = cp.at_stake(only_lost, [True])
    assert stake["revenue"] == -50.0 and stake["customer_share"] == 1.0 and math.isnan(stake["revenue_share"])


# --- the control group ---------------------------------------------------------------------------

def lowest_hashes(ids_: list[str], seed: int, size: int) -> list[str]:
    """The rule written another way: sort by the SHA-256 hex digest of "seed:id" and take the first ``size``."""
    return sorted(sorted(ids_, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())[:size])


TEN = [f"c{i:02d}" for i in range(1, 11)]


@pytest.mark.parametrize(("percent", "size"), [(0, 0), (10, 1), (15, 2), (25, 3), (33.3, 3), (50, 5)])
def test_control_size_is_the_percent_rounded_half_up(percent, size):
    held = cp.split_control(TEN, percent, seed=0)
    assert held.dtype == bool and held.sum() == size  # 15% of 10 = 1.5 -> 2; 25% = 2.5 -> 3


def test_control_is_the_lowest_hashes_whatever_the_row_order():
    held = cp.split_control(TEN, 30, seed=0)
    assert sorted(np.array(TEN)[held]) == lowest_hashes(TEN, 0, 3) == ["c04", "c06", "c07"]
    shuffled = list(np.random.default_rng(5).permutation(TEN))
    assert shuffled != TEN
    again = cp.split_control(pd.Series(shuffled), 30, seed=0)
    assert sorted(np.array(shuffled)[again]) == ["c04", "c06", "c07"]


def test_another_seed_draws_another_group():
    assert sorted(np.array(TEN)[cp.split_control(TEN, 30, seed=1)]) == ["c05", "c07", "c10"]
    many = [f"id{i}" for i in range(200)]
    first, second = cp.split_control(many, 50, seed=0), cp.split_control(many, 50, seed=1)
    assert first.sum() == second.sum() == 100 and (first != second).any()
    assert (cp.split_control(many, 50, seed=0) == first).all()  # the same seed, the same group


def test_campaign_table_keeps_the_selected_customers_with_their_group(table):
    either = cp.Selection((cp.Member("segment", ("champions",)), VIP), combine="or")
    chosen = cp.campaign_table(table, either, control_percent=40, seed=0)
    assert list(chosen["customer_id"]) == ["c01", "c02", "c03", "c06", "c09"]  # table order kept
    # 40% of 5 = 2 held out: the two lowest hashes for seed 0
    assert lowest_hashes(list(chosen["customer_id"]), 0, 2) == ["c03", "c06"]
    assert dict(zip(chosen["customer_id"], chosen["campaign_group"], strict=True)) == {
        "c01": "target", "c02": "target", "c03": "control", "c06": "control", "c09": "target"}
    assert list(chosen.columns) == [*table.columns, "campaign_group"]
    assert "campaign_group" not in table.columns  # the input is not changed


# --- the campaign as a Segmentation, through the export path -------------------------------------

def spring(control_percent: float = 40) -> cp.Campaign:
    either = cp.Selection((cp.Member("segment", ("champions",)), VIP), combine="or")
    return cp.Campaign.of(NAME, either, control_percent=control_percent, segmentations={"segment": SCHEME_11},
                          action=Localized(en="20% off this week", zh="本周八折"),
                          channel=Localized(en="SMS", zh="短信"))


def test_campaign_is_a_hashable_segmentation():
    campaign = spring()
    assert isinstance(campaign, Segmentation)
    assert campaign.key_column == "campaign_group" and campaign.segments() == ("target", "control")
    assert hash(campaign) == hash(spring()) and campaign != spring(10)
    assert campaign.text("target", "name") == "Target - Spring win-back"
    assert campaign.text("control", "name", "zh") == "对照组 - 春季召回"
    assert campaign.text("target", "action", "zh") == "本周八折"
    assert campaign.text("control", "action").startswith("Do not contact")
    assert campaign.text("target", "description") == "Customers whose segment is Champions OR vip is yes."
    assert campaign.text("control", "description").startswith(
        "Control group: 40% of the customers whose segment is Champions OR vip is yes, held out at random")
    assert campaign.text("other", "name") == ""


def test_the_campaign_draws_its_own_table_and_fingerprints_what_decides_the_lists(table):
    campaign = spring()
    chosen = campaign.table(table)
    assert list(chosen.loc[chosen["campaign_group"] == "control", "customer_id"]) == ["c03", "c06"]
    print_ = campaign.fingerprint()
    assert print_ == {"campaign": ["Spring win-back", "春季召回"], "control_percent": 40.0, "seed": 0,
                      "selection": {"combine": "or", "items": [{"column": "segment", "keys": ["champions"]},
                                                               {"column": "vip", "keys": [True]}]}}
    other_seed = cp.Campaign.of(NAME, campaign.selection, control_percent=40, seed=1)
    assert other_seed.fingerprint() != print_
    # seed 1 orders these five c01 c02 c03 c09 c06: c01 and c02 are held out instead
    assert list(other_seed.table(table).query("campaign_group == 'control'")["customer_id"]) == ["c01", "c02"]
    with pytest.raises(DataError) as caught:
        cp.Campaign(name=NAME).table(table)
    assert caught.value.code == "campaign_empty_selection"


def test_build_lists_writes_the_target_and_the_flagged_control_sheet(table):
    campaign = spring()
    chosen = cp.campaign_table(table, cp.Selection((cp.Member("segment", ("champions",)), VIP), "or"), 40, 0)
    request = ListRequest(campaign, columns=("customer_id", "segment_name", "campaign_group", "monetary"))
    built = pipeline.build_lists(chosen, request)
    # c03 is in the control group but opted out: left out of its list, and the summary says so
    assert built.listed == {"target": 3, "control": 1} and built.left_out == {"target": 0, "control": 1}
    book = openpyxl.load_workbook(io.BytesIO(pipeline.to_workbook(built)))
    assert book.sheetnames == ["Summary", "Target - Spring win-back", "Control - Spring win-back"]

    def rows(name):
        values = list(book[name].iter_rows(values_only=True))
        return values[0], tuple(values[1:])

    header, target = rows("Target - Spring win-back")
    assert header == ("Customer ID", "Segment", "Campaign group key", "Total spend")
    assert target == (("c01", "Target - Spring win-back", "target", 1000),
                      ("c09", "Target - Spring win-back", "target", 900),
                      ("c02", "Target - Spring win-back", "target", 800))
    _, control = rows("Control - Spring win-back")
    assert control == (("c06", "Control - Spring win-back", "control", 200),)
    summary = pd.read_excel(io.BytesIO(pipeline.to_workbook(built)), sheet_name="Summary", header=1, engine="openpyxl")
    summary = summary.dropna(subset=["Customers"])
    assert list(summary["Segment"]) == ["Target - Spring win-back", "Control - Spring win-back"]
    assert list(summary["Customers"]) == [3, 2] and list(summary["In the list"]) == [3, 1]
    assert list(summary["Revenue"]) == [2700, 800]  # 1000 + 900 + 800; 600 + 200
    assert summary["Suggested action"].iloc[1].startswith("Do not contact")


def test_lists_in_chinese(table):
    chosen = cp.campaign_table(table, cp.Member("segment", ("champions",)), 0, 0)
    built = pipeline.build_lists(chosen, ListRequest(spring(0), options=ListOptions(lang="zh")))
    assert list(built.sheets) == ["目标组 - 春季召回"]  # 0%: nobody held out, no control sheet
    assert list(built.sheets["目标组 - 春季召回"]["客户编号"]) == ["c01", "c09", "c02"]  # biggest spenders first
    assert set(built.sheets["目标组 - 春季召回"]["客户分群"]) == {"目标组 - 春季召回"}
    assert built.listed == {"target": 3}


# --- the selection in words ----------------------------------------------------------------------

def test_describe_in_both_languages():
    selection = cp.Selection((CHAMPIONS_OR_LOYAL, SILENT))
    names = {"segment": SCHEME_11, "stage": Lifecycle()}
    assert cp.describe(selection, "en", segmentations=names) == (
        "segment is Champions or Loyal AND lifecycle stage is Silent")
    assert cp.describe(selection, "zh", segmentations=names) == "分群为冠军客户或忠诚客户 且 生命周期阶段为沉默客户"
    assert cp.describe(selection) == "segment is champions or loyal AND lifecycle stage is silent"


def test_describe_brackets_nested_selections_and_says_yes_for_tags():
    either = cp.Selection((cp.Member("cluster", ("c2",)), VIP), combine="or")
    assert cp.describe(cp.Selection((either, SILENT))) == "(cluster is c2 OR vip is yes) AND lifecycle stage is silent"
    assert cp.describe(cp.Selection((either, SILENT)), "zh") == "(客户群为c2 或 vip为是) 且 生命周期阶段为silent"


# --- bad inputs ----------------------------------------------------------------------------------

def _selection(spec: dict) -> cp.Selection:
    return cp.Selection(tuple(cp.Member(i["column"], tuple(i["keys"])) for i in spec["items"]), spec["combine"])


def _call(case: dict, table: pd.DataFrame) -> None:
    call = case["call"]
    frame = table.drop(columns=[case["drop"]]) if "drop" in case else table
    if call == "select":
        cp.select(frame, _selection(case["selection"]))
    elif call == "member":
        cp.Member(case["column"], tuple(case["keys"]))
    elif call == "selection":
        cp.Selection(tuple(cp.Member(i["column"], tuple(i["keys"])) for i in case["items"]), case["combine"])
    elif call == "split_control":
        cp.split_control(TEN, case["percent"], seed=0)
    elif call == "split_control_ids":
        cp.split_control(case["ids"], case["percent"], seed=0)
    elif call == "at_stake":
        cp.at_stake(frame, np.ones(len(frame), dtype=bool))
    elif call == "campaign_table":
        cp.campaign_table(frame, _selection(case["selection"]), case["percent"], 0)
    elif call == "campaign":
        cp.Campaign(name=Localized(**case["name"]))
    else:
        raise AssertionError(call)


@pytest.mark.parametrize("case", BAD, ids=[c["case"] for c in BAD])
def test_every_bad_input_gives_its_message(case, table):
    with pytest.raises(DataError) as caught:
        _call(case, table)
    error = caught.value
    assert error.code == case["code"]
    assert {k: error.params[k] for k in case["params"]} == case["params"]
    assert error.text("zh") != error.text("en") and "{" not in error.text("en") + error.text("zh")


def test_the_unknown_column_message_names_the_columns_there_are(table):
    with pytest.raises(DataError) as caught:
        cp.select(table, cp.Member("tier", ("gold",)))
    assert str(caught.value).startswith("The selection uses the column tier, which the customer table does not "
                                        "have. Its columns are: customer_id, segment, cluster, stage, vip, "
                                        "opted_out, recency_days, frequency, monetary.")


def test_nobody_selected_says_which_selection(table):
    with pytest.raises(DataError) as caught:
        cp.campaign_table(table, cp.Selection((cp.Member("segment", ("champions",)), cp.Member("stage", ("churned",)))))
    assert "(segment is champions AND lifecycle stage is churned)" in str(caught.value)
    assert "分群为champions 且 生命周期阶段为churned" in caught.value.text("zh")


def test_a_campaign_with_a_bad_control_percent_is_refused():
    with pytest.raises(DataError, match="0 to 50 percent"):
        cp.Campaign(name=NAME, control_percent=75)
