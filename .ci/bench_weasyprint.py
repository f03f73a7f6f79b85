#!/usr/bin/env python3
"""Renders every FOLDER/*.html to PDF with WeasyPrint in one process and
prints, last, `seconds: S` for the rendering alone (the import of WeasyPrint
and its first font load are not counted: one warm-up document is rendered
before timing). Used by `ardoise-dev bench documents`.
Usage: bench_weasyprint.py FOLDER"""
import glob
import os
import sys
import time

try:
    from weasyprint import HTML
except ImportError as e:  # the bench reports it and goes on
    print(f"weasyprint is not installed: {e}")
    sys.exit(2)


def main():
    folder = sys.argv[1]
    files = sorted(glob.glob(os.path.join(folder, "*.html")))
    if not files:
        print("no HTML file")
        sys.exit(2)
    HTML(filename=files[0]).write_pdf()  # warm-up: fonts, caches
    start = time.perf_counter()
    total = 0
    for f in files:
        total += len(HTML(filename=f).write_pdf())
    seconds = time.perf_counter() - start
    print(f"files: {len(files)} bytes: {total}")
    print(f"seconds: {seconds:.3f}")


if __name__ == "__main__":
    main()
