"""The one check every uploaded file goes through, and the one way a stored file is served back.

An upload is accepted when its name ends with the extension of an allowed type, its size is under the
field's limit, and its content is what that extension says: the first bytes (the "magic" signature:
PDF, PNG, JPEG), the parts of a zip for the office formats (the main part's content type of a
DOCX/XLSX/PPTX, the `mimetype` entry of an ODT/ODS/ODP), readable text for CSV and TXT. A refused file
names itself and says what its content really is ("« rapport.pdf » n'est pas un PDF : son contenu est
celui d'un programme exécutable"). The `filetype` library reads the signatures: pure Python, no system
library (libmagic) to install on every machine, and it knows the executables, archives and media a
disguised file may really be.

Stored files never keep the client's name (`storage_name`): a random name with the checked extension,
so that no name can traverse a path or collide. Served files go through `attachment_response`:
downloaded, never displayed inline, with their real content type and `nosniff`.
"""

import codecs
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import file_size

SAMPLE_BYTES = 64 * 1024  # how much of a text file is read to tell it is text
ZIP_PART_MAX_BYTES = 1 << 20  # a content-types part or a mimetype entry is tiny; a larger one is a trap


@dataclass(frozen=True)
class FileType:
    label: object  # "a PDF": the article belongs to the language
    extensions: tuple[str, ...]
    content_type: str
    # How the content is recognised: "magic" (filetype's MIME type), "ooxml" (the content type of the
    # zip's main part), "odf" (the zip's mimetype entry) or "text".
    check: str
    signature: str = ""


PDF = FileType(gettext_lazy("a PDF"), (".pdf",), "application/pdf", "magic", "application/pdf")
PNG = FileType(gettext_lazy("a PNG image"), (".png",), "image/png", "magic", "image/png")
JPEG = FileType(gettext_lazy("a JPEG image"), (".jpg", ".jpeg"), "image/jpeg", "magic", "image/jpeg")
DOCX = FileType(
    gettext_lazy("a Word document (DOCX)"),
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ooxml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
XLSX = FileType(
    gettext_lazy("an Excel spreadsheet (XLSX)"),
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ooxml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
PPTX = FileType(
    gettext_lazy("a PowerPoint presentation (PPTX)"),
    (".pptx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ooxml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
)
ODT = FileType(
    gettext_lazy("an OpenDocument text (ODT)"),
    (".odt",),
    "application/vnd.oasis.opendocument.text",
    "odf",
    "application/vnd.oasis.opendocument.text",
)
ODS = FileType(
    gettext_lazy("an OpenDocument spreadsheet (ODS)"),
    (".ods",),
    "application/vnd.oasis.opendocument.spreadsheet",
    "odf",
    "application/vnd.oasis.opendocument.spreadsheet",
)
ODP = FileType(
    gettext_lazy("an OpenDocument presentation (ODP)"),
    (".odp",),
    "application/vnd.oasis.opendocument.presentation",
    "odf",
    "application/vnd.oasis.opendocument.presentation",
)
TEXT = FileType(gettext_lazy("a text file"), (".txt",), "text/plain", "text")
# The observatory's files: CSV, sometimes named .txt by the tools that export them; read as UTF-8.
CSV = FileType(gettext_lazy("a CSV file"), (".csv", ".txt"), "text/csv", "text")
OFFICE_TYPES = (DOCX, XLSX, PPTX, ODT, ODS, ODP)

# What a refused file's content really is, by the MIME type filetype gives it.
EXECUTABLE_MIMES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-shockwave-flash",
    "application/x-deb",
    "application/x-rpm",
    "application/x-google-chrome-extension",
    "application/vnd.ms-cab-compressed",
}
ARCHIVE_MIMES = {
    "application/x-tar",
    "application/vnd.rar",
    "application/x-rar-compressed",
    "application/gzip",
    "application/x-bzip2",
    "application/x-7z-compressed",
    "application/x-xz",
    "application/x-unix-archive",
    "application/x-compress",
    "application/x-lzip",
    "application/x-lz4",
    "application/x-brotli",
    "application/zstd",
}
MACH_O_SIGNATURES = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|iframe|object|embed|svg|\?xml)\b", re.I)
SVG = re.compile(rb"<\s*svg\b", re.I)


def _describe(upload, head: bytes) -> str:
    """What a file really is, by its first bytes (and its parts for a zip), as the end of "its content
    is …"."""
    if head.startswith(b"#!") or head.startswith(MACH_O_SIGNATURES):
        return _("that of an executable program")
    mime = filetype.guess_mime(head)
    if mime in EXECUTABLE_MIMES:
        return _("that of an executable program")
    if mime == "application/pdf":
        return _("that of a PDF")
    if mime and mime.startswith("image/"):
        return _("that of an image")
    if mime in ARCHIVE_MIMES:
        return _("that of a compressed archive")
    if head.startswith(b"PK\x03\x04"):
        for office in OFFICE_TYPES:
            if _content_matches(upload, office, head):
                return _("that of an office document (%(type)s)") % {"type": office.extensions[0][1:].upper()}
        if _zip_part(upload, "[Content_Types].xml") is not None or _zip_part(upload, "mimetype") is not None:
            return _("that of an office document")
        return _("that of a ZIP archive")
    if mime:
        return _("that of a file of type %(type)s") % {"type": mime}
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if SVG.search(head):
        return _("that of an SVG image")
    if MARKUP.search(text[:1024]) or b"<script" in head.lower():
        return _("that of an HTML page")
    if b"\0" not in head and _decodes(head):
        return _("plain text")
    return _("not recognised")


def _decodes(sample: bytes, encoding: str = "utf-8") -> bool:
    """Whether `sample`, maybe cut in the middle of a character, is text in `encoding`."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def display_name(name: str) -> str:
    """The client's file name without any folder (either slash) or control character, for messages
    and the name shown on pages."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(character for character in base if character.isprintable()).strip()
    return base[:200] or "document"


def _type_by_name(name: str, allowed: tuple[FileType, ...]) -> FileType | None:
    lowered = name.lower()
    for file_type in allowed:
        if lowered.endswith(file_type.extensions):
            return file_type
    return None


def _read_head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_part(upload, part: str) -> bytes | None:
    """The bytes of one entry of a zip (None when missing, damaged or suspiciously large)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo(part)
            if info.file_size > ZIP_PART_MAX_BYTES:
                return None
            return archive.read(info)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        return None
    finally:
        upload.seek(0)


def _content_matches(upload, file_type: FileType, head: bytes) -> bool:
    if file_type.check == "magic":
        return filetype.guess_mime(head) == file_type.signature
    if file_type.check == "ooxml":
        if not head.startswith(b"PK\x03\x04"):
            return False
        types = _zip_part(upload, "[Content_Types].xml")
        return types is not None and f'ContentType="{file_type.signature}"'.encode() in types
    if file_type.check == "odf":
        if not head.startswith(b"PK\x03\x04"):
            return False
        return _zip_part(upload, "mimetype") == file_type.signature.encode()
    return not _looks_binary_or_markup(head) and _decodes_as(head, file_type)


def _looks_binary_or_markup(head: bytes) -> bool:
    """A NUL byte (binary), or markup or a script that a browser or a shell would run."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\0" in head or text.startswith(b"#!") or b"<script" in head.lower():
        return True
    return bool(MARKUP.search(text[:1024]))


def _decodes_as(head: bytes, file_type: FileType) -> bool:
    # CSV files are read as UTF-8 by the importers; plain text may also come from Windows (cp1252).
    return _decodes(head) or (file_type is TEXT and _decodes(head, "cp1252"))


def validate_upload(upload, *, allowed: tuple[FileType, ...], max_bytes: int) -> FileType:
    """The type of `upload` among `allowed`, checked by its name, its size and its content; a
    ValidationError naming the file and the reason otherwise. The file is left at its start."""
    name = display_name(upload.name)
    file_type = _type_by_name(name, allowed)
    if file_type is None:
        raise ValidationError(
            _("“%(name)s” is not an accepted type (%(types)s).")
            % {"name": name, "types": ", ".join(ext[1:] for kind in allowed for ext in kind.extensions)},
            code="file_type",
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” weighs %(size)s; the limit is %(max)s.")
            % {"name": name, "size": file_size(upload.size), "max": file_size(max_bytes)},
            code="file_size",
        )
    head = _read_head(upload, SAMPLE_BYTES)
    if file_type.check == "text" and not _looks_binary_or_markup(head) and not _decodes_as(head, file_type):
        raise ValidationError(
            _("“%(name)s” is not encoded in UTF-8: save it again as “CSV UTF-8”.") % {"name": name},
            code="file_encoding",
        )
    if not _content_matches(upload, file_type, head):
        raise ValidationError(
            _("“%(name)s” is not %(type)s: its content is %(content)s.")
            % {
                "name": name,
                "type": file_type.label,
                "content": _describe(upload, head),
            },
            code="file_content",
        )
    return file_type


def storage_name(filename: str) -> str:
    """A new name for a stored file: random, with the (checked) extension of the client's name in
    lower case. The client's name is kept apart, for display only."""
    stem, dot, extension = display_name(filename).rpartition(".")
    extension = get_valid_filename(extension).lower()[:8] if dot and stem else ""
    return f"{secrets.token_hex(12)}.{extension}" if extension.isalnum() else secrets.token_hex(12)


def name_part(text) -> str:
    """A part of a download name that keeps its capitals: "Saint-Martin-d'Hères" → "Saint-Martin-d-Heres"
    (ASCII letters and digits, anything else one hyphen)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def download_name(name: str, *, default: str = "document", keep_case: bool = False) -> str:
    """A download name that is safe in a header and on any disk: "Compte-rendu mars.PDF" →
    "compte-rendu-mars.pdf" ("Compte-rendu-mars.pdf" with `keep_case`)."""
    stem, dot, extension = display_name(name).rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = (name_part(stem) if keep_case else slugify(stem))[:150] or default
    extension = slugify(extension)[:8]
    return f"{stem}.{extension}" if extension else stem


def attachment_response(file, *, filename: str, content_type: str, keep_case: bool = False) -> FileResponse:
    """A stored file served for download: never displayed inline, never sniffed into another type."""
    response = FileResponse(
        file,
        as_attachment=True,
        filename=download_name(filename, keep_case=keep_case),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def content_type_of(name: str, types: tuple[FileType, ...]) -> str:
    """The content type a stored file is served with, from its (checked) extension."""
    file_type = _type_by_name(name, types)
    return file_type.content_type if file_type else "application/octet-stream"
