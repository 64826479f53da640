"""Sentence by sentence, the defects a copy desk found in generated articles must not come back.

Each test reads every article of a run the way an editor would and looks for one class of false or
misleading sentence: a closing price that is not one, a quote under the company's heading that is not
the company's, an old figure without its date, "no headlines" from data without news, a split told as
a move, a zero that means "not reported", a vendor's name format, a contradiction, a repeated verb.
The checker's claims.* rules catch most of these from the sidecar; these tests read the text alone,
so a gap in a rule does not hide a defect.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from generator import apstyle
from generator.prose import sentences
from generator.resources import resource_dir
from generator.writing.phrasing import load_writing_rules

LEMMAS = load_writing_rules(resource_dir("rules")).lemmas
# A sentence opening with a figure such as "12-month" or "5%" (a name such as 3M or 21st Century Fox is
# fine, and so is a year).
LEADING_FIGURE = re.compile(r"^(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)?(?:-|%|\s)")
# "..., while the average X stock has declined 1.5%, well behind the sector average": the stock that
# is behind is the article's, not the average the phrase hangs on.
DANGLING_COMPARISON = re.compile(r"the average [^,]* stock [^,]*, well (?:ahead of|behind) the sector")
# "as Industrials averages -1.5%": a headline says which way with a verb, never with a minus sign.
NEGATIVE_FIGURE = re.compile(r"(?<![\w-])-\d")
# How the desk works is not news: no reader copy speaks of editors' steps or of newsdesk's runs.
# "Its value and quality readings rest on company fundamentals dated ...": of a stock with both scored.
BOTH_ON_FUNDAMENTALS = re.compile(
    r"(?i)(value and quality|quality and value)[\w ,]* (rest on|use|draw on) company"
)
# "Value is the strongest of its signals, at 61, and momentum the weakest, at 12."
STRONGEST_AND_WEAKEST = re.compile(
    r"(\w[\w ,]*?) (?:is|are) the strongest of its signals, at (\d+), and ([\w ,]+?) the weakest, at (\d+)"
)
# "Trading in The Walt Disney Co. ran to ...": a company's "The" inside a sentence (AP lowercases
# it, and names.yaml drops it before a legal suffix).
MID_SENTENCE_THE = re.compile(r"(?<=[a-z,]) The [A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*)* (?:Co|Cos|Corp|Inc)\.")
PROCESS_TALK = (
    "may reflect a stock split", "need an editor", "editor's check", "await an editor",
    "both runs", "recorded run", "previous run", "earlier run", "this run",
    "in the data", "the data behind", "the data has", "news feed", "the model's", "data snapshot",
    "rather than counted as zero",
)  # fmt: skip
QUOTED = re.compile(r"“[^”]*”")  # a source's own words, which may say anything
YARDSTICK = re.compile(r"group:sector:[^:]+:return_ew:1M$")  # a brief's sector month
SMALLEST_SECTOR = 5  # rules/writing.yaml min_yardstick_members
# "after the shares was barely changed", "shares falls 4.3%": a plural subject with a singular verb
# (the singular present forms come from rules/writing.yaml, as the writer reads them).
_SINGULAR = {"was", "has", "is"} | {p.split()[0] for p in LEMMAS if p.split()[0].endswith("s")}
PLURAL_SUBJECT_SINGULAR_VERB = re.compile(
    rf"\b(?:[Tt]he shares|[Ss]hares|[Tt]hey)\s+(?:{'|'.join(sorted(map(re.escape, _SINGULAR)))})\b"
)
# A cohort story's paragraph that opens on "Its ..." or "the sector/cohort" follows a paragraph about
# another group (the laggard), so the reader takes the pronoun for that group: name it instead.
UNNAMED_GROUP = re.compile(r"^(?:Its |Weighted by market value, the (?:sector|cohort|industry|group)\b)")
# "the shares retreated 2.1%, and across the past month they gained 4.9%": moves of opposite
# directions joined by "and" read as one trend; a contrast takes "but".
_MOVES = load_writing_rules(resource_dir("rules")).moves
_RISING = {v for b in _MOVES.bands if b.above is not None and b.above >= 0 for v in b.past}
_FALLING = {v for b in _MOVES.bands if b.above is None or b.above < 0 for v in b.past}


# "X reported Nov. 14 under the headline ... The shares slipped 0.8% that session.": a move of
# "that session" must be of the session the report is dated, which a Saturday's is not. The year is
# given when it is not the article's (AP): "reported Dec. 31, 2025, under the headline".
REPORTED = re.compile(
    r"reported (?P<month>[A-Z][a-z]+\.?) (?P<day>\d{1,2})(?:, (?P<year>\d{4}),)? under the headline"
)
_MONTHS = {"Jan.": 1, "Feb.": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7, "Aug.": 8,
           "Sept.": 9, "Oct.": 10, "Nov.": 11, "Dec.": 12}  # fmt: skip


# AP sets a year off with commas ("from Dec. 30, 2016, to Nov. 10"), and a date without one needs
# none ("from March 16 to Nov. 20", "reported Nov. 12 under the headline").
_MONTH = r"(?:Jan\.|Feb\.|March|April|May|June|July|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)"
YEAR_NOT_SET_OFF = re.compile(rf"\b{_MONTH} \d{{1,2}}, \d{{4}} [a-z]")
STRAY_DATE_COMMA = re.compile(rf"\b{_MONTH} \d{{1,2}}, (?:to|under|report)\b")

# "Alphabet Inc. (GOOGL, GOOG) closed at $1,044.15": one class's price given for both classes.
SEVERAL_TICKERS_ONE_FIGURE = re.compile(r"\((?:[A-Z][A-Z.]*, )+[A-Z][A-Z.]*\)[^.]*?\d")
# "3.1 times the usual volume.Its Class B stock ...": two sentences run together by a template.
RUN_TOGETHER = re.compile(r"[a-z0-9%)]\.[A-Z][a-z]")


def _verbs(verbs: set[str]) -> str:
    return "|".join(sorted(map(re.escape, verbs), key=len, reverse=True))


OPPOSITE_MOVES_WITH_AND = re.compile(
    rf"\b(?:(?:{_verbs(_RISING)}) [\d.,]+%[^.;,]*,? and [^.;]*\b(?:{_verbs(_FALLING)})"
    rf"|(?:{_verbs(_FALLING)}) [\d.,]+%[^.;,]*,? and [^.;]*\b(?:{_verbs(_RISING)})) [\d.,]+%"
)
VENDOR_NAME = re.compile(r"\((?:The|[A-Z][a-z]+|(?:[A-Z]\.)+)\)")  # "Gap (The)", "Lilly (Eli)", "Bard (C.R.)"


def articles(out: Path) -> list[tuple[Path, str, dict]]:
    found = []
    for path in sorted(out.glob("*/20*/*.md")):
        text = path.read_text()
        body = text.split("\n---\n", 1)[1]
        found.append((path, body, json.loads(path.with_suffix(".json").read_text())))
    return found


def sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) of each `## ` section of a body."""
    return [
        (part.split("\n", 1)[0].strip(), part.split("\n", 1)[1] if "\n" in part else "")
        for part in ("\n" + body).split("\n## ")[1:]
    ]


def body_sentences(body: str) -> list[str]:
    return [s for line in body.splitlines() for s in sentences(line.lstrip("-#> "))]


def repeated_verbs(sentence: str) -> list[str]:
    """Verb phrases of the house word lists that a sentence uses twice, in any tense."""
    used = Counter()
    lowered = sentence.lower()
    for phrase, lemma in sorted(LEMMAS.items(), key=lambda item: -len(item[0])):
        count = len(re.findall(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", lowered))
        if count:
            used[lemma] += count
            lowered = re.sub(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", " ", lowered)
    return [lemma for lemma, count in used.items() if count > 1]


# Value ratios (README, The Alpha Score): per-share figures over the latest close
STREAK_TOLD = re.compile(r"closed (?:higher|lower) for (?P<count>\w+) sessions in a row")
SINCE_DATE = re.compile(rf"\bsince {_MONTH} \d{{1,2}}, (?P<year>\d{{4}})")
INVERTED_RANK = re.compile(r"debt-to-equity ratio, at [^,;]+, ranks in the")
BELOW_HIGH = re.compile(r"sits [\d.]+% below its [\w -]*52-week high")
VALUE_RATIO = re.compile(r":(?:metric|rank)\.(?:earnings_yield|book_to_price|sales_to_price|ebitda_to_ev)$")


def check_run(out: Path, *, has_news: bool) -> list[str]:
    problems = []
    for path, body, sidecar in articles(out):
        name = path.name
        facts = {f["id"]: f for f in sidecar["facts"]}
        for sentence in body_sentences(body):
            if re.search(r"closed at a 52-week (?:high|low) of", sentence):
                problems.append(f"{name}: an intraday extreme told as a close: {sentence}")
            if re.search(r"\b(?:0|100)th percentile", sentence):
                problems.append(f"{name}: a percentile outside 1st-99th: {sentence}")
            if "EBITDA margin, at 0.0%" in sentence or "EBITDA margin of 0.0%" in sentence:
                problems.append(f"{name}: an unreported zero printed: {sentence}")
            if VENDOR_NAME.search(sentence):
                problems.append(f"{name}: a vendor's name format: {sentence}")
            if re.search(r"brought up the rear[^.]*(?:soared|surged|jumped)", sentence) and not re.search(
                r"\b(?:though|but|still|yet)\b", sentence
            ):
                problems.append(f"{name}: a contradiction: {sentence}")
            for lemma in repeated_verbs(sentence):
                problems.append(f"{name}: {lemma!r} twice in one sentence: {sentence}")
            if LEADING_FIGURE.match(sentence):
                problems.append(f"{name}: a sentence starts with a figure (AP spells it out): {sentence}")
            if DANGLING_COMPARISON.search(sentence):
                problems.append(f"{name}: a comparison hangs on the wrong noun: {sentence}")
            if OPPOSITE_MOVES_WITH_AND.search(sentence):
                problems.append(f"{name}: opposite moves joined by 'and': {sentence}")
            if SEVERAL_TICKERS_ONE_FIGURE.search(sentence):
                problems.append(f"{name}: one figure for several share classes: {sentence}")
            if PLURAL_SUBJECT_SINGULAR_VERB.search(sentence):
                problems.append(f"{name}: a plural subject with a singular verb: {sentence}")
            if YEAR_NOT_SET_OFF.search(sentence) or STRAY_DATE_COMMA.search(sentence):
                problems.append(f"{name}: a date's commas are not AP's: {sentence}")
        for line in body.splitlines():
            if RUN_TOGETHER.search(line) and "](" not in line and "://" not in line:
                problems.append(f"{name}: two sentences run together: {line}")
        sessions = {
            f["end"]
            for f in facts.values()
            if ":return:session:" in f["id"] or f["id"].endswith(":return:1D")
        }
        for paragraph in body.split("\n\n"):
            reported = REPORTED.search(paragraph)
            if reported and "that session" in paragraph:
                year = int(reported["year"] or sidecar["date"][:4])
                day = dt.date(year, _MONTHS[reported["month"]], int(reported["day"]))
                if day.isoformat() not in sessions or day.weekday() >= 5:
                    problems.append(f"{name}: a move of 'that session' is not the report's day: {paragraph}")
        if sidecar["kind"] == "cohort_performance":
            for paragraph in body.split("\n\n"):
                if UNNAMED_GROUP.match(paragraph.strip()):
                    problems.append(f"{name}: a paragraph leaves its group unnamed: {paragraph[:80]}")
        if PLURAL_SUBJECT_SINGULAR_VERB.search(sidecar["title"]):
            problems.append(f"{name}: a headline's plural subject with a singular verb: {sidecar['title']}")
        if NEGATIVE_FIGURE.search(sidecar["title"]):
            problems.append(f"{name}: a headline gives a fall as a negative number: {sidecar['title']}")
        if sidecar["kind"] == "alpha_brief":  # a sector of a handful of stocks is no yardstick
            for claim in sidecar["claims"]:
                for fact in (facts[i] for i in claim["facts"] if i in facts):
                    if YARDSTICK.match(fact["id"]) and len(fact.get("members") or ()) < SMALLEST_SECTOR:
                        problems.append(f"{name}: a stock measured against {fact['id']}: {claim['sentence']}")
        for fact in facts.values():  # the most since a week ago is no rarity (rules/writing.yaml: 28 days)
            day = facts.get(fact["id"].replace(":biggest_move_since_date", ":return:1D"))
            if fact["id"].endswith(":biggest_move_since_date") and day and _days_between(fact, day) < 28:
                problems.append(f"{name}: 'the most since' {fact['start']}, {day['end']}: {sidecar['title']}")
        unscored = {
            name
            for score in sidecar.get("scores", [])
            for name, signal in score["signals"].items()
            if signal is None
        }
        if unscored & {"value", "quality"} and BOTH_ON_FUNDAMENTALS.search(body):
            problems.append(f"{name}: value and quality both said to rest on fundamentals, one unscored")
        for strongest, best, weakest, worst in STRONGEST_AND_WEAKEST.findall(body):
            if strongest.lower() == weakest.lower() or best == worst:
                problems.append(f"{name}: signals ranked against themselves: {strongest} / {weakest}")
        unquoted = QUOTED.sub("", body)
        for match in MID_SENTENCE_THE.finditer(unquoted):
            problems.append(f"{name}: 'The' capitalised inside a sentence: {match.group(0)!r}")
        for phrase in PROCESS_TALK:
            if phrase in unquoted:
                problems.append(f"{name}: reader copy describes internal process ({phrase!r})")
        for heading, section in sections(body):
            if not heading.lower().startswith("before"):
                continue
            for claim in sidecar["claims"]:  # "Before the move" over figures that end with it
                ending = [
                    f for i in claim["facts"] if (f := facts.get(i)) and f.get("end") == sidecar["date"]
                ]
                if claim["sentence"] and claim["sentence"] in section and ending:
                    problems.append(f"{name}: under '{heading}', {claim['text']!r} runs to the day itself")
        if not has_news and re.search(r"No headlines about", body):
            problems.append(f"{name}: 'no headlines' from data that has no news feed")
        if "## From the company" in body:
            section = body.split("## From the company", 1)[1].split("\n## ", 1)[0]
            company = {s["name"] for s in sidecar.get("subjects", []) if s["kind"] == "ticker"}
            if not any(name_ in section for name_ in company):
                problems.append(f"{name}: a quote under the company's heading names no one of the company")
        for claim in sidecar["claims"]:  # a band that reads against the year's move says it is a ranking
            clash = {"rose": ("weak momentum", "poor momentum"), "fell": ("strong momentum",)}.get(
                claim["predicate"]
            )
            if not clash or not any(f.endswith(":return:1Y") for f in claim["facts"]):
                continue
            paragraph = next((line for line in body.splitlines() if claim["sentence"] in line), "")
            if any(band in paragraph for band in clash) and "yet its momentum" not in paragraph:
                problems.append(f"{name}: {claim['text']!r} over a year beside {clash[0]!r}, unexplained")
        for paragraph in body.split("\n\n"):  # a one-cent gain "held steady" is no day of a streak
            told = STREAK_TOLD.search(paragraph)
            if told and (told["count"] == "two" or re.search(r"held steady|barely moved", paragraph)):
                problems.append(f"{name}: a streak told beside a flat or lone session: {paragraph[:120]}")
        for sentence in body_sentences(body):  # "since Sept. 15, 2017" in a story of Nov. 10, 2017
            for match in SINCE_DATE.finditer(sentence):
                if match["year"] == sidecar["date"][:4]:
                    problems.append(
                        f"{name}: a date of the story's own year gives its year: {match.group(0)}"
                    )
            if re.search(r"\bstill (?:barely moved|held steady|was little changed)", sentence):
                problems.append(f"{name}: a contrast word beside no move: {sentence}")
            if INVERTED_RANK.search(sentence) and "least indebted ranking highest" not in sentence:
                problems.append(f"{name}: a low-is-better percentile without how it reads: {sentence}")
        for sentence in body_sentences(body):  # how far below a 52-week high set that very session
            below = BELOW_HIGH.search(sentence)
            high = next((f for i, f in facts.items() if i.endswith(":high_52w")), None)
            if below and high and high["provenance"]["formula"].endswith(f"set {sidecar['date']}"):
                problems.append(f"{name}: a distance below a 52-week high the session set: {sentence}")
        triggers = set(sidecar.get("triggers") or ())  # a closing extreme the session set is told
        if "closing_high" in triggers and not re.search(r"highest (?:close|it has closed)", body):
            problems.append(f"{name}: a 52-week closing high its triggers record goes untold")
        if "closing_low" in triggers and not re.search(r"lowest (?:close|it has closed)", body):
            problems.append(f"{name}: a 52-week closing low its triggers record goes untold")
        if sidecar["kind"] == "market_movers":  # an index of an earlier date is not named as today's
            field = re.search(r"in the (.+?) \(members as of", body)
            if field and field[1] in sidecar["title"]:
                problems.append(
                    f"{name}: a headline names {field[1]!r}, whose members are dated: {sidecar['title']}"
                )
        if sidecar["kind"] == "cohort_performance":  # a group's figure is its average stock's
            lede = next(p for p in body.split("\n\n") if p.strip() and not p.startswith(("#", "!")))
            if "average stock in the" not in lede:
                problems.append(f"{name}: a group's equal-weighted return told as the group's: {lede[:100]}")
        if sidecar.get("angle") == "streak":  # a streak's lede says how far the stock went, once
            lede = next(p for p in body.split("\n\n") if p.strip() and not p.startswith("#"))
            if not any(
                f.endswith(":streak_return")
                for c in sidecar["claims"]
                if c["sentence"] in lede
                for f in c["facts"]
            ):
                problems.append(f"{name}: a streak's lede without the move over it: {lede}")
            run = next((f for i, f in facts.items() if i.endswith(":streak_return")), None)
            week = next((f for i, f in facts.items() if i.endswith(":return:1W")), None)
            if run and week and week["start"] >= run["start"] and "past week" in body:
                problems.append(f"{name}: the week told again beside the streak that spans it")
        old = {f["id"]: f for f in facts.values() if _days_old(f, sidecar["date"]) > 30}
        for claim in sidecar["claims"]:
            stale = [old[i] for i in claim["facts"] if i in old]
            if not stale or not claim["sentence"] or not re.search(r"\d", claim["text"]):
                continue  # a figure from old inputs; words such as "as quality leads" state none
            plain = (line.replace("*", "") for line in body.splitlines())
            paragraph = next((line for line in plain if claim["sentence"] in line), "")
            if not any(
                _dated(dt.date.fromisoformat(f["inputs_as_of"]), sidecar["date"], paragraph) for f in stale
            ):
                problems.append(
                    f"{name}: {claim['text']!r} rests on inputs of {stale[0]['inputs_as_of']}, undated"
                )
            close = apstyle.date(dt.date.fromisoformat(sidecar["date"]), year=False)
            if any(VALUE_RATIO.search(f["id"]) for f in stale) and close not in paragraph:
                problems.append(  # old per-share figures over the latest close: both dates are its
                    f"{name}: {claim['text']!r}, a ratio at the {close} close, names only its inputs' date"
                )
    return problems


def _days_between(since: dict, day: dict) -> int:
    return (dt.date.fromisoformat(day["end"]) - dt.date.fromisoformat(since["start"])).days


def _dated(day: dt.date, article_date: str, paragraph: str) -> bool:
    """Whether a paragraph gives the date as AP does: with its year, or without it in the article's
    own year ("On Aug. 15," in a story of Nov. 10, 2017)."""
    if apstyle.date(day) in paragraph:
        return True
    same_year = day.year == dt.date.fromisoformat(article_date).year
    return (
        same_year
        and re.search(rf"{re.escape(apstyle.date(day, year=False))}(?!,? \d{{4}})", paragraph) is not None
    )


def _days_old(fact: dict, article_date: str) -> int:
    if not fact.get("inputs_as_of"):
        return 0
    return (dt.date.fromisoformat(article_date) - dt.date.fromisoformat(fact["inputs_as_of"])).days


def test_sample_sentences_are_free_of_the_copy_desks_defects(sample_run):
    assert check_run(sample_run.out_dir, has_news=True) == []


@pytest.mark.shared_data
def test_sp500_sentences_are_free_of_the_copy_desks_defects(sp500_run):
    assert check_run(sp500_run.out_dir, has_news=False) == []


def test_a_sector_too_small_to_rank_that_beat_the_leader_qualifies_the_cohort_headline(tmp_path):
    """Three sectors over 2026 to March 31: eight Industrials up 10.0% to 10.7% (10.35% on average),
    eight Utilities up 5.0% to 5.7% (5.35%), and four Telecom stocks up 30.0% to 30.3% (30.15%), too
    few to rank (rules/writing.yaml: eight). Industrials leads only the sectors large enough to
    rank, and the headline says so; of two ranked sectors it is "the stronger", not the strongest,
    and the story's closed period reads in the past tense throughout."""
    from generator.config import load_settings
    from generator.market.snapshot import write_snapshot
    from generator.pipeline import build
    from tests.test_facts import business_days, make_snapshot

    dates = business_days(dt.date(2026, 3, 31), 300)
    start = list(dates).index(pd.Timestamp("2025-12-31"))

    def path(ytd: float) -> list[float]:  # flat to the year's start, then compounding to `ytd`
        span = len(dates) - 1 - start
        return [100.0 * (1 + ytd) ** (max(0, i - start) / span) for i in range(len(dates))]

    closes, sectors = {}, {}
    for sector, size, ytd in (("Industrials", 8, 0.10), ("Utilities", 8, 0.05), ("Telecom", 4, 0.30)):
        for k in range(size):
            closes[f"{sector[:2].upper()}{k}"] = path(ytd + k * 0.001)
            sectors[f"{sector[:2].upper()}{k}"] = sector
    snapshot = make_snapshot(closes, dates, sectors=sectors, market_caps=dict.fromkeys(closes, 10.0))
    out = tmp_path / "out"
    build(
        load_settings(snapshot=write_snapshot(snapshot, tmp_path / "snapshot"), out=out, jobs=1, quiet=True)
    )
    [path_] = list(out.glob("*/2026-03-31/cohort-performance-2026-03-31.md"))
    text = path_.read_text("utf-8")
    assert "title: Industrials leads the sectors large enough to rank this year" in text
    assert "the Industrials sector rose 10.4%, the stronger of the two sectors large enough to rank." in text
    assert "Telecom, with four stocks, is too small to rank: its average stock surged 30.2%." in text
    assert "- Industrials was the stronger of the two sectors large enough to rank" in text
    assert "- Utilities was the weaker of the two sectors large enough to rank over the same period." in text
    assert "Industrials' best performer was IN7 Corp. (IN7), which advanced 10.7%" in text
    assert " has " not in text.split("\n---\n", 1)[1]


def test_an_earlier_headline_that_points_nowhere_is_not_set_beside_the_move(sample_run):
    """ "Reelhouse Media to present at industry conference" (Nov. 12) says nothing of which way the
    stock would go; followed by "The shares surged 7.9% that session." it read as the cause. An
    earlier headline that points somewhere comes first, with its session's move, and a contrast word
    when the tape went the other way: Reelhouse's Oct. 30 dividend raise and buyback, after which
    the shares still fell 2.0%, and Helix's "cuts full-year outlook" and a 0.5% decline."""
    bodies = {
        s["tickers"][0]: body for _, body, s in articles(sample_run.out_dir) if s["kind"] == "alpha_brief"
    }
    reelhouse = bodies["RLHS"].split("## Earlier in the news", 1)[1].split("\n## ", 1)[0]
    assert "industry conference" not in reelhouse
    assert (
        "“Reelhouse Media raises dividend and extends share buyback.” The shares still fell 2.0% that "
        "session." in reelhouse
    )
    helix = bodies["HLXM"].split("## Earlier in the news", 1)[1]
    assert (
        "“Helix Microdevices cuts full-year outlook, citing softer demand.” The shares declined 0.5%" in helix
    )
    for body in bodies.values():  # a headline that points nowhere is never set beside a move
        for paragraph in body.split("\n\n"):
            if any(words in paragraph for words in ("present at industry conference", "sets date for")):
                assert "that session" not in paragraph and "next session" not in paragraph, paragraph


def test_the_sessions_news_the_tape_contradicts_is_reported_with_a_contrast(sample_run):
    """The Closing Bell downgraded Altoscale Cloud to sell on Nov. 20, and its shares still rose 4.0%
    that session. Not the move's cause, but the day's news: it leads the brief's news section, with
    "still" (a contrast word) before the move. Auralis Group's "cuts full-year outlook" of Nov. 20 is
    Tickerline's second run of Ledger Daily's Nov. 5 headline: no news of the day, it is credited
    to Ledger Daily, with that session's 0.9% decline."""
    bodies = {s["tickers"][0]: b for _, b, s in articles(sample_run.out_dir) if s["kind"] == "alpha_brief"}
    section = bodies["ALSC"].split("## In the news\n\n", 1)[1].split("\n", 1)[0]
    assert section == (
        "The Closing Bell reported Nov. 20 under the headline “Altoscale Cloud downgraded to sell on "
        "margin concerns.” The shares still climbed 4.0% that session."
    )
    auralis = bodies["ARLS"]
    assert "## In the news" not in auralis and (
        "Ledger Daily reported Nov. 5 under the headline “Auralis Group cuts full-year outlook, citing "
        "softer demand.” The shares declined 0.9% that session." in auralis
    )


@pytest.mark.shared_data
def test_sp500_value_ratios_use_the_closes_the_fundamentals_were_priced_at(sp500_run):
    """fundamentals.csv (taken before the open on 2017-03-08) has the 2017-03-07 closes: TRIP 41.31
    against an adjusted 41.31 that day (43.83 on 2017-03-08), PPG 100.78 against 99.60 (105.57).
    Read against the 2017-03-08 closes, no split ratio fit and their value signals went unscored.
    TGNA's 25.82 against 16.281 is 1.586 times: 1.5 (a 3-for-2 split) times 1.057, well above the
    1.015 its 2.16% yield paid in eight months. Tegna spun off Cars.com instead, so its per-share
    value ratios are unknown, and the brief says why rather than that its fundamentals are missing."""
    briefs = {sidecar["tickers"][0]: (body, sidecar) for _, body, sidecar in articles(sp500_run.out_dir)
              if sidecar["kind"] == "alpha_brief"}  # fmt: skip
    for ticker in ("TRIP", "PPG"):
        [score] = briefs[ticker][1]["scores"]
        assert score["signals"]["value"] is not None, ticker
    body, sidecar = briefs["TGNA"]
    [score] = sidecar["scores"]
    assert score["signals"]["value"] is None
    assert "- **Value: not scored.** Its valuation ratios cannot be restated at the latest price" in body
    assert "such as a spin-off or a special dividend" in body and "needs are not available" not in body


@pytest.mark.shared_data
def test_sp500_briefs_say_when_a_split_restated_their_prices(sp500_run):
    """Frontier's fundamentals price of 2017-03-07 is 1/15 of the adjusted close that day: the
    1-for-15 reverse split of 2017 (ratio 0.0667). Its 52-week range (a high of $50.99) holds prices it
    never traded at, restated for that split, and the brief says so of its Nov. 10 close, its lowest
    in 52 weeks."""
    briefs = {s["tickers"][0]: b for _, b, s in articles(sp500_run.out_dir) if s["kind"] == "alpha_brief"}
    assert "lowest close in 52 weeks on a split- and dividend-adjusted basis" in briefs["FTR"]
    assert "split-" not in briefs["AAPL"]  # no split since March 2017


@pytest.mark.shared_data
def test_sp500_an_unscored_brief_compares_its_two_signals_and_dates_only_the_one_on_fundamentals(sp500_run):
    """Huntington Bancshares has scores for momentum (19) and value (36) only: the two are "the
    stronger" and "the weaker", not the strongest and weakest of four, and only value rests on the
    March 8, 2017 fundamentals (its quality has no score)."""
    [(_, body, sidecar)] = [
        a
        for a in articles(sp500_run.out_dir)
        if a[2]["kind"] == "alpha_brief" and a[2]["tickers"] == ["HBAN"]
    ]
    [score] = sidecar["scores"]
    assert {n for n, signal in score["signals"].items() if signal is not None} == {"momentum", "value"}
    assert "Value is the stronger of the two, at 36, and momentum the weaker, at 19." in body
    assert "The value score rests on company fundamentals dated March 8, 2017" in body


@pytest.mark.shared_data
def test_sp500_movers_name_the_share_class_of_a_company_with_two(sp500_run):
    """On Nov. 10, 2017 News Corp.'s Class B stock (NWS) rose 5.4% (14.75 -> 15.55), its Class A
    (NWSA) 5.2%, which has a brief of its own ("News Corp. soars 5.2% ..."): the movers' takeaway
    names the class, so the two stories do not give News Corp. two different gains."""
    [(_, body, _)] = [a for a in articles(sp500_run.out_dir) if a[2]["kind"] == "market_movers"]
    assert (
        "- News Corp.'s Class B stock jumped 5.4%, the day's biggest gain among the S&P 500's members" in body
    )
    assert "- News Corp. jumped" not in body


@pytest.mark.shared_data
def test_sp500_movers_say_which_sector_was_too_small_to_rank(sp500_run):
    """Telecommunications Services has four stocks on 2017-11-10 (CTL 0.0%, FTR -14.9%, T +0.6%,
    VZ -0.4%: -3.7% on average), under the eight a ranked sector needs (rules/writing.yaml). Health
    Care's -0.8% is the worst only among the sectors ranked, and the article says so."""
    [(_, body, sidecar)] = [a for a in articles(sp500_run.out_dir) if a[2]["kind"] == "market_movers"]
    assert "Among sectors large enough to rank, " in body
    assert "Telecommunications Services, with four stocks, is too small to rank: its average stock" in body
    assert re.search(r"too small to rank: its average stock \w+ 3\.7%", body)
    telecom = "group:sector:telecommunications-services:return_ew:1D"
    rankings = [c for c in sidecar["claims"] if c["predicate"] in ("ranks_first", "ranks_last")]
    sector_rankings = [c for c in rankings if c["facts"][0].startswith("group:sector:")]
    assert len(sector_rankings) == 2 and all(c["left_out"] == [telecom] for c in sector_rankings)


@pytest.mark.shared_data
def test_sp500_cohort_story_ranks_only_sectors_large_enough_to_rank(sp500_run):
    """Over 2017 to Nov. 10 Telecommunications Services' four stocks averaged -35.6% (closes of
    2016-12-30 and 2017-11-10: CTL 22.146 -> 15.48, FTR 45.119 -> 6.77, T 40.502 -> 34.22,
    VZ 50.905 -> 44.88), the lowest of any sector but, as in the movers story, too few stocks to
    rank: Energy (-9.6%) brings up the rear of the ten ranked, and the article says why."""
    [(_, body, sidecar)] = [a for a in articles(sp500_run.out_dir) if a[2]["kind"] == "cohort_performance"]
    assert "the strongest of the 10 sectors large enough to rank" in body
    assert "Energy brought up the rear: its average stock retreated 9.6%" in body
    assert re.search(
        r"Telecommunications Services, with four stocks, is too small to rank: "
        r"its average stock \w+ 35\.6%",
        body,
    )
    assert "| Telecommunications Services |" not in body
    assert "- Energy was the weakest sector large enough to rank over the same period." in body
    telecom = "group:sector:telecommunications-services:return_ew:YTD"
    rankings = [c for c in sidecar["claims"] if c["predicate"] in ("ranks_first", "ranks_last")]
    sector_rankings = [c for c in rankings if c["facts"][0].startswith("group:sector:")]
    assert sector_rankings and all(c["left_out"] == [telecom] for c in sector_rankings)


@pytest.mark.shared_data
def test_sp500_ledes_give_a_price_for_the_share_class_it_is_of(sp500_run):
    """Alphabet closed at $1,044.15 (GOOGL) and $1,028.07 (GOOG) on 2017-11-10: the brief on GOOGL
    names the Class A stock before its price, and gives the Class C stock's price as its own."""
    [body] = [b for p, b, s in articles(sp500_run.out_dir) if p.name.startswith("alphabet-inc-alpha-score")]
    assert body.lstrip().startswith("Alphabet Inc.'s Class A stock (GOOGL) closed at $1,044.15 on Nov. 10")
    assert re.search(r"Its Class C stock \(GOOG\) (?:[a-z]+ )+0\.3% to \$1,028\.07\.", body)


@pytest.mark.shared_data
def test_sp500_briefs_date_their_fundamentals_and_split_nothing(sp500_run):
    """Fundamentals date from 2017-03-08; prices are back-adjusted, so no move is a suspected split.
    A value ratio divides the March per-share figures by the Nov. 10 close: both dates are given."""
    briefs = [(p, b, s) for p, b, s in articles(sp500_run.out_dir) if s["kind"] == "alpha_brief"]
    value_lines = [
        b.split("**Value:")[1].split("\n")[0]
        for _, b, _ in briefs
        if "**Value:" in b and "not scored" not in b.split("**Value:")[1][:20]
    ]
    measured = (
        "Measured at the Nov. 10 close with per-share figures from fundamentals dated March 8, 2017, its "
    )
    assert value_lines and all(measured in line for line in value_lines)
    assert not any(f["rule"] == "risk.corporate_action" for _, _, s in briefs for f in s["findings"])


@pytest.mark.shared_data
def test_sp500_a_fall_no_action_explains_holds_the_brief_that_states_figures_over_it(sp500_run):
    """HPE closed at 17.411 on 2017-04-03 after 23.485 (-25.9%), the day it spun off its services
    business, which the back-adjusted prices leave out: its "fell 39.7%" over 12 months is not what
    holders lost. No split or action explains the fall (20% or more, rules/facts.yaml), so the
    brief is held for an editor, and its momentum and Alpha Score, which look back over the fall,
    carry the flag; its value signal does not. FTR fell 26.8% on 2017-11-01 (12.11 -> 8.86): the
    movers story, about the day, leaves out FTR's month rather than wait for an editor."""
    runs = articles(sp500_run.out_dir)
    [(path, body, sidecar)] = [a for a in runs if a[0].name.startswith("hewlett-packard-enterprise-alpha")]
    assert sidecar["verdict"] == "review" and "desk" in path.parts
    fall = [f for f in sidecar["findings"] if f["rule"] == "risk.unexplained_fall"]
    assert "stock:HPE:return:1Y" in {fact for f in fall for fact in f["facts"]}
    flags = {f["id"]: f["flags"] for f in sidecar["facts"]}
    assert flags["stock:HPE:return:1Y"] == ["unexplained_fall"] and flags["stock:HPE:return:1D"] == []
    assert flags["score:HPE:alpha"] == ["unexplained_fall"] and flags["score:HPE:signal.momentum"]
    assert flags["score:HPE:signal.value"] == []
    [(path, body, sidecar)] = [a for a in runs if a[2]["kind"] == "market_movers"]
    assert sidecar["verdict"] == "publish" and "desk" not in path.parts
    assert "- **Frontier Communications (FTR)**, Telecommunications Services: sank 14.9% to $6.77. " in body
    assert not any(f["flags"] for f in sidecar["facts"])


def test_sp500_a_held_brief_states_the_unexplained_fall_itself_dated(sp500_run):
    """HPE's 17.411 after 23.485 on 2017-04-03 is a 25.9% fall; MNK's 13.86 after 21.49 on
    2017-11-07 a 35.5% one, most of its month's 39.1%; HPE's 14.235 after 17.965 on 2017-09-01 another
    (20.8%). Each held brief says so, with the days, beside the moves they are part of."""
    runs = {a[0].name.split("-alpha-score")[0]: a for a in articles(sp500_run.out_dir)}
    for name, said in (
        (
            "hewlett-packard-enterprise",
            "The stock fell 25.9% on April 3 and 20.8% on Sept. 1, single-session",
        ),
        ("mallinckrodt-plc", "On Nov. 7, the stock fell 35.5% in a single session"),
    ):
        _, body, sidecar = runs[name]
        assert said in body and sidecar["verdict"] == "review", (name, body)


def test_sp500_a_brief_about_the_year_tells_the_weeks_big_move(sp500_run):
    """General Growth Properties closed at 19.01 on Nov. 6, 2017 and 22.20 on Nov. 7 (+16.8%), 6.4 times
    its typical daily move; its brief leads with the year, and says what happened that week."""
    [(_, body, sidecar)] = [a for a in articles(sp500_run.out_dir) if a[0].name.startswith("general-growth")]
    assert sidecar["angle"].startswith("routine")
    assert "Earlier in the week, on Nov. 7, General Growth Properties jumped 16.8%." in body


def test_sp500_companies_are_named_as_they_were_in_november_2017(sp500_run):
    """The fundamentals of March 2017 carry names already out of date (Biogen Idec was renamed
    Biogen in 2015, L-3 Communications L3 Technologies on Dec. 31, 2016) or not AP's (AFLAC,
    Yum! Brands): editorial/names.yaml gives the name of Nov. 10, 2017, as AP writes it."""
    text = "\n".join(body for _, body, _ in articles(sp500_run.out_dir))
    titles = "\n".join(sidecar["title"] for _, _, sidecar in articles(sp500_run.out_dir))
    for old, new in (
        ("BIOGEN IDEC", "Biogen Inc. (BIIB)"),
        ("L-3 Communications", "L3 Technologies Inc. (LLL)"),
        ("NASDAQ OMX", "Nasdaq Inc. (NDAQ)"),
        ("Ulta Salon", "Ulta Beauty Inc. (ULTA)"),
        ("FMC Technologies", "TechnipFMC PLC (FTI)"),
        ("HCA Holdings", "HCA Healthcare Inc. (HCA)"),
        ("AFLAC", "Aflac Inc. (AFL)"),
        ("Yum!", "Yum Brands Inc. (YUM)"),
    ):
        assert old not in text and old not in titles and new in text, (old, new)


def test_process_talk_figures_opening_sentences_and_dangling_comparisons_are_recognised():
    assert LEADING_FIGURE.match("12-month return against the benchmark, at 6.9 points, ranks high.")
    assert LEADING_FIGURE.match("5% of the shares changed hands.")
    assert not LEADING_FIGURE.match("3M Co. (MMM) closed at $200.") and not LEADING_FIGURE.match(
        "2017 ended."
    )
    assert not LEADING_FIGURE.match("21st Century Fox (FOXA) rose.")
    assert DANGLING_COMPARISON.search(
        "X has fallen 13.4%, while the average Industrials stock has declined 1.5%, "
        "well behind the sector average."
    )
    assert not DANGLING_COMPARISON.search(
        "X has fallen 13.4%, well behind the average Industrials stock, which fell."
    )
    assert "both runs" in PROCESS_TALK
    assert PLURAL_SUBJECT_SINGULAR_VERB.search("closed at $46, after the shares was barely changed")
    assert OPPOSITE_MOVES_WITH_AND.search(
        "the shares retreated 2.1%, and across the past month they gained 4.9%"
    )
    assert not OPPOSITE_MOVES_WITH_AND.search(
        "the shares retreated 2.1%, but across the past month they gained 4.9%"
    )
    assert not OPPOSITE_MOVES_WITH_AND.search(
        "the shares fell 2.8%, and across the past month they slid 5.9%"
    )
    assert OPPOSITE_MOVES_WITH_AND.search(
        "It has retreated 1.5% over the past month and has soared 53.8% this year"
    )
    assert PLURAL_SUBJECT_SINGULAR_VERB.search("Ironvale Colocation in the news; shares falls 4.3%")
    assert not PLURAL_SUBJECT_SINGULAR_VERB.search("as the stock was barely changed; the shares were")
    assert not PLURAL_SUBJECT_SINGULAR_VERB.search("Ironvale Colocation in the news; stock falls 4.3%")
    assert UNNAMED_GROUP.match("Weighted by market value, the sector has risen 37.8%.")
    assert UNNAMED_GROUP.match("Its best performer has been Micron Technology (MU).")
    assert not UNNAMED_GROUP.match("Information Technology's best performer has been Micron Technology.")
    assert NEGATIVE_FIGURE.search("Fastenal climbs 6.8% in a month as Industrials averages -1.5%")
    assert not NEGATIVE_FIGURE.search("Coca-Cola slips 1.5% in a 52-week low; S&P 500 ETF-linked")


def test_vendor_name_formats_are_recognised():
    assert VENDOR_NAME.search("Gap (The) earns moderate Alpha Score of 60")
    assert VENDOR_NAME.search("Lilly (Eli) & Co. posts") and VENDOR_NAME.search("Bard (C.R.) Inc. rose")
    assert not VENDOR_NAME.search("Apple Inc. (AAPL) rose 2%") and not VENDOR_NAME.search(
        "Visa Inc. (V) fell"
    )


def test_repeated_verbs_are_found_in_any_tense():
    assert repeated_verbs("In the past month it sank 25.7%, and year to date it has sunk 56.9%.") == ["sank"]
    assert repeated_verbs("It rose 2% and has edged up 1% since.") == []
