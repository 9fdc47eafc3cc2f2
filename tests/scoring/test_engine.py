from decimal import Decimal

import pytest

from scoring.results import ThemeCounts


def yes_no(question_id: str, **fields) -> dict:
    return {"id": question_id, "type": "yes_no", **fields}


SINGLE = {
    "id": "q",
    "type": "single_choice",
    "choices": {"aucun": 0, "partiel": 1, "complet": 3},
}
# The best choice is not the last one: points are divided by the maximum.
SINGLE_UNORDERED = {
    "id": "q",
    "type": "single_choice",
    "choices": {"moyen": 2, "fort": 4, "faible": 1},
}
PRACTICES = [
    {"id": "p", "points": 1},
    {"id": "r", "points": 2},
    {"id": "s", "points": 3},
    {"id": "aucune", "points": 0, "exclusive": True},
]
MULTIPLE_CAPPED = {
    "id": "q",
    "type": "multiple_choice",
    "max_points": 4,
    "choices": PRACTICES,
}
MULTIPLE = {"id": "q", "type": "multiple_choice", "choices": PRACTICES}


def scale(low: int, high: int) -> dict:
    return {"id": "q", "type": "scale", "min": low, "max": high}


QUESTION_CASES = [
    pytest.param(SINGLE, "aucun", "0.0", id="single-zero"),
    pytest.param(SINGLE, "partiel", "33.3", id="single-one-of-three"),
    pytest.param(SINGLE, "complet", "100.0", id="single-best"),
    pytest.param(SINGLE_UNORDERED, "moyen", "50.0", id="single-best-not-last"),
    pytest.param(SINGLE_UNORDERED, "faible", "25.0", id="single-lowest"),
    pytest.param(MULTIPLE_CAPPED, ["p"], "25.0", id="multiple-one-of-cap"),
    pytest.param(MULTIPLE_CAPPED, ["p", "r"], "75.0", id="multiple-summed"),
    pytest.param(MULTIPLE_CAPPED, ["r", "s"], "100.0", id="multiple-capped"),
    pytest.param(MULTIPLE_CAPPED, ["p", "r", "s"], "100.0", id="multiple-all-capped"),
    pytest.param(MULTIPLE_CAPPED, ["aucune"], "0.0", id="multiple-exclusive"),
    pytest.param(MULTIPLE, ["p"], "16.7", id="multiple-one-of-sum"),
    pytest.param(MULTIPLE, ["s"], "50.0", id="multiple-half-of-sum"),
    pytest.param(MULTIPLE, ["r", "s"], "83.3", id="multiple-five-of-six"),
    pytest.param(MULTIPLE, ["p", "r", "s"], "100.0", id="multiple-all"),
    pytest.param(scale(1, 5), 1, "0.0", id="scale-min"),
    pytest.param(scale(1, 5), 2, "25.0", id="scale-step"),
    pytest.param(scale(1, 5), 5, "100.0", id="scale-max"),
    pytest.param(scale(0, 10), 7, "70.0", id="scale-from-zero"),
    pytest.param(scale(1, 4), 2, "33.3", id="scale-thirds"),
    pytest.param(yes_no("q"), True, "100.0", id="yes"),
    pytest.param(yes_no("q"), False, "0.0", id="no"),
]


@pytest.mark.parametrize(("question", "answer", "expected"), QUESTION_CASES)
def test_score_of_one_question(make_questionnaire, score, question, answer, expected):
    result = score(make_questionnaire(question), {"q": answer})

    assert result.themes[0].score == Decimal(expected)


WEIGHT_CASES = [
    pytest.param(
        [yes_no("a", weight=3), yes_no("b")],
        {"a": True, "b": False},
        "75.0",
        id="three-to-one",
    ),
    pytest.param(
        [yes_no("a"), yes_no("b", weight=2)],
        {"a": True, "b": False},
        "33.3",
        id="default-weight-is-one",
    ),
    pytest.param(
        [yes_no("a", weight=0.5), yes_no("b", weight=1.5)],
        {"a": True, "b": False},
        "25.0",
        id="decimal-weights",
    ),
    # (2 * 1/3 + 1 * 1/2) / 3 = 7/18
    pytest.param(
        [{**SINGLE, "weight": 2}, {**scale(1, 5), "id": "s"}],
        {"q": "partiel", "s": 3},
        "38.9",
        id="mixed-types",
    ),
    pytest.param(
        [yes_no("a", weight=0), yes_no("b")],
        {"a": False, "b": True},
        "100.0",
        id="weight-zero-not-scored",
    ),
]


@pytest.mark.parametrize(("questions", "answers", "expected"), WEIGHT_CASES)
def test_question_weights(make_questionnaire, score, questions, answers, expected):
    result = score(make_questionnaire(*questions), answers)

    assert result.themes[0].score == Decimal(expected)


def test_weight_zero_question_not_counted(make_questionnaire, score):
    questionnaire = make_questionnaire(yes_no("a", weight=0), yes_no("b"))

    counts = score(questionnaire, {"a": False, "b": True}).themes[0].counts

    assert counts.scored_asked == 1
    assert counts.scored == 1
    assert counts.answered == 2


def two_themes(first: dict, second: dict) -> list[dict]:
    return [
        {"id": "a", "questions": [yes_no("qa")], **first},
        {"id": "b", "questions": [{**SINGLE, "id": "qb"}], **second},
    ]


# Theme 'a' scores 100 and theme 'b' the share of the choice given.
OVERALL_CASES = [
    pytest.param({}, {}, "partiel", "66.7", id="equal-weights"),
    pytest.param({"weight": 2}, {}, "aucun", "66.7", id="theme-weight-two"),
    pytest.param({"weight": 0.5}, {"weight": 1.5}, "aucun", "25.0", id="decimals"),
    pytest.param({"weight": 0}, {}, "partiel", "33.3", id="weight-zero-excluded"),
]


@pytest.mark.parametrize(("first", "second", "choice", "expected"), OVERALL_CASES)
def test_overall_weighted_by_theme(
    make_questionnaire, score, first, second, choice, expected
):
    questionnaire = make_questionnaire(themes=two_themes(first, second))

    result = score(questionnaire, {"qa": True, "qb": choice})

    assert result.score == Decimal(expected)


def test_overall_uses_exact_theme_scores(make_questionnaire, score):
    questionnaire = make_questionnaire(
        themes=[
            {"id": "a", "questions": [yes_no("qa")]},
            {
                "id": "b",
                "questions": [
                    {
                        "id": "qb",
                        "type": "single_choice",
                        "choices": {"x": 0, "y": 2, "z": 3},
                    }
                ],
            },
        ]
    )

    result = score(questionnaire, {"qa": False, "qb": "y"})

    # Averaging the shown 0.0 and 66.7 would give 33.4, but (0 + 200/3) / 2
    # rounds to 33.3.
    assert result.theme("a").score == Decimal("0.0")
    assert result.theme("b").score == Decimal("66.7")
    assert result.score == Decimal("33.3")


def test_weight_zero_theme_keeps_own_score(make_questionnaire, score):
    questionnaire = make_questionnaire(themes=two_themes({"weight": 0}, {}))

    result = score(questionnaire, {"qa": False, "qb": "complet"})

    assert result.theme("a").score == Decimal("0.0")
    assert result.theme("a").level.id == "emergent"
    assert result.score == Decimal("100.0")
    assert result.level.id == "exemplaire"


# The context question decides whether 'c' is asked. Every case answers 'a'
# true and 'b' false, so the score is 50.0 unless 'c' counts.
STATE_QUESTIONS = [
    yes_no("contexte", weight=0),
    yes_no("a"),
    yes_no("b"),
    yes_no(
        "c",
        allow_not_applicable=True,
        allow_dont_know=True,
        condition={"question": "contexte", "equals": True},
    ),
]
STATE_CASES = [
    pytest.param({"contexte": True, "c": True}, "66.7", id="answered"),
    pytest.param({"contexte": True}, "50.0", id="unanswered"),
    pytest.param({"contexte": True, "c": None}, "50.0", id="null"),
    pytest.param({"contexte": True, "c": "not_applicable"}, "50.0", id="na"),
    pytest.param({"contexte": True, "c": "dont_know"}, "50.0", id="dont-know"),
    pytest.param({"contexte": False, "c": True}, "50.0", id="hidden-true"),
    pytest.param({"contexte": False, "c": False}, "50.0", id="hidden-false"),
    pytest.param({"c": True}, "50.0", id="condition-unanswered"),
]


@pytest.mark.parametrize(("answers", "expected"), STATE_CASES)
def test_denominator_of_answer_states(make_questionnaire, score, answers, expected):
    questionnaire = make_questionnaire(*STATE_QUESTIONS)

    result = score(questionnaire, {"a": True, "b": False, **answers})

    assert result.themes[0].score == Decimal(expected)


COUNT_CASES = [
    pytest.param(
        {"contexte": True, "c": True},
        ThemeCounts(asked=4, answered=4, scored_asked=3, scored=3),
        id="answered",
    ),
    pytest.param(
        {"contexte": True},
        ThemeCounts(asked=4, answered=3, unanswered=1, scored_asked=3, scored=2),
        id="unanswered",
    ),
    pytest.param(
        {"contexte": True, "c": "not_applicable"},
        ThemeCounts(asked=4, answered=3, not_applicable=1, scored_asked=3, scored=2),
        id="na",
    ),
    pytest.param(
        {"contexte": True, "c": "dont_know"},
        ThemeCounts(asked=4, answered=3, dont_know=1, scored_asked=3, scored=2),
        id="dont-know",
    ),
    # Answered before the context changed: neither asked nor counted as progress.
    pytest.param(
        {"contexte": False, "c": True},
        ThemeCounts(asked=3, hidden=1, answered=3, scored_asked=2, scored=2),
        id="hidden-answered",
    ),
]


@pytest.mark.parametrize(("answers", "expected"), COUNT_CASES)
def test_counts_of_answer_states(make_questionnaire, score, answers, expected):
    questionnaire = make_questionnaire(*STATE_QUESTIONS)

    result = score(questionnaire, {"a": True, "b": False, **answers})

    assert result.themes[0].counts == expected


def test_required_missing_counts_asked_only(make_questionnaire, score):
    questionnaire = make_questionnaire(
        yes_no("contexte", weight=0),
        yes_no("a", required=True),
        yes_no("b", required=True, allow_not_applicable=True),
        yes_no("c", required=True, condition={"question": "contexte", "equals": True}),
    )

    result = score(questionnaire, {"contexte": False, "b": "not_applicable"})

    assert result.themes[0].counts.required_missing == 1


def yes_no_questions(count: int) -> list[dict]:
    return [yes_no(f"q{number}") for number in range(1, count + 1)]


def answered(count: int) -> dict:
    return {f"q{number}": True for number in range(1, count + 1)}


# Each case: questions in the theme, min_scored_share, answers given, answers
# needed. Decimal shares keep 0.3 * 10 at 3, where floats give 3.0000000000000004.
SHARE_CASES = [
    pytest.param(5, "0.5", 2, 3, id="half-of-five-rounds-up"),
    pytest.param(10, "0.3", 2, 3, id="exact-product"),
    pytest.param(10, "0.7", 6, 7, id="exact-product-high"),
    pytest.param(5, "0.01", 0, 1, id="at-least-one"),
    pytest.param(4, "1", 3, 4, id="all-needed"),
]


@pytest.mark.parametrize(("count", "share", "given", "needed"), SHARE_CASES)
def test_too_few_answers_reason(make_questionnaire, score, count, share, given, needed):
    questionnaire = make_questionnaire(
        *yes_no_questions(count), min_scored_share=Decimal(share)
    )

    theme = score(questionnaire, answered(given)).themes[0]

    assert theme.score is None
    assert theme.level is None
    assert theme.no_level_reason.code == "too_few_answers"
    assert theme.no_level_reason.params == {
        "scored": given,
        "needed": needed,
        "asked": count,
    }
    assert theme.no_level_reason.message == (
        f"{given} of {count} scored questions answered, at least {needed} needed"
    )


@pytest.mark.parametrize(("count", "share", "given", "needed"), SHARE_CASES)
def test_min_scored_share_reached(
    make_questionnaire, score, count, share, given, needed
):
    questionnaire = make_questionnaire(
        *yes_no_questions(count), min_scored_share=Decimal(share)
    )

    theme = score(questionnaire, answered(needed)).themes[0]

    assert theme.score == Decimal("100.0")
    assert theme.no_level_reason is None


def test_min_scored_share_from_float(make_questionnaire, score):
    questionnaire = make_questionnaire(*yes_no_questions(10), min_scored_share=0.7)

    theme = score(questionnaire, answered(7)).themes[0]

    assert theme.score == Decimal("100.0")


def test_min_scored_share_ignores_hidden(make_questionnaire, score):
    questionnaire = make_questionnaire(
        yes_no("contexte", weight=0),
        yes_no("a"),
        yes_no("b", condition={"question": "contexte", "equals": True}),
        yes_no("c", condition={"question": "contexte", "equals": True}),
    )

    theme = score(questionnaire, {"contexte": False, "a": False}).themes[0]

    assert theme.score == Decimal("0.0")


NOT_APPLICABLE_QUESTIONS = [
    yes_no("a", allow_not_applicable=True, allow_dont_know=True),
    yes_no("b", allow_not_applicable=True, allow_dont_know=True),
    {"id": "n", "type": "integer", "allow_not_applicable": True},
]


def test_all_not_applicable_reason(make_questionnaire, score):
    questionnaire = make_questionnaire(*NOT_APPLICABLE_QUESTIONS)

    result = score(questionnaire, {"a": "not_applicable", "b": "not_applicable"})
    theme = result.themes[0]

    assert theme.score is None
    assert theme.level is None
    assert theme.no_level_reason.code == "all_not_applicable"
    assert theme.no_level_reason.params == {"scored": 0, "needed": 1, "asked": 2}


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"a": "not_applicable", "b": "dont_know"}, id="dont-know"),
        pytest.param({"a": "not_applicable"}, id="unanswered"),
        # The unscored 'n' must not stand in for the unanswered 'b'.
        pytest.param(
            {"a": "not_applicable", "n": "not_applicable"},
            id="unscored-not-applicable",
        ),
    ],
)
def test_partly_not_applicable_too_few(make_questionnaire, score, answers):
    questionnaire = make_questionnaire(*NOT_APPLICABLE_QUESTIONS)

    theme = score(questionnaire, answers).themes[0]

    assert theme.score is None
    assert theme.no_level_reason.code == "too_few_answers"


def test_one_not_applicable_still_scored(make_questionnaire, score):
    questionnaire = make_questionnaire(*NOT_APPLICABLE_QUESTIONS)

    theme = score(questionnaire, {"a": "not_applicable", "b": False}).themes[0]

    assert theme.score == Decimal("0.0")
    assert theme.level.id == "emergent"


NO_SCORED_CASES = [
    pytest.param(
        [{"id": "n", "type": "integer"}, {"id": "t", "type": "short_text"}],
        {"n": 3, "t": "texte"},
        id="unscored-types",
    ),
    pytest.param([yes_no("a", weight=0)], {"a": True}, id="weight-zero"),
    pytest.param(
        [
            yes_no("contexte", weight=0),
            yes_no("a", condition={"question": "contexte", "equals": True}),
        ],
        {"contexte": False, "a": True},
        id="scored-hidden",
    ),
]


@pytest.mark.parametrize(("questions", "answers"), NO_SCORED_CASES)
def test_no_scored_question_reason(make_questionnaire, score, questions, answers):
    result = score(make_questionnaire(*questions), answers)
    theme = result.themes[0]

    assert theme.score is None
    assert theme.level is None
    assert theme.no_level_reason.code == "no_scored_question"
    assert theme.no_level_reason.params == {}


@pytest.mark.parametrize(
    ("first", "answers"),
    [
        pytest.param({}, {}, id="nothing-answered"),
        pytest.param({"weight": 0}, {"qa": True}, id="only-weight-zero-scored"),
    ],
)
def test_overall_without_scored_theme(make_questionnaire, score, first, answers):
    questionnaire = make_questionnaire(themes=two_themes(first, {}))

    result = score(questionnaire, answers)

    assert result.score is None
    assert result.level is None
    assert result.no_level_reason.code == "no_theme_scored"


def test_overall_reason_none_when_scored(make_questionnaire, score):
    questionnaire = make_questionnaire(themes=two_themes({}, {}))

    result = score(questionnaire, {"qa": True})

    assert result.score == Decimal("100.0")
    assert result.theme("b").score is None
    assert result.no_level_reason is None


RECOMMENDED = [
    {
        "id": "q",
        "type": "single_choice",
        "choices": [
            {
                "id": "faible",
                "points": 0,
                "recommendation": {"title": "Écrire les règles", "detail": "Vite."},
            },
            {"id": "moyen", "points": 1},
            {"id": "fort", "points": 2},
        ],
    },
    {
        "id": "m",
        "type": "multiple_choice",
        "choices": [
            {"id": "p", "points": 1, "recommendation": {"title": "Former les élus"}},
            {"id": "r", "points": 1, "recommendation": {"title": "Limiter"}},
            {"id": "s", "points": 1},
        ],
    },
]
LEVEL_RECOMMENDATIONS = {
    "emergent": [{"title": "Commencer"}],
    "etabli": [{"title": "Consolider"}, {"title": "Partager"}],
}
# Each case: answers, (question, choice, title) of the answer recommendations,
# the level and the titles of the level's recommendations.
RECOMMENDATION_CASES = [
    pytest.param(
        {"q": "faible", "m": ["p", "r"]},
        [("q", "faible", "Écrire les règles"), ("m", "p", "Former les élus")]
        + [("m", "r", "Limiter")],
        "en_structuration",
        [],
        id="selected-choices",
    ),
    pytest.param(
        {"q": "fort", "m": ["s"]},
        [],
        "etabli",
        ["Consolider", "Partager"],
        id="level-only",
    ),
    pytest.param(
        {"q": "faible"},
        [("q", "faible", "Écrire les règles")],
        "emergent",
        ["Commencer"],
        id="both",
    ),
]


@pytest.mark.parametrize(
    ("answers", "selected", "level", "titles"), RECOMMENDATION_CASES
)
def test_recommendations(make_questionnaire, score, answers, selected, level, titles):
    questionnaire = make_questionnaire(
        themes=[
            {
                "id": "theme",
                "questions": RECOMMENDED,
                "recommendations": LEVEL_RECOMMENDATIONS,
            }
        ]
    )

    theme = score(questionnaire, answers).themes[0]

    found = [
        (item.question_id, item.choice_id, item.recommendation.title)
        for item in theme.answer_recommendations
    ]
    assert found == selected
    assert theme.level.id == level
    assert [item.title for item in theme.recommendations] == titles


def test_recommendation_detail_kept(make_questionnaire, score):
    questionnaire = make_questionnaire(*RECOMMENDED)

    theme = score(questionnaire, {"q": "faible"}).themes[0]

    assert theme.answer_recommendations[0].recommendation.detail == "Vite."


def test_hidden_choice_not_recommended(make_questionnaire, score):
    condition = {"question": "contexte", "equals": True}
    questions = [{**question, "condition": condition} for question in RECOMMENDED]
    questionnaire = make_questionnaire(
        yes_no("contexte", weight=0), yes_no("a"), *questions
    )

    theme = score(
        questionnaire, {"contexte": False, "a": True, "q": "faible", "m": ["p"]}
    ).themes[0]

    assert theme.answer_recommendations == ()


def test_theme_without_level_no_recommendations(make_questionnaire, score):
    questionnaire = make_questionnaire(
        themes=[
            {
                "id": "theme",
                "questions": RECOMMENDED,
                "recommendations": LEVEL_RECOMMENDATIONS,
            }
        ]
    )

    theme = score(questionnaire, {}).themes[0]

    assert theme.level is None
    assert theme.recommendations == ()


def test_result_identifies_questionnaire(make_questionnaire, score):
    result = score(make_questionnaire(yes_no("a")), {"a": True})

    assert result.questionnaire_id == "test-questionnaire"
    assert result.questionnaire_version == "1.0"
