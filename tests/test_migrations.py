"""Migrations from an empty database give exactly the schema the models declare.

Alembic's comparison leaves out CHECK constraints, so a new role or state added to a model
without a migration would pass it and fail in production; they are compared here too.
"""

import re
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, MetaData, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import conv

from certprep import create_app
from certprep.auth.models import ROLES
from certprep.extensions import db
from tests.conftest import TEST_DATABASE_URL


@contextmanager
def scratch_database(tmp_path, suffix: str):
    """The URL of an empty database of its own (a file, or a PostgreSQL database dropped after)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / f'{suffix}.sqlite'}"
        return
    base, _, name = TEST_DATABASE_URL.rpartition("/")
    database = f"{name}_{suffix}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield f"{base}/{database}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def normalised(sql: str) -> str:
    """CHECK text as the database reports it, without differences of spacing or case."""
    sql = re.sub(r"\s+", " ", sql).strip().lower()
    while sql.startswith("(") and sql.endswith(")"):
        sql = sql[1:-1].strip()
    return sql


def check_constraints(url: str) -> dict[tuple[str, str], str]:
    """{(table, constraint name): normalised SQL} for every CHECK in the database at url."""
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {
            (table, check["name"]): normalised(check["sqltext"])
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)
        }
    finally:
        engine.dispose()


def checks_of_models(url: str, metadata: MetaData) -> dict[tuple[str, str], str]:
    """The models' CHECKs as this kind of database stores them (it rewrites them its way)."""
    engine = create_engine(url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    return check_constraints(url)


def check_differences(migrated: dict, models: dict) -> list[str]:
    names = sorted(migrated.keys() | models.keys())
    return [
        f"{table}.{name}: migrations give {migrated.get((table, name))!r}, "
        f"models declare {models.get((table, name))!r}"
        for table, name in names
        if migrated.get((table, name)) != models.get((table, name))
    ]


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


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A database built by the migrations alone, and the app that built it."""
    tmp_path = tmp_path_factory.mktemp("migrations")
    with scratch_database(tmp_path, "migrations") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        with app.app_context():
            upgrade()
            yield app, url
            db.engine.dispose()


def test_migrations_match_the_models(migrated):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_give_the_models_check_constraints(migrated, tmp_path):
    _, url = migrated
    with scratch_database(tmp_path, "models") as models_url:
        models = checks_of_models(models_url, db.metadata)
    assert ("user_role", "ck_user_role_known_role") in models
    assert check_differences(check_constraints(url), models) == []


def test_the_check_comparison_sees_a_role_added_without_a_migration(migrated, tmp_path):
    _, url = migrated
    changed = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    roles = changed.tables["user_role"]
    (known_role,) = [c for c in roles.constraints if isinstance(c, CheckConstraint)]
    roles.constraints.discard(known_role)
    new_roles = ", ".join(f"'{role}'" for role in (*ROLES, "surgeon"))
    roles.append_constraint(CheckConstraint(f"name IN ({new_roles})",
                                            name=conv("ck_user_role_known_role")))
    with scratch_database(tmp_path, "changed") as changed_url:
        differences = check_differences(check_constraints(url),
                                        checks_of_models(changed_url, changed))
    assert len(differences) == 1
    assert differences[0].startswith("user_role.ck_user_role_known_role:")
    assert "surgeon" in differences[0]


def test_the_migrated_audit_log_is_append_only(migrated):
    assert_audit_log_is_append_only()


def test_downgrade_removes_everything_and_upgrade_rebuilds(migrated):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "audit_entry" in inspect(db.engine).get_table_names()
