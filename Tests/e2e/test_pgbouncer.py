"""pgbouncer in transaction mode between the application and PostgreSQL: every query of a
server and a worker goes through it (PostgresNIO's unnamed statements, transactions, the
queue's SKIP LOCKED fetch), while LISTEN and the migrations' session lock use the direct
connection of `database.listen_url`. The demo flow must run as it does without it."""
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse

import pytest

from conftest import free_port
from scale_out import sql
from test_scale_out import Cluster, assert_nothing_happened_twice, cluster_env, drive_demo_flow, sink  # noqa: F401

PGBOUNCER = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if os.access("/usr/sbin/pgbouncer", os.X_OK) else None)


@pytest.fixture
def pgbouncer(env):
    """pgbouncer in transaction mode in front of the test's database; yields its URL."""
    if PGBOUNCER is None:
        pytest.skip("pgbouncer is not installed (Debian package pgbouncer; scripts/setup installs it)")
    direct = urllib.parse.urlsplit(env["CONOCELES_DATABASE_URL"])
    folder = tempfile.mkdtemp(prefix="conoceles-pgbouncer-")
    os.chmod(folder, 0o755)
    port = free_port()
    with open(os.path.join(folder, "pgbouncer.ini"), "w") as f:
        f.write(f"""[databases]
* = host={direct.hostname} port={direct.port}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options,application_name
logfile = {folder}/pgbouncer.log
admin_users = {direct.username}
""")
    with open(os.path.join(folder, "userlist.txt"), "w") as f:
        f.write(f'"{direct.username}" ""\n')
    command = [PGBOUNCER]
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        subprocess.run(["chown", "-R", "postgres", folder], check=True)
        command += ["-u", "postgres"]
    proc = subprocess.Popen(command + [os.path.join(folder, "pgbouncer.ini")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    pooled = urllib.parse.urlunsplit(direct._replace(netloc=f"{direct.username}@127.0.0.1:{port}"))
    deadline = time.monotonic() + 10
    while subprocess.run(["psql", pooled, "-tAXc", "SELECT 1"], capture_output=True).returncode != 0:
        assert proc.poll() is None and time.monotonic() < deadline, open(os.path.join(folder, "pgbouncer.log")).read()
        time.sleep(0.1)
    try:
        yield pooled, folder
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_demo_flow_runs_through_pgbouncer_in_transaction_mode(binary, env, sink, pgbouncer, tmp_path):  # noqa: F811
    sink_port, maildir = sink
    pooled, folder = pgbouncer
    env = cluster_env(env, sink_port, tmp_path)
    env = dict(env, CONOCELES_DATABASE_URL=pooled, CONOCELES_DATABASE_LISTEN_URL=env["CONOCELES_DATABASE_URL"])
    cluster = Cluster(binary, env, servers=1, workers=1)
    try:
        ids = drive_demo_flow(binary, cluster, env, maildir, tmp_path, candidacies=2)
        assert_nothing_happened_twice(env, maildir, ids)
        # Two LISTEN sessions, both direct connections: the worker's (jobs) and the server's
        # page-cache watcher (publication); everything else went through pgbouncer, which
        # counted the transactions.
        direct_env = dict(env, CONOCELES_DATABASE_URL=env["CONOCELES_DATABASE_LISTEN_URL"])
        listening = sql(direct_env, "SELECT string_agg(query, ' | ' ORDER BY query) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND query ILIKE 'LISTEN%'")
        assert listening.count("LISTEN") == 2 and "conoceles_publication" in listening and "conoceles_jobs" in listening, listening
        database = urllib.parse.urlsplit(pooled).path.lstrip("/")
        admin = pooled.rsplit("/", 1)[0] + "/pgbouncer"
        stats = subprocess.run(["psql", admin, "-tAXF", "|", "-c", "SHOW STATS"], capture_output=True, text=True, check=True).stdout
        row = next(line.split("|") for line in stats.splitlines() if line.startswith(database + "|"))
        assert int(row[1]) > 100, stats  # total_xact_count
    except BaseException:
        print(cluster.logs()[-20000:])
        print(open(os.path.join(folder, "pgbouncer.log")).read()[-5000:])
        raise
    finally:
        cluster.close()
