"""Random values in every field of every step never make the server fail."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from questionnaires import BUILTIN_DIRECTORY, load_questionnaire

GUIDE = load_questionnaire(BUILTIN_DIRECTORY / "guide-bonnes-pratiques.yaml")
# Statuses a step may answer with: saved, shown again, refused as stale, invalid.
EXPECTED_STATUSES = {200, 302, 409, 422}

NUMBER_LIKE = st.one_of(
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"[-+]?[0-9 \u00a0\u202f.,eE_]{1,20}", fullmatch=True),
)
TEXT = st.text(max_size=60)
# Over the 2000 characters a comment may have, after CR LF became LF.
LONG_COMMENT = st.sampled_from(["a" * 2001, "é\r\n" * 1000, "\x00" * 2001])


def field_value(question) -> st.SearchStrategy:
    choices = [choice.id for choice in question.choices or ()]
    words = choices + ["yes", "no", "not_applicable", "dont_know", "", "None"]
    single = st.one_of(st.sampled_from(words), NUMBER_LIKE, TEXT)
    return st.one_of(single, st.lists(single, max_size=3))


def step_data(theme) -> st.SearchStrategy:
    fields = {}
    for question in theme.questions:
        fields[question.id] = field_value(question)
        fields[f"comment-{question.id}"] = st.one_of(TEXT, LONG_COMMENT)
        fields[f"special-{question.id}"] = field_value(question)
    ids = [question.id for question in theme.questions]
    fields["shown"] = st.lists(st.sampled_from(ids + ["inconnu"])).map(" ".join)
    fields["version"] = st.one_of(st.just("none"), TEXT, st.datetimes().map(str))
    fields["action"] = st.sampled_from(
        ["next", "previous", "save_and_leave", "goto:emploi", "goto:", "other", ""]
    )
    optional = {name: st.one_of(st.none(), value) for name, value in fields.items()}
    return st.fixed_dictionaries(optional)


def as_form(data: dict) -> MultiDict:
    form = MultiDict()
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                form.add(name, item)
    return form


@pytest.mark.parametrize("theme", GUIDE.themes, ids=lambda theme: theme.id)
def test_random_step_never_fails(wizard, theme):
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=step_data(theme))
    def post_random(data):
        response = wizard.post(theme.id, as_form(data))

        assert response.status_code in EXPECTED_STATUSES

    post_random()
