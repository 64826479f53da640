"""The base of every typed template context, and how its fields become template variables."""

from __future__ import annotations

import dataclasses
from typing import Any


class View:
    """Marker base of every template record (generator/writing/stories/views.py).

    Records are frozen dataclasses of plain data, so the template sandbox reads their fields
    without its slower checked path (generator/writing/render.py).
    """

    __slots__ = ()


def context_variables(context: View) -> dict[str, Any]:
    """A context's fields as the template's top-level variables (shallow: records stay records)."""
    return {field.name: getattr(context, field.name) for field in dataclasses.fields(context)}  # type: ignore[arg-type]
