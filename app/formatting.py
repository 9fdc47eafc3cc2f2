"""French display of numbers and dates, the same on every page and export."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal
from flask import current_app

LOCALE = "fr_FR"


def format_number(value: Decimal | int | float | None, decimals: int = 1) -> str:
    """Write a number the French way with a fixed count of decimals: 12 345,6."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    # Round half up like scoring does, so Babel's half-even rounding never applies.
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return format_decimal(number, format=pattern, locale=LOCALE)


def format_plain_number(value: Decimal | int | None) -> str:
    """Write a number with only the decimals it has: 1 000 000, 2,5."""
    if value is None:
        return "–"
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return format_number(value, max(0, -int(exponent)))


def format_datetime(value: datetime | None) -> str:
    """Write a date and time in Paris time: 04/12/2026 16:05."""
    if value is None:
        return ""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return babel_format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=zone, locale=LOCALE)


def format_date(value: datetime | None) -> str:
    """Write a date as 04/12/2026."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return babel_format_date(value.astimezone(zone), "dd/MM/yyyy", locale=LOCALE)
