"""Driver of scripts/load (stdlib only): N concurrent simulated people — candidates and their
parties' representatives — signing in and saving forms while the workers run.

Seeds the accounts the way they arrive in production (signed approval events → credentials
e-mails in the sink → activation links). Then:
- the floor: one person signs in 5 times in a row on the quiet server; the median is one
  sign-in's time (one bcrypt at cost 12, plus the request); the floor of a storm of N
  sign-ins on C cores is N × that / C (`signin_floor_ms`);
- --browsers people (20) sign in first and keep reading their pages;
- the storm: --people people sign in at once; then, for --seconds, everyone reads and saves
  its forms (a candidate: its profile, curricular and identity questionnaires; a
  representative: its list and one of its candidacies' curricular form).
`pages_p99_ms` is the p99 of the signed-in browsers' page views that started during the
storm (until the last sign-in was answered). Prints per-kind request counts, 5xx and p50/p99,
the browsers' page views of the storm by 5 s (p50 and p99 per bucket);
last line:
  LOAD people=N requests=N errors_5xx=N unanswered=N signin_p99_ms=X signin_floor_ms=X pages_p99_ms=X
"""
import argparse
import collections
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "bench"))
sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
from ingest import PARTIES, events  # noqa: E402
from seeded import Client, page_form, sign  # noqa: E402

PASSWORD = "clave-de-carga-2024"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.statuses = collections.defaultdict(collections.Counter)
        self.shown = collections.Counter()
        self.browsing = []  # (started, seconds) of the signed-in browsers' page views

    def record(self, kind, response=None, error=None, elapsed=0.0, started=None):
        with self.lock:
            if response is None:
                self.statuses[kind]["timeout" if isinstance(error, TimeoutError) else "connection error"] += 1
                return
            self.latencies[kind].append(response.elapsed)
            if kind.startswith("browser ") and started is not None:
                self.browsing.append((started, response.elapsed))
            self.statuses[kind][response.status // 100 * 100] += 1
            if response.status >= 400 and self.shown[kind] < 2:
                self.shown[kind] += 1
                main = response.text.find("<main")
                log(f"{kind} answered {response.status}: {response.text[main:main + 400]!r}")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


def timed(stats, kind, fn):
    started = time.monotonic()
    try:
        r = fn()
    except OSError as e:
        stats.record(kind, error=e)
        return None
    stats.record(kind, r, started=started)
    return r


def form_fields(page, path, text_value):
    form = page_form(page.text, path)
    if not form:
        return None, []
    fields = []
    for f in form["fields"]:
        if f["name"] == "csrf":
            continue
        if f["tag"] == "select" and f["options"]:
            fields.append((f["name"], random.choice([o for o in f["options"] if o] or [""])))
        elif f["type"] in ("text", "textarea"):
            fields.append((f["name"], text_value))
    return form["action"], fields


def person(base, username, role, candidacies, stats, start, stop, browser=False, ready=None):
    """One person. A browser signs in before the storm (then sets `ready`) and only reads;
    the others sign in when `start` is set, all at once."""
    c = Client(base, timeout=300)
    if browser:
        r = c.form("/entrar", [("usuario", username), ("contrasena", PASSWORD)])
        ready.release()
        if r.status != 303:
            log(f"browser {username} could not sign in: {r.status}")
            return
    start.wait()
    if not browser:
        r = timed(stats, "sign in", lambda: c.form("/entrar", [("usuario", username), ("contrasena", PASSWORD)]))
        if not r or r.status != 303:
            return
    prefix = "browser " if browser else ""
    n = 0
    while not stop.is_set():
        n += 1
        if role == "candidate":
            cid = candidacies[0]
            timed(stats, f"{prefix}profile page", lambda: c.get(f"/candidaturas/{cid}"))
            questionnaire = random.choice(["curricular", "identidad"])
            page = timed(stats, f"{prefix}{questionnaire} page", lambda: c.get(f"/candidaturas/{cid}/{questionnaire}"))
            if not browser and page and page.status == 200:
                action, fields = form_fields(page, f"/candidaturas/{cid}/{questionnaire}", f"Respuesta {n} de {username}, capturada bajo carga.")
                if action:
                    timed(stats, f"{questionnaire} save", lambda: c.form(action, fields))
        else:
            timed(stats, f"{prefix}list page", lambda: c.get("/candidaturas?pagina=" + str(random.randint(1, 3))))
            cid = random.choice(candidacies)
            page = timed(stats, f"{prefix}curricular page", lambda: c.get(f"/candidaturas/{cid}/curricular"))
            if not browser and page and page.status == 200:
                action, fields = form_fields(page, f"/candidaturas/{cid}/curricular", f"Captura {n} de la representación {username}.")
                if action:
                    timed(stats, "curricular save", lambda: c.form(action, fields))
        # A person reads before the next click; a browser clicks more often, to sample the storm.
        time.sleep(random.uniform(0.2, 0.4) if browser else random.uniform(0.5, 1.5))


def seed(base, secret, maildir, people, run):
    """Approves candidacies until there are `people` accounts; activates them all; returns
    (username, role, [candidacy ids it captures])."""
    candidates = people - len(PARTIES)
    bodies = events(candidates, run)
    client = Client(base, timeout=60)
    for body in bodies:
        r = client.request("POST", "/api/v1/events", body, sign(secret, body))
        assert r.status == 202, r
    by_party = collections.defaultdict(list)
    for body in bodies:
        c = json.loads(body)["candidacy"]
        by_party[c["postulated_by"]].append(c["id"])
    log(f"posted {candidates} approvals; waiting for {people} credentials mails")
    new = os.path.join(maildir, "new")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and (not os.path.isdir(new) or len(os.listdir(new)) < people):
        time.sleep(1)
    import mailbox
    box = mailbox.Maildir(maildir, create=False)
    links = []
    for key in box.keys():
        text = next(p for p in box[key].walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
        username = re.search(r"Tu usuario es: (\S+)", text).group(1)
        link = next(line.strip() for line in text.splitlines() if "/activar?token=" in line)
        links.append((username, link))
    log(f"activating {len(links)} accounts")
    out, lock = [], threading.Lock()

    def activate(username, link):
        c = Client(base, timeout=120)
        path = link[link.index("/activar"):]
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["token"][0]
        c.get(path)
        r = c.form("/activar", [("token", token), ("contrasena", PASSWORD), ("confirmacion", PASSWORD)])
        assert r.status == 200, (username, r)
        if username.startswith("c-"):
            cid = next(i for ids in by_party.values() for i in ids if i.lower() == username[2:])
            # The privacy notice gates every form: accepted once, as a person does first.
            c.form("/entrar", [("usuario", username), ("contrasena", PASSWORD)])
            c.form(f"/candidaturas/{cid}/aviso", [("acepto", "si")])
            entry = (username, "candidate", [cid])
        else:
            party = next(p for p in PARTIES if f".{p.lower()}." in link or p.lower() in username)
            entry = (username, "representative", by_party[party][:20])
        with lock:
            out.append(entry)

    threads = [threading.Thread(target=activate, args=pair) for pair in links]
    for i in range(0, len(threads), 8):
        for t in threads[i:i + 8]:
            t.start()
        for t in threads[i:i + 8]:
            t.join()
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-url", required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--people", type=int, default=200)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--browsers", type=int, default=20)
    args = p.parse_args()
    secret = os.environ["CONOCELES_SECURITY_EVENT_HMAC_SECRET"]
    run = os.urandom(3).hex()
    everyone = seed(args.base_url, secret, args.maildir, args.people + args.browsers, run)
    candidates = [entry for entry in everyone if entry[1] == "candidate"]
    browsers = candidates[:args.browsers]
    people = [entry for entry in everyone if entry not in browsers]

    # The floor: one sign-in at a time on the quiet server.
    probe = Client(args.base_url, timeout=60)
    singles = []
    for _ in range(5):
        r = probe.form("/entrar", [("usuario", people[0][0]), ("contrasena", PASSWORD)])
        assert r.status == 303, r
        singles.append(r.elapsed)
    one_signin = sorted(singles)[len(singles) // 2]
    cores = os.cpu_count() or 1
    floor = len(people) * one_signin / cores
    log(f"one sign-in alone: {one_signin * 1000:.0f} ms (median of 5); {len(people)} at once on {cores} cores: floor {floor:.1f} s")

    roles = collections.Counter(role for _, role, _ in people)
    stats = Stats()
    start, stop, ready = threading.Event(), threading.Event(), threading.Semaphore(0)
    threads = [threading.Thread(target=person, args=(args.base_url, u, role, ids, stats, start, stop, True, ready), daemon=True)
               for u, role, ids in browsers]
    for t in threads:
        t.start()
    for _ in browsers:
        ready.acquire()
    log(f"{len(browsers)} browsers signed in; the storm: {len(people)} people ({dict(roles)}) sign in at once, "
        f"then work for {args.seconds:.0f} s")
    storm = [threading.Thread(target=person, args=(args.base_url, u, role, ids, stats, start, stop), daemon=True)
             for u, role, ids in people]
    for t in storm:
        t.start()
    t0 = time.monotonic()
    start.set()
    time.sleep(args.seconds)
    stop.set()
    for t in threads + storm:
        t.join(timeout=180)
    seconds = time.monotonic() - t0
    total, errors, unanswered, everything = 0, 0, 0, []
    log(f"{'request kind':18s} {'count':>7s} {'5xx':>5s} {'other':>22s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for kind in sorted(stats.latencies.keys() | stats.statuses.keys()):
        lat = stats.latencies[kind]
        st = stats.statuses[kind]
        e5 = st.get(500, 0)
        others = {k: v for k, v in st.items() if k not in (200, 300, 500)}
        total += sum(st.values())
        errors += e5
        unanswered += st.get("timeout", 0) + st.get("connection error", 0)
        everything += lat
        log(f"{kind:18s} {len(lat):7d} {e5:5d} {str(others or ''):>22s} {percentile(lat, 0.5) * 1000:8.0f} {percentile(lat, 0.99) * 1000:8.0f}")
    log(f"{total} requests in {seconds:.0f} s = {total / seconds:.0f} requests/s; all requests p50 "
        f"{percentile(everything, 0.5) * 1000:.0f} ms, p99 {percentile(everything, 0.99) * 1000:.0f} ms")
    signins = stats.latencies["sign in"]
    storm_end = t0 + max(signins, default=0.0)
    during = [elapsed for started, elapsed in stats.browsing if started <= storm_end]
    # Where the storm's slow page views fall: p50 and p99 per 5 s of the storm (a tail spread
    # over the storm is the CPU share; one bucket is a hiccup: a checkpoint, a stall).
    buckets = collections.defaultdict(list)
    for started, elapsed in stats.browsing:
        if started <= storm_end:
            buckets[int((started - t0) // 5) * 5].append(elapsed)
    log("browser pages during the storm, by 5 s: " + "; ".join(
        f"{b}s n={len(v)} p50={percentile(v, 0.5) * 1000:.0f} p99={percentile(v, 0.99) * 1000:.0f}"
        for b, v in sorted(buckets.items())))
    signed_in = len(signins) == len(people) and stats.statuses["sign in"].get(300, 0) == len(people)
    log(f"storm: {len(signins)} of {len(people)} signed in (303: {stats.statuses['sign in'].get(300, 0)}), the last after "
        f"{max(signins, default=0.0):.1f} s; {len(during)} browser page views meanwhile")
    print(f"LOAD people={len(people)} requests={total} errors_5xx={errors} unanswered={unanswered} "
          f"signin_p99_ms={percentile(signins, 0.99) * 1000:.0f} signin_floor_ms={floor * 1000:.0f} "
          f"pages_p99_ms={percentile(during, 0.99) * 1000:.0f}", flush=True)
    return 0 if errors == 0 and unanswered == 0 and signed_in else 1


if __name__ == "__main__":
    sys.exit(main())
