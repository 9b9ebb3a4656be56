"""The column-mapping form of the data page: problems shown right above it, the fields they concern marked.

A column picked for a second field moves there (the field that held it is cleared and the user is told),
so the form never fails with "column mapped to both".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from crm_core.ingest.mapping import composite_parts
from crm_core.schema import FIELD_BY_NAME, FIELDS, REQUIRED_FIELDS, ColumnMapping, DataError
from ui import state
from ui.i18n import labels, lang, t

# Shown first (a marketer fills these for every file); the rest sit in "More fields".
MAIN_FIELDS = ("customer_id", "order_date", "order_id", "amount", "quantity", "unit_price", "status", "product")
OTHER_FIELDS = tuple(f.name for f in FIELDS if f.name not in MAIN_FIELDS)
# Errors of the preparing step that the mapping causes or that the user fixes next to it.
MAPPING_ERRORS = frozenset({"missing_required", "missing_amount", "duplicate_mapping", "unknown_column",
                            "no_rows_used", "ambiguous_dates"})


# The "— not in file —" option. Not None: a selectbox whose state is None shows its placeholder instead.
# Never a column name (empty headers are read as "Column N").
NOT_MAPPED = ""


def field_label(name: str, language: str | None = None) -> str:
    fld = FIELD_BY_NAME[name]
    return fld.label_zh if (language or lang()) == "zh" else fld.label_en


def problem_fields(exc: DataError, mapping: ColumnMapping, columns: Sequence[str]) -> tuple[str, ...]:
    """Fields the error ``exc`` is about, in form order (empty when it names none).

    Worked out from the mapping rather than from the message text, so it does not depend on wording.
    """
    code = exc.code
    if code == "missing_required":
        found = {n for n in REQUIRED_FIELDS if mapping.get(n) is None}
    elif code == "missing_amount":
        found = {"amount"} | {n for n in ("quantity", "unit_price") if mapping.get(n) is None}
    elif code == "unknown_column":
        found = {n for n, column in mapping.pairs
                 if column not in set(columns) and composite_parts(column, columns) is None}
    elif code == "duplicate_mapping":
        holders: dict[str, list[str]] = {}
        for name, column in mapping.pairs:
            holders.setdefault(column, []).append(name)
        found = {n for names in holders.values() if len(names) > 1 for n in names}
    elif code == "ambiguous_dates":
        found = {"order_date"}
    else:
        found = set()
    return tuple(f.name for f in FIELDS if f.name in found)


def resolve_moves(chosen: Mapping[str, str | None], previous: Mapping[str, str | None]
                  ) -> tuple[dict[str, str | None], list[tuple[str, str, str]]]:
    """Give each column to one field: the field that just picked it keeps it, the others are cleared.

    Returns the new choice and ``(column, cleared_field, new_field)`` for each move. When no holder
    picked the column just now (both kept it), the first field in form order keeps it.
    """
    result = dict(chosen)
    moves = []
    order = [f.name for f in FIELDS if f.name in result]
    for column in dict.fromkeys(v for v in result.values() if v):
        holders = [n for n in order if result[n] == column]
        if len(holders) < 2:
            continue
        newcomers = [n for n in holders if previous.get(n) != column]
        keeper = newcomers[0] if newcomers else holders[0]
        for name in holders:
            if name != keeper:
                result[name] = None
                moves.append((column, name, keeper))
    return result, moves


def _apply(previous: dict[str, str | None]) -> None:
    """Form callback (runs before the rerun): store the mapping, moving reused columns."""
    chosen = {f.name: st.session_state.get(f"map_{f.name}") or None for f in FIELDS}
    resolved, moves = resolve_moves(chosen, previous)
    st.session_state[state.MAPPING] = ColumnMapping.from_dict(resolved)
    st.session_state[state.MAPPING_MOVED] = moves


def show_moves() -> None:
    """Say which fields lost a column to another field in the last Apply (once)."""
    for column, cleared, taken_by in st.session_state.pop(state.MAPPING_MOVED, None) or ():
        text = t("column_moved", column=column, new=field_label(taken_by), old=field_label(cleared))
        st.info(text, icon="↪️")
        st.toast(text)


def show_proposal(proposal, *, confirmed: bool) -> tuple[str, ...]:
    """The proposal's notes (which column stands for the customer, what was guessed from values).

    Returns the fields to label "guessed - please confirm": none once the user applied a mapping.
    """
    for note in proposal.notes:
        (st.warning if note.level == "warning" else st.info)(note.text(lang()), icon="🔎")
    return () if confirmed else tuple(proposal.inferred)


def show_problem(exc: DataError, mapping: ColumnMapping, columns: Sequence[str]) -> tuple[str, ...]:
    """The error and, below it, which fields are marked in the form; returns those fields."""
    st.error(exc.text(lang()))
    fields = problem_fields(exc, mapping, columns)
    if fields:
        st.caption(t("fields_marked", fields=("、" if lang() == "zh" else ", ").join(field_label(n) for n in fields)))
    return fields


def mapping_form(mapping: ColumnMapping, columns: Sequence[str], *, marked: Sequence[str] = (),
                 guessed: Sequence[str] = ()) -> None:
    """The form: main fields in two rows of four, the others in an expander (opened when one is marked).

    ``marked`` fields get a red label and a help text; ``guessed`` ones (inferred from the values,
    not the header) are labelled "guessed - please confirm".
    """
    # A composite identity ("收货人姓名 + 收货地址", two columns read together) is offered like a column.
    composites = [c for _, c in mapping.pairs if c not in columns and composite_parts(c, columns) is not None]
    options = [NOT_MAPPED, *columns, *composites]
    fmt = labels(options, lambda c: t("not_mapped") if c == NOT_MAPPED else c)
    # The widgets follow the stored mapping (also when it was changed by loading a file or a new read).
    for fld in FIELDS:
        column = mapping.get(fld.name)
        st.session_state[f"map_{fld.name}"] = column if column in options else NOT_MAPPED

    def box(container, name: str) -> None:
        label, help_text = field_label(name), None
        if name in marked:
            label, help_text = f":red[**{label}** ⚠]", t("field_marked_help")
        elif name in guessed:
            label, help_text = f"{label} · :orange[{t('guessed')}]", t("guessed_help")
        if name in REQUIRED_FIELDS:
            label = f"{label} *"
        container.selectbox(label, options, format_func=fmt, key=f"map_{name}", help=help_text)

    previous = {f.name: mapping.get(f.name) for f in FIELDS}
    with st.form("mapping_form"):
        grid = st.columns(4)
        for i, name in enumerate(MAIN_FIELDS):
            box(grid[i % 4], name)
        with st.expander(t("more_fields"), expanded=any(n in OTHER_FIELDS for n in (*marked, *guessed))):
            more = st.columns(4)
            for i, name in enumerate(OTHER_FIELDS):
                box(more[i % 4], name)
        st.form_submit_button(t("apply"), type="primary", on_click=_apply, args=(previous,))
