"""The mutation score per module, from mutmut's results and the equivalent mutants of docs/mutation.md.

Run after `mutmut run` (see docs/mutation.md). A mutant is killed when a test failed (or timed out)
on it; it counts against the score when it survived or no test reached it, unless docs/mutation.md
lists it as equivalent (a change no test can see, with the reason). Prints one row per module and
the total; `--survivors` also lists every survivor that is not listed as equivalent.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = re.compile(r"^- `(generator\.[^`]+__mutmut_\d+)` — ")
KILLED = {"killed", "timeout", "caught by type check"}
NOT_KILLED = {"survived", "no tests"}


def equivalents(doc: Path = ROOT / "docs" / "mutation.md") -> set[str]:
    return {
        m.group(1) for line in doc.read_text(encoding="utf-8").splitlines() if (m := EQUIVALENT.match(line))
    }


def results() -> dict[str, str]:
    """mutant name -> status, as `mutmut results --all true` prints them."""
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    found = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name.startswith("generator."):
            found[name] = status
    return found


def module_of(mutant: str) -> str:
    """generator.checks.claims.xǁClaimsRankingǁcheck__mutmut_3 -> generator.checks.claims"""
    return ".".join(part for part in mutant.split(".") if not part.startswith("x"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list survivors not marked equivalent")
    args = parser.parse_args()
    statuses, same = results(), equivalents()
    pending = [name for name, status in statuses.items() if status not in KILLED | NOT_KILLED]
    if pending:
        print(f"{len(pending)} mutants not run yet (e.g. {pending[0]}): run mutmut first", file=sys.stderr)
    rows: dict[str, Counter] = {}
    for name, status in statuses.items():
        row = rows.setdefault(module_of(name), Counter())
        row["mutants"] += 1
        row["killed"] += status in KILLED
        row["equivalent"] += status in NOT_KILLED and name in same
        row["survived"] += status in NOT_KILLED and name not in same
    total = sum(rows.values(), Counter())
    print(f"{'module':40} {'mutants':>8} {'killed':>7} {'equiv.':>7} {'survived':>8} {'score':>6}")
    for module, row in [*sorted(rows.items()), ("total", total)]:
        judged = row["killed"] + row["survived"]
        score = f"{100 * row['killed'] / judged:.1f}%" if judged else "-"
        counts = f"{row['mutants']:8} {row['killed']:7} {row['equivalent']:7} {row['survived']:8}"
        print(f"{module:40} {counts} {score:>6}")
    if args.survivors:
        for name, status in sorted(statuses.items()):
            if status in NOT_KILLED and name not in same:
                print(f"{status}: {name}")
    stale = same - set(statuses)
    if stale:
        print(
            f"docs/mutation.md lists {len(stale)} mutants mutmut does not have (code changed?)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
