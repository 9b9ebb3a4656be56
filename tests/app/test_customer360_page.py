"""Customer 360 page on the sample orders plus its customer file, in English and Chinese: search by id, by a phone
written another way and by part of a name; the KPIs equal crm_core's on the same files; contacts masked unless
the list settings say otherwise; an unknown id is said in words."""

import pytest
from app_helpers import APP, SAMPLE, TIMEOUT, AppTest, en, make_upload, metrics, rerun, texts, zh

from crm_core import export, pipeline
from crm_core.customers import customer_table, default_as_of
from crm_core.schema import DataError
from crm_core.segment import lifecycle, rfm, tags
from crm_core.segment.combined import ClusterChoice
from crm_core.settings import ListSettings
from ui.fmt import money_text
from ui.segment_state import CLUSTER_CHOICE, TAG_RULES
from ui.state import DATASETS, LIST_SETTINGS

PAGE = "app_pages/customer360.py"
CUSTOMERS = SAMPLE.parent / "customers_zh.csv"


@pytest.fixture(scope="module")
def files(sample_bytes):
    return {"orders": make_upload(SAMPLE.name, sample_bytes),
            "customers": make_upload(CUSTOMERS.name, CUSTOMERS.read_bytes())}


@pytest.fixture(scope="module")
def table(sample_bytes):
    """The sample's customers with the customer file joined, scored and staged by crm_core directly."""
    loaded = pipeline.join_customer_file(pipeline.load(sample_bytes, SAMPLE.name), CUSTOMERS.read_bytes(),
                                         CUSTOMERS.name)
    plain = customer_table(loaded.result.orders, loaded.result.customers)
    return lifecycle.with_stages(tags.standard_attributes(rfm.score_rfm(plain)))


def search(files, query: str, *, lang: str = "en", settings: ListSettings | None = None) -> AppTest:
    """A fresh session on the page with both files loaded, after typing ``query``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state[DATASETS] = dict(files)
    if settings is not None:
        at.session_state[LIST_SETTINGS] = settings
    at.switch_page(PAGE)
    rerun(at)
    at.main.text_input(key="c360_query").set_value(query)
    return rerun(at)


def shown_ids(at: AppTest) -> list[str]:
    """The customer ids offered to pick from (each option starts with the id)."""
    picker = at.main.selectbox(key="c360_pick")
    return [option.split(" · ")[0] for option in picker.options]


def expected_kpis(row, label) -> dict[str, str]:
    return {
        label("frequency"): f"{int(row['frequency']):,}",
        label("monetary"): money_text(float(row["monetary"]), "¥"),
        label("avg_order_value"): money_text(float(row["avg_order_value"]), "¥"),
        label("return_share"): f"{float(row['return_share']):.1%}",
        label("first_order_date"): f"{row['first_order_date']:%Y-%m-%d}",
        label("last_order_date"): f"{row['last_order_date']:%Y-%m-%d}",
        label("avg_interval_days"): f"{float(row['avg_interval_days']):,.1f}",
        label("expected_next_order_date"): f"{row['expected_next_order_date']:%Y-%m-%d}",
    }


def test_search_by_id_shows_the_kpis_of_crm_core(files, table):
    row = table.loc[table["frequency"].idxmax()]  # a customer with many orders, whatever the sample holds
    at = search(files, row["customer_id"].lower())
    assert shown_ids(at)[0] == row["customer_id"]
    shown = metrics(at)
    for name, value in expected_kpis(row, lambda c: export.column_label(c, "en")).items():
        assert shown[name] == value, name
    markdown = texts(at.main.markdown)
    segment = rfm.RfmParams().scheme.name(row["segment"], "en")
    assert f"**{en('c360_rfm')}**: {segment}" in markdown
    assert f"Why: {rfm.reasons(table.loc[[row.name]]).iloc[0]}" in markdown
    stage = lifecycle.Lifecycle().text(row["stage"], "name", "en")
    assert f"**{en('c360_stage')}**: {stage}" in markdown
    assert any(m.startswith(f"Why: last purchase {row['recency_days']} days ago") for m in markdown)
    assert shown[en("c360_churn_risk")] == "–" and en("c360_not_yet") in texts(at.main.caption)
    assert len(at.main.get("vega_lite_chart")) == 1


def test_a_phone_written_another_way_finds_its_customer_and_stays_masked(files, table):
    row = table[table["phone"].str.count(r"\d").eq(11) & table["phone"].str.startswith("1")].iloc[0]
    digits = "".join(ch for ch in row["phone"] if ch.isdigit())
    for written in (f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}", digits):
        at = search(files, written)
        assert shown_ids(at) == [row["customer_id"]]
        masked_phone = export.mask_phone(table.loc[[row.name], "phone"]).iloc[0]
        assert masked_phone != row["phone"] and masked_phone in at.main.selectbox(key="c360_pick").options[0]
        assert not any(row["phone"] in str(v) for v in at.main.dataframe[0].value.iloc[:, 1])
        assert en("c360_masked") in texts(at.main.caption)


def test_part_of_a_name_lists_every_customer_with_it_in_chinese(files, table):
    name = table.loc[table["name"].notna(), "name"].iloc[0]
    part = name[-2:]
    expected = table.loc[table["name"].fillna("").str.contains(part, regex=False), "customer_id"].tolist()
    at = search(files, part, lang="zh")
    assert sorted(shown_ids(at)) == sorted(expected[:20]) and len(expected) >= 1
    assert not at.exception
    first = table.set_index("customer_id").loc[shown_ids(at)[0]]
    shown = metrics(at)
    for label, value in expected_kpis(first, lambda c: export.column_label(c, "zh")).items():
        assert shown[label] == value, label
    assert f"**{zh('c360_stage')}**：{lifecycle.Lifecycle().text(first['stage'], 'name', 'zh')}" in texts(
        at.main.markdown)
    assert zh("c360_masked") in texts(at.main.caption)
    assert not any(first["name"] == o.split(" · ")[1] for o in at.main.selectbox(key="c360_pick").options)


def test_contacts_are_shown_in_full_when_the_list_settings_say_so(files, table):
    row = table[table["phone"].notna() & table["name"].notna()].iloc[0]
    at = search(files, row["customer_id"], settings=ListSettings(mask_personal=False))
    values = at.main.dataframe[0].value.iloc[:, 1].tolist()
    assert row["phone"] in values and row["name"] in values
    assert en("c360_unmasked") in texts(at.main.caption)
    masked = search(files, row["customer_id"])
    values = masked.main.dataframe[0].value.iloc[:, 1].tolist()
    assert row["phone"] not in values and row["name"] not in values
    assert export.mask_name(table.loc[[row.name], "name"]).iloc[0] in values


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_id_says_nothing_matched(files, sample_loaded, lang):
    at = search(files, "NOPE-404", lang=lang)
    day = default_as_of(sample_loaded.result.orders)
    message = (en if lang == "en" else zh)("c360_no_match", query="NOPE-404", date=f"{day:%Y-%m-%d}")
    assert texts(at.main.warning) == [message]
    assert not at.main.selectbox and not at.main.metric and not at.exception


def test_the_page_starts_with_a_prompt_and_remembers_the_query(files, table):
    at = search(files, "")
    assert texts(at.main.info) == [en("c360_start")]
    at.main.text_input(key="c360_query").set_value(table["customer_id"].iloc[3])
    rerun(at)
    at.switch_page("app_pages/rfm.py")
    rerun(at)
    at.switch_page(PAGE)
    rerun(at)
    assert at.main.text_input(key="c360_query").value == table["customer_id"].iloc[3]
    assert shown_ids(at)[0] == table["customer_id"].iloc[3]


def test_tags_show_the_conditions_that_made_them_true(files, table):
    row = table.loc[table["monetary"].idxmax()]
    rules = (tags.TagRule("Big spender", "大客户", (tags.Condition("monetary", ">=", 1000),)),
             tags.TagRule("Tiny", "小额", (tags.Condition("monetary", "<", 1),)))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[DATASETS] = dict(files)
    at.session_state[TAG_RULES] = rules
    at.switch_page(PAGE)
    rerun(at)
    at.main.text_input(key="c360_query").set_value(row["customer_id"])
    rerun(at)
    markdown = texts(at.main.markdown)
    spend = rfm._money(float(row["monetary"]), "¥")
    assert f"**{en('c360_tags')}**: Big spender" in markdown
    assert f"- **Big spender**: Total spend ≥ ¥1,000 (this customer: {spend})" in markdown
    assert not any("Tiny" in m for m in markdown)


def test_too_few_customers_for_the_clusters_is_said_and_the_rest_still_shows(sample_bytes):
    lines = sample_bytes.decode("utf-8-sig").splitlines()
    few = "\n".join(lines[:12]).encode()  # the first 11 lines: fewer customers than 12 clusters
    loaded = pipeline.load(few, "few.csv")
    small = customer_table(loaded.result.orders, loaded.result.customers)
    assert len(small) < 12
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[DATASETS] = {"orders": make_upload("few.csv", few)}
    at.session_state[CLUSTER_CHOICE] = ClusterChoice(k=12)
    at.switch_page(PAGE)
    rerun(at)
    at.main.text_input(key="c360_query").set_value(small["customer_id"].iloc[0])
    rerun(at)
    reason = DataError("cluster_fewer_customers_than_k", customers=len(small), k=12, largest=len(small)).text("en")
    assert en("c360_clusters_unavailable", reason=reason) in texts(at.main.caption)
    assert f"**{en('c360_cluster')}**: –" in texts(at.main.markdown)
    assert metrics(at)[export.column_label("frequency", "en")] == f"{int(small['frequency'].iloc[0]):,}"


def test_a_file_without_contacts_has_no_masking_caption():
    data = ("customer,order,date,amount\n"
            + "\n".join(f"A{i % 7},O{i},2025-0{1 + i % 9}-1{i % 9},{10 + i * 3}" for i in range(40))).encode()
    small = customer_table(pipeline.load(data, "min.csv").result.orders)
    row = small.set_index("customer_id").loc["A3"]
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[DATASETS] = {"orders": make_upload("min.csv", data)}
    at.switch_page(PAGE)
    rerun(at)
    at.main.text_input(key="c360_query").set_value("a3")
    rerun(at)
    captions = texts(at.main.caption)
    assert en("c360_masked") not in captions and en("c360_unmasked") not in captions
    assert metrics(at)[export.column_label("frequency", "en")] == f"{int(row['frequency']):,}"
    assert row["recency_days"] == 1 and en("c360_one_day_ago") in captions


def test_a_planted_bundle_buyer_is_offered_the_missing_product_with_its_reason(files, sample_bytes):
    """The Recommended products box lists the customer's next-best offers of the Cross-sell page's rules."""
    import pandas as pd

    from crm_core.basket import crosssell as cs

    orders = pipeline.join_customer_file(pipeline.load(sample_bytes, SAMPLE.name), CUSTOMERS.read_bytes(),
                                         CUSTOMERS.name).result.orders
    as_of = default_as_of(orders)
    choice = cs.CrossSellChoice()
    offers = cs.next_offers(cs.items_of(orders, choice, as_of=as_of),
                            cs.offer_rules(cs.mine(orders, choice, as_of=as_of).rules, choice), choice)
    truth = pd.read_csv(SAMPLE.parent / "truth.csv", encoding="utf-8-sig", dtype=str)
    planted = truth.dropna(subset=["cross_sell_product"]).set_index("customer_id")["cross_sell_product"]
    firsts = offers[offers["rank"] == 1].set_index("customer_id")
    customer = next(c for c, item in planted.items() if c in firsts.index and firsts.loc[c, "item"] == item)
    at = search(files, customer)
    mine = offers[offers["customer_id"] == customer]
    markdown = texts(at.main.markdown)
    for row in mine.itertuples(index=False):
        assert f"{row.rank}. **{row.item}** — {row.reason}" in markdown
    assert f"1. **{planted[customer]}** — " in " ".join(markdown)
    # A customer no rule matches is told so.
    nobody = sorted(set(orders["customer_id"]) - set(offers["customer_id"]))[0]
    assert en("xs_c360_none") in texts(search(files, nobody).main.caption)
