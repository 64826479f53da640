"""Which rules run on which article, and which files are not articles: the `[check]` table applied.

Rules are selected as in ruff: `select` chooses the starting set (default `ALL`), `extend-select`
adds to it, `ignore` removes from it (within one layer the more specific selector wins, and ignore
wins a tie); the command line's `--select`, `--extend-select` and `--ignore` then apply the same
steps on top. `per-file-ignores` removes rules for the files its
patterns match. A selector is a rule id (`quotes.mismatch`), a family (`quotes`) or `ALL`.

Patterns (`exclude`, `per-file-ignores`) are gitignore patterns: one without a slash matches a file
or folder name anywhere (`drafts`, `README.md`, `*.draft.md`); one with a slash is anchored to the
folder of the configuration file (`articles/2024/*.md`); a trailing slash matches folders only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.checks.registry import RULES
from generator.errors import ConfigError

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from generator.config import Settings

ALL = "ALL"
_NAME = re.compile(r"[\w.\-]+")  # a pattern that is only a file or folder name
_IDS = tuple(rule.id for rule in RULES)
_FAMILIES = frozenset(rule.family() for rule in RULES)


def specificity(selectors: Iterable[str], *, where: str) -> dict[str, int]:
    """Each rule the selectors name, with the most specific way they name it: 0 for ALL, 1 for its
    family, 2 for its id. An unknown selector is a ConfigError naming `where`."""
    named: dict[str, int] = {}
    for selector in selectors:
        name = selector.strip()
        family = name.removesuffix(".*")
        if name == ALL:
            level, ids = 0, _IDS
        elif name in _IDS:
            level, ids = 2, (name,)
        elif family in _FAMILIES:
            level, ids = 1, tuple(rule_id for rule_id in _IDS if rule_id.split(".", 1)[0] == family)
        else:
            raise ConfigError(
                f"{where}: unknown rule or family {selector!r} (see `newsdesk rules`; families: "
                f"{', '.join(sorted(_FAMILIES))})"
            )
        for rule_id in ids:
            named[rule_id] = max(named.get(rule_id, -1), level)
    return named


def expand(selectors: Iterable[str], *, where: str) -> frozenset[str]:
    """The rule ids a list of selectors names."""
    return frozenset(specificity(selectors, where=where))


@dataclass(frozen=True, slots=True)
class SelectionStep:
    """One layer of select / extend-select / ignore (the configuration's, or the command line's).

    Within a layer the more specific selector wins (`ignore = ["risk"]` with `extend-select =
    ["risk.legal"]` keeps risk.legal), and at equal specificity ignore wins, as in ruff.
    """

    select: Sequence[str] | None = None  # None: keep what the layer below chose
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    where: str = "selection"  # names the layer in errors: a file's [check] table or the flags

    def apply(self, enabled: frozenset[str]) -> frozenset[str]:
        chosen = specificity(self.select or (), where=f"{self.where} select")
        for rule_id, level in specificity(self.extend_select, where=f"{self.where} extend-select").items():
            chosen[rule_id] = max(chosen.get(rule_id, -1), level)
        ignored = specificity(self.ignore, where=f"{self.where} ignore")
        result = set() if self.select is not None else set(enabled)
        for rule_id in _IDS:
            wanted, unwanted = chosen.get(rule_id, -1), ignored.get(rule_id, -1)
            if wanted > unwanted:
                result.add(rule_id)
            elif unwanted >= 0:
                result.discard(rule_id)
        return frozenset(result)


class Patterns:
    """Gitignore patterns anchored at a folder (pathspec does the matching, as git does).

    Plain names (`.git`, `node_modules`, the defaults) match any path holding such a part, which is
    what git does with them too; they are tested without loading pathspec.
    """

    def __init__(self, patterns: Iterable[str], root: Path) -> None:
        self.patterns = tuple(patterns)
        self.root = root.absolute()
        self._spec: GitIgnoreSpec | None = None
        self._names = frozenset(self.patterns) if all(map(_NAME.fullmatch, self.patterns)) else None

    def matches(self, path: Path, *, is_dir: bool = False, walked_from: Path | None = None) -> bool:
        """Whether `path` (a folder when `is_dir`) is matched, relative to the root; a path outside
        the root is taken relative to the folder a walk started from (`walked_from`), else by its
        name alone, so that the folders above a checked tree never exclude it."""
        if not self.patterns:
            return False
        relative = _relative(path, self.root, walked_from)
        if self._names is not None:
            return not self._names.isdisjoint(relative.split("/"))
        if self._spec is None:
            from pathspec import GitIgnoreSpec  # only a check that has patterns pays for it

            self._spec = GitIgnoreSpec.from_lines(self.patterns)
        return self._spec.match_file(relative + "/" if is_dir else relative)


def _relative(path: Path, root: Path, walked_from: Path | None) -> str:
    """`path` relative to `root` (else to `walked_from`, else its name), in posix form."""
    absolute = os.path.normpath(path.absolute())
    for base in (root, walked_from):
        if base is None:
            continue
        start = os.path.normpath(base.absolute()).rstrip(os.sep) + os.sep
        if absolute.startswith(start):
            return Path(absolute[len(start) :]).as_posix()
    return Path(absolute).name


class RuleSelection:
    """The rules enabled everywhere, and those a file's per-file-ignores take away."""

    def __init__(
        self, enabled: frozenset[str], per_file: Sequence[tuple[Patterns, frozenset[str]]] = ()
    ) -> None:
        self.enabled = enabled
        self._per_file = tuple(per_file)

    @classmethod
    def build(
        cls,
        steps: Sequence[SelectionStep],
        per_file_ignores: Mapping[str, Sequence[str]] | None = None,
        *,
        root: Path | None = None,
        where: str = "per-file-ignores",
    ) -> RuleSelection:
        enabled = frozenset(_IDS)
        for step in steps:
            enabled = step.apply(enabled)
        per_file = [
            (Patterns([pattern], root or Path.cwd()), expand(selectors, where=f"{where} {pattern!r}"))
            for pattern, selectors in (per_file_ignores or {}).items()
        ]
        return cls(enabled, per_file)

    def rules_for(self, path: str | Path) -> frozenset[str]:
        """The rules that run on the article at `path`."""
        enabled = self.enabled
        for patterns, ignored in self._per_file:
            if patterns.matches(Path(path)):
                enabled = enabled - ignored
        return enabled


def configured_selection(settings: Settings, command_line: SelectionStep | None = None) -> RuleSelection:
    """The selection the settings' [check] table makes, with the command line's step on top: what
    `newsdesk check` and `newsdesk run` both apply."""
    check = settings.check
    origin = f"{settings.config_file} [check]" if settings.config_file else "[check]"
    steps = [SelectionStep(check.select, check.extend_select, check.ignore, where=origin)]
    if command_line is not None:
        steps.append(command_line)
    return RuleSelection.build(
        steps,
        check.per_file_ignores,
        root=settings.project_root or Path.cwd(),
        where=f"{origin} per-file-ignores",
    )
