"""The RFM page's grids as data (crm_core.segment.edits): thresholds by score, the segment map by name."""

from __future__ import annotations

import pytest

from crm_core.schema import DataError
from crm_core.segment import edits, rfm


def test_threshold_rows_read_score_5_to_2_left_to_right():
    cuts = rfm.Thresholds(recency=(7, 30, 90, 180), frequency=(2, 3, 5, 12), monetary=(100, 200, 500, 1000))
    assert edits.thresholds_rows(cuts) == [[7, 30, 90, 180], [12, 5, 3, 2], [1000, 500, 200, 100]]
    assert edits.thresholds_from_rows(edits.thresholds_rows(cuts)) == cuts


def test_a_row_typed_out_of_order_is_named():
    with pytest.raises(DataError) as caught:
        edits.thresholds_from_rows([[7, 30, 90, 180], [12, 5, 8, 2], [1000, 500, 200, 100]])
    assert caught.value.code == "bad_thresholds" and caught.value.params["dimension"] == "F"


def test_an_unchanged_map_is_the_scheme_itself():
    scheme = rfm.SCHEMES["11"]
    cells = [[scheme.name(k, "zh") for k in row] for row in scheme.grid]
    names = [(k, scheme.name(k, "en"), scheme.name(k, "zh")) for k in scheme.segments()]
    assert edits.scheme_from_edits(scheme, cells, names) is scheme


def test_cells_may_name_segments_in_either_language_and_a_rename_applies():
    scheme = rfm.SCHEMES["11"]
    cells = [[scheme.name(k, "en") for k in row] for row in scheme.grid]
    cells[4][0] = "已流失客户"  # the R1/FM1 cell, in Chinese, already "lost": unchanged
    cells[0][0] = "Champions"  # R5/FM1 was "new_customers"
    names = [(k, scheme.name(k, "en"), scheme.name(k, "zh")) for k in scheme.segments()]
    names[0] = ("champions", "Stars", "明星客户")
    edited = edits.scheme_from_edits(scheme, cells, names)
    assert edited.key == "custom"
    assert edited.grid[0][0] == "champions" and edited.grid[4][0] == "lost"
    assert edited.name("champions", "en") == "Stars" and edited.name("champions", "zh") == "明星客户"
    # Once renamed, the new name also places the segment.
    cells[1][0] = "Stars"
    assert edits.scheme_from_edits(edited, cells, names).grid[1][0] == "champions"


def test_a_cell_naming_no_segment_is_refused():
    scheme = rfm.SCHEMES["4"]
    cells = [[scheme.name(k, "en") for k in row] for row in scheme.grid]
    cells[2][2] = "Someone"
    with pytest.raises(DataError) as caught:
        edits.scheme_from_edits(scheme, cells, [])
    assert caught.value.code == "bad_segment_map"
    assert "R3 / FM3" in caught.value.text("en")


def test_an_edit_undone_gives_the_standard_map_back():
    scheme = rfm.SCHEMES["11"]
    cells = [[scheme.name(k, "en") for k in row] for row in scheme.grid]
    cells[0][0] = "Champions"
    edited = edits.scheme_from_edits(scheme, cells, [])
    assert edited.key == "custom"
    cells[0][0] = "New customers"
    assert edits.scheme_from_edits(edited, cells, []) is rfm.SCHEMES["11"]
