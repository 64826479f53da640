"""Fixtures for the checker tests: one Checker per session, and a writer for article folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.checks import Checker, load_rules

SCHEMAS_DIR = Path(__file__).parent / "schemas"


@pytest.fixture(scope="session")
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def checker(rules):
    return Checker(rules)


def front_matter(sources: dict[str, Any] | None = None, **overrides: Any) -> str:
    """The default front matter of a test article, listing `sources` (id -> text) under sources/."""
    lines = [
        "---",
        f'title: "{overrides.get("title", "Helix Microdevices posts results")}"',
        f"slug: {overrides.get('slug', 'helix-results')}",
        "date: 2026-11-20",
        f"kind: {overrides.get('kind', 'alpha_brief')}",
        "tickers: [HLXM]",
    ]
    if sources:
        lines.append("sources:")
        for source_id in sources:
            lines += [
                f"  - id: {source_id}",
                f'    title: "{source_id}"',
                f"    path: sources/{source_id}.txt",
            ]
    lines.append("---")
    return "\n".join(lines) + "\n"


def sidecar_json(spec: dict[str, Any]) -> str:
    """A full sidecar from a short spec: facts need id, value, unit (display defaults to the value);
    claims need predicate and facts; `snapshot`, `subjects` and `charts` pass through as given."""
    facts = [
        {
            "display": str(fact["value"]),
            "as_of": "2026-11-20",
            "provenance": {"series": "test", "window": "snapshot", "formula": "given"},
            **fact,
        }
        for fact in spec.get("facts", [])
    ]
    scores = []
    for given in spec.get("scores", []):
        score = dict(given)
        present = score.pop("signals", 4)
        signals = dict.fromkeys(("momentum", "value", "quality", "sentiment"))
        for name in list(signals)[:present]:
            signals[name] = {"score": 60, "label": "moderate", "metrics": []}
        scores.append(
            {
                "profile": None,
                "signals": signals,
                "coverage": f"{present}/4",
                "capped": False,
                "summary": "",
                **score,
            }
        )
    claims = [{"subject": "HLXM", "text": "", "sentence": "", **claim} for claim in spec.get("claims", [])]
    sidecar = {
        "version": 1,
        "slug": "helix-results",
        "title": "Helix Microdevices posts results",
        "date": "2026-11-20",
        "kind": "alpha_brief",
        "tickers": ["HLXM"],
        "facts": facts,
        "claims": claims,
        "scores": scores,
        **{key: spec[key] for key in ("snapshot", "subjects", "charts") if key in spec},
    }
    return json.dumps(sidecar)


@pytest.fixture(scope="session")
def default_front_matter():
    return front_matter


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    return SCHEMAS_DIR


@pytest.fixture
def write_article(tmp_path):
    """Write an article (plus sources and an optional sidecar) under tmp_path; return its path."""

    def write(
        body: str,
        *,
        sources: dict[str, str | None] | None = None,
        unlisted: dict[str, str] | None = None,
        sidecar: dict[str, Any] | None = None,
        sidecar_raw: str | None = None,
        name: str = "article",
        folder: Path | None = None,
        files: dict[str, str] | None = None,
    ) -> Path:
        folder = folder or tmp_path
        (folder / "sources").mkdir(parents=True, exist_ok=True)
        for source_id, text in {**(sources or {}), **(unlisted or {})}.items():
            if text is not None:
                (folder / "sources" / f"{source_id}.txt").write_text(text, encoding="utf-8")
        for file_name, content in (files or {}).items():
            (folder / file_name).write_text(content, encoding="utf-8")
        text = body if body.startswith("---") else front_matter(sources) + body
        path = folder / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        if sidecar is not None or sidecar_raw is not None:
            raw = sidecar_raw if sidecar_raw is not None else sidecar_json(sidecar or {})
            path.with_suffix(".json").write_text(raw, encoding="utf-8")
        return path

    return write
