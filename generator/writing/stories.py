"""Which articles to write, and the facts each one gets.

The planner decides what applies to a snapshot: an alpha brief per stock with prices, a market-movers
story, a cohort-performance story (sectors serve when the snapshot defines no cohorts) and a thematic
story per editor-defined theme whose stocks are present. Each context builder hands its template
`Fact` records (never bare numbers), so everything the text states is traceable; a figure that is
unknown is simply absent from the context and the template says nothing about it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from generator.facts import UNIVERSE, MarketFacts, since_window_name
from generator.models import SIGNALS, Article, Fact, SourceRef
from generator.scoring import UNIVERSE_PEERS, ScoreFacts, Scores, ScoringRules
from generator.slugs import GENERATED_SLUG_LENGTH, slugify
from generator.writing.editorial import Editorial, Theme
from generator.writing.phrasing import displayed_value
from generator.writing.render import ArticleWriter
from generator.writing.sources import SourceLibrary, source_ref

BRIEF_WINDOWS = ("1D", "1M", "YTD", "1Y")
MAX_NAMED_EXCLUSIONS = 5
BRIEF_FIGURES = ("close", "high_52w", "low_52w", "pct_from_high", "volume", "volume_ratio")


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
        library: SourceLibrary,
        writer: ArticleWriter,
        data_source: SourceRef,
        has_cohorts: bool,
        cohort_since: dt.date,
    ) -> None:
        self.facts = facts
        self.scores = scores
        self.scoring_rules = scoring_rules
        self.editorial = editorial
        self.library = library
        self.writer = writer
        self.data_source = data_source
        self.has_cohorts = has_cohorts
        self.cohort_window = since_window_name(cohort_since)
        self.as_of = facts.as_of
        name, ticker = facts.benchmark_name, facts.benchmark_ticker
        self.benchmark_label = f"the benchmark {ticker}" if name == ticker else f"the {name}"

    # ================================================================================ planning

    def plan(self) -> list[ArticlePlan]:
        """Every article this snapshot supports, with unique slugs, in a stable order."""
        date = self.as_of.isoformat()
        facts = self.facts
        priced = facts.stocks.index[facts.stocks["close"].notna()]
        plans = [ArticlePlan("market_movers", f"{slugify(facts.universe_name)}-market-movers-{date}", "", ())]
        if self.cohort_window in facts.windows and len(self._cohorts()) >= 2:
            plans.append(ArticlePlan("cohort_performance", f"cohort-performance-{date}", "", ()))
        for theme in self.editorial.themes:
            tickers = tuple(t for t in theme.tickers if t in priced)
            if len(tickers) >= 2:
                plans.append(ArticlePlan("thematic", f"{theme.id}-{date}", theme.id, tickers))
        suffix = f"-alpha-score-{date}"
        for ticker in priced:
            name = slugify(str(facts.value(ticker, "name")), GENERATED_SLUG_LENGTH - len(suffix))
            plans.append(ArticlePlan("alpha_brief", f"{name}{suffix}", ticker, (ticker,)))
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
            context={
                "as_of": self.as_of,
                "universe_name": self.facts.universe_name,
                "benchmark_label": self.benchmark_label,
                **context,
            },
        )

    # ------------------------------------------------------------------ alpha brief

    def _alpha_brief(self, plan: ArticlePlan):
        ticker = plan.subject
        facts = self.facts
        alpha = self.scores.by_ticker[ticker]
        figures = ScoreFacts(alpha, self.as_of, self.scoring_rules)
        signals = []
        for name in SIGNALS:
            signal = alpha.signals.get(name)
            if signal is None:
                signals.append({"name": name, "missing": True})
                continue
            drivers = [
                {
                    "label": m.label,
                    "value": figures[f"metric.{m.name}"],
                    "rank": figures[f"rank.{m.name}"],
                    "peers": self._peers(m.peer_group),
                }
                for m in signal.metrics[:2]
            ]
            signals.append(
                {
                    "name": name,
                    "missing": False,
                    "score": figures[f"signal.{name}"],
                    "label": signal.label,
                    "drivers": drivers,
                }
            )
        present = [s for s in signals if not s["missing"]]
        ranked = sorted(present, key=lambda s: -s["score"].value)
        quote, quote_sources = self._company_quote(ticker)
        headline = self._headline(ticker)
        context = {
            "stock": self._stock(ticker),
            "score": alpha,
            "score_facts": figures,
            "signals": signals,
            "best": ranked[0] if ranked else None,
            "worst": ranked[-1] if ranked else None,
            "moves": _present({w: facts.stock_return(ticker, w) for w in BRIEF_WINDOWS}),
            "relative_1y": facts.stock_relative(ticker, "1Y"),
            "figures": _present({c: facts.stock_figure(ticker, c) for c in BRIEF_FIGURES}),
            "high_date": facts.value(ticker, "high_52w_date"),
            "at_52w_high": bool(facts.value(ticker, "at_52w_high")),
            "at_52w_low": bool(facts.value(ticker, "at_52w_low")),
            "notable_volume": self._notable_volume(ticker),
            "sector_month": self._sector_move(ticker, "1M"),
            "events": [{"date": day, "move": fact} for day, fact in facts.corporate_actions(ticker)],
            "quote": quote,
            "headline": headline,
        }
        sources = [*quote_sources, *([source_ref(headline["source"])] if headline else [])]
        return _drop_none(context), sources, [alpha]

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

    def _company_quote(self, ticker: str) -> tuple[dict[str, Any] | None, list[SourceRef]]:
        for document in self.library.for_ticker(ticker):
            for quote in self.library.quotes(document):
                return self._quote_context(quote), [source_ref(document)]
        return None, []

    def _quote_context(self, quote) -> dict[str, Any]:
        published = _parse_date(quote.source.published)
        return {
            "text": quote.text,
            "sentence": quote.sentence,
            "lead_in": quote.text if quote.text[-1] in ".!?" else f"{quote.text},",
            "speaker": quote.speaker,
            "role": quote.role,
            "title": quote.source.title,
            "published": published,
        }

    def _headline(self, ticker: str) -> dict[str, Any] | None:
        """The newest headline worth quoting (the library holds only the lookback's news)."""
        for item in self.library.headlines.get(ticker, ()):
            if len(item.title.split()) >= 4:
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
        leaders, laggards = facts.movers("1D", per_side)
        sectors = self._ranked_groups("sector", "1D", minimum_size=3)
        context = {
            "leaders": [self._mover(t) for t in leaders],
            "laggards": [self._mover(t) for t in laggards],
            "universe_move": facts.group_return(UNIVERSE, "1D"),
            "benchmark_move": facts.benchmark_return("1D"),
            "advancers": facts.group_count(UNIVERSE, "up", "1D"),
            "decliners": facts.group_count(UNIVERSE, "down", "1D"),
            "counted": facts.group_count(UNIVERSE, "n", "1D"),
            "best_sector": sectors[0] if sectors else None,
            "worst_sector": sectors[-1] if len(sectors) > 1 else None,
            "excluded": self._exclusions(UNIVERSE, "1D"),
        }
        return _drop_none(context), [], []

    def _mover(self, ticker: str) -> dict[str, Any]:
        return _drop_none(
            {
                "stock": self._stock(ticker),
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
        table = self.facts.groups
        chosen = table[
            (table["kind"] == kind) & (table["size"] >= minimum_size) & table[f"ew_{window}"].notna()
        ]
        chosen = chosen.sort_values([f"ew_{window}", "name"], ascending=[False, True], kind="stable")
        return [self._group(group_id, window) for group_id in chosen.index]

    def _group(self, group_id: str, window: str) -> dict[str, Any]:
        facts = self.facts
        move = facts.group_return(group_id, window)
        cap_weighted = facts.group_return(group_id, window, weighting="cw")
        return _drop_none(
            {
                "id": group_id,
                "name": facts.group_members[group_id].name,
                "move": move,
                "cap_weighted": cap_weighted,
                "cap_tilt": _cap_tilt(move, cap_weighted),
                "relative": facts.group_relative(group_id, window),
                "size": facts.group_count(group_id, "size"),
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
        else:
            parts = self._sub_industries(leader["id"], window)
        parts = sorted(
            (p for p in parts if "move" in p and p["size"].value >= story.min_group_size),
            key=lambda p: -p["move"].value,
        )
        if not story.subgroups_of_leader:
            parts = []
        excluded = set(facts.excluded(leader["id"], window))
        members = [t for t in facts.group_members[leader["id"]].tickers if t not in excluded]
        top, _ = facts.movers(window, 3, members)
        context = {
            "grouping": "cohort" if self.has_cohorts else "sector",
            "since": facts.windows[window].start,
            "cohorts": cohorts,
            "cohort_count": facts.count("cohorts:count", len(cohorts), "groups compared in the story"),
            "leader": leader,
            "laggard": cohorts[-1] if len(cohorts) > 1 else None,
            "parts": parts,
            "parts_ahead": [p for p in parts if "relative" in p and displayed_value(p["relative"]) > 0],
            "top_stocks": [{"stock": self._stock(t), "move": facts.stock_return(t, window)} for t in top],
            "universe_move": facts.group_return(UNIVERSE, window),
            "benchmark_move": facts.benchmark_return(window),
            "excluded": self._exclusions(UNIVERSE, window),
        }
        return _drop_none(context), [], []

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
                        "score_facts": ScoreFacts(alpha, self.as_of, self.scoring_rules),
                        "year": facts.stock_return(ticker, "1Y"),
                    }
                )
            )
        members.sort(key=lambda m: (m["score"].score is None, -(m["score"].score or 0), m["stock"]["name"]))
        sector_ids = dict.fromkeys(
            f"sector:{slugify(m['stock']['sector'])}" for m in members if "sector" in m["stock"]
        )
        sectors = [self._group(g, "1Y") for g in sector_ids if g in facts.group_members]
        quote, quote_sources = self._theme_quote(theme)
        context = {
            "theme": theme,
            "members": members,
            "scored": facts.count(
                f"{basket}:scored",
                sum(m["score"].score is not None for m in members),
                "theme stocks with an Alpha Score",
            ),
            "member_count": facts.count(f"{basket}:members", len(members), "theme stocks with prices"),
            "basket": self._group(basket, "1Y") if basket in facts.group_members else None,
            "excluded": self._exclusions(basket, "1Y") if basket in facts.group_members else None,
            "sectors": [s for s in sectors if "move" in s],
            "quote": quote,
        }
        return _drop_none(context), quote_sources, [m["score"] for m in members]

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
        """Context figures in a market-wide story are skipped when flagged; the stock's brief covers them."""
        return fact if fact is not None and not fact.flags else None

    def _exclusions(self, group_id: str, window: str) -> dict[str, Any] | None:
        """Who a group figure left out for a possible corporate action, for the exclusions partial."""
        tickers = self.facts.excluded(group_id, window)
        if not tickers:
            return None
        names = [f"{self.facts.value(t, 'name')} ({t})" for t in tickers[:MAX_NAMED_EXCLUSIONS]]
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
                "threshold": self.facts.threshold(),
            }
        )

    def _stock(self, ticker: str) -> dict[str, Any]:
        sector, sub_industry = self.facts.value(ticker, "sector"), self.facts.value(ticker, "sub_industry")
        sector = sector if isinstance(sector, str) else None
        sub_industry = sub_industry if isinstance(sub_industry, str) else None
        return _drop_none(
            {
                "ticker": ticker,
                "name": str(self.facts.value(ticker, "name")),
                "sector": sector,
                "sub_industry": sub_industry,
                "industry": sub_industry or sector,
            }
        )


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
