import pytest

from app.catalogue import catalogue

# The built-in questionnaire has no question with separate boxes that allows
# both special answers, so this one-theme questionnaire provides one.
BOTH_SPECIALS_QUESTIONNAIRE = """\
id: essai-reponses-speciales
version: "1"
title: "Essai des réponses spéciales"
description: "Un questionnaire d'un thème pour essayer les réponses spéciales."
language: fr
levels:
  - {id: debut, name: "Début", min_score: 0}
  - {id: avance, name: "Avancé", min_score: 50}
themes:
  - id: chiffres
    title: "Chiffres"
    introduction: "Quelques chiffres de l'exercice."
    questions:
      - id: pratique_ecrite
        type: yes_no
        label: "La pratique est-elle écrite ?"
      - id: budget_formation
        type: decimal
        allow_not_applicable: true
        allow_dont_know: true
        unit: "€"
        min: 0
        label: "Quel a été le budget de formation ?"
"""


@pytest.fixture
def extra_questionnaires(tmp_path, monkeypatch):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "essai.yaml").write_text(BOTH_SPECIALS_QUESTIONNAIRE, encoding="utf-8")
    monkeypatch.setenv("AUTODIAG_QUESTIONNAIRE_DIR", str(folder))


@pytest.fixture
def app(extra_questionnaires, app):
    return app


@pytest.fixture
def essai(new_wizard):
    return new_wizard(catalogue().latest("essai-reponses-speciales"))


@pytest.mark.parametrize("special", ["not_applicable", "dont_know"])
def test_single_choice_special_stored(wizard, special):
    wizard.fill("ethique", eth_sous_traitance=special)

    row = wizard.rows()["eth_sous_traitance"]
    assert row.special == special
    assert row.value is None
    assert wizard.open("ethique").checked("eth_sous_traitance") == [special]


def test_yes_no_dont_know_stored(wizard):
    wizard.fill("ethique", eth_donnees_personnelles="dont_know")

    row = wizard.rows()["eth_donnees_personnelles"]
    assert row.special == "dont_know"
    assert row.value is None


def test_special_not_allowed_rejected(wizard):
    data = wizard.data("ethique", eth_valeurs_ecrites="not_applicable")

    response = wizard.post("ethique", data)

    assert response.status_code == 422
    error = wizard.read(response).error_of("eth_valeurs_ecrites")
    assert error == "Choisissez une des réponses proposées."
    assert "eth_valeurs_ecrites" not in wizard.rows()


def test_number_special_box_stored(wizard):
    data = wizard.data(
        "territoire", terr_achats_total="", **{"special-terr_achats_total": "dont_know"}
    )

    response = wizard.post("territoire", data)

    assert response.status_code == 302
    row = wizard.rows()["terr_achats_total"]
    assert row.special == "dont_know"
    assert row.value is None
    page = wizard.open("territoire")
    assert page.checked("special-terr_achats_total") == ["dont_know"]
    assert page.value("terr_achats_total") == ""


def test_number_and_special_box_rejected(wizard):
    data = wizard.data(
        "territoire",
        terr_achats_total="5000",
        **{"special-terr_achats_total": "dont_know"},
    )

    response = wizard.post("territoire", data)

    assert response.status_code == 422
    error = wizard.read(response).error_of("terr_achats_total")
    assert error == "Videz la réponse ou décochez « Je ne sais pas » : pas les deux."
    assert "terr_achats_total" not in wizard.rows()


def test_special_counts_as_answered(wizard):
    wizard.fill("ethique", eth_sous_traitance="not_applicable")

    answered, _asked, _percent = wizard.progress("ethique")

    assert answered == len(wizard.theme("ethique").questions)


def test_both_special_boxes_rejected(essai):
    specials = ["not_applicable", "dont_know"]
    data = essai.data("chiffres", **{"special-budget_formation": specials})

    response = essai.post("chiffres", data)

    assert response.status_code == 422
    error = essai.read(response).error_of("budget_formation")
    assert error == "Cochez « Non applicable » ou « Je ne sais pas », pas les deux."
    assert "budget_formation" not in essai.rows()
    assert essai.rows()["pratique_ecrite"].value is True


def test_one_special_box_stored(essai):
    data = essai.data(
        "chiffres",
        budget_formation="",
        **{"special-budget_formation": "not_applicable"},
    )

    essai.post("chiffres", data)

    assert essai.rows()["budget_formation"].special == "not_applicable"


def test_exclusive_choice_alone_stored(wizard):
    wizard.fill("gouvernance", gouv_mandats_elus=["aucune_pratique_elus"])

    assert wizard.rows()["gouv_mandats_elus"].value == ["aucune_pratique_elus"]


def test_exclusive_choice_combined_rejected(wizard):
    chosen = ["aucune_pratique_elus", "formation_elus"]
    data = wizard.data("gouvernance", gouv_mandats_elus=chosen)

    response = wizard.post("gouvernance", data)

    assert response.status_code == 422
    error = wizard.read(response).error_of("gouv_mandats_elus")
    assert (
        error == "« Aucune de ces pratiques » ne se combine pas avec d'autres réponses."
    )
    assert "gouv_mandats_elus" not in wizard.rows()
    assert wizard.read(response).checked("gouv_mandats_elus") == [
        "formation_elus",
        "aucune_pratique_elus",
    ]


def test_unknown_choice_rejected(wizard):
    data = wizard.data("gouvernance", gouv_regles_ecrites="inventee")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 422
    assert "gouv_regles_ecrites" not in wizard.rows()


def test_unknown_multiple_choice_rejected(wizard):
    data = wizard.data("gouvernance", gouv_mandats_elus=["inventee"])

    response = wizard.post("gouvernance", data)

    assert response.status_code == 422
    error = wizard.read(response).error_of("gouv_mandats_elus")
    assert error == "Choisissez parmi les réponses proposées."


def test_scale_outside_range_rejected(wizard):
    data = wizard.data("gouvernance", gouv_information_membres="9")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 422
    assert "gouv_information_membres" not in wizard.rows()
