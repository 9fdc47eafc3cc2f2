"""YAML reading: scalars that YAML 1.1 would retype, duplicate keys, positions."""

import pytest

from questionnaires import load_questionnaire
from questionnaires.yamlnodes import YamlSyntaxError, read_yaml

# Each case: the text replaced in the valid file, its replacement, the path of
# the problem and a word that its message must contain. The problem is on the
# last line of the replacement.
BOOLEAN_CASES = [
    pytest.param(
        "required: true",
        "required: yes",
        "themes[0].questions[0].required",
        "the unquoted value 'yes' is read by YAML as a boolean",
        id="yes",
    ),
    pytest.param(
        "allow_dont_know: true",
        "allow_dont_know: on",
        "themes[0].questions[1].allow_dont_know",
        "the unquoted value 'on' is read by YAML as a boolean",
        id="on",
    ),
    pytest.param(
        "allow_not_applicable: true",
        "allow_not_applicable: off",
        "themes[1].questions[0].allow_not_applicable",
        "the unquoted value 'off' is read by YAML as a boolean",
        id="off",
    ),
    pytest.param(
        "exclusive: true",
        "exclusive: No",
        "themes[1].questions[0].choices[2].exclusive",
        "the unquoted value 'No' is read by YAML as a boolean",
        id="capital-no",
    ),
    pytest.param(
        "equals: true",
        "equals: YES",
        "themes[1].questions[1].condition.all[0].equals",
        "'YES' is read by YAML as a boolean",
        id="condition-operand",
    ),
    pytest.param(
        "equals: aucun",
        "one_of: [aucun, no]",
        "themes[1].questions[1].condition.all[1].not.one_of[1]",
        "'no' is read by YAML as a boolean",
        id="list-item",
    ),
    pytest.param(
        "label: Rarement",
        "label: no",
        "themes[0].questions[1].choices[0].label",
        "'no' is read by YAML as a boolean",
        id="choice-label",
    ),
    pytest.param(
        "min_label: Faible",
        "min_label: off",
        "themes[1].questions[1].min_label",
        "'off' is read by YAML as a boolean",
        id="scale-label",
    ),
    pytest.param(
        "- title: Envoyer les statuts aux membres",
        "- title: yes",
        "themes[0].recommendations.emergent[0].title",
        "'yes' is read by YAML as a boolean",
        id="recommendation-title",
    ),
]

NUMBER_CASES = [
    pytest.param(
        "min_score: 25",
        "min_score: 025",
        "levels[1].min_score",
        "the unquoted value '025' is read by YAML as the number 21",
        id="octal",
    ),
    pytest.param(
        "max_points: 2",
        "max_points: 010",
        "themes[1].questions[0].max_points",
        "'010' is read by YAML as the number 8",
        id="octal-max-points",
    ),
    pytest.param(
        "min_score: 50",
        "min_score: 5_0",
        "levels[2].min_score",
        "'5_0' is read by YAML as the number 50",
        id="underscore",
    ),
    pytest.param(
        "weight: 2",
        "weight: 1_000",
        "themes[0].questions[1].weight",
        "'1_000' is read by YAML as the number 1000",
        id="thousands-underscore",
    ),
    pytest.param(
        "weight: 2",
        "weight: 1:30",
        "themes[0].questions[1].weight",
        "'1:30' is read by YAML as the number 90",
        id="sexagesimal",
    ),
    pytest.param(
        "min_score: 75",
        "min_score: 0x4B",
        "levels[3].min_score",
        "'0x4B' is read by YAML as the number 75",
        id="hexadecimal",
    ),
    pytest.param(
        "min_score: 75",
        "min_score: .inf",
        "levels[3].min_score",
        "'.inf' is not a usable number",
        id="infinity",
    ),
    pytest.param(
        "min_scored_share: 0.5",
        "min_scored_share: .NaN",
        "min_scored_share",
        "'.NaN' is not a usable number",
        id="not-a-number",
    ),
    pytest.param(
        "      points: 2",
        "      points: 2,5",
        "themes[0].questions[1].choices[1].points",
        "'2,5' is text for YAML: write the number as 2.5",
        id="decimal-comma",
    ),
    pytest.param(
        "max_points: 2",
        "max_points: 1 000,5",
        "themes[1].questions[0].max_points",
        "write the number as 1000.5",
        id="grouped-decimal-comma",
    ),
    pytest.param(
        "  weight: 1",
        "  weight: 0,5",
        "themes[1].weight",
        "write the number as 0.5",
        id="theme-weight-comma",
    ),
]

TEXT_CASES = [
    pytest.param(
        "version: '1.0'",
        "version: 1.0",
        "version",
        "text is expected, but the unquoted value '1.0' is read by YAML as a number",
        id="version-float",
    ),
    pytest.param(
        "version: '1.0'",
        "version: 2",
        "version",
        "'2' is read by YAML as an integer",
        id="version-integer",
    ),
    pytest.param(
        "version: '1.0'",
        "version: 2024-06-01",
        "version",
        "'2024-06-01' is read by YAML as a date",
        id="version-date",
    ),
    pytest.param(
        "label: Commentaire",
        "label: 2024",
        "themes[0].questions[4].label",
        "'2024' is read by YAML as an integer",
        id="label-integer",
    ),
    pytest.param(
        "label: Commentaire",
        "label:",
        "themes[0].questions[4].label",
        "read by YAML as an empty value",
        id="label-empty",
    ),
    pytest.param(
        "title: Environnement",
        "title: null",
        "themes[1].title",
        "'null' is read by YAML as an empty value",
        id="title-null",
    ),
    pytest.param(
        "unit: '%'",
        "unit: 1.5",
        "themes[0].indicators[0].unit",
        "'1.5' is read by YAML as a number",
        id="indicator-unit",
    ),
]

DUPLICATE_KEY_CASES = [
    pytest.param(
        "language: fr\n",
        "language: fr\nlanguage: en\n",
        "language",
        "key 'language' appears twice in this mapping",
        id="top-level",
    ),
    pytest.param(
        "    label: Commentaire\n",
        "    label: Commentaire\n    label: Remarque\n",
        "themes[0].questions[4].label",
        "key 'label' appears twice",
        id="question",
    ),
    pytest.param(
        "  min_score: 50\n",
        "  min_score: 50\n  min_score: 60\n",
        "levels[2].min_score",
        "key 'min_score' appears twice",
        id="level",
    ),
    pytest.param(
        "      gt: 0\n",
        "      gt: 0\n      gt: 1\n",
        "themes[0].questions[3].condition.gt",
        "key 'gt' appears twice",
        id="condition",
    ),
]

ACCEPTED_CASES = [
    pytest.param("label: Commentaire", "label: 'yes'", id="single-quoted-yes"),
    pytest.param("label: Commentaire", 'label: "on"', id="double-quoted-on"),
    pytest.param("label: Rarement", "label: 'Non'", id="quoted-non"),
    pytest.param("label: Commentaire", "label: 2,5 jours", id="comma-in-text"),
    pytest.param("label: Commentaire", "label: '010'", id="quoted-octal"),
    pytest.param("version: '1.0'", 'version: "2024-06-01"', id="quoted-date"),
    pytest.param("required: true", "required: True", id="capital-true"),
    pytest.param("required: true", "required: false", id="false"),
    pytest.param("min_score: 25", "min_score: 25.5", id="plain-decimal"),
    pytest.param("min_score: 25", "min_score: +25", id="plus-sign"),
    pytest.param("max_points: 2", "max_points: 2.0e+0", id="exponent"),
    pytest.param("- id: aucun", "- id: 'no'", id="quoted-choice-id"),
]


def last_replaced_line(text: str, old: str, new: str) -> int:
    """Return the 1-based line where the replacement of ``old`` by ``new`` ends."""
    start = text.index(old)
    return text[:start].count("\n") + new.rstrip("\n").count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "path", "keyword"),
    BOOLEAN_CASES + NUMBER_CASES + TEXT_CASES + DUPLICATE_KEY_CASES,
)
def test_retyped_scalar_rejected(
    load_problems,
    questionnaire_file,
    questionnaire_text,
    replace_once,
    find_problem,
    old,
    new,
    path,
    keyword,
):
    text = replace_once(questionnaire_text, old, new)

    problem = find_problem(load_problems(text), path)

    assert problem.file == str(questionnaire_file)
    assert keyword in problem.message
    assert problem.line == last_replaced_line(questionnaire_text, old, new)


@pytest.mark.parametrize(("old", "new"), ACCEPTED_CASES)
def test_unambiguous_scalar_accepted(
    write_questionnaire, questionnaire_text, replace_once, old, new
):
    text = replace_once(questionnaire_text, old, new)
    if "id: 'no'" in new:
        text = replace_once(text, "equals: aucun", "equals: 'no'")

    questionnaire = load_questionnaire(write_questionnaire(text))

    assert questionnaire.id == "test-questionnaire"


def test_quoted_yes_stays_text(write_questionnaire, questionnaire_text, replace_once):
    text = replace_once(questionnaire_text, "label: Commentaire", "label: 'yes'")

    questionnaire = load_questionnaire(write_questionnaire(text))

    assert questionnaire.question("commentaire").label == "yes"


def test_yes_as_label_gives_quote_advice(
    load_problems, questionnaire_text, replace_once
):
    text = replace_once(questionnaire_text, "label: Commentaire", "label: yes")

    problems = load_problems(text)

    messages = [p.message for p in problems if p.path == "themes[0].questions[4].label"]
    assert any("put it in quotes" in message for message in messages)


def test_boolean_key_rejected(
    load_problems, questionnaire_file, questionnaire_text, replace_once, find_problem
):
    text = replace_once(questionnaire_text, "    emergent:\n", "    on:\n")

    problem = find_problem(load_problems(text), "themes[0].recommendations.on")

    assert problem.file == str(questionnaire_file)
    assert "boolean" in problem.message


def test_recursive_alias_rejected(
    load_problems, questionnaire_file, questionnaire_text
):
    text = questionnaire_text + "annexe: &boucle [*boucle]\n"

    problems = load_problems(text)

    assert {problem.file for problem in problems} == {str(questionnaire_file)}


def test_merge_key_override_accepted(
    write_questionnaire, questionnaire_text, replace_once
):
    # The second integer question copies the first one through a merge key and
    # overrides its id and label: each key appears once in the text.
    text = replace_once(
        questionnaire_text,
        "  - id: membres_ca\n",
        "  - &effectif\n    id: membres_ca\n",
    )
    text = replace_once(
        text,
        "  - id: femmes_ca\n    type: integer\n",
        "  - <<: *effectif\n    id: femmes_ca\n",
    )

    questionnaire = load_questionnaire(write_questionnaire(text))

    assert questionnaire.question("femmes_ca").label == "Nombre de femmes au conseil"


def test_read_yaml_keeps_lines():
    document = read_yaml("id: a\nthemes:\n- id: b\n  title: B\n")

    assert document.data == {"id": "a", "themes": [{"id": "b", "title": "B"}]}
    assert document.line(("themes", 0, "title")) == 4
    assert document.line(("themes", 0)) == 3
    assert document.ambiguous == []


def test_read_yaml_line_of_missing_key():
    document = read_yaml("id: a\nthemes:\n- id: b\n")

    assert document.line(("themes", 0, "title")) == 3


def test_read_yaml_empty_document():
    document = read_yaml("# rien\n")

    assert document.data is None
    assert document.line(("id",)) is None


def test_read_yaml_syntax_error_line():
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("id: a\nthemes:\n  - id: b\n   title: B\n")

    assert caught.value.line == 4
    assert str(caught.value).startswith("invalid YAML: ")


@pytest.mark.parametrize(
    ("text", "location"),
    [
        pytest.param("a: yes\n", ("a",), id="boolean"),
        pytest.param("a: [1, 010]\n", ("a", 1), id="octal-in-list"),
        pytest.param("a: {b: 1:30}\n", ("a", "b"), id="sexagesimal-in-mapping"),
        pytest.param("a: 1\na: 2\n", ("a",), id="duplicate-key"),
    ],
)
def test_read_yaml_records_ambiguity(text, location):
    document = read_yaml(text)

    assert [where for where, _ in document.ambiguous] == [location]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "a: 1.0\n", "the unquoted value '1.0' is read by YAML as a number"
        ),
        pytest.param("a: 2,5\n", "'2,5' is text for YAML: write the number as 2.5"),
        pytest.param("a: '1.0'\n", None, id="quoted"),
        pytest.param("a: texte\n", None, id="text"),
    ],
)
def test_describe_retyped_scalar(text, expected):
    document = read_yaml(text)

    assert document.describe_retyped(("a",)) == expected
