"""Secret tokens sent in links: only their digest is ever stored."""

import hashlib
import secrets


def new_token() -> str:
    """Return a URL-safe token of 32 random bytes."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Return the SHA-256 hex digest stored in place of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
