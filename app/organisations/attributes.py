"""Organisation attributes: legal form, size, sector, département, SIREN and SIRET.

Plain data and validators with no Flask import, shared by forms, the CLI and
statistics. Labels and error messages are in French because users read them.
"""

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

LEGAL_FORMS: Mapping[str, str] = MappingProxyType(
    {
        "association": "Association",
        "scop": "Société coopérative et participative (SCOP)",
        "scic": "Société coopérative d'intérêt collectif (SCIC)",
        "cooperative": "Autre coopérative",
        "mutuelle": "Mutuelle",
        "fondation": "Fondation",
        "entreprise_ess": "Société commerciale de l'ESS",
    }
)

# Bands by number of employees, from smallest to largest.
SIZE_BANDS: Mapping[str, str] = MappingProxyType(
    {
        "0": "Aucun salarié",
        "1-9": "1 à 9 salariés",
        "10-49": "10 à 49 salariés",
        "50-249": "50 à 249 salariés",
        "250+": "250 salariés et plus",
    }
)

SECTORS: Mapping[str, str] = MappingProxyType(
    {
        "action_sociale": "Action sociale et médico-sociale",
        "sante": "Santé",
        "education_formation": "Éducation et formation",
        "culture": "Culture",
        "sport_loisirs": "Sport et loisirs",
        "environnement": "Environnement",
        "insertion": "Insertion par l'activité économique",
        "agriculture_alimentation": "Agriculture et alimentation",
        "habitat_logement": "Habitat et logement",
        "services_personnes": "Services aux personnes",
        "commerce_equitable": "Commerce équitable",
        "finance_solidaire": "Finance solidaire",
        "tourisme_social": "Tourisme social",
        "autre": "Autre",
    }
)


class Departement(NamedTuple):
    """Name of a département and of the region it belongs to."""

    name: str
    region: str


# INSEE département codes and names, in INSEE order: 2A and 2B take the place
# of 20, which has not been used since Corsica was split in 1976.
# Regions are those in force since 1 January 2016.
# Codes 975 (Saint-Pierre-et-Miquelon), 977 (Saint-Barthélemy), 978 (Saint-Martin)
# and 98x belong to overseas collectivités, not départements, so they are left out.
# NOTE: a few entries cover a collectivité with départemental powers: 67 and 68
# (Collectivité européenne d'Alsace), 69 (Rhône and the Métropole de Lyon),
# 75 (Ville de Paris), 2A and 2B (Collectivité de Corse), 972 and 973.
DEPARTEMENTS: Mapping[str, Departement] = MappingProxyType(
    {
        "01": Departement("Ain", "Auvergne-Rhône-Alpes"),
        "02": Departement("Aisne", "Hauts-de-France"),
        "03": Departement("Allier", "Auvergne-Rhône-Alpes"),
        "04": Departement("Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur"),
        "05": Departement("Hautes-Alpes", "Provence-Alpes-Côte d'Azur"),
        "06": Departement("Alpes-Maritimes", "Provence-Alpes-Côte d'Azur"),
        "07": Departement("Ardèche", "Auvergne-Rhône-Alpes"),
        "08": Departement("Ardennes", "Grand Est"),
        "09": Departement("Ariège", "Occitanie"),
        "10": Departement("Aube", "Grand Est"),
        "11": Departement("Aude", "Occitanie"),
        "12": Departement("Aveyron", "Occitanie"),
        "13": Departement("Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
        "14": Departement("Calvados", "Normandie"),
        "15": Departement("Cantal", "Auvergne-Rhône-Alpes"),
        "16": Departement("Charente", "Nouvelle-Aquitaine"),
        "17": Departement("Charente-Maritime", "Nouvelle-Aquitaine"),
        "18": Departement("Cher", "Centre-Val de Loire"),
        "19": Departement("Corrèze", "Nouvelle-Aquitaine"),
        "2A": Departement("Corse-du-Sud", "Corse"),
        "2B": Departement("Haute-Corse", "Corse"),
        "21": Departement("Côte-d'Or", "Bourgogne-Franche-Comté"),
        "22": Departement("Côtes-d'Armor", "Bretagne"),
        "23": Departement("Creuse", "Nouvelle-Aquitaine"),
        "24": Departement("Dordogne", "Nouvelle-Aquitaine"),
        "25": Departement("Doubs", "Bourgogne-Franche-Comté"),
        "26": Departement("Drôme", "Auvergne-Rhône-Alpes"),
        "27": Departement("Eure", "Normandie"),
        "28": Departement("Eure-et-Loir", "Centre-Val de Loire"),
        "29": Departement("Finistère", "Bretagne"),
        "30": Departement("Gard", "Occitanie"),
        "31": Departement("Haute-Garonne", "Occitanie"),
        "32": Departement("Gers", "Occitanie"),
        "33": Departement("Gironde", "Nouvelle-Aquitaine"),
        "34": Departement("Hérault", "Occitanie"),
        "35": Departement("Ille-et-Vilaine", "Bretagne"),
        "36": Departement("Indre", "Centre-Val de Loire"),
        "37": Departement("Indre-et-Loire", "Centre-Val de Loire"),
        "38": Departement("Isère", "Auvergne-Rhône-Alpes"),
        "39": Departement("Jura", "Bourgogne-Franche-Comté"),
        "40": Departement("Landes", "Nouvelle-Aquitaine"),
        "41": Departement("Loir-et-Cher", "Centre-Val de Loire"),
        "42": Departement("Loire", "Auvergne-Rhône-Alpes"),
        "43": Departement("Haute-Loire", "Auvergne-Rhône-Alpes"),
        "44": Departement("Loire-Atlantique", "Pays de la Loire"),
        "45": Departement("Loiret", "Centre-Val de Loire"),
        "46": Departement("Lot", "Occitanie"),
        "47": Departement("Lot-et-Garonne", "Nouvelle-Aquitaine"),
        "48": Departement("Lozère", "Occitanie"),
        "49": Departement("Maine-et-Loire", "Pays de la Loire"),
        "50": Departement("Manche", "Normandie"),
        "51": Departement("Marne", "Grand Est"),
        "52": Departement("Haute-Marne", "Grand Est"),
        "53": Departement("Mayenne", "Pays de la Loire"),
        "54": Departement("Meurthe-et-Moselle", "Grand Est"),
        "55": Departement("Meuse", "Grand Est"),
        "56": Departement("Morbihan", "Bretagne"),
        "57": Departement("Moselle", "Grand Est"),
        "58": Departement("Nièvre", "Bourgogne-Franche-Comté"),
        "59": Departement("Nord", "Hauts-de-France"),
        "60": Departement("Oise", "Hauts-de-France"),
        "61": Departement("Orne", "Normandie"),
        "62": Departement("Pas-de-Calais", "Hauts-de-France"),
        "63": Departement("Puy-de-Dôme", "Auvergne-Rhône-Alpes"),
        "64": Departement("Pyrénées-Atlantiques", "Nouvelle-Aquitaine"),
        "65": Departement("Hautes-Pyrénées", "Occitanie"),
        "66": Departement("Pyrénées-Orientales", "Occitanie"),
        "67": Departement("Bas-Rhin", "Grand Est"),
        "68": Departement("Haut-Rhin", "Grand Est"),
        "69": Departement("Rhône", "Auvergne-Rhône-Alpes"),
        "70": Departement("Haute-Saône", "Bourgogne-Franche-Comté"),
        "71": Departement("Saône-et-Loire", "Bourgogne-Franche-Comté"),
        "72": Departement("Sarthe", "Pays de la Loire"),
        "73": Departement("Savoie", "Auvergne-Rhône-Alpes"),
        "74": Departement("Haute-Savoie", "Auvergne-Rhône-Alpes"),
        "75": Departement("Paris", "Île-de-France"),
        "76": Departement("Seine-Maritime", "Normandie"),
        "77": Departement("Seine-et-Marne", "Île-de-France"),
        "78": Departement("Yvelines", "Île-de-France"),
        "79": Departement("Deux-Sèvres", "Nouvelle-Aquitaine"),
        "80": Departement("Somme", "Hauts-de-France"),
        "81": Departement("Tarn", "Occitanie"),
        "82": Departement("Tarn-et-Garonne", "Occitanie"),
        "83": Departement("Var", "Provence-Alpes-Côte d'Azur"),
        "84": Departement("Vaucluse", "Provence-Alpes-Côte d'Azur"),
        "85": Departement("Vendée", "Pays de la Loire"),
        "86": Departement("Vienne", "Nouvelle-Aquitaine"),
        "87": Departement("Haute-Vienne", "Nouvelle-Aquitaine"),
        "88": Departement("Vosges", "Grand Est"),
        "89": Departement("Yonne", "Bourgogne-Franche-Comté"),
        "90": Departement("Territoire de Belfort", "Bourgogne-Franche-Comté"),
        "91": Departement("Essonne", "Île-de-France"),
        "92": Departement("Hauts-de-Seine", "Île-de-France"),
        "93": Departement("Seine-Saint-Denis", "Île-de-France"),
        "94": Departement("Val-de-Marne", "Île-de-France"),
        "95": Departement("Val-d'Oise", "Île-de-France"),
        "971": Departement("Guadeloupe", "Guadeloupe"),
        "972": Departement("Martinique", "Martinique"),
        "973": Departement("Guyane", "Guyane"),
        "974": Departement("La Réunion", "La Réunion"),
        "976": Departement("Mayotte", "Mayotte"),
    }
)


def _french_sort_key(text: str) -> str:
    # Compares letters without their accents, so "Île-de-France" sorts among the
    # I's instead of after every unaccented name as plain code point order does.
    decomposed = unicodedata.normalize("NFD", text)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return letters.casefold()


# Region names in French alphabetical order, ignoring accents and case.
REGIONS: list[str] = sorted(
    {departement.region for departement in DEPARTEMENTS.values()},
    key=_french_sort_key,
)

_DEPARTEMENT_EXAMPLE = "Saisissez un code comme 44, 2A ou 974."


def normalize_departement(text: str) -> str:
    """Return the code of a typed département ("2a" -> "2A"), or raise ValueError."""
    code = text.strip().upper()
    if not code:
        raise ValueError(f"Aucun département saisi. {_DEPARTEMENT_EXAMPLE}")
    if len(code) == 1 and code in "123456789":
        code = "0" + code
    if code not in DEPARTEMENTS:
        raise ValueError(
            f"Département inconnu : « {text.strip()} ». {_DEPARTEMENT_EXAMPLE}"
        )
    return code


def region_of(code: str) -> str:
    """Return the region of a département, in any form normalize_departement takes."""
    return DEPARTEMENTS[normalize_departement(code)].region


SIREN_LENGTH = 9
SIRET_LENGTH = 14

# Many SIRETs of La Poste's establishments fail the Luhn check. Their own rule is
# that the sum of the 14 digits is a multiple of 5.
LA_POSTE_SIREN = "356000000"

# Separators a user may type or paste between groups of digits: space, no-break
# space (U+00A0) and narrow no-break space (U+202F).
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f")


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit alone also accepts "²" and non-Latin digits such as "٣".
    return text.isascii() and text.isdigit()


def luhn_is_valid(digits: str) -> bool:
    """Return whether a string of ASCII digits passes the Luhn check.

    Returns False for an empty string or one with any other character.
    """
    if not _is_ascii_digits(digits):
        return False
    total = 0
    # Counting from the rightmost digit, every second digit is doubled, and a
    # doubled value above 9 contributes the sum of its two digits (value - 9).
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _compact_digits(text: str, kind: str, length: int) -> str:
    # Removes separators and checks that only the expected number of ASCII digits
    # remain, so both SIREN and SIRET fail with the same kind of message.
    compact = text.strip().translate(_SEPARATORS)
    if not compact:
        raise ValueError(f"Aucun {kind} saisi : saisissez ses {length} chiffres.")
    if not _is_ascii_digits(compact):
        invalid = "".join(
            sorted({char for char in compact if not _is_ascii_digits(char)})
        )
        raise ValueError(
            f"Le {kind} ne doit contenir que des chiffres, éventuellement séparés par "
            f"des espaces ; « {text.strip()} » contient aussi « {invalid} »."
        )
    if len(compact) != length:
        message = (
            f"Le {kind} doit compter {length} chiffres ; "
            f"vous en avez saisi {len(compact)}."
        )
        if kind == "SIREN" and len(compact) == SIRET_LENGTH:
            message += (
                " C'est peut-être un SIRET : le SIREN en est les 9 premiers chiffres."
            )
        if kind == "SIRET" and len(compact) == SIREN_LENGTH:
            message += (
                " C'est peut-être un SIREN : le SIRET y ajoute les 5 chiffres du"
                " numéro d'établissement (NIC)."
            )
        raise ValueError(message)
    return compact


def normalize_siren(text: str) -> str:
    """Return a SIREN's 9 digits, or raise ValueError if its length or key is wrong."""
    siren = _compact_digits(text, "SIREN", SIREN_LENGTH)
    if not luhn_is_valid(siren):
        raise ValueError(
            "Ce SIREN ne passe pas la clé de contrôle (algorithme de Luhn) : "
            "vérifiez les chiffres."
        )
    return siren


def normalize_siret(text: str) -> str:
    """Return a SIRET's 14 digits, or raise ValueError if length or keys are wrong."""
    siret = _compact_digits(text, "SIRET", SIRET_LENGTH)
    if not luhn_is_valid(siret[:SIREN_LENGTH]):
        raise ValueError(
            "Les 9 premiers chiffres de ce SIRET (le SIREN) ne passent pas la clé de "
            "contrôle (algorithme de Luhn) : vérifiez-les."
        )
    if luhn_is_valid(siret):
        # The SIRET of La Poste's head office, 35600000000048, passes the Luhn
        # check, so this branch accepts it.
        return siret
    if siret.startswith(LA_POSTE_SIREN):
        if sum(int(char) for char in siret) % 5 == 0:
            return siret
        raise ValueError(
            "Ce SIRET de La Poste ne passe pas la clé de contrôle propre à La Poste "
            "(somme des 14 chiffres multiple de 5) : vérifiez les chiffres."
        )
    raise ValueError(
        "Ce SIRET ne passe pas la clé de contrôle (algorithme de Luhn) : "
        "vérifiez les chiffres."
    )


def format_siren(code: str, separator: str = " ") -> str:
    """Validate a SIREN and write it in groups of three digits, as "552 100 554"."""
    siren = normalize_siren(code)
    return separator.join((siren[0:3], siren[3:6], siren[6:9]))


def format_siret(code: str, separator: str = " ") -> str:
    """Validate a SIRET and write it as grouped SIREN then NIC: "732 829 320 00074"."""
    siret = normalize_siret(code)
    groups = (siret[0:3], siret[3:6], siret[6:9], siret[9:14])
    return separator.join(groups)
