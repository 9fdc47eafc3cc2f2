"""Database models, typed with SQLAlchemy 2."""

from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.diagnostic import Answer, Diagnostic, DiagnosticStatus
from app.models.invitation import Invitation
from app.models.organisation import Organisation
from app.models.security import LoginAttempt, PasswordResetToken
from app.models.user import PlatformRole, Role, User

__all__ = [
    "Answer",
    "AuditEvent",
    "Base",
    "Diagnostic",
    "DiagnosticStatus",
    "Invitation",
    "LoginAttempt",
    "Organisation",
    "PasswordResetToken",
    "PlatformRole",
    "Role",
    "User",
]
