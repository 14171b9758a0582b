"""Services and selectors of the working groups, tested directly."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communes.models import Role
from pcl.formatting import file_size
from tests import samples
from tests.factories import CommuneFactory, MembershipFactory
from tests.workgroups.helpers import named_member, new_action, new_meeting, paris, tr
from workgroups import selectors, services
from workgroups.models import Decision, Function, GroupMember, Meeting, MeetingDocument, WorkingGroup

pytestmark = pytest.mark.django_db

ACCEPTED_TYPES = "pdf, odt, ods, odp, docx, xlsx, pptx, png, jpg, jpeg, txt"
TOO_LARGE = "“%(name)s” weighs %(size)s; the limit is %(max)s."


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_a_meeting_names_itself_by_its_commune_and_its_date_in_words(cast, group):
    """As the administration's lists and choices show it: "1er" and no-break spaces, local time."""
    meeting = new_meeting(group, paris(2026, 3, 1, 18, 30))
    assert str(meeting) == f"{cast.commune.name} — 1er\u00a0mars\u00a02026\u00a0à\u00a018\u00a0h\u00a030"


# --- set-up -------------------------------------------------------------------------------------


def test_group_setup_adds_the_advisors_and_referents_as_first_members(cast):
    second_referent = MembershipFactory(commune=cast.commune, role=Role.REFERENT).user
    MembershipFactory(commune=cast.other_commune, role=Role.REFERENT)  # another commune's referent

    group = services.group_setup(commune=cast.commune, user=cast.advisor)

    assert group.commune == cast.commune
    assert group.created_on == timezone.localdate()
    members = {(member.user, member.function) for member in group.members.all()}
    assert members == {
        (cast.advisor, Function.ALE_FACILITATOR),
        (cast.referent, Function.ENERGY_REFERENT),
        (second_referent, Function.ENERGY_REFERENT),
    }
    # Staff and elected officials are added by hand, with their function in the group.
    assert all(
        member.joined_on == group.created_on and member.left_on is None for member in group.members.all()
    )


def test_group_setup_refuses_a_second_group(cast, group):
    with pytest.raises(ValidationError) as excinfo:
        services.group_setup(commune=cast.commune, user=cast.referent)

    assert messages_of(excinfo) == tr("%(commune)s already has a working group.", commune=cast.commune.name)
    assert WorkingGroup.objects.filter(commune=cast.commune).count() == 1
    assert group.members.count() == 2


def test_group_setup_of_a_commune_without_advisor_nor_referent_is_empty(cast):
    group = services.group_setup(commune=CommuneFactory(name="Grenoble"), user=cast.admin)

    assert group.members.count() == 0


# --- dated composition --------------------------------------------------------------------------


@pytest.fixture
def bare_group(cast):
    return WorkingGroup.objects.create(commune=cast.commune, created_on=date(2020, 1, 1))


def test_members_on_answers_who_was_in_the_group_on_a_day(cast, bare_group):
    left_2023 = named_member(bare_group, "Paul Parti", joined_on=date(2020, 1, 1), left_on=date(2023, 6, 30))
    joined_2025 = named_member(bare_group, "Nina Nouvelle", joined_on=date(2025, 2, 1))
    throughout = services.member_save(
        member=GroupMember(
            group=bare_group, user=cast.advisor, function=Function.ALE_FACILITATOR, joined_on=date(2021, 5, 1)
        )
    )
    left_in_2024 = named_member(
        bare_group, "Léa Mi-Temps", joined_on=date(2022, 1, 1), left_on=date(2024, 9, 30)
    )
    joined_in_2024 = named_member(bare_group, "Hugo Arrivé", joined_on=date(2024, 4, 1))

    def on(day):
        return {member.pk for member in selectors.members_on(group=bare_group, day=day)}

    assert on(date(2024, 6, 15)) == {throughout.pk, left_in_2024.pk, joined_in_2024.pk}
    assert left_2023.pk not in on(date(2024, 1, 1))
    assert joined_2025.pk not in on(date(2024, 12, 31))
    # Both ends of a period are days of membership.
    assert on(date(2023, 6, 30)) == {left_2023.pk, throughout.pk, left_in_2024.pk}
    assert on(date(2023, 7, 1)) == {throughout.pk, left_in_2024.pk}
    assert joined_2025.pk in on(date(2025, 2, 1))
    # The model answers the same question for one member.
    assert not left_2023.is_member_on(date(2024, 6, 15))
    assert not joined_2025.is_member_on(date(2024, 6, 15))
    assert left_in_2024.is_member_on(date(2024, 9, 30))


def test_members_on_does_not_mix_groups(cast, bare_group):
    other = WorkingGroup.objects.create(commune=cast.other_commune, created_on=date(2020, 1, 1))
    named_member(other, "Ailleurs", joined_on=date(2020, 1, 1))
    mine = named_member(bare_group, "Ici", joined_on=date(2020, 1, 1))

    assert selectors.members_on(group=bare_group, day=date(2024, 6, 1)) == [mine]


def test_member_save_accepts_an_account_or_a_name(cast, bare_group):
    with_account = services.member_save(
        member=GroupMember(group=bare_group, user=cast.staff, function=Function.TECHNICAL_SERVICES)
    )
    without_account = named_member(bare_group, "Jeanne Finances", function=Function.FINANCE)

    assert with_account.pk and with_account.label == "Sandra Services"
    assert without_account.pk and without_account.label == "Jeanne Finances"


def test_member_save_refuses_a_member_with_neither_account_nor_name(bare_group):
    with pytest.raises(ValidationError) as excinfo:
        services.member_save(member=GroupMember(group=bare_group, function=Function.OTHER))

    assert tr("Choose an account or give the person's name.") in messages_of(excinfo)
    assert not bare_group.members.exists()


def test_member_save_refuses_leaving_before_joining(bare_group):
    with pytest.raises(ValidationError) as excinfo:
        named_member(bare_group, "Paul Pressé", joined_on=date(2024, 5, 1), left_on=date(2024, 4, 30))

    assert tr("A member cannot leave before joining.") in messages_of(excinfo)
    assert not bare_group.members.exists()
    # Leaving the day one joins is a (short) membership.
    assert named_member(bare_group, "Paul Bref", joined_on=date(2024, 5, 1), left_on=date(2024, 5, 1)).pk


# --- meetings -----------------------------------------------------------------------------------


def test_meeting_save_stores_the_meeting_with_its_attendees_and_author(cast, group):
    attendees = list(group.members.all())

    meeting = new_meeting(
        group,
        paris(2025, 3, 12, 18),
        ends_at=paris(2025, 3, 12, 20),
        place="Salle du conseil",
        attendees=attendees,
        user=cast.referent,
    )

    meeting.refresh_from_db()
    assert set(meeting.attendees.all()) == set(attendees)
    assert meeting.created_by == cast.referent
    # Editing it later keeps its author.
    meeting.minutes = "Compte rendu."
    services.meeting_save(meeting=meeting, user=cast.advisor)
    meeting.refresh_from_db()
    assert meeting.created_by == cast.referent
    assert set(meeting.attendees.all()) == set(attendees)  # attendees=None leaves them alone


def test_meeting_save_refuses_an_end_before_the_start(group):
    with pytest.raises(ValidationError) as excinfo:
        new_meeting(group, paris(2025, 3, 12, 18), ends_at=paris(2025, 3, 12, 17))

    assert tr("A meeting cannot end before it starts.") in messages_of(excinfo)
    assert not Meeting.objects.exists()


def test_meeting_save_refuses_attendees_from_another_group(cast, group):
    other_group = services.group_setup(commune=cast.other_commune, user=cast.outsider)
    stranger = other_group.members.get()

    with pytest.raises(ValidationError) as excinfo:
        new_meeting(group, paris(2025, 3, 12), attendees=[*group.members.all(), stranger])

    assert excinfo.value.message_dict == {"attendees": [tr("Attendees must be members of this group.")]}
    assert not Meeting.objects.exists()


def test_meeting_save_refuses_strangers_when_a_meeting_is_edited(cast, group):
    meeting = new_meeting(group, paris(2025, 3, 12), attendees=list(group.members.all()))
    stranger = services.group_setup(commune=cast.other_commune, user=cast.outsider).members.get()

    with pytest.raises(ValidationError):
        services.meeting_save(meeting=meeting, attendees=[stranger])

    assert set(meeting.attendees.all()) == set(group.members.all())


# --- decisions ----------------------------------------------------------------------------------


@pytest.fixture
def meeting(group):
    return new_meeting(group, paris(2025, 3, 12))


def test_decision_save_links_actions_of_the_commune_plans(cast, meeting):
    school = new_action(cast.commune, cast.advisor, "Rénovation de l'école")
    lighting = new_action(cast.commune, cast.advisor, "Éclairage public LED")

    decision = services.decision_save(
        decision=Decision(meeting=meeting, text="Lancer les deux chantiers en 2025."),
        actions=[school, lighting],
    )

    decision.refresh_from_db()
    assert decision.meeting == meeting
    assert set(decision.actions.all()) == {school, lighting}


def test_decision_save_refuses_an_action_of_another_commune(cast, meeting):
    mine = new_action(cast.commune, cast.advisor, "Rénovation de l'école")
    theirs = new_action(cast.other_commune, cast.outsider, "Chaufferie bois")

    with pytest.raises(ValidationError) as excinfo:
        services.decision_save(
            decision=Decision(meeting=meeting, text="Tout lancer."), actions=[mine, theirs]
        )

    assert excinfo.value.message_dict == {
        "actions": [tr("A decision can only concern the actions of the commune's plans.")]
    }
    assert not Decision.objects.exists()


def test_decision_save_needs_a_text(meeting):
    with pytest.raises(ValidationError) as excinfo:
        services.decision_save(decision=Decision(meeting=meeting, text=""))

    assert "text" in excinfo.value.message_dict
    assert not Decision.objects.exists()


# --- documents ----------------------------------------------------------------------------------


def test_document_add_stores_an_accepted_file(cast, meeting, media):
    upload = SimpleUploadedFile("Compte-rendu mars.PDF", b"%PDF-1.4 fake", content_type="application/pdf")

    document = services.document_add(meeting=meeting, upload=upload, user=cast.referent)

    document = MeetingDocument.objects.get(pk=document.pk)
    assert document.name == "Compte-rendu mars.PDF"
    assert document.uploaded_by == cast.referent
    assert document.file.name.startswith(f"workgroups/{cast.commune.insee_code}/{meeting.pk}/")
    assert (media / document.file.name).read_bytes() == b"%PDF-1.4 fake"
    with document.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 fake"


@pytest.mark.parametrize(
    "name, content",
    [
        ("photo.png", samples.png()),
        ("photo.jpg", samples.jpeg()),
        ("ordre-du-jour.docx", samples.docx()),
        ("budget.xlsx", samples.xlsx()),
        ("budget.ods", samples.opendocument()),
        ("notes.txt", "Présents : 7\n"),
    ],
)
def test_document_add_accepts_every_genuine_type(cast, meeting, media, name, content):
    document = services.document_add(
        meeting=meeting, upload=samples.upload(name, content), user=cast.referent
    )

    assert document.name == name
    assert (media / document.file.name).read_bytes() == samples.upload(name, content).read()


@pytest.mark.parametrize(
    "name, content, found",
    [
        ("ordre-du-jour.pdf", samples.ELF, "celui d'un programme exécutable"),
        ("ordre-du-jour.pdf", samples.PE, "celui d'un programme exécutable"),
        ("ordre-du-jour.pdf", samples.HTML, "celui d'une page HTML"),
        ("plan.png", samples.SVG_WITH_SCRIPT, "celui d'une image SVG"),
        ("budget.xlsx", samples.plain_zip(), "celui d'une archive ZIP"),
        ("notes.txt", samples.HTML, "celui d'une page HTML"),
    ],
    ids=["elf-as-pdf", "exe-as-pdf", "html-as-pdf", "svg-as-png", "zip-as-xlsx", "html-as-txt"],
)
def test_document_add_refuses_a_disguised_file_and_stores_nothing(cast, meeting, media, name, content, found):
    with pytest.raises(ValidationError) as excinfo:
        services.document_add(meeting=meeting, upload=samples.upload(name, content), user=cast.advisor)

    message = messages_of(excinfo).replace("\xa0", " ")
    assert message.startswith(f"« {name} » n'est pas ") and message.endswith(f" : son contenu est {found}.")
    assert not MeetingDocument.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_document_add_stores_a_traversing_name_under_a_name_of_its_own(cast, meeting, media):
    # Django's uploaded files keep only the last part of a name; a service may be given any file.
    upload = ContentFile(samples.PDF, name="../../etc/passwd.pdf")

    document = services.document_add(meeting=meeting, upload=upload, user=cast.referent)

    assert document.name == "passwd.pdf"
    folder = f"workgroups/{cast.commune.insee_code}/{meeting.pk}/"
    assert document.file.name.startswith(folder) and document.file.name.endswith(".pdf")
    assert ".." not in document.file.name and "passwd" not in document.file.name
    assert [path.relative_to(media).as_posix() for path in media.rglob("*.pdf")] == [document.file.name]


def test_document_add_refuses_a_wrong_extension(cast, meeting, media):
    for name in ("virus.exe", "rapport.pdf.exe", "sans-extension"):
        with pytest.raises(ValidationError) as excinfo:
            services.document_add(meeting=meeting, upload=SimpleUploadedFile(name, b"MZ"), user=cast.advisor)
        assert messages_of(excinfo) == tr(
            "“%(name)s” is not an accepted type (%(types)s).", name=name, types=ACCEPTED_TYPES
        )

    assert not MeetingDocument.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_document_add_refuses_a_too_large_file(cast, meeting, settings, media):
    settings.MEETING_DOCUMENT_MAX_BYTES = 2**20  # 1 MB
    upload = SimpleUploadedFile("plans.pdf", b"x" * (2**20 + 1))

    with pytest.raises(ValidationError) as excinfo:
        services.document_add(meeting=meeting, upload=upload, user=cast.advisor)

    assert messages_of(excinfo) == tr(
        TOO_LARGE, name="plans.pdf", size=file_size(2**20 + 1), max=file_size(2**20)
    )
    assert not MeetingDocument.objects.exists()
    # The limit itself is accepted.
    assert services.document_add(
        meeting=meeting,
        upload=SimpleUploadedFile("juste.pdf", samples.PDF.ljust(2**20, b"x")),
        user=cast.advisor,
    ).pk


def test_document_add_reports_the_size_of_a_file_of_exactly_two_megabytes(cast, meeting, settings):
    """A file of exactly 2 MB (2 × 2**20 bytes) weighs 2 MB, not 2.1."""
    settings.MEETING_DOCUMENT_MAX_BYTES = 2**20

    with pytest.raises(ValidationError) as excinfo:
        services.document_add(
            meeting=meeting, upload=SimpleUploadedFile("plans.pdf", b"x" * (2 * 2**20)), user=cast.advisor
        )

    assert messages_of(excinfo) == tr(TOO_LARGE, name="plans.pdf", size="2\xa0Mo", max="1\xa0Mo")


# --- the group page's selector -----------------------------------------------------------------


def test_group_page_splits_members_and_meetings(cast, group):
    former = named_member(group, "Paul Parti", joined_on=date(2020, 1, 1), left_on=date(2023, 6, 30))
    held = new_meeting(group, timezone.now() - timedelta(days=10))
    planned = new_meeting(group, timezone.now() + timedelta(days=10))
    later = new_meeting(group, timezone.now() + timedelta(days=40))

    page = selectors.group_page(commune=cast.commune)

    assert former in page.past_members and former not in page.current_members
    assert {member.user for member in page.current_members} == {cast.advisor, cast.referent}
    assert page.past == [held]
    assert page.upcoming == [planned, later]
    assert page.regularity.has_group and not page.regularity.quiet


def test_group_page_of_a_commune_without_group(cast):
    page = selectors.group_page(commune=cast.commune)

    assert page.group is None and page.current_members == [] and page.past == []
    assert not page.regularity.has_group
