"""Spreadsheets for the import tests: a CSV or an XLSX made from a header and rows."""

import csv
import io

import openpyxl


def csv_bytes(header, *rows, delimiter=";", bom=True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def xlsx_bytes(header, *rows, above=(), sheets=None) -> bytes:
    """`sheets`: {title: [header, *rows]} of the sheets after the first."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for title, lines in (sheets or {}).items():
        other = workbook.create_sheet(title)
        for line in lines:
            other.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FR_HEADER = ["Titre", "Thématique", "Axe", "Responsable", "Début", "Fin", "Statut", "Avancement (%)"]
EN_HEADER = ["Title", "Theme", "Axis", "Responsible", "Start", "End", "Status", "Progress (%)"]
