"""The declarative base, its naming convention and the columns several tables share."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, MetaData, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tmdbsync.db.types import UtcDateTime as UtcDateTime  # the models import it from here

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def parent_fk(table: str) -> Mapped[int]:
    """The link most child tables carry: indexed, and deleted with the row it points to (a
    re-sync replaces a title's children, a deleted title takes them along)."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


class ImageColumns:
    """What TMDb lists of every image, a title's or a person's."""

    file_path: Mapped[str] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    aspect_ratio: Mapped[float | None] = mapped_column(Float)
    iso_639_1: Mapped[str | None] = mapped_column(Text)
    iso_3166_1: Mapped[str | None] = mapped_column(Text)
    vote_average: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index holding only the rows `where` selects, on both dialects: smaller, and a row
    outside it costs no index write when it changes."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))
