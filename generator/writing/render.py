"""Render article templates into `Article` records.

Templates are editable by editors, so they run in Jinja's sandbox with StrictUndefined: a missing
value stops the render with the template, line and variable named, instead of printing a blank.
Figures reach the text only through filters that take a `Fact` and record it, so the sidecar lists
exactly the facts the article states and the checker can trace every number.

Filters: fig (signed display), size (unsigned display), numeral (a count as digits), move (verb +
figure), versus (relative performance), summary (an Alpha Score sentence and its facts), sign
(direction as displayed, for choosing words), upfirst. Globals: choose, window, ap_date, join, plural.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_context
from jinja2.sandbox import SandboxedEnvironment

from generator import apstyle
from generator.errors import RenderError
from generator.models import AlphaScore, Article, Fact, FrontMatter, SourceRef
from generator.writing.phrasing import Voice, WritingRules, displayed_value, magnitude

# Text that must never reach a reader: unrendered values (as whole words) and template syntax.
_LEAK_WORDS = ("nan", "NaN", "None", "inf", "Infinity")
_LEAK_MARKS = ("{{", "}}", "{%", "%}")
_STATE = "render_state"


class RenderState:
    """Per-article state the filters share: the phrasing voice and the facts printed so far."""

    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.used: dict[str, Fact] = {}

    def record(self, fact: Fact) -> Fact:
        if isinstance(fact, jinja2.Undefined):
            fact._fail_with_undefined_error()  # raises UndefinedError naming the variable
        if not isinstance(fact, Fact):
            raise jinja2.TemplateRuntimeError(
                f"expected a fact, got {type(fact).__name__} {fact!r}: figures must come from facts"
            )
        self.used.setdefault(fact.id, fact)
        return fact


def _state(context: jinja2.runtime.Context) -> RenderState:
    return context[_STATE]


@pass_context
def _fig(context, fact: Fact) -> str:
    return _state(context).record(fact).display


@pass_context
def _size(context, fact: Fact) -> str:
    return magnitude(_state(context).record(fact))


@pass_context
def _move(context, fact: Fact, tense: str = "past") -> str:
    state = _state(context)
    return state.voice.move(state.record(fact), tense)


@pass_context
def _versus(context, fact: Fact, other: str, tense: str = "past") -> str:
    state = _state(context)
    return state.voice.versus(state.record(fact), other, tense)


@pass_context
def _numeral(context, fact: Fact) -> str:
    """A count as digits, for tables (AP spells out one to nine only in prose)."""
    return apstyle.number(_state(context).record(fact).value, 0)


def _upfirst(text: str) -> str:
    """Capitalise the first letter only ("EBITDA margin" stays as is; Jinja's capitalize would not)."""
    return text[:1].upper() + text[1:]


def _sign(fact: Fact) -> int:
    """Direction of the figure as displayed: 1, 0 or -1 (for choosing words, prints nothing)."""
    shown = displayed_value(fact)
    return (shown > 0) - (shown < 0)


@pass_context
def _summary(context, score: AlphaScore, facts: Mapping[str, Fact]) -> str:
    """The score's published sentence; records the figures it contains (score, counts, cap)."""
    state = _state(context)
    keys = ["alpha", "available", "total", "cap", "minimum"] + [f"signal.{name}" for name in score.signals]
    for key in keys:
        if key in facts:
            state.record(facts[key])
    return score.summary


@pass_context
def _choose(context, *options: str) -> str:
    return _state(context).voice.choose(options)


@pass_context
def _window(context, name: str) -> str:
    return _state(context).voice.window(name)


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with a fast path for the plain dicts our contexts are made of.

    `story.name` on a dict is an item lookup, which the sandbox allows anyway; skipping its attribute
    safety checks for keys that exist halves the cost of the hundred lookups a brief makes. Anything
    else (dict methods, objects) takes the sandbox's normal, checked path.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class ArticleWriter:
    """Compiles templates once per process and renders articles from prepared contexts."""

    def __init__(self, templates_dir: Path, rules: WritingRules, globals_: Mapping[str, Any]) -> None:
        self.templates_dir = templates_dir
        self.rules = rules
        self.env = _Sandbox(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            fig=_fig,
            size=_size,
            numeral=_numeral,
            move=_move,
            versus=_versus,
            summary=_summary,
            sign=_sign,
            upfirst=_upfirst,
        )
        self.env.globals.update(
            choose=_choose,
            window=_window,
            ap_date=apstyle.date,
            join=apstyle.join,
            plural=apstyle.plural,
            **globals_,
        )
        self._templates: dict[str, jinja2.Template] = {}

    def template(self, kind: str) -> jinja2.Template:
        if kind not in self._templates:
            name = f"{kind}.md.j2"
            try:
                self._templates[kind] = self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                raise RenderError(
                    f"{self.templates_dir / (exc.name or name)}, line {exc.lineno}: {exc.message}"
                ) from None
            except jinja2.TemplateNotFound as exc:
                raise RenderError(f"{self.templates_dir / str(exc.name)}: template not found") from None
        return self._templates[kind]

    def render(
        self,
        *,
        kind: str,
        slug: str,
        date: dt.date,
        tickers: list[str],
        sources: list[SourceRef],
        scores: list[AlphaScore],
        context: Mapping[str, Any],
    ) -> Article:
        """Render one article; the H1 of the body becomes the front-matter title."""
        state = RenderState(Voice(self.rules, f"{slug}|{date.isoformat()}"))
        template = self.template(kind)
        try:
            body = template.render({**context, _STATE: state})
        except jinja2.TemplateError as exc:
            raise RenderError(f"{self._where(exc, template)}: {exc}") from None
        body = _tidy(body)
        leak = find_leak(body)
        if leak is not None:
            position, text = leak
            line = body.count("\n", 0, position) + 1
            raise RenderError(f"{self.templates_dir / template.name}: output line {line} contains {text!r}")
        title = _title(body)
        if not title:
            raise RenderError(
                f"{self.templates_dir / template.name}: the article must start with a '# ' headline"
            )
        front_matter = FrontMatter(
            title=title, slug=slug, date=date, kind=kind, tickers=tickers, sources=sources
        )
        return Article(front_matter=front_matter, body=body, facts=list(state.used.values()), scores=scores)

    def _where(self, exc: BaseException, template: jinja2.Template) -> str:
        """'templates/x.md.j2, line N' from the innermost template frame of the traceback."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and frame.filename.endswith(".j2"):
                return f"{frame.filename}, line {frame.lineno}"
        return str(self.templates_dir / (template.name or "?"))


_CONTINUES = (("- ", "- "), ("|", "|"), (">", ">"))


def find_leak(text: str) -> tuple[int, str] | None:
    """Where an unrendered value or template syntax shows in the text, if anywhere.

    str.find per word, then a boundary check, is ~5x faster than one regex with \\b alternatives,
    and this runs on every article ("financial" contains "nan", so boundaries matter).
    """
    for mark in _LEAK_MARKS:
        position = text.find(mark)
        if position >= 0:
            return position, mark
    for word in _LEAK_WORDS:
        position = text.find(word)
        while position >= 0:
            end = position + len(word)
            before = text[position - 1] if position else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                return position, word
            position = text.find(word, end)
    return None


def _tidy(body: str) -> str:
    """Give every block its blank line, whatever whitespace template logic left behind.

    Templates write one block per line (a paragraph, a heading, a list item, a table row); only
    consecutive list items, table rows and quote lines belong together. Output ends with one newline.
    """
    lines: list[str] = []
    for line in body.split("\n"):
        line = line.rstrip()
        if line and lines and lines[-1]:
            previous = lines[-1].lstrip()
            if not any(previous.startswith(a) and line.lstrip().startswith(b) for a, b in _CONTINUES):
                lines.append("")
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def _title(body: str) -> str:
    first = body.split("\n", 1)[0]
    return first[2:].strip() if first.startswith("# ") else ""
