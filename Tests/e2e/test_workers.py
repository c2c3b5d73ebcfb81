"""Worker processes as an operator runs them: several `conoceles work` on one database."""
import os
import signal
import subprocess
import time

from conftest import ROOT, start
from test_registration import wait_for


def jobs(binary, env, *args):
    return subprocess.run([binary, "jobs", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def job_state(binary, env, job_id):
    p = jobs(binary, env, "show", str(job_id))
    assert p.returncode == 0, p.stderr
    first = p.stdout.splitlines()[0].split("\t")
    return first[1], p.stdout


def test_a_worker_killed_mid_job_has_its_job_rescued_by_another(binary, env):
    env = dict(env, CONOCELES_WORKER_HEARTBEAT_SECONDS="1", CONOCELES_WORKER_RESCUE_AFTER_SECONDS="3")
    first = start(binary, ["work"], env)
    try:
        time.sleep(1.5)  # let the first worker take the maintenance lease
        p = jobs(binary, env, "probe", "--sleep-ms", "4000", "--wait", "0")
        assert p.returncode == 0, p.stderr
        job_id = int(p.stdout.split()[1])
        wait_for(lambda: job_state(binary, env, job_id)[0] == "running", 15, "the probe job runs")
        first.send_signal(signal.SIGKILL)
        first.wait()
        second = start(binary, ["work"], env)
        try:
            state, shown = wait_for(
                lambda: (lambda s: s if s[0] == "completed" else None)(job_state(binary, env, job_id)), 40,
                "the job is rescued and completed by the second worker")
            assert "intento 2/" in shown
            assert "stopped heartbeating" in shown
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()


def test_sigterm_during_a_job_loses_nothing(binary, env):
    env = dict(env, CONOCELES_WORKER_SHUTDOWN_GRACE_SECONDS="1")
    worker = start(binary, ["work"], env)
    p = jobs(binary, env, "probe", "--sleep-ms", "30000", "--wait", "0")
    job_id = int(p.stdout.split()[1])
    wait_for(lambda: job_state(binary, env, job_id)[0] == "running", 15, "the probe job runs")
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    assert worker.returncode == 0
    state, shown = job_state(binary, env, job_id)
    assert state in ("retryable", "available"), shown
    assert jobs(binary, env, "cancel", str(job_id)).returncode == 0


def test_jobs_cli_validates_its_input(binary, env):
    p = jobs(binary, env, "list", "--state", "perdido")
    assert p.returncode != 0
    assert "estado desconocido" in p.stderr
    p = jobs(binary, env, "show", "999999999")
    assert p.returncode != 0 and "no existe" in p.stderr


def test_jobs_retry_under_a_held_unique_key_says_so(binary, env):
    """A cancelled job whose unique key a newer pending job holds: `jobs retry` refuses in
    Spanish, names the holder, and changes nothing (it used to die on a unique violation)."""
    p = subprocess.run([binary, "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    def insert(sql):
        out = subprocess.run(["psql", env["CONOCELES_DATABASE_URL"], "-qtAc", sql], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[0])

    old = insert("""INSERT INTO jobs (kind, state, finalized_at, unique_key, unique_scope)
                    VALUES ('reports.progress', 'cancelled', now(), 'e2e:held', 'live') RETURNING id""")
    newer = insert("""INSERT INTO jobs (kind, state, scheduled_at, unique_key, unique_scope)
                      VALUES ('reports.progress', 'scheduled', now() + interval '1 day', 'e2e:held', 'live') RETURNING id""")
    p = jobs(binary, env, "retry", str(old))
    assert p.returncode != 0
    assert f"el trabajo {newer} con la misma clave única («e2e:held») está pendiente o en curso" in p.stderr, p.stderr
    assert "23505" not in p.stderr and "duplicate key" not in p.stderr
    assert job_state(binary, env, old)[0] == "cancelled"
    assert jobs(binary, env, "cancel", str(newer)).returncode == 0
    p = jobs(binary, env, "retry", str(old))
    assert p.returncode == 0, p.stderr
    assert "disponible de nuevo" in p.stdout
