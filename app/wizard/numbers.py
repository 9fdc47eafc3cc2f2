"""Numbers typed the French way: ``12,5``, ``1 200`` or ``1 200,5``."""

import re
from decimal import Decimal, InvalidOperation

# Spaces users type as thousands separators: plain, no-break and narrow no-break.
GROUP_SEPARATORS = re.compile(r"[ \u00a0\u202f]")
PLAIN_NUMBER = re.compile(r"^[-+]?([0-9]+([.,][0-9]+)?|[.,][0-9]+)$")


def parse_french_number(text: str) -> Decimal:
    """Parse a number with a decimal comma or point and spaces between groups.

    Raises ValueError for anything else, including ``1.200,5`` and ``1,200.5``,
    whose meaning depends on the writer's habits.
    """
    compact = GROUP_SEPARATORS.sub("", text.strip())
    if not PLAIN_NUMBER.match(compact):
        raise ValueError(text)
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
