from sqlalchemy import Engine, inspect

from tmdbsync.db.engine import upgrade
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
