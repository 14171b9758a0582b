"""La Lettre du Plan Climat: the period's highlights, editing, publication, sending, the PDF, and who
may do what on every page."""

import datetime
import io
import re
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from actions.models import ActionStatus, PlanStatus
from communes.models import Commune, Role
from observatory.models import BatchStatus, Dataset, ImportBatch, Observation, Quantity
from observatory.totals import totals_rebuild
from reporting import letters
from reporting.models import DocumentStatus, GeneratedDocument, Letter, LetterStatus
from reporting.templatetags.letter_markup import letter_html
from tests.actions.factories import ActionFactory, ActionPlanFactory
from tests.factories import CommuneFactory, MembershipFactory, TerritoryFactory, UserFactory
from workgroups.models import Meeting, WorkingGroup

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)
MANAGERS = ["admin", "metro_officer", "advisor"]
READERS = ["referent", "staff", "elected"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://pcl.example.org"
    return tmp_path


def plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", text)


def messages_of(response):
    return [plain(str(message)) for message in get_messages(response.wsgi_request)]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def url(name, letter=None):
    return reverse(f"reporting:{name}", args=[letter.pk] if letter else [])


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def period(cast):
    """Highlights in and around the first quarter of 2025."""
    commune, other = cast.commune, cast.other_commune
    ActionPlanFactory(
        commune=commune,
        title="Plan climat 2025-2031",
        status=PlanStatus.DELIBERATED,
        deliberation_date=datetime.date(2025, 2, 10),
        deliberation_number="2025-012",
    )
    ActionPlanFactory(
        commune=CommuneFactory(),  # a third commune: the draft below is the plan `other` follows
        title="Plan voté trop tôt",
        status=PlanStatus.FOLLOW_UP,
        deliberation_date=datetime.date(2024, 12, 15),
    )
    draft = ActionPlanFactory(
        commune=other, title="Plan en préparation", deliberation_date=datetime.date(2025, 2, 1)
    )
    ActionFactory(plan=draft, title="Chaufferie bois du gymnase", status=ActionStatus.DONE, end_date=END)
    ActionFactory(
        plan=draft, title="Isolation de la mairie", status=ActionStatus.DONE, end_date=END + timedelta(1)
    )
    ActionFactory(
        plan=draft, title="Vélos à assistance électrique", status=ActionStatus.IN_PROGRESS, end_date=START
    )
    undated = ActionFactory(plan=draft, title="Extinction nocturne de l'éclairage", status=ActionStatus.DONE)
    type(undated).objects.filter(pk=undated.pk).update(updated_at=paris(2025, 2, 3, 10))
    stale = ActionFactory(plan=draft, title="Sobriété numérique", status=ActionStatus.DONE)
    type(stale).objects.filter(pk=stale.pk).update(updated_at=paris(2024, 2, 3, 10))
    orcae = Dataset.objects.get(code="orcae")
    batch = ImportBatch.objects.create(
        dataset=orcae,
        format="long",
        original_name="orcae-2025.csv",
        file="x.csv",
        status=BatchStatus.DONE,
        finished_at=paris(2025, 2, 20, 9),
        years=[2005, 2023],
    )
    ImportBatch.objects.create(
        dataset=orcae,
        format="long",
        original_name="orcae-2024.csv",
        file="y.csv",
        status=BatchStatus.DONE,
        finished_at=paris(2024, 2, 20, 9),
        years=[2022],
    )
    Observation.objects.bulk_create(
        Observation(
            dataset=orcae, batch=batch, commune=commune, year=year, quantity=Quantity.EMISSIONS, value=value
        )
        for year, value in ((2005, 1000.0), (2023, 750.0))
    )
    totals_rebuild()  # written straight into the fact table: its aggregates follow, as after an import
    group = WorkingGroup.objects.create(commune=commune)
    Meeting.objects.create(group=group, starts_at=paris(2025, 3, 4, 18))
    Meeting.objects.create(group=group, starts_at=paris(2024, 12, 4, 18))
    soon = timezone.now() + timedelta(days=10)
    Meeting.objects.create(group=WorkingGroup.objects.create(commune=other), starts_at=soon)
    Meeting.objects.create(group=group, starts_at=timezone.now() + timedelta(days=100))
    return soon


def assemble(user, **kwargs) -> Letter:
    kwargs.setdefault("territory", TerritoryFactory())  # the Métro's letter
    return letters.letter_assemble(period_start=START, period_end=END, user=user, **kwargs)


def bodies(letter) -> dict[str, str]:
    return {section.heading: plain(section.body) for section in letter.sections.all()}


# --- the period's highlights --------------------------------------------------------------------


def test_assembling_picks_the_highlights_of_the_period_and_only_them(cast, period):
    letter = assemble(cast.advisor)
    assert (letter.number, letter.status, letter.created_by) == (1, LetterStatus.DRAFT, cast.advisor)
    assert plain(letter.title) == "Du 1er janvier 2025 au 31 mars 2025"
    sections = bodies(letter)
    assert list(sections) == [
        "Plans d’actions nouvellement délibérés",
        "Actions réalisées",
        "Nouvelles de l’observatoire",
        "Groupes de travail",
    ]
    plans = sections["Plans d’actions nouvellement délibérés"]
    assert plans.startswith("- Saint-Martin-d'Hères : « Plan climat 2025-2031 » (version 1)")
    assert "2025-012" in plans and "10 février 2025" in plans and "trop tôt" not in plans
    assert "Plan en préparation" not in plans  # not adopted
    done = sections["Actions réalisées"]
    assert "Chaufferie bois du gymnase" in done and "Extinction nocturne" in done
    for outside in ("Isolation de la mairie", "Vélos à assistance", "Sobriété numérique"):
        assert outside not in done
    news = sections["Nouvelles de l’observatoire"]
    assert "20 février 2025" in news and "(années 2005–2023)" in news and "2022" not in news
    # One commune of three has emissions: a partial sum with its coverage, no agglomeration change.
    assert "−25,0" not in news
    assert "2023" in news and "1 commune sur 3" in news and "Grenoble-Alpes Métropole" in news
    groups = letter.sections.get(heading="Groupes de travail").body.split("\n")
    assert [plain(line) for line in groups] == [
        "- 1 réunion de groupe de travail dans 1 commune, 0 décision prise",
        "- Réunions par commune : Saint-Martin-d'Hères (1)",
    ]  # neither the meeting of December 2024 nor the ones to come


def test_issues_are_numbered_one_after_the_other_and_keep_a_given_title(cast):
    first = assemble(cast.advisor)
    second = assemble(cast.metro_officer, title="Spécial rénovation")
    assert (first.number, second.number) == (1, 2)
    assert second.title == "Spécial rénovation"
    assert second.sections.count() == 0  # a quiet period: nothing to report, sections to write


def test_a_period_cannot_end_before_it_starts(cast, login):
    response = login(cast.advisor).post(
        url("letter_new"),
        {
            "territory": cast.territory.pk,
            "period_start": "2025-03-31",
            "period_end": "2025-01-01",
            "title": "",
        },
    )
    assert response.status_code == 200 and "La période ne peut pas finir avant de commencer." in plain(
        response.text.replace("&#x27;", "'")
    )
    assert not Letter.objects.exists()


def test_a_manager_assembles_an_issue_from_the_form(cast, period, login):
    client = login(cast.metro_officer)
    assert client.get(url("letter_new")).status_code == 200
    response = client.post(
        url("letter_new"),
        {"territory": cast.territory.pk, "period_start": "2025-01-01", "period_end": "2025-03-31"},
    )
    letter = Letter.objects.get()
    assert response.status_code == 302 and response.url == url("letter", letter)
    assert letter.territory == cast.territory
    page = client.get(response.url)
    assert "Chaufferie bois du gymnase" in page.text and "Brouillon" in page.text


# --- editing, publishing --------------------------------------------------------------------------


def formset_data(letter, rows, **fields):
    data = {"title": letter.title, "editorial": letter.editorial, **fields}
    data.update(
        {
            "sections-TOTAL_FORMS": str(len(rows)),
            "sections-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "50",
        }
    )
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"sections-{index}-{key}"] = "on" if value is True else str(value)
    return data


def test_an_editor_rewrites_removes_adds_and_reorders_sections(cast, period, login):
    letter = assemble(cast.advisor)
    plans, done, news, groups = letter.sections.all()
    rows = [
        {"id": plans.pk, "order": 2, "heading": plans.heading, "body": plans.body},
        {"id": done.pk, "order": 1, "heading": "Ce qui a été fait", "body": "- Chaufferie bois du gymnase"},
        {"id": news.pk, "order": 3, "heading": news.heading, "body": news.body, "DELETE": True},
        {"id": groups.pk, "order": 4, "heading": groups.heading, "body": groups.body},
        {"id": "", "order": "", "heading": "Agenda", "body": "Rencontre du réseau le 12 juin."},
    ]
    data = formset_data(letter, rows, title="Le printemps du Plan Climat", editorial="Bonne lecture !")
    response = login(cast.advisor).post(url("letter_edit", letter), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    letter.refresh_from_db()
    assert (letter.title, letter.editorial) == ("Le printemps du Plan Climat", "Bonne lecture !")
    assert [s.heading for s in letter.sections.all()] == [
        "Ce qui a été fait",
        "Plans d’actions nouvellement délibérés",
        "Groupes de travail",
        "Agenda",
    ]
    assert letter.sections.get(heading="Ce qui a été fait").pk == done.pk


def test_a_section_needs_a_heading(cast, login):
    letter = assemble(cast.advisor)
    data = formset_data(letter, [{"id": "", "order": "1", "heading": "", "body": "Un texte sans titre"}])
    response = login(cast.advisor).post(url("letter_edit", letter), data)
    assert response.status_code == 200 and letter.sections.count() == 0


def test_a_section_of_another_letter_cannot_be_edited_through_this_one(cast):
    letter = assemble(cast.advisor, title="Une")
    other = assemble(cast.advisor, title="Autre")
    foreign = other.sections.create(heading="Autre", body="")
    with pytest.raises(ValidationError):
        letters.letter_update(
            letter=letter,
            title="Une",
            editorial="",
            sections=[{"id": foreign.pk, "heading": "Volée"}],
            user=None,
        )
    foreign.refresh_from_db()
    assert foreign.heading == "Autre"


def test_publishing_locks_the_letter(cast, period, login):
    letter = assemble(cast.advisor)
    client = login(cast.advisor)
    response = client.post(url("letter_publish", letter))
    letter.refresh_from_db()
    assert response.status_code == 302 and letter.is_published
    assert (letter.published_by, letter.published_at is not None) == (cast.advisor, True)
    response = client.get(url("letter_edit", letter))
    assert response.status_code == 302 and response.url == url("letter", letter)
    assert messages_of(response)[-1] == "Cette lettre est publiée : elle ne peut plus être modifiée."
    response = client.post(url("letter_edit", letter), formset_data(letter, [], title="Changé après coup"))
    letter.refresh_from_db()
    assert letter.title != "Changé après coup" and letter.sections.count() == 4
    with pytest.raises(ValidationError):
        letters.letter_update(letter=letter, title="x", editorial="", sections=[], user=cast.advisor)
    response = client.post(url("letter_publish", letter))
    assert messages_of(response)[-1] == "Cette lettre est publiée : elle ne peut plus être modifiée."


def test_an_empty_letter_is_not_published(cast, login):
    letter = assemble(cast.advisor)
    response = login(cast.advisor).post(url("letter_publish", letter))
    letter.refresh_from_db()
    assert not letter.is_published
    assert messages_of(response) == [
        "Une lettre vide ne peut pas être publiée : écrivez un éditorial ou une rubrique."
    ]


# --- sending --------------------------------------------------------------------------------------


def published(cast, **kwargs) -> Letter:
    letter = assemble(cast.advisor, **kwargs)
    letter.sections.create(heading="À la une", body="Un texte <b>gras</b> ?\n- premier point\n- second point")
    return letters.letter_publish(letter=letter, user=cast.advisor)


def test_sending_emails_the_network_once_with_an_html_version(
    cast, login, django_capture_on_commit_callbacks
):
    letter = published(cast, title="Le printemps du Plan Climat")
    MembershipFactory(user__is_active=False, role=Role.REFERENT)  # a former member
    UserFactory(email="sans-role@example.org")  # an account with no role anywhere
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.metro_officer).post(url("letter_send", letter))
    assert response.status_code == 302
    # The territory's network (not the platform's administrators, nor the other territory's people).
    expected = sorted(
        user.email
        for user in (
            cast.metro_officer,
            cast.advisor,
            cast.referent,
            cast.staff,
            cast.elected,
            cast.outsider,
        )
    )
    assert sorted(message.to[0] for message in mail.outbox) == expected
    message = mail.outbox[0]
    assert len(message.to) == 1  # nobody sees the others' addresses
    # The territory's title of its letter (Territory.letter_title), its number and the issue's title.
    assert plain(message.subject).startswith("La Lettre du Plan Climat n")
    assert plain(message.subject).endswith(" 1 : Le printemps du Plan Climat") or plain(
        message.subject
    ).endswith(" 1: Le printemps du Plan Climat")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<li>premier point</li>" in html and "&lt;b&gt;gras&lt;/b&gt;" in html
    link = f"https://pcl.example.org/reporting/letters/{letter.pk}/"
    assert f"Lire cette lettre sur la plateforme\u00a0: {link}" in message.body  # French spacing, as on pages
    assert "- premier point" in message.body
    letter.refresh_from_db()
    assert (letter.recipient_count, letter.sent_by) == (6, cast.metro_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.metro_officer).post(url("letter_send", letter))
    assert len(mail.outbox) == 6
    assert messages_of(response)[-1].startswith("Cette lettre a déjà été envoyée le ")


def test_a_draft_is_not_sent(cast, login, django_capture_on_commit_callbacks):
    letter = assemble(cast.advisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.advisor).post(url("letter_send", letter))
    assert messages_of(response) == ["Publiez la lettre avant de l’envoyer."]
    assert mail.outbox == []


def test_the_email_preview_shows_the_letter_as_sent(cast, login):
    letter = published(cast)
    response = login(cast.advisor).get(url("letter_email", letter))
    assert response.status_code == 200
    assert "<li>premier point</li>" in response.text and "&lt;b&gt;gras&lt;/b&gt;" in response.text


def test_the_email_preview_allows_the_emails_inline_styles_and_no_script(cast, login):
    """An email's HTML styles itself with style attributes; its preview lets them apply and runs nothing."""
    response = login(cast.advisor).get(url("letter_email", published(cast)))
    assert 'style="' in response.text
    directives = dict(
        (name, values)
        for name, *values in (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    )
    assert directives["default-src"] == ["'none'"]  # no script, stylesheet, font or request at all
    assert directives["style-src"] == ["'unsafe-inline'"]
    assert "script-src" not in directives
    assert directives["frame-ancestors"] == ["'none'"]


# --- the PDF --------------------------------------------------------------------------------------


def test_a_reader_makes_the_pdf_of_a_published_letter_and_downloads_it(
    cast, login, django_capture_on_commit_callbacks
):
    letter = published(cast, title="Le printemps du Plan Climat")
    client = login(cast.elected)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("letter_pdf", letter))
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("reporting:document", args=[document.pk])
    assert (document.status, document.letter, document.requested_by) == (
        DocumentStatus.DONE,
        letter,
        cast.elected,
    )
    download = client.get(reverse("reporting:document_download", args=[document.pk]))
    assert download.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = plain(" ".join(page.extract_text() for page in reader.pages))
    assert 1 <= len(reader.pages) <= 3
    # The territory's title of its letter and the issue's number.
    assert "La Lettre du Plan Climat" in text and "Le printemps du Plan Climat" in text
    assert "À la une" in text and "premier point" in text and "Un texte <b>gras</b> ?" in text
    assert document.file.name.endswith("lettre-plan-climat-grenoble-alpes-metropole-1.pdf")
    page = client.get(url("letter", letter))
    assert reverse("reporting:document_download", args=[document.pk]) in page.text


def test_the_pdf_of_a_draft_is_for_its_editors_only(cast, login, django_capture_on_commit_callbacks):
    letter = assemble(cast.advisor)
    letter.sections.create(heading="Brouillon", body="À relire")
    with django_capture_on_commit_callbacks(execute=True):
        login(cast.advisor).post(url("letter_pdf", letter))
    document = GeneratedDocument.objects.get()
    assert document.file.name.endswith("lettre-plan-climat-grenoble-alpes-metropole-1-brouillon.pdf")
    assert login(cast.elected).get(reverse("reporting:document", args=[document.pk])).status_code == 404
    assert login(cast.elected).post(url("letter_pdf", letter)).status_code == 404


# --- who may do what ------------------------------------------------------------------------------


def test_the_list_shows_drafts_to_managers_only(cast, login):
    draft = assemble(cast.advisor, title="Numéro en cours")
    public = published(cast, title="Numéro paru")
    for role in MANAGERS:
        page = login(getattr(cast, role)).get(url("letters"), {"territory": cast.territory.slug})
        assert page.status_code == 200 and draft.title in page.text and public.title in page.text
    for user in (getattr(cast, role) for role in READERS):
        page = login(user).get(url("letters"))
        assert page.status_code == 200 and draft.title not in page.text and public.title in page.text
    # Someone with no role in any territory reads no territory's letters; another territory's people
    # read their own territory's only.
    for user in (UserFactory(), cast.foreign_officer, cast.foreign_advisor):
        page = login(user).get(url("letters"))
        assert page.status_code == 200 and draft.title not in page.text and public.title not in page.text


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_reach_every_page_of_a_draft(cast, login, role):
    letter = assemble(cast.advisor)
    client = login(getattr(cast, role))
    for name in ("letter", "letter_edit", "letter_email"):
        assert client.get(url(name, letter)).status_code == 200, name
    assert client.get(url("letter_new")).status_code == 200


@pytest.mark.parametrize("role", READERS)
def test_readers_get_404_on_every_page_of_a_draft(cast, login, role):
    letter = assemble(cast.advisor)
    client = login(getattr(cast, role))
    for name in ("letter", "letter_edit", "letter_email"):
        assert client.get(url(name, letter)).status_code == 404, name
    for name in ("letter_publish", "letter_send", "letter_pdf"):
        assert client.post(url(name, letter)).status_code == 404, name
    letter.refresh_from_db()
    assert not letter.is_published


@pytest.mark.parametrize("role", READERS)
def test_readers_read_a_published_letter_and_nothing_more(
    cast, login, role, django_capture_on_commit_callbacks
):
    letter = published(cast)
    client = login(getattr(cast, role))
    page = client.get(url("letter", letter))
    assert page.status_code == 200 and "premier point" in page.text
    assert url("letter_send", letter) not in page.text and url("letter_edit", letter) not in page.text
    assert client.get(url("letter_new")).status_code == 403
    assert (
        client.post(url("letter_new"), {"period_start": "2025-01-01", "period_end": "2025-03-31"}).status_code
        == 403
    )
    assert client.get(url("letter_edit", letter)).status_code == 403
    assert client.get(url("letter_email", letter)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("letter_send", letter)).status_code == 403
    assert mail.outbox == [] and Letter.objects.count() == 1


def test_a_person_without_any_role_reads_no_letter(cast, login):
    nobody = UserFactory()
    draft, public = assemble(cast.advisor), published(cast)
    client = login(nobody)
    assert client.get(url("letter", public)).status_code == 404  # of a territory they have no part in
    assert client.get(url("letter", draft)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(cast, client):
    letter = published(cast)
    for name in ("letters", "letter_new"):
        assert_login_redirect(client.get(url(name)))
    for name in ("letter", "letter_edit", "letter_email"):
        assert_login_redirect(client.get(url(name, letter)))
    for name in ("letter_publish", "letter_send", "letter_pdf"):
        assert_login_redirect(client.post(url(name, letter)))


def test_actions_only_accept_post(cast, login):
    letter = published(cast)
    client = login(cast.advisor)
    for name in ("letter_publish", "letter_send", "letter_pdf"):
        assert client.get(url(name, letter)).status_code == 405


# --- the text format -------------------------------------------------------------------------------


def test_letter_text_makes_paragraphs_and_lists_and_escapes_everything():
    html = letter_html("Bonjour à tous: <script>alert(1)</script>\nsuite\n\n- un\n- deux & trois\nfin")
    assert html == (
        "<p>Bonjour à tous\u00a0: &lt;script&gt;alert(1)&lt;/script&gt;<br>suite</p>\n"
        "<ul><li>un</li><li>deux &amp; trois</li></ul>\n<p>fin</p>"
    )


# --- the period's edges ---------------------------------------------------------------------------


def test_every_section_leaves_out_what_happened_the_day_before_or_after_the_period(cast):
    """Each kind of highlight, dated on the first and last days of the period and on the days just
    outside it: only the first two make the letter. One commune per date, each plan its commune's
    followed plan."""
    inside = {"first": START, "last": END}
    outside = {"before": START - timedelta(1), "after": END + timedelta(1)}
    for name, day in {**inside, **outside}.items():
        commune = CommuneFactory(name=f"Commune {name}")
        plan = ActionPlanFactory(
            commune=commune, title=f"Plan {name}", status=PlanStatus.FOLLOW_UP, deliberation_date=day
        )
        ActionFactory(
            plan=plan, title=f"Action {name}", status=ActionStatus.DONE, start_date=day, end_date=day
        )
        moment = paris(day.year, day.month, day.day, 0, 30) if name in ("first", "after") else None
        moment = moment or paris(day.year, day.month, day.day, 23, 30)  # edges of the day, in Paris
        ImportBatch.objects.create(
            dataset=Dataset.objects.get(code="orcae"),
            format="long",
            original_name=f"import-{name}.csv",
            file="x.csv",
            status=BatchStatus.DONE,
            finished_at=moment,
            years=[{"first": 2001, "last": 2002, "before": 2003, "after": 2004}[name]],
        )
        meeting = Meeting.objects.create(group=WorkingGroup.objects.create(commune=commune), starts_at=moment)
        meeting.decisions.create(text=f"Décision {name}")
    sections = bodies(assemble(cast.advisor))
    text = " ".join(sections.values())
    for name in inside:
        assert f"Plan {name}" in text and f"Action {name}" in text and f"Décision {name}" in text
    assert "2001" in text and "2002" in text
    for name in outside:
        assert f"Plan {name}" not in text and f"Action {name}" not in text and f"Décision {name}" not in text
    assert "2003" not in text and "2004" not in text
    assert (
        "2 réunions de groupe de travail dans 2 communes, 2 décisions prises"
        in sections["Groupes de travail"]
    )


def test_the_agglomerations_change_is_news_only_when_its_figures_came_in_during_the_period(cast, period):
    ImportBatch.objects.filter(finished_at__year=2025).update(finished_at=paris(2025, 4, 2, 9))
    sections = bodies(assemble(cast.advisor))
    assert "Nouvelles de l’observatoire" not in sections


def observatory_news(user) -> str:
    """The section's text as stored, no-break spaces kept (they are part of the figures)."""
    return assemble(user).sections.get(heading=_("News from the observatory")).body


def visible(html: str) -> str:
    """The text of a page, its markup's white space collapsed; no-break spaces kept."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def emissions_everywhere(*, years, partial_year=None):
    """Emissions of every commune in `years` (1 000 t, then 800 t), and of one commune in `partial_year`."""
    orcae = Dataset.objects.get(code="orcae")
    batch = ImportBatch.objects.get(original_name="orcae-2025.csv")
    Observation.objects.filter(dataset=orcae).delete()
    communes = list(Commune.objects.order_by("pk"))
    rows = [
        Observation(
            dataset=orcae,
            batch=batch,
            commune=commune,
            year=year,
            quantity=quantity_,
            value=value if quantity_ == Quantity.EMISSIONS else 10 * value,
        )
        for commune in communes
        for year, value in zip(years, (1000.0, 800.0), strict=True)
        for quantity_ in (Quantity.EMISSIONS, Quantity.CONSUMPTION)
    ]
    if partial_year:
        rows.append(
            Observation(
                dataset=orcae,
                batch=batch,
                commune=communes[0],
                year=partial_year,
                quantity=Quantity.EMISSIONS,
                value=700.0,
            )
        )
    Observation.objects.bulk_create(rows)
    totals_rebuild()  # written straight into the fact table: its aggregates follow, as after an import
    return communes


def test_the_observatory_news_gives_a_partial_year_as_a_labelled_sum_with_its_coverage(cast, period):
    Commune.objects.update(population=10000)
    Commune.objects.filter(pk=cast.commune.pk).update(population=30000)
    news = observatory_news(cast.advisor)
    total = Commune.objects.filter(territory=cast.territory).count()  # the Métro's: Voiron is not counted
    assert total == 3
    # (The sentence's French comes with the translation of its msgid naming the territory.)
    assert "1 commune sur 3 (60\u00a0% de la population)" in news
    assert "750\u00a0t\u00a0CO2e" in news and "Grenoble-Alpes Métropole" in news
    assert "2005 et 2023" not in news and "2005 and 2023" not in news  # no change: 2023 is partial


def test_the_observatory_news_gives_the_agglomerations_change_with_its_coverage_in_french_and_english(
    cast, period, settings
):
    emissions_everywhere(years=(2005, 2023), partial_year=2024)
    news = observatory_news(cast.advisor)
    # (The sentences' French comes with the translation of their msgids naming the territory.)
    assert "toutes les communes (3)" in news and "−20,0\u00a0%" in news
    assert "1 commune sur 3 (33\u00a0% de la population)" in news and "700\u00a0t\u00a0CO2e" in news
    # A letter is written in the site's language; its highlights follow the active one.
    with translation.override("en"):
        news = "\n".join(
            letters.letter_highlights(territory=TerritoryFactory(), period_start=START, period_end=END)[
                2
            ].items
        )
    assert (
        "Greenhouse-gas emissions of Grenoble-Alpes Métropole, measured in every commune (3): −20.0% between"
        " 2005 and 2023; final energy consumption: −20.0%"
    ) in news
    assert (
        "Greenhouse-gas emissions in 2024, partial data measured in 1 commune of 3 (33% of the population):"
        " 700\u00a0t\u00a0CO2e, not a total of Grenoble-Alpes Métropole"
    ) in news


def test_the_agglomerations_change_reads_the_observatory_in_a_fixed_number_of_queries(
    cast, period, django_assert_max_num_queries
):
    emissions_everywhere(years=(2005, 2023), partial_year=2024)
    # The commune ids, then the observatory's territory selector (coverage, series, targets, provenance).
    territory = TerritoryFactory()
    with django_assert_max_num_queries(12):
        change = letters.agglomeration_change(territory=territory)
    assert (change.year, change.partial_year_label) == (2023, "2024")


def test_the_letters_email_and_pdf_show_the_coverage_of_the_agglomerations_change(cast, period, login):
    emissions_everywhere(years=(2005, 2023))
    letter = assemble(cast.advisor)
    client = login(cast.advisor)
    expected = "toutes les communes (3)"  # the coverage of the territory's change
    assert expected in visible(client.get(url("letter", letter)).text)
    assert expected in visible(client.get(url("letter_email", letter)).text)
    letter = letters.letter_with_sections(letter_id=letter.pk)
    sections = letter.sections.all()
    assert expected in visible(
        render_to_string("reporting/email/letter.txt", {"letter": letter, "sections": sections})
    )
    pdf_html = render_to_string(
        "reporting/pdf/letter.html", {"letter": letter, "sections": sections, "subject": "x"}
    )
    assert expected in visible(pdf_html)


def test_thirty_meetings_read_as_a_summary_with_counts_per_commune_and_a_few_decisions(cast):
    names = [
        "Meylan",
        "Vif",
        "Échirolles",
        "Eybens",
        "Gières",
        "Claix",
        "Sassenage",
        "Seyssins",
        "Varces",
        "Vizille",
    ]
    communes = [cast.commune] + [CommuneFactory(name=name) for name in names]
    counts = [6, 5, 4, 3, 3, 2, 2, 2, 1, 1, 1]  # 30 meetings in 11 communes
    for commune, count in zip(communes, counts, strict=True):
        group = WorkingGroup.objects.create(commune=commune)
        for index in range(count):
            meeting = Meeting.objects.create(
                group=group, starts_at=paris(2025, 1 + index % 3, 10 + index, 18)
            )
            meeting.decisions.create(text=f"Décision {commune.name} {index}")
    items = [
        plain(line)
        for line in letters.letter_highlights(
            territory=TerritoryFactory(), period_start=START, period_end=END
        )[-1].items
    ]
    assert len(items) == 5  # a summary, the communes, three decisions: not thirty lines
    assert items[0] == "30 réunions de groupe de travail dans 11 communes, 30 décisions prises"
    assert items[1] == (
        "Réunions par commune : Saint-Martin-d'Hères (6), Meylan (5), Vif (4), Échirolles (3), Eybens (3),"
        " Claix (2), Gières (2), Sassenage (2) et 3 autres communes (3)"
    )
    assert items[2].startswith("Saint-Martin-d'Hères, 15 mars 2025 : Décision Saint-Martin-d'Hères 5")


# --- the editorial --------------------------------------------------------------------------------


def test_the_editorial_written_at_assembly_comes_first_on_the_page_in_the_email_and_in_the_pdf(
    cast, period, login
):
    client = login(cast.advisor)
    client.post(
        url("letter_new"),
        {
            "territory": cast.territory.pk,
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "editorial": "Le mot du président.",
        },
    )
    letter = Letter.objects.get()
    assert letter.editorial == "Le mot du président."
    page = client.get(url("letter", letter)).text
    assert page.index("Le mot du président.") < page.index("Plans d’actions nouvellement délibérés")
    email = client.get(url("letter_email", letter)).text
    assert email.index("Le mot du président.") < email.index("Plans d’actions nouvellement délibérés")
    letter = letters.letter_with_sections(letter_id=letter.pk)
    text = render_to_string(
        "reporting/email/letter.txt", {"letter": letter, "sections": letter.sections.all()}
    )
    assert text.index("Le mot du président.") < text.index("PLANS D’ACTIONS NOUVELLEMENT DÉLIBÉRÉS")
    pdf_html = render_to_string(
        "reporting/pdf/letter.html", {"letter": letter, "sections": letter.sections.all(), "subject": "x"}
    )
    assert pdf_html.index("Le mot du président.") < pdf_html.index("Plans d’actions nouvellement délibérés")


def test_a_draft_without_an_editorial_shows_its_editors_where_it_goes(cast, login):
    letter = assemble(cast.advisor)
    page = login(cast.advisor).get(url("letter", letter)).text
    assert 'id="letter-editorial-room"' in page and url("letter_edit", letter) + "#id_editorial" in page
    edit = login(cast.advisor).post(
        url("letter_edit", letter), formset_data(letter, [], editorial="Bonne lecture\r\n\r\nà tous.")
    )
    assert edit.status_code == 302
    letter.refresh_from_db()
    assert letter.editorial == "Bonne lecture\n\nà tous."
    page = login(cast.advisor).get(url("letter", letter)).text
    assert 'id="letter-editorial-room"' not in page and 'id="letter-editorial"' in page
    published_letter = letters.letter_publish(letter=letter, user=cast.advisor)
    response = login(cast.advisor).get(url("letter_edit", published_letter))
    assert response.status_code == 302 and response.url == url("letter", letter)
