"""The catalogue of approved health apps and sites (SPEC §3.3)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin


class CatalogueApp(IdMixin, Base):
    __tablename__ = "catalogue_apps"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(300))
