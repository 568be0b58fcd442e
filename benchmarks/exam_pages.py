"""Throughput of the exam question page and an answer POST, as ratios to /healthz.

On PostgreSQL under gunicorn with 2 workers, in the same run: /healthz, the question page
of a 100-question timed attempt, and the plain-form answer POST, each measured with wrk in
alternating rounds. Each round's figure is divided by the /healthz figure of the same round,
and the median of those ratios is reported: this machine is shared and its load drifts, so
absolute figures mean little and a ratio of neighbours is steadier than a ratio of medians.
The target (issue 9): each page at least 0.35.

Run (PostgreSQL and wrk on this machine): .venv/bin/python benchmarks/exam_pages.py
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

SERVER = os.environ.get("CERTPREP_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
EMAIL, PASSWORD = "bench.nurse@clinic.example", "steady-lantern-47"
ROUNDS = int(os.environ.get("CERTPREP_BENCH_ROUNDS", 7))
SECONDS, CONNECTIONS = 5, 8
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env, *args, stdin=None):
    subprocess.run([BIN / "flask", "--app", "certprep", *args], env=env, check=True,
                   capture_output=True, input=stdin, text=True)


def wrk(url: str, cookie: str, script: Path | None = None) -> float:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"errors while loading {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> None:
    name = f"certprep_bench_{os.getpid()}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    env = {**os.environ, "CERTPREP_DATABASE_URL": f"{SERVER}/{name}",
           "CERTPREP_SECRET_KEY": "benchmark-only-secret"}
    server = None
    try:
        flask(env, "db", "upgrade")
        flask(env, "bank", "load-shipped")
        for email, role in (("bench.admin@clinic.example", "admin"), (EMAIL, "nurse")):
            flask(env, "users", "create", email, "--name", f"Bench {role}", "--role", role,
                  "--password-stdin", stdin=PASSWORD + "\n")
        port = free_port()
        server = subprocess.Popen(
            [BIN / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "certprep:create_app()"], env=env, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(100):
            try:
                opener.open(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)

        def token(path: str) -> str:
            page = opener.open(base + path).read().decode()
            return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

        def post(path: str, fields: dict) -> str:
            data = urllib.parse.urlencode(fields).encode()
            return opener.open(base + path, data=data).geturl()

        post("/login", {"csrf_token": token("/login"), "email": EMAIL, "password": PASSWORD})
        landed = post("/exams/new", {"csrf_token": token("/exams/new"), "mode": "timed",
                                     "pool": "all", "count": "100", "action": "start"})
        attempt = re.search(r"/exams/attempts/(\d+)", landed).group(1)
        question = f"/exams/attempts/{attempt}/50"
        csrf = token(question)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            body = urllib.parse.urlencode({"csrf_token": csrf, "response": "A", "go": "next"})
            script.write('wrk.method = "POST"\n'
                         f'wrk.body = "{body}"\n'
                         'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
        figures: dict[str, list[float]] = {"healthz": [], "question page": [], "answer POST": []}
        load = os.getloadavg()
        for _ in range(ROUNDS):
            figures["healthz"].append(wrk(base + "/healthz", cookie))
            figures["question page"].append(wrk(base + question, cookie))
            figures["answer POST"].append(wrk(base + question, cookie, Path(script.name)))
        print(f"{ROUNDS} rounds of {SECONDS} s, wrk -t2 -c{CONNECTIONS}, gunicorn 2 workers, "
              "PostgreSQL; load average before: " + " ".join(f"{v:.1f}" for v in load))
        for page, values in figures.items():
            ratios = [value / healthz for value, healthz in zip(values, figures["healthz"],
                                                                  strict=True)]
            print(f"{page:15} {statistics.median(values):8.0f} req/s (median)  "
                  f"{statistics.median(ratios):.2f} of /healthz (median of rounds; "
                  f"{min(ratios):.2f}-{max(ratios):.2f})")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
