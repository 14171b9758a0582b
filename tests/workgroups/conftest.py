import pytest
from django.utils import translation

from workgroups import services


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded documents go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def meeting_settings(settings):
    # The documented defaults, whatever the environment says.
    settings.MEETING_INTERVAL_DAYS = 122
    settings.MEETING_DOCUMENT_MAX_BYTES = 10 * 2**20
    settings.SITE_URL = "https://pcl.example.org"


@pytest.fixture
def group(cast):
    """The working group of cast.commune, set up today with its advisor and referent."""
    return services.group_setup(commune=cast.commune, user=cast.advisor)


@pytest.fixture(autouse=True)
def site_language(settings):
    """Messages are compared in the site's language, the one requests get (no Accept-Language)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
