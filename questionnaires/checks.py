"""Consistency checks that run once a questionnaire file has the right shape."""

from collections.abc import Iterator
from decimal import Decimal

from questionnaires.formulas import FormulaError, parse_formula
from questionnaires.schema import (
    RESERVED_CHOICE_IDS,
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    NotOf,
    Question,
    Questionnaire,
)
from questionnaires.types import QuestionType, traits
from questionnaires.yamlnodes import Location

Issue = tuple[Location, str]
NUMERIC_OPERATORS = ("gt", "ge", "lt", "le")


def check_questionnaire(questionnaire: Questionnaire) -> list[Issue]:
    """Return every consistency problem, each with the location it concerns."""
    checks = (_check_levels, _check_themes, _check_questions, _check_eligibility)
    return [issue for check in checks for issue in check(questionnaire)]


def _duplicates(items: list, location: Location, what: str) -> Iterator[Issue]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            first = seen[item.id]
            yield (
                location + (index, "id"),
                f"duplicate {what} id '{item.id}' (first used at index {first})",
            )
        else:
            seen[item.id] = index


def _check_levels(questionnaire: Questionnaire) -> Iterator[Issue]:
    levels = questionnaire.levels
    yield from _duplicates(levels, ("levels",), "level")

    if levels[0].min_score != 0:
        yield (("levels", 0, "min_score"), "the first level must start at 0")
    for index, level in enumerate(levels):
        location = ("levels", index, "min_score")
        if not Decimal(0) <= level.min_score <= Decimal(100):
            yield (location, f"threshold {level.min_score} is outside 0 to 100")
        if index and level.min_score <= levels[index - 1].min_score:
            previous = levels[index - 1]
            yield (
                location,
                f"thresholds must increase: {level.min_score} is not above "
                f"{previous.min_score} of level '{previous.id}'",
            )

    share = questionnaire.min_scored_share
    if not Decimal(0) < share <= Decimal(1):
        yield (("min_scored_share",), f"{share} must be above 0 and at most 1")


def _check_themes(questionnaire: Questionnaire) -> Iterator[Issue]:
    yield from _duplicates(questionnaire.themes, ("themes",), "theme")
    level_ids = {level.id for level in questionnaire.levels}
    if all(theme.weight == 0 for theme in questionnaire.themes):
        yield (("themes",), "at least one theme needs a weight above 0")

    indicator_ids: dict[str, Location] = {}
    known: dict[str, Question] = {}
    for t_index, theme in enumerate(questionnaire.themes):
        location = ("themes", t_index)
        if theme.weight < 0:
            yield (location + ("weight",), "a weight cannot be negative")
        for level_id in theme.recommendations:
            if level_id not in level_ids:
                yield (
                    location + ("recommendations", level_id),
                    f"unknown level '{level_id}': use one of {sorted(level_ids)}",
                )

        known.update({question.id: question for question in theme.questions})
        for i_index, indicator in enumerate(theme.indicators):
            i_location = location + ("indicators", i_index)
            if indicator.id in indicator_ids:
                yield (i_location + ("id",), f"duplicate indicator id '{indicator.id}'")
            indicator_ids[indicator.id] = i_location
            yield from _check_formula(indicator.formula, known, i_location)


def _check_formula(
    text: str, known: dict[str, Question], location: Location
) -> Iterator[Issue]:
    location = location + ("formula",)
    try:
        formula = parse_formula(text)
    except FormulaError as error:
        yield (location, str(error))
        return

    for name in formula.question_ids:
        question = known.get(name)
        if question is None:
            yield (
                location,
                f"unknown question '{name}': a formula may use only questions "
                "of its own theme or of an earlier one",
            )
        elif not traits(question.type).is_numeric:
            yield (
                location,
                f"question '{name}' is {question.type.value}, not a number: "
                "use integer, decimal or scale questions",
            )


def _check_questions(questionnaire: Questionnaire) -> Iterator[Issue]:
    earlier: dict[str, Question] = {}
    later = {question.id for question in questionnaire.questions()}
    for t_index, theme in enumerate(questionnaire.themes):
        for q_index, question in enumerate(theme.questions):
            location = ("themes", t_index, "questions", q_index)
            if question.id in earlier:
                yield (location + ("id",), f"duplicate question id '{question.id}'")
            if question.condition is not None:
                yield from _check_condition(
                    question.condition, earlier, later, location + ("condition",)
                )
            yield from _check_question_type(question, location)
            # The first definition of a duplicated id is the one conditions see.
            earlier.setdefault(question.id, question)


def _check_condition(
    condition: Condition,
    earlier: dict[str, Question],
    all_ids: set[str],
    location: Location,
) -> Iterator[Issue]:
    if isinstance(condition, AllOf | AnyOf):
        key = "all" if isinstance(condition, AllOf) else "any"
        parts = condition.all if isinstance(condition, AllOf) else condition.any
        for index, part in enumerate(parts):
            yield from _check_condition(part, earlier, all_ids, location + (key, index))
        return
    if isinstance(condition, NotOf):
        yield from _check_condition(
            condition.not_, earlier, all_ids, location + ("not",)
        )
        return

    location = location + ("question",)
    question = earlier.get(condition.question)
    if question is None:
        where = "later in the file" if condition.question in all_ids else "unknown"
        yield (
            location,
            f"question '{condition.question}' is {where}: a condition may use "
            "only questions asked before it",
        )
        return
    yield from _check_operand(condition, question, location[:-1])


def _check_operand(
    condition: Comparison, question: Question, location: Location
) -> Iterator[Issue]:
    operator = condition.operator
    location = location + (operator,)
    kind = question.type
    if operator in NUMERIC_OPERATORS:
        if not traits(kind).is_numeric:
            yield (location, f"'{operator}' needs a numeric question, not {kind.value}")
        return

    values = condition.one_of if operator == "one_of" else [condition.equals]
    for value in values or ():
        problem = _operand_problem(value, question)
        if problem:
            yield (location, problem)


def _operand_problem(value: object, question: Question) -> str | None:
    kind = question.type
    if kind is QuestionType.YES_NO:
        if not isinstance(value, bool):
            return f"question '{question.id}' is yes_no: compare it with true or false"
    elif traits(kind).has_choices:
        if not isinstance(value, str) or question.choice(value) is None:
            ids = [choice.id for choice in question.choices or ()]
            return f"'{value}' is not a choice of '{question.id}': use one of {ids}"
    elif traits(kind).is_numeric:
        if not isinstance(value, Decimal):
            return f"question '{question.id}' is numeric: compare it with a number"
    elif not isinstance(value, str):
        return f"question '{question.id}' is text: compare it with quoted text"
    return None


def _check_question_type(question: Question, location: Location) -> Iterator[Issue]:
    kind = question.type
    kind_traits = traits(kind)
    if question.weight is not None and question.weight < 0:
        yield (location + ("weight",), "a weight cannot be negative")
    if not kind_traits.is_scored and question.effective_weight:
        yield (
            location + ("weight",),
            f"{kind.value} questions are not scored: remove the weight",
        )

    if kind_traits.has_choices:
        yield from _check_choices(question, location)
    elif question.choices is not None:
        yield (location + ("choices",), f"{kind.value} questions take no choices")
    if question.max_points is not None and kind is not QuestionType.MULTIPLE_CHOICE:
        yield (location + ("max_points",), "only multiple_choice takes max_points")

    yield from _check_bounds(question, location)
    text_kinds = (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)
    if question.max_length is not None and kind not in text_kinds:
        yield (location + ("max_length",), "only text questions take max_length")
    if question.unit is not None and not kind_traits.is_numeric:
        yield (location + ("unit",), "only numeric questions take a unit")


def _check_choices(question: Question, location: Location) -> Iterator[Issue]:
    location = location + ("choices",)
    choices = question.choices or []
    if len(choices) < 2:
        yield (location, "a choice question needs at least 2 choices")
        return

    yield from _duplicates(choices, location, "choice")
    for index, choice in enumerate(choices):
        if choice.id in RESERVED_CHOICE_IDS:
            yield (location + (index, "id"), f"'{choice.id}' is reserved: rename it")
        if choice.points < 0:
            yield (location + (index, "points"), "points cannot be negative")
        if choice.exclusive and question.type is not QuestionType.MULTIPLE_CHOICE:
            yield (
                location + (index, "exclusive"),
                "only multiple_choice has exclusive",
            )
    if question.is_scored and not any(choice.points > 0 for choice in choices):
        yield (location, "a scored question needs a choice with points above 0")
    total = sum(choice.points for choice in choices)
    if question.max_points is not None and question.max_points <= 0:
        yield (location[:-1] + ("max_points",), "max_points must be above 0")
    elif question.max_points is not None and question.max_points > total:
        yield (
            location[:-1] + ("max_points",),
            f"max_points {question.max_points} is above the {total} points of all "
            "choices together, so the top score could never be reached",
        )


def _check_bounds(question: Question, location: Location) -> Iterator[Issue]:
    kind = question.type
    if kind is QuestionType.SCALE:
        for bound in ("min", "max"):
            value = getattr(question, bound)
            if value is None:
                yield (location, f"a scale question needs '{bound}'")
            elif value != value.to_integral_value():
                yield (location + (bound,), "scale bounds must be whole numbers")
    elif not traits(kind).is_numeric:
        for bound in ("min", "max", "min_label", "max_label"):
            if getattr(question, bound) is not None:
                yield (location + (bound,), f"{kind.value} questions take no '{bound}'")
    if kind is not QuestionType.SCALE:
        for bound in ("min_label", "max_label"):
            if getattr(question, bound) is not None and traits(kind).is_numeric:
                yield (location + (bound,), "only scale questions take labels")

    low, high = question.min, question.max
    if low is not None and high is not None and low >= high:
        yield (location + ("max",), f"max {high} must be above min {low}")


def _check_eligibility(questionnaire: Questionnaire) -> Iterator[Issue]:
    rule = questionnaire.eligibility
    if rule is None:
        return
    level_ids = [level.id for level in questionnaire.levels]
    for name in ("min_overall_level", "min_theme_level"):
        level_id = getattr(rule, name)
        if level_id not in level_ids:
            yield (
                ("eligibility", name),
                f"unknown level '{level_id}': use one of {level_ids}",
            )
