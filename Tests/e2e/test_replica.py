"""database.replica_url (docs/OPERATIONS.md §8): the public portal and the public JSON API read
the published snapshot from a real streaming replica the test makes with pg_basebackup -R,
while everything else (events, sessions) stays on the primary. With the replica's replay
paused, a new version published on the primary does not show; once replayed, it does."""
import json
import os
import subprocess
import time
import urllib.request

from clusters import Cluster, as_postgres, owned_folder, psql
from conftest import ROOT, start, wait_http
from test_registration import approval, post
from test_scale_out import sink  # noqa: F401 (fixture)


def public_version(base):
    with urllib.request.urlopen(base + "/api/v1/publico/candidaturas?por_pagina=1", timeout=30) as r:
        body = json.loads(r.read())
    return body["version"], body["total"]


def current_version(url):
    return int(psql(url, "SELECT coalesce(max(current_version), 0) FROM publication_state"))


def rebuild(binary, env):
    p = subprocess.run([binary, "publication", "rebuild", "--timeout", "120"], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=180)
    assert p.returncode == 0, p.stdout + p.stderr


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_public_reads_come_from_the_replica_and_follow_its_replay(binary, env, sink, tmp_path):  # noqa: F811
    sink_port, _ = sink
    primary = Cluster.create()
    replica = None
    processes = []
    try:
        url = primary.application_database()
        e = dict(env, CONOCELES_DATABASE_URL=url, CONOCELES_SMTP_PORT=sink_port, CONOCELES_PATHS_BLOBS=str(tmp_path / "blobs"))
        demo = subprocess.run([binary, "demo", "--scale", "small"], cwd=ROOT, env=e, capture_output=True, text=True, timeout=300)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        processes.append(start(binary, ["work"], e))
        rebuild(binary, e)
        first = current_version(url)
        assert first > 0

        # The replica: a base backup of the primary with its standby settings (-R), streaming.
        data = os.path.join(owned_folder("conoceles-replica-"), "data")
        b = as_postgres([os.path.join(primary.bin, "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                         "-D", data, "-R", "-X", "stream", "--checkpoint=fast"], timeout=300)
        assert b.returncode == 0, b.stdout + b.stderr
        replica = Cluster(data, folder=os.path.dirname(data))
        replica.start()
        replica.wait_until("SELECT pg_is_in_recovery()", "t")
        replica_url = replica.url("conoceles", "conoceles")
        wait_for(lambda: current_version(replica_url) == first, 60, "the replica to replay the first version")

        serve = start(binary, ["serve"], dict(e, CONOCELES_DATABASE_REPLICA_URL=replica_url))
        processes.append(serve)
        base = f"http://127.0.0.1:{e['CONOCELES_HTTP_PORT']}"
        wait_http(base + "/health", serve, timeout=60)
        version, total = public_version(base)
        assert version == first and total > 0
        some = psql(url, "SELECT candidacy_id FROM published_profiles ORDER BY candidacy_id LIMIT 1")
        with urllib.request.urlopen(f"{base}/perfil/{some}", timeout=30) as r:
            assert r.status == 200

        # The replica stops replaying: a new version on the primary is not shown.
        psql(replica.url(), "SELECT pg_wal_replay_pause()")
        rebuild(binary, e)
        second = current_version(url)
        assert second > first
        time.sleep(7)  # longer than the page cache's version check (5 s)
        assert public_version(base)[0] == first, "public reads must come from the replica"
        assert current_version(replica_url) == first
        # Everything else stays on the primary: an event is accepted (a replica cannot write)
        # and is on the primary, not on the paused replica.
        status, body = post(base, e["CONOCELES_SECURITY_EVENT_HMAC_SECRET"], approval(9001))
        assert status == 202, body
        assert psql(url, "SELECT count(*) FROM registration_events WHERE id = 'evt-approve-9001'") == "1"
        assert psql(replica_url, "SELECT count(*) FROM registration_events WHERE id = 'evt-approve-9001'") == "0"

        # Replay resumes: the new version shows once replicated (or a later one: the approval
        # above reaches the public listing in a refresh of its own, which the replica may
        # replay before the first poll sees the second version).
        psql(replica.url(), "SELECT pg_wal_replay_resume()")
        wait_for(lambda: public_version(base)[0] >= second, 30, "the public API to show the replicated version")
    except BaseException:
        for p in processes:
            print(p.log()[-5000:])
        raise
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=60)
        if replica:
            replica.remove()
        primary.remove()
