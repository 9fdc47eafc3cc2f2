"""Cleaning of free text typed into forms."""


def clean_text(text: str | None) -> str | None:
    """Drop NUL characters and count a line break as one character.

    Browsers send line breaks as CR LF, but count them as one character for
    maxlength. PostgreSQL rejects NUL characters in text.
    """
    if text is None:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
