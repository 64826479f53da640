"""Fundamentals as the facts stage uses them: a 0 that means "not reported" is a blank.

Data vendors print 0 for figures a company does not report (EBITDA for banks, say). Ranked, such a 0
puts a bank at the bottom of its sector for a margin it never had; printed, it reads "EBITDA margin of
0.0%". rules/fundamentals.yaml says, column by column, where a 0 is a blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.facts.rules import FundamentalsRules


def blank_unreported_zeros(fundamentals: pd.DataFrame, rules: FundamentalsRules) -> pd.DataFrame:
    """A copy with every rule's zeros turned into NaN (unknown)."""
    out = fundamentals.copy()
    for column, rule in rules.zero_is_unreported.items():
        if column not in out:
            continue
        zero = out[column] == 0
        if rule.sectors != "all":
            zero &= out["sector"].isin(rule.sectors)
        out[column] = out[column].mask(zero, np.nan)
    return out
