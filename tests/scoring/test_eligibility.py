import pytest

RULE = {"min_overall_level": "etabli", "min_theme_level": "en_structuration"}


def percent_theme(theme_id: str) -> dict:
    """Return a theme whose score is the value of its scale from 0 to 100."""
    question = {"id": f"score_{theme_id}", "type": "scale", "min": 0, "max": 100}
    return {"id": theme_id, "title": f"Thème {theme_id}", "questions": [question]}


@pytest.fixture
def judge(make_questionnaire, score):
    """Return a function that scores themes 'a' and 'b', None leaving one blank."""

    def run(score_a: int | None, score_b: int | None, **fields):
        questionnaire = make_questionnaire(
            themes=[percent_theme("a"), percent_theme("b")], **fields
        )
        answers = {"score_a": score_a, "score_b": score_b}
        return score(questionnaire, answers)

    return run


@pytest.mark.parametrize(
    ("score_a", "score_b"),
    [
        pytest.param(80, 60, id="above"),
        pytest.param(55, 55, id="on-both-thresholds"),
        pytest.param(100, 30, id="theme-on-threshold"),
    ],
)
def test_eligible(judge, score_a, score_b):
    verdict = judge(score_a, score_b, eligibility=RULE).eligibility

    assert verdict.is_eligible is True
    assert verdict.reasons == ()


# Each case: the scores of themes 'a' and 'b', and the codes of the reasons.
REASON_CASES = [
    pytest.param(40, 50, ["overall_below"], id="overall-below"),
    pytest.param(100, 20, ["theme_below"], id="theme-below"),
    pytest.param(None, 100, ["theme_without_level"], id="theme-without-level"),
    pytest.param(10, 20, ["overall_below", "theme_below", "theme_below"], id="several"),
    pytest.param(
        None,
        None,
        ["overall_without_level", "theme_without_level", "theme_without_level"],
        id="nothing-scored",
    ),
    pytest.param(
        None,
        10,
        ["overall_below", "theme_without_level", "theme_below"],
        id="every-kind",
    ),
]


@pytest.mark.parametrize(("score_a", "score_b", "codes"), REASON_CASES)
def test_not_eligible_reasons(judge, score_a, score_b, codes):
    verdict = judge(score_a, score_b, eligibility=RULE).eligibility

    assert verdict.is_eligible is False
    assert [reason.code for reason in verdict.reasons] == codes


def test_overall_below_params(judge):
    reason = judge(40, 50, eligibility=RULE).eligibility.reasons[0]

    assert reason.params == {
        "level": "en_structuration",
        "level_name": "En structuration",
        "required": "etabli",
        "required_name": "Établi",
    }
    assert (
        reason.message == "overall level en_structuration is below the required etabli"
    )


def test_theme_below_params(judge):
    reason = judge(100, 20, eligibility=RULE).eligibility.reasons[0]

    assert reason.params == {
        "level": "emergent",
        "level_name": "Émergent",
        "required": "en_structuration",
        "required_name": "En structuration",
        "theme": "b",
        "title": "Thème b",
    }
    assert reason.message == "b level emergent is below the required en_structuration"


def test_theme_without_level_params(judge):
    reason = judge(None, 100, eligibility=RULE).eligibility.reasons[0]

    assert reason.params == {"theme": "a", "title": "Thème a"}
    assert reason.message == "theme a has no level"


def test_no_rule_no_verdict(judge):
    assert judge(100, 100).eligibility is None


@pytest.mark.parametrize("score_b", [None, 10], ids=["no-level", "below"])
def test_weightless_theme_ignored(make_questionnaire, score, score_b):
    themes = [percent_theme("a"), {**percent_theme("b"), "weight": 0}]
    questionnaire = make_questionnaire(themes=themes, eligibility=RULE)

    verdict = score(questionnaire, {"score_a": 80, "score_b": score_b}).eligibility

    assert verdict.is_eligible is True
    assert verdict.reasons == ()
