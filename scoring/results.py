"""Result types of scoring: plain frozen dataclasses with no behaviour."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from questionnaires.schema import Level, Recommendation


@dataclass(frozen=True)
class Reason:
    """Why a figure is missing or a verdict is negative: a code and its details.

    ``message`` is English; interfaces translate ``code`` with ``params``.
    """

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ThemeCounts:
    """How many of a theme's questions fall in each state."""

    asked: int = 0
    hidden: int = 0
    answered: int = 0
    not_applicable: int = 0
    dont_know: int = 0
    unanswered: int = 0
    scored_asked: int = 0
    scored: int = 0
    required_missing: int = 0


@dataclass(frozen=True)
class AnswerRecommendation:
    """Recommendation attached to a choice the organisation selected."""

    question_id: str
    choice_id: str
    recommendation: Recommendation


@dataclass(frozen=True)
class ThemeResult:
    theme_id: str
    title: str
    weight: Decimal
    score: Decimal | None
    level: Level | None
    counts: ThemeCounts
    no_level_reason: Reason | None = None
    recommendations: tuple[Recommendation, ...] = ()
    answer_recommendations: tuple[AnswerRecommendation, ...] = ()


@dataclass(frozen=True)
class IndicatorResult:
    indicator_id: str
    theme_id: str
    label: str
    unit: str
    value: Decimal | None
    reason: Reason | None = None

    @property
    def is_computable(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class EligibilityVerdict:
    is_eligible: bool
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class DiagnosticResult:
    questionnaire_id: str
    questionnaire_version: str
    score: Decimal | None
    level: Level | None
    themes: tuple[ThemeResult, ...]
    indicators: tuple[IndicatorResult, ...]
    eligibility: EligibilityVerdict | None
    no_level_reason: Reason | None = None

    def theme(self, theme_id: str) -> ThemeResult:
        return next(theme for theme in self.themes if theme.theme_id == theme_id)
