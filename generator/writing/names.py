"""Company names as a wire service writes them, and which tickers are one company.

Vendors write "Gap (The)", "Lilly (Eli) & Co.", "Nvidia Corporation", "Alphabet Inc Class A". AP
style writes "Gap Inc.", "Eli Lilly & Co.", "Nvidia Corp.", "Alphabet Inc." on first reference and
"Alphabet" after it. Rules (rules/names.yaml) fix most names; an editorial map (editorial/names.yaml)
fixes the rest and wins. Share classes of one company ("... Class A" and "... Class C", or a pair the
map lists) are one company: it gets one brief that names every ticker, led by its first class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from generator.rulefiles import load_rule_file

_TRAILING_PARENTHETICAL = re.compile(r"^(?P<head>[^()]*?)\s*\((?P<inner>[^()]*)\)(?P<tail>[^()]*)$")
_SPACED_INITIALS = re.compile(r"\b(?:[A-Z]\. )+[A-Z]\.(?= )")


class NameRules(BaseModel):
    """rules/names.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suffixes: dict[str, str]
    leading_articles: list[str]
    legal_suffixes: list[str]
    not_a_given_name: list[str]
    share_class_pattern: str

    @field_validator("share_class_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            if "share_class" not in re.compile(value).groupindex:
                raise ValueError("the pattern needs a group named share_class")
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
        return value

    @cached_property
    def share_class(self) -> re.Pattern[str]:
        return re.compile(self.share_class_pattern)


class NameMap(BaseModel):
    """editorial/names.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    names: dict[str, str] = Field(default_factory=dict)
    short_names: dict[str, str] = Field(default_factory=dict)  # AP name -> name on later references
    merge_share_classes: bool = True
    share_classes: dict[str, list[str]] = Field(default_factory=dict)
    class_letters: dict[str, Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]] = Field(
        default_factory=dict
    )  # ticker -> its share class, where the data's name marks none


def load_names(rules_dir: Path, editorial_dir: Path) -> tuple[NameRules, NameMap]:
    mapping_file = editorial_dir / "names.yaml"
    mapping = load_rule_file(mapping_file, NameMap) if mapping_file.is_file() else NameMap()
    return load_rule_file(rules_dir / "names.yaml", NameRules), mapping


@dataclass(frozen=True)
class Company:
    """One company: how to name it and the tickers of its share classes, the leading one first."""

    name: str  # first reference, AP style: "Alphabet Inc."
    short: str  # later references: "Alphabet"
    tickers: tuple[str, ...]


class Names:
    """Display names and companies for a snapshot's tickers."""

    def __init__(self, raw_names: Mapping[str, str], rules: NameRules, mapping: NameMap) -> None:
        self._rules, self._map = rules, mapping
        self._display: dict[str, str] = {}
        self._class: dict[str, str | None] = {}
        for ticker, raw in raw_names.items():
            name, share_class = self._split_class(mapping.names.get(raw, raw))
            self._display[ticker] = ap_name(name, rules)
            self._class[ticker] = share_class or mapping.class_letters.get(ticker)
        self._companies = self._group(raw_names)

    def name(self, ticker: str) -> str:
        """The company's first-reference name ("Alphabet Inc."), without a share class."""
        return self.company(ticker).name

    def short(self, ticker: str) -> str:
        return self.company(ticker).short

    def company(self, ticker: str) -> Company:
        return self._companies[ticker]

    def company_key(self, ticker: str) -> str:
        """One key per company (its leading ticker), to merge share classes in rankings."""
        return self._companies[ticker].tickers[0]

    def share_class(self, ticker: str) -> str | None:
        """ "A" for "Alphabet Inc Class A"; None when the data marks no class."""
        return self._class.get(ticker)

    def _split_class(self, raw: str) -> tuple[str, str | None]:
        match = self._rules.share_class.search(raw)
        if match is None:
            return raw, None
        return raw[: match.start()].rstrip(" -"), match.group("share_class")

    def _group(self, raw_names: Mapping[str, str]) -> dict[str, Company]:
        by_name: dict[str, list[str]] = {}
        for ticker in raw_names:
            by_name.setdefault(self._display[ticker], []).append(ticker)
        listed = {t: members for members in self._map.share_classes.values() for t in members}
        companies: dict[str, Company] = {}
        for name, tickers in by_name.items():
            merge = self._map.merge_share_classes and len(tickers) > 1
            groups: Iterable[list[str]] = (
                [_class_order(tickers, self._class, listed)] if merge else [[t] for t in tickers]
            )
            short = self._map.short_names.get(name) or short_name(name, self._rules)
            for members in groups:
                company = Company(name, short, tuple(members))
                companies.update(dict.fromkeys(members, company))
        return companies


def _class_order(
    tickers: list[str], classes: Mapping[str, str | None], listed: Mapping[str, list[str]]
) -> list[str]:
    """The editorial order when the map lists them, else by share class letter, then ticker."""
    for ticker in tickers:
        if ticker in listed:
            order = [t for t in listed[ticker] if t in tickers]
            return order + sorted(t for t in tickers if t not in order)
    return sorted(tickers, key=lambda t: (classes.get(t) or "~", t))


def ap_name(raw: str, rules: NameRules) -> str:
    """A vendor's company name in AP style: parenthetical moved or dropped, suffix abbreviated,
    initials closed up ("C. H. Robinson" -> "C.H. Robinson"), a leading "The" dropped before a
    legal suffix ("The Mosaic Company" -> "Mosaic Co.")."""
    name = " ".join(raw.replace(", Inc", " Inc").split())
    name = _SPACED_INITIALS.sub(lambda m: m.group(0).replace(" ", ""), name)
    match = _TRAILING_PARENTHETICAL.match(name)
    if match:
        inner, head, tail = match.group("inner").strip(), match.group("head"), match.group("tail").strip()
        words = inner.split()
        given = 0 < len(words) <= 3 and not any(word in rules.not_a_given_name for word in words)
        name = " ".join(part for part in ((inner if given else ""), head, tail) if part)
    words = name.split()
    if words and words[-1] in rules.suffixes:
        words[-1] = rules.suffixes[words[-1]]
    if len(words) > 2 and words[0] in rules.leading_articles and words[-1] in rules.legal_suffixes:
        words = words[1:]
    return " ".join(words)


def short_name(name: str, rules: NameRules) -> str:
    """The name on later references: its legal suffix and a leading "The" dropped.

    "Apple Inc." -> "Apple", "The Bank of New York Mellon Corp." -> "Bank of New York Mellon"; initials
    stay ("C.R. Bard", "U.S. Bancorp", "T. Rowe Price"), as AP keeps them on every reference.
    """
    short = name
    for suffix in sorted(rules.legal_suffixes, key=len, reverse=True):
        if short.endswith(" " + suffix):
            short = short[: -len(suffix) - 1].rstrip(" ,")
            break
    return short.removeprefix("The ") or name
