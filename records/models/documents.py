"""Documents of a record (SPEC §3.3). The file itself is in the document storage
(records/storage.py), encrypted; the row keeps what is needed to list and decide access."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin, UTCDateTime

CATEGORIES = (
    "SYNTHESE",
    "ORD_SOIN",
    "RADIO_SC",
    "BIOLOGIE",
    "CPT_REND",
    "DEPISTAG",
    "CERT_MED",
    "SYNTH_PML",
    "DOC_ADM",
    "DIR_ANT",
    "QUEST_SANTE",
    "AUTR_DOC",
)
SOURCES = ("professional", "insurance", "patient")


class Document(IdMixin, Base):
    __tablename__ = "documents"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(12), index=True)
    media_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(12))  # professional | insurance | patient
    author_professional_id: Mapped[str | None] = mapped_column(
        ForeignKey("professionals.id", ondelete="SET NULL")
    )
    # Patient side: the person, a parent or a representative who uploaded it.
    added_by_person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(200))
    hidden: Mapped[bool] = mapped_column(default=False)
    # Hidden by the person's side (or by their default): a professional cannot show it again.
    hidden_by_owner: Mapped[bool] = mapped_column(default=False, server_default=false())
    hidden_from_parents: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
