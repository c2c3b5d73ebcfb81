"""Headless Chromium through selenium (STACK.md), with axe-core checks."""
import os

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=412,915", "--lang=es-MX"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    return driver


def serious_violations(driver):
    """axe-core's serious and critical violations on the current page, as readable lines."""
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    return [f"{driver.current_url}: {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:3])
            for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def fill(driver, field_id, value):
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def submit(driver, text):
    """Clicks the submit button whose text is `text`."""
    driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']").click()


def wait_text(driver, text, timeout=15):
    """Waits until `text` (or one of the texts, given a tuple) is on the page (a click returns
    before the next page has loaded). On time out, the message carries the page's URL and text.

    While the old page is replaced, Chromium may answer a read with a stale element or with
    "Node with given id does not belong to the document"; both mean "not there yet"."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    texts = text if isinstance(text, tuple) else (text,)

    def present(d):
        try:
            body = d.find_element(By.TAG_NAME, "body").text
            return any(t in body for t in texts)
        except (StaleElementReferenceException, NoSuchElementException):
            return False
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return False
            raise
    from selenium.common.exceptions import TimeoutException
    try:
        WebDriverWait(driver, timeout).until(present)
    except TimeoutException:
        try:
            seen = driver.find_element(By.TAG_NAME, "body").text[:2000]
        except WebDriverException:
            seen = "(sin página)"
        raise TimeoutException(f"{texts} not on {driver.current_url} after {timeout} s; the page said:\n{seen}") from None


def wait_url(driver, predicate, timeout=15):
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, timeout).until(lambda d: predicate(d.current_url))


def choose(driver, name, value):
    """Picks `value` for the field `name`, whether a <select> or a group of radio buttons."""
    from selenium.webdriver.support.ui import Select
    element = driver.find_element(By.NAME, name)
    if element.tag_name == "select":
        Select(element).select_by_value(value)
    else:
        target = driver.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", target)
        target.click()


def type_into(driver, name, value, index=0):
    """Types `value` into the `index`-th field named `name` (text inputs and text areas)."""
    element = driver.find_elements(By.NAME, name)[index]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.clear()
    element.send_keys(value)
