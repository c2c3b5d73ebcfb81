"""Point-in-time recovery as docs/OPERATIONS.md §3 lays it out, with PostgreSQL's own tools on
a cluster the test makes: WAL archiving on (archive_command), a base backup
(scripts/pitr base: pg_basebackup + pg_verifybackup), the old WAL pruned (scripts/pitr prune:
pg_archivecleanup), then two approvals through the real API and worker with a timestamp
noted between them; a NEW cluster recovered to that timestamp (scripts/pitr restore:
restore_command, recovery_target_time) holds exactly the first."""
import os
import subprocess
import time

from clusters import Cluster, as_postgres, owned_folder, psql
from conftest import ROOT, start, wait_http
from test_registration import approval, post
from test_scale_out import sink  # noqa: F401 (fixture)


def pitr(args, timeout=300):
    return subprocess.run([os.path.join(ROOT, "scripts", "pitr"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def archived(cluster, segment):
    """Whether the archiver has copied `segment` (segment names sort in WAL order)."""
    last = psql(cluster.url(), "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")
    return last >= segment


def test_recovery_to_a_timestamp_between_two_approvals_brings_back_exactly_the_first(binary, env, sink, tmp_path):  # noqa: F811
    sink_port, _ = sink
    archive = owned_folder("conoceles-wal-archive-")
    # The settings of docs/OPERATIONS.md §3 (wal_level replica is PostgreSQL's default).
    primary = Cluster.create({
        "wal_level": "replica", "archive_mode": "on",
        "archive_command": f'test ! -f "{archive}/%f" && cp "%p" "{archive}/%f"', "archive_timeout": "60"})
    recovered = None
    backups = owned_folder("conoceles-base-backups-")
    try:
        url = primary.application_database()
        e = dict(env, CONOCELES_DATABASE_URL=url, CONOCELES_SMTP_PORT=sink_port,
                 CONOCELES_PATHS_BLOBS=str(tmp_path / "blobs"))
        m = subprocess.run([binary, "migrate"], cwd=ROOT, env=e, capture_output=True, text=True, timeout=120)
        assert m.returncode == 0, m.stderr
        # WAL from before the base backup, archived: what prune may drop.
        before = psql(primary.url(), "SELECT pg_walfile_name(pg_switch_wal())")
        wait_for(lambda: archived(primary, before), 60, "the archiver to copy the pre-backup WAL")
        assert before in os.listdir(archive)

        # The base backup (as the backup role would take it: a replication connection).
        b = pitr(["base", primary.url(), backups])
        assert b.returncode == 0, b.stdout + b.stderr
        base = b.stdout.strip().splitlines()[-1]
        assert os.path.isfile(os.path.join(base, "backup_label")) and oct(os.stat(base).st_mode & 0o777) == "0o700"
        first_needed = next(line.split()[-1] for line in b.stdout.splitlines() if "primer WAL necesario" in line)
        assert first_needed > before
        p = pitr(["prune", archive, base])
        assert p.returncode == 0, p.stdout + p.stderr
        assert before not in os.listdir(archive), sorted(os.listdir(archive))

        # Two approvals through the API, each applied by the worker; the instant between them noted.
        proc = start(binary, ["up"], e)
        try:
            http = f"http://127.0.0.1:{e['CONOCELES_HTTP_PORT']}"
            wait_http(http + "/health", proc, timeout=60)
            secret = e["CONOCELES_SECURITY_EVENT_HMAC_SECRET"]
            assert post(http, secret, approval(1))[0] == 202
            wait_for(lambda: psql(url, "SELECT count(*) FROM candidacies WHERE id = 'E2E-1'") == "1", 60, "candidacy 1")
            time.sleep(0.5)  # whatever the worker still writes for it (mail, audit) commits before the mark
            target = psql(url, "SELECT clock_timestamp()")
            time.sleep(1.0)
            assert post(http, secret, approval(2))[0] == 202
            wait_for(lambda: psql(url, "SELECT count(*) FROM candidacies WHERE id = 'E2E-2'") == "1", 60, "candidacy 2")
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        # The WAL holding the second approval reaches the archive (archive_timeout would do it within a minute).
        last = psql(primary.url(), "SELECT pg_walfile_name(pg_switch_wal())")
        wait_for(lambda: archived(primary, last), 60, "the archiver to copy the last WAL")

        # A NEW cluster from the base backup and the archive, up to the noted instant.
        data = os.path.join(owned_folder("conoceles-recovered-"), "data")
        r = pitr(["restore", base, archive, data, target])
        assert r.returncode == 0, r.stdout + r.stderr
        again = pitr(["restore", base, archive, data, target])
        assert again.returncode != 0 and "no está vacío" in again.stderr, again.stderr
        recovered = Cluster(data, folder=os.path.dirname(data))
        recovered.start(wait=False)
        recovered.wait_until("SELECT pg_is_in_recovery()", "f", timeout=120)
        restored = recovered.url("conoceles", "conoceles")
        assert psql(restored, "SELECT string_agg(id, ',' ORDER BY id) FROM candidacies") == "E2E-1"
        assert psql(restored, "SELECT string_agg(id, ',' ORDER BY id) FROM registration_events") == "evt-approve-1"
        # The primary has both, and the recovery said where it stopped.
        assert psql(url, "SELECT count(*) FROM candidacies") == "2"
        log = recovered.server_log()
        assert "recovery stopping before commit of transaction" in log and "archive recovery complete" in log, log[-3000:]
        # The copy does not archive into the live archive (archive_mode off until set again).
        assert psql(recovered.url(), "SHOW archive_mode") == "off"
    finally:
        if recovered:
            recovered.remove()
        primary.remove()
        for folder in (archive, backups):
            as_postgres(["rm", "-rf", folder]) if os.geteuid() == 0 else None
            subprocess.run(["rm", "-rf", folder])
