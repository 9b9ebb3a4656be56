"""The tag rule builder of the Campaign builder page: the marketer's tags, their customers, add / edit / delete.

A rule being written is a draft in the session (:data:`DRAFT`: names, AND/OR and condition rows as plain
values), so the widgets can be rebuilt from it; the rule itself is only ever a
:class:`crm_core.segment.tags.TagRule` (data, never ``eval``), checked by the core, whose DataError messages are
shown as they are.  Saved rules go to :func:`ui.segment_state.set_tag_rules` (and so into the analysis file).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from crm_core import columns as registry
from crm_core.schema import DataError
from crm_core.segment import tags
from crm_core.segment.tags import NUMBER_OPS, TEXT_OPS, Bought, Condition, TagRule
from ui import segment_state
from ui.fmt import fit_height
from ui.i18n import TEXT, labels, lang, t

__all__ = ["DRAFT", "condition_words", "field_options", "rule_words", "tags_section"]

DRAFT = "tag_draft"
# Fields a tag rule does not offer: identifiers, the tag columns themselves, flags, and the group keys the
# campaign builder already offers by name (segment, stage, cluster).
_HIDDEN = {"customer_id", "tags", "opted_out", "segment", "stage", "cluster"}
_PICK_LIMIT = 200  # text fields with at most this many values offer them in a list
_MEMO = "tag_values_memo"


def field_options(table: pd.DataFrame) -> list[str]:
    """The customer-level fields a rule can test, in the table's order."""
    return [c for c in table.columns if c not in _HIDDEN and not str(c).startswith("tag_")
            and not pd.api.types.is_bool_dtype(table[c])]


def _kind(table: pd.DataFrame, field: str) -> str:
    column = table[field]
    if pd.api.types.is_datetime64_any_dtype(column):
        return "date"
    if pd.api.types.is_numeric_dtype(column):
        entry = registry.REGISTRY.get(field)
        return "percent" if entry is not None and entry.kind == "percent" else "number"
    return "text"


def _number_text(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)


def condition_words(item, language: str) -> str:
    """One condition in words: "Total spend ≥ 1000", "bought category 奶粉 in at least 3 orders in the last 90
    days" (a group is bracketed)."""
    zh = language == "zh"
    if isinstance(item, Condition):
        field = registry.label(item.field, language)
        value = item.value
        entry = registry.REGISTRY.get(item.field)
        if isinstance(value, tuple):
            value = ("、" if zh else ", ").join(value)
        elif isinstance(value, int | float) and entry is not None and entry.kind == "percent":
            value = f"{value * 100:g}%"
        elif isinstance(value, int | float):
            value = _number_text(value)
        text = _t(f"tag_op_{item.op}", language)
        return f"{field}{text}{value}" if zh and item.op in TEXT_OPS else f"{field} {text} {value}"
    if isinstance(item, Bought):
        within = "" if item.within_days is None else _t("tag_words_within", language, days=item.within_days)
        return _t("tag_words_bought", language, match=_t(f"tag_match_{item.match}", language),
                  item=item.product_or_category, n=item.at_least, within=within)
    inner = _t(f"tag_words_{item.combine}", language).join(condition_words(c, language) for c in item.conditions)
    return f"({inner})"


def rule_words(rule: TagRule, language: str) -> str:
    """The rule's conditions in words, joined by AND / OR."""
    return _t(f"tag_words_{rule.combine}", language).join(condition_words(c, language) for c in rule.conditions)


def _t(key: str, language: str, **params) -> str:
    """Label ``key`` in ``language`` (the rules' words are wanted in both languages, whatever the session's)."""
    text = TEXT[key][1 if language == "zh" else 0]
    return text.format(**params) if params else text


# --- drafts ---------------------------------------------------------------------------------------------------
def _new_draft(gen: int = 0) -> dict:
    return {"name_en": "", "name_zh": "", "combine": "and", "editing": None, "gen": gen,
            "rows": [{"kind": "field", "field": "monetary", "op": ">=", "value": ""}]}


def _draft_of(rule: TagRule, index: int) -> dict:
    rows = []
    for item in rule.conditions:
        if isinstance(item, Condition):
            value = item.value
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, int | float):
                entry = registry.REGISTRY.get(item.field)
                value = _number_text(value * 100 if entry is not None and entry.kind == "percent" else value)
            rows.append({"kind": "field", "field": item.field, "op": item.op, "value": value})
        elif isinstance(item, Bought):
            rows.append({"kind": "bought", "match": item.match, "item": item.product_or_category,
                         "at_least": item.at_least, "within_days": item.within_days or 0})
        else:  # a nested group (from a file): kept as it is, shown in words
            rows.append({"kind": "group", "item": item})
    return {"name_en": rule.name_en, "name_zh": rule.name_zh, "combine": rule.combine, "editing": index,
            "gen": 0, "rows": rows}


def _draft() -> dict:
    generation = st.session_state.get("editor_gen", 0)
    stored = st.session_state.get(DRAFT)
    if stored is None or stored[0] != generation:
        stored = (generation, _new_draft())
        st.session_state[DRAFT] = stored
    return stored[1]


def _restart(draft: dict | None = None) -> None:
    old = _draft()
    fresh = draft if draft is not None else _new_draft()
    fresh["gen"] = old["gen"] + 1
    st.session_state[DRAFT] = (st.session_state.get("editor_gen", 0), fresh)


def _on_edit_choice(choice_key: str) -> None:
    index = st.session_state.get(choice_key)
    rules = segment_state.tag_rules()
    if index is None or index >= len(rules):
        _restart()
    else:
        _restart(_draft_of(rules[index], index))


def _add_row(kind: str, default_item: str | None) -> None:
    row = ({"kind": "field", "field": "monetary", "op": ">=", "value": ""} if kind == "field"
           else {"kind": "bought", "match": "product", "item": default_item, "at_least": 1, "within_days": 90})
    _draft()["rows"].append(row)


def _remove_row(index: int) -> None:
    draft = _draft()
    draft["rows"].pop(index)
    _restart(draft)


# --- building a rule from the draft ----------------------------------------------------------------------------
def _parse_number(text: str):
    try:
        number = float(str(text).replace(",", "").strip())
    except ValueError:
        return text  # the core names the bad value and what it expects
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _item_of(row: dict, table: pd.DataFrame):
    """The condition of one draft row; None when its value is still blank."""
    if row["kind"] == "group":
        return row["item"]
    if row["kind"] == "bought":
        if not row.get("item"):
            return None
        days = int(row.get("within_days") or 0)
        return Bought(str(row["item"]), int(row.get("at_least") or 1), days or None, row["match"])
    value = row.get("value")
    if value in ("", None, []):
        return None
    kind = _kind(table, row["field"]) if row["field"] in table.columns else "text"
    if row["op"] in NUMBER_OPS and kind in ("number", "percent"):
        value = _parse_number(value)
        if kind == "percent" and isinstance(value, int | float):
            value = value / 100
    return Condition(row["field"], row["op"], value)


# --- the section ----------------------------------------------------------------------------------------------
def _rules_table(rules: tuple[TagRule, ...], table: pd.DataFrame, language: str) -> None:
    counts = [int(table[tags.tag_column(r, i)].sum()) if tags.tag_column(r, i) in table.columns else 0
              for i, r in enumerate(rules, start=1)]
    shown = pd.DataFrame({t("tag_col_en"): [r.name_en for r in rules], t("tag_col_zh"): [r.name_zh for r in rules],
                          t("tag_col_rule"): [rule_words(r, language) for r in rules],
                          t("tag_col_customers"): counts})
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)),
                 column_config={t("tag_col_rule"): st.column_config.TextColumn(width="large")})


def _missing_items(rules: tuple[TagRule, ...], orders: pd.DataFrame, language: str) -> None:
    """Warn about purchase conditions on a product or category this data never has (a typo, or last month's)."""
    known: dict[str, set[str]] = {}

    def bought(items):
        for item in items:
            if isinstance(item, Bought):
                yield item
            elif not isinstance(item, Condition):
                yield from bought(item.conditions)

    for rule in rules:
        for item in bought(rule.conditions):
            if item.match not in known:
                known[item.match] = set(_values_of(orders, item.match))
            if item.product_or_category not in known[item.match]:
                st.warning(t("tag_item_missing", tag=rule.name(language), match=t(f"tag_match_{item.match}"),
                             item=item.product_or_category))


def _examples(table: pd.DataFrame, orders: pd.DataFrame, rules: tuple[TagRule, ...]) -> list[TagRule]:
    """Ready-made rules that fit this data (only values the data has); those already saved are left out."""
    found: list[TagRule] = []
    if "monetary" in table.columns and (table["monetary"] >= 1000).any():
        found.append(TagRule(_t("tag_ex_big_en", "en"), _t("tag_ex_big_zh", "zh"),
                             (Condition("monetary", ">=", 1000),)))
    if "channel" in table.columns and table["channel"].notna().any():
        channels = table["channel"].dropna().astype("str")
        online = [c for c in channels.unique() if c.strip().casefold() in ("线上", "online")]
        if online:
            found.append(TagRule(_t("tag_ex_online_en", "en"), _t("tag_ex_online_zh", "zh"),
                                 (Condition("channel", "is", online[0]),)))
        else:
            top = channels.value_counts().index[0]
            found.append(TagRule(_t("tag_ex_channel_en", "en", channel=top), _t("tag_ex_channel_zh", "zh", channel=top),
                                 (Condition("channel", "is", top),)))
    categories = _values_of(orders, "category")
    if categories:
        top = categories[0]
        found.append(TagRule(_t("tag_ex_category_en", "en", category=top), _t("tag_ex_category_zh", "zh", category=top),
                             (Bought(top, 3, 90, "category"),)))
    if "return_share" in table.columns and (table["return_share"] > 0.2).any():
        found.append(TagRule(_t("tag_ex_returns_en", "en"), _t("tag_ex_returns_zh", "zh"),
                             (Condition("return_share", ">", 0.2),)))
    names = {r.name_en for r in rules}
    return [r for r in found if r.name_en not in names]


def _save(rules: list[TagRule], position: int, table: pd.DataFrame, orders: pd.DataFrame, as_of: date) -> None:
    """Check the rules on the data (every rule applied, columns unique) and keep them; show the core's error."""
    try:
        tagged = tags.apply_tags(table, orders, tuple(rules), as_of, lang=lang())
    except DataError as exc:
        st.error(exc.text(lang()))
        return
    segment_state.set_tag_rules(tuple(rules))
    rule = rules[position]
    st.session_state["tag_flash"] = t("tag_saved", name=rule.name(lang()),
                                      n=int(tagged[tags.tag_column(rule, position + 1)].sum()))
    _restart()
    st.rerun()


def tags_section(table: pd.DataFrame, orders: pd.DataFrame, as_of: date) -> None:
    """The "Your tags" block: list with counts, one-click examples and the rule editor.

    ``table`` is the segmented customer table (with the saved tags' columns), ``orders`` the clean order lines.
    """
    language = lang()
    st.session_state[_MEMO] = {}  # frames of this run only (ids are unique while they live)
    rules = segment_state.tag_rules()
    flash = st.session_state.pop("tag_flash", None)
    if flash:
        st.success(flash)
    st.caption(t("tag_intro"))
    if rules:
        _rules_table(rules, table, language)
        _missing_items(rules, orders, language)
    else:
        st.info(t("tag_none"))
    base = table.drop(columns=[c for c in table.columns if str(c).startswith("tag_") or c == "tags"])
    examples = _examples(base, orders, rules)
    if examples:
        st.markdown(f"**{t('tag_examples')}**")
        cols = st.columns(min(len(examples), 2))
        for i, rule in enumerate(examples):
            label = t("tag_example_button", name=rule.name(language), rule=rule_words(rule, language))
            if cols[i % len(cols)].button(label, key=f"tag_example_{i}", width="stretch"):
                _save([*rules, rule], len(rules), base, orders, as_of)

    draft = _draft()
    editor = f"{st.session_state.get('editor_gen', 0)}_{draft['gen']}"
    choices = [None, *range(len(rules))]
    choice_key = f"tag_edit_{editor}"
    st.selectbox(t("tag_edit"), choices, index=choices.index(draft["editing"]) if draft["editing"] in choices else 0,
                 key=choice_key, on_change=_on_edit_choice, args=(choice_key,),
                 format_func=labels(choices, lambda i: t("tag_new") if i is None else rules[i].name(language)))
    _rule_editor(draft, editor, base, orders, as_of, rules)


def _rule_editor(draft: dict, editor: str, table: pd.DataFrame, orders: pd.DataFrame, as_of: date,
                 rules: tuple[TagRule, ...]) -> None:
    language = lang()
    with st.container(border=True):
        n1, n2 = st.columns(2)
        draft["name_en"] = n1.text_input(t("tag_name_en"), value=draft["name_en"], key=f"tag_{editor}_name_en",
                                         help=t("tag_name_en_help"))
        draft["name_zh"] = n2.text_input(t("tag_name_zh"), value=draft["name_zh"], key=f"tag_{editor}_name_zh")
        draft["combine"] = st.radio(t("tag_combine"), ["and", "or"], index=["and", "or"].index(draft["combine"]),
                                    horizontal=True, key=f"tag_{editor}_combine",
                                    format_func=labels(["and", "or"], lambda c: t(f"tag_combine_{c}")))
        fields = field_options(table)
        for i, row in enumerate(draft["rows"]):
            _row_widgets(row, i, f"tag_{editor}_{i}", table, orders, fields)
        products = _values_of(orders, "product")
        a1, a2 = st.columns(2)
        a1.button(t("tag_add_field"), key=f"tag_{editor}_add_field", icon="➕", on_click=_add_row, args=("field", None))
        a2.button(t("tag_add_bought"), key=f"tag_{editor}_add_bought", icon="🛒", on_click=_add_row,
                  args=("bought", products[0] if products else None))
        rule = _preview(draft, table, orders, as_of, language)
        b1, b2, _ = st.columns([1, 1, 2])
        editing = draft["editing"]
        if b1.button(t("tag_save" if editing is None else "tag_update"), key=f"tag_{editor}_save", type="primary",
                     disabled=rule is None, width="stretch"):
            try:
                named = TagRule(draft["name_en"].strip(), draft["name_zh"].strip(), rule.conditions, draft["combine"])
            except DataError as exc:
                st.error(exc.text(language))
            else:
                updated = list(rules)
                if editing is None:
                    updated.append(named)
                else:
                    updated[editing] = named
                _save(updated, len(rules) if editing is None else editing, table, orders, as_of)
        if editing is not None and b2.button(t("tag_delete"), key=f"tag_{editor}_delete", width="stretch"):
            gone = rules[editing]
            segment_state.set_tag_rules(tuple(r for i, r in enumerate(rules) if i != editing))
            st.session_state["tag_flash"] = t("tag_deleted", name=gone.name(language))
            _restart()
            st.rerun()


def _preview(draft: dict, table: pd.DataFrame, orders: pd.DataFrame, as_of: date, language: str) -> TagRule | None:
    """The draft as a rule (named for the preview), with how many customers it tags; None (and why) if it is
    not one yet."""
    if not draft["rows"]:
        st.info(t("tag_no_condition"))
        return None
    try:
        items = [_item_of(row, table) for row in draft["rows"]]
        if any(item is None for item in items):
            st.caption(t("tag_incomplete"))
            return None
        rule = TagRule(draft["name_en"].strip() or "preview", draft["name_zh"].strip() or "preview", tuple(items),
                       draft["combine"])
        hits = int(rule.mask(table, orders, as_of).sum())
    except DataError as exc:
        st.error(exc.text(language))
        return None
    st.caption(t("tag_preview", n=hits))
    return rule


def _values_of(frame: pd.DataFrame, column: str) -> list[str]:
    """The distinct texts of ``column``, most frequent first (purchases only for order lines); counted once per
    run (0.06 s for Online Retail's products), in a memo :func:`tags_section` empties at the start of each run."""
    if column not in frame.columns:
        return []
    memo = st.session_state.setdefault(_MEMO, {})
    key = (id(frame), column)
    if key not in memo:
        values = frame[column]
        if "is_return" in frame.columns:
            values = values[~frame["is_return"].astype(bool)]
        memo[key] = [str(v) for v in values.dropna().astype("str").value_counts().index if str(v).strip()]
    return memo[key]


def _row_widgets(row: dict, i: int, prefix: str, table: pd.DataFrame, orders: pd.DataFrame,
                 fields: list[str]) -> None:
    """One condition's widgets; what they hold is written back into ``row``."""
    language = lang()
    if row["kind"] == "group":
        c1, c2 = st.columns([12, 1], vertical_alignment="bottom")
        c1.markdown(condition_words(row["item"], language))
        c2.button("✕", key=f"{prefix}_remove", help=t("tag_remove"), on_click=_remove_row, args=(i,))
        return
    if row["kind"] == "bought":
        c1, c2, c3, c4, c5 = st.columns([1.3, 2.4, 1.2, 1.6, 0.5], vertical_alignment="bottom")
        row["match"] = c1.selectbox(t("tag_bought"), ["product", "category"], key=f"{prefix}_match",
                                    index=["product", "category"].index(row["match"]),
                                    format_func=labels(["product", "category"], lambda m: t(f"tag_match_{m}")))
        items = _values_of(orders, row["match"])
        if row.get("item") and row["item"] not in items:
            items = [row["item"], *items]
        row["item"] = c2.selectbox(t("tag_item"), items, key=f"{prefix}_item_{row['match']}",
                                   index=items.index(row["item"]) if row.get("item") in items else None,
                                   placeholder=t("cmp_values_placeholder"))
        row["at_least"] = int(c3.number_input(t("tag_times"), min_value=1, step=1, value=int(row["at_least"]),
                                              key=f"{prefix}_times"))
        row["within_days"] = int(c4.number_input(t("tag_days"), min_value=0, step=1, value=int(row["within_days"]),
                                                 key=f"{prefix}_days"))
        c5.button("✕", key=f"{prefix}_remove", help=t("tag_remove"), on_click=_remove_row, args=(i,))
        return
    c1, c2, c3, c4 = st.columns([2.2, 1.2, 3, 0.5], vertical_alignment="bottom")
    options = fields if row["field"] in fields else [row["field"], *fields]
    row["field"] = c1.selectbox(t("tag_field"), options, index=options.index(row["field"]), key=f"{prefix}_field",
                                format_func=labels(options, lambda f: registry.label(f, language)))
    kind = _kind(table, row["field"]) if row["field"] in table.columns else "text"
    ops = list(TEXT_OPS) if kind == "text" else list(NUMBER_OPS)
    row["op"] = c2.selectbox(t("tag_op"), ops, index=ops.index(row["op"]) if row["op"] in ops else 0,
                             key=f"{prefix}_op_{kind == 'text'}", format_func=labels(ops, lambda o: t(f"tag_op_{o}")))
    value = row.get("value")
    if row["op"] == "in":
        value = value if isinstance(value, list) else ([value] if value else [])
    elif isinstance(value, list):
        value = value[0] if value else ""
    value = "" if value is None else value
    if kind != "text" or row["op"] == "contains":
        hint = {"number": "tag_value_number", "percent": "tag_value_percent", "date": "tag_value_date"}.get(
            kind, "tag_value_text")
        row["value"] = c3.text_input(t("tag_value"), value=str(value), placeholder=t(hint),
                                     key=f"{prefix}_value_{kind}_{row['field']}")
    else:
        known = _values_of(table, row["field"])[:_PICK_LIMIT]
        extra = [v for v in (value if isinstance(value, list) else [value]) if v and v not in known]
        known = [*extra, *known]
        if row["op"] == "in":
            row["value"] = c3.multiselect(t("tag_value"), known, default=value, accept_new_options=True,
                                          key=f"{prefix}_value_in_{row['field']}",
                                          placeholder=t("cmp_values_placeholder"))
        else:
            chosen = c3.selectbox(t("tag_value"), known, index=known.index(value) if value in known else None,
                                  accept_new_options=True, key=f"{prefix}_value_pick_{row['field']}",
                                  placeholder=t("tag_value_text"))
            row["value"] = chosen or ""
    c4.button("✕", key=f"{prefix}_remove", help=t("tag_remove"), on_click=_remove_row, args=(i,))
