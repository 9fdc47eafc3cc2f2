"""The one rounding rule used for every score and indicator.

Scores are computed exactly as fractions, then rounded once, half up, to one
decimal. The rounded score is the one shown and the one compared with level
thresholds, so a score displayed as 55.0 reaches a level that starts at 55.
"""

from decimal import Decimal
from fractions import Fraction
from math import floor

from questionnaires.schema import Level

SCORE_DECIMALS = 1


def round_half_up(value: Fraction, decimals: int = SCORE_DECIMALS) -> Decimal:
    """Round an exact fraction half up (away from zero) to a number of decimals."""
    scale = 10**decimals
    magnitude = floor(abs(value) * scale + Fraction(1, 2))
    rounded = Decimal(magnitude).scaleb(-decimals)
    return -rounded if value < 0 else rounded


def level_for(levels: list[Level], score: Decimal) -> Level:
    """Return the highest level whose threshold the rounded score reaches."""
    reached = levels[0]
    for level in levels:
        if score >= level.min_score:
            reached = level
    return reached
