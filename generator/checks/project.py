"""What governs each checked article: its configuration, rules, selection, exclusions and source roots.

Like ruff, `newsdesk check` finds a configuration for every article by walking up from the
article's folder, so a repository can hold projects with different rules; `--config` names one for
all and `--isolated` uses none. Everything derived from one configuration (the rules folder loaded
and validated, the rule selection, the exclude patterns, the Checker) is built once and shared by
the articles it governs.

The project root is the folder of the configuration file, else the git repository holding the
article, else the article's folder. Sources may be read anywhere under it and under any
`sources-root` the configuration names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.checks.config import Rules, load_rules
from generator.checks.engine import Checker
from generator.checks.selection import Patterns, SelectionStep, configured_selection
from generator.checks.source_files import SourceRoots
from generator.config import Settings, config_file_from_env, find_config_file, load_settings
from generator.files import repository_root


@dataclass(frozen=True, slots=True)
class CommandLine:
    """What the command line says about configuration, on top of any file."""

    config_file: Path | None = None
    isolated: bool = False
    rules_dir: Path | None = None
    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    exclude: Sequence[str] = ()  # added to the configuration's, relative to the working folder
    force_exclude: bool = False
    fail_on: str | None = None


@dataclass(eq=False)
class Project:
    """One configuration and what is built from it, shared by the articles it governs."""

    index: int  # its place in Projects.all, which tasks sent to workers refer to
    settings: Settings
    rules: Rules
    checker: Checker
    excluded: tuple[Patterns, ...]
    fail_on: str
    force_exclude: bool
    _roots: dict[Path, SourceRoots] = field(default_factory=dict)

    @property
    def config_file(self) -> Path | None:
        return self.settings.config_file

    def excludes(self, path: Path, *, is_dir: bool = False, walked_from: Path | None = None) -> bool:
        return any(
            patterns.matches(path, is_dir=is_dir, walked_from=walked_from) for patterns in self.excluded
        )

    def source_roots(self, article: Path) -> SourceRoots:
        """Where the article's sources may be read from (memoised per folder)."""
        folder = article.absolute().parent
        roots = self._roots.get(folder)
        if roots is None:
            root = self.settings.project_root or repository_root(folder) or folder
            extra = tuple(Path(path) for path in self.settings.check.sources_root)
            roots = self._roots[folder] = SourceRoots.of(root, extra, self.config_file)
        return roots


class Projects:
    """Finds, builds and remembers the Project of each article for one `newsdesk check`."""

    def __init__(self, command_line: CommandLine) -> None:
        self.command_line = command_line
        self._found: dict[Path, Path | None] = {}  # folder -> its own configuration file
        self._by_config: dict[Path | None, Project] = {}
        self._rules: dict[Path, Rules] = {}

    @property
    def all(self) -> list[Project]:
        return list(self._by_config.values())

    def for_folder(self, folder: Path) -> Project:
        """The Project governing articles in `folder`."""
        line = self.command_line
        if line.config_file is not None or line.isolated:
            config = line.config_file
        else:
            config = config_file_from_env() or find_config_file(folder, self._found)
        return self.for_config(config)

    def for_config(self, config: Path | None) -> Project:
        """The Project of one configuration file (None: defaults), built on first use."""
        project = self._by_config.get(config)
        if project is None:
            project = self._by_config[config] = self._build(config)
        return project

    def for_article(self, path: Path) -> Project:
        return self.for_folder(path.absolute().parent)

    def _build(self, config: Path | None) -> Project:
        line = self.command_line
        settings = load_settings(config, isolated=config is None, rules_dir=line.rules_dir)
        check = settings.check
        root = settings.project_root or Path.cwd()
        selection = configured_selection(
            settings, SelectionStep(line.select, line.extend_select, line.ignore, where="command line")
        )
        excluded = [Patterns((*check.exclude, *check.extend_exclude), root)]
        if line.exclude:
            excluded.append(Patterns(line.exclude, Path.cwd()))
        rules_dir = settings.rules_dir.absolute()
        rules = self._rules.get(rules_dir)
        if rules is None:
            rules = self._rules[rules_dir] = load_rules(rules_dir)
        return Project(
            index=len(self._by_config),
            settings=settings,
            rules=rules,
            checker=Checker(rules, selection),
            excluded=tuple(excluded),
            fail_on=line.fail_on or check.fail_on,
            force_exclude=line.force_exclude or check.force_exclude,
        )
