"""The choice a page works from, kept in the session as it changes (Churn, Response, Cross-sell pages).

A page reads its frozen choice (:mod:`ui.predict_state`, :mod:`ui.segment_state`), then puts each widget's value on
top; a changed choice is kept through the setter it was given, so the next run (and a saved analysis) starts from
it::

    kept = ChoiceKeeper(predict_state.churn_choice(), predict_state.set_churn_choice)
    choice = kept.choice
    choice = kept.update(threshold=0.8)   # kept in the session only when it changed
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Generic, TypeVar

__all__ = ["ChoiceKeeper"]

C = TypeVar("C")


class ChoiceKeeper(Generic[C]):
    """The current ``choice`` (a frozen dataclass) and ``keep``, the setter that stores a new one in the session."""

    def __init__(self, choice: C, keep: Callable[[C], None]) -> None:
        self.choice = choice
        self._keep = keep

    def update(self, **changes: object) -> C:
        """The choice with ``changes`` on top (its own checks apply); kept when it differs. Returns the choice."""
        new = replace(self.choice, **changes)
        if new != self.choice:
            self.choice = new
            self._keep(new)
        return self.choice
