"""Operating the system as an electoral body's IT staff would (docs/OPERATIONS.md): start-up
refusals with Spanish messages (public URL, log level, schema behind/newer/changed), the
upgrade step `conoceles migrate`, the rollback by restoring the pre-upgrade backup, request
logs with X-Request-Id, JSON logs and /health/ready."""
import json
import os
import pwd
import subprocess
import tempfile
import urllib.error
import urllib.request

from conftest import ROOT, start, wait_http


def run(binary, args, env, timeout=120):
    return subprocess.run([binary, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def psql(url, sql):
    p = subprocess.run(["psql", url, "-tAXc", sql], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def service(env, **changes):
    """The environment of a production service: no migration at start, unless changed."""
    e = dict(env, CONOCELES_DATABASE_MIGRATE_ON_START="false")
    e.update(changes)
    return {k: v for k, v in e.items() if v is not None}


def test_serve_and_work_refuse_to_start_without_a_valid_public_url(binary, env):
    assert run(binary, ["migrate"], env).returncode == 0
    for command in ("serve", "work", "up"):
        p = run(binary, [command], service(env, CONOCELES_HTTP_PUBLIC_URL=None), timeout=30)
        assert p.returncode == 78, (command, p.stderr)
        assert "falta «http.public_url» (variable CONOCELES_HTTP_PUBLIC_URL)" in p.stderr, p.stderr
    p = run(binary, ["serve"], service(env, CONOCELES_HTTP_PUBLIC_URL="conoceles.example.mx"), timeout=30)
    assert p.returncode == 78 and "«http.public_url»" in p.stderr and "no es una URL absoluta" in p.stderr, p.stderr


def test_an_invalid_log_level_stops_start_up(binary, env):
    p = run(binary, ["migrate"], dict(env, CONOCELES_LOG_LEVEL="verbose"), timeout=30)
    assert p.returncode == 78 and "«log.level»" in p.stderr and "no es un nivel válido" in p.stderr, p.stderr
    p = run(binary, ["migrate", "--log-level", "ruidoso"], env, timeout=30)
    assert p.returncode == 78 and "--log-level «ruidoso» no es un nivel válido" in p.stderr, p.stderr


def test_a_service_refuses_a_database_behind_until_conoceles_migrate_runs(binary, env):
    p = run(binary, ["serve"], service(env), timeout=30)
    assert p.returncode == 78, p.stderr
    assert "La base de datos no está al día" in p.stderr and "conoceles migrate" in p.stderr, p.stderr
    assert psql(env["CONOCELES_DATABASE_URL"], "SELECT count(*) FROM pg_tables WHERE tablename = 'candidacies'") == "0"
    m = run(binary, ["migrate"], env)
    assert m.returncode == 0 and "Migraciones aplicadas" in m.stdout, m.stderr
    blobs = tempfile.mkdtemp(prefix="conoceles-blobs-")
    proc = start(binary, ["serve"], service(env, CONOCELES_LOG_FORMAT="json", CONOCELES_PATHS_BLOBS=blobs))
    try:
        base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
        status, body = wait_http(base + "/health/ready", proc)
        assert status == 200 and "base de datos: ok" in body and "archivos: ok" in body and "cola: ok" in body, body
        # Readiness follows the blob store: its folder gone (an unmounted volume), 503.
        os.rmdir(blobs)
        try:
            urllib.request.urlopen(base + "/health/ready")
            raise AssertionError("ready without its blob folder")
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            assert e.code == 503 and "archivos: falla" in body and "base de datos: ok" in body, body
        os.mkdir(blobs)
        # The request id: a sane incoming one comes back, anything else is replaced.
        with urllib.request.urlopen(urllib.request.Request(base + "/health", headers={"X-Request-Id": "lb-1234.abc"})) as r:
            assert r.headers["X-Request-Id"] == "lb-1234.abc"
        with urllib.request.urlopen(urllib.request.Request(base + "/health", headers={"X-Request-Id": "x" * 65})) as r:
            generated = r.headers["X-Request-Id"]
            assert len(generated) == 32 and generated != "x" * 65
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    lines = [json.loads(line) for line in proc.log().splitlines() if line.startswith("{")]
    assert lines, proc.log()[-2000:]
    requests = [entry for entry in lines if entry.get("message") == "request"]
    mine = [entry for entry in requests if entry.get("request_id") == "lb-1234.abc"]
    assert len(mine) == 1 and mine[0]["level"] == "info" and mine[0]["status"] == "200", requests
    assert mine[0]["hb.request.path"] == "/health" and float(mine[0]["duration_ms"]) >= 0
    assert any(entry.get("request_id") == generated for entry in requests)


def test_a_process_refuses_a_schema_it_does_not_know_and_a_changed_migration(binary, env):
    url = env["CONOCELES_DATABASE_URL"]
    assert run(binary, ["migrate"], env).returncode == 0
    assert psql(url, "SELECT count(*) FROM schema_migrations WHERE checksum IS NULL") == "0"
    # A newer release migrated this database.
    psql(url, "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'futura', repeat('0', 64))")
    for args in (["serve"], ["work"], ["migrate"]):
        p = run(binary, args, service(env), timeout=30)
        assert p.returncode == 78, (args, p.stderr)
        assert "migraciones que este programa no conoce (9999)" in p.stderr, p.stderr
    psql(url, "DELETE FROM schema_migrations WHERE version = 9999")
    # An applied migration edited after it was applied.
    psql(url, "UPDATE schema_migrations SET checksum = repeat('f', 64) WHERE version = 19")
    for args in (["serve"], ["migrate"]):
        p = run(binary, args, service(env), timeout=30)
        assert p.returncode == 78, (args, p.stderr)
        assert "0019_publication_snapshots.sql" in p.stderr and "no coinciden" in p.stderr, p.stderr


def test_a_database_from_before_checksums_is_backfilled_on_the_first_run(binary, env):
    url = env["CONOCELES_DATABASE_URL"]
    assert run(binary, ["migrate"], env).returncode == 0
    psql(url, "ALTER TABLE schema_migrations DROP COLUMN checksum")
    m = run(binary, ["migrate"], env)
    assert m.returncode == 0 and "ya está al día" in m.stdout, m.stderr
    assert psql(url, "SELECT count(*) FROM schema_migrations WHERE checksum ~ '^[0-9a-f]{64}$'") == \
        psql(url, "SELECT count(*) FROM schema_migrations")


def test_rollback_restores_the_pre_upgrade_backup_for_the_previous_release(binary, env):
    """docs/OPERATIONS.md §5, rehearsed: back up, upgrade (here a newer release's migration),
    the previous binary refuses the new schema, restore the backup into a new database, and
    the previous binary serves it with the same rows."""
    url, admin = env["CONOCELES_DATABASE_URL"], env["CONOCELES_ADMIN_DATABASE_URL"]
    env["CONOCELES_PATHS_BLOBS"] = tempfile.mkdtemp(prefix="conoceles-blobs-")
    assert run(binary, ["demo", "--scale", "small"], env, timeout=300).returncode == 0
    candidacies = psql(url, "SELECT count(*) FROM candidacies")
    backup = subprocess.run([os.path.join(ROOT, "scripts/backup"), tempfile.mkdtemp(prefix="conoceles-backups-")], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert backup.returncode == 0, backup.stderr
    out = backup.stdout.strip().splitlines()[-1]
    # The upgrade: a newer release's migration (additive and one the old release cannot know).
    psql(url, "CREATE TABLE future_feature (id int); "
              "INSERT INTO schema_migrations (version, name, checksum) VALUES (9998, 'future_feature', repeat('a', 64))")
    refused = run(binary, ["serve"], service(env), timeout=30)
    assert refused.returncode == 78 and "(9998)" in refused.stderr, refused.stderr
    # Rollback: the pre-upgrade backup into a new database and blob folder.
    restored_url = admin.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1] + "_rollback"
    blobs = env["CONOCELES_PATHS_BLOBS"] + "-rollback"
    try:
        r = subprocess.run([os.path.join(ROOT, "scripts/restore"), out, restored_url, blobs], cwd=ROOT,
                           env=dict(env, RESTORE_OWNER=pwd.getpwuid(os.geteuid()).pw_name), capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        back = service(env, CONOCELES_DATABASE_URL=restored_url, CONOCELES_PATHS_BLOBS=blobs)
        proc = start(binary, ["serve"], back)
        try:
            status, body = wait_http(f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}/health/ready", proc)
            assert status == 200, body
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        assert psql(restored_url, "SELECT count(*) FROM candidacies") == candidacies
        assert psql(restored_url, "SELECT count(*) FROM schema_migrations WHERE version >= 9998") == "0"
    finally:
        psql(admin, f"DROP DATABASE IF EXISTS {restored_url.rsplit('/', 1)[1]} WITH (FORCE)")
