"""The base of every typed template context, and how its fields become template variables."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class View:
    """Marker base of every template record (generator/writing/stories/views.py).

    Records are frozen dataclasses of plain data, so the template sandbox reads their fields
    without its slower checked path (generator/writing/render.py).
    """

    __slots__ = ()


def context_variables(context: View) -> dict[str, Any]:
    """A context's fields as the template's top-level variables (shallow: records stay records)."""
    return {field.name: getattr(context, field.name) for field in dataclasses.fields(context)}  # type: ignore[arg-type]


class Lazy(Mapping[K, V]):
    """A mapping of known keys whose values are built on first read; a None value is no key.

    A brief's context offers every window's return and every figure, and its template prints a
    handful: building only those keeps rendering fast. `x["1D"] is defined` in a template builds
    that one value and reads as undefined when it is unknown.
    """

    __slots__ = ("_build", "_built", "_keys")

    def __init__(self, keys: Iterable[K], build: Callable[[K], V | None]) -> None:
        self._keys = tuple(keys)
        self._build = build
        self._built: dict[K, V | None] = {}

    def __getitem__(self, key: K) -> V:
        if key not in self._built:
            if key not in self._keys:
                raise KeyError(key)
            self._built[key] = self._build(key)
        value = self._built[key]
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[K]:
        return (key for key in self._keys if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)
