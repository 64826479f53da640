"""Render article templates into `Article` records.

Templates are editable by editors, so they run in Jinja's sandbox with StrictUndefined: a missing
value stops the render with the template, line and variable named, instead of printing a blank.
Figures reach the text only through filters that take a `Fact` and record it, so the sidecar lists
exactly the facts the article states and the checker can trace every number.

Each filter also records the claim its words make (subject, predicate, facts): `move` a direction,
`versus` a comparison, `ranked` a ranking over the facts it compared, the others that a figure is
stated. A claim is marked in the output with two private-use characters while rendering; once the
text is final the marks give each claim its sentence and are removed, so the sidecar says which
sentence makes which claim.

Filters: fig (signed display), size (unsigned display), numeral (a count as digits), nth (a count as
an ordinal), move (verb + figure), versus (relative performance), change (a score against its
earlier value), ranked (a ranking phrase), summary (an Alpha Score sentence and its facts), sign
(direction as displayed, for choosing words), upfirst. Globals: fit (the first headline form within
the length limit), choose, window, ap_date, join, plural.
"""

from __future__ import annotations

import datetime as dt
import math
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_context
from jinja2.sandbox import SandboxedEnvironment

from generator import apstyle
from generator.errors import RenderError
from generator.models import AlphaScore, Article, Chart, Claim, Fact, FrontMatter, SourceRef
from generator.prose import sentence_spans
from generator.writing.context import View, context_variables
from generator.writing.phrasing import Voice, WritingRules, direction, displayed_value, magnitude

_STATE = "render_state"
_MARK = "\ue000"  # followed by one character that encodes the claim's number
_MARK_BASE = 0xE100
_MAX_CLAIMS = 0xF8FF - _MARK_BASE  # private-use characters available to number claims


@dataclass(frozen=True)
class Ranking:
    """A ranking a story states: `fact` is first (or last) among `among`; `left_out` were not compared."""

    fact: Fact
    position: str  # "first" | "last"
    among: tuple[Fact, ...]
    left_out: tuple[Fact, ...] = ()


class RenderState:
    """Per-article state the filters share: the phrasing voice, the facts and the claims so far."""

    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.used: dict[str, Fact] = {}
        self.claims: list[tuple] = []  # Claim fields but the sentence, which is known after rendering

    def record(self, fact: Fact) -> Fact:
        if isinstance(fact, jinja2.Undefined):
            fact._fail_with_undefined_error()  # raises UndefinedError naming the variable
        if not isinstance(fact, Fact):
            raise jinja2.TemplateRuntimeError(
                f"expected a fact, got {type(fact).__name__} {fact!r}: figures must come from facts"
            )
        self.used.setdefault(fact.id, fact)
        return fact

    def checkpoint(self) -> tuple:
        """What rendering has recorded so far, to undo a passage that is tried and not used."""
        return len(self.claims), tuple(self.used), self.voice.snapshot()

    def rollback(self, checkpoint: tuple) -> None:
        claims, used, voice = checkpoint
        del self.claims[claims:]
        kept = set(used)
        self.used = {key: fact for key, fact in self.used.items() if key in kept}
        self.voice.restore(voice)

    def claim(self, predicate: str, facts: list[Fact], text: str, **extra: tuple[str, ...]) -> str:
        """Record a claim and return `text` marked so its sentence can be found after rendering."""
        for fact in facts:
            self.record(fact)
        if len(self.claims) >= _MAX_CLAIMS:
            raise jinja2.TemplateRuntimeError(f"more than {_MAX_CLAIMS} figures in one article")
        subject = next((f.subject for f in facts if f.subject), "")
        among, left_out = extra.get("among", ()), extra.get("left_out", ())
        self.claims.append((subject, predicate, tuple(f.id for f in facts), text, among, left_out))
        return f"{_MARK}{chr(_MARK_BASE + len(self.claims) - 1)}{text}"


def _state(context: jinja2.runtime.Context) -> RenderState:
    return context[_STATE]


@pass_context
def _fig(context, fact: Fact) -> str:
    state = _state(context)
    return state.claim("states", [fact], state.record(fact).display)


@pass_context
def _size(context, fact: Fact) -> str:
    state = _state(context)
    return state.claim("states", [fact], magnitude(state.record(fact)))


_DIRECTIONS = {1: "rose", 0: "unchanged", -1: "fell"}
_COMPARISONS = {1: "outperformed", 0: "matched", -1: "underperformed"}


@pass_context
def _move(context, fact: Fact, tense: str = "past", against: Fact | None = None) -> str:
    state = _state(context)
    words = state.voice.move(state.record(fact), tense, against=against)
    return state.claim(_DIRECTIONS[direction(fact)], [fact], words)


@pass_context
def _versus(context, fact: Fact, other: str, tense: str = "past") -> str:
    state = _state(context)
    words = state.voice.versus(state.record(fact), other, tense)
    return state.claim(_COMPARISONS[direction(fact)], [fact], words)


@pass_context
def _ranked(context, ranking: Ranking, words: str) -> str:
    """Print a ranking phrase ("the biggest gain in the S&P 500") and record what it ranks over."""
    state = _state(context)
    if not isinstance(ranking, Ranking):
        raise jinja2.TemplateRuntimeError(f"ranked needs a ranking, got {type(ranking).__name__}")
    for fact in (*ranking.among, *ranking.left_out):
        state.record(fact)
    return state.claim(
        f"ranks_{ranking.position}",
        [ranking.fact],
        words,
        among=tuple(f.id for f in ranking.among),
        left_out=tuple(f.id for f in ranking.left_out),
    )


@pass_context
def _change(context, change: Any, tense: str = "past") -> str:
    """A score against its earlier value, "rose to 72 from 58", recorded as a rise or fall of the
    change (the first fact), with the current and earlier scores."""
    state = _state(context)
    if not hasattr(change, "change") or not isinstance(change.change, Fact):
        raise jinja2.TemplateRuntimeError(f"change needs a score change, got {type(change).__name__}")
    words = state.voice.change(change.change, change.current, change.previous, tense)
    facts = [change.change, change.current, change.previous]
    return state.claim(_DIRECTIONS[direction(change.change)], facts, words)


@pass_context
def _nth(context, fact: Fact) -> str:
    """A count as an AP ordinal ("eighth", "12th"): "its eighth straight gain"."""
    state = _state(context)
    return state.claim("states", [fact], apstyle.ordinal_word(state.record(fact).value))


@pass_context
def _ap_date(context, value: dt.date, year: bool | None = None, comma: bool = False) -> str:
    """An AP date, with the year only when it is not the article's: "Oct. 23" in a story of
    Nov. 10, 2017, "Dec. 15, 2016" in the same story (`year` decides otherwise; without the
    article's date the year is shown). With `comma`, a year shown mid-sentence is closed by one,
    as AP sets it off: "from Dec. 30, 2016, to Nov. 10", but "from March 16 to Nov. 10"."""
    if year is None:
        as_of = context.get("as_of")
        year = not isinstance(as_of, dt.date) or value.year != as_of.year
    return apstyle.date(value, year=year) + ("," if comma and year else "")


@pass_context
def _fit(context, *candidates: Any) -> str:
    """The first candidate (a macro) whose text fits the headline limit in rules/writing.yaml, else
    the shortest (a very long company name should not stop a run; templates end with a short form).

    Candidates not used leave nothing behind: their facts, claims and phrasing choices are undone.
    """
    state = _state(context)
    limit = state.voice.rules.headline_max_chars
    shortest: tuple[int, int] | None = None
    for position, candidate in enumerate(candidates):
        checkpoint = state.checkpoint()
        text = str(candidate()).strip()
        length = len(_unmarked(text))
        if length <= limit:
            return text
        if shortest is None or length < shortest[0]:
            shortest = (length, position)
        state.rollback(checkpoint)
    if shortest is None:
        raise jinja2.TemplateRuntimeError("fit() needs at least one headline form")
    return str(candidates[shortest[1]]()).strip()


def _unmarked(text: str) -> str:
    """Text as the reader will see it: without the two-character claim marks."""
    if _MARK not in text:
        return text
    parts = text.split(_MARK)
    return parts[0] + "".join(part[1:] for part in parts[1:])


@pass_context
def _numeral(context, fact: Fact) -> str:
    """A count as digits, for tables (AP spells out one to nine only in prose)."""
    state = _state(context)
    return state.claim("states", [fact], apstyle.number(state.record(fact).value, 0))


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
    stated = [facts[key] for key in keys if key in facts]
    return state.claim("states", stated, score.summary) if stated else score.summary


@pass_context
def _choose(context, *options: str) -> str:
    return _state(context).voice.choose(options)


@pass_context
def _window(context, name: str) -> str:
    return _state(context).voice.window(name)


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with a fast path for the plain dicts our contexts are made of.

    `story.name` on a dict is an item lookup, which the sandbox allows anyway; skipping its attribute
    safety checks for keys that exist halves the cost of the hundred lookups a brief makes. The same
    goes for the fields of the typed context records (`View`), which are data and nothing else.
    Anything else (dict methods, other objects) takes the sandbox's normal, checked path.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        if isinstance(obj, View) and not attribute.startswith("_"):
            # a template record's field: plain data by construction (generator/writing/stories/views)
            try:
                return object.__getattribute__(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class ArticleWriter:
    """Compiles templates once per process and renders articles from prepared contexts."""

    def __init__(self, templates_dir: Path, rules: WritingRules, globals_: Mapping[str, Any]) -> None:
        self.templates_dir = templates_dir
        self.rules = rules
        self.env = _Sandbox(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            auto_reload=False,  # templates do not change during a run: no stat() per include
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            finalize=_printable,
        )
        self.env.filters.update(
            fig=_fig,
            size=_size,
            numeral=_numeral,
            move=_move,
            versus=_versus,
            ranked=_ranked,
            summary=_summary,
            sign=_sign,
            upfirst=_upfirst,
            change=_change,
            nth=_nth,
            possessive=apstyle.possessive,
        )
        self.env.globals.update(
            fit=_fit,
            choose=_choose,
            window=_window,
            ap_date=_ap_date,
            join=apstyle.join,
            plural=apstyle.plural,
            **globals_,
        )
        self._templates: dict[str, jinja2.Template] = {}

    def template(self, name: str) -> jinja2.Template:
        """A template by name without ".md.j2" ("alpha_brief", "alpha_brief/record"), compiled once."""
        kind = name
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
        context: View | Mapping[str, Any],
        template: str | None = None,
        charts: list[Chart] | None = None,
        chart_facts: list[Fact] | None = None,
    ) -> Article:
        """Render one article (with `template`, default `kind`); the body's H1 becomes the title.

        The sidecar's facts are those the text states, then those only its charts plot."""
        compiled = self.template(template or kind)
        body, facts, claims = self.fragment(compiled, context, seed=f"{slug}|{date.isoformat()}")
        title = _title(body)
        if not title:
            raise RenderError(
                f"{self.templates_dir / compiled.name}: the article must start with a '# ' headline"
            )
        front_matter = FrontMatter(
            title=title, slug=slug, date=date, kind=kind, tickers=tickers, sources=sources
        )
        return Article(
            front_matter=front_matter,
            body=body,
            facts=[*facts, *(f for f in chart_facts or () if f.id not in {g.id for g in facts})],
            claims=claims,
            scores=scores,
            charts=list(charts or []),
        )

    def fragment(
        self, template: jinja2.Template | str, context: View | Mapping[str, Any], *, seed: str
    ) -> tuple[str, list[Fact], list[Claim]]:
        """Render a template (or a partial) to tidy text, the facts it states and its claims."""
        compiled = self.template(template) if isinstance(template, str) else template
        state = RenderState(Voice(self.rules, seed))
        variables = context_variables(context) if isinstance(context, View) else dict(context)
        try:
            body = compiled.render({**variables, _STATE: state})
        except jinja2.TemplateError as exc:
            raise RenderError(f"{self._where(exc, compiled)}: {exc}") from None
        except (TypeError, ValueError, AttributeError, KeyError) as exc:  # a value of the wrong kind
            raise RenderError(f"{self._where(exc, compiled)}: {type(exc).__name__}: {exc}") from None
        body, claims = _claims_in(_tidy(body), state.claims)
        return body, list(state.used.values()), claims

    def _where(self, exc: BaseException, template: jinja2.Template) -> str:
        """'templates/x.md.j2, line N' from the innermost template frame of the traceback."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and frame.filename.endswith(".j2"):
                return f"{frame.filename}, line {frame.lineno}"
        return str(self.templates_dir / (template.name or "?"))


_CONTINUES = (("- ", "- "), ("|", "|"), (">", ">"))


def _printable(value: Any) -> Any:
    """What every `{{ ... }}` prints, checked as a value, not by what its text looks like.

    A missing value (None), a number that is not one (NaN, infinity) or a container's repr must
    never reach a reader; text is printed as it is, since it is data: a headline that begins "None
    of the analysts..." or a company name holding "{{" is what the source says, not a leak.
    """
    if (
        value is None
        or isinstance(value, (list, tuple, dict, set))
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise jinja2.TemplateRuntimeError(f"prints {value!r}: a value that is not known or not text")
    return value


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


def _claims_in(body: str, claims: list[tuple]) -> tuple[str, list[Claim]]:
    """The body without claim marks, and each claim with the sentence its mark sat in."""
    sentences: dict[int, str] = {}
    lines = []
    for line in body.split("\n"):
        if _MARK not in line:
            lines.append(line)
            continue
        parts = line.split(_MARK)
        clean, positions = parts[0], []
        for part in parts[1:]:
            positions.append((ord(part[0]) - _MARK_BASE, len(clean)))
            clean += part[1:]
        lines.append(clean)
        spans = sentence_spans(clean)
        for number, position in positions:
            start, end = next(((a, b) for a, b in spans if a <= position < b), (0, len(clean)))
            sentences[number] = _plain(clean[start:end])
    placed = [
        Claim(subject, predicate, facts, text, sentences.get(i, ""), among, left_out)
        for i, (subject, predicate, facts, text, among, left_out) in enumerate(claims)
    ]
    return "\n".join(lines), placed


_EMPHASIS = str.maketrans("", "", "*_`")


def _plain(sentence: str) -> str:
    """A sentence as a reader reads it: no markdown block prefix ("- ", "# ") and no emphasis."""
    return sentence.lstrip("#>-| ").translate(_EMPHASIS).strip()


def _title(body: str) -> str:
    first = body.split("\n", 1)[0]
    return first[2:].strip() if first.startswith("# ") else ""
