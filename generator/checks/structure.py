"""structure.*: the article's contract (front matter, sidecar) and the checker's own comments.

Front matter is validated against models.FrontMatter, the contract every article follows, so the
required keys and the slug pattern live in one place; each problem names its key.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from generator.checks.base import Article, Hit, Rule
from generator.markdown_depth import MAX_LEVEL
from generator.models import FrontMatter


class StructureFrontMatter(Rule):
    """The front matter is missing, is not valid YAML, lacks a required key or has a bad value.

    Required: title, slug ([a-z0-9-] only), date (YYYY-MM-DD), kind; tickers and sources are
    optional. Every problem names its key.

    Bad::

        ---
        title: "Helix Microdevices rises"
        slug: Helix_Microdevices
        date: 2026-11-20
        ---

    Good::

        ---
        title: "Helix Microdevices rises"
        slug: helix-microdevices-rises
        date: 2026-11-20
        kind: alpha_brief
        ---
    """

    id = "structure.front_matter"

    def check(self, article: Article) -> Iterable[Hit]:
        doc = article.document
        if doc.meta_problem is not None:
            yield Hit(doc.meta_problem.line, 1, doc.meta_problem.message)
            return
        try:
            FrontMatter.model_validate(doc.meta)
        except ValidationError as exc:
            for error in exc.errors():
                key = ".".join(str(part) for part in error["loc"])
                line = doc.key_lines.get(str(error["loc"][0]), 1)
                if error["type"] == "missing":
                    yield Hit(line, 1, f"front matter: missing required key {key!r}")
                else:
                    yield Hit(line, 1, f"front matter: key {key!r}: {error['msg']}")


class StructureSidecar(Rule):
    """The facts sidecar beside the article (<slug>.json) cannot be read or is invalid.

    Why: figures are traced against the sidecar's facts; a broken sidecar means nothing is traced.

    Bad: `x.json` beside `x.md` holds `{"facts": [{"id": 1}]}`.

    Good: `x.json` is the sidecar `newsdesk run` wrote, or there is no `x.json` at all.
    """

    id = "structure.sidecar"

    def check(self, article: Article) -> Iterable[Hit]:
        if article.sidecar_problem is not None:
            yield Hit(1, 1, f"sidecar: {article.sidecar_problem}")


class StructureNesting(Rule):
    """Lists or block quotes nest so deep that the checker reads no further (20 levels: a list
    counts two, a quote one).

    Why: markdown-it stops parsing at that depth and the rest of the article goes unread, so no
    quote, figure or word there could be verified; the HTML page shows such a body flattened.

    Bad: a line of `- - - - - - - - - - text` (ten lists inside each other).

    Good: at most a few levels of lists and quotes.
    """

    id = "structure.nesting"

    def check(self, article: Article) -> Iterable[Hit]:
        line = article.document.too_deep_line
        if line is not None:
            yield Hit(
                line,
                1,
                f"lists or block quotes nest {MAX_LEVEL} levels deep from here: the checker reads no "
                "further, so nothing after this point can be verified",
            )


class StructureUnusedSuppression(Rule):
    """An inline suppression comment suppresses nothing, or names an unknown rule.

    Why: a stale `newsdesk-disable` silently hides the next real problem; remove it.

    Bad (the paragraph below has no quote)::

        <!-- newsdesk-disable-next-line quotes.mismatch -->
        Shares rose on the news.

    Good::

        <!-- newsdesk-disable-next-line quotes.mismatch -->
        “We saw the best quarter in our history,” she told the conference.
    """

    id = "structure.unused_suppression"
    after_suppression = True

    def check(self, article: Article) -> Iterable[Hit]:
        return article.unused_suppressions
