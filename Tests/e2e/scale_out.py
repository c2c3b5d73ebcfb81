"""Helpers for driving the capture site over plain HTTP (no browser) across several servers:
one cookie jar per person, sent to whichever server the step goes to (sessions live in
PostgreSQL, so any server serves any session)."""
import datetime
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from test_registration import decoded, messages, wait_for  # noqa: F401 (test_scale_out imports it from here)

PASSWORD = "una-clave-muy-segura-2024"
LONG_TEXT = " ".join(["compromiso"] * 40)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class Person:
    """A person's browser reduced to its cookies: GET and POST against any of the servers."""

    def __init__(self):
        self.cookies = {}

    def send(self, base, path, data=None, content_type=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in sorted(self.cookies.items()))
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET", headers=headers)
        try:
            response = _opener.open(request, timeout=60)
            status, head, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            status, head, body = e.code, e.headers, e.read()
        for field in head.get_all("Set-Cookie") or []:
            name, _, value = field.split(";")[0].partition("=")
            if not value or "Max-Age=0" in field:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return status, head, body.decode("utf-8", errors="replace")

    def get(self, base, path):
        return self.send(base, path)

    def csrf(self, base):
        if "conoceles_csrf" not in self.cookies:
            self.get(base, "/entrar")
        return self.cookies["conoceles_csrf"]

    def post(self, base, path, fields):
        body = urllib.parse.urlencode(list(fields) + [("csrf", self.csrf(base))]).encode()
        return self.send(base, path, body, "application/x-www-form-urlencoded")

    def upload(self, base, path, fields, files):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content_type, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f'Content-Type: {content_type}\r\n\r\n'.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        query = "?" + urllib.parse.urlencode({"csrf": self.csrf(base)})
        return self.send(base, path + query, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def activate(self, base, link):
        """Follows the activation link of a mail (on `base`) and chooses the password."""
        token = link.split("token=")[1]
        status, _, page = self.get(base, "/activar?token=" + token)
        assert status == 200 and "Active su cuenta" in page, page[:500]
        status, _, page = self.post(base, "/activar", [("token", token), ("contrasena", PASSWORD), ("confirmacion", PASSWORD)])
        assert status == 200 and "Su cuenta está activa" in page, page[:500]

    def sign_in(self, base, username):
        status, head, page = self.post(base, "/entrar", [("usuario", username), ("contrasena", PASSWORD)])
        assert status == 303, (status, page[:500])
        return head["Location"]


def credentials(maildir, address):
    """The activation link and the username of the credentials mail sent to `address`."""
    message = next(m for m in messages(maildir) if address in decoded(m["To"]))
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    link = next(line.strip() for line in text.splitlines() if "/activar?token=" in line)
    return link, re.search(r"Tu usuario es: (\S+)", text).group(1)


def recipients(maildir):
    """How many messages each address received."""
    counts = {}
    for m in messages(maildir):
        address = decoded(m["To"])
        counts[address] = counts.get(address, 0) + 1
    return counts


CURRICULAR = [
    ("facebook", "https://www.facebook.com/persona"), ("pagina_web", "https://www.persona.mx"),
    ("correos[]", "contacto@persona.mx"), ("telefonos[]", "3312345678"), ("domicilios[]", "Av. Juárez 100, Guadalajara"),
    ("grado", "licenciatura"), ("estatus_grado", "concluido"), ("formacion[]", "Diplomado en políticas públicas"),
    ("historia_profesional", LONG_TEXT), ("trayectoria_politica", LONG_TEXT), ("motivacion", LONG_TEXT),
    ("propuesta_1", LONG_TEXT), ("propuesta_2", LONG_TEXT), ("propuesta_genero", LONG_TEXT),
    ("autoriza_publicacion", "si"),
]

IDENTITY = [(name, "no") for name in ("indigena", "lengua_indigena", "discapacidad", "afromexicana", "lgbt", "migrante",
                                     "joven", "persona_mayor")] + [
    ("ingresos", "25001_50000"), ("fuente_ingresos", "salario"), ("entidad_nacimiento", "14")]


def sample_photo(binary, path, seed):
    subprocess.run([binary, "photo", "sample", path, "--seed", str(seed)], check=True, capture_output=True)
    with open(path, "rb") as f:
        return f.read()


def photo_date():
    return (datetime.date.today() - datetime.timedelta(days=5)).isoformat()


def sql(env, query):
    return subprocess.run(["psql", env["CONOCELES_DATABASE_URL"], "-tAXc", query], capture_output=True, text=True,
                          check=True).stdout.strip()


