"""Selections over the facts: leaders and laggards, groups ranked by return, top members.

These decide what a story ranks, so they also say who a ranking leaves out; nothing here is silent
about membership.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generator.facts import columns as col
from generator.facts.store import FactStore


def movers(
    store: FactStore,
    window: str = "1D",
    n: int = 5,
    tickers: Iterable[str] | None = None,
    company_of: Callable[[str], str] | None = None,
) -> tuple[list[str], list[str]]:
    """Leaders (biggest gains, descending) and laggards (biggest losses, ascending).

    With `company_of`, a company with several share classes takes one slot: its first-listed class
    that qualifies.
    """
    returns = store.stocks[col.windowed(col.RETURN, window)]
    if tickers is not None:
        returns = returns.reindex(list(tickers))
    returns = returns.dropna()
    leaders = returns[returns > 0].sort_values(ascending=False, kind="stable")
    laggards = returns[returns < 0].sort_values(ascending=True, kind="stable")
    return _first_n(leaders.index, n, company_of), _first_n(laggards.index, n, company_of)


def _first_n(order: Iterable[str], n: int, company_of: Callable[[str], str] | None) -> list[str]:
    chosen, seen = [], set()
    for ticker in order:
        company = company_of(ticker) if company_of else ticker
        if company in seen:
            continue
        seen.add(company)
        chosen.append(ticker)
        if len(chosen) == n:
            break
    return chosen


def ranked_groups(store: FactStore, kind: str, window: str, minimum_size: int = 1) -> list[str]:
    """Groups of a kind with a known equal-weighted return over `window`, best first."""
    table = store.groups
    column = col.windowed(col.EQUAL_WEIGHTED, window)
    chosen = table[(table["kind"] == kind) & (table["size"] >= minimum_size) & table[column].notna()]
    chosen = chosen.sort_values([column, "name"], ascending=[False, True], kind="stable")
    return list(chosen.index)
