"""The day's news for a ticker, linked to the move it may explain — when the tape agrees.

A headline's session is the first one it can move (news at or after the market's close moves the
next: `market_close` in rules/facts.yaml). One of the last session is measured against that
session's move; one of the previous session against the move over both sessions (the `2D`
window), since it may have moved either; an older one against the move of its own session.
Which way a headline points comes from generator/headlines.py, the same reading the checker's
`claims.cause` applies: a headline that points the other way from its move is never given as its
cause; it is cited with a contrast word, unless it is about the price itself (then it is wrong).
Only the session's and the previous session's news can lead a brief; an older headline may be
cited as earlier news, with its own day's move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.facts import MarketFacts
from generator.facts.typed import unflagged
from generator.headlines import HeadlineWords
from generator.models import Fact
from generator.writing.phrasing import direction
from generator.writing.sources import Headline, SourceLibrary

MIN_HEADLINE_WORDS = 4  # shorter titles ("Apple: update") are labels, not news


@dataclass(frozen=True)
class LinkedHeadline:
    """A headline of the day and the move it is measured against."""

    headline: Headline
    session: str  # "same": on the session's date; "previous": the session before's; "earlier": older
    move: Fact  # the session's return, or the two sessions' for the previous session's news
    tone: int  # +1 the headline points up, -1 down, 0 neither

    @property
    def agrees(self) -> bool:
        """The tape does not contradict it: it points nowhere, the stock was little changed ("still
        barely moved" after a warning is no contrast), or it moved the way the headline points."""
        moved = direction(self.move)
        return self.tone == 0 or moved == 0 or self.tone == moved

    @property
    def causal(self) -> bool:
        """It may be given as the move's cause: it points the way the stock moved."""
        return self.tone != 0 and self.tone == direction(self.move)


def news_of_the_day(
    library: SourceLibrary, facts: MarketFacts, ticker: str, words: HeadlineWords
) -> list[LinkedHeadline]:
    """The ticker's headlines of the session and the one before, newest first, each with its move."""
    if "1D" not in facts.windows:
        return []
    session = facts.windows["1D"]
    previous = facts.windows["2D"].start if "2D" in facts.windows else dt.date.min
    moves: dict[str, Fact | None] = {}  # built for the first headline that needs one: most have none

    def move_of(which: str) -> Fact | None:
        if which not in moves:
            window = "1D" if which == "same" else "2D"
            moves[which] = unflagged(facts.stock_return(ticker, window)) if window in facts.windows else None
        return moves[which]

    found = []
    for item in library.headlines.get(ticker, ()):
        published = item.first_day
        if published > session.end or len(item.title.split()) < MIN_HEADLINE_WORDS:
            continue
        if published > session.start:
            which = "same"
        elif previous < published <= session.start:  # a weekend's news is Monday's, for one
            which = "previous"
        else:
            continue
        move = move_of(which)
        if move is not None:
            found.append(LinkedHeadline(item, which, move, words.direction(item.title)))
    return found


def earlier_news(
    library: SourceLibrary,
    facts: MarketFacts,
    ticker: str,
    words: HeadlineWords,
    besides: Headline | None = None,
) -> LinkedHeadline | None:
    """The older headline (within the library's lookback) a brief cites as recent news, with the
    move of the session it ran on: the newest material one (a lawsuit, a recall: rules/claims.yaml),
    else the newest that points somewhere (an outlook cut, a contract win), else the newest that
    points nowhere (a conference date), whichever way its session went. News is news whatever the
    tape did: one the tape contradicts is cited with a contrast word ("The shares still added 1.5%
    that session"), never as the move's cause; one about the price itself that the tape
    contradicts is wrong, and is never cited. Older is of the previous session or earlier, other
    than the headline the brief leads with (`besides`): the previous session's contract win on a
    day the shares fell is news that does not lead."""
    if "1D" not in facts.windows:
        return None
    before = facts.windows["1D"].start
    pointed = neutral = None
    for item in library.headlines.get(ticker, ()):
        published = item.first_day
        if published > before or len(item.title.split()) < MIN_HEADLINE_WORDS or item is besides:
            continue
        session = facts.news_session(ticker, published)
        move = unflagged(facts.session_return(ticker, session)) if session else None
        if move is None:
            continue
        linked = LinkedHeadline(item, "earlier", move, words.direction(item.title))
        if not linked.agrees and words.about_the_price(item.title):
            continue
        if words.is_material(item.title):
            return linked
        if linked.tone != 0:
            pointed = pointed or linked
        else:
            neutral = neutral or linked
    return pointed or neutral


def contrary_news(items: list[LinkedHeadline], words: HeadlineWords) -> LinkedHeadline | None:
    """The session's newest headline that points the other way from the stock's move (an outlook
    cut on a day the shares rose): never the move's cause, but news a brief must not leave out.
    Not one about the price itself ("... lifts Zenithal shares" on a day they fell): that is wrong."""
    return next(
        (
            item
            for item in items
            if item.session == "same" and not item.agrees and not words.about_the_price(item.headline.title)
        ),
        None,
    )


def lead_news(items: list[LinkedHeadline]) -> LinkedHeadline | None:
    """The headline a brief leads with: the session's newest one the tape agrees with, then the
    previous session's; a headline that points the way the stock moved before one that points
    nowhere. The previous session's leads only when it points the way both sessions went: a chief
    financial officer named on Nov. 19 set beside a 4.3% fall that all came on Nov. 20 reads as its
    cause."""
    agreeing = [item for item in items if item.agrees and (item.session == "same" or item.causal)]
    if not agreeing:
        return None
    return min(agreeing, key=lambda item: (item.session != "same", not item.causal))
