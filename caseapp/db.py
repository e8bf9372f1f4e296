"""Declarative base with a naming convention, a UTC datetime type and model mixins."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from caseapp.core.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; returns aware UTC datetimes on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use caseapp.core.clock.utcnow()")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: store naive UTC text.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TrilingualNameMixin:
    """For models named in German, Arabic and Turkish (`name_de`, `name_ar`, `name_tr`).

    German is the column that is always filled; the others may be empty.
    """

    def name(self, language: str) -> str:
        """The name in that language, German when no translation was entered."""
        return self.in_language("name", language)

    def in_language(self, field: str, language: str) -> str:
        """`<field>_<language>`, or `<field>_de` when that is empty or does not exist."""
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_de")


class TrilingualTextMixin(TrilingualNameMixin):
    """Name and description in German, Arabic and Turkish (`description_de`, ...)."""

    def description(self, language: str) -> str:
        return self.in_language("description", language)
