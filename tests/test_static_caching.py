"""Static files as production serves them: `collectstatic` with whitenoise's compressed manifest storage
(pcl/settings.py STORAGES when DEBUG is off) gives each file a name that carries its hash, the pages link
that name, and whitenoise serves it cached for good (it never changes under that name) and precompressed.
The plotly bundle is the file that matters most (1.2 MB): a second page, or a second visit, must not
fetch it again."""

import gzip
import re

import brotli
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from whitenoise.storage import CompressedManifestStaticFilesStorage

from tests.factories import UserFactory

ONE_YEAR = 365 * 24 * 60 * 60
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[^./]+$")
BASIC_BUNDLE = re.compile(r'<script defer src="(/static/vendor/plotly/plotly-basic\.min\.[0-9a-f]{12}\.js)">')


class HashedNamesCompressed(CompressedManifestStaticFilesStorage):
    """Production's storage, which compresses each file twice: under its hashed name, the one pages link,
    and under its plain name, which no page links. Only the first here (half the brotli of the bundle)."""

    def compress_files(self, paths):
        return super().compress_files([path for path in paths if HASHED_NAME.search(path)])


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """One `collectstatic` for the module, of the files the dashboard links. Left out, to spare some
    40 s of brotli: the full plotly bundle (4.8 MB, which the same storage treats as it treats the basic
    one), the admin's files and django-htmx's (the dashboard links none of them)."""
    root = tmp_path_factory.mktemp("staticfiles")
    collecting = {
        **MANIFEST_STORAGE,
        "staticfiles": {"BACKEND": f"{HashedNamesCompressed.__module__}.{HashedNamesCompressed.__name__}"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=collecting, DEBUG=False):
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["plotly.min.js", "admin", "django_htmx"],
        )
    return root


@pytest.fixture
def production_static(settings, static_root):
    settings.DEBUG = False
    settings.STATIC_ROOT = static_root
    settings.STORAGES = MANIFEST_STORAGE
    client = Client()  # a new whitenoise middleware, which reads the collected files when it starts
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def bundle_url(client) -> str:
    html = client.get(reverse("reporting:network_dashboard")).content.decode()
    found = BASIC_BUNDLE.search(html)
    assert found, "the dashboard links the basic plotly bundle by its hashed name"
    return found.group(1)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_page_links_plotly_by_its_hashed_name_cached_for_at_least_a_year(production_static, static_root):
    url = bundle_url(production_static)
    response = production_static.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    directives = [part.strip() for part in response["Cache-Control"].split(",")]
    max_age = int(next(part for part in directives if part.startswith("max-age=")).split("=")[1])
    assert max_age >= ONE_YEAR and "immutable" in directives and "public" in directives
    vendored = (static_root / "vendor" / "plotly" / "plotly-basic.min.js").read_bytes()
    assert body(response) == vendored


@pytest.mark.django_db
def test_plotly_is_served_precompressed_with_brotli_or_gzip(production_static, static_root):
    url = bundle_url(production_static)
    vendored = (static_root / "vendor" / "plotly" / "plotly-basic.min.js").read_bytes()

    compressed = production_static.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "br"
    data = body(compressed)
    assert len(data) < len(vendored) / 3 and brotli.decompress(data) == vendored

    compressed = production_static.get(url, headers={"accept-encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip"
    data = body(compressed)
    assert len(data) < len(vendored) / 2.5 and gzip.decompress(data) == vendored
