"""Saving and reading the measurement pages' choices (the ``*Choice`` dataclasses the settings file holds)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from crm_core.schema import DataError

C = TypeVar("C")


def choice_to_dict(choice: object) -> dict[str, Any]:
    """The choice's fields as JSON values (tuples as lists)."""
    return {f.name: _plain(getattr(choice, f.name)) for f in dataclasses.fields(choice)}


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


def choice_from_dict(cls: type[C], data: Mapping[str, Any]) -> C:
    """A choice saved by :func:`choice_to_dict`: missing keys keep their defaults, unknown keys are ignored, lists
    become tuples.  A value the dataclass refuses (its ``__post_init__`` raises DataError) keeps its own message;
    a value of the wrong kind raises DataError ``measure_bad_option`` naming the option."""
    defaults = choice_to_dict(cls())
    known: dict[str, Any] = {}
    for name, default in defaults.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(default, list):
            if not isinstance(value, list):
                raise DataError("measure_bad_option", option=name, value=str(value))
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise DataError("measure_bad_option", option=name, value=str(value))
        elif isinstance(default, int | float) and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise DataError("measure_bad_option", option=name, value=str(value))
        elif isinstance(default, str) and not isinstance(value, str):
            raise DataError("measure_bad_option", option=name, value=str(value))
        known[name] = value
    try:
        return cls(**known)
    except DataError:  # the choice's own message (e.g. ab_bad_confidence), as the docstring says
        raise
    except (TypeError, ValueError):
        raise DataError("measure_bad_option", option=next(iter(known), "?"), value=str(dict(known))) from None
