"""Theme and overall scores, maturity levels and recommendations."""

from fractions import Fraction
from math import ceil

from questionnaires.schema import Question, Questionnaire, Theme
from questionnaires.types import QuestionType
from scoring.answers import Answers, AnswerValue, Special, is_answered
from scoring.eligibility import judge_eligibility
from scoring.indicators import compute_indicators
from scoring.results import (
    AnswerRecommendation,
    DiagnosticResult,
    Reason,
    ThemeCounts,
    ThemeResult,
)
from scoring.rounding import level_for, round_half_up
from scoring.visibility import visible_question_ids


def score_diagnostic(
    questionnaire: Questionnaire, answers: Answers
) -> DiagnosticResult:
    """Score validated answers (see ``scoring.answers``) against a questionnaire."""
    visible = visible_question_ids(questionnaire, answers)
    scored = [
        _score_theme(questionnaire, t, answers, visible) for t in questionnaire.themes
    ]
    themes = tuple(result for result, _ in scored)
    exact_scores = [
        (Fraction(theme.weight), exact) for theme, exact in scored if exact is not None
    ]

    score, level, reason = None, None, None
    total_weight = sum(weight for weight, _ in exact_scores)
    if total_weight:
        overall = sum(weight * exact for weight, exact in exact_scores) / total_weight
        score = round_half_up(overall)
        level = level_for(questionnaire.levels, score)
    else:
        reason = Reason("no_theme_scored", "no theme has a score yet")

    indicators = compute_indicators(questionnaire, answers, visible)
    result = DiagnosticResult(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        score=score,
        level=level,
        themes=themes,
        indicators=indicators,
        eligibility=None,
        no_level_reason=reason,
    )
    return judge_eligibility(questionnaire, result)


def question_fraction(question: Question, value: AnswerValue) -> Fraction:
    """Return the share of a question's points that an answer earns, 0 to 1."""
    if question.type is QuestionType.YES_NO:
        return Fraction(1) if value is True else Fraction(0)
    if question.type is QuestionType.SCALE:
        low, high = Fraction(question.min), Fraction(question.max)  # type: ignore[arg-type]
        return (Fraction(value) - low) / (high - low)  # type: ignore[arg-type]

    choices = question.choices or []
    if question.type is QuestionType.SINGLE_CHOICE:
        best = max(Fraction(choice.points) for choice in choices)
        return Fraction(question.choice(value).points) / best  # type: ignore[union-attr,arg-type]

    ceiling = question.max_points or sum(choice.points for choice in choices)
    earned = sum(Fraction(question.choice(c).points) for c in value)  # type: ignore[union-attr]
    return min(earned, Fraction(ceiling)) / Fraction(ceiling)


def _score_theme(
    questionnaire: Questionnaire, theme: Theme, answers: Answers, visible: set[str]
) -> tuple[ThemeResult, Fraction | None]:
    asked = [q for q in theme.questions if q.id in visible]
    counts = _count(theme, asked, answers)
    scored = [q for q in asked if q.is_scored and is_answered(answers.get(q.id))]
    scored_not_applicable = sum(
        q.is_scored and answers.get(q.id) is Special.NOT_APPLICABLE for q in asked
    )
    reason = _missing_score_reason(questionnaire, counts, scored_not_applicable)

    exact, score, level, recommendations = None, None, None, ()
    if reason is None:
        weights = sum(Fraction(q.effective_weight) for q in scored)
        earned = sum(
            Fraction(q.effective_weight) * question_fraction(q, answers[q.id])
            for q in scored
        )
        exact = 100 * earned / weights
        score = round_half_up(exact)
        level = level_for(questionnaire.levels, score)
        recommendations = tuple(theme.recommendations.get(level.id, ()))

    result = ThemeResult(
        theme_id=theme.id,
        title=theme.title,
        weight=theme.weight,
        score=score,
        level=level,
        counts=counts,
        no_level_reason=reason,
        recommendations=recommendations,
        answer_recommendations=_answer_recommendations(asked, answers),
    )
    return result, exact if theme.weight > 0 else None


def _count(theme: Theme, asked: list[Question], answers: Answers) -> ThemeCounts:
    values = [answers.get(q.id) for q in asked]
    scored_asked = [q for q in asked if q.is_scored]
    return ThemeCounts(
        asked=len(asked),
        hidden=len(theme.questions) - len(asked),
        answered=sum(is_answered(v) for v in values),
        not_applicable=sum(v is Special.NOT_APPLICABLE for v in values),
        dont_know=sum(v is Special.DONT_KNOW for v in values),
        unanswered=sum(_is_blank(v) for v in values),
        scored_asked=len(scored_asked),
        scored=sum(is_answered(answers.get(q.id)) for q in scored_asked),
        required_missing=sum(
            q.required and _is_blank(answers.get(q.id)) for q in asked
        ),
    )


def _is_blank(value: AnswerValue | None) -> bool:
    return not is_answered(value) and not isinstance(value, Special)


def _missing_score_reason(
    questionnaire: Questionnaire, counts: ThemeCounts, scored_not_applicable: int
) -> Reason | None:
    if counts.scored_asked == 0:
        return Reason("no_scored_question", "no scored question is asked in this theme")

    needed = max(1, ceil(questionnaire.min_scored_share * counts.scored_asked))
    if counts.scored >= needed:
        return None
    params = {"scored": counts.scored, "needed": needed, "asked": counts.scored_asked}
    if counts.scored == 0 and scored_not_applicable == counts.scored_asked:
        return Reason(
            "all_not_applicable",
            "every scored question was answered not applicable",
            params,
        )
    return Reason(
        "too_few_answers",
        f"{counts.scored} of {counts.scored_asked} scored questions answered, "
        f"at least {needed} needed",
        params,
    )


def _answer_recommendations(
    asked: list[Question], answers: Answers
) -> tuple[AnswerRecommendation, ...]:
    found = []
    for question in asked:
        value = answers.get(question.id)
        if not question.choices or not is_answered(value):
            continue
        selected = value if isinstance(value, list) else [value]
        for choice_id in selected:
            choice = question.choice(choice_id)  # type: ignore[arg-type]
            if choice is not None and choice.recommendation is not None:
                found.append(
                    AnswerRecommendation(question.id, choice.id, choice.recommendation)
                )
    return tuple(found)
