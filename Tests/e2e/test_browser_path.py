"""The whole path in a real browser: a candidacy approved by the registration system, its
candidate and its party's representative activating their accounts from the e-mails, the
candidate filling both questionnaires and uploading a photo, the representative authorizing
publication, staff verifying and publishing. axe-core checks every page on the way."""
import datetime
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from browser import chromium, choose, fill, serious_violations, submit, type_into, wait_text, wait_url
from conftest import ROOT, free_port, start, wait_http
from test_registration import approval, decoded, mail_count, messages, post, wait_for

PASSWORD = "una-clave-muy-segura-2024"


@pytest.fixture
def system(binary, env, tmp_path):
    maildir = tmp_path / "maildir"
    port = str(free_port())
    sink = subprocess.Popen([os.path.join(ROOT, ".venv/bin/python"), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)])
    base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
    env = dict(env, CONOCELES_SMTP_PORT=port, CONOCELES_HTTP_PUBLIC_URL=base, CONOCELES_PATHS_BLOBS=str(tmp_path / "blobs"))
    proc = start(binary, ["up"], env)
    try:
        wait_http(base + "/health", proc)
        yield base, env, str(maildir), tmp_path, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        sink.kill()


@pytest.fixture
def driver():
    d = chromium()
    yield d
    d.quit()


def link_and_username(maildir, address):
    message = next(m for m in messages(maildir) if address in decoded(m["To"]))
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    link = next(line.strip() for line in text.splitlines() if "/activar?token=" in line)
    username = re.search(r"Tu usuario es: (\S+)", text).group(1)
    return link, username


def activate_and_sign_in(driver, link, username, checked):
    driver.get(link)
    wait_text(driver, "Active su cuenta")
    checked()
    fill(driver, "contrasena", PASSWORD)
    fill(driver, "confirmacion", PASSWORD)
    submit(driver, "Activar cuenta")
    wait_text(driver, "Su cuenta está activa")
    driver.find_element(By.LINK_TEXT, "Entrar").click()
    wait_text(driver, "Escriba el usuario")
    fill(driver, "usuario", username)
    fill(driver, "contrasena", PASSWORD)
    submit(driver, "Entrar")


def state(env, candidacy):
    return subprocess.run(["psql", env["CONOCELES_DATABASE_URL"], "-tAc",
                           f"SELECT state FROM profile_workflows WHERE candidacy_id = '{candidacy}'"],
                          capture_output=True, text=True).stdout.strip()


def test_from_approval_to_a_published_profile(binary, system, driver):
    base, env, maildir, tmp, proc = system
    violations = []

    def checked():
        violations.extend(serious_violations(driver))

    # The registration system approves a candidacy of Movimiento Ciudadano with its representative's address.
    event = approval(1, representative="rep.mc@example.mx")
    status, _ = post(base, env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"], event)
    assert status == 202
    wait_for(lambda: mail_count(maildir) >= 2, 120, "the candidate's and the representative's credentials")
    candidate_link, candidate_user = link_and_username(maildir, "persona1@example.mx")
    rep_link, rep_user = link_and_username(maildir, "rep.mc@example.mx")
    candidacy = "E2E-1"

    # The candidate activates the account and signs in: it lands on its own profile.
    activate_and_sign_in(driver, candidate_link, candidate_user, checked)
    wait_url(driver, lambda url: url == f"{base}/candidaturas/{candidacy}")
    wait_text(driver, "Qué falta")
    checked()

    # The privacy notice first.
    driver.get(f"{base}/candidaturas/{candidacy}/aviso")
    checked()
    submit(driver, "Acepto")
    wait_url(driver, lambda url: "/aviso" not in url)

    # The photo (a synthetic portrait, with the day it was taken declared: it has no EXIF date).
    photo = str(tmp / "retrato.jpg")
    subprocess.run([binary, "photo", "sample", photo, "--seed", "5"], check=True, capture_output=True)
    driver.get(f"{base}/candidaturas/{candidacy}/foto")
    checked()
    driver.find_element(By.ID, "foto").send_keys(photo)
    taken = (datetime.date.today() - datetime.timedelta(days=5)).isoformat()
    driver.execute_script("document.getElementById('fecha_toma').value = arguments[0];", taken)
    submit(driver, "Enviar foto")
    # The upload is screened and stored before the page, then checked by a `photo.check` job: the
    # page says it is under review, or already accepted when the worker was quicker than the redirect.
    wait_text(driver, ("Recibimos su foto", "Su foto fue aceptada"), timeout=60)
    deadline = time.monotonic() + 60
    while "Su foto fue aceptada" not in driver.page_source and time.monotonic() < deadline:
        time.sleep(0.5)
        driver.refresh()
    assert "Su foto fue aceptada" in driver.page_source
    checked()

    # The curricular questionnaire: a wrong value first (the message sits beside its field), then every field.
    driver.get(f"{base}/candidaturas/{candidacy}/curricular")
    checked()
    long_text = " ".join(["compromiso"] * 40)
    type_into(driver, "correos[]", "esto-no-es-un-correo")
    # The browser would stop this itself (type=email); the server must refuse it too.
    driver.execute_script("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    submit(driver, "Guardar borrador")
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input[aria-invalid=true]"))
    invalid = driver.find_element(By.CSS_SELECTOR, "input[aria-invalid=true]")
    assert invalid.get_attribute("value") == "esto-no-es-un-correo"  # the input is kept
    assert driver.find_element(By.ID, invalid.get_attribute("id") + "-error").text
    checked()
    type_into(driver, "facebook", "https://www.facebook.com/persona.uno")
    type_into(driver, "pagina_web", "https://www.personauno.mx")
    type_into(driver, "correos[]", "contacto@personauno.mx")
    type_into(driver, "telefonos[]", "33 1234 5678")
    type_into(driver, "domicilios[]", "Av. Juárez 100, Guadalajara")
    choose(driver, "grado", "licenciatura")
    choose(driver, "estatus_grado", "concluido")
    type_into(driver, "formacion[]", "Diplomado en políticas públicas")
    for field in ("historia_profesional", "trayectoria_politica", "motivacion", "propuesta_1", "propuesta_2", "propuesta_genero"):
        type_into(driver, field, long_text)
    counter = driver.find_element(By.ID, driver.find_element(By.NAME, "motivacion").get_attribute("id") + "-contador")
    # Counts as the server does (no white space), with the minimum and the maximum.
    assert counter.text.startswith(f"{len(long_text.replace(' ', ''))} caracteres sin contar espacios (mínimo ")
    choose(driver, "autoriza_publicacion", "si")
    submit(driver, "Guardar borrador")
    wait_url(driver, lambda url: "/curricular" in url)
    checked()

    # The identity questionnaire: a follow-up that needs its trigger, then the answers.
    driver.get(f"{base}/candidaturas/{candidacy}/identidad")
    checked()
    for name in ("indigena", "lengua_indigena", "discapacidad", "afromexicana", "lgbt", "migrante", "joven", "persona_mayor"):
        choose(driver, name, "no")
    choose(driver, "ingresos", "25001_50000")
    choose(driver, "fuente_ingresos", "salario")
    choose(driver, "entidad_nacimiento", "14")
    submit(driver, "Guardar borrador")
    wait_url(driver, lambda url: "/identidad" in url)
    checked()
    driver.get(f"{base}/candidaturas/{candidacy}")
    wait_text(driver, "el perfil está completo")
    checked()
    assert state(env, candidacy) == "completo"
    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")

    # The representative of the party authorizes publication from its list.
    activate_and_sign_in(driver, rep_link, rep_user, checked)
    wait_url(driver, lambda url: url.startswith(base + "/candidaturas"))
    wait_text(driver, "Persona Candidata Número 1")
    checked()
    driver.find_element(By.CSS_SELECTOR, f"button[formaction='/candidaturas/{candidacy}/autorizar']").click()
    wait_text(driver, "autorizada")
    checked()
    assert state(env, candidacy) == "autorizado"
    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")

    # Staff of the transparency office verify and publish it.
    out = subprocess.run([binary, "accounts", "staff", "--role", "instancia_interna", "--username", "ana.transparencia",
                          "--email", "ana@iepc.example.mx", "--name", "Ana Transparencia"],
                         env=env, capture_output=True, text=True, check=True).stdout
    staff_link = re.search(r"(http\S+/activar\?token=\S+)", out).group(1)
    activate_and_sign_in(driver, staff_link, "ana.transparencia", checked)
    wait_url(driver, lambda url: url.startswith(base + "/instancia/verificacion"))
    wait_text(driver, "Persona Candidata Número 1")
    checked()
    driver.get(f"{base}/instancia/candidaturas/{candidacy}")
    wait_text(driver, "Verificar y publicar")
    checked()
    submit(driver, "Verificar y publicar")
    wait_url(driver, lambda url: True)
    deadline = time.monotonic() + 15
    while state(env, candidacy) != "publicado" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state(env, candidacy) == "publicado"
    checked()
    # The one-profile refresh (publication.refresh_profile) puts the profile on the public
    # portal; the server's page cache follows the snapshot switch.
    deadline = time.monotonic() + 30
    public = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/perfil/{candidacy}") as response:
                public = response.read().decode()
        except urllib.error.HTTPError:
            public = ""
        if "Persona Candidata Número 1" in public and "aún no ha proporcionado" not in public:
            break
        time.sleep(0.3)
    assert "Persona Candidata Número 1" in public and "aún no ha proporcionado" not in public
    driver.get(f"{base}/instancia/candidaturas/{candidacy}/bitacora")
    wait_text(driver, "Bitácora")
    checked()

    # The one modification after publication, each step by the person who takes it.
    def sign_in_again(username):
        driver.get(base + "/entrar")
        wait_text(driver, "Escriba el usuario")
        fill(driver, "usuario", username)
        fill(driver, "contrasena", PASSWORD)
        submit(driver, "Entrar")
        wait_url(driver, lambda url: "/entrar" not in url)

    def public_profile():
        try:
            with urllib.request.urlopen(f"{base}/perfil/{candidacy}") as response:
                return response.read().decode()
        except urllib.error.HTTPError:
            return ""

    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")
    sign_in_again(rep_user)
    driver.get(f"{base}/candidaturas/{candidacy}/modificacion")
    wait_text(driver, "Solicitar la modificación")
    checked()
    fill(driver, "motivo", "La historia profesional cambió")
    submit(driver, "Enviar la solicitud")
    wait_text(driver, "Se envió la solicitud de modificación")
    assert state(env, candidacy) == "modificacion_solicitada"
    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")

    sign_in_again("ana.transparencia")
    driver.get(f"{base}/instancia/modificaciones")
    wait_text(driver, "La historia profesional cambió")
    checked()
    submit(driver, "Aprobar la modificación")
    wait_text(driver, "quedó aprobada")
    assert state(env, candidacy) == "en_modificacion"
    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")

    sign_in_again(rep_user)
    driver.get(f"{base}/candidaturas/{candidacy}")
    wait_text(driver, "Modificación aprobada")
    checked()
    driver.get(f"{base}/candidaturas/{candidacy}/curricular")
    corrected = "cooperativa " + " ".join(["artesanas"] * 40)
    type_into(driver, "historia_profesional", corrected)
    submit(driver, "Guardar borrador")
    wait_url(driver, lambda url: "/curricular?guardado=" in url)  # the save's redirect, not the form
    driver.get(f"{base}/candidaturas/{candidacy}/modificacion")
    wait_text(driver, "Enviar la modificación para su verificación")
    checked()
    submit(driver, "Enviar la modificación para su verificación")
    wait_text(driver, "Se envió la modificación")
    assert state(env, candidacy) == "modificacion_enviada"
    # Until staff publish it again, the public profile keeps the first version.
    assert "artesanas" not in public_profile()
    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")

    sign_in_again("ana.transparencia")
    driver.get(f"{base}/instancia/candidaturas/{candidacy}")
    wait_text(driver, "Verificar y publicar")
    checked()
    submit(driver, "Verificar y publicar")
    deadline = time.monotonic() + 15
    while state(env, candidacy) != "republicado" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state(env, candidacy) == "republicado"
    deadline = time.monotonic() + 30
    while "artesanas" not in public_profile() and time.monotonic() < deadline:
        time.sleep(0.3)
    public = public_profile()
    assert "cooperativa artesanas" in public and "compromiso compromiso" in public  # the new history, the other texts kept
    assert violations == [], "\n".join(violations)

    # Nothing secret reached the logs: passwords, the shared secrets, activation tokens.
    log = proc.log()
    assert "signed in" in log  # the log is the server's, and it was written
    for secret in (PASSWORD, env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"], env["CONOCELES_SECURITY_ENCRYPTION_KEY"],
                   candidate_link.split("token=")[1], rep_link.split("token=")[1], staff_link.split("token=")[1]):
        assert secret not in log
