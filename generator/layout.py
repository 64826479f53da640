"""Where everything goes in an output folder: a site that is safe to serve, and the editor's desk.

    <out>/site/   what readers may see: published and approved articles with their sources and
                  sidecars, pages, feeds, ninjs, the news sitemap. Serve this folder as it is.
    <out>/desk/   what only the desk sees: held, blocked and embargoed drafts, the index of every
                  article and verdict, the review page, run records (they name local paths),
                  the runs' history journals, and the texts of articles before and after an
                  editor changed them (versions/).

Both halves are written under one lock (`<out>/.newsdesk.lock`) by generator/publish.py, and both
are links into the current generation under `<out>/.newsdesk/`, so that a change to both becomes
visible in one step (generator/changeset.py). The run history database lives beside the
generations, in `<out>/.newsdesk/history/`, so one database is written in place across them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Place = Literal["site", "desk"]
SITE: Place = "site"
DESK: Place = "desk"
AREAS: tuple[Place, ...] = (SITE, DESK)
STATE_DIR = ".newsdesk"  # generations of site/ and desk/, and the `current` link between them
CURRENT = "current"
INDEX_FILE = "index.json"
REVIEW_PAGE = "review.html"
RUNS_DIR = "runs"
HISTORY_DIR = "history"  # in .newsdesk/, outside every generation: the run history database
VERSIONS_DIR = "versions"
LOCK_FILE = ".newsdesk.lock"
SOURCES_DIR = "sources"
# What an older newsdesk wrote at the top of the output folder, before site/ and desk/ existed.
_OLD_LAYOUT_FILES = ("index.json", "feed.json", "atom.xml")


@dataclass(frozen=True)
class Layout:
    """The paths of one output folder."""

    out: Path

    @property
    def site(self) -> Path:
        return self.out / SITE

    @property
    def desk(self) -> Path:
        return self.out / DESK

    @property
    def index(self) -> Path:
        return self.desk / INDEX_FILE

    @property
    def review_page(self) -> Path:
        return self.desk / REVIEW_PAGE

    @property
    def lock(self) -> Path:
        return self.out / LOCK_FILE

    @property
    def state(self) -> Path:
        return self.out / STATE_DIR

    @property
    def history(self) -> Path:
        """The run history's folder: one database that lives on across generations."""
        return self.state / HISTORY_DIR

    def area(self, place: Place) -> Path:
        return self.out / place

    def date_folder(self, place: Place, date: str) -> Path:
        return self.area(place) / date

    def article(self, place: Place, date: str, slug: str, suffix: str = ".md") -> Path:
        return self.date_folder(place, date) / f"{slug}{suffix}"

    def version(self, date: str, slug: str, content_hash: str) -> Path:
        """An earlier text of an article an editor changed, kept on the desk for diffs."""
        return self.desk / VERSIONS_DIR / f"{date}.{slug}.{content_hash}.md"

    def run_record(self, date: str) -> Path:
        return self.desk / RUNS_DIR / f"{date}.json"

    def old_layout_file(self) -> Path | None:
        """A file an older newsdesk left at the top of the folder, if any (see publish.output_lock)."""
        for name in _OLD_LAYOUT_FILES:
            if (self.out / name).is_file():
                return self.out / name
        return None


def relative(path: Path, out: Path) -> str:
    """`path` relative to the output folder, with forward slashes: how the index names files."""
    return path.relative_to(out).as_posix()
