"""Which articles to write, and the facts each one gets.

The planner decides what applies to a snapshot: an alpha brief per company with prices (share classes
of one company share a brief), a market-movers story, a cohort-performance story (sectors serve when
the snapshot defines no cohorts) and a thematic story per editor-defined theme whose stocks are
present. Each context builder hands its template `Fact` records (never bare numbers), so everything
the text states is traceable; a figure that is unknown is simply absent from the context and the
template says nothing about it. Rankings come as `Ranking` records that name every fact compared and
every member left out, so the checker can verify "the biggest gain" over the whole field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from generator import apstyle
from generator.facts import UNIVERSE, MarketFacts, Split, since_window_name
from generator.facts import columns as col
from generator.facts.selections import movers, ranked_groups
from generator.models import SIGNALS, Article, Fact, SourceRef
from generator.scoring import FUNDAMENTAL_SIGNALS, UNIVERSE_PEERS, ScoreFacts, Scores, ScoringRules
from generator.slugs import GENERATED_SLUG_LENGTH, slugify
from generator.writing.editorial import Editorial, Theme
from generator.writing.names import Company, Names
from generator.writing.phrasing import displayed_value
from generator.writing.render import ArticleWriter, Ranking
from generator.writing.sources import Quote, SourceLibrary, source_ref

BRIEF_WINDOWS = ("1D", "1M", "YTD", "1Y")
MAX_NAMED_EXCLUSIONS = 5
BRIEF_FIGURES = (
    "close",
    "high_52w",
    "low_52w",
    "closing_high_52w",
    "closing_low_52w",
    "pct_from_high",
    "volume",
    "volume_ratio",
)


@dataclass(frozen=True)
class ArticlePlan:
    """One article to write: its kind, unique slug and subject (ticker, group or theme id)."""

    kind: str
    slug: str
    subject: str
    tickers: tuple[str, ...]


class Newsroom:
    """Plans and writes one snapshot's articles from its computed facts and scores."""

    def __init__(
        self,
        *,
        facts: MarketFacts,
        scores: Scores,
        scoring_rules: ScoringRules,
        editorial: Editorial,
        names: Names,
        library: SourceLibrary,
        writer: ArticleWriter,
        data_source: SourceRef,
        has_cohorts: bool,
        has_news: bool,
        cohort_since: dt.date,
        universe_as_of: dt.date | None = None,
        sub_industries_as_of: dt.date | None = None,
    ) -> None:
        self.facts = facts
        self.scores = scores
        self.scoring_rules = scoring_rules
        self.editorial = editorial
        self.names = names
        self.library = library
        self.writer = writer
        self.data_source = data_source
        self.has_cohorts = has_cohorts
        self.has_news = has_news
        self.cohort_window = since_window_name(cohort_since)
        self.as_of = facts.as_of
        name, ticker = facts.benchmark_name, facts.benchmark_ticker
        self.benchmark_label = f"the benchmark {ticker}" if name == ticker else f"the {name}"
        # Value and quality read fundamentals of this date; stories say so when it is not as_of.
        self.fundamentals_date = facts.fundamentals_as_of if facts.fundamentals_as_of < self.as_of else None
        # An index's membership list of an earlier date is named with that date.
        self.universe_date = universe_as_of if universe_as_of and universe_as_of < self.as_of else None
        # A classification of a later date does not describe this market: no sub-industry groups.
        self.sub_industries_usable = sub_industries_as_of is None or sub_industries_as_of <= self.as_of

    # ================================================================================ planning

    def plan(self) -> list[ArticlePlan]:
        """Every article this snapshot supports, with unique slugs, in a stable order."""
        date = self.as_of.isoformat()
        facts = self.facts
        priced = set(facts.stocks.index[facts.stocks["close"].notna()])
        plans = [ArticlePlan("market_movers", f"{slugify(facts.universe_name)}-market-movers-{date}", "", ())]
        if self.cohort_window in facts.windows and len(self._cohorts()) >= 2:
            plans.append(ArticlePlan("cohort_performance", f"cohort-performance-{date}", "", ()))
        for theme in self.editorial.themes:
            tickers = tuple(t for t in theme.tickers if t in priced)
            if len(tickers) >= 2:
                plans.append(ArticlePlan("thematic", f"{theme.id}-{date}", theme.id, tickers))
        suffix = f"-alpha-score-{date}"
        briefed: set[str] = set()
        for ticker in facts.stocks.index:
            if ticker not in priced or ticker in briefed:
                continue
            company = self.names.company(ticker)
            tickers = tuple(t for t in company.tickers if t in priced)
            briefed.update(tickers)
            name = slugify(company.name, GENERATED_SLUG_LENGTH - len(suffix))
            plans.append(ArticlePlan("alpha_brief", f"{name}{suffix}", tickers[0], tickers))
        return _unique_slugs(plans)

    # ================================================================================ writing

    def write(self, plan: ArticlePlan) -> Article:
        builder = {
            "alpha_brief": self._alpha_brief,
            "market_movers": self._market_movers,
            "cohort_performance": self._cohort_performance,
            "thematic": self._thematic,
        }[plan.kind]
        context, sources, scores = builder(plan)
        return self.writer.render(
            kind=plan.kind,
            slug=plan.slug,
            date=self.as_of,
            tickers=list(plan.tickers),
            sources=[self.data_source, *sources],
            scores=scores,
            context=_drop_none(
                {
                    "as_of": self.as_of,
                    "universe_name": self.facts.universe_name,
                    "benchmark_label": self.benchmark_label,
                    "fundamentals_date": self.fundamentals_date,
                    "universe_date": self.universe_date,
                    "dividend_adjusted": self.facts.basis == "splits_and_dividends",
                    **context,
                }
            ),
        )

    # ------------------------------------------------------------------ alpha brief

    def _alpha_brief(self, plan: ArticlePlan):
        ticker = plan.subject
        facts = self.facts
        alpha = self.scores.by_ticker[ticker]
        figures = self._score_facts(ticker)
        signals = [self._signal(name, alpha, figures) for name in SIGNALS]
        present = [s for s in signals if not s["missing"]]
        ranked = sorted(present, key=lambda s: -s["score"].value)
        among = tuple(s["score"] for s in present)
        leading = [s["name"] for s in ranked if ranked and s["score"].value == ranked[0]["score"].value]
        trailing = [s["name"] for s in ranked if ranked and s["score"].value == ranked[-1]["score"].value]
        quote, quote_sources = self._company_quote(ticker)
        headline = self._headline(ticker)
        moves = {w: self._unflagged(facts.stock_return(ticker, w)) for w in BRIEF_WINDOWS}
        context = {
            "stock": self._stock(ticker),
            "other_classes": [self._share_class(t) for t in plan.tickers[1:]],
            "score": alpha,
            "score_facts": figures,
            "signals": signals,
            "best": ranked[0] if ranked else None,
            "best_rank": Ranking(ranked[0]["score"], "first", among) if len(ranked) > 1 else None,
            "best_names": apstyle.join(leading) if leading else None,
            "best_many": len(leading) > 1,
            "worst": ranked[-1] if ranked else None,
            "worst_rank": Ranking(ranked[-1]["score"], "last", among) if len(ranked) > 1 else None,
            "worst_names": apstyle.join(trailing) if trailing else None,
            "worst_many": len(trailing) > 1,
            "fundamental_signals": any(s["name"] in FUNDAMENTAL_SIGNALS for s in present),
            "moves": _present(moves),
            "relative_1y": self._unflagged(facts.stock_relative(ticker, "1Y")),
            "figures": _present({c: facts.stock_figure(ticker, c) for c in BRIEF_FIGURES}),
            "high_date": facts.value(ticker, "high_52w_date"),
            "today": {
                f"{name}{suffix}": bool(facts.value(ticker, f"{name}{suffix}"))
                for name in ("high_52w", "low_52w", "closing_high_52w", "closing_low_52w")
                for suffix in ("_today", "_new")
            },
            "notable_volume": self._notable_volume(ticker),
            "sector_month": self._sector_move(ticker, "1M"),
            "splits": [self._split(split, move) for split, move in facts.split_moves(ticker)],
            "quote": quote,
            "headline": headline,
            "lookback_days": self.scoring_rules.sentiment_lookback_days,
        }
        sources = [*quote_sources, *([source_ref(headline["source"])] if headline else [])]
        return _drop_none(context), sources, [alpha]

    def _signal(self, name: str, alpha, figures: ScoreFacts) -> dict[str, Any]:
        signal = alpha.signals.get(name)
        if signal is None:
            return {"name": name, "missing": True, "reason": self._missing_reason(name)}
        # The measures that explain the label: for a score of 50 or more the highest-ranked first,
        # below 50 the lowest; one that ranks on the other side of 50 would read as a contradiction.
        strong = signal.score >= 50
        metrics = sorted(signal.metrics, key=lambda m: -m.rank if strong else m.rank)
        same_side = [m for m in metrics if (m.rank >= 50) == strong]
        drivers = [
            {
                "label": m.label,
                "value": figures[f"metric.{m.name}"],
                "rank": figures[f"rank.{m.name}"],
                "peers": self._peers(m.peer_group),
            }
            for m in (same_side or metrics)[:2]
        ]
        return {
            "name": name,
            "missing": False,
            "score": figures[f"signal.{name}"],
            "label": signal.label,
            "drivers": drivers,
            "dated": name in FUNDAMENTAL_SIGNALS and self.fundamentals_date is not None,
        }

    def _missing_reason(self, signal: str) -> str:
        """Why a signal has no score, in the terms the template words it."""
        if signal == "sentiment":
            return "no_recent_news" if self.has_news else "no_news_feed"
        return "no_history" if signal == "momentum" else "no_inputs"

    def _score_facts(self, ticker: str) -> ScoreFacts:
        return ScoreFacts(
            self.scores.by_ticker[ticker], self.as_of, self.scoring_rules, self.scores.fundamentals_as_of
        )

    def _peers(self, peer_group: str) -> str:
        if peer_group == UNIVERSE_PEERS:
            return f"among all stocks in the {self.facts.universe_name}"
        return f"among {peer_group} stocks"

    def _notable_volume(self, ticker: str) -> bool:
        ratio = self.facts.value(ticker, "volume_ratio")
        return bool(pd.notna(ratio) and ratio >= self.writer.rules.notable_volume_ratio)

    def _sector_move(self, ticker: str, window: str) -> dict[str, Any] | None:
        sector = self.facts.value(ticker, "sector")
        group_id = f"sector:{slugify(sector)}" if isinstance(sector, str) else None
        if group_id not in self.facts.group_members:
            return None
        fact = self.facts.group_return(group_id, window)
        return {"name": sector, "move": fact} if fact else None

    def _share_class(self, ticker: str) -> dict[str, Any]:
        return _drop_none(
            {
                "ticker": ticker,
                "share_class": self.names.share_class(ticker),
                "move": self._unflagged(self.facts.stock_return(ticker, "1D")),
                "close": self.facts.stock_figure(ticker, "close"),
            }
        )

    @staticmethod
    def _split(split: Split, move: Fact) -> dict[str, Any]:
        return {
            "date": split.date,
            "ratio": split_ratio_words(split.ratio),
            "reverse": split.ratio < 1,
            "suspected": split.suspected,
            "move": move,
        }

    def _company_quote(self, ticker: str) -> tuple[dict[str, Any] | None, list[SourceRef]]:
        """The best-attributed quote about the company: its own statement first, then its executives
        quoted elsewhere, then others (a research note), newest first within each."""
        company = self.names.company(ticker)
        candidates = []
        for document in self.library.for_ticker(ticker):
            own_document = self._is_company(document.organisation or document.publisher, company)
            for position, quote in enumerate(self.library.quotes(document)):
                own_speaker = self._is_company(quote.organisation, company)
                rank = 0 if own_document and own_speaker else 1 if own_speaker else 2 if own_document else 3
                if rank == 3 and not _mentions_company(quote.text, company):
                    continue  # a third party's words about something else are not about this company
                published = _parse_date(document.published) or dt.date.min
                candidates.append((rank, -published.toordinal(), document.id, position, quote))
        if not candidates:
            return None, []
        rank, *_, quote = min(candidates, key=lambda c: c[:4])
        context = self._quote_context(quote)
        context["own_statement"] = rank == 0
        return context, [source_ref(quote.source)]

    def _is_company(self, organisation: str | None, company: Company) -> bool:
        if not organisation:
            return False
        wanted = {_org_key(company.name), _org_key(company.short)}
        return _org_key(organisation) in wanted

    def _quote_context(self, quote: Quote) -> dict[str, Any]:
        document = quote.source
        published = _parse_date(document.published)
        if published is not None and published > self.as_of:
            published = None  # never date a statement after the story's own date
        return _drop_none(
            {
                "text": quote.text,
                "sentence": quote.sentence,
                "lead_in": quote.text if quote.text[-1] in ".!?" else f"{quote.text},",
                "speaker": quote.speaker,
                "role": quote.role,
                "organisation": quote.organisation,
                "issuer": document.organisation or document.publisher,
                "speaker_of_issuer": _same_organisation(quote.organisation, document.organisation),
                "kind": document.kind or "document",
                "title": document.title,
                "published": published,
            }
        )

    def _headline(self, ticker: str) -> dict[str, Any] | None:
        """The newest headline worth quoting (the library holds only the lookback's news)."""
        for item in self.library.headlines.get(ticker, ()):
            if len(item.title.split()) >= 4 and item.published.date() <= self.as_of:
                return {
                    "title": item.title,
                    "publisher": item.publisher,
                    "date": item.published.date(),
                    "source": item.source,
                }
        return None

    # ------------------------------------------------------------------ market movers

    def _market_movers(self, plan: ArticlePlan):
        facts = self.facts
        per_side = self.writer.rules.movers_per_side
        field = self._field(UNIVERSE, "1D")
        leaders, laggards = movers(facts, "1D", per_side, field, company_of=self.names.company_key)
        among = tuple(self._returns(field, "1D"))
        left_out = tuple(self._returns(facts.left_out(UNIVERSE, "1D"), "1D"))
        sectors = self._ranked_groups("sector", "1D", minimum_size=self.writer.rules.min_sector_members)
        sector_moves = tuple(s["move"] for s in sectors)
        context = {
            "leaders": [self._mover(t) for t in leaders],
            "laggards": [self._mover(t) for t in laggards],
            "lead_rank": self._rank(leaders, "first", among, left_out),
            "lag_rank": self._rank(laggards, "last", among, left_out),
            "universe_move": facts.group_return(UNIVERSE, "1D"),
            "benchmark_move": facts.benchmark_return("1D"),
            "advancers": facts.group_count(UNIVERSE, col.ROSE, "1D"),
            "decliners": facts.group_count(UNIVERSE, col.FELL, "1D"),
            "counted": facts.group_count(UNIVERSE, col.COUNTED, "1D"),
            "best_sector": sectors[0] if sectors else None,
            "best_sector_rank": Ranking(sectors[0]["move"], "first", sector_moves)
            if len(sectors) > 1
            else None,
            "worst_sector": sectors[-1] if len(sectors) > 1 else None,
            "worst_sector_rank": Ranking(sectors[-1]["move"], "last", sector_moves)
            if len(sectors) > 1
            else None,
            "excluded": self._exclusions(UNIVERSE, "1D"),
        }
        return _drop_none(context), [], []

    def _field(self, group_id: str, window: str) -> list[str]:
        """The members a ranking over `window` compares: those with a return, suspected splits out."""
        return list(self.facts.counted(group_id, window))

    def _returns(self, tickers: Iterable[str], window: str) -> list[Fact]:
        found = (self.facts.stock_return(t, window) for t in tickers)
        return [fact for fact in found if fact is not None]

    def _rank(
        self, chosen: Sequence[str], position: str, among: tuple[Fact, ...], left_out: tuple[Fact, ...]
    ) -> Ranking | None:
        if not chosen:
            return None
        fact = next(f for f in among if f.subject == chosen[0])
        return Ranking(fact, position, among, left_out)

    def _mover(self, ticker: str) -> dict[str, Any]:
        others = [t for t in self.names.company(ticker).tickers if t != ticker]
        return _drop_none(
            {
                "stock": self._stock(ticker),
                "other_classes": [self._share_class(t) for t in others],
                "move": self.facts.stock_return(ticker, "1D"),
                "month": self._unflagged(self.facts.stock_return(ticker, "1M")),
                "close": self.facts.stock_figure(ticker, "close"),
                "volume_ratio": self.facts.stock_figure(ticker, "volume_ratio")
                if self._notable_volume(ticker)
                else None,
            }
        )

    def _ranked_groups(self, kind: str, window: str, minimum_size: int = 1) -> list[dict[str, Any]]:
        """Groups of a kind with a known return, best first."""
        return [
            self._group(group_id, window)
            for group_id in ranked_groups(self.facts, kind, window, minimum_size)
        ]

    def _group(self, group_id: str, window: str) -> dict[str, Any]:
        facts = self.facts
        move = facts.group_return(group_id, window)
        cap_weighted = facts.group_return(group_id, window, weighting=col.CAP_WEIGHTED)
        return _drop_none(
            {
                "id": group_id,
                "name": facts.group_members[group_id].name,
                "move": move,
                "cap_weighted": cap_weighted,
                "cap_tilt": _cap_tilt(move, cap_weighted),
                "relative": facts.group_relative(group_id, window),
                "size": facts.group_count(group_id, "size"),
                "counted": facts.group_count(group_id, col.COUNTED, window),
                "contribution": facts.group_contribution(group_id, window),
            }
        )

    # ------------------------------------------------------------------ cohort performance

    def _cohort_performance(self, plan: ArticlePlan):
        facts, window = self.facts, self.cohort_window
        story = self.editorial.desk.cohort_story
        cohorts = self._cohorts()
        leader = cohorts[0]
        if self.has_cohorts:
            parts = [self._group(g, window) for g in facts.subgroups(leader["id"])]
        elif self.sub_industries_usable:
            parts = self._sub_industries(leader["id"], window)
        else:
            parts = []
        parts = sorted(
            (p for p in parts if "move" in p and p["counted"].value >= story.min_group_size),
            key=lambda p: -p["move"].value,
        )
        if not story.subgroups_of_leader:
            parts = []
        cohort_moves = tuple(c["move"] for c in cohorts)
        field = self._field(leader["id"], window)
        member_moves = tuple(self._returns(field, window))
        left_out = tuple(self._returns(facts.left_out(leader["id"], window), window))
        top, _ = movers(facts, window, 3, field, company_of=self.names.company_key)
        laggard = cohorts[-1] if len(cohorts) > 1 else None
        context = {
            "grouping": "cohort" if self.has_cohorts else "sector",
            "since": facts.windows[window].start,
            "until": facts.windows[window].end,
            "cohorts": cohorts,
            "cohort_count": facts.count("cohorts:count", len(cohorts), "groups compared in the story"),
            "leader": leader,
            "leader_rank": Ranking(leader["move"], "first", cohort_moves),
            "laggard": laggard,
            "laggard_rank": Ranking(laggard["move"], "last", cohort_moves) if laggard else None,
            "parts": parts,
            "parts_rank": Ranking(parts[0]["move"], "first", tuple(p["move"] for p in parts))
            if parts
            else None,
            "parts_ahead": [p for p in parts if "relative" in p and displayed_value(p["relative"]) > 0],
            "top_stocks": [{"stock": self._stock(t), "move": facts.stock_return(t, window)} for t in top],
            "top_rank": self._rank(top, "first", member_moves, left_out),
            "universe_move": facts.group_return(UNIVERSE, window),
            "benchmark_move": facts.benchmark_return(window),
            "excluded": self._exclusions(UNIVERSE, window),
            "not_counted": self._not_counted(UNIVERSE, window),
        }
        return _drop_none(context), [], []

    def _not_counted(self, group_id: str, window: str) -> dict[str, Any] | None:
        """Members with no return over the window (listed later, or stopped trading), for the story."""
        counted = set(self.facts.counted(group_id, window)) | set(self.facts.left_out(group_id, window))
        missing = [t for t in self.facts.group_members[group_id].tickers if t not in counted]
        if not missing:
            return None
        names = [f"{self.names.name(t)} ({t})" for t in missing[:MAX_NAMED_EXCLUSIONS]]
        fact = self.facts.count(
            f"group:{group_id}:not_counted:{window}", len(missing), "members without a return"
        )
        return {"names": names, "count": fact, "all_named": len(missing) <= MAX_NAMED_EXCLUSIONS}

    def _cohorts(self) -> list[dict[str, Any]]:
        """The groups the cohort story compares, best first: cohorts, or sectors when there are none."""
        kind = "cohort" if self.has_cohorts else "sector"
        minimum = self.editorial.desk.cohort_story.min_group_size
        return self._ranked_groups(kind, self.cohort_window, minimum_size=minimum)

    def _sub_industries(self, sector_id: str, window: str) -> list[dict[str, Any]]:
        """Sub-industries wholly inside a sector: the sub-groups of a sector-as-cohort."""
        sector = set(self.facts.group_members[sector_id].tickers)
        table = self.facts.groups
        ids = [
            g
            for g in table.index[table["kind"] == "sub_industry"]
            if set(self.facts.group_members[g].tickers) <= sector
        ]
        return [self._group(g, window) for g in ids]

    # ------------------------------------------------------------------ thematic

    def _thematic(self, plan: ArticlePlan):
        theme = next(t for t in self.editorial.themes if t.id == plan.subject)
        facts = self.facts
        basket = basket_id(theme)
        members = []
        for ticker in plan.tickers:
            alpha = self.scores.by_ticker[ticker]
            members.append(
                _drop_none(
                    {
                        "stock": self._stock(ticker),
                        "score": alpha,
                        "score_facts": self._score_facts(ticker),
                        "year": self._unflagged(facts.stock_return(ticker, "1Y")),
                    }
                )
            )
        members.sort(key=lambda m: (m["score"].score is None, -(m["score"].score or 0), m["stock"]["name"]))
        scored = [m for m in members if m["score"].score is not None]
        sector_ids = dict.fromkeys(
            f"sector:{slugify(m['stock']['sector'])}" for m in members if "sector" in m["stock"]
        )
        sectors = [self._group(g, "1Y") for g in sector_ids if g in facts.group_members]
        sectors = sorted((s for s in sectors if "move" in s), key=lambda s: -s["move"].value)
        quote, quote_sources = self._theme_quote(theme)
        scores_among = tuple(m["score_facts"]["alpha"] for m in scored)
        context = {
            "theme": theme,
            "members": members,
            "top_rank": Ranking(scores_among[0], "first", scores_among) if len(scored) > 1 else None,
            "scored": facts.count(f"{basket}:scored", len(scored), "theme stocks with an Alpha Score"),
            "member_count": facts.count(f"{basket}:members", len(members), "theme stocks with prices"),
            "basket": self._group(basket, "1Y") if basket in facts.group_members else None,
            "excluded": self._exclusions(basket, "1Y") if basket in facts.group_members else None,
            "sectors": sectors,
            "quote": quote,
            **self._basket_leader(basket),
        }
        return _drop_none(context), quote_sources, [m["score"] for m in members]

    def _basket_leader(self, basket: str) -> dict[str, Any]:
        """The basket's best member over the year and how many fell: what an average can hide."""
        if basket not in self.facts.group_members:
            return {}
        field = self._field(basket, "1Y")
        moves = tuple(self._returns(field, "1Y"))
        if len(moves) < 2:
            return {}
        best = max(moves, key=lambda f: f.value)
        return {
            "basket_leader": {"stock": self._stock(str(best.subject)), "move": best},
            "basket_leader_rank": Ranking(best, "first", moves),
            "basket_fell": self.facts.group_count(basket, col.FELL, "1Y"),
        }

    def _theme_quote(self, theme: Theme) -> tuple[dict[str, Any] | None, list[SourceRef]]:
        for source_id in theme.sources:
            document = self.library.documents.get(source_id)
            quotes = self.library.quotes(document) if document else []
            if quotes:
                return self._quote_context(quotes[0]), [source_ref(document)]
        return None, []

    # ------------------------------------------------------------------ shared

    @staticmethod
    def _unflagged(fact: Fact | None) -> Fact | None:
        """Figures distorted by a suspected split are not stated; the split itself is."""
        return fact if fact is not None and not fact.flags else None

    def _exclusions(self, group_id: str, window: str) -> dict[str, Any] | None:
        """Who a group figure left out for a suspected split, for the exclusions partial."""
        tickers = self.facts.left_out(group_id, window)
        if not tickers:
            return None
        names = [f"{self.names.name(t)} ({t})" for t in tickers[:MAX_NAMED_EXCLUSIONS]]
        more = len(tickers) - len(names)
        return _drop_none(
            {
                "names": names,
                "count": len(tickers),
                "more": self.facts.count(
                    f"group:{group_id}:excluded:{window}", more, "further stocks left out"
                )
                if more
                else None,
            }
        )

    def _stock(self, ticker: str) -> dict[str, Any]:
        sector, sub_industry = self.facts.value(ticker, "sector"), self.facts.value(ticker, "sub_industry")
        sector = sector if isinstance(sector, str) else None
        sub_industry = sub_industry if isinstance(sub_industry, str) else None
        company = self.names.company(ticker)
        share_class = self.names.share_class(ticker)
        classes = len(company.tickers) > 1
        return _drop_none(
            {
                "ticker": ticker,
                "tickers": ", ".join(company.tickers) if ticker == company.tickers[0] else ticker,
                # how a company with several share classes names the one a figure is about
                "shares": (f"Class {share_class} stock" if share_class else f"{ticker} stock")
                if classes
                else None,
                "share_class": share_class if classes else None,
                "name": company.name,
                "short": company.short,
                "sector": sector,
                "sub_industry": sub_industry,
                "industry": sub_industry or sector,
            }
        )


def split_ratio_words(ratio: float) -> str:
    """AP figures for a split: 4.0 -> "4-for-1", 1.5 -> "3-for-2", 0.1 -> "1-for-10"."""
    if ratio >= 1:
        whole = round(ratio)
        return f"{whole}-for-1" if abs(ratio - whole) < 1e-9 else f"{round(ratio * 2)}-for-2"
    return f"1-for-{round(1 / ratio)}"


def basket_id(theme: Theme) -> str:
    return f"basket:{theme.id}"


def theme_baskets(themes: Iterable[Theme]) -> dict[str, tuple[str, list[str]]]:
    """Theme stocks as groups for the facts stage, so basket returns are facts like any other."""
    return {basket_id(t): (t.title, list(t.tickers)) for t in themes}


def _unique_slugs(plans: list[ArticlePlan]) -> list[ArticlePlan]:
    """Disambiguate repeated slugs with the subject, then a counter; never two files at one path."""
    seen: set[str] = set()
    unique = []
    for plan in plans:
        slug = plan.slug
        if slug in seen:
            stem, _, date = slug.rpartition("-alpha-score-") if "-alpha-score-" in slug else (slug, "", "")
            slug = f"{stem}-{slugify(plan.subject, 12)}-alpha-score-{date}" if date else f"{slug}-2"
        counter = 2
        while slug in seen:
            slug = f"{plan.slug}-{counter}"
            counter += 1
        seen.add(slug)
        unique.append(ArticlePlan(plan.kind, slug, plan.subject, plan.tickers))
    return unique


def _cap_tilt(equal_weighted: Fact | None, cap_weighted: Fact | None) -> str | None:
    """Whether the largest members ('larger') or the rest ('smaller') did better, as displayed."""
    if equal_weighted is None or cap_weighted is None:
        return None
    difference = displayed_value(cap_weighted) - displayed_value(equal_weighted)
    return "larger" if difference > 0 else "smaller" if difference < 0 else None


def _mentions_company(text: str, company: Company) -> bool:
    return company.short in text or company.name in text


def _same_organisation(a: str | None, b: str | None) -> bool:
    """Whether two organisation names are one: equal, or one begins the other ("Calder & Voss")."""
    if not a or not b:
        return False
    mine, theirs = _org_key(a).split(), _org_key(b).split()
    shorter, longer = sorted((mine, theirs), key=len)
    return bool(shorter) and longer[: len(shorter)] == shorter


def _org_key(name: str) -> str:
    """An organisation name for comparison: case, punctuation and legal suffixes ignored."""
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    while words and words[-1] in {"inc", "corp", "co", "ltd", "plc", "llc", "corporation", "company"}:
        words.pop()
    return " ".join(words)


def _present(figures: dict[str, Fact | None]) -> dict[str, Fact]:
    return {key: fact for key, fact in figures.items() if fact is not None}


def _drop_none(context: dict[str, Any]) -> dict[str, Any]:
    """Unknown values leave the context, so a template that uses one without checking fails loudly."""
    return {key: value for key, value in context.items() if value is not None}


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
