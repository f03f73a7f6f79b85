#!/usr/bin/env python3
"""Drives the live Ardoise web app with headless Chromium (selenium over
Debian's chromium-driver), as its three kinds of users would, and saves a
screenshot of every screen it passes.

Usage: browse.py BASE_URL SCREENSHOT_DIR PASSWORD
Users (made by the Swift test): `compta` (accountant, writes proformas and
invoices), `controle` (read-only controller), `portee` (reads invoices of
three clients only, whose codes are in the env var SCOPED_CLIENTS).
The accountant first walks a month's work from the home page: proformas,
validate one (confirmed), credit an invoice (confirmed), payments, closing;
every page of that walk must be French (no English engine text, no command line).
Prints one line per check and exits 0 only when all pass."""
import os
import re
import sys

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BASE, SHOTS, PASSWORD = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
SCOPED = set(os.environ.get("SCOPED_CLIENTS", "").split(","))
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def browser():
    options = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=fr-FR"]:
        options.add_argument(a)
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(2)
    return driver


def shot(d, name):
    d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def exists(d, by, value):
    try:
        d.find_element(by, value)
        return True
    except NoSuchElementException:
        return False


def login(d, user):
    d.delete_all_cookies()
    d.get(BASE + "/connexion")
    d.find_element(By.ID, "login").send_keys(user)
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    d.find_element(By.ID, "se-connecter").click()
    check(exists(d, By.ID, "menu"), f"{user}: signed in, the menu shows")


def first_link(d, table_id):
    links = d.find_elements(By.CSS_SELECTOR, f"table#{table_id} tbody a")
    return links[0].get_attribute("href") if links else None


# Words of the engine's English (its reasons, refusals, audit details): none may reach a page of the walk.
ENGLISH = re.compile(r"\b(the|of|and|with|not|no|is|was|already|issued|invoice|invoices|credit note|payment|payments|order|"
                     r"delivered|covers|error|failed|pending|unmatched|check|checks|closed|month|waiting|yet|paid|"
                     r"refused|nothing|run|bill|validate|proformas? of)\b")
# A command line where the app should offer a button: `ardoise …`, an option, a back-quoted command.
COMMAND = re.compile(r"ardoise [a-z]|\s--[a-z]|`")
# An amount written the English way (`2,124.02`, `74.60`): the pages write `2 124,02 €`.
ENGLISH_AMOUNT = re.compile(r"\b\d{1,3}(?:,\d{3})*\.\d{2}\b")


def french(d, what):
    """The visible text of the page (menu, headings, tables, forms) has no English engine text and no command line."""
    text = d.find_element(By.TAG_NAME, "body").text
    english = sorted({m.group(0) for m in ENGLISH.finditer(text)})
    check(not english, f"{what}: French only (English words seen: {english})")
    commands = sorted({text[max(0, m.start() - 30): m.end() + 30] for m in COMMAND.finditer(text)})
    check(not commands, f"{what}: no command line ({commands})")
    amounts = sorted({m.group(0) for m in ENGLISH_AMOUNT.finditer(text)})[:5]
    check(not amounts, f"{what}: amounts written the French way ({amounts})")
    check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr", f"{what}: the page says it is French")


def home_link(d, item_id):
    """The link of one item of the home page's "À faire"."""
    d.get(BASE + "/")
    links = d.find_elements(By.CSS_SELECTOR, f"li#{item_id} a")
    return links[0] if links else None


def month_walk(d):
    """A month's work as the accountant does it, each step reached from the home page."""
    login(d, "compta")
    d.get(BASE + "/")
    shot(d, "40-mois-accueil")
    french(d, "walk: home page")
    check(exists(d, By.ID, "a-faire"), "walk: the home page says what to do")
    link = home_link(d, "a-faire-proformas")
    check(link is not None and "à contrôler" in link.text, "walk: the home page counts the proformas waiting")
    if link is None:
        return
    link.click()
    shot(d, "41-mois-proformas")
    french(d, "walk: proformas")
    href = first_link(d, "proformas")
    check(href is not None, "walk: a proforma to open")
    if href:
        d.get(href)
        shot(d, "42-mois-proforma")
        french(d, "walk: a proforma")
        d.find_element(By.ID, "valider").click()
        shot(d, "43-mois-validation-a-confirmer")
        french(d, "walk: validation to confirm")
        check("FA-" in d.page_source and exists(d, By.ID, "confirmer"), "walk: validation says the number it will give")
        d.find_element(By.ID, "confirmer").click()
        shot(d, "44-mois-proforma-validee")
        french(d, "walk: proforma validated")
        check(exists(d, By.ID, "message"), "walk: validation says it is done")
    # The invoice just issued is the last number of its series: the list sorted by number, descending.
    d.get(BASE + "/factures?tri=-numero&type=invoice")
    shot(d, "45-mois-factures-par-numero")
    french(d, "walk: invoices by number")
    numbers = [a.text for a in d.find_elements(By.CSS_SELECTOR, "table#factures tbody tr td:first-child a")]
    check(len(numbers) > 1 and numbers == sorted(numbers, reverse=True), f"walk: invoices sorted by number, descending ({numbers[:3]})")
    check("TTC" in d.find_element(By.ID, "totaux").text and "avoirs déduits" in d.find_element(By.ID, "totaux").text,
          "walk: the list's TTC total, credit notes deducted")
    links = d.find_elements(By.CSS_SELECTOR, "table#factures tbody tr td:first-child a")
    if links:
        links[0].click()
        shot(d, "46-mois-facture")
        french(d, "walk: an invoice")
        d.find_element(By.ID, "avoir-ligne-1").click()
        d.find_element(By.ID, "avoir-motif").send_keys("remise accordée au client")
        d.find_element(By.ID, "creer-avoir").click()
        shot(d, "47-mois-avoir-a-confirmer")
        french(d, "walk: credit note to confirm")
        check(exists(d, By.ID, "confirmer") and "à créditer" in d.page_source, "walk: the credit note says what it credits first")
        d.find_element(By.ID, "confirmer").click()
        shot(d, "48-mois-avoir-cree")
        french(d, "walk: credit note issued")
        check(exists(d, By.ID, "message") and "AV-" in d.page_source, "walk: the credit note is issued and linked")
    link = home_link(d, "a-faire-paiements")
    check(link is not None and "non rapproché" in link.text, "walk: the home page names the unmatched payment")
    if link is not None:
        link.click()
        shot(d, "49-mois-paiements")
        french(d, "walk: payments")
        rows = d.find_elements(By.CSS_SELECTOR, "table#paiements tbody tr")
        check(len(rows) == 1 and "42,00" in rows[0].text, "walk: the unmatched payments only")
        d.get(BASE + "/paiements")
        shot(d, "50-mois-paiements-tous")
        french(d, "walk: every payment")
        check(len(d.find_elements(By.CSS_SELECTOR, "table#paiements tbody tr")) == 3, "walk: the three payments received")
    d.get(BASE + "/factures?tri=numero&type=invoice")
    shot(d, "51-mois-factures-etat-paiement")
    states = [td.text for td in d.find_elements(By.CSS_SELECTOR, "table#factures tbody tr td:nth-child(8)")]
    check("payée" in states and any(s.startswith("partiellement payée, reste") for s in states) and "à payer" in states,
          f"walk: each invoice's payment state ({sorted(set(states))})")
    link = home_link(d, "a-faire-cloture")
    check(link is not None, "walk: the home page says where the closing stands")
    if link is not None:
        link.click()
        shot(d, "52-mois-cloture")
        french(d, "walk: closing")
        check(exists(d, By.ID, "controles"), "walk: the closing checks")


def accountant(d):
    login(d, "compta")
    d.get(BASE + "/tableau-de-bord")
    check("Tableau de bord" in d.page_source, "compta: the dashboard opens")
    shot(d, "01-tableau-de-bord")
    d.get(BASE + "/proformas")
    shot(d, "02-proformas")
    href = None
    for table in ["proformas", "liste"]:
        href = href or first_link(d, table)
    if href is None:
        links = d.find_elements(By.CSS_SELECTOR, "table tbody a")
        href = links[0].get_attribute("href") if links else None
    check(href is not None, "compta: the proforma list has a proforma to open")
    if href:
        d.get(href)
        shot(d, "03-proforma")
        check(exists(d, By.ID, "lignes") and "explain" in d.page_source, "compta: the proforma shows its lines with their explanations")
        check(" covers" not in d.page_source and "couverts" in d.page_source, "compta: the explanations are in French")
        # The revenue behind a line: a closed <details> opened by a click, no script.
        tables = d.find_elements(By.CSS_SELECTOR, "table.revenu")
        check(len(tables) > 0, "compta: a line shows the register revenue behind it")
        if tables:
            details_id = tables[0].get_attribute("id")[: -len("-jours")]
            check(not tables[0].is_displayed(), "compta: the revenue details start closed")
            summary = d.find_element(By.CSS_SELECTOR, f"details#{details_id} > summary")
            summary.click()
            check(tables[0].is_displayed(), "compta: a click opens the revenue behind the line")
            text = tables[0].text
            check("PIE_" in text and "Total de la ligne" in text, "compta: its site-days, register files and total")
            shot(d, "03b-proforma-revenu-ligne")
        check(exists(d, By.ID, "valider"), "compta: a validate button")
        d.find_element(By.ID, "valider").click()
        shot(d, "04a-validation-a-confirmer")
        check("FA-" in d.page_source and exists(d, By.ID, "confirmer"), "compta: validation first says the number and dates it will give")
        d.find_element(By.ID, "confirmer").click()
        shot(d, "04-proforma-validee")
        check(exists(d, By.ID, "message"), "compta: validation says what happened")
    d.get(BASE + "/factures")
    shot(d, "05-factures")
    links = d.find_elements(By.CSS_SELECTOR, "table tbody a")
    invoice = None
    # The last invoice listed: the walk above credited line 1 of the one it validated, listed first.
    for a in links:
        if "FA-" in a.text:
            invoice = a.get_attribute("href")
    check(invoice is not None, "compta: an issued invoice to open")
    if invoice:
        d.get(invoice)
        shot(d, "06-facture")
        check(exists(d, By.ID, "telecharger-pdf"), "compta: the PDF download link")
        check(exists(d, By.ID, "form-avoir"), "compta: the credit-note form")
        d.find_element(By.ID, "avoir-ligne-1").click()
        d.find_element(By.ID, "avoir-motif").send_keys("geste commercial (test navigateur)")
        d.find_element(By.ID, "creer-avoir").click()
        shot(d, "07a-avoir-a-confirmer")
        check(exists(d, By.ID, "confirmer") and "à créditer" in d.page_source, "compta: the credit note first says what it credits")
        d.find_element(By.ID, "confirmer").click()
        shot(d, "07-avoir-cree")
        check(exists(d, By.ID, "message") and "AV-" in d.page_source, "compta: the credit note is issued and named")
    for path, name in [("/non-factures", "08-non-factures"), ("/imports", "09-imports"), ("/clients", "10-clients"),
                       ("/audit", "11-journal-audit"), ("/factures-manuelles", "12-factures-manuelles")]:
        d.get(BASE + path)
        shot(d, name)
        check(not exists(d, By.ID, "erreur"), f"compta: {path} opens")
    d.get(BASE + "/clients/C0004")
    shot(d, "13-client-modification-en-attente")
    summary = d.find_element(By.ID, "impact-resume").text if exists(d, By.ID, "impact-resume") else ""
    check("écart +100,00 € HT" in summary, f"compta: the pending change's impact on C0004 (saw {summary!r})")
    check(exists(d, By.ID, "impact") and "Frais de dossier" in d.page_source, "compta: the line the change adds")
    check("Contrat valide" in d.page_source and exists(d, By.ID, "contrat"), "compta: the current contract and its lint status")
    d.get(BASE + "/exports")
    shot(d, "14-exports")
    check(exists(d, By.CSS_SELECTOR, "a[href^='/exports/fec']"), "compta: every client, so the FEC is offered")
    d.get(BASE + "/cloture")
    shot(d, "15-cloture")
    check(exists(d, By.ID, "controles") and exists(d, By.ID, "form-cloture"), "compta: the closing checks and the closing form")


def controller(d):
    login(d, "controle")
    d.get(BASE + "/proformas")
    shot(d, "20-controle-proformas")
    links = d.find_elements(By.CSS_SELECTOR, "table tbody a")
    if links:
        d.get(links[0].get_attribute("href"))
        shot(d, "21-controle-proforma")
        check(not exists(d, By.ID, "valider") and not exists(d, By.ID, "ecarter"), "controle: a proforma shows no validate nor discard")
        check(not exists(d, By.CSS_SELECTOR, "form[id^=form-ligne]"), "controle: no line edit forms")
    d.get(BASE + "/factures")
    links = [a for a in d.find_elements(By.CSS_SELECTOR, "table tbody a") if "FA-" in a.text]
    if links:
        d.get(links[0].get_attribute("href"))
        shot(d, "22-controle-facture")
        check(not exists(d, By.ID, "form-avoir"), "controle: an invoice shows no credit-note form")
    check(not exists(d, By.ID, "menu-users"), "controle: no users menu")
    d.get(BASE + "/utilisateurs")
    check("403" in d.title or exists(d, By.ID, "erreur"), "controle: /utilisateurs is refused")


def scoped(d):
    login(d, "portee")
    d.get(BASE + "/factures")
    shot(d, "30-portee-factures")
    cells = [td.text for td in d.find_elements(By.CSS_SELECTOR, "table tbody tr td")]
    codes = {c.split(" — ")[0].split("→")[0].strip() for c in cells if c.startswith("C0")}
    check(bool(codes) and codes <= SCOPED, f"portee: only clients {sorted(SCOPED)} listed (saw {sorted(codes)})")
    outside = os.environ.get("OUTSIDE_DOCUMENT")
    if outside:
        d.get(BASE + "/factures/" + outside)
        shot(d, "31-portee-hors-perimetre")
        check("404" in d.title or "introuvable" in d.page_source.lower(), "portee: a document outside the scope answers 404")
    check(not exists(d, By.ID, "menu-proformas"), "portee: no proformas menu")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    d = browser()
    try:
        month_walk(d)
        accountant(d)
        controller(d)
        scoped(d)
    finally:
        d.quit()
    print(f"{len(failures)} failed", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
