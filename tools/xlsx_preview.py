#!/usr/bin/env python3
# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Draw the first worksheet of an XLSX file as an HTML table (values as
displayed, bold and filled cells, frozen header shaded), for the README's
screenshot of the shared stock sheet (tools/screenshot.sh renders the HTML
in headless Chromium). Reads the file with openpyxl, as a spreadsheet user
would see it, not the module's figures: the picture is of the file itself.

    xlsx_preview.py SHEET.xlsx OUT.html [--rows 25]
"""

import argparse
import datetime
import html

import openpyxl


def _display(cell):
    value = cell.value
    if value is None:
        return ""
    fmt = cell.number_format or "General"
    if isinstance(value, datetime.datetime):
        return value.strftime(
            "%Y-%m-%d %H:%M" if ("h" in fmt or value.time() != datetime.time()) else "%Y-%m-%d"
        )
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | int) and not isinstance(value, bool):
        decimals = 0
        if "." in fmt:
            decimals = sum(1 for char in fmt.split(".", 1)[1].split(";")[0] if char in "0#")
        text = f"{value:,.{decimals}f}"
        return text + ("%" if fmt.endswith("%") else "")
    return str(value)


def _style(cell):
    rules = []
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid":
        rgb = fill.fgColor.rgb if fill.fgColor is not None else None
        if isinstance(rgb, str) and len(rgb) >= 6 and rgb not in ("00000000",):
            rules.append(f"background:#{rgb[-6:]}")
    font = cell.font
    if font is not None:
        if font.b:
            rules.append("font-weight:bold")
        color = font.color.rgb if font.color is not None else None
        if isinstance(color, str) and len(color) >= 6 and color != "FF000000":
            rules.append(f"color:#{color[-6:]}")
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        rules.append("text-align:right")
    return ";".join(rules)


def render(path, rows=25):
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    frozen_row = sheet.freeze_panes and openpyxl.utils.cell.coordinate_to_tuple(sheet.freeze_panes)[0] or 1
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>",
        "body{font:13px 'Noto Sans','Noto Sans CJK SC',Arial,sans-serif;margin:0;background:#fff}",
        "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:3px 7px;white-space:nowrap}",
        "th.n{background:#f0f2f5;color:#555;font-weight:normal;text-align:center}",
        "tr.frozen td{border-bottom:2px solid #8a9099}",
        "</style></head><body>",
        f"<div style='padding:4px 8px;background:#217346;color:#fff'>{html.escape(sheet.title)}</div>",
        "<table><tr><th class='n'></th>",
    ]
    width = min(sheet.max_column, 26)
    out += [f"<th class='n'>{openpyxl.utils.get_column_letter(col)}</th>" for col in range(1, width + 1)]
    out.append("</tr>")
    for index, row in enumerate(
        sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, rows), max_col=width), 1
    ):
        css = " class='frozen'" if index == frozen_row - 1 else ""
        out.append(f"<tr{css}><th class='n'>{index}</th>")
        for cell in row:
            style = _style(cell)
            attr = f" style='{style}'" if style else ""
            out.append(f"<td{attr}>{html.escape(_display(cell))}</td>")
        out.append("</tr>")
    out.append("</table></body></html>")
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xlsx")
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=25)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as stream:
        stream.write(render(args.xlsx, args.rows))


if __name__ == "__main__":
    main()
