"""Organisation attributes: label mappings, départements, SIREN and SIRET checks."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.organisations import attributes
from app.organisations.attributes import (
    DEPARTEMENTS,
    LEGAL_FORMS,
    REGIONS,
    SECTORS,
    SIZE_BANDS,
    format_siren,
    format_siret,
    luhn_is_valid,
    normalize_departement,
    normalize_siren,
    normalize_siret,
    region_of,
)

LABEL_MAPPINGS = {
    "LEGAL_FORMS": LEGAL_FORMS,
    "SIZE_BANDS": SIZE_BANDS,
    "SECTORS": SECTORS,
}

# Number of départements in each region, counted from the 2016 regional map.
DEPARTEMENTS_PER_REGION = {
    "Auvergne-Rhône-Alpes": 12,
    "Bourgogne-Franche-Comté": 8,
    "Bretagne": 4,
    "Centre-Val de Loire": 6,
    "Corse": 2,
    "Grand Est": 10,
    "Hauts-de-France": 5,
    "Île-de-France": 8,
    "Normandie": 5,
    "Nouvelle-Aquitaine": 12,
    "Occitanie": 13,
    "Pays de la Loire": 5,
    "Provence-Alpes-Côte d'Azur": 6,
    "Guadeloupe": 1,
    "Martinique": 1,
    "Guyane": 1,
    "La Réunion": 1,
    "Mayotte": 1,
}


# Label mappings


@pytest.mark.parametrize("name", LABEL_MAPPINGS)
def test_label_mapping_not_empty(name):
    assert len(LABEL_MAPPINGS[name]) > 0


@pytest.mark.parametrize("name", LABEL_MAPPINGS)
def test_label_mapping_labels_unique(name):
    labels = list(LABEL_MAPPINGS[name].values())
    duplicates = [label for label, count in Counter(labels).items() if count > 1]

    assert duplicates == []


@pytest.mark.parametrize("name", LABEL_MAPPINGS)
def test_label_mapping_labels_not_blank(name):
    blank = [code for code, label in LABEL_MAPPINGS[name].items() if not label.strip()]

    assert blank == []


@pytest.mark.parametrize("name", LABEL_MAPPINGS)
def test_label_mapping_is_read_only(name):
    with pytest.raises(TypeError):
        LABEL_MAPPINGS[name]["new_code"] = "Nouveau"  # type: ignore[index]


def test_legal_form_codes_in_order():
    assert list(LEGAL_FORMS) == [
        "association",
        "scop",
        "scic",
        "cooperative",
        "mutuelle",
        "fondation",
        "entreprise_ess",
    ]


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("association", "Association"),
        ("scop", "Société coopérative et participative (SCOP)"),
        ("scic", "Société coopérative d'intérêt collectif (SCIC)"),
        ("cooperative", "Autre coopérative"),
        ("mutuelle", "Mutuelle"),
        ("fondation", "Fondation"),
        ("entreprise_ess", "Société commerciale de l'ESS"),
    ],
)
def test_legal_form_label(code, label):
    assert LEGAL_FORMS[code] == label


def test_size_band_codes_in_order():
    assert list(SIZE_BANDS) == ["0", "1-9", "10-49", "50-249", "250+"]


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("0", "Aucun salarié"),
        ("1-9", "1 à 9 salariés"),
        ("10-49", "10 à 49 salariés"),
        ("50-249", "50 à 249 salariés"),
        ("250+", "250 salariés et plus"),
    ],
)
def test_size_band_label(code, label):
    assert SIZE_BANDS[code] == label


def test_sector_count_is_14():
    assert len(SECTORS) == 14


@pytest.mark.parametrize("code", list(SECTORS))
def test_sector_code_snake_case(code):
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code)


def test_sector_other_comes_last():
    assert list(SECTORS)[-1] == "autre"


# Départements and regions


def test_departement_count_is_101():
    assert len(DEPARTEMENTS) == 101


def test_metropolitan_departement_count_is_96():
    metropolitan = [code for code in DEPARTEMENTS if len(code) == 2]

    assert len(metropolitan) == 96


def test_departement_codes_are_expected():
    expected = {f"{number:02d}" for number in range(1, 96) if number != 20}
    expected |= {"2A", "2B", "971", "972", "973", "974", "976"}

    assert set(DEPARTEMENTS) == expected


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("01", "Ain"),
        ("2A", "Corse-du-Sud"),
        ("2B", "Haute-Corse"),
        ("21", "Côte-d'Or"),
        ("22", "Côtes-d'Armor"),
        ("63", "Puy-de-Dôme"),
        ("90", "Territoire de Belfort"),
        ("93", "Seine-Saint-Denis"),
        ("95", "Val-d'Oise"),
        ("974", "La Réunion"),
    ],
)
def test_departement_name(code, name):
    assert DEPARTEMENTS[code].name == name


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("971", "Guadeloupe"),
        ("972", "Martinique"),
        ("973", "Guyane"),
        ("974", "La Réunion"),
        ("976", "Mayotte"),
    ],
)
def test_overseas_departement_region(code, region):
    assert DEPARTEMENTS[code].region == region


@pytest.mark.parametrize("code", ["20", "96", "975", "977", "978", "98"])
def test_non_departement_code_absent(code):
    assert code not in DEPARTEMENTS


def test_departement_names_unique():
    names = [departement.name for departement in DEPARTEMENTS.values()]
    duplicates = [name for name, count in Counter(names).items() if count > 1]

    assert duplicates == []


@pytest.mark.parametrize("code", list(DEPARTEMENTS))
def test_departement_region_in_regions(code):
    assert DEPARTEMENTS[code].region in REGIONS


@pytest.mark.parametrize(("region", "count"), DEPARTEMENTS_PER_REGION.items())
def test_region_departement_count(region, count):
    in_region = [code for code, item in DEPARTEMENTS.items() if item.region == region]

    assert len(in_region) == count


def test_regions_count_is_18():
    assert len(REGIONS) == 18


def test_regions_match_expected_names():
    assert set(REGIONS) == set(DEPARTEMENTS_PER_REGION)


def test_regions_have_no_duplicates():
    assert len(set(REGIONS)) == len(REGIONS)


def test_regions_sorted_ignoring_accents():
    position = REGIONS.index("Île-de-France")

    assert REGIONS[position - 1] == "Hauts-de-France"
    assert REGIONS[position + 1] == "La Réunion"


def test_regions_first_and_last():
    assert REGIONS[0] == "Auvergne-Rhône-Alpes"
    assert REGIONS[-1] == "Provence-Alpes-Côte d'Azur"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("44", "44"),
        ("1", "01"),
        ("9", "09"),
        ("01", "01"),
        ("2a", "2A"),
        ("2b", "2B"),
        ("2A", "2A"),
        (" 44 ", "44"),
        ("974", "974"),
        ("976", "976"),
    ],
)
def test_normalize_departement_valid(text, code):
    assert normalize_departement(text) == code


@pytest.mark.parametrize(
    "text",
    ["20", "0", "00", "96", "975", "977", "99", "2C", "044", "1A", "abc", "4 4"],
)
def test_normalize_departement_rejects_unknown(text):
    with pytest.raises(ValueError, match="Département inconnu"):
        normalize_departement(text)


def test_departement_20_message():
    with pytest.raises(ValueError) as error:
        normalize_departement("20")

    assert str(error.value) == (
        "Département inconnu : « 20 ». Saisissez un code comme 44, 2A ou 974."
    )


@pytest.mark.parametrize("text", ["", "   "])
def test_normalize_departement_rejects_empty(text):
    with pytest.raises(ValueError, match="Aucun département saisi"):
        normalize_departement(text)


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("44", "Pays de la Loire"),
        ("2a", "Corse"),
        ("2B", "Corse"),
        ("1", "Auvergne-Rhône-Alpes"),
        ("75", "Île-de-France"),
        ("13", "Provence-Alpes-Côte d'Azur"),
        ("67", "Grand Est"),
        ("976", "Mayotte"),
    ],
)
def test_region_of_code(code, region):
    assert region_of(code) == region


def test_region_of_unknown_raises():
    with pytest.raises(ValueError, match="Département inconnu"):
        region_of("20")


# Luhn check


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("79927398713", True),
        ("79927398710", False),
        ("552100554", True),
        ("552100555", False),
        ("0", True),
        ("", False),
        ("55210055a", False),
        ("552 100 554", False),
        ("５５２１００５５４", False),
    ],
)
def test_luhn_is_valid(digits, expected):
    assert luhn_is_valid(digits) is expected


# SIREN


@pytest.mark.parametrize(
    "text",
    [
        "552100554",
        "732829320",
        "356000000",
    ],
)
def test_siren_valid(text):
    assert normalize_siren(text) == text


@pytest.mark.parametrize(
    ("text", "siren"),
    [
        ("552 100 554", "552100554"),
        ("552\u00a0100\u00a0554", "552100554"),
        ("552\u202f100\u202f554", "552100554"),
        ("  552100554  ", "552100554"),
        ("55 21 00 554", "552100554"),
    ],
)
def test_siren_separators_removed(text, siren):
    assert normalize_siren(text) == siren


# Each one differs from a valid SIREN above by a single digit.
@pytest.mark.parametrize("text", ["552100555", "552100544", "732829321", "832829320"])
def test_siren_wrong_key_rejected(text):
    with pytest.raises(ValueError) as error:
        normalize_siren(text)

    assert str(error.value) == (
        "Ce SIREN ne passe pas la clé de contrôle (algorithme de Luhn) : "
        "vérifiez les chiffres."
    )


@pytest.mark.parametrize(
    ("text", "count"),
    [("55210055", 8), ("5521005540", 10), ("552 100 55", 8), ("5", 1)],
)
def test_siren_wrong_length_rejected(text, count):
    with pytest.raises(ValueError) as error:
        normalize_siren(text)

    assert str(error.value) == (
        f"Le SIREN doit compter 9 chiffres ; vous en avez saisi {count}."
    )


def test_siren_given_siret_hints_siret():
    with pytest.raises(ValueError, match="C'est peut-être un SIRET"):
        normalize_siren("73282932000074")


@pytest.mark.parametrize(
    "text",
    [
        "55210055A",
        "552-100-554",
        "552.100.554",
        "SIREN552100554",
        "５５２１００５５４",
        "55210055²",
        "552\t100\t554",
    ],
)
def test_siren_non_digits_rejected(text):
    with pytest.raises(ValueError, match="ne doit contenir que des chiffres"):
        normalize_siren(text)


def test_siren_letter_named_in_message():
    with pytest.raises(ValueError, match="contient aussi « A »"):
        normalize_siren("55210055A")


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_siren_empty_rejected(text):
    with pytest.raises(ValueError, match="Aucun SIREN saisi"):
        normalize_siren(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("552100554", "552 100 554"),
        ("552\u00a0100554", "552 100 554"),
        ("732829320", "732 829 320"),
    ],
)
def test_format_siren_groups_digits(text, expected):
    assert format_siren(text) == expected


def test_format_siren_custom_separator():
    assert format_siren("552100554", separator="\u202f") == "552\u202f100\u202f554"


def test_format_siren_rejects_invalid():
    with pytest.raises(ValueError, match="clé de contrôle"):
        format_siren("552100555")


# SIRET


@pytest.mark.parametrize(
    ("text", "siret"),
    [
        ("73282932000074", "73282932000074"),
        ("732 829 320 00074", "73282932000074"),
        ("732\u202f829\u202f320\u00a000074", "73282932000074"),
    ],
)
def test_siret_valid(text, siret):
    assert normalize_siret(text) == siret


@pytest.mark.parametrize("text", ["73282932000075", "73282932000064"])
def test_siret_wrong_key_rejected(text):
    with pytest.raises(ValueError) as error:
        normalize_siret(text)

    assert str(error.value) == (
        "Ce SIRET ne passe pas la clé de contrôle (algorithme de Luhn) : "
        "vérifiez les chiffres."
    )


def test_siret_with_invalid_siren_rejected():
    # The 14 digits pass the Luhn check but the first 9, 732829321, do not.
    assert luhn_is_valid("73282932100064")

    with pytest.raises(ValueError, match="Les 9 premiers chiffres"):
        normalize_siret("73282932100064")


@pytest.mark.parametrize(("text", "count"), [("7328293200007", 13), ("5", 1)])
def test_siret_wrong_length_rejected(text, count):
    with pytest.raises(ValueError) as error:
        normalize_siret(text)

    assert str(error.value) == (
        f"Le SIRET doit compter 14 chiffres ; vous en avez saisi {count}."
    )


def test_siret_given_siren_hints_siren():
    with pytest.raises(ValueError, match="C'est peut-être un SIREN"):
        normalize_siret("732829320")


@pytest.mark.parametrize("text", ["7328293200007A", "732-829-320-00074"])
def test_siret_non_digits_rejected(text):
    with pytest.raises(ValueError, match="ne doit contenir que des chiffres"):
        normalize_siret(text)


def test_siret_empty_rejected():
    with pytest.raises(ValueError, match="Aucun SIRET saisi"):
        normalize_siret("")


def test_la_poste_head_office_siret_valid():
    # This SIRET passes the ordinary Luhn check, though its digit sum is 26.
    assert normalize_siret("35600000000048") == "35600000000048"


# These La Poste SIRETs were built to fail the Luhn check and have a digit sum
# that is a multiple of 5. They were not looked up in the SIRENE register.
@pytest.mark.parametrize("text", ["35600000049837", "356 000 000 00001"])
def test_la_poste_siret_sum_rule_valid(text):
    siret = text.replace(" ", "")

    assert not luhn_is_valid(siret)
    assert sum(int(char) for char in siret) % 5 == 0
    assert normalize_siret(text) == siret


@pytest.mark.parametrize("text", ["35600000049838", "35600000000002"])
def test_la_poste_siret_sum_rule_invalid(text):
    with pytest.raises(ValueError, match="propre à La Poste"):
        normalize_siret(text)


def test_sum_rule_only_for_la_poste():
    # The digit sum of 73282932000004 is 40, but it is not a La Poste SIRET.
    assert sum(int(char) for char in "73282932000004") % 5 == 0

    with pytest.raises(ValueError, match="algorithme de Luhn"):
        normalize_siret("73282932000004")


def test_format_siret_groups_digits():
    assert format_siret("73282932000074") == "732 829 320 00074"


def test_format_siret_rejects_invalid():
    with pytest.raises(ValueError, match="clé de contrôle"):
        format_siret("73282932000075")


# Dependencies


def test_module_does_not_import_flask():
    # Loads the file on its own in a fresh interpreter, because app/__init__.py
    # imports Flask and would hide an import made by this module.
    path = Path(attributes.__file__)
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('attributes', {str(path)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "print('flask' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"
