"""The rules as written (issue 18), in a real browser: consent to publish identity answers is
its owner's (the representative sees the decision, never decides it); every public page
links to both privacy notices; the gender-equality office's qualitative report is theirs
alone. axe-core checks every page on the way."""
import pytest
from selenium.webdriver.common.by import By

from browser import chromium, fill, serious_violations, submit, wait_text, wait_url
from seeded import PASSWORD, seeded_system


@pytest.fixture(scope="module")
def system(binary, tmp_path_factory):
    yield from seeded_system(binary, tmp_path_factory.mktemp("law"))


@pytest.fixture
def driver():
    d = chromium()
    yield d
    d.quit()


def sign_in(driver, base, username):
    driver.delete_all_cookies()
    driver.get(base + "/entrar")
    fill(driver, "usuario", username)
    fill(driver, "contrasena", PASSWORD)
    submit(driver, "Entrar")
    wait_url(driver, lambda url: "/entrar" not in url)


def test_consent_is_the_candidates_and_the_representative_only_sees_it(system, driver):
    base, violations = system.base, []
    # The representative of the party: the decision is shown, no button to take it.
    sign_in(driver, base, system.usernames["representative"])
    driver.get(base + "/candidaturas/SEC-1/consentimiento")
    wait_text(driver, "Consentimiento para publicar")
    assert driver.find_elements(By.ID, "solo-titular"), "the representative is not told only the candidate decides"
    assert not driver.find_elements(By.CSS_SELECTOR, "button[name=decision]"), "the representative has a consent button"
    violations += serious_violations(driver)

    # The candidate gives it; the page says so, and the representative then sees it given.
    sign_in(driver, base, system.usernames["candidate"])
    driver.get(base + "/candidaturas/SEC-1/consentimiento")
    wait_text(driver, "Situación actual")
    violations += serious_violations(driver)
    before = driver.find_element(By.TAG_NAME, "main").text
    driver.find_element(By.CSS_SELECTOR, "button[name=decision][value=otorgar]").click()
    wait_text(driver, "Revoco mi consentimiento")
    assert system.sql("SELECT decision FROM identity_consents WHERE candidacy_id = 'SEC-1' ORDER BY decided_at DESC, id DESC LIMIT 1") == "granted"
    sign_in(driver, base, system.usernames["representative"])
    driver.get(base + "/candidaturas/SEC-1/consentimiento")
    wait_text(driver, "Situación actual")
    after = driver.find_element(By.TAG_NAME, "main").text
    situation = [line for line in after.splitlines() if line.startswith("Situación actual")]
    assert situation and situation != [line for line in before.splitlines() if line.startswith("Situación actual")], (before, after)
    assert not driver.find_elements(By.CSS_SELECTOR, "button[name=decision]")
    assert violations == [], violations


def test_every_public_page_links_to_both_privacy_notices(system, driver):
    base, violations = system.base, []
    for path in ["/", "/candidaturas-publicas", "/cumplimiento", "/datos-abiertos", "/ayuda"]:
        driver.get(base + path)
        footer = driver.find_element(By.CSS_SELECTOR, "footer")
        links = {a.text: a.get_attribute("href") for a in footer.find_elements(By.TAG_NAME, "a")}
        assert links.get("Aviso de privacidad simplificado") == base + "/aviso-de-privacidad-simplificado", (path, links)
        assert links.get("Aviso de privacidad integral") == base + "/aviso-de-privacidad", (path, links)
    driver.find_element(By.LINK_TEXT, "Aviso de privacidad simplificado").click()
    wait_text(driver, "Aviso de privacidad simplificado")
    violations += serious_violations(driver)
    assert violations == [], violations


def test_the_qualitative_report_is_the_gender_equality_offices(system, driver):
    base = system.base
    sign_in(driver, base, system.usernames["transparency"])
    driver.get(base + "/instancia/informe-cualitativo")
    assert "Informe final: sección cualitativa" not in driver.page_source
    sign_in(driver, base, system.usernames["gender"])
    driver.get(base + "/instancia/informes")
    driver.find_element(By.PARTIAL_LINK_TEXT, "desglose de las preguntas de seguimiento").click()
    wait_text(driver, "Informe final: sección cualitativa")
    assert "Uso interno: datos personales sensibles" in driver.page_source
    assert serious_violations(driver) == []
