"""Migrations from an empty database give exactly the schema the models declare."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from certprep import create_app
from certprep.extensions import db
from tests.conftest import TEST_DATABASE_URL


def fresh_database_url(tmp_path):
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}", None
    # A database of its own on the same server, dropped afterwards.
    base, _, name = TEST_DATABASE_URL.rpartition("/")
    return f"{base}/{name}_migrations", (f"{base}/postgres", f"{name}_migrations")


def assert_audit_log_is_append_only():
    """The migration's triggers, not only create_all()'s, refuse UPDATE and DELETE."""
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO audit_entry (at, action, subject_type) "
            "VALUES (CURRENT_TIMESTAMP, 'site.created', 'site')"
        ))
    for statement in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))


def test_migrations_match_the_models(tmp_path):
    url, server = fresh_database_url(tmp_path)
    if server:
        admin = create_engine(server[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{server[1]}"'))
            connection.execute(text(f'CREATE DATABASE "{server[1]}"'))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            assert differences == []
            assert_audit_log_is_append_only()
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            db.engine.dispose()
    finally:
        if server:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{server[1]}"'))
            admin.dispose()
