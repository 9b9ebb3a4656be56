"""Cached wrappers of :mod:`crm_core.measure.abtest` for the A/B test page.

Same rules as :mod:`ui.cached`: nothing cached takes a DataFrame as a key.  An uploaded table travels in a
:class:`ui.cached_predict.TableKey` (hashed on its SHA-256, never on its bytes) and is read once by
:func:`ui.cached_predict.raw_table`; the variants are frozen dataclasses and the choice is a frozen
:class:`~crm_core.measure.abtest.AbChoice`, both hashed exactly.
"""

from __future__ import annotations

from crm_core.measure.abtest import AbChoice, AbResult, Variant, ab_test, variants_from_table
from ui import cached_predict
from ui.cached_predict import TableKey

__all__ = ["CACHES", "result", "variants"]


@cached_predict._cache(16)
def variants(key: TableKey, columns: tuple[tuple[str, str | None], ...]) -> tuple[Variant, ...]:
    """The variants of an uploaded table with the chosen columns (role -> header pairs; DataError as
    :func:`crm_core.measure.abtest.variants_from_table` raises it)."""
    frame = cached_predict.raw_table(key).frame
    return variants_from_table(frame, **dict(columns))


@cached_predict._cache(32)
def result(chosen: tuple[Variant, ...], choice: AbChoice) -> AbResult:
    """:func:`crm_core.measure.abtest.ab_test` of the variants (a copy per hit)."""
    return ab_test(chosen, choice)


CACHES = (variants, result)  # the variants come from customers' data: cleared with the rest ("Clear my data")
