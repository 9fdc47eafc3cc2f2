import json
from decimal import Decimal

import pytest

from scoring import Special, parse_answers, result_to_dict, score_diagnostic

QUESTIONS = [
    {"id": "statuts", "type": "yes_no", "allow_not_applicable": True},
    {
        "id": "reunions",
        "type": "single_choice",
        "choices": [
            {"id": "rares", "points": 0, "recommendation": {"title": "Se réunir"}},
            {"id": "regulieres", "points": 2},
        ],
    },
    {"id": "membres", "type": "integer", "min": 0},
    {"id": "votants", "type": "integer", "min": 0},
]
INDICATOR = {
    "id": "participation",
    "label": "Participation",
    "unit": "%",
    "formula": "share(votants, membres)",
}


@pytest.fixture
def questionnaire(make_questionnaire):
    theme = {
        "id": "gouvernance",
        "title": "Gouvernance",
        "questions": QUESTIONS,
        "indicators": [INDICATOR],
        "recommendations": {"emergent": [{"title": "Commencer", "detail": "Tôt."}]},
    }
    rule = {"min_overall_level": "etabli", "min_theme_level": "etabli"}
    return make_questionnaire(themes=[theme], eligibility=rule)


def test_parse_valid_answers(questionnaire):
    raw = json.loads(
        '{"statuts": "not_applicable", "reunions": "rares", "membres": 40,'
        ' "votants": null}',
        parse_float=Decimal,
    )

    answers, errors = parse_answers(questionnaire, raw)

    assert errors == []
    assert answers == {
        "statuts": Special.NOT_APPLICABLE,
        "reunions": "rares",
        "membres": 40,
    }


def test_parse_unknown_question_id(questionnaire):
    answers, errors = parse_answers(questionnaire, {"inconnue": True, "membres": 3})

    assert answers == {"membres": 3}
    assert [error.question_id for error in errors] == ["inconnue"]
    assert errors[0].message == "unknown question id"


def test_parse_collects_every_error(questionnaire):
    raw = {"statuts": "oui", "reunions": "jamais", "membres": -1, "votants": 2}

    answers, errors = parse_answers(questionnaire, raw)

    assert answers == {"votants": 2}
    assert [error.question_id for error in errors] == ["statuts", "reunions", "membres"]
    assert errors[0].message == "true or false is expected"


def test_parse_decimal_stays_exact(make_questionnaire):
    questionnaire = make_questionnaire({"id": "montant", "type": "decimal"})
    raw = json.loads('{"montant": 0.1}', parse_float=Decimal)

    answers, _ = parse_answers(questionnaire, raw)

    assert answers["montant"] == Decimal("0.1")


def test_result_to_dict_scored(questionnaire):
    answers = {"statuts": True, "reunions": "rares", "membres": 30, "votants": 20}

    data = result_to_dict(score_diagnostic(questionnaire, answers))
    theme = data["themes"][0]

    assert data["questionnaire"] == {"id": "test-questionnaire", "version": "1.0"}
    assert data["score"] == 50.0
    assert data["level"] == {"id": "en_structuration", "name": "En structuration"}
    assert data["no_level_reason"] is None
    assert theme["id"] == "gouvernance"
    assert theme["title"] == "Gouvernance"
    assert theme["weight"] == 1.0
    assert theme["score"] == 50.0
    assert theme["counts"]["asked"] == 4
    assert theme["counts"]["scored"] == 2
    assert theme["answer_recommendations"] == [
        {"question": "reunions", "choice": "rares", "title": "Se réunir"}
    ]
    assert data["indicators"] == [
        {
            "id": "participation",
            "theme": "gouvernance",
            "label": "Participation",
            "value": 66.7,
            "unit": "%",
            "not_computable_reason": None,
        }
    ]


def test_result_to_dict_reasons(questionnaire):
    answers = {"statuts": Special.NOT_APPLICABLE, "membres": 0, "votants": 0}

    data = result_to_dict(score_diagnostic(questionnaire, answers))
    theme = data["themes"][0]

    assert data["score"] is None
    assert data["level"] is None
    assert data["no_level_reason"]["code"] == "no_theme_scored"
    assert theme["score"] is None
    assert theme["level"] is None
    assert theme["no_level_reason"] == {
        "code": "too_few_answers",
        "message": "0 of 2 scored questions answered, at least 1 needed",
        "scored": 0,
        "needed": 1,
        "asked": 2,
    }
    assert theme["recommendations"] == []
    assert data["indicators"][0]["value"] is None
    assert data["indicators"][0]["not_computable_reason"] == {
        "code": "zero_divisor",
        "message": "the divisor membres is zero",
        "divisor": "membres",
    }
    assert data["eligibility"]["is_eligible"] is False
    assert [r["code"] for r in data["eligibility"]["reasons"]] == [
        "overall_without_level",
        "theme_without_level",
    ]


def test_result_to_dict_level_recommendations(questionnaire):
    answers = {"statuts": False, "reunions": "rares"}

    theme = result_to_dict(score_diagnostic(questionnaire, answers))["themes"][0]

    assert theme["level"] == {"id": "emergent", "name": "Émergent"}
    assert theme["recommendations"] == [{"title": "Commencer", "detail": "Tôt."}]


def test_result_to_dict_is_json(questionnaire):
    answers = {"statuts": True, "reunions": "regulieres", "membres": 3, "votants": 1}
    data = result_to_dict(score_diagnostic(questionnaire, answers))

    assert json.loads(json.dumps(data)) == data


def test_result_without_rule_has_null_eligibility(make_questionnaire):
    questionnaire = make_questionnaire({"id": "a", "type": "yes_no"})

    data = result_to_dict(score_diagnostic(questionnaire, {"a": True}))

    assert data["eligibility"] is None
