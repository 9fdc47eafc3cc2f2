"""Two tabs or two members saving the same step: the stale save is refused."""

import html


def choices(wizard) -> list[str]:
    question = wizard.theme("ethique").questions[0]
    assert question.id == "eth_valeurs_ecrites"
    return [choice.id for choice in question.choices]


def stale_and_fresh(wizard):
    """Open the ethics step twice, and save it from the second page."""
    first = wizard.open("ethique")
    second = wizard.open("ethique")
    fresh = wizard.data("ethique", action="save_and_leave")
    fresh["version"] = second.value("version")
    fresh["eth_valeurs_ecrites"] = choices(wizard)[-1]
    fresh["comment-eth_valeurs_ecrites"] = "Charte adoptée en mai."
    assert wizard.post("ethique", fresh).status_code == 302
    return first


def test_stale_save_refused(wizard):
    first = stale_and_fresh(wizard)
    stale = wizard.data("ethique", action="save_and_leave")
    stale["version"] = first.value("version")
    stale["eth_valeurs_ecrites"] = choices(wizard)[0]

    response = wizard.post("ethique", stale)

    assert response.status_code == 409
    row = wizard.rows()["eth_valeurs_ecrites"]
    assert row.value == choices(wizard)[-1]
    assert row.comment == "Charte adoptée en mai."


def test_conflict_shows_changes(wizard, questionnaire):
    first = stale_and_fresh(wizard)
    stale = wizard.data("ethique", action="save_and_leave")
    stale["version"] = first.value("version")

    page = html.unescape(wizard.post("ethique", stale).text)

    question = questionnaire.question("eth_valeurs_ecrites")
    best = question.choices[-1]
    assert "Modifié ailleurs depuis l'ouverture de cette page" in page
    assert question.label in page
    assert best.label in page
    assert "Charte adoptée en mai." in page


def test_conflict_keeps_typing(wizard):
    first = stale_and_fresh(wizard)
    stale = wizard.data("ethique", action="save_and_leave")
    stale["version"] = first.value("version")
    stale["comment-eth_sous_traitance"] = "Texte tapé dans le premier onglet"

    page = wizard.read(wizard.post("ethique", stale))

    typed = page.textareas["comment-eth_sous_traitance"]
    assert typed.strip() == "Texte tapé dans le premier onglet"


def test_resend_after_conflict_saves(wizard):
    first = stale_and_fresh(wizard)
    stale = wizard.data("ethique", action="save_and_leave")
    stale["version"] = first.value("version")
    stale["eth_valeurs_ecrites"] = choices(wizard)[0]
    conflict = wizard.read(wizard.post("ethique", stale))

    stale["version"] = conflict.value("version")
    response = wizard.post("ethique", stale)

    assert response.status_code == 302
    row = wizard.rows()["eth_valeurs_ecrites"]
    assert row.value == choices(wizard)[0]


def test_unchanged_step_saves(wizard):
    page = wizard.open("ethique")
    data = wizard.data("ethique", action="save_and_leave")
    data["version"] = page.value("version")

    assert wizard.post("ethique", data).status_code == 302
