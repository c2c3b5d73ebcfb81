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
