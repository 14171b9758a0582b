import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded import files land in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def english():
    """Messages built outside a request (service, command) in English, whatever the catalogues hold."""
    with translation.override("en"):
        yield
