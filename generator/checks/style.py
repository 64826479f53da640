"""style.*: house style every published article follows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from pydantic import BaseModel, ConfigDict, field_validator

from generator.checks.base import Article, Hit, Rule


class StyleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    disclosure_pattern: str

    @field_validator("disclosure_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
        return value

    @cached_property
    def disclosure(self) -> re.Pattern[str]:
        return re.compile(self.disclosure_pattern)


class StyleDisclosure(Rule):
    """The disclosure line is missing.

    Every published article says how it was made: "AI-drafted from named sources and checked
    against <publication> publishing rules before release." (pattern in rules/style.yaml).

    Bad: an article that ends with its last paragraph of analysis.

    Good::

        *AI-drafted from named sources and checked against Newsdesk publishing rules before release.*
    """

    id = "style.disclosure"
    settings: StyleSettings

    def check(self, article: Article) -> Iterable[Hit]:
        doc = article.document
        prose = " ".join(" ".join(block.text for block in doc.blocks).split())
        if self.settings.disclosure.search(prose) is None:
            last = next((n for n in range(len(doc.lines), 0, -1) if doc.lines[n - 1].strip()), 1)
            yield Hit(last, 1, "the disclosure line is missing")
