"""Files for the upload tests: genuine ones of each accepted type, made here by the libraries that write
them, and the disguised ones a browser or an attacker may send."""

import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The first bytes of a Linux (ELF) and a Windows (PE, "MZ") program: enough for any sniffer.
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html>\n<html><body><script>fetch('/admin/')</script></body></html>\n"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>\n"
)
CSV = "code_insee;année;grandeur;secteur;énergie;valeur;unité\n38421;2020;consommation;résidentiel;;1,5;GWh\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "JPEG")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Ordre du jour")
    document.save(buffer)
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "budget"
    workbook.save(buffer)
    return buffer.getvalue()


def opendocument(mimetype: str = "application/vnd.oasis.opendocument.spreadsheet") -> bytes:
    """An ODF package as LibreOffice writes it: the `mimetype` entry first, stored uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # Fixed entry dates: two calls give the same bytes, whatever the clock says between them.
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(zipfile.ZipInfo("content.xml"), '<?xml version="1.0"?><office:document-content/>')
        archive.writestr(
            zipfile.ZipInfo("META-INF/manifest.xml"),
            '<?xml version="1.0"?><manifest:manifest/>',
            zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def plain_zip() -> bytes:
    """A zip that is no office document: a program inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("setup.exe", PE)
    return buffer.getvalue()


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


# A disguised file under a name of an accepted type, and what the refusal says its content is.
DISGUISED_AS_PDF = {
    "elf-executable": ("rapport.pdf", ELF, "celui d'un programme exécutable"),
    "windows-executable": ("rapport.pdf", PE, "celui d'un programme exécutable"),
    "html": ("rapport.pdf", HTML, "celui d'une page HTML"),
    "svg-with-script": ("rapport.pdf", SVG_WITH_SCRIPT, "celui d'une image SVG"),
    "zip": ("rapport.pdf", None, "celui d'une archive ZIP"),
}


def disguised(key: str, name: str | None = None) -> tuple[SimpleUploadedFile, str]:
    default_name, content, found = DISGUISED_AS_PDF[key]
    return upload(name or default_name, plain_zip() if content is None else content), found
