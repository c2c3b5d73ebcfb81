"""The pages in a real browser (headless Chromium): the path a person walks, with axe-core
finding no serious or critical accessibility violation on any page of it."""
import re
import subprocess

import pytest
from selenium.webdriver.common.by import By

from browser import chromium, fill, serious_violations, submit, wait_text, wait_url
from conftest import start, wait_http


@pytest.fixture
def site(binary, env):
    proc = start(binary, ["serve"], dict(env, CONOCELES_HTTP_PUBLIC_URL=f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"))
    base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
    try:
        wait_http(base + "/health", proc)
        yield base, env
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def driver():
    d = chromium()
    yield d
    d.quit()


def staff_link(binary, env, username, role="instancia_interna"):
    out = subprocess.run([binary, "accounts", "staff", "--role", role, "--username", username,
                          "--email", f"{username}@iepc.example.mx", "--name", "Ana Transparencia"],
                         env=env, capture_output=True, text=True, check=True).stdout
    return re.search(r"(http\S+/activar\?token=\S+)", out).group(1)


def test_staff_activates_signs_in_and_out_in_a_browser(binary, site, driver):
    base, env = site
    link = staff_link(binary, env, "ana.igualdad", role="igualdad_genero")
    violations = []
    driver.get(link)
    assert "Active su cuenta" in driver.page_source
    violations += serious_violations(driver)
    fill(driver, "contrasena", "corta")
    fill(driver, "confirmacion", "corta")
    driver.execute_script("document.querySelector('form').noValidate = true")
    submit(driver, "Activar cuenta")
    wait_text(driver, "al menos 12 caracteres")
    assert driver.find_element(By.ID, "contrasena").get_attribute("aria-describedby") == "contrasena-error"
    violations += serious_violations(driver)
    fill(driver, "contrasena", "una-clave-muy-segura-2024")
    fill(driver, "confirmacion", "una-clave-muy-segura-2024")
    submit(driver, "Activar cuenta")
    wait_text(driver, "Su cuenta está activa")
    driver.find_element(By.LINK_TEXT, "Entrar").click()
    wait_url(driver, lambda url: url == base + "/entrar")
    violations += serious_violations(driver)
    fill(driver, "usuario", "ana.igualdad")
    fill(driver, "contrasena", "una-clave-equivocada")
    submit(driver, "Entrar")
    wait_text(driver, "El usuario o la contraseña no son correctos.")
    fill(driver, "contrasena", "una-clave-muy-segura-2024")
    submit(driver, "Entrar")
    wait_url(driver, lambda url: url == base + "/instancia/cumplimiento")
    assert "Ana Transparencia" in driver.page_source and "Instancia de igualdad de género" in driver.page_source
    violations += serious_violations(driver)
    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")
    driver.get(base + "/inicio")
    assert driver.current_url == base + "/entrar?siguiente=/inicio"
    assert violations == []
