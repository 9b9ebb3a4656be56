"""The benchmarks' exit status: 1 when a figure missed its target, 0 when all were met or the data is absent.

Run with ``python -m pytest bench -q`` (not part of the default suite).
"""

from __future__ import annotations

from pathlib import Path

import _common
import pytest


def test_a_missed_target_exits_1_and_names_it(capsys):
    verdicts = _common.Verdicts()
    assert verdicts.check("ratio", True, "ratio 1.20 (target <= 1.5)") is True
    assert verdicts.check("xlsx cost", False, "xlsx 1.69 x (target <= 1.5 x)") is False
    with pytest.raises(SystemExit) as stop:
        verdicts.exit()
    assert stop.value.code == 1
    out = capsys.readouterr().out
    assert "ratio 1.20 (target <= 1.5): PASS" in out
    assert "xlsx 1.69 x (target <= 1.5 x): FAIL" in out
    assert "missed target(s): xlsx cost -> exit status 1" in out


def test_all_targets_met_exits_0():
    verdicts = _common.Verdicts()
    verdicts.check("rerun", True, "rerun 0.15 s (target < 0.5 s)")
    with pytest.raises(SystemExit) as stop:
        verdicts.exit()
    assert stop.value.code == 0


def test_a_missing_data_set_is_a_skip_with_status_0(capsys, tmp_path):
    with pytest.raises(SystemExit) as stop:
        _common.require(Path(tmp_path) / "absent.csv.gz")
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith(f"skipped: {tmp_path / 'absent.csv.gz'} not found")
