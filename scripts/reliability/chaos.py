"""Driver of scripts/chaos (stdlib only): faults while the system works, then an audit.

Starts `conoceles serve` and several `conoceles work` on a fresh database of a PostgreSQL
cluster of its own (scripts/db of this checkout) with a fresh SMTP sink, then, while it posts
N signed candidacy.approved events (scripts/bench/ingest.py's events and signature) and
simulated candidates save their curricular forms:
  - kills a random worker with SIGKILL at least --kills times (and starts another),
  - restarts PostgreSQL once (pg_ctl restart -m fast),
  - stops the SMTP sink for --sink-down seconds.
Then waits for the queue to drain and checks with SQL and the Maildir: every event applied
exactly once, one credentials message per account (duplicates counted and listed), no job
lost (each completed, or discarded with its error visible), the published snapshot equal to
the approved candidacies. Last line:
  CHAOS events=N applied_once=N lost_jobs=N duplicate_mails=N distinct_duplicates=N kills=N
"""
import argparse
import collections
import email
import email.header
import hashlib
import http.client
import json
import mailbox
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "bench"))
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
from ingest import events, psql  # noqa: E402
from seeded import Client, page_form, sign  # noqa: E402

PASSWORD = "clave-del-caos-2024"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Fleet:
    """The processes under test; restarts whatever dies (and counts it)."""

    def __init__(self, args, env):
        self.args, self.env = args, env
        self.lock = threading.Lock()
        self.workers = []
        self.server = None
        self.sink = None
        self.kills = 0
        self.unexpected_exits = collections.Counter()
        self.stopping = False
        self.logs = os.path.join(args.work, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.serial = 0

    def spawn(self, *argv):
        self.serial += 1
        out = open(os.path.join(self.logs, f"{argv[0]}-{self.serial}.log"), "wb")
        return subprocess.Popen([self.args.binary, *argv], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def start_sink(self):
        self.sink = subprocess.Popen([os.path.join(ROOT, ".venv/bin/python"), "-m", "aiosmtpd", "-n", "-l",
                                      f"127.0.0.1:{self.env['CONOCELES_SMTP_PORT']}", "-c", "aiosmtpd.handlers.Mailbox",
                                      self.args.maildir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self.start_sink()
        self.server = self.spawn("serve")
        self.workers = [self.spawn("work") for _ in range(self.args.workers)]

    def kill_a_worker(self):
        with self.lock:
            i = random.randrange(len(self.workers))
            victim = self.workers[i]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            self.kills += 1
            self.workers[i] = self.spawn("work")
        log(f"kill -9 worker pid {victim.pid} ({self.kills})")

    def watch(self):
        """Restarts a process that exited on its own (e.g. when PostgreSQL went away)."""
        while not self.stopping:
            with self.lock:
                for i, w in enumerate(self.workers):
                    if w.poll() is not None and not self.stopping:
                        self.unexpected_exits["work"] += 1
                        log(f"worker pid {w.pid} exited by itself with {w.returncode}: restarted")
                        self.workers[i] = self.spawn("work")
                if self.server.poll() is not None and not self.stopping:
                    self.unexpected_exits["serve"] += 1
                    log(f"server exited by itself with {self.server.returncode}: restarted")
                    self.server = self.spawn("serve")
            time.sleep(0.5)

    def stop(self):
        """SIGTERM to every process; says which did not stop within the shutdown grace (+ 20 s)."""
        self.stopping = True
        with self.lock:
            processes = [p for p in [self.server, *self.workers] if p and p.poll() is None]
        for p in processes:
            p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 40
        stuck = []
        for p in processes:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                stuck.append(p.args[1])
                p.kill()
                p.wait()
        log(f"shutdown: {len(processes) - len(stuck)} of {len(processes)} processes stopped on SIGTERM"
            + (f"; killed after 40 s: {stuck}" if stuck else ""))
        if self.sink and self.sink.poll() is None:
            self.sink.kill()
        return stuck


def wait_http(base, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Client(base, timeout=2).get("/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"chaos: {base}/health did not answer in {timeout} s")


# --- posting ----------------------------------------------------------------------------------

class Poster:
    """Posts every body until it is stored (200/202), retrying through faults; counts answers."""

    def __init__(self, base, secret, bodies, connections):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.secret = u.hostname, u.port, secret.encode()
        self.bodies, self.next, self.lock = bodies, 0, threading.Lock()
        self.statuses = collections.Counter()
        self.done = 0
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(connections)]

    def take(self):
        with self.lock:
            if self.next >= len(self.bodies):
                return None
            self.next += 1
            return self.bodies[self.next - 1]

    def run(self):
        conn = None
        while (body := self.take()) is not None:
            for attempt in range(600):
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                    conn.request("POST", "/api/v1/events", body=body, headers=sign(self.secret.decode(), body))
                    r = conn.getresponse()
                    r.read()
                    with self.lock:
                        self.statuses[r.status] += 1
                    if r.status in (200, 202):
                        break
                    if r.status < 500:
                        log(f"event refused with {r.status}: {body[:80]!r}")
                        break
                except (OSError, http.client.HTTPException):
                    with self.lock:
                        self.statuses["connection error"] += 1
                    if conn:
                        conn.close()
                    conn = None
                time.sleep(min(2.0, 0.1 * (attempt + 1)))
            with self.lock:
                self.done += 1
        if conn:
            conn.close()

    @property
    def progress(self):
        return self.done / len(self.bodies)


# --- simulated candidates -------------------------------------------------------------------

def decoded(value):
    return str(email.header.make_header(email.header.decode_header(str(value))))


def credentials(maildir, limit):
    """(username, activation link) of up to `limit` candidates from the Maildir."""
    out = []
    if not os.path.isdir(os.path.join(maildir, "new")):
        return out
    box = mailbox.Maildir(maildir, create=False)
    for key in list(box.keys()):
        try:
            m = box[key]
            text = next(p for p in m.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
        except (StopIteration, OSError, KeyError):
            continue
        user = re.search(r"Tu usuario es: (\S+)", text)
        link = next((line.strip() for line in text.splitlines() if "/activar?token=" in line), None)
        if user and link and user.group(1).startswith("c-"):
            out.append((user.group(1), link))
        if len(out) >= limit:
            break
    return out


class Candidates:
    """Candidates who activate their account, sign in and save their curricular form again
    and again while the chaos goes on."""

    def __init__(self, base, maildir, count):
        self.base, self.maildir, self.count = base, maildir, count
        self.statuses = collections.Counter()
        self.stop = threading.Event()
        self.threads = []
        self.logged = 0

    def start(self):
        threading.Thread(target=self.recruit, daemon=True).start()

    def recruit(self):
        deadline = time.monotonic() + 600
        while len(credentials(self.maildir, self.count)) < self.count and time.monotonic() < deadline and not self.stop.is_set():
            time.sleep(2)
        for username, link in credentials(self.maildir, self.count):
            t = threading.Thread(target=self.candidate, args=(username, link), daemon=True)
            t.start()
            self.threads.append(t)
        log(f"{len(self.threads)} simulated candidates saving forms")

    def call(self, fn, what):
        """A request that may meet a fault: retried, and every answer counted (the first few
        refusals are logged with what was asked)."""
        for _ in range(100):
            if self.stop.is_set():
                return None
            try:
                r = fn()
                self.statuses[r.status // 100 * 100] += 1
                if r.status >= 400 and self.logged < 5:
                    self.logged += 1
                    log(f"candidate request {what} answered {r.status}: {r.text[r.text.find('<main'):][:300]!r}")
                if r.status < 500:
                    return r
            except OSError:
                self.statuses["connection error"] += 1
            time.sleep(1)
        return None

    def candidate(self, username, link):
        c = Client(self.base, timeout=30)
        path = link[link.index("/activar"):]
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["token"][0]
        if not self.call(lambda: c.get(path), "GET /activar"):
            return
        self.call(lambda: c.form("/activar", [("token", token), ("contrasena", PASSWORD), ("confirmacion", PASSWORD)]), "POST /activar")
        r = self.call(lambda: c.form("/entrar", [("usuario", username), ("contrasena", PASSWORD)]), "POST /entrar")
        if not r or r.status != 303:
            return
        home = self.call(lambda: c.get("/inicio"), "GET /inicio")
        candidacy = home.header("location").rsplit("/", 1)[1] if home and home.header("location") else None
        if not candidacy:
            return
        self.call(lambda: c.form(f"/candidaturas/{candidacy}/aviso", [("acepto", "si")]), "POST aviso")
        n = 0
        while not self.stop.is_set():
            page = self.call(lambda: c.get(f"/candidaturas/{candidacy}/curricular"), "GET curricular")
            if not page or page.status != 200:
                time.sleep(1)
                continue
            form = page_form(page.text, f"/candidaturas/{candidacy}/curricular")
            if not form:
                time.sleep(1)
                continue
            n += 1
            fields = []
            for f in form["fields"]:
                if f["name"] == "csrf":
                    continue
                if f["tag"] == "select" and f["options"]:
                    fields.append((f["name"], f["options"][-1]))
                elif f["type"] in ("text", "textarea"):
                    fields.append((f["name"], f"Texto de prueba número {n} de {username}."))
            self.call(lambda: c.form(form["action"], fields), "POST curricular")
            time.sleep(random.uniform(0.5, 2.0))


# --- the audit ------------------------------------------------------------------------------------

def audit(args, run_id, posted_ids, fleet):
    url = args.database_url
    ids_sql = f"'evt-{run_id}-%'"
    (events_total, applied, held_or_rejected), = psql(url, f"""
        SELECT count(*), count(*) FILTER (WHERE status = 'applied'), count(*) FILTER (WHERE status IN ('held', 'rejected'))
          FROM registration_events WHERE id LIKE {ids_sql}""")
    # Applied exactly once: the event applied, its candidacy exists once (primary key) with one
    # candidate account, and the audit log has one approval entry for it.
    (applied_once,), = psql(url, f"""
        SELECT count(*) FROM registration_events e
         WHERE e.id LIKE {ids_sql} AND e.status = 'applied'
           AND (SELECT count(*) FROM candidacies c WHERE c.id = e.candidacy_id) = 1
           AND (SELECT count(*) FROM accounts a WHERE a.candidacy_id = e.candidacy_id) = 1""")
    (open_jobs, discarded, discarded_without_error, cancelled), = psql(url, """
        SELECT count(*) FILTER (WHERE state NOT IN ('completed', 'discarded', 'cancelled')),
               count(*) FILTER (WHERE state = 'discarded'),
               count(*) FILTER (WHERE state = 'discarded' AND jsonb_array_length(errors) = 0),
               count(*) FILTER (WHERE state = 'cancelled')
          FROM jobs""")
    # An event left pending with no ingest job alive or finished would be a lost job too.
    (orphans,), = psql(url, f"""
        SELECT count(*) FROM registration_events e WHERE e.id LIKE {ids_sql} AND e.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'registration.ingest' AND j.args->>'event_id' = e.id)""")
    lost_jobs = int(open_jobs) + int(discarded_without_error) + int(orphans)
    for kind, state, n, err in psql(url, """
            SELECT kind, state, count(*), max(errors->-1->>'error') FROM jobs WHERE state <> 'completed' GROUP BY kind, state"""):
        log(f"jobs {kind} {state}: {n} (last error: {(err or '')[:200]})")
    retried = psql(url, "SELECT kind, count(*), max(attempt) FROM jobs WHERE attempt > 1 GROUP BY kind")
    for kind, n, most in retried:
        log(f"jobs {kind}: {n} needed more than one attempt (most: {most})")

    # Mail: one credentials message per account.
    (accounts, unsent), = psql(url, "SELECT count(*), count(*) FILTER (WHERE credentials_sent_at IS NULL) FROM accounts")
    per_address = collections.Counter()
    box = mailbox.Maildir(args.maildir, create=False)
    for key in box.keys():
        per_address[decoded(box[key]["To"]).split("<")[-1].rstrip(">").lower()] += 1
    addresses = {row[0].lower() for row in psql(url, "SELECT email FROM accounts") if row[0]}
    duplicates = {a: n for a, n in per_address.items() if n > 1}
    duplicate_mails = sum(n - 1 for n in duplicates.values())
    missing = sorted(addresses - set(per_address))
    log(f"accounts {accounts} ({unsent} never marked sent), messages {sum(per_address.values())}, "
        f"addresses with a message {len(per_address)}, without {len(missing)}, duplicated {len(duplicates)}")
    distinct_duplicates = 0
    if duplicates:
        log("duplicated addresses (first 10):", dict(list(duplicates.items())[:10]))
        # A duplicate is a message the sink accepted whose sending the worker could not
        # record (killed, or PostgreSQL restarted, between the SMTP transaction and the
        # record); the account is claimed again and the same message goes again. It must be
        # the same bytes as the first copy (the headers the sink adds aside) and its link must
        # still work: the token's hash is the account's, or the account was activated by it.
        copies = collections.defaultdict(list)
        for key in box.keys():
            message = box[key]
            address = decoded(message["To"]).split("<")[-1].rstrip(">").lower()
            if address in duplicates:
                copies[address].append(message)
        for address, messages in copies.items():
            def canonical(m):
                m = email.message_from_bytes(m.as_bytes())
                for header in ("X-Peer", "X-MailFrom", "X-RcptTo", "Status", "X-Status"):
                    del m[header]
                return m.as_bytes()
            first = canonical(messages[0])
            differs = any(canonical(m) != first for m in messages[1:])
            text = next((p for p in messages[0].walk() if p.get_content_type() == "text/plain"), None)
            link = re.search(r"/activar\?token=([A-Za-z0-9_-]+)", text.get_payload(decode=True).decode()) if text else None
            works = False
            if link:
                digest = hashlib.sha256(link.group(1).encode()).hexdigest()
                (ok,), = psql(url, f"""
                    SELECT count(*) FROM accounts WHERE lower(email) = '{address.replace("'", "''")}'
                       AND (activation_token_hash = decode('{digest}', 'hex') OR activated_at IS NOT NULL)""")
                works = int(ok) > 0
            if differs or not works:
                distinct_duplicates += 1
                log(f"duplicate to {address}: {'differs from its first copy' if differs else ''} {'' if works else 'link does not work'}")
        log(f"duplicates: {len(duplicates)} addresses, {distinct_duplicates} with a copy that differs or a link that does not work")
    if missing:
        log("addresses without a message (first 10):", missing[:10])

    # The published snapshot against the database. A row of published_profiles is seen by
    # every version in [first_version, last_version] of its process (migration 0024).
    snapshot = psql(url, """
        SELECT s.version, s.listed_count,
               (SELECT count(*) FROM published_profiles p WHERE p.process_id = s.process_id AND s.version BETWEEN p.first_version AND p.last_version),
               (SELECT count(*) FROM candidacies c WHERE c.status = 'aprobada'),
               (SELECT count(*) FROM (SELECT c.id FROM candidacies c WHERE c.status = 'aprobada'
                                      EXCEPT SELECT p.candidacy_id FROM published_profiles p WHERE p.process_id = s.process_id AND s.version BETWEEN p.first_version AND p.last_version) d),
               (SELECT count(*) FROM (SELECT p.candidacy_id FROM published_profiles p WHERE p.process_id = s.process_id AND s.version BETWEEN p.first_version AND p.last_version
                                      EXCEPT SELECT c.id FROM candidacies c WHERE c.status = 'aprobada') e)
          FROM publication_state st JOIN publication_snapshots s ON s.version = st.current_version""")
    if snapshot:
        version, listed, rows, approved, unlisted, extra = (int(x) for x in snapshot[0])
        consistent = listed == rows == approved and unlisted == 0 and extra == 0
        log(f"snapshot v{version}: listed {listed}, rows {rows}; approved candidacies {approved}; "
            f"approved but not listed {unlisted}, listed but not approved {extra}: {'consistent' if consistent else 'INCONSISTENT'}")
    else:
        consistent = False
        log("no published snapshot")
    log(f"events posted {len(posted_ids)}, stored {events_total}, applied {applied}, held/rejected {held_or_rejected}; "
        f"jobs open {open_jobs}, discarded {discarded} ({discarded_without_error} without an error), cancelled {cancelled}, "
        f"events without a job {orphans}; processes that exited by themselves: {dict(fleet.unexpected_exits) or 'none'}")
    return int(applied_once), lost_jobs, duplicate_mails, distinct_duplicates, consistent, len(missing)


def drain(args, stall_seconds=300, quiet_seconds=20):
    """Waits until no event is pending and no job is open for `quiet_seconds` (a scheduled
    retry or a rebuild window may still add one); False after `stall_seconds` without change."""
    last, last_change, quiet_since = None, time.monotonic(), None
    while True:
        (pending, unsent, open_jobs), = psql(args.database_url, """
            SELECT (SELECT count(*) FROM registration_events WHERE status = 'pending'),
                   (SELECT count(*) FROM accounts WHERE credentials_sent_at IS NULL),
                   (SELECT count(*) FROM jobs WHERE state NOT IN ('completed', 'discarded', 'cancelled'))""")
        state = (int(pending), int(unsent), int(open_jobs))
        if state[0] == 0 and state[2] == 0:
            quiet_since = quiet_since or time.monotonic()
            # Accounts still unsent with no job open wait for the minute's sweep and, if a dead
            # worker's lease holds them, for its end (120 s): wait that long before judging.
            if state[1] == 0 or time.monotonic() - quiet_since >= (200 if state[1] else quiet_seconds):
                return True
        else:
            quiet_since = None
        if state != last:
            log(f"draining: events pending {state[0]}, accounts unsent {state[1]}, open jobs {state[2]}")
            last, last_change = state, time.monotonic()
        elif time.monotonic() - last_change > stall_seconds:
            log(f"no progress for {stall_seconds} s")
            return False
        time.sleep(2)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True)
    p.add_argument("--database-url", required=True)
    p.add_argument("--pg-ctl", required=True, help="pg_ctl command (as the cluster's owner) with -D")
    p.add_argument("--work", required=True)
    p.add_argument("--events", type=int, default=20000)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--kills", type=int, default=12)
    p.add_argument("--candidates", type=int, default=20)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--sink-down", type=float, default=60)
    args = p.parse_args()
    args.maildir = os.path.join(args.work, "maildir")
    env = dict(os.environ)
    http_port = env["CONOCELES_HTTP_PORT"]
    base = f"http://127.0.0.1:{http_port}"
    env.update(CONOCELES_DATABASE_URL=args.database_url, CONOCELES_HTTP_PUBLIC_URL=base,
               CONOCELES_PATHS_BLOBS=os.path.join(args.work, "blobs"),
               CONOCELES_WORKER_HEARTBEAT_SECONDS="1", CONOCELES_WORKER_RESCUE_AFTER_SECONDS="5")
    out = subprocess.run([args.binary, "migrate"], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("chaos: migrate failed: " + out.stderr[-2000:])
    fleet = Fleet(args, env)
    fleet.start()
    watcher = threading.Thread(target=fleet.watch, daemon=True)
    candidates = Candidates(base, args.maildir, args.candidates)
    try:
        wait_http(base)
        watcher.start()
        run_id = os.urandom(3).hex()
        bodies = events(args.events, run_id)
        posted_ids = [json.loads(b)["id"] for b in bodies]
        poster = Poster(base, env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"], bodies, args.connections)
        log(f"posting {args.events} events (run {run_id}) over {args.connections} connections; "
            f"{args.workers} workers; faults: {args.kills} kills, a PostgreSQL restart, the sink down {args.sink_down:.0f} s")
        t0 = time.monotonic()
        for t in poster.threads:
            t.start()
        candidates.start()
        kill_marks = [(i + 1) / (args.kills + 1) for i in range(args.kills)]
        sink_stopped = pg_restarted = False
        sink_back_at = None
        last_report = 0
        while any(t.is_alive() for t in poster.threads) or fleet.kills < args.kills or not pg_restarted or sink_back_at:
            progress = poster.progress
            posting = any(t.is_alive() for t in poster.threads)
            if kill_marks and (progress >= kill_marks[0] or not posting):
                kill_marks.pop(0)
                fleet.kill_a_worker()
                if not posting:
                    time.sleep(3)
            if not sink_stopped and (progress >= 0.2 or not posting):
                fleet.sink.kill()
                fleet.sink.wait()
                sink_stopped, sink_back_at = True, time.monotonic() + args.sink_down
                log(f"SMTP sink stopped for {args.sink_down:.0f} s")
            if sink_back_at and time.monotonic() >= sink_back_at:
                fleet.start_sink()
                sink_back_at = None
                log("SMTP sink back")
            if not pg_restarted and (progress >= 0.5 or not posting):
                log("restarting PostgreSQL (pg_ctl restart -m fast)")
                # No pipes: the new postmaster would hold them open and run() would never return.
                r = subprocess.run(args.pg_ctl.split() + ["restart", "-m", "fast", "-w"], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                log(f"PostgreSQL restarted (pg_ctl exit status {r.returncode})")
                pg_restarted = True
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                log(f"posted {poster.done}/{args.events} ({poster.done / (time.monotonic() - t0):.0f}/s), kills {fleet.kills}, "
                    f"answers {dict(poster.statuses)}, candidates' requests {dict(candidates.statuses)}")
            time.sleep(0.2)
        post_seconds = time.monotonic() - t0
        log(f"posting and faults done in {post_seconds:.0f} s; answers {dict(poster.statuses)}")
        drained = drain(args)
        candidates.stop.set()
        time.sleep(3)  # a late duplicate would arrive now
        applied_once, lost_jobs, duplicate_mails, distinct_duplicates, consistent, missing = audit(args, run_id, posted_ids, fleet)
        log(f"candidates' requests: {dict(candidates.statuses)} from {len(candidates.threads)} candidates")
        log(f"total {time.monotonic() - t0:.0f} s; drained: {drained}; snapshot consistent: {consistent}; addresses without mail: {missing}")
        print(f"CHAOS events={len(posted_ids)} applied_once={applied_once} lost_jobs={lost_jobs} "
              f"duplicate_mails={duplicate_mails} distinct_duplicates={distinct_duplicates} kills={fleet.kills}", flush=True)
        ok = (drained and consistent and applied_once == len(posted_ids) and lost_jobs == 0 and missing == 0
              and distinct_duplicates == 0)
    finally:
        candidates.stop.set()
        for t in candidates.threads:
            t.join(timeout=60)
        stuck = fleet.stop()
    # Every process must stop on SIGTERM (a supervisor's stop must never need kill -9).
    return 0 if ok and not stuck else 1


if __name__ == "__main__":
    sys.exit(main())
