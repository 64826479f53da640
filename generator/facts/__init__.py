"""Market facts: the figures stories may state, each knowing what it means.

- `panel`: price history as matrices on a stated price basis, with splits applied or suspected;
- `columns`: the one helper that names the tables' window columns;
- `tables`: the stock, group and benchmark tables, computed for the universe at once;
- `store`: those tables and fast reads of them; `typed`: figures as `Fact` records with meaning;
- `selections`: leaders, laggards and rankings; `fundamentals`: zeros that mean "not reported".

Conventions, so every figure can be recomputed by hand:
- A window's return runs from the last close on or before its start date to the last close. A stock
  with no close at the start (listed later) or at the end (stopped trading) has no return for that
  window — unknown, never zero. Single missing days are bridged by carrying the previous close
  forward at most `max_fill_days` trading days.
- A group's equal-weighted return is the mean of its members' window returns (buy and hold); its
  cap-weighted return weights members by market value at the window start (shares held constant).
- Relative performance is a difference of returns in percentage points, never a ratio.
- On prices not adjusted for splits, a suspected split flags the stock's figures over windows that
  contain it and leaves the stock out of group figures over those windows; the facts say whom.
"""

from generator.facts.compute import compute_facts
from generator.facts.panel import PricePanel, Split
from generator.facts.rules import FactRules, FundamentalsRules, load_fact_rules, load_fundamentals_rules
from generator.facts.tables import UNIVERSE, Group
from generator.facts.typed import CORPORATE_ACTION, MarketFacts
from generator.facts.windows import Window, WindowSpec, since_window_name

__all__ = [
    "CORPORATE_ACTION",
    "UNIVERSE",
    "FactRules",
    "FundamentalsRules",
    "Group",
    "MarketFacts",
    "PricePanel",
    "Split",
    "Window",
    "WindowSpec",
    "compute_facts",
    "load_fact_rules",
    "load_fundamentals_rules",
    "since_window_name",
]
