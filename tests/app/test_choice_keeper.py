"""ui.choice_keeper: the page's choice with changes on top, kept in the session only when it changed."""

from dataclasses import dataclass

import pytest

from ui.choice_keeper import ChoiceKeeper


@dataclass(frozen=True)
class _Choice:
    threshold: float = 0.7
    model: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.threshold <= 1:
            raise ValueError(self.threshold)


def test_a_changed_choice_is_kept_and_an_unchanged_one_is_not():
    kept_ones: list[_Choice] = []
    keeper = ChoiceKeeper(_Choice(), kept_ones.append)
    assert keeper.update(threshold=0.7) == _Choice() and kept_ones == []  # nothing changed: nothing written
    assert keeper.update(threshold=0.8) == _Choice(threshold=0.8) == keeper.choice
    assert kept_ones == [_Choice(threshold=0.8)]
    assert keeper.update(model="forest", threshold=0.8) == _Choice(0.8, "forest")
    assert kept_ones == [_Choice(threshold=0.8), _Choice(0.8, "forest")]


def test_a_refused_change_leaves_the_choice_and_the_session_alone():
    kept_ones: list[_Choice] = []
    keeper = ChoiceKeeper(_Choice(0.5), kept_ones.append)
    with pytest.raises(ValueError):
        keeper.update(threshold=2.0)
    assert keeper.choice == _Choice(0.5) and kept_ones == []
