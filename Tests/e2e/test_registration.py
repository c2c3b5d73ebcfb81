"""Registration events end to end: signed events over HTTP → candidacies → accounts →
credential e-mails in the real SMTP sink (aiosmtpd Maildir)."""
import concurrent.futures
import email.header
import hashlib
import hmac
import json
import mailbox
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, start, wait_http

MUNICIPALITIES = ["039", "120", "097", "098", "101"]


def approval(n, representative=None, **overrides):
    c = {
        "id": f"E2E-{n}", "office": "PM", "municipality": MUNICIPALITIES[n % 5], "formula_position": "propietario",
        "full_name": f"Persona Candidata Número {n}", "gender": "mujer" if n % 2 else "hombre",
        "birth_date": "1980-05-17", "postulated_by_type": "partido", "postulated_by": "MC",
        "email": f"persona{n}@example.mx",
    }
    if representative:
        c["representative_email"] = representative
    c.update(overrides)
    return {"id": f"evt-approve-{n}", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z", "candidacy": c}


def post(base, secret, event, raw=None):
    body = raw if raw is not None else json.dumps(event, ensure_ascii=False).encode()
    ts = str(int(time.time()))
    sig = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    req = urllib.request.Request(base + "/api/v1/events", data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Conoceles-Timestamp": ts, "X-Conoceles-Signature": sig})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def mail_count(maildir):
    """Messages delivered so far (the sink creates the Maildir itself; don't race it)."""
    new = os.path.join(str(maildir), "new")
    return len(os.listdir(new)) if os.path.isdir(new) else 0


def messages(maildir):
    box = mailbox.Maildir(maildir, create=False)
    return [box[k] for k in box.keys()]


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(str(value))))


def to_addresses(maildir):
    return sorted(decoded(m["To"]) for m in messages(maildir))


@pytest.fixture
def system(binary, env, tmp_path):
    """`conoceles up` on a fresh database, mailing to a fresh SMTP sink."""
    maildir = tmp_path / "maildir"
    port = str(__import__("conftest").free_port())
    sink = subprocess.Popen([os.path.join(ROOT, ".venv/bin/python"), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)])
    env = dict(env, CONOCELES_SMTP_PORT=port, CONOCELES_HTTP_PUBLIC_URL="https://conoceles.example.mx")
    proc = start(binary, ["up"], env)
    base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
    try:
        wait_http(base + "/health", proc)
        yield base, env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"], str(maildir), env
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        sink.kill()


def wait_for(predicate, timeout, what):
    """The first truthy value of predicate(), asked every 0.2 s for at most timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out: {what}")


def test_approvals_become_one_credentials_mail_per_account_even_when_posted_twice(system):
    base, secret, maildir, env = system
    n = 1000
    events = [approval(i, representative="rep.mc@example.mx" if i == 0 else None) for i in range(n)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        first = list(pool.map(lambda e: post(base, secret, e), events))
        assert all(status == 202 for status, _ in first), [r for r in first if r[0] != 202][:3]
        again = list(pool.map(lambda e: post(base, secret, e), events))  # every event again: no second effect
        assert all(status == 200 and r["duplicate"] is True for status, r in again)
    wait_for(lambda: mail_count(maildir) >= n + 1, 180, "one mail per account (1,000 candidates + 1 party)")
    time.sleep(1.5)  # a duplicate would arrive now
    expected = sorted([f"Persona Candidata Número {i} <persona{i}@example.mx>" for i in range(n)] + ["Representación MC <rep.mc@example.mx>"])
    got = to_addresses(maildir)
    assert got == expected
    m = next(m for m in messages(maildir) if "persona7@" in str(m["To"]))
    text = next(p for p in m.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "https://conoceles.example.mx/activar?token=" in text
    assert "Presidencia municipal" in text and "c-e2e-7" in text
    assert "Conóceles" in decoded(m["Subject"])

    # Follow the activation link over HTTP and choose a password.
    link = next(line for line in text.splitlines() if "/activar?token=" in line).strip()
    local = base + link[link.index("/activar"):]
    with urllib.request.urlopen(local, timeout=10) as r:
        page = r.read().decode()
        cookie = r.headers["Set-Cookie"].split(";")[0]
    assert "c-e2e-7" in page
    csrf = page.split('name="csrf" value="')[1][:64]
    token = link.split("token=")[1]
    form = urllib.parse.urlencode({"token": token, "csrf": csrf, "contrasena": "mi-clave-segura-2024",
                                   "confirmacion": "mi-clave-segura-2024"}).encode()
    req = urllib.request.Request(base + "/activar", data=form, method="POST", headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and "Su cuenta está activa" in r.read().decode()
    activated = subprocess.run(["psql", env["CONOCELES_DATABASE_URL"], "-tAc",
                                "SELECT activated_at IS NOT NULL AND password_hash LIKE '$2%' FROM accounts WHERE username = 'c-e2e-7'"],
                               capture_output=True, text=True).stdout.strip()
    assert activated == "t"

    # And sign in with it: a session cookie, and the candidate lands on its own profile.
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    form = urllib.parse.urlencode({"usuario": "c-e2e-7", "contrasena": "mi-clave-segura-2024", "csrf": csrf}).encode()
    try:
        opener.open(urllib.request.Request(base + "/entrar", data=form, method="POST", headers={"Cookie": cookie}), timeout=30)
        raise AssertionError("sign-in should redirect")
    except urllib.error.HTTPError as e:
        assert e.code == 303 and e.headers["Location"] == "/inicio"
        session = next(c for c in e.headers.get_all("Set-Cookie") if c.startswith("conoceles_sesion=")).split(";")[0]
    try:
        opener.open(urllib.request.Request(base + "/inicio", headers={"Cookie": f"{cookie}; {session}"}), timeout=10)
        raise AssertionError("/inicio should redirect")
    except urllib.error.HTTPError as e:
        assert e.code == 303 and e.headers["Location"] == "/candidaturas/E2E-7"


def test_a_cancellation_that_arrives_first_is_held_then_applied(system):
    base, secret, maildir, env = system
    cancel = {"id": "evt-cancel-900", "type": "candidacy.cancelled", "occurred_at": "2024-03-06T10:00:00Z", "candidacy_id": "E2E-900"}
    assert post(base, secret, cancel)[0] == 202
    assert post(base, secret, approval(900))[0] == 202
    url = env["CONOCELES_DATABASE_URL"]

    def status_of(event_id):
        return subprocess.run(["psql", url, "-tAc", f"SELECT status FROM registration_events WHERE id = '{event_id}'"],
                              capture_output=True, text=True).stdout.strip()

    def candidacy_status():
        return subprocess.run(["psql", url, "-tAc", "SELECT status FROM candidacies WHERE id = 'E2E-900'"],
                              capture_output=True, text=True).stdout.strip()

    wait_for(lambda: status_of("evt-cancel-900") == "applied" and candidacy_status() == "cancelada", 30,
             "the held cancellation is applied after the approval")
    assert status_of("evt-approve-900") == "applied"


def test_an_event_for_an_unknown_office_is_kept_as_rejected(system):
    base, secret, _, env = system
    assert post(base, secret, approval(901, office="SENADURIA"))[0] == 202
    url = env["CONOCELES_DATABASE_URL"]

    def row():
        return subprocess.run(["psql", url, "-tAc", "SELECT status, status_reason FROM registration_events WHERE id = 'evt-approve-901'"],
                              capture_output=True, text=True).stdout.strip()

    wait_for(lambda: row().startswith("rejected|"), 30, "the event is rejected with its reason")
    assert "SENADURIA" in row()


def test_events_are_accepted_while_the_smtp_server_is_down_and_mailed_once_when_it_returns(binary, env, tmp_path):
    maildir = tmp_path / "maildir"
    port = str(__import__("conftest").free_port())
    env = dict(env, CONOCELES_SMTP_PORT=port)
    proc = start(binary, ["up"], env)
    base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
    secret = env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"]
    sink = None
    try:
        wait_http(base + "/health", proc)
        for i in range(5):
            assert post(base, secret, approval(500 + i))[0] == 202
        url = env["CONOCELES_DATABASE_URL"]

        def waiting():
            # The five accounts exist, none sent, and the batch that tried to send them waits to retry.
            return subprocess.run(["psql", url, "-tAc", """
                SELECT (SELECT count(*) FROM accounts WHERE role = 'persona_candidata' AND credentials_sent_at IS NULL) = 5
                   AND EXISTS (SELECT 1 FROM jobs WHERE kind = 'mail.credentials' AND state = 'retryable')"""],
                                  capture_output=True, text=True).stdout.strip()

        wait_for(lambda: waiting() == "t", 60, "the credentials mails wait for the SMTP server")
        sink = subprocess.Popen([os.path.join(ROOT, ".venv/bin/python"), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                 "-c", "aiosmtpd.handlers.Mailbox", str(maildir)])
        wait_for(lambda: mail_count(maildir) >= 5, 90, "every mail arrives once the server is back")
        time.sleep(1.5)
        assert to_addresses(str(maildir)) == sorted(f"Persona Candidata Número {500 + i} <persona{500 + i}@example.mx>" for i in range(5))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if sink:
            sink.kill()


def link_in(message):
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    return next(line for line in text.splitlines() if "/activar?token=" in line).strip()


def test_a_corrected_email_gets_the_credentials_and_the_old_link_stops(system):
    """The registration system corrects a mistyped e-mail with candidacy.updated: the
    credentials go to the new address through the SMTP sink, and the link sent to the wrong
    one stops working; every other field of the update applies too."""
    base, secret, maildir, env = system
    assert post(base, secret, approval(900, email="persona900@exmaple.mx"))[0] == 202
    wait_for(lambda: mail_count(maildir) >= 1, 60, "the first credentials mail")
    first = messages(maildir)[0]
    assert "persona900@exmaple.mx" in str(first["To"])
    update = approval(900, email="persona900@example.mx", full_name="Persona Candidata Novecientos")
    update["id"], update["type"] = "evt-update-900", "candidacy.updated"
    assert post(base, secret, update)[0] == 202
    wait_for(lambda: mail_count(maildir) >= 2, 60, "the credentials at the corrected address")
    second = next(m for m in messages(maildir) if "persona900@example.mx" in str(m["To"]))
    assert "Persona Candidata Novecientos" in decoded(second["To"])
    assert first["Message-ID"] != second["Message-ID"]
    old, new = link_in(first), link_in(second)
    assert old != new
    for link, works in ((old, False), (new, True)):
        try:
            with urllib.request.urlopen(base + link[link.index("/activar"):], timeout=10) as r:
                page = r.read().decode()
                ok = 'name="contrasena"' in page
        except urllib.error.HTTPError as e:
            ok = False
            page = e.read().decode()
        assert ok == works, page[:400]
    name = subprocess.run(["psql", env["CONOCELES_DATABASE_URL"], "-tAc", "SELECT full_name FROM candidacies WHERE id = 'E2E-900'"],
                          capture_output=True, text=True).stdout.strip()
    assert name == "Persona Candidata Novecientos"
