"""The one check of uploaded files (pcl/uploads.py): type by name and content, size, safe names."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pcl import uploads
from pcl.uploads import CSV, DOCX, JPEG, ODS, ODT, PDF, PNG, PPTX, TEXT, XLSX, validate_upload
from tests import samples

EVERY_TYPE = (PDF, ODT, ODS, DOCX, XLSX, PPTX, PNG, JPEG, TEXT)
MB = 2**20


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def refusal(upload, allowed=EVERY_TYPE, max_bytes=20 * MB) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload, allowed=allowed, max_bytes=max_bytes)
    # French typography puts no-break spaces inside « » and before : and ; and units.
    return " ".join(excinfo.value.messages).replace("\xa0", " ")


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("rapport.pdf", samples.PDF, PDF),
        ("Rapport.PDF", samples.PDF, PDF),
        ("photo.png", samples.png(), PNG),
        ("photo.jpeg", samples.jpeg(), JPEG),
        ("photo.JPG", samples.jpeg(), JPEG),
        ("ordre-du-jour.docx", samples.docx(), DOCX),
        ("budget.xlsx", samples.xlsx(), XLSX),
        ("budget.ods", samples.opendocument(), ODS),
        ("note.odt", samples.opendocument("application/vnd.oasis.opendocument.text"), ODT),
        ("note.txt", "Réunion du 3 mars\n", TEXT),
        ("note-windows.txt", "Réunion du 3 mars\n".encode("cp1252"), TEXT),
    ],
)
def test_it_accepts_a_genuine_file_and_leaves_it_at_its_start(name, content, expected):
    upload = samples.upload(name, content)
    assert validate_upload(upload, allowed=EVERY_TYPE, max_bytes=20 * MB) is expected
    assert upload.tell() == 0


@pytest.mark.parametrize("key", list(samples.DISGUISED_AS_PDF))
def test_it_refuses_a_disguised_file_and_says_what_it_really_is(key):
    upload, found = samples.disguised(key)
    assert refusal(upload) == f"« rapport.pdf » n'est pas un PDF : son contenu est {found}."


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "photo.png",
            samples.SVG_WITH_SCRIPT,
            "n'est pas une image PNG : son contenu est celui d'une image SVG.",
        ),
        ("photo.jpg", samples.png(), "n'est pas une image JPEG : son contenu est celui d'une image."),
        (
            "budget.xlsx",
            samples.plain_zip(),
            "n'est pas un classeur Excel (XLSX) : son contenu est celui d'une archive ZIP.",
        ),
        (
            "budget.xlsx",
            samples.docx(),
            "n'est pas un classeur Excel (XLSX) : son contenu est celui d'un document bureautique (DOCX)",
        ),
        (
            "budget.ods",
            samples.xlsx(),
            "(ODS) : son contenu est celui d'un document bureautique (XLSX).",
        ),
        (
            "note.docx",
            samples.ELF,
            "n'est pas un document Word (DOCX) : son contenu est celui d'un programme exécutable.",
        ),
        ("note.txt", samples.HTML, "n'est pas un fichier texte : son contenu est celui d'une page HTML."),
        (
            "note.txt",
            b"#!/bin/sh\nrm -rf ~\n",
            "n'est pas un fichier texte : son contenu est celui d'un programme exécutable.",
        ),
        (
            "note.txt",
            samples.PE,
            "n'est pas un fichier texte : son contenu est celui d'un programme exécutable.",
        ),
    ],
    ids=[
        "svg-as-png",
        "png-as-jpeg",
        "zip-as-xlsx",
        "docx-as-xlsx",
        "xlsx-as-ods",
        "elf-as-docx",
        "html-txt",
        "shell",
        "exe-txt",
    ],
)
def test_it_refuses_content_that_is_not_what_the_name_says(name, content, message):
    assert message in refusal(samples.upload(name, content))


def test_a_zip_bomb_in_place_of_the_content_types_is_refused_without_being_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"\0" * (50 * MB))
    assert len(buffer.getvalue()) < MB
    assert "n'est pas un classeur Excel (XLSX)" in refusal(samples.upload("budget.xlsx", buffer.getvalue()))


def test_it_refuses_a_name_of_another_type_listing_the_accepted_ones():
    assert refusal(samples.upload("virus.exe", samples.PE), allowed=(PDF, PNG, JPEG)) == (
        "« virus.exe » n'est pas d'un type accepté (pdf, png, jpg, jpeg)."
    )
    assert "n'est pas d'un type accepté" in refusal(samples.upload("rapport.pdf.exe", samples.PDF))
    assert "n'est pas d'un type accepté" in refusal(samples.upload("sans-extension", samples.PDF))


def test_it_refuses_an_empty_file():
    assert refusal(samples.upload("vide.pdf", b"")) == "« vide.pdf » est vide."


def test_it_refuses_a_file_over_the_limit_with_both_sizes():
    upload = samples.upload("rapport.pdf", samples.PDF + b"0" * int(25.25 * MB))
    assert refusal(upload, max_bytes=20 * MB) == "« rapport.pdf » fait 25,3 Mo ; la limite est de 20 Mo."
    # The limit itself is accepted.
    assert validate_upload(
        samples.upload("rapport.pdf", samples.PDF.ljust(MB, b"0")), allowed=(PDF,), max_bytes=MB
    )


def test_a_csv_must_be_utf8_text():
    assert validate_upload(samples.upload("donnees.csv", samples.CSV), allowed=(CSV,), max_bytes=MB) is CSV
    assert validate_upload(samples.upload("donnees.txt", samples.CSV), allowed=(CSV,), max_bytes=MB) is CSV
    assert refusal(samples.upload("donnees.csv", samples.CSV.encode("cp1252")), allowed=(CSV,)) == (
        "« donnees.csv » n'est pas encodé en UTF-8 : enregistrez-le de nouveau au format « CSV UTF-8 »."
    )
    assert "n'est pas un fichier CSV : son contenu est celui d'une page HTML" in refusal(
        samples.upload("donnees.csv", samples.HTML), allowed=(CSV,)
    )
    assert "n'est pas un fichier CSV : son contenu est celui d'un document bureautique (XLSX)." in refusal(
        samples.upload("donnees.csv", samples.xlsx()), allowed=(CSV,)
    )


def test_a_utf8_character_cut_at_the_end_of_the_sample_is_still_text():
    text = ("é" * (uploads.SAMPLE_BYTES // 2 - 1) + "xé").encode()
    assert len(text) > uploads.SAMPLE_BYTES and text[: uploads.SAMPLE_BYTES][-1:] == b"\xc3"
    assert validate_upload(samples.upload("long.csv", text), allowed=(CSV,), max_bytes=MB) is CSV


@pytest.mark.parametrize(
    "client_name",
    ["../../etc/passwd.pdf", "..\\..\\windows\\system.ini.pdf", "/etc/passwd.pdf", "a\x00b.pdf", "..pdf"],
)
def test_stored_names_are_random_and_cannot_traverse_a_path(client_name):
    name = uploads.storage_name(client_name)
    assert "/" not in name and "\\" not in name and ".." not in name and "\0" not in name
    assert name.endswith(".pdf")
    assert uploads.storage_name(client_name) != name


def test_display_and_download_names_drop_folders_and_odd_characters():
    assert uploads.display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert uploads.display_name("C:\\Users\\x\\Compte rendu.pdf") == "Compte rendu.pdf"
    assert uploads.download_name("Compte-rendu mars « final ».PDF") == "compte-rendu-mars-final.pdf"
    assert uploads.download_name('a"; filename=evil.exe') == "a-filenameevil.exe"
    assert uploads.download_name("") == "document"
