def test_step_shows_position_and_progress(wizard, questionnaire):
    unconditional = sum(q.condition is None for q in questionnaire.questions())

    response = wizard.client.get(wizard.url("strategie"))

    assert response.status_code == 200
    assert "Étape 2 sur 8" in response.text
    assert wizard.progress("strategie") == (0, unconditional, 0)


def test_step_progress_counts_saved_answers(wizard, questionnaire):
    wizard.fill("gouvernance")

    answered, asked, percent = wizard.progress("strategie")

    assert answered == len(wizard.theme("gouvernance").questions)
    assert asked > sum(q.condition is None for q in questionnaire.questions())
    assert percent == 100 * answered // asked


def test_unknown_theme_is_not_found(wizard):
    response = wizard.client.get(wizard.url("inconnu"))

    assert response.status_code == 404


def test_next_stores_answers_and_moves_on(wizard, member):
    data = wizard.data("gouvernance", a_des_salaries="no", a_des_benevoles="no")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302
    assert response.location == wizard.url("strategie")
    rows = wizard.rows()
    assert rows["a_des_salaries"].value is False
    assert rows["gouv_regles_ecrites"].value == "statuts_peu_connus"
    assert rows["gouv_mandats_elus"].value == ["accueil_nouveaux_elus"]
    assert rows["gouv_information_membres"].value == 1
    assert rows["gouv_membres_votants"].value == 12
    assert rows["gouv_regles_ecrites"].updated_by_id == member.user_id


def test_saved_answers_shown_checked(wizard):
    data = wizard.data("gouvernance", a_des_salaries="no", a_des_benevoles="no")
    wizard.post("gouvernance", data)

    page = wizard.open("gouvernance")

    assert page.checked("a_des_salaries") == ["no"]
    assert page.checked("gouv_regles_ecrites") == ["statuts_peu_connus"]
    assert page.checked("gouv_mandats_elus") == ["accueil_nouveaux_elus"]
    assert page.checked("gouv_information_membres") == ["1"]
    assert page.value("gouv_membres_votants") == "12"


def test_multiple_choice_keeps_every_choice(wizard):
    chosen = ["formation_elus", "accueil_nouveaux_elus", "limite_mandats"]
    data = wizard.data("gouvernance", gouv_mandats_elus=chosen)

    wizard.post("gouvernance", data)

    expected = ["accueil_nouveaux_elus", "formation_elus", "limite_mandats"]
    assert wizard.rows()["gouv_mandats_elus"].value == expected
    assert wizard.open("gouvernance").checked("gouv_mandats_elus") == expected


def test_previous_stores_without_required(wizard):
    data = {"shown": " ".join(wizard.open("strategie").shown), "action": "previous"}
    data["strat_objectifs_suivis"] = "yes"

    response = wizard.post("strategie", data)

    assert response.status_code == 302
    assert response.location == wizard.url("gouvernance")
    assert wizard.rows()["strat_objectifs_suivis"].value is True
    assert "strat_projet_ecrit" not in wizard.rows()


def test_previous_on_first_step_leaves(wizard):
    data = wizard.data("gouvernance", action="previous")

    response = wizard.post("gouvernance", data)

    assert response.status_code == 302
    assert response.location == "/"


def test_save_and_leave_goes_to_dashboard(wizard):
    data = wizard.data("territoire", action="save_and_leave")

    response = wizard.post("territoire", data)

    assert response.status_code == 302
    assert response.location == "/"
    assert wizard.rows()["terr_politique_achats"].value == "achats_au_prix"
    dashboard = wizard.text("/")
    assert "Vos réponses sont enregistrées" in dashboard


def test_goto_saves_and_jumps(wizard):
    data = wizard.data("strategie", action="goto:ethique")

    response = wizard.post("strategie", data)

    assert response.status_code == 302
    assert response.location == wizard.url("ethique")
    assert wizard.rows()["strat_projet_ecrit"].value == "projet_implicite"


def test_goto_unknown_theme_moves_on(wizard):
    data = wizard.data("strategie", action="goto:inconnu")

    response = wizard.post("strategie", data)

    assert response.status_code == 302
    assert response.location == wizard.url("territoire")


def test_last_step_leads_to_review(wizard):
    response = wizard.fill("ethique")

    assert response.status_code == 302
    assert response.location == wizard.path("review")


def test_resume_opens_first_step(wizard):
    response = wizard.client.get(wizard.path("resume"))

    assert response.status_code == 302
    assert response.location == wizard.url("gouvernance")


def test_resume_opens_first_open_step(wizard):
    wizard.fill("gouvernance")
    wizard.fill("territoire")

    response = wizard.client.get(wizard.path("resume"))

    assert response.location == wizard.url("strategie")


def test_resume_skips_steps_answered_specially(wizard):
    # Answers "not applicable" and "don't know" count as answered.
    wizard.fill("gouvernance", gouv_composition_instances="dont_know")

    response = wizard.client.get(wizard.path("resume"))

    assert response.location == wizard.url("strategie")


def test_resume_opens_review_when_complete(wizard):
    wizard.fill_all()

    response = wizard.client.get(wizard.path("resume"))

    assert response.status_code == 302
    assert response.location == wizard.path("review")


def test_comment_stored_and_shown(wizard):
    comment = "Statuts relus en assemblée générale le 12/06/2025."
    data = wizard.data("ethique", **{"comment-eth_valeurs_ecrites": comment})

    wizard.post("ethique", data)

    assert wizard.rows()["eth_valeurs_ecrites"].comment == comment
    page = wizard.open("ethique")
    assert page.textareas["comment-eth_valeurs_ecrites"].strip() == comment


def test_comment_without_answer_stored(wizard):
    shown = " ".join(wizard.open("ethique").shown)
    comment = "À vérifier avec la trésorière."
    data = {"shown": shown, "comment-eth_sous_traitance": comment}

    wizard.post("ethique", data)

    row = wizard.rows()["eth_sous_traitance"]
    assert row.comment == comment
    assert row.value is None
    assert row.special is None


def test_long_comment_rejected(wizard):
    data = wizard.data("ethique", **{"comment-eth_valeurs_ecrites": "a" * 2001})

    response = wizard.post("ethique", data)

    assert response.status_code == 422
    row = wizard.rows()["eth_valeurs_ecrites"]
    assert row.value == data["eth_valeurs_ecrites"]
    assert row.comment is None
    page = wizard.read(response)
    assert page.comment_error_of("eth_valeurs_ecrites") == (
        "Ce commentaire compte 2001 caractères : 2000 au plus."
    )
    assert 'href="#q-eth_valeurs_ecrites"' in response.text
    assert page.textareas["comment-eth_valeurs_ecrites"].strip() == "a" * 2001


def test_comment_of_2000_characters_accepted(wizard):
    comment = {"comment-eth_valeurs_ecrites": "a" * 2000}

    response = wizard.fill("ethique", **comment)

    assert response.status_code == 302
    assert wizard.rows()["eth_valeurs_ecrites"].comment == "a" * 2000


def test_comment_line_breaks_count_once(wizard):
    # Browsers send CR LF but count one character per line break for maxlength.
    comment = ("a" * 399 + "\r\n") * 4 + "a" * 400
    data = wizard.data(
        "ethique",
        action="save_and_leave",
        **{"comment-eth_valeurs_ecrites": comment},
    )

    response = wizard.post("ethique", data)

    assert response.status_code == 302
    stored = wizard.rows()["eth_valeurs_ecrites"].comment
    assert stored == comment.replace("\r\n", "\n")
    assert len(stored) == 2000


def test_comment_nul_characters_dropped(wizard):
    data = wizard.data(
        "ethique",
        action="save_and_leave",
        **{"comment-eth_valeurs_ecrites": "Charte\x00 votée"},
    )

    wizard.post("ethique", data)

    assert wizard.rows()["eth_valeurs_ecrites"].comment == "Charte votée"
