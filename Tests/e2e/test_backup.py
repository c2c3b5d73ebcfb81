"""Backup and restore as an operator runs them: scripts/backup-check loads the demo election,
backs it up (pg_dump + blob store), restores into a new database and blob directory, and
compares rows per table, blob files and the encrypted columns."""
import os
import subprocess

from conftest import ROOT


def test_a_backup_restores_into_a_new_database_with_the_same_rows_files_and_readable_secrets(binary):
    env = dict(os.environ, BIN=binary)
    p = subprocess.run([os.path.join(ROOT, "scripts/backup-check")], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    last = p.stdout.strip().splitlines()[-1]
    assert last.startswith("backup-check: ok "), last
    fields = dict(item.split("=") for item in last.split()[2:])
    assert int(fields["tables"]) >= 20 and int(fields["rows"]) > 0
    assert int(fields["blob_files"]) > 0 and int(fields["sealed_opened"]) > 0
    # Nothing left behind: both throwaway databases were dropped.
    left = subprocess.run(["psql", os.environ["CONOCELES_DATABASE_URL"], "-tAXc",
                           "SELECT count(*) FROM pg_database WHERE datname LIKE 'backupcheck_%'"],
                          capture_output=True, text=True).stdout.strip()
    assert left == "0"


# --- backup → wipe → restore, as the IT staff of an electoral body run it ---------------------

import base64
import re
import shutil
import stat
import tempfile
import pwd

BLOB_LOCK = 0x636F6E6F626C6F62  # SensitiveDataPurge.blobDeletionLock, scripts/backup's BACKUP_LOCK


def run(binary, args, env, timeout=300):
    return subprocess.run([binary, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def script(name, args, env, timeout=300):
    return subprocess.run([os.path.join(ROOT, "scripts", name), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def psql(url, sql):
    p = subprocess.run(["psql", url, "-tAXc", sql], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def table_counts(url):
    tables = psql(url, "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
    return {t: int(psql(url, f'SELECT count(*) FROM public."{t}"')) for t in tables.split()}


def blob_files(root):
    found = {}
    for folder, _, files in os.walk(root):
        for f in files:
            with open(os.path.join(folder, f), "rb") as fh:
                found[os.path.relpath(os.path.join(folder, f), root)] = fh.read()
    return found


def loaded(binary, env, consent_documents=3):
    """The small demo election with sealed consent documents, in env's database and a fresh blob folder."""
    env["CONOCELES_PATHS_BLOBS"] = tempfile.mkdtemp(prefix="conoceles-blobs-")
    env["CONOCELES_SECURITY_ENCRYPTION_KEY_ID"] = "viejo"
    demo = run(binary, ["demo", "--scale", "small", "--consent-documents", str(consent_documents)], env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    return env


def test_backup_wipe_restore_brings_back_rows_photos_consent_documents_and_sealed_answers(binary, env):
    env = loaded(binary, env)
    url, blobs = env["CONOCELES_DATABASE_URL"], env["CONOCELES_PATHS_BLOBS"]
    # A key rotation begun and not run: the current key is "nuevo", every sealed value still
    # needs "viejo". The manifest must name the key the data need, not only the current one.
    old_key = env["CONOCELES_SECURITY_ENCRYPTION_KEY"]
    env.update(CONOCELES_SECURITY_ENCRYPTION_KEY=base64.b64encode(os.urandom(32)).decode(),
               CONOCELES_SECURITY_ENCRYPTION_KEY_ID="nuevo", CONOCELES_SECURITY_PREVIOUS_KEYS=f"viejo:{old_key}")
    before_rows, before_files = table_counts(url), blob_files(blobs)
    assert before_rows["consent_documents"] == 3 and before_rows["photos"] > 0 and before_rows["identity_questionnaires"] > 0
    check = run(binary, ["keys", "check"], env)
    assert check.returncode == 0, check.stdout + check.stderr
    sealed = int(re.search(r"^Cuestionarios de identidad: (\d+) cifrados", check.stdout, re.M).group(1))

    dest = tempfile.mkdtemp(prefix="conoceles-backups-")
    backup = script("backup", [dest], env)
    assert backup.returncode == 0, backup.stdout + backup.stderr
    out = backup.stdout.strip().splitlines()[-1]
    manifest = open(os.path.join(out, "MANIFEST")).read()
    assert "key_ids_needed: viejo\n" in manifest and "encryption_key_id: nuevo\n" in manifest, manifest
    assert f"blobs_path: {blobs}\n" in manifest
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700
    for f in os.listdir(out):
        assert stat.S_IMODE(os.stat(os.path.join(out, f)).st_mode) == 0o600, f
    referenced = open(os.path.join(out, "referenced.txt")).read().split()
    assert len(referenced) == int(psql(url, "SELECT count(DISTINCT sha256) FROM (SELECT sha256 FROM photos WHERE original_purged_at IS NULL UNION ALL "
                                            "SELECT sha256 FROM photo_variants UNION ALL SELECT sha256 FROM consent_documents) t"))

    # Wipe: the database and the blob folder are gone.
    admin, name = env["CONOCELES_ADMIN_DATABASE_URL"], url.rsplit("/", 1)[1]
    psql(admin, f"DROP DATABASE {name} WITH (FORCE)")
    shutil.rmtree(blobs)

    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    restore = script("restore", [out, url, blobs], dict(env, RESTORE_OWNER=owner.pw_name))
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "llaves necesarias / key ids needed: viejo" in restore.stdout

    assert table_counts(url) == before_rows
    assert blob_files(blobs) == before_files
    for folder, dirs, files in os.walk(blobs):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700 and os.stat(folder).st_uid == owner.pw_uid, folder
        for f in files:
            st = os.stat(os.path.join(folder, f))
            assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == owner.pw_uid, f
    after = run(binary, ["keys", "check"], env)
    assert after.returncode == 0, after.stdout + after.stderr
    assert f"Cuestionarios de identidad: {sealed} cifrados (viejo: {sealed}); abren: {sealed}; no abren: 0" in after.stdout
    assert "Documentos de consentimiento: 3 cifrados (viejo: 3); abren: 3; no abren: 0" in after.stdout
    # Without the previous key the manifest named, the restored data do not open.
    current_only = {k: v for k, v in env.items() if k != "CONOCELES_SECURITY_PREVIOUS_KEYS"}
    assert run(binary, ["keys", "check"], current_only).returncode != 0


def test_a_backup_without_its_blob_folder_fails_and_writes_nothing(binary, env):
    env = loaded(binary, env, consent_documents=0)
    dest = tempfile.mkdtemp(prefix="conoceles-backups-")
    env["CONOCELES_PATHS_BLOBS"] = env["CONOCELES_PATHS_BLOBS"] + "-no-existe"
    p = script("backup", [dest], env)
    assert p.returncode != 0
    assert "no existe la carpeta de archivos" in p.stderr and "-no-existe" in p.stderr, p.stderr
    assert os.listdir(dest) == []


def test_a_backup_missing_a_file_a_row_names_fails(binary, env):
    env = loaded(binary, env, consent_documents=1)
    blobs = env["CONOCELES_PATHS_BLOBS"]
    gone = psql(env["CONOCELES_DATABASE_URL"], "SELECT sha256 FROM consent_documents LIMIT 1")
    os.remove(os.path.join(blobs, gone[:2], gone[2:4], gone))
    dest = tempfile.mkdtemp(prefix="conoceles-backups-")
    p = script("backup", [dest], env)
    assert p.returncode != 0
    assert "faltan 1 archivos que la base de datos nombra" in p.stderr and gone in p.stderr, p.stderr
    assert os.listdir(dest) == []


def test_a_backup_waits_for_blob_deletions_and_gives_up_after_its_lock_timeout(binary, env):
    """A deletion of blobs (purge, key rotation) in progress holds the lock shared: the backup
    does not take its snapshot meanwhile."""
    env = loaded(binary, env, consent_documents=0)
    holder = subprocess.Popen(["psql", env["CONOCELES_DATABASE_URL"], "-qtAX"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        holder.stdin.write(f"BEGIN; SELECT pg_advisory_xact_lock_shared({BLOB_LOCK}); SELECT 'held';\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() in ("", "held")
        dest = tempfile.mkdtemp(prefix="conoceles-backups-")
        p = script("backup", [dest], dict(env, BACKUP_LOCK_TIMEOUT="1s"), timeout=60)
        assert p.returncode != 0 and "no se obtuvo el candado de borrado de archivos" in p.stderr, p.stderr
        assert os.listdir(dest) == []
    finally:
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    p = script("backup", [tempfile.mkdtemp(prefix="conoceles-backups-")], env)
    assert p.returncode == 0, p.stderr
