"""Progress of the engine path on the command line: one line per stage with its time, percentages on 10 % steps.

:class:`StageProgress` is a :data:`crm_core.engine.run.Progress` (``progress(stage, fraction)``) that prints to
stderr in the chosen language.  A long stage reports its fraction done (DuckDB's query progress, Spark's status
tracker); a line is printed only when the fraction reaches a new 10 % step *and* the stage has run for at least
:data:`QUIET_SECONDS`, so a quick stage prints nothing but its time and a long one at most ten lines.  The stage
times come from :attr:`crm_core.engine.run.EngineRun.seconds` (:meth:`StageProgress.report_times`) and from the
stages the CLI times itself (:meth:`StageProgress.timed`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

from crm_core.messages import MESSAGES, render

QUIET_SECONDS = 2.0  # a stage shorter than this prints no percentage


def stage_name(stage: str, lang: str) -> str:
    """The stage key ("read", "clean", "customers", ...) in words."""
    code = f"engc_stage_{stage}"
    return render(code, lang) if code in MESSAGES else render("engc_stage_other", lang, stage=stage)


class StageProgress:
    """Prints the engine's progress on ``stream`` (stderr) in ``lang``; ``clock`` is injectable for tests."""

    def __init__(self, lang: str, *, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lang = lang
        self.stream = stream
        self.clock = clock
        self.stage: str | None = None
        self.started = 0.0
        self.step = 0
        self.lines: list[str] = []  # everything printed, for the tests

    def _print(self, text: str) -> None:
        self.lines.append(text)
        print(text, file=self.stream if self.stream is not None else sys.stderr, flush=True)

    def __call__(self, stage: str, fraction: float | None) -> None:
        now = self.clock()
        if stage != self.stage:
            self.stage, self.started, self.step = stage, now, 0
        if fraction is None:
            return
        step = min(int(max(fraction, 0.0) * 10 + 1e-9), 10)
        if step > self.step and now - self.started >= QUIET_SECONDS and 0 < step < 10:
            self.step = step
            self._print(render("engc_stage_percent", self.lang, stage=stage_name(stage, self.lang),
                               percent=step * 10, seconds=now - self.started))

    def done(self, stage: str, seconds: float) -> None:
        """One line: the stage and how long it took."""
        self._print(render("engc_stage_done", self.lang, stage=stage_name(stage, self.lang), seconds=seconds))

    def report_times(self, seconds: Mapping[str, float]) -> None:
        """The engine run's stage times (:attr:`EngineRun.seconds`), in the order it ran them."""
        for stage, took in seconds.items():
            self.done(stage, float(took))

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Time a stage the CLI runs itself (scoring, segmentation, mining, writing) and print its line."""
        start = self.clock()
        self(stage, None)
        yield
        self.done(stage, self.clock() - start)
