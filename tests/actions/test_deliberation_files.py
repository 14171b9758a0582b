"""The signed deliberation: checked by content, stored under a name of its own, served as an
attachment, and never lost when replaced."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import ActionPlan, HistoryEntry, PlanStatus, PlanTransition, ReplacedDeliberation
from tests import samples
from tests.actions.helpers import COUNCIL_DAY, READERS, adopt, messages_of, url

pytestmark = pytest.mark.django_db

FIRST = samples.PDF.replace(b"<<>>", b"<< /Title (premiere) >>", 1)
SECOND = samples.PDF.replace(b"<<>>", b"<< /Title (seconde) >>", 1)


def attach(client, plan, content, name="deliberation.pdf"):
    return client.post(
        url("plan_deliberation_file", plan.pk),
        {"deliberation_file": samples.upload(name, content)},
        follow=True,
    )


def stored_files(media):
    return sorted(path.read_bytes() for path in media.rglob("*") if path.is_file())


def french(text: str) -> str:
    return text.replace("\xa0", " ")


# --- replaced, never lost ------------------------------------------------------------------------


def test_replacing_the_signed_deliberation_keeps_the_earlier_file_with_who_and_when(as_role, scene, media):
    adopt(scene.plan)
    attach(as_role("advisor"), scene.plan, FIRST)
    before = timezone.now()

    response = attach(as_role("referent"), scene.plan, SECOND)

    assert messages_of(response) == ["La délibération signée a été jointe."]
    plan = ActionPlan.objects.get(pk=scene.plan.pk)
    with plan.deliberation_file.open("rb") as current:
        assert current.read() == SECOND
    replaced = ReplacedDeliberation.objects.get(plan=plan)
    assert replaced.replaced_by == scene.cast.referent and replaced.replaced_at >= before
    with replaced.file.open("rb") as earlier:
        assert earlier.read() == FIRST
    assert stored_files(media) == sorted([FIRST, SECOND])
    assert HistoryEntry.objects.filter(
        plan=plan, user=scene.cast.referent, summary__startswith="Délibération signée remplacée"
    ).exists()


def test_the_plan_page_lists_earlier_deliberations_with_who_and_when(as_role, scene, media):
    adopt(scene.plan)
    attach(as_role("advisor"), scene.plan, FIRST)
    attach(as_role("referent"), scene.plan, SECOND)
    replaced = ReplacedDeliberation.objects.get()

    content = french(as_role("elected").get(url("plan", scene.plan.pk)).content.decode())

    assert "Délibérations signées remplacées" in content
    assert url("plan_replaced_deliberation", scene.plan.pk, replaced.pk) in content
    assert f"par {scene.cast.referent.get_full_name()}" in content
    assert "Remplacée le " in content


@pytest.mark.parametrize("role", READERS)
def test_readers_download_an_earlier_deliberation_as_a_safe_attachment(as_role, scene, media, role):
    adopt(scene.plan)
    attach(as_role("advisor"), scene.plan, FIRST)
    attach(as_role("advisor"), scene.plan, SECOND)
    replaced = ReplacedDeliberation.objects.get()

    response = as_role(role).get(url("plan_replaced_deliberation", scene.plan.pk, replaced.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FIRST
    assert response["Content-Disposition"] == (
        'attachment; filename="Plan-climat-Saint-Martin-d-Heres-2024-2030-deliberation-signee-remplacee-le-'
        f'{timezone.localdate(replaced.replaced_at):%Y-%m-%d}.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_earlier_deliberation_is_not_found_by_outsiders_nor_under_another_plan(as_role, scene, media):
    adopt(scene.plan)
    attach(as_role("advisor"), scene.plan, FIRST)
    attach(as_role("advisor"), scene.plan, SECOND)
    replaced = ReplacedDeliberation.objects.get()
    other = ActionPlan.objects.create(
        commune=scene.cast.commune, title="Autre", start_year=2030, end_year=2031, version=9
    )

    assert (
        as_role("outsider").get(url("plan_replaced_deliberation", scene.plan.pk, replaced.pk)).status_code
        == 404
    )
    assert as_role("advisor").get(url("plan_replaced_deliberation", other.pk, replaced.pk)).status_code == 404


def test_the_signed_deliberation_is_served_as_a_safe_attachment(as_role, scene, media):
    adopt(scene.plan)
    attach(as_role("advisor"), scene.plan, FIRST)

    response = as_role("elected").get(url("plan_deliberation_file", scene.plan.pk))

    assert response["Content-Disposition"] == (
        'attachment; filename="Plan-climat-Saint-Martin-d-Heres-2024-2030-deliberation-signee.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- checked by content --------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(samples.DISGUISED_AS_PDF))
def test_a_disguised_file_is_not_attached_and_the_current_one_stays(as_role, scene, media, key):
    adopt(scene.plan)
    attach(as_role("advisor"), scene.plan, FIRST)
    upload, found = samples.disguised(key)

    response = as_role("advisor").post(
        url("plan_deliberation_file", scene.plan.pk), {"deliberation_file": upload}, follow=True
    )

    assert [french(message) for message in messages_of(response)] == [
        f"« rapport.pdf » n'est pas un PDF : son contenu est {found}."
    ]
    plan = ActionPlan.objects.get(pk=scene.plan.pk)
    with plan.deliberation_file.open("rb") as current:
        assert current.read() == FIRST
    assert not ReplacedDeliberation.objects.exists()
    assert stored_files(media) == [FIRST]


@pytest.mark.parametrize("key", list(samples.DISGUISED_AS_PDF))
def test_a_disguised_file_refuses_the_deliberation_and_changes_nothing(as_role, scene, media, key):
    adopt(scene.plan, status=PlanStatus.VALIDATED)
    ActionPlan.objects.filter(pk=scene.plan.pk).update(deliberation_date=None, deliberation_number="")
    upload, found = samples.disguised(key)

    response = as_role("advisor").post(
        url("plan_transition", scene.plan.pk, "deliberated"),
        {
            "deliberation_date": COUNCIL_DAY.isoformat(),
            "deliberation_number": "2024-031",
            "deliberation_file": upload,
            "comment": "",
        },
    )

    assert response.status_code == 200
    assert french(" ".join(response.context["form"].errors["deliberation_file"])) == (
        f"« rapport.pdf » n'est pas un PDF : son contenu est {found}."
    )
    plan = ActionPlan.objects.get(pk=scene.plan.pk)
    assert (plan.status, plan.deliberation_number, plan.deliberation_file.name) == (
        PlanStatus.VALIDATED,
        "",
        "",
    )
    assert not PlanTransition.objects.exists()
    assert stored_files(media) == []


def test_the_service_checks_the_file_whoever_calls_it(scene, media):
    adopt(scene.plan)

    with pytest.raises(ValidationError) as excinfo:
        services.plan_deliberation_file_attach(
            plan=scene.plan, file=ContentFile(samples.HTML, name="deliberation.pdf"), user=scene.cast.advisor
        )

    assert "n'est pas un PDF" in french(" ".join(excinfo.value.messages))
    assert not ActionPlan.objects.get(pk=scene.plan.pk).deliberation_file
    assert stored_files(media) == []


def test_a_too_large_deliberation_is_refused_with_both_sizes(as_role, scene, media, settings):
    settings.DELIBERATION_MAX_BYTES = 2**20
    adopt(scene.plan)

    response = attach(as_role("advisor"), scene.plan, samples.PDF.ljust(2**20 + 2**19, b"0"))

    assert [french(message) for message in messages_of(response)] == [
        "« deliberation.pdf » fait 1,5 Mo ; la limite est de 1 Mo."
    ]
    assert stored_files(media) == []


def test_a_traversing_name_is_stored_under_a_name_of_its_own(scene, media):
    adopt(scene.plan)

    plan = services.plan_deliberation_file_attach(
        plan=scene.plan, file=ContentFile(FIRST, name="../../etc/passwd.pdf"), user=scene.cast.advisor
    )

    name = ActionPlan.objects.get(pk=plan.pk).deliberation_file.name
    assert name.startswith("deliberations/38421/v1-") and name.endswith(".pdf")
    assert ".." not in name and "passwd" not in name
    assert [path.relative_to(media).as_posix() for path in media.rglob("*.pdf")] == [name]


def test_the_administration_shows_deliberation_files_without_a_way_around_the_page(login, scene, media):
    adopt(scene.plan)
    client = login(scene.cast.advisor)
    attach(client, scene.plan, FIRST)
    attach(client, scene.plan, SECOND)

    change = login(scene.cast.admin).get(reverse("admin:actions_actionplan_change", args=[scene.plan.pk]))

    content = change.content.decode()
    assert change.status_code == 200
    assert 'type="file"' not in content  # attached and replaced on the plan's page only, where it is checked
    assert ReplacedDeliberation.objects.get().file.name in content
