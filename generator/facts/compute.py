"""Snapshot -> facts: every figure for the universe computed at once (no per-ticker loops)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence

from generator.facts.fundamentals import blank_unreported_zeros
from generator.facts.panel import PricePanel, unexplained_falls
from generator.facts.rules import FactRules, FundamentalsRules
from generator.facts.tables import (
    benchmark_table,
    group_paths,
    group_table,
    groups_of,
    news_sessions,
    stock_table,
)
from generator.facts.typed import MarketFacts
from generator.facts.windows import resolve_windows
from generator.market.snapshot import Snapshot
from generator.models import Measure


def compute_facts(
    snapshot: Snapshot,
    panel: PricePanel,
    rules: FactRules,
    fundamentals_rules: FundamentalsRules,
    *,
    since: Sequence[dt.date] = (),
    baskets: Mapping[str, tuple[str, Sequence[str]]] | None = None,
    whole_number_measures: Collection[Measure] = (),
    path_windows: Sequence[str] = (),
) -> MarketFacts:
    """Compute every figure for the universe at once from the snapshot and its price panel.

    `since` adds "since <date>" windows; `baskets` adds editor-defined groups (id -> name, tickers),
    such as a theme's stocks, reported like any other group with kind "basket"; `path_windows`
    names the windows whose day-by-day group returns charts draw. The panel is not kept: the facts
    hold figures (and those few paths), not history.
    """
    windows = resolve_windows(panel.dates, snapshot.as_of, rules.windows, since)
    fundamentals = blank_unreported_zeros(snapshot.fundamentals, fundamentals_rules)
    fundamentals = fundamentals.reindex(panel.tickers.union(fundamentals.index))
    # A stock with prices but no fundamentals row (import allows it) is still named, by its ticker;
    # its sector stays unknown.
    fundamentals["name"] = fundamentals["name"].fillna(fundamentals.index.to_series())
    fundamentals_as_of = snapshot.manifest.fundamentals_as_of or snapshot.as_of
    stocks = stock_table(panel, fundamentals, windows, rules, snapshot.manifest.unit, fundamentals_as_of)
    groups = groups_of(snapshot, stocks, baskets or {})
    manifest = snapshot.manifest
    benchmarks = benchmark_table(panel, windows)
    return MarketFacts(
        as_of=snapshot.as_of,
        windows=windows,
        stocks=stocks,
        groups=group_table(groups, stocks, windows),
        group_members={g.id: g for g in groups},
        benchmarks=benchmarks,
        benchmark_name=manifest.benchmark_name or str(benchmarks.index[0]),
        universe_name=manifest.universe_name or "universe",
        basis=panel.basis,
        fundamentals_as_of=fundamentals_as_of,
        splits=panel.splits,
        falls=unexplained_falls(panel, snapshot.actions, rules.min_unexplained_fall),
        volatility_days=rules.volatility_days,
        volume_days=rules.volume_average_days,
        moving_average_days=rules.moving_average_days,
        whole_number_measures=whole_number_measures,
        news_sessions=news_sessions(panel, snapshot.news, rules.market_close),
        market_close=rules.market_close,
        paths=group_paths(panel, groups, windows, path_windows),
    )
