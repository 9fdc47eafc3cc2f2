import json
import re

import pytest


def counted_answers(client, public_id: str, theme_id: str) -> str:
    """Return the "scored / asked" cell of a theme on the results page."""
    page = client.get(f"/diagnostics/{public_id}/results").text
    row = re.search(rf'<tr data-theme="{theme_id}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r'<td class="number">\s*(.*?)\s*</td>', row)[-1]


def test_employee_question_hidden_at_first(wizard):
    page = wizard.open("gouvernance")

    assert not page.is_visible("gouv_place_salaries")
    assert "gouv_place_salaries" not in page.shown
    assert "a_des_salaries" in page.shown


def test_yes_reveals_question_on_same_page(wizard):
    data = wizard.data("gouvernance", a_des_salaries="yes", a_des_benevoles="no")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 200
    page = wizard.read(response)
    assert page.is_visible("gouv_place_salaries")
    assert "gouv_place_salaries" in page.shown
    assert "Vos réponses ouvrent de nouvelles questions" in response.text
    assert wizard.rows()["a_des_salaries"].value is True
    assert page.checked("a_des_salaries") == ["yes"]


def test_revealed_question_answered_moves_on(wizard):
    data = wizard.data("gouvernance", a_des_salaries="yes", a_des_benevoles="no")
    page = wizard.read(wizard.post("gouvernance", data))
    data["shown"] = " ".join(page.shown)
    data["gouv_place_salaries"] = "salaries_absents"

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302
    assert response.location == wizard.url("strategie")
    assert wizard.rows()["gouv_place_salaries"].value == "salaries_absents"


def test_revealed_question_left_blank_moves_on(wizard):
    data = wizard.data("gouvernance", a_des_salaries="yes", a_des_benevoles="no")
    page = wizard.read(wizard.post("gouvernance", data))
    data["shown"] = " ".join(page.shown)

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302


def test_answer_typed_with_script_saved(wizard):
    # The page script shows the question as soon as "yes" is ticked, so the
    # answer arrives with the post whose "shown" list does not name it.
    data = wizard.data(
        "gouvernance",
        a_des_salaries="yes",
        a_des_benevoles="no",
        gouv_place_salaries="salaries_absents",
    )

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302
    assert wizard.rows()["gouv_place_salaries"].value == "salaries_absents"


def test_save_and_leave_does_not_stop(wizard):
    data = wizard.data(
        "gouvernance",
        a_des_salaries="yes",
        a_des_benevoles="no",
        action="save_and_leave",
    )

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302
    assert response.location == "/"


def test_no_keeps_question_hidden(wizard):
    data = wizard.data("gouvernance", a_des_salaries="no", a_des_benevoles="no")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302
    page = wizard.open("gouvernance")
    assert not page.is_visible("gouv_place_salaries")
    assert "gouv_place_salaries" not in page.shown


def test_hidden_question_fieldset_disabled(wizard):
    page = wizard.open("gouvernance")

    assert "disabled" in page.fieldsets["gouv_place_salaries"]
    assert "disabled" not in page.fieldsets["a_des_salaries"]


def test_same_step_condition_on_number(wizard):
    wizard.fill("gouvernance")
    data = wizard.data("emploi", emploi_effectif="12")

    response = wizard.post("emploi", data)

    assert response.status_code == 200
    assert wizard.read(response).is_visible("emploi_dialogue_social")


def test_small_headcount_keeps_question_hidden(wizard):
    wizard.fill("gouvernance")
    data = wizard.data("emploi", emploi_effectif="5")

    response = wizard.post("emploi", data)

    assert response.status_code == 302
    assert not wizard.open("emploi").is_visible("emploi_dialogue_social")


def test_values_for_hidden_question_ignored(wizard):
    data = wizard.data(
        "gouvernance",
        a_des_salaries="no",
        a_des_benevoles="no",
        gouv_place_salaries="salaries_absents",
        gouv_parcours_benevoles=["accueil_benevoles"],
        **{"comment-gouv_place_salaries": "Pas de salariés."},
    )

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302
    assert "gouv_place_salaries" not in wizard.rows()
    assert "gouv_parcours_benevoles" not in wizard.rows()


def test_values_on_hidden_step_ignored(wizard):
    wizard.fill("gouvernance", a_des_salaries="no")
    data = wizard.data("emploi", emploi_grille_salaries="salaires_au_cas_par_cas")

    wizard.post("emploi", data)

    assert "emploi_grille_salaries" not in wizard.rows()
    assert "emploi_regles_indemnites" in wizard.rows()


def test_outside_answers_given_to_script(wizard):
    wizard.fill("gouvernance", a_des_salaries="no")

    page = wizard.text(wizard.url("emploi"))

    script = re.search(
        r'<script type="application/json" id="outside-answers">(.*?)<', page
    )
    assert json.loads(script.group(1)) == {"a_des_salaries": False}


class TestSwitchedToNo:
    """An employee question answered, then "no employees": kept but not asked."""

    @pytest.fixture
    def switched(self, wizard):
        wizard.fill("gouvernance")
        self.progress_before = wizard.progress("gouvernance")
        self.answered_before = counted_answers(
            wizard.client, wizard.public_id, "gouvernance"
        )
        data = wizard.data("gouvernance", a_des_salaries="no")
        response = wizard.post("gouvernance", data)
        assert response.status_code == 302
        return wizard

    def test_answer_kept_in_database(self, switched):
        row = switched.rows()["gouv_place_salaries"]

        assert row.value == "salaries_absents"
        assert switched.rows()["a_des_salaries"].value is False

    def test_question_not_shown(self, switched):
        page = switched.open("gouvernance")

        assert not page.is_visible("gouv_place_salaries")

    def test_answer_not_in_progress(self, switched):
        answered, asked, _percent = switched.progress("gouvernance")

        answered_before, asked_before, _percent = self.progress_before
        assert answered_before == len(switched.theme("gouvernance").questions)
        assert answered == answered_before - 1
        assert asked < asked_before

    def test_answer_not_scored(self, switched):
        counted = counted_answers(switched.client, switched.public_id, "gouvernance")

        assert self.answered_before == "8 / 8"
        assert counted == "7 / 7"

    def test_answer_back_when_switched_to_yes(self, switched):
        # Without the page script the hidden question is disabled, so the
        # browser does not send it back with the new "yes".
        data = switched.data("gouvernance", a_des_salaries="yes")

        switched.post("gouvernance", data)

        assert switched.rows()["gouv_place_salaries"].value == "salaries_absents"
        page = switched.open("gouvernance")
        assert page.is_visible("gouv_place_salaries")
        assert page.checked("gouv_place_salaries") == ["salaries_absents"]

    def test_answer_back_with_script(self, switched):
        # The page script enables the question again, with its stored answer.
        data = switched.data(
            "gouvernance", a_des_salaries="yes", gouv_place_salaries="salaries_absents"
        )

        response = switched.post("gouvernance", data)

        assert response.status_code == 302
        assert switched.rows()["gouv_place_salaries"].value == "salaries_absents"
        assert switched.progress("gouvernance") == self.progress_before
