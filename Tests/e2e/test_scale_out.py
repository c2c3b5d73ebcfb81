"""Scale-out: two `conoceles work` and two `conoceles serve` processes on one database and
one SMTP sink, driven through a whole demo flow with every step alternating between the
two servers (approval events → credentials mails → activation → capture → photo →
authorization → verification and publication → the public profile on both servers).
Nothing may happen twice: one mail per recipient, one account per person, one transition
and one audit row per action, one photo check per photo."""
import os
import subprocess

import pytest

from conftest import ROOT, free_port, start, wait_http
from scale_out import (CURRICULAR, IDENTITY, Person, credentials, photo_date, recipients, sample_photo, sql, wait_for)
from test_registration import approval, mail_count, post

REPRESENTATIVE = "rep.mc@example.mx"


class Cluster:
    """Servers and workers started with `env`; stopped (SIGTERM, then waited) on close."""

    def __init__(self, binary, env, servers, workers):
        self.processes = []
        self.bases = []
        for _ in range(workers):
            self.processes.append(start(binary, ["work"], env))
        for _ in range(servers):
            port = str(free_port())
            self.processes.append(start(binary, ["serve"], dict(env, CONOCELES_HTTP_PORT=port)))
            self.bases.append(f"http://127.0.0.1:{port}")
        for base, proc in zip(self.bases, self.processes[workers:]):
            wait_http(base + "/health", proc, timeout=60)

    def server(self, i):
        """The server for step `i`: steps alternate between them."""
        return self.bases[i % len(self.bases)]

    def logs(self):
        return "\n".join(p.log() for p in self.processes)

    def close(self):
        for p in self.processes:
            if p.poll() is None:
                p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture
def sink(tmp_path):
    maildir = tmp_path / "maildir"
    port = str(free_port())
    proc = subprocess.Popen([os.path.join(ROOT, ".venv/bin/python"), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)])
    yield port, str(maildir)
    proc.kill()


def cluster_env(env, sink_port, tmp_path):
    # Every process shares the database, the SMTP sink and the blob directory (photos are
    # received by a server and checked by a worker).
    return dict(env, CONOCELES_SMTP_PORT=sink_port, CONOCELES_PATHS_BLOBS=str(tmp_path / "blobs"),
                CONOCELES_HTTP_PUBLIC_URL="https://conoceles.example.mx",
                # No polling to speak of (10 minutes): every job must be woken by LISTEN/NOTIFY.
                CONOCELES_WORKER_POLL_INTERVAL_MS="600000")


def drive_demo_flow(binary, cluster, env, maildir, tmp_path, candidacies):
    """The whole path for `candidacies` candidacies of one party; every step goes to the
    next server in turn. Returns the candidacy ids."""
    secret = env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"]
    ids = [f"E2E-{n}" for n in range(1, candidacies + 1)]
    # The registration system posts each approval to one server and, again, to the other.
    for n in range(1, candidacies + 1):
        event = approval(n, representative=REPRESENTATIVE)
        assert post(cluster.server(n), secret, event)[0] == 202
        status, body = post(cluster.server(n + 1), secret, event)
        assert status == 200 and body["duplicate"] is True
    wait_for(lambda: mail_count(maildir) >= candidacies + 1, 90, "one credentials mail per candidate and the party's")

    step = 0
    for n, candidacy in enumerate(ids, start=1):
        person = Person()
        link, username = credentials(maildir, f"persona{n}@example.mx")
        person.activate(cluster.server(step), link)
        step += 1
        assert person.sign_in(cluster.server(step), username) == "/inicio"
        step += 1
        status, _, _ = person.post(cluster.server(step), f"/candidaturas/{candidacy}/aviso", [("acepto", "si")])
        assert status == 303
        step += 1
        photo = sample_photo(binary, str(tmp_path / f"foto-{n}.jpg"), seed=n)
        status, _, page = person.upload(cluster.server(step), f"/candidaturas/{candidacy}/foto", [("fecha_toma", photo_date())],
                                        [("foto", f"foto-{n}.jpg", "image/jpeg", photo)])
        assert status in (200, 303), page[:500]
        step += 1
        status, _, page = person.post(cluster.server(step), f"/candidaturas/{candidacy}/curricular", CURRICULAR)
        assert status == 303, page[:1000]
        step += 1
        status, _, page = person.post(cluster.server(step), f"/candidaturas/{candidacy}/identidad", IDENTITY)
        assert status == 303, page[:1000]
        step += 1

    # The photo checks run on the workers; then every profile is complete.
    wait_for(lambda: sql(env, "SELECT count(*) FROM photos WHERE status = 'accepted'") == str(candidacies), 60,
             "every photo checked and accepted")
    # The photo check (a worker) or the last save (a server) completes each profile.
    for candidacy in ids:
        try:
            wait_for(lambda: sql(env, f"SELECT state FROM profile_workflows WHERE candidacy_id = '{candidacy}'") == "completo",
                     30, f"{candidacy} complete")
        except AssertionError:
            print(sql(env, "SELECT candidacy_id, state FROM profile_workflows ORDER BY 1"))
            print(sql(env, "SELECT candidacy_id, status FROM photos ORDER BY 1"))
            print(sql(env, "SELECT candidacy_id, action, from_state, to_state, actor_id, occurred_at FROM profile_transitions ORDER BY id"))
            print(sql(env, "SELECT candidacy_id, answers->'photo' FROM curricular_questionnaires ORDER BY 1"))
            raise

    # The party's representative authorizes each profile, on alternating servers.
    representative = Person()
    link, username = credentials(maildir, REPRESENTATIVE)
    representative.activate(cluster.server(step), link)
    assert representative.sign_in(cluster.server(step + 1), username) == "/inicio"
    for n, candidacy in enumerate(ids):
        status, _, page = representative.post(cluster.server(n), f"/candidaturas/{candidacy}/autorizar", [])
        assert status == 200 and "<h2>Autorizadas</h2>" in page and 'class="error"' not in page, page

    # Staff verify and publish each one, on alternating servers.
    out = subprocess.run([binary, "accounts", "staff", "--role", "instancia_interna", "--username", "ana.transparencia",
                          "--email", "ana@iepc.example.mx", "--name", "Ana Transparencia"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    staff = Person()
    staff.activate(cluster.server(0), out.strip().splitlines()[-1])
    assert staff.sign_in(cluster.server(1), "ana.transparencia") == "/inicio"
    for n, candidacy in enumerate(ids):
        status, _, page = staff.post(cluster.server(n), f"/instancia/candidaturas/{candidacy}/verificar", [("publicar", "si")])
        assert status == 303, page[:500]
    for candidacy in ids:
        assert sql(env, f"SELECT state FROM profile_workflows WHERE candidacy_id = '{candidacy}'") == "publicado"

    # The rebuilt snapshot is served by every server.
    for base in cluster.bases:
        for n, candidacy in enumerate(ids, start=1):
            wait_for(lambda: (lambda r: r[0] == 200 and f"Persona Candidata Número {n}" in r[2])(
                Person().get(base, f"/perfil/{candidacy}")), 60, f"{candidacy} public on {base}")
    return ids


def assert_nothing_happened_twice(env, maildir, ids):
    mails = recipients(maildir)
    assert all(count == 1 for count in mails.values()), mails
    assert len(mails) == len(ids) + 1
    # One account per person, one credentials record per account.
    assert sql(env, "SELECT count(*) FROM accounts WHERE role = 'persona_candidata'") == str(len(ids))
    assert sql(env, "SELECT count(DISTINCT candidacy_id) FROM accounts WHERE role = 'persona_candidata'") == str(len(ids))
    assert sql(env, "SELECT count(*) FROM accounts WHERE role = 'representacion'") == "1"
    assert sql(env, "SELECT count(*) FROM accounts WHERE role IN ('persona_candidata', 'representacion') "
                    "AND credentials_sent_at IS NOT NULL") == str(len(ids) + 1)
    # Every approval applied once; the duplicates were recognized, not applied again.
    assert sql(env, "SELECT count(*) FROM registration_events WHERE status = 'applied'") == str(len(ids))
    assert sql(env, "SELECT count(*) FROM candidacies") == str(len(ids))
    # Each credentials batch job ran once, completed at its first attempt, and no account was
    # sent twice (one e-mail per address above, one record per account).
    assert sql(env, "SELECT count(*) FROM jobs WHERE kind = 'mail.credentials' AND (state <> 'completed' OR attempt <> 1)") == "0"
    assert sql(env, "SELECT count(*) FROM accounts WHERE credentials_resends > 0") == "0"
    assert sql(env, "SELECT count(*) FROM photos") == str(len(ids))
    assert sql(env, "SELECT count(*) FROM jobs WHERE kind = 'photo.check' AND attempt > 1") == "0"
    # One transition per action per profile, and one audit row per transition.
    assert sql(env, "SELECT count(*) FROM (SELECT candidacy_id, action FROM profile_transitions "
                    "GROUP BY 1, 2 HAVING count(*) > 1) d") == "0"
    for action in ("autorizar", "verificar", "publicar"):
        assert sql(env, f"SELECT count(*) FROM profile_transitions WHERE action = '{action}'") == str(len(ids))
    duplicated = sql(env, "SELECT string_agg(action || ' ' || subject_id, ', ') FROM (SELECT action, subject_id, changes "
                          "FROM audit_log WHERE action <> 'session.sign_in' GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
    assert duplicated == "", duplicated
    # One maintenance leader at a time: the lease row names one worker.
    assert sql(env, "SELECT count(*) FROM job_leaders WHERE name = 'maintenance'") == "1"


def test_two_servers_and_two_workers_run_the_whole_flow_without_doing_anything_twice(binary, env, sink, tmp_path):
    sink_port, maildir = sink
    env = cluster_env(env, sink_port, tmp_path)
    cluster = Cluster(binary, env, servers=2, workers=2)
    try:
        ids = drive_demo_flow(binary, cluster, env, maildir, tmp_path, candidacies=4)
        assert_nothing_happened_twice(env, maildir, ids)
        # Both workers took jobs (the queue spread the work), and both servers answered requests.
        workers = sql(env, "SELECT count(DISTINCT attempted_by) FROM jobs WHERE attempted_by IS NOT NULL")
        assert int(workers) == 2, workers
    except BaseException:
        print(cluster.logs()[-20000:])
        raise
    finally:
        cluster.close()
