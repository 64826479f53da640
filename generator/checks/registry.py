"""The explicit list of rules and of rule families (each family is one rules/<family>.yaml).

Adding a rule means adding its class here, its severity to its family's YAML file, and a pass and a
fail case to tests/checks/rule_cases/<family>.yml; a meta-test checks all three.
"""

from __future__ import annotations

from pydantic import BaseModel

from generator.checks.attribution import QuoteAttribution
from generator.checks.base import NoSettings, Rule
from generator.checks.charts import ChartsData, ChartsMissing
from generator.checks.claims import (
    ClaimsAbsence,
    ClaimsCause,
    ClaimsContradiction,
    ClaimsDirection,
    ClaimsMeasure,
    ClaimsRanking,
    ClaimsSettings,
    ClaimsStale,
)
from generator.checks.numbers import NumbersSettings, NumbersUntraced
from generator.checks.quotes import (
    QuoteMismatch,
    QuoteNoSource,
    QuotesSettings,
    QuoteUnbalanced,
    SourcesMissing,
)
from generator.checks.risk import (
    RiskAdvice,
    RiskCorporateAction,
    RiskLegal,
    RiskLowCoverage,
    RiskPromissory,
    RiskSettings,
    RiskThin,
    RiskUnexplainedFall,
)
from generator.checks.structure import (
    StructureFrontMatter,
    StructureNesting,
    StructureSidecar,
    StructureUnusedSuppression,
)
from generator.checks.style import StyleDisclosure, StyleSettings
from generator.checks.tables import TableLowInformation, TablesSettings

RULES: tuple[type[Rule], ...] = (
    QuoteMismatch,
    QuoteNoSource,
    QuoteAttribution,
    QuoteUnbalanced,
    SourcesMissing,
    TableLowInformation,
    NumbersUntraced,
    ClaimsMeasure,
    ClaimsDirection,
    ClaimsContradiction,
    ClaimsStale,
    ClaimsRanking,
    ClaimsAbsence,
    ClaimsCause,
    ChartsMissing,
    ChartsData,
    RiskThin,
    RiskAdvice,
    RiskPromissory,
    RiskLegal,
    RiskCorporateAction,
    RiskUnexplainedFall,
    RiskLowCoverage,
    StructureFrontMatter,
    StructureSidecar,
    StructureNesting,
    StructureUnusedSuppression,
    StyleDisclosure,
)

FAMILIES: dict[str, type[BaseModel]] = {
    "quotes": QuotesSettings,
    "sources": NoSettings,
    "tables": TablesSettings,
    "numbers": NumbersSettings,
    "claims": ClaimsSettings,
    "charts": NoSettings,
    "risk": RiskSettings,
    "structure": NoSettings,
    "style": StyleSettings,
}
