from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect

from tmdbsync.db.engine import alembic_config, upgrade
from tmdbsync.db.models import Base

CONTRACT_TABLES = {
    "content_sync_log",
    "content",
    "genre",
    "content_genre",
    "keyword",
    "content_keyword",
    "person",
    "person_image",
    "content_cast",
    "content_crew",
    "content_image",
    "content_video",
    "content_rating",
    "content_award",
    "content_season",
    "episode",
    "episode_cast",
    "episode_crew",
    "api_usage",
}


def test_migrations_create_every_contract_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert tables >= CONTRACT_TABLES


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    assert "content" in inspect(engine).get_table_names()


def test_foreign_keys_are_declared(engine: Engine) -> None:
    fks = inspect(engine).get_foreign_keys("episode_cast")
    assert {fk["referred_table"] for fk in fks} == {"episode", "person"}


def test_skipped_titles_recorded_before_retries_count_one_attempt_at_first_sight(
    engine: Engine,
) -> None:
    """0006 on a database with skipped titles: each was tried once, when first seen; and back."""
    config = alembic_config(engine)
    command.downgrade(config, "0005")
    seen = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    as_of_0005 = sa.table(
        "skipped_title",
        sa.column("type"),
        sa.column("tmdb_id"),
        sa.column("reason"),
        sa.column("first_seen_at", sa.DateTime(timezone=True)),
    )
    with engine.begin() as connection:
        connection.execute(
            sa.insert(as_of_0005).values(type="movie", tmdb_id=7, reason="404", first_seen_at=seen)
        )
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("select attempts, last_tried_at = first_seen_at from skipped_title")
        ).one()
    assert tuple(row) == (1, True)
    columns = {c["name"]: c for c in inspect(engine).get_columns("skipped_title")}
    assert not columns["attempts"]["nullable"]
    assert not columns["last_tried_at"]["nullable"]
    assert columns["attempts"]["default"] is None, "new rows get their values from the store"

    command.downgrade(config, "0005")
    assert {c["name"] for c in inspect(engine).get_columns("skipped_title")} == {
        "id",
        "type",
        "tmdb_id",
        "reason",
        "first_seen_at",
    }


def test_titles_asked_of_trakt_before_0010_are_not_pending_after_it(engine: Engine) -> None:
    """0010 fills content.trakt_status from content_trakt, so the Trakt queue does not ask again."""
    command.downgrade(alembic_config(engine), "0006")
    with engine.begin() as connection:
        connection.execute(
            sa.text("insert into content (type, tmdb_id, imdb_id) values ('movie', 1, 'tt1')")
        )
        connection.execute(
            sa.text("insert into content (type, tmdb_id, imdb_id) values ('movie', 2, 'tt2')")
        )
        connection.execute(
            sa.text(
                "insert into content_trakt (content_id, status, fetched_at)"
                " select id, 'not_found', :at from content where tmdb_id = 1"
            ),
            {"at": datetime(2024, 1, 2, tzinfo=UTC)},
        )
    upgrade(engine)
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("select tmdb_id, trakt_status, export_misses from content order by tmdb_id")
        ).all()
    assert [tuple(r) for r in found] == [(1, "not_found", 0), (2, None, 0)]
