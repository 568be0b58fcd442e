"""A real server and Debian's Chromium, driven by Playwright.

Without Chromium the browser tests are skipped with one line saying how to enable
them; with CERTPREP_REQUIRE_BROWSER=1 (CI) a missing browser is a failure.
"""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import pytest

from certprep import create_app
from certprep.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
SECRET_KEY = "e2e-secret-key"
SKIP_REASON = (
    f"browser tests skipped: no Chromium at {CHROMIUM}; install it with "
    "`apt-get install -y chromium` (or set CHROMIUM_PATH) to run them"
)


# Collected first, the long files before the short one (about 16, 15, 16 and 8 s alone):
# `make test` gives the pytest-xdist workers whole files in collection order (--dist
# loadfile --no-loadscope-reorder), so the journeys start at once on both workers and the
# thousands of short tests fill in around them, instead of meeting on one worker midway.
JOURNEY_ORDER = ["test_educator.py", "test_nurse_exams.py", "test_hours.py",
                 "test_first_run.py"]


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "e2e" in item.nodeid.split("/")]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    rank = {name: place for place, name in enumerate(JOURNEY_ORDER)}
    browser_items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
    first = set(browser_items)
    items[:] = browser_items + [item for item in items if item not in first]
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CERTPREP_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Chromium is required here but missing at {CHROMIUM}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright  # deferred: browser runs only

    # The default 5 s per expectation is too short on a shared 2-core machine under load.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_env(database: Path) -> dict:
    """The environment of a server on its own SQLite file."""
    env = {
        **os.environ,
        "CERTPREP_DATABASE_URL": f"sqlite:///{database}",
        "CERTPREP_SECRET_KEY": SECRET_KEY,
    }
    env.pop("CERTPREP_TEST_DATABASE_URL", None)
    return env


def flask(database: Path, *args: str, stdin: str | None = None) -> str:
    """Run one of certprep's `flask` commands on `database`; returns what it printed.

    The same click command an operator runs, here in the test process: a new Python for
    each command would spend most of its second importing the app.
    """
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "SECRET_KEY": SECRET_KEY})
    with app.app_context():  # the `flask` command pushes one
        result = app.test_cli_runner().invoke(args=list(args), input=stdin)
        db.engine.dispose()
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def copy_database(source: Path, target: Path) -> Path:
    """Copy a SQLite database whole (SQLite's backup also takes what its log still holds)."""
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)
    return target


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty database at the newest migration: migrated once, copied for each test."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite"
    flask(path, "db", "upgrade")
    return path


@contextmanager
def serve(env: dict):
    """certprep under gunicorn on a free loopback port with `env`; yields its base URL.

    One worker with threads, as `make run` serves: a second worker would only cost its start.
    """
    port = free_port()
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "4", "certprep:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                stop(server)
                raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
            time.sleep(0.05)
    try:
        yield base
    finally:
        stop(server)
        server.stderr.close()


def stop(server: subprocess.Popen) -> None:
    """Kill the server and its worker at once.

    Every response the test waited for has been sent, and SQLite keeps what was committed
    through a kill (the next server on the same file recovers its log): a graceful stop
    would only wait.
    """
    with suppress(ProcessLookupError):  # it has exited already
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


@pytest.fixture
def live_server(migrated_database, tmp_path):
    """certprep under gunicorn on a free loopback port, with its own empty database."""
    database = copy_database(migrated_database, tmp_path / "e2e.sqlite")
    with serve(flask_env(database)) as base:
        yield base


@pytest.fixture
def shoot(page):
    """Save a full-page screenshot under test-results/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def pytest_report_header(config):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        return SKIP_REASON
    return f"browser tests: Chromium at {CHROMIUM}"


ADMIN_PASSWORD = "steady-lantern-47"


def create_admin(page, base: str, email: str = "robin@clinic.example") -> None:
    """First-run setup: an administrator (who may also edit the question bank)."""
    page.goto(base + "/setup")
    page.get_by_label("Full name").fill("Robin Reyes")
    page.get_by_label("Email").fill(email)
    page.get_by_label("New password").fill(ADMIN_PASSWORD)
    page.get_by_label("Repeat the password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    page.wait_for_url("**/admin/users")
