from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.workgroups.helpers import named_member, new_action, new_meeting
from tests.workgroups.view_helpers import MEETING_DAY, MINUTES
from workgroups import services
from workgroups.models import Function


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


@pytest.fixture
def scene(cast, group):
    """cast.commune's group with a meeting held (minutes, attendees, a document) and a plan action."""
    member = named_member(group, "Jeanne Finances", function=Function.FINANCE, joined_on=date(2024, 1, 1))
    meeting = new_meeting(
        group,
        MEETING_DAY,
        ends_at=MEETING_DAY + timedelta(hours=2),
        place="Salle du conseil, 1er étage",
        agenda="Bilan annuel",
        minutes=MINUTES,
        attendees=list(group.members.all()),
        user=cast.advisor,
    )
    document = services.document_add(
        meeting=meeting,
        upload=SimpleUploadedFile("ordre-du-jour.pdf", b"%PDF-1.4 ordre du jour"),
        user=cast.advisor,
    )
    action = new_action(cast.commune, cast.advisor, "Rénovation de l'école Jean-Jaurès")
    return SimpleNamespace(group=group, member=member, meeting=meeting, document=document, action=action)
