"""Everything else TMDb says about a title: companies, networks, collections, countries,
languages, releases, translations, alternative titles, watch providers, creators, aliases,
episode counts, OMDb scores and facts, and indexes for the queries apps run

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


NEW_COLUMNS: list[tuple[str, sa.Column[Any]]] = [
    ("content", sa.Column("tiktok_id", sa.Text(), nullable=True)),
    ("content", sa.Column("youtube_id", sa.Text(), nullable=True)),
    ("content", sa.Column("series_type", sa.Text(), nullable=True)),
    ("content", sa.Column("last_episode_air_date", sa.Date(), nullable=True)),
    ("content", sa.Column("next_episode_air_date", sa.Date(), nullable=True)),
    ("content", sa.Column("next_episode_season", sa.Integer(), nullable=True)),
    ("content", sa.Column("next_episode_number", sa.Integer(), nullable=True)),
    ("content", sa.Column("rated", sa.Text(), nullable=True)),
    ("content", sa.Column("metascore", sa.Integer(), nullable=True)),
    ("content", sa.Column("imdb_votes", sa.Integer(), nullable=True)),
    ("content", sa.Column("box_office", sa.BigInteger(), nullable=True)),
    ("content", sa.Column("plot", sa.Text(), nullable=True)),
    ("content_cast", sa.Column("episode_count", sa.Integer(), nullable=True)),
    ("content_crew", sa.Column("episode_count", sa.Integer(), nullable=True)),
    ("content_image", sa.Column("iso_3166_1", sa.Text(), nullable=True)),
    ("content_rating", sa.Column("score", sa.Integer(), nullable=True)),
    ("person", sa.Column("original_name", sa.Text(), nullable=True)),
    ("person", sa.Column("tiktok_id", sa.Text(), nullable=True)),
    ("person", sa.Column("youtube_id", sa.Text(), nullable=True)),
    ("person_image", sa.Column("iso_3166_1", sa.Text(), nullable=True)),
]
NEW_INDEXES = [
    ("ix_content_collection_id", "content", ["collection_id"]),
    ("ix_content_title", "content", ["title"]),
    ("ix_content_type_popularity", "content", ["type", "popularity"]),
    ("ix_content_type_release_date", "content", ["type", "release_date"]),
    ("ix_person_name", "person", ["name"]),
]


def upgrade() -> None:
    op.create_table(
        "collection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("poster_path", sa.Text(), nullable=True),
        sa.Column("backdrop_path", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection")),
        sa.UniqueConstraint("tmdb_id", name=op.f("uq_collection_tmdb_id")),
    )
    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("logo_path", sa.Text(), nullable=True),
        sa.Column("origin_country", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company")),
        sa.UniqueConstraint("tmdb_id", name=op.f("uq_company_tmdb_id")),
    )
    op.create_table(
        "network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("logo_path", sa.Text(), nullable=True),
        sa.Column("origin_country", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
        sa.UniqueConstraint("tmdb_id", name=op.f("uq_network_tmdb_id")),
    )
    op.create_table(
        "watch_provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tmdb_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("logo_path", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_provider")),
        sa.UniqueConstraint("tmdb_id", name=op.f("uq_watch_provider_tmdb_id")),
    )
    op.create_table(
        "person_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_alias_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_alias")),
    )
    with op.batch_alter_table("person_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_alias_person_id"), ["person_id"], unique=False)

    op.create_table(
        "content_alternative_title",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("iso_3166_1", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_type", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_alternative_title_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_alternative_title")),
    )
    with op.batch_alter_table("content_alternative_title", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_alternative_title_content_id"), ["content_id"], unique=False
        )

    op.create_table(
        "content_company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f("fk_content_company_company_id_company"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_company_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_company")),
        sa.UniqueConstraint(
            "content_id", "company_id", name=op.f("uq_content_company_content_id_company_id")
        ),
    )
    with op.batch_alter_table("content_company", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_company_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_company_content_id"), ["content_id"], unique=False
        )

    op.create_table(
        "content_country",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("iso_3166_1", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_country_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_country")),
        sa.UniqueConstraint(
            "content_id",
            "iso_3166_1",
            "kind",
            name=op.f("uq_content_country_content_id_iso_3166_1_kind"),
        ),
    )
    with op.batch_alter_table("content_country", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_country_content_id"), ["content_id"], unique=False
        )

    op.create_table(
        "content_creator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("credit_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_creator_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_content_creator_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_creator")),
    )
    with op.batch_alter_table("content_creator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_creator_content_id"), ["content_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_creator_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "content_language",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("iso_639_1", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_language_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_language")),
        sa.UniqueConstraint(
            "content_id", "iso_639_1", name=op.f("uq_content_language_content_id_iso_639_1")
        ),
    )
    with op.batch_alter_table("content_language", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_language_content_id"), ["content_id"], unique=False
        )

    op.create_table(
        "content_network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_network_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_content_network_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_network")),
        sa.UniqueConstraint(
            "content_id", "network_id", name=op.f("uq_content_network_content_id_network_id")
        ),
    )
    with op.batch_alter_table("content_network", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_network_content_id"), ["content_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_network_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "content_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("iso_3166_1", sa.Text(), nullable=False),
        sa.Column("release_type", sa.Integer(), nullable=True),
        sa.Column("release_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certification", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("iso_639_1", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_release_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_release")),
    )
    with op.batch_alter_table("content_release", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_release_content_id"), ["content_id"], unique=False
        )

    op.create_table(
        "content_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("iso_639_1", sa.Text(), nullable=False),
        sa.Column("iso_3166_1", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("overview", sa.Text(), nullable=True),
        sa.Column("tagline", sa.Text(), nullable=True),
        sa.Column("homepage", sa.Text(), nullable=True),
        sa.Column("runtime", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_translation_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translation")),
    )
    with op.batch_alter_table("content_translation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_translation_content_id"), ["content_id"], unique=False
        )

    op.create_table(
        "content_watch_provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("iso_3166_1", sa.Text(), nullable=False),
        sa.Column("offer_type", sa.String(length=16), nullable=False),
        sa.Column("display_priority", sa.Integer(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_content_watch_provider_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["watch_provider.id"],
            name=op.f("fk_content_watch_provider_provider_id_watch_provider"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_watch_provider")),
    )
    with op.batch_alter_table("content_watch_provider", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_watch_provider_content_id"), ["content_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_watch_provider_provider_id"), ["provider_id"], unique=False
        )

    # Plain ALTER TABLE, never a batch copy: on SQLite a copy drops and re-creates the table,
    # and dropping `content` or `person` would cascade-delete every child row.
    for table, column in NEW_COLUMNS:
        op.add_column(table, column)
    if op.get_context().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE content ADD COLUMN collection_id INTEGER"
            " REFERENCES collection (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("content", sa.Column("collection_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_content_collection_id_collection"),
            "content",
            "collection",
            ["collection_id"],
            ["id"],
            ondelete="SET NULL",
        )
    for name, table, columns in NEW_INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in NEW_INDEXES:
        op.drop_index(name, table_name=table)
    sqlite = op.get_context().dialect.name == "sqlite"
    if not sqlite:
        op.drop_constraint(op.f("fk_content_collection_id_collection"), "content", "foreignkey")
    for table, column in NEW_COLUMNS:
        # SQLite >= 3.35 drops a column in place (see upgrade for why not a batch copy)
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
    if sqlite:
        _drop_collection_id_on_sqlite()
    else:
        op.execute("ALTER TABLE content DROP COLUMN collection_id")

    with op.batch_alter_table("content_watch_provider", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_watch_provider_provider_id"))
        batch_op.drop_index(batch_op.f("ix_content_watch_provider_content_id"))

    op.drop_table("content_watch_provider")
    with op.batch_alter_table("content_translation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_translation_content_id"))

    op.drop_table("content_translation")
    with op.batch_alter_table("content_release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_release_content_id"))

    op.drop_table("content_release")
    with op.batch_alter_table("content_network", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_network_network_id"))
        batch_op.drop_index(batch_op.f("ix_content_network_content_id"))

    op.drop_table("content_network")
    with op.batch_alter_table("content_language", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_language_content_id"))

    op.drop_table("content_language")
    with op.batch_alter_table("content_creator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_creator_person_id"))
        batch_op.drop_index(batch_op.f("ix_content_creator_content_id"))

    op.drop_table("content_creator")
    with op.batch_alter_table("content_country", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_country_content_id"))

    op.drop_table("content_country")
    with op.batch_alter_table("content_company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_company_content_id"))
        batch_op.drop_index(batch_op.f("ix_content_company_company_id"))

    op.drop_table("content_company")
    with op.batch_alter_table("content_alternative_title", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_alternative_title_content_id"))

    op.drop_table("content_alternative_title")
    with op.batch_alter_table("person_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_alias_person_id"))

    op.drop_table("person_alias")
    op.drop_table("watch_provider")
    op.drop_table("network")
    op.drop_table("company")
    op.drop_table("collection")


def _drop_collection_id_on_sqlite() -> None:
    """SQLite drops no column a foreign key uses, so `content` is copied without it; with
    foreign keys off, or dropping the old table would cascade-delete every title's child rows.
    The pragma is ignored inside a transaction, so this one is ended for it and begun again."""
    op.execute("COMMIT")
    op.execute("PRAGMA foreign_keys=OFF")
    op.execute("BEGIN IMMEDIATE")
    with op.batch_alter_table("content", schema=None) as batch_op:
        batch_op.drop_column("collection_id")
    op.execute("COMMIT")
    op.execute("PRAGMA foreign_keys=ON")
    op.execute("BEGIN IMMEDIATE")
