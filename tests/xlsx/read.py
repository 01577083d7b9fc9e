"""Reads an XLSX workbook with openpyxl, a third-party reader, and prints
what tests/tests/export.rs checks as JSON: each sheet's name, frozen
panes, autofilter range and rows, each cell as its value and openpyxl's
data type ("s" text, "n" number, "b" flag, "f" formula)."""

import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
sheets = []
for sheet in book.worksheets:
    rows = [[{"v": cell.value, "t": cell.data_type} for cell in row] for row in sheet.iter_rows()]
    sheets.append({
        "name": sheet.title,
        "freeze": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "rows": rows,
    })
json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)
