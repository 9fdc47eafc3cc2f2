"""Consistency checks, run through the loader on one change to a valid file."""

import pytest

from questionnaires import load_questionnaire

CHOICES = [
    {"id": "oui_tout_a_fait", "label": "Oui", "points": 1},
    {"id": "pas_du_tout", "label": "Non", "points": 0},
]
INDICATOR = {
    "id": "part_femmes_ca",
    "label": "Part des femmes au conseil",
    "unit": "%",
    "formula": "share(femmes_ca, membres_ca)",
}

# Each case: the location changed, its new value, the path of the problem and
# a word that its message must contain.
DUPLICATE_CASES = [
    pytest.param(
        ("themes", 1, "id"),
        "gouvernance",
        "themes[1].id",
        "duplicate theme id 'gouvernance' (first used at index 0)",
        id="theme",
    ),
    pytest.param(
        ("themes", 0, "questions", 4, "id"),
        "frequence_ca",
        "themes[0].questions[4].id",
        "duplicate question id 'frequence_ca'",
        id="question-same-theme",
    ),
    pytest.param(
        ("themes", 1, "questions", 3, "id"),
        "commentaire",
        "themes[1].questions[3].id",
        "duplicate question id 'commentaire'",
        id="question-across-themes",
    ),
    pytest.param(
        ("themes", 0, "questions", 1, "choices", 1, "id"),
        "rarement",
        "themes[0].questions[1].choices[1].id",
        "duplicate choice id 'rarement' (first used at index 0)",
        id="choice",
    ),
    pytest.param(
        ("levels", 3, "id"),
        "emergent",
        "levels[3].id",
        "duplicate level id 'emergent' (first used at index 0)",
        id="level",
    ),
    pytest.param(
        ("themes", 1, "indicators", 0, "id"),
        "part_femmes_ca",
        "themes[1].indicators[0].id",
        "duplicate indicator id 'part_femmes_ca'",
        id="indicator-across-themes",
    ),
    pytest.param(
        ("themes", 0, "indicators"),
        [INDICATOR, INDICATOR],
        "themes[0].indicators[1].id",
        "duplicate indicator id 'part_femmes_ca'",
        id="indicator-same-theme",
    ),
]

ENGAGEMENT_CONDITION = ("themes", 1, "questions", 1, "condition")
ENGAGEMENT_PATH = "themes[1].questions[1].condition"
CONDITION_CASES = [
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "adherents", "equals": True},
        f"{ENGAGEMENT_PATH}.question",
        "question 'adherents' is unknown",
        id="unknown-question",
    ),
    pytest.param(
        ("themes", 0, "questions", 1, "condition"),
        {"question": "engagement", "ge": 3},
        "themes[0].questions[1].condition.question",
        "question 'engagement' is later in the file",
        id="later-theme",
    ),
    pytest.param(
        ("themes", 0, "questions", 2, "condition"),
        {"question": "commentaire", "equals": "rien"},
        "themes[0].questions[2].condition.question",
        "question 'commentaire' is later in the file",
        id="later-same-theme",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "engagement", "gt": 2},
        f"{ENGAGEMENT_PATH}.question",
        "question 'engagement' is later in the file",
        id="itself",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "frequence_ca", "equals": "jamais"},
        f"{ENGAGEMENT_PATH}.equals",
        "'jamais' is not a choice of 'frequence_ca'",
        id="unknown-choice",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "tri_dechets", "one_of": ["papier", "carton"]},
        f"{ENGAGEMENT_PATH}.one_of",
        "'carton' is not a choice of 'tri_dechets'",
        id="unknown-choice-in-list",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "frequence_ca", "equals": 2},
        f"{ENGAGEMENT_PATH}.equals",
        "is not a choice of 'frequence_ca'",
        id="number-for-choice",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "statuts_diffuses", "equals": 1},
        f"{ENGAGEMENT_PATH}.equals",
        "compare it with true or false",
        id="number-for-yes-no",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "statuts_diffuses", "one_of": ["oui"]},
        f"{ENGAGEMENT_PATH}.one_of",
        "compare it with true or false",
        id="text-for-yes-no",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "membres_ca", "equals": "dix"},
        f"{ENGAGEMENT_PATH}.equals",
        "compare it with a number",
        id="text-for-integer",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "commentaire", "equals": 3},
        f"{ENGAGEMENT_PATH}.equals",
        "compare it with quoted text",
        id="number-for-text",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "commentaire", "gt": 3},
        f"{ENGAGEMENT_PATH}.gt",
        "'gt' needs a numeric question, not short_text",
        id="gt-on-text",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "frequence_ca", "le": 1},
        f"{ENGAGEMENT_PATH}.le",
        "'le' needs a numeric question, not single_choice",
        id="le-on-choice",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "statuts_diffuses", "lt": 1},
        f"{ENGAGEMENT_PATH}.lt",
        "'lt' needs a numeric question, not yes_no",
        id="lt-on-yes-no",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "membres_ca", "gt": 1, "lt": 10},
        ENGAGEMENT_PATH,
        "give exactly one operator",
        id="two-operators",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "statuts_diffuses", "equals": True, "one_of": [True]},
        ENGAGEMENT_PATH,
        "give exactly one operator",
        id="equals-and-one-of",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "membres_ca"},
        ENGAGEMENT_PATH,
        "give exactly one operator",
        id="no-operator",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"question": "tri_dechets", "one_of": []},
        f"{ENGAGEMENT_PATH}.one_of",
        "at least 1 item",
        id="empty-one-of",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {
            "any": [
                {"question": "statuts_diffuses", "equals": True},
                {"not": {"question": "adherents", "equals": True}},
            ]
        },
        f"{ENGAGEMENT_PATH}.any[1].not.question",
        "question 'adherents' is unknown",
        id="nested-unknown",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"all": [{"question": "membres_ca", "gt": 0}, {"question": "bilan", "gt": 0}]},
        f"{ENGAGEMENT_PATH}.all[1].question",
        "question 'bilan' is later in the file",
        id="nested-later",
    ),
    pytest.param(
        ENGAGEMENT_CONDITION,
        {"all": []},
        f"{ENGAGEMENT_PATH}.all",
        "at least 1 item",
        id="empty-all",
    ),
]

FORMULA = ("themes", 0, "indicators", 0, "formula")
FORMULA_PATH = "themes[0].indicators[0].formula"
FORMULA_CASES = [
    pytest.param(
        "share(femmes_ca, adherents)",
        "unknown question 'adherents'",
        id="unknown-question",
    ),
    pytest.param(
        "ratio(energie_kwh, membres_ca)",
        "unknown question 'energie_kwh': a formula may use only questions of its "
        "own theme or of an earlier one",
        id="later-theme-question",
    ),
    pytest.param(
        "share(statuts_diffuses, membres_ca)",
        "question 'statuts_diffuses' is yes_no, not a number",
        id="yes-no-question",
    ),
    pytest.param(
        "sum(frequence_ca, 1)",
        "question 'frequence_ca' is single_choice, not a number",
        id="choice-question",
    ),
    pytest.param(
        "commentaire / membres_ca",
        "question 'commentaire' is short_text, not a number",
        id="text-question",
    ),
    pytest.param(
        "mean(femmes_ca, membres_ca)",
        "unknown function 'mean'",
        id="unknown-function",
    ),
    pytest.param("membres_ca.real", "is not allowed", id="attribute"),
    pytest.param("__import__('os')", "unknown function '__import__'", id="import"),
    pytest.param(
        "__import__('os').system('true')",
        "unknown function",
        id="import-attribute",
    ),
    pytest.param("lambda: membres_ca", "is not allowed", id="lambda"),
    pytest.param("(lambda: 1)()", "unknown function", id="lambda-call"),
    pytest.param(
        "share(femmes_ca, 'dix')",
        "only numbers may be written as constants",
        id="string",
    ),
    pytest.param("ratio(femmes_ca)", "ratio() takes 2 arguments, got 1", id="arity"),
    pytest.param("share(femmes_ca, membres_ca", "invalid expression", id="syntax"),
]

LEVEL_CASES = [
    pytest.param(
        ("levels", 2, "min_score"),
        20,
        "levels[2].min_score",
        "thresholds must increase: 20 is not above 25 of level 'structuration'",
        id="out-of-order",
    ),
    pytest.param(
        ("levels", 2, "min_score"),
        25,
        "levels[2].min_score",
        "thresholds must increase: 25 is not above 25",
        id="equal",
    ),
    pytest.param(
        ("levels", 0, "min_score"),
        10,
        "levels[0].min_score",
        "the first level must start at 0",
        id="first-not-zero",
    ),
    pytest.param(
        ("levels", 3, "min_score"),
        101,
        "levels[3].min_score",
        "threshold 101 is outside 0 to 100",
        id="above-100",
    ),
    pytest.param(
        ("min_scored_share",),
        0,
        "min_scored_share",
        "must be above 0 and at most 1",
        id="share-zero",
    ),
    pytest.param(
        ("min_scored_share",),
        1.5,
        "min_scored_share",
        "must be above 0 and at most 1",
        id="share-above-one",
    ),
    pytest.param(
        ("themes", 1, "weight"),
        -1,
        "themes[1].weight",
        "a weight cannot be negative",
        id="negative-theme-weight",
    ),
]

CHOICE_QUESTION = ("themes", 0, "questions", 1)
CHOICE_PATH = "themes[0].questions[1]"
TYPE_CASES = [
    pytest.param(
        ("themes", 0, "questions", 0, "choices"),
        CHOICES,
        "themes[0].questions[0].choices",
        "yes_no questions take no choices",
        id="choices-on-yes-no",
    ),
    pytest.param(
        ("themes", 0, "questions", 2, "choices"),
        CHOICES,
        "themes[0].questions[2].choices",
        "integer questions take no choices",
        id="choices-on-integer",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "choices"),
        None,
        f"{CHOICE_PATH}.choices",
        "needs at least 2 choices",
        id="no-choices-on-single-choice",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "choices"),
        CHOICES[:1],
        f"{CHOICE_PATH}.choices",
        "needs at least 2 choices",
        id="one-choice",
    ),
    pytest.param(
        ("themes", 0, "questions", 2, "weight"),
        1,
        "themes[0].questions[2].weight",
        "integer questions are not scored",
        id="weight-on-integer",
    ),
    pytest.param(
        ("themes", 0, "questions", 4, "weight"),
        2,
        "themes[0].questions[4].weight",
        "short_text questions are not scored",
        id="weight-on-text",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "weight"),
        -1,
        f"{CHOICE_PATH}.weight",
        "a weight cannot be negative",
        id="negative-weight",
    ),
    pytest.param(
        ("themes", 1, "questions", 1, "min"),
        0.5,
        "themes[1].questions[1].min",
        "scale bounds must be whole numbers",
        id="scale-decimal-bound",
    ),
    pytest.param(
        ("themes", 1, "questions", 1, "min"),
        5,
        "themes[1].questions[1].max",
        "max 5 must be above min 5",
        id="scale-min-equals-max",
    ),
    pytest.param(
        ("themes", 0, "questions", 2, "max"),
        -1,
        "themes[0].questions[2].max",
        "max -1 must be above min 0",
        id="integer-max-below-min",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "unit"),
        "€",
        f"{CHOICE_PATH}.unit",
        "only numeric questions take a unit",
        id="unit-on-choice",
    ),
    pytest.param(
        ("themes", 0, "questions", 0, "unit"),
        "%",
        "themes[0].questions[0].unit",
        "only numeric questions take a unit",
        id="unit-on-yes-no",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "max_points"),
        2,
        f"{CHOICE_PATH}.max_points",
        "only multiple_choice takes max_points",
        id="max-points-on-single-choice",
    ),
    pytest.param(
        ("themes", 1, "questions", 0, "max_points"),
        0,
        "themes[1].questions[0].max_points",
        "max_points must be above 0",
        id="max-points-zero",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "choices", 0, "exclusive"),
        True,
        f"{CHOICE_PATH}.choices[0].exclusive",
        "only multiple_choice has exclusive",
        id="exclusive-on-single-choice",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "choices", 0, "points"),
        -1,
        f"{CHOICE_PATH}.choices[0].points",
        "points cannot be negative",
        id="negative-points",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "choices", 1, "points"),
        0,
        f"{CHOICE_PATH}.choices",
        "needs a choice with points above 0",
        id="scored-without-points",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "choices", 0, "id"),
        "not_applicable",
        f"{CHOICE_PATH}.choices[0].id",
        "'not_applicable' is reserved",
        id="reserved-not-applicable",
    ),
    pytest.param(
        ("themes", 1, "questions", 0, "choices", 1, "id"),
        "dont_know",
        "themes[1].questions[0].choices[1].id",
        "'dont_know' is reserved",
        id="reserved-dont-know",
    ),
    pytest.param(
        ("themes", 0, "questions", 2, "max_length"),
        10,
        "themes[0].questions[2].max_length",
        "only text questions take max_length",
        id="max-length-on-integer",
    ),
    pytest.param(
        ("themes", 0, "questions", 4, "min"),
        1,
        "themes[0].questions[4].min",
        "short_text questions take no 'min'",
        id="min-on-text",
    ),
    pytest.param(
        (*CHOICE_QUESTION, "max_label"),
        "Souvent",
        f"{CHOICE_PATH}.max_label",
        "single_choice questions take no 'max_label'",
        id="label-on-choice",
    ),
    pytest.param(
        ("themes", 0, "questions", 2, "min_label"),
        "Aucun",
        "themes[0].questions[2].min_label",
        "only scale questions take labels",
        id="label-on-integer",
    ),
    pytest.param(
        ("themes", 0, "questions", 2, "type"),
        "nombre",
        "themes[0].questions[2].type",
        "'integer'",
        id="unknown-type",
    ),
]

REFERENCE_CASES = [
    pytest.param(
        ("eligibility", "min_overall_level"),
        "expert",
        "eligibility.min_overall_level",
        "unknown level 'expert'",
        id="eligibility-overall",
    ),
    pytest.param(
        ("eligibility", "min_theme_level"),
        "expert",
        "eligibility.min_theme_level",
        "unknown level 'expert'",
        id="eligibility-theme",
    ),
    pytest.param(
        ("themes", 0, "recommendations"),
        {"expert": [{"title": "Partager le pouvoir"}]},
        "themes[0].recommendations.expert",
        "unknown level 'expert'",
        id="recommendations",
    ),
]


def assert_single_problem(problems, questionnaire_file, path, keyword):
    assert [problem.path for problem in problems] == [path]
    assert problems[0].file == str(questionnaire_file)
    assert keyword in problems[0].message
    assert problems[0].line is not None


@pytest.mark.parametrize(("location", "value", "path", "keyword"), DUPLICATE_CASES)
def test_duplicate_id_rejected(
    load_problems,
    questionnaire_file,
    questionnaire_data,
    change,
    location,
    value,
    path,
    keyword,
):
    change(questionnaire_data, location, value)

    problems = load_problems(questionnaire_data)

    assert_single_problem(problems, questionnaire_file, path, keyword)


@pytest.mark.parametrize(("location", "value", "path", "keyword"), CONDITION_CASES)
def test_invalid_condition_rejected(
    load_problems,
    questionnaire_file,
    questionnaire_data,
    change,
    location,
    value,
    path,
    keyword,
):
    change(questionnaire_data, location, value)

    problems = load_problems(questionnaire_data)

    assert_single_problem(problems, questionnaire_file, path, keyword)


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param({"question": "frequence_ca", "equals": "rarement"}, id="choice"),
        pytest.param(
            {"question": "tri_dechets", "one_of": ["papier", "verre"]}, id="choices"
        ),
        pytest.param({"question": "statuts_diffuses", "equals": False}, id="yes-no"),
        pytest.param({"question": "membres_ca", "ge": 0}, id="integer"),
        pytest.param({"question": "membres_ca", "equals": 7}, id="integer-equals"),
        pytest.param({"question": "commentaire", "equals": "rien"}, id="text"),
        pytest.param(
            {
                "any": [
                    {"question": "femmes_ca", "lt": 2.5},
                    {"not": {"all": [{"question": "membres_ca", "le": 3}]}},
                ]
            },
            id="nested",
        ),
    ],
)
def test_valid_condition_loads(
    write_questionnaire, questionnaire_data, change, condition
):
    change(questionnaire_data, ENGAGEMENT_CONDITION, condition)

    questionnaire = load_questionnaire(write_questionnaire(questionnaire_data))

    assert questionnaire.question("engagement").condition is not None


@pytest.mark.parametrize(("formula", "keyword"), FORMULA_CASES)
def test_invalid_formula_rejected(
    load_problems, questionnaire_file, questionnaire_data, change, formula, keyword
):
    change(questionnaire_data, FORMULA, formula)

    problems = load_problems(questionnaire_data)

    assert_single_problem(problems, questionnaire_file, FORMULA_PATH, keyword)


def test_formula_reads_earlier_theme(write_questionnaire, questionnaire_data):
    indicators = questionnaire_data["themes"][1]["indicators"]
    indicators[0]["formula"] = "(energie_kwh + engagement) / membres_ca"

    questionnaire = load_questionnaire(write_questionnaire(questionnaire_data))

    assert questionnaire.themes[1].indicators[0].id == "energie_par_membre"


@pytest.mark.parametrize(("location", "value", "path", "keyword"), LEVEL_CASES)
def test_invalid_levels_rejected(
    load_problems,
    questionnaire_file,
    questionnaire_data,
    change,
    location,
    value,
    path,
    keyword,
):
    change(questionnaire_data, location, value)

    problems = load_problems(questionnaire_data)

    assert_single_problem(problems, questionnaire_file, path, keyword)


def test_all_theme_weights_zero(load_problems, questionnaire_file, questionnaire_data):
    for theme in questionnaire_data["themes"]:
        theme["weight"] = 0

    problems = load_problems(questionnaire_data)

    assert_single_problem(
        problems, questionnaire_file, "themes", "at least one theme needs a weight"
    )


def test_threshold_of_100_loads(write_questionnaire, questionnaire_data):
    questionnaire_data["levels"][3]["min_score"] = 100

    questionnaire = load_questionnaire(write_questionnaire(questionnaire_data))

    assert questionnaire.levels[3].min_score == 100


@pytest.mark.parametrize(("location", "value", "path", "keyword"), TYPE_CASES)
def test_type_mismatch_rejected(
    load_problems,
    questionnaire_file,
    questionnaire_data,
    change,
    location,
    value,
    path,
    keyword,
):
    change(questionnaire_data, location, value)

    problems = load_problems(questionnaire_data)

    assert_single_problem(problems, questionnaire_file, path, keyword)


@pytest.mark.parametrize("bound", ["min", "max"])
def test_scale_without_bound_rejected(
    load_problems, questionnaire_file, questionnaire_data, bound
):
    del questionnaire_data["themes"][1]["questions"][1][bound]

    problems = load_problems(questionnaire_data)

    # The problem names the question, not the missing field.
    assert_single_problem(
        problems,
        questionnaire_file,
        "themes[1].questions[1]",
        f"a scale question needs '{bound}'",
    )


@pytest.mark.parametrize(("location", "value", "path", "keyword"), REFERENCE_CASES)
def test_unknown_level_rejected(
    load_problems,
    questionnaire_file,
    questionnaire_data,
    change,
    location,
    value,
    path,
    keyword,
):
    change(questionnaire_data, location, value)

    problems = load_problems(questionnaire_data)

    assert_single_problem(problems, questionnaire_file, path, keyword)
