"""A running system seeded with an account of every role, for the security and hostile-input
suites: `conoceles up` on a fresh database with a fresh SMTP sink, three approved candidacies
of two parties (their candidates' and representatives' accounts activated from the e-mails),
and the three staff accounts activated from the CLI's links. Plus a small HTTP client that
keeps cookies, never follows redirects and times every request, and an HTML form reader.

Module-scoped (one system per test file) so that a suite of a hundred attacks costs one
start-up and a dozen bcrypt hashes."""
import hashlib
import hmac
import html.parser
import http.client
import json
import os
import re
import subprocess
import time
import urllib.parse
import uuid

from conftest import ROOT, free_port, start, wait_http
from test_registration import approval, decoded, messages, wait_for

PASSWORD = "clave-de-prueba-segura-2024"
PARTY_CANDIDACIES = {"MC": ["SEC-1", "SEC-2"], "PAN": ["SEC-3"]}
STAFF = {"transparency": ("instancia_interna", "ana.transparencia"),
         "gender": ("igualdad_genero", "eva.igualdad"),
         "it": ("informatica", "ivan.informatica")}


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status, self.headers, self.body, self.elapsed = status, headers, body, elapsed

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.text[:300]!r}>"


class Client:
    """A browser without JavaScript: keeps cookies, sends the CSRF cookie's token with
    `form()`/`upload()`, never follows redirects, records each request's time."""

    def __init__(self, base, timeout=30, source=None):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = u.hostname, u.port, timeout
        self.source = (source, 0) if source else None  # another loopback address: another client
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout, source_address=self.source)
        t0 = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
        finally:
            conn.close()
        elapsed = time.monotonic() - t0
        for name, value in r.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";")[0]
                k, _, v = pair.partition("=")
                if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                    self.cookies.pop(k.strip(), None)
                else:
                    self.cookies[k.strip()] = v.strip()
        hdrs = {}
        for name, value in r.getheaders():
            hdrs[name.lower()] = value if name.lower() not in hdrs else hdrs[name.lower()] + ", " + value
        return Response(r.status, hdrs, data, elapsed)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    @property
    def csrf(self):
        if "conoceles_csrf" not in self.cookies:
            self.get("/entrar")
        return self.cookies.get("conoceles_csrf", "")

    def form(self, path, fields, csrf=True, raw=None):
        """POSTs a URL-encoded form (`fields`: list of pairs; `raw`: bytes sent as they are)."""
        pairs = list(fields)
        if csrf is True:
            pairs.append(("csrf", self.csrf))
        elif csrf:
            pairs.append(("csrf", csrf))
        body = raw if raw is not None else urllib.parse.urlencode(pairs).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, path, parts, csrf=True, boundary=None, raw=None, content_type=None):
        """POSTs multipart/form-data. `parts`: (name, filename or None, content type, bytes)."""
        boundary = boundary or "----conoceles" + uuid.uuid4().hex
        if raw is None:
            raw = b""
            for name, filename, ctype, data in parts:
                disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
                raw += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
                if ctype:
                    raw += f"Content-Type: {ctype}\r\n".encode()
                raw += b"\r\n" + data + b"\r\n"
            raw += f"--{boundary}--\r\n".encode()
        if csrf is True:
            path += ("&" if "?" in path else "?") + "csrf=" + self.csrf
        return self.request("POST", path, raw, {"Content-Type": content_type or f"multipart/form-data; boundary={boundary}"})

    def sign_in(self, username, password=PASSWORD):
        r = self.form("/entrar", [("usuario", username), ("contrasena", password)])
        assert r.status == 303, (username, r)
        return r


class FormReader(html.parser.HTMLParser):
    """Every <form> of a page: action, method, enctype and its named fields (name, type,
    current value, options of a select)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                               "enctype": a.get("enctype", ""), "fields": []})
        elif self.forms and tag in ("input", "textarea", "select", "button") and a.get("name"):
            field = {"name": a["name"], "tag": tag, "type": a.get("type") or ("text" if tag == "input" else tag),
                     "value": a.get("value", ""), "options": []}
            self.forms[-1]["fields"].append(field)
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms(page_html):
    reader = FormReader()
    reader.feed(page_html)
    return reader.forms


def page_form(page_html, path):
    """The page's own POST form: the one that posts back to `path` (not the menu's sign-out)."""
    path = path.split("?")[0]
    posts = [f for f in forms(page_html) if f["method"] == "post" and f["action"].split("?")[0] != "/salir"]
    return next((f for f in posts if f["action"].split("?")[0] in (path, "")), posts[0] if posts else None)


def sign(secret, body, timestamp=None):
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": "application/json", "X-Conoceles-Timestamp": ts,
            "X-Conoceles-Signature": "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()}


def fresh_env():
    """Like conftest's `env`, for a module: a fresh database on a free port."""
    e = dict(os.environ)
    assert "CONOCELES_DATABASE_URL" in e, "run through scripts/test (it starts PostgreSQL)"
    admin = e["CONOCELES_DATABASE_URL"]
    name = "e2e_" + os.urandom(6).hex()
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    e["CONOCELES_DATABASE_URL"] = admin.rsplit("/", 1)[0] + "/" + name
    e["CONOCELES_ADMIN_DATABASE_URL"] = admin
    e["CONOCELES_HTTP_PORT"] = str(free_port())
    e.setdefault("CONOCELES_HTTP_PUBLIC_URL", f"http://127.0.0.1:{e['CONOCELES_HTTP_PORT']}")
    e.setdefault("CONOCELES_DATABASE_MIGRATE_ON_START", "true")
    return e, admin, name


class Seeded:
    """The running system: `client(role)` gives a signed-in client; `ids` the candidacies."""

    def __init__(self, base, env, proc, maildir, tmp):
        self.base, self.env, self.proc, self.maildir, self.tmp = base, env, proc, maildir, tmp
        self.secret = env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"]
        self.usernames = {}
        self.sessions = {}

    def client(self, role=None):
        """A client signed in as `role` (one sign-in per role, its session cookie reused, so
        that tests which exhaust the sign-in throttle don't lock the others out)."""
        c = Client(self.base)
        if role:
            if role not in self.sessions:
                c.sign_in(self.usernames[role])
                self.sessions[role] = dict(c.cookies)
            c.cookies = dict(self.sessions[role])
        return c

    def reset_throttle(self):
        self.sql("DELETE FROM login_attempts; DELETE FROM sign_in_throttles")

    def sql(self, query):
        return subprocess.run(["psql", self.env["CONOCELES_DATABASE_URL"], "-XtAc", query],
                              capture_output=True, text=True, check=True).stdout.strip()

    def post_event(self, event, timestamp=None, raw=None):
        body = raw if raw is not None else json.dumps(event, ensure_ascii=False).encode()
        return Client(self.base).request("POST", "/api/v1/events", body, sign(self.secret, body, timestamp))

    def log(self):
        return self.proc.log()


def activate(base, link, password=PASSWORD):
    c = Client(base)
    path = link[link.index("/activar"):]
    page = c.get(path)
    assert page.status == 200, page
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["token"][0]
    r = c.form("/activar", [("token", token), ("contrasena", password), ("confirmacion", password)])
    assert r.status == 200 and "Su cuenta está activa" in r.text, r


def seeded_system(binary, tmp, extra_env=None):
    """Generator for a module fixture: yields a `Seeded` and tears everything down."""
    env, admin, name = fresh_env()
    maildir = str(tmp / "maildir")
    port = str(free_port())
    sink = subprocess.Popen([os.path.join(ROOT, ".venv/bin/python"), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", maildir])
    base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
    env.update(CONOCELES_SMTP_PORT=port, CONOCELES_HTTP_PUBLIC_URL=base, CONOCELES_PATHS_BLOBS=str(tmp / "blobs"))
    env.update(extra_env or {})
    proc = start(binary, ["up"], env)
    try:
        wait_http(base + "/health", proc)
        system = Seeded(base, env, proc, maildir, tmp)
        n = 0
        for party, ids in PARTY_CANDIDACIES.items():
            for i, cid in enumerate(ids):
                e = approval(n, representative=f"rep.{party.lower()}@example.mx" if i == 0 else None,
                             id=cid, postulated_by=party, email=f"{cid.lower()}@example.mx",
                             full_name=f"Persona Segura {cid}")
                e["id"] = f"evt-{cid}"
                r = system.post_event(e)
                assert r.status == 202, r
                n += 1
        wanted = {f"{cid.lower()}@example.mx" for ids in PARTY_CANDIDACIES.values() for cid in ids} | {"rep.mc@example.mx", "rep.pan@example.mx"}

        def delivered():
            return os.path.isdir(os.path.join(maildir, "new")) and {a for a in wanted if any(a in decoded(m["To"]) for m in messages(maildir))} == wanted
        wait_for(delivered, 120, "every seeded account's credentials mail")
        for m in messages(maildir):
            to = decoded(m["To"])
            text = next(p for p in m.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
            link = next(line.strip() for line in text.splitlines() if "/activar?token=" in line)
            username = re.search(r"Tu usuario es: (\S+)", text).group(1)
            activate(base, link)
            if "rep.mc@" in to:
                system.usernames["representative"] = username
            elif "rep.pan@" in to:
                system.usernames["other_representative"] = username
            elif "sec-1@" in to:
                system.usernames["candidate"] = username
            elif "sec-3@" in to:
                system.usernames["other_candidate"] = username
            elif "sec-2@" in to:
                system.usernames["same_party_candidate"] = username
        for role, (cli_role, username) in STAFF.items():
            out = subprocess.run([binary, "accounts", "staff", "--role", cli_role, "--username", username,
                                  "--email", f"{username}@example.mx", "--name", username.title()],
                                 cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, out.stderr
            activate(base, re.search(r"(http\S+/activar\?token=\S+)", out.stdout + out.stderr).group(1))
            system.usernames[role] = username
        for role in system.usernames:
            system.client(role)
        for role, candidacy in (("candidate", "SEC-1"), ("other_candidate", "SEC-3")):
            r = system.client(role).form(f"/candidaturas/{candidacy}/aviso", [("acepto", "si")])
            assert r.status in (200, 303), r
        yield system
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        sink.kill()
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
