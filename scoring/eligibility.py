"""Whether a diagnostic's results reach the questionnaire's label bar."""

from dataclasses import replace

from questionnaires.schema import Level, Questionnaire
from scoring.results import DiagnosticResult, EligibilityVerdict, Reason


def judge_eligibility(
    questionnaire: Questionnaire, result: DiagnosticResult
) -> DiagnosticResult:
    """Return the result with its eligibility verdict, listing every shortfall."""
    rule = questionnaire.eligibility
    if rule is None:
        return result

    order = {level.id: index for index, level in enumerate(questionnaire.levels)}
    overall_bar = questionnaire.level(rule.min_overall_level)
    theme_bar = questionnaire.level(rule.min_theme_level)
    reasons: list[Reason] = []

    if result.level is None:
        reasons.append(
            Reason("overall_without_level", "the diagnostic has no overall level")
        )
    elif order[result.level.id] < order[overall_bar.id]:  # type: ignore[union-attr]
        reasons.append(_below("overall_below", "overall", result.level, overall_bar))

    # A theme of weight 0 is informative only: it counts neither in the overall
    # score nor for the label.
    for theme in (theme for theme in result.themes if theme.weight > 0):
        if theme.level is None:
            reasons.append(
                Reason(
                    "theme_without_level",
                    f"theme {theme.theme_id} has no level",
                    {"theme": theme.theme_id, "title": theme.title},
                )
            )
        elif order[theme.level.id] < order[theme_bar.id]:  # type: ignore[union-attr]
            reasons.append(
                _below(
                    "theme_below", theme.theme_id, theme.level, theme_bar, theme.title
                )
            )

    verdict = EligibilityVerdict(is_eligible=not reasons, reasons=tuple(reasons))
    return replace(result, eligibility=verdict)


def _below(
    code: str, subject: str, level: Level, bar: Level, title: str | None = None
) -> Reason:
    params = {"level": level.id, "level_name": level.name, "required": bar.id}
    params["required_name"] = bar.name
    if code == "theme_below":
        params.update(theme=subject, title=title)
    return Reason(
        code,
        f"{subject} level {level.id} is below the required {bar.id}",
        params,
    )
