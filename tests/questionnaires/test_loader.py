"""Loading questionnaire files: what is accepted, and how problems are reported."""

import pytest

from questionnaires import (
    BUILTIN_DIRECTORY,
    Problem,
    QuestionnaireError,
    QuestionType,
    check_files,
    load_questionnaire,
)


def test_valid_questionnaire_loads(write_questionnaire, questionnaire_data):
    path = write_questionnaire(questionnaire_data)

    questionnaire = load_questionnaire(path)

    assert questionnaire.id == "test-questionnaire"
    assert questionnaire.version == "1.0"
    assert [theme.id for theme in questionnaire.themes] == [
        "gouvernance",
        "environnement",
    ]
    assert {question.type for question in questionnaire.questions()} == set(
        QuestionType
    )


def test_valid_questionnaire_keeps_order(write_questionnaire, questionnaire_data):
    path = write_questionnaire(questionnaire_data)

    questionnaire = load_questionnaire(path)

    assert [question.id for question in questionnaire.questions()] == [
        "statuts_diffuses",
        "frequence_ca",
        "membres_ca",
        "femmes_ca",
        "commentaire",
        "tri_dechets",
        "engagement",
        "energie_kwh",
        "bilan",
    ]


@pytest.mark.parametrize(
    "path",
    sorted(BUILTIN_DIRECTORY.glob("*.y*ml")),
    ids=lambda path: path.name,
)
def test_builtin_questionnaire_loads(path):
    questionnaire = load_questionnaire(path)

    assert questionnaire.themes


def test_missing_file_rejected(tmp_path):
    path = tmp_path / "absent.yaml"

    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)

    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert problem.path == ""
    assert "cannot read file" in problem.message


def test_non_utf8_file_rejected(questionnaire_file):
    questionnaire_file.write_bytes("title: Réseau\n".encode("latin-1"))

    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(questionnaire_file)

    [problem] = caught.value.problems
    assert problem.file == str(questionnaire_file)
    assert problem.path == ""
    assert "cannot read file" in problem.message


def test_byte_order_mark_accepted(questionnaire_file, questionnaire_text):
    questionnaire_file.write_text("\ufeff" + questionnaire_text, encoding="utf-8")

    questionnaire = load_questionnaire(questionnaire_file)

    assert questionnaire.id == "test-questionnaire"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("- gouvernance\n- environnement\n", id="list"),
        pytest.param("questionnaire de test\n", id="text"),
        pytest.param("42\n", id="number"),
    ],
)
def test_file_without_mapping_rejected(load_problems, questionnaire_file, text):
    [problem] = load_problems(text)

    assert problem.file == str(questionnaire_file)
    assert problem.path == ""
    assert "mapping" in problem.message
    assert problem.line == 1


@pytest.mark.parametrize(
    ("old", "new", "bad_line", "keyword"),
    [
        pytest.param(
            "  title: Environnement\n",
            "  title: Environnement: énergie\n",
            "title: Environnement",
            "mapping values are not allowed",
            id="colon-in-plain-text",
        ),
        pytest.param(
            "- id: environnement\n",
            "- id: environnement\n\tweight: 1\n",
            "\tweight",
            "'\\t'",
            id="tab-indent",
        ),
        pytest.param(
            "  introduction: Comment les décisions sont prises.\n",
            "  introduction: Comment les décisions sont prises.\n   questions: []\n",
            "   questions: []",
            "invalid YAML",
            id="wrong-indent",
        ),
        pytest.param(
            "    decimals: 0\n",
            "    decimals: 0\n---\nid: autre\n",
            "---",
            "another document",
            id="second-document",
        ),
    ],
)
def test_invalid_yaml_gives_line(
    load_problems,
    questionnaire_file,
    questionnaire_text,
    replace_once,
    line_of,
    old,
    new,
    bad_line,
    keyword,
):
    text = replace_once(questionnaire_text, old, new)

    [problem] = load_problems(text)

    assert problem.file == str(questionnaire_file)
    assert problem.path == ""
    assert problem.message.startswith("invalid YAML")
    assert keyword in problem.message
    assert problem.line == line_of(text, bad_line)


@pytest.mark.parametrize(
    ("location", "path"),
    [
        pytest.param(("auteur",), "auteur", id="top-level"),
        pytest.param(("levels", 1, "couleur"), "levels[1].couleur", id="level"),
        pytest.param(("themes", 1, "intro"), "themes[1].intro", id="theme"),
        pytest.param(
            ("themes", 0, "questions", 2, "obligatoire"),
            "themes[0].questions[2].obligatoire",
            id="question",
        ),
        pytest.param(
            ("themes", 0, "questions", 1, "choices", 0, "score"),
            "themes[0].questions[1].choices[0].score",
            id="choice",
        ),
        pytest.param(
            ("themes", 0, "questions", 3, "condition", "greater_than"),
            "themes[0].questions[3].condition.greater_than",
            id="comparison",
        ),
        pytest.param(
            ("eligibility", "min_level"), "eligibility.min_level", id="eligibility"
        ),
    ],
)
def test_unknown_field_rejected(
    load_problems, questionnaire_file, questionnaire_data, change, location, path
):
    change(questionnaire_data, location, "valeur")

    problems = load_problems(questionnaire_data)

    assert [problem.path for problem in problems] == [path]
    assert problems[0].file == str(questionnaire_file)
    assert "unknown field" in problems[0].message


@pytest.mark.parametrize(
    ("location", "path"),
    [
        pytest.param(("title",), "title", id="questionnaire-title"),
        pytest.param(("levels", 2, "min_score"), "levels[2].min_score", id="level"),
        pytest.param(
            ("themes", 1, "introduction"), "themes[1].introduction", id="theme"
        ),
        pytest.param(
            ("themes", 0, "questions", 1, "label"),
            "themes[0].questions[1].label",
            id="question-label",
        ),
        pytest.param(
            ("themes", 0, "questions", 2, "type"),
            "themes[0].questions[2].type",
            id="question-type",
        ),
        pytest.param(
            ("themes", 1, "questions", 0, "choices", 1, "id"),
            "themes[1].questions[0].choices[1].id",
            id="choice-id",
        ),
        pytest.param(
            ("themes", 0, "questions", 3, "condition", "question"),
            "themes[0].questions[3].condition.question",
            id="condition-question",
        ),
        pytest.param(
            ("themes", 1, "indicators", 0, "unit"),
            "themes[1].indicators[0].unit",
            id="indicator-unit",
        ),
    ],
)
def test_missing_field_rejected(
    load_problems, questionnaire_file, questionnaire_data, location, path
):
    *parents, last = location
    container = questionnaire_data
    for part in parents:
        container = container[part]
    del container[last]

    problems = load_problems(questionnaire_data)

    assert [problem.path for problem in problems] == [path]
    assert problems[0].file == str(questionnaire_file)
    assert "missing" in problems[0].message


def test_long_identifier_rejected(load_problems, questionnaire_data):
    questionnaire_data["themes"][0]["questions"][4]["id"] = "c" * 65

    problems = load_problems(questionnaire_data)

    assert [problem.path for problem in problems] == ["themes[0].questions[4].id"]
    assert "at most 64 characters" in problems[0].message


@pytest.mark.parametrize(
    ("location", "value", "path"),
    [
        pytest.param(("levels", 0, "id"), "Emergent", "levels[0].id", id="level"),
        pytest.param(("themes", 1, "id"), "environ-nement", "themes[1].id", id="theme"),
        pytest.param(
            ("themes", 0, "questions", 0, "id"),
            "1_statuts",
            "themes[0].questions[0].id",
            id="question",
        ),
    ],
)
def test_invalid_identifier_rejected(
    load_problems, questionnaire_data, change, location, value, path
):
    change(questionnaire_data, location, value)

    problems = load_problems(questionnaire_data)

    assert [problem.path for problem in problems] == [path]
    assert "lowercase letters, digits and underscores" in problems[0].message


def test_invalid_language_explained(load_problems, questionnaire_data):
    questionnaire_data["language"] = "fra"

    problems = load_problems(questionnaire_data)

    assert [problem.path for problem in problems] == ["language"]
    # The language is a two-letter code, so advice about ids misleads the author.
    assert "underscores" not in problems[0].message


def test_invalid_questionnaire_id_explained(load_problems, questionnaire_data):
    questionnaire_data["id"] = "test_questionnaire"

    problems = load_problems(questionnaire_data)

    assert [problem.path for problem in problems] == ["id"]
    # A questionnaire id takes hyphens, not the underscores of other ids.
    assert "hyphen" in problems[0].message


def test_several_check_problems_reported(
    load_problems, questionnaire_file, questionnaire_data
):
    questionnaire_data["themes"][1]["id"] = "gouvernance"
    questionnaire_data["levels"][3]["min_score"] = 40
    questionnaire_data["themes"][0]["indicators"][0]["formula"] = "mean(membres_ca)"

    problems = load_problems(questionnaire_data)

    assert {problem.path for problem in problems} == {
        "levels[3].min_score",
        "themes[1].id",
        "themes[0].indicators[0].formula",
    }
    assert {problem.file for problem in problems} == {str(questionnaire_file)}


def test_several_shape_problems_reported(load_problems, questionnaire_data):
    del questionnaire_data["description"]
    questionnaire_data["themes"][0]["questions"][0]["type"] = "oui_non"
    questionnaire_data["themes"][1]["questions"][0]["choices"][0]["points"] = "un"

    problems = load_problems(questionnaire_data)

    assert {problem.path for problem in problems} == {
        "description",
        "themes[0].questions[0].type",
        "themes[1].questions[0].choices[0].points",
    }


def test_yaml_and_check_problems_reported(
    load_problems, questionnaire_text, replace_once
):
    text = replace_once(questionnaire_text, "required: true", "required: yes")
    text = replace_once(text, "- id: environnement", "- id: gouvernance")

    problems = load_problems(text)

    assert {problem.path for problem in problems} == {
        "themes[0].questions[0].required",
        "themes[1].id",
    }


def test_problem_text_format():
    problem = Problem("q.yaml", "themes[0].id", "duplicate theme id 'a'", 12)

    assert str(problem) == "q.yaml:12: themes[0].id: duplicate theme id 'a'"


def test_problem_text_without_line():
    problem = Problem("q.yaml", "", "cannot read file")

    assert str(problem) == "q.yaml: (top level): cannot read file"


def test_error_message_lists_problems(write_questionnaire, questionnaire_data):
    questionnaire_data["themes"][1]["id"] = "gouvernance"
    questionnaire_data["levels"][3]["min_score"] = 40
    path = write_questionnaire(questionnaire_data)

    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)

    problems = caught.value.problems
    assert len(problems) == 2
    assert str(caught.value).splitlines() == [str(problem) for problem in problems]


@pytest.mark.parametrize(
    ("location", "value", "path", "fragment"),
    [
        pytest.param(
            ("themes", 1, "questions", 0, "choices", 2, "id"),
            "dont_know",
            "themes[1].questions[0].choices[2].id",
            "- id: dont_know",
            id="reserved-choice",
        ),
        pytest.param(
            ("levels", 2, "min_score"),
            10,
            "levels[2].min_score",
            "min_score: 10",
            id="threshold",
        ),
        pytest.param(
            ("themes", 1, "indicators", 0, "formula"),
            "ratio(energie_kwh)",
            "themes[1].indicators[0].formula",
            "formula: ratio(energie_kwh)",
            id="formula",
        ),
        pytest.param(
            ("themes", 0, "questions", 4, "couleur"),
            "bleu",
            "themes[0].questions[4].couleur",
            "couleur: bleu",
            id="unknown-field",
        ),
        pytest.param(
            ("eligibility", "min_theme_level"),
            "expert",
            "eligibility.min_theme_level",
            "min_theme_level: expert",
            id="eligibility",
        ),
    ],
)
def test_problem_line_points_at_value(
    load_problems,
    questionnaire_file,
    questionnaire_data,
    change,
    line_of,
    location,
    value,
    path,
    fragment,
):
    change(questionnaire_data, location, value)

    problems = load_problems(questionnaire_data)

    problem = next(problem for problem in problems if problem.path == path)
    assert problem.line == line_of(questionnaire_file.read_text(), fragment)


def test_duplicate_id_line_is_second(
    load_problems, questionnaire_file, questionnaire_data
):
    questionnaire_data["themes"][1]["questions"][3]["id"] = "commentaire"

    [problem] = load_problems(questionnaire_data)

    lines = questionnaire_file.read_text().splitlines()
    id_lines = [
        n for n, line in enumerate(lines, 1) if line.endswith("id: commentaire")
    ]
    assert problem.path == "themes[1].questions[3].id"
    assert problem.line == id_lines[1]


def test_missing_field_line_is_parent(
    load_problems, questionnaire_file, questionnaire_data, line_of
):
    del questionnaire_data["themes"][0]["questions"][1]["label"]

    [problem] = load_problems(questionnaire_data)

    assert problem.path == "themes[0].questions[1].label"
    assert problem.line == line_of(questionnaire_file.read_text(), "- id: frequence_ca")


def test_check_files_reports_invalid_only(
    tmp_path, write_questionnaire, questionnaire_data
):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    write_questionnaire(questionnaire_data, folder / "a-valide.yaml")
    questionnaire_data["themes"][1]["questions"][3]["id"] = "statuts_diffuses"
    invalid = write_questionnaire(questionnaire_data, folder / "b-invalide.yml")
    (folder / "notes.txt").write_text("pas un questionnaire: [", encoding="utf-8")

    problems = check_files([folder])

    assert [problem.file for problem in problems] == [str(invalid)]
    assert problems[0].path == "themes[1].questions[3].id"
    assert "duplicate question id" in problems[0].message


def test_check_files_valid_folder_clean(
    tmp_path, write_questionnaire, questionnaire_data
):
    write_questionnaire(questionnaire_data, tmp_path / "valide.yaml")

    assert check_files([tmp_path]) == []


def test_check_files_mixes_files_and_folders(
    tmp_path, write_questionnaire, questionnaire_data
):
    folder = tmp_path / "dossier"
    folder.mkdir()
    in_folder = write_questionnaire("- une liste\n", folder / "liste.yaml")
    single = write_questionnaire("id: [\n", tmp_path / "seul.yaml")

    problems = check_files([folder, single])

    assert [problem.file for problem in problems] == [str(in_folder), str(single)]
    assert "mapping" in problems[0].message
    assert "invalid YAML" in problems[1].message


def test_check_files_missing_path(tmp_path):
    missing = tmp_path / "absent.yaml"

    [problem] = check_files([missing])

    assert problem.file == str(missing)
    assert problem.path == ""
    assert "not found" in problem.message
