"""Reads an XLSX file with openpyxl and prints it as JSON, for the tests.

Each sheet: its frozen cell, its autofilter range, its column widths, and its
rows; each cell is null or [type, value, number format, fill], type "n" for a
number (int or float), "d" for a date (value ISO), "s" for text.
"""
import datetime
import json
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is None:
        return None
    fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
    if isinstance(v, datetime.datetime):
        return ["d", v.date().isoformat(), c.number_format, fill]
    if isinstance(v, datetime.date):
        return ["d", v.isoformat(), c.number_format, fill]
    if isinstance(v, bool):
        return ["b", v, c.number_format, fill]
    if isinstance(v, (int, float)):
        return ["n", v, c.number_format, fill]
    return ["s", str(v), c.number_format, fill]


def main(path):
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        out.append({
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "widths": widths,
            "rows": [[cell(c) for c in row] for row in ws.iter_rows()],
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
