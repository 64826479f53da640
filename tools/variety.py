"""How alike a day's briefs read: skeleton 4-gram Jaccard, structures and headline frames.

Issue 14's measures, so the "Done when" figures can be re-measured on any output folder:

- **skeleton**: every word outside a list of English function words becomes `W`, every number `N`;
  the mean Jaccard similarity of word 4-gram sets over random pairs of briefs (synonym rotation
  cannot lower it, only different structure can);
- **structure**: a brief's sequence of section headings (`## ...`) and its number of paragraphs; how
  many distinct ones there are and the share of the most common;
- **headline frames**: the headline's skeleton; how many distinct ones, and the share containing
  "Alpha Score of".

    python tools/variety.py OUTPUT_FOLDER [--date YYYY-MM-DD] [--kind alpha_brief] [--pairs 3000]
    python tools/variety.py --texts DIR        # any folder of .txt/.md files (e.g. sample sources)
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
from pathlib import Path

# Closed-class English words: articles, determiners, pronouns, prepositions, conjunctions,
# auxiliaries and modals, and a few adverbial particles. Everything else is content.
_FUNCTION_WORDS = """
    a an the this that these those each every either neither some any no all both few many much more
    most other another such what which whose who whom whichever whatever
    i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
    myself yourself himself herself itself ourselves themselves one ones
    of in on at by for with about against between into through during before after above below to from
    up down out off over under again further than as like since until till upon within without along
    across behind beyond near toward towards around among amid via per onto past
    and but or nor so yet because although though while whereas if unless whether then also either
    is am are was were be been being have has had having do does did doing will would shall should
    can could may might must ought
    not only just very too here there when where why how now once still even ever never
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.&-]*|\$?-?\d[\d,]*(?:\.\d+)?%?")


def split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end >= 0:
            head = text[4:end]
            meta = {}
            for line in head.split("\n"):
                if ":" in line and not line.startswith(" "):
                    key, _, value = line.partition(":")
                    meta[key.strip()] = value.strip()
            return meta, text[end + 5 :]
    return {}, text


def skeleton(text: str) -> list[str]:
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word[0].isdigit() or word[0] in "$-":
            tokens.append("N")
        else:
            word = word.lower().strip(".'’")
            tokens.append(word if word in FUNCTION_WORDS else "W")
    return tokens


def frame(title: str, names) -> str:
    """A headline's frame: its subjects' names replaced by X, then its skeleton."""
    for name in sorted(names, key=len, reverse=True):
        title = title.replace(name, "X")
    pairs = zip(skeleton(title), _words(title), strict=True)
    return " ".join("X" if token == "W" and word == "X" else token for token, word in pairs)


def _words(text: str) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(text)]


def grams(tokens: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def mean_jaccard(texts: list[str], pairs: int, seed: int = 14) -> float:
    sets = [grams(skeleton(t)) for t in texts]
    rng = random.Random(seed)
    all_pairs = [(i, j) for i in range(len(sets)) for j in range(i + 1, len(sets))]
    chosen = all_pairs if len(all_pairs) <= pairs else rng.sample(all_pairs, pairs)
    values = [len(sets[i] & sets[j]) / max(1, len(sets[i] | sets[j])) for i, j in chosen]
    return sum(values) / len(values) if values else float("nan")


def structure(body: str) -> tuple[tuple[str, ...], int]:
    blocks = [b.strip() for b in body.split("\n\n") if b.strip()]
    headings = tuple(b for b in blocks if b.startswith("## "))
    paragraphs = sum(1 for b in blocks if not b.startswith("#"))
    return headings, paragraphs


def measure(articles: list[tuple[dict, str]], pairs: int) -> dict:
    bodies = [body for _, body in articles]
    titles = [meta.get("title", "") for meta, _ in articles]
    structures = collections.Counter(structure(b) for b in bodies)
    frames = collections.Counter(frame(meta.get("title", ""), meta.get("names", ())) for meta, _ in articles)
    top_structure = structures.most_common(1)[0][1] if structures else 0
    return {
        "articles": len(articles),
        "skeleton_4gram_jaccard": round(mean_jaccard(bodies, pairs), 3),
        "structures": len(structures),
        "largest_structure_share": round(top_structure / max(1, len(bodies)), 3),
        "headline_frames": len(frames),
        "largest_frame_share": round(frames.most_common(1)[0][1] / max(1, len(titles)), 3) if frames else 0,
        "headlines_with_alpha_score_of": round(
            sum("Alpha Score of" in t for t in titles) / max(1, len(titles)), 3
        ),
        "longest_headline": max((len(t) for t in titles), default=0),
    }


def read_output(out: Path, date: str | None, kind: str) -> list[tuple[dict, str]]:
    found = []
    for path in sorted(out.glob("*/20*/*.md")):  # site/<date>/ and desk/<date>/
        if date and path.parent.name != date:
            continue
        meta, body = split_front_matter(path.read_text("utf-8"))
        if meta.get("kind") == kind:
            sidecar = path.with_suffix(".json")
            if sidecar.is_file():
                subjects = json.loads(sidecar.read_text("utf-8")).get("subjects", [])
                meta["names"] = [n for s in subjects for n in (s.get("name"), s.get("short")) if n]
            found.append((meta, body))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, help="a newsdesk output folder")
    parser.add_argument("--date", help="only this data date (default: every date found)")
    parser.add_argument("--kind", default="alpha_brief")
    parser.add_argument("--pairs", type=int, default=3000, help="random pairs for the Jaccard mean")
    parser.add_argument("--texts", type=Path, help="measure a folder of plain texts instead")
    args = parser.parse_args(argv)
    if args.texts:
        articles = [({}, p.read_text("utf-8")) for p in sorted(args.texts.glob("*.*"))]
    elif args.out:
        articles = read_output(args.out, args.date, args.kind)
    else:
        parser.error("give an output folder or --texts DIR")
    if not articles:
        print("no articles found", file=sys.stderr)
        return 2
    print(json.dumps(measure(articles, args.pairs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
