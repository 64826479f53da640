"""Typed template contexts: the records a story hands its template, one dataclass per shape.

Templates read these by attribute (`stock.short`, `leader.move`). A field that is unknown is None
and the template tests it with `is not none`; a figure is always a `Fact` (printed through a filter
that records it), never a bare number. tests/test_story_contexts.py checks that every variable and
attribute a template uses is a field of the record it reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from generator.facts.typed import unflagged, unflagged_context
from generator.models import AlphaScore, Fact
from generator.scoring import ScoreFacts
from generator.writing.changes import Change
from generator.writing.context import View
from generator.writing.phrasing import displayed_value
from generator.writing.render import Ranking

record = dataclasses.dataclass(frozen=True, slots=True, kw_only=True)


# ------------------------------------------------------------------------------ shared records


@record
class StockView(View):
    """How a story names one stock."""

    ticker: str
    tickers: str  # every ticker of the company, for its first mention ("GOOGL, GOOG")
    shares: str | None  # "Class A stock" when the company has several classes, else None
    share_class: str | None
    # First reference before a figure: the company, or of a company with several share classes the
    # class the figure is of ("Alphabet Inc.'s Class A stock"), never both tickers before one price.
    called: str
    called_again: str  # `called` in later references: "News Corp.'s Class B stock", "Nvidia"
    name: str  # the company's first reference, AP style
    short: str  # later references
    sector: str | None
    sub_industry: str | None
    industry: str | None  # the sub-industry, else the sector


@record
class ShareClassView(View):
    """Another share class of the same company, beside the one a story is about."""

    ticker: str
    share_class: str | None
    move: Fact | None
    close: Fact | None


@record
class QuoteView(View):
    """A quote and everything its attribution needs (templates/partials/quoting.md.j2)."""

    text: str
    sentence: str
    lead_in: str
    speaker: str
    role: str | None
    organisation: str | None
    issuer: str | None
    speaker_of_issuer: bool
    kind: str
    title: str
    published: dt.date | None
    own_statement: bool = False


@record
class GroupView(View):
    """A group's figures over one window: sector, sub-industry, cohort, basket."""

    id: str
    name: str
    move: Fact | None
    cap_weighted: Fact | None
    cap_tilt: str | None  # "larger" | "smaller": which members did better, as displayed
    relative: Fact | None
    size: Fact
    counted: Fact
    contribution: Fact | None


@record
class Exclusions(View):
    """Who a group figure left out for a suspected split (templates/partials/exclusions.md.j2)."""

    names: list[str]
    count: int
    more: Fact | None


@record
class NotCounted(View):
    """Members with no return over a window (listed later, or stopped trading)."""

    names: list[str]
    count: Fact
    all_named: bool


@record
class ChartView(View):
    """The chart a story carries: the file beside the article and its alt text."""

    file: str
    alt: str


@record
class Common(View):
    """What every article's template may use."""

    as_of: dt.date
    universe_name: str
    benchmark_label: str
    fundamentals_date: dt.date | None  # set when older than `as_of`: stories say so
    universe_date: dt.date | None  # set when the membership list is older than `as_of`
    dividend_adjusted: bool


# ------------------------------------------------------------------------------ per-kind records


@record
class DriverView(View):
    """A measure behind a signal; its figures are built when a template states them."""

    label: str
    peers: str
    metric: str  # the metric's name, e.g. "earnings_yield"
    score_facts: ScoreFacts
    ranked: str | None = None  # how an inverted measure's percentile reads (rules/scoring.yaml)

    @property
    def value(self) -> Fact:
        return self.score_facts[f"metric.{self.metric}"]

    @property
    def rank(self) -> Fact:
        return self.score_facts[f"rank.{self.metric}"]


@record
class SignalView(View):
    name: str
    missing: bool
    reason: str | None  # why a missing signal is missing: no_news_feed, no_recent_news, ...
    score: Fact | None
    label: str | None
    drivers: list[DriverView]
    dated: bool  # rests on fundamentals older than the prices


@record
class SplitView(View):
    date: dt.date
    ratio: str  # "4-for-1"
    reverse: bool
    suspected: bool
    move: Fact


@record
class NewsView(View):
    """The headline a brief leads with, and the move it is measured against."""

    title: str
    title_end: str  # "." unless the title ends in its own punctuation
    publisher: str  # "One outlet" when the item names none
    date: dt.date
    session: str  # "same" | "previous" | "earlier"
    move: Fact  # the session's return, or the two sessions' for the previous session's news
    causal: bool  # the headline points the way the stock moved: it may be given as the cause
    contradicted: bool  # it points the other way: the move came in spite of it
    topic: str | None  # the headline without the company's name, when it starts with it ("misses ...")
    topic_short: str | None  # its first clause ("misses quarterly estimates")


@record
class ScoreChangeView(View):
    """The Alpha Score and its signals against the previous recorded run."""

    alpha: Change | None
    signals: list[Change]  # largest move first
    lead_signal: Change | None  # the signal that moved most the way the score did
    when: str  # "a session earlier", "a week earlier", "on Nov. 3"
    since: dt.date


@dataclasses.dataclass(frozen=True, kw_only=True)
class SessionView(View):
    """What the last session means against the ones before it; each figure is built when read.

    (Not slotted: the figures are memoised per article in `memo`.)
    """

    facts: Any  # generator.facts.MarketFacts
    ticker: str
    ma_days: Fact  # sessions in the long average (rules/facts.yaml)
    ma_cross: int  # +1 first close above it, -1 below, 0 neither
    min_days_since: int  # the least gap "the most since <date>" is worth saying (rules/writing.yaml)
    min_streak_told: int  # the shortest streak told beside another angle (rules/writing.yaml)
    # what makes a session of the week before the last a big move: rules/triggers.yaml big_move's
    # multiple of the stock's typical daily move and least move in percent (None: never)
    big_move: tuple[float, float] | None = None
    memo: dict = dataclasses.field(default_factory=dict, repr=False)

    def _once(self, key: str, build):
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    @property
    def day(self) -> Fact | None:
        """The session's return (None when flagged or unknown)."""
        return self._once("day", lambda: unflagged(self.facts.stock_return(self.ticker, "1D")))

    @property
    def benchmark_day(self) -> Fact | None:
        return self._once("benchmark_day", lambda: self.facts.benchmark_return("1D"))

    @property
    def relative_day(self) -> Fact | None:
        """The session's return against the benchmark's."""
        return self._once("relative_day", lambda: unflagged(self.facts.stock_relative(self.ticker, "1D")))

    @property
    def move_multiple(self) -> Fact | None:
        """The move in multiples of the stock's typical daily move."""
        return self._figure("move_multiple") if self.day else None

    @property
    def biggest_since(self) -> Fact | None:
        """The last earlier session with a move as large the same way; None when that is less than
        `min_days_since` days before: "the most since Nov. 3" of a Nov. 10 fall reads as a rarity
        when all it says is that the stock fell further a week earlier."""
        day = self.day
        since = self._figure("biggest_move_since_date") if day else None
        if since is None or (day.end - since.start).days < self.min_days_since:
            return None
        return since

    @property
    def streak(self) -> Fact | None:
        """Sessions in a row the same way, when two or more."""
        up, down = self._figure("up_streak"), self._figure("down_streak")
        return next((s for s in (up, down) if s is not None and s.value >= 2), None)

    @property
    def week_move(self) -> Fact | None:
        """The week's biggest one-session move before the last session, when it is a big move by
        rules/triggers.yaml: a brief about the year does not leave out a 16.8% jump three sessions
        back. Not one a flag holds the story for (an unexplained fall has its own sentence)."""
        if self.big_move is None:
            return None
        multiple, least = self.big_move
        move = unflagged_context(self._figure("week_top_move"))
        ratio = self.facts.value(self.ticker, "week_top_move_multiple")
        if move is None or ratio is None or not ratio >= multiple or abs(move.value) < least:
            return None
        return move

    @property
    def told_streak(self) -> Fact | None:
        """The streak, when worth a sentence beside another angle: long enough, and not ending on a
        session that displays as unchanged (a one-cent gain "held steady" yet "closed higher")."""
        streak = self.streak
        if streak is None or streak.value < self.min_streak_told:
            return None
        day = self.day
        return streak if day is not None and displayed_value(day) != 0 else None

    @property
    def streak_move(self) -> Fact | None:
        """The stock's move over the streak, from the close before its first session."""
        return self._figure("streak_return") if self.streak is not None else None

    @property
    def benchmark_streak(self) -> Fact | None:
        """The benchmark's return over the streak's sessions: was it the stock, or the market?"""
        if self.streak_move is None:
            return None
        return self._once("benchmark_streak", lambda: self.facts.benchmark_over_streak(self.ticker))

    @property
    def streak_up(self) -> bool:
        streak = self.streak
        return streak is not None and streak.id.endswith(":up_streak")

    @property
    def ma_long(self) -> Fact | None:
        return self._figure("ma_long")

    @property
    def ma_since(self) -> Fact | None:
        """For a cross: the last earlier close on the same side of the average."""
        return self._figure("ma_since_date") if self.ma_cross else None

    @property
    def volume_ratio(self) -> Fact | None:
        return self._figure("volume_ratio")

    @property
    def volume(self) -> Fact | None:
        return self._figure("volume")

    def _figure(self, column: str) -> Fact | None:
        return self._once(column, lambda: self.facts.stock_figure(self.ticker, column))


@record
class SectorMove(View):
    """A sector's average return over a window, beside one of its stocks."""

    name: str
    move: Fact


@record
class BriefContext(Common):
    stock: StockView
    split_adjusted: bool  # its prices before a split since the fundamentals' date are restated for it
    other_classes: list[ShareClassView]
    score: AlphaScore
    score_facts: ScoreFacts
    signals: list[SignalView]
    best: SignalView | None
    best_rank: Ranking | None
    best_names: str | None
    best_many: bool
    worst: SignalView | None
    worst_rank: Ranking | None
    worst_names: str | None
    worst_many: bool
    fundamental_signals: list[str]  # the scored signals that rest on fundamentals: value, quality
    moves: Mapping[str, Fact]  # window -> the stock's return, for the windows known and unflagged
    relative_1y: Fact | None
    figures: Mapping[str, Fact]  # close, 52-week highs and lows, volume... for those known
    high_date: dt.date | None
    today: dict[str, bool]  # e.g. closing_high_52w_today, closing_high_52w_new
    notable_volume: bool
    sector_month: SectorMove | None
    splits: list[SplitView]
    falls: list[Fact]  # one-session falls of the past year no split or action explains
    quote: QuoteView | None
    lookback_days: int
    angle: str  # the structure the brief takes: its first trigger, or a routine angle
    triggers: list[str]
    news: NewsView | None
    earlier_news: NewsView | None  # an older headline its own session's move does not contradict
    score_change: ScoreChangeView | None
    session: SessionView


@record
class MoverView(View):
    stock: StockView
    other_classes: list[ShareClassView]
    move: Fact
    month: Fact | None
    close: Fact | None
    volume_ratio: Fact | None  # only when notable


@record
class MoversContext(Common):
    leaders: list[MoverView]
    laggards: list[MoverView]
    lead_rank: Ranking | None
    lag_rank: Ranking | None
    universe_move: Fact | None
    benchmark_move: Fact | None
    advancers: Fact
    decliners: Fact
    counted: Fact
    best_sector: GroupView | None
    best_sector_rank: Ranking | None
    worst_sector: GroupView | None
    worst_sector_rank: Ranking | None
    unranked_sectors: list[GroupView]  # sectors with a move but too few members to rank
    excluded: Exclusions | None
    decline_first: bool  # the biggest decline is a larger move than the biggest gain: it leads
    chart: ChartView | None


@record
class TopStock(View):
    stock: StockView
    move: Fact


@record
class CohortContext(Common):
    grouping: str  # "cohort" | "sector"
    since: dt.date
    until: dt.date
    ytd: bool  # the period is the year so far (no editor's start date)
    since_reason: str | None  # the editor's reason for the start date
    chart: ChartView | None
    cohorts: list[GroupView]
    cohort_count: Fact
    unranked: list[GroupView]  # sectors too small to rank, said so
    unranked_lead: bool  # one of them did better than the leader, or kept up with the universe
    leader: GroupView
    leader_rank: Ranking
    laggard: GroupView | None
    laggard_rank: Ranking | None
    parts: list[GroupView]
    parts_rank: Ranking | None
    parts_ahead: list[GroupView]
    top_stocks: list[TopStock]
    top_rank: Ranking | None
    universe_move: Fact | None
    benchmark_move: Fact | None
    excluded: Exclusions | None
    not_counted: NotCounted | None


@record
class ThemeMember(View):
    stock: StockView
    score: AlphaScore
    score_facts: ScoreFacts
    year: Fact | None
    momentum_peers: str | None  # "among Financials stocks" when its momentum reads against its year


@record
class ThematicContext(Common):
    theme: Any  # generator.writing.editorial.Theme: the editor's words
    members: list[ThemeMember]
    top_rank: Ranking | None
    scored: Fact
    member_count: Fact
    basket: GroupView | None
    excluded: Exclusions | None
    sectors: list[GroupView]
    quote: QuoteView | None
    basket_leader: TopStock | None
    basket_leader_rank: Ranking | None
    basket_fell: Fact | None
    chart: ChartView | None


@record
class ScoreMover(View):
    stock: StockView
    alpha: Change
    lead_signal: Change | None  # the signal that moved most the way the score did


@record
class ScoreChangesContext(Common):
    when: str  # "a session earlier", ...
    since: dt.date
    upgrades: list[ScoreMover]  # largest first
    downgrades: list[ScoreMover]  # largest first
    upgrade_rank: Ranking | None
    downgrade_rank: Ranking | None
    compared: Fact  # stocks scored in both runs
    moved_up: Fact
    moved_down: Fact
    threshold: Fact
