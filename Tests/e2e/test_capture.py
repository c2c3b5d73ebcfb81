"""Issue 26 in a real browser (headless Chromium): nothing a person types is lost. A session
that expires mid-text, a second tab opened from an e-mail link (another site), the candidate
and the representative editing at once, an invalid phone beside five valid texts, the local
copy and the unsaved-changes prompt; axe-core finds no serious or critical violation on any
capture page, including the pages these situations produce."""
import http.server
import threading

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import choose, chromium, fill, serious_violations, submit, wait_text, wait_url
from conftest import free_port
from seeded import PASSWORD, seeded_system

CANDIDACY = "SEC-1"
FORM = f"/candidaturas/{CANDIDACY}/curricular"
TEXT_IDS = ["historia_profesional", "trayectoria_politica", "motivacion", "propuesta_1", "propuesta_2", "propuesta_genero"]


@pytest.fixture(scope="module")
def system(binary, tmp_path_factory):
    yield from seeded_system(binary, tmp_path_factory.mktemp("capture"))


@pytest.fixture
def driver():
    d = chromium()
    yield d
    d.quit()


@pytest.fixture
def second_driver():
    d = chromium()
    yield d
    d.quit()


def text(label, words=45):
    """A text over the 280-character minimum, recognisable by `label`."""
    return f"{label}: " + " ".join(["propuesta"] * words)


def sign_in(driver, base, username):
    driver.get(base + "/entrar")
    fill(driver, "usuario", username)
    fill(driver, "contrasena", PASSWORD)
    submit(driver, "Entrar")
    wait_url(driver, lambda url: "/entrar" not in url)


def set_text(driver, field_id, value):
    """Writes a long text as typing would end (the input event included), without typing each key."""
    element = driver.find_element(By.ID, field_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].value = arguments[1];"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", element, value)


def save(driver):
    button = driver.find_element(By.XPATH, "//button[normalize-space()='Guardar borrador']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()


def stored(system, field):
    return system.sql(f"SELECT answers->>'{field}' FROM curricular_questionnaires WHERE candidacy_id = '{CANDIDACY}'")


def expire_session(system, role):
    system.sql("UPDATE web_sessions SET expires_at = now() - interval '1 second' WHERE account_id = "
               f"(SELECT id FROM accounts WHERE username = '{system.usernames[role]}')")


def test_every_capture_page_is_accessible(system, driver):
    sign_in(driver, system.base, system.usernames["candidate"])
    violations = []
    for page in ["", "/aviso", "/curricular", "/identidad", "/consentimiento", "/foto"]:
        driver.get(f"{system.base}/candidaturas/{CANDIDACY}{page}")
        WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.TAG_NAME, "h1"))
        assert driver.current_url == f"{system.base}/candidaturas/{CANDIDACY}{page}", driver.current_url
        assert "Sin permiso" not in driver.page_source and "Solicitud rechazada" not in driver.page_source
        violations += serious_violations(driver)
    # The identity page with a draft that still needs its follow-ups.
    driver.get(f"{system.base}/candidaturas/{CANDIDACY}/identidad")
    choose(driver, "discapacidad", "si")
    save(driver)
    wait_text(driver, "Respuestas por completar o corregir")
    violations += serious_violations(driver)
    assert violations == []


def test_an_invalid_phone_does_not_stop_five_valid_texts(system, driver):
    sign_in(driver, system.base, system.usernames["candidate"])
    driver.get(system.base + FORM)
    texts = {field: text(f"Invalido {field}") for field in TEXT_IDS[:5]}
    for field, value in texts.items():
        set_text(driver, field, value)
    fill(driver, "telefonos-0", "(33) 1234-567")
    save(driver)  # novalidate: the browser lets the form through to the server
    wait_text(driver, "Se guardaron sus respuestas.")
    assert "se guardaron como los escribió, pero el perfil no estará completo" in driver.page_source
    phone = driver.find_element(By.ID, "telefonos-0")
    assert phone.get_attribute("aria-invalid") == "true"
    assert "10 dígitos" in driver.find_element(By.ID, "telefonos-0-error").text
    assert stored(system, "politicalTrajectory") == texts["trayectoria_politica"]
    assert stored(system, "secondProposal") == texts["propuesta_2"]
    assert serious_violations(driver) == []
    # Corrected in the common way people write it, it is normalised and the rewrite is shown.
    fill(driver, "telefonos-0", "(33) 1234-5678")
    save(driver)
    wait_text(driver, "se guardó como «3312345678»")
    assert system.sql(f"SELECT answers->'contact'->'phones'->>0 FROM curricular_questionnaires WHERE candidacy_id = '{CANDIDACY}'") \
        == "3312345678"


def test_a_session_expired_mid_text_keeps_the_text_until_saved(system, driver):
    sign_in(driver, system.base, system.usernames["candidate"])
    driver.get(system.base + FORM)
    written = text("Escrito mientras vencía la sesión")
    set_text(driver, "motivacion", written)
    expire_session(system, "candidate")
    save(driver)
    wait_url(driver, lambda url: "/entrar" in url and "conservado=1" in url)
    wait_text(driver, "Lo que escribió no se perdió")
    assert serious_violations(driver) == []
    assert stored(system, "publicOfficeMotivation") != written
    fill(driver, "usuario", system.usernames["candidate"])
    fill(driver, "contrasena", PASSWORD)
    submit(driver, "Entrar")
    wait_url(driver, lambda url: url == system.base + FORM)
    wait_text(driver, "Recuperamos lo que escribió")
    assert driver.find_element(By.ID, "motivacion").get_attribute("value") == written
    assert serious_violations(driver) == []
    save(driver)
    wait_text(driver, "Se guardaron sus respuestas")
    assert stored(system, "publicOfficeMotivation") == written
    assert system.sql("SELECT count(*) FROM kept_forms") == "0"


def test_the_local_copy_and_the_unsaved_changes_prompt(system, driver):
    sign_in(driver, system.base, system.usernames["candidate"])
    driver.get(system.base + FORM)
    draft = text("Copia local")
    element = driver.find_element(By.ID, "propuesta_1")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].value = '';", element)
    leaving = "var e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;"
    assert driver.execute_script(leaving) is False, "nothing changed yet: leaving asks nothing"
    element.send_keys(draft[:60])
    # Leaving now asks first (WebDriver accepts that prompt itself, so the page's answer is checked).
    assert driver.execute_script(leaving) is True
    driver.get(system.base + "/inicio")
    wait_url(driver, lambda url: url.endswith(f"/candidaturas/{CANDIDACY}"))
    # Back on the form, the copy kept in this browser is offered.
    driver.get(system.base + FORM)
    wait_text(driver, "Este navegador guardó una copia")
    assert serious_violations(driver) == []
    driver.find_element(By.XPATH, "//button[normalize-space()='Recuperar la copia']").click()
    assert driver.find_element(By.ID, "propuesta_1").get_attribute("value") == draft[:60]
    save(driver)
    wait_text(driver, "Se guardaron sus respuestas")
    assert stored(system, "firstProposal") == draft[:60]
    driver.get(system.base + FORM)
    assert "Este navegador guardó una copia" not in driver.page_source


class _Mail(http.server.BaseHTTPRequestHandler):
    """Another site (webmail): a page with a link to the profile."""
    target = ""

    def do_GET(self):
        body = f'<!DOCTYPE html><html lang="es"><title>Correo</title><a id="enlace" href="{self.target}">Ver su perfil</a></html>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_a_second_tab_from_an_e_mail_link_does_not_break_the_first(system, driver):
    sign_in(driver, system.base, system.usernames["candidate"])
    driver.get(system.base + FORM)
    written = text("Escrito antes de abrir el correo")
    set_text(driver, "trayectoria_politica", written)
    token = driver.get_cookie("conoceles_csrf")["value"]
    first = driver.current_window_handle

    # Webmail on another site (localhost is another site than 127.0.0.1) links to the profile.
    handler = type("Mail", (_Mail,), {"target": f"{system.base}/candidaturas/{CANDIDACY}"})
    port = free_port()
    mail = http.server.HTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=mail.serve_forever, daemon=True).start()
    try:
        driver.switch_to.new_window("tab")
        driver.get(f"http://localhost:{port}/")
        driver.find_element(By.ID, "enlace").click()
        wait_url(driver, lambda url: url == f"{system.base}/candidaturas/{CANDIDACY}")
        wait_text(driver, "Estado del perfil")
        # The arrival carried the browser's token: it was not replaced.
        assert driver.get_cookie("conoceles_csrf")["value"] == token
    finally:
        mail.shutdown()
    driver.close()
    driver.switch_to.window(first)
    save(driver)
    wait_text(driver, "Se guardaron sus respuestas")
    assert "Solicitud rechazada" not in driver.page_source
    assert stored(system, "politicalTrajectory") == written


def test_candidate_and_representative_editing_at_once(system, driver, second_driver):
    candidate, representative = driver, second_driver
    sign_in(candidate, system.base, system.usernames["candidate"])
    sign_in(representative, system.base, system.usernames["representative"])
    candidate.get(system.base + FORM)
    representative.get(system.base + FORM)
    assert "Guardado por última vez por" in candidate.page_source
    mine, theirs = text("Version de la candidata"), text("Version de la representacion")
    set_text(representative, "propuesta_genero", theirs)
    set_text(candidate, "propuesta_genero", mine)
    save(representative)
    wait_text(representative, "Se guardaron sus respuestas")
    save(candidate)
    wait_text(candidate, "Cambios de otra persona mientras usted escribía")
    assert stored(system, "genderProposal") == theirs, "the second save overwrote nothing"
    conflict = candidate.find_element(By.ID, "conflicto-propuesta_genero")
    assert mine in conflict.text and theirs in conflict.text
    assert candidate.find_element(By.ID, "conservar_propuesta_genero-mia").is_selected()
    assert candidate.find_element(By.ID, "conservar_propuesta_genero-guardada")
    assert serious_violations(candidate) == []
    # The candidate keeps her version.
    save(candidate)
    wait_text(candidate, "Se guardaron sus respuestas")
    assert stored(system, "genderProposal") == mine
    assert "(persona candidata)" in candidate.find_element(By.ID, "guardado-por").text


def test_a_warning_before_the_idle_expiry_extends_the_session(system, driver):
    sign_in(driver, system.base, system.usernames["candidate"])
    # The page's first timer (the warning's) runs short: an hour-long wait would be the test's
    # whole budget. Its real delay is recorded and checked.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
        (function () { var original = window.setTimeout; window.__delays = [];
          window.setTimeout = function (f, d) {
            window.__delays.push(d);
            return original(f, window.__delays.length === 1 ? Math.min(d || 0, 500) : d); }; })();"""})
    driver.get(system.base + FORM)
    seconds = int(driver.find_element(By.CSS_SELECTOR, "form[data-borrador]").get_attribute("data-sesion-segundos"))
    account = f"(SELECT id FROM accounts WHERE username = '{system.usernames['candidate']}')"
    system.sql(f"UPDATE web_sessions SET expires_at = now() + interval '2 minutes' WHERE account_id = {account}")
    wait_text(driver, "Su sesión vencerá pronto")
    delays = driver.execute_script("return window.__delays")
    assert seconds * 1000 - 300_000 in delays, (seconds, delays)  # the warning comes 5 minutes before the expiry
    assert serious_violations(driver) == []
    button = driver.find_element(By.XPATH, "//button[normalize-space()='Seguir conectado']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    wait_text(driver, "Su sesión sigue activa.")
    left = system.sql(f"SELECT round(extract(epoch FROM max(expires_at) - now())) FROM web_sessions WHERE account_id = {account}")
    assert int(float(left)) > seconds - 120, "the session's idle expiry was pushed forward"
