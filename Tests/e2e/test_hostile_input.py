"""Hostile input against the real binary (issue 10): the event JSON (oversized, invalid
UTF-8, NUL bytes, nesting 10,000 deep, huge numbers, wrong types), multipart uploads (photo,
consent PDF, CSV: truncated, wrong boundary, huge parts, many parts) and form fields
(oversized, invalid UTF-8, NUL, malformed encoding) on the sign-in, capture and search forms.
Never a 5xx, never a hang, always a Spanish page or a JSON problem; the server and its
workers stay up and every job they were handed ends."""
import json
import time

import pytest

from seeded import Client, page_form, seeded_system, sign
from test_registration import approval

DEADLINE = 20  # seconds: no request may take longer (a hang)


@pytest.fixture(scope="module")
def system(binary, tmp_path_factory):
    yield from seeded_system(binary, tmp_path_factory.mktemp("hostile"))


def assert_answered(r, what, html=None):
    """Not a 5xx, not a hang; an error is a Spanish page or a JSON problem."""
    assert r.status < 500, (what, r)
    assert r.elapsed < DEADLINE, (what, r.elapsed)
    ctype = r.header("content-type") or ""
    if r.status >= 400:
        if "html" in ctype:
            assert 'lang="es' in r.text, (what, r)
            assert "Error interno" not in r.text
        else:
            assert "json" in ctype, (what, ctype, r)
            body = r.json()
            assert body.get("title") or body.get("error"), (what, body)
    if html is True and not 300 <= r.status < 400:
        assert "html" in ctype, (what, r.status, ctype)


def still_up(system):
    assert system.proc.poll() is None, "the server process died:\n" + system.log()[-3000:]
    assert Client(system.base).get("/health").status == 200


# --- the event JSON ------------------------------------------------------------------------------

def hostile_event_bodies():
    good = approval(1, id="HOST-1", postulated_by="MC", email="host1@example.mx")
    good["id"] = "evt-host-1"
    text = json.dumps(good)
    yield "empty", b""
    yield "null", b"null"
    yield "array", b"[]"
    yield "string", b'"hola"'
    yield "truncated", text[: len(text) // 2].encode()
    yield "oversized 2 MB", b'{"id":"' + b"x" * (2 << 20) + b'"}'
    yield "just over 1 MB", json.dumps(dict(good, relleno="x" * (1 << 20))).encode()
    yield "invalid UTF-8", text.replace("Persona", "Persona \xff").encode("latin-1")
    yield "overlong UTF-8", text.encode().replace(b"Persona", b"Persona \xc0\xaf")
    yield "lone surrogate escape", text.replace("Persona", "Persona \\ud800").encode()
    yield "escaped NUL in a name", text.replace("Persona", "Per\\u0000sona").encode()
    yield "escaped NUL in the id", text.replace("evt-host-1", "evt-\\u0000-1").encode()
    yield "raw NUL", text.encode().replace(b"Persona", b"Per\x00sona")
    yield "nesting 10,000 deep", b'{"id":"n","type":"candidacy.approved","x":' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    yield "nesting 10,000 deep objects", b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    yield "nesting 100,000 deep", b"[" * 100_000 + b"]" * 100_000
    for field, value in [("district", 1e308), ("district", "1e400"), ("list_position", 10 ** 40), ("age", -(10 ** 30)),
                         ("age", 1.5), ("district", -1), ("list_position", 0)]:
        c = dict(good["candidacy"], **{field: value})
        body = json.dumps(dict(good, id=f"evt-num-{field}", candidacy=c))
        if value == "1e400":
            body = body.replace('"1e400"', "1e400")
        yield f"huge number {field}={value}", body.encode()
    wrong = [("id", 5), ("id", None), ("id", ""), ("id", "x" * 10_000), ("type", ["candidacy.approved"]), ("type", "otro"),
             ("occurred_at", 12), ("occurred_at", "ayer"), ("candidacy", "texto"), ("candidacy", []), ("candidacy", None)]
    for field, value in wrong:
        yield f"wrong type {field}={str(value)[:20]}", json.dumps(dict(good, **{field: value})).encode()
    for field in ["id", "office", "full_name", "gender", "email", "district", "birth_date", "representative_email"]:
        for value in [123, True, {"a": 1}, ["x"], "x" * 5000, "", None]:
            c = dict(good["candidacy"], **{field: value})
            yield f"candidacy.{field}={str(value)[:20]}", json.dumps(dict(good, id=f"evt-w-{field}-{type(value).__name__}", candidacy=c)).encode()
    yield "duplicate keys", text.replace('"type"', '"type": "candidacy.cancelled", "type"', 1).encode()
    yield "bad date", text.replace("1980-05-17", "1980-02-31").encode()
    yield "unicode name", text.replace("Persona", "Persona 𝕏 \u202e ﷽").replace("evt-host-1", "evt-host-unicode").replace("HOST-1", "HOST-2").encode()


def test_hostile_event_bodies_get_a_problem_and_never_a_5xx(system):
    client = Client(system.base, timeout=DEADLINE + 5)
    answers = {}
    for name, body in hostile_event_bodies():
        r = client.request("POST", "/api/v1/events", body, sign(system.secret, body))
        assert_answered(r, name)
        if r.status >= 400:
            assert r.header("content-type").startswith("application/problem+json"), (name, r)
        answers[name] = r.status
        unsigned = client.request("POST", "/api/v1/events", body, {"Content-Type": "application/json"})
        assert unsigned.status in (401, 413), (name, unsigned)
    assert answers["oversized 2 MB"] == 413 and answers["just over 1 MB"] == 413
    assert answers["invalid UTF-8"] == 400 and answers["nesting 10,000 deep"] == 400
    assert answers["unicode name"] in (200, 202), answers["unicode name"]
    still_up(system)
    # Whatever was accepted is applied or rejected with a reason; no job is left failing.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        open_jobs = system.sql("SELECT count(*) FROM jobs WHERE kind = 'registration.ingest' AND state NOT IN ('completed', 'discarded', 'cancelled')")
        if open_jobs == "0":
            break
        time.sleep(0.5)
    assert open_jobs == "0", system.sql("SELECT kind, state, errors FROM jobs WHERE state NOT IN ('completed')")
    assert system.sql("SELECT count(*) FROM jobs WHERE kind = 'registration.ingest' AND state = 'discarded'") == "0", \
        system.sql("SELECT args, errors FROM jobs WHERE state = 'discarded'")
    still_up(system)


# --- multipart uploads ------------------------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def hostile_uploads(field, filename, ctype, data):
    b = "----hostil"
    part = (f'--{b}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n").encode() + data + b"\r\n"
    end = f"--{b}--\r\n".encode()
    yield "well formed", part + end, f"multipart/form-data; boundary={b}"
    yield "truncated", (part + end)[: len(part) // 2], f"multipart/form-data; boundary={b}"
    yield "no closing boundary", part, f"multipart/form-data; boundary={b}"
    yield "wrong boundary", part + end, "multipart/form-data; boundary=otra-frontera"
    yield "no boundary parameter", part + end, "multipart/form-data"
    yield "empty body", b"", f"multipart/form-data; boundary={b}"
    yield "garbage", b"\x00\xff" * 1000, f"multipart/form-data; boundary={b}"
    yield "huge part 8 MB", part.replace(data, data + b"\x00" * (8 << 20)) + end, f"multipart/form-data; boundary={b}"
    many = b"".join(f'--{b}\r\nContent-Disposition: form-data; name="campo{i}"\r\n\r\nvalor\r\n'.encode() for i in range(5000))
    yield "5,000 parts", many + part + end, f"multipart/form-data; boundary={b}"
    yield "same file field twice", part + part + end, f"multipart/form-data; boundary={b}"
    yield "path traversal filename", part.replace(filename.encode(), b"../../../../etc/passwd") + end, f"multipart/form-data; boundary={b}"
    yield "NUL and invalid UTF-8 in the headers", part.replace(filename.encode(), b"a\x00\xff\xfe.bin") + end, f"multipart/form-data; boundary={b}"
    yield "no Content-Disposition", f"--{b}\r\nContent-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n" + end, f"multipart/form-data; boundary={b}"
    yield "header line 100 KB", part.replace(b"Content-Type", b"X-Relleno: " + b"a" * 100_000 + b"\r\nContent-Type") + end, f"multipart/form-data; boundary={b}"
    yield "boundary 5,000 characters", part.replace(b.encode(), b"z" * 5000) + end.replace(b.encode(), b"z" * 5000), "multipart/form-data; boundary=" + "z" * 5000
    yield "url-encoded instead", f"{field}=hola".encode(), "application/x-www-form-urlencoded"
    yield "text/plain", data, "text/plain"
    yield "NUL inside the file", part.replace(data, data[:10] + b"\x00" + data[10:]) + end, f"multipart/form-data; boundary={b}"


@pytest.mark.parametrize("role,path,field,filename,ctype,data", [
    ("candidate", "/candidaturas/SEC-1/foto", "foto", "foto.jpg", "image/jpeg", JPEG),
    ("candidate", "/candidaturas/SEC-1/consentimiento-expreso", "documento", "formato.pdf", "application/pdf", PDF),
    ("representative", "/candidaturas/carga", "archivo", "carga.csv", "text/csv", b"id,educacion\nSEC-1,Licenciatura\n"),
])
def test_hostile_multipart_uploads_get_a_spanish_page(system, role, path, field, filename, ctype, data):
    client = system.client(role)
    client.timeout = DEADLINE + 5
    for name, body, content_type in hostile_uploads(field, filename, ctype, data):
        r = client.upload(path, [], raw=body, content_type=content_type)
        assert_answered(r, (path, name))
        if r.status >= 400 and r.status not in (401, 403):
            assert "html" in (r.header("content-type") or ""), (path, name, r)
    still_up(system)


# --- form fields ------------------------------------------------------------------------------------

def hostile_values():
    yield "invalid UTF-8", "%FF%FE%C0%AF"
    yield "NUL", "a%00b"
    yield "only NUL", "%00"
    yield "malformed percent", "%zz%"
    yield "lone percent", "%"
    yield "200 KB", "x" * 200_000
    yield "combining marks", "a" + "%CC%81" * 5000
    yield "bidi and emoji", "%E2%80%AE%F0%9F%98%80"
    yield "huge number", "9" * 400
    yield "negative", "-99999999999999999999"


def raw_form(fields, csrf, name, value):
    """A URL-encoded body with `name` set to the already-encoded `value`."""
    parts = [f"{n}={value if n == name else 'x'}" for n in fields if n != "csrf"]
    if name not in fields:
        parts.append(f"{name}={value}")
    parts.append(f"csrf={csrf}")
    return "&".join(parts).encode()


def test_hostile_form_fields_on_sign_in_capture_and_search(system):
    anonymous = Client(system.base, timeout=DEADLINE + 5)
    candidate = system.client("candidate")
    candidate.timeout = DEADLINE + 5
    checked = 0
    targets = [(anonymous, "/entrar"), (anonymous, "/recuperar"), (candidate, "/candidaturas/SEC-1/curricular"),
               (candidate, "/candidaturas/SEC-1/identidad"), (candidate, "/candidaturas/SEC-1/consentimiento")]
    for client, path in targets:
        page = client.get(path)
        assert page.status == 200, (path, page)
        form = page_form(page.text, path)
        names = list(dict.fromkeys(f["name"] for f in form["fields"]))
        for name in [n for n in names if n != "csrf"][:12] + ["no_existe", "usuario[]"]:
            for label, value in hostile_values():
                r = client.form(form["action"] or path, [], raw=raw_form(names, client.csrf, name, value))
                assert_answered(r, (path, name, label), html=True)
                checked += 1
            system.reset_throttle()
    # The whole form bigger than the 256 KB limit: 413, a Spanish page.
    r = candidate.form("/candidaturas/SEC-1/curricular", [], raw=b"educacion=" + b"x" * 400_000 + f"&csrf={candidate.csrf}".encode())
    assert r.status == 413 and 'lang="es' in r.text, r
    # A body that is not a form at all.
    r = candidate.request("POST", "/candidaturas/SEC-1/curricular?csrf=" + candidate.csrf, b"\x00\xff{}",
                          {"Content-Type": "application/json"})
    assert_answered(r, "json to a form")
    # The public search (GET) and its parameters.
    for name in ["nombre", "cargo", "partido", "distrito", "municipio", "genero", "escolaridad", "edad", "accion_afirmativa", "pagina"]:
        for label, value in hostile_values():
            value = value[:20_000]
            r = anonymous.get(f"/candidaturas-publicas?{name}={value}")
            assert_answered(r, ("search", name, label), html=True)
            r = anonymous.get(f"/api/v1/publico/candidaturas?{name}={value}")
            assert_answered(r, ("api search", name, label))
            checked += 2
    # Paths.
    for path in ["/perfil/%00", "/perfil/%FF%FE", "/perfil/" + "x" * 5000, "/candidaturas/%00/curricular", "/%2e%2e/%2e%2e/etc/passwd",
                 "/estatico/..%2f..%2fPackage.swift", "/estatico/%00"]:
        r = candidate.get(path)
        assert_answered(r, path)
        assert "swift-tools-version" not in r.text
        checked += 1
    assert checked > 400
    still_up(system)
