"""JSON Schema of the files newsdesk writes, generated from the pydantic models that write them.

Consumers of `output/` validate against docs/schemas/*.json; generating them from the models keeps
the documented contract and the code in step. `python -m generator.schemas [FOLDER]` rewrites them,
and a test fails when the committed files are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from generator.catalog import IndexFile
from generator.models import CheckReport, Sidecar
from generator.site.feeds import JsonFeed

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "docs" / "schemas"

MODELS: dict[str, type[BaseModel]] = {
    "sidecar.schema.json": Sidecar,
    "check-report.schema.json": CheckReport,
    "index.schema.json": IndexFile,
    "feed.schema.json": JsonFeed,
}


def schema_of(model: type[BaseModel]) -> dict:
    """The model's JSON Schema as written (serialisation mode), with its dialect declared."""
    return {"$schema": SCHEMA_DIALECT, **model.model_json_schema(mode="serialization")}


def render_all() -> dict[str, str]:
    """File name -> schema text, exactly as committed under docs/schemas/."""
    return {
        name: json.dumps(schema_of(model), indent=2, ensure_ascii=False) + "\n"
        for name, model in MODELS.items()
    }


def write_all(folder: Path = DEFAULT_DIR) -> list[Path]:
    """Write every schema into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_all().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    for path in write_all(Path(args[0]) if args else DEFAULT_DIR):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
