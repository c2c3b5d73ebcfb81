"""The `conoceles` binary as an operator meets it: help, fail-fast start-up, up and shutdown."""
import signal
import subprocess
import time
import urllib.request

from conftest import ROOT, start, wait_http


def run(binary, args, env, timeout=20):
    t0 = time.monotonic()
    p = subprocess.run([binary, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return p, time.monotonic() - t0


def test_help_lists_the_commands(binary, env):
    p, _ = run(binary, ["--help"], env)
    assert p.returncode == 0
    for command in ("up", "serve", "work", "migrate"):
        assert f"  {command}" in p.stdout


def test_connection_refused_fails_fast_with_the_real_reason(binary, env):
    env["CONOCELES_DATABASE_URL"] = "postgres://conoceles@127.0.0.1:9/conoceles"
    p, seconds = run(binary, ["up"], env)
    assert p.returncode != 0
    assert seconds < 5, f"took {seconds:.1f}s"
    assert "No se pudo conectar a PostgreSQL" in p.stderr
    assert "refused" in p.stderr.lower()


def test_unknown_role_fails_fast_with_postgres_message(binary, env):
    url = env["CONOCELES_DATABASE_URL"].replace("://conoceles@", "://intruso@")
    env["CONOCELES_DATABASE_URL"] = url
    p, seconds = run(binary, ["up"], env)
    assert p.returncode != 0
    assert seconds < 5
    assert 'role "intruso" does not exist' in p.stderr


def test_a_wrong_value_names_the_key(binary, env):
    env["CONOCELES_HTTP_PORT"] = "puerto"
    p, seconds = run(binary, ["up"], env)
    assert p.returncode != 0
    assert seconds < 5
    assert "http.port" in p.stderr and "CONOCELES_HTTP_PORT" in p.stderr and "no es un número" in p.stderr


def test_up_serves_health_and_home_then_stops_on_sigterm(binary, env):
    proc = start(binary, ["up"], env)
    try:
        base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
        status, _ = wait_http(base + "/health", proc)
        assert status == 200
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            page = r.read().decode()
            assert r.status == 200
            assert "Conóceles" in page and 'lang="es-MX"' in page
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    assert proc.returncode == 0, proc.log()
    assert env["CONOCELES_SECURITY_ENCRYPTION_KEY"] not in proc.log()


def test_migrate_is_idempotent(binary, env):
    p1, _ = run(binary, ["migrate"], env)
    assert p1.returncode == 0, p1.stderr
    p2, _ = run(binary, ["migrate"], env)
    assert p2.returncode == 0, p2.stderr
    assert "ya está al día" in p2.stdout
