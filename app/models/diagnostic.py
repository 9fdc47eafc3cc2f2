from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, new_public_id, utcnow


class DiagnosticStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Diagnostic(Base):
    """One organisation's run of one questionnaire version in one campaign."""

    __tablename__ = "diagnostic"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(
        String(22), unique=True, default=new_public_id
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    campaign: Mapped[int]
    status: Mapped[str] = mapped_column(
        String(20), default=DiagnosticStatus.IN_PROGRESS
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Scoring output at submission (scoring.result_to_dict), kept as issued.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    organisation: Mapped["Organisation"] = relationship(back_populates="diagnostics")  # noqa: F821
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="diagnostic", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == DiagnosticStatus.SUBMITTED


class Answer(Base):
    """One stored answer: a value or a special answer, and an optional comment."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("diagnostic_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(ForeignKey("diagnostic.id"))
    question_id: Mapped[str] = mapped_column(String(64))
    # JSON of the validated value; decimals are stored as strings to stay exact.
    value: Mapped[Any | None] = mapped_column(JSON)
    # "not_applicable" or "dont_know"; when set, value is null.
    special: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    diagnostic: Mapped[Diagnostic] = relationship(back_populates="answers")
    updated_by: Mapped["User | None"] = relationship()  # noqa: F821
