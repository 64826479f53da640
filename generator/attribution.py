"""Who said a quotation: the speaker, role and organisation a text gives beside its quote marks.

The writer uses it to attribute what it quotes from a source; the checker uses it to verify that an
article names the speaker and organisation the source names. Source text can be long and hostile, so
everything here runs in linear time: quotation spans are found with a pattern that cannot backtrack,
and attributions are read from a bounded window beside each span with anchored patterns.

Recognised (AP style and common release style), with straight or curly marks:
    “Quoted words,” said Mara Quell, chief executive of Helix Microdevices.
    “Quoted words,” Mara Quell, chief executive of Helix Microdevices, said.
    “Quoted words,” Quell said.        (a surname resolves to the speaker named earlier)
    Mara Quell, chief executive of Helix Microdevices, said: “Quoted words.”
A quotation with no attribution of its own that follows an attributed one in the same paragraph
continues it, as AP writes a second quoted sentence: “First,” said Quell. “Second.”
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPAN = re.compile(r"[“\"]([^“”\"\n]{1,3000})[”\"]")
_NAME = r"[A-Z][\w'’.&-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][\w'’.&-]*){0,4}"
_VERB = r"(?:said|says|added|adds|wrote|writes|noted|told\s+analysts)"
_AFTER_VERB_FIRST = re.compile(rf"[ \t]*{_VERB}\s+(?P<name>{_NAME})")
_AFTER_NAME_FIRST = re.compile(rf"[ \t]*(?P<name>{_NAME})(?P<role>,[^,.;\n]{{1,200}},)?\s+{_VERB}\b")
_BEFORE = re.compile(rf"(?P<name>{_NAME})(?P<role>,[^,.;\n]{{1,200}},)?\s+{_VERB}:?\s*$")
_WINDOW = 320  # characters beside a quote in which its attribution must appear
_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_ORG_MARKERS = (" of ", " at ")


@dataclass(frozen=True, slots=True)
class Attributed:
    """A quotation and whoever the text says said it (None where it does not say)."""

    text: str  # the words inside the marks, without the comma AP sets before the closing mark
    speaker: str | None
    role: str | None
    organisation: str | None  # from the role: "chief executive of Helix" -> "Helix"
    start: int  # offsets of the opening and closing marks' span in the text
    end: int


def attributed_quotes(text: str) -> list[Attributed]:
    """Every quotation in `text` with its attribution, in order."""
    text = _unwrap(text)
    found: list[Attributed] = []
    known: dict[str, tuple[str, str | None, str | None]] = {}  # surname -> (full name, role, org)
    for match in _SPAN.finditer(text):
        inner = match.group(1).strip().rstrip(",").strip()
        speaker, role = _attribution(text, match.start(), match.end())
        organisation = organisation_of(role)
        if speaker and " " not in speaker and speaker in known and role is None:
            speaker, role, organisation = known[speaker]
        elif speaker and " " in speaker:
            known[speaker.split()[-1]] = (speaker, role, organisation)
        elif speaker is None and found and found[-1].speaker:
            previous = found[-1]
            if "\n\n" not in text[previous.end : match.start()]:  # same paragraph: it continues
                speaker, role, organisation = previous.speaker, previous.role, previous.organisation
        found.append(Attributed(inner, speaker, role, organisation, match.start(), match.end()))
    return found


def organisation_of(role: str | None) -> str | None:
    """The organisation a role names after its last " of " or " at ", when it is capitalised."""
    if not role:
        return None
    for marker in _ORG_MARKERS:
        position = role.rfind(marker)
        if position >= 0:
            rest = role[position + len(marker) :].strip()
            if rest[:1].isupper():
                return rest
    return None


HEADER_KEYS = ("tickers", "url", "published", "publisher", "organisation", "speaker", "role", "kind")


def document_headers(text: str) -> tuple[str, dict[str, str], int]:
    """A source document's title line, its `key: value` header lines, and the line its body starts on.

    Contract 1: the first line is the title; header lines with a known key follow; then the body.
    """
    lines = text.splitlines()
    headers: dict[str, str] = {}
    body_start = 1
    for index, line in enumerate(lines[1:], start=1):
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in HEADER_KEYS:
            headers[key.strip().lower()] = value.strip()
            body_start = index + 1
        else:
            break
    return (lines[0].strip() if lines else ""), headers, body_start


def attribution_beside(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(speaker, role) that `text` gives beside the quotation spanning text[start:end]."""
    return _attribution(_unwrap(text), start, end)


def _unwrap(text: str) -> str:
    """Hard-wrapped lines joined (a single line break is a space); offsets stay as they were."""
    return _LINE_BREAK.sub(" ", text)


def _attribution(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    after = text[end : end + _WINDOW]
    match = _AFTER_VERB_FIRST.match(after)
    if match:
        rest = after[match.end() :]
        role = _role_after(rest)
        return match.group("name").strip(), role
    match = _AFTER_NAME_FIRST.match(after)
    if match:
        return match.group("name").strip(), _strip_role(match.group("role"))
    before = text[max(0, start - _WINDOW) : start]
    line_start = before.rfind("\n") + 1
    match = _BEFORE.search(before, line_start)
    if match:
        return match.group("name").strip(), _strip_role(match.group("role"))
    return None, None


def _role_after(rest: str) -> str | None:
    """ ", chief executive of Helix." -> "chief executive of Helix" (up to the sentence's end)."""
    if not rest.startswith(","):
        return None
    end = len(rest)
    for stop in (". ", ".\n", ";", "\n"):
        position = rest.find(stop)
        if 0 <= position < end:
            end = position
    if rest.endswith(".") and end == len(rest):
        end -= 1
    role = rest[1:end].strip()
    return role or None


def _strip_role(role: str | None) -> str | None:
    return role.strip(", ").strip() or None if role else None
