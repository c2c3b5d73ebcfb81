"""Driver of scripts/bench/election: one national-scale simulated process against a running
system (one `conoceles serve`, W `conoceles work`, a fresh database and SMTP sink).

  election.py run --base-url URL --database-url URL --maildir DIR --binary BIN   (DIR: smtp-sink's files)
                  --candidacies N --photos S --workers W [--connections 32]

Stages, each timed:
  ingest    N signed candidacy.approved events over HTTP → registration.ingest (batches:
            candidacies and accounts) → mail.credentials (batches) → one message per account
            in the sink's directory (Postfix smtp-sink, one file per message)
  photos    the parties' representatives (activated from their credentials mails) upload a
            photo for S candidacies over HTTP → photo.check on the workers
  capture   synthetic captures for every candidacy, written in bulk (SQL): the privacy
            notice, a valid curricular questionnaire (keeping the checked photo) and its
            published copy, the workflow at «publicado» with its transition
  rebuild   staff ask for a publication rebuild (HTTP); the new snapshot is current
Prints the per-stage lines to stderr and, last on stdout:
  RUN workers=W candidacies=N ingest_s=X photos_s=X capture_s=X rebuild_s=X total_s=X
"""
import argparse
import email.parser
import json
import os
import queue
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
from ingest import PARTIES, events, log, maildir_count, poster, psql  # noqa: E402
from scale_out import Person  # noqa: E402

BATCH = 5_000


def wait(predicate, timeout, what, every=10, poll=0.25):
    """Calls predicate every `poll` seconds until it returns True (logging its progress every
    `every` seconds); the caller's clock therefore overshoots by less than `poll`."""
    start = last = time.monotonic()
    while True:
        value = predicate()
        if value is True:
            return
        if time.monotonic() - start > timeout:
            raise SystemExit(f"timed out: {what} ({value})")
        if time.monotonic() - last >= every:
            last = time.monotonic()
            log(f"    {time.monotonic() - start:6.1f} s: {what}: {value}")
        time.sleep(poll)


def one(url, query):
    return psql(url, query)[0]


def ingest(args, run_id):
    secret = os.environ["CONOCELES_SECURITY_EVENT_HMAC_SECRET"].encode()
    host, port = args.base_url.split("//", 1)[1].rstrip("/").split(":")
    work = queue.SimpleQueue()
    for body in events(args.candidacies, run_id):
        work.put(body)
    results = []
    start = time.monotonic()
    threads = [threading.Thread(target=poster, args=(host, int(port), secret, work, results)) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = sum(r[1] for r in results)
    if bad:
        raise SystemExit(f"ingest: {bad} events refused: {[f for r in results for f in r[2]][:3]}")
    log(f"  ingest: posted {args.candidacies} events in {time.monotonic() - start:.1f} s")
    new = args.maildir

    def done():
        pending, accounts, unsent = (int(x) for x in one(args.database_url, """
            SELECT (SELECT count(*) FROM registration_events WHERE status <> 'applied'), (SELECT count(*) FROM accounts),
                   (SELECT count(*) FROM accounts WHERE credentials_sent_at IS NULL)"""))
        mails = maildir_count(new)
        if pending == 0 and unsent == 0 and accounts == args.candidacies + len(PARTIES) and mails >= accounts:
            return True
        return f"events pending {pending}, accounts {accounts} ({unsent} unsent), mails {mails}"

    # Each check counts three tables and lists the Maildir (up to N files): every 2 s, not
    # 4 times a second, or at 300,000 candidacies the driver itself takes a share of a core.
    wait(done, 6 * 3600, "credentials mails", every=30, poll=2.0)
    return time.monotonic() - start


def representative_credentials(maildir, run_id):
    """username and activation link of each party's generic account, from the Maildir."""
    found = {}
    parser = email.parser.BytesParser()
    for entry in os.scandir(maildir):
        if not entry.is_file():
            continue
        with open(entry.path, "rb") as f:
            raw = f.read()
        if b"representacion." not in raw:
            continue
        message = parser.parsebytes(raw)
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
        link = next(line.strip() for line in text.splitlines() if "/activar?token=" in line)
        username = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tu usuario es:"))
        for party in PARTIES:
            if f"representacion.{party.lower()}.{run_id}@" in str(message["To"]):
                found[party] = (username, link)
    return found


def photos(args, run_id):
    """Uploads are timed from the first upload to the last check; making the sample files and
    the representatives' activation and sign-in (bcrypt) happen before the clock starts."""
    if args.photos == 0:
        return 0.0
    samples = []
    for seed in range(1, 21):
        path = os.path.join(args.work, f"foto-{seed}.jpg")
        subprocess.run([args.binary, "photo", "sample", path, "--seed", str(seed)], check=True, capture_output=True)
        with open(path, "rb") as f:
            samples.append(f.read())
    taken = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 5 * 86400))
    chosen = psql(args.database_url, f"SELECT id, entity_code FROM candidacies ORDER BY md5(id) LIMIT {args.photos}")
    by_party = {}
    for candidacy, party in chosen:
        by_party.setdefault(party, []).append(candidacy)
    credentials = representative_credentials(args.maildir, run_id)
    people = {}
    for party in by_party:
        username, link = credentials[party]
        people[party] = Person()
        people[party].activate(args.base_url, link)
        people[party].sign_in(args.base_url, username)
    errors = []

    # Every capture path waits for the candidacy's privacy notice (issue 19): accepted first, off the clock.
    for party, ids in by_party.items():
        for candidacy in ids:
            people[party].post(args.base_url, f"/candidaturas/{candidacy}/aviso", [("acepto", "si")])

    def upload(party, ids):
        for i, candidacy in enumerate(ids):
            status, _, page = people[party].upload(args.base_url, f"/candidaturas/{candidacy}/foto", [("fecha_toma", taken)],
                                                   [("foto", "foto.jpg", "image/jpeg", samples[i % len(samples)])])
            if status not in (200, 303):
                errors.append((candidacy, status, page[:200]))

    start = time.monotonic()
    threads = [threading.Thread(target=upload, args=item) for item in by_party.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"photos: {len(errors)} uploads failed: {errors[:3]}")
    log(f"  photos: {args.photos} uploaded in {time.monotonic() - start:.1f} s")

    def done():
        checked, pending = (int(x) for x in one(args.database_url, """
            SELECT count(*) FILTER (WHERE status IN ('accepted', 'rejected')), count(*) FILTER (WHERE status = 'received') FROM photos"""))
        return True if checked >= args.photos and pending == 0 else f"checked {checked}, waiting {pending}"

    wait(done, 3600, "photo checks")
    seconds = time.monotonic() - start
    accepted = one(args.database_url, "SELECT count(*) FROM photos WHERE status = 'accepted'")[0]
    log(f"  photos: {accepted} of {args.photos} accepted, all checked after {seconds:.1f} s")
    return seconds


def capture(args):
    """Synthetic captures, in bulk: every candidacy gets the privacy notice, the curricular
    questionnaire (keeping a checked photo) published as is, and the «publicado» state."""
    with open(os.path.join(HERE, "election_profile.json"), encoding="utf-8") as f:
        profile = json.dumps(json.load(f), ensure_ascii=False)
    start = time.monotonic()
    ids = [row[0] for row in psql(args.database_url, "SELECT id FROM candidacies ORDER BY id")]
    for first in range(0, len(ids), BATCH):
        batch = ids[first:first + BATCH]
        array = "{" + ",".join(batch) + "}"
        statements = f"""
BEGIN;
INSERT INTO privacy_notice_acceptances (candidacy_id, notice_version, accepted_by, accepted_at)
SELECT id, 'bench', 'bench', now() FROM unnest('{array}'::text[]) AS t(id) ON CONFLICT DO NOTHING;
INSERT INTO curricular_questionnaires AS q (candidacy_id, answers, updated_by, published_answers, published_at)
SELECT id, $json${profile}$json$::jsonb, 'bench', $json${profile}$json$::jsonb, now() FROM unnest('{array}'::text[]) AS t(id)
ON CONFLICT (candidacy_id) DO UPDATE
   SET answers = EXCLUDED.answers || jsonb_strip_nulls(jsonb_build_object('photo', q.answers->'photo')),
       published_answers = EXCLUDED.answers || jsonb_strip_nulls(jsonb_build_object('photo', q.answers->'photo')),
       published_at = now(), revision = q.revision + 1;
INSERT INTO profile_transitions (candidacy_id, from_state, to_state, action, actor_role, actor_id, occurred_at)
SELECT id, 'verificado', 'publicado', 'publicar', 'instancia_interna', 'bench', now() FROM unnest('{array}'::text[]) AS t(id);
UPDATE profile_workflows SET state = 'publicado', transition_count = transition_count + 1, updated_at = now()
 WHERE candidacy_id = ANY('{array}'::text[]);
COMMIT;
"""
        subprocess.run(["psql", args.database_url, "-Xq", "-v", "ON_ERROR_STOP=1"], input=statements, text=True, check=True)
    published = one(args.database_url, "SELECT count(*) FROM profile_workflows WHERE state = 'publicado'")[0]
    log(f"  capture: {published} profiles captured and published in {time.monotonic() - start:.1f} s")
    return time.monotonic() - start


def rebuild(args):
    out = subprocess.run([args.binary, "accounts", "staff", "--role", "instancia_interna", "--username", "bench.instancia",
                          "--email", "bench@conoceles.example", "--name", "Instancia (medición)"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    link = out.strip().splitlines()[-1]
    staff = Person()
    staff.activate(args.base_url, link)
    staff.sign_in(args.base_url, "bench.instancia")
    # Listing rebuilds still scheduled for a later window (up to 10 minutes ahead at this scale)
    # are superseded by the staff's rebuild below: cancel them rather than wait for their
    # windows. A running one is let finish first: this rebuild is timed alone.
    psql(args.database_url, "UPDATE jobs SET state = 'cancelled', finalized_at = now() "
                            "WHERE kind = 'publication.rebuild' AND state = 'scheduled'")
    wait(lambda: one(args.database_url, "SELECT count(*) FROM jobs WHERE kind = 'publication.rebuild' "
                                        "AND state NOT IN ('completed', 'discarded', 'cancelled')")[0] == "0" or "running",
         3600, "earlier rebuilds")
    before = one(args.database_url, "SELECT coalesce(max(current_version), 0) FROM publication_state")[0]
    start = time.monotonic()
    status, _, page = staff.post(args.base_url, "/instancia/publicacion/reconstruir", [])
    if status != 303:
        raise SystemExit(f"rebuild: {status} {page[:300]}")
    wait(lambda: one(args.database_url, "SELECT coalesce(max(current_version), 0) FROM publication_state")[0] != before
         or "building", 3600, "the new snapshot")
    seconds = time.monotonic() - start
    listed, published = one(args.database_url, """
        SELECT listed_count, published_count FROM publication_snapshots ORDER BY version DESC LIMIT 1""")
    log(f"  rebuild: snapshot of {listed} candidacies ({published} profiles) current after {seconds:.1f} s")
    return seconds


def run(args):
    run_id = os.urandom(3).hex()
    stages = {}
    stages["ingest"] = ingest(args, run_id)
    stages["photos"] = photos(args, run_id)
    stages["capture"] = capture(args)
    stages["rebuild"] = rebuild(args)
    total = sum(stages.values())
    accounts = int(one(args.database_url, "SELECT count(*) FROM accounts WHERE role IN ('persona_candidata', 'representacion')")[0])
    mails = maildir_count(args.maildir)
    if mails != accounts:
        raise SystemExit(f"{mails} mails for {accounts} accounts")
    print(f"RUN workers={args.workers} candidacies={args.candidacies} events_per_s={args.candidacies / stages['ingest']:.1f} " +
          " ".join(f"{k}_s={v:.1f}" for k, v in stages.items()) + f" total_s={total:.1f}", flush=True)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--base-url", required=True)
    r.add_argument("--database-url", required=True)
    r.add_argument("--maildir", required=True)
    r.add_argument("--binary", required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--candidacies", type=int, required=True)
    r.add_argument("--photos", type=int, required=True)
    r.add_argument("--workers", type=int, required=True)
    r.add_argument("--connections", type=int, default=32)
    args = p.parse_args()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
