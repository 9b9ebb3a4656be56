"""The client report: the whole analysis in the chosen language (data quality, segments, clusters, rules,
churn list, lifetime value, campaign results, forecast) as an Excel workbook and a self-contained HTML page.

:func:`build_report` computes every chosen section with the functions the pages and the CLI use
(:mod:`crm_core.measure.report_sections`), with the choices of the :class:`crm_core.settings.AnalysisSettings`;
a section that cannot run is kept, *skipped*, with the reason in words.  :func:`report_html`
(:mod:`.report_html`) and :func:`report_xlsx` (:mod:`.report_xlsx`) write it.  Importing this module is cheap
(the settings file imports :class:`ReportChoice`): the work is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from crm_core.measure._choice import choice_from_dict, choice_to_dict
from crm_core.messages import Localized
from crm_core.schema import DataError

if TYPE_CHECKING:
    import pandas as pd

    from crm_core.measure.outcomes import Outcomes
    from crm_core.pipeline import Loaded
    from crm_core.settings import AnalysisSettings

__all__ = ["MAX_TOP_N", "SECTIONS", "Chart", "Report", "ReportChoice", "ReportInputs", "Section", "Table",
           "build_report", "report_html", "report_xlsx"]

MAX_TOP_N = 1000


@dataclass(frozen=True)
class ReportChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    sections: tuple[str, ...] = ("data_quality", "segments", "clusters", "rules", "churn", "clv", "campaign_results",
                                 "forecast")
    top_n: int = 20  # rows of each customer list in the report
    include_personal: bool = False  # names, phones and emails only when asked for (masked otherwise)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", tuple(str(s) for s in self.sections))
        known = _SECTION_KEYS
        for name in self.sections:
            if name not in known:
                raise DataError("rp_unknown_section", section=name, known=Localized.listing(known))
        if not self.sections:
            raise DataError("rp_no_sections")
        if isinstance(self.top_n, bool) or not isinstance(self.top_n, int) or not 1 <= self.top_n <= MAX_TOP_N:
            raise DataError("rp_bad_top_n", value=self.top_n, most=MAX_TOP_N)

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportChoice:
        return choice_from_dict(cls, data)


_SECTION_KEYS = ("data_quality", "segments", "clusters", "rules", "churn", "clv", "campaign_results", "forecast")
SECTIONS = _SECTION_KEYS


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """What a report is made from.

    loaded : the orders read and cleaned with the settings (:func:`crm_core.pipeline.load` / ``clean``; a
        joined customer file is in ``loaded.result.customers``).
    customers : the customer attributes (None: ``loaded.result.customers``).
    settings : every choice of the analysis (:class:`crm_core.settings.AnalysisSettings`).
    outcomes : campaign outcomes (:func:`crm_core.measure.outcomes.outcome_table`) or None (section skipped).
    sales : a sales series (:func:`crm_core.measure.forecast.series_from_table` output) or None (the series is
        built from the orders).
    currency : the sign written before money ("" for none).
    sources : the source files as (name, SHA-256) pairs, or plain names.
    as_of : the analysis date (None: ``settings.as_of``, else the day after the last order).
    problems : section key -> why its input could not be read (in words): that section is skipped with it (e.g.
        the app's outcomes file that does not read).
    """

    loaded: Loaded
    customers: pd.DataFrame | None = None
    settings: AnalysisSettings | None = None
    outcomes: Outcomes | None = None
    sales: pd.DataFrame | None = None
    currency: str = ""
    sources: tuple = ()
    as_of: date | None = None
    problems: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Table:
    """A table of a section: localized headers; ``formats`` maps a header to "money", "int", "pct", "num" or
    "date" (how the HTML and Excel show its numbers).  Unpacks as ``(title, frame)``."""

    title: str
    frame: pd.DataFrame
    formats: Mapping[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.title, self.frame))


@dataclass(frozen=True, eq=False)
class Chart:
    """Chart data, drawn by :mod:`crm_core.measure.report_svg`.

    kind : "bar" (one series), "grouped" (several series per category) or "line" (x = periods; ``series`` are
        lines, the first solid history; ``band`` an interval (label, low values, high values) over the last
        ``len(low)`` points).
    intervals : bars only: the interval (low values, high values) of the first series, drawn as whiskers.
    categories : category labels (bar, grouped) or x labels (line).
    series : (name, values) pairs, each with one value per category (NaN: no point).
    value_format : "money", "int", "pct" or "num": how the axis ticks read.
    """

    kind: str
    title: str
    x_title: str
    y_title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    value_format: str = "num"
    band: tuple[str, tuple[float, ...], tuple[float, ...]] | None = None
    intervals: tuple[tuple[float, ...], tuple[float, ...]] | None = None  # bars: (low, high) of the first series


@dataclass(frozen=True, eq=False)
class Section:
    """One part of the report: ``skipped`` holds the reason in words when it could not run (then it has no
    tables or charts)."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    skipped: str | None = None


@dataclass(frozen=True, eq=False)
class Report:
    """The whole report: its sections in order, the settings and source files (appendix)."""

    title: str
    lang: str
    sections: tuple[Section, ...]
    settings_rows: tuple[tuple[str, str], ...]
    sources: tuple[tuple[str, str], ...]
    generated_at: datetime | None = None  # when it was written (the caller's clock; None: not said)
    currency: str = ""
    as_of: date | None = None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def build_report(inputs: ReportInputs, *, choice: ReportChoice = ReportChoice(), lang: str = "en",
                 progress: Callable[[int, int, str], None] | None = None,
                 generated_at: datetime | None = None) -> Report:
    """Compute every section of ``choice`` (in :data:`SECTIONS` order) and return the report.

    ``progress(done, total, key)`` is called before each section (done = sections finished so far) and once at
    the end (done = total).  A section whose computation raises is kept as skipped with the reason in words:
    the message of a :class:`DataError`, else :data:`rp_skip_failed` naming the error; never a traceback.
    ``generated_at`` is the time written on the report (the app's and the CLI's clock: crm_core reads none).
    """
    from crm_core import pipeline
    from crm_core.measure import report_sections
    from crm_core.measure.report_texts import word
    from crm_core.settings import AnalysisSettings

    settings = inputs.settings or AnalysisSettings()
    result = inputs.loaded.result
    as_of = inputs.as_of or settings.as_of or pipeline.default_as_of(result.orders)
    context = report_sections.Context(inputs=inputs, settings=settings, choice=choice, lang=lang, as_of=as_of)
    keys = [k for k in SECTIONS if k in choice.sections]
    sections = []
    for done, key in enumerate(keys):
        if progress is not None:
            progress(done, len(keys), key)
        problem = inputs.problems.get(key)
        sections.append(report_sections.Section(key=key, title=word(key, lang), skipped=problem) if problem
                        else report_sections.run(key, context))
    if progress is not None:
        progress(len(keys), len(keys), "")
    return Report(title=word("report_title", lang), lang=lang, sections=tuple(sections),
                  settings_rows=tuple(report_sections.settings_rows(settings, choice, lang, as_of,
                                                                    inputs.currency)),
                  sources=_sources(inputs.sources), generated_at=generated_at,
                  currency=inputs.currency, as_of=as_of)


def _sources(sources: tuple) -> tuple[tuple[str, str], ...]:
    out = []
    for item in sources:
        if isinstance(item, tuple | list):
            out.append((str(item[0]), str(item[1]) if len(item) > 1 and item[1] is not None else ""))
        else:
            out.append((str(item), ""))
    return tuple(out)


def report_html(report: Report) -> str:
    """The report as one self-contained HTML page (:func:`crm_core.measure.report_html.report_html`)."""
    from crm_core.measure import report_html as writer

    return writer.report_html(report)


def report_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook (:func:`crm_core.measure.report_xlsx.report_xlsx`)."""
    from crm_core.measure import report_xlsx as writer

    return writer.report_xlsx(report)
