"""The public portal in a real browser, on the small demo election after a rebuild: search
by name from the home page, apply a filter, open a profile (with its "Escuchar perfil"
button), compare two candidacies, statistics, open data and "Mi boleta". axe-core finds no
serious or critical violation on any of those pages."""
import json
import subprocess
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By

from browser import choose, fill, serious_violations, submit, wait_text, wait_url
from test_browser_path import activate_and_sign_in, driver, system  # noqa: F401 (fixtures)


def api(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.loads(r.read().decode())


def published_pair(base):
    """Two published candidacies of the same office on the first page of that office's results."""
    offices = []
    for item in api(base, "/api/v1/publico/candidaturas?por_pagina=100")["candidaturas"]:
        if item["perfil"]["officeCode"] not in offices:
            offices.append(item["perfil"]["officeCode"])
    for office in offices:
        page = api(base, f"/api/v1/publico/candidaturas?cargo={office}&por_pagina=20")["candidaturas"]
        published = [item["perfil"] for item in page if item["perfil"].get("curricular") is not None]
        if len(published) >= 2:
            return published[0], published[1]
    raise AssertionError("the demo election has no office with two published profiles on one page")


def test_search_filter_profile_compare_and_accessibility(binary, system, driver):  # noqa: F811
    base, env, _maildir, _tmp, _proc = system
    subprocess.run([binary, "demo", "--scale", "small"], env=env, check=True, capture_output=True, text=True)
    violations = []

    def checked():
        violations.extend(serious_violations(driver))

    # Staff ask for a rebuild ("Re-publicar"); the running worker builds the snapshot.
    out = subprocess.run([binary, "accounts", "staff", "--role", "instancia_interna", "--username", "eva.portal",
                          "--email", "eva@iepc.example.mx", "--name", "Eva Portal"],
                         env=env, capture_output=True, text=True, check=True).stdout
    link = next(word for word in out.split() if "/activar?token=" in word)
    activate_and_sign_in(driver, link, "eva.portal", lambda: None)
    wait_url(driver, lambda url: url.startswith(base + "/instancia/verificacion"))
    submit(driver, "Re-publicar")
    deadline = time.monotonic() + 60
    while api(base, "/api/v1/publico/candidaturas")["total"] == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert api(base, "/api/v1/publico/candidaturas")["total"] > 0
    driver.get(base + "/")
    submit(driver, "Salir")
    wait_url(driver, lambda url: url == base + "/entrar")

    first, second = published_pair(base)

    # Home → search by name.
    driver.get(base + "/")
    wait_text(driver, "Candidatas y Candidatos, Conóceles")
    checked()
    fill(driver, "nombre", first["fullName"])
    submit(driver, "Buscar")
    wait_url(driver, lambda url: "/candidaturas-publicas?" in url)
    wait_text(driver, first["fullName"])
    checked()

    # A filter: the office, with the name cleared.
    fill(driver, "nombre", "")
    choose(driver, "cargo", first["officeCode"])
    submit(driver, "Buscar")
    wait_url(driver, lambda url: f"cargo={first['officeCode']}" in url)
    wait_text(driver, first["officeName"])
    results = driver.find_element(By.ID, "resultados").text
    assert results.startswith("Resultados:")
    for office in driver.find_elements(By.CSS_SELECTOR, "article.resultado p:not(.aviso):not(.no-imprimir)"):
        assert office.text.startswith(first["officeName"]), office.text

    # The profile, with the read-aloud button shown by the script when the API exists.
    driver.get(f"{base}/candidaturas-publicas?nombre={urllib.parse.quote(first['fullName'])}")
    driver.find_element(By.LINK_TEXT, first["fullName"]).click()
    wait_url(driver, lambda url: "/perfil/" in url)
    wait_text(driver, "Historia profesional y laboral")
    wait_text(driver, "Historial de publicación")
    checked()
    button = driver.find_element(By.ID, "escuchar-perfil")
    has_speech = driver.execute_script("return 'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function'")
    assert button.is_displayed() == bool(has_speech)

    # Compare two of the same office from the results.
    driver.get(f"{base}/candidaturas-publicas?cargo={first['officeCode']}")
    for profile in (first, second):
        box = driver.find_element(By.CSS_SELECTOR, f"input[name='id'][value='{profile['id']}']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        if not box.is_selected():
            box.click()
    submit(driver, "Comparar seleccionadas")
    wait_url(driver, lambda url: "/comparar?" in url)
    wait_text(driver, "Comparar candidaturas")
    wait_text(driver, first["fullName"])
    wait_text(driver, second["fullName"])
    checked()

    # Statistics, open data, compliance.
    for path, text in (("/estadisticas", "Avance de la captura por partido"), ("/datos-abiertos", "Datos abiertos"),
                       ("/cumplimiento", "Cumplimiento por partido y cargo")):
        driver.get(base + path)
        wait_text(driver, text)
        checked()
    assert driver.execute_script("return document.querySelectorAll('svg[role=img]').length") == 0  # compliance has none
    driver.get(base + "/estadisticas")
    assert driver.execute_script("return document.querySelectorAll('svg[role=img] title').length") >= 3

    # Mi boleta.
    driver.get(base + "/mi-boleta")
    wait_text(driver, "Mi boleta")
    checked()
    choose(driver, "municipio", "039")
    choose(driver, "distrito", "9")
    submit(driver, "Ver mi boleta")
    wait_text(driver, "Su boleta: Guadalajara, distrito local 9")
    wait_text(driver, "Gubernatura")
    checked()

    assert violations == [], "\n".join(violations)
