#!/usr/bin/env python3
"""Checks the PDF/A-3 clauses of ISO 19005-3 that are cheap to check, on every
PDF of a folder (or the files named), with pypdf. veraPDF, the reference
validator, is a Java application that cannot be installed here; this is not a
full validation, only these clauses, each named in the messages:

  6.1.3     the trailer has an /ID; the file is not encrypted
  6.6.2.1   the catalog has /Metadata, an XMP stream, which identifies PDF/A part 3,
            conformance B (pdfaid:part, pdfaid:conformance)
  6.2.4.3   the catalog has an /OutputIntents entry /S /GTS_PDFA1 with a
            /DestOutputProfile ICC stream
  6.2.11.4.1 every font used is embedded (FontFile, FontFile2 or FontFile3)
  6.2.11.3.2 every CIDFontType2 font has a /CIDToGIDMap (/Identity or a stream)
  6.8       every embedded file is named in the catalog's /AF, and its file
            specification has /AFRelationship, /F and /UF; the embedded file
            stream has a /Subtype (MIME type) and /Params /ModDate

Prints one line per problem (`FILE: clause: what`) and a last line
`files: N problems: M`; exits 0 only when M is 0.
Usage: check_pdfa.py DIR|FILE.pdf..."""
import os
import sys

from pypdf import PdfReader
from pypdf.generic import IndirectObject


def resolve(o):
    return o.get_object() if isinstance(o, IndirectObject) else o


def fonts_of(resources, seen):
    """Every font dictionary reachable from a resources dictionary (forms included)."""
    resources = resolve(resources) or {}
    for font in (resolve(resources.get("/Font")) or {}).values():
        yield resolve(font)
    for xobject in (resolve(resources.get("/XObject")) or {}).values():
        ref = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
        x = resolve(xobject)
        if ref in seen or x.get("/Subtype") != "/Form":
            continue
        seen.add(ref)
        yield from fonts_of(x.get("/Resources"), seen)


def check(path):
    problems = []

    def problem(clause, what):
        problems.append(f"{os.path.basename(path)}: {clause}: {what}")

    reader = PdfReader(path)
    if reader.is_encrypted:
        problem("6.1.3", "the file is encrypted")
    if "/ID" not in reader.trailer:
        problem("6.1.3", "the trailer has no /ID")
    root = reader.trailer["/Root"]
    metadata = resolve(root.get("/Metadata"))
    if metadata is None:
        problem("6.6.2.1", "the catalog has no /Metadata")
    else:
        xmp = metadata.get_data().decode("utf-8", "replace")
        if "<pdfaid:part>3</pdfaid:part>" not in xmp and 'pdfaid:part="3"' not in xmp:
            problem("6.6.2.1", "the XMP metadata does not identify PDF/A part 3")
        if "<pdfaid:conformance>B</pdfaid:conformance>" not in xmp and 'pdfaid:conformance="B"' not in xmp:
            problem("6.6.2.1", "the XMP metadata does not identify conformance B")
    intents = resolve(root.get("/OutputIntents")) or []
    pdfa = [resolve(i) for i in intents if resolve(i).get("/S") == "/GTS_PDFA1"]
    if not pdfa:
        problem("6.2.4.3", "no /OutputIntents entry with /S /GTS_PDFA1")
    elif resolve(pdfa[0].get("/DestOutputProfile")) is None:
        problem("6.2.4.3", "the PDF/A output intent has no /DestOutputProfile")

    seen_fonts = set()
    for number, page in enumerate(reader.pages, 1):
        for font in fonts_of(page.get("/Resources"), set()):
            key = id(font)
            if key in seen_fonts:
                continue
            seen_fonts.add(key)
            name = font.get("/BaseFont", "?")
            descendants = [resolve(d) for d in (resolve(font.get("/DescendantFonts")) or [])]
            for f in [font] + descendants:
                if f.get("/Subtype") == "/Type0":
                    continue
                if f.get("/Subtype") == "/Type3":
                    continue
                descriptor = resolve(f.get("/FontDescriptor"))
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problem("6.2.11.4.1", f"page {number}: font {f.get('/BaseFont', name)} is not embedded")
                if f.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in f:
                    problem("6.2.11.3.2", f"page {number}: CIDFontType2 font {f.get('/BaseFont', name)} has no /CIDToGIDMap")

    af = [resolve(s) for s in (resolve(root.get("/AF")) or [])]
    names = resolve(root.get("/Names")) or {}
    embedded = resolve(names.get("/EmbeddedFiles")) or {}
    listed = resolve(embedded.get("/Names")) or []
    specs = [resolve(listed[i + 1]) for i in range(0, len(listed) - 1, 2)]
    for spec in specs:
        fname = spec.get("/UF", spec.get("/F", "?"))
        if not any(spec is a or spec == a for a in af):
            problem("6.8", f"embedded file {fname} is not in the catalog's /AF")
        if "/AFRelationship" not in spec:
            problem("6.8", f"embedded file {fname} has no /AFRelationship")
        if "/F" not in spec or "/UF" not in spec:
            problem("6.8", f"embedded file {fname} lacks /F or /UF")
        stream = resolve((resolve(spec.get("/EF")) or {}).get("/F"))
        if stream is None:
            problem("6.8", f"embedded file {fname} has no /EF /F stream")
            continue
        if "/Subtype" not in stream:
            problem("6.8", f"embedded file {fname} has no /Subtype (MIME type)")
        if "/ModDate" not in (resolve(stream.get("/Params")) or {}):
            problem("6.8", f"embedded file {fname} has no /Params /ModDate")
    return problems


def main():
    paths = []
    for arg in sys.argv[1:]:
        if os.path.isdir(arg):
            paths += sorted(os.path.join(arg, f) for f in os.listdir(arg) if f.endswith(".pdf"))
        else:
            paths.append(arg)
    total = 0
    for path in paths:
        for p in check(path):
            print(p)
            total += 1
    print(f"files: {len(paths)} problems: {total}")
    return 0 if total == 0 and paths else 1


if __name__ == "__main__":
    sys.exit(main())
