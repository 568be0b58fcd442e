"""Run a command with CERTPREP_TEST_DATABASE_URL set to a new PostgreSQL database.

The database gets a unique name and is dropped afterwards, whatever the command did.
Usage: python tests/run_on_postgres.py pytest [ARGS...]
"""

import os
import subprocess
import sys
import uuid

import psycopg

SERVER = os.environ.get(
    "CERTPREP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def main(command: list[str]) -> int:
    try:
        admin = psycopg.connect(SERVER, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0]
        print(f"make test-postgres cannot run: no PostgreSQL at {SERVER} ({first_line}).")
        print("Start PostgreSQL or set CERTPREP_TEST_POSTGRES_URL to a server you can use.")
        return 2
    name = f"certprep_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            base = SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            env = {**os.environ, "CERTPREP_TEST_DATABASE_URL": f"{base}/{name}"}
            print(f"Running on PostgreSQL database {name}", flush=True)
            return subprocess.call(command, env=env)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
