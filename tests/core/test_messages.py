"""Every message crm_core can show exists in English and Chinese, each in its own language only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crm_core.messages import MESSAGES, TERMS, Localized, render

CORE = Path(__file__).resolve().parents[2] / "crm_core"

# ASCII words a Chinese message may carry: names of file formats and programs, units, and the one
# term of art the app is named after.  Anything else is an English word in Chinese text.
ZH_WHITELIST = frozenset({"CSV", "Excel", "JSON", "RFM", "ID", "MB", "GB", "UTF", "R", "F", "M",
                          "pandas", "DuckDB", "Spark", "PySpark", "Parquet", "Java"})
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Literal things a user types or reads exactly as written: command-line options with their values,
# file extensions (.xlsx), Excel's menu entry "CSV UTF-8", and text quoted “…” (a value from the file).
LITERALS = re.compile(r"--[a-z][a-z-]*(?: (?:day|month|net|ignore|en|zh|11|4|pandas|duckdb|spark))?"
                      r"|\.(?:csv|txt|xlsx|xls|json|parquet|pq|tsv)\b|UTF-8"
                      r"|“[^”]*”")
ASCII_WORD = re.compile(r"[A-Za-z]+")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _zh_words(template: str) -> list[str]:
    text = LITERALS.sub(" ", PLACEHOLDER.sub(" ", template))
    return [w for w in ASCII_WORD.findall(text) if w not in ZH_WHITELIST]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_has_english_and_chinese(code):
    entry = MESSAGES[code]
    assert set(entry) >= {"en", "zh"}, code
    assert entry["en"].strip() and entry["zh"].strip(), code


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_chinese_text_has_no_english_words(code):
    assert _zh_words(MESSAGES[code]["zh"]) == [], MESSAGES[code]["zh"]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_english_text_has_no_chinese(code):
    assert not CJK.findall(PLACEHOLDER.sub(" ", MESSAGES[code]["en"])), MESSAGES[code]["en"]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_take_the_same_parameters(code):
    def names(template: str) -> set[str]:
        return {m.split(":")[0].split("!")[0] for m in re.findall(r"\{([^{}]*)\}", template)}

    # A language may leave out a technical detail (bad_mapping_json drops the parser's English text
    # in Chinese), but never ask for a parameter the other language is not given.
    en, zh = names(MESSAGES[code]["en"]), names(MESSAGES[code]["zh"])
    assert zh <= en or en <= zh, (code, en, zh)


def test_the_checks_themselves():
    assert _zh_words("没有列对应到 Customer ID (客户编号)") == ["Customer"]
    assert _zh_words("请另存为“CSV UTF-8”，或用 --date-order day，{name} 列") == []
    assert _zh_words("超过 {limit_mb:.0f} MB 的 .xlsx 文件") == []
    assert _zh_words("以“C”开头的订单号") == [] and _zh_words("以 C 开头的订单号") == ["C"]
    assert CJK.findall("Map 金额/Amount") == ["金", "额"]


def test_terms_are_bilingual_too():
    for code, entry in TERMS.items():
        assert set(entry) == {"en", "zh"} and not _zh_words(entry["zh"]) and not CJK.findall(entry["en"]), code


def _raised_codes() -> dict[str, set[str]]:
    """Codes given literally to DataError(...) or Note.of(...) anywhere in crm_core, with their files."""
    pattern = re.compile(r"""(?:DataError|Note\.of)\(\s*["']([a-z0-9_]+)["']""")
    found: dict[str, set[str]] = {}
    for path in CORE.rglob("*.py"):
        for code in pattern.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, set()).add(path.name)
    return found


def test_every_raised_code_has_a_message():
    raised = _raised_codes()
    assert {"too_many_rows_xlsx", "no_purchases_before", "bad_date_option"} <= set(raised)  # the scan works
    missing = {code: sorted(files) for code, files in raised.items() if code not in MESSAGES}
    assert missing == {}


def test_every_exclusion_reason_has_words():
    from crm_core.ingest.clean import REASON_ORDER as order

    assert order, "ingest.REASON_ORDER lists the exclusion reasons"
    assert [code for code in order if f"reason_{code}" not in MESSAGES] == []


def test_every_cli_variant_matches_its_message():
    for code in MESSAGES:
        if code.endswith("_cli") and code[: -len("_cli")] in MESSAGES:
            base = code[: -len("_cli")]
            for lang in ("en", "zh"):
                names = lambda t: set(re.findall(r"\{(\w+)", t))  # noqa: E731
                assert names(MESSAGES[code][lang]) <= names(MESSAGES[base][lang]), (code, lang)
                assert "--" in MESSAGES[code][lang], (code, lang)


def test_render_picks_the_language_of_localized_params():
    label = Localized(en="Customer ID", zh="客户编号")
    assert render("cli_report", "zh", name="a.csv", read=1200, used=1000, excluded=200) == (
        "a.csv：读取 1,200 行，使用 1,000 行，排除 200 行")
    assert render("unknown_column_cli", "zh", column="Buyer", field=label) == (
        "映射文件中“客户编号”对应的列 Buyer 在数据文件中不存在。请修改通过 --mapping 传入的映射文件。")
    assert render("unknown_column_cli", "en", column="Buyer", field=label).startswith(
        "The mapping file names column Buyer for Customer ID,")


def test_every_automap_variant_has_its_mapping_variant_and_takes_the_same_params():
    """``<code>_automap_cli`` (no --mapping given: how to write one) sits beside ``<code>_cli`` (check that file)."""
    def names(template: str) -> set[str]:
        return {m.split(":")[0] for m in re.findall(r"\{([^{}]*)\}", template)}

    variants = [c for c in MESSAGES if c.endswith("_automap_cli")]
    assert sorted(variants) == ["missing_amount_automap_cli", "missing_required_automap_cli",
                                "no_rows_used_automap_cli"]
    for code in variants:
        base = code.removesuffix("_automap_cli")
        assert f"{base}_cli" in MESSAGES and base in MESSAGES
        for lang in ("en", "zh"):
            text = MESSAGES[code][lang]
            assert names(text) == names(MESSAGES[base][lang]) | {"command", "mapping_file"}, code
            assert "--mapping {mapping_file}" in text
            assert "given to --mapping" not in text and "通过 --mapping 传入" not in text
        assert "given to --mapping" in MESSAGES[f"{base}_cli"]["en"]  # with --mapping: check that file
        assert "通过 --mapping 传入" in MESSAGES[f"{base}_cli"]["zh"]


@pytest.mark.parametrize(("rows", "expected"), [
    (1, "1 row (4.2% of revenue)"), (21, "21 rows (4.2% of revenue)"), (1001, "1,001 rows (4.2% of revenue)"),
])
def test_english_counts_of_one_read_in_the_singular(rows, expected):
    verb = "has" if rows == 1 else "have"
    assert render("note_missing_customer_share", "en", rows=rows, share=0.042).startswith(f"{expected} {verb} ")


def test_english_singular_rewrites_by_hand():
    from crm_core.messages import _english_singulars

    assert _english_singulars("1 return rows (4.25) were netted") == "1 return row (4.25) was netted"
    assert _english_singulars("1 lines are dated; 2 lines are") == "1 line is dated; 2 lines are"
    assert _english_singulars("on 1 orders; 11 orders; 0.1 rows") == "on 1 order; 11 orders; 0.1 rows"
    assert _english_singulars("All 1 customers have the same spend") == "The only customer has the same spend"
    assert _english_singulars("All 2 customers have the same spend") == "Both customers have the same spend"
    assert _english_singulars("1 people appear under two ids") == "1 person appears under two ids"
    assert render("note_returns_netted", "zh", rows=1, value="4.25").startswith("1 行退货")
