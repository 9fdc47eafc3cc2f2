import re

import pytest


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1 200", "1200"),
        ("1 200,5", "1200.5"),
        ("1\u202f200,5", "1200.5"),
        ("1\u00a0200,5", "1200.5"),
        ("0,1", "0.1"),
        (" 3 ", "3"),
    ],
)
def test_french_decimal_stored_exactly(wizard, typed, stored):
    data = wizard.data("territoire", terr_achats_total=typed)

    response = wizard.post("territoire", data)

    assert response.status_code == 302
    assert wizard.rows()["terr_achats_total"].value == stored


def test_decimal_shown_with_comma(wizard):
    wizard.post("territoire", wizard.data("territoire", terr_achats_total="1200,5"))

    shown = wizard.open("territoire").value("terr_achats_total")

    # Thousands may be grouped with any of the spaces the wizard reads back.
    assert re.sub(r"[ \u00a0\u202f]", "", shown) == "1200,5"


@pytest.mark.parametrize(("typed", "stored"), [("1 200", 1200), ("1\u202f200", 1200)])
def test_integer_with_spaces_stored(wizard, typed, stored):
    data = wizard.data(
        "gouvernance",
        a_des_salaries="no",
        a_des_benevoles="no",
        gouv_membres_votants=typed,
    )

    wizard.post("gouvernance", data)

    assert wizard.rows()["gouv_membres_votants"].value == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "« abc » n'est pas un nombre"),
        ("1.200,5", "« 1.200,5 » n'est pas un nombre"),
        ("1,200.5", "« 1,200.5 » n'est pas un nombre"),
        ("12,5 €", "« 12,5 € » n'est pas un nombre"),
        ("-1", "Saisissez un nombre entre 0 et 1"),
    ],
)
def test_invalid_decimal_rerenders_step(wizard, typed, message):
    data = wizard.data("territoire", terr_achats_total=typed)

    response = wizard.post("territoire", data)

    assert response.status_code == 422
    page = wizard.read(response)
    assert message in (page.error_of("terr_achats_total") or "")
    assert page.value("terr_achats_total") == typed
    assert "terr_achats_total" not in wizard.rows()


def test_invalid_number_keeps_other_answers(wizard):
    data = wizard.data("territoire", terr_achats_total="abc", terr_achats_locaux="7,5")

    response = wizard.post("territoire", data)

    assert response.status_code == 422
    rows = wizard.rows()
    assert rows["terr_politique_achats"].value == "achats_au_prix"
    assert rows["terr_achats_locaux"].value == "7.5"
    assert "terr_achats_total" not in rows


def test_invalid_number_keeps_previous_value(wizard):
    wizard.post("territoire", wizard.data("territoire", terr_achats_total="40"))

    wizard.post("territoire", wizard.data("territoire", terr_achats_total="abc"))

    assert wizard.rows()["terr_achats_total"].value == "40"


def test_integer_rejects_decimals(wizard):
    data = wizard.data("gouvernance", gouv_membres_votants="12,5")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 422
    error = wizard.read(response).error_of("gouv_membres_votants")
    assert error == "Saisissez un nombre entier, sans décimales."


def test_integer_above_maximum_rejected(wizard):
    data = wizard.data("gouvernance", gouv_membres_conseil="501")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 422
    error = wizard.read(response).error_of("gouv_membres_conseil")
    assert error == "Saisissez un nombre entre 0 et 500."


def test_error_summary_links_to_question(wizard):
    data = wizard.data("territoire", terr_achats_total="abc")

    response = wizard.post("territoire", data)

    assert 'href="#q-terr_achats_total"' in response.text
    assert "Les autres réponses sont enregistrées" in response.text


def test_cleared_number_removes_answer(wizard):
    wizard.post("territoire", wizard.data("territoire", terr_achats_total="40"))

    wizard.post("territoire", wizard.data("territoire", terr_achats_total=""))

    row = wizard.rows()["terr_achats_total"]
    assert row.value is None
    assert row.special is None
