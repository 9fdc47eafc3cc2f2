"""Database models, typed with SQLAlchemy 2."""

from app.models.base import Base
from app.models.diagnostic import Answer, Diagnostic, DiagnosticStatus
from app.models.organisation import Organisation
from app.models.user import User

__all__ = ["Answer", "Base", "Diagnostic", "DiagnosticStatus", "Organisation", "User"]
