"""Shared fixtures for the end-to-end suites: the built binary and a clean environment."""
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def binary():
    path = os.environ.get("BIN") or os.path.join(ROOT, ".build", "debug", "conoceles")
    assert os.access(path, os.X_OK), f"build the binary first: {path}"
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env():
    """The environment scripts/test exports (secrets), on a free HTTP port and a fresh
    database of its own (dropped afterwards), so tests don't see each other's jobs."""
    e = dict(os.environ)
    assert "CONOCELES_DATABASE_URL" in e, "run through scripts/test (it starts PostgreSQL)"
    admin = e["CONOCELES_DATABASE_URL"]
    name = "e2e_" + os.urandom(6).hex()
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    e["CONOCELES_DATABASE_URL"] = admin.rsplit("/", 1)[0] + "/" + name
    e["CONOCELES_ADMIN_DATABASE_URL"] = admin
    e["CONOCELES_HTTP_PORT"] = str(free_port())
    # serve/work/up need a public URL and (on these fresh databases) migrate at start, as
    # scripts/test and scripts/up arrange; tests that check either refusal remove them.
    e.setdefault("CONOCELES_HTTP_PUBLIC_URL", f"http://127.0.0.1:{e['CONOCELES_HTTP_PORT']}")
    e.setdefault("CONOCELES_DATABASE_MIGRATE_ON_START", "true")
    yield e
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def wait_http(url, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"process exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                return r.status, r.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {timeout}s")


def start(binary, args, env):
    """Starts the binary with its output in a log file (a pipe nobody reads would fill up and
    block the server); `proc.log()` returns what it wrote so far."""
    log = tempfile.NamedTemporaryFile(prefix="conoceles-", suffix=".log", delete=False)
    proc = subprocess.Popen([binary, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log = lambda: open(log.name, encoding="utf-8", errors="replace").read()
    return proc
